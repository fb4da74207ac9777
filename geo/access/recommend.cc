#include "geo/access/recommend.h"

#include <algorithm>
#include <cmath>
#include <queue>
#include <string_view>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "geo/access/catchment.h"
#include "geo/core/status_macros.h"

namespace carereach::access {
namespace {

constexpr double kTelehealthCredit = 0.10;  // as EvaluateAdequacy grants it
constexpr double kTolerance = 1e-9;

// Covered elements and taken candidates of one greedy run, with the lazy priority queue.
class GreedyState {
 public:
  explicit GreedyState(const MaxCoverageProblem& p)
      : p_(p), covered_(p.weights.size(), 0), taken_(p.candidate_sets.size(), 0) {
    for (size_t e = 0; e < p.weights.size() && e < p.initially_covered.size(); ++e) {
      if (!p.initially_covered[e]) continue;
      covered_[e] = 1;
      total_ += p.weights[e];
    }
  }

  double total() const { return total_; }
  bool taken(int32_t c) const { return taken_[c]; }
  int32_t candidate_count() const { return static_cast<int32_t>(taken_.size()); }

  // Weight `c` would add now. Summed in the set's order, so that every caller gets the very same
  // double (lazy and plain greedy must agree exactly, ties included).
  double Gain(int32_t c) const {
    double gain = 0;
    for (int32_t e : p_.candidate_sets[c]) {
      if (!covered_[e]) gain += p_.weights[e];
    }
    return gain;
  }

  void Take(int32_t c, double gain) {
    taken_[c] = 1;
    for (int32_t e : p_.candidate_sets[c]) covered_[e] = 1;
    total_ += gain;
    ++round_;
  }

  // The untaken candidate with the largest gain (ties: lowest index), by lazy evaluation;
  // {-1, 0} when none adds anything. Gains only fall as coverage grows (submodularity), so a
  // gain computed in an earlier round is an upper bound, and an entry computed in this round
  // that reaches the top is the true maximum.
  std::pair<int32_t, double> LazyBest() {
    if (!queue_started_) {
      queue_started_ = true;
      for (int32_t c = 0; c < candidate_count(); ++c) {
        if (const double g = Gain(c); g > 0) queue_.push({g, c, round_});
      }
    }
    while (!queue_.empty()) {
      const Entry top = queue_.top();
      if (taken_[top.candidate]) {
        queue_.pop();
        continue;
      }
      if (top.round == round_) return {top.candidate, top.gain};
      queue_.pop();
      // Nothing is dropped that could gain again: a gain of 0 stays 0.
      if (const double g = Gain(top.candidate); g > 0) queue_.push({g, top.candidate, round_});
    }
    return {-1, 0.0};
  }

 private:
  struct Entry {
    double gain;
    int32_t candidate;
    int32_t round;  // when `gain` was computed
  };
  // Orders the queue: larger gain on top, then lower index.
  struct Below {
    bool operator()(const Entry& a, const Entry& b) const {
      return a.gain < b.gain || (a.gain == b.gain && a.candidate > b.candidate);
    }
  };

