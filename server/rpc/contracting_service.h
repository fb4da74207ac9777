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
#include "server/rpc/analysis_call.h"
#include "server/rpc/network_selection.h"
#include "server/store/store.h"

namespace carereach::rpc {

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
  using Call = AnalysisCall;  // per-call context: tenant, scope (catalog, region, roads)
  // Opens the call (BeginAnalysis on this service's catalog snapshot): the caller (when
  // `needs_store`: stored networks or a saved report, which also needs the write scope), the
  // region, the travel model and the deadline.
  template <class Request>
  absl::StatusOr<Call> Begin(const grpc::ServerContext& context, const Request& request,
                             bool needs_store) const;
  // Saves the answer as a report when the request asks: compute_ms is set first so that the
  // report has it; then sets report_id.
  template <class Request, class Response>
  absl::Status SaveIfAsked(const Call& call, const std::string& kind, const Request& request,
                           const std::vector<ResolvedRoster>& networks,
                           const std::string& standards_set, const std::string& summary,
                           Response* response) const;
  absl::StatusOr<std::string> SaveReport(const Call& call, const std::string& kind,
                                         const std::string& title,
                                         const std::vector<ResolvedRoster>& networks,
                                         const std::string& standards_set,
                                         const google::protobuf::Message& request,
                                         const google::protobuf::Message& result,
                                         const std::string& summary) const;

  absl::Status AnswerCoverage(const grpc::ServerContext& context,
                              const v1::AnalyzeCoverageRequest& request,
                              v1::AnalyzeCoverageResponse* response) const;
  absl::Status AnswerAdequacy(grpc::ServerContext& context,
                              const v1::AnalyzeAdequacyRequest& request,
                              grpc::ServerWriter<v1::AnalyzeAdequacyResponse>* writer) const;
  // AnalyzeAdequacy's SaveIfAsked: the report is the streamed rows (`report`) and the summary.
  absl::Status SaveAdequacyIfAsked(const Call& call, const v1::AnalyzeAdequacyRequest& request,
                                   const std::vector<ResolvedRoster>& networks,
                                   const std::string& standards_set, v1::AdequacyReport* report,
                                   v1::AnalyzeAdequacySummary* summary) const;
  absl::Status AnswerRecommend(const grpc::ServerContext& context,
                               const v1::RecommendAdditionsRequest& request,
                               v1::RecommendAdditionsResponse* response) const;
  struct ReportText {
    std::string standards_set;  // empty when the answer does not use one
    std::string summary;
  };
  absl::StatusOr<ReportText> RecommendForCoverage(const Call& call,
                                                  const v1::RecommendAdditionsRequest& request,
                                                  const std::vector<ResolvedRoster>& networks,
                                                  const ResolvedRoster& pool, int32_t max_picks,
                                                  v1::RecommendAdditionsResponse* response) const;
  absl::StatusOr<ReportText> RecommendForAdequacy(const Call& call,
                                                  const v1::RecommendAdditionsRequest& request,
                                                  const std::vector<ResolvedRoster>& networks,
                                                  const ResolvedRoster& pool, int32_t max_picks,
                                                  v1::RecommendAdditionsResponse* response) const;
  absl::Status AnswerAccessRatios(const grpc::ServerContext& context,
                                  const v1::ComputeAccessRatiosRequest& request,
                                  v1::ComputeAccessRatiosResponse* response) const;

  const AnalysisDeps deps_;
  store::Store* const store_;
  const access::CoverageLimits limits_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const RegionCatalog> catalog_ ABSL_GUARDED_BY(mu_);
};

}  // namespace carereach::rpc

#endif  // CAREREACH_SERVER_RPC_CONTRACTING_SERVICE_H_
