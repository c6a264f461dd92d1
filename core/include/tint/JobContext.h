#pragma once
// Progress reporting and two-level cancellation for long-running core work (std only).
#include <atomic>
#include <cmath>
#include <memory>
#include <string>

namespace tint {

/// How far a job is. Reported on the worker thread; the receiver throttles.
struct Progress {
    std::string stage;        ///< short, untranslated stage key ("import", "thumbnails", ...)
    long long step  = 0;      ///< items done
    long long total = 0;      ///< items in all (0 = unknown)
    double loss     = std::nan("");
    std::string message;      ///< item being worked on (file name, class, ...)
};

enum class CancelMode : int {
    None             = 0,
    AfterCurrentItem = 1,  ///< finish the current item (image, epoch) and return what is done
    Now              = 2,  ///< stop at the next poll point
};

/// Read side of a cancel flag. Cheap to copy; all copies share one atomic.
class CancelToken {
public:
    CancelToken() : flag_(std::make_shared<std::atomic<int>>(0)) {}
    CancelMode mode() const { return static_cast<CancelMode>(flag_->load(std::memory_order_acquire)); }
    bool requested() const { return mode() != CancelMode::None; }

private:
    friend class CancelSource;
    std::shared_ptr<std::atomic<int>> flag_;
};

/// Write side: the GUI thread keeps one per job and sets it directly (never through a queue).
class CancelSource {
public:
    CancelToken token() const { return token_; }
    /// Escalates only: a request for Now is never weakened to AfterCurrentItem.
    void request(CancelMode mode) {
        int want = static_cast<int>(mode);
        int cur  = token_.flag_->load(std::memory_order_acquire);
        while (cur < want && !token_.flag_->compare_exchange_weak(cur, want, std::memory_order_acq_rel)) {
        }
    }

private:
    CancelToken token_;
};

/// What a job sees of the outside world.
class JobContext {
public:
    virtual ~JobContext() = default;
    /// Called on the worker thread; implementations throttle.
    virtual void report(const Progress& p) = 0;
    virtual const CancelToken& cancel() const = 0;

    /// Throws tint::Cancelled when cancel-now was requested.
    void throw_if_cancelled() const;
    /// True when any cancel was requested: the job should stop before starting a new item.
    bool stop_before_next_item() const { return cancel().requested(); }
};

/// A context that reports nowhere (tests, nested work).
class SilentJobContext : public JobContext {
public:
    explicit SilentJobContext(CancelToken token = {}) : token_(std::move(token)) {}
    void report(const Progress&) override {}
    const CancelToken& cancel() const override { return token_; }

private:
    CancelToken token_;
};

}  // namespace tint
