// carereach-soak: statistics, RSS samples and the report (see report.h).
#include "bench/soak/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace carereach::soak {
namespace {

using Clock = std::chrono::steady_clock;

std::string CodeName(grpc::StatusCode c) {
  static const char* names[] = {"OK",
                                "CANCELLED",
                                "UNKNOWN",
                                "INVALID_ARGUMENT",
                                "DEADLINE_EXCEEDED",
                                "NOT_FOUND",
                                "ALREADY_EXISTS",
                                "PERMISSION_DENIED",
                                "RESOURCE_EXHAUSTED",
                                "FAILED_PRECONDITION",
                                "ABORTED",
                                "OUT_OF_RANGE",
                                "UNIMPLEMENTED",
                                "INTERNAL",
                                "UNAVAILABLE",
                                "DATA_LOSS",
                                "UNAUTHENTICATED"};
  const int i = static_cast<int>(c);
  return i >= 0 && i <= 16 ? names[i] : absl::StrCat("CODE_", i);
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size()))) - 1;
  return v[std::min(i, v.size() - 1)];
}

}  // namespace

void Stats::Record(Kind kind, const grpc::Status& status, bool expected_negative, double ms,
                   const std::string& bad_answer) {
  std::lock_guard<std::mutex> lock(mu_);
  KindStats& k = kinds_[kind];
  ++k.calls;
  k.latencies_ms.push_back(ms);
  if (expected_negative) {
    ++k.expected_negative;
  } else if (status.ok() && bad_answer.empty()) {
    ++k.ok;
  } else {
    const std::string code = status.ok() ? "BAD_ANSWER" : CodeName(status.error_code());
    ++k.errors[code];
    if (k.first_error.empty()) {
      k.first_error = code + ": " + (status.ok() ? bad_answer : status.error_message());
      if (k.first_error.size() > 300) k.first_error.resize(300);
    }
  }
}

KindStats Stats::Get(int kind) const {
  std::lock_guard<std::mutex> lock(mu_);
  return kinds_[kind];
}

int64_t RssKb(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view rest = line;
    if (absl::ConsumePrefix(&rest, "VmRSS:")) {
      int64_t kb = 0;
      std::vector<std::string> parts = absl::StrSplit(rest, ' ', absl::SkipWhitespace());
      if (!parts.empty() && absl::SimpleAtoi(parts[0], &kb)) return kb;
    }
  }
  return -1;
}

RssSampler::RssSampler(int pid, Clock::time_point begin, int warmup_seconds) {
  figures_.pid = pid;
  figures_.start_kb = pid > 0 ? RssKb(pid) : -1;
  max_kb_.store(figures_.start_kb);
  thread_ = std::thread([this, pid, begin, warmup_seconds] {
    bool warm_taken = false;
    auto next_mark = begin + std::chrono::seconds(10);
    while (!done_.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      if (pid <= 0) continue;
      const int64_t kb = RssKb(pid);
      if (Clock::now() >= next_mark) {
        figures_.timeline_kb.push_back(kb);
        next_mark += std::chrono::seconds(10);
      }
      max_kb_.store(std::max(max_kb_.load(), kb));
      if (!warm_taken && Clock::now() >= begin + std::chrono::seconds(warmup_seconds)) {
        warm_kb_.store(kb);
        warm_taken = true;
      }
    }
  });
}

RssSampler::~RssSampler() {
  if (thread_.joinable()) Stop();
}

RssFigures RssSampler::Stop() {
  done_.store(true);
  thread_.join();
  const int pid = figures_.pid;
  figures_.end_kb = pid > 0 ? RssKb(pid) : -1;
  if (pid > 0 && warm_kb_.load() < 0) warm_kb_.store(figures_.end_kb);
  figures_.warm_kb = warm_kb_.load();
  figures_.max_kb = max_kb_.load();
  return figures_;
}

