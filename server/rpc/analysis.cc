#include "server/rpc/analysis.h"

#include <utility>

#include "absl/strings/str_format.h"
#include "geo/access/adequacy.h"
#include "geo/core/status_macros.h"

namespace carereach::rpc {

std::string AnalysisScope::speed_profile() const {
  return drive ? drive->network->graph().profile_name : std::string();
}

absl::StatusOr<AnalysisScope> OpenScope(std::shared_ptr<const RegionCatalog> catalog,
                                        std::string_view region, const access::TravelModel& travel,
                                        const geo::Deadline& deadline) {
  AnalysisScope scope{.catalog = std::move(catalog), .travel = travel, .deadline = deadline};
  ASSIGN_OR_RETURN(scope.region, scope.catalog->Find(region));
  if (travel.mode == access::TravelMode::kDrive) {
    ASSIGN_OR_RETURN(scope.drive,
                     scope.catalog->DriveRegionOf(scope.catalog->IndexOf(scope.region)));
  }
  return scope;
}

absl::Status UseBeneficiaryPoints(
    const google::protobuf::RepeatedPtrField<v1::BeneficiaryPoint>& points, int64_t max_points,
    AnalysisScope* scope) {
  if (points.empty()) return absl::OkStatus();
  if (points.size() > max_points) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "header.beneficiary_points: more than this server's limit of %d", max_points));
  }
  std::vector<io::PopulationUnit> units;
  for (int i = 0; i < points.size(); ++i) {
    const v1::BeneficiaryPoint& p = points[i];
    if (!p.has_location()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("beneficiary_points[%d].location: is required", i));
    }
    units.push_back(
        {p.id(), p.county_fips(), p.beneficiaries(), {p.location().lon(), p.location().lat()}});
  }
  ASSIGN_OR_RETURN(access::Region own, access::RegionFromBeneficiaryPoints(*scope->region, units));
  scope->own_points = std::make_shared<const access::Region>(std::move(own));
  if (scope->drive) {
    scope->drive = std::make_shared<const access::DriveRegion>(
        access::BuildDriveRegion(*scope->own_points, scope->drive->network));
  }
  return absl::OkStatus();
}

absl::StatusOr<access::AllianceCoverageAnswer> RunCoverage(
    const AnalysisScope& scope, const access::CoverageLimits& limits,
    access::AllianceCoverageRequest* request) {
  request->travel = scope.travel;
  request->deadline = scope.deadline;
  return access::ComputeNetworkCoverage(scope.units(), scope.drive.get(), *request, limits);
}

absl::StatusOr<access::AllianceAdequacySummary> RunAdequacy(
    const AnalysisScope& scope, const RegionCatalog::Standards& standards,
    access::AllianceAdequacyRequest* request,
    const std::function<bool(const access::AllianceAdequacyRow&)>& emit) {
  request->base.travel = scope.travel;
  request->base.deadline = scope.deadline;
  request->base.own_beneficiary_points = scope.own_points != nullptr;
  return access::EvaluateNetworkAdequacy(scope.units(), scope.drive.get(), standards.set,
                                         standards.telehealth_eligible, *request, emit);
}

}  // namespace carereach::rpc
