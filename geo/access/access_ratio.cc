#include "geo/access/access_ratio.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_format.h"
#include "geo/access/catchment.h"
#include "geo/core/status_macros.h"

namespace carereach::access {
namespace {

void Add(AccessSummary& s, int64_t population, double access) {
  if (population <= 0) return;
  if (s.populated_units == 0) {
    s.min_access_per_1000 = s.max_access_per_1000 = access;
  } else {
    s.min_access_per_1000 = std::min(s.min_access_per_1000, access);
    s.max_access_per_1000 = std::max(s.max_access_per_1000, access);
  }
  ++s.populated_units;
  s.population += population;
  // Accumulates the weighted sum here; divided by the population at the end.
  s.mean_access_per_1000 += access * static_cast<double>(population);
  if (access == 0) {
    s.zero_access_population += population;
    ++s.zero_access_units;
  }
}

void Finish(AccessSummary& s) {
  s.mean_access_per_1000 =
      s.population > 0 ? s.mean_access_per_1000 / static_cast<double>(s.population) : 0.0;
}

absl::Status ValidateAccessRatioRequest(const AccessRatioRequest& request,
                                        const CoverageLimits& limits) {
  RETURN_IF_ERROR(ValidateFacilities(request.providers, limits, "providers"));
  const size_t n = request.providers.size();
  if (!request.capacity.empty() && request.capacity.size() != n) {
    return absl::InvalidArgumentError(
        absl::StrFormat("capacity: %d values for %d providers", request.capacity.size(), n));
  }
  for (size_t j = 0; j < request.capacity.size(); ++j) {
    if (!(request.capacity[j] > 0 && std::isfinite(request.capacity[j]))) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "capacity[%d]: %g is not a positive finite number", j, request.capacity[j]));
    }
  }
  if (!(request.catchment_minutes > 0 &&
        request.catchment_minutes <= limits.max_threshold_minutes)) {
    return absl::InvalidArgumentError(absl::StrFormat("catchment_minutes: %g is outside (0, %g]",
                                                      request.catchment_minutes,
                                                      limits.max_threshold_minutes));
  }
  return absl::OkStatus();
}

// Step 1: each provider's capacity per resident of its catchment (0 when nobody is in it).
std::vector<double> ProviderRatios(const Region& region, const AccessRatioRequest& request,
                                   const std::vector<std::vector<UnitReach>>& catchments,
                                   AccessRatioAnswer* answer) {
  const size_t n = request.providers.size();
  answer->provider_ratio_per_1000.assign(n, 0.0);
  answer->provider_catchment_population.assign(n, 0);
  std::vector<double> ratio(n, 0.0);
  for (size_t j = 0; j < n; ++j) {
    int64_t population = 0;
    for (const UnitReach& r : catchments[j]) population += region.units[r.unit].population;
    answer->provider_catchment_population[j] = population;
    if (population == 0) continue;
    const double capacity = request.capacity.empty() ? 1.0 : request.capacity[j];
    ratio[j] = capacity / static_cast<double>(population);
    answer->provider_ratio_per_1000[j] = ratio[j] * 1000.0;
    answer->capacity_in_use += capacity;
  }
  return ratio;
}

// Step 2: each unit's sum over the providers that reach it, and the summaries.
void UnitAccess(const Region& region, const std::vector<double>& ratio,
                const std::vector<std::vector<UnitReach>>& catchments, AccessRatioAnswer* answer) {
  std::vector<double> access(region.units.size(), 0.0);
  for (size_t j = 0; j < ratio.size(); ++j) {
    for (const UnitReach& r : catchments[j]) access[r.unit] += ratio[j];
  }
  answer->unit_access_per_1000.resize(access.size());
  answer->counties.resize(region.counties.size());
  for (size_t i = 0; i < access.size(); ++i) {
    const double per_1000 = access[i] * 1000.0;
    answer->unit_access_per_1000[i] = per_1000;
    const int64_t population = region.units[i].population;
    Add(answer->region, population, per_1000);
    Add(answer->counties[region.unit_county[i]], population, per_1000);
  }
  Finish(answer->region);
  for (AccessSummary& s : answer->counties) Finish(s);
}

}  // namespace

absl::StatusOr<AccessRatioAnswer> ComputeAccessRatios(const Region& region,
                                                      const DriveRegion* drive,
                                                      const AccessRatioRequest& request,
                                                      const CoverageLimits& limits) {
  RETURN_IF_ERROR(ValidateAccessRatioRequest(request, limits));
  std::vector<geo::LonLat> points;
  points.reserve(request.providers.size());
  for (const Facility& f : request.providers) points.push_back(f.location);
  const CatchmentParams params{.travel = request.travel,
                               .max_minutes = request.catchment_minutes,
                               .deadline = request.deadline};
  AccessRatioAnswer answer;
  ASSIGN_OR_RETURN(const std::vector<std::vector<UnitReach>> catchments,
                   FacilityCatchments(region, drive, points, params, &answer.unsnapped_providers));
  const std::vector<double> ratio = ProviderRatios(region, request, catchments, &answer);
  UnitAccess(region, ratio, catchments, &answer);
  return answer;
}

}  // namespace carereach::access
