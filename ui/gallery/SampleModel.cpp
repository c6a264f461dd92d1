#include "SampleModel.h"

#include <QLocale>
#include <QIcon>
#include <QPixmap>

#include <map>

#include "ProjectController.h"
#include "ThumbnailCache.h"

SampleModel::SampleModel(ProjectController* project, ThumbnailCache* thumbnails, QObject* parent)
    : QAbstractListModel(parent), m_project(project), m_thumbnails(thumbnails) {
    connect(thumbnails, &ThumbnailCache::ready, this, &SampleModel::thumbnailReady);
}

int SampleModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_samples.size()); }

QString SampleModel::key(int classIndex, const std::string& id) const {
    return QString::number(classIndex) + QLatin1Char('/') + QString::fromStdString(id);
}

QString SampleModel::absolutePath(int row) const {
    return m_project->absolutePath(QString::fromStdString(m_samples[std::size_t(row)].record.file));
}

QVariant SampleModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const tint::ProjectSample& s = m_samples[std::size_t(index.row())];
    const tint::SampleRecord& r  = s.record;
    auto className               = [this](int c) {
        const tint::ClassEntry* e = m_project->classAt(c);
        return e ? QString::fromStdString(e->name) : QString();
    };
    switch (role) {
    case Qt::DisplayRole:
    case ClassNameRole: return className(s.class_index);
    case Qt::ToolTipRole: {
        const QString status = r.status == "accepted" ? tr("accepted") : r.status == "rejected" ? tr("rejected") : tr("undecided");
        QString tip          = tr("%1 — %2\nstatus: %3").arg(className(s.class_index), QString::fromStdString(r.id), status);
        if (r.teacher_class >= 0)
            tip += QLatin1Char('\n') + tr("teacher: %1 (%2 %)").arg(className(r.teacher_class), QLocale().toString(100.0 * r.teacher_confidence, 'f', 1));
        if (r.novelty >= 0) tip += QLatin1Char('\n') + tr("novelty: %1").arg(QLocale().toString(r.novelty, 'f', 3));
        if (!r.duplicate_of.empty()) tip += QLatin1Char('\n') + tr("near-duplicate of %1").arg(QString::fromStdString(r.duplicate_of));
        return tip;
    }
    case Qt::DecorationRole: return m_thumbnails->thumbnail(absolutePath(index.row()));
    case ClassRole: return s.class_index;
    case StatusRole: return QString::fromStdString(r.status);
    case TeacherClassRole: return r.teacher_class;
    case ConfidenceRole: return r.teacher_confidence;
    case NoveltyRole: return r.novelty;
    case DuplicateRole: return QString::fromStdString(r.duplicate_of);
    case FilePathRole: return absolutePath(index.row());
    case IdRole: return QString::fromStdString(r.id);
    case OrderRole: return index.row();
    case GeneratorRole: return QString::fromStdString(r.generator);
    default: return {};
    }
}

QHash<int, QByteArray> SampleModel::roleNames() const {
    auto names = QAbstractListModel::roleNames();
    names.insert(ClassRole, "classIndex");
    names.insert(StatusRole, "status");
    names.insert(ConfidenceRole, "confidence");
    names.insert(NoveltyRole, "novelty");
    return names;
}

void SampleModel::reset(std::vector<tint::ProjectSample> samples) {
    beginResetModel();
    m_samples = std::move(samples);
    m_rowById.clear();
    m_rowsByPath.clear();
    for (int i = 0; i < int(m_samples.size()); ++i) {
        m_rowById.insert(key(m_samples[std::size_t(i)].class_index, m_samples[std::size_t(i)].record.id), i);
        m_rowsByPath[absolutePath(i)].append(i);
    }
    m_thumbnails->clear();
    endResetModel();
}

void SampleModel::append(int classIndex, const tint::SampleRecord& record) {
    QString k = key(classIndex, record.id);
    if (m_rowById.contains(k)) return;
    const int row = rowCount();
    beginInsertRows({}, row, row);
    m_samples.push_back({classIndex, record});
    m_rowById.insert(k, row);
    m_rowsByPath[absolutePath(row)].append(row);
    endInsertRows();
}