int PrintReport(const Stats& stats, const std::vector<int>& weights, double elapsed_seconds,
                const RssFigures& rss, bool require_every_kind, double max_rss_growth) {
  std::printf("\n%-20s %8s %8s %8s %7s %9s %9s %9s\n", "rpc", "calls", "ok", "expected", "errors",
              "p50_ms", "p99_ms", "max_ms");
  int64_t calls = 0, errors = 0, exhausted = 0;
  std::map<std::string, int64_t> by_code;
  std::vector<std::string> failures, first_errors;
  std::vector<double> all_ms;
  for (int k = 0; k < kKindCount; ++k) {
    const KindStats st = stats.Get(k);
    int64_t e = 0;
    for (const auto& [code, count] : st.errors) {
      e += count;
      by_code[code] += count;
      if (code == "RESOURCE_EXHAUSTED") exhausted += count;
    }
    if (!st.first_error.empty())
      first_errors.push_back(absl::StrCat(kKinds[k].name, ": ", st.first_error));
    calls += st.calls;
    errors += e;
    all_ms.insert(all_ms.end(), st.latencies_ms.begin(), st.latencies_ms.end());
    if (weights[k] == 0 && st.calls == 0) continue;
    std::printf("%-20s %8lld %8lld %8lld %7lld %9.1f %9.1f %9.1f\n", kKinds[k].name,
                static_cast<long long>(st.calls), static_cast<long long>(st.ok),
                static_cast<long long>(st.expected_negative), static_cast<long long>(e),
                Percentile(st.latencies_ms, 0.50), Percentile(st.latencies_ms, 0.99),
                Percentile(st.latencies_ms, 1.0));
    if (require_every_kind && weights[k] > 0 && st.ok + st.expected_negative == 0) {
      failures.push_back(absl::StrCat(kKinds[k].name, " never completed"));
    }
  }
  std::printf("%-20s %8lld %8s %8s %7lld %9.1f %9.1f %9.1f\n", "all", static_cast<long long>(calls),
              "", "", static_cast<long long>(errors), Percentile(all_ms, 0.50),
              Percentile(all_ms, 0.99), Percentile(all_ms, 1.0));
  std::printf("\ncalls %lld in %.1f s: %.1f calls/s\n", static_cast<long long>(calls),
              elapsed_seconds, static_cast<double>(calls) / elapsed_seconds);
  std::printf("errors %lld", static_cast<long long>(errors));
  for (const auto& [code, count] : by_code) {
    std::printf(" %s=%lld", code.c_str(), static_cast<long long>(count));
  }
  std::printf("\nRESOURCE_EXHAUSTED (admission control) %lld\n", static_cast<long long>(exhausted));
  for (const std::string& e : first_errors) std::printf("  first error of %s\n", e.c_str());
  if (errors > 0) failures.push_back(absl::StrCat(errors, " errors"));
  if (rss.pid > 0) {
    const double growth =
        rss.warm_kb > 0 ? static_cast<double>(rss.end_kb - rss.warm_kb) / rss.warm_kb : 0;
    std::printf(
        "server RSS (pid %d): start %.1f MiB, after warm-up %.1f MiB, end %.1f MiB, "
        "max %.1f MiB; growth after warm-up %+.1f %% (limit %.0f %%)\n",
        rss.pid, rss.start_kb / 1024.0, rss.warm_kb / 1024.0, rss.end_kb / 1024.0,
        rss.max_kb / 1024.0, growth * 100, max_rss_growth * 100);
    std::printf("server RSS every 10 s, MiB:");
    for (int64_t kb : rss.timeline_kb) std::printf(" %.0f", kb / 1024.0);
    std::printf("\n");
    if (rss.end_kb < 0) failures.push_back("server RSS unreadable at the end (server gone?)");
    if (growth > max_rss_growth) {
      failures.push_back(absl::StrFormat("RSS grew %.1f %% after warm-up", growth * 100));
    }
  }
  if (failures.empty()) {
    std::printf("result: PASS\n");
    return 0;
  }
  std::printf("result: FAIL (%s)\n", absl::StrJoin(failures, "; ").c_str());
  return 1;
}

}  // namespace carereach::soak
