#include "QtJobContext.h"

#include <cmath>

QtJobContext::QtJobContext(JobId id, QString title, tint::CancelToken token, Sink sink, int minIntervalMs, Clock clock)
    : m_id(id), m_title(std::move(title)), m_token(std::move(token)), m_sink(std::move(sink)),
      m_minIntervalMs(minIntervalMs), m_now(std::move(clock)) {
    m_clock.start();
}

void QtJobContext::report(const tint::Progress& p) {
    const qint64 now = m_now ? m_now() : m_clock.elapsed();
    // A new stage, a new total or a count that went back starts a new rate measurement.
    if (m_stageBaseStep < 0 || p.stage != m_stage || p.total != m_stageTotal || p.step < m_lastStep) {
        if (m_stageBaseStep >= 0 && p.stage != m_stage) m_severalStages = true;
        m_stage         = p.stage;
        m_stageTotal    = p.total;
        m_stageBaseStep = p.step;
        m_stageStartMs  = now;
    }
    m_lastStep = p.step;
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
    out.severalStages  = m_severalStages;
    if (p.total > 0 && p.step >= p.total)
        out.etaSeconds = 0.0;
    else if (p.total > 0 && p.step > m_stageBaseStep && p.step < p.total)
        out.etaSeconds = (now - m_stageStartMs) / 1000.0 * double(p.total - p.step) / double(p.step - m_stageBaseStep);
    m_sink(out);
}
