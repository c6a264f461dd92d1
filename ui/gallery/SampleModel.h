#pragma once
// Every synthetic image of the project, in creation order, with its class, curation status and
// teacher scores. Status changes are written to the project at once (samples.jsonl) before the
// model shows them; a failed write changes nothing and is reported.
#include <QAbstractListModel>
#include <QHash>
#include <QList>

#include <vector>

#include "tint/Workflow.h"

class ProjectController;
class ThumbnailCache;

class SampleModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Roles {
        ClassRole = Qt::UserRole + 1,  ///< int class index
        ClassNameRole,
        StatusRole,                    ///< "new", "accepted", "rejected"
        TeacherClassRole,              ///< int, -1 until scored
        ConfidenceRole,                ///< double, -1 until scored
        NoveltyRole,                   ///< double, -1 until scored
        DuplicateRole,                 ///< QString, empty when none
        FilePathRole,                  ///< absolute path
        IdRole,
        OrderRole,                     ///< creation order
        GeneratorRole,
    };
    struct Change {
        int row = 0;
        QString status;
    };

    SampleModel(ProjectController* project, ThumbnailCache* thumbnails, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// Replaces the content (after opening a project or a reload).
    void reset(std::vector<tint::ProjectSample> samples);
    /// A sample that has just been made.
    void append(int classIndex, const tint::SampleRecord& record);
    /// New teacher scores for samples of a class.
    void updateScores(int classIndex, const std::vector<tint::SampleRecord>& records);
    /// Writes the status changes (grouped per class, one durable write each) and shows them.
    /// Returns false with `error` set when a write failed; then the classes already written get their
    /// earlier statuses back and nothing is shown changed (unless taking back failed too: the error
    /// says so, and those classes show what their files say).
    bool setStatuses(const QList<Change>& changes, QString* error);

    int rowOf(int classIndex, const QString& id) const;
    const tint::ProjectSample& sample(int row) const { return m_samples[std::size_t(row)]; }
    QString absolutePath(int row) const;
    /// Counts per status ("new", "accepted", "rejected") for a class (-1: all).
    QHash<QString, int> statusCounts(int classIndex = -1) const;

private:
    void thumbnailReady(const QString& path);
    QString key(int classIndex, const std::string& id) const;
    ProjectController* m_project;
    ThumbnailCache* m_thumbnails;
    std::vector<tint::ProjectSample> m_samples;
    QHash<QString, int> m_rowById;     // "class/id" -> row
    QHash<QString, QList<int>> m_rowsByPath;
};
