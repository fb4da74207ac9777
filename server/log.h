#ifndef CAREREACH_SERVER_LOG_H_
#define CAREREACH_SERVER_LOG_H_

#include <string>
#include <string_view>

#include "absl/strings/str_format.h"
#include "nlohmann/json_fwd.hpp"

namespace carereach {

// The server log's format (--log_format): text lines (the default), or JSON lines.
enum class LogFormat { kText, kJson };
void SetLogFormat(LogFormat format);
LogFormat GetLogFormat();
// "text" or "json"; false for anything else.
bool ParseLogFormat(std::string_view text, LogFormat* format);

// Writes one line to stderr: as text "2026-11-22T18:55:00.123Z carereach-server: <message>", as
// JSON {"time":"2026-11-22T18:55:00.123Z","level":"info","msg":"<message>"} (level "warn" when
// the message starts with "WARNING").
// Thread-safe: lines from different threads never interleave.
void LogLine(std::string_view message);

// Writes `record` (an object; "time" is added first when it has none) as one JSON line to
// stderr, whatever the format. Bytes that are not UTF-8 are replaced.
void LogJsonLine(const nlohmann::ordered_json& record);

// The current time as the log writes it ("2026-11-22T18:55:00.123Z").
std::string LogTimestamp();

template <typename... Args>
void Logf(const absl::FormatSpec<Args...>& format, const Args&... args) {
  LogLine(absl::StrFormat(format, args...));
}

}  // namespace carereach

#endif  // CAREREACH_SERVER_LOG_H_
