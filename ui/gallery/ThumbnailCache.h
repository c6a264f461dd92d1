#pragma once
// Thumbnails of image files made off the GUI thread (a small thread pool reading each file scaled
// down while decoding), kept in a bounded cache. Asking for one that is not ready starts its load
// and returns a null image; ready() says when it has arrived.
#include <QCache>
#include <QImage>
#include <QObject>
#include <QSet>
#include <QThreadPool>

class ThumbnailCache : public QObject {
    Q_OBJECT
public:
    explicit ThumbnailCache(int size, int maxImages = 3000, QObject* parent = nullptr);
    ~ThumbnailCache() override;

    /// The thumbnail, or a null image while it is being made (ready() follows) or unreadable.
    QImage thumbnail(const QString& path);
    bool failed(const QString& path) const { return m_failed.contains(path); }
    int size() const { return m_size; }
    void clear();
    /// Waits for the loads in flight (tests, shutdown).
    void waitForDone();

Q_SIGNALS:
    void ready(const QString& path);

private:
    void arrived(const QString& path, const QImage& image);
    int m_size;
    QThreadPool m_pool;
    QCache<QString, QImage> m_cache;
    QSet<QString> m_pending;
    QSet<QString> m_failed;
    quint64 m_generation = 0;
};
