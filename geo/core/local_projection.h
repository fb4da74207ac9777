#ifndef CAREREACH_GEO_CORE_LOCAL_PROJECTION_H_
#define CAREREACH_GEO_CORE_LOCAL_PROJECTION_H_

#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "geo/core/lon_lat.h"

namespace carereach::geo {

// A point in a local planar projection: metres east (x) and north (y) of its centre.
struct PlanarXY {
  double x = 0.0;
  double y = 0.0;
};

// WGS84 lon/lat (EPSG:4326, longitude first) <-> an azimuthal equidistant projection on the WGS84
// ellipsoid centred on a chosen point, in metres. Distances and azimuths from the centre are
// exact; elsewhere lengths and areas are off by about (d / 6371 km)^2 / 6 at distance d from the
// centre (1e-5 at 50 km), so it suits county-sized geometry work (buffers, areas).
//
// Thread safety: NOT thread-safe. Each instance owns its own PROJ context (proj_context_create),
// and every call updates it, so use an instance from one thread at a time; distinct instances may
// be used concurrently. Movable, not copyable.
class LocalProjection {
 public:
  // INVALID_ARGUMENT when `centre` is not a valid lon/lat; INTERNAL when PROJ fails.
  static absl::StatusOr<LocalProjection> Create(LonLat centre);
  // Another projected CRS in metres, given as a PROJ string (e.g. a region-fitted Albers
  // equal-area conic, "+proj=aea ... +units=m +type=crs"); `centre` is the point it is fitted
  // around. The source is still WGS84 lon/lat. INVALID_ARGUMENT when PROJ rejects the string.
  static absl::StatusOr<LocalProjection> CreateFromProjString(std::string_view proj_crs,
                                                              LonLat centre);

  LocalProjection(LocalProjection&&) noexcept;
  LocalProjection& operator=(LocalProjection&&) noexcept;
  ~LocalProjection();

  LonLat centre() const { return centre_; }

  // One point each way; INVALID_ARGUMENT when PROJ cannot transform it (e.g. non-finite input).
  absl::StatusOr<PlanarXY> Forward(LonLat p);
  absl::StatusOr<LonLat> Inverse(PlanarXY p);

  // Many points at once (one proj_trans_generic call). The error names the first failing index.
  absl::StatusOr<std::vector<PlanarXY>> Forward(std::span<const LonLat> points);
  absl::StatusOr<std::vector<LonLat>> Inverse(std::span<const PlanarXY> points);

  // In place over parallel arrays of equal size: Forward turns (lon, lat) degrees in (xs, ys) into
  // (x, y) metres; Inverse does the opposite. The layout GEOS coordinate sequences copy from.
  absl::Status ForwardInPlace(std::span<double> xs, std::span<double> ys);
  absl::Status InverseInPlace(std::span<double> xs, std::span<double> ys);

 private:
  struct Proj;
  LocalProjection(LonLat centre, std::unique_ptr<Proj> proj);
  // Transforms in place with proj_trans_generic. A point PROJ cannot transform comes back as
  // HUGE_VAL (or non-finite, when the input was); PointError() describes the first such point.
  void Transform(bool forward, double* xs, size_t x_stride, double* ys, size_t y_stride,
                 size_t count);
  absl::Status PointError(bool forward, size_t index) const;
  // The bodies of Forward/Inverse (over points) and ForwardInPlace/InverseInPlace.
  template <typename Out, typename In>
  absl::StatusOr<std::vector<Out>> TransformPoints(bool forward, std::span<const In> points);
  absl::Status TransformInPlace(bool forward, std::span<double> xs, std::span<double> ys);

  LonLat centre_;
  std::unique_ptr<Proj> proj_;
};

}  // namespace carereach::geo

#endif  // CAREREACH_GEO_CORE_LOCAL_PROJECTION_H_
