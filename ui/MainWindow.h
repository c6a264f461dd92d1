#pragma once
// The workbench window: the workflow's panes as numbered tabs, the log dock, menus, and a status
// bar with the running job's progress, ETA and Cancel. It knows nothing about the engine: it
// emits requests, and the application wires them to jobs.
#include <QMainWindow>
#include <QStringList>

#include "JobTypes.h"

class ProjectController;
class SupportPane;
class InversionPane;
class SyntheticPane;
class DistillPane;
class LogView;
class QLabel;
class QMenu;
class QProgressBar;
class QTabWidget;
class QToolButton;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(ProjectController* project, QWidget* parent = nullptr);

    SupportPane* supportPane() const { return m_support; }
    InversionPane* inversionPane() const { return m_inversion; }
    SyntheticPane* syntheticPane() const { return m_synthetic; }
    DistillPane* distillPane() const { return m_distill; }
    LogView* logView() const { return m_log; }
    QTabWidget* tabs() const { return m_tabs; }
    QProgressBar* progressBar() const { return m_progress; }
    QToolButton* cancelButton() const { return m_cancel; }
    QAction* undoAction() const { return m_undo; }
    QAction* redoAction() const { return m_redo; }
    QAction* cancelJobAction() const { return m_cancelNow; }

    void setRecentProjects(const QStringList& paths);
    /// Enables the Export menu's entries for what the project has.
    void setExportAvailability(bool student, bool tokens, bool dataset);
    QAction* exportAction(int which) const { return m_export[which]; }  ///< 0 ONNX, 1 tokens, 2 dataset, 3 card
    /// Files and folders dropped on the window or chosen in a dialog go through here.
    void importPaths(const QStringList& paths);

public Q_SLOTS:
    void onJobStarted(JobId id, const QString& title);
    void onJobProgress(const JobProgress& p);
    /// A job ended; `summary` is shown in the status bar for a while.
    void onJobEnded(JobId id, const QString& summary);
    void onLogMessage(int level, const QString& logger, const QString& text);
    void showError(const QString& title, const QString& message);
    void setQueuedJobs(int count);
    /// After a close that waits for the jobs to stop: closes once none runs or waits.
    void closeIfClosing();

Q_SIGNALS:
    void newProjectRequested(const QString& folder, const QString& name);
    void openProjectRequested(const QString& folder);
    void openDemoRequested();
    /// Import image files into the class at `classIndex`.
    void importFilesRequested(int classIndex, const QStringList& files);
    /// Import a folder-per-class tree.
    void importClassFoldersRequested(const QString& root);
    void preferencesRequested();
    void cancelRequested(int mode);  ///< tint::CancelMode as int
    /// Closing while jobs run: cancel the running and the waiting ones.
    void cancelAllRequested();
    void exportOnnxRequested();
    void exportTokensRequested();
    void exportDatasetRequested();
    void exportModelCardRequested();

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void buildStatusBar();
    void updateTitle();
    void chooseNewProject();
    void chooseOpenProject();
    void chooseImportImages();
    void chooseImportFolder();
    void showAbout();
    void showModelsHelp();

    ProjectController* m_project;
    QTabWidget* m_tabs;
    SupportPane* m_support;
    InversionPane* m_inversion;
    SyntheticPane* m_synthetic;
    DistillPane* m_distill;
    LogView* m_log;
    QMenu* m_recentMenu = nullptr;
    QAction* m_export[4] = {};
    QAction* m_undo          = nullptr;
    QAction* m_redo          = nullptr;
    QAction* m_cancelNow     = nullptr;
    QAction* m_stopAfterItem = nullptr;
    QString m_jobTitle;
    QLabel* m_jobLabel;
    QLabel* m_etaLabel;
    QLabel* m_queueLabel;
    QProgressBar* m_progress;
    QToolButton* m_cancel;
    JobId m_currentJob = 0;
    int m_queuedJobs   = 0;
    bool m_closing     = false;  ///< closing waits for the jobs to stop
};
