#ifndef CAREREACH_GEO_CORE_DEADLINE_H_
#define CAREREACH_GEO_CORE_DEADLINE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace carereach::geo {

// When a computation must stop: a point in time (DEADLINE_EXCEEDED once it passes) and, optionally,
// a probe that says whether the caller has gone (CANCELLED), e.g. a gRPC call's IsCancelled().
// Every search and request struct of the geo libraries takes one; loops look at it at a bounded
// work interval (a few hundred microseconds of work at most), so a stopped call stops within
// milliseconds.
//
// Cost: Stopped() reads the clock (~25 ns, vDSO). The probe is called at most once per
// kProbeInterval per Deadline (copies share it), never by two threads at once, so an expensive or
// not thread-safe probe (gRPC's ServerContext::IsCancelled) is fine; once it has said
// "cancelled" it is not asked again.
//
// Thread safety: copies are cheap (one shared_ptr) and may be used from any number of threads.
class Deadline {
 public:
  // True once the caller has gone. Called from any thread, never concurrently with itself.
  using CancelProbe = std::function<bool()>;
  static constexpr absl::Duration kProbeInterval = absl::Milliseconds(2);

  // Never stops.
  Deadline() = default;
  // Stops at `when` (absl::InfiniteFuture(): never). Implicit: an absl::Time is a deadline.
  Deadline(absl::Time when) : when_(when) {}  // NOLINT(google-explicit-constructor)
  // Stops at `when` or once `cancelled` returns true.
  Deadline(absl::Time when, CancelProbe cancelled);

  absl::Time when() const { return when_; }

  // True once the deadline has passed or the probe said the caller has gone.
  bool Stopped() const {
    if (probe_ == nullptr) return when_ != absl::InfiniteFuture() && absl::Now() > when_;
    return StoppedSlow();
  }

  // The error for a stopped computation: CANCELLED "<what> stopped: the call was
  // cancelled<detail>" when the probe said so, else DEADLINE_EXCEEDED "<what> stopped at the
  // deadline<detail>". `detail` says where, e.g. " after 4096 nodes". Call it after Stopped().
  absl::Status Error(absl::string_view what, absl::string_view detail = "") const;

  // OK while not Stopped(); otherwise Error(what, detail).
  absl::Status Check(absl::string_view what, absl::string_view detail = "") const {
    return Stopped() ? Error(what, detail) : absl::OkStatus();
  }

  // True once the probe has said the caller has gone (without asking it again).
  bool cancelled() const {
    return probe_ != nullptr && probe_->cancelled.load(std::memory_order_relaxed);
  }

 private:
  struct Probe {
    explicit Probe(CancelProbe fn) : fn(std::move(fn)) {}
    CancelProbe fn;
    absl::Mutex mu;
    std::atomic<int64_t> next_probe_ns{0};  // absl::ToUnixNanos of the next time to ask
    std::atomic<bool> cancelled{false};
  };
  bool StoppedSlow() const;

  absl::Time when_ = absl::InfiniteFuture();
  std::shared_ptr<Probe> probe_;
};

// Makes GEOS operations on the calling thread interruptible by `deadline` for the scope's
// lifetime: a GEOS call in progress on this thread fails (GEOS reports an exception) soon after
// `deadline` stops. Other threads are not affected. GEOS's interrupt callback is process-global;
// the first scope installs one that consults the calling thread's scope (and chains to any
// callback installed before). Scopes nest (the innermost applies). Use Error() of the same
// deadline to turn the failed GEOS call into CANCELLED / DEADLINE_EXCEEDED.
class GeosInterruptScope {
 public:
  explicit GeosInterruptScope(const Deadline& deadline);
  ~GeosInterruptScope();
  GeosInterruptScope(const GeosInterruptScope&) = delete;
  GeosInterruptScope& operator=(const GeosInterruptScope&) = delete;

 private:
  const Deadline* previous_;
};

}  // namespace carereach::geo

#endif  // CAREREACH_GEO_CORE_DEADLINE_H_
