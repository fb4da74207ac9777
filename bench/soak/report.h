// carereach-soak: what a run measured and the report it prints: calls, errors by code and
// latencies per kind of call (Stats), the server's RSS over the run (RssSampler, from
// /proc/PID/status VmRSS), and the verdict.
#ifndef CAREREACH_BENCH_SOAK_REPORT_H_
#define CAREREACH_BENCH_SOAK_REPORT_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/soak/mix.h"
#include "grpcpp/grpcpp.h"

namespace carereach::soak {

struct KindStats {
  int64_t calls = 0, ok = 0, expected_negative = 0;
  std::map<std::string, int64_t> errors;  // code name -> count
  std::string first_error;
  std::vector<double> latencies_ms;
};

// Thread-safe.
class Stats {
 public:
  // One finished call: `expected_negative` for the NOT_FOUND of the not_found kind; a call with
  // an OK status and a non-empty `bad_answer` counts as a BAD_ANSWER error.
  void Record(Kind kind, const grpc::Status& status, bool expected_negative, double ms,
              const std::string& bad_answer);
  KindStats Get(int kind) const;

 private:
  mutable std::mutex mu_;
  KindStats kinds_[kKindCount];
};

// The server's VmRSS in KiB, -1 when unreadable.
int64_t RssKb(int pid);

struct RssFigures {
  int pid = 0;  // 0: no RSS figures
  int64_t start_kb = -1, warm_kb = -1, end_kb = -1, max_kb = -1;
  std::vector<int64_t> timeline_kb;  // every 10 s
};

// Samples the RSS of `pid` every 250 ms on a thread of its own from construction (the start
// figure) to Stop(): the maximum, every 10 s from `begin`, and the value at begin + warm-up.
// Nothing is sampled when pid <= 0. Start and Stop from one thread.
class RssSampler {
 public:
  RssSampler(int pid, std::chrono::steady_clock::time_point begin, int warmup_seconds);
  ~RssSampler();
  // Joins the thread and takes the end figure (also the warm-up one when the run was shorter).
  RssFigures Stop();

 private:
  RssFigures figures_;
  std::atomic<int64_t> warm_kb_{-1}, max_kb_{-1};
  std::atomic<bool> done_{false};
  std::thread thread_;
};

// Prints the table by kind, the totals, errors by code, the first error of each kind and the
// RSS figures, then "result: PASS" or "result: FAIL (why)". Returns 0 (pass) or 1: any error, RSS
// growth after the warm-up over `max_rss_growth` (a fraction), the RSS unreadable at the end, or
// with `require_every_kind` a kind of non-zero weight that never completed.
int PrintReport(const Stats& stats, const std::vector<int>& weights, double elapsed_seconds,
                const RssFigures& rss, bool require_every_kind, double max_rss_growth);

}  // namespace carereach::soak

#endif  // CAREREACH_BENCH_SOAK_REPORT_H_
