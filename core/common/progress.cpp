#include "core/common/progress.h"

#include "core/common/errors.h"

namespace tdq {

void report_progress(const ProgressFn& progress, const ProgressInfo& info) {
  if (progress && !progress(info)) throw CancelledError();
}

}  // namespace tdq
