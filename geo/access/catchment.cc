#include "geo/access/catchment.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "geo/core/ecef_kd_tree.h"
#include "geo/core/geodesic.h"
#include "geo/core/status_macros.h"
#include "geo/core/worker_pool.h"

namespace carereach::access {
namespace {

// Bounds are inclusive; the tolerance absorbs rounding in unit conversions (as in adequacy).
constexpr double kTolerance = 1e-9;

// Runs fn(i) for every i in [0, n) on the process's worker pool (its threads keep their search
// scratch between calls), the caller's thread among them; the first error is returned.
absl::Status ParallelFor(size_t n, const std::function<absl::Status(size_t)>& fn) {
  return geo::WorkerPool::Shared().ParallelFor(n, fn);
}

absl::Status CheckDeadline(const geo::Deadline& deadline, size_t facility) {
  if (!deadline.Stopped()) return absl::OkStatus();
  return deadline.Error("catchments", absl::StrFormat(" (facility %d)", facility));
}

// Units measured between two looks at the deadline (a few hundred microseconds of geodesics).
constexpr size_t kUnitsPerCheck = 256;

absl::StatusOr<std::vector<std::vector<UnitReach>>> StraightLineCatchments(
    const Region& region, std::span<const geo::LonLat> facilities, const CatchmentParams& params) {
  const StraightLineModel& model = params.travel.straight_line;
  // The farthest straight-line miles either bound allows.
  double reach_miles = std::numeric_limits<double>::infinity();
  if (params.max_miles > 0) reach_miles = params.max_miles;
  if (params.max_minutes > 0) {
    reach_miles =
        std::min(reach_miles, params.max_minutes / 60.0 * model.speed_mph / model.circuity_factor);
  }
  std::vector<geo::Ecef> points;
  points.reserve(region.units.size());
  for (const io::PopulationUnit& u : region.units) points.push_back(geo::ToEcef(u.location));
  const geo::EcefKdTree tree(std::move(points));
  // A chord never exceeds the geodesic: every unit within reach lies within this chord radius.
  const double radius_meters = reach_miles * geo::kMetersPerMile * (1 + kTolerance) + 1e-3;

  std::vector<std::vector<UnitReach>> catchments(facilities.size());
  RETURN_IF_ERROR(ParallelFor(facilities.size(), [&](size_t f) -> absl::Status {
    RETURN_IF_ERROR(CheckDeadline(params.deadline, f));
    const std::vector<std::pair<uint32_t, double>> hits =
        tree.WithinRadius(geo::ToEcef(facilities[f]), radius_meters);
    std::vector<UnitReach>& out = catchments[f];
    for (size_t h = 0; h < hits.size(); ++h) {
      const uint32_t unit = hits[h].first;
      if ((h + 1) % kUnitsPerCheck == 0) RETURN_IF_ERROR(CheckDeadline(params.deadline, f));
      const double miles =
          geo::GeodesicMeters(facilities[f], region.units[unit].location) / geo::kMetersPerMile;
      const double minutes = model.MinutesForMiles(miles);
      if (params.max_miles > 0 && miles > params.max_miles * (1 + kTolerance)) continue;
      if (params.max_minutes > 0 && minutes > params.max_minutes * (1 + kTolerance)) continue;
      out.push_back(
          {static_cast<int32_t>(unit), static_cast<float>(minutes), static_cast<float>(miles)});
    }
    std::sort(out.begin(), out.end(),
              [](const UnitReach& a, const UnitReach& b) { return a.unit < b.unit; });
    return absl::OkStatus();
  }));
  return catchments;
}

// The search a drive catchment runs, from its bounds: with a time bound, one search by time
// (the fastest route; with a distance bound as well, that route's own length must be within it:
// the rule CMS adequacy applies, EvaluateAdequacy); with a distance bound only, one search by
// distance (the shortest route).
struct DriveBounds {
  double max_seconds = 0;
  double max_meters = 0;
  bool time_search = false;
};
DriveBounds BoundsOf(const CatchmentParams& params) {
  DriveBounds b;
  b.max_seconds = params.max_minutes > 0 ? params.max_minutes * 60.0 : 0;
  b.max_meters = params.max_miles > 0 ? params.max_miles * geo::kMetersPerMile : 0;
  b.time_search = b.max_seconds > 0;
  return b;
}

// One facility's catchment from its search (sorted by unit).
std::vector<UnitReach> CatchmentOf(const DriveBounds& b,
                                   const std::vector<routing::PointReach>& reached) {
  std::vector<UnitReach> out;
  out.reserve(reached.size());
  for (const routing::PointReach& r : reached) {
    if (b.time_search) {
      if (b.max_meters > 0 && r.other > b.max_meters * (1 + kTolerance)) continue;
      out.push_back({r.point, static_cast<float>(r.cost / 60.0),
                     static_cast<float>(r.other / geo::kMetersPerMile)});
    } else {
      out.push_back({r.point, static_cast<float>(r.other / 60.0),
                     static_cast<float>(r.cost / geo::kMetersPerMile)});
    }
  }
  return out;
}

absl::StatusOr<std::vector<std::vector<UnitReach>>> DriveCatchments(
    const Region& region, const DriveRegion& drive, std::span<const geo::LonLat> facilities,
    const CatchmentParams& params, std::vector<int32_t>* unsnapped_facilities) {
  const routing::DriveParams& p = params.travel.drive;
  const routing::RoadNetwork& network = *drive.network;
  const std::vector<std::optional<routing::Snap>> facility_snaps =
      routing::SnapAll(network, facilities, p.max_snap_meters);
  for (size_t f = 0; f < facility_snaps.size(); ++f) {
    if (!facility_snaps[f] && unsnapped_facilities != nullptr) {
      unsnapped_facilities->push_back(static_cast<int32_t>(f));
    }
  }
  std::vector<std::optional<routing::Snap>> unit_snaps = drive.unit_snaps;
  unit_snaps.resize(region.units.size());
  for (auto& snap : unit_snaps) {
    if (snap && snap->snap_meters > p.max_snap_meters) snap.reset();
  }
  // The region's index lists every unit snapped at load; this request may reset some.
  std::unique_ptr<const routing::PointsByNode> own_index;
  if (drive.unit_index == nullptr) {
    own_index = std::make_unique<const routing::PointsByNode>(network.graph(), unit_snaps);
  }
  const routing::PointsByNode& by_node = own_index ? *own_index : *drive.unit_index;
  const DriveBounds b = BoundsOf(params);
  std::vector<std::vector<UnitReach>> catchments(facilities.size());
  // Batches of snapped facilities: with a hierarchy one RPHAST sweep per batch. Batched in the
  // order of their roads' nodes, which the graph numbers along a Hilbert curve: the facilities
  // of a batch lie near each other, so the points within their reach are few (and the sweep
  // small: PointsWithinBoundBatch).
  std::vector<size_t> snapped;
  for (size_t f = 0; f < facility_snaps.size(); ++f) {
    if (facility_snaps[f]) snapped.push_back(f);
  }
  const auto node_of = [&](size_t f) {
    return network.graph().segments[facility_snaps[f]->segment].from;
  };
  std::stable_sort(snapped.begin(), snapped.end(),
                   [&](size_t a, size_t b) { return node_of(a) < node_of(b); });
  const size_t batches = (snapped.size() + routing::kPointsBatch - 1) / routing::kPointsBatch;
  RETURN_IF_ERROR(ParallelFor(batches, [&](size_t batch) -> absl::Status {
    const size_t first = batch * routing::kPointsBatch;
    const size_t count = std::min(routing::kPointsBatch, snapped.size() - first);
    RETURN_IF_ERROR(CheckDeadline(params.deadline, snapped[first]));
    std::vector<routing::Snap> sources;
    for (size_t k = 0; k < count; ++k) sources.push_back(*facility_snaps[snapped[first + k]]);
    ASSIGN_OR_RETURN(const std::vector<std::vector<routing::PointReach>> reached,
                     routing::PointsWithinBoundBatch(
                         network, sources, unit_snaps, by_node, p,
                         b.time_search ? routing::Metric::kSeconds : routing::Metric::kMeters,
                         b.time_search ? b.max_seconds : b.max_meters, params.deadline));
    for (size_t k = 0; k < count; ++k) catchments[snapped[first + k]] = CatchmentOf(b, reached[k]);
    return absl::OkStatus();
  }));
  return catchments;
}

}  // namespace

absl::StatusOr<std::vector<std::vector<UnitReach>>> FacilityCatchments(
    const Region& region, const DriveRegion* drive, std::span<const geo::LonLat> facilities,
    const CatchmentParams& params, std::vector<int32_t>* unsnapped_facilities) {
  if (!std::isfinite(params.max_minutes)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("max_minutes: %g is not finite", params.max_minutes));
  }
  if (!std::isfinite(params.max_miles)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("max_miles: %g is not finite", params.max_miles));
  }
  if (params.max_minutes <= 0 && params.max_miles <= 0) {
    return absl::InvalidArgumentError(
        "max_minutes, max_miles: at least one bound must be positive");
  }
  for (size_t f = 0; f < facilities.size(); ++f) {
    RETURN_IF_ERROR(
        geo::ValidateLonLat(facilities[f], absl::StrFormat("facilities[%d].location", f)));
  }
  RETURN_IF_ERROR(ValidateTravelModel(params.travel, region, drive));
  if (params.travel.mode == TravelMode::kDrive) {
    return DriveCatchments(region, *drive, facilities, params, unsnapped_facilities);
  }
  return StraightLineCatchments(region, facilities, params);
}

absl::Status VisitCatchments(const Region& region, const DriveRegion* drive,
                             std::span<const geo::LonLat> facilities, const CatchmentParams& params,
                             const std::function<void(size_t, std::span<const UnitReach>)>& visit) {
  for (size_t first = 0; first < facilities.size(); first += kCatchmentBatch) {
    RETURN_IF_ERROR(params.deadline.Check("catchments"));
    const size_t count = std::min(kCatchmentBatch, facilities.size() - first);
    absl::StatusOr<std::vector<std::vector<UnitReach>>> catchments =
        FacilityCatchments(region, drive, facilities.subspan(first, count), params, nullptr);
    if (!catchments.ok()) {
      // "facilities[3]..." of the batch is facilities[first + 3] of the caller.
      return first == 0 ? catchments.status()
                        : absl::Status(catchments.status().code(),
                                       absl::StrCat("batch from facilities[", first,
                                                    "]: ", catchments.status().message()));
    }
    for (size_t k = 0; k < count; ++k) visit(first + k, (*catchments)[k]);
  }
  return absl::OkStatus();
}

}  // namespace carereach::access
