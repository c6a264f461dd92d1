#pragma once
// The GUI-thread side of the engine: owns the engine thread and its JobRunner, queues jobs,
// keeps one CancelSource per job and sets it directly when the user cancels.
#include <QMap>
#include <QObject>
#include <QThread>

#include "JobRunner.h"

class EngineClient : public QObject {
    Q_OBJECT
public:
    explicit EngineClient(QObject* parent = nullptr);
    ~EngineClient() override;

    /// Queues a job; the continuation it returns runs on the GUI thread before jobFinished.
    /// severalStages: the job runs stages one after another (its ETA is labelled as the stage's).
    JobId submit(const QString& title, JobWork work, bool severalStages = false);
    /// Cancels one job (queued or running).
    void cancel(JobId id, tint::CancelMode mode);
    /// Cancels the running job.
    void cancelCurrent(tint::CancelMode mode);
    void cancelAll();
    /// From now on every job submitted is cancelled before it starts (closing: a finished job's
    /// continuation may still queue more work, such as the imports after a folder scan).
    void cancelNewJobs() { m_cancelNew = true; }
    /// Sets LibTorch's thread count on the engine thread (where it takes effect).
    void setComputeThreads(int threads);

    JobId currentJob() const { return m_current; }
    int pendingCount() const { return int(m_cancel.size()); }
    JobRunner* runner() const { return m_runner; }

Q_SIGNALS:
    void jobStarted(JobId id, const QString& title);
    void jobProgress(const JobProgress& p);
    void jobFinished(JobId id);
    void jobFailed(JobId id, const QString& message);
    void jobCancelled(JobId id);
    void queueChanged(int waiting);

private:
    void ended(JobId id);
    QThread m_thread;
    JobRunner* m_runner;
    QMap<JobId, tint::CancelSource> m_cancel;
    JobId m_next    = 0;
    JobId m_current = 0;
    bool m_cancelNew = false;
};
