#ifndef CAREREACH_GEO_RENDER_SCENE_H_
#define CAREREACH_GEO_RENDER_SCENE_H_

#include <optional>
#include <string>
#include <vector>

#include "geo/core/lon_lat.h"

namespace carereach::render {

// Everything one map shows, in WGS84 lon/lat (longitude first), built from an analysis's answer
// by the server (server/rpc/map_convert.cc); nothing here knows protobuf. Plain data.

// A population unit (a tract's centre of population) and its travel to the nearest facility.
struct MapUnit {
  enum class State {
    kReached,    // `value` holds the minutes or miles to the nearest facility
    kUnreached,  // snapped, but no facility within the search's reach
    kUnsnapped,  // no road within the snap distance (drive mode)
  };
  geo::LonLat location;
  double population = 0;
  State state = State::kReached;
  double value = 0;  // minutes or miles (the scene's value_unit), when kReached
};

struct MapFacility {
  geo::LonLat location;
  int member = 0;  // index into MapScene::members
  std::string id;
};

struct MapCounty {
  enum class Fill { kNone, kPass, kFail, kNotEvaluated };
  std::string fips;
  std::vector<std::vector<geo::LonLat>> rings;  // outer rings and holes alike (even-odd fill)
  Fill fill = Fill::kNone;
};

struct MapRoad {
  std::vector<geo::LonLat> points;
  bool major = false;  // motorway, trunk, primary: drawn wider and darker
};

// The area reached within `max_minutes` (a drive-time isochrone), as rings (outer rings and holes
// alike, even-odd fill).
struct MapIsochrone {
  double max_minutes = 0;
  std::vector<std::vector<geo::LonLat>> rings;
};

struct MapScene {
  std::string title;
  std::string subtitle;  // region, mode, networks
  std::string method;    // one line: how the figures were computed
  std::vector<std::string> credits;
  std::string value_unit = "min";    // "min" or "mi": what MapUnit::value and thresholds are in
  std::vector<double> thresholds;    // ascending; the legend's steps
  std::vector<std::string> members;  // names of the alliance members (or the one network)
  std::string fill_label;            // adequacy: what county fills mean, e.g. "040 Cardiology"
  // Adequacy: when set, `units` are the residents without access (their state and value
  // ignored), drawn as dark dots under one legend row with this label instead of the stepped
  // minutes legend, e.g. "residents without access (040)".
  std::string uncovered_label;
  std::vector<MapUnit> units;
  std::vector<MapFacility> facilities;
  std::vector<MapCounty> counties;
  std::vector<MapRoad> roads;
  std::vector<MapIsochrone> isochrones;  // ascending max_minutes; drawn largest first
};

}  // namespace carereach::render

#endif  // CAREREACH_GEO_RENDER_SCENE_H_
