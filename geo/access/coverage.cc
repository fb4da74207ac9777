#include "geo/access/coverage.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "geo/core/geodesic.h"
#include "geo/core/nearest_facility_index.h"
#include "geo/core/quote.h"
#include "geo/core/status_macros.h"

namespace carereach::access {
namespace {

// Units between two looks at the deadline (each a nearest-facility query: microseconds).
constexpr size_t kDeadlineCheckStride = 64;

}  // namespace

bool Covered(const UnitTravel& t, const Threshold& threshold) {
  if (!t.reached()) return false;
  const double value = threshold.kind == Threshold::Kind::kMinutes ? t.minutes : t.miles;
  return value <= threshold.value * (1.0 + 1e-12);
}

absl::Status ValidateFacilities(std::span<const Facility> facilities, const CoverageLimits& limits,
                                std::string_view field) {
  if (facilities.empty()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: at least one facility is required", field));
  }
  if (facilities.size() > static_cast<size_t>(limits.max_facilities)) {
    return absl::ResourceExhaustedError(
        absl::StrFormat("%s: %d facilities exceed this server's limit of %d", field,
                        facilities.size(), limits.max_facilities));
  }
  absl::flat_hash_map<std::string_view, size_t> first_index;
  first_index.reserve(facilities.size());
  for (size_t i = 0; i < facilities.size(); ++i) {
    const Facility& f = facilities[i];
    if (f.id.empty()) {
      return absl::InvalidArgumentError(absl::StrFormat("%s[%d].id: is empty", field, i));
    }
    if (f.id.size() > 128) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s[%d].id: %d bytes exceed 128", field, i, f.id.size()));
    }
    if (auto [it, inserted] = first_index.emplace(f.id, i); !inserted) {
      return absl::InvalidArgumentError(absl::StrFormat("%s[%d].id: %s duplicates %s[%d].id", field,
                                                        i, QuoteForError(f.id), field, it->second));
    }
    RETURN_IF_ERROR(geo::ValidateLonLat(f.location, absl::StrFormat("%s[%d].location", field, i)));
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

absl::Status RequireRoads(const TravelModel& travel, const Region& region,
                          const DriveRegion* drive) {
  if (travel.mode == TravelMode::kDrive && (drive == nullptr || drive->network == nullptr)) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "mode: region %s has no road network; use straight-line mode", region.name));
  }
  return absl::OkStatus();
}

absl::Status ValidateTravelModel(const TravelModel& travel, const Region& region,
                                 const DriveRegion* drive) {
  RETURN_IF_ERROR(RequireRoads(travel, region, drive));
  return travel.mode == TravelMode::kDrive ? ValidateDriveParams(travel.drive)
                                           : ValidateStraightLineModel(travel.straight_line);
}

absl::StatusOr<std::vector<UnitTravel>> StraightLineTravel(const Region& region,
                                                           std::span<const Facility> facilities,
                                                           const StraightLineModel& model,
                                                           const geo::Deadline& deadline) {
  std::vector<geo::LonLat> points;
  points.reserve(facilities.size());
  for (const Facility& f : facilities) points.push_back(f.location);
  const geo::NearestFacilityIndex index(points);

  std::vector<UnitTravel> travel(region.units.size());
  for (size_t i = 0; i < region.units.size(); ++i) {
    if (i % kDeadlineCheckStride == 0 && deadline.Stopped()) {
      return deadline.Error("straight-line coverage",
                            absl::StrFormat(" after %d of %d units", i, region.units.size()));
    }
    const geo::NearestFacilityIndex::Hit hit = index.Nearest(region.units[i].location, &deadline);
    if (hit.stopped) {
      return deadline.Error("straight-line coverage",
                            absl::StrFormat(" after %d of %d units", i, region.units.size()));
    }
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
    if (!t.snapped) {
      ++s.unsnapped_units;
      s.unsnapped_population += population;
    }
    if (!t.reached()) {
      ++s.unreached_units;
      s.unreached_population += population;
      continue;
    }
    for (size_t k = 0; k < thresholds.size(); ++k) {
      if (!Covered(t, thresholds[k])) continue;
      s.by_threshold[k].covered_population += population;
      ++s.by_threshold[k].covered_units;
      county.by_threshold[k].covered_population += population;
      ++county.by_threshold[k].covered_units;
    }
  }
  return s;
}

