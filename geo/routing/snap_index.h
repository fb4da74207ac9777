#ifndef CAREREACH_GEO_ROUTING_SNAP_INDEX_H_
#define CAREREACH_GEO_ROUTING_SNAP_INDEX_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

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
// go into a k-d tree (ECEF); a query takes the nearest few midpoints, measures those pieces
// exactly, then every piece whose midpoint lies within that distance plus half a piece: nothing
// nearer can be missed.
// Thread safety: immutable after construction; Nearest() may be called concurrently. The graph
// must outlive the index.
class SnapIndex {
 public:
  static constexpr double kPieceMeters = 100.0;

  explicit SnapIndex(const roads::RoadGraph& graph);
  ~SnapIndex();
  SnapIndex(const SnapIndex&) = delete;
  SnapIndex& operator=(const SnapIndex&) = delete;

  // The nearest point on a snappable segment, if one lies within `max_meters`.
  std::optional<Snap> Nearest(geo::LonLat p, double max_meters) const;

  size_t piece_count() const { return pieces_.size(); }

 private:
  struct Piece {
    uint32_t segment;
    uint32_t shape_index;  // the piece lies on shape[shape_index] .. shape[shape_index + 1]
    float t0, t1;          // the piece's span on that shape edge, as parameters in [0, 1]
  };
  struct Tree;
  const roads::RoadGraph& graph_;
  // Bounding box of the snappable roads (degrees), to turn away far points without a search.
  double min_lon_ = 0, max_lon_ = 0, min_lat_ = 0, max_lat_ = 0;
  std::vector<Piece> pieces_;
  std::unique_ptr<Tree> tree_;
};

}  // namespace carereach::routing

#endif  // CAREREACH_GEO_ROUTING_SNAP_INDEX_H_
