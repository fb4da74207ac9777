#ifndef CAREREACH_GEO_ROUTING_SNAP_INDEX_H_
#define CAREREACH_GEO_ROUTING_SNAP_INDEX_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "geo/core/huge_page_allocator.h"
#include "geo/core/lon_lat.h"
#include "geo/roads/road_graph.h"

namespace carereach::routing {

// Where a point joins the road network: the nearest point of the nearest snappable segment.
struct Snap {
  uint32_t segment = 0;
  // Position along the segment from its `from` node, as a share of its length, in [0, 1].
  // Speed is uniform along a segment, so it is also the share of its time.
  double fraction = 0;
  // Geodesic distance from the point to the road (the off-road leg), metres.
  double snap_meters = 0;
  geo::LonLat on_road;  // lon/lat of the joining point
};

// Nearest-segment queries. Segments are cut into pieces of at most kPieceMeters whose midpoints
// (ECEF) go into a k-d tree; a query takes the nearest few midpoints, measures those pieces
// exactly, then every piece whose midpoint lies within that distance plus half a piece: nothing
// nearer can be missed. Among pieces at the same distance the lower piece index (creation order:
// by segment, then along it) wins.
//
// The tree is flat and implicit, so that it can be written to and read from the graph cache as
// plain arrays (ForEachArray, Load): a balanced binary tree over the pieces in tree order, node i
// with children 2i+1 and 2i+2, each node splitting its range [lo, hi) at lo + (hi - lo) / 2 on
// one axis, down to leaves of at most kLeafSize pieces. Midpoints are stored as floats: they only
// preselect pieces (the search radius has kFloatSlackMeters more for their rounding); every
// candidate is measured in double from the road's shape.
// Thread safety: immutable after construction; Nearest() may be called concurrently. The graph
// must outlive the index.
class SnapIndex {
 public:
  static constexpr double kPieceMeters = 100.0;
  static constexpr uint32_t kLeafSize = 16;
  // More than the error of a float ECEF coordinate (< 0.25 m per axis below 8,388 km).
  static constexpr double kFloatSlackMeters = 2.0;

  struct Piece {
    uint32_t segment;
    uint32_t shape_index;  // the piece lies on shape[shape_index] .. shape[shape_index + 1]
    float t0, t1;          // the piece's span on that shape edge, as parameters in [0, 1]
  };
  struct SplitNode {
    float value;    // pieces left of the split have coordinate <= value, right ones >= value
    uint32_t axis;  // 0, 1, 2: ECEF x, y, z
  };
  // Everything the index holds, in the cache's file order (ForEachArray).
  struct Arrays {
    geo::BigVector<double> bounds;        // min_lon, max_lon, min_lat, max_lat of snappable roads
    geo::BigVector<Piece> pieces;         // creation order
    geo::BigVector<uint32_t> tree_piece;  // piece index per tree slot
    geo::BigVector<float> tree_xyz;       // midpoints in tree order, x y z per slot
    geo::BigVector<SplitNode> splits;     // internal nodes of the implicit tree
    template <typename Fn>
    void ForEachArray(Fn&& fn) {
      fn(bounds);
      fn(pieces);
      fn(tree_piece);
      fn(tree_xyz);
      fn(splits);
    }
  };

  // Builds the index of `graph` (in parallel on geo::WorkerPool::Shared()).
  explicit SnapIndex(const roads::RoadGraph& graph);
  // An index from arrays read from a file, after checking that they are consistent with each
  // other and with `graph` (sizes, indices, the tree's shape): INVALID_ARGUMENT (naming the
  // array) otherwise. A file's checksum is not enough: arrays from another build of the code
  // must never index out of bounds.
  static absl::StatusOr<std::unique_ptr<SnapIndex>> Load(const roads::RoadGraph& graph,
                                                         Arrays arrays);
  ~SnapIndex();
  SnapIndex(const SnapIndex&) = delete;
  SnapIndex& operator=(const SnapIndex&) = delete;

  // The nearest point on a snappable segment, if one lies within `max_meters`.
  std::optional<Snap> Nearest(geo::LonLat p, double max_meters) const;

  size_t piece_count() const { return a_.pieces.size(); }
  int64_t MemoryBytes() const;

  // Every array in file order: fn(const geo::BigVector<T>&).
  template <typename Fn>
  void ForEachArray(Fn&& fn) const {
    const_cast<Arrays&>(a_).ForEachArray([&](const auto& v) { fn(v); });
  }

  // Fingerprint of kPieceMeters, kLeafSize and the arrays' layout: cached arrays made with other
  // ones are rebuilt.
  static uint64_t ParamsFingerprint();

  // Internal nodes of the implicit tree over `pieces` pieces.
  static size_t SplitCount(size_t pieces);

 private:
  struct TreePoint {
    float xyz[3];
    uint32_t piece;
  };
  SnapIndex(const roads::RoadGraph& graph, Arrays arrays);
  // Orders `points` (one per piece) into tree order and fills splits, tree_piece, tree_xyz.
  void BuildTree(geo::BigVector<TreePoint>& points);

  const roads::RoadGraph& graph_;
  Arrays a_;
};

}  // namespace carereach::routing

#endif  // CAREREACH_GEO_ROUTING_SNAP_INDEX_H_
