#include "geo/access/coverage.h"

#include <cmath>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "geo/core/geodesic.h"
#include "geo/core/nearest_facility_index.h"

namespace carereach::access {
namespace {

// Units between two looks at the clock.
constexpr size_t kDeadlineCheckStride = 2048;

bool Within(double value, const Threshold& t) {
  // Thresholds are inclusive; the tolerance absorbs rounding in unit conversions.
  return value <= t.value * (1.0 + 1e-12);
}

}  // namespace

absl::Status ValidateFacilities(std::span<const Facility> facilities,
                                const CoverageLimits& limits) {
  if (facilities.empty()) {
    return absl::InvalidArgumentError("facilities: at least one facility is required");
  }
  if (facilities.size() > static_cast<size_t>(limits.max_facilities)) {
    return absl::ResourceExhaustedError(
        absl::StrFormat("facilities: %d facilities exceed this server's limit of %d",
                        facilities.size(), limits.max_facilities));
  }
  absl::flat_hash_map<std::string_view, size_t> first_index;
  first_index.reserve(facilities.size());
  for (size_t i = 0; i < facilities.size(); ++i) {
    const Facility& f = facilities[i];
    if (f.id.empty()) {
      return absl::InvalidArgumentError(absl::StrFormat("facilities[%d].id: is empty", i));
    }
    if (f.id.size() > 128) {
      return absl::InvalidArgumentError(
          absl::StrFormat("facilities[%d].id: %d bytes exceed 128", i, f.id.size()));
    }
    if (auto [it, inserted] = first_index.emplace(f.id, i); !inserted) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "facilities[%d].id: \"%s\" duplicates facilities[%d].id", i, f.id, it->second));
    }
    if (absl::Status s =
            geo::ValidateLonLat(f.location, absl::StrFormat("facilities[%d].location", i));
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateThresholds(std::span<const Threshold> thresholds,
                                const CoverageLimits& limits) {
  if (thresholds.empty()) {
    return absl::InvalidArgumentError("max_minutes, max_miles: at least one threshold is required");
  }
  if (thresholds.size() > static_cast<size_t>(limits.max_thresholds)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("max_minutes, max_miles: %d thresholds exceed the limit of %d",
                        thresholds.size(), limits.max_thresholds));
  }
  size_t minutes_index = 0, miles_index = 0;
  for (const Threshold& t : thresholds) {
    const bool minutes = t.kind == Threshold::Kind::kMinutes;
    const std::string field = minutes ? absl::StrFormat("max_minutes[%d]", minutes_index++)
                                      : absl::StrFormat("max_miles[%d]", miles_index++);
    const double limit = minutes ? limits.max_threshold_minutes : limits.max_threshold_miles;
    if (!(t.value > 0.0 && t.value <= limit)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: %g is outside (0, %g]", field, t.value, limit));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateStraightLineModel(const StraightLineModel& model) {
  if (!(model.circuity_factor >= 1.0 && model.circuity_factor <= 3.0)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "straight_line.circuity_factor: %g is outside [1, 3]", model.circuity_factor));
  }
  if (!(model.speed_mph > 0.0 && model.speed_mph <= 100.0)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("straight_line.speed_mph: %g is outside (0, 100]", model.speed_mph));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<UnitTravel>> StraightLineTravel(const Region& region,
                                                           std::span<const Facility> facilities,
                                                           const StraightLineModel& model,
                                                           absl::Time deadline) {
  std::vector<geo::LonLat> points;
  points.reserve(facilities.size());
  for (const Facility& f : facilities) points.push_back(f.location);
  const geo::NearestFacilityIndex index(points);

  std::vector<UnitTravel> travel(region.units.size());
  for (size_t i = 0; i < region.units.size(); ++i) {
    if (i % kDeadlineCheckStride == 0 && absl::Now() > deadline) {
      return absl::DeadlineExceededError(
          absl::StrFormat("straight-line coverage stopped at the deadline after %d of %d units", i,
                          region.units.size()));
    }
    const geo::NearestFacilityIndex::Hit hit = index.Nearest(region.units[i].location);
    if (hit.index < 0) continue;
    UnitTravel& t = travel[i];
    t.facility = hit.index;
    t.miles = hit.meters / geo::kMetersPerMile;
    t.minutes = model.MinutesForMiles(t.miles);
  }
  return travel;
}

CoverageSummary Summarize(const Region& region, std::span<const UnitTravel> travel,
                          std::span<const Threshold> thresholds) {
  CoverageSummary s;
  s.unit_count = static_cast<int32_t>(region.units.size());
  s.by_threshold.resize(thresholds.size());
  s.counties.resize(region.counties.size());
  for (CountyTotals& c : s.counties) c.by_threshold.resize(thresholds.size());

  for (size_t i = 0; i < region.units.size() && i < travel.size(); ++i) {
    const int64_t population = region.units[i].population;
    CountyTotals& county = s.counties[region.unit_county[i]];
    s.total_population += population;
    county.total_population += population;
    ++county.unit_count;
    if (population == 0) ++s.zero_population_units;
    const UnitTravel& t = travel[i];
    if (!t.reached()) {
      ++s.unreached_units;
      s.unreached_population += population;
      continue;
    }
    for (size_t k = 0; k < thresholds.size(); ++k) {
      const double value = thresholds[k].kind == Threshold::Kind::kMinutes ? t.minutes : t.miles;
      if (!Within(value, thresholds[k])) continue;
      s.by_threshold[k].covered_population += population;
      ++s.by_threshold[k].covered_units;
      county.by_threshold[k].covered_population += population;
      ++county.by_threshold[k].covered_units;
    }
  }
  return s;
}

absl::StatusOr<CoverageAnswer> ComputeCoverage(const Region& region, const CoverageRequest& request,
                                               const CoverageLimits& limits) {
  if (absl::Status s = ValidateFacilities(request.facilities, limits); !s.ok()) return s;
  if (absl::Status s = ValidateThresholds(request.thresholds, limits); !s.ok()) return s;
  CoverageAnswer answer;
  switch (request.mode) {
    case TravelMode::kStraightLine: {
      if (absl::Status s = ValidateStraightLineModel(request.straight_line); !s.ok()) return s;
      absl::StatusOr<std::vector<UnitTravel>> travel =
          StraightLineTravel(region, request.facilities, request.straight_line, request.deadline);
      if (!travel.ok()) return travel.status();
      answer.travel = *std::move(travel);
      break;
    }
    case TravelMode::kDrive:
      return absl::FailedPreconditionError(absl::StrFormat(
          "mode: region %s has no road network; use straight-line mode", region.name));
  }
  answer.summary = Summarize(region, answer.travel, request.thresholds);
  return answer;
}

}  // namespace carereach::access
