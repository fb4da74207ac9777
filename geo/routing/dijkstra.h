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

namespace carereach::routing {

enum class Metric { kSeconds, kMeters };
// Forward follows arcs as they run (from a source outwards); backward follows them reversed
// (towards a target: a search from the facilities over reversed arcs gives every node its
// travel TO the nearest facility).
enum class Direction { kForward, kBackward };

// A search starts at `node` with cost already spent (e.g. the part of a segment between a
// facility and the segment's end, plus the off-road leg), labelled with `source`.
struct Seed {
  uint32_t node = 0;
  float cost = 0;   // in the search metric
  float other = 0;  // the other metric along the same way
  int32_t source = 0;
};

// Bounded multi-source Dijkstra. One search labels every node it settles with its least cost
// from any seed, the other metric along that same path, and the seed's source. Searches stop at
// `bound` (nothing costlier is settled), when `deadline` stops (DEADLINE_EXCEEDED, or CANCELLED by
// its probe) or when the heap is empty. Labels stay valid until the next Run(). Thread safety: one
// instance per thread (ThreadLocal()); the graph is shared const.
class Dijkstra {
 public:
  static constexpr float kInfinity = std::numeric_limits<float>::infinity();

  explicit Dijkstra(const roads::RoadGraph& graph);

  // A search object for `graph` owned by the calling thread, reused across calls (scratch is
  // allocated once per thread and graph, never per request).
  static Dijkstra& ThreadLocal(const roads::RoadGraph& graph);

  absl::Status Run(std::span<const Seed> seeds, Direction direction, Metric metric, float bound,
                   const geo::Deadline& deadline = {});

  bool reached(uint32_t n) const { return (labels_[n].stamp >> 1) == generation_; }
  float cost(uint32_t n) const { return reached(n) ? labels_[n].cost : kInfinity; }
  float other(uint32_t n) const { return reached(n) ? labels_[n].other : kInfinity; }
  int32_t source(uint32_t n) const { return reached(n) ? labels_[n].source : -1; }
  // Nodes settled by the last Run, in order of cost.
  std::span<const uint32_t> settled() const { return settled_; }

 private:
  // Radix heap: a monotone priority queue (Dijkstra never pops a key below the last popped).
  // Keys are non-negative floats, whose bit patterns order like unsigned integers. Push is O(1),
  // pop amortised O(log range); entries are (key bits, node), duplicates allowed (stale entries
  // are skipped when popped).
  class RadixHeap {
   public:
    void Clear();
    bool Empty() const { return size_ == 0; }
    void Push(uint32_t key, uint32_t node);
    // Removes and returns an entry with the least key.
    std::pair<uint32_t, uint32_t> Pop();

   private:
    static int Bucket(uint32_t key, uint32_t last) {
      return key == last ? 0 : 32 - __builtin_clz(key ^ last);
    }
    std::vector<std::pair<uint32_t, uint32_t>> buckets_[33];
    uint32_t last_ = 0;
    size_t size_ = 0;
  };
  bool Improve(uint32_t node, float cost, float other, int32_t source);

  // One node's label, together in one cache line's worth. stamp = 2 x generation of the search
  // that labelled it, + 1 once settled: no per-search reset of the arrays.
  struct Label {
    float cost;
    float other;
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
