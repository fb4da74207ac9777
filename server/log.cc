#include "server/log.h"

#include <atomic>
#include <cstdio>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace carereach {
namespace {

std::atomic<LogFormat> the_format{LogFormat::kText};

void WriteLine(std::string_view line) {
  static absl::Mutex mu(absl::kConstInit);
  absl::MutexLock lock(&mu);
  std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
  std::fflush(stderr);
}

}  // namespace

void SetLogFormat(LogFormat format) { the_format.store(format); }
LogFormat GetLogFormat() { return the_format.load(); }

bool ParseLogFormat(std::string_view text, LogFormat* format) {
  if (text == "text") {
    *format = LogFormat::kText;
  } else if (text == "json") {
    *format = LogFormat::kJson;
  } else {
    return false;
  }
  return true;
}

std::string LogTimestamp() {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
}

void LogLine(std::string_view message) {
  if (GetLogFormat() == LogFormat::kJson) {
    const bool warning = message.starts_with("WARNING");
    LogJsonLine(nlohmann::ordered_json{{"time", LogTimestamp()},
                                       {"level", warning ? "warn" : "info"},
                                       {"msg", std::string(message)}});
    return;
  }
  WriteLine(LogTimestamp() + " carereach-server: " + std::string(message));
}

void LogJsonLine(const nlohmann::ordered_json& record) {
  constexpr auto kReplace = nlohmann::ordered_json::error_handler_t::replace;
  if (record.contains("time")) {
    WriteLine(record.dump(-1, ' ', false, kReplace));
    return;
  }
  nlohmann::ordered_json line = {{"time", LogTimestamp()}};
  for (const auto& [key, value] : record.items()) line[key] = value;
  WriteLine(line.dump(-1, ' ', false, kReplace));
}

}  // namespace carereach