DriveRegion BuildDriveRegion(const Region& region,
                             std::shared_ptr<const routing::RoadNetwork> network) {
  DriveRegion drive;
  std::vector<geo::LonLat> points;
  points.reserve(region.units.size());
  for (const io::PopulationUnit& u : region.units) points.push_back(u.location);
  drive.unit_snaps = routing::SnapAll(*network, points, DriveRegion::kMaxSnapMeters);
  drive.unit_index =
      std::make_shared<const routing::PointsByNode>(network->graph(), drive.unit_snaps);
  drive.network = std::move(network);
  return drive;
}

absl::Status ValidateDriveParams(const routing::DriveParams& p) {
  if (!(p.max_snap_meters > 0 && p.max_snap_meters <= DriveRegion::kMaxSnapMeters)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("drive.max_snap_meters: %g is outside (0, %g]", p.max_snap_meters,
                        DriveRegion::kMaxSnapMeters));
  }
  const double mph = p.offroad_meters_per_second * 3600.0 / geo::kMetersPerMile;
  if (!(mph > 0 && mph <= 30.0 + 1e-9)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("drive.offroad_speed_mph: %g is outside (0, 30]", mph));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<UnitTravel>> DriveTravel(const Region& region, const DriveRegion& drive,
                                                    std::span<const Facility> facilities,
                                                    std::span<const Threshold> thresholds,
                                                    const routing::DriveParams& params,
                                                    const geo::Deadline& deadline,
                                                    std::vector<int32_t>* unsnapped_facilities) {
  constexpr double kDefaultBoundMinutes = 120.0;
  double max_minutes = 0, max_miles = 0;
  for (const Threshold& t : thresholds) {
    double& bound = t.kind == Threshold::Kind::kMinutes ? max_minutes : max_miles;
    bound = std::max(bound, t.value);
  }
  if (max_minutes == 0) max_minutes = kDefaultBoundMinutes;

  std::vector<geo::LonLat> points;
  points.reserve(facilities.size());
  for (const Facility& f : facilities) points.push_back(f.location);
  const std::vector<std::optional<routing::Snap>> facility_snaps =
      routing::SnapAll(*drive.network, points, params.max_snap_meters);
  for (size_t i = 0; i < facility_snaps.size(); ++i) {
    if (!facility_snaps[i]) unsnapped_facilities->push_back(static_cast<int32_t>(i));
  }
  std::vector<std::optional<routing::Snap>> unit_snaps = drive.unit_snaps;
  for (auto& snap : unit_snaps) {
    if (snap && snap->snap_meters > params.max_snap_meters) snap.reset();
  }
  ASSIGN_OR_RETURN(std::vector<routing::RoadTravel> road,
                   routing::NearestFacilityByRoad(
                       *drive.network, unit_snaps, facility_snaps, params, max_minutes * 60.0,
                       max_miles * geo::kMetersPerMile, deadline, drive.unit_index.get()));

  std::vector<UnitTravel> travel(region.units.size());
  for (size_t i = 0; i < travel.size(); ++i) {
    UnitTravel& t = travel[i];
    const routing::RoadTravel& r = road[i];
    t.snapped = unit_snaps[i].has_value();
    if (!t.snapped) continue;
    t.snap_meters = unit_snaps[i]->snap_meters;
    t.facility = r.fastest_facility >= 0 ? r.fastest_facility : r.shortest_facility;
    if (r.fastest_facility >= 0) t.minutes = r.seconds / 60.0;
    const double meters = max_miles > 0 ? r.meters : r.fastest_route_meters;
    t.miles = meters / geo::kMetersPerMile;
  }
  return travel;
}

absl::StatusOr<CoverageAnswer> ComputeCoverage(const Region& region, const DriveRegion* drive,
                                               const CoverageRequest& request,
                                               const CoverageLimits& limits) {
  RETURN_IF_ERROR(ValidateFacilities(request.facilities, limits));
  RETURN_IF_ERROR(ValidateThresholds(request.thresholds, limits));
  RETURN_IF_ERROR(ValidateTravelModel(request.travel, region, drive));
  CoverageAnswer answer;
  if (request.travel.mode == TravelMode::kDrive) {
    ASSIGN_OR_RETURN(answer.travel, DriveTravel(region, *drive, request.facilities,
                                                request.thresholds, request.travel.drive,
                                                request.deadline, &answer.unsnapped_facilities));
  } else {
    ASSIGN_OR_RETURN(answer.travel,
                     StraightLineTravel(region, request.facilities, request.travel.straight_line,
                                        request.deadline));
  }
  answer.summary = Summarize(region, answer.travel, request.thresholds);
  return answer;
}

}  // namespace carereach::access
