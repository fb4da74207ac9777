#ifndef CAREREACH_TESTS_GEO_ROUTING_SNAP_INDEX_REFERENCE_H_
#define CAREREACH_TESTS_GEO_ROUTING_SNAP_INDEX_REFERENCE_H_

// Test-only: a verbatim copy of the snap index as it was before the flat k-d tree (nanoflann's
// k-d tree over double ECEF midpoints, via geo::EcefKdTree), so that snap_index_test can check
// that the flat tree gives identical answers. Delete one release after the switch.
#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "geo/core/ecef_kd_tree.h"
#include "geo/core/geodesic.h"
#include "geo/roads/road_graph.h"
#include "geo/routing/snap_index.h"

namespace carereach::routing::reference {

class ReferenceSnapIndex {
 public:
  static constexpr double kPieceMeters = 100.0;
  explicit ReferenceSnapIndex(const roads::RoadGraph& graph);
  std::optional<Snap> Nearest(geo::LonLat p, double max_meters) const;
  size_t piece_count() const { return pieces_.size(); }

 private:
  struct Piece {
    uint32_t segment;
    uint32_t shape_index;
    float t0, t1;
  };
  const roads::RoadGraph& graph_;
  double min_lon_ = 0, max_lon_ = 0, min_lat_ = 0, max_lat_ = 0;
  std::vector<Piece> pieces_;
  std::unique_ptr<geo::EcefKdTree> tree_;
};

namespace reference_detail {

struct Vec3 {
  double x, y, z;
};
inline Vec3 ToVec(geo::LonLat p) {
  const geo::Ecef e = geo::ToEcef(p);
  return {e.x, e.y, e.z};
}
inline Vec3 Lerp(const Vec3& a, const Vec3& b, double t) {
  return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, a.z + (b.z - a.z) * t};
}
inline double Dot(const Vec3& a, const Vec3& b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
inline Vec3 Sub(const Vec3& a, const Vec3& b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }

}  // namespace reference_detail

// The piece midpoints' k-d tree.

inline ReferenceSnapIndex::ReferenceSnapIndex(const roads::RoadGraph& graph) : graph_(graph) {
  using namespace reference_detail;  // NOLINT
  std::vector<geo::Ecef> midpoints;
  min_lon_ = min_lat_ = INFINITY;
  max_lon_ = max_lat_ = -INFINITY;
  for (uint32_t s = 0; s < graph.segments.size(); ++s) {
    if (!(graph.segments[s].flags & roads::Segment::kSnappable)) continue;
    const roads::Segment& seg = graph.segments[s];
    for (uint32_t i = seg.shape_begin; i + 1 < seg.shape_end; ++i) {
      const double length = graph.shape_meters[i + 1] - graph.shape_meters[i];
      const int parts = std::max(1, static_cast<int>(std::ceil(length / kPieceMeters)));
      const Vec3 a = ToVec(graph.shape[i].ToLonLat()), b = ToVec(graph.shape[i + 1].ToLonLat());
      for (const roads::Coord& c : {graph.shape[i], graph.shape[i + 1]}) {
        const geo::LonLat p = c.ToLonLat();
        min_lon_ = std::min(min_lon_, p.lon);
        max_lon_ = std::max(max_lon_, p.lon);
        min_lat_ = std::min(min_lat_, p.lat);
        max_lat_ = std::max(max_lat_, p.lat);
      }
      for (int k = 0; k < parts; ++k) {
        const float t0 = static_cast<float>(k) / parts, t1 = static_cast<float>(k + 1) / parts;
        pieces_.push_back({s, i - seg.shape_begin, t0, t1});
        const Vec3 m = Lerp(a, b, 0.5 * (t0 + t1));
        midpoints.push_back({m.x, m.y, m.z});
      }
    }
  }
  tree_ = std::make_unique<geo::EcefKdTree>(std::move(midpoints));
}

inline std::optional<Snap> ReferenceSnapIndex::Nearest(geo::LonLat p, double max_meters) const {
  using namespace reference_detail;  // NOLINT
  if (pieces_.empty()) return std::nullopt;
  // Far outside the roads' box: a degree of latitude is >= 110.5 km, and a degree of longitude
  // >= 110.5 km x cos(lat) (checked only away from the poles and the antimeridian).
  const double margin_lat = max_meters / 110000.0 + 1e-6;
  if (p.lat < min_lat_ - margin_lat || p.lat > max_lat_ + margin_lat) return std::nullopt;
  const double widest_lat =
      std::max(std::abs(min_lat_ - margin_lat), std::abs(max_lat_ + margin_lat));
  const double cos_lat = std::cos(std::min(widest_lat, 90.0) * M_PI / 180);
  if (cos_lat > 0.1 && max_lon_ - min_lon_ < 180) {
    // 1.5: a geodesic between two latitudes is a little shorter than the parallels suggest.
    const double margin_lon = 1.5 * margin_lat / cos_lat;
    if (p.lon < min_lon_ - margin_lon || p.lon > max_lon_ + margin_lon) return std::nullopt;
  }
  const Vec3 q = ToVec(p);
  const geo::Ecef query{q.x, q.y, q.z};

  struct Best {
    double chord = INFINITY;
    uint32_t piece = 0;
    double t = 0;  // parameter on the piece's shape edge
  } best;
  const auto measure = [&](uint32_t index) {
    const Piece& piece = pieces_[index];
    const roads::Segment& seg = graph_.segments[piece.segment];
    const uint32_t i = seg.shape_begin + piece.shape_index;
    const Vec3 a = ToVec(graph_.shape[i].ToLonLat()), b = ToVec(graph_.shape[i + 1].ToLonLat());
    const Vec3 ab = Sub(b, a);
    const double len2 = Dot(ab, ab);
    double t = len2 > 0 ? Dot(Sub(q, a), ab) / len2 : 0.0;
    t = std::clamp(t, static_cast<double>(piece.t0), static_cast<double>(piece.t1));
    const Vec3 d = Sub(q, Lerp(a, b, t));
    const double chord = std::sqrt(Dot(d, d));
    if (chord < best.chord || (chord == best.chord && index < best.piece)) best = {chord, index, t};
  };

  constexpr size_t kFirstLook = 8;
  uint32_t nearest[kFirstLook];
  double nearest_sq[kFirstLook];
  const size_t found = tree_->Nearest(query, kFirstLook, nearest, nearest_sq);
  for (size_t k = 0; k < found; ++k) measure(nearest[k]);
  // A piece nearer than `best` has its midpoint within best + half a piece of the point.
  const double radius = best.chord + kPieceMeters / 2 + 1.0;
  // Every piece is at least (nearest midpoint - half a piece) away, and a chord never exceeds
  // the geodesic: past max_meters there is nothing to find.
  if (std::sqrt(nearest_sq[0]) - kPieceMeters / 2 > max_meters) return std::nullopt;
  for (const auto& [index, unused] : tree_->WithinRadius(query, radius)) measure(index);

  const Piece& piece = pieces_[best.piece];
  const roads::Segment& seg = graph_.segments[piece.segment];
  const uint32_t i = seg.shape_begin + piece.shape_index;
  const geo::LonLat a = graph_.shape[i].ToLonLat(), b = graph_.shape[i + 1].ToLonLat();
  Snap snap;
  snap.segment = piece.segment;
  snap.on_road = {a.lon + (b.lon - a.lon) * best.t, a.lat + (b.lat - a.lat) * best.t};
  snap.snap_meters = geo::GeodesicMeters(p, snap.on_road);
  if (snap.snap_meters > max_meters) return std::nullopt;
  const double along =
      graph_.shape_meters[i] + (graph_.shape_meters[i + 1] - graph_.shape_meters[i]) * best.t;
  snap.fraction = seg.meters > 0 ? std::clamp(along / seg.meters, 0.0, 1.0) : 0.0;
  return snap;
}

}  // namespace carereach::routing::reference

#endif  // CAREREACH_TESTS_GEO_ROUTING_SNAP_INDEX_REFERENCE_H_
