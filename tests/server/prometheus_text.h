// For tests of the /metrics endpoint: a blocking HTTP GET over loopback, and a parser of the
// Prometheus text exposition format (version 0.0.4) that refuses any line it does not know.
#ifndef CAREREACH_TESTS_SERVER_PROMETHEUS_TEXT_H_
#define CAREREACH_TESTS_SERVER_PROMETHEUS_TEXT_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace carereach::testing_util {

// The status code and body of GET `path` from 127.0.0.1:`port` (HTTP/1.0: the server closes the
// connection after the body).
struct HttpResponse {
  int status = 0;
  std::string headers;
  std::string body;
};
inline absl::StatusOr<HttpResponse> HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return absl::UnavailableError(absl::StrCat("connect to port ", port));
  }
  const std::string request =
      absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  for (size_t sent = 0; sent < request.size();) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, 0);
    if (n <= 0) {
      close(fd);
      return absl::UnavailableError("send");
    }
    sent += static_cast<size_t>(n);
  }
  std::string raw;
  char buffer[4096];
  for (ssize_t n; (n = recv(fd, buffer, sizeof(buffer), 0)) > 0;) raw.append(buffer, n);
  close(fd);
  const size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos) return absl::DataLossError("no end of headers: " + raw);
  HttpResponse response;
  response.headers = raw.substr(0, end);
  response.body = raw.substr(end + 4);
  // "HTTP/1.1 200 OK"
  const std::vector<std::string> status_line = absl::StrSplit(response.headers, ' ');
  if (status_line.size() < 2 || !absl::SimpleAtoi(status_line[1], &response.status)) {
    return absl::DataLossError("bad status line: " + response.headers);
  }
  return response;
}

struct PromSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct PromScrape {
  std::map<std::string, std::string> help;  // family -> text
  std::map<std::string, std::string> type;  // family -> counter, gauge, histogram, ...
  std::vector<PromSample> samples;

  // The samples called `name` whose labels include every one of `labels`.
  std::vector<PromSample> Find(const std::string& name,
                               const std::map<std::string, std::string>& labels = {}) const {
    std::vector<PromSample> out;
    for (const PromSample& s : samples) {
      if (s.name != name) continue;
      bool match = true;
      for (const auto& [k, v] : labels) {
        auto it = s.labels.find(k);
        match = match && it != s.labels.end() && it->second == v;
      }
      if (match) out.push_back(s);
    }
    return out;
  }
  // The value of the one sample called `name` with exactly `labels`; nullopt when none.
  std::optional<double> Value(const std::string& name,
                              const std::map<std::string, std::string>& labels = {}) const {
    for (const PromSample& s : samples) {
      if (s.name == name && s.labels == labels) return s.value;
    }
    return std::nullopt;
  }
};

namespace prom_internal {

inline bool IsNameStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}
inline bool IsNameChar(char c) {
  return IsNameStart(c) || std::isdigit(static_cast<unsigned char>(c));
}

// Reads a metric or label name at `*pos`.
inline bool ReadName(absl::string_view line, size_t* pos, std::string* name) {
  const size_t start = *pos;
  if (*pos >= line.size() || !IsNameStart(line[*pos])) return false;
  while (*pos < line.size() && IsNameChar(line[*pos])) ++*pos;
  *name = std::string(line.substr(start, *pos - start));
  return true;
}

inline bool ParseValue(absl::string_view text, double* value) {
  if (text == "+Inf") {
    *value = INFINITY;
  } else if (text == "-Inf") {
    *value = -INFINITY;
  } else if (text == "NaN") {
    *value = NAN;
  } else {
    return absl::SimpleAtod(text, value) && !text.empty();
  }
  return true;
}

