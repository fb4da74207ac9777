#include "server/rpc/access_service.h"

#include <chrono>
#include <utility>

#include "absl/time/clock.h"
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

absl::Time RequestDeadline(const grpc::ServerContext& context, absl::Duration max_request_time) {
  const absl::Time cap = absl::Now() + max_request_time;
  const auto call_deadline = context.deadline();
  if (call_deadline == std::chrono::system_clock::time_point::max()) return cap;
  return std::min(cap, absl::FromChrono(call_deadline));
}

grpc::Status AccessServiceImpl::ListRegions(grpc::ServerContext*, const v1::ListRegionsRequest*,
                                            v1::ListRegionsResponse* response) {
  absl::StatusOr<std::shared_ptr<const RegionCatalog>> catalog = Catalog();
  if (!catalog.ok()) return ToGrpcStatus(catalog.status());
  for (size_t i = 0; i < (*catalog)->regions().size(); ++i) {
    v1::Region* out = response->add_regions();
    RegionToProto(*(*catalog)->regions()[i], out);
    RoadStateToProto((*catalog)->Roads(i), out);
  }
  return grpc::Status::OK;
}

grpc::Status AccessServiceImpl::ComputeCoverage(grpc::ServerContext* context,
                                                const v1::ComputeCoverageRequest* request,
                                                v1::ComputeCoverageResponse* response) {
  const absl::Time start = absl::Now();
  const absl::Status status =
      AnswerCoverage(*request, RequestDeadline(*context, max_request_time_), response);
  response->set_compute_ms(absl::ToDoubleMilliseconds(absl::Now() - start));
  return ToGrpcStatus(status);
}

absl::Status AccessServiceImpl::AnswerCoverage(const v1::ComputeCoverageRequest& request,
                                               absl::Time deadline,
                                               v1::ComputeCoverageResponse* response) const {
  absl::StatusOr<std::shared_ptr<const RegionCatalog>> catalog = Catalog();
  if (!catalog.ok()) return catalog.status();
  absl::StatusOr<const access::Region*> region = (*catalog)->Find(request.region());
  if (!region.ok()) return region.status();
  absl::StatusOr<access::CoverageRequest> domain = CoverageRequestFromProto(request);
  if (!domain.ok()) return domain.status();
  absl::StatusOr<UnitPage> page = UnitPageFromProto(request);
  if (!page.ok()) return page.status();
  domain->deadline = deadline;
  std::shared_ptr<const access::DriveRegion> drive;
  if (domain->mode == access::TravelMode::kDrive) {
    absl::StatusOr<std::shared_ptr<const access::DriveRegion>> d =
        (*catalog)->DriveRegionOf((*catalog)->IndexOf(*region));
    if (!d.ok()) return d.status();
    drive = *std::move(d);
  }
  absl::StatusOr<access::CoverageAnswer> answer =
      access::ComputeCoverage(**region, drive.get(), *domain, limits_);
  if (!answer.ok()) return answer.status();
  return CoverageToProto(**region, *domain, *answer, *page,
                         drive ? drive->network->graph().profile_name : std::string(), response);
}

}  // namespace carereach::rpc

namespace carereach::rpc {

absl::StatusOr<std::shared_ptr<const access::DriveRegion>> AccessServiceImpl::Drive(
    std::string_view region_name) const {
  absl::StatusOr<std::shared_ptr<const RegionCatalog>> catalog = Catalog();
  if (!catalog.ok()) return catalog.status();
  absl::StatusOr<const access::Region*> region = (*catalog)->Find(region_name);
  if (!region.ok()) return region.status();
  return (*catalog)->DriveRegionOf((*catalog)->IndexOf(*region));
}

grpc::Status AccessServiceImpl::ComputeIsochrones(grpc::ServerContext* context,
                                                  const v1::ComputeIsochronesRequest* request,
                                                  v1::ComputeIsochronesResponse* response) {
  absl::StatusOr<std::shared_ptr<const access::DriveRegion>> drive = Drive(request->region());
  if (!drive.ok()) return ToGrpcStatus(drive.status());
  absl::StatusOr<access::IsochroneRequest> domain = IsochroneRequestFromProto(*request);
  if (!domain.ok()) return ToGrpcStatus(domain.status());
  domain->deadline = RequestDeadline(*context, max_request_time_);
  absl::StatusOr<access::IsochroneAnswer> answer =
      access::ComputeIsochrones(**drive, *domain, limits_);
  if (!answer.ok()) return ToGrpcStatus(answer.status());
  response->set_region(request->region());
  IsochronesToProto(*domain, *answer, (*drive)->network->graph().profile_name, response);
  return grpc::Status::OK;
}

grpc::Status AccessServiceImpl::ComputeMatrix(grpc::ServerContext* context,
                                              const v1::ComputeMatrixRequest* request,
                                              grpc::ServerWriter<v1::MatrixRow>* writer) {
  absl::StatusOr<std::shared_ptr<const access::DriveRegion>> drive = Drive(request->region());
  if (!drive.ok()) return ToGrpcStatus(drive.status());
  absl::StatusOr<access::MatrixRequest> domain = MatrixRequestFromProto(*request);
  if (!domain.ok()) return ToGrpcStatus(domain.status());
  domain->deadline = RequestDeadline(*context, max_request_time_);
  return ToGrpcStatus(
      access::ComputeMatrix(**drive, *domain, limits_, [&](const access::MatrixRow& row) {
        v1::MatrixRow out;
        MatrixRowToProto(*domain, row, &out);
        return !context->IsCancelled() && writer->Write(out);
      }));
}

}  // namespace carereach::rpc
