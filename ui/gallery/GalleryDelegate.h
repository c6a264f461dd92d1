#pragma once
// Paints a gallery tile: the thumbnail, its status as a coloured frame and badge, the class, the
// teacher's top-1 with its confidence (red when it disagrees with the class) and a near-duplicate mark.
#include <QStyledItemDelegate>

class GalleryDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    explicit GalleryDelegate(int thumbnailSize, QObject* parent = nullptr);
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    /// Class names for the teacher's top-1 (index -> name).
    void setClassNames(const QStringList& names) { m_names = names; }

private:
    int m_size;
    QStringList m_names;
};
