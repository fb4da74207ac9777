#ifndef CAREREACH_GEO_ROADS_ROAD_GRAPH_H_
#define CAREREACH_GEO_ROADS_ROAD_GRAPH_H_

#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "geo/core/huge_page_allocator.h"
#include "geo/core/lon_lat.h"

namespace carereach::roads {

// A coordinate in fixed point, degrees x 1e7 (OSM's own precision, ~1 cm), LONGITUDE FIRST.
struct Coord {
  int32_t lon_e7 = 0;
  int32_t lat_e7 = 0;

  geo::LonLat ToLonLat() const { return {lon_e7 * 1e-7, lat_e7 * 1e-7}; }
  static Coord From(geo::LonLat p) {
    return {static_cast<int32_t>(std::lround(p.lon * 1e7)),
            static_cast<int32_t>(std::lround(p.lat * 1e7))};
  }
  friend bool operator==(Coord a, Coord b) = default;
};

enum class RoadClass : uint8_t {
  kMotorway,
  kMotorwayLink,
  kTrunk,
  kTrunkLink,
  kPrimary,
  kPrimaryLink,
  kSecondary,
  kSecondaryLink,
  kTertiary,
  kTertiaryLink,
  kUnclassified,
  kResidential,
  kLivingStreet,
  kService,
  kOther,
  kFerry,
};

// A road segment: the piece of one OSM way between two graph nodes (junctions or way ends). The
// way's nodes in between are kept as shape points, for snapping and drawing, not as graph nodes:
// this is the degree-2 chain contraction, and it changes no answer because speed and access are
// uniform along a way.
struct Segment {
  enum Flags : uint8_t {
    kForward = 1,    // from -> to is allowed
    kBackward = 2,   // to -> from is allowed
    kFerry = 4,      // a ferry crossing (route=ferry)
    kSnappable = 8,  // points may join the network here (see RoadGraph::segments)
  };
  uint32_t from = 0;
  uint32_t to = 0;
  // Shape points [shape_begin, shape_end) of RoadGraph::shape, from `from` to `to` inclusive.
  uint32_t shape_begin = 0;
  uint32_t shape_end = 0;
  float meters = 0;   // geodesic length along the shape
  float seconds = 0;  // traversal time, either direction
  uint8_t flags = 0;
  RoadClass road_class = RoadClass::kOther;

  bool forward() const { return flags & kForward; }
  bool backward() const { return flags & kBackward; }
};

// A directed arc of the forward or the backward (reversed) graph.
struct Arc {
  static constexpr uint32_t kReversedBit = 0x80000000u;
  uint32_t head = 0;  // node the arc leads to (in the backward graph: the original tail)
  float seconds = 0;
  float meters = 0;
  uint32_t segment = 0;  // segment index; kReversedBit set when the arc runs to -> from
};

// What an import read and what it left out; nothing is dropped without a count here.
struct ImportStats {
  int64_t ways_read = 0;              // ways seen in the file
  int64_t ways_routable = 0;          // highway or ferry ways cars may use
  int64_t ways_excluded_access = 0;   // car-class ways closed to cars (access, motor_vehicle...)
  int64_t missing_node_refs = 0;      // node references with no node in the file (extract edges)
  int64_t ways_split_at_missing = 0;  // routable ways cut where a node was missing
  int64_t ways_too_short = 0;         // routable ways with fewer than 2 known nodes
  int64_t osm_nodes_used = 0;         // distinct OSM nodes on routable ways
};

// An immutable road network: nodes are junctions and way ends; compressed sparse row (CSR)
// adjacency in both directions; segment geometry for snapping and isochrones.
// Thread safety: immutable after construction; share it const between any number of threads.
struct RoadGraph {
  std::string profile_name;  // speed profile used to build it
  ImportStats stats;

