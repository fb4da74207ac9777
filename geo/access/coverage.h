#ifndef CAREREACH_GEO_ACCESS_COVERAGE_H_
#define CAREREACH_GEO_ACCESS_COVERAGE_H_

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "geo/access/region.h"
#include "geo/access/travel_model.h"
#include "geo/core/deadline.h"
#include "geo/core/lon_lat.h"
#include "geo/routing/road_network.h"

namespace carereach::access {

// Plain domain request types, mirroring the wire API (proto/carereach/v1/access.proto) so that
// validation messages use the same field paths.

struct Facility {
  std::string id;
  std::string name;
  geo::LonLat location;  // lon/lat order
  std::string type;
};

struct Threshold {
  enum class Kind { kMinutes, kMiles };
  Kind kind = Kind::kMinutes;
  double value = 0.0;  // minutes or miles, by kind

  static Threshold Minutes(double v) { return {Kind::kMinutes, v}; }
  static Threshold Miles(double v) { return {Kind::kMiles, v}; }
};

struct CoverageLimits {
  int32_t max_facilities = 100000;
  int32_t max_thresholds = 32;
  double max_threshold_minutes = 1440.0;
  double max_threshold_miles = 1000.0;
  int64_t max_matrix_cells = 1000000;  // origins x destinations of one ComputeMatrix
};

// Checks facilities (non-empty list, ids present, unique and at most 128 bytes, coordinates in
// range) and thresholds (at least one, positive, finite, within limits). INVALID_ARGUMENT with
// the wire field path ("facilities[3].location.lat: ..."), RESOURCE_EXHAUSTED past a limit.
absl::Status ValidateFacilities(std::span<const Facility> facilities, const CoverageLimits& limits,
                                std::string_view field = "facilities");
absl::Status ValidateThresholds(std::span<const Threshold> thresholds,
                                const CoverageLimits& limits);
absl::Status ValidateStraightLineModel(const StraightLineModel& model);

// How one population unit reaches its nearest facility.
struct UnitTravel {
  int32_t facility = -1;  // index into the facilities; -1 when none was reached
  double minutes = std::numeric_limits<double>::infinity();
  double miles = std::numeric_limits<double>::infinity();
  double snap_meters = 0.0;  // drive mode: distance from the unit to the road
  bool snapped = true;       // drive mode: false when no road lies within max_snap_meters
  bool reached() const { return facility >= 0; }
};

// True when `t` reached a facility within `threshold` (inclusive: a unit exactly at the threshold
// is covered; a relative 1e-12 absorbs rounding in unit conversions). The one coverage rule of
// summaries and of alliance shares.
bool Covered(const UnitTravel& t, const Threshold& threshold);

// A region's road network with every population unit already snapped (once, at load, up to
// kMaxSnapMeters; a request's smaller max_snap_meters is applied per request).
// Immutable; share it const.
struct DriveRegion {
  static constexpr double kMaxSnapMeters = 50000.0;
  std::shared_ptr<const routing::RoadNetwork> network;
  std::vector<std::optional<routing::Snap>> unit_snaps;  // in region unit order
  // unit_snaps by road node, with their RPHAST selections (built on first use): serves any
  // request on these units, whatever snaps it resets.
  std::shared_ptr<const routing::PointsByNode> unit_index;
};
DriveRegion BuildDriveRegion(const Region& region,
                             std::shared_ptr<const routing::RoadNetwork> network);

absl::Status ValidateDriveParams(const routing::DriveParams& params);

// Drive mode needs `drive` (the region's road network): without it FAILED_PRECONDITION
// "mode: region <name> has no road network; use straight-line mode".
absl::Status RequireRoads(const TravelModel& travel, const Region& region,
                          const DriveRegion* drive);
// RequireRoads, then the options of the model's mode: ValidateStraightLineModel or
// ValidateDriveParams.
absl::Status ValidateTravelModel(const TravelModel& travel, const Region& region,
                                 const DriveRegion* drive);

// Nearest facility of every unit of `region` by geodesic distance, in region unit order.
// Facilities must be non-empty and valid. DEADLINE_EXCEEDED once `deadline` passes, CANCELLED once
// its caller has gone.
absl::StatusOr<std::vector<UnitTravel>> StraightLineTravel(const Region& region,
                                                           std::span<const Facility> facilities,
                                                           const StraightLineModel& model,
                                                           const geo::Deadline& deadline);

struct ThresholdTotals {
  int64_t covered_population = 0;
  int32_t covered_units = 0;
};

struct CountyTotals {
  int64_t total_population = 0;
  int32_t unit_count = 0;
  std::vector<ThresholdTotals> by_threshold;  // in threshold order
};

struct CoverageSummary {
  int64_t total_population = 0;
  int32_t unit_count = 0;
  int32_t zero_population_units = 0;
  int32_t unreached_units = 0;  // includes the unsnapped
  int64_t unreached_population = 0;
  int32_t unsnapped_units = 0;
  int64_t unsnapped_population = 0;
  std::vector<ThresholdTotals> by_threshold;  // in threshold order
  std::vector<CountyTotals> counties;         // in region.counties order
};

// Population-weighted coverage of `travel` (one entry per region unit) at each threshold.
// Thresholds are inclusive: a unit exactly at the threshold is covered.
CoverageSummary Summarize(const Region& region, std::span<const UnitTravel> travel,
                          std::span<const Threshold> thresholds);

// One coverage question, as the service receives it.
struct CoverageRequest {
  std::vector<Facility> facilities;
  std::vector<Threshold> thresholds;  // in answer order
  TravelModel travel;
  geo::Deadline deadline;
};

struct CoverageAnswer {
  CoverageSummary summary;
  std::vector<UnitTravel> travel;             // one per region unit, in region order
  std::vector<int32_t> unsnapped_facilities;  // drive mode: indices of facilities off the roads
};

// Drive mode: every unit's fastest time (bounded by the largest minutes threshold, or 120
// minutes when there is none) and, when miles thresholds are asked, its shortest road distance
// (bounded by the largest). UnitTravel::miles is that shortest distance, or the length of the
// fastest route when no miles threshold is asked.
absl::StatusOr<std::vector<UnitTravel>> DriveTravel(const Region& region, const DriveRegion& drive,
                                                    std::span<const Facility> facilities,
                                                    std::span<const Threshold> thresholds,
                                                    const routing::DriveParams& params,
                                                    const geo::Deadline& deadline,
                                                    std::vector<int32_t>* unsnapped_facilities);

// Validates `request` against `limits` and computes coverage over `region`. Drive mode needs
// `drive` (the region's road network); without it FAILED_PRECONDITION.
absl::StatusOr<CoverageAnswer> ComputeCoverage(const Region& region, const DriveRegion* drive,
                                               const CoverageRequest& request,
                                               const CoverageLimits& limits);

// covered / total, 0 when total is 0.
inline double Share(int64_t covered, int64_t total) {
  return total > 0 ? static_cast<double>(covered) / static_cast<double>(total) : 0.0;
}

}  // namespace carereach::access

#endif  // CAREREACH_GEO_ACCESS_COVERAGE_H_
