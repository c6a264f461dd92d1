#include "SyntheticPane.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QStandardItemModel>
#include <QVBoxLayout>

#include "ProjectController.h"

SyntheticPane::SyntheticPane(ProjectController* project, QWidget* parent)
    : QWidget(parent), m_project(project), m_model(new QStandardItemModel(this)) {
    m_classFilter  = new QComboBox(this);
    m_statusFilter = new QComboBox(this);
    m_statusFilter->addItems({tr("All"), tr("Undecided"), tr("Accepted"), tr("Rejected")});
    m_sort = new QComboBox(this);
    m_sort->addItems({tr("Newest first"), tr("Teacher confidence"), tr("Novelty")});
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Class:"), this));
    bar->addWidget(m_classFilter);
    bar->addWidget(new QLabel(tr("Status:"), this));
    bar->addWidget(m_statusFilter);
    bar->addWidget(new QLabel(tr("Sort:"), this));
    bar->addWidget(m_sort);
    bar->addStretch();

    m_view = new QListView(this);
    m_view->setModel(m_model);
    m_view->setViewMode(QListView::IconMode);
    m_view->setIconSize(QSize(96, 96));
    m_view->setUniformItemSizes(true);
    m_view->setResizeMode(QListView::Adjust);
    m_view->setSelectionMode(QListView::ExtendedSelection);
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    auto* hint = new QLabel(tr("Keys: arrows move, A accepts, R rejects, Space toggles, Ctrl+Z undoes."), this);
    hint->setEnabled(false);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_summary);
    layout->addWidget(m_view, 1);
    layout->addWidget(hint);
    connect(project, &ProjectController::projectOpened, this, &SyntheticPane::refresh);
    connect(project, &ProjectController::projectClosed, this, &SyntheticPane::refresh);
    connect(project, &ProjectController::classesChanged, this, &SyntheticPane::refresh);
    refresh();
}

void SyntheticPane::refresh() {
    m_classFilter->clear();
    m_classFilter->addItem(tr("All classes"));
    for (int i = 0; i < m_project->classCount(); ++i)
        m_classFilter->addItem(QString::fromStdString(m_project->classAt(i)->name));
    m_summary->setText(m_model->rowCount() == 0
                           ? tr("No synthetic images yet. They appear here as they are generated.")
                           : tr("%n image(s)", nullptr, m_model->rowCount()));
}
