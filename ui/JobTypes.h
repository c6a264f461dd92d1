#pragma once
// Value types carried by queued signals between the engine thread and the GUI.
#include <QMetaType>
#include <QString>

#include <functional>

using JobId = quint64;

struct JobProgress {
    JobId id = 0;
    QString title;    ///< translated job title ("Importing images")
    QString stage;    ///< untranslated stage key from the core
    qint64 step  = 0;
    qint64 total = 0;
    double loss  = 0.0;
    bool hasLoss = false;
    QString message;  ///< current item
    double elapsedSeconds = 0.0;
    double etaSeconds     = -1.0;  ///< < 0: unknown; for the current stage only
    bool severalStages    = false; ///< the job runs (or has run) more than one stage: the ETA is the stage's
};

/// Work to run on the GUI thread once a job's result is ready (the result is captured by value).
struct JobContinuation {
    std::function<void()> apply;
};

Q_DECLARE_METATYPE(JobProgress)
Q_DECLARE_METATYPE(JobContinuation)
