#include "geo/core/geodesic.h"

#include <geodesic.h>

#include <cmath>
#include <numbers>

namespace carereach::geo {
namespace {

constexpr double kWgs84A = 6378137.0;
constexpr double kWgs84F = 1.0 / 298.257223563;

// geod_geodesic is immutable after geod_init, so one shared instance serves all threads.
const geod_geodesic& Wgs84() {
  static const geod_geodesic* const g = [] {
    auto* geod = new geod_geodesic;
    geod_init(geod, kWgs84A, kWgs84F);
    return geod;
  }();
  return *g;
}

}  // namespace

double GeodesicMeters(LonLat a, LonLat b) {
  double s12 = 0.0;
  geod_inverse(&Wgs84(), a.lat, a.lon, b.lat, b.lon, &s12, nullptr, nullptr);
  return s12;
}

Ecef ToEcef(LonLat p) {
  constexpr double kE2 = kWgs84F * (2.0 - kWgs84F);
  constexpr double kDeg = std::numbers::pi / 180.0;
  const double lat = p.lat * kDeg;
  const double lon = p.lon * kDeg;
  const double sin_lat = std::sin(lat);
  const double cos_lat = std::cos(lat);
  const double n = kWgs84A / std::sqrt(1.0 - kE2 * sin_lat * sin_lat);
  return Ecef{n * cos_lat * std::cos(lon), n * cos_lat * std::sin(lon), n * (1.0 - kE2) * sin_lat};
}

}  // namespace carereach::geo
