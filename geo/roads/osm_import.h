#ifndef CAREREACH_GEO_ROADS_OSM_IMPORT_H_
#define CAREREACH_GEO_ROADS_OSM_IMPORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "geo/roads/road_graph.h"
#include "geo/roads/speed_profile.h"

namespace carereach::roads {

// Imports the car-routable roads of an OSM PBF (or .osm XML) file with libosmium. Node
// references missing from the file (extract edges) are counted in RoadGraph::stats and the way
// is cut there. INVALID_ARGUMENT / NOT_FOUND naming the file when it cannot be read.
// Thread-compatible: concurrent imports of different files are fine.
absl::StatusOr<RoadGraph> ImportOsm(const std::string& path, const SpeedProfile& profile);

// Adapts a SpeedProfile to the builder's rules (class default, maxspeed, ferries).
class ProfileSpeeds : public RoadGraphBuilder::SpeedSource {
 public:
  explicit ProfileSpeeds(const SpeedProfile& profile) : profile_(profile) {}
  const std::string& name() const override { return profile_.name(); }
  double WaySpeedKph(const RoadGraphBuilder::Tags& tags) const override;

 private:
  const SpeedProfile& profile_;
};

}  // namespace carereach::roads

#endif  // CAREREACH_GEO_ROADS_OSM_IMPORT_H_
