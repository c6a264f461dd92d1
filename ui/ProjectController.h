#pragma once
// Owns the open project on the GUI thread. Every change is saved at once (autosave); a failed
// save is undone in memory and reported, so what is shown always matches what is on disk.
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

#include "tint/Project.h"

class ProjectController : public QObject {
    Q_OBJECT
public:
    explicit ProjectController(QObject* parent = nullptr);
    ~ProjectController() override;

    bool isOpen() const { return m_project != nullptr; }
    const tint::Project* project() const { return m_project.get(); }
    QString rootPath() const;
    QString displayName() const;
    int classCount() const;
    const tint::ClassEntry* classAt(int index) const;
    /// The names of the classes that have no support image yet.
    QStringList classesWithoutSupports() const;
    /// Two classes or more, each with a support image: what the teacher's head needs to be fitted
    /// (training a student, scoring synthetic images).
    bool canFitTeacherHead() const;
    QString absolutePath(const QString& relative) const;

    /// Opens a project; on failure returns false with `error` set and keeps the current one.
    bool open(const QString& path, QString* error);
    bool create(const QString& path, const QString& name, QString* error);
    /// Takes over a project created elsewhere (the demo, made on the engine thread).
    void adopt(tint::Project project);
    void close();

    bool addClass(const QString& name, QString* error);
    bool renameClass(int index, const QString& name, QString* error);
    bool removeClass(int index, QString* error);
    bool removeSupports(int classIndex, QList<int> imageIndexes, QString* error);
    /// Records images the engine copied into the project; returns how many were added.
    int addStaged(const std::vector<tint::StagedImage>& staged, QString* error);
    bool setModels(const tint::ModelSettings& models, QString* error);
    /// Stores the inversion and distillation settings (JSON object texts, see tint::ProjectData).
    bool setWorkflowSettings(const QString& tintJson, const QString& distillJson, QString* error);
    /// Writes project.json again (File > Save).
    bool save(QString* error);

Q_SIGNALS:
    void projectOpened();
    void projectClosed();
    void classesChanged();
    void supportsChanged(int classIndex);
    void modelsChanged();

private:
    template <class F>
    bool guarded(QString* error, F&& f);
    std::unique_ptr<tint::Project> m_project;
};
