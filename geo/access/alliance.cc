#include "geo/access/alliance.h"

#include <limits>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

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
      return absl::InvalidArgumentError(absl::StrFormat("%s[%d]%s: \"%s\" duplicates %s[%d]%s",
                                                        field, i, suffix, names[i], field,
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
  if (absl::Status s = ValidateMemberNames(names, "members", ".name"); !s.ok()) return s;
  int64_t total_facilities = 0;
  for (size_t i = 0; i < request.members.size(); ++i) {
    if (absl::Status s = ValidateFacilities(request.members[i].facilities, limits,
                                            absl::StrFormat("members[%d].facilities", i));
        !s.ok()) {
      return s;
    }
    total_facilities += static_cast<int64_t>(request.members[i].facilities.size());
  }
  // The union is one coverage computation's worth of facilities.
  if (total_facilities > limits.max_facilities) {
    return absl::ResourceExhaustedError(
        absl::StrFormat("members: %d facilities in all exceed this server's limit of %d",
                        total_facilities, limits.max_facilities));
  }
  if (absl::Status s = ValidateThresholds(request.thresholds, limits); !s.ok()) return s;
  switch (request.mode) {
    case TravelMode::kStraightLine:
      return ValidateStraightLineModel(request.straight_line);
    case TravelMode::kDrive:
      if (drive == nullptr) {
        return absl::FailedPreconditionError(absl::StrFormat(
            "mode: region %s has no road network; use straight-line mode", region.name));
      }
      return ValidateDriveParams(request.drive);
  }
  return absl::OkStatus();
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
  if (absl::Status s = ValidateMemberNames(names, "member_names", ""); !s.ok()) return s;
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
    if (absl::Status s = ValidateRoster(request.member_rosters[i], standards,
                                        absl::StrFormat("member_rosters[%d].providers", i));
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

std::string RowKey(const CountySpecialtyResult& r) {
  return absl::StrFormat("%s/%s", r.county->fips, r.specialty->code);
}

}  // namespace

absl::StatusOr<AllianceCoverageAnswer> ComputeAllianceCoverage(
    const Region& region, const DriveRegion* drive, const AllianceCoverageRequest& request,
    const CoverageLimits& limits) {
  if (absl::Status s = ValidateAllianceCoverageRequest(region, drive, request, limits); !s.ok()) {
    return s;
  }
  const size_t member_count = request.members.size();
  const size_t unit_count = region.units.size();
  bool independent_miles = false;
  for (const Threshold& t : request.thresholds) {
    independent_miles |= t.kind == Threshold::Kind::kMiles;
  }

  AllianceCoverageAnswer answer;
  answer.alone.resize(member_count);
  answer.unsnapped_facilities.resize(member_count);
  // Per unit, the best two members by each metric: O(units) memory whatever the member count,
  // where prefix and suffix minima would keep K travel vectors.
  std::vector<TopTwo> by_minutes(unit_count), by_miles(unit_count);
  std::vector<UnitTravel> first_member;  // for the unit's snapping, the same for every member
  int32_t facility_offset = 0;
  for (size_t m = 0; m < member_count; ++m) {
    const std::vector<Facility>& facilities = request.members[m].facilities;
    absl::StatusOr<std::vector<UnitTravel>> travel;
    if (request.mode == TravelMode::kDrive) {
      travel = DriveTravel(region, *drive, facilities, request.thresholds, request.drive,
                           request.deadline, &answer.unsnapped_facilities[m]);
    } else {
      travel = StraightLineTravel(region, facilities, request.straight_line, request.deadline);
    }
    if (!travel.ok()) return travel.status();
    answer.alone[m] = Summarize(region, *travel, request.thresholds);
    const int32_t member = static_cast<int32_t>(m);
    for (size_t i = 0; i < unit_count; ++i) {
      const UnitTravel& t = (*travel)[i];
      if (!t.reached()) continue;
      const int32_t facility = facility_offset + t.facility;
      by_minutes[i].Add(member, {t.minutes, facility, t.miles});
      by_miles[i].Add(member, {t.miles, facility, kInfinity});
    }
    if (m == 0) first_member = *std::move(travel);
    facility_offset += static_cast<int32_t>(facilities.size());
  }

  answer.travel.resize(unit_count);
  for (size_t i = 0; i < unit_count; ++i) {
    answer.travel[i] =
        Combine(by_minutes[i].best, by_miles[i].best, independent_miles, first_member[i]);
  }
  answer.alliance = Summarize(region, answer.travel, request.thresholds);

  std::vector<UnitTravel> without(unit_count);
  for (size_t m = 0; m < member_count; ++m) {
    if (absl::Now() > request.deadline) {
      return absl::DeadlineExceededError(absl::StrFormat(
          "alliance coverage stopped at the deadline after %d of %d members", m, member_count));
    }
    const int32_t member = static_cast<int32_t>(m);
    for (size_t i = 0; i < unit_count; ++i) {
      without[i] = Combine(by_minutes[i].Without(member), by_miles[i].Without(member),
                           independent_miles, first_member[i]);
    }
    answer.without.push_back(Summarize(region, without, request.thresholds));
    answer.loss_if_leaves.push_back(Difference(answer.alliance, answer.without.back()));
    answer.gain_by_joining.push_back(Difference(answer.alliance, answer.alone[m]));
  }
  return answer;
}

absl::StatusOr<AllianceAdequacySummary> EvaluateAllianceAdequacy(
    const Region& region, const DriveRegion* drive, const io::StandardsSet& standards,
    const absl::flat_hash_set<std::string>& telehealth_eligible,
    const AllianceAdequacyRequest& request,
    const std::function<bool(const AllianceAdequacyRow&)>& emit) {
  if (absl::Status s = ValidateAllianceAdequacyRequest(standards, request); !s.ok()) return s;
  const size_t member_count = request.member_names.size();

  // The union first: its rows, in EvaluateAdequacy's order, are the answer's rows.
  AdequacyRequest union_request = request.base;
  union_request.roster.clear();
  for (const std::vector<NetworkProvider>& roster : request.member_rosters) {
    union_request.roster.insert(union_request.roster.end(), roster.begin(), roster.end());
  }
  std::vector<AllianceAdequacyRow> rows;
  absl::flat_hash_map<std::string, size_t> row_index;
  absl::StatusOr<AdequacySummary> union_summary =
      EvaluateAdequacy(region, drive, standards, telehealth_eligible, union_request,
                       [&](const CountySpecialtyResult& r) {
                         row_index.emplace(RowKey(r), rows.size());
                         AllianceAdequacyRow row;
                         row.alliance = r;
                         row.alone_pass.assign(member_count, false);
                         row.without_pass.assign(member_count, false);
                         row.without_share.assign(member_count, 0.0);
                         rows.push_back(std::move(row));
                         return true;
                       });
  if (!union_summary.ok()) return union_summary.status();

  AllianceAdequacySummary summary;
  summary.alliance = *union_summary;
  summary.alone_passing.assign(member_count, 0);
  summary.without_passing.assign(member_count, 0);

  // The others only need pass and share per row; uncovered units are not listed for them.
  AdequacyRequest part = request.base;
  part.include_uncovered_units = false;
  // Runs `part` and hands each result to `record` with its row; a row the union did not produce
  // would mean the evaluations disagree on the counties and types.
  const auto evaluate =
      [&](const std::function<void(AllianceAdequacyRow&, const CountySpecialtyResult&)>& record)
      -> absl::Status {
    absl::Status join = absl::OkStatus();
    absl::StatusOr<AdequacySummary> s = EvaluateAdequacy(
        region, drive, standards, telehealth_eligible, part, [&](const CountySpecialtyResult& r) {
          auto it = row_index.find(RowKey(r));
          if (it == row_index.end()) {
            join = absl::InternalError(absl::StrFormat(
                "alliance adequacy: row %s is missing from the union's rows", RowKey(r)));
            return false;
          }
          record(rows[it->second], r);
          return true;
        });
    if (!join.ok()) return join;
    return s.status();
  };

  for (size_t m = 0; m < member_count; ++m) {
    part.roster = request.member_rosters[m];
    absl::Status s = evaluate([&](AllianceAdequacyRow& row, const CountySpecialtyResult& r) {
      row.alone_pass[m] = r.pass;
      if (r.pass) ++summary.alone_passing[m];
    });
    if (!s.ok()) return s;

    part.roster.clear();
    for (size_t other = 0; other < member_count; ++other) {
      if (other == m) continue;
      const std::vector<NetworkProvider>& roster = request.member_rosters[other];
      part.roster.insert(part.roster.end(), roster.begin(), roster.end());
    }
    s = evaluate([&](AllianceAdequacyRow& row, const CountySpecialtyResult& r) {
      row.without_pass[m] = r.pass;
      row.without_share[m] = r.share_with_access;
      if (r.pass) ++summary.without_passing[m];
    });
    if (!s.ok()) return s;
  }

  for (AllianceAdequacyRow& row : rows) {
    for (size_t m = 0; m < member_count; ++m) {
      if (row.alliance.pass && !row.without_pass[m]) {
        row.critical_members.push_back(static_cast<int32_t>(m));
      }
    }
    if (!emit(row)) return absl::CancelledError("alliance adequacy: the caller stopped reading");
  }
  return summary;
}

}  // namespace carereach::access
