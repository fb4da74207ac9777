#ifndef CAREREACH_SERVER_RPC_ANALYSIS_CALL_H_
#define CAREREACH_SERVER_RPC_ANALYSIS_CALL_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "carereach/v1/contracting.pb.h"
#include "geo/access/alliance.h"
#include "geo/access/coverage.h"
#include "grpcpp/server_context.h"
#include "server/auth/authenticator.h"
#include "server/region_catalog.h"
#include "server/rpc/analysis.h"
#include "server/rpc/convert.h"
#include "server/rpc/network_selection.h"
#include "server/store/store.h"

namespace carereach::rpc {

// The request -> domain half of the analyses over network selections (ContractingService's
// AnalyzeCoverage/AnalyzeAdequacy and MapService's maps of them): one path, so that a map shows
// exactly what the analysis answers, with the same tenant, scope and validation.

// What opening such a call needs from the service (the constructor arguments the services share).
struct AnalysisDeps {
  store::Store* store = nullptr;                       // null: no --state_dir
  const auth::Authenticator* authenticator = nullptr;  // not null
  access::CoverageLimits limits;
  int64_t max_roster_rows = 0;
  absl::Duration max_request_time;
};

// One call: its tenant, scope (catalog, region, roads, travel model, deadline) and how it
// resolves NetworkSelections.
struct AnalysisCall {
  std::string tenant;  // empty when the call touches no stored object
  // The client's x-request-id ("" when none or invalid): a saved report's key, so that a call
  // retried on another replica answers the report its first attempt saved.
  std::string request_id;
  AnalysisScope scope;
  SelectionSource source;
  absl::Time start;
};

// Opens the call: refuses a call the server is refusing (admission), UNAVAILABLE while regions
// load; when `needs_store` (stored networks or a saved report) the store and the caller's tenant
// with the analyze scope, and the write scope to save a report; then the travel model, the region
// and the deadline. The non-template core of BeginAnalysis.
absl::StatusOr<AnalysisCall> BeginAnalysisCall(const grpc::ServerContext& context,
                                               std::string_view region,
                                               const absl::StatusOr<access::TravelModel>& travel,
                                               bool needs_store, bool save_report,
                                               const AnalysisDeps& deps,
                                               std::shared_ptr<const RegionCatalog> catalog);

template <class Request>
absl::StatusOr<AnalysisCall> BeginAnalysis(const grpc::ServerContext& context,
                                           const Request& request, bool needs_store,
                                           const AnalysisDeps& deps,
                                           std::shared_ptr<const RegionCatalog> catalog) {
  return BeginAnalysisCall(context, request.region(), TravelModelOf(request), needs_store,
                           request.save_report(), deps, std::move(catalog));
}

// AnalyzeCoverage's computation: the networks resolved, the domain request and its answer.
struct CoverageRun {
  std::vector<ResolvedRoster> networks;
  access::AllianceCoverageRequest domain;
  access::AllianceCoverageAnswer answer;
};
absl::StatusOr<CoverageRun> RunAnalyzeCoverage(const AnalysisCall& call,
                                               const v1::AnalyzeCoverageRequest& request,
                                               const access::CoverageLimits& limits);

// AnalyzeAdequacy's computation: rows go to `emit` in the domain's order (false: CANCELLED);
// `include_uncovered_units` overrides the request's (maps need the uncovered units).
struct AdequacyRun {
  std::vector<ResolvedRoster> networks;
  const RegionCatalog::Standards* standards = nullptr;
  access::AllianceAdequacyRequest domain;
  access::AllianceAdequacySummary summary;
};
absl::StatusOr<AdequacyRun> RunAnalyzeAdequacy(
    const AnalysisCall& call, const v1::AnalyzeAdequacyRequest& request,
    bool include_uncovered_units,
    const std::function<bool(const access::AllianceAdequacyRow&, const AdequacyRun& run)>& emit);

}  // namespace carereach::rpc

#endif  // CAREREACH_SERVER_RPC_ANALYSIS_CALL_H_
