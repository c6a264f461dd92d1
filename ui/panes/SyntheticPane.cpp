#include "SyntheticPane.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QUndoCommand>
#include <QUndoStack>
#include <QVBoxLayout>

#include <utility>

#include "ProjectController.h"
#include "gallery/GalleryDelegate.h"
#include "gallery/GalleryFilterModel.h"
#include "gallery/SampleModel.h"
#include "gallery/ThumbnailCache.h"

namespace {
const int kTile = 112;
}

void GalleryView::keyPressEvent(QKeyEvent* event) {
    if (event->matches(QKeySequence::Undo)) return Q_EMIT undoKey();
    if (event->matches(QKeySequence::Redo) ||
        (event->key() == Qt::Key_Z && event->modifiers() == (Qt::ControlModifier | Qt::ShiftModifier)))
        return Q_EMIT redoKey();
    if (event->modifiers() == Qt::NoModifier || event->modifiers() == Qt::KeypadModifier) {
        switch (event->key()) {
        case Qt::Key_A: return Q_EMIT statusKey(QStringLiteral("accepted"));
        case Qt::Key_R: return Q_EMIT statusKey(QStringLiteral("rejected"));
        case Qt::Key_Space: return Q_EMIT statusKey(QStringLiteral("toggle"));
        default: break;
        }
    }
    QListView::keyPressEvent(event);
}

/// One curation action (a key press or a bulk action). The decisions are written before the
/// command is pushed, so the first redo() does nothing. QUndoStack moves its index whatever undo()
/// and redo() do, so a write that fails is kept in the command, and SyntheticPane::undo() and
/// redo() then step the stack back with a pass that writes nothing and report the error once the
/// stack is done with the command (a modal message inside undo() could let the stack be cleared
/// under it): the history keeps matching what is on disk.
class StatusCommand : public QUndoCommand {
public:
    StatusCommand(SyntheticPane* pane, QList<SyntheticPane::Decision> decisions, const QString& text)
        : QUndoCommand(text), m_pane(pane), m_decisions(std::move(decisions)) {}
    void undo() override { apply(false); }
    void redo() override { apply(true); }
    /// The error of the last undo() or redo() (empty when it was written), and clears it.
    QString takeError() { return std::exchange(m_error, QString()); }
    /// The next undo() or redo() only moves the stack's index.
    void passNext() { m_pass = true; }

private:
    void apply(bool forward) {
        if (std::exchange(m_pass, false)) return;
        m_pane->applyDecisions(m_decisions, forward, &m_error);
    }
    SyntheticPane* m_pane;
    QList<SyntheticPane::Decision> m_decisions;
    bool m_pass = true;  // the first redo(), on push: the decisions are already written
    QString m_error;
};

