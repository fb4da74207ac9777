#include "geo/core/nearest_facility_index.h"

#include <nanoflann.hpp>
#include <utility>

#include "geo/core/geodesic.h"

namespace carereach::geo {
namespace {

// nanoflann's dataset adaptor over a vector of ECEF points.
struct EcefCloud {
  std::vector<Ecef> points;

  size_t kdtree_get_point_count() const { return points.size(); }
  double kdtree_get_pt(size_t i, size_t dim) const {
    const Ecef& e = points[i];
    return dim == 0 ? e.x : (dim == 1 ? e.y : e.z);
  }
  template <class Bbox>
  bool kdtree_get_bbox(Bbox&) const {
    return false;
  }
};

using KdTree = nanoflann::KDTreeSingleIndexAdaptor<nanoflann::L2_Simple_Adaptor<double, EcefCloud>,
                                                   EcefCloud, 3, uint32_t>;

}  // namespace

struct NearestFacilityIndex::Tree {
  explicit Tree(EcefCloud c)
      : cloud(std::move(c)), index(3, cloud, nanoflann::KDTreeSingleIndexAdaptorParams(16)) {}
  EcefCloud cloud;
  KdTree index;
};

NearestFacilityIndex::NearestFacilityIndex(std::span<const LonLat> points)
    : points_(points.begin(), points.end()) {
  EcefCloud cloud;
  cloud.points.reserve(points_.size());
  for (const LonLat& p : points_) cloud.points.push_back(ToEcef(p));
  tree_ = std::make_unique<Tree>(std::move(cloud));
}

NearestFacilityIndex::~NearestFacilityIndex() = default;

NearestFacilityIndex::Hit NearestFacilityIndex::Nearest(LonLat p) const {
  Hit best;
  if (points_.empty()) return best;
  const Ecef q = ToEcef(p);
  const double query[3] = {q.x, q.y, q.z};

  uint32_t chord_nearest = 0;
  double chord_sq = 0.0;
  tree_->index.knnSearch(query, 1, &chord_nearest, &chord_sq);
  best.index = static_cast<int32_t>(chord_nearest);
  best.meters = GeodesicMeters(p, points_[chord_nearest]);

  // Any point geodesically nearer than `best` has a chord shorter than best.meters. The margin
  // covers floating-point rounding in the ECEF conversion (well under a millimetre).
  const double radius = best.meters * (1.0 + 1e-9) + 1e-3;
  std::vector<std::pair<uint32_t, double>> candidates;
  tree_->index.radiusSearch(query, radius * radius, candidates,
                            nanoflann::SearchParams(32, 0.0f, false));
  for (const auto& [i, unused_chord_sq] : candidates) {
    if (i == chord_nearest) continue;
    const double meters = GeodesicMeters(p, points_[i]);
    if (meters < best.meters || (meters == best.meters && static_cast<int32_t>(i) < best.index)) {
      best.index = static_cast<int32_t>(i);
      best.meters = meters;
    }
  }
  return best;
}

}  // namespace carereach::geo
