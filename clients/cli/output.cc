#include "clients/cli/output.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "geo/core/status_macros.h"

namespace carereach::cli {
namespace {

using carereach::v1::ThresholdCoverage;
using carereach::v1::TravelMode;
using nlohmann::ordered_json;

// Shortest decimal text of a threshold or parameter: 10, 2.5, 1.3.
std::string Number(double value) { return absl::StrCat(value); }

}  // namespace

ordered_json JsonNumber(double value) {
  if (std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < 9.0e15) {
    return static_cast<int64_t>(value);
  }
  return value;
}

// Drive figures to 3 decimals (0.06 s, about 1.6 m): enough for any use, without float noise.
double Rounded3(double value) { return std::round(value * 1000.0) / 1000.0; }

std::string AttributionLine(absl::string_view attribution) {
  return absl::StrCat("Road data ", AttributionOr(attribution), "\n");
}

TextTable::TextTable(std::vector<std::string> header, std::vector<bool> right_aligned)
    : right_aligned_(std::move(right_aligned)) {
  rows_.push_back(std::move(header));
  flagged_.push_back(false);
}

void TextTable::AddRow(std::vector<std::string> row, bool flagged) {
  rows_.push_back(std::move(row));
  flagged_.push_back(flagged);
}

std::string TextTable::Render() const {
  std::vector<size_t> widths(right_aligned_.size(), 0);
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  std::string out;
  for (const auto& row : rows_) {
    std::string line;
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      if (i > 0) line += "  ";
      std::string padding(widths[i] - row[i].size(), ' ');
      bool last = i + 1 == row.size();
      if (right_aligned_[i]) {
        absl::StrAppend(&line, padding, row[i]);
      } else {
        absl::StrAppend(&line, row[i], last ? "" : padding);
      }
    }
    // An empty last cell would leave the padding of the cells before it.
    while (!line.empty() && line.back() == ' ') line.pop_back();
    absl::StrAppend(&out, line, "\n");
  }
  return out;
}

std::string KeyValueText(const std::vector<std::pair<std::string, std::string>>& rows) {
  TextTable table({"", ""}, {false, false});
  for (const auto& [key, value] : rows) table.AddRow({key, value});
  std::string text = table.Render();
  // Drop the empty title row.
  text.erase(0, text.find('\n') + 1);
  return text;
}

std::string Percent(double share) { return absl::StrFormat("%.1f%%", share * 100.0); }

std::string TrimmedNumber(double value, int decimals) {
  std::string text = absl::StrFormat("%.*f", decimals, value);
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  if (text == "-0") text = "0";
  return text;
}

std::string ModeDescription(carereach::v1::TravelMode mode,
                            const carereach::v1::StraightLineOptions& straight_line,
                            absl::string_view speed_profile) {
  if (mode == carereach::v1::TRAVEL_MODE_DRIVE) {
    return absl::StrCat("drive, speed profile ",
                        speed_profile.empty() ? "(server default)" : speed_profile);
  }
  return absl::StrCat("straight-line, circuity ", Number(straight_line.circuity_factor()), ", ",
                      Number(straight_line.speed_mph()), " mph (minutes = geodesic miles x ",
                      Number(straight_line.circuity_factor()), " / ",
                      Number(straight_line.speed_mph()), " x 60)");
}

std::string AttributionOr(absl::string_view attribution) {
  return std::string(attribution.empty() ? kOsmAttribution : attribution);
}

std::string ShortIdList(const std::vector<std::string>& ids, size_t limit) {
  if (ids.size() <= limit) return absl::StrJoin(ids, ", ");
  return absl::StrCat(
      absl::StrJoin(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(limit), ", "), " (and ",
      WithThousands(static_cast<int64_t>(ids.size() - limit)), " more)");
}

