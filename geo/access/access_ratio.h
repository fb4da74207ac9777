#ifndef CAREREACH_GEO_ACCESS_ACCESS_RATIO_H_
#define CAREREACH_GEO_ACCESS_ACCESS_RATIO_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "geo/access/coverage.h"
#include "geo/access/region.h"
#include "geo/core/deadline.h"

namespace carereach::access {

// Access ratios by the two-step floating catchment area method (2SFCA; Luo & Wang 2003).
// Step 1: each provider's ratio R_j = capacity_j / (population of the units within its
// catchment). Step 2: each unit's access A_i = sum of R_j over the providers whose catchment
// contains i. Unlike a nearest-provider test it shows crowding: a provider shared by many
// residents contributes little to each. Supply is conserved: sum_i A_i x P_i equals the total
// capacity of the providers with anyone in their catchment.
// Stateless function over immutable inputs: safe to call from any number of threads at once.

struct AccessRatioRequest {
  std::vector<Facility> providers;
  std::vector<double> capacity;  // per provider, finite and > 0 (e.g. physicians, beds); empty:
                                 // 1 each
  TravelModel travel;
  double catchment_minutes = 0;  // required: (0, limits.max_threshold_minutes]
  geo::Deadline deadline;
};

// Access over a set of units (a county or the region), among populated units.
struct AccessSummary {
  int64_t population = 0;
  int32_t populated_units = 0;
  double mean_access_per_1000 = 0;     // population-weighted
  int64_t zero_access_population = 0;  // residents with no provider in reach
  int32_t zero_access_units = 0;       // populated units among them
  double min_access_per_1000 = 0;      // 0 when there is no populated unit
  double max_access_per_1000 = 0;
};

struct AccessRatioAnswer {
  // Per provider: capacity per 1,000 residents in its catchment (0 when nobody is in it).
  std::vector<double> provider_ratio_per_1000;
  std::vector<int64_t> provider_catchment_population;
  std::vector<double> unit_access_per_1000;  // per region unit, in region order
  AccessSummary region;
  std::vector<AccessSummary> counties;  // in region.counties order
  // Sum of the capacities of providers with residents in their catchment: what the units'
  // access, weighted by population, adds up to (per 1,000: x 1,000).
  double capacity_in_use = 0;
  std::vector<int32_t> unsnapped_providers;  // drive mode: indices of providers off the roads
};

// Validates `request` (INVALID_ARGUMENT with field paths: "providers[2].location.lat: ...",
// "capacity: 3 values for 4 providers", "capacity[1]: 0 is not a positive finite number",
// "catchment_minutes:
// ..."; RESOURCE_EXHAUSTED past limits.max_facilities) and computes access with catchments of
// drive minutes (or straight-line minutes via the model) <= catchment_minutes (inclusive), via
// FacilityCatchments. Drive mode needs `drive` (FAILED_PRECONDITION); DEADLINE_EXCEEDED once
// request.deadline passes, CANCELLED once its caller has gone.
absl::StatusOr<AccessRatioAnswer> ComputeAccessRatios(const Region& region,
                                                      const DriveRegion* drive,
                                                      const AccessRatioRequest& request,
                                                      const CoverageLimits& limits);

}  // namespace carereach::access

#endif  // CAREREACH_GEO_ACCESS_ACCESS_RATIO_H_
