#include "QtJobContext.h"

#include <cmath>

QtJobContext::QtJobContext(JobId id, QString title, tint::CancelToken token, Sink sink, int minIntervalMs)
    : m_id(id), m_title(std::move(title)), m_token(std::move(token)), m_sink(std::move(sink)),
      m_minIntervalMs(minIntervalMs) {
    m_clock.start();
}

void QtJobContext::report(const tint::Progress& p) {
    const qint64 now = m_clock.elapsed();
    const bool first = m_lastSentMs < 0;
    const bool last  = p.total > 0 && p.step >= p.total;
    if (!first && !last && now - m_lastSentMs < m_minIntervalMs) return;
    m_lastSentMs = now;
    ++m_sent;
    JobProgress out;
    out.id             = m_id;
    out.title          = m_title;
    out.stage          = QString::fromStdString(p.stage);
    out.step           = p.step;
    out.total          = p.total;
    out.hasLoss        = !std::isnan(p.loss);
    out.loss           = out.hasLoss ? p.loss : 0.0;
    out.message        = QString::fromStdString(p.message);
    out.elapsedSeconds = now / 1000.0;
    if (p.total > 0 && p.step > 0 && p.step <= p.total)
        out.etaSeconds = out.elapsedSeconds * double(p.total - p.step) / double(p.step);
    m_sink(out);
}
