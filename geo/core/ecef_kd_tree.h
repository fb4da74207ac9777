#ifndef CAREREACH_GEO_CORE_ECEF_KD_TREE_H_
#define CAREREACH_GEO_CORE_ECEF_KD_TREE_H_

#include <cstddef>
#include <cstdint>
#include <nanoflann.hpp>
#include <utility>
#include <vector>

#include "geo/core/geodesic.h"

namespace carereach::geo {

// A k-d tree (nanoflann) over earth-centred (ECEF) points. Distances are chords, which never
// exceed the geodesic, so a chord search is a safe first cut for geodesic questions (the callers
// then measure the few hits geodesically). The one adaptor shared by the nearest-facility index,
// the road snap index and the catchments. Immutable once built: queries are thread-safe. Neither
// copyable nor movable (nanoflann keeps a reference to the points).
class EcefKdTree {
 public:
  explicit EcefKdTree(std::vector<Ecef> points)
      : cloud_{std::move(points)},
        index_(3, cloud_, nanoflann::KDTreeSingleIndexAdaptorParams(16)) {}
  EcefKdTree(const EcefKdTree&) = delete;
  EcefKdTree& operator=(const EcefKdTree&) = delete;

  size_t size() const { return cloud_.points.size(); }

  // The up to `k` nearest points by chord, nearest first: fills `indices` and `chord_sq`
  // (squared metres), each of room for k, and returns how many were found.
  size_t Nearest(const Ecef& q, size_t k, uint32_t* indices, double* chord_sq) const {
    const double query[3] = {q.x, q.y, q.z};
    return index_.knnSearch(query, k, indices, chord_sq);
  }

  // Every point within `radius_meters` (chord) of `q`, unsorted, as (index, squared chord).
  std::vector<std::pair<uint32_t, double>> WithinRadius(const Ecef& q, double radius_meters) const {
    const double query[3] = {q.x, q.y, q.z};
    std::vector<std::pair<uint32_t, double>> hits;
    index_.radiusSearch(query, radius_meters * radius_meters, hits,
                        nanoflann::SearchParams(32, 0.0f, false));
    return hits;
  }

 private:
  // nanoflann's dataset adaptor.
  struct Cloud {
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
  using Index = nanoflann::KDTreeSingleIndexAdaptor<nanoflann::L2_Simple_Adaptor<double, Cloud>,
                                                    Cloud, 3, uint32_t>;

  Cloud cloud_;
  Index index_;
};

}  // namespace carereach::geo

#endif  // CAREREACH_GEO_CORE_ECEF_KD_TREE_H_
