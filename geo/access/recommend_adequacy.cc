// Recommendations for CMS network adequacy (access::RecommendForAdequacy): which candidate
// providers make one county x specialty type pass.
#include <algorithm>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "geo/access/catchment.h"
#include "geo/access/recommend.h"
#include "geo/access/recommend_internal.h"
#include "geo/core/quote.h"
#include "geo/core/status_macros.h"

namespace carereach::access {

using internal::GreedyState;
using internal::Restrict;
using internal::Scope;
using internal::ValidateMaxPicks;

namespace {

constexpr double kTelehealthCredit = 0.10;  // as EvaluateAdequacy grants it
constexpr double kTolerance = 1e-9;

// The county x type an adequacy recommendation is for.
struct AdequacyTarget {
  std::string type_code;
  const io::SpecialtyType* type = nullptr;
  size_t county = 0;  // index into region.counties
  const io::CmsCounty* cms = nullptr;
  const io::CountyCriterion* criterion = nullptr;
};

absl::StatusOr<AdequacyTarget> TargetOf(const Region& region, const io::StandardsSet& standards,
                                        const AdequacyRecommendRequest& request) {
  AdequacyTarget t;
  t.type_code = standards.EvaluatedAs(request.specialty_code);
  t.type = standards.Specialty(t.type_code);
  if (t.type == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrFormat("specialty_code: %s is not a specialty type of %s",
                        QuoteForError(request.specialty_code), standards.name()));
  }
  const auto county_it =
      std::find_if(region.counties.begin(), region.counties.end(),
                   [&](const County& c) { return c.fips == request.county_fips; });
  if (county_it == region.counties.end()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "county_fips: \"%s\" is not a county of region %s", request.county_fips, region.name));
  }
  t.county = county_it - region.counties.begin();
  t.cms = standards.County(request.county_fips);
  t.criterion = t.cms == nullptr ? nullptr : standards.Criterion(request.county_fips, t.type_code);
  if (t.criterion == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrFormat("county_fips, specialty_code: %s sets no standard for %s x %s",
                        standards.name(), request.county_fips, t.type_code));
  }
  return t;
}

// The recommendation's county x type and its standards, before any pick.
AdequacyRecommendation AnswerFor(const Region& region, const AdequacyRecommendRequest& request,
                                 const AdequacyTarget& target) {
  AdequacyRecommendation answer;
  answer.county_fips = request.county_fips;
  answer.county_name = region.counties[target.county].name;
  answer.specialty_code = target.type_code;
  answer.max_minutes = target.criterion->max_minutes;
  answer.max_miles = target.criterion->max_miles;
  answer.beneficiaries = target.cms->total_beneficiaries;
  answer.required_share = io::RequiredShare(target.cms->designation);
  answer.minimum_number = target.criterion->minimum_number;
  return answer;
}

// The network (roster rows of the type) and the candidates of the type not in it, with their
// locations in that order; fills the answer's skipped candidates.
struct AdequacyPool {
  std::vector<size_t> network_rows;
  absl::flat_hash_set<std::string_view> network_ids;
  bool telehealth = false;  // a network row offers telehealth
  std::vector<int32_t> kept;
  std::vector<geo::LonLat> points;
};

AdequacyPool PoolOf(const io::StandardsSet& standards, const AdequacyRecommendRequest& request,
                    const std::string& type_code, AdequacyRecommendation* answer) {
  AdequacyPool pool;
  for (size_t r = 0; r < request.roster.size(); ++r) {
    if (standards.EvaluatedAs(request.roster[r].specialty_code) != type_code) continue;
    pool.network_ids.insert(request.roster[r].id);
    // A row that does not count (42 CFR 422.116(a)(3)) is in the network but never counted.
    if (!request.roster[r].exclusion.empty()) continue;
    pool.network_rows.push_back(r);
    pool.telehealth |= request.roster[r].telehealth;
  }
  for (size_t r : pool.network_rows) pool.points.push_back(request.roster[r].location);
  for (size_t c = 0; c < request.candidates.size(); ++c) {
    const NetworkProvider& p = request.candidates[c];
    if (standards.EvaluatedAs(p.specialty_code) != type_code) {
      answer->skipped_other_type.push_back(static_cast<int32_t>(c));
    } else if (pool.network_ids.contains(p.id)) {
      answer->skipped_in_roster.push_back(static_cast<int32_t>(c));
    } else if (!p.exclusion.empty()) {
      answer->skipped_excluded.push_back(static_cast<int32_t>(c));
    } else {
      pool.kept.push_back(static_cast<int32_t>(c));
      pool.points.push_back(p.location);
    }
  }
  return pool;
}

