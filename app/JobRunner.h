#pragma once
// Lives on the engine thread and runs jobs one after another. Each job is a function of a
// JobContext that returns a continuation for the GUI thread (the result captured by value).
// No exception leaves execute(): every outcome is one of finished / failed / cancelled.
#include <QObject>
#include <QString>

#include <functional>

#include "JobTypes.h"
#include "tint/JobContext.h"

using JobWork = std::function<std::function<void()>(tint::JobContext&)>;

class JobRunner : public QObject {
    Q_OBJECT
public:
    explicit JobRunner(QObject* parent = nullptr) : QObject(parent) {}
    /// Runs on the engine thread (called through a queued invocation).
    void execute(JobId id, const QString& title, const JobWork& work, const tint::CancelToken& token,
                 bool severalStages = false);

Q_SIGNALS:
    void started(JobId id, const QString& title);
    void progress(const JobProgress& p);
    void finished(JobId id, const JobContinuation& result);
    void failed(JobId id, const QString& message);
    void cancelled(JobId id);
};
