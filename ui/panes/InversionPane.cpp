#include "InversionPane.h"

#include <QLocale>
#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPixmap>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include "ProjectController.h"
#include "widgets/PlotWidget.h"

namespace {
const int kReconSize = 96;

QString stateText(tint::InversionState s) {
    switch (s) {
    case tint::InversionState::None: return InversionPane::tr("not started");
    case tint::InversionState::Partial: return InversionPane::tr("partly done");
    case tint::InversionState::Done: return InversionPane::tr("done");
    case tint::InversionState::Stale: return InversionPane::tr("out of date");
    }
    return {};
}

QTableWidgetItem* imageItem(const QImage& image) {
    auto* item = new QTableWidgetItem;
    if (!image.isNull())
        item->setData(Qt::DecorationRole,
                      QPixmap::fromImage(image.scaled(kReconSize, kReconSize, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    return item;
}
}  // namespace

InversionPane::InversionPane(ProjectController* project, QWidget* parent) : QWidget(parent), m_project(project) {
    m_class = new QComboBox(this);
    m_class->setMinimumContentsLength(14);
    m_run    = new QPushButton(tr("&Run inversion"), this);
    m_run->setToolTip(tr("Textual inversion of the class, then null-text inversion of each support image. "
                         "An interrupted run resumes where it stopped."));
    m_runAll  = new QPushButton(tr("Run &all classes"), this);
    m_restart = new QPushButton(tr("Start over"), this);
    m_restart->setToolTip(tr("Discard what is stored for the class and invert it again."));
    m_stop = new QPushButton(tr("Stop"), this);
    m_stop->setToolTip(tr("Stops at the next checkpoint; Run resumes from there."));
    m_stop->setEnabled(false);
    auto* settings = new QPushButton(tr("Models…"), this);
    m_status       = new QLabel(this);
    m_status->setWordWrap(true);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Class:"), this));
    bar->addWidget(m_class);
    bar->addWidget(m_run);
    bar->addWidget(m_runAll);
    bar->addWidget(m_restart);
    bar->addWidget(m_stop);
    bar->addStretch();
    bar->addWidget(settings);

    m_classes = new QTableWidget(0, 3, this);
    m_classes->setHorizontalHeaderLabels({tr("Class"), tr("Textual inversion"), tr("Null-text inversion")});
    m_classes->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_classes->verticalHeader()->setVisible(false);
    m_classes->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_classes->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_classes->setSelectionMode(QAbstractItemView::SingleSelection);

    m_tiSteps = new QSpinBox(this);
    m_tiSteps->setRange(1, 100000);
    m_tiSteps->setToolTip(tr("Optimisation steps of the class token (the reference uses 5000)."));
    m_resolution = new QSpinBox(this);
    m_resolution->setRange(0, 1024);
    m_resolution->setSingleStep(64);
    m_resolution->setSpecialValueText(tr("model's own"));
    m_resolution->setSuffix(tr(" px"));
    m_earlyStop = new QCheckBox(tr("Stop early when the loss no longer falls"), this);
    m_seed      = new QSpinBox(this);
    m_seed->setObjectName(QStringLiteral("InversionSeed"));
    m_seed->setRange(0, 1 << 30);
    auto* settingsBox = new QGroupBox(tr("Settings"), this);
    auto* form        = new QFormLayout(settingsBox);
    form->addRow(tr("Token steps:"), m_tiSteps);
    form->addRow(tr("Working size:"), m_resolution);
    form->addRow(QString(), m_earlyStop);
    form->addRow(tr("Seed:"), m_seed);
    auto* left       = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_classes, 1);
    leftLayout->addWidget(settingsBox);

    m_loss = new PlotWidget(tr("Textual inversion loss"), tr("step"), tr("loss (MSE on noise)"), this);
    m_loss->addSeries(tr("loss"), QColor(0x1f, 0x77, 0xb4, 110));
    m_loss->addSeries(tr("smoothed"), QColor(0xd6, 0x27, 0x28));

    auto* tokenBox    = new QGroupBox(tr("Learned token: nearest words"), this);
    m_neighbours      = new QListWidget(tokenBox);
    auto* tokenLayout = new QVBoxLayout(tokenBox);
    tokenLayout->addWidget(m_neighbours);

    auto* reconBox    = new QGroupBox(tr("Null-text inversion of each support image"), this);
    m_reconstructions = new QTableWidget(0, 6, reconBox);
    m_reconstructions->setHorizontalHeaderLabels({tr("Support image"), tr("Reconstruction"), tr("Plain DDIM"),
                                                  tr("PSNR (dB)"), tr("DDIM PSNR (dB)"), tr("Progress")});
    m_reconstructions->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_reconstructions->verticalHeader()->setVisible(false);
    m_reconstructions->verticalHeader()->setDefaultSectionSize(kReconSize + 8);
    m_reconstructions->setIconSize(QSize(kReconSize, kReconSize));
    m_reconstructions->setEditTriggers(QAbstractItemView::NoEditTriggers);
    auto* reconLayout = new QVBoxLayout(reconBox);
    reconLayout->addWidget(m_reconstructions);

    auto* top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(left);
    top->addWidget(m_loss);
    top->addWidget(tokenBox);
    top->setStretchFactor(0, 2);
    top->setStretchFactor(1, 4);
    top->setStretchFactor(2, 1);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(top);
    split->addWidget(reconBox);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_status);
    layout->addWidget(split, 1);

    setSettings(tint::TintSettings{});
    connect(m_run, &QPushButton::clicked, this, [this] { Q_EMIT runRequested(m_class->currentIndex(), false); });
    connect(m_runAll, &QPushButton::clicked, this, [this] { Q_EMIT runRequested(-1, false); });
    connect(m_restart, &QPushButton::clicked, this, [this] { Q_EMIT runRequested(m_class->currentIndex(), true); });
    connect(m_stop, &QPushButton::clicked, this, &InversionPane::stopRequested);
    connect(settings, &QPushButton::clicked, this, &InversionPane::settingsRequested);
    connect(m_classes, &QTableWidget::currentCellChanged, this, [this](int row) {
        if (row >= 0 && row < m_class->count()) m_class->setCurrentIndex(row);
    });
    connect(m_class, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int i) {
        if (i >= 0 && i < m_classes->rowCount()) m_classes->selectRow(i);
    });
    for (QSpinBox* s : {m_tiSteps, m_resolution, m_seed})
        connect(s, &QSpinBox::editingFinished, this, &InversionPane::settingsChanged);
    connect(m_earlyStop, &QCheckBox::toggled, this, &InversionPane::settingsChanged);
    connect(project, &ProjectController::projectOpened, this, &InversionPane::refresh);
    connect(project, &ProjectController::projectClosed, this, &InversionPane::refresh);
    connect(project, &ProjectController::classesChanged, this, &InversionPane::refresh);
    refresh();
}

