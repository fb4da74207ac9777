#include "geo/core/nearest_facility_index.h"

#include <utility>

#include "geo/core/ecef_kd_tree.h"
#include "geo/core/geodesic.h"

namespace carereach::geo {

NearestFacilityIndex::NearestFacilityIndex(std::span<const LonLat> points)
    : points_(points.begin(), points.end()) {
  std::vector<Ecef> ecef;
  ecef.reserve(points_.size());
  for (const LonLat& p : points_) ecef.push_back(ToEcef(p));
  tree_ = std::make_unique<EcefKdTree>(std::move(ecef));
}

NearestFacilityIndex::~NearestFacilityIndex() = default;

NearestFacilityIndex::Hit NearestFacilityIndex::Nearest(LonLat p, const Deadline* stop) const {
  // Candidates measured between two looks at `stop` (each a geodesic: about a microsecond).
  constexpr size_t kCandidatesPerCheck = 256;
  Hit best;
  if (points_.empty()) return best;
  const Ecef q = ToEcef(p);

  uint32_t chord_nearest = 0;
  double chord_sq = 0.0;
  tree_->Nearest(q, 1, &chord_nearest, &chord_sq);
  best.index = static_cast<int32_t>(chord_nearest);
  best.meters = GeodesicMeters(p, points_[chord_nearest]);

  // Any point geodesically nearer than `best` has a chord shorter than best.meters. The margin
  // covers floating-point rounding in the ECEF conversion (well under a millimetre).
  const double radius = best.meters * (1.0 + 1e-9) + 1e-3;
  const std::vector<std::pair<uint32_t, double>> candidates = tree_->WithinRadius(q, radius);
  for (size_t c = 0; c < candidates.size(); ++c) {
    const uint32_t i = candidates[c].first;
    if (stop != nullptr && (c + 1) % kCandidatesPerCheck == 0 && stop->Stopped()) {
      best.stopped = true;
      return best;
    }
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
