#include "clients/cli/output.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"

namespace carereach::cli {
namespace {

using carereach::v1::ComputeCoverageResponse;
using carereach::v1::CountyCoverage;
using carereach::v1::ListRegionsResponse;
using carereach::v1::ThresholdCoverage;
using carereach::v1::TravelMode;
using nlohmann::ordered_json;

// Shortest decimal text of a threshold or parameter: 10, 2.5, 1.3.
std::string Number(double value) { return absl::StrCat(value); }

// Whole numbers become JSON integers ("minutes": 10, not 10.0); others stay doubles.
ordered_json JsonNumber(double value) {
  if (std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < 9.0e15) {
    return static_cast<int64_t>(value);
  }
  return value;
}

std::string Percent(double share) { return absl::StrFormat("%.1f%%", share * 100.0); }

// A plain-text table: columns separated by two spaces, numbers right-aligned.
class TextTable {
 public:
  // `right_aligned[i]` says how column i is aligned.
  TextTable(std::vector<std::string> header, std::vector<bool> right_aligned)
      : right_aligned_(std::move(right_aligned)) {
    rows_.push_back(std::move(header));
  }

  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

  std::string Render() const {
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
      absl::StrAppend(&out, line, "\n");
    }
    return out;
  }

 private:
  std::vector<bool> right_aligned_;
  std::vector<std::vector<std::string>> rows_;
};

std::string ModesList(const carereach::v1::Region& region, absl::string_view separator) {
  std::vector<absl::string_view> names;
  for (int mode : region.modes()) names.push_back(ModeName(static_cast<TravelMode>(mode)));
  return absl::StrJoin(names, separator);
}

bool IsDrive(const ComputeCoverageResponse& response) {
  return response.mode() == carereach::v1::TRAVEL_MODE_DRIVE;
}

ordered_json ThresholdJson(const ThresholdCoverage& threshold) {
  ordered_json item = ordered_json::object();
  if (threshold.has_max_miles()) {
    item["miles"] = JsonNumber(threshold.max_miles());
  } else {
    item["minutes"] = JsonNumber(threshold.max_minutes());
  }
  item["covered_population"] = threshold.covered_population();
  item["share"] = JsonNumber(threshold.share());
  return item;
}

ordered_json ResultsJson(const google::protobuf::RepeatedPtrField<ThresholdCoverage>& results) {
  ordered_json array = ordered_json::array();
  for (const ThresholdCoverage& threshold : results) array.push_back(ThresholdJson(threshold));
  return array;
}

void AppendCsvRows(std::string& out, absl::string_view scope, absl::string_view fips,
                   absl::string_view name, int64_t total_population,
                   const google::protobuf::RepeatedPtrField<ThresholdCoverage>& results) {
  for (const ThresholdCoverage& threshold : results) {
    const bool miles = threshold.has_max_miles();
    absl::StrAppend(
        &out, scope, ",", CsvField(fips), ",", CsvField(name), ",", miles ? "miles" : "minutes",
        ",", Number(miles ? threshold.max_miles() : threshold.max_minutes()), ",", total_population,
        ",", threshold.covered_population(), ",", absl::StrFormat("%.6f", threshold.share()), "\n");
  }
}

}  // namespace

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

std::string RegionsTable(const ListRegionsResponse& response) {
  TextTable table({"name", "counties", "tracts", "population", "modes", "description"},
                  {false, true, true, true, false, false});
  for (const carereach::v1::Region& region : response.regions()) {
    table.AddRow({region.name(), WithThousands(region.county_count()),
                  WithThousands(region.unit_count()), WithThousands(region.total_population()),
                  ModesList(region, ","), region.description()});
  }
  return table.Render();
}

std::string RegionsCsv(const ListRegionsResponse& response) {
  std::string out = "name,counties,units,population,modes,description\n";
  for (const carereach::v1::Region& region : response.regions()) {
    absl::StrAppend(&out, CsvField(region.name()), ",", region.county_count(), ",",
                    region.unit_count(), ",", region.total_population(), ",",
                    ModesList(region, ";"), ",", CsvField(region.description()), "\n");
  }
  return out;
}

ordered_json RegionsJson(const ListRegionsResponse& response) {
  ordered_json regions = ordered_json::array();
  for (const carereach::v1::Region& region : response.regions()) {
    ordered_json modes = ordered_json::array();
    for (int mode : region.modes())
      modes.push_back(std::string(ModeName(static_cast<TravelMode>(mode))));
    ordered_json states = ordered_json::array();
    for (const std::string& fips : region.state_fips()) states.push_back(fips);
    regions.push_back({{"name", region.name()},
                       {"description", region.description()},
                       {"county_count", region.county_count()},
                       {"unit_count", region.unit_count()},
                       {"total_population", region.total_population()},
                       {"modes", modes},
                       {"state_fips", states},
                       {"population_source", region.population_source()}});
  }
  ordered_json out = ordered_json::object();
  out["regions"] = regions;
  return out;
}

