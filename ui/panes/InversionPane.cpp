#include "InversionPane.h"

#include <QComboBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include "ProjectController.h"
#include "widgets/PlotWidget.h"

InversionPane::InversionPane(ProjectController* project, QWidget* parent) : QWidget(parent), m_project(project) {
    m_class = new QComboBox(this);
    m_class->setMinimumContentsLength(16);
    m_run  = new QPushButton(tr("&Run inversion"), this);
    m_stop = new QPushButton(tr("Stop"), this);
    m_stop->setEnabled(false);
    auto* settings = new QPushButton(tr("Models…"), this);
    m_status       = new QLabel(this);
    m_status->setWordWrap(true);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Class:"), this));
    bar->addWidget(m_class);
    bar->addWidget(m_run);
    bar->addWidget(m_stop);
    bar->addStretch();
    bar->addWidget(settings);

    m_loss = new PlotWidget(tr("Textual inversion loss"), tr("step"), tr("loss (MSE on noise)"), this);
    m_loss->addSeries(tr("loss"), QColor(0x1f, 0x77, 0xb4));
    m_loss->addSeries(tr("smoothed"), QColor(0xd6, 0x27, 0x28));

    auto* tokenBox    = new QGroupBox(tr("Learned token: nearest words"), this);
    m_neighbours      = new QListWidget(tokenBox);
    auto* tokenLayout = new QVBoxLayout(tokenBox);
    tokenLayout->addWidget(m_neighbours);

    auto* reconBox = new QGroupBox(tr("Null-text inversion: reconstruction of each support image"), this);
    m_reconstructions = new QTableWidget(0, 4, reconBox);
    m_reconstructions->setHorizontalHeaderLabels(
        {tr("Support image"), tr("Reconstruction"), tr("PSNR (dB)"), tr("Plain DDIM inversion PSNR (dB)")});
    m_reconstructions->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_reconstructions->verticalHeader()->setVisible(false);
    auto* reconLayout = new QVBoxLayout(reconBox);
    reconLayout->addWidget(m_reconstructions);

    auto* top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(m_loss);
    top->addWidget(tokenBox);
    top->setStretchFactor(0, 3);
    top->setStretchFactor(1, 1);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(top);
    split->addWidget(reconBox);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_status);
    layout->addWidget(split, 1);

    connect(m_run, &QPushButton::clicked, this, [this] { Q_EMIT runRequested(m_class->currentIndex()); });
    connect(m_stop, &QPushButton::clicked, this, &InversionPane::stopRequested);
    connect(settings, &QPushButton::clicked, this, &InversionPane::settingsRequested);
    connect(project, &ProjectController::projectOpened, this, &InversionPane::refresh);
    connect(project, &ProjectController::projectClosed, this, &InversionPane::refresh);
    connect(project, &ProjectController::classesChanged, this, &InversionPane::refresh);
    connect(project, &ProjectController::modelsChanged, this, &InversionPane::refresh);
    refresh();
}

void InversionPane::refresh() {
    int keep = m_class->currentIndex();
    m_class->clear();
    for (int i = 0; i < m_project->classCount(); ++i)
        m_class->addItem(QString::fromStdString(m_project->classAt(i)->name));
    if (keep >= 0 && keep < m_class->count()) m_class->setCurrentIndex(keep);
    const tint::Project* p = m_project->project();
    bool haveGenerator     = p && !p->data().models.generator_dir.empty();
    // The diffusion engine is not part of this build yet; say so instead of offering a dead button.
    m_run->setEnabled(false);
    if (!p)
        m_status->setText(tr("Open a project first."));
    else if (!haveGenerator)
        m_status->setText(tr("No Stable Diffusion model is configured. Inversion needs a diffusers folder "
                             "(Stable Diffusion 1.5 or 2.1-base); choose it under Models…. Without one, "
                             "the augmentation generator makes the training images."));
    else
        m_status->setText(tr("Generator: %1. The inversion engine is not available in this version yet.")
                              .arg(QString::fromStdString(p->data().models.generator_dir)));
}
