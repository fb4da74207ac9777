#ifndef CAREREACH_GEO_ACCESS_TRAVEL_MODEL_H_
#define CAREREACH_GEO_ACCESS_TRAVEL_MODEL_H_

#include "geo/routing/road_network.h"

namespace carereach::access {

enum class TravelMode { kStraightLine, kDrive };

// Straight-line travel: minutes = geodesic miles x circuity_factor / speed_mph x 60.
struct StraightLineModel {
  static constexpr double kDefaultCircuityFactor = 1.3;
  static constexpr double kDefaultSpeedMph = 35.0;
  double circuity_factor = kDefaultCircuityFactor;
  double speed_mph = kDefaultSpeedMph;

  double MinutesForMiles(double miles) const { return miles * circuity_factor / speed_mph * 60.0; }
};

// How residents travel, as every analysis request carries it: the mode and both modes'
// options (the ones of the other mode are unused). Checks: ValidateTravelModel (coverage.h).
struct TravelModel {
  TravelMode mode = TravelMode::kStraightLine;
  StraightLineModel straight_line;
  // drive.to_facility: travel measured unit -> facility (the default).
  routing::DriveParams drive;
};

}  // namespace carereach::access

#endif  // CAREREACH_GEO_ACCESS_TRAVEL_MODEL_H_
