#include "SupportPane.h"

#include <QAction>
#include <QApplication>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QListView>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>

#include "ProjectController.h"
#include "models/ClassListModel.h"
#include "models/SupportImageModel.h"

SupportPane::SupportPane(ProjectController* project, QWidget* parent)
    : QWidget(parent),
      m_project(project),
      m_classes(new ClassListModel(project, this)),
      m_images(new SupportImageModel(project, this)) {
    // Left: classes.
    m_classView = new QListView(this);
    m_classView->setModel(m_classes);
    m_classView->setEditTriggers(QListView::EditKeyPressed | QListView::DoubleClicked);
    m_classView->setAccessibleName(tr("Classes"));
    auto* addButton = new QPushButton(tr("&Add class…"), this);
    m_renameButton  = new QPushButton(tr("Rename"), this);
    m_deleteButton  = new QPushButton(tr("Delete"), this);
    auto* classButtons = new QHBoxLayout;
    classButtons->addWidget(addButton);
    classButtons->addWidget(m_renameButton);
    classButtons->addWidget(m_deleteButton);
    auto* left       = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    auto* classesLabel = new QLabel(tr("<b>Classes</b>"), left);
    leftLayout->addWidget(classesLabel);
    leftLayout->addWidget(m_classView);
    leftLayout->addLayout(classButtons);

    // Right: the images of the selected class.
    m_header    = new QLabel(this);
    m_imageView = new QListView(this);
    m_imageView->setModel(m_images);
    m_imageView->setViewMode(QListView::IconMode);
    m_imageView->setIconSize(QSize(128, 128));
    m_imageView->setGridSize(QSize(150, 160));
    m_imageView->setResizeMode(QListView::Adjust);
    m_imageView->setMovement(QListView::Static);
    // Each item sized by its own thumbnail (a class holds tens of images, not thousands), so that a
    // landscape thumbnail arriving first does not clip the captions of taller ones; one line of
    // caption, elided in the middle to keep the file's start and extension.
    m_imageView->setUniformItemSizes(false);
    m_imageView->setSelectionMode(QListView::ExtendedSelection);
    m_imageView->setWordWrap(false);
    m_imageView->setTextElideMode(Qt::ElideMiddle);
    m_imageView->setAccessibleName(tr("Support images"));
    m_empty = new QLabel(tr("No images yet. Drop photos here, or use Import images…"), this);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_importButton      = new QPushButton(tr("&Import images…"), this);
    auto* folderButton  = new QPushButton(tr("Import &folder per class…"), this);
    m_removeButton      = new QPushButton(tr("Remove selected"), this);
    auto* imageButtons  = new QHBoxLayout;
    imageButtons->addWidget(m_importButton);
    imageButtons->addWidget(folderButton);
    imageButtons->addStretch();
    imageButtons->addWidget(m_removeButton);
    auto* right       = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_header);
    rightLayout->addWidget(m_imageView, 1);
    rightLayout->addWidget(m_empty);
    rightLayout->addLayout(imageButtons);

    auto* splitter = new QSplitter(this);
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    // Delete removes what has the focus: the selected images, or the selected class (both ask first).
    auto* deleteImages = new QAction(tr("Remove the selected images"), m_imageView);
    deleteImages->setShortcut(QKeySequence::Delete);
    deleteImages->setShortcutContext(Qt::WidgetShortcut);
    m_imageView->addAction(deleteImages);
    connect(deleteImages, &QAction::triggered, this, &SupportPane::removeSelectedImages);
    auto* deleteClassAction = new QAction(tr("Delete the selected class"), m_classView);
    deleteClassAction->setShortcut(QKeySequence::Delete);
    deleteClassAction->setShortcutContext(Qt::WidgetShortcut);
    m_classView->addAction(deleteClassAction);
    connect(deleteClassAction, &QAction::triggered, this, &SupportPane::deleteClass);
    m_removeButton->setToolTip(tr("Remove the selected images from the class (Delete). The files you imported "
                                  "them from are not touched."));
    m_deleteButton->setToolTip(tr("Delete the selected class with its images (Delete in the class list)."));

    connect(addButton, &QPushButton::clicked, this, &SupportPane::addClass);
    connect(m_renameButton, &QPushButton::clicked, this, &SupportPane::renameClass);
    connect(m_deleteButton, &QPushButton::clicked, this, &SupportPane::deleteClass);
    connect(m_removeButton, &QPushButton::clicked, this, &SupportPane::removeSelectedImages);
    connect(m_importButton, &QPushButton::clicked, this, &SupportPane::importImagesRequested);
    connect(folderButton, &QPushButton::clicked, this, &SupportPane::importFolderRequested);
    connect(m_classes, &ClassListModel::renameFailed, this,
            [this](const QString& msg) { Q_EMIT errorOccurred(tr("Cannot rename the class"), msg); });
    connect(m_classView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) {
                if (current.isValid()) {
                    const tint::ClassEntry* ce = m_project->classAt(current.row());
                    m_shownDir                 = ce ? ce->dir : std::string();
                    m_shownRow                 = current.row();
                }
                m_images->setClassIndex(current.isValid() ? current.row() : -1);
                updateState();
            });
    // The pane alone decides which class is shown, after both models have followed the project
    // (connected after them, so this runs last): the class list's highlight, the header and the
    // images always name the same class, and "Remove selected" removes what is shown.
    connect(project, &ProjectController::projectOpened, this, [this] {
        m_shownDir.clear();
        m_shownRow = 0;
        showChosenClass();
    });
    connect(project, &ProjectController::projectClosed, this, &SupportPane::showChosenClass);
    connect(project, &ProjectController::classesChanged, this, &SupportPane::showChosenClass);
    connect(m_images, &QAbstractItemModel::modelReset, this, &SupportPane::updateState);
    connect(m_imageView->selectionModel(), &QItemSelectionModel::selectionChanged, this, &SupportPane::updateState);
    updateState();
}

