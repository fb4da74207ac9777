#ifndef CAREREACH_GEO_ROUTING_PHAST_H_
#define CAREREACH_GEO_ROUTING_PHAST_H_

#include <cstdint>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "geo/core/deadline.h"
#include "geo/routing/ch_search.h"
#include "geo/routing/dijkstra.h"
#include "geo/routing/hierarchy.h"
#include "geo/routing/route_key.h"

namespace carereach::routing {

// The part of a hierarchy that a sweep must visit to label a fixed set of target nodes exactly
// (RPHAST, Delling, Goldberg, Werneck 2011): the closure of the targets under "tail of a down
// arc" (forward) or "head of an up arc" (backward), which only moves to more important ranks.
// It is compacted into its own CSR: local ids in rank order (most important first), the in-arcs
// of each selected node with their tails as local ids and the weights of both metrics copied, so
// a sweep reads nothing of the hierarchy. Immutable: build once, share const between threads.
// It refers to `hierarchy`, which must outlive it.
class TargetSelection {
 public:
  // Picks BuildByScan for large target sets and BuildBySearch for small ones. Targets are
  // RoadGraph node ids; ids outside the graph and duplicates are ignored.
  static TargetSelection Build(const Hierarchy& hierarchy, std::span<const uint32_t> target_nodes,
                               Direction direction);
  // Marks the targets, then one pass from the least important rank to the most important marks
  // the tails (heads) of every marked node: O(n + arcs of the selection).
  static TargetSelection BuildByScan(const Hierarchy& hierarchy,
                                     std::span<const uint32_t> target_nodes, Direction direction);
  // A depth-first search from the targets, then a sort of the visited ranks: O(S log S), nothing
  // proportional to the whole graph unless the selection is a sizeable part of it.
  static TargetSelection BuildBySearch(const Hierarchy& hierarchy,
                                       std::span<const uint32_t> target_nodes, Direction direction);

  uint32_t size() const { return static_cast<uint32_t>(rank_of_local_.size()); }
  Direction direction() const { return direction_; }
  const Hierarchy& hierarchy() const { return *hierarchy_; }
  // The local id of a RoadGraph node or of a rank, -1 when not selected.
  int32_t LocalOf(uint32_t node) const;
  int32_t LocalOfRank(uint32_t rank) const;
  uint32_t rank(uint32_t local) const { return rank_of_local_[local]; }
  uint32_t node(uint32_t local) const { return hierarchy_->node_of_rank[rank_of_local_[local]]; }

  // In-arcs of local l (in the sweep's direction): first()[l] .. first()[l + 1] index from() (a
  // smaller local id) and key(metric).
  std::span<const uint32_t> first() const { return first_; }
  std::span<const uint32_t> from() const { return from_; }
  std::span<const RouteKey> key(Metric metric) const {
    return metric == Metric::kSeconds ? std::span<const RouteKey>(time_key_)
                                      : std::span<const RouteKey>(distance_key_);
  }
  int64_t MemoryBytes() const;

 private:
  static TargetSelection FromRanks(const Hierarchy& hierarchy, std::vector<uint32_t> ranks,
                                   Direction direction);

  const Hierarchy* hierarchy_ = nullptr;
  Direction direction_ = Direction::kForward;
  std::vector<uint32_t> rank_of_local_;  // ascending
  // rank -> local, only when the selection is a sizeable share of the graph (otherwise a binary
  // search over rank_of_local_).
  std::vector<int32_t> local_of_rank_;
  std::vector<uint32_t> first_;  // size() + 1
  std::vector<uint32_t> from_;
  std::vector<RouteKey> time_key_, distance_key_;
};

// PHAST (Delling, Goldberg, Goldberg, Werneck 2011): one-to-all (or a TargetSelection's nodes)
// from many seeds: an upward search, then ONE pass over the ranks from the most important down,
// each node taking the least of its upward label and (forward) its down arcs' tails + weight or
// (backward) its up arcs' weight + heads. The labels equal Dijkstra's bit for bit: the least
// (key, source), and unreached (kUnreached, source -1) for every node whose key is above
// `bound_key`. Labels stay valid until the next Run(). Thread safety: one instance per thread
// (ThreadLocal()); the hierarchy and selections are shared const.
class Phast {
 public:
  explicit Phast(const Hierarchy& hierarchy);
  static Phast& ThreadLocal(const Hierarchy& hierarchy);

  // Every node. Stops with the deadline's error (looked at every 65,536 ranks of the sweep and
  // during the upward search).
  absl::Status Run(std::span<const Seed> seeds, Direction direction, Metric metric,
                   RouteKey bound_key, const geo::Deadline& deadline = {});
  // Only the nodes of `selection` (RPHAST with source ids); `direction` must be the selection's.
  absl::Status Run(const TargetSelection& selection, std::span<const Seed> seeds,
                   Direction direction, Metric metric, RouteKey bound_key,
                   const geo::Deadline& deadline = {});

  // By RoadGraph node (after a Run over a selection: kUnreached / -1 outside it).
  RouteKey key(uint32_t node) const;
  int32_t source(uint32_t node) const;
  bool reached(uint32_t node) const { return key(node) < kUnreached; }

  struct Label {
    RouteKey key;
    int32_t source;
  };

 private:
  const Hierarchy* hierarchy_;
  const TargetSelection* selection_ = nullptr;  // of the last Run, or null for every node
  std::vector<Label> labels_;                   // by rank, or by local id of selection_
};

// RPHAST for up to kColumns single-source searches at once over one TargetSelection: labels are
// row-major [local][kColumns] keys, each column filled by its own upward search, then one sweep
// takes the element-wise minimum over all columns per arc (one read of the arc arrays for eight
// sources). Keys only (a column has one source). Equal to Dijkstra's key from that column's
// seeds, kUnreached above `bound_key`. Thread safety: one instance per thread (ThreadLocal()).
class RphastBatch {
 public:
  static constexpr int kColumns = 8;

  explicit RphastBatch(const Hierarchy& hierarchy);
  static RphastBatch& ThreadLocal(const Hierarchy& hierarchy);

  // sources.size() <= kColumns (INVALID_ARGUMENT otherwise); column c = sources[c]. `direction`
  // must be the selection's.
  absl::Status Run(const TargetSelection& selection, std::span<const std::span<const Seed>> sources,
                   Direction direction, Metric metric, RouteKey bound_key,
                   const geo::Deadline& deadline = {});

  // The key of a RoadGraph node in `column` (kUnreached when it is not in the selection).
  RouteKey key(uint32_t target_node, int column) const;
  // The sweep kernel is vectorised (GCC vector extensions, one clone per instruction set);
  // true makes every RphastBatch use the portable scalar loop instead (tests compare the two).
  static void UsePortableSweepForTesting(bool portable);

  RouteKey local_key(uint32_t local, int column) const {
    return labels_[static_cast<size_t>(local) * kColumns + column];
  }

 private:
  const Hierarchy* hierarchy_;
  const TargetSelection* selection_ = nullptr;
  std::vector<RouteKey> labels_;
};

}  // namespace carereach::routing

#endif  // CAREREACH_GEO_ROUTING_PHAST_H_
