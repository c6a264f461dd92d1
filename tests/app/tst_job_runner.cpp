// The engine thread: jobs run serially off the GUI thread, progress is throttled, results come
// back on the GUI thread, cancel works at both levels, and no exception escapes.
#include <QSignalSpy>
#include <QtTest>

#include <atomic>
#include <cmath>
#include <vector>
#include <thread>

#include "EngineClient.h"
#include "QtJobContext.h"
#include "tint/Error.h"

namespace {
// Spins until the job is cancelled (busy wait on the job's own token; no sleeping).
void waitForCancel(tint::JobContext& ctx) {
    for (;;) {
        ctx.throw_if_cancelled();
        if (ctx.stop_before_next_item()) return;
        std::this_thread::yield();
    }
}
}  // namespace

class TestJobRunner : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void orderingAndThreads() {
        EngineClient engine;
        QSignalSpy started(&engine, &EngineClient::jobStarted);
        QSignalSpy progress(&engine, &EngineClient::jobProgress);
        QSignalSpy finished(&engine, &EngineClient::jobFinished);
        std::atomic<QThread*> workThread{nullptr};
        QThread* continuationThread = nullptr;
        QStringList order;
        JobId id = engine.submit(QStringLiteral("five steps"), [&](tint::JobContext& ctx) {
            workThread = QThread::currentThread();
            for (int i = 0; i <= 5; ++i) ctx.report({"s", i, 5, std::nan(""), {}});
            return std::function<void()>([&] {
                continuationThread = QThread::currentThread();
                order << QStringLiteral("continuation");
            });
        });
        connect(&engine, &EngineClient::jobFinished, this, [&] { order << QStringLiteral("finished"); });
        QVERIFY(finished.wait(10000));
        QCOMPARE(started.count(), 1);
        QCOMPARE(started.at(0).at(0).value<JobId>(), id);
        QVERIFY(workThread.load() != nullptr);
        QVERIFY(workThread.load() != QThread::currentThread());
        QCOMPARE(continuationThread, QThread::currentThread());
        QCOMPARE(order, (QStringList{QStringLiteral("continuation"), QStringLiteral("finished")}));
        QVERIFY(progress.count() >= 2);  // first and last always get through
        auto last = progress.last().at(0).value<JobProgress>();
        QCOMPARE(last.step, 5);
        QCOMPARE(last.total, 5);
        QCOMPARE(last.id, id);
        QCOMPARE(last.etaSeconds, 0.0);
    }

    void jobsRunSeriallyInOrder() {
        EngineClient engine;
        QSignalSpy finished(&engine, &EngineClient::jobFinished);
        std::atomic<int> running{0}, maxRunning{0};
        std::vector<int> order;
        std::mutex m;
        for (int k = 0; k < 4; ++k)
            engine.submit(QStringLiteral("job %1").arg(k), [&, k](tint::JobContext&) {
                int now = ++running;
                maxRunning = std::max(maxRunning.load(), now);
                volatile double x = 0;
                for (int i = 0; i < 200000; ++i) x = x + i;
                {
                    std::lock_guard<std::mutex> lock(m);
                    order.push_back(k);
                }
                --running;
                return std::function<void()>();
            });
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 4, 10000);
        QCOMPARE(maxRunning.load(), 1);
        QCOMPARE(order, (std::vector<int>{0, 1, 2, 3}));
    }

    void progressIsThrottled() {
        int sent = 0;
        std::vector<qint64> steps;
        QtJobContext ctx(1, QStringLiteral("t"), {}, [&](const JobProgress& p) {
            ++sent;
            steps.push_back(p.step);
        });
        const int total = 200000;
        for (int i = 0; i <= total; ++i) ctx.report({"s", i, total, std::nan(""), {}});
        QVERIFY2(sent < 100, qPrintable(QString::number(sent)));  // far fewer than 200001
        QCOMPARE(steps.front(), qint64(0));
        QCOMPARE(steps.back(), qint64(total));
        QCOMPARE(ctx.reportsSent(), sent);
    }

    // The ETA follows the rate of the current stage, measured from its first reported step.
    void etaPerStage() {
        qint64 clock = 0;
        std::vector<JobProgress> got;
        QtJobContext ctx(1, QStringLiteral("t"), {}, [&](const JobProgress& p) { got.push_back(p); }, 0, [&] { return clock; });
        // Stage "teacher": 10 steps in 10 s.
        for (int i = 0; i <= 10; ++i, clock += 1000) ctx.report({"teacher", i, 10, std::nan(""), {}});
        QCOMPARE(got.back().etaSeconds, 0.0);
        QVERIFY(!got.back().severalStages);  // one stage so far: "about … left"
        // Stage "train" starts after 11 s: one step of 100 in 0.1 s leaves 99 steps, 9.9 s (the
        // whole job's rate would say 1 000 s).
        clock = 11000;
        ctx.report({"train", 0, 100, std::nan(""), {}});
        QVERIFY(got.back().etaSeconds < 0);  // no step of this stage done yet: unknown
        QVERIFY(got.back().severalStages);  // the window says the ETA is this stage's
        clock = 11100;
        ctx.report({"train", 1, 100, std::nan(""), {}});
        QVERIFY2(std::abs(got.back().etaSeconds - 9.9) < 1e-9, qPrintable(QString::number(got.back().etaSeconds)));
        // A resumed stage starts past step 0: from step 50, one step per second leaves 49 s.
        QtJobContext resumed(2, QStringLiteral("r"), {}, [&](const JobProgress& p) { got.push_back(p); }, 0, [&] { return clock; });
        clock = 0;
        resumed.report({"train", 50, 100, std::nan(""), {}});
        clock = 1000;
        resumed.report({"train", 51, 100, std::nan(""), {}});
        QVERIFY2(std::abs(got.back().etaSeconds - 49.0) < 1e-9, qPrintable(QString::number(got.back().etaSeconds)));
        QCOMPARE(got.back().elapsedSeconds, 1.0);
        // The same stage again from its first step (the next class of a per-class stage): a new
        // measurement, not one that includes the previous class's time.
        clock = 5000;
        resumed.report({"train", 50, 100, std::nan(""), {}});
        clock = 5500;
        resumed.report({"train", 51, 100, std::nan(""), {}});
        QVERIFY2(std::abs(got.back().etaSeconds - 24.5) < 1e-9, qPrintable(QString::number(got.back().etaSeconds)));
        QVERIFY(!got.back().severalStages);  // a stage that starts again is not a new stage
        // A job declared to have several stages says so from its first report.
        QtJobContext declared(3, QStringLiteral("d"), {}, [&](const JobProgress& p) { got.push_back(p); }, 0, [&] { return clock; });
        declared.setSeveralStages(true);
        declared.report({"teacher", 0, 10, std::nan(""), {}});
        QVERIFY(got.back().severalStages);
    }

    void cancelNowLandsWithinOneStep() {
        EngineClient engine;
        QSignalSpy started(&engine, &EngineClient::jobStarted);
        QSignalSpy cancelled(&engine, &EngineClient::jobCancelled);
        QSignalSpy finished(&engine, &EngineClient::jobFinished);
        std::atomic<bool> requested{false};
        std::atomic<int> stepsAfterRequest{0};
        JobId id = engine.submit(QStringLiteral("endless"), [&](tint::JobContext& ctx) {
            for (long step = 0;; ++step) {
                ctx.throw_if_cancelled();
                if (requested) ++stepsAfterRequest;
                volatile double x = 0;
                for (int i = 0; i < 20000; ++i) x = x + i;  // one "step" of work
                ctx.report({"s", step, 0, std::nan(""), {}});
            }
            return std::function<void()>();
        });
        QVERIFY(started.wait(10000));
        requested = true;
        engine.cancel(id, tint::CancelMode::Now);
        QVERIFY(cancelled.wait(10000));
        QCOMPARE(cancelled.at(0).at(0).value<JobId>(), id);
        QCOMPARE(finished.count(), 0);
        QVERIFY2(stepsAfterRequest <= 1, qPrintable(QString::number(stepsAfterRequest)));
    }

    void cancelAfterItemKeepsPartialResult() {
        EngineClient engine;
        QSignalSpy started(&engine, &EngineClient::jobStarted);
        QSignalSpy finished(&engine, &EngineClient::jobFinished);
        int itemsDone = -1;
        std::atomic<bool> firstItemStarted{false};
        JobId id = engine.submit(QStringLiteral("items"), [&](tint::JobContext& ctx) {
            int done = 0;
            for (int item = 0; item < 1000; ++item) {
                ctx.throw_if_cancelled();
                if (ctx.stop_before_next_item()) break;
                firstItemStarted = true;
                if (item == 0) waitForCancel(ctx);  // the user presses "stop after this item" here
                ++done;
            }
            return std::function<void()>([&itemsDone, done] { itemsDone = done; });
        });
        QVERIFY(started.wait(10000));
        QTRY_VERIFY(firstItemStarted.load());
        engine.cancel(id, tint::CancelMode::AfterCurrentItem);
        QVERIFY(finished.wait(10000));
        QCOMPARE(itemsDone, 1);
    }

    void errorsBecomeFailedAndTheNextJobRuns() {
        EngineClient engine;
        QSignalSpy failed(&engine, &EngineClient::jobFailed);
        QSignalSpy finished(&engine, &EngineClient::jobFinished);
        engine.submit(QStringLiteral("bad"), [](tint::JobContext&) -> std::function<void()> {
            throw tint::Error("model.safetensors: tensor 'x' has the wrong shape");
        });
        engine.submit(QStringLiteral("bad continuation"), [](tint::JobContext&) {
            return std::function<void()>([] { throw std::runtime_error("cannot save"); });
        });
        engine.submit(QStringLiteral("good"), [](tint::JobContext&) { return std::function<void()>(); });
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QCOMPARE(failed.count(), 2);
        QVERIFY(failed.at(0).at(1).toString().contains(QStringLiteral("wrong shape")));
        QVERIFY(failed.at(1).at(1).toString().contains(QStringLiteral("cannot save")));
    }

    void queuedJobCanBeCancelledBeforeItStarts() {
        EngineClient engine;
        QSignalSpy started(&engine, &EngineClient::jobStarted);
        QSignalSpy cancelled(&engine, &EngineClient::jobCancelled);
        QSignalSpy finished(&engine, &EngineClient::jobFinished);
        JobId blocker = engine.submit(QStringLiteral("blocker"), [](tint::JobContext& ctx) {
            waitForCancel(ctx);
            return std::function<void()>();
        });
        bool queuedRan = false;
        JobId queued   = engine.submit(QStringLiteral("queued"), [&](tint::JobContext&) {
            queuedRan = true;
            return std::function<void()>();
        });
        QVERIFY(started.wait(10000));
        QCOMPARE(engine.pendingCount(), 2);
        engine.cancel(queued, tint::CancelMode::Now);
        engine.cancel(blocker, tint::CancelMode::AfterCurrentItem);  // the blocker returns normally
        QTRY_COMPARE_WITH_TIMEOUT(cancelled.count(), 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QCOMPARE(cancelled.at(0).at(0).value<JobId>(), queued);
        QCOMPARE(started.count(), 1);  // the queued job never started
        QVERIFY(!queuedRan);
        QCOMPARE(engine.pendingCount(), 0);
    }

    void cancelTokenOnlyEscalates() {
        tint::CancelSource s;
        auto t = s.token();
        QCOMPARE(t.mode(), tint::CancelMode::None);
        s.request(tint::CancelMode::Now);
        s.request(tint::CancelMode::AfterCurrentItem);
        QCOMPARE(t.mode(), tint::CancelMode::Now);
    }
};

QTEST_GUILESS_MAIN(TestJobRunner)
#include "tst_job_runner.moc"