void SupportPane::showChosenClass() {
    const int n = m_project->classCount();
    int want    = -1;
    for (int i = 0; i < n && !m_shownDir.empty(); ++i)
        if (m_project->classAt(i)->dir == m_shownDir) want = i;
    if (want < 0 && n > 0) want = std::clamp(m_shownRow, 0, n - 1);  // the class was removed: its neighbour
    if (want >= 0)
        selectClass(want);
    else
        m_images->setClassIndex(-1);
    updateState();
}

int SupportPane::currentClass() const {
    QModelIndex i = m_classView->currentIndex();
    return i.isValid() ? i.row() : -1;
}

void SupportPane::selectClass(int index) {
    if (index < 0 || index >= m_classes->rowCount()) return;
    m_classView->setCurrentIndex(m_classes->index(index));
    m_images->setClassIndex(index);
}

void SupportPane::updateState() {
    int c                      = currentClass();
    const tint::ClassEntry* ce = m_project->classAt(c);
    m_renameButton->setEnabled(ce != nullptr);
    m_deleteButton->setEnabled(ce != nullptr);
    m_importButton->setEnabled(m_project->isOpen());
    m_removeButton->setEnabled(ce && m_imageView->selectionModel()->hasSelection());
    if (!m_project->isOpen()) {
        m_header->setText(tr("No project is open. Use File › New Project or File › Open Project."));
    } else if (!ce) {
        m_header->setText(tr("Add a class to start, or import a folder with one sub-folder per class."));
    } else {
        m_header->setText(tr("<b>%1</b>: %n support image(s). Most work needs 1 to 10 per class.", nullptr,
                             int(ce->supports.size()))
                              .arg(QString::fromStdString(ce->name).toHtmlEscaped()));
    }
    m_empty->setVisible(m_project->isOpen() && m_images->rowCount() == 0);
}

void SupportPane::addClass() {
    if (!m_project->isOpen()) return;
    bool ok      = false;
    QString name = QInputDialog::getText(this, tr("Add class"), tr("Class name:"), QLineEdit::Normal, {}, &ok);
    if (!ok) return;
    QString error;
    if (!m_project->addClass(name, &error)) {
        Q_EMIT errorOccurred(tr("Cannot add the class"), error);
        return;
    }
    selectClass(m_project->classCount() - 1);
}

void SupportPane::renameClass() {
    QModelIndex i = m_classView->currentIndex();
    if (i.isValid()) m_classView->edit(i);
}

bool SupportPane::deletingAllowed() {
    QString why;
    if (!m_deleteGuard || m_deleteGuard(&why)) return true;
    Q_EMIT errorOccurred(tr("Not now"), why);
    return false;
}

bool SupportPane::confirmed(const QString& title, const QString& question) {
    if (qApp->property("tint_no_dialogs").toBool()) return true;  // offscreen tests
    return QMessageBox::question(this, title, question) == QMessageBox::Yes;
}

void SupportPane::deleteClass() {
    int c                      = currentClass();
    const tint::ClassEntry* ce = m_project->classAt(c);
    if (!ce || !deletingAllowed()) return;
    if (!confirmed(tr("Delete class"),
                   tr("Delete the class \"%1\" with its %n support image(s)? This cannot be undone.", nullptr,
                      int(ce->supports.size()))
                       .arg(QString::fromStdString(ce->name))))
        return;
    QString error;
    if (!m_project->removeClass(c, &error)) Q_EMIT errorOccurred(tr("Cannot delete the class"), error);
}

void SupportPane::removeSelectedImages() {
    int c = currentClass();
    QList<int> rows;
    for (const QModelIndex& i : m_imageView->selectionModel()->selectedIndexes()) rows << i.row();
    const tint::ClassEntry* ce = m_project->classAt(c);
    if (!ce || rows.isEmpty() || !deletingAllowed()) return;
    if (!confirmed(tr("Remove images"),
                   tr("Remove %n support image(s) from the class \"%1\"? The project's copies are deleted; the "
                      "files you imported them from are not touched.",
                      nullptr, int(rows.size()))
                       .arg(QString::fromStdString(ce->name))))
        return;
    QString error;
    if (!m_project->removeSupports(c, rows, &error)) Q_EMIT errorOccurred(tr("Cannot remove the images"), error);
}
