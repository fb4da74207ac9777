#ifndef CAREREACH_GEO_ACCESS_ALLIANCE_H_
#define CAREREACH_GEO_ACCESS_ALLIANCE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "geo/access/adequacy.h"
#include "geo/access/coverage.h"
#include "geo/access/region.h"
#include "geo/core/deadline.h"
#include "geo/io/cms.h"

namespace carereach::access {

// Alliances of health systems (e.g. Ascension + Trinity Health in Michigan): what the union of
// the members' networks covers, what each member adds, and what the alliance would lose if a
// member left. Stateless functions over immutable inputs: safe to call from any number of
// threads at once.

// Answers carry one summary per member for "alone" and "without", so their size grows with the
// member count; past this, RESOURCE_EXHAUSTED.
inline constexpr int32_t kMaxAllianceMembers = 64;

struct AllianceMember {
  std::string name;  // unique within the alliance, at most 128 bytes
  // Ids unique within the member; the same facility (a shared hospital) may belong to several.
  std::vector<Facility> facilities;
};

struct AllianceCoverageRequest {
  std::vector<AllianceMember> members;  // 2 to kMaxAllianceMembers
  std::vector<Threshold> thresholds;    // in answer order
  TravelModel travel;
  geo::Deadline deadline;
};

struct AllianceCoverageAnswer {
  CoverageSummary alliance;              // the union of all members' facilities
  std::vector<CoverageSummary> alone;    // per member: its own facilities only
  std::vector<CoverageSummary> without;  // per member: the union of the other members
  // Per member and threshold, in population. loss_if_leaves = alliance - without: the residents
  // whom only this member covers within the threshold (a facility shared with a member who
  // stays protects them). gain_by_joining = alliance - alone.
  std::vector<std::vector<int64_t>> loss_if_leaves;   // [member][threshold]
  std::vector<std::vector<int64_t>> gain_by_joining;  // [member][threshold]
  // Per member and threshold, in population: the member's fair (Shapley) share of what the
  // alliance covers. A resident whom k members' own facilities cover within the threshold counts
  // 1/k to each of them; this is the Shapley value of the game "residents the members of S cover
  // together", so over the members it sums to the alliance's covered population. It lies between
  // loss_if_leaves (residents only this member covers) and the member's own covered population.
  std::vector<std::vector<double>> fair_share_population;  // [member][threshold]
  // Drive mode, per member: indices into that member's facilities of those off the roads.
  std::vector<std::vector<int32_t>> unsnapped_facilities;
  // The union's travel, one per region unit; UnitTravel::facility indexes the concatenation of
  // the members' facility lists (member 0's first), -1 when none was reached.
  std::vector<UnitTravel> travel;
};

// Validates `request` (INVALID_ARGUMENT with field paths such as "members[1].name: ..." and
// "members[0].facilities[3].location.lat: ..."; RESOURCE_EXHAUSTED past `limits`, which bound
// the members' facilities together) and computes the alliance's coverage. Each member's travel
// is computed once; the union and every "without" are per-unit minima over those, so the cost
// is that of K coverage computations, not 2K+1. In drive mode minutes and miles are minimised
// independently (fastest time and shortest distance, as DriveTravel reports them). Drive mode
// needs `drive`; without it FAILED_PRECONDITION. DEADLINE_EXCEEDED once request.deadline passes,
// CANCELLED once its caller has gone.
absl::StatusOr<AllianceCoverageAnswer> ComputeAllianceCoverage(
    const Region& region, const DriveRegion* drive, const AllianceCoverageRequest& request,
    const CoverageLimits& limits);

struct AllianceAdequacyRequest {
  std::vector<std::string> member_names;                     // 2 to kMaxAllianceMembers, unique
  std::vector<std::vector<NetworkProvider>> member_rosters;  // one non-empty roster per name
  AdequacyRequest base;  // everything but the roster, which is built here from the members'
};

// One county x specialty type.
struct AllianceAdequacyRow {
  CountySpecialtyResult alliance;     // the union roster's result
  std::vector<bool> alone_pass;       // per member: its own roster only
  std::vector<bool> without_pass;     // per member: the union of the others' rosters
  std::vector<double> without_share;  // per member: share with access without it
  // Members whose leaving turns this row from pass to fail, in member order.
  std::vector<int32_t> critical_members;
};

struct AllianceAdequacySummary {
  AdequacySummary alliance;
  std::vector<int32_t> alone_passing;    // per member: passing rows of its own roster
  std::vector<int32_t> without_passing;  // per member: passing rows of the others' union
};

// Evaluates the union roster, each member's roster alone and the union of the others (2K+1
// runs of EvaluateAdequacy, joined by county and specialty type) and hands each row to `emit` in
// EvaluateAdequacy's order; CANCELLED when `emit` returns false. Provider ids shared between
// members count once in the union, as within one roster. Roster errors name the member:
// "member_rosters[1].providers[3].specialty_code: ...".
absl::StatusOr<AllianceAdequacySummary> EvaluateAllianceAdequacy(
    const Region& region, const DriveRegion* drive, const io::StandardsSet& standards,
    const absl::flat_hash_set<std::string>& telehealth_eligible,
    const AllianceAdequacyRequest& request,
    const std::function<bool(const AllianceAdequacyRow&)>& emit);

// One network or an alliance, as one question: a single member is plain coverage
// (access::ComputeCoverage, with its field paths "facilities[3]..."), whose answer has the union
// summary, the travel and member 0's unsnapped facilities but no alone/without parts; several
// members are ComputeAllianceCoverage.
absl::StatusOr<AllianceCoverageAnswer> ComputeNetworkCoverage(
    const Region& region, const DriveRegion* drive, const AllianceCoverageRequest& request,
    const CoverageLimits& limits);

// Likewise for adequacy: one roster is plain EvaluateAdequacy (roster errors name
// "providers[3]..."; rows and summary carry no member parts), several are
// EvaluateAllianceAdequacy.
absl::StatusOr<AllianceAdequacySummary> EvaluateNetworkAdequacy(
    const Region& region, const DriveRegion* drive, const io::StandardsSet& standards,
    const absl::flat_hash_set<std::string>& telehealth_eligible,
    const AllianceAdequacyRequest& request,
    const std::function<bool(const AllianceAdequacyRow&)>& emit);

}  // namespace carereach::access

#endif  // CAREREACH_GEO_ACCESS_ALLIANCE_H_
