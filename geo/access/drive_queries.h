#ifndef CAREREACH_GEO_ACCESS_DRIVE_QUERIES_H_
#define CAREREACH_GEO_ACCESS_DRIVE_QUERIES_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "geo/access/coverage.h"
#include "geo/core/deadline.h"
#include "geo/routing/isochrone_geometry.h"
#include "geo/routing/road_network.h"

namespace carereach::access {

// Isochrones: the area reachable by road within each threshold from any of the facilities.
struct IsochroneRequest {
  static constexpr double kDefaultRoadBufferMeters = 150.0;
  std::vector<Facility> facilities;
  std::vector<double> max_minutes;  // each in (0, 240], at most 8
  routing::DriveParams drive;       // direction: from the facilities unless asked otherwise
  double road_buffer_meters = kDefaultRoadBufferMeters;  // [10, 2000]
  geo::Deadline deadline;
};
struct IsochroneAnswer {
  std::vector<routing::IsochroneGeometry> isochrones;  // one per threshold, in request order
  std::vector<int32_t> unsnapped_facilities;
};
// INVALID_ARGUMENT with field paths for bad input; the geometry is built with GEOS (see
// routing::BuildIsochrone). Every snapped facility lies inside each of its isochrones; a larger
// threshold never gives a smaller area.
absl::StatusOr<IsochroneAnswer> ComputeIsochrones(const DriveRegion& drive,
                                                  const IsochroneRequest& request,
                                                  const CoverageLimits& limits);

// Origins x destinations by road.
struct MatrixRequest {
  static constexpr double kDefaultMaxMinutes = 120.0;
  std::vector<Facility> origins;
  std::vector<Facility> destinations;
  double max_minutes = kDefaultMaxMinutes;  // (0, 1440]
  routing::DriveParams drive;
  geo::Deadline deadline;
};
struct MatrixRow {
  int32_t origin_index = 0;
  bool origin_snapped = false;
  std::vector<routing::PairTravel> travel;  // per destination; infinite when not reached
};
// Validates (RESOURCE_EXHAUSTED past limits.max_matrix_cells), then one bounded forward search
// per origin, handing each row to `emit` as soon as it is done; stops with CANCELLED when `emit`
// returns false (the caller went away).
absl::Status ComputeMatrix(const DriveRegion& drive, const MatrixRequest& request,
                           const CoverageLimits& limits,
                           const std::function<bool(const MatrixRow&)>& emit);

}  // namespace carereach::access

#endif  // CAREREACH_GEO_ACCESS_DRIVE_QUERIES_H_
