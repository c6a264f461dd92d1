#pragma once
// Step 4: distil the teacher into a tiny student, with live curves.
#include <QWidget>

class ProjectController;
class PlotWidget;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
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

Q_SIGNALS:
    void startRequested();
    void stopRequested();

private:
    void refresh();
    ProjectController* m_project;
    QComboBox* m_student;
    QSpinBox* m_epochs;
    QDoubleSpinBox* m_lr;
    QDoubleSpinBox* m_temperature;
    QDoubleSpinBox* m_alpha;
    QPushButton* m_start;
    QPushButton* m_stop;
    QLabel* m_status;
    PlotWidget* m_loss;
    PlotWidget* m_accuracy;
    QStandardItemModel* m_confusion;
    QStandardItemModel* m_runs;
};
