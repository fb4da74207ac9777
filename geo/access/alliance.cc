#include "geo/access/alliance.h"

#include <bit>
#include <limits>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "geo/core/quote.h"
#include "geo/core/status_macros.h"

namespace carereach::access {
namespace {

constexpr size_t kMaxNameBytes = 128;
constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Names of the members: present, at most kMaxNameBytes, unique. `field` is the repeated field's
// path; `suffix` what follows the index (".name" for members[i].name, "" for member_names[i]).
absl::Status ValidateMemberNames(const std::vector<std::string_view>& names, std::string_view field,
                                 std::string_view suffix) {
  if (names.size() < 2) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: an alliance needs at least 2 members", field));
  }
  if (names.size() > static_cast<size_t>(kMaxAllianceMembers)) {
    return absl::ResourceExhaustedError(absl::StrFormat("%s: %d members exceed the limit of %d",
                                                        field, names.size(), kMaxAllianceMembers));
  }
  absl::flat_hash_map<std::string_view, size_t> first_index;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) {
      return absl::InvalidArgumentError(absl::StrFormat("%s[%d]%s: is empty", field, i, suffix));
    }
    if (names[i].size() > kMaxNameBytes) {
      return absl::InvalidArgumentError(absl::StrFormat("%s[%d]%s: %d bytes exceed %d", field, i,
                                                        suffix, names[i].size(), kMaxNameBytes));
    }
    if (auto [it, inserted] = first_index.emplace(names[i], i); !inserted) {
      return absl::InvalidArgumentError(absl::StrFormat("%s[%d]%s: %s duplicates %s[%d]%s", field,
                                                        i, suffix, QuoteForError(names[i]), field,
                                                        it->second, suffix));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateAllianceCoverageRequest(const Region& region, const DriveRegion* drive,
                                             const AllianceCoverageRequest& request,
                                             const CoverageLimits& limits) {
  std::vector<std::string_view> names;
  for (const AllianceMember& m : request.members) names.push_back(m.name);
  RETURN_IF_ERROR(ValidateMemberNames(names, "members", ".name"));
  int64_t total_facilities = 0;
  for (size_t i = 0; i < request.members.size(); ++i) {
    RETURN_IF_ERROR(ValidateFacilities(request.members[i].facilities, limits,
                                       absl::StrFormat("members[%d].facilities", i)));
    total_facilities += static_cast<int64_t>(request.members[i].facilities.size());
  }
  // The union is one coverage computation's worth of facilities.
  if (total_facilities > limits.max_facilities) {
    return absl::ResourceExhaustedError(
        absl::StrFormat("members: %d facilities in all exceed this server's limit of %d",
                        total_facilities, limits.max_facilities));
  }
  RETURN_IF_ERROR(ValidateThresholds(request.thresholds, limits));
  return ValidateTravelModel(request.travel, region, drive);
}

// One metric (minutes or miles) of one unit: the best value over the members and the best over
// every member but the holder of the best. "Without m" reads `second` exactly when m holds
// `best`; a tie (a shared facility, or two equally near) puts the same value in both, so nobody
// loses the unit by leaving.
struct TopTwo {
  struct Entry {
    double value = kInfinity;
    int32_t facility = -1;         // index into the concatenated facilities
    double companion = kInfinity;  // minutes: the miles of the same member's travel
  };
  Entry best, second;
  int32_t best_member = -1;

  void Add(int32_t member, const Entry& e) {
    if (e.value < best.value) {
      second = best;
      best = e;
      best_member = member;
    } else if (e.value < second.value) {
      second = e;
    }
  }
  const Entry& Without(int32_t member) const { return member == best_member ? second : best; }
};

// A unit's travel from the chosen minutes and miles entries. With a miles threshold the metrics
// are independent (fastest time, shortest distance); without one, DriveTravel's miles are the
// fastest route's length, so they follow the minutes.
UnitTravel Combine(const TopTwo::Entry& minutes, const TopTwo::Entry& miles, bool independent_miles,
                   const UnitTravel& unit) {
  UnitTravel t;
  t.snapped = unit.snapped;
  t.snap_meters = unit.snap_meters;
  t.minutes = minutes.value;
  t.miles = independent_miles ? miles.value : minutes.companion;
  // A member's travel names its fastest facility when time reached one, else its nearest by
  // distance; the same rule over the members.
  t.facility = minutes.value < kInfinity ? minutes.facility : miles.facility;
  if (t.facility < 0) {
    t.minutes = kInfinity;
    t.miles = kInfinity;
  }
  return t;
}

std::vector<int64_t> Difference(const CoverageSummary& a, const CoverageSummary& b) {
  std::vector<int64_t> d(a.by_threshold.size());
  for (size_t k = 0; k < d.size(); ++k) {
    d[k] = a.by_threshold[k].covered_population - b.by_threshold[k].covered_population;
  }
  return d;
}

absl::Status ValidateAllianceAdequacyRequest(const io::StandardsSet& standards,
                                             const AllianceAdequacyRequest& request) {
  std::vector<std::string_view> names(request.member_names.begin(), request.member_names.end());
  RETURN_IF_ERROR(ValidateMemberNames(names, "member_names", ""));
  if (request.member_rosters.size() != request.member_names.size()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("member_rosters: %d rosters for %d member_names",
                        request.member_rosters.size(), request.member_names.size()));
  }
  for (size_t i = 0; i < request.member_rosters.size(); ++i) {
    if (request.member_rosters[i].empty()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("member_rosters[%d].providers: at least one provider is required", i));
    }
    RETURN_IF_ERROR(ValidateRoster(request.member_rosters[i], standards,
                                   absl::StrFormat("member_rosters[%d].providers", i)));
  }
  return absl::OkStatus();
}