void SampleModel::updateScores(int classIndex, const std::vector<tint::SampleRecord>& records) {
    int lo = rowCount(), hi = -1;
    for (const auto& r : records) {
        int row = rowOf(classIndex, QString::fromStdString(r.id));
        if (row < 0) continue;
        tint::SampleRecord& t   = m_samples[std::size_t(row)].record;
        t.teacher_class         = r.teacher_class;
        t.teacher_confidence    = r.teacher_confidence;
        t.novelty               = r.novelty;
        t.duplicate_of          = r.duplicate_of;
        t.scored_by             = r.scored_by;
        lo = std::min(lo, row), hi = std::max(hi, row);
    }
    if (hi >= lo)
        Q_EMIT dataChanged(index(lo), index(hi),
                           {Qt::ToolTipRole, TeacherClassRole, ConfidenceRole, NoveltyRole, DuplicateRole});
}

bool SampleModel::setStatuses(const QList<Change>& changes, QString* error) {
    const tint::Project* p = m_project->project();
    if (!p) {
        if (error) *error = tr("No project is open.");
        return false;
    }
    // One file per class. All of them are written or, when one fails, the ones already written
    // get their earlier statuses back: an action is on disk whole or not at all.
    using Lines = std::vector<std::pair<std::string, std::string>>;
    std::map<int, Lines> perClass, earlier;
    std::map<int, QList<Change>> applied;
    for (const Change& c : changes) {
        if (c.row < 0 || c.row >= rowCount()) continue;
        const auto& s = m_samples[std::size_t(c.row)];
        perClass[s.class_index].emplace_back(s.record.id, c.status.toStdString());
        earlier[s.class_index].emplace_back(s.record.id, s.record.status);
        applied[s.class_index].append(c);
    }
    std::vector<int> written;
    QString failure;
    for (const auto& [ci, lines] : perClass) {
        const tint::ClassEntry* cls = m_project->classAt(ci);
        if (!cls) continue;
        try {
            tint::set_sample_status(p->root(), *cls, lines);
            written.push_back(ci);
        } catch (const std::exception& e) {
            failure = QString::fromStdString(e.what());
            break;
        }
    }
    std::vector<int> shown = written;  // the classes whose new statuses are on disk
    if (!failure.isEmpty()) {
        shown.clear();
        for (int ci : written) {
            try {
                tint::set_sample_status(p->root(), *m_project->classAt(ci), earlier[ci]);
            } catch (const std::exception& e) {
                shown.push_back(ci);  // could not be taken back: show what the file says
                failure += QLatin1Char('\n') + tr("The decisions for the class \"%1\" were saved and could not be taken "
                                                  "back: %2")
                                                   .arg(QString::fromStdString(m_project->classAt(ci)->name),
                                                        QString::fromStdString(e.what()));
            }
        }
    }
    for (int ci : shown)
        for (const Change& c : applied[ci]) {
            m_samples[std::size_t(c.row)].record.status = c.status.toStdString();
            Q_EMIT dataChanged(index(c.row), index(c.row), {StatusRole, Qt::ToolTipRole});
        }
    if (failure.isEmpty()) return true;
    if (error) *error = failure;
    return false;
}

int SampleModel::rowOf(int classIndex, const QString& id) const {
    return m_rowById.value(QString::number(classIndex) + QLatin1Char('/') + id, -1);
}

QHash<QString, int> SampleModel::statusCounts(int classIndex) const {
    QHash<QString, int> counts;
    for (const auto& s : m_samples)
        if (classIndex < 0 || s.class_index == classIndex) counts[QString::fromStdString(s.record.status)]++;
    return counts;
}

void SampleModel::thumbnailReady(const QString& path) {
    for (int row : m_rowsByPath.value(path)) Q_EMIT dataChanged(index(row), index(row), {Qt::DecorationRole});
}
