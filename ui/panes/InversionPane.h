#pragma once
// Step 2: textual inversion per class and null-text inversion per support image.
#include <QWidget>

class ProjectController;
class PlotWidget;
class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;
class QTableWidget;

class InversionPane : public QWidget {
    Q_OBJECT
public:
    InversionPane(ProjectController* project, QWidget* parent = nullptr);
    PlotWidget* lossPlot() const { return m_loss; }
    QComboBox* classBox() const { return m_class; }

Q_SIGNALS:
    void runRequested(int classIndex);
    void stopRequested();
    void settingsRequested();

private:
    void refresh();
    ProjectController* m_project;
    QComboBox* m_class;
    QPushButton* m_run;
    QPushButton* m_stop;
    QLabel* m_status;
    PlotWidget* m_loss;
    QListWidget* m_neighbours;
    QTableWidget* m_reconstructions;
};