std::string RowKey(const CountySpecialtyResult& r) {
  return absl::StrFormat("%s/%s", r.county->fips, r.specialty->code);
}

}  // namespace

namespace {

// Per unit, the best two members by each metric: O(units) memory whatever the member count,
// where prefix and suffix minima would keep K travel vectors.
struct MemberBests {
  std::vector<TopTwo> by_minutes, by_miles;
  std::vector<UnitTravel> first_member;  // for the unit's snapping, the same for every member
  bool independent_miles = false;
  // [threshold * units + unit]: bit m set when member m's own travel covers the unit.
  std::vector<uint64_t> covering;

  UnitTravel Union(size_t i) const {
    return Combine(by_minutes[i].best, by_miles[i].best, independent_miles, first_member[i]);
  }
  UnitTravel Without(size_t i, int32_t member) const {
    return Combine(by_minutes[i].Without(member), by_miles[i].Without(member), independent_miles,
                   first_member[i]);
  }
};

// Each member's travel, once: its "alone" summary and its part of the per-unit bests.
absl::StatusOr<MemberBests> MemberTravel(const Region& region, const DriveRegion* drive,
                                         const AllianceCoverageRequest& request,
                                         AllianceCoverageAnswer* answer) {
  const size_t member_count = request.members.size();
  const size_t unit_count = region.units.size();
  static_assert(kMaxAllianceMembers <= 64, "one bit per member in MemberBests::covering");
  MemberBests bests{.by_minutes = std::vector<TopTwo>(unit_count),
                    .by_miles = std::vector<TopTwo>(unit_count),
                    .covering = std::vector<uint64_t>(request.thresholds.size() * unit_count, 0)};
  for (const Threshold& t : request.thresholds) {
    bests.independent_miles |= t.kind == Threshold::Kind::kMiles;
  }
  answer->alone.resize(member_count);
  answer->unsnapped_facilities.resize(member_count);
  int32_t facility_offset = 0;
  for (size_t m = 0; m < member_count; ++m) {
    const std::vector<Facility>& facilities = request.members[m].facilities;
    ASSIGN_OR_RETURN(
        std::vector<UnitTravel> travel,
        request.travel.mode == TravelMode::kDrive
            ? DriveTravel(region, *drive, facilities, request.thresholds, request.travel.drive,
                          request.deadline, &answer->unsnapped_facilities[m])
            : StraightLineTravel(region, facilities, request.travel.straight_line,
                                 request.deadline));
    answer->alone[m] = Summarize(region, travel, request.thresholds);
    const int32_t member = static_cast<int32_t>(m);
    for (size_t i = 0; i < unit_count; ++i) {
      const UnitTravel& t = travel[i];
      if (!t.reached()) continue;
      for (size_t k = 0; k < request.thresholds.size(); ++k) {
        if (Covered(t, request.thresholds[k]))
          bests.covering[k * unit_count + i] |= uint64_t{1} << m;
      }
      const int32_t facility = facility_offset + t.facility;
      bests.by_minutes[i].Add(member, {t.minutes, facility, t.miles});
      bests.by_miles[i].Add(member, {t.miles, facility, kInfinity});
    }
    if (m == 0) bests.first_member = std::move(travel);
    facility_offset += static_cast<int32_t>(facilities.size());
  }
  return bests;
}

// Each member's Shapley share of the covered population: a unit covered by k members counts
// population / k to each of them.
std::vector<std::vector<double>> FairShares(const Region& region,
                                            const std::vector<uint64_t>& covering,
                                            size_t member_count, size_t threshold_count) {
  const size_t unit_count = region.units.size();
  std::vector<std::vector<double>> shares(member_count, std::vector<double>(threshold_count, 0.0));
  for (size_t k = 0; k < threshold_count; ++k) {
    for (size_t i = 0; i < unit_count; ++i) {
      const uint64_t members = covering[k * unit_count + i];
      if (members == 0 || region.units[i].population == 0) continue;
      const double each = static_cast<double>(region.units[i].population) / std::popcount(members);
      for (uint64_t rest = members; rest != 0; rest &= rest - 1) {
        shares[std::countr_zero(rest)][k] += each;
      }
    }
  }
  return shares;
}

}  // namespace

