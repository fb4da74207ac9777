#ifndef CAREREACH_GEO_ROUTING_HIERARCHY_H_
#define CAREREACH_GEO_ROUTING_HIERARCHY_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

#include "absl/status/statusor.h"
#include "geo/core/deadline.h"
#include "geo/core/huge_page_allocator.h"
#include "geo/roads/road_graph.h"
#include "geo/routing/route_key.h"

namespace carereach::routing {

// A contraction hierarchy over a RoadGraph (Geisberger et al. 2008): one contraction order and
// one arc set, every arc with a time key (route_key.h) and, when it serves the distance metric
// too, a distance key, each the cost of a real path in its metric. Built for both metrics
// (HierarchyMetrics::kTimeAndDistance), "fastest" and "shortest" come from one build; built for
// time only (kTime), the distance arrays are empty and shortest-distance searches run on the
// reference Dijkstra instead. Either way the meters of the fastest route come from the time
// key's low half.
//
// Nodes are renumbered by rank: rank 0 is the most important (contracted last), and every arc
// stored here leads from a node to a node of SMALLER rank. Ranks group nodes by contraction round
// (last round first), RoadGraph (Hilbert) order within a round.
//  * Upward arcs x -> y (travel direction, rank y < rank x) are stored at x: up_first[x] ..
//    up_first[x + 1] index up_head / up_time_key / up_distance_key.
//  * Downward arcs y -> x (travel direction, rank y < rank x) are stored at x as their tail y:
//    down_first[x] .. down_first[x + 1] index down_tail / down_*_key.
// A forward query searches up from the sources over up_* and sweeps down over down_* in rank
// order; a backward query (travel TO the sources) searches up over down_* (reversed) and sweeps
// over up_* (reversed).
// Thread safety: immutable after BuildHierarchy; share it const.
struct Hierarchy {
  // Format of the arrays below; part of Fingerprint().
  static constexpr uint32_t kFormatVersion = 1;

  geo::BigVector<uint32_t> rank_of_node;  // RoadGraph node id -> rank
  geo::BigVector<uint32_t> node_of_rank;  // rank -> RoadGraph node id
  geo::BigVector<uint32_t> up_first;      // node_count + 1, by rank
  geo::BigVector<uint32_t> up_head;       // ranks
  geo::BigVector<RouteKey> up_time_key, up_distance_key;
  geo::BigVector<uint32_t> down_first;  // node_count + 1, by rank
  geo::BigVector<uint32_t> down_tail;   // ranks
  geo::BigVector<RouteKey> down_time_key, down_distance_key;

  uint32_t node_count() const { return static_cast<uint32_t>(node_of_rank.size()); }
  size_t arc_count() const { return up_head.size() + down_tail.size(); }
  // Whether searches in `metric` may run on this hierarchy: time always; distance when it was
  // contracted for distance too (its distance keys are present).
  bool Serves(Metric metric) const {
    return metric == Metric::kSeconds || (up_distance_key.size() == up_head.size() &&
                                          down_distance_key.size() == down_tail.size());
  }
  int64_t MemoryBytes() const;

  // The arc weights of `metric`, which it must serve.
  std::span<const RouteKey> up_key(Metric metric) const {
    return metric == Metric::kSeconds ? std::span<const RouteKey>(up_time_key)
                                      : std::span<const RouteKey>(up_distance_key);
  }
  std::span<const RouteKey> down_key(Metric metric) const {
    return metric == Metric::kSeconds ? std::span<const RouteKey>(down_time_key)
                                      : std::span<const RouteKey>(down_distance_key);
  }

  // Every array in file order (for the graph cache): fn(geo::BigVector<T>&).
  template <typename Fn>
  void ForEachArray(Fn&& fn) {
    fn(rank_of_node);
    fn(node_of_rank);
    fn(up_first);
    fn(up_head);
    fn(up_time_key);
    fn(up_distance_key);
    fn(down_first);
    fn(down_tail);
    fn(down_time_key);
    fn(down_distance_key);
  }

  // OK when the arrays are consistent (sizes, offsets, every arc to a smaller rank, ranks a
  // permutation; the distance keys all present or all absent): what a loader checks before
  // trusting arrays read from a file.
  absl::Status Validate(uint32_t graph_node_count) const;
};

// The metrics a contraction keeps exact: the distance metric's witness searches are what make
// contraction degrade on uniform street grids (docs/BENCHMARKS.md, "Routing engine"), so large
// regions may contract for time alone.
enum class HierarchyMetrics { kTimeAndDistance, kTime };

// The error of a search in a metric `hierarchy` does not serve (Hierarchy::Serves): `what` names
// the search.
absl::Status NotServed(std::string_view what);

struct ContractionParams {
  HierarchyMetrics metrics = HierarchyMetrics::kTimeAndDistance;
  // Nodes a witness search may settle before it gives up (a missed witness only adds a
  // superfluous shortcut, never a wrong answer).
  int32_t witness_settle_limit = 500;
  // The same while estimating priorities.
  int32_t priority_settle_limit = 250;
  // Lazy priority updates: a contraction marks its neighbours' priorities stale instead of
  // simulating them again, and a stale node is simulated only when a round would select it. A
  // faster build with a few more shortcuts (docs/BENCHMARKS.md, "Lazy priority updates"); the
  // answers are exact either way.
  bool lazy_priorities = false;
  // Fingerprint of these parameters, the tick units and kFormatVersion: a cached hierarchy made
  // with other ones is rebuilt.
  uint64_t Fingerprint() const;
};

// Contracts `graph` in rounds of independent nodes (no two adjacent), each round's witness
// searches spread over geo::WorkerPool::Shared(); the result does not depend on the number of
// threads. `log` gets progress lines. Stops with the deadline's error.
absl::StatusOr<Hierarchy> BuildHierarchy(const roads::RoadGraph& graph,
                                         const ContractionParams& params,
                                         const std::function<void(std::string_view)>& log,
                                         const geo::Deadline& deadline = {});

}  // namespace carereach::routing

#endif  // CAREREACH_GEO_ROUTING_HIERARCHY_H_