tint::TintSettings InversionPane::settings() const {
    tint::TintSettings s = m_settings;  // the settings the pane does not show are kept as they were
    // A box the user has not changed keeps the stored value, also one outside the box's range
    // (the command line takes any seed): clamping it would make finished inversions out of date.
    auto kept = [](const QSpinBox* box, int shown) { return box->value() == shown; };
    if (!kept(m_tiSteps, m_shownTiSteps)) s.ti_steps = m_tiSteps->value();
    if (!kept(m_resolution, m_shownResolution)) s.resolution = m_resolution->value();
    s.ti_early_stop = m_earlyStop->isChecked();
    if (!kept(m_seed, m_shownSeed)) s.seed = std::uint64_t(m_seed->value());
    return s;
}

void InversionPane::setSettings(const tint::TintSettings& s) {
    m_settings = s;
    QSignalBlocker b1(m_tiSteps), b2(m_resolution), b3(m_earlyStop), b4(m_seed);
    m_tiSteps->setValue(s.ti_steps);
    m_resolution->setValue(s.resolution);
    m_earlyStop->setChecked(s.ti_early_stop);
    m_seed->setValue(int(std::min<std::uint64_t>(s.seed, std::uint64_t(m_seed->maximum()))));
    m_shownTiSteps    = m_tiSteps->value();
    m_shownResolution = m_resolution->value();
    m_shownSeed       = m_seed->value();
}

