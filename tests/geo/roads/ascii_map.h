#ifndef CAREREACH_TESTS_GEO_ROADS_ASCII_MAP_H_
#define CAREREACH_TESTS_GEO_ROADS_ASCII_MAP_H_

#include <cmath>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "geo/core/lon_lat.h"
#include "geo/roads/road_graph.h"

namespace carereach::testing_util {

// Tiny road networks drawn as ASCII maps: every letter is an OSM node on a grid of `grid_meters`
// per character, the top-left character at `origin`; anything else is decoration. Ways name
// their nodes by letter and carry OSM tags; they go through RoadGraphBuilder, the same rules as
// a real import.
//
//   a-----b-----c        AsciiMap map(drawing, 100);
//         |              map.Way("abc", {.highway = "primary", .oneway = "yes"});
//         d              roads::RoadGraph g = map.Build();
class AsciiMap {
 public:
  AsciiMap(std::string_view drawing, double grid_meters, geo::LonLat origin = {-157.85, 21.30})
      : grid_meters_(grid_meters), origin_(origin) {
    int row = 0, col = 0;
    for (char c : drawing) {
      if (c == '\n') {
        ++row;
        col = 0;
        continue;
      }
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) positions_[c] = {col, row};
      ++col;
    }
  }

  // The lon/lat of a drawn letter, optionally moved by (east, north) metres.
  geo::LonLat At(char c, double east_meters = 0, double north_meters = 0) const {
    const auto [col, row] = positions_.at(c);
    return Offset(col * grid_meters_ + east_meters, -row * grid_meters_ + north_meters);
  }

  void Way(std::string_view nodes, roads::RoadGraphBuilder::Tags tags) {
    ways_.push_back({std::string(nodes), std::move(tags)});
  }

  // Default speeds chosen for mental arithmetic: primary 36 km/h (10 m/s), residential
  // 18 km/h (5 m/s), motorway 72 km/h (20 m/s), ferry 3.6 km/h (1 m/s). A way tagged with a
  // highway class outside these is not for cars.
  roads::RoadGraph Build() const {
    Speeds speeds;
    roads::RoadGraphBuilder builder(speeds);
    for (const auto& [letters, tags] : ways_) {
      std::vector<roads::RoadGraphBuilder::WayNode> nodes;
      for (char c : letters) {
        roads::RoadGraphBuilder::WayNode n{.id = static_cast<int64_t>(c)};
        n.valid = positions_.count(c) > 0;  // an undrawn letter is a missing node
        if (n.valid) n.coord = roads::Coord::From(At(c));
        nodes.push_back(n);
      }
      builder.CountWayRead();
      builder.AddWay(nodes, tags);
    }
    return std::move(builder).Build();
  }

  // The graph node drawn at letter c.
  static uint32_t NodeAt(const roads::RoadGraph& g, geo::LonLat p) {
    const roads::Coord c = roads::Coord::From(p);
    for (uint32_t i = 0; i < g.node_count(); ++i) {
      if (g.nodes[i] == c) return i;
    }
    return UINT32_MAX;
  }

 private:
  class Speeds : public roads::RoadGraphBuilder::SpeedSource {
   public:
    const std::string& name() const override { return name_; }
    double WaySpeedKph(const roads::RoadGraphBuilder::Tags& t) const override {
      if (t.route == "ferry") return 3.6;
      if (t.highway == "primary") return 36;
      if (t.highway == "residential") return 18;
      if (t.highway == "motorway" || t.highway == "motorway_link") return 72;
      return -1;
    }

   private:
    std::string name_ = "test-speeds";
  };

  geo::LonLat Offset(double east, double north) const {
    constexpr double kMetersPerDegreeLat = 110574.0;
    const double meters_per_degree_lon =
        111320.0 * std::cos(origin_.lat * 3.14159265358979323846 / 180.0);
    return {origin_.lon + east / meters_per_degree_lon, origin_.lat + north / kMetersPerDegreeLat};
  }

  double grid_meters_;
  geo::LonLat origin_;
  std::map<char, std::pair<int, int>> positions_;
  std::vector<std::pair<std::string, roads::RoadGraphBuilder::Tags>> ways_;
};

}  // namespace carereach::testing_util

#endif  // CAREREACH_TESTS_GEO_ROADS_ASCII_MAP_H_
