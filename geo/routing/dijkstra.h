#ifndef CAREREACH_GEO_ROUTING_DIJKSTRA_H_
#define CAREREACH_GEO_ROUTING_DIJKSTRA_H_

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "geo/core/deadline.h"
#include "geo/roads/road_graph.h"
#include "geo/routing/radix_heap.h"
#include "geo/routing/route_key.h"

namespace carereach::routing {

// A search starts at `node` with a cost already spent (e.g. the part of a segment between a
// facility and the segment's end, plus the off-road leg) as a key in the search metric,
// labelled with `source`.
struct Seed {
  uint32_t node = 0;
  RouteKey key = 0;
  int32_t source = 0;
};

// Bounded multi-source Dijkstra over route keys (route_key.h), the reference every other engine
// is compared with. One search labels every node it settles with its least key from any seed
// (ties: the smaller source) and that seed's source. Searches stop at `bound_key` (nothing
// costlier is settled), when `deadline` stops (DEADLINE_EXCEEDED, or CANCELLED by its probe) or
// when the heap is empty. Labels stay valid until the next Run(). Thread safety: one instance
// per thread (ThreadLocal()); the graph is shared const.
class Dijkstra {
 public:
  static constexpr float kInfinity = std::numeric_limits<float>::infinity();

  explicit Dijkstra(const roads::RoadGraph& graph);

  // A search object for `graph` owned by the calling thread, reused across calls (scratch is
  // allocated once per thread and graph, never per request).
  static Dijkstra& ThreadLocal(const roads::RoadGraph& graph);

  absl::Status Run(std::span<const Seed> seeds, Direction direction, Metric metric,
                   RouteKey bound_key, const geo::Deadline& deadline = {});

  bool reached(uint32_t n) const { return (labels_[n].stamp >> 1) == generation_; }
  RouteKey key(uint32_t n) const { return reached(n) ? labels_[n].key : kUnreached; }
  int32_t source(uint32_t n) const { return reached(n) ? labels_[n].source : -1; }
  // Nodes settled by the last Run, in order of cost.
  std::span<const uint32_t> settled() const { return settled_; }

 private:
  bool Improve(uint32_t node, RouteKey key, int32_t source);

  // One node's label, 16 bytes. stamp = 2 x generation of the search that labelled it, + 1 once
  // settled: no per-search reset of the arrays.
  struct Label {
    RouteKey key;
    int32_t source;
    uint32_t stamp;
  };
  const roads::RoadGraph* graph_;
  uint32_t generation_ = 0;
  std::vector<Label> labels_;
  RadixHeap heap_;
  std::vector<uint32_t> settled_;
};

}  // namespace carereach::routing

#endif  // CAREREACH_GEO_ROUTING_DIJKSTRA_H_
