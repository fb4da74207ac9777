#include "server/rpc/access_service.h"

#include <chrono>
#include <utility>

#include "absl/time/clock.h"
#include "geo/core/status_macros.h"
#include "server/rpc/admission.h"
#include "server/rpc/analysis.h"
#include "server/rpc/convert.h"
#include "server/rpc/status.h"

namespace carereach::rpc {

AccessServiceImpl::AccessServiceImpl(access::CoverageLimits limits, absl::Duration max_request_time)
    : limits_(limits), max_request_time_(max_request_time) {}

void AccessServiceImpl::SetCatalog(std::shared_ptr<const RegionCatalog> catalog) {
  absl::MutexLock lock(&mu_);
  catalog_ = std::move(catalog);
}

absl::StatusOr<std::shared_ptr<const RegionCatalog>> AccessServiceImpl::Catalog() const {
  absl::MutexLock lock(&mu_);
  if (catalog_ == nullptr) {
    return absl::UnavailableError("regions are still loading; retry shortly");
  }
  return catalog_;
}

geo::Deadline RequestDeadline(const grpc::ServerContext& context, absl::Duration max_request_time) {
  absl::Time when = absl::Now() + max_request_time;
  const auto call_deadline = context.deadline();
  if (call_deadline != std::chrono::system_clock::time_point::max()) {
    when = std::min(when, absl::FromChrono(call_deadline));
  }
  return geo::Deadline(when, [&context] { return context.IsCancelled(); });
}

grpc::Status AccessServiceImpl::ListRegions(grpc::ServerContext*, const v1::ListRegionsRequest*,
                                            v1::ListRegionsResponse* response) {
  return ToGrpcStatus([&]() -> absl::Status {
    ASSIGN_OR_RETURN(const std::shared_ptr<const RegionCatalog> catalog, Catalog());
    for (size_t i = 0; i < catalog->regions().size(); ++i) {
      v1::Region* out = response->add_regions();
      RegionToProto(*catalog->regions()[i], out);
      RoadStateToProto(catalog->Roads(i), out);
    }
    return absl::OkStatus();
  }());
}

grpc::Status AccessServiceImpl::ComputeCoverage(grpc::ServerContext* context,
                                                const v1::ComputeCoverageRequest* request,
                                                v1::ComputeCoverageResponse* response) {
  if (grpc::Status refused = CallRefusal(*context); !refused.ok()) return refused;
  const absl::Time start = absl::Now();
  const absl::Status status =
      AnswerCoverage(*request, RequestDeadline(*context, max_request_time_), response);
  response->set_compute_ms(absl::ToDoubleMilliseconds(absl::Now() - start));
  return ToGrpcStatus(status);
}

absl::Status AccessServiceImpl::AnswerCoverage(const v1::ComputeCoverageRequest& request,
                                               const geo::Deadline& deadline,
                                               v1::ComputeCoverageResponse* response) const {
  ASSIGN_OR_RETURN(std::shared_ptr<const RegionCatalog> catalog, Catalog());
  ASSIGN_OR_RETURN(const access::CoverageRequest domain, CoverageRequestFromProto(request));
  ASSIGN_OR_RETURN(const UnitPage page, UnitPageFromProto(request));
  ASSIGN_OR_RETURN(const AnalysisScope scope,
                   OpenScope(std::move(catalog), request.region(), domain.travel, deadline));
  // The inline facilities are a network of one.
  access::AllianceCoverageRequest network{.members = {{.facilities = domain.facilities}},
                                          .thresholds = domain.thresholds};
  ASSIGN_OR_RETURN(access::AllianceCoverageAnswer answer, RunCoverage(scope, limits_, &network));
  const access::CoverageAnswer plain{
      .summary = std::move(answer.alliance),
      .travel = std::move(answer.travel),
      .unsnapped_facilities = std::move(answer.unsnapped_facilities[0])};
  return CoverageToProto(*scope.region, domain, plain, page, scope.speed_profile(), response);
}

// The region's drive data, or the status explaining why there is none.
absl::StatusOr<std::shared_ptr<const access::DriveRegion>> AccessServiceImpl::Drive(
    std::string_view region) const {
  ASSIGN_OR_RETURN(std::shared_ptr<const RegionCatalog> catalog, Catalog());
  ASSIGN_OR_RETURN(
      AnalysisScope scope,
      OpenScope(std::move(catalog), region, {.mode = access::TravelMode::kDrive}, geo::Deadline()));
  return std::move(scope.drive);
}

grpc::Status AccessServiceImpl::ComputeIsochrones(grpc::ServerContext* context,
                                                  const v1::ComputeIsochronesRequest* request,
                                                  v1::ComputeIsochronesResponse* response) {
  if (grpc::Status refused = CallRefusal(*context); !refused.ok()) return refused;
  const geo::Deadline deadline = RequestDeadline(*context, max_request_time_);
  return ToGrpcStatus([&]() -> absl::Status {
    ASSIGN_OR_RETURN(const std::shared_ptr<const access::DriveRegion> drive,
                     Drive(request->region()));
    ASSIGN_OR_RETURN(access::IsochroneRequest domain, IsochroneRequestFromProto(*request));
    domain.deadline = deadline;
    ASSIGN_OR_RETURN(const access::IsochroneAnswer answer,
                     access::ComputeIsochrones(*drive, domain, limits_));
    response->set_region(request->region());
    IsochronesToProto(domain, answer, drive->network->graph().profile_name, response);
    return absl::OkStatus();
  }());
}

grpc::Status AccessServiceImpl::ComputeMatrix(grpc::ServerContext* context,
                                              const v1::ComputeMatrixRequest* request,
                                              grpc::ServerWriter<v1::MatrixRow>* writer) {
  if (grpc::Status refused = CallRefusal(*context); !refused.ok()) return refused;
  const geo::Deadline deadline = RequestDeadline(*context, max_request_time_);
  return ToGrpcStatus([&]() -> absl::Status {
    ASSIGN_OR_RETURN(const std::shared_ptr<const access::DriveRegion> drive,
                     Drive(request->region()));
    ASSIGN_OR_RETURN(access::MatrixRequest domain, MatrixRequestFromProto(*request));
    domain.deadline = deadline;
    return access::ComputeMatrix(*drive, domain, limits_, [&](const access::MatrixRow& row) {
      v1::MatrixRow out;
      MatrixRowToProto(domain, row, &out);
      return !context->IsCancelled() && writer->Write(out);
    });
  }());
}

}  // namespace carereach::rpc
