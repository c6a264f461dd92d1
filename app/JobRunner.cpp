#include "JobRunner.h"

#include "QtJobContext.h"
#include "tint/Error.h"
#include "tint/Log.h"

void JobRunner::execute(JobId id, const QString& title, const JobWork& work, const tint::CancelToken& token,
                        bool severalStages) {
    if (token.requested()) {  // cancelled while it waited in the queue
        Q_EMIT cancelled(id);
        return;
    }
    Q_EMIT started(id, title);
    QtJobContext ctx(id, title, token, [this](const JobProgress& p) { Q_EMIT progress(p); });
    ctx.setSeveralStages(severalStages);
    try {
        JobContinuation c{work(ctx)};
        Q_EMIT finished(id, c);
    } catch (const tint::Cancelled&) {
        tint::log::info("tint.jobs", title.toStdString() + ": cancelled");
        Q_EMIT cancelled(id);
    } catch (const std::exception& e) {  // tint::Error, c10::Error, std::bad_alloc alike
        tint::log::error("tint.jobs", title.toStdString() + ": " + e.what());
        Q_EMIT failed(id, QString::fromStdString(e.what()));
    } catch (...) {
        Q_EMIT failed(id, QStringLiteral("unknown error"));
    }
}