SyntheticPane::SyntheticPane(ProjectController* project, QWidget* parent)
    : QWidget(parent),
      m_project(project),
      m_thumbnails(new ThumbnailCache(kTile, 4000, this)),
      m_model(new SampleModel(project, m_thumbnails, this)),
      m_proxy(new GalleryFilterModel(this)),
      m_delegate(new GalleryDelegate(kTile, this)),
      m_undo(new QUndoStack(this)) {
    m_proxy->setSourceModel(m_model);

    // Generation.
    m_generateClass = new QComboBox(this);
    m_perClass      = new QSpinBox(this);
    m_perClass->setRange(1, 5000);
    m_perClass->setValue(20);
    m_perClass->setSuffix(tr(" per class"));
    m_generator = new QComboBox(this);
    m_generator->addItem(tr("TINT (Stable Diffusion)"), true);
    m_generator->addItem(tr("Augmentation of the supports"), false);
    m_generate = new QPushButton(tr("&Generate"), this);
    m_score    = new QPushButton(tr("Score with &teacher"), this);
    m_score->setToolTip(tr("The teacher labels every image: top-1 class, confidence, novelty and near-duplicates."));
    m_generatorInfo = new QLabel(this);
    m_generatorInfo->setWordWrap(true);
    auto* genBar = new QHBoxLayout;
    genBar->addWidget(new QLabel(tr("Make"), this));
    genBar->addWidget(m_perClass);
    genBar->addWidget(new QLabel(tr("for"), this));
    genBar->addWidget(m_generateClass);
    genBar->addWidget(new QLabel(tr("with"), this));
    genBar->addWidget(m_generator);
    genBar->addWidget(m_generate);
    genBar->addStretch();
    genBar->addWidget(m_score);

    // Filter and order.
    m_classFilter  = new QComboBox(this);
    m_statusFilter = new QComboBox(this);
    m_statusFilter->addItem(tr("All"), QString());
    m_statusFilter->addItem(tr("Undecided"), QStringLiteral("new"));
    m_statusFilter->addItem(tr("Accepted"), QStringLiteral("accepted"));
    m_statusFilter->addItem(tr("Rejected"), QStringLiteral("rejected"));
    m_sort = new QComboBox(this);
    m_sort->addItem(tr("Newest first"), int(GalleryFilterModel::Order::Newest));
    m_sort->addItem(tr("Oldest first"), int(GalleryFilterModel::Order::Oldest));
    m_sort->addItem(tr("Teacher confidence, lowest first"), int(GalleryFilterModel::Order::ConfidenceLowest));
    m_sort->addItem(tr("Teacher confidence, highest first"), int(GalleryFilterModel::Order::ConfidenceHighest));
    m_sort->addItem(tr("Novelty, highest first"), int(GalleryFilterModel::Order::NoveltyHighest));
    m_duplicatesOnly = new QCheckBox(tr("Near-duplicates only"), this);
    auto* filterBar  = new QHBoxLayout;
    filterBar->addWidget(new QLabel(tr("Show:"), this));
    filterBar->addWidget(m_classFilter);
    filterBar->addWidget(m_statusFilter);
    filterBar->addWidget(m_duplicatesOnly);
    filterBar->addWidget(new QLabel(tr("Sort:"), this));
    filterBar->addWidget(m_sort);
    filterBar->addStretch();

    // Tab follows the bars from left to right.
    const QList<QWidget*> tabOrder{m_perClass, m_generateClass, m_generator, m_generate, m_score,
                                   m_classFilter, m_statusFilter, m_duplicatesOnly, m_sort};
    for (int i = 1; i < tabOrder.size(); ++i) QWidget::setTabOrder(tabOrder[i - 1], tabOrder[i]);
    m_view = new GalleryView(this);
    m_view->setModel(m_proxy);
    m_view->setItemDelegate(m_delegate);
    m_view->setViewMode(QListView::IconMode);
    m_view->setUniformItemSizes(true);
    m_view->setLayoutMode(QListView::Batched);
    m_view->setBatchSize(500);
    m_view->setResizeMode(QListView::Adjust);
    m_view->setMovement(QListView::Static);
    m_view->setSelectionMode(QListView::ExtendedSelection);
    m_view->setSpacing(2);
    m_view->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);

    // Curation actions.
    auto* accept = new QPushButton(tr("&Accept selected"), this);
    auto* reject = new QPushButton(tr("&Reject selected"), this);
    m_threshold  = new QDoubleSpinBox(this);
    m_threshold->setRange(0, 100);
    m_threshold->setValue(50);
    m_threshold->setSuffix(QStringLiteral(" %"));
    auto* rejectLow  = new QPushButton(tr("Reject below teacher confidence"), this);
    rejectLow->setToolTip(tr("Rejects the shown images whose teacher confidence in their own class is below the "
                             "threshold, including those the teacher puts in another class. Accepted images stay "
                             "accepted."));
    auto* rejectDups = new QPushButton(tr("Reject near-duplicates"), this);
    auto* undo       = new QPushButton(tr("Undo"), this);
    auto* redo       = new QPushButton(tr("Redo"), this);
    undo->setEnabled(false);
    redo->setEnabled(false);
    auto* actions = new QHBoxLayout;
    actions->addWidget(accept);
    actions->addWidget(reject);
    actions->addSpacing(12);
    actions->addWidget(rejectLow);
    actions->addWidget(m_threshold);
    actions->addWidget(rejectDups);
    actions->addStretch();
    actions->addWidget(undo);
    actions->addWidget(redo);

    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    auto* hint = new QLabel(tr("Keys: arrows move, A accepts, R rejects, Space toggles, Ctrl+Z undoes, "
                               "Ctrl+Shift+Z redoes. Every decision is saved at once."),
                            this);
    hint->setEnabled(false);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(genBar);
    layout->addWidget(m_generatorInfo);
    layout->addLayout(filterBar);
    layout->addWidget(m_summary);
    layout->addWidget(m_view, 1);
    layout->addLayout(actions);
    layout->addWidget(hint);

    connect(m_generate, &QPushButton::clicked, this, [this] {
        Q_EMIT generateRequested(m_generateClass->currentData().toInt(), m_perClass->value(),
                                 m_generator->currentData().toBool());
    });
    connect(m_score, &QPushButton::clicked, this, &SyntheticPane::scoreRequested);
    connect(m_classFilter, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        m_proxy->setClassFilter(m_classFilter->currentData().isValid() ? m_classFilter->currentData().toInt() : -1);
        updateSummary();
    });
    connect(m_statusFilter, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        m_proxy->setStatusFilter(m_statusFilter->currentData().toString());
        updateSummary();
    });
    connect(m_duplicatesOnly, &QCheckBox::toggled, this, [this](bool on) {
        m_proxy->setDuplicatesOnly(on);
        updateSummary();
    });
    connect(m_sort, qOverload<int>(&QComboBox::currentIndexChanged), this,
            [this] { m_proxy->setOrder(GalleryFilterModel::Order(m_sort->currentData().toInt())); });
    connect(m_view, &GalleryView::statusKey, this, &SyntheticPane::applyToSelection);
    connect(m_view, &GalleryView::undoKey, this, &SyntheticPane::undo);
    connect(m_view, &GalleryView::redoKey, this, &SyntheticPane::redo);
    connect(accept, &QPushButton::clicked, this, [this] { applyToSelection(QStringLiteral("accepted")); });
    connect(reject, &QPushButton::clicked, this, [this] { applyToSelection(QStringLiteral("rejected")); });
    connect(rejectLow, &QPushButton::clicked, this, [this] { rejectBelowConfidence(m_threshold->value() / 100.0); });
    connect(rejectDups, &QPushButton::clicked, this, &SyntheticPane::rejectDuplicates);
    connect(undo, &QPushButton::clicked, this, &SyntheticPane::undo);
    connect(redo, &QPushButton::clicked, this, &SyntheticPane::redo);
    // After a curation button the keys go on working in the gallery (and Space does not press the
    // button again); the pane hands its focus to the gallery too.
    for (QPushButton* b : {accept, reject, rejectLow, rejectDups, undo, redo})
        connect(b, &QPushButton::clicked, m_view, [this] { m_view->setFocus(Qt::OtherFocusReason); });
    setFocusProxy(m_view);
    connect(m_undo, &QUndoStack::canUndoChanged, undo, &QPushButton::setEnabled);
    connect(m_undo, &QUndoStack::canRedoChanged, redo, &QPushButton::setEnabled);
    connect(m_undo, &QUndoStack::undoTextChanged, undo, [undo](const QString& t) { undo->setToolTip(t); });
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &SyntheticPane::updateSummary);
    connect(m_model, &QAbstractItemModel::modelReset, this, &SyntheticPane::updateSummary);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &SyntheticPane::updateSummary);
    connect(project, &ProjectController::projectOpened, this, [this] {
        // Another project's samples must not stay curatable until this one's are read.
        m_undo->clear();
        m_model->reset({});
        refreshClasses();
    });
    connect(project, &ProjectController::projectClosed, this, [this] {
        m_undo->clear();
        m_model->reset({});
        refreshClasses();
    });
    connect(project, &ProjectController::classesChanged, this, &SyntheticPane::refreshClasses);
    refreshClasses();
    setGeneratorInfo(false, QString());
}

