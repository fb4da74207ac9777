#ifndef CAREREACH_GEO_ACCESS_RECOMMEND_H_
#define CAREREACH_GEO_ACCESS_RECOMMEND_H_

#include <cstdint>
#include <limits>
#include <span>
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

// Recommended additions to a network: which candidate sites, added one at a time, cover the
// most residents (or beneficiaries) not yet covered. Stateless functions over immutable inputs:
// safe to call from any number of threads at once.
//
// The objective, the weight of the elements covered by the network plus the chosen candidates,
// is monotone and submodular (a candidate never adds more to a larger set), so the greedy choice
// -- each time the candidate with the largest marginal gain -- covers at least (1 - 1/e) ~ 63 %
// of the best possible gain of any k candidates (Nemhauser, Wolsey & Fisher 1978), and no
// polynomial algorithm does better in general unless P = NP (Feige 1998). Lazy evaluation
// (Minoux's accelerated greedy, "CELF") keeps each candidate's last gain as an upper bound in a
// priority queue and recomputes only the top until a fresh gain stays on top: by submodularity
// a stale bound never understates, so it makes exactly the picks of plain greedy (same ties)
// while recomputing a small fraction of the gains.

// A weighted maximum coverage instance. Views: the caller owns the data.
struct MaxCoverageProblem {
  std::span<const double> weights;  // per element (e.g. unit population), >= 0
  // Per element, non-zero when the current network already covers it; empty = none.
  std::span<const uint8_t> initially_covered;
  // The elements each candidate covers: indices into `weights`, each listed at most once.
  std::span<const std::vector<int32_t>> candidate_sets;
};

struct GreedyPick {
  int32_t candidate = -1;
  double gain = 0;   // weight newly covered by this pick
  double total = 0;  // covered weight after the pick, including the initially covered
};

inline constexpr double kNoTarget = std::numeric_limits<double>::infinity();

// Picks up to max_picks candidates, each time the one with the largest marginal gain (ties:
// lowest index), stopping early when the covered total reaches target_total (checked before
// each pick; kNoTarget for none) or when no candidate adds anything. Also stops, with the picks
// made so far, once `stop` has stopped (looked at before each pick); the caller turns that into
// its error with stop.Check().
std::vector<GreedyPick> LazyGreedyMaxCoverage(const MaxCoverageProblem& p, int32_t max_picks,
                                              double target_total = kNoTarget,
                                              const geo::Deadline& stop = geo::Deadline());
// The reference: plain greedy, recomputing every gain each round. Same contract and answers.
std::vector<GreedyPick> PlainGreedyMaxCoverage(const MaxCoverageProblem& p, int32_t max_picks,
                                               double target_total = kNoTarget);
// The best min(k, candidates) candidates by exhaustive enumeration (small instances only:
// C(n, k) subsets): returns their covered total (initially covered included) and sets *best
// (when not null) to them in increasing order, the lexicographically first among equals.
double ExhaustiveMaxCoverage(const MaxCoverageProblem& p, int32_t k, std::vector<int32_t>* best);

// Weight covered by the initially covered elements plus `chosen`, summed in element order.
double CoveredWeight(const MaxCoverageProblem& p, std::span<const int32_t> chosen);

// Which candidate facilities to add to a network to cover the most residents.
struct RecommendRequest {
  std::vector<Facility> network;     // current network, may be empty
  std::vector<Facility> candidates;  // the pool; one whose id is in the network is skipped
  TravelModel travel;
  // A resident is covered within both bounds of some one facility; a bound of 0 is unused (at
  // least one must be positive). Drive mode: minutes of the fastest route, miles of the shortest.
  double max_minutes = 0;
  double max_miles = 0;
  std::vector<std::string> county_fips;  // only residents of these counties count; empty: all
  int32_t max_picks = 10;                // [1, kMaxPicks]
  double target_share = 0;               // stop once the covered share reaches it; 0: no target
  geo::Deadline deadline;
};

inline constexpr int32_t kMaxPicks = 1000;

struct RecommendedPick {
  int32_t candidate = -1;         // index into RecommendRequest::candidates
  double gain_population = 0;     // residents newly covered by this pick
  double covered_population = 0;  // covered after the pick, network included
  double share = 0;               // covered_population / total_population
};