void InversionPane::refresh() {
    // The chosen class is kept by folder, not by row (a class removed above it must not change it).
    const QString keepDir = m_class->currentData().toString();
    QSignalBlocker block(m_class);
    m_class->clear();
    for (int i = 0; i < m_project->classCount(); ++i)
        m_class->addItem(QString::fromStdString(m_project->classAt(i)->name), QString::fromStdString(m_project->classAt(i)->dir));
    const int at = keepDir.isEmpty() ? -1 : m_class->findData(keepDir);
    if (at >= 0) m_class->setCurrentIndex(at);
    if (!m_project->isOpen()) {
        m_classes->setRowCount(0);
        m_status->setText(tr("Open a project first."));
    }
    setRunning(m_running);
}

void InversionPane::setClassStatuses(const std::vector<tint::ClassInversionStatus>& statuses, bool generatorConfigured,
                                     const QString& generatorProblem) {
    m_generatorConfigured = generatorConfigured && generatorProblem.isEmpty();
    m_classes->setRowCount(int(statuses.size()));
    int done = 0;
    for (int i = 0; i < int(statuses.size()); ++i) {
        const auto& s = statuses[std::size_t(i)];
        const tint::ClassEntry* c = m_project->classAt(i);
        QString name = c ? QString::fromStdString(c->name) : QString::fromStdString(s.class_dir);
        if (!s.token_text.empty()) name += QStringLiteral("  ") + QString::fromStdString(s.token_text);
        QString ti = stateText(s.token);
        if (s.token == tint::InversionState::Partial) ti += QStringLiteral(" (%1)").arg(tr("%n step(s)", nullptr, s.ti_steps_done));
        QString nti = stateText(s.null_text);
        if (s.null_text == tint::InversionState::Partial)
            nti += QStringLiteral(" (%1)").arg(tr("%n timestep(s)", nullptr, s.nti_timesteps_done));
        auto* nameItem = new QTableWidgetItem(name);
        auto* tiItem   = new QTableWidgetItem(ti);
        auto* ntiItem  = new QTableWidgetItem(nti);
        if (!s.stale_reason.empty()) {
            const QString why = tr("Out of date: %1").arg(QString::fromStdString(s.stale_reason));
            tiItem->setToolTip(why);
            ntiItem->setToolTip(why);
        }
        m_classes->setItem(i, 0, nameItem);
        m_classes->setItem(i, 1, tiItem);
        m_classes->setItem(i, 2, ntiItem);
        if (s.token == tint::InversionState::Done && s.null_text == tint::InversionState::Done) ++done;
    }
    if (m_class->currentIndex() >= 0) m_classes->selectRow(m_class->currentIndex());
    if (!m_project->isOpen())
        m_status->setText(tr("Open a project first."));
    else if (!generatorConfigured)
        m_status->setText(tr("No Stable Diffusion model is configured. Inversion needs a diffusers folder (Stable "
                             "Diffusion 1.5 or 2.1-base); choose it under Models…. Without one, the augmentation "
                             "generator makes the training images (step 3)."));
    else if (!generatorProblem.isEmpty())
        m_status->setText(generatorProblem);
    else
        m_status->setText(tr("%1 of %n class(es) inverted.", nullptr, int(statuses.size())).arg(done));
    setRunning(m_running);
}

void InversionPane::setRunning(bool running) {
    m_running         = running;
    const bool usable = m_project->isOpen() && m_generatorConfigured && m_class->count() > 0;
    m_run->setEnabled(usable && !running);
    m_runAll->setEnabled(usable && !running);
    m_restart->setEnabled(usable && !running);
    m_stop->setEnabled(running);
    for (QWidget* w : std::initializer_list<QWidget*>{m_tiSteps, m_resolution, m_earlyStop, m_seed}) w->setEnabled(!running);
}

