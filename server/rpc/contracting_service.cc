#include "server/rpc/contracting_service.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "geo/access/access_ratio.h"
#include "geo/access/alliance.h"
#include "geo/access/exception_evidence.h"
#include "geo/access/recommend.h"
#include "geo/access/roster.h"
#include "geo/access/servicing_report.h"
#include "geo/core/status_macros.h"
#include "google/protobuf/any.pb.h"
#include "server/metrics.h"
#include "server/rpc/access_service.h"
#include "server/rpc/admission.h"
#include "server/rpc/analysis.h"
#include "server/rpc/caller.h"
#include "server/rpc/contracting_convert.h"
#include "server/rpc/convert.h"
#include "server/rpc/status.h"

namespace carereach::rpc {

namespace {

constexpr int32_t kDefaultMaxPicks = 10;
constexpr int32_t kMaxPicks = 100;
// AnalyzeAdequacy: servicing providers per response part.
constexpr int kServicingProvidersPerPart = 1000;
constexpr char kGreedyMethod[] =
    "Greedy with lazy evaluation: each pick is the candidate adding the most not-yet-covered "
    "people; lazy re-evaluation gives the same picks as plain greedy. Coverage is monotone and "
    "submodular, so k greedy picks cover at least 1 - 1/e (63%) of what the best possible k "
    "candidates would add (Nemhauser, Wolsey and Fisher 1978).";

std::vector<std::string> Strings(const google::protobuf::RepeatedPtrField<std::string>& in) {
  return {in.begin(), in.end()};
}

double ElapsedMs(absl::Time start) { return absl::ToDoubleMilliseconds(absl::Now() - start); }

absl::StatusOr<int32_t> MaxPicksOf(int32_t asked) {
  const int32_t max_picks = asked == 0 ? kDefaultMaxPicks : asked;
  if (max_picks < 1 || max_picks > kMaxPicks) {
    return absl::InvalidArgumentError(
        absl::StrFormat("max_picks: %d is outside [1, %d]", asked, kMaxPicks));
  }
  return max_picks;
}

// The candidate pool: a selection like any network, labelled "candidates" unless named.
absl::StatusOr<ResolvedRoster> ResolvePool(const SelectionSource& source,
                                           v1::NetworkSelection selection) {
  if (selection.label().empty() && selection.network_id().empty()) {
    selection.set_label("candidates");
  }
  ASSIGN_OR_RETURN(ResolvedRoster pool, ResolveSelection(source, selection, "candidates"));
  if (pool.rows.empty()) return absl::InvalidArgumentError("candidates: the pool is empty");
  return pool;
}

}  // namespace

ContractingServiceImpl::ContractingServiceImpl(store::Store* store, access::CoverageLimits limits,
                                               int64_t max_roster_rows,
                                               absl::Duration max_request_time,
                                               const auth::Authenticator* authenticator)
    : deps_{.store = store,
            .authenticator = authenticator != nullptr ? authenticator : &DevModeAuthenticator(),
            .limits = limits,
            .max_roster_rows = max_roster_rows,
            .max_request_time = max_request_time},
      store_(store),
      limits_(limits) {}

void ContractingServiceImpl::SetCatalog(std::shared_ptr<const RegionCatalog> catalog) {
  absl::MutexLock lock(&mu_);
  catalog_ = std::move(catalog);
}

template <class Request>
absl::StatusOr<ContractingServiceImpl::Call> ContractingServiceImpl::Begin(
    const grpc::ServerContext& context, const Request& request, bool needs_store) const {
  std::shared_ptr<const RegionCatalog> catalog;
  {
    absl::MutexLock lock(&mu_);
    catalog = catalog_;
  }
  return BeginAnalysis(context, request, needs_store, deps_, std::move(catalog));
}

absl::StatusOr<std::string> ContractingServiceImpl::SaveReport(
    const Call& call, const std::string& kind, const std::string& title,
    const std::vector<ResolvedRoster>& networks, const std::string& standards_set,
    const google::protobuf::Message& request, const google::protobuf::Message& result,
    const std::string& summary) const {
  store::ReportRecord record;
  record.kind = kind;
  record.title = title;
  for (const ResolvedRoster& n : networks) {
    if (!n.network_id.empty()) record.networks.push_back({n.network_id, n.version});
  }
  record.region = call.scope.region->name;
  record.standards_set = standards_set;
  record.mode = ModeName(call.scope.travel.mode);
  google::protobuf::Any any;
  any.PackFrom(request);
  record.request_blob = any.SerializeAsString();
  any.PackFrom(result);
  record.result_blob = any.SerializeAsString();
  record.summary = summary;
  ASSIGN_OR_RETURN(const store::ReportRecord saved, TimeStoreCall("SaveReport", [&] {
                     return store_->SaveReport(call.tenant, std::move(record), call.request_id);
                   }));
  return saved.report_id;
}

template <class Request, class Response>
absl::Status ContractingServiceImpl::SaveIfAsked(const Call& call, const std::string& kind,
                                                 const Request& request,
                                                 const std::vector<ResolvedRoster>& networks,
                                                 const std::string& standards_set,
                                                 const std::string& summary,
                                                 Response* response) const {
  response->set_compute_ms(ElapsedMs(call.start));
  if (!request.save_report()) return absl::OkStatus();
  ASSIGN_OR_RETURN(const std::string id, SaveReport(call, kind, request.report_title(), networks,
                                                    standards_set, request, *response, summary));
  response->set_report_id(id);
  response->set_compute_ms(ElapsedMs(call.start));
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// AnalyzeCoverage

grpc::Status ContractingServiceImpl::AnalyzeCoverage(grpc::ServerContext* context,
                                                     const v1::AnalyzeCoverageRequest* request,
                                                     v1::AnalyzeCoverageResponse* response) {
  return ToGrpcStatus(AnswerCoverage(*context, *request, response));
}

absl::Status ContractingServiceImpl::AnswerCoverage(const grpc::ServerContext& context,
                                                    const v1::AnalyzeCoverageRequest& request,
                                                    v1::AnalyzeCoverageResponse* response) const {
  ASSIGN_OR_RETURN(const Call call,
                   Begin(context, request, NamesStoredNetwork(request.networks())));
  ASSIGN_OR_RETURN(const CoverageRun run, RunAnalyzeCoverage(call, request, limits_));
  AnalyzeCoverageToProto(call.scope, run.networks, run.domain, run.answer, response);
  return SaveIfAsked(call, "coverage", request, run.networks, "", CoverageReportLine(*response),
                     response);
}

// ---------------------------------------------------------------------------------------------
// AnalyzeAdequacy

grpc::Status ContractingServiceImpl::AnalyzeAdequacy(
    grpc::ServerContext* context, const v1::AnalyzeAdequacyRequest* request,
    grpc::ServerWriter<v1::AnalyzeAdequacyResponse>* writer) {
  return ToGrpcStatus(AnswerAdequacy(*context, *request, writer));
}

absl::Status ContractingServiceImpl::AnswerAdequacy(
    grpc::ServerContext& context, const v1::AnalyzeAdequacyRequest& request,
    grpc::ServerWriter<v1::AnalyzeAdequacyResponse>* writer) const {
  const bool has_supply =
      !request.supply().network_id().empty() || request.supply().providers_size() > 0;
  ASSIGN_OR_RETURN(const Call call, Begin(context, request,
                                          NamesStoredNetwork(request.networks()) ||
                                              !request.supply().network_id().empty()));
  if (!has_supply && request.evidence_providers() != 0) {
    return absl::InvalidArgumentError(
        "evidence_providers: set without a supply (exception evidence needs supply)");
  }
  const int max_listed = request.evidence_providers() == 0 ? access::kDefaultEvidenceProviders
                                                           : request.evidence_providers();
  if (max_listed < 1 || max_listed > access::kMaxEvidenceProviders) {
    return absl::InvalidArgumentError(absl::StrFormat("evidence_providers: %d is not in [1, %d]",
                                                      max_listed, access::kMaxEvidenceProviders));
  }
  std::optional<ResolvedRoster> supply;
  if (has_supply) {
    v1::NetworkSelection selection = request.supply();
    if (selection.label().empty() && selection.network_id().empty()) selection.set_label("supply");
    ASSIGN_OR_RETURN(supply, ResolveSelection(call.source, selection, "supply"));
  }
  v1::AdequacyReport report;  // kept only when the report is saved
  AdequacyTally tally;
  std::optional<access::ExceptionEvidenceFinder> evidence_finder;  // with a supply, once
  std::vector<access::CountySpecialtyResult> servicing_results;    // with the servicing report
  absl::Status evidence_status;
  absl::StatusOr<AdequacyRun> run_or = RunAnalyzeAdequacy(
      call, request, request.include_uncovered_units(),
      [&](const access::AllianceAdequacyRow& row, const AdequacyRun& adequacy) {
        v1::AnalyzeAdequacyResponse out;
        *out.mutable_result() = AllianceRowToProto(row, adequacy.domain.member_names, &tally);
        if (supply && !row.alliance.pass) {
          if (!evidence_finder) {
            absl::flat_hash_set<std::string> network_ids;
            for (const ResolvedRoster& n : adequacy.networks) {
              for (const access::NetworkProvider& p : n.rows) network_ids.insert(p.id);
            }
            absl::StatusOr<access::ExceptionEvidenceFinder> finder =
                access::ExceptionEvidenceFinder::Make(call.scope.units(), call.scope.drive.get(),
                                                      adequacy.standards->set, supply->rows,
                                                      std::move(network_ids), call.scope.travel,
                                                      max_listed, call.scope.deadline);
            if (!finder.ok()) {
              evidence_status = finder.status();
              return false;
            }
            evidence_finder.emplace(*std::move(finder));
          }
          absl::StatusOr<access::ExceptionEvidence> evidence =
              evidence_finder->ForFailingResult(row.alliance);
          if (!evidence.ok()) {
            evidence_status = evidence.status();
            return false;
          }
          ExceptionEvidenceToProto(*evidence, supply->rows,
                                   out.mutable_result()->mutable_exception_evidence());
        }
        if (request.include_servicing_providers()) {
          servicing_results.push_back(row.alliance);
          servicing_results.back().uncovered_unit_ids.clear();  // not needed by the report
        }
        if (request.save_report()) *report.add_results() = out.result();
        return !context.IsCancelled() && writer->Write(out);
      });
  // An evidence error stopped the run: it, not the run's CANCELLED, is the answer.
  RETURN_IF_ERROR(evidence_status);
  ASSIGN_OR_RETURN(const AdequacyRun run, std::move(run_or));
  if (request.include_servicing_providers()) {
    // The union's rows, as the evaluation saw them (EvaluateNetworkAdequacy).
    ASSIGN_OR_RETURN(
        const std::vector<access::ServicingEntry> entries,
        access::ServicingProviders(call.scope.units(), call.scope.drive.get(), run.standards->set,
                                   AllRows(run.networks), servicing_results, call.scope.travel,
                                   call.scope.deadline));
    v1::ServicingProviderReport all;
    ServicingProvidersToProto(entries, servicing_results, run.networks, &all);
    if (request.save_report()) *report.mutable_servicing_providers() = all;
    // Parts of at most kServicingProvidersPerPart rows keep each message small whatever the
    // roster's size.
    for (int first = 0; first < all.providers_size(); first += kServicingProvidersPerPart) {
      v1::AnalyzeAdequacyResponse part;
      const int last = std::min(all.providers_size(), first + kServicingProvidersPerPart);
      for (int i = first; i < last; ++i) {
        *part.mutable_servicing_providers()->add_providers() = all.providers(i);
      }
      if (context.IsCancelled() || !writer->Write(part)) {
        return absl::CancelledError("include_servicing_providers: the caller stopped reading");
      }
    }
  }
  v1::AnalyzeAdequacyResponse out;
  AnalyzeAdequacySummaryToProto(call.scope, *run.standards, run.networks, run.summary, tally,
                                out.mutable_summary());
  RETURN_IF_ERROR(SaveAdequacyIfAsked(call, request, run.networks, run.standards->set.name(),
                                      &report, out.mutable_summary()));
  writer->Write(out);
  return absl::OkStatus();
}

absl::Status ContractingServiceImpl::SaveAdequacyIfAsked(
    const Call& call, const v1::AnalyzeAdequacyRequest& request,
    const std::vector<ResolvedRoster>& networks, const std::string& standards_set,
    v1::AdequacyReport* report, v1::AnalyzeAdequacySummary* summary) const {
  v1::AdequacySummary* s = summary->mutable_summary();
  s->set_compute_ms(ElapsedMs(call.start));
  if (!request.save_report()) return absl::OkStatus();
  *report->mutable_summary() = *summary;
  ASSIGN_OR_RETURN(const std::string id,
                   SaveReport(call, "adequacy", request.report_title(), networks, standards_set,
                              request, *report,
                              absl::StrFormat("%sadequacy: %d of %d county x type results pass",
                                              networks.size() > 1 ? "alliance " : "",
                                              summary->passing_results(), s->results())));
  summary->set_report_id(id);
  s->set_compute_ms(ElapsedMs(call.start));
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// RecommendAdditions

grpc::Status ContractingServiceImpl::RecommendAdditions(
    grpc::ServerContext* context, const v1::RecommendAdditionsRequest* request,
    v1::RecommendAdditionsResponse* response) {
  return ToGrpcStatus(AnswerRecommend(*context, *request, response));
}

absl::Status ContractingServiceImpl::AnswerRecommend(
    const grpc::ServerContext& context, const v1::RecommendAdditionsRequest& request,
    v1::RecommendAdditionsResponse* response) const {
  const bool stored =
      NamesStoredNetwork(request.networks()) || !request.candidates().network_id().empty();
  ASSIGN_OR_RETURN(const Call call, Begin(context, request, stored));
  ASSIGN_OR_RETURN(const std::vector<ResolvedRoster> networks,
                   ResolveSelections(call.source, request.networks(), "networks", true));
  ASSIGN_OR_RETURN(const ResolvedRoster pool, ResolvePool(call.source, request.candidates()));
  ASSIGN_OR_RETURN(const int32_t max_picks, MaxPicksOf(request.max_picks()));
  response->set_region(call.scope.region->name);
  response->set_mode(ModeToProto(call.scope.travel.mode));
  response->set_method(kGreedyMethod);
  ReportText text;
  if (request.has_adequacy()) {
    ASSIGN_OR_RETURN(text,
                     RecommendForAdequacy(call, request, networks, pool, max_picks, response));
  } else if (request.has_coverage()) {
    ASSIGN_OR_RETURN(text,
                     RecommendForCoverage(call, request, networks, pool, max_picks, response));
  } else {
    return absl::InvalidArgumentError(
        "objective: set coverage (a travel threshold) or adequacy (a county x specialty type)");
  }
  for (const ResolvedRoster& n : networks) ResolvedToProto(n, 0, response->add_networks());
  ResolvedToProto(pool, 0, response->add_networks());
  std::vector<ResolvedRoster> refs = networks;
  refs.push_back(pool);
  return SaveIfAsked(call, "recommendation", request, refs, text.standards_set, text.summary,
                     response);
}

absl::StatusOr<ContractingServiceImpl::ReportText> ContractingServiceImpl::RecommendForAdequacy(
    const Call& call, const v1::RecommendAdditionsRequest& request,
    const std::vector<ResolvedRoster>& networks, const ResolvedRoster& pool, int32_t max_picks,
    v1::RecommendAdditionsResponse* response) const {
  const v1::AdequacyObjective& objective = request.adequacy();
  ASSIGN_OR_RETURN(const RegionCatalog::Standards* standards,
                   call.scope.catalog->FindStandards(objective.standards_set()));
  const access::AdequacyRecommendRequest domain{.roster = AllRows(networks),
                                                .candidates = pool.rows,
                                                .county_fips = objective.county_fips(),
                                                .specialty_code = objective.specialty_code(),
                                                .travel = call.scope.travel,
                                                .max_picks = max_picks,
                                                .deadline = call.scope.deadline};
  ASSIGN_OR_RETURN(
      const access::AdequacyRecommendation rec,
      access::RecommendForAdequacy(*call.scope.region, call.scope.drive.get(), standards->set,
                                   standards->telehealth_eligible, domain));
  return ReportText{standards->set.name(), AdequacyPicksToProto(rec, objective, pool, response)};
}

absl::StatusOr<ContractingServiceImpl::ReportText> ContractingServiceImpl::RecommendForCoverage(
    const Call& call, const v1::RecommendAdditionsRequest& request,
    const std::vector<ResolvedRoster>& networks, const ResolvedRoster& pool, int32_t max_picks,
    v1::RecommendAdditionsResponse* response) const {
  const v1::CoverageObjective& objective = request.coverage();
  const std::vector<std::string> codes = Strings(objective.specialty_codes());
  std::vector<int32_t> pool_origin;
  const access::RecommendRequest domain{
      .network = access::FacilitiesOfRoster(AllRows(networks), codes),
      .candidates = access::FacilitiesOfRoster(pool.rows, codes, &pool_origin),
      .travel = call.scope.travel,
      .max_minutes = objective.max_minutes(),
      .max_miles = objective.max_miles(),
      .county_fips = Strings(objective.county_fips()),
      .max_picks = max_picks,
      .target_share = objective.target_share(),
      .deadline = call.scope.deadline};
  ASSIGN_OR_RETURN(
      const access::Recommendation rec,
      access::RecommendAdditions(*call.scope.region, call.scope.drive.get(), domain, limits_));
  return ReportText{"", CoveragePicksToProto(rec, domain, objective, pool, pool_origin, response)};
}

// ---------------------------------------------------------------------------------------------
// ComputeAccessRatios

grpc::Status ContractingServiceImpl::ComputeAccessRatios(
    grpc::ServerContext* context, const v1::ComputeAccessRatiosRequest* request,
    v1::ComputeAccessRatiosResponse* response) {
  return ToGrpcStatus(AnswerAccessRatios(*context, *request, response));
}

absl::Status ContractingServiceImpl::AnswerAccessRatios(
    const grpc::ServerContext& context, const v1::ComputeAccessRatiosRequest& request,
    v1::ComputeAccessRatiosResponse* response) const {
  ASSIGN_OR_RETURN(const Call call,
                   Begin(context, request, !request.network().network_id().empty()));
  ASSIGN_OR_RETURN(const ResolvedRoster network,
                   ResolveSelection(call.source, request.network(), "network"));
  ASSIGN_OR_RETURN(const double catchment_minutes, CatchmentMinutesFromProto(request));
  std::vector<int32_t> origin;
  access::AccessRatioRequest domain{.providers = access::FacilitiesOfRoster(
                                        network.rows, Strings(request.specialty_codes()), &origin),
                                    .travel = call.scope.travel,
                                    .catchment_minutes = catchment_minutes,
                                    .deadline = call.scope.deadline};
  for (int32_t i : origin) {
    const double beds = network.rows[i].beds;
    domain.capacity.push_back(request.capacity_from_beds() && beds > 0 ? beds : 1.0);
  }
  ASSIGN_OR_RETURN(
      const access::AccessRatioAnswer answer,
      access::ComputeAccessRatios(*call.scope.region, call.scope.drive.get(), domain, limits_));
  const std::string line = AccessRatiosToProto(call.scope, request, domain, answer, response);
  ResolvedToProto(network, static_cast<int32_t>(domain.providers.size()),
                  response->mutable_network());
  return SaveIfAsked(call, "access_ratios", request, {network}, "", line, response);
}

}  // namespace carereach::rpc
