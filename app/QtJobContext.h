#pragma once
// tint::JobContext for jobs run by JobRunner: progress is throttled (first, last, and at most one
// report every 50 ms) and handed to a sink on the engine thread, which emits a queued signal.
#include <QElapsedTimer>

#include <functional>

#include "JobTypes.h"
#include "tint/JobContext.h"

class QtJobContext : public tint::JobContext {
public:
    using Sink = std::function<void(const JobProgress&)>;
    QtJobContext(JobId id, QString title, tint::CancelToken token, Sink sink, int minIntervalMs = 50);

    void report(const tint::Progress& p) override;
    const tint::CancelToken& cancel() const override { return m_token; }
    int reportsSent() const { return m_sent; }

private:
    JobId m_id;
    QString m_title;
    tint::CancelToken m_token;
    Sink m_sink;
    int m_minIntervalMs;
    QElapsedTimer m_clock;
    qint64 m_lastSentMs = -1;
    int m_sent          = 0;
};