absl::StatusOr<AllianceCoverageAnswer> ComputeAllianceCoverage(
    const Region& region, const DriveRegion* drive, const AllianceCoverageRequest& request,
    const CoverageLimits& limits) {
  RETURN_IF_ERROR(ValidateAllianceCoverageRequest(region, drive, request, limits));
  const size_t member_count = request.members.size();
  const size_t unit_count = region.units.size();
  AllianceCoverageAnswer answer;
  ASSIGN_OR_RETURN(const MemberBests bests, MemberTravel(region, drive, request, &answer));
  answer.travel.resize(unit_count);
  for (size_t i = 0; i < unit_count; ++i) answer.travel[i] = bests.Union(i);
  answer.alliance = Summarize(region, answer.travel, request.thresholds);

  std::vector<UnitTravel> without(unit_count);
  for (size_t m = 0; m < member_count; ++m) {
    if (request.deadline.Stopped()) {
      return request.deadline.Error("alliance coverage",
                                    absl::StrFormat(" after %d of %d members", m, member_count));
    }
    for (size_t i = 0; i < unit_count; ++i) without[i] = bests.Without(i, static_cast<int32_t>(m));
    answer.without.push_back(Summarize(region, without, request.thresholds));
    answer.loss_if_leaves.push_back(Difference(answer.alliance, answer.without.back()));
    answer.gain_by_joining.push_back(Difference(answer.alliance, answer.alone[m]));
  }
  answer.fair_share_population =
      FairShares(region, bests.covering, member_count, request.thresholds.size());
  return answer;
}

namespace {

// The rows of one alliance adequacy question, keyed by county and type, filled by one
// EvaluateAdequacy run after another.
class AdequacyRows {
 public:
  AdequacyRows(const Region& region, const DriveRegion* drive, const io::StandardsSet& standards,
               const absl::flat_hash_set<std::string>& telehealth_eligible, size_t member_count)
      : region_(region),
        drive_(drive),
        standards_(standards),
        telehealth_eligible_(telehealth_eligible),
        member_count_(member_count) {}

  // The union first: its rows, in EvaluateAdequacy's order, are the answer's rows.
  absl::StatusOr<AdequacySummary> EvaluateUnion(const AdequacyRequest& request) {
    return EvaluateAdequacy(region_, drive_, standards_, telehealth_eligible_, request,
                            [&](const CountySpecialtyResult& r) {
                              row_index_.emplace(RowKey(r), rows_.size());
                              AllianceAdequacyRow row;
                              row.alliance = r;
                              row.alone_pass.assign(member_count_, false);
                              row.without_pass.assign(member_count_, false);
                              row.without_share.assign(member_count_, 0.0);
                              rows_.push_back(std::move(row));
                              return true;
                            });
  }

  // Runs `part` and hands each result to `record` with its row; a row the union did not produce
  // would mean the evaluations disagree on the counties and types.
  absl::Status Evaluate(
      const AdequacyRequest& part,
      const std::function<void(AllianceAdequacyRow&, const CountySpecialtyResult&)>& record) {
    absl::Status join = absl::OkStatus();
    absl::StatusOr<AdequacySummary> s = EvaluateAdequacy(
        region_, drive_, standards_, telehealth_eligible_, part,
        [&](const CountySpecialtyResult& r) {
          auto it = row_index_.find(RowKey(r));
          if (it == row_index_.end()) {
            join = absl::InternalError(absl::StrFormat(
                "alliance adequacy: row %s is missing from the union's rows", RowKey(r)));
            return false;
          }
          record(rows_[it->second], r);
          return true;
        });
    RETURN_IF_ERROR(join);
    return s.status();
  }

  // Marks the critical members and hands every row to `emit`.
  absl::Status Emit(const std::function<bool(const AllianceAdequacyRow&)>& emit) {
    for (AllianceAdequacyRow& row : rows_) {
      for (size_t m = 0; m < member_count_; ++m) {
        if (row.alliance.pass && !row.without_pass[m]) {
          row.critical_members.push_back(static_cast<int32_t>(m));
        }
      }
      if (!emit(row)) return absl::CancelledError("alliance adequacy: the caller stopped reading");
    }
    return absl::OkStatus();
  }

