#include "geo/access/region.h"

#include <algorithm>
#include <numeric>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "geo/core/checked_sum.h"
#include "geo/core/status_macros.h"

namespace carereach::access {
namespace {

bool AllDigits(const std::string& s, size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), absl::ascii_isdigit);
}

absl::Status ValidateSelector(const std::string& name, const RegionSelector& selector) {
  const bool has_lists = !selector.state_fips.empty() || !selector.county_fips.empty();
  if (selector.all_units == has_lists) {
    return absl::InvalidArgumentError(
        absl::StrFormat("region %s: give either all_units or state_fips/county_fips lists", name));
  }
  for (const std::string& s : selector.state_fips) {
    if (!AllDigits(s, 2)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("region %s: state_fips \"%s\" is not 2 digits", name, s));
    }
  }
  for (const std::string& c : selector.county_fips) {
    if (!AllDigits(c, 5)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("region %s: county_fips \"%s\" is not 5 digits", name, c));
    }
  }
  return absl::OkStatus();
}

// The selected units, sorted by id; every listed state and county must have some.
absl::StatusOr<std::vector<io::PopulationUnit>> SelectUnits(
    const std::string& name, const RegionSelector& selector,
    const std::vector<io::PopulationUnit>& all_units) {
  const absl::flat_hash_set<std::string> states(selector.state_fips.begin(),
                                                selector.state_fips.end());
  const absl::flat_hash_set<std::string> counties(selector.county_fips.begin(),
                                                  selector.county_fips.end());
  absl::flat_hash_set<std::string> seen_states, seen_counties;
  std::vector<io::PopulationUnit> units;
  for (const io::PopulationUnit& u : all_units) {
    const std::string state = u.county_fips.substr(0, 2);
    const bool in_state = states.contains(state);
    const bool in_county = counties.contains(u.county_fips);
    if (!selector.all_units && !in_state && !in_county) continue;
    if (in_state) seen_states.insert(state);
    if (in_county) seen_counties.insert(u.county_fips);
    units.push_back(u);
  }
  for (const std::string& s : selector.state_fips) {
    if (!seen_states.contains(s)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("region %s: state_fips \"%s\" has no population units", name, s));
    }
  }
  for (const std::string& c : selector.county_fips) {
    if (!seen_counties.contains(c)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("region %s: county_fips \"%s\" has no population units", name, c));
    }
  }
  if (units.empty()) {
    return absl::InvalidArgumentError(absl::StrFormat("region %s: no population units", name));
  }
  std::sort(units.begin(), units.end(),
            [](const io::PopulationUnit& a, const io::PopulationUnit& b) { return a.id < b.id; });
  return units;
}

}  // namespace

absl::StatusOr<Region> BuildRegion(std::string name, std::string description,
                                   std::string population_source, const RegionSelector& selector,
                                   const std::vector<io::PopulationUnit>& all_units,
                                   const std::vector<io::CountyRecord>& county_table) {
  RETURN_IF_ERROR(ValidateSelector(name, selector));
  Region region;
  ASSIGN_OR_RETURN(region.units, SelectUnits(name, selector, all_units));
  region.name = std::move(name);
  region.description = std::move(description);
  region.population_source = std::move(population_source);
  region.selector = selector;
  absl::flat_hash_map<std::string, const io::CountyRecord*> by_fips;
  for (const io::CountyRecord& c : county_table) by_fips.emplace(c.fips, &c);
  region.unit_county.reserve(region.units.size());
  for (const io::PopulationUnit& u : region.units) {
    if (region.counties.empty() || region.counties.back().fips != u.county_fips) {
      County county{.fips = u.county_fips, .name = "", .state = ""};
      if (auto it = by_fips.find(u.county_fips); it != by_fips.end()) {
        county.name = it->second->name;
        county.state = it->second->state;
      }
      region.counties.push_back(std::move(county));
    }
    region.unit_county.push_back(static_cast<int32_t>(region.counties.size() - 1));
    // Every other population sum (coverage and county totals, adequacy, access ratios,
    // recommendations) adds each unit of a region at most once: with no negative population,
    // none exceeds this total, so checking this one sum keeps them all from overflowing.
    if (u.population < 0) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "region %s: unit %s has a negative population %d", region.name, u.id, u.population));
    }
    RETURN_IF_ERROR(geo::CheckedAdd(u.population, &region.total_population,
                                    absl::StrFormat("region %s: population", region.name)));
  }
  return region;
}

}  // namespace carereach::access
