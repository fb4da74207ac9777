#include "geo/access/drive_queries.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_format.h"
#include "geo/core/status_macros.h"

namespace carereach::access {
namespace {

std::vector<geo::LonLat> Locations(std::span<const Facility> facilities) {
  std::vector<geo::LonLat> points;
  points.reserve(facilities.size());
  for (const Facility& f : facilities) points.push_back(f.location);
  return points;
}

}  // namespace

absl::StatusOr<IsochroneAnswer> ComputeIsochrones(const DriveRegion& drive,
                                                  const IsochroneRequest& request,
                                                  const CoverageLimits& limits) {
  RETURN_IF_ERROR(ValidateFacilities(request.facilities, limits));
  if (request.max_minutes.empty() || request.max_minutes.size() > 8) {
    return absl::InvalidArgumentError(
        absl::StrFormat("max_minutes: give 1 to 8 thresholds, not %d", request.max_minutes.size()));
  }
  for (size_t i = 0; i < request.max_minutes.size(); ++i) {
    const double m = request.max_minutes[i];
    if (!(m > 0 && m <= 240)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("max_minutes[%d]: %g is outside (0, 240]", i, m));
    }
  }
  if (!(request.road_buffer_meters >= 10 && request.road_buffer_meters <= 2000)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "road_buffer_meters: %g is outside [10, 2000]", request.road_buffer_meters));
  }
  RETURN_IF_ERROR(ValidateDriveParams(request.drive));

  IsochroneAnswer answer;
  const auto snaps = routing::SnapAll(*drive.network, Locations(request.facilities),
                                      request.drive.max_snap_meters);
  std::vector<routing::Snap> sources;
  std::vector<geo::LonLat> points;
  for (size_t i = 0; i < snaps.size(); ++i) {
    if (!snaps[i]) {
      answer.unsnapped_facilities.push_back(static_cast<int32_t>(i));
      continue;
    }
    sources.push_back(*snaps[i]);
    points.push_back(request.facilities[i].location);
  }
  for (double minutes : request.max_minutes) {
    std::vector<std::vector<geo::LonLat>> reached;
    if (!sources.empty()) {
      ASSIGN_OR_RETURN(reached, routing::ReachedRoads(*drive.network, sources, request.drive,
                                                      minutes * 60.0, request.deadline));
    }
    ASSIGN_OR_RETURN(routing::IsochroneGeometry geometry,
                     routing::BuildIsochrone(reached, points, request.road_buffer_meters,
                                             request.road_buffer_meters, request.deadline));
    answer.isochrones.push_back(std::move(geometry));
  }
  return answer;
}

absl::Status ComputeMatrix(const DriveRegion& drive, const MatrixRequest& request,
                           const CoverageLimits& limits,
                           const std::function<bool(const MatrixRow&)>& emit) {
  RETURN_IF_ERROR(ValidateFacilities(request.origins, limits, "origins"));
  RETURN_IF_ERROR(ValidateFacilities(request.destinations, limits, "destinations"));
  const int64_t cells = static_cast<int64_t>(request.origins.size()) *
                        static_cast<int64_t>(request.destinations.size());
  if (cells > limits.max_matrix_cells) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "origins, destinations: %d x %d = %d cells exceed this server's limit of %d",
        request.origins.size(), request.destinations.size(), cells, limits.max_matrix_cells));
  }
  if (!(request.max_minutes > 0 && request.max_minutes <= 1440)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("max_minutes: %g is outside (0, 1440]", request.max_minutes));
  }
  RETURN_IF_ERROR(ValidateDriveParams(request.drive));

  const double max_snap = request.drive.max_snap_meters;
  const auto origins = routing::SnapAll(*drive.network, Locations(request.origins), max_snap);
  const auto destinations =
      routing::SnapAll(*drive.network, Locations(request.destinations), max_snap);
  // Rows in blocks: each block is one table (bucket many-to-many with a hierarchy), its rows
  // handed to `emit` before the next block starts, so a large matrix streams.
  constexpr size_t kRowsPerBlock = 256;
  for (size_t first = 0; first < origins.size(); first += kRowsPerBlock) {
    const std::span<const std::optional<routing::Snap>> block =
        std::span(origins).subspan(first, std::min(kRowsPerBlock, origins.size() - first));
    ASSIGN_OR_RETURN(std::vector<std::vector<routing::PairTravel>> travel,
                     routing::TravelMatrix(*drive.network, block, destinations, request.drive,
                                           request.max_minutes * 60.0, request.deadline));
    for (size_t k = 0; k < block.size(); ++k) {
      MatrixRow row;
      row.origin_index = static_cast<int32_t>(first + k);
      row.origin_snapped = block[k].has_value();
      row.travel = std::move(travel[k]);
      row.travel.resize(destinations.size());
      if (!emit(row)) return absl::CancelledError("matrix: the caller stopped reading");
    }
  }
  return absl::OkStatus();
}

}  // namespace carereach::access