// The coverage problem of one county x type: residents weigh their population; those the
// network covers count from the start; a provider counts toward the minimum number once per id,
// when it serves the county.
struct AdequacyProblem {
  std::vector<double> weights;
  std::vector<uint8_t> covered;
  std::vector<std::vector<int32_t>> sets;  // per kept candidate
  absl::flat_hash_set<std::string_view> counted_ids;
  double counted = 0;
};

AdequacyProblem ProblemOf(const Region& units, const AdequacyRecommendRequest& request,
                          const io::SpecialtyType& type, const AdequacyPool& pool,
                          const std::vector<std::vector<UnitReach>>& catchments) {
  AdequacyProblem p;
  p.weights.resize(units.units.size());
  for (size_t i = 0; i < p.weights.size(); ++i) {
    p.weights[i] = static_cast<double>(units.units[i].population);
  }
  p.covered.assign(units.units.size(), 0);
  const size_t network_size = pool.network_rows.size();
  for (size_t k = 0; k < network_size; ++k) {
    const std::vector<UnitReach>& catchment = catchments[k];
    for (const UnitReach& r : catchment) p.covered[r.unit] = 1;
    const NetworkProvider& row = request.roster[pool.network_rows[k]];
    if (!catchment.empty() && p.counted_ids.insert(row.id).second) {
      p.counted += type.ratio_in_beds ? row.beds : 1.0;
    }
  }
  p.sets.resize(pool.kept.size());
  for (size_t k = 0; k < pool.kept.size(); ++k) {
    for (const UnitReach& r : catchments[network_size + k]) p.sets[k].push_back(r.unit);
  }
  return p;
}

// The greedy picks for one county x type, over `problem` (which it updates).
class AdequacyPicker {
 public:
  AdequacyPicker(const Region& units, const AdequacyRecommendRequest& request,
                 const io::SpecialtyType& type, const AdequacyPool& pool, bool eligible,
                 AdequacyProblem* problem, AdequacyRecommendation* answer)
      : units_(units),
        request_(request),
        type_(type),
        pool_(pool),
        eligible_(eligible),
        p_(*problem),
        answer_(*answer),
        max_coverage_{p_.weights, p_.covered, p_.sets},
        state_(max_coverage_),
        credit_(pool.telehealth && eligible ? kTelehealthCredit : 0.0) {}

  // Picks until the county x type passes, max_picks, or nothing left helps.
  absl::Status Run() {
    answer_.base_share_with_access = SharePassed();
    answer_.base_telehealth_credit = credit_;
    answer_.base_counted = p_.counted;
    answer_.base_pass = TimeDistancePass() && MinimumNumberPass();
    answer_.pass = answer_.base_pass;
    const double county_population = static_cast<double>(units_.total_population);
    while (!answer_.pass && static_cast<int32_t>(answer_.picks.size()) < request_.max_picks) {
      if (request_.deadline.Stopped()) {
        return request_.deadline.Error("recommendation",
                                       absl::StrFormat(" after %d picks", answer_.picks.size()));
      }
      const auto [best, best_gain] = Best();
      if (best < 0) break;  // nothing left helps the failing criterion
      p_.counted += CountAdded(best);
      const NetworkProvider& p = request_.candidates[pool_.kept[best]];
      if (!p_.sets[best].empty()) p_.counted_ids.insert(p.id);
      state_.Take(best, best_gain);
      if (p.telehealth && eligible_) credit_ = kTelehealthCredit;
      answer_.pass = TimeDistancePass() && MinimumNumberPass();
      answer_.picks.push_back(
          {pool_.kept[best],
           county_population > 0 ? best_gain / county_population * answer_.beneficiaries : 0.0,
           SharePassed(), credit_, p_.counted, answer_.pass});
    }
    return absl::OkStatus();
  }

