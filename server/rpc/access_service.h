#ifndef CAREREACH_SERVER_RPC_ACCESS_SERVICE_H_
#define CAREREACH_SERVER_RPC_ACCESS_SERVICE_H_

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "carereach/v1/access.grpc.pb.h"
#include "geo/access/coverage.h"
#include "geo/core/deadline.h"
#include "server/region_catalog.h"

namespace carereach::rpc {

// carereach.v1.AccessService. Each handler takes the deadline, converts, delegates to the domain
// (geo/access), converts back and maps the status.
// Thread-safe: handlers run concurrently; the catalog is swapped in once under a mutex and read
// as an immutable snapshot.
class AccessServiceImpl final : public v1::AccessService::Service {
 public:
  // `max_request_time` bounds requests that carry no deadline (or a longer one).
  AccessServiceImpl(access::CoverageLimits limits, absl::Duration max_request_time);

  // Makes the regions available; until then RPCs answer UNAVAILABLE.
  void SetCatalog(std::shared_ptr<const RegionCatalog> catalog);

  grpc::Status ListRegions(grpc::ServerContext* context, const v1::ListRegionsRequest* request,
                           v1::ListRegionsResponse* response) override;
  grpc::Status ComputeCoverage(grpc::ServerContext* context,
                               const v1::ComputeCoverageRequest* request,
                               v1::ComputeCoverageResponse* response) override;
  grpc::Status ComputeIsochrones(grpc::ServerContext* context,
                                 const v1::ComputeIsochronesRequest* request,
                                 v1::ComputeIsochronesResponse* response) override;
  grpc::Status ComputeMatrix(grpc::ServerContext* context, const v1::ComputeMatrixRequest* request,
                             grpc::ServerWriter<v1::MatrixRow>* writer) override;

 private:
  // The region's drive data, or the status explaining why there is none.
  absl::StatusOr<std::shared_ptr<const access::DriveRegion>> Drive(std::string_view region) const;
  absl::StatusOr<std::shared_ptr<const RegionCatalog>> Catalog() const;
  absl::Status AnswerCoverage(const v1::ComputeCoverageRequest& request,
                              const geo::Deadline& deadline,
                              v1::ComputeCoverageResponse* response) const;

  const access::CoverageLimits limits_;
  const absl::Duration max_request_time_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const RegionCatalog> catalog_ ABSL_GUARDED_BY(mu_);
};

// When the call's computation stops: the earlier of the call's deadline and now +
// `max_request_time` (DEADLINE_EXCEEDED), or once the call is cancelled (CANCELLED): the client
// cancelled it or went away, or the server's shutdown grace ran out. The cancellation probe reads
// context.IsCancelled() (serialized by geo::Deadline, so worker threads may look too); the result
// must not outlive the call.
geo::Deadline RequestDeadline(const grpc::ServerContext& context, absl::Duration max_request_time);

}  // namespace carereach::rpc

#endif  // CAREREACH_SERVER_RPC_ACCESS_SERVICE_H_