  const MaxCoverageProblem& p_;
  std::vector<uint8_t> covered_;
  std::vector<uint8_t> taken_;
  double total_ = 0;
  int32_t round_ = 0;
  bool queue_started_ = false;
  std::priority_queue<Entry, std::vector<Entry>, Below> queue_;
};

absl::Status ValidateMaxPicks(int32_t max_picks) {
  if (max_picks < 1 || max_picks > kMaxPicks) {
    return absl::InvalidArgumentError(
        absl::StrFormat("max_picks: %d is outside [1, %d]", max_picks, kMaxPicks));
  }
  return absl::OkStatus();
}

// The units of some counties as a region of their own (same county list, so unit_county stays
// valid), with their snaps: catchments then search only for the units that count.
struct Scope {
  Region region;
  DriveRegion drive;
  bool has_drive = false;
};
Scope Restrict(const Region& region, const DriveRegion* drive,
               const std::vector<uint8_t>& county_selected) {
  Scope scope;
  scope.region.name = region.name;
  scope.region.counties = region.counties;
  scope.has_drive = drive != nullptr;
  if (drive != nullptr) scope.drive.network = drive->network;
  for (size_t i = 0; i < region.units.size(); ++i) {
    if (!county_selected[region.unit_county[i]]) continue;
    scope.region.units.push_back(region.units[i]);
    scope.region.unit_county.push_back(region.unit_county[i]);
    scope.region.total_population += region.units[i].population;
    if (drive != nullptr) {
      scope.drive.unit_snaps.push_back(i < drive->unit_snaps.size() ? drive->unit_snaps[i]
                                                                    : std::nullopt);
    }
  }
  return scope;
}

}  // namespace

std::vector<GreedyPick> LazyGreedyMaxCoverage(const MaxCoverageProblem& p, int32_t max_picks,
                                              double target_total) {
  GreedyState state(p);
  std::vector<GreedyPick> picks;
  while (static_cast<int32_t>(picks.size()) < max_picks && state.total() < target_total) {
    const auto [c, gain] = state.LazyBest();
    if (c < 0) break;
    state.Take(c, gain);
    picks.push_back({c, gain, state.total()});
  }
  return picks;
}

std::vector<GreedyPick> PlainGreedyMaxCoverage(const MaxCoverageProblem& p, int32_t max_picks,
                                               double target_total) {
  GreedyState state(p);
  std::vector<GreedyPick> picks;
  while (static_cast<int32_t>(picks.size()) < max_picks && state.total() < target_total) {
    int32_t best = -1;
    double best_gain = 0;
    for (int32_t c = 0; c < state.candidate_count(); ++c) {
      if (state.taken(c)) continue;
      const double g = state.Gain(c);
      if (g > best_gain) {
        best = c;
        best_gain = g;
      }
    }
    if (best < 0) break;
    state.Take(best, best_gain);
    picks.push_back({best, best_gain, state.total()});
  }
  return picks;
}

double CoveredWeight(const MaxCoverageProblem& p, std::span<const int32_t> chosen) {
  std::vector<uint8_t> covered(p.weights.size(), 0);
  for (size_t e = 0; e < p.weights.size() && e < p.initially_covered.size(); ++e) {
    covered[e] = p.initially_covered[e] != 0;
  }
  for (int32_t c : chosen) {
    for (int32_t e : p.candidate_sets[c]) covered[e] = 1;
  }
  double total = 0;
  for (size_t e = 0; e < covered.size(); ++e) {
    if (covered[e]) total += p.weights[e];
  }
  return total;
}

double ExhaustiveMaxCoverage(const MaxCoverageProblem& p, int32_t k, std::vector<int32_t>* best) {
  const int32_t n = static_cast<int32_t>(p.candidate_sets.size());
  k = std::clamp(k, 0, n);
  // Subsets of exactly k: coverage never falls when a candidate is added, so they dominate.
  std::vector<int32_t> subset(k);
  for (int32_t i = 0; i < k; ++i) subset[i] = i;
  double best_total = -1;
  while (true) {
    if (const double total = CoveredWeight(p, subset); total > best_total) {
      best_total = total;
      if (best != nullptr) *best = subset;
    }
    // Next combination in lexicographic order.
    int32_t i = k - 1;
    while (i >= 0 && subset[i] == n - k + i) --i;
    if (i < 0) break;
    ++subset[i];
    for (int32_t j = i + 1; j < k; ++j) subset[j] = subset[j - 1] + 1;
  }
  return best_total;
}

namespace {

absl::Status ValidateRecommendRequest(const RecommendRequest& request,
                                      const CoverageLimits& limits) {
  if (!request.network.empty()) {
    RETURN_IF_ERROR(ValidateFacilities(request.network, limits, "network"));
  }
  RETURN_IF_ERROR(ValidateFacilities(request.candidates, limits, "candidates"));
  const size_t facility_count = request.network.size() + request.candidates.size();
  if (facility_count > static_cast<size_t>(limits.max_facilities)) {
    return absl::ResourceExhaustedError(
        absl::StrFormat("network, candidates: %d facilities exceed this server's limit of %d",
                        facility_count, limits.max_facilities));
  }
  if (!(request.max_minutes >= 0 && request.max_minutes <= limits.max_threshold_minutes)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "max_minutes: %g is outside [0, %g]", request.max_minutes, limits.max_threshold_minutes));
  }
  if (!(request.max_miles >= 0 && request.max_miles <= limits.max_threshold_miles)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "max_miles: %g is outside [0, %g]", request.max_miles, limits.max_threshold_miles));
  }
  if (request.max_minutes == 0 && request.max_miles == 0) {
    return absl::InvalidArgumentError(
        "max_minutes, max_miles: at least one bound must be positive");
  }
  RETURN_IF_ERROR(ValidateMaxPicks(request.max_picks));
  if (!(request.target_share >= 0 && request.target_share <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("target_share: %g is outside [0, 1]", request.target_share));
  }
  return absl::OkStatus();
}

