#include "geo/core/deadline.h"

#include <geos_c.h>

#include <mutex>
#include <stdexcept>
#include <utility>

#include "absl/strings/str_cat.h"

namespace carereach::geo {

Deadline::Deadline(absl::Time when, CancelProbe cancelled) : when_(when) {
  if (cancelled) probe_ = std::make_shared<Probe>(std::move(cancelled));
}

bool Deadline::StoppedSlow() const {
  if (probe_->cancelled.load(std::memory_order_relaxed)) return true;
  const absl::Time now = absl::Now();
  if (now > when_) return true;
  const int64_t now_ns = absl::ToUnixNanos(now);
  if (now_ns < probe_->next_probe_ns.load(std::memory_order_relaxed)) return false;
  // One thread asks at a time; the others go on until it has answered.
  if (!probe_->mu.TryLock()) return false;
  probe_->next_probe_ns.store(now_ns + absl::ToInt64Nanoseconds(kProbeInterval),
                              std::memory_order_relaxed);
  const bool gone = probe_->fn();
  if (gone) probe_->cancelled.store(true, std::memory_order_relaxed);
  probe_->mu.Unlock();
  return gone;
}

absl::Status Deadline::Error(absl::string_view what, absl::string_view detail) const {
  if (cancelled()) {
    return absl::CancelledError(absl::StrCat(what, " stopped: the call was cancelled", detail));
  }
  return absl::DeadlineExceededError(absl::StrCat(what, " stopped at the deadline", detail));
}

namespace {

// The innermost GeosInterruptScope's deadline of this thread, if any.
thread_local const Deadline* current_geos_deadline = nullptr;
// Calls of the callback on this thread since it last looked at the clock.
thread_local uint32_t geos_checks = 0;
GEOSInterruptCallback* previous_geos_callback = nullptr;

// GEOS calls this from GEOS_CHECK_FOR_INTERRUPTS() on the thread doing the work. Throwing here
// unwinds that one GEOS operation (the C API catches it, reports it as an error and returns a
// failure); GEOS's own global interrupt flag (GEOS_interruptRequest, which would stop whichever
// thread looks next) is never used.
void InterruptIfStopped() {
  if (previous_geos_callback != nullptr) previous_geos_callback();
  const Deadline* deadline = current_geos_deadline;
  if (deadline == nullptr) return;
  if (++geos_checks % 16 != 0) return;
  if (deadline->Stopped()) throw std::runtime_error("interrupted: the computation was stopped");
}

}  // namespace

GeosInterruptScope::GeosInterruptScope(const Deadline& deadline)
    : previous_(current_geos_deadline) {
  static std::once_flag installed;
  std::call_once(installed, [] {
    previous_geos_callback = GEOS_interruptRegisterCallback(&InterruptIfStopped);
  });
  current_geos_deadline = &deadline;
}

GeosInterruptScope::~GeosInterruptScope() { current_geos_deadline = previous_; }

}  // namespace carereach::geo
