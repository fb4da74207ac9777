#ifndef CAREREACH_GEO_ACCESS_EXCEPTION_EVIDENCE_H_
#define CAREREACH_GEO_ACCESS_EXCEPTION_EVIDENCE_H_

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
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

// The evidence of every failing result of one evaluation over `region`: the supply rows of the
// result's specialty type (EvaluatedAs) whose id is not in `network_ids`, travel as in the
// evaluation (`travel`; drive mode needs `drive`). The supply is checked once, and the supply's
// catchments are computed once per type and standard (and per type and "near" bound) and kept:
// per supply row, only the counties reached and the nearest point of each. Results sharing a
// standard (most counties of a designation) cost a lookup. Not thread-safe (the cache); the
// region, drive region, standards and supply must outlive it (the network ids are copied).
class ExceptionEvidenceFinder {
 public:
  // INVALID_ARGUMENT for a supply row that is not a valid roster row ("supply[3].specialty_code:
  // ..."), or max_listed outside [1, 100].
  static absl::StatusOr<ExceptionEvidenceFinder> Make(
      const Region& region, const DriveRegion* drive, const io::StandardsSet& standards,
      std::span<const NetworkProvider> supply, absl::flat_hash_set<std::string> network_ids,
      const TravelModel& travel, int max_listed, const geo::Deadline& deadline);

  // The evidence for `failing`, a result of the evaluation.
  absl::StatusOr<ExceptionEvidence> ForFailingResult(const CountySpecialtyResult& failing);

 private:
  // Per supply row of a type, the counties its catchment reaches under one bound: (county,
  // minutes and miles to its nearest point by time), sorted by county.
  struct CountyReach {
    int32_t county = 0;
    float minutes = 0;
    float miles = 0;
  };
  using Reaches = std::vector<std::vector<CountyReach>>;
  struct TypeSupply {
    std::vector<size_t> rows;  // supply rows of the type whose id is not in the network
    std::vector<geo::LonLat> points;
  };

  ExceptionEvidenceFinder(const Region& region, const DriveRegion* drive,
                          const io::StandardsSet& standards,
                          std::span<const NetworkProvider> supply,
                          absl::flat_hash_set<std::string> network_ids, const TravelModel& travel,
                          int max_listed, const geo::Deadline& deadline)
      : region_(&region),
        drive_(drive),
        standards_(&standards),
        supply_(supply),
        network_ids_(std::move(network_ids)),
        travel_(travel),
        max_listed_(max_listed),
        deadline_(deadline) {}
  const TypeSupply& SupplyOf(const std::string& type);
  absl::StatusOr<const Reaches*> ReachesOf(const std::string& type, double max_minutes,
                                           double max_miles);

  const Region* region_;
  const DriveRegion* drive_;
  const io::StandardsSet* standards_;
  std::span<const NetworkProvider> supply_;
  absl::flat_hash_set<std::string> network_ids_;  // a copy: the finder outlives calls
  TravelModel travel_;
  int max_listed_;
  geo::Deadline deadline_;
  absl::flat_hash_map<std::string, TypeSupply> types_;
  // Keyed by (type, max_minutes, max_miles).
  std::map<std::tuple<std::string, double, double>, Reaches> reaches_;
};

// One failing result's evidence: ExceptionEvidenceFinder::Make, then ForFailingResult.
absl::StatusOr<ExceptionEvidence> EvidenceForFailingResult(
    const Region& region, const DriveRegion* drive, const io::StandardsSet& standards,
    const CountySpecialtyResult& failing, std::span<const NetworkProvider> supply,
    const absl::flat_hash_set<std::string>& network_ids, const TravelModel& travel, int max_listed,
    const geo::Deadline& deadline);

}  // namespace carereach::access

#endif  // CAREREACH_GEO_ACCESS_EXCEPTION_EVIDENCE_H_
