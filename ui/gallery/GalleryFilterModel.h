#pragma once
// Filter (class, status, near-duplicates only) and order (newest, teacher confidence, novelty)
// of the synthetic gallery.
#include <QSortFilterProxyModel>

class GalleryFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    enum class Order { Newest, Oldest, ConfidenceLowest, ConfidenceHighest, NoveltyHighest };
    explicit GalleryFilterModel(QObject* parent = nullptr);

    void setClassFilter(int classIndex);          ///< -1: all classes
    void setStatusFilter(const QString& status);  ///< empty: all
    void setDuplicatesOnly(bool on);
    void setOrder(Order order);
    int classFilter() const { return m_class; }
    QString statusFilter() const { return m_status; }
    Order order() const { return m_order; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    int m_class = -1;
    QString m_status;
    bool m_duplicatesOnly = false;
    Order m_order         = Order::Newest;
};