// Per region county, whether its residents count: all when `fips` is empty.
absl::StatusOr<std::vector<uint8_t>> SelectedCounties(const Region& region,
                                                      const std::vector<std::string>& fips) {
  absl::flat_hash_map<std::string_view, size_t> county_index;
  for (size_t c = 0; c < region.counties.size(); ++c) county_index[region.counties[c].fips] = c;
  std::vector<uint8_t> selected(region.counties.size(), fips.empty() ? 1 : 0);
  for (size_t i = 0; i < fips.size(); ++i) {
    auto it = county_index.find(fips[i]);
    if (it == county_index.end()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "county_fips[%d]: \"%s\" is not a county of region %s", i, fips[i], region.name));
    }
    selected[it->second] = 1;
  }
  return selected;
}

// The catchments of the network, then of the candidates not already in it (`kept`: candidate
// index per candidate catchment); fills the answer's skipped and unsnapped candidates.
absl::StatusOr<std::vector<std::vector<UnitReach>>> RecommendCatchments(
    const Region& units, const DriveRegion* drive, const RecommendRequest& request,
    std::vector<int32_t>* kept, Recommendation* answer) {
  absl::flat_hash_map<std::string_view, int32_t> network_ids;
  for (const Facility& f : request.network) network_ids.emplace(f.id, 0);
  std::vector<geo::LonLat> points;
  for (const Facility& f : request.network) points.push_back(f.location);
  for (size_t c = 0; c < request.candidates.size(); ++c) {
    if (network_ids.contains(request.candidates[c].id)) {
      answer->skipped_candidates.push_back(static_cast<int32_t>(c));
      continue;
    }
    kept->push_back(static_cast<int32_t>(c));
    points.push_back(request.candidates[c].location);
  }
  const CatchmentParams params{.travel = request.travel,
                               .max_minutes = request.max_minutes,
                               .max_miles = request.max_miles,
                               .deadline = request.deadline};
  std::vector<int32_t> unsnapped;
  ASSIGN_OR_RETURN(std::vector<std::vector<UnitReach>> catchments,
                   FacilityCatchments(units, drive, points, params, &unsnapped));
  const size_t network_size = request.network.size();
  for (int32_t f : unsnapped) {
    if (static_cast<size_t>(f) < network_size) {
      answer->unsnapped_network.push_back(f);
    } else {
      answer->unsnapped_candidates.push_back((*kept)[f - network_size]);
    }
  }
  answer->candidates_considered =
      static_cast<int32_t>(kept->size() - answer->unsnapped_candidates.size());
  return catchments;
}

// Greedy picks over the catchments: residents weigh their population; the network's catchments
// are covered from the start.
void PickGreedily(const Region& units, const RecommendRequest& request,
                  const std::vector<std::vector<UnitReach>>& catchments,
                  const std::vector<int32_t>& kept, Recommendation* answer) {
  std::vector<double> weights(units.units.size());
  for (size_t i = 0; i < weights.size(); ++i) {
    weights[i] = static_cast<double>(units.units[i].population);
  }
  const size_t network_size = request.network.size();
  std::vector<uint8_t> covered(units.units.size(), 0);
  for (size_t f = 0; f < network_size; ++f) {
    for (const UnitReach& r : catchments[f]) covered[r.unit] = 1;
  }
  std::vector<std::vector<int32_t>> sets(kept.size());
  for (size_t k = 0; k < kept.size(); ++k) {
    for (const UnitReach& r : catchments[network_size + k]) sets[k].push_back(r.unit);
  }
  const MaxCoverageProblem problem{weights, covered, sets};
  const double total = static_cast<double>(units.total_population);
  answer->total_population = total;
  answer->base_covered_population = CoveredWeight(problem, {});
  answer->base_share = total > 0 ? answer->base_covered_population / total : 0.0;
  // The relative slack keeps a share that equals the target (0.9 x 3000) from missing it by
  // rounding.
  const double target_total =
      request.target_share > 0 ? request.target_share * total * (1 - 1e-12) : kNoTarget;
  for (const GreedyPick& g : LazyGreedyMaxCoverage(problem, request.max_picks, target_total)) {
    answer->picks.push_back(
        {kept[g.candidate], g.gain, g.total, total > 0 ? g.total / total : 0.0});
  }
  const double final_covered = answer->picks.empty() ? answer->base_covered_population
                                                     : answer->picks.back().covered_population;
  answer->target_met = request.target_share > 0 && final_covered >= target_total;
}

}  // namespace

