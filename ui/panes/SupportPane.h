#pragma once
// Step 1: the support set. Classes on the left, the selected class's images on the right.
#include <QWidget>

#include <functional>
#include <string>

class ProjectController;
class ClassListModel;
class SupportImageModel;
class QListView;
class QLabel;
class QPushButton;

class SupportPane : public QWidget {
    Q_OBJECT
public:
    SupportPane(ProjectController* project, QWidget* parent = nullptr);

    ClassListModel* classModel() const { return m_classes; }
    SupportImageModel* imageModel() const { return m_images; }
    QListView* classView() const { return m_classView; }
    QListView* imageView() const { return m_imageView; }
    /// The selected class (-1 when none).
    int currentClass() const;
    void selectClass(int index);
    /// Asked before a class or support image is deleted: false (with the reason) while jobs run,
    /// since they read and write the class's folders.
    void setDeleteGuard(std::function<bool(QString* why)> guard) { m_deleteGuard = std::move(guard); }

Q_SIGNALS:
    void importImagesRequested();
    void importFolderRequested();
    void errorOccurred(const QString& title, const QString& message);

public Q_SLOTS:
    void addClass();
    void renameClass();
    void deleteClass();
    void removeSelectedImages();

private:
    bool deletingAllowed();
    /// Shows the class chosen last (by folder; after its removal the one now in its row) in the
    /// list, the header and the image grid alike.
    void showChosenClass();
    std::string m_shownDir;  ///< folder of the class chosen last
    int m_shownRow = 0;
    /// Asks before deleting (answered yes in offscreen tests, which set "tint_no_dialogs").
    bool confirmed(const QString& title, const QString& question);
    std::function<bool(QString*)> m_deleteGuard;
    void updateState();
    ProjectController* m_project;
    ClassListModel* m_classes;
    SupportImageModel* m_images;
    QListView* m_classView;
    QListView* m_imageView;
    QLabel* m_header;
    QLabel* m_empty;
    QPushButton* m_renameButton;
    QPushButton* m_deleteButton;
    QPushButton* m_importButton;
    QPushButton* m_removeButton;
};
