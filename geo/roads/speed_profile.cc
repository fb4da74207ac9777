#include "geo/roads/speed_profile.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "geo/core/hash.h"
#include "geo/core/status_macros.h"
#include "geo/io/csv.h"

namespace carereach::roads {
namespace {

constexpr double kKphPerMph = 1.609344;

absl::string_view AbslView(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

absl::StatusOr<SpeedProfile> SpeedProfile::Parse(std::string_view text, std::string source) {
  ASSIGN_OR_RETURN(io::CsvTable csv, io::ParseCsv(text, source));
  const int key_col = csv.Column("key"), value_col = csv.Column("value");
  if (key_col < 0 || value_col < 0) {
    return absl::InvalidArgumentError(absl::StrFormat("%s: needs columns key,value", source));
  }
  SpeedProfile p;
  p.fingerprint_ = geo::Hash64(text);
  for (const io::CsvRecord& r : csv.records) {
    if (static_cast<int>(r.fields.size()) <= std::max(key_col, value_col)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s:%d: expected key,value", source, r.line));
    }
    const std::string key(absl::StripAsciiWhitespace(r.fields[key_col]));
    const std::string value(absl::StripAsciiWhitespace(r.fields[value_col]));
    if (key == "name") {
      p.name_ = value;
      continue;
    }
    double number = 0;
    if (!absl::SimpleAtod(value, &number) || !std::isfinite(number) || number <= 0) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s:%d: %s: \"%s\" is not a positive number", source, r.line, key, value));
    }
    if (absl::StartsWith(key, "highway.")) {
      p.highway_kph_[key.substr(8)] = number;
    } else if (key == "route.ferry") {
      p.ferry_speed_kph_ = number;
    } else if (key == "maxspeed.factor") {
      p.maxspeed_factor_ = number;
    } else if (key == "maxspeed.cap_kph") {
      p.cap_kph_ = number;
    } else if (key == "maxspeed.floor_kph") {
      p.floor_kph_ = number;
    } else {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s:%d: unknown key \"%s\"", source, r.line, key));
    }
  }
  if (p.name_.empty()) {
    return absl::InvalidArgumentError(absl::StrFormat("%s: no name row", source));
  }
  if (p.highway_kph_.empty()) {
    return absl::InvalidArgumentError(absl::StrFormat("%s: no highway.<class> row", source));
  }
  if (p.floor_kph_ > p.cap_kph_) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: maxspeed.floor_kph exceeds maxspeed.cap_kph", source));
  }
  return p;
}

std::optional<double> SpeedProfile::HighwaySpeedKph(std::string_view highway) const {
  auto it = highway_kph_.find(AbslView(highway));
  if (it == highway_kph_.end()) return std::nullopt;
  return it->second;
}

std::optional<double> SpeedProfile::ParseMaxspeedKph(std::string_view tag) {
  absl::string_view t = absl::StripAsciiWhitespace(AbslView(tag));
  double factor = 1.0;
  if (absl::EndsWith(t, "mph")) {
    factor = kKphPerMph;
    t = absl::StripAsciiWhitespace(t.substr(0, t.size() - 3));
  } else if (absl::EndsWith(t, "km/h") || absl::EndsWith(t, "kmh")) {
    t = absl::StripAsciiWhitespace(t.substr(0, t.size() - (absl::EndsWith(t, "kmh") ? 3 : 4)));
  }
  double value = 0;
  if (!absl::SimpleAtod(t, &value) || !std::isfinite(value) || value <= 0) return std::nullopt;
  return value * factor;
}

double SpeedProfile::WaySpeedKph(double class_speed_kph, std::string_view maxspeed_tag) const {
  double kph = class_speed_kph;
  if (!maxspeed_tag.empty()) {
    if (std::optional<double> posted = ParseMaxspeedKph(maxspeed_tag)) {
      kph = *posted * maxspeed_factor_;
    }
  }
  return std::clamp(kph, floor_kph_, cap_kph_);
}

}  // namespace carereach::roads
