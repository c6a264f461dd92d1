#include "GalleryDelegate.h"

#include <QApplication>
#include <QImage>
#include <QPainter>

#include "SampleModel.h"

GalleryDelegate::GalleryDelegate(int thumbnailSize, QObject* parent) : QStyledItemDelegate(parent), m_size(thumbnailSize) {}

QSize GalleryDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const {
    const int line = option.fontMetrics.height();
    return {m_size + 12, m_size + 12 + 2 * line + 6};
}

void GalleryDelegate::paint(QPainter* p, const QStyleOptionViewItem& option, const QModelIndex& index) const {
    p->save();
    const QRect r       = option.rect.adjusted(2, 2, -2, -2);
    const QPalette& pal = option.palette;
    const bool selected = option.state & QStyle::State_Selected;
    p->fillRect(r, selected ? pal.color(QPalette::Highlight).lighter(160) : pal.color(QPalette::Base));

    const QString status = index.data(SampleModel::StatusRole).toString();
    QColor frame         = pal.color(QPalette::Mid);
    if (status == QLatin1String("accepted")) frame = QColor(0x2c, 0xa0, 0x2c);
    if (status == QLatin1String("rejected")) frame = QColor(0xd6, 0x27, 0x28);
    const QRect thumbRect(r.x() + 4, r.y() + 4, m_size, m_size);
    const QImage image = index.data(Qt::DecorationRole).value<QImage>();
    if (image.isNull()) {
        p->fillRect(thumbRect, pal.color(QPalette::AlternateBase));
    } else {
        QSize s = image.size().scaled(thumbRect.size(), Qt::KeepAspectRatio);
        QRect target(QPoint(0, 0), s);
        target.moveCenter(thumbRect.center());
        p->drawImage(target, image);
    }
    if (status == QLatin1String("rejected")) {  // dim rejected images
        p->fillRect(thumbRect, QColor(255, 255, 255, 120));
    }
    p->setPen(QPen(frame, status == QLatin1String("new") ? 1 : 3));
    p->drawRect(thumbRect.adjusted(0, 0, -1, -1));

    // Status badge in the corner.
    if (status != QLatin1String("new")) {
        QRect badge(thumbRect.right() - 20, thumbRect.top() + 2, 18, 18);
        p->setBrush(frame);
        p->setPen(Qt::NoPen);
        p->drawEllipse(badge);
        p->setPen(Qt::white);
        p->drawText(badge, Qt::AlignCenter, status == QLatin1String("accepted") ? QStringLiteral("✓") : QStringLiteral("✕"));
    }
    if (!index.data(SampleModel::DuplicateRole).toString().isEmpty()) {
        QRect badge(thumbRect.left() + 2, thumbRect.top() + 2, option.fontMetrics.horizontalAdvance(tr("dup")) + 8,
                    option.fontMetrics.height() + 2);
        p->setBrush(QColor(0xff, 0x7f, 0x0e));
        p->setPen(Qt::NoPen);
        p->drawRoundedRect(badge, 3, 3);
        p->setPen(Qt::white);
        p->drawText(badge, Qt::AlignCenter, tr("dup"));
    }

    const int line = option.fontMetrics.height();
    QRect text1(r.x() + 4, thumbRect.bottom() + 4, r.width() - 8, line);
    QRect text2 = text1.translated(0, line);
    p->setPen(pal.color(QPalette::Text));
    p->drawText(text1, Qt::AlignLeft | Qt::AlignVCenter,
                option.fontMetrics.elidedText(index.data(SampleModel::ClassNameRole).toString(), Qt::ElideRight, text1.width()));
    const int teacher = index.data(SampleModel::TeacherClassRole).toInt();
    if (teacher >= 0) {
        const double conf  = index.data(SampleModel::ConfidenceRole).toDouble();
        const bool agrees  = teacher == index.data(SampleModel::ClassRole).toInt();
        const QString name = teacher < m_names.size() ? m_names[teacher] : QString::number(teacher);
        p->setPen(agrees ? pal.color(QPalette::Text) : QColor(0xd6, 0x27, 0x28));
        p->drawText(text2, Qt::AlignLeft | Qt::AlignVCenter,
                    option.fontMetrics.elidedText(tr("%1 %2 %").arg(name).arg(100.0 * conf, 0, 'f', 0), Qt::ElideMiddle,
                                                  text2.width()));
    } else {
        p->setPen(pal.color(QPalette::PlaceholderText));
        p->drawText(text2, Qt::AlignLeft | Qt::AlignVCenter, tr("not scored"));
    }
    if (option.state & QStyle::State_HasFocus) {
        p->setPen(QPen(pal.color(QPalette::Highlight), 1, Qt::DashLine));
        p->setBrush(Qt::NoBrush);
        p->drawRect(r.adjusted(0, 0, -1, -1));
    }
    p->restore();
}