absl::string_view ModeName(TravelMode mode) {
  switch (mode) {
    case carereach::v1::TRAVEL_MODE_DRIVE:
      return "drive";
    case carereach::v1::TRAVEL_MODE_STRAIGHT_LINE:
    case carereach::v1::TRAVEL_MODE_UNSPECIFIED:
      return "straight-line";
    default:
      return "unknown";
  }
}

std::string WithThousands(int64_t value) {
  std::string digits =
      absl::StrCat(value < 0 ? -static_cast<uint64_t>(value) : static_cast<uint64_t>(value));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

std::string ThresholdLabel(const ThresholdCoverage& threshold) {
  if (threshold.has_max_miles()) return absl::StrCat(Number(threshold.max_miles()), " mi");
  return absl::StrCat(Number(threshold.max_minutes()), " min");
}

std::string CsvField(absl::string_view text) {
  if (text.find_first_of(",\"\r\n") == absl::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string JsonText(const ordered_json& json) {
  return json.dump(2, ' ', /*ensure_ascii=*/false, ordered_json::error_handler_t::replace) + "\n";
}

std::string CompactJsonText(const ordered_json& json) {
  return json.dump(-1, ' ', /*ensure_ascii=*/false, ordered_json::error_handler_t::replace) + "\n";
}

absl::Status PrintAnswer(OutputFormat format, const Answer& answer, std::ostream& out) {
  switch (format) {
    case OutputFormat::kTable:
      out << answer.table();
      break;
    case OutputFormat::kCsv:
      out << answer.csv();
      break;
    case OutputFormat::kJson: {
      ASSIGN_OR_RETURN(const ordered_json json, answer.json());
      out << JsonText(json);
      break;
    }
  }
  return absl::OkStatus();
}

TextTable ThresholdTable(const google::protobuf::RepeatedPtrField<ThresholdCoverage>& results,
                         bool tracts) {
  std::vector<std::string> titles = {"threshold", "covered population", "share"};
  std::vector<bool> right = {false, true, true};
  if (tracts) {
    titles.push_back("tracts");
    right.push_back(true);
  }
  TextTable table(std::move(titles), std::move(right));
  for (const ThresholdCoverage& t : results) {
    std::vector<std::string> row = {ThresholdLabel(t), WithThousands(t.covered_population()),
                                    Percent(t.share())};
    if (tracts) row.push_back(WithThousands(t.covered_units()));
    table.AddRow(std::move(row));
  }
  return table;
}

TextTable CountyCoverageTable(
    const google::protobuf::RepeatedPtrField<ThresholdCoverage>& results,
    const google::protobuf::RepeatedPtrField<carereach::v1::CountyCoverage>& counties) {
  std::vector<std::string> titles = {"fips", "county", "state", "population"};
  std::vector<bool> right = {false, false, false, true};
  for (const ThresholdCoverage& t : results) {
    titles.push_back(ThresholdLabel(t));
    right.push_back(true);
  }
  TextTable table(std::move(titles), std::move(right));
  for (const carereach::v1::CountyCoverage& county : counties) {
    std::vector<std::string> row = {county.fips(), county.name(), county.state(),
                                    WithThousands(county.total_population())};
    for (const ThresholdCoverage& t : county.results()) row.push_back(Percent(t.share()));
    table.AddRow(std::move(row));
  }
  return table;
}

std::vector<std::pair<std::string, std::string>> UnsnappedRows(
    int64_t units, int64_t population,
    const google::protobuf::RepeatedPtrField<std::string>& facility_ids) {
  std::vector<std::pair<std::string, std::string>> rows;
  rows.emplace_back("unsnapped",
                    absl::StrCat(WithThousands(units), " tracts, ", WithThousands(population),
                                 " residents (counted as not covered)"));
  if (!facility_ids.empty()) {
    rows.emplace_back("", absl::StrCat("facilities not on the road network (not used): ",
                                       ShortIdList({facility_ids.begin(), facility_ids.end()})));
  }
  return rows;
}

}  // namespace carereach::cli
