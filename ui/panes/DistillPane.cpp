#include "DistillPane.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

#include "ProjectController.h"
#include "widgets/PlotWidget.h"

namespace {
// A run's settings as "name: value" lines (from the JSON the run stores), for its tooltip.
QString settingsText(const QString& json) {
    const QJsonObject o = QJsonDocument::fromJson(json.toUtf8()).object();
    if (o.isEmpty()) return json;
    QStringList lines{DistillPane::tr("Settings of this run:")};
    for (auto it = o.begin(); it != o.end(); ++it) {
        const QJsonValue v = it.value();
        QString value      = v.isString() ? v.toString()
                             : v.isBool() ? (v.toBool() ? DistillPane::tr("yes") : DistillPane::tr("no"))
                             : v.isDouble() ? QLocale().toString(v.toDouble(), 'g', 6)
                                            : QString::fromUtf8((v.isArray() ? QJsonDocument(v.toArray()) : QJsonDocument(v.toObject()))
                                                                    .toJson(QJsonDocument::Compact));
        lines << QStringLiteral("%1: %2").arg(it.key().replace(QLatin1Char('_'), QLatin1Char(' ')), value);
    }
    return lines.join(QLatin1Char('\n'));
}

// In the user's number format (a decimal comma in Swedish), like the spin boxes beside it.
QString percent(double v) { return v < 0 ? QStringLiteral("–") : QStringLiteral("%1 %").arg(QLocale().toString(100.0 * v, 'f', 1)); }
}  // namespace

