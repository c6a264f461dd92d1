#pragma once
// tint::JobContext for jobs run by JobRunner: progress is throttled (first, last, and at most one
// report every 50 ms) and handed to a sink on the engine thread, which emits a queued signal.
// The ETA is measured per stage, from the first step reported in it: a job's stages (teacher,
// soft labels, training, ...) count their own steps, and a resumed stage starts past step 0.
#include <QElapsedTimer>

#include <functional>
#include <string>

#include "JobTypes.h"
#include "tint/JobContext.h"

class QtJobContext : public tint::JobContext {
public:
    using Sink  = std::function<void(const JobProgress&)>;
    using Clock = std::function<qint64()>;  ///< milliseconds since the job started
    /// clock: empty for the wall clock (tests pass their own).
    QtJobContext(JobId id, QString title, tint::CancelToken token, Sink sink, int minIntervalMs = 50, Clock clock = {});

    void report(const tint::Progress& p) override;
    const tint::CancelToken& cancel() const override { return m_token; }
    int reportsSent() const { return m_sent; }
    /// The job is known to run several stages, so its ETA is labelled as the stage's from the start.
    void setSeveralStages(bool several) { m_severalStages = several; }

private:
    JobId m_id;
    QString m_title;
    tint::CancelToken m_token;
    Sink m_sink;
    int m_minIntervalMs;
    QElapsedTimer m_clock;
    Clock m_now;
    qint64 m_lastSentMs = -1;
    std::string m_stage;           ///< the stage whose rate the ETA uses
    qint64 m_stageStartMs  = 0;    ///< when its first step was reported
    qint64 m_stageBaseStep = -1;   ///< and which step that was (-1: no stage yet)
    qint64 m_stageTotal    = 0;
    qint64 m_lastStep      = 0;    ///< the step of the previous report (a lower one restarts)
    int m_sent          = 0;
    bool m_severalStages = false;  ///< declared, or a second stage name was reported
};
