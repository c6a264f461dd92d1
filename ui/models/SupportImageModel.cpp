#include "SupportImageModel.h"

#include <QColor>
#include <QFileInfo>
#include <QIcon>
#include <QPixmap>

#include "ProjectController.h"

SupportImageModel::SupportImageModel(ProjectController* project, QObject* parent)
    : QAbstractListModel(parent), m_project(project) {
    connect(project, &ProjectController::projectOpened, this, [this] {
        m_thumbs.clear();
        m_requested.clear();
        m_class = m_project->classCount() > 0 ? 0 : -1;
        reload();
    });
    connect(project, &ProjectController::projectClosed, this, [this] {
        m_class = -1;
        reload();
    });
    connect(project, &ProjectController::classesChanged, this, [this] {
        if (m_class >= m_project->classCount()) m_class = m_project->classCount() - 1;
        reload();
    });
    connect(project, &ProjectController::supportsChanged, this, [this](int c) {
        if (c == m_class) reload();
    });
}

void SupportImageModel::setClassIndex(int classIndex) {
    if (classIndex == m_class) return;
    m_class = classIndex;
    reload();
}

void SupportImageModel::reload() {
    QStringList paths;
    if (const tint::ClassEntry* c = m_project->classAt(m_class))
        for (const auto& s : c->supports) paths << m_project->absolutePath(QString::fromStdString(s.file));
    if (paths == m_paths) return;
    beginResetModel();
    m_paths = paths;
    endResetModel();
    requestMissing();
}

void SupportImageModel::requestMissing() {
    QStringList want;
    for (const QString& p : m_paths)
        if (!m_thumbs.contains(p) && !m_requested.contains(p)) want << p;
    if (want.isEmpty()) return;
    for (const QString& p : want) m_requested.insert(p);
    Q_EMIT thumbnailsWanted(want);
}

void SupportImageModel::setThumbnail(const QString& absolutePath, const QImage& image) {
    m_thumbs.insert(absolutePath, image);
    int row = int(m_paths.indexOf(absolutePath));
    if (row >= 0) Q_EMIT dataChanged(index(row), index(row), {Qt::DecorationRole});
}

void SupportImageModel::requestsEnded(const QStringList& absolutePaths) {
    for (const QString& p : absolutePaths)
        if (!m_thumbs.contains(p)) m_requested.remove(p);
}

int SupportImageModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_paths.size()); }

QVariant SupportImageModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const QString& path = m_paths.at(index.row());
    const tint::ClassEntry* c = m_project->classAt(m_class);
    const tint::SupportImage* s = c && index.row() < int(c->supports.size()) ? &c->supports[index.row()] : nullptr;
    switch (role) {
        case Qt::DisplayRole: return QFileInfo(path).fileName();
        case Qt::DecorationRole: {
            auto it = m_thumbs.constFind(path);
            if (it != m_thumbs.constEnd() && !it->isNull()) return QIcon(QPixmap::fromImage(*it));
            // Same size as a thumbnail, so that views lay out once and do not jump when it arrives.
            static const QIcon placeholder = [] {
                QPixmap p(160, 160);
                p.fill(QColor(0xe4, 0xe4, 0xe4));
                return QIcon(p);
            }();
            return placeholder;
        }
        case Qt::ToolTipRole:
            return s ? tr("%1\n%2 x %3 pixels\nimported from %4")
                           .arg(QFileInfo(path).fileName())
                           .arg(s->width)
                           .arg(s->height)
                           .arg(QString::fromStdString(s->source))
                     : QVariant();
        case FilePathRole: return path;
        case SizeRole: return s ? QSize(s->width, s->height) : QSize();
        default: return {};
    }
}