 private:
  const Region& region_;
  const DriveRegion* drive_;
  const io::StandardsSet& standards_;
  const absl::flat_hash_set<std::string>& telehealth_eligible_;
  const size_t member_count_;
  std::vector<AllianceAdequacyRow> rows_;
  absl::flat_hash_map<std::string, size_t> row_index_;
};

// The rows of every member but `skip` (none skipped: -1), one after the other.
std::vector<NetworkProvider> Union(const std::vector<std::vector<NetworkProvider>>& rosters,
                                   size_t skip) {
  std::vector<NetworkProvider> rows;
  for (size_t m = 0; m < rosters.size(); ++m) {
    if (m != skip) rows.insert(rows.end(), rosters[m].begin(), rosters[m].end());
  }
  return rows;
}

}  // namespace

absl::StatusOr<AllianceAdequacySummary> EvaluateAllianceAdequacy(
    const Region& region, const DriveRegion* drive, const io::StandardsSet& standards,
    const absl::flat_hash_set<std::string>& telehealth_eligible,
    const AllianceAdequacyRequest& request,
    const std::function<bool(const AllianceAdequacyRow&)>& emit) {
  RETURN_IF_ERROR(ValidateAllianceAdequacyRequest(standards, request));
  const size_t member_count = request.member_names.size();
  AdequacyRows rows(region, drive, standards, telehealth_eligible, member_count);
  AdequacyRequest union_request = request.base;
  union_request.roster = Union(request.member_rosters, static_cast<size_t>(-1));
  AllianceAdequacySummary summary;
  ASSIGN_OR_RETURN(summary.alliance, rows.EvaluateUnion(union_request));
  summary.alone_passing.assign(member_count, 0);
  summary.without_passing.assign(member_count, 0);

  // The others only need pass and share per row; uncovered units are not listed for them.
  AdequacyRequest part = request.base;
  part.include_uncovered_units = false;
  for (size_t m = 0; m < member_count; ++m) {
    part.roster = request.member_rosters[m];
    RETURN_IF_ERROR(rows.Evaluate(part, [&](AllianceAdequacyRow& row, const auto& r) {
      row.alone_pass[m] = r.pass;
      if (r.pass) ++summary.alone_passing[m];
    }));
    part.roster = Union(request.member_rosters, m);
    RETURN_IF_ERROR(rows.Evaluate(part, [&](AllianceAdequacyRow& row, const auto& r) {
      row.without_pass[m] = r.pass;
      row.without_share[m] = r.share_with_access;
      if (r.pass) ++summary.without_passing[m];
    }));
  }
  RETURN_IF_ERROR(rows.Emit(emit));
  return summary;
}

absl::StatusOr<AllianceCoverageAnswer> ComputeNetworkCoverage(
    const Region& region, const DriveRegion* drive, const AllianceCoverageRequest& request,
    const CoverageLimits& limits) {
  if (request.members.size() != 1) {
    return ComputeAllianceCoverage(region, drive, request, limits);
  }
  const CoverageRequest plain{.facilities = request.members[0].facilities,
                              .thresholds = request.thresholds,
                              .travel = request.travel,
                              .deadline = request.deadline};
  ASSIGN_OR_RETURN(CoverageAnswer answer, ComputeCoverage(region, drive, plain, limits));
  AllianceCoverageAnswer out;
  out.alliance = std::move(answer.summary);
  out.unsnapped_facilities.push_back(std::move(answer.unsnapped_facilities));
  out.travel = std::move(answer.travel);
  return out;
}

absl::StatusOr<AllianceAdequacySummary> EvaluateNetworkAdequacy(
    const Region& region, const DriveRegion* drive, const io::StandardsSet& standards,
    const absl::flat_hash_set<std::string>& telehealth_eligible,
    const AllianceAdequacyRequest& request,
    const std::function<bool(const AllianceAdequacyRow&)>& emit) {
  if (request.member_rosters.size() != 1) {
    return EvaluateAllianceAdequacy(region, drive, standards, telehealth_eligible, request, emit);
  }
  AdequacyRequest plain = request.base;
  plain.roster = request.member_rosters[0];
  AllianceAdequacySummary out;
  ASSIGN_OR_RETURN(out.alliance, EvaluateAdequacy(region, drive, standards, telehealth_eligible,
                                                  plain, [&](const CountySpecialtyResult& r) {
                                                    AllianceAdequacyRow row;
                                                    row.alliance = r;
                                                    return emit(row);
                                                  }));
  return out;
}

}  // namespace carereach::access
