#include "ThumbnailCache.h"

#include <QImageReader>
#include <QPointer>

ThumbnailCache::ThumbnailCache(int size, int maxImages, QObject* parent)
    : QObject(parent), m_size(size), m_cache(maxImages) {
    m_pool.setMaxThreadCount(2);
    m_pool.setObjectName(QStringLiteral("thumbnails"));
}

ThumbnailCache::~ThumbnailCache() {
    m_pool.clear();
    m_pool.waitForDone();
}

QImage ThumbnailCache::thumbnail(const QString& path) {
    if (QImage* hit = m_cache.object(path)) return *hit;
    if (m_pending.contains(path) || m_failed.contains(path)) return {};
    m_pending.insert(path);
    QPointer<ThumbnailCache> self(this);
    const int size            = m_size;
    const quint64 generation  = m_generation;
    m_pool.start([self, path, size, generation] {
        QImageReader reader(path);
        reader.setAutoTransform(true);
        QSize full = reader.size();
        if (full.isValid() && (full.width() > size || full.height() > size))
            reader.setScaledSize(full.scaled(size, size, Qt::KeepAspectRatio));
        QImage image = reader.read();
        if (!image.isNull() && (image.width() > size || image.height() > size))
            image = image.scaled(size, size, Qt::KeepAspectRatio, Qt::SmoothTransformation);
        QMetaObject::invokeMethod(
            self.data(),
            [self, path, image, generation] {
                if (self && self->m_generation == generation) self->arrived(path, image);
            },
            Qt::QueuedConnection);
    });
    return {};
}

void ThumbnailCache::arrived(const QString& path, const QImage& image) {
    m_pending.remove(path);
    if (image.isNull())
        m_failed.insert(path);
    else
        m_cache.insert(path, new QImage(image), 1);
    Q_EMIT ready(path);
}

void ThumbnailCache::clear() {
    ++m_generation;  // loads in flight are dropped when they arrive
    m_pool.clear();
    m_cache.clear();
    m_pending.clear();
    m_failed.clear();
}

void ThumbnailCache::waitForDone() { m_pool.waitForDone(); }