DistillPane::DistillPane(ProjectController* project, QWidget* parent)
    : QWidget(parent),
      m_project(project),
      m_confusion(new QStandardItemModel(this)),
      m_runs(new QStandardItemModel(0, 6, this)) {
    m_student = new QComboBox(this);
    m_student->setObjectName(QStringLiteral("DistillStudent"));
    m_student->addItem(tr("Conv-4 (smallest, fastest)"), QStringLiteral("conv4"));
    m_student->addItem(tr("ResNet-12 (few-shot standard)"), QStringLiteral("resnet12"));
    m_student->addItem(tr("ResNet-18"), QStringLiteral("resnet18"));
    m_student->addItem(tr("MobileNetV2"), QStringLiteral("mobilenetv2"));
    m_student->addItem(tr("MobileNetV2, one block per stage (fast)"), QStringLiteral("mobilenetv2-short"));
    m_studentInit = new QComboBox(this);
    m_studentInit->addItem(tr("Random"), QString());
    m_studentInit->addItem(tr("ImageNet (built-in MobileNetV2)"), QStringLiteral("imagenet"));
    m_studentInit->setToolTip(tr("MobileNetV2 students of width 1 can start from the built-in network's ImageNet "
                                 "weights, which usually trains a far better student from few images."));
    m_stageMatch = new QSpinBox(this);
    m_stageMatch->setRange(0, 100);
    m_stageMatch->setSpecialValueText(tr("off"));
    m_stageMatch->setSuffix(tr(" passes"));
    m_stageMatch->setToolTip(tr("For the one-block-per-stage MobileNetV2 from ImageNet: passes over the training images, "
                                "before training, that teach each stage to output what the full network's stage "
                                "outputs."));
    m_width = new QDoubleSpinBox(this);
    m_width->setObjectName(QStringLiteral("DistillWidth"));
    m_width->setRange(0.125, 4.0);
    m_width->setSingleStep(0.125);
    m_width->setDecimals(3);
    m_inputSize = new QSpinBox(this);
    m_inputSize->setRange(32, 512);
    m_inputSize->setSingleStep(4);
    m_inputSize->setSuffix(tr(" px"));
    m_head = new QComboBox(this);
    m_head->addItem(tr("Logistic regression"), QStringLiteral("logistic_regression"));
    m_head->addItem(tr("Cosine prototypes"), QStringLiteral("prototype"));
    m_epochs = new QSpinBox(this);
    m_epochs->setRange(1, 1000);
    m_batch = new QSpinBox(this);
    m_batch->setRange(1, 1024);
    m_lr = new QDoubleSpinBox(this);
    m_lr->setDecimals(5);
    m_lr->setRange(1e-5, 1.0);
    m_lr->setSingleStep(1e-4);
    m_temperature = new QDoubleSpinBox(this);
    m_temperature->setRange(0.5, 20.0);
    m_alpha = new QDoubleSpinBox(this);
    m_alpha->setRange(0.0, 1.0);
    m_alpha->setSingleStep(0.1);
    m_featureWeight = new QDoubleSpinBox(this);
    m_featureWeight->setRange(0.0, 20.0);
    m_featureWeight->setSingleStep(0.5);
    m_featureWeight->setSpecialValueText(tr("off"));
    m_featureWeight->setToolTip(tr("Also pulls the student's features toward the teacher's features of the same image "
                                   "(1 − cosine, times this weight). Works best with on-the-fly augmentation off."));
    m_trainAugment = new QCheckBox(tr("Random crops, flips and colour changes while training"), this);
    m_trainAugment->setToolTip(tr("Off: the student sees exactly the images the teacher labelled; their variety then "
                                  "comes from the synthetic images and the augmentations per class."));
    m_classic = new QSpinBox(this);
    m_classic->setRange(0, 10000);
    m_classic->setToolTip(tr("Heavy augmentations of the supports made for the run, per class."));
    m_useSynthetic = new QCheckBox(tr("Synthetic images that are not rejected"), this);
    m_validation   = new QLineEdit(this);
    m_validation->setPlaceholderText(tr("optional: a folder with one sub-folder per class"));
    auto* browse = new QPushButton(tr("Browse…"), this);
    auto* valRow = new QHBoxLayout;
    valRow->setContentsMargins(0, 0, 0, 0);
    valRow->addWidget(m_validation, 1);
    valRow->addWidget(browse);
    m_seed = new QSpinBox(this);
    m_seed->setRange(0, 1 << 30);
    m_finetuneBlocks = new QSpinBox(this);
    m_finetuneBlocks->setRange(0, 48);
    m_finetuneBlocks->setSpecialValueText(tr("off"));
    m_finetuneBlocks->setSuffix(tr(" last blocks"));
    m_finetuneBlocks->setToolTip(tr("Fine-tunes the teacher's last blocks on the support images (with augmentation) "
                                    "before its head is fitted. Off: the teacher as it was downloaded."));
    m_finetuneSteps = new QSpinBox(this);
    m_finetuneSteps->setRange(1, 100000);
    m_finetuneSteps->setSuffix(tr(" steps"));
    auto* finetuneRow = new QHBoxLayout;
    finetuneRow->setContentsMargins(0, 0, 0, 0);
    finetuneRow->addWidget(m_finetuneBlocks, 1);
    finetuneRow->addWidget(m_finetuneSteps, 1);

    auto* form = new QFormLayout;
    form->addRow(tr("Student:"), m_student);
    form->addRow(tr("Width multiplier:"), m_width);
    form->addRow(tr("Starting weights:"), m_studentInit);
    form->addRow(tr("Stage matching:"), m_stageMatch);
    form->addRow(tr("Input size:"), m_inputSize);
    form->addRow(tr("Teacher head:"), m_head);
    form->addRow(tr("Teacher fine-tuning:"), finetuneRow);
    form->addRow(tr("Epochs:"), m_epochs);
    form->addRow(tr("Batch size:"), m_batch);
    form->addRow(tr("Learning rate:"), m_lr);
    form->addRow(tr("Temperature T:"), m_temperature);
    form->addRow(tr("Cross-entropy weight α:"), m_alpha);
    form->addRow(tr("Feature matching weight:"), m_featureWeight);
    form->addRow(tr("On-the-fly augmentation:"), m_trainAugment);
    form->addRow(tr("Augmentations per class:"), m_classic);
    form->addRow(tr("Training data:"), m_useSynthetic);
    form->addRow(tr("Validation folder:"), valRow);
    form->addRow(tr("Seed:"), m_seed);
    m_start  = new QPushButton(tr("&Start training"), this);
    m_resume = new QPushButton(tr("Resume selected run"), this);
    m_stop   = new QPushButton(tr("Stop"), this);
    m_stop->setToolTip(tr("Stops after the current step; the last finished epoch is kept and can be resumed."));
    m_stop->setEnabled(false);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_progress = new QLabel(this);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_resume);
    buttons->addWidget(m_stop);
    // Tab follows the form from top to bottom (the widgets were made in another order).
    const QList<QWidget*> tabOrder{m_student,      m_width,       m_studentInit, m_stageMatch,    m_inputSize,
                                   m_head,         m_finetuneBlocks, m_finetuneSteps, m_epochs,   m_batch,
                                   m_lr,           m_temperature, m_alpha,       m_featureWeight, m_trainAugment,
                                   m_classic,      m_useSynthetic, m_validation, browse,          m_seed,
                                   m_start,        m_resume,      m_stop};
    for (int i = 1; i < tabOrder.size(); ++i) QWidget::setTabOrder(tabOrder[i - 1], tabOrder[i]);
    auto* settingsBox    = new QGroupBox(tr("Student and training"), this);
    m_settingsBox        = settingsBox;
    auto* settingsLayout = new QVBoxLayout(settingsBox);
    settingsLayout->addLayout(form);
    settingsLayout->addStretch();
    auto* settingsScroll = new QScrollArea(this);
    settingsScroll->setWidget(settingsBox);
    settingsScroll->setWidgetResizable(true);
    settingsScroll->setFrameShape(QFrame::NoFrame);
    // Start, Stop, the progress and the status stay in view under the scrolled settings.
    auto* settingsSide   = new QWidget(this);
    auto* settingsColumn = new QVBoxLayout(settingsSide);
    settingsColumn->setContentsMargins(0, 0, 0, 0);
    settingsColumn->addWidget(settingsScroll, 1);
    settingsColumn->addLayout(buttons);
    settingsColumn->addWidget(m_progress);
    settingsColumn->addWidget(m_status);

    m_loss = new PlotWidget(tr("Distillation loss"), tr("epoch"), tr("loss"), this);
    m_loss->addSeries(tr("training loss"), QColor(0x1f, 0x77, 0xb4));
    m_accuracy = new PlotWidget(tr("Accuracy per epoch"), tr("epoch"), tr("accuracy (%)"), this);
    m_accuracy->addSeries(tr("validation accuracy"), QColor(0x2c, 0xa0, 0x2c));
    m_accuracy->addSeries(tr("agreement with teacher"), QColor(0xff, 0x7f, 0x0e));
    m_accuracy->setYRange(0, 100);

    auto* confusionBox = new QGroupBox(tr("Confusion matrix (rows: true class; click a cell for its images)"), this);
    m_confusionView    = new QTableView(confusionBox);
    m_confusionView->setModel(m_confusion);
    m_confusionView->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_confusionView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    auto* cLayout = new QVBoxLayout(confusionBox);
    cLayout->addWidget(m_confusionView);

    m_runs->setHorizontalHeaderLabels({tr("Run"), tr("Student"), tr("Epochs"), tr("Accuracy"), tr("Teacher"), tr("Images")});
    auto* runsBox = new QGroupBox(tr("Runs"), this);
    m_runsView    = new QTableView(runsBox);
    m_runsView->setModel(m_runs);
    m_runsView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_runsView->horizontalHeader()->setStretchLastSection(true);
    m_runsView->verticalHeader()->setVisible(false);
    m_runsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_runsView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_runsView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_export = new QPushButton(tr("&Export to ONNX…"), runsBox);
    m_export->setToolTip(tr("Writes the selected run's student as an ONNX model, after checking that OpenCV gives the "
                            "trained student's outputs on the support images."));
    auto* runButtons = new QHBoxLayout;
    runButtons->addStretch();
    runButtons->addWidget(m_export);
    auto* rLayout = new QVBoxLayout(runsBox);
    rLayout->addWidget(m_runsView);
    rLayout->addLayout(runButtons);

    auto* plots = new QSplitter(Qt::Vertical, this);
    plots->addWidget(m_loss);
    plots->addWidget(m_accuracy);
    plots->addWidget(confusionBox);
    auto* side = new QSplitter(Qt::Vertical, this);
    side->addWidget(settingsSide);
    side->addWidget(runsBox);
    side->setStretchFactor(0, 3);
    side->setStretchFactor(1, 1);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(side);
    split->addWidget(plots);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(split);

    setSpec(tint::DistillSpec{});
    connect(browse, &QPushButton::clicked, this, [this] {
        QString dir = QFileDialog::getExistingDirectory(this, tr("Validation folder (one sub-folder per class)"), m_validation->text());
        if (!dir.isEmpty()) {
            m_validation->setText(dir);
            Q_EMIT settingsChanged();
        }
    });
    connect(m_start, &QPushButton::clicked, this, &DistillPane::startRequested);
    connect(m_resume, &QPushButton::clicked, this, [this] {
        if (!selectedRun().isEmpty()) Q_EMIT resumeRequested(selectedRun());
    });
    connect(m_stop, &QPushButton::clicked, this, &DistillPane::stopRequested);
    connect(m_runsView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& i) {
        if (!m_running && i.isValid() && i.row() < int(m_runData.size())) showRun(m_runData[std::size_t(i.row())]);
        updateRunButtons();
    });
    connect(m_export, &QPushButton::clicked, this, [this] {
        if (!selectedRun().isEmpty()) Q_EMIT exportRequested(selectedRun());
    });
    connect(m_confusionView, &QTableView::clicked, this, [this](const QModelIndex& i) {
        const QString run = m_running ? m_liveRun : selectedRun();
        if (!run.isEmpty() && i.isValid()) Q_EMIT confusionCellActivated(run, i.row(), i.column());
    });
    for (QComboBox* c : {m_student, m_head, m_studentInit})
        connect(c, qOverload<int>(&QComboBox::currentIndexChanged), this, &DistillPane::settingsChanged);
    connect(m_student, qOverload<int>(&QComboBox::currentIndexChanged), this, &DistillPane::updateStudentInit);
    connect(m_width, qOverload<double>(&QDoubleSpinBox::valueChanged), this, &DistillPane::updateStudentInit);
    connect(m_finetuneBlocks, qOverload<int>(&QSpinBox::valueChanged), this,
            [this](int blocks) { m_finetuneSteps->setEnabled(blocks > 0); });
    connect(m_studentInit, qOverload<int>(&QComboBox::currentIndexChanged), this, &DistillPane::updateStudentInit);
    for (QSpinBox* s : {m_inputSize, m_epochs, m_batch, m_classic, m_seed, m_finetuneBlocks, m_finetuneSteps, m_stageMatch})
        connect(s, &QSpinBox::editingFinished, this, &DistillPane::settingsChanged);
    for (QDoubleSpinBox* s : {m_width, m_lr, m_temperature, m_alpha, m_featureWeight})
        connect(s, &QDoubleSpinBox::editingFinished, this, &DistillPane::settingsChanged);
    connect(m_useSynthetic, &QCheckBox::toggled, this, &DistillPane::settingsChanged);
    connect(m_trainAugment, &QCheckBox::toggled, this, &DistillPane::settingsChanged);
    connect(m_validation, &QLineEdit::editingFinished, this, &DistillPane::settingsChanged);
    connect(project, &ProjectController::projectOpened, this, &DistillPane::refresh);
    connect(project, &ProjectController::projectClosed, this, &DistillPane::refresh);
    connect(project, &ProjectController::classesChanged, this, &DistillPane::refresh);
    refresh();
}