inline absl::Status ParseSample(absl::string_view line, PromSample* sample) {
  size_t pos = 0;
  if (!ReadName(line, &pos, &sample->name)) return absl::InvalidArgumentError("metric name");
  if (pos < line.size() && line[pos] == '{') {
    ++pos;
    while (pos < line.size() && line[pos] != '}') {
      std::string key;
      if (!ReadName(line, &pos, &key)) return absl::InvalidArgumentError("label name");
      if (line.substr(pos, 2) != "=\"") return absl::InvalidArgumentError("label =\"");
      pos += 2;
      std::string value;
      for (;; ++pos) {
        if (pos >= line.size()) return absl::InvalidArgumentError("unterminated label value");
        if (line[pos] == '"') break;
        if (line[pos] == '\\') {
          if (++pos >= line.size()) return absl::InvalidArgumentError("bad escape");
          const char e = line[pos];
          if (e == 'n') {
            value += '\n';
          } else if (e == '\\' || e == '"') {
            value += e;
          } else {
            return absl::InvalidArgumentError("bad escape");
          }
        } else {
          value += line[pos];
        }
      }
      ++pos;  // the closing quote
      if (!sample->labels.emplace(key, value).second) {
        return absl::InvalidArgumentError("duplicate label " + key);
      }
      if (pos < line.size() && line[pos] == ',') ++pos;
    }
    if (pos >= line.size()) return absl::InvalidArgumentError("unterminated labels");
    ++pos;  // '}'
  }
  if (pos >= line.size() || line[pos] != ' ') return absl::InvalidArgumentError("no value");
  const std::vector<absl::string_view> rest = absl::StrSplit(line.substr(pos + 1), ' ');
  if (rest.empty() || rest.size() > 2 || !ParseValue(rest[0], &sample->value)) {
    return absl::InvalidArgumentError("bad value");
  }
  int64_t timestamp = 0;
  if (rest.size() == 2 && !absl::SimpleAtoi(rest[1], &timestamp)) {
    return absl::InvalidArgumentError("bad timestamp");
  }
  return absl::OkStatus();
}

}  // namespace prom_internal

// Parses `text`; INVALID_ARGUMENT naming the first line that is not a HELP or TYPE comment, a
// sample, or empty, or a sample of a family without a TYPE line.
inline absl::StatusOr<PromScrape> ParsePrometheusText(absl::string_view text) {
  PromScrape scrape;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    if (line.empty()) continue;
    const auto fail = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat("line ", number, " (", why, "): ", line));
    };
    if (line[0] == '#') {
      const std::vector<absl::string_view> parts = absl::StrSplit(line, absl::MaxSplits(' ', 3));
      if (parts.size() < 3 || parts[0] != "#") return fail("comment");
      if (parts[1] == "HELP") {
        scrape.help[std::string(parts[2])] = parts.size() == 4 ? std::string(parts[3]) : "";
      } else if (parts[1] == "TYPE") {
        static const char* const kTypes[] = {"counter", "gauge", "histogram", "summary", "untyped"};
        if (parts.size() != 4 ||
            std::find(std::begin(kTypes), std::end(kTypes), parts[3]) == std::end(kTypes)) {
          return fail("type");
        }
        scrape.type[std::string(parts[2])] = std::string(parts[3]);
      } else {
        return fail("comment");
      }
      continue;
    }
    PromSample sample;
    if (absl::Status s = prom_internal::ParseSample(line, &sample); !s.ok()) {
      return fail(s.message());
    }
    // A histogram's samples are NAME_bucket, NAME_sum, NAME_count.
    std::string family = sample.name;
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      const absl::string_view sv(suffix);
      if (family.size() > sv.size() && absl::EndsWith(family, sv) &&
          scrape.type.contains(family.substr(0, family.size() - sv.size()))) {
        family = family.substr(0, family.size() - sv.size());
      }
    }
    if (!scrape.type.contains(family)) return fail("no TYPE line for " + family);
    scrape.samples.push_back(std::move(sample));
  }
  return scrape;
}

}  // namespace carereach::testing_util

#endif  // CAREREACH_TESTS_SERVER_PROMETHEUS_TEXT_H_
