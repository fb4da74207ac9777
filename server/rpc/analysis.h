#ifndef CAREREACH_SERVER_RPC_ANALYSIS_H_
#define CAREREACH_SERVER_RPC_ANALYSIS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "carereach/v1/adequacy.pb.h"
#include "geo/access/alliance.h"
#include "geo/access/coverage.h"
#include "geo/access/travel_model.h"
#include "geo/core/deadline.h"
#include "server/region_catalog.h"

namespace carereach::rpc {

// The one analysis path shared by AccessService/AdequacyService (inline facilities or a roster
// stream) and ContractingService (stored networks, what-ifs, alliances): every question is about
// one network or an alliance of several (access::ComputeNetworkCoverage,
// access::EvaluateNetworkAdequacy), asked in an AnalysisScope.

// Where one analysis runs: a catalog snapshot, its region (or the caller's own beneficiary
// points in its counties), the road network in drive mode, the travel model and the deadline.
struct AnalysisScope {
  std::shared_ptr<const RegionCatalog> catalog;
  const access::Region* region = nullptr;            // the catalog's region
  std::shared_ptr<const access::Region> own_points;  // set by UseBeneficiaryPoints
  std::shared_ptr<const access::DriveRegion> drive;  // drive mode only
  access::TravelModel travel;
  geo::Deadline deadline;

  // The units analysed: the caller's beneficiary points when given, else the region's.
  const access::Region& units() const { return own_points ? *own_points : *region; }
  // The road network's speed profile; empty in straight-line mode.
  std::string speed_profile() const;
};

// The scope of `region` in `catalog` (not null): NOT_FOUND for an unknown region; in drive mode
// the region's roads, or the catalog's reason why there are none.
absl::StatusOr<AnalysisScope> OpenScope(std::shared_ptr<const RegionCatalog> catalog,
                                        std::string_view region, const access::TravelModel& travel,
                                        const geo::Deadline& deadline);

// Replaces the scope's units by the caller's beneficiary points (none: unchanged); in drive
// mode they are snapped to the region's roads. RESOURCE_EXHAUSTED past `max_points`,
// INVALID_ARGUMENT naming the point ("beneficiary_points[3].location: is required").
absl::Status UseBeneficiaryPoints(
    const google::protobuf::RepeatedPtrField<v1::BeneficiaryPoint>& points, int64_t max_points,
    AnalysisScope* scope);

// Coverage of one network or an alliance (the request's members and thresholds) in the scope,
// whose travel model and deadline it sets in `request`.
absl::StatusOr<access::AllianceCoverageAnswer> RunCoverage(
    const AnalysisScope& scope, const access::CoverageLimits& limits,
    access::AllianceCoverageRequest* request);

// CMS adequacy of one roster or an alliance's rosters in the scope, whose travel model, deadline
// and beneficiary points it sets in `request.base`.
absl::StatusOr<access::AllianceAdequacySummary> RunAdequacy(
    const AnalysisScope& scope, const RegionCatalog::Standards& standards,
    access::AllianceAdequacyRequest* request,
    const std::function<bool(const access::AllianceAdequacyRow&)>& emit);

}  // namespace carereach::rpc

#endif  // CAREREACH_SERVER_RPC_ANALYSIS_H_
