#include "ClassListModel.h"

#include "ProjectController.h"

ClassListModel::ClassListModel(ProjectController* project, QObject* parent)
    : QAbstractListModel(parent), m_project(project) {
    connect(project, &ProjectController::projectOpened, this, &ClassListModel::reload);
    connect(project, &ProjectController::projectClosed, this, &ClassListModel::reload);
    connect(project, &ProjectController::classesChanged, this, &ClassListModel::reload);
    m_rows = project->classCount();
}

void ClassListModel::reload() {
    beginResetModel();
    m_rows = m_project->classCount();
    endResetModel();
}

int ClassListModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : m_rows; }

QVariant ClassListModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const tint::ClassEntry* c = m_project->classAt(index.row());
    if (!c) return {};
    switch (role) {
        case Qt::DisplayRole:
            return tr("%1 (%n image(s))", nullptr, int(c->supports.size())).arg(QString::fromStdString(c->name));
        case Qt::EditRole: return QString::fromStdString(c->name);
        case Qt::ToolTipRole:
            return tr("Class \"%1\": %n support image(s)", nullptr, int(c->supports.size()))
                .arg(QString::fromStdString(c->name));
        case SupportCountRole: return int(c->supports.size());
        case FolderRole: return QString::fromStdString(c->dir);
        default: return {};
    }
}

Qt::ItemFlags ClassListModel::flags(const QModelIndex& index) const {
    if (!index.isValid()) return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable;
}

bool ClassListModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (role != Qt::EditRole || !index.isValid()) return false;
    QString error;
    if (!m_project->renameClass(index.row(), value.toString(), &error)) {
        Q_EMIT renameFailed(error);
        return false;
    }
    return true;
}
