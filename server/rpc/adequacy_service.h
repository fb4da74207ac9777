#ifndef CAREREACH_SERVER_RPC_ADEQUACY_SERVICE_H_
#define CAREREACH_SERVER_RPC_ADEQUACY_SERVICE_H_

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "carereach/v1/adequacy.grpc.pb.h"
#include "server/region_catalog.h"

namespace carereach::rpc {

// carereach.v1.AdequacyService: reads the header and the roster stream, validates, delegates to
// access::EvaluateAdequacy and streams each county x specialty result, then a summary.
// Thread-safe: the catalog is swapped in once and read as an immutable snapshot.
class AdequacyServiceImpl final : public v1::AdequacyService::Service {
 public:
  AdequacyServiceImpl(access::CoverageLimits limits, int64_t max_roster_rows,
                      absl::Duration max_request_time);
  void SetCatalog(std::shared_ptr<const RegionCatalog> catalog);

  grpc::Status EvaluateAdequacy(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::EvaluateAdequacyResponse, v1::EvaluateAdequacyRequest>* stream)
      override;

 private:
  using Stream =
      grpc::ServerReaderWriter<v1::EvaluateAdequacyResponse, v1::EvaluateAdequacyRequest>;
  absl::StatusOr<std::shared_ptr<const RegionCatalog>> Catalog() const;
  // Reads the request, evaluates it (streaming each result) and fills the summary but its
  // compute_ms.
  absl::Status Answer(const grpc::ServerContext& context, Stream* stream,
                      v1::AdequacySummary* summary) const;

  const access::CoverageLimits limits_;
  const int64_t max_roster_rows_;
  const absl::Duration max_request_time_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const RegionCatalog> catalog_ ABSL_GUARDED_BY(mu_);
};

}  // namespace carereach::rpc

#endif  // CAREREACH_SERVER_RPC_ADEQUACY_SERVICE_H_
