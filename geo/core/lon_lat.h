#ifndef CAREREACH_GEO_CORE_LON_LAT_H_
#define CAREREACH_GEO_CORE_LON_LAT_H_

#include <string_view>

#include "absl/status/status.h"

namespace carereach::geo {

// A point on the WGS84 ellipsoid in decimal degrees, LONGITUDE FIRST (GeoJSON order).
// Plain value type; thread-compatible.
struct LonLat {
  double lon = 0.0;
  double lat = 0.0;
};

// OK when `p` is finite with lon in [-180, 180] and lat in [-90, 90]; otherwise
// INVALID_ARGUMENT naming `field`, e.g. "facilities[12].location.lat: 123.4 is outside [-90, 90]".
absl::Status ValidateLonLat(LonLat p, std::string_view field);

}  // namespace carereach::geo

#endif  // CAREREACH_GEO_CORE_LON_LAT_H_
