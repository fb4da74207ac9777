#include "geo/render/roads_layer.h"

namespace carereach::render {

std::vector<MapRoad> RoadsForMap(const roads::RoadGraph& graph, size_t max_segments_for_minor) {
  using roads::RoadClass;
  const bool minor = graph.segments.size() <= max_segments_for_minor;
  std::vector<MapRoad> out;
  for (uint32_t s = 0; s < graph.segments.size(); ++s) {
    const RoadClass c = graph.segments[s].road_class;
    bool major = false;
    switch (c) {
      case RoadClass::kMotorway:
      case RoadClass::kMotorwayLink:
      case RoadClass::kTrunk:
      case RoadClass::kTrunkLink:
      case RoadClass::kPrimary:
      case RoadClass::kPrimaryLink:
        major = true;
        break;
      case RoadClass::kSecondary:
      case RoadClass::kSecondaryLink:
      case RoadClass::kTertiary:
      case RoadClass::kTertiaryLink:
        break;
      case RoadClass::kUnclassified:
      case RoadClass::kResidential:
      case RoadClass::kLivingStreet:
      case RoadClass::kService:
      case RoadClass::kOther:
        if (!minor) continue;
        break;
      case RoadClass::kFerry:
        continue;
    }
    MapRoad road;
    road.major = major;
    for (const roads::Coord& p : graph.SegmentShape(s)) road.points.push_back(p.ToLonLat());
    if (road.points.size() >= 2) out.push_back(std::move(road));
  }
  return out;
}

}  // namespace carereach::render