tint::DistillSpec DistillPane::spec() const {
    tint::DistillSpec s;
    s.student           = m_student->currentData().toString().toStdString();
    s.width             = m_width->value();
    s.input_size        = m_inputSize->value();
    s.head              = m_head->currentData().toString().toStdString();
    s.epochs            = m_epochs->value();
    s.batch_size        = m_batch->value();
    s.lr                = m_lr->value();
    s.temperature       = m_temperature->value();
    s.alpha             = m_alpha->value();
    s.feature_weight    = m_featureWeight->value();
    s.train_augment     = m_trainAugment->isChecked();
    if (m_studentInit->isEnabled()) s.student_init = m_studentInit->currentData().toString().toStdString();
    if (m_stageMatch->isEnabled()) s.stage_match_epochs = m_stageMatch->value();
    s.classic_per_class = m_classic->value();
    s.use_synthetic     = m_useSynthetic->isChecked();
    s.validation_dir    = m_validation->text().trimmed().toStdString();
    s.seed              = std::uint64_t(m_seed->value());
    s.teacher_finetune_blocks = m_finetuneBlocks->value();
    s.teacher_finetune_steps  = m_finetuneSteps->value();
    return s;
}

void DistillPane::setSpec(const tint::DistillSpec& s) {
    const QList<QWidget*> all{m_student, m_width, m_inputSize, m_head, m_epochs, m_batch, m_lr,
                              m_temperature, m_alpha, m_classic, m_useSynthetic, m_validation, m_seed,
                              m_finetuneBlocks, m_finetuneSteps, m_featureWeight, m_trainAugment, m_studentInit, m_stageMatch};
    for (QWidget* w : all) w->blockSignals(true);
    int si = m_student->findData(QString::fromStdString(s.student));
    m_student->setCurrentIndex(si < 0 ? 0 : si);
    m_width->setValue(s.width);
    m_inputSize->setValue(s.input_size);
    int hi = m_head->findData(QString::fromStdString(s.head));
    m_head->setCurrentIndex(hi < 0 ? 0 : hi);
    m_epochs->setValue(s.epochs);
    m_batch->setValue(s.batch_size);
    m_lr->setValue(s.lr);
    m_temperature->setValue(s.temperature);
    m_alpha->setValue(s.alpha);
    m_featureWeight->setValue(s.feature_weight);
    m_trainAugment->setChecked(s.train_augment);
    m_classic->setValue(s.classic_per_class);
    m_useSynthetic->setChecked(s.use_synthetic);
    m_validation->setText(QString::fromStdString(s.validation_dir));
    m_seed->setValue(int(s.seed & 0x3fffffff));
    m_finetuneBlocks->setValue(s.teacher_finetune_blocks);
    m_finetuneSteps->setValue(s.teacher_finetune_steps);
    m_finetuneSteps->setEnabled(s.teacher_finetune_blocks > 0);
    const int ii = m_studentInit->findData(QString::fromStdString(s.student_init));
    m_studentInit->setCurrentIndex(ii < 0 ? 0 : ii);
    m_stageMatch->setValue(s.stage_match_epochs);
    for (QWidget* w : all) w->blockSignals(false);
    updateStudentInit();
}