void SyntheticPane::refreshClasses() {
    QStringList names;
    for (int i = 0; i < m_project->classCount(); ++i) names << QString::fromStdString(m_project->classAt(i)->name);
    m_delegate->setClassNames(names);
    // The choice is kept by class folder, not by row: after a class earlier in the list is removed
    // the boxes still name the class the user chose (or "All classes" when it is gone).
    constexpr int kDirRole = Qt::UserRole + 1;
    for (QComboBox* box : {m_classFilter, m_generateClass}) {
        const QString keepDir = box->currentData(kDirRole).toString();
        QSignalBlocker block(box);
        box->clear();
        box->addItem(tr("All classes"), -1);
        for (int i = 0; i < names.size(); ++i) {
            box->addItem(names[i], i);
            box->setItemData(box->count() - 1, QString::fromStdString(m_project->classAt(i)->dir), kDirRole);
        }
        const int at = keepDir.isEmpty() ? 0 : box->findData(keepDir, kDirRole);
        box->setCurrentIndex(at >= 0 ? at : 0);
    }
    m_proxy->setClassFilter(m_classFilter->currentData().isValid() ? m_classFilter->currentData().toInt() : -1);
    m_generate->setEnabled(m_project->isOpen() && !names.isEmpty() && !m_generating);
    m_score->setEnabled(m_project->isOpen() && names.size() >= 2);
    updateSummary();
}

