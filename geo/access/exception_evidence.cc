#include "geo/access/exception_evidence.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/strings/str_format.h"
#include "geo/access/catchment.h"
#include "geo/core/status_macros.h"

namespace carereach::access {

absl::StatusOr<ExceptionEvidenceFinder> ExceptionEvidenceFinder::Make(
    const Region& region, const DriveRegion* drive, const io::StandardsSet& standards,
    std::span<const NetworkProvider> supply, absl::flat_hash_set<std::string> network_ids,
    const TravelModel& travel, int max_listed, const geo::Deadline& deadline) {
  if (max_listed < 1 || max_listed > kMaxEvidenceProviders) {
    return absl::InvalidArgumentError(absl::StrFormat("evidence_providers: %d is not in [1, %d]",
                                                      max_listed, kMaxEvidenceProviders));
  }
  RETURN_IF_ERROR(ValidateRoster(supply, standards, "supply"));
  return ExceptionEvidenceFinder(region, drive, standards, supply, std::move(network_ids), travel,
                                 max_listed, deadline);
}

const ExceptionEvidenceFinder::TypeSupply& ExceptionEvidenceFinder::SupplyOf(
    const std::string& type) {
  auto [it, inserted] = types_.try_emplace(type);
  if (inserted) {
    for (size_t r = 0; r < supply_.size(); ++r) {
      if (standards_->EvaluatedAs(supply_[r].specialty_code) != type) continue;
      if (network_ids_.contains(supply_[r].id)) continue;
      it->second.rows.push_back(r);
      it->second.points.push_back(supply_[r].location);
    }
  }
  return it->second;
}

absl::StatusOr<const ExceptionEvidenceFinder::Reaches*> ExceptionEvidenceFinder::ReachesOf(
    const std::string& type, double max_minutes, double max_miles) {
  const auto key = std::make_tuple(type, max_minutes, max_miles);
  if (auto it = reaches_.find(key); it != reaches_.end()) return &it->second;
  const TypeSupply& of_type = SupplyOf(type);
  Reaches reaches(of_type.rows.size());
  RETURN_IF_ERROR(VisitCatchments(
      *region_, drive_, of_type.points,
      {.travel = travel_,
       .max_minutes = max_minutes,
       .max_miles = max_miles,
       .deadline = deadline_},
      [&](size_t k, std::span<const UnitReach> catchment) {
        std::vector<CountyReach>& out = reaches[k];
        for (const UnitReach& u : catchment) {  // sorted by unit, so by county
          const int32_t county = region_->unit_county[u.unit];
          if (out.empty() || out.back().county != county) {
            out.push_back({.county = county, .minutes = u.minutes, .miles = u.miles});
          } else if (u.minutes < out.back().minutes) {
            out.back().minutes = u.minutes;
            out.back().miles = u.miles;
          }
        }
      }));
  return &reaches_.emplace(key, std::move(reaches)).first->second;
}

absl::StatusOr<ExceptionEvidence> ExceptionEvidenceFinder::ForFailingResult(
    const CountySpecialtyResult& failing) {
  if (failing.county == nullptr || failing.specialty == nullptr) {
    return absl::InvalidArgumentError("exception evidence: the result names no county or type");
  }
  int32_t county = -1;
  for (size_t c = 0; c < region_->counties.size(); ++c) {
    if (region_->counties[c].fips == failing.county->fips) county = static_cast<int32_t>(c);
  }
  if (county < 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "exception evidence: county %s is not in region %s", failing.county->fips, region_->name));
  }
  const std::string& type = failing.specialty->code;
  const TypeSupply& of_type = SupplyOf(type);
  ExceptionEvidence evidence;
  evidence.supply_of_type = static_cast<int32_t>(of_type.rows.size());
  std::vector<SupplyReach> reached;
  if (!of_type.rows.empty()) {
    // Within the standard: the adequacy rule itself; a point of the county in the catchment is
    // what a provider must reach to count toward the county's minimum number in
    // EvaluateAdequacy, so "available" means "would count if contracted". How near the others
    // are: by time, up to 3 x the time standard.
    ASSIGN_OR_RETURN(const Reaches* within,
                     ReachesOf(type, failing.max_minutes, failing.max_miles));
    ASSIGN_OR_RETURN(const Reaches* near,
                     ReachesOf(type, std::min(1440.0, 3 * failing.max_minutes), 0));
    const auto find = [county](const std::vector<CountyReach>& list) -> const CountyReach* {
      auto it = std::lower_bound(list.begin(), list.end(), county,
                                 [](const CountyReach& r, int32_t c) { return r.county < c; });
      return it != list.end() && it->county == county ? &*it : nullptr;
    };
    absl::flat_hash_set<std::string> available;
    for (size_t k = 0; k < of_type.rows.size(); ++k) {
      SupplyReach s{.row = of_type.rows[k], .minutes = std::numeric_limits<double>::infinity()};
      s.within_standard = find((*within)[k]) != nullptr;
      if (const CountyReach* nearest = find((*near)[k])) {
        s.minutes = nearest->minutes;
        s.miles = nearest->miles;
      }
      if (s.within_standard) available.insert(supply_[s.row].id);
      if (s.within_standard || s.minutes < std::numeric_limits<double>::infinity()) {
        reached.push_back(s);
      }
    }
    evidence.available_within_standard = static_cast<int32_t>(available.size());
  }
  // Within the standard first, then by minutes (a provider within the standard may be slower
  // than one that is too far by distance), ties by row.
  std::sort(reached.begin(), reached.end(), [](const SupplyReach& a, const SupplyReach& b) {
    if (a.within_standard != b.within_standard) return a.within_standard;
    if (a.minutes != b.minutes) return a.minutes < b.minutes;
    return a.row < b.row;
  });
  if (reached.size() > static_cast<size_t>(max_listed_)) reached.resize(max_listed_);
  evidence.nearest = std::move(reached);
  evidence.verdict =
      evidence.available_within_standard == 0
          ? "no provider available within the standard"
          : absl::StrFormat("%d available, not contracted", evidence.available_within_standard);
  return evidence;
}

absl::StatusOr<ExceptionEvidence> EvidenceForFailingResult(
    const Region& region, const DriveRegion* drive, const io::StandardsSet& standards,
    const CountySpecialtyResult& failing, std::span<const NetworkProvider> supply,
    const absl::flat_hash_set<std::string>& network_ids, const TravelModel& travel, int max_listed,
    const geo::Deadline& deadline) {
  ASSIGN_OR_RETURN(ExceptionEvidenceFinder finder,
                   ExceptionEvidenceFinder::Make(region, drive, standards, supply, network_ids,
                                                 travel, max_listed, deadline));
  return finder.ForFailingResult(failing);
}

}  // namespace carereach::access
