#pragma once
// Step 2: textual inversion per class and null-text inversion per support image, watched live:
// the loss curve, the learned token's nearest words, the null-text progress of each support and
// each support's reconstruction beside the original with its PSNR.
#include <QImage>
#include <QWidget>

#include <vector>

#include "tint/Tint.h"

class ProjectController;
class PlotWidget;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTableWidget;

class InversionPane : public QWidget {
    Q_OBJECT
public:
    InversionPane(ProjectController* project, QWidget* parent = nullptr);

    PlotWidget* lossPlot() const { return m_loss; }
    QComboBox* classBox() const { return m_class; }
    /// Empties the live views (loss curve, nearest words, reconstructions): another project was
    /// opened or a new inversion job starts.
    void clearLive();
    QPushButton* runButton() const { return m_run; }
    QPushButton* runAllButton() const { return m_runAll; }
    QPushButton* stopButton() const { return m_stop; }
    QListWidget* neighbours() const { return m_neighbours; }
    QTableWidget* reconstructions() const { return m_reconstructions; }
    QTableWidget* classTable() const { return m_classes; }

    /// The settings shown in the pane (model folder and device come from the project's models).
    tint::TintSettings settings() const;
    void setSettings(const tint::TintSettings& settings);
    /// What is stored for each class (row = class index).
    void setClassStatuses(const std::vector<tint::ClassInversionStatus>& statuses, bool generatorConfigured,
                          const QString& generatorProblem);
    void setRunning(bool running);

public Q_SLOTS:
    void onTextualInversionStep(const QString& classDir, int step, int total, double loss);
    void onNeighbours(const QString& classDir, int step, const QStringList& words, const QList<double>& similarity);
    void onNullTextStep(const QString& classDir, int timestep, int total, const QList<double>& losses);
    void onReconstruction(const QString& classDir, int support, const QImage& original, const QImage& nullText,
                          const QImage& ddim, double psnrNullText, double psnrDdim);

Q_SIGNALS:
    /// Invert the class (-1: every class); `restart` discards what is stored for it first.
    void runRequested(int classIndex, bool restart);
    void stopRequested();
    void settingsRequested();
    void settingsChanged();

private:
    void refresh();
    void showClass(const QString& classDir);
    int rowForSupport(int support);
    ProjectController* m_project;
    QComboBox* m_class;
    QPushButton* m_run;
    QPushButton* m_runAll;
    QPushButton* m_restart;
    QPushButton* m_stop;
    QLabel* m_status;
    QTableWidget* m_classes;
    QSpinBox* m_tiSteps;
    QSpinBox* m_resolution;
    QCheckBox* m_earlyStop;
    QSpinBox* m_seed;
    int m_shownTiSteps = -1, m_shownResolution = -1, m_shownSeed = -1;  ///< what setSettings() put in the boxes
    PlotWidget* m_loss;
    QListWidget* m_neighbours;
    QTableWidget* m_reconstructions;
    tint::TintSettings m_settings;
    QString m_liveClass;
    double m_smoothed = -1;
    bool m_running    = false;
    bool m_generatorConfigured = false;
};