bool DistillPane::imagenetStartPossible() const {
    return m_student->currentData().toString().startsWith(QLatin1String("mobilenetv2")) && m_width->value() == 1.0;
}

void DistillPane::updateStudentInit() {
    // Only the MobileNetV2 students of width 1 have the built-in weights' shapes.
    const bool possible = imagenetStartPossible();
    if (!possible) m_studentInit->setCurrentIndex(0);  // shown as it will run: from random weights
    m_studentInit->setEnabled(possible);
    // Stage matching repairs the short network against the full one: only from ImageNet.
    m_stageMatch->setEnabled(possible && m_student->currentData().toString() == QLatin1String("mobilenetv2-short") &&
                             m_studentInit->currentIndex() == 1);
}

void DistillPane::refresh() {
    if (!m_running) showConfusion({});
    setRunning(m_running);
}

void DistillPane::setRunning(bool running) {
    m_running = running;
    // A run keeps the settings it started with: while it trains they cannot be changed here.
    m_settingsBox->setEnabled(!running);
    const bool ready = canTrain();
    m_start->setEnabled(ready && !running);
    updateRunButtons();
    m_stop->setEnabled(running);
    if (!m_project->isOpen())
        m_status->setText(tr("Open a project first."));
    else if (!ready) {
        if (m_project->classCount() < 2)
            m_status->setText(tr("Training needs at least two classes, each with support images (step 1)."));
        else
            m_status->setText(tr("Every class needs at least one support image (step 1); none yet: %1.")
                                  .arg(m_project->classesWithoutSupports().join(QStringLiteral(", "))));
    }
    else if (!running)
        m_status->setText(tr("The teacher (Settings › Preferences) labels the supports, the synthetic images that are "
                             "not rejected and the augmentations; the student learns from its soft labels."));
    if (!running) m_progress->clear();
}

