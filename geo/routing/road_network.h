#ifndef CAREREACH_GEO_ROUTING_ROAD_NETWORK_H_
#define CAREREACH_GEO_ROUTING_ROAD_NETWORK_H_

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "absl/base/call_once.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "geo/core/deadline.h"
#include "geo/roads/road_graph.h"
#include "geo/routing/dijkstra.h"
#include "geo/routing/hierarchy.h"
#include "geo/routing/phast.h"
#include "geo/routing/snap_index.h"

namespace carereach::geo {
class EcefKdTree;
}  // namespace carereach::geo

namespace carereach::routing {

// A road graph with its snapping index and (unless switched off) its contraction hierarchy,
// built once per region and shared. With a hierarchy every search below runs on it (PHAST,
// RPHAST, bucket tables); without one, on the reference Dijkstra. Both give the same answers.
// Thread safety: immutable after Create; share it const between any number of threads.
class RoadNetwork {
 public:
  struct Options {
    bool build_hierarchy = true;
    ContractionParams contraction;
  };
  // Builds the snap index and, per `options` (default: with), the hierarchy.
  static std::unique_ptr<const RoadNetwork> Create(roads::RoadGraph graph);
  static std::unique_ptr<const RoadNetwork> Create(roads::RoadGraph graph, const Options& options);
  // With a hierarchy built (or loaded) elsewhere for this graph; null: Dijkstra only.
  static std::unique_ptr<const RoadNetwork> Create(roads::RoadGraph graph,
                                                   std::unique_ptr<const Hierarchy> hierarchy);
  // The same with the arrays of a snap index read from a cache file (network_cache.h): they are
  // checked against the graph (SnapIndex::Load); when they are refused the index is built
  // instead and `*snap_refused` says why (OK otherwise).
  static std::unique_ptr<const RoadNetwork> Create(roads::RoadGraph graph,
                                                   std::unique_ptr<const Hierarchy> hierarchy,
                                                   SnapIndex::Arrays snap,
                                                   absl::Status* snap_refused);

  const roads::RoadGraph& graph() const { return graph_; }
  const SnapIndex& snap_index() const { return *snap_index_; }
  // The hierarchy built or loaded for this network; null when every search runs on Dijkstra.
  const Hierarchy* hierarchy() const { return hierarchy_.get(); }
  // The hierarchy searches in `metric` run on: null when there is none or it does not serve
  // `metric` (a time-only hierarchy, Hierarchy::Serves); such searches run on Dijkstra.
  const Hierarchy* hierarchy(Metric metric) const {
    return hierarchy_ != nullptr && hierarchy_->Serves(metric) ? hierarchy_.get() : nullptr;
  }

  // At most how far apart in a straight line (the ECEF chord, metres) the two ends of a road
  // route can lie when the route's primary value in `metric` (seconds or metres; partial segments
  // and off-road legs count, as in every search here) is within `bound`: `bound` times the most
  // road metres per key second (per key metre) of any arc, plus slack for rounding. Infinite when
  // an arc is free in that metric. A point farther than this from a source is never within
  // `bound` of it, whatever the engine; candidate filters rely on it.
  double ReachMeters(Metric metric, double bound) const;

