#ifndef CAREREACH_SERVER_RPC_MAP_SERVICE_H_
#define CAREREACH_SERVER_RPC_MAP_SERVICE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "carereach/v1/maps.grpc.pb.h"
#include "geo/access/coverage.h"
#include "geo/core/deadline.h"
#include "server/auth/authenticator.h"
#include "server/region_catalog.h"
#include "server/rpc/analysis_call.h"
#include "server/store/store.h"

namespace carereach::rpc {

// The pixels of the maps being drawn at once (a PNG surface takes 4 bytes a pixel): a counting
// semaphore. Thread-safe.
class PixelBudget {
 public:
  explicit PixelBudget(int64_t max_pixels) : max_(max_pixels) {}
  // Takes `pixels`, waiting for room until `deadline`; RESOURCE_EXHAUSTED naming `path` when a
  // map alone exceeds the budget, or (with the payload kRetryPayload) when no room came in time;
  // CANCELLED when the caller goes while waiting.
  absl::Status Acquire(int64_t pixels, const geo::Deadline& deadline, const std::string& path);
  void Release(int64_t pixels);
  int64_t in_flight() const;

  // Status payload of "no room in time": the handler adds retry-after-ms.
  static constexpr char kRetryPayload[] = "carereach/map-pixels-busy";

 private:
  const int64_t max_;
  mutable absl::Mutex mu_;
  int64_t in_flight_ ABSL_GUARDED_BY(mu_) = 0;
};

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
                 const auth::Authenticator* authenticator = nullptr,
                 int64_t max_render_pixels_in_flight = int64_t{64} << 20);
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
  mutable PixelBudget pixels_;
};

}  // namespace carereach::rpc

#endif  // CAREREACH_SERVER_RPC_MAP_SERVICE_H_
