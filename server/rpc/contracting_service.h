#ifndef CAREREACH_SERVER_RPC_CONTRACTING_SERVICE_H_
#define CAREREACH_SERVER_RPC_CONTRACTING_SERVICE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "carereach/v1/contracting.grpc.pb.h"
#include "geo/access/adequacy.h"
#include "geo/access/coverage.h"
#include "server/auth/authenticator.h"
#include "server/region_catalog.h"
#include "server/store/store.h"

namespace carereach::rpc {

// A NetworkSelection resolved to the rows an analysis uses.
struct ResolvedRoster {
  std::string label;
  std::string network_id;  // empty for an inline roster
  int32_t version = 0;
  int64_t base_rows = 0;
  int32_t added_rows = 0;
  int32_t removed_rows = 0;
  std::vector<access::NetworkProvider> rows;
};

// carereach.v1.ContractingService: coverage and adequacy of stored networks with what-ifs,
// alliances with each member's contribution, recommended additions and 2SFCA access ratios;
// answers can be saved as reports with the request that produced them.
// Thread-safe: the store is thread-safe; the catalog is swapped in once under a mutex.
class ContractingServiceImpl final : public v1::ContractingService::Service {
 public:
  // `store` may be null (no --state_dir): stored networks and saved reports then answer
  // FAILED_PRECONDITION, inline rosters still work.
  // `authenticator` (not owned; null: dev mode) names the caller of calls that touch stored
  // objects; saving a report needs the write scope.
  ContractingServiceImpl(store::Store* store, access::CoverageLimits limits,
                         int64_t max_roster_rows, absl::Duration max_request_time,
                         const auth::Authenticator* authenticator = nullptr);
  void SetCatalog(std::shared_ptr<const RegionCatalog> catalog);

  grpc::Status AnalyzeCoverage(grpc::ServerContext* context,
                               const v1::AnalyzeCoverageRequest* request,
                               v1::AnalyzeCoverageResponse* response) override;
  grpc::Status AnalyzeAdequacy(grpc::ServerContext* context,
                               const v1::AnalyzeAdequacyRequest* request,
                               grpc::ServerWriter<v1::AnalyzeAdequacyResponse>* writer) override;
  grpc::Status RecommendAdditions(grpc::ServerContext* context,
                                  const v1::RecommendAdditionsRequest* request,
                                  v1::RecommendAdditionsResponse* response) override;
  grpc::Status ComputeAccessRatios(grpc::ServerContext* context,
                                   const v1::ComputeAccessRatiosRequest* request,
                                   v1::ComputeAccessRatiosResponse* response) override;

 private:
  struct Call;  // per-call context: tenant, catalog, region, drive data
  absl::StatusOr<Call> Begin(const grpc::ServerContext& context, const std::string& region,
                             v1::TravelMode mode, bool needs_store, bool saves_report) const;
  absl::StatusOr<ResolvedRoster> Resolve(const Call& call, const v1::NetworkSelection& selection,
                                         const std::string& path) const;
  absl::StatusOr<std::vector<ResolvedRoster>> ResolveAll(
      const Call& call, const google::protobuf::RepeatedPtrField<v1::NetworkSelection>& selections,
      const std::string& field, bool allow_empty) const;
  absl::StatusOr<std::string> SaveReport(const Call& call, const std::string& kind,
                                         const std::string& title,
                                         const std::vector<ResolvedRoster>& networks,
                                         const std::string& standards_set,
                                         const google::protobuf::Message& request,
                                         const google::protobuf::Message& result,
                                         const std::string& summary) const;

  store::Store* const store_;
  const auth::Authenticator* const authenticator_;
  const access::CoverageLimits limits_;
  const int64_t max_roster_rows_;
  const absl::Duration max_request_time_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const RegionCatalog> catalog_ ABSL_GUARDED_BY(mu_);
};

// Facilities of a roster for coverage-type questions: rows whose code is in `codes` (all when
// empty), one facility per distinct (id, location); a second location of the same id gets the
// id "<id>#2", and so on. `origin[i]` is the row index of facility i.
std::vector<access::Facility> FacilitiesOfRoster(const std::vector<access::NetworkProvider>& rows,
                                                 const std::vector<std::string>& codes,
                                                 std::vector<int32_t>* origin);

}  // namespace carereach::rpc

#endif  // CAREREACH_SERVER_RPC_CONTRACTING_SERVICE_H_
