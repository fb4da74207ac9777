#include "geo/access/exception_evidence.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_format.h"
#include "geo/access/catchment.h"
#include "geo/core/status_macros.h"

namespace carereach::access {

absl::StatusOr<ExceptionEvidence> EvidenceForFailingResult(
    const Region& region, const DriveRegion* drive, const io::StandardsSet& standards,
    const CountySpecialtyResult& failing, std::span<const NetworkProvider> supply,
    const absl::flat_hash_set<std::string>& network_ids, const TravelModel& travel, int max_listed,
    const geo::Deadline& deadline) {
  if (max_listed < 1 || max_listed > kMaxEvidenceProviders) {
    return absl::InvalidArgumentError(absl::StrFormat("evidence_providers: %d is not in [1, %d]",
                                                      max_listed, kMaxEvidenceProviders));
  }
  RETURN_IF_ERROR(ValidateRoster(supply, standards, "supply"));
  if (failing.county == nullptr || failing.specialty == nullptr) {
    return absl::InvalidArgumentError("exception evidence: the result names no county or type");
  }
  int32_t county = -1;
  for (size_t c = 0; c < region.counties.size(); ++c) {
    if (region.counties[c].fips == failing.county->fips) county = static_cast<int32_t>(c);
  }
  if (county < 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "exception evidence: county %s is not in region %s", failing.county->fips, region.name));
  }
  ExceptionEvidence evidence;
  std::vector<size_t> rows;
  std::vector<geo::LonLat> points;
  for (size_t r = 0; r < supply.size(); ++r) {
    if (standards.EvaluatedAs(supply[r].specialty_code) != failing.specialty->code) continue;
    if (network_ids.contains(supply[r].id)) continue;
    rows.push_back(r);
    points.push_back(supply[r].location);
  }
  evidence.supply_of_type = static_cast<int32_t>(rows.size());
  // A point of the county in a catchment: the points a provider must reach to count toward the
  // county's minimum number in EvaluateAdequacy, so "available" means "would count if
  // contracted".
  const auto in_county = [&](const UnitReach& u) { return region.unit_county[u.unit] == county; };
  std::vector<SupplyReach> reached;
  if (!rows.empty()) {
    // Within the standard: the adequacy rule itself.
    std::vector<uint8_t> within(rows.size(), 0);
    RETURN_IF_ERROR(VisitCatchments(region, drive, points,
                                    {.travel = travel,
                                     .max_minutes = failing.max_minutes,
                                     .max_miles = failing.max_miles,
                                     .deadline = deadline},
                                    [&](size_t k, std::span<const UnitReach> catchment) {
                                      within[k] = std::any_of(catchment.begin(), catchment.end(),
                                                              in_county);
                                    }));
    // How near the others are: by time, up to 3 x the time standard.
    absl::flat_hash_set<std::string> available;
    RETURN_IF_ERROR(VisitCatchments(
        region, drive, points,
        {.travel = travel,
         .max_minutes = std::min(1440.0, 3 * failing.max_minutes),
         .deadline = deadline},
        [&](size_t k, std::span<const UnitReach> catchment) {
          SupplyReach s{.row = rows[k], .minutes = std::numeric_limits<double>::infinity()};
          s.within_standard = within[k] != 0;
          for (const UnitReach& u : catchment) {
            if (!in_county(u) || u.minutes >= s.minutes) continue;
            s.minutes = u.minutes;
            s.miles = u.miles;
          }
          if (s.within_standard) available.insert(supply[rows[k]].id);
          if (s.within_standard || s.minutes < std::numeric_limits<double>::infinity()) {
            reached.push_back(s);
          }
        }));
    evidence.available_within_standard = static_cast<int32_t>(available.size());
  }
  // Within the standard first, then by minutes (a provider within the standard may be slower
  // than one that is too far by distance), ties by row.
  std::sort(reached.begin(), reached.end(), [](const SupplyReach& a, const SupplyReach& b) {
    if (a.within_standard != b.within_standard) return a.within_standard;
    if (a.minutes != b.minutes) return a.minutes < b.minutes;
    return a.row < b.row;
  });
  if (reached.size() > static_cast<size_t>(max_listed)) reached.resize(max_listed);
  evidence.nearest = std::move(reached);
  evidence.verdict =
      evidence.available_within_standard == 0
          ? "no provider available within the standard"
          : absl::StrFormat("%d available, not contracted", evidence.available_within_standard);
  return evidence;
}

}  // namespace carereach::access