void SyntheticPane::setGenerating(bool generating) {
    m_generating = generating;
    m_generate->setEnabled(m_project->isOpen() && m_project->classCount() > 0 && !m_generating);
}

void SyntheticPane::clearSamples() {
    m_undo->clear();
    m_model->reset({});
}

void SyntheticPane::setGeneratorInfo(bool tintAvailable, const QString& text) {
    // The user's choice stays: TINT is preselected when it becomes available, the augmentation
    // generator when TINT stops being available; otherwise the selection is left alone.
    if (!tintAvailable) m_generator->setCurrentIndex(1);
    else if (!m_tintAvailable) m_generator->setCurrentIndex(0);
    m_tintAvailable = tintAvailable;
    if (auto* items = qobject_cast<QStandardItemModel*>(m_generator->model()))
        if (QStandardItem* tint = items->item(0)) tint->setEnabled(tintAvailable);
    m_generatorInfo->setText(text);
    m_generatorInfo->setVisible(!text.isEmpty());
}

QString SyntheticPane::generatorInfo() const { return m_generatorInfo->text(); }

void SyntheticPane::updateSummary() {
    if (!m_project->isOpen()) {
        m_summary->setText(tr("Open a project first."));
        return;
    }
    if (m_model->rowCount() == 0) {
        m_summary->setText(tr("No synthetic images yet. Press Generate: they appear here as they are made."));
        return;
    }
    auto counts = m_model->statusCounts(m_proxy->classFilter());
    m_summary->setText(tr("%n image(s) shown", nullptr, m_proxy->rowCount()) + QStringLiteral(" · ") +
                       tr("accepted: %1, rejected: %2, undecided: %3")
                           .arg(counts.value(QStringLiteral("accepted")))
                           .arg(counts.value(QStringLiteral("rejected")))
                           .arg(counts.value(QStringLiteral("new"))));
}

bool SyntheticPane::applyDecisions(const QList<Decision>& decisions, bool forward, QString* error) {
    QList<SampleModel::Change> changes;
    for (const Decision& d : decisions) {
        int row = m_model->rowOf(d.classIndex, d.id);
        if (row >= 0) changes.append({row, forward ? d.after : d.before});
    }
    return m_model->setStatuses(changes, error);
}

void SyntheticPane::undo() {
    if (!m_undo->canUndo()) return;
    auto* command = static_cast<StatusCommand*>(const_cast<QUndoCommand*>(m_undo->command(m_undo->index() - 1)));
    m_undo->undo();
    const QString error = command->takeError();
    if (error.isEmpty()) return;
    command->passNext();  // nothing was written: the step stays where it was
    m_undo->redo();
    Q_EMIT errorOccurred(tr("Cannot undo the decision"), error);  // last: the command is not touched after it
}

void SyntheticPane::redo() {
    if (!m_undo->canRedo()) return;
    auto* command = static_cast<StatusCommand*>(const_cast<QUndoCommand*>(m_undo->command(m_undo->index())));
    m_undo->redo();
    const QString error = command->takeError();
    if (error.isEmpty()) return;
    command->passNext();
    m_undo->undo();
    Q_EMIT errorOccurred(tr("Cannot redo the decision"), error);
}

void SyntheticPane::pushDecisions(QList<Decision> decisions, const QString& text) {
    decisions.erase(std::remove_if(decisions.begin(), decisions.end(), [](const Decision& d) { return d.before == d.after; }),
                    decisions.end());
    if (decisions.isEmpty()) return;
    QString error;
    if (!applyDecisions(decisions, true, &error)) {  // nothing recorded: nothing to undo
        Q_EMIT errorOccurred(tr("Cannot save the decision"), error);
        return;
    }
    m_undo->push(new StatusCommand(this, std::move(decisions), text));
}

