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

namespace carereach::cli {
namespace {

using carereach::v1::ComputeCoverageResponse;
using carereach::v1::ComputeIsochronesResponse;
using carereach::v1::CountyCoverage;
using carereach::v1::ListRegionsResponse;
using carereach::v1::MatrixRow;
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

constexpr absl::string_view kOriginTitle = "origin";

// Drive figures to 3 decimals (0.06 s, about 1.6 m): enough for any use, without float noise.
double Rounded3(double value) { return std::round(value * 1000.0) / 1000.0; }

// A matrix cell: JSON null when not reached (the wire's -1).
ordered_json CellJson(double value) {
  if (value < 0) return nullptr;
  return JsonNumber(Rounded3(value));
}

std::string AttributionLine(absl::string_view attribution) {
  return absl::StrCat("Road data ", AttributionOr(attribution), "\n");
}

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

TextTable::TextTable(std::vector<std::string> header, std::vector<bool> right_aligned)
    : right_aligned_(std::move(right_aligned)) {
  rows_.push_back(std::move(header));
}

void TextTable::AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

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
  header.AddRow({"mode", ModeDescription(response.mode(), response.straight_line(),
                                         response.speed_profile())});
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
    if (response.unsnapped_facility_ids_size() > 0) {
      header.AddRow({"", absl::StrCat("facilities not on the road network (not used): ",
                                      ShortIdList({response.unsnapped_facility_ids().begin(),
                                                   response.unsnapped_facility_ids().end()}))});
    }
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
  if (IsDrive(response)) absl::StrAppend(&out, "\n", AttributionLine(response.attribution()));
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
  if (!response.speed_profile().empty()) out["speed_profile"] = response.speed_profile();
  if (IsDrive(response)) {
    out["unsnapped_units"] = response.unsnapped_units();
    out["unsnapped_population"] = response.unsnapped_population();
    ordered_json ids = ordered_json::array();
    for (const std::string& id : response.unsnapped_facility_ids()) ids.push_back(id);
    out["unsnapped_facility_ids"] = std::move(ids);
  } else {
    ordered_json line = ordered_json::object();
    line["circuity_factor"] = JsonNumber(response.straight_line().circuity_factor());
    line["speed_mph"] = JsonNumber(response.straight_line().speed_mph());
    out["straight_line"] = std::move(line);
  }
  if (!response.attribution().empty()) out["attribution"] = response.attribution();
  return out;
}

absl::StatusOr<ordered_json> IsochronesGeoJson(const ComputeIsochronesResponse& response) {
  const std::string attribution = AttributionOr(response.attribution());
  ordered_json features = ordered_json::array();
  for (int i = 0; i < response.isochrones_size(); ++i) {
    const carereach::v1::Isochrone& iso = response.isochrones(i);
    ordered_json geometry =
        ordered_json::parse(iso.geojson(), /*cb=*/nullptr, /*allow_exceptions=*/false);
    if (geometry.is_discarded() || !geometry.is_object() || !geometry.contains("type") ||
        !geometry["type"].is_string()) {
      return absl::DataLossError(
          absl::StrCat("isochrones[", i, "].geojson: the server's answer is not a GeoJSON ",
                       "geometry object: '", iso.geojson().substr(0, 60), "'"));
    }
    ordered_json properties = ordered_json::object();
    properties["max_minutes"] = JsonNumber(iso.max_minutes());
    properties["area_km2"] = JsonNumber(iso.area_km2());
    properties["region"] = response.region();
    properties["speed_profile"] = response.speed_profile();
    properties["attribution"] = attribution;
    ordered_json feature = ordered_json::object();
    feature["type"] = "Feature";
    feature["properties"] = std::move(properties);
    feature["geometry"] = std::move(geometry);
    features.push_back(std::move(feature));
  }
  ordered_json collection = ordered_json::object();
  collection["type"] = "FeatureCollection";
  collection["attribution"] = attribution;
  collection["features"] = std::move(features);
  return collection;
}

std::string IsochronesTable(const ComputeIsochronesResponse& response,
                            absl::string_view facilities_note, absl::string_view out_path) {
  TextTable header({"", ""}, {false, false});
  header.AddRow({"region", response.region()});
  header.AddRow({"speed profile",
                 response.speed_profile().empty() ? "(server default)" : response.speed_profile()});
  if (!facilities_note.empty()) header.AddRow({"facilities", std::string(facilities_note)});
  header.AddRow({"written to", absl::StrCat(out_path, " (GeoJSON, ", response.isochrones_size(),
                                            " features, [lon, lat])")});
  std::string header_text = header.Render();
  header_text.erase(0, header_text.find('\n') + 1);

  TextTable table({"threshold", "area km2"}, {false, true});
  for (const carereach::v1::Isochrone& iso : response.isochrones()) {
    table.AddRow(
        {absl::StrCat(Number(iso.max_minutes()), " min"), absl::StrFormat("%.2f", iso.area_km2())});
  }
  return absl::StrCat(header_text, "\n", table.Render(), "\n",
                      AttributionLine(response.attribution()));
}

std::string MatrixCsvHeader() { return "origin_id,destination_id,minutes,miles\n"; }

std::string MatrixCsvLines(const MatrixRow& row, const std::vector<std::string>& destination_ids) {
  std::string out;
  const std::string origin = CsvField(row.origin_id());
  for (size_t j = 0; j < destination_ids.size(); ++j) {
    const int k = static_cast<int>(j);
    const bool reached = k < row.minutes_size() && row.minutes(k) >= 0;
    absl::StrAppend(&out, origin, ",", CsvField(destination_ids[j]), ",",
                    reached ? absl::StrFormat("%.3f", row.minutes(k)) : "", ",",
                    reached && k < row.miles_size() && row.miles(k) >= 0
                        ? absl::StrFormat("%.3f", row.miles(k))
                        : "",
                    "\n");
  }
  return out;
}

ordered_json MatrixRowJson(const MatrixRow& row) {
  ordered_json minutes = ordered_json::array();
  for (double value : row.minutes()) minutes.push_back(CellJson(value));
  ordered_json miles = ordered_json::array();
  for (double value : row.miles()) miles.push_back(CellJson(value));
  ordered_json out = ordered_json::object();
  out["origin_index"] = row.origin_index();
  out["origin_id"] = row.origin_id();
  out["origin_snapped"] = row.origin_snapped();
  out["minutes"] = std::move(minutes);
  out["miles"] = std::move(miles);
  return out;
}

ordered_json MatrixJson(absl::string_view region, ordered_json rows,
                        const std::vector<std::string>& destination_ids) {
  ordered_json out = ordered_json::object();
  out["region"] = std::string(region);
  out["rows"] = std::move(rows);
  out["destinations"] = destination_ids;
  out["attribution"] = std::string(kOsmAttribution);
  return out;
}

MatrixTable::MatrixTable(const std::vector<std::string>& origin_ids,
                         const std::vector<std::string>& destination_ids)
    : origin_width_(kOriginTitle.size()), destination_ids_(destination_ids) {
  for (const std::string& id : origin_ids) origin_width_ = std::max(origin_width_, id.size());
  // Wide enough for "1440.0", the largest bound the server accepts.
  constexpr size_t kMinutesWidth = 6;
  for (const std::string& id : destination_ids_) {
    widths_.push_back(std::max(kMinutesWidth, id.size()));
  }
}

std::string MatrixTable::Header() const {
  std::string line =
      absl::StrCat(kOriginTitle, std::string(origin_width_ - kOriginTitle.size(), ' '));
  for (size_t j = 0; j < destination_ids_.size(); ++j) {
    absl::StrAppend(&line, "  ", std::string(widths_[j] - destination_ids_[j].size(), ' '),
                    destination_ids_[j]);
  }
  return absl::StrCat(line, "\n");
}

std::string MatrixTable::Line(const MatrixRow& row) const {
  const std::string& origin = row.origin_id();
  std::string line = absl::StrCat(
      origin, std::string(origin_width_ > origin.size() ? origin_width_ - origin.size() : 0, ' '));
  for (size_t j = 0; j < widths_.size(); ++j) {
    const int k = static_cast<int>(j);
    const std::string cell = k < row.minutes_size() && row.minutes(k) >= 0
                                 ? absl::StrFormat("%.1f", row.minutes(k))
                                 : "-";
    absl::StrAppend(&line, "  ",
                    std::string(widths_[j] > cell.size() ? widths_[j] - cell.size() : 0, ' '),
                    cell);
  }
  return absl::StrCat(line, "\n");
}

std::string JsonText(const ordered_json& json) {
  return json.dump(2, ' ', /*ensure_ascii=*/false, ordered_json::error_handler_t::replace) + "\n";
}

std::string CompactJsonText(const ordered_json& json) {
  return json.dump(-1, ' ', /*ensure_ascii=*/false, ordered_json::error_handler_t::replace) + "\n";
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

namespace {

using carereach::v1::CountySpecialtyResult;

constexpr size_t kSpecialtyNameWidth = 26;

std::string Share6(double share) { return absl::StrFormat("%.6f", share); }

std::string PassFail(bool pass) { return pass ? "PASS" : "FAIL"; }

std::string Truncated(absl::string_view text, size_t width) {
  if (text.size() <= width) return std::string(text);
  return absl::StrCat(text.substr(0, width - 3), "...");
}

// "+10" for a 0.10 telehealth credit, "" for none.
std::string CreditLabel(double credit) {
  if (credit <= 0) return "";
  return absl::StrCat("+", TrimmedNumber(credit * 100.0, 1));
}

bool IsDrive(const carereach::v1::AdequacySummary& summary) {
  return summary.mode() == carereach::v1::TRAVEL_MODE_DRIVE;
}

constexpr absl::string_view kAdequacyCsvHeader =
    "county_fips,county_name,state,county_designation,specialty_code,specialty_name,facility,"
    "max_minutes,max_miles,beneficiaries,beneficiaries_with_access,share_with_access,"
    "required_share,telehealth_credit,time_distance_pass,minimum_number,counted,"
    "minimum_number_pass,minimum_number_deficit,pass,providers_serving,uncovered_beneficiaries,"
    "uncovered_unit_ids\n";

absl::string_view Bool(bool value) { return value ? "true" : "false"; }

ordered_json ResultJson(const CountySpecialtyResult& r) {
  ordered_json json = {
      {"county_fips", r.county_fips()},
      {"county_name", r.county_name()},
      {"state", r.state()},
      {"county_designation", r.county_designation()},
      {"specialty_code", r.specialty_code()},
      {"specialty_name", r.specialty_name()},
      {"facility", r.facility()},
      {"max_minutes", JsonNumber(r.max_minutes())},
      {"max_miles", JsonNumber(r.max_miles())},
      {"beneficiaries", r.beneficiaries()},
      {"beneficiaries_with_access", JsonNumber(Rounded3(r.beneficiaries_with_access()))},
      {"share_with_access", r.share_with_access()},
      {"required_share", r.required_share()},
      {"telehealth_credit", r.telehealth_credit()},
      {"time_distance_pass", r.time_distance_pass()},
      {"minimum_number", r.minimum_number()},
      {"counted", JsonNumber(Rounded3(r.counted()))},
      {"minimum_number_pass", r.minimum_number_pass()},
      {"minimum_number_deficit", JsonNumber(Rounded3(r.minimum_number_deficit()))},
      {"pass", r.pass()},
      {"providers_serving", r.providers_serving()},
      {"uncovered_beneficiaries", JsonNumber(Rounded3(r.uncovered_beneficiaries()))},
  };
  ordered_json ids = ordered_json::array();
  for (const std::string& id : r.uncovered_unit_ids()) ids.push_back(id);
  json["uncovered_unit_ids"] = std::move(ids);
  return json;
}

}  // namespace

std::vector<CountySpecialtyResult> FailingFirst(const std::vector<CountySpecialtyResult>& results) {
  std::vector<CountySpecialtyResult> ordered = results;
  std::stable_partition(ordered.begin(), ordered.end(),
                        [](const CountySpecialtyResult& r) { return !r.pass(); });
  return ordered;
}

std::vector<std::pair<std::string, std::string>> AdequacyHeaderRows(
    const carereach::v1::AdequacySummary& summary) {
  std::vector<std::pair<std::string, std::string>> rows;
  rows.emplace_back("region", summary.region());
  rows.emplace_back("standards set", summary.standards_set());
  std::string mode(ModeName(summary.mode()));
  if (IsDrive(summary) && !summary.speed_profile().empty()) {
    absl::StrAppend(&mode, ", speed profile ", summary.speed_profile());
  }
  rows.emplace_back("mode", mode);
  rows.emplace_back("roster rows", WithThousands(summary.roster_rows()));
  rows.emplace_back("beneficiaries", summary.beneficiary_method());
  if (IsDrive(summary)) rows.emplace_back("road data", AttributionOr(summary.attribution()));
  rows.emplace_back("computed in", absl::StrFormat("%.0f ms", summary.compute_ms()));
  return rows;
}

std::string AdequacyResultsTable(const std::vector<const CountySpecialtyResult*>& results,
                                 absl::string_view extra_title,
                                 const std::vector<std::string>& extra) {
  std::vector<std::string> titles = {"fips",    "county",  "designation", "code",    "specialty",
                                     "max min", "max mi",  "% access",    "req %",   "credit",
                                     "T/D",     "min req", "counted",     "deficit", "result"};
  std::vector<bool> right = {false, false, false, false, false, true, true, true,
                             true,  true,  false, true,  true,  true, false};
  if (!extra_title.empty()) {
    titles.emplace_back(extra_title);
    right.push_back(false);
  }
  TextTable table(std::move(titles), std::move(right));
  for (size_t i = 0; i < results.size(); ++i) {
    const CountySpecialtyResult& r = *results[i];
    std::vector<std::string> row = {r.county_fips(),
                                    r.county_name(),
                                    r.county_designation(),
                                    r.specialty_code(),
                                    Truncated(r.specialty_name(), kSpecialtyNameWidth),
                                    TrimmedNumber(r.max_minutes(), 1),
                                    TrimmedNumber(r.max_miles(), 1),
                                    absl::StrFormat("%.1f", r.share_with_access() * 100),
                                    TrimmedNumber(r.required_share() * 100, 1),
                                    CreditLabel(r.telehealth_credit()),
                                    PassFail(r.time_distance_pass()),
                                    absl::StrCat(r.minimum_number()),
                                    absl::StrFormat("%.0f", r.counted()),
                                    absl::StrFormat("%.0f", std::ceil(r.minimum_number_deficit())),
                                    PassFail(r.pass())};
    if (!extra_title.empty()) row.push_back(i < extra.size() ? extra[i] : "");
    table.AddRow(std::move(row));
  }
  return table.Render();
}

std::string AdequacyTable(const AdequacyReport& report) {
  const carereach::v1::AdequacySummary& summary = report.summary;
  const std::vector<CountySpecialtyResult> ordered = FailingFirst(report.results);
  std::vector<const CountySpecialtyResult*> rows;
  int64_t failing = 0;
  for (const CountySpecialtyResult& r : ordered) {
    if (!r.pass()) ++failing;
    rows.push_back(&r);
  }
  std::string out =
      absl::StrCat("Specialty Summary by County\n", KeyValueText(AdequacyHeaderRows(summary)), "\n",
                   AdequacyResultsTable(rows), "\n", failing, " of ", report.results.size(),
                   " county x specialty results fail\n");
  if (IsDrive(summary)) absl::StrAppend(&out, AttributionLine(summary.attribution()));
  return out;
}

std::string AdequacyCsvHeader() { return std::string(kAdequacyCsvHeader); }

std::string AdequacyCsvFields(const CountySpecialtyResult& r) {
  std::string out;
  absl::StrAppend(&out, CsvField(r.county_fips()), ",", CsvField(r.county_name()), ",",
                  CsvField(r.state()), ",", CsvField(r.county_designation()), ",",
                  CsvField(r.specialty_code()), ",", CsvField(r.specialty_name()), ",",
                  Bool(r.facility()), ",", TrimmedNumber(r.max_minutes(), 3), ",",
                  TrimmedNumber(r.max_miles(), 3), ",", r.beneficiaries(), ",");
  absl::StrAppend(&out, TrimmedNumber(r.beneficiaries_with_access(), 3), ",",
                  Share6(r.share_with_access()), ",", Share6(r.required_share()), ",",
                  Share6(r.telehealth_credit()), ",", Bool(r.time_distance_pass()), ",",
                  r.minimum_number(), ",", TrimmedNumber(r.counted(), 3), ",",
                  Bool(r.minimum_number_pass()), ",", TrimmedNumber(r.minimum_number_deficit(), 3),
                  ",", Bool(r.pass()), ",", r.providers_serving(), ",");
  absl::StrAppend(&out, TrimmedNumber(r.uncovered_beneficiaries(), 3), ",",
                  CsvField(absl::StrJoin(r.uncovered_unit_ids(), ";")));
  return out;
}

std::string AdequacyCsv(const AdequacyReport& report) {
  std::string out(kAdequacyCsvHeader);
  for (const CountySpecialtyResult& r : FailingFirst(report.results)) {
    absl::StrAppend(&out, AdequacyCsvFields(r), "\n");
  }
  return out;
}

ordered_json AdequacyJson(const AdequacyReport& report) {
  const carereach::v1::AdequacySummary& s = report.summary;
  ordered_json summary = {
      {"region", s.region()},
      {"standards_set", s.standards_set()},
      {"mode", ModeName(s.mode())},
      {"counties", s.counties()},
      {"specialty_types", s.specialty_types()},
      {"results", s.results()},
      {"failing_results", s.failing_results()},
      {"roster_rows", s.roster_rows()},
      {"beneficiary_method", s.beneficiary_method()},
      {"speed_profile", s.speed_profile()},
      {"attribution", IsDrive(s) ? AttributionOr(s.attribution()) : s.attribution()},
      {"compute_ms", JsonNumber(Rounded3(s.compute_ms()))},
  };
  ordered_json results = ordered_json::array();
  for (const CountySpecialtyResult& r : FailingFirst(report.results)) {
    results.push_back(ResultJson(r));
  }
  return {{"region", s.region()},          {"standards_set", s.standards_set()},
          {"mode", ModeName(s.mode())},    {"beneficiary_method", s.beneficiary_method()},
          {"summary", std::move(summary)}, {"results", std::move(results)}};
}

ordered_json UncoveredGeoJson(const AdequacyReport& report, const TractCentres& centres,
                              int64_t* missing) {
  *missing = 0;
  ordered_json features = ordered_json::array();
  for (const CountySpecialtyResult& r : FailingFirst(report.results)) {
    for (const std::string& unit_id : r.uncovered_unit_ids()) {
      ordered_json geometry = nullptr;
      if (auto it = centres.find(unit_id); it != centres.end()) {
        geometry = {{"type", "Point"}, {"coordinates", {it->second.lon, it->second.lat}}};
      } else {
        ++*missing;
      }
      features.push_back({{"type", "Feature"},
                          {"geometry", std::move(geometry)},
                          {"properties",
                           {{"county_fips", r.county_fips()},
                            {"specialty_code", r.specialty_code()},
                            {"unit_id", unit_id}}}});
    }
  }
  return {{"type", "FeatureCollection"}, {"features", std::move(features)}};
}

}  // namespace carereach::cli
