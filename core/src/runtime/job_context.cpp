#include "tint/Error.h"
#include "tint/JobContext.h"

namespace tint {

void JobContext::throw_if_cancelled() const {
    if (cancel().mode() == CancelMode::Now) throw Cancelled();
}

}  // namespace tint
