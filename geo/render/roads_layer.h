#ifndef CAREREACH_GEO_RENDER_ROADS_LAYER_H_
#define CAREREACH_GEO_RENDER_ROADS_LAYER_H_

#include <vector>

#include "geo/render/scene.h"
#include "geo/roads/road_graph.h"

namespace carereach::render {

// The road network of a drive region as map lines, one per segment with its shape points:
// motorways, trunks and primaries (and their links) are major; secondary and tertiary roads are
// drawn thin; residential, unclassified, living streets and service roads only when the graph has
// at most `max_segments_for_minor` segments (a county, not a state: at state scale they would be
// an ink blot). Ferries are left out.
std::vector<MapRoad> RoadsForMap(const roads::RoadGraph& graph,
                                 size_t max_segments_for_minor = 200'000);

}  // namespace carereach::render

#endif  // CAREREACH_GEO_RENDER_ROADS_LAYER_H_