void SyntheticPane::applyToSelection(const QString& status) {
    QModelIndexList rows = m_view->selectionModel()->selectedIndexes();
    if (rows.isEmpty() && m_view->currentIndex().isValid()) rows << m_view->currentIndex();
    if (rows.isEmpty()) return;
    std::sort(rows.begin(), rows.end(), [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    QList<Decision> decisions;
    for (const QModelIndex& i : rows) {
        const QString before = i.data(SampleModel::StatusRole).toString();
        QString after        = status;
        if (status == QLatin1String("toggle"))
            after = before == QLatin1String("accepted") ? QStringLiteral("rejected") : QStringLiteral("accepted");
        decisions.append({i.data(SampleModel::ClassRole).toInt(), i.data(SampleModel::IdRole).toString(), before, after});
    }
    const int count = int(decisions.size());
    // Where the last image is, taken before the decision: with a status filter the decided image
    // leaves the view, and the proxy row then holds the next image.
    const int lastRow = rows.last().row();
    const int src     = m_proxy->mapToSource(rows.last()).row();
    pushDecisions(decisions, status == QLatin1String("rejected") ? tr("reject %n image(s)", nullptr, count)
                                                                  : tr("accept %n image(s)", nullptr, count));
    // A single decision moves on to the next image, so a whole class is curated with one hand.
    if (rows.size() == 1 && status != QLatin1String("toggle")) {
        QModelIndex now  = m_proxy->mapFromSource(m_model->index(src));
        QModelIndex next = now.isValid() ? m_proxy->index(now.row() + 1, 0) : m_proxy->index(lastRow, 0);
        if (!next.isValid()) next = now.isValid() ? now : m_proxy->index(m_proxy->rowCount() - 1, 0);
        if (next.isValid()) m_view->selectionModel()->setCurrentIndex(next, QItemSelectionModel::ClearAndSelect);
    }
}

int SyntheticPane::rejectBelowConfidence(double threshold) {
    // The teacher's confidence in the image's own class: its top-1 confidence when that is the
    // class, and none when the teacher sees another class (a red tile). Images the user accepted
    // keep that decision; images not scored yet cannot be judged.
    QList<Decision> decisions;
    int unscored = 0, accepted = 0;
    for (int r = 0; r < m_proxy->rowCount(); ++r) {
        QModelIndex i      = m_proxy->index(r, 0);
        const double conf  = i.data(SampleModel::ConfidenceRole).toDouble();
        const QString now  = i.data(SampleModel::StatusRole).toString();
        const int own      = i.data(SampleModel::ClassRole).toInt();
        const bool another = i.data(SampleModel::TeacherClassRole).toInt() != own;
        if (conf < 0) {
            ++unscored;
            continue;
        }
        if (!another && conf >= threshold) continue;
        if (now == QLatin1String("accepted")) {
            ++accepted;
            continue;
        }
        decisions.append({own, i.data(SampleModel::IdRole).toString(), now, QStringLiteral("rejected")});
    }
    const int n = int(std::count_if(decisions.begin(), decisions.end(), [](const Decision& d) { return d.before != d.after; }));
    pushDecisions(decisions, tr("reject %n image(s) below %1 % confidence", nullptr, n).arg(threshold * 100.0, 0, 'f', 0));
    QString text = tr("Rejected %n image(s) below %1 % teacher confidence in their class or of another class.", nullptr, n)
                       .arg(threshold * 100.0, 0, 'f', 0);
    if (accepted > 0) text += QLatin1Char(' ') + tr("%n accepted image(s) kept.", nullptr, accepted);
    if (unscored > 0) text += QLatin1Char(' ') + tr("%n image(s) not scored yet (Score with teacher).", nullptr, unscored);
    Q_EMIT message(text);
    return n;
}

int SyntheticPane::rejectDuplicates() {
    QList<Decision> decisions;
    for (int r = 0; r < m_proxy->rowCount(); ++r) {
        QModelIndex i = m_proxy->index(r, 0);
        if (i.data(SampleModel::DuplicateRole).toString().isEmpty()) continue;
        decisions.append({i.data(SampleModel::ClassRole).toInt(), i.data(SampleModel::IdRole).toString(),
                          i.data(SampleModel::StatusRole).toString(), QStringLiteral("rejected")});
    }
    const int n = int(std::count_if(decisions.begin(), decisions.end(), [](const Decision& d) { return d.before != d.after; }));
    pushDecisions(decisions, tr("reject %n near-duplicate(s)", nullptr, n));
    return n;
}
