#ifndef CAREREACH_SERVER_RPC_MAP_SERVICE_H_
#define CAREREACH_SERVER_RPC_MAP_SERVICE_H_

#include <cstdint>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "carereach/v1/maps.grpc.pb.h"
#include "geo/access/coverage.h"
#include "server/auth/authenticator.h"
#include "server/region_catalog.h"
#include "server/rpc/analysis_call.h"
#include "server/store/store.h"

namespace carereach::rpc {

// carereach.v1.MapService: maps (PNG or SVG, geo/render) of the analyses ContractingService
// answers, computed by the same code (analysis_call.h): same validation, tenant and scope checks,
// deadline. Thread-safe: the store is thread-safe; the catalog is swapped in once under a mutex;
// each call renders on its own canvases.
class MapServiceImpl final : public v1::MapService::Service {
 public:
  // As ContractingServiceImpl: `store` may be null (stored networks answer FAILED_PRECONDITION);
  // `authenticator` (not owned; null: dev mode) names the caller of calls on stored networks.
  MapServiceImpl(store::Store* store, access::CoverageLimits limits, int64_t max_roster_rows,
                 absl::Duration max_request_time,
                 const auth::Authenticator* authenticator = nullptr);
  void SetCatalog(std::shared_ptr<const RegionCatalog> catalog);

  grpc::Status RenderMap(grpc::ServerContext* context, const v1::RenderMapRequest* request,
                         v1::RenderMapResponse* response) override;

 private:
  absl::Status Answer(const grpc::ServerContext& context, const v1::RenderMapRequest& request,
                      v1::RenderMapResponse* response) const;
  absl::Status AnswerCoverage(const grpc::ServerContext& context,
                              const v1::RenderMapRequest& request,
                              std::shared_ptr<const RegionCatalog> catalog,
                              v1::RenderMapResponse* response) const;
  absl::Status AnswerIsochrones(const grpc::ServerContext& context,
                                const v1::RenderMapRequest& request,
                                std::shared_ptr<const RegionCatalog> catalog,
                                v1::RenderMapResponse* response) const;
  absl::Status AnswerAdequacy(const grpc::ServerContext& context,
                              const v1::RenderMapRequest& request,
                              std::shared_ptr<const RegionCatalog> catalog,
                              v1::RenderMapResponse* response) const;

  const AnalysisDeps deps_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const RegionCatalog> catalog_ ABSL_GUARDED_BY(mu_);
};

}  // namespace carereach::rpc

#endif  // CAREREACH_SERVER_RPC_MAP_SERVICE_H_
