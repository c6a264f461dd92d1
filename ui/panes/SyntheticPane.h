#pragma once
// Step 3: the synthetic images, curated by the user.
#include <QWidget>

class ProjectController;
class QComboBox;
class QLabel;
class QListView;
class QStandardItemModel;

class SyntheticPane : public QWidget {
    Q_OBJECT
public:
    SyntheticPane(ProjectController* project, QWidget* parent = nullptr);
    QStandardItemModel* model() const { return m_model; }
    QListView* view() const { return m_view; }

private:
    void refresh();
    ProjectController* m_project;
    QComboBox* m_classFilter;
    QComboBox* m_statusFilter;
    QComboBox* m_sort;
    QListView* m_view;
    QStandardItemModel* m_model;
    QLabel* m_summary;
};