QString DistillPane::statusText() const { return m_status->text(); }

bool DistillPane::canTrain() const { return m_project->canFitTeacherHead(); }  // the status line says why not

void DistillPane::updateRunButtons() {
    const QModelIndex i   = m_runsView->selectionModel()->currentIndex();
    const bool selected   = i.isValid() && i.row() < int(m_runData.size());
    const bool hasStudent = selected && m_runData[std::size_t(i.row())].has_student;
    // A run that has all its epochs has nothing left to resume.
    const bool finished = selected && !m_runData[std::size_t(i.row())].history.empty() &&
                          m_runData[std::size_t(i.row())].history.back().epoch >= m_runData[std::size_t(i.row())].spec.epochs;
    m_resume->setEnabled(canTrain() && !m_running && selected && !finished);
    m_export->setEnabled(!m_running && hasStudent);
    Q_EMIT runSelectionChanged();
}

bool DistillPane::selectedRunHasStudent() const {
    const QModelIndex i = m_runsView->selectionModel()->currentIndex();
    return i.isValid() && i.row() < int(m_runData.size()) && m_runData[std::size_t(i.row())].has_student;
}

void DistillPane::setProgressText(const QString& text) { m_progress->setText(text); }

void DistillPane::setRuns(const std::vector<tint::RunSummary>& runs) {
    const QString keep = m_running ? m_liveRun : selectedRun();
    m_runData          = runs;
    m_runs->setRowCount(0);
    for (const auto& r : runs) {
        QList<QStandardItem*> row;
        auto* id = new QStandardItem(QString::fromStdString(r.id));
        id->setToolTip(settingsText(QString::fromStdString(tint::distill_spec_to_json(r.spec))));
        row << id << new QStandardItem(QStringLiteral("%1 ×%2").arg(QString::fromStdString(r.spec.student)).arg(r.spec.width))
            << new QStandardItem(QStringLiteral("%1/%2").arg(r.history.empty() ? 0 : r.history.back().epoch).arg(r.spec.epochs))
            << new QStandardItem(percent(r.accuracy())) << new QStandardItem(percent(r.teacher_accuracy))
            << new QStandardItem(QString::number(r.train_images));
        m_runs->appendRow(row);
    }
    // The run shown before, when it is still there (another project has other runs); otherwise the
    // newest, or empty plots: curves of a run that is not listed are never left on screen.
    if (keep.isEmpty() || !selectRun(keep)) {
        if (!runs.empty() && !m_running) selectRun(QString::fromStdString(runs.front().id));
        else if (!m_running) clearPlots();
    }
    updateRunButtons();
}