std::string CoverageTable(const ComputeCoverageResponse& response,
                          absl::string_view facilities_note, bool counties) {
  TextTable header({"", ""}, {false, false});
  header.AddRow({"region", response.region()});
  if (IsDrive(response)) {
    header.AddRow({"mode", absl::StrCat("drive, speed profile ", response.speed_profile().empty()
                                                                     ? "(server default)"
                                                                     : response.speed_profile())});
  } else {
    const auto& line = response.straight_line();
    header.AddRow(
        {"mode",
         absl::StrCat("straight-line, circuity ", Number(line.circuity_factor()), ", ",
                      Number(line.speed_mph()), " mph (minutes = geodesic miles x ",
                      Number(line.circuity_factor()), " / ", Number(line.speed_mph()), " x 60)")});
  }
  std::string facilities = WithThousands(response.facility_count());
  if (!facilities_note.empty()) absl::StrAppend(&facilities, " (", facilities_note, ")");
  header.AddRow({"facilities", facilities});
  std::string population = absl::StrCat(WithThousands(response.total_population()), " in ",
                                        WithThousands(response.unit_count()), " tracts");
  if (response.zero_population_units() > 0) {
    absl::StrAppend(&population, " (", WithThousands(response.zero_population_units()),
                    " with population 0)");
  }
  header.AddRow({"population", population});
  if (IsDrive(response)) {
    header.AddRow({"unsnapped", absl::StrCat(WithThousands(response.unsnapped_units()), " tracts, ",
                                             WithThousands(response.unsnapped_population()),
                                             " residents (counted as not covered)")});
  }
  header.AddRow({"computed in", absl::StrFormat("%.0f ms", response.compute_ms())});

  std::string header_text = header.Render();
  // Drop the empty title row of the key/value table.
  header_text.erase(0, header_text.find('\n') + 1);

  TextTable results({"threshold", "covered population", "share", "tracts"},
                    {false, true, true, true});
  for (const ThresholdCoverage& threshold : response.results()) {
    results.AddRow({ThresholdLabel(threshold), WithThousands(threshold.covered_population()),
                    Percent(threshold.share()), WithThousands(threshold.covered_units())});
  }
  std::string out = absl::StrCat(header_text, "\n", results.Render());

  if (counties) {
    std::vector<std::string> titles = {"fips", "county", "state", "population"};
    std::vector<bool> right = {false, false, false, true};
    for (const ThresholdCoverage& threshold : response.results()) {
      titles.push_back(ThresholdLabel(threshold));
      right.push_back(true);
    }
    TextTable table(std::move(titles), std::move(right));
    for (const CountyCoverage& county : response.counties()) {
      std::vector<std::string> row = {county.fips(), county.name(), county.state(),
                                      WithThousands(county.total_population())};
      for (const ThresholdCoverage& threshold : county.results()) {
        row.push_back(Percent(threshold.share()));
      }
      table.AddRow(std::move(row));
    }
    absl::StrAppend(&out, "\nshare of residents by county\n", table.Render());
  }
  return out;
}

std::string CoverageCsv(const ComputeCoverageResponse& response) {
  std::string out =
      "scope,fips,name,threshold_kind,threshold,total_population,covered_population,share\n";
  AppendCsvRows(out, "region", "", response.region(), response.total_population(),
                response.results());
  for (const CountyCoverage& county : response.counties()) {
    AppendCsvRows(out, "county", county.fips(), county.name(), county.total_population(),
                  county.results());
  }
  return out;
}

ordered_json CoverageJson(const ComputeCoverageResponse& response) {
  ordered_json out = ordered_json::object();
  out["region"] = response.region();
  out["mode"] = std::string(ModeName(response.mode()));
  out["total_population"] = response.total_population();
  out["facility_count"] = response.facility_count();
  out["unit_count"] = response.unit_count();
  out["results"] = ResultsJson(response.results());
  ordered_json counties = ordered_json::array();
  for (const CountyCoverage& county : response.counties()) {
    ordered_json item = ordered_json::object();
    item["fips"] = county.fips();
    item["name"] = county.name();
    item["state"] = county.state();
    item["total_population"] = county.total_population();
    item["results"] = ResultsJson(county.results());
    counties.push_back(std::move(item));
  }
  out["counties"] = std::move(counties);
  if (IsDrive(response)) {
    out["unsnapped_units"] = response.unsnapped_units();
  } else {
    ordered_json line = ordered_json::object();
    line["circuity_factor"] = JsonNumber(response.straight_line().circuity_factor());
    line["speed_mph"] = JsonNumber(response.straight_line().speed_mph());
    out["straight_line"] = std::move(line);
  }
  return out;
}

std::string JsonText(const ordered_json& json) {
  return json.dump(2, ' ', /*ensure_ascii=*/false, ordered_json::error_handler_t::replace) + "\n";
}

std::string UnitsCsvHeader(bool drive) {
  return absl::StrCat(
      "unit_id,county_fips,population,lon,lat,nearest_facility_id,minutes,miles,reached",
      drive ? ",snap_meters" : "", "\n");
}

std::string UnitsCsvLine(const carereach::v1::PopulationUnitResult& unit, bool drive) {
  // Travel figures of an unreached unit are meaningless; leave them empty.
  const bool reached = unit.reached();
  std::string out = absl::StrCat(
      CsvField(unit.unit_id()), ",", CsvField(unit.county_fips()), ",", unit.population(), ",",
      absl::StrFormat("%.6f", unit.location().lon()), ",",
      absl::StrFormat("%.6f", unit.location().lat()), ",", CsvField(unit.nearest_facility_id()),
      ",", reached ? absl::StrFormat("%.3f", unit.minutes()) : "", ",",
      reached ? absl::StrFormat("%.3f", unit.miles()) : "", ",", reached ? "true" : "false");
  if (drive) absl::StrAppend(&out, ",", absl::StrFormat("%.1f", unit.snap_meters()));
  absl::StrAppend(&out, "\n");
  return out;
}

}  // namespace carereach::cli
