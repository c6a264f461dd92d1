#include "EngineClient.h"

#include "tint/Log.h"
#include "tint/Runtime.h"

EngineClient::EngineClient(QObject* parent) : QObject(parent), m_runner(new JobRunner) {
    qRegisterMetaType<JobId>("JobId");
    qRegisterMetaType<JobProgress>();
    qRegisterMetaType<JobContinuation>();
    m_thread.setObjectName(QStringLiteral("engine"));
    m_runner->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_runner, &QObject::deleteLater);
    connect(m_runner, &JobRunner::started, this, [this](JobId id, const QString& title) {
        m_current = id;
        Q_EMIT jobStarted(id, title);
        Q_EMIT queueChanged(qMax(0, pendingCount() - 1));
    });
    connect(m_runner, &JobRunner::progress, this, &EngineClient::jobProgress);
    connect(m_runner, &JobRunner::finished, this, [this](JobId id, const JobContinuation& c) {
        QString error;
        try {
            if (c.apply) c.apply();
        } catch (const std::exception& e) {
            error = QString::fromStdString(e.what());
        }
        ended(id);
        if (error.isEmpty())
            Q_EMIT jobFinished(id);
        else
            Q_EMIT jobFailed(id, error);
    });
    connect(m_runner, &JobRunner::failed, this, [this](JobId id, const QString& message) {
        ended(id);
        Q_EMIT jobFailed(id, message);
    });
    connect(m_runner, &JobRunner::cancelled, this, [this](JobId id) {
        ended(id);
        Q_EMIT jobCancelled(id);
    });
    m_thread.start();
}

EngineClient::~EngineClient() {
    cancelAll();
    m_thread.quit();
    m_thread.wait();
}

JobId EngineClient::submit(const QString& title, JobWork work, bool severalStages) {
    JobId id = ++m_next;
    tint::CancelSource source;
    tint::CancelToken token = source.token();
    if (m_cancelNew) source.request(tint::CancelMode::Now);
    m_cancel.insert(id, source);
    JobRunner* runner = m_runner;
    QMetaObject::invokeMethod(
        m_runner,
        [runner, id, title, work = std::move(work), token, severalStages] {
            runner->execute(id, title, work, token, severalStages);
        },
        Qt::QueuedConnection);
    Q_EMIT queueChanged(pendingCount() - (m_current ? 1 : 0));
    return id;
}

void EngineClient::cancel(JobId id, tint::CancelMode mode) {
    auto it = m_cancel.find(id);
    if (it != m_cancel.end()) it->request(mode);
}

void EngineClient::cancelCurrent(tint::CancelMode mode) {
    if (m_current) cancel(m_current, mode);
}

void EngineClient::cancelAll() {
    for (auto& s : m_cancel) s.request(tint::CancelMode::Now);
}

void EngineClient::setComputeThreads(int threads) {
    QMetaObject::invokeMethod(
        m_runner,
        [threads] {
            try {
                tint::set_compute_threads(threads);
            } catch (const std::exception& e) {
                tint::log::error("tint.runtime", e.what());
            }
        },
        Qt::QueuedConnection);
}

void EngineClient::ended(JobId id) {
    m_cancel.remove(id);
    if (m_current == id) m_current = 0;
    Q_EMIT queueChanged(pendingCount());
}
