#ifndef CAREREACH_GEO_ACCESS_EXCEPTION_EVIDENCE_H_
#define CAREREACH_GEO_ACCESS_EXCEPTION_EVIDENCE_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "geo/access/adequacy.h"
#include "geo/access/region.h"
#include "geo/core/deadline.h"
#include "geo/io/cms.h"

namespace carereach::access {

// Exception evidence for a failing county x specialty type: when a network fails, a plan files
// an exception request showing whether other providers of the type are available within the
// standard (CMS MA network adequacy guidance, exceptions). The evidence is the supply outside
// the network: providers of the type in a supply roster whose id is not in the network.

// One supply provider near the county.
struct SupplyReach {
  size_t row = 0;  // index into the supply roster
  // To the county's nearest beneficiary point by time (drive: the fastest route and its
  // length; straight line: geodesic miles and the model's minutes).
  double minutes = 0;
  double miles = 0;
  // Within both the time and the distance standard of at least one point of the county: the
  // rule by which EvaluateAdequacy counts a provider toward the minimum number
  // (FacilityCatchments), so a provider within the standard would count if contracted.
  bool within_standard = false;
};

struct ExceptionEvidence {
  int32_t supply_of_type = 0;             // supply rows of the type whose id is not in the network
  int32_t available_within_standard = 0;  // distinct ids among them within the standard
  // The nearest supply providers: those within the standard first, then by minutes (reached
  // within 3 x the time standard, at most 24 hours), ties by row; at most `max_listed`.
  std::vector<SupplyReach> nearest;
  // "no provider available within the standard" or "N available, not contracted".
  std::string verdict;
};

inline constexpr int kDefaultEvidenceProviders = 5;
inline constexpr int kMaxEvidenceProviders = 100;

// The evidence for `failing` (a result EvaluateAdequacy gave over `region`): the supply rows of
// its specialty type (EvaluatedAs) whose id is not in `network_ids`. Travel as in the
// evaluation (`travel`; drive mode needs `drive`). INVALID_ARGUMENT for a supply row that is not
// a valid roster row ("supply[3].specialty_code: ..."), or max_listed outside [1, 100].
absl::StatusOr<ExceptionEvidence> EvidenceForFailingResult(
    const Region& region, const DriveRegion* drive, const io::StandardsSet& standards,
    const CountySpecialtyResult& failing, std::span<const NetworkProvider> supply,
    const absl::flat_hash_set<std::string>& network_ids, const TravelModel& travel, int max_listed,
    const geo::Deadline& deadline);

}  // namespace carereach::access

#endif  // CAREREACH_GEO_ACCESS_EXCEPTION_EVIDENCE_H_
