#ifndef CAREREACH_GEO_CORE_NEAREST_FACILITY_INDEX_H_
#define CAREREACH_GEO_CORE_NEAREST_FACILITY_INDEX_H_

#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <vector>

#include "geo/core/deadline.h"
#include "geo/core/lon_lat.h"

namespace carereach::geo {

class EcefKdTree;

// Exact nearest-point queries by geodesic distance on the WGS84 ellipsoid.
//
// A k-d tree (nanoflann) over earth-centred (ECEF) coordinates finds the nearest point by chord
// length; because a chord never exceeds the geodesic, every point geodesically nearer than that
// candidate lies within a chord radius of the candidate's geodesic distance, and only those few
// are measured exactly. Built once per point set, O(n log n).
//
// Thread safety: immutable after construction; Nearest() may be called from many threads.
class NearestFacilityIndex {
 public:
  struct Hit {
    // Index into the points given at construction; -1 when the index is empty.
    int32_t index = -1;
    double meters = std::numeric_limits<double>::infinity();
    // True when `stop` stopped the query before it finished (index and meters are then
    // meaningless).
    bool stopped = false;
  };

  explicit NearestFacilityIndex(std::span<const LonLat> points);
  ~NearestFacilityIndex();
  NearestFacilityIndex(const NearestFacilityIndex&) = delete;
  NearestFacilityIndex& operator=(const NearestFacilityIndex&) = delete;

  // The geodesically nearest point to `p`; ties go to the lower index. With `stop`, a query
  // that has many candidates to measure (points stacked around the same place) looks at it every
  // few hundred candidates and gives up (Hit::stopped) once it has stopped.
  Hit Nearest(LonLat p, const Deadline* stop = nullptr) const;

  size_t size() const { return points_.size(); }

 private:
  std::vector<LonLat> points_;
  std::unique_ptr<EcefKdTree> tree_;
};

}  // namespace carereach::geo

#endif  // CAREREACH_GEO_CORE_NEAREST_FACILITY_INDEX_H_
