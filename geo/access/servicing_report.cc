#include "geo/access/servicing_report.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "geo/access/catchment.h"
#include "geo/core/status_macros.h"

namespace carereach::access {
namespace {

// One county x type a row serves: population of the county's units in its catchment.
struct Served {
  int64_t population = 0;
  bool counted = false;
};

}  // namespace

absl::StatusOr<std::vector<ServicingEntry>> ServicingProviders(
    const Region& region, const DriveRegion* drive, const io::StandardsSet& standards,
    std::span<const NetworkProvider> roster, std::span<const CountySpecialtyResult> results,
    const TravelModel& travel, const geo::Deadline& deadline) {
  absl::flat_hash_map<std::string, int32_t> county_of_fips;
  for (size_t c = 0; c < region.counties.size(); ++c) {
    county_of_fips[region.counties[c].fips] = static_cast<int32_t>(c);
  }
  std::vector<int64_t> county_population(region.counties.size(), 0);
  for (size_t i = 0; i < region.units.size(); ++i) {
    county_population[region.unit_county[i]] += region.units[i].population;
  }
  // Results grouped by (type, standard): one set of catchments each, as ReachByRoad.
  std::map<std::tuple<std::string, double, double>, std::vector<size_t>> by_standard;
  std::vector<int32_t> result_county(results.size(), -1);
  for (size_t k = 0; k < results.size(); ++k) {
    const CountySpecialtyResult& r = results[k];
    if (r.county == nullptr || r.specialty == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrFormat("results[%d]: names no county or specialty type", k));
    }
    auto it = county_of_fips.find(r.county->fips);
    if (it == county_of_fips.end()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "results[%d].county: %s is not a county of region %s", k, r.county->fips, region.name));
    }
    result_county[k] = it->second;
    for (int32_t row : r.counted_rows) {
      if (row < 0 || static_cast<size_t>(row) >= roster.size()) {
        return absl::InvalidArgumentError(
            absl::StrFormat("results[%d].counted_rows: %d is not a roster row", k, row));
      }
    }
    by_standard[{r.specialty->code, r.max_minutes, r.max_miles}].push_back(k);
  }
  // Per roster row: what it serves, keyed by result index (ordered: entries in result order).
  std::vector<std::map<size_t, Served>> served(roster.size());
  for (size_t k = 0; k < results.size(); ++k) {
    for (int32_t row : results[k].counted_rows) served[row][k].counted = true;
  }
  constexpr size_t kProvidersPerCall = 1024;  // bounds the catchments held at once
  for (const auto& [key, result_indices] : by_standard) {
    const auto& [type, max_minutes, max_miles] = key;
    // The rows the evaluation looks at for this type: not excluded, evaluated as the type.
    std::vector<size_t> rows;
    for (size_t r = 0; r < roster.size(); ++r) {
      if (roster[r].exclusion.empty() && standards.EvaluatedAs(roster[r].specialty_code) == type) {
        rows.push_back(r);
      }
    }
    absl::flat_hash_map<int32_t, std::vector<size_t>> results_of_county;
    for (size_t k : result_indices) results_of_county[result_county[k]].push_back(k);
    for (size_t first = 0; first < rows.size(); first += kProvidersPerCall) {
      RETURN_IF_ERROR(deadline.Check("servicing providers"));
      const size_t count = std::min(kProvidersPerCall, rows.size() - first);
      std::vector<geo::LonLat> points;
      for (size_t i = 0; i < count; ++i) points.push_back(roster[rows[first + i]].location);
      ASSIGN_OR_RETURN(const std::vector<std::vector<UnitReach>> catchments,
                       FacilityCatchments(region, drive, points,
                                          {.travel = travel,
                                           .max_minutes = max_minutes,
                                           .max_miles = max_miles,
                                           .deadline = deadline},
                                          nullptr));
      for (size_t i = 0; i < count; ++i) {
        std::map<size_t, Served>& mine = served[rows[first + i]];
        for (const UnitReach& u : catchments[i]) {
          auto it = results_of_county.find(region.unit_county[u.unit]);
          if (it == results_of_county.end()) continue;
          for (size_t k : it->second) mine[k].population += region.units[u.unit].population;
        }
      }
    }
  }
  std::vector<ServicingEntry> entries;
  for (size_t row = 0; row < roster.size(); ++row) {
    const std::string& exclusion = roster[row].exclusion;
    if (served[row].empty() || !exclusion.empty()) {
      entries.push_back({.row = static_cast<int32_t>(row), .exclusion = exclusion});
      continue;
    }
    for (const auto& [k, s] : served[row]) {
      const CountySpecialtyResult& r = results[k];
      ServicingEntry e{.row = static_cast<int32_t>(row), .result = static_cast<int32_t>(k)};
      e.share = Share(s.population, county_population[result_county[k]]);
      e.beneficiaries = e.share * static_cast<double>(r.beneficiaries);
      e.counts_toward_minimum = s.counted;
      entries.push_back(std::move(e));
    }
  }
  return entries;
}

}  // namespace carereach::access
