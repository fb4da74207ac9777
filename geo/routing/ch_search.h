#ifndef CAREREACH_GEO_ROUTING_CH_SEARCH_H_
#define CAREREACH_GEO_ROUTING_CH_SEARCH_H_

#include <cstdint>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "geo/core/deadline.h"
#include "geo/routing/dijkstra.h"
#include "geo/routing/hierarchy.h"
#include "geo/routing/radix_heap.h"
#include "geo/routing/route_key.h"

namespace carereach::routing {

// The upward half of a contraction-hierarchy query: a multi-source Dijkstra over the arcs that
// lead to more important nodes only (forward: up_* arcs x -> y; backward, i.e. travel TO the
// seeds: the down_* arcs y -> x stored at x, followed from x to their tail y). Seeds are RoadGraph
// node ids with a key already spent and a source id; ties in (key, source) go to the smaller
// source, as in Dijkstra. Nothing costlier than `bound_key` is labelled.
//
// Stall-on-demand (Geisberger et al. 2008; OSRM's stallAtNode): when x is settled, the arcs of
// the opposite direction stored at x lead to more important nodes y; if some labelled y gives
// key(y) + w < key(x) (strictly, on the key), x's label is not its distance from the seeds, no
// shortest up-down path passes through it as its top node, and its arcs are not relaxed. Its
// label stays an upper bound (the key of a real route), which is what PHAST's sweep needs.
//
// Labels are by rank and carry a generation stamp: no O(n) reset between runs. They stay valid
// until the next Run(). Thread safety: one instance per thread (ThreadLocal()); the hierarchy is
// shared const.
class UpwardSearch {
 public:
  explicit UpwardSearch(const Hierarchy& hierarchy);

  // A search object for `hierarchy` owned by the calling thread, reused across calls.
  static UpwardSearch& ThreadLocal(const Hierarchy& hierarchy);

  // Stops with the deadline's error (DEADLINE_EXCEEDED or CANCELLED), looked at every 1024
  // settled nodes.
  absl::Status Run(std::span<const Seed> seeds, Direction direction, Metric metric,
                   RouteKey bound_key, const geo::Deadline& deadline = {});

  // By rank. A labelled rank is settled once Run() returned OK.
  bool labelled(uint32_t rank) const { return (labels_[rank].stamp >> 2) == generation_; }
  RouteKey key(uint32_t rank) const { return labelled(rank) ? labels_[rank].key : kUnreached; }
  int32_t source(uint32_t rank) const { return labelled(rank) ? labels_[rank].source : -1; }
  // True when `rank` was settled but stalled (its arcs were not relaxed; key() is an upper bound).
  bool stalled(uint32_t rank) const { return labelled(rank) && (labels_[rank].stamp & 2); }
  // Ranks settled by the last Run, in order of key (stalled ones included).
  std::span<const uint32_t> settled() const { return settled_; }

  const Hierarchy& hierarchy() const { return *hierarchy_; }

 private:
  bool Improve(uint32_t rank, RouteKey key, int32_t source);

  // stamp = 4 x generation, + 1 once settled, + 2 when stalled.
  struct Label {
    RouteKey key;
    int32_t source;
    uint32_t stamp;
  };
  const Hierarchy* hierarchy_;
  uint32_t generation_ = 0;
  std::vector<Label> labels_;
  RadixHeap heap_;
  std::vector<uint32_t> settled_;
};

}  // namespace carereach::routing

#endif  // CAREREACH_GEO_ROUTING_CH_SEARCH_H_