 private:
  RoadNetwork(roads::RoadGraph graph, std::unique_ptr<const Hierarchy> hierarchy);
  RoadNetwork(roads::RoadGraph graph, std::unique_ptr<const Hierarchy> hierarchy,
              SnapIndex::Arrays snap, absl::Status* snap_refused);
  roads::RoadGraph graph_;
  std::unique_ptr<SnapIndex> snap_index_;
  std::unique_ptr<const Hierarchy> hierarchy_;
  // Most road metres per key second and per key metre of any arc (ReachMeters), from a pass
  // over the arcs on first use (a network that never filters by reach, or loads, skips it).
  mutable absl::once_flag reach_once_;
  mutable std::array<double, 2> meters_per_key_unit_ = {0, 0};
};

class PointsByNode;

struct DriveParams {
  static constexpr double kDefaultMaxSnapMeters = 1000.0;
  static constexpr double kDefaultOffroadSpeedMph = 10.0;
  double max_snap_meters = kDefaultMaxSnapMeters;
  // Speed of the leg between a point and the road.
  double offroad_meters_per_second = kDefaultOffroadSpeedMph * 1609.344 / 3600.0;
  // Residents drive to care: travel is measured from each unit TO a facility by default.
  bool to_facility = true;
};

// Snaps each point, or nullopt when no snappable road lies within max_snap_meters.
std::vector<std::optional<Snap>> SnapAll(const RoadNetwork& network,
                                         std::span<const geo::LonLat> points,
                                         double max_snap_meters);

// A unit's travel to its nearest facility by road, each metric on its own: the fastest route
// (and its length) and, separately, the shortest route, because standards bound time AND
// distance independently. Infinite / -1 when not reached within the bound.
struct RoadTravel {
  int32_t fastest_facility = -1;
  float seconds = Dijkstra::kInfinity;
  float fastest_route_meters = Dijkstra::kInfinity;
  int32_t shortest_facility = -1;
  float meters = Dijkstra::kInfinity;
};

// For every unit (already snapped; nullopt = unsnapped, never reached), the nearest facility
// by time within `max_seconds` and by distance within `max_meters` (a bound <= 0 skips that
// search). One multi-source search per metric over the whole network: O(graph) per request,
// whatever the number of facilities. Off-road legs of both ends count in time and distance.
//
// With a hierarchy: one RPHAST per metric over the selection of `unit_index`'s nodes, which must
// list every snapped unit of `units` (e.g. the region's index, DriveRegion::unit_index, for any
// subset of its units); without an index one is built for `units`.
absl::StatusOr<std::vector<RoadTravel>> NearestFacilityByRoad(
    const RoadNetwork& network, std::span<const std::optional<Snap>> units,
    std::span<const std::optional<Snap>> facilities, const DriveParams& params, double max_seconds,
    double max_meters, const geo::Deadline& deadline, const PointsByNode* unit_index = nullptr);

// Drive time and distance from one origin to many destinations (a forward search from the
// origin bounded at max_seconds): per destination, seconds of the fastest route and its length
// in metres; infinite when not reached.
struct PairTravel {
  float seconds = Dijkstra::kInfinity;
  float meters = Dijkstra::kInfinity;
};
absl::StatusOr<std::vector<PairTravel>> TravelFromOrigin(
    const RoadNetwork& network, const Snap& origin,
    std::span<const std::optional<Snap>> destinations, const DriveParams& params,
    double max_seconds, const geo::Deadline& deadline);

// Every origin to every destination (nullopt = unsnapped: an empty row, or unreached cells), as
// TravelFromOrigin per row would give: with a hierarchy one bucket many-to-many table (Knopp et
// al. 2007), otherwise one search per origin. Rows in origin order.
absl::StatusOr<std::vector<std::vector<PairTravel>>> TravelMatrix(
    const RoadNetwork& network, std::span<const std::optional<Snap>> origins,
    std::span<const std::optional<Snap>> destinations, const DriveParams& params,
    double max_seconds, const geo::Deadline& deadline);

// Snapped points (e.g. population units) listed by the road nodes at the ends of their
// segments, so that the nodes a search settles name the points it may have reached without a
// scan of every point. Built in O(nodes + points).
// Thread safety: immutable after construction; share it const between any number of threads.
class PointsByNode {
 public:
  PointsByNode(const roads::RoadGraph& graph, std::span<const std::optional<Snap>> points);
  PointsByNode(const PointsByNode&) = delete;
  PointsByNode& operator=(const PointsByNode&) = delete;
  ~PointsByNode();

  // Points snapped on a segment with an end at `node` (a point is listed at both ends).
  std::span<const int32_t> At(uint32_t node) const {
    return {points_.data() + first_[node], points_.data() + first_[node + 1]};
  }
  size_t point_count() const { return point_count_; }

