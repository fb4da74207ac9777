// ListRegions, ComputeCoverage, ComputeIsochrones and ComputeMatrix as tables, CSV and JSON
// (output.h).
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
#include "clients/cli/output.h"

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

constexpr absl::string_view kOriginTitle = "origin";

// A matrix cell: JSON null when not reached (the wire's -1).
ordered_json CellJson(double value) {
  if (value < 0) return nullptr;
  return JsonNumber(Rounded3(value));
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
  std::vector<std::pair<std::string, std::string>> rows = {
      {"region", response.region()},
      {"mode",
       ModeDescription(response.mode(), response.straight_line(), response.speed_profile())}};
  std::string facilities = WithThousands(response.facility_count());
  if (!facilities_note.empty()) absl::StrAppend(&facilities, " (", facilities_note, ")");
  rows.emplace_back("facilities", facilities);
  std::string population = absl::StrCat(WithThousands(response.total_population()), " in ",
                                        WithThousands(response.unit_count()), " tracts");
  if (response.zero_population_units() > 0) {
    absl::StrAppend(&population, " (", WithThousands(response.zero_population_units()),
                    " with population 0)");
  }
  rows.emplace_back("population", population);
  if (IsDrive(response)) {
    for (auto& row : UnsnappedRows(response.unsnapped_units(), response.unsnapped_population(),
                                   response.unsnapped_facility_ids())) {
      rows.push_back(std::move(row));
    }
  }
  rows.emplace_back("computed in", absl::StrFormat("%.0f ms", response.compute_ms()));
  std::string out = absl::StrCat(KeyValueText(rows), "\n",
                                 ThresholdTable(response.results(), /*tracts=*/true).Render());
  if (counties) {
    absl::StrAppend(&out, "\n", kCountyCoverageTitle, "\n",
                    CountyCoverageTable(response.results(), response.counties()).Render());
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
  std::vector<std::pair<std::string, std::string>> rows = {
      {"region", response.region()},
      {"speed profile",
       response.speed_profile().empty() ? "(server default)" : response.speed_profile()}};
  if (!facilities_note.empty()) rows.emplace_back("facilities", std::string(facilities_note));
  rows.emplace_back("written to", absl::StrCat(out_path, " (GeoJSON, ", response.isochrones_size(),
                                               " features, [lon, lat])"));
  const std::string header_text = KeyValueText(rows);

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
