#ifndef CAREREACH_GEO_CORE_GEODESIC_H_
#define CAREREACH_GEO_CORE_GEODESIC_H_

#include "geo/core/lon_lat.h"

namespace carereach::geo {

inline constexpr double kMetersPerMile = 1609.344;

// Length in metres of the shortest path on the WGS84 ellipsoid between `a` and `b` (Karney's
// algorithm, through PROJ's geodesic API; accurate to nanometres). Thread-safe.
double GeodesicMeters(LonLat a, LonLat b);

inline double GeodesicMiles(LonLat a, LonLat b) { return GeodesicMeters(a, b) / kMetersPerMile; }

// Earth-centred, earth-fixed cartesian coordinates (metres) of a point on the WGS84 ellipsoid
// surface. The straight-line (chord) distance between two such points never exceeds their
// geodesic distance, which makes it a safe lower bound for spatial-index searches.
struct Ecef {
  double x = 0.0;
  double y = 0.0;
  double z = 0.0;
};
Ecef ToEcef(LonLat p);

}  // namespace carereach::geo

#endif  // CAREREACH_GEO_CORE_GEODESIC_H_
