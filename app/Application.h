#pragma once
// Composition root of the GUI: owns the engine client, the project and the main window, and is
// the only place where ui/ requests are connected to engine jobs.
#include <QObject>
#include <QStringList>
#include <QThreadPool>

#include <atomic>
#include <memory>

#include "Settings.h"

class EngineClient;
class MainWindow;
class ProjectController;
class WorkflowController;

struct StartOptions {
    QString project;         ///< open this project
    bool demo = false;       ///< open (creating if needed) the demo project
    QString screenshotDir;   ///< render every pane there, then quit
    bool screenshotFlow = false;   ///< first run the workflow (augment, score, curate, train)
    QString screenshotGenerator;   ///< with it also invert the first class and sample with TINT
};

class Application : public QObject {
    Q_OBJECT
public:
    Application(QObject* parent = nullptr);
    ~Application() override;

    void start(const StartOptions& options);
    MainWindow* window() const { return m_window.get(); }
    ProjectController* project() const { return m_project; }
    EngineClient* engine() const { return m_engine; }
    WorkflowController* workflow() const { return m_workflow; }

    /// Where the bundled demo photos are (installed share/ or the source tree).
    static QString demoPhotosDir();
    /// Where the demo project is created for this user.
    static QString demoProjectDir();

    /// Opening, creating or switching to another project waits until no job runs or waits: every
    /// job writes into the project it was started for. Refused with a message while one does.
    void openProject(const QString& path);
    void openDemo();
    void newProject(const QString& folder, const QString& name);
    void importFiles(int classIndex, const QStringList& files);
    void importClassFolders(const QString& root);
    void requestThumbnails(const QStringList& paths);
    /// Waits until the support thumbnails asked for so far have reached the model (tests, screenshots).
    void waitForThumbnails();

Q_SIGNALS:
    /// Emitted when the job queue becomes empty (tests and screenshots wait on it).
    void idle();

private:
    void wire();
    /// True when no job runs or waits; otherwise says why another project cannot be opened now.
    bool readyForAnotherProject();
    /// True when no job runs or waits; otherwise `why` says why classes cannot be deleted now.
    bool noJobs(QString* why) const;
    void projectOpened();
    void showPreferences();
    void renderScreenshots();
    void runScreenshotFlow();
    /// The summary in the status bar (per class when perClass is given) and the failed files.
    void reportImportFailures(const QStringList& lines, int imported, const QString& perClass = QString());
    /// Imports files into several classes in one job (class index, files).
    void importIntoClasses(const QList<QPair<int, QStringList>>& perClass);
    Settings m_settings;
    EngineClient* m_engine;
    ProjectController* m_project;
    WorkflowController* m_workflow = nullptr;
    std::unique_ptr<MainWindow> m_window;
    QString m_screenshotDir;
    StartOptions m_options;
    int m_logCallback = 0;
    QThreadPool m_thumbnailPool;  ///< support thumbnails, beside the engine's job queue
    QString m_thumbnailRoot;      ///< the project the thumbnail requests are for
    std::shared_ptr<std::atomic<quint64>> m_thumbnailGeneration = std::make_shared<std::atomic<quint64>>(0);
};
