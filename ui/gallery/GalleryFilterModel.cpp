#include "GalleryFilterModel.h"

#include "SampleModel.h"

GalleryFilterModel::GalleryFilterModel(QObject* parent) : QSortFilterProxyModel(parent) {
    setDynamicSortFilter(true);
    sort(0, Qt::AscendingOrder);
}

void GalleryFilterModel::setClassFilter(int classIndex) {
    if (m_class == classIndex) return;
    m_class = classIndex;
    invalidateFilter();
}

void GalleryFilterModel::setStatusFilter(const QString& status) {
    if (m_status == status) return;
    m_status = status;
    invalidateFilter();
}

void GalleryFilterModel::setDuplicatesOnly(bool on) {
    if (m_duplicatesOnly == on) return;
    m_duplicatesOnly = on;
    invalidateFilter();
}

void GalleryFilterModel::setOrder(Order order) {
    if (m_order == order) return;
    m_order = order;
    invalidate();
}

bool GalleryFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    const QModelIndex i = sourceModel()->index(sourceRow, 0, sourceParent);
    if (m_class >= 0 && i.data(SampleModel::ClassRole).toInt() != m_class) return false;
    if (!m_status.isEmpty() && i.data(SampleModel::StatusRole).toString() != m_status) return false;
    if (m_duplicatesOnly && i.data(SampleModel::DuplicateRole).toString().isEmpty()) return false;
    return true;
}

bool GalleryFilterModel::lessThan(const QModelIndex& left, const QModelIndex& right) const {
    const int lo = left.row(), ro = right.row();  // creation order breaks ties
    auto by      = [&](int role, bool descending) {
        const double a = left.data(role).toDouble(), b = right.data(role).toDouble();
        if (a == b) return lo < ro;
        return descending ? a > b : a < b;
    };
    switch (m_order) {
    case Order::Newest: return lo > ro;
    case Order::Oldest: return lo < ro;
    case Order::ConfidenceLowest: {
        // Unscored images (-1) go last.
        const double a = left.data(SampleModel::ConfidenceRole).toDouble(), b = right.data(SampleModel::ConfidenceRole).toDouble();
        if ((a < 0) != (b < 0)) return b < 0;
        return by(SampleModel::ConfidenceRole, false);
    }
    case Order::ConfidenceHighest: return by(SampleModel::ConfidenceRole, true);
    case Order::NoveltyHighest: return by(SampleModel::NoveltyRole, true);
    }
    return lo < ro;
}