  // The RPHAST target selection of every node listed here, for sweeps in `direction` on
  // `hierarchy` (which must outlive this): built on first use, then shared. Thread-safe.
  const TargetSelection& Selection(const Hierarchy& hierarchy, Direction direction) const;

  // The points listed here whose on-road position lies within `radius_meters` (ECEF chord) of
  // the on-road position of any of `centers`: ascending, each once; nullopt as soon as more than
  // `max_count` of them do (without a look at a single point when the box around them all lies
  // within reach of a center). A k-d tree over the on-road positions is built on first use, then
  // shared. Thread-safe.
  std::optional<std::vector<int32_t>> Near(std::span<const Snap> centers, double radius_meters,
                                           size_t max_count) const;

 private:
  size_t point_count_ = 0;
  std::vector<uint32_t> first_;  // CSR offsets, node_count + 1
  std::vector<int32_t> points_;
  mutable absl::once_flag selection_once_[2];
  mutable std::unique_ptr<const TargetSelection> selection_[2];
  std::vector<geo::LonLat> on_road_;  // of each point listed, in point order
  std::vector<int32_t> listed_;       // point index of each on_road_ entry
  mutable absl::once_flag tree_once_;
  mutable std::unique_ptr<const geo::EcefKdTree> tree_;                      // over on_road_
  mutable std::array<double, 3> box_min_ = {0, 0, 0}, box_max_ = {0, 0, 0};  // ECEF, of on_road_
};

// A point reached by a single-source search: `cost` in the search metric (seconds or metres)
// and `other`, the other metric along the same route.
struct PointReach {
  int32_t point = -1;
  float cost = Dijkstra::kInfinity;
  float other = Dijkstra::kInfinity;
};

// Every point of `points` (nullopt = unsnapped, never reached) within `bound` of `source` in
// `metric`, sorted by point index: travel from each point TO the source when
// params.to_facility (one search backward over reversed arcs), FROM the source otherwise. As in
// NearestFacilityByRoad, off-road legs at both ends count and a point on the source's own
// segment is also reached along it directly. `by_node` must index `points`, or the snaps they
// were taken from with some reset (DriveRegion::unit_index serves any request on the region's
// units this way). PointsWithinBoundBatch with one source.
absl::StatusOr<std::vector<PointReach>> PointsWithinBound(
    const RoadNetwork& network, const Snap& source, std::span<const std::optional<Snap>> points,
    const PointsByNode& by_node, const DriveParams& params, Metric metric, double bound,
    const geo::Deadline& deadline);

// PointsWithinBound for up to kPointsBatch sources at once, one answer per source: with a
// hierarchy one RPHAST sweep serves all of them (RphastBatch). Only the points within
// RoadNetwork::ReachMeters of a source (by_node.Near) can be within `bound`; when they are a
// small share of all points the sweep runs over a selection built for their nodes alone,
// otherwise over `by_node`'s selection of every point. Batch sources that lie near each other.

inline constexpr size_t kPointsBatch = RphastBatch::kColumns;
absl::StatusOr<std::vector<std::vector<PointReach>>> PointsWithinBoundBatch(
    const RoadNetwork& network, std::span<const Snap> sources,
    std::span<const std::optional<Snap>> points, const PointsByNode& by_node,
    const DriveParams& params, Metric metric, double bound, const geo::Deadline& deadline);

// The road reached from `sources` within `max_seconds` (forward from the sources; backward when
// params.to_facility, i.e. the roads from which a source is reached), as polylines in lon/lat
// order, partial segments cut where the time runs out.
absl::StatusOr<std::vector<std::vector<geo::LonLat>>> ReachedRoads(const RoadNetwork& network,
                                                                   std::span<const Snap> sources,
                                                                   const DriveParams& params,
                                                                   double max_seconds,
                                                                   const geo::Deadline& deadline);

}  // namespace carereach::routing

#endif  // CAREREACH_GEO_ROUTING_ROAD_NETWORK_H_