  geo::BigVector<Coord> nodes;
  // 1 when the node belongs to the largest strongly connected component.
  geo::BigVector<uint8_t> node_in_main;
  // Forward graph: arcs out of node n are out_arcs[first_out[n] .. first_out[n + 1]).
  geo::BigVector<uint32_t> first_out;
  geo::BigVector<Arc> out_arcs;
  // Backward graph: arcs into node n, each with head = its tail.
  geo::BigVector<uint32_t> first_in;
  geo::BigVector<Arc> in_arcs;
  // Segments; kSnappable marks those points may snap to: both ends in the main component, not a
  // ferry, not a motorway or motorway ramp (nobody lives on, or drives onto, a freeway midway).
  geo::BigVector<Segment> segments;
  geo::BigVector<Coord> shape;
  geo::BigVector<float> shape_meters;  // cumulative metres from the segment start, per shape point

  uint32_t node_count() const { return static_cast<uint32_t>(nodes.size()); }
  uint32_t arc_count() const { return static_cast<uint32_t>(out_arcs.size()); }
  std::span<const Arc> OutArcs(uint32_t n) const {
    return {out_arcs.data() + first_out[n], out_arcs.data() + first_out[n + 1]};
  }
  std::span<const Arc> InArcs(uint32_t n) const {
    return {in_arcs.data() + first_in[n], in_arcs.data() + first_in[n + 1]};
  }
  std::span<const Coord> SegmentShape(uint32_t s) const {
    return {shape.data() + segments[s].shape_begin, shape.data() + segments[s].shape_end};
  }
  std::span<const float> SegmentShapeMeters(uint32_t s) const {
    return {shape_meters.data() + segments[s].shape_begin,
            shape_meters.data() + segments[s].shape_end};
  }
  int64_t main_component_nodes() const;
  // Bytes held by the arrays (for the memory-per-edge figure).
  int64_t MemoryBytes() const;
};

// Builds a RoadGraph from OSM ways. The tag rules are here, separate from file reading, so that
// tests can feed hand-drawn networks through exactly the rules a real import uses.
// Not thread-safe; use one builder per import.
class RoadGraphBuilder {
 public:
  struct Tags {
    // The tags the rules read; empty when absent.
    std::string highway, route, oneway, junction, access, vehicle, motor_vehicle, motorcar,
        maxspeed, duration, area;
  };
  struct WayNode {
    int64_t id = 0;
    bool valid = false;  // false: the file has no such node (counted and cut, never guessed)
    Coord coord;
  };

  class SpeedSource {
   public:
    virtual ~SpeedSource() = default;
    virtual const std::string& name() const = 0;
    // Speed of a way (km/h), or a negative value when cars don't use the way.
    virtual double WaySpeedKph(const Tags& tags) const = 0;
  };

  explicit RoadGraphBuilder(const SpeedSource& speeds) : speeds_(speeds) {}

  // Interprets one way: car access, class, speed, oneway (yes/-1/no, roundabouts, motorways),
  // ferries. A way cut by missing nodes becomes several pieces.
  void AddWay(const std::vector<WayNode>& nodes, const Tags& tags);
  void CountWayRead() { ++stats_.ways_read; }

  // Splits ways at junctions, builds both CSR directions, finds the largest strongly connected
  // component and marks the snappable segments.
  RoadGraph Build() &&;

 private:
  struct WayPiece {
    uint32_t first_ref = 0;  // into refs_
    uint32_t ref_count = 0;
    float kph = 0;
    float ferry_seconds_per_meter = 0;  // > 0 when a ferry duration tag fixes the time
    uint8_t flags = 0;
    RoadClass road_class = RoadClass::kOther;
  };
  const SpeedSource& speeds_;
  ImportStats stats_;
  std::vector<WayPiece> pieces_;
  std::vector<int64_t> refs_;
  std::vector<Coord> ref_coords_;
};

// Marks the largest strongly connected component of the forward graph (iterative Tarjan).
// Returns one byte per node, 1 inside it.
geo::BigVector<uint8_t> LargestStronglyConnectedComponent(const geo::BigVector<uint32_t>& first_out,
                                                          const geo::BigVector<Arc>& out_arcs);

// Parses a ferry duration tag ("HH:MM", "HH:MM:SS", or minutes) into seconds; <= 0 if unusable.
double ParseDurationSeconds(std::string_view tag);

}  // namespace carereach::roads

#endif  // CAREREACH_GEO_ROADS_ROAD_GRAPH_H_