struct Recommendation {
  double total_population = 0;  // residents of the counted counties
  double base_covered_population = 0;
  double base_share = 0;
  std::vector<RecommendedPick> picks;         // in pick order
  bool target_met = false;                    // target_share > 0 and the final share reaches it
  std::vector<int32_t> skipped_candidates;    // candidates whose id is in the network
  std::vector<int32_t> unsnapped_candidates;  // drive mode: candidates off the roads
  std::vector<int32_t> unsnapped_network;     // drive mode: network facilities off the roads
  int32_t candidates_considered = 0;          // neither skipped nor unsnapped
};

// Validates `request` (INVALID_ARGUMENT with field paths: "candidates[3].location.lat: ...",
// "network[0].id: ...", "county_fips[1]: ..."; RESOURCE_EXHAUSTED when network and candidates
// together exceed limits.max_facilities), computes every facility's catchment once
// (FacilityCatchments) and picks greedily (LazyGreedyMaxCoverage) by residents gained. Drive mode
// needs `drive` (FAILED_PRECONDITION); DEADLINE_EXCEEDED once request.deadline passes, CANCELLED
// once its caller has gone.
absl::StatusOr<Recommendation> RecommendAdditions(const Region& region, const DriveRegion* drive,
                                                  const RecommendRequest& request,
                                                  const CoverageLimits& limits);

// Which candidate providers make one county x specialty type pass CMS network adequacy.
struct AdequacyRecommendRequest {
  std::vector<NetworkProvider> roster;      // the plan's current providers (any types)
  std::vector<NetworkProvider> candidates;  // the pool; rows of other types are skipped
  std::string county_fips;
  std::string specialty_code;  // a type ("S03", "011", "040"...) or a roster code ("001" = S03)
  TravelModel travel;
  int32_t max_picks = 10;  // [1, kMaxPicks]
  geo::Deadline deadline;
};

struct AdequacyPick {
  int32_t candidate = -1;           // index into AdequacyRecommendRequest::candidates
  double beneficiaries_gained = 0;  // newly within both standards
  double share_with_access = 0;     // after the pick, without the telehealth credit
  double telehealth_credit = 0;     // after the pick (a telehealth candidate can earn it)
  double counted = 0;               // toward the minimum number after the pick (beds for 040)
  bool pass = false;                // the county x type passes after the pick
};

struct AdequacyRecommendation {
  std::string county_fips;
  std::string county_name;
  std::string specialty_code;  // the evaluated type
  double max_minutes = 0, max_miles = 0;
  int64_t beneficiaries = 0;
  double required_share = 0;
  int32_t minimum_number = 0;
  // The roster as it stands (as EvaluateAdequacy reports it).
  double base_share_with_access = 0;
  double base_telehealth_credit = 0;
  double base_counted = 0;
  bool base_pass = false;
  std::vector<AdequacyPick> picks;            // in pick order
  bool pass = false;                          // after all picks
  std::vector<int32_t> skipped_other_type;    // candidates of another specialty type
  std::vector<int32_t> skipped_in_roster;     // candidates whose id is in the roster
  std::vector<int32_t> skipped_excluded;      // candidates that would not count (an exclusion)
  std::vector<int32_t> unsnapped_candidates;  // drive mode: candidates off the roads
  int32_t candidates_considered = 0;          // of the type, not in the roster, snapped
};

// Recommends candidates for one county x type. Beneficiaries are the county's CMS total spread
// over its units in proportion to population, as EvaluateAdequacy does; a beneficiary has access
// when a provider lies within both the county's time and distance standard for the type (drive
// mode: the fastest route within the time, its length within the distance, per provider).
// The network is the roster rows evaluated as the type (io::StandardsSet::EvaluatedAs). Picks
// are greedy by beneficiaries gained (lazy evaluation, ties to the lower index) until the time-
// distance share (with the telehealth credit) is met; then, while the minimum number is not,
// among candidates that serve the county (within both standards of one of its units; each adds
// 1, or its beds for "040", once per id) by beneficiaries gained, then count added, then index.
// Stops when the county x type passes, at max_picks, or when no candidate can help the failing
// criterion. INVALID_ARGUMENT with field paths ("candidates[2].specialty_code: ...",
// "roster[0].location.lat: ...", "county_fips: ..."); FAILED_PRECONDITION in drive mode without
// `drive`; DEADLINE_EXCEEDED once request.deadline passes, CANCELLED once its caller has gone.
absl::StatusOr<AdequacyRecommendation> RecommendForAdequacy(
    const Region& region, const DriveRegion* drive, const io::StandardsSet& standards,
    const absl::flat_hash_set<std::string>& telehealth_eligible,
    const AdequacyRecommendRequest& request);

}  // namespace carereach::access

#endif  // CAREREACH_GEO_ACCESS_RECOMMEND_H_
