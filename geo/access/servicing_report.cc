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

// A row's part of one county x type: population of the county's units in its catchment, or
// the evaluation's count of it.
struct Hit {
  int32_t row = 0;
  int32_t result = 0;
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
  // What each row serves, sorted and merged by (row, result) below.
  std::vector<Hit> hits;
  for (size_t k = 0; k < results.size(); ++k) {
    for (int32_t row : results[k].counted_rows) {
      hits.push_back({.row = row, .result = static_cast<int32_t>(k), .counted = true});
    }
  }
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
    std::vector<geo::LonLat> points;
    points.reserve(rows.size());
    for (const size_t r : rows) points.push_back(roster[r].location);
    RETURN_IF_ERROR(
        VisitCatchments(region, drive, points,
                        {.travel = travel,
                         .max_minutes = max_minutes,
                         .max_miles = max_miles,
                         .deadline = deadline},
                        [&](size_t i, std::span<const UnitReach> catchment) {
                          const int32_t row = static_cast<int32_t>(rows[i]);
                          int32_t last_county = -1;
                          for (const UnitReach& u : catchment) {  // sorted by unit, so by county
                            const int32_t county = region.unit_county[u.unit];
                            auto it = results_of_county.find(county);
                            if (it == results_of_county.end()) continue;
                            if (county != last_county) {
                              for (size_t k : it->second)
                                hits.push_back({.row = row, .result = static_cast<int32_t>(k)});
                              last_county = county;
                            }
                            // This county's hits are the last it->second.size() ones, in
                            // it->second's order.
                            const size_t base = hits.size() - it->second.size();
                            for (size_t j = 0; j < it->second.size(); ++j) {
                              hits[base + j].population += region.units[u.unit].population;
                            }
                          }
                        }));
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return std::tie(a.row, a.result) < std::tie(b.row, b.result);
  });
  std::vector<ServicingEntry> entries;
  size_t h = 0;
  for (size_t row = 0; row < roster.size(); ++row) {
    const size_t begin = h;
    while (h < hits.size() && static_cast<size_t>(hits[h].row) == row) ++h;
    const std::string& exclusion = roster[row].exclusion;
    if (begin == h || !exclusion.empty()) {
      entries.push_back({.row = static_cast<int32_t>(row), .exclusion = exclusion});
      continue;
    }
    for (size_t i = begin; i < h;) {
      // Merge the hits of one result (the catchment's and the evaluation's count).
      const int32_t k = hits[i].result;
      int64_t population = 0;
      bool counted = false;
      for (; i < h && hits[i].result == k; ++i) {
        population += hits[i].population;
        counted |= hits[i].counted;
      }
      ServicingEntry e{.row = static_cast<int32_t>(row), .result = k};
      e.share = Share(population, county_population[result_county[k]]);
      e.beneficiaries = e.share * static_cast<double>(results[k].beneficiaries);
      e.counts_toward_minimum = counted;
      entries.push_back(std::move(e));
    }
  }
  return entries;
}

}  // namespace carereach::access
