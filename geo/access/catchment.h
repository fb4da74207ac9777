#ifndef CAREREACH_GEO_ACCESS_CATCHMENT_H_
#define CAREREACH_GEO_ACCESS_CATCHMENT_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "geo/access/coverage.h"
#include "geo/access/region.h"
#include "geo/core/deadline.h"
#include "geo/core/lon_lat.h"
#include "geo/routing/road_network.h"

namespace carereach::access {

// Catchments: for each facility, the population units within a travel bound of it. The shared
// primitive of recommendations (which units a candidate would cover) and of access ratios
// (2SFCA). Stateless functions over immutable inputs: safe to call from any number of threads.

// One unit within a facility's catchment.
struct UnitReach {
  int32_t unit = 0;  // index into region.units
  float minutes = 0;
  float miles = 0;
};

struct CatchmentParams {
  TravelModel travel;
  double max_minutes = 0;  // <= 0: no time bound
  double max_miles = 0;    // <= 0: no distance bound; at least one bound must be > 0
  geo::Deadline deadline;
};

// For each facility (lon/lat), the units within max_minutes AND max_miles of it, sorted by unit.
// Bounds are inclusive (relative tolerance 1e-9 in straight-line mode).
//
// Straight-line: geodesic miles, minutes = straight_line.MinutesForMiles(miles); a k-d tree over
// the units (ECEF) finds the candidates within a chord radius, then the geodesic decides.
// Drive: a unit is in the catchment when the fastest route between it and the facility is
// within max_minutes and that same route's length within max_miles: the rule CMS adequacy
// applies to each provider (EvaluateAdequacy; one rule for catchments, recommendations, access
// ratios and adequacy). With a distance bound only, the shortest route's miles are bounded;
// `minutes` and `miles` are always the two metrics of the one route searched. Off-road legs at
// both ends count, as in DriveTravel; a unit whose snap is farther than
// drive.max_snap_meters is never reached. Facilities that cannot be snapped get an empty
// catchment and their index in *unsnapped_facilities (may be null).
//
// One bounded single-source search per facility, facilities spread over
// std::thread::hardware_concurrency() threads (each with its own thread-local search).
// INVALID_ARGUMENT for bad bounds, model or coordinates ("facilities[3].location.lat: ...");
// drive mode needs `drive` (FAILED_PRECONDITION otherwise); DEADLINE_EXCEEDED once
// params.deadline passes, CANCELLED once its caller has gone.
absl::StatusOr<std::vector<std::vector<UnitReach>>> FacilityCatchments(
    const Region& region, const DriveRegion* drive, std::span<const geo::LonLat> facilities,
    const CatchmentParams& params, std::vector<int32_t>* unsnapped_facilities);

// FacilityCatchments in batches of at most kCatchmentBatch facilities, so that the catchments
// held at once stay small whatever the number of facilities: calls visit(i, catchment of
// facilities[i]) for every i in order, checking params.deadline between batches. Error messages
// name facilities by their index in `facilities`. Stops at the first error. The one way the
// analyses that look at every provider's catchment (adequacy by road, the Servicing Provider
// Report, exception evidence) walk them.
inline constexpr size_t kCatchmentBatch = 1024;
absl::Status VisitCatchments(const Region& region, const DriveRegion* drive,
                             std::span<const geo::LonLat> facilities, const CatchmentParams& params,
                             const std::function<void(size_t, std::span<const UnitReach>)>& visit);

}  // namespace carereach::access

#endif  // CAREREACH_GEO_ACCESS_CATCHMENT_H_
