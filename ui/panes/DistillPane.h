#pragma once
// Step 4: distil the teacher into a tiny student: settings, start / stop / resume, the loss per
// step and accuracy per epoch plotted live, the confusion matrix (a cell shows its images), and the
// history of runs with their settings and results.
#include <QImage>
#include <QWidget>

#include <vector>

#include "tint/Workflow.h"

class ProjectController;
class PlotWidget;
class QCheckBox;
class QComboBox;
class QDialog;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QStandardItemModel;
class QTableView;

class DistillPane : public QWidget {
    Q_OBJECT
public:
    DistillPane(ProjectController* project, QWidget* parent = nullptr);

    PlotWidget* lossPlot() const { return m_loss; }
    PlotWidget* accuracyPlot() const { return m_accuracy; }
    QStandardItemModel* confusionModel() const { return m_confusion; }
    QStandardItemModel* runsModel() const { return m_runs; }
    QTableView* confusionView() const { return m_confusionView; }
    QTableView* runsView() const { return m_runsView; }
    QPushButton* startButton() const { return m_start; }
    QComboBox* studentInitBox() const { return m_studentInit; }
    QSpinBox* stageMatchBox() const { return m_stageMatch; }
    QPushButton* resumeButton() const { return m_resume; }
    QPushButton* stopButton() const { return m_stop; }
    QPushButton* exportButton() const { return m_export; }
    QDialog* cellDialog() const { return m_cellDialog; }

    /// The settings in the form (teacher folder: the project's, filled in by the application).
    tint::DistillSpec spec() const;
    void setSpec(const tint::DistillSpec& spec);
    void setRuns(const std::vector<tint::RunSummary>& runs);
    QString selectedRun() const;
    /// The selected run has a trained student (what the exports need).
    bool selectedRunHasStudent() const;
    /// Selects the run and shows its curves; false (and nothing changed) when there is no such run.
    bool selectRun(const QString& id);
    /// Whether the run table lists the run.
    bool hasRun(const QString& id) const;
    void setRunning(bool running);
    /// Progress line with the ETA from the job's progress.
    void setProgressText(const QString& text);
    /// The images of a confusion-matrix cell (path, thumbnail made off the GUI thread, student confidence).
    void showCellImages(const QString& title, const QStringList& paths, const QList<QImage>& thumbnails,
                        const QList<double>& confidence);

    /// The settings form (off while a run trains).
    QWidget* settingsBox() const { return m_settingsBox; }
    /// The status line under the buttons (what training needs, or what it does).
    QString statusText() const;

public Q_SLOTS:
    void beginLive(const QString& runId);
    void onStep(int epoch, qint64 step, qint64 total, double loss);
    void onEpoch(const tint::DistillEpoch& epoch);

Q_SIGNALS:
    void startRequested();
    void resumeRequested(const QString& runId);
    void stopRequested();
    /// "Export to ONNX…" under the run table: the selected run, which has a trained student.
    void exportRequested(const QString& runId);
    void confusionCellActivated(const QString& runId, int trueClass, int predictedClass);
    void settingsChanged();
    /// The selected run, or whether it has a student, or whether training runs, may have changed.
    void runSelectionChanged();

private:
    void refresh();
    bool imagenetStartPossible() const;
    void updateStudentInit();
    void showRun(const tint::RunSummary& run);
    void showHistory(const std::vector<tint::DistillEpoch>& history);
    void clearPlots();
    /// classNames: the run's classes (rows and columns); empty: the project's current ones.
    void showConfusion(const std::vector<std::vector<long long>>& confusion, const std::vector<std::string>& classNames = {});
    /// An open project with at least two classes: what starting or resuming a run needs.
    bool canTrain() const;
    /// The run table's row of the run, or -1.
    int rowOfRun(const QString& id) const;
    /// Resume and export follow the selected run and whether training is running.
    void updateRunButtons();
    ProjectController* m_project;
    QComboBox* m_student;
    QDoubleSpinBox* m_width;
    QSpinBox* m_inputSize;
    QComboBox* m_head;
    QSpinBox* m_epochs;
    QSpinBox* m_batch;
    QDoubleSpinBox* m_lr;
    QDoubleSpinBox* m_temperature;
    QDoubleSpinBox* m_alpha;
    QDoubleSpinBox* m_featureWeight;
    QCheckBox* m_trainAugment;
    QComboBox* m_studentInit;
    QSpinBox* m_stageMatch;
    QSpinBox* m_finetuneBlocks;
    QSpinBox* m_finetuneSteps;
    QSpinBox* m_classic;
    QCheckBox* m_useSynthetic;
    QLineEdit* m_validation;
    QSpinBox* m_seed;
    QPushButton* m_start;
    QPushButton* m_resume;
    QPushButton* m_stop;
    QPushButton* m_export;
    QLabel* m_status;
    QLabel* m_progress;
    PlotWidget* m_loss;
    PlotWidget* m_accuracy;
    QStandardItemModel* m_confusion;
    QTableView* m_confusionView;
    QStandardItemModel* m_runs;
    QTableView* m_runsView;
    QDialog* m_cellDialog = nullptr;
    std::vector<tint::RunSummary> m_runData;
    QString m_liveRun;
    std::vector<std::string> m_liveClasses;  ///< the classes the live run trains on
    qint64 m_stepsPerEpoch = 0;
    bool m_running         = false;
    QWidget* m_settingsBox = nullptr;
};
