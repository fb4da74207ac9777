#include "server/rpc/analysis_call.h"

#include <utility>

#include "absl/time/clock.h"
#include "geo/core/status_macros.h"
#include "server/rpc/access_service.h"
#include "server/rpc/admission.h"
#include "server/rpc/caller.h"
#include "server/rpc/observe.h"

namespace carereach::rpc {
namespace {

std::vector<std::string> Strings(const google::protobuf::RepeatedPtrField<std::string>& in) {
  return {in.begin(), in.end()};
}

}  // namespace

absl::StatusOr<AnalysisCall> BeginAnalysisCall(const grpc::ServerContext& context,
                                               std::string_view region,
                                               const absl::StatusOr<access::TravelModel>& travel,
                                               bool needs_store, bool save_report,
                                               const AnalysisDeps& deps,
                                               std::shared_ptr<const RegionCatalog> catalog) {
  RETURN_IF_ERROR(CallRefusalStatus(context));
  AnalysisCall call{.request_id = ClientRequestId(context), .start = absl::Now()};
  if (catalog == nullptr) return absl::UnavailableError("regions are still loading");
  if (needs_store || save_report) {
    if (deps.store == nullptr) {
      return absl::FailedPreconditionError(
          "this server was started without a state directory (--state_dir): stored networks "
          "and saved reports are not available");
    }
    ASSIGN_OR_RETURN(const auth::Caller caller, TenantCallerOf(context, *deps.authenticator,
                                                               auth::kScopeAnalyze, "this call"));
    if (save_report) RETURN_IF_ERROR(RequireScope(caller, auth::kScopeWrite, "save_report"));
    call.tenant = caller.tenant;
  }
  RETURN_IF_ERROR(travel.status());
  ASSIGN_OR_RETURN(call.scope, OpenScope(catalog, region, *travel,
                                         RequestDeadline(context, deps.max_request_time)));
  ASSIGN_OR_RETURN(const RegionCatalog::Standards* standards, catalog->FindStandards(""));
  call.source = {.store = deps.store,
                 .tenant = call.tenant,
                 .standards = &standards->set,
                 .max_rows = deps.max_roster_rows};
  return call;
}

absl::StatusOr<CoverageRun> RunAnalyzeCoverage(const AnalysisCall& call,
                                               const v1::AnalyzeCoverageRequest& request,
                                               const access::CoverageLimits& limits) {
  CoverageRun run;
  ASSIGN_OR_RETURN(run.networks,
                   ResolveSelections(call.source, request.networks(), "networks", false));
  run.domain.thresholds = ThresholdsFromProto(request.max_minutes(), request.max_miles());
  ASSIGN_OR_RETURN(run.domain.members,
                   CoverageMembers(run.networks, Strings(request.specialty_codes())));
  ASSIGN_OR_RETURN(run.answer, RunCoverage(call.scope, limits, &run.domain));
  return run;
}

absl::StatusOr<AdequacyRun> RunAnalyzeAdequacy(
    const AnalysisCall& call, const v1::AnalyzeAdequacyRequest& request,
    bool include_uncovered_units,
    const std::function<bool(const access::AllianceAdequacyRow&, const AdequacyRun& run)>& emit) {
  AdequacyRun run;
  ASSIGN_OR_RETURN(run.standards, call.scope.catalog->FindStandards(request.standards_set()));
  ASSIGN_OR_RETURN(run.networks,
                   ResolveSelections(call.source, request.networks(), "networks", false));
  run.domain = AdequacyMembers(run.networks);
  run.domain.base.county_fips = Strings(request.county_fips());
  run.domain.base.specialty_codes = Strings(request.specialty_codes());
  run.domain.base.include_uncovered_units = include_uncovered_units;
  ASSIGN_OR_RETURN(run.summary, RunAdequacy(call.scope, *run.standards, &run.domain,
                                            [&](const access::AllianceAdequacyRow& row) {
                                              return emit(row, run);
                                            }));
  return run;
}

}  // namespace carereach::rpc
