#include "DistillPane.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

#include "ProjectController.h"
#include "widgets/PlotWidget.h"

DistillPane::DistillPane(ProjectController* project, QWidget* parent)
    : QWidget(parent),
      m_project(project),
      m_confusion(new QStandardItemModel(this)),
      m_runs(new QStandardItemModel(0, 4, this)) {
    m_student = new QComboBox(this);
    m_student->addItem(tr("ResNet-12 (few-shot standard)"), QStringLiteral("resnet12"));
    m_student->addItem(tr("Conv-4 (smallest)"), QStringLiteral("conv4"));
    m_student->addItem(tr("ResNet-18"), QStringLiteral("resnet18"));
    m_student->addItem(tr("MobileNetV2"), QStringLiteral("mobilenetv2"));
    m_epochs = new QSpinBox(this);
    m_epochs->setRange(1, 1000);
    m_epochs->setValue(30);
    m_lr = new QDoubleSpinBox(this);
    m_lr->setDecimals(5);
    m_lr->setRange(1e-5, 1.0);
    m_lr->setSingleStep(1e-4);
    m_lr->setValue(1e-3);
    m_temperature = new QDoubleSpinBox(this);
    m_temperature->setRange(0.5, 20.0);
    m_temperature->setValue(4.0);
    m_alpha = new QDoubleSpinBox(this);
    m_alpha->setRange(0.0, 1.0);
    m_alpha->setSingleStep(0.1);
    m_alpha->setValue(0.0);
    auto* form = new QFormLayout;
    form->addRow(tr("Student:"), m_student);
    form->addRow(tr("Epochs:"), m_epochs);
    form->addRow(tr("Learning rate:"), m_lr);
    form->addRow(tr("Temperature T:"), m_temperature);
    form->addRow(tr("Cross-entropy weight α:"), m_alpha);
    m_start = new QPushButton(tr("&Start training"), this);
    m_stop  = new QPushButton(tr("Stop"), this);
    m_stop->setEnabled(false);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_stop);
    auto* settingsBox    = new QGroupBox(tr("Student and training"), this);
    auto* settingsLayout = new QVBoxLayout(settingsBox);
    settingsLayout->addLayout(form);
    settingsLayout->addLayout(buttons);
    settingsLayout->addWidget(m_status);
    settingsLayout->addStretch();

    m_loss = new PlotWidget(tr("Distillation loss"), tr("step"), tr("loss"), this);
    m_loss->addSeries(tr("training loss"), QColor(0x1f, 0x77, 0xb4));
    m_accuracy = new PlotWidget(tr("Accuracy per epoch"), tr("epoch"), tr("accuracy (%)"), this);
    m_accuracy->addSeries(tr("validation accuracy"), QColor(0x2c, 0xa0, 0x2c));
    m_accuracy->addSeries(tr("agreement with teacher"), QColor(0xff, 0x7f, 0x0e));
    m_accuracy->setYRange(0, 100);

    auto* confusionBox = new QGroupBox(tr("Confusion matrix (rows: true class)"), this);
    auto* confusion    = new QTableView(confusionBox);
    confusion->setModel(m_confusion);
    confusion->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    auto* cLayout = new QVBoxLayout(confusionBox);
    cLayout->addWidget(confusion);

    m_runs->setHorizontalHeaderLabels({tr("Run"), tr("Student"), tr("Accuracy"), tr("Started")});
    auto* runsBox = new QGroupBox(tr("Runs"), this);
    auto* runs    = new QTableView(runsBox);
    runs->setModel(m_runs);
    runs->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    runs->verticalHeader()->setVisible(false);
    auto* rLayout = new QVBoxLayout(runsBox);
    rLayout->addWidget(runs);

    auto* plots = new QSplitter(Qt::Vertical, this);
    plots->addWidget(m_loss);
    plots->addWidget(m_accuracy);
    auto* side = new QSplitter(Qt::Vertical, this);
    side->addWidget(settingsBox);
    side->addWidget(confusionBox);
    side->addWidget(runsBox);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(side);
    split->addWidget(plots);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);

    connect(m_start, &QPushButton::clicked, this, &DistillPane::startRequested);
    connect(m_stop, &QPushButton::clicked, this, &DistillPane::stopRequested);
    connect(project, &ProjectController::projectOpened, this, &DistillPane::refresh);
    connect(project, &ProjectController::projectClosed, this, &DistillPane::refresh);
    connect(project, &ProjectController::classesChanged, this, &DistillPane::refresh);
    refresh();
}

void DistillPane::refresh() {
    QStringList names;
    for (int i = 0; i < m_project->classCount(); ++i) names << QString::fromStdString(m_project->classAt(i)->name);
    m_confusion->clear();
    m_confusion->setColumnCount(int(names.size()));
    m_confusion->setRowCount(int(names.size()));
    m_confusion->setHorizontalHeaderLabels(names);
    m_confusion->setVerticalHeaderLabels(names);
    m_start->setEnabled(false);
    m_status->setText(m_project->isOpen()
                          ? tr("Training needs curated images and a teacher; the trainer is not available in this "
                               "version yet.")
                          : tr("Open a project first."));
}