 private:
  double SharePassed() const {
    return Share(static_cast<int64_t>(state_.total()), units_.total_population);
  }
  bool TimeDistancePass() const {
    return SharePassed() + credit_ >= answer_.required_share - kTolerance;
  }
  bool MinimumNumberPass() const { return p_.counted + kTolerance >= answer_.minimum_number; }
  // What candidate k adds toward the minimum number.
  double CountAdded(int32_t k) const {
    const NetworkProvider& p = request_.candidates[pool_.kept[k]];
    if (p_.sets[k].empty() || p_.counted_ids.contains(p.id)) return 0.0;
    return type_.ratio_in_beds ? p.beds : 1.0;
  }

  // The next pick: the most residents while time and distance fail; then the most residents
  // among candidates that add to the minimum number (ties: the larger count).
  std::pair<int32_t, double> Best() {
    if (!TimeDistancePass()) return state_.LazyBest();
    int32_t best = -1;
    double best_gain = 0, best_count = 0;
    for (int32_t k = 0; k < state_.candidate_count(); ++k) {
      if (state_.taken(k)) continue;
      const double count = CountAdded(k);
      if (count <= 0) continue;
      const double gain = state_.Gain(k);
      if (best < 0 || gain > best_gain || (gain == best_gain && count > best_count)) {
        best = k;
        best_gain = gain;
        best_count = count;
      }
    }
    return {best, best_gain};
  }

  const Region& units_;
  const AdequacyRecommendRequest& request_;
  const io::SpecialtyType& type_;
  const AdequacyPool& pool_;
  const bool eligible_;
  AdequacyProblem& p_;
  AdequacyRecommendation& answer_;
  const MaxCoverageProblem max_coverage_;
  GreedyState state_;
  double credit_;
};

}  // namespace

absl::StatusOr<AdequacyRecommendation> RecommendForAdequacy(
    const Region& region, const DriveRegion* drive, const io::StandardsSet& standards,
    const absl::flat_hash_set<std::string>& telehealth_eligible,
    const AdequacyRecommendRequest& request) {
  RETURN_IF_ERROR(ValidateRoster(request.roster, standards, "roster"));
  if (request.candidates.empty()) {
    return absl::InvalidArgumentError("candidates: at least one candidate is required");
  }
  RETURN_IF_ERROR(ValidateRoster(request.candidates, standards, "candidates"));
  ASSIGN_OR_RETURN(const AdequacyTarget target, TargetOf(region, standards, request));
  RETURN_IF_ERROR(ValidateMaxPicks(request.max_picks));
  RETURN_IF_ERROR(RequireRoads(request.travel, region, drive));
  std::vector<uint8_t> selected(region.counties.size(), 0);
  selected[target.county] = 1;
  const Scope scope = Restrict(region, drive, selected);

  AdequacyRecommendation answer = AnswerFor(region, request, target);
  const AdequacyPool pool = PoolOf(standards, request, target.type_code, &answer);
  // Both standards, per provider: the rule EvaluateAdequacy applies.
  const CatchmentParams params{.travel = request.travel,
                               .max_minutes = target.criterion->max_minutes,
                               .max_miles = target.criterion->max_miles,
                               .deadline = request.deadline};
  std::vector<int32_t> unsnapped;
  ASSIGN_OR_RETURN(const std::vector<std::vector<UnitReach>> catchments,
                   FacilityCatchments(scope.region, scope.has_drive ? &scope.drive : nullptr,
                                      pool.points, params, &unsnapped));
  for (int32_t f : unsnapped) {
    if (static_cast<size_t>(f) >= pool.network_rows.size()) {
      answer.unsnapped_candidates.push_back(pool.kept[f - pool.network_rows.size()]);
    }
  }
  answer.candidates_considered =
      static_cast<int32_t>(pool.kept.size() - answer.unsnapped_candidates.size());
  AdequacyProblem problem = ProblemOf(scope.region, request, *target.type, pool, catchments);
  AdequacyPicker picker(scope.region, request, *target.type, pool,
                        telehealth_eligible.contains(target.type_code), &problem, &answer);
  RETURN_IF_ERROR(picker.Run());
  return answer;
}

}  // namespace carereach::access
