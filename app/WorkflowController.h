#pragma once
// Wires the workflow panes (inversion, synthetic gallery, distillation) and the Export menu to
// engine jobs. Engine events arrive on the engine thread and are handed to the panes through
// queued calls, so the GUI thread never waits on the engine.
#include <QHash>
#include <QObject>
#include <QString>

#include <memory>
#include <string>
#include <vector>

#include "JobTypes.h"

class EngineClient;
class MainWindow;
class ProjectController;
namespace tint {
class TintEngine;
enum class EmbeddingFormat;
}

class WorkflowController : public QObject {
    Q_OBJECT
public:
    WorkflowController(EngineClient* engine, ProjectController* project, MainWindow* window, QObject* parent = nullptr);
    ~WorkflowController() override;

    /// The teacher used: the project's folder, or the built-in ImageNet MobileNetV2.
    QString teacherDir() const;
    /// Where the built-in models are (installed share/ or the source tree); empty when missing.
    static QString shippedModel(const QString& name);

    // Entry points of the panes and menus (also used by tests, without dialogs).
    void invert(int classIndex, bool restart);
    void generate(int classIndex, int perClass, bool useTint);
    void score();
    void startDistillation(const QString& resumeRun = QString());
    void showConfusionCell(const QString& runId, int trueClass, int predictedClass);
    void exportOnnx(const QString& runId, const QString& file);
    void exportTokens(const QString& folder, int format);  ///< tint::EmbeddingFormat as int
    void exportDataset(const QString& folder, bool includeUndecided);
    void exportModelCard(const QString& runId, const QString& file);

    /// Re-reads what the project has on disk: samples, inversion states, runs.
    void reload();
    /// Reads the samples again when classes were removed or added (their numbering changed).
    void reloadSamplesIfClassesMoved();
    void refreshInversionStatus();
    void refreshRuns();

Q_SIGNALS:
    /// An export ended: `ok` false with the reason in `message`.
    void exportFinished(const QString& kind, bool ok, const QString& message);
    void samplesLoaded();
    void scoringFinished(int scored);
    void distillationFinished(const QString& runId, bool ok);
    void inversionFinished(bool ok);
    void generationFinished(int written);

private:
    void projectOpened();
    void saveSettings();
    void updateGeneratorInfo();
    void updateExportActions();
    void chooseOnnx();
    void chooseOnnxFor(const QString& run);
    void chooseTokens();
    void chooseDataset();
    void chooseModelCard();
    void jobEnded(JobId id, bool ok);
    EngineClient* m_engine;
    ProjectController* m_project;
    MainWindow* m_window;
    std::shared_ptr<tint::TintEngine> m_tint;
    JobId m_inversionJob = 0;
    JobId m_distillJob   = 0;
    JobId m_generateJob  = 0;
    QHash<JobId, QString> m_exportJobs;  ///< export jobs and their kind
    bool m_haveTokens    = false;
    std::vector<std::string> m_sampleClassDirs;  ///< the classes the gallery's samples are numbered by
    QString m_distillRun;  ///< the run the current (or last) training job trains
    QString m_distillStage;  ///< the training job's last reported stage
    bool m_tintReady     = false;  ///< some class has a finished token and null-text inversion
    std::vector<int> m_tintReadyClasses;  ///< those classes, as of the last refreshInversionStatus()
};