void InversionPane::clearLive() {
    m_liveClass.clear();
    m_loss->setTitle(tr("Textual inversion loss"));
    m_smoothed = -1;
    m_loss->clear();
    m_neighbours->clear();
    m_reconstructions->setRowCount(0);
}

void InversionPane::showClass(const QString& classDir) {
    if (m_liveClass == classDir) return;
    clearLive();
    m_liveClass = classDir;
    if (m_project->project()) {
        int ci = m_project->project()->class_index_by_dir(classDir.toStdString());
        if (ci >= 0) {
            // The live views name their class: choosing another class in the box does not change them.
            m_loss->setTitle(tr("Textual inversion loss: %1").arg(QString::fromStdString(m_project->classAt(ci)->name)));
            QSignalBlocker block(m_class);
            m_class->setCurrentIndex(ci);
            m_classes->selectRow(ci);
        }
    }
}

void InversionPane::onTextualInversionStep(const QString& classDir, int step, int total, double loss) {
    showClass(classDir);
    m_smoothed = m_smoothed < 0 ? loss : 0.98 * m_smoothed + 0.02 * loss;
    m_loss->append(0, step, loss);
    m_loss->append(1, step, m_smoothed);
    m_status->setText(tr("Textual inversion: step %1 of %2, loss %3").arg(step).arg(total).arg(loss, 0, 'g', 4));
}

void InversionPane::onNeighbours(const QString& classDir, int step, const QStringList& words, const QList<double>& similarity) {
    showClass(classDir);
    m_neighbours->clear();
    for (int i = 0; i < words.size(); ++i)
        m_neighbours->addItem(QStringLiteral("%1   %2").arg(QLocale().toString(i < similarity.size() ? similarity[i] : 0.0, 'f', 3), words[i]));
    m_neighbours->setToolTip(tr("Cosine similarity of the learned token to vocabulary words, at step %1").arg(step));
}

int InversionPane::rowForSupport(int support) {
    if (m_reconstructions->rowCount() <= support) {
        int from = m_reconstructions->rowCount();
        m_reconstructions->setRowCount(support + 1);
        for (int r = from; r <= support; ++r) {
            auto* bar = new QProgressBar(m_reconstructions);
            bar->setRange(0, 1);
            bar->setValue(0);
            m_reconstructions->setCellWidget(r, 5, bar);
        }
    }
    return support;
}

void InversionPane::onNullTextStep(const QString& classDir, int timestep, int total, const QList<double>& losses) {
    showClass(classDir);
    for (int s = 0; s < losses.size(); ++s) {
        int row = rowForSupport(s);
        if (auto* bar = qobject_cast<QProgressBar*>(m_reconstructions->cellWidget(row, 5))) {
            bar->setRange(0, total);
            bar->setValue(timestep);
            bar->setFormat(tr("%1/%2 · loss %3").arg(timestep).arg(total).arg(losses[s], 0, 'g', 3));
        }
    }
    m_status->setText(tr("Null-text inversion: timestep %1 of %2").arg(timestep).arg(total));
}

void InversionPane::onReconstruction(const QString& classDir, int support, const QImage& original, const QImage& nullText,
                                     const QImage& ddim, double psnrNullText, double psnrDdim) {
    showClass(classDir);
    int row = rowForSupport(support);
    m_reconstructions->setItem(row, 0, imageItem(original));
    m_reconstructions->setItem(row, 1, imageItem(nullText));
    m_reconstructions->setItem(row, 2, imageItem(ddim));
    m_reconstructions->setItem(row, 3, new QTableWidgetItem(QLocale().toString(psnrNullText, 'f', 2)));
    m_reconstructions->setItem(row, 4, new QTableWidgetItem(QLocale().toString(psnrDdim, 'f', 2)));
}