QString DistillPane::selectedRun() const {
    QModelIndex i = m_runsView->selectionModel()->currentIndex();
    return i.isValid() ? m_runs->item(i.row(), 0)->text() : QString();
}

int DistillPane::rowOfRun(const QString& id) const {
    for (int r = 0; r < m_runs->rowCount(); ++r)
        if (m_runs->item(r, 0)->text() == id) return r;
    return -1;
}

bool DistillPane::hasRun(const QString& id) const { return rowOfRun(id) >= 0; }

bool DistillPane::selectRun(const QString& id) {
    const int r = rowOfRun(id);
    if (r < 0) return false;
    m_runsView->selectionModel()->setCurrentIndex(m_runs->index(r, 0),
                                                  QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    if (!m_running) showRun(m_runData[std::size_t(r)]);
    return true;
}

void DistillPane::clearPlots() {
    m_loss->clear();
    m_accuracy->clear();
    showConfusion({});
}

void DistillPane::showRun(const tint::RunSummary& run) {
    m_loss->clear();
    m_accuracy->clear();
    showHistory(run.history);
    showConfusion(run.history.empty() ? std::vector<std::vector<long long>>{} : run.history.back().confusion, run.class_names);
}

void DistillPane::showHistory(const std::vector<tint::DistillEpoch>& history) {
    for (const auto& e : history) {
        m_loss->append(0, e.epoch, e.train_loss);  // per epoch: the steps are not stored
        if (e.accuracy >= 0) m_accuracy->append(0, e.epoch, 100.0 * e.accuracy);
        if (e.agreement >= 0) m_accuracy->append(1, e.epoch, 100.0 * e.agreement);
    }
}

void DistillPane::showConfusion(const std::vector<std::vector<long long>>& confusion, const std::vector<std::string>& classNames) {
    QStringList names;
    for (const auto& n : classNames) names << QString::fromStdString(n);
    if (names.isEmpty())
        for (int i = 0; i < m_project->classCount(); ++i) names << QString::fromStdString(m_project->classAt(i)->name);
    m_confusion->clear();
    m_confusion->setColumnCount(int(names.size()));
    m_confusion->setRowCount(int(names.size()));
    m_confusion->setHorizontalHeaderLabels(names);
    m_confusion->setVerticalHeaderLabels(names);
    for (int t = 0; t < int(confusion.size()) && t < names.size(); ++t) {
        long long rowTotal = 0;
        for (auto v : confusion[std::size_t(t)]) rowTotal += v;
        for (int p = 0; p < int(confusion[std::size_t(t)].size()) && p < names.size(); ++p) {
            const long long v = confusion[std::size_t(t)][std::size_t(p)];
            auto* item        = new QStandardItem(QString::number(v));
            item->setTextAlignment(Qt::AlignCenter);
            const double share = rowTotal > 0 ? double(v) / double(rowTotal) : 0.0;
            QColor c           = t == p ? QColor(0x2c, 0xa0, 0x2c) : QColor(0xd6, 0x27, 0x28);
            c.setAlphaF(float(0.12 + 0.6 * share) * (v > 0 ? 1.0f : 0.0f));
            item->setBackground(c);
            item->setToolTip(tr("%n image(s) of %1 predicted as %2", nullptr, int(v)).arg(names[t], names[p]));
            m_confusion->setItem(t, p, item);
        }
    }
}

void DistillPane::beginLive(const QString& runId) {
    m_liveRun       = runId;
    m_stepsPerEpoch = 0;
    m_liveClasses.clear();
    for (int i = 0; i < m_project->classCount(); ++i) m_liveClasses.push_back(m_project->classAt(i)->name);
    m_loss->clear();
    m_accuracy->clear();
    // A resumed run keeps its earlier epochs on the plots; the new steps continue them.
    for (const auto& r : m_runData)
        if (QString::fromStdString(r.id) == runId) {
            if (!r.class_names.empty()) m_liveClasses = r.class_names;
            showHistory(r.history);
            showConfusion(r.history.empty() ? std::vector<std::vector<long long>>{} : r.history.back().confusion, m_liveClasses);
            return;
        }
    showConfusion({}, m_liveClasses);
}

void DistillPane::onStep(int epoch, qint64 step, qint64 total, double loss) {
    m_stepsPerEpoch = total;
    m_loss->append(0, double(epoch - 1) + double(step) / double(qMax<qint64>(1, total)), loss);
}

void DistillPane::onEpoch(const tint::DistillEpoch& e) {
    if (e.accuracy >= 0) m_accuracy->append(0, e.epoch, 100.0 * e.accuracy);
    if (e.agreement >= 0) m_accuracy->append(1, e.epoch, 100.0 * e.agreement);
    if (!e.confusion.empty()) showConfusion(e.confusion, m_liveClasses);  // the run's classes, as they were at its start
    m_status->setText(e.accuracy >= 0 ? tr("Epoch %1: loss %2, validation accuracy %3, agreement with the teacher %4")
                                            .arg(e.epoch)
                                            .arg(e.train_loss, 0, 'g', 4)
                                            .arg(percent(e.accuracy), percent(e.agreement))
                                      : tr("Epoch %1: loss %2 (no validation folder)").arg(e.epoch).arg(e.train_loss, 0, 'g', 4));
}

void DistillPane::showCellImages(const QString& title, const QStringList& paths, const QList<QImage>& thumbnails,
                                 const QList<double>& confidence) {
    if (!m_cellDialog) {
        m_cellDialog = new QDialog(this);
        m_cellDialog->setObjectName(QStringLiteral("CellImagesDialog"));
        m_cellDialog->resize(720, 480);
        auto* list = new QListWidget(m_cellDialog);
        list->setObjectName(QStringLiteral("CellImages"));
        list->setViewMode(QListView::IconMode);
        list->setIconSize(QSize(128, 128));
        list->setResizeMode(QListView::Adjust);
        list->setUniformItemSizes(true);
        auto* box    = new QDialogButtonBox(QDialogButtonBox::Close, m_cellDialog);
        auto* layout = new QVBoxLayout(m_cellDialog);
        layout->addWidget(list);
        layout->addWidget(box);
        connect(box, &QDialogButtonBox::rejected, m_cellDialog, &QDialog::hide);
    }
    auto* list = m_cellDialog->findChild<QListWidget*>(QStringLiteral("CellImages"));
    list->clear();
    for (int i = 0; i < paths.size(); ++i) {
        const QImage thumb = i < thumbnails.size() ? thumbnails[i] : QImage();
        auto* item = new QListWidgetItem(QIcon(QPixmap::fromImage(thumb)),
                                         QStringLiteral("%1\n%2 %").arg(QFileInfo(paths[i]).fileName()).arg(
                                             i < confidence.size() ? 100.0 * confidence[i] : 0.0, 0, 'f', 0),
                                         list);
        item->setToolTip(paths[i]);
    }
    m_cellDialog->setWindowTitle(title);
    m_cellDialog->show();
    m_cellDialog->raise();
}
