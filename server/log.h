#ifndef CAREREACH_SERVER_LOG_H_
#define CAREREACH_SERVER_LOG_H_

#include <string_view>

#include "absl/strings/str_format.h"

namespace carereach {

// Writes one line "2026-11-22T18:55:00.123Z carereach-server: <message>" to stderr.
// Thread-safe: lines from different threads never interleave.
void LogLine(std::string_view message);

template <typename... Args>
void Logf(const absl::FormatSpec<Args...>& format, const Args&... args) {
  LogLine(absl::StrFormat(format, args...));
}

}  // namespace carereach

#endif  // CAREREACH_SERVER_LOG_H_