absl::StatusOr<Recommendation> RecommendAdditions(const Region& region, const DriveRegion* drive,
                                                  const RecommendRequest& request,
                                                  const CoverageLimits& limits) {
  RETURN_IF_ERROR(ValidateRecommendRequest(request, limits));
  ASSIGN_OR_RETURN(const std::vector<uint8_t> selected,
                   SelectedCounties(region, request.county_fips));
  RETURN_IF_ERROR(RequireRoads(request.travel, region, drive));
  const bool whole_region =
      std::all_of(selected.begin(), selected.end(), [](uint8_t s) { return s != 0; });
  Scope scope;
  if (!whole_region) scope = Restrict(region, drive, selected);
  const Region& units = whole_region ? region : scope.region;
  const DriveRegion* unit_drive = whole_region ? drive : (scope.has_drive ? &scope.drive : nullptr);
  Recommendation answer;
  std::vector<int32_t> kept;  // candidate index per candidate catchment
  ASSIGN_OR_RETURN(const std::vector<std::vector<UnitReach>> catchments,
                   RecommendCatchments(units, unit_drive, request, &kept, &answer));
  PickGreedily(units, request, catchments, kept, &answer);
  return answer;
}

absl::StatusOr<AdequacyRecommendation> RecommendForAdequacy(
    const Region& region, const DriveRegion* drive, const io::StandardsSet& standards,
    const absl::flat_hash_set<std::string>& telehealth_eligible,
    const AdequacyRecommendRequest& request) {
  RETURN_IF_ERROR(ValidateRoster(request.roster, standards, "roster"));
  if (request.candidates.empty()) {
    return absl::InvalidArgumentError("candidates: at least one candidate is required");
  }
  RETURN_IF_ERROR(ValidateRoster(request.candidates, standards, "candidates"));
  const std::string type_code = standards.EvaluatedAs(request.specialty_code);
  const io::SpecialtyType* type = standards.Specialty(type_code);
  if (type == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrFormat("specialty_code: \"%s\" is not a specialty type of %s",
                        request.specialty_code, standards.name()));
  }
  const auto county_it =
      std::find_if(region.counties.begin(), region.counties.end(),
                   [&](const County& c) { return c.fips == request.county_fips; });
  if (county_it == region.counties.end()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "county_fips: \"%s\" is not a county of region %s", request.county_fips, region.name));
  }
  const io::CmsCounty* cms = standards.County(request.county_fips);
  const io::CountyCriterion* criterion =
      cms == nullptr ? nullptr : standards.Criterion(request.county_fips, type_code);
  if (criterion == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrFormat("county_fips, specialty_code: %s sets no standard for %s x %s",
                        standards.name(), request.county_fips, type_code));
  }
  RETURN_IF_ERROR(ValidateMaxPicks(request.max_picks));
  RETURN_IF_ERROR(RequireRoads(request.travel, region, drive));
  std::vector<uint8_t> selected(region.counties.size(), 0);
  selected[county_it - region.counties.begin()] = 1;
  const Scope scope = Restrict(region, drive, selected);

  AdequacyRecommendation answer;
  answer.county_fips = request.county_fips;
  answer.county_name = county_it->name;
  answer.specialty_code = type_code;
  answer.max_minutes = criterion->max_minutes;
  answer.max_miles = criterion->max_miles;
  answer.beneficiaries = cms->total_beneficiaries;
  answer.required_share = io::RequiredShare(cms->designation);
  answer.minimum_number = criterion->minimum_number;

  // The network: roster rows of the type. Candidates: rows of the type not in it.
  std::vector<size_t> network_rows;
  absl::flat_hash_set<std::string_view> network_ids;
  bool telehealth = false;
  for (size_t r = 0; r < request.roster.size(); ++r) {
    if (standards.EvaluatedAs(request.roster[r].specialty_code) != type_code) continue;
    network_rows.push_back(r);
    network_ids.insert(request.roster[r].id);
    telehealth |= request.roster[r].telehealth;
  }
  std::vector<geo::LonLat> points;
  for (size_t r : network_rows) points.push_back(request.roster[r].location);
  std::vector<int32_t> kept;
  for (size_t c = 0; c < request.candidates.size(); ++c) {
    const NetworkProvider& p = request.candidates[c];
    if (standards.EvaluatedAs(p.specialty_code) != type_code) {
      answer.skipped_other_type.push_back(static_cast<int32_t>(c));
    } else if (network_ids.contains(p.id)) {
      answer.skipped_in_roster.push_back(static_cast<int32_t>(c));
    } else {
      kept.push_back(static_cast<int32_t>(c));
      points.push_back(p.location);
    }
  }
  // Both standards, per provider; drive mode bounds the fastest route's length, as
  // EvaluateAdequacy does.
  const CatchmentParams params{.travel = request.travel,
                               .max_minutes = criterion->max_minutes,
                               .max_miles = criterion->max_miles,
                               .miles_along_fastest_route = true,
                               .deadline = request.deadline};
  std::vector<int32_t> unsnapped;
  ASSIGN_OR_RETURN(std::vector<std::vector<UnitReach>> catchments,
                   FacilityCatchments(scope.region, scope.has_drive ? &scope.drive : nullptr,
                                      points, params, &unsnapped));
  const size_t network_size = network_rows.size();
  for (int32_t f : unsnapped) {
    if (static_cast<size_t>(f) >= network_size) {
      answer.unsnapped_candidates.push_back(kept[f - network_size]);
    }
  }
  answer.candidates_considered =
      static_cast<int32_t>(kept.size() - answer.unsnapped_candidates.size());

  const Region& units = scope.region;
  const double county_population = static_cast<double>(units.total_population);
  std::vector<double> weights(units.units.size());
  for (size_t i = 0; i < weights.size(); ++i) {
    weights[i] = static_cast<double>(units.units[i].population);
  }
  std::vector<uint8_t> covered(units.units.size(), 0);
  // A provider counts toward the minimum number once per id, when it serves the county.
  absl::flat_hash_set<std::string_view> counted_ids;
  double counted = 0;
  for (size_t k = 0; k < network_size; ++k) {
    const std::vector<UnitReach>& catchment = catchments[k];
    for (const UnitReach& r : catchment) covered[r.unit] = 1;
    const NetworkProvider& p = request.roster[network_rows[k]];
    if (!catchment.empty() && counted_ids.insert(p.id).second) {
      counted += type->ratio_in_beds ? p.beds : 1.0;
    }
  }
  std::vector<std::vector<int32_t>> sets(kept.size());
  for (size_t k = 0; k < kept.size(); ++k) {
    for (const UnitReach& r : catchments[network_size + k]) sets[k].push_back(r.unit);
  }
  const MaxCoverageProblem problem{weights, covered, sets};
  GreedyState state(problem);

  const bool eligible = telehealth_eligible.contains(type_code);
  double credit = telehealth && eligible ? kTelehealthCredit : 0.0;
  const auto share = [&] {
    return Share(static_cast<int64_t>(state.total()), units.total_population);
  };
  const auto time_distance_pass = [&] {
    return share() + credit >= answer.required_share - kTolerance;
  };
  const auto minimum_number_pass = [&] { return counted + kTolerance >= answer.minimum_number; };
  // What candidate k adds toward the minimum number.
  const auto count_added = [&](int32_t k) {
    const NetworkProvider& p = request.candidates[kept[k]];
    if (sets[k].empty() || counted_ids.contains(p.id)) return 0.0;
    return type->ratio_in_beds ? p.beds : 1.0;
  };
  answer.base_share_with_access = share();
  answer.base_telehealth_credit = credit;
  answer.base_counted = counted;
  answer.base_pass = time_distance_pass() && minimum_number_pass();
  answer.pass = answer.base_pass;

  while (!answer.pass && static_cast<int32_t>(answer.picks.size()) < request.max_picks) {
    if (absl::Now() > request.deadline) {
      return absl::DeadlineExceededError(absl::StrFormat(
          "recommendation stopped at the deadline after %d picks", answer.picks.size()));
    }
    int32_t best = -1;
    double best_gain = 0;
    if (!time_distance_pass()) {
      std::tie(best, best_gain) = state.LazyBest();
    } else {
      double best_count = 0;
      for (int32_t k = 0; k < state.candidate_count(); ++k) {
        if (state.taken(k)) continue;
        const double count = count_added(k);
        if (count <= 0) continue;
        const double gain = state.Gain(k);
        if (best < 0 || gain > best_gain || (gain == best_gain && count > best_count)) {
          best = k;
          best_gain = gain;
          best_count = count;
        }
      }
    }
    if (best < 0) break;  // nothing left helps the failing criterion
    counted += count_added(best);
    const NetworkProvider& p = request.candidates[kept[best]];
    if (!sets[best].empty()) counted_ids.insert(p.id);
    state.Take(best, best_gain);
    if (p.telehealth && eligible) credit = kTelehealthCredit;
    answer.pass = time_distance_pass() && minimum_number_pass();
    answer.picks.push_back(
        {kept[best],
         county_population > 0 ? best_gain / county_population * answer.beneficiaries : 0.0,
         share(), credit, counted, answer.pass});
  }
  return answer;
}

}  // namespace carereach::access
