// MapService.RenderMap: the analysis through analysis_call.h (the path ContractingService
// answers with), then a render::MapScene built from the *domain* answer (map_scenes.h), drawn
// once per MapOptions.
#include "server/rpc/map_service.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "geo/core/status_macros.h"
#include "geo/render/render.h"
#include "google/protobuf/any.pb.h"
#include "server/rpc/access_service.h"
#include "server/rpc/admission.h"
#include "server/rpc/caller.h"
#include "server/rpc/contracting_convert.h"
#include "server/rpc/convert.h"
#include "server/rpc/map_scenes.h"
#include "server/rpc/status.h"

namespace carereach::rpc {
namespace {

double ElapsedMs(absl::Time start) { return absl::ToDoubleMilliseconds(absl::Now() - start); }

// INVALID_ARGUMENT messages of the inner request get its field's name in front
// ("coverage.networks[1]..."); other codes pass unchanged, so that e.g. another tenant's network
// answers exactly what the analysis RPC answers.
absl::Status Prefixed(const absl::Status& status, absl::string_view field) {
  if (status.code() != absl::StatusCode::kInvalidArgument) return status;
  absl::Status out(status.code(), absl::StrCat(field, ".", status.message()));
  status.ForEachPayload(
      [&](absl::string_view url, const absl::Cord& payload) { out.SetPayload(url, payload); });
  return out;
}

absl::Status Draw(const AnalysisCall& call, const render::MapScene& scene, const MapPlan& plan,
                  PixelBudget& pixels, v1::RenderedMap* out) {
  const absl::Time start = absl::Now();
  const int64_t n = int64_t{plan.options.width_px} * plan.options.height_px;
  RETURN_IF_ERROR(pixels.Acquire(n, call.scope.deadline, plan.path));
  absl::StatusOr<render::RenderedMap> drawn =
      render::RenderMap(scene, plan.options, call.scope.deadline);
  pixels.Release(n);  // the surface is gone; the encoded bytes are small beside it
  RETURN_IF_ERROR(drawn.status());
  const render::RenderedMap& map = *drawn;
  out->set_image(map.image);
  out->set_content_type(map.content_type);
  out->set_width_px(map.width_px);
  out->set_height_px(map.height_px);
  out->set_projection(map.projection);
  out->set_projection_name(map.projection_name);
  v1::MapFrame* f = out->mutable_frame();
  f->set_x_min_meters(map.frame.x_min_meters);
  f->set_y_max_meters(map.frame.y_max_meters);
  f->set_meters_per_px(map.frame.meters_per_px);
  f->set_panel_left_px(map.frame.panel_left_px);
  f->set_panel_top_px(map.frame.panel_top_px);
  f->set_panel_width_px(map.frame.panel_width_px);
  f->set_panel_height_px(map.frame.panel_height_px);
  out->set_title(scene.title);
  for (const render::LegendEntry& e : map.legend) {
    v1::LegendEntry* l = out->add_legend();
    l->set_label(e.label);
    l->set_color(e.color);
  }
  for (const std::string& c : map.credits) out->add_credits(c);
  out->set_method(scene.method);
  out->set_render_ms(ElapsedMs(start));
  return absl::OkStatus();
}

}  // namespace

absl::Status PixelBudget::Acquire(int64_t pixels, const geo::Deadline& deadline,
                                  const std::string& path) {
  if (pixels > max_) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "%s: %d pixels exceed this server's limit of %d pixels of maps drawn at once", path, pixels,
        max_));
  }
  absl::MutexLock lock(&mu_);
  const auto room = [&]()
                        ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return in_flight_ + pixels <= max_; };
  // Waits in slices, so that a caller who has gone stops waiting within one.
  while (!mu_.AwaitWithDeadline(absl::Condition(&room),
                                std::min(deadline.when(), absl::Now() + absl::Milliseconds(100)))) {
    if (absl::Now() >= deadline.when()) {
      absl::Status busy = absl::ResourceExhaustedError(absl::StrFormat(
          "%s: server busy drawing maps (%d of %d pixels in use) until the call's deadline; "
          "retry later (trailing metadata retry-after-ms)",
          path, in_flight_, max_));
      busy.SetPayload(kRetryPayload, absl::Cord("1"));
      return busy;
    }
    if (deadline.Stopped()) return deadline.Error("waiting to draw the map", " (" + path + ")");
  }
  in_flight_ += pixels;
  return absl::OkStatus();
}

void PixelBudget::Release(int64_t pixels) {
  absl::MutexLock lock(&mu_);
  in_flight_ -= pixels;
}

int64_t PixelBudget::in_flight() const {
  absl::MutexLock lock(&mu_);
  return in_flight_;
}

MapServiceImpl::MapServiceImpl(store::Store* store, access::CoverageLimits limits,
                               int64_t max_roster_rows, absl::Duration max_request_time,
                               const auth::Authenticator* authenticator,
                               int64_t max_render_pixels_in_flight)
    : deps_{.store = store,
            .authenticator = authenticator != nullptr ? authenticator : &DevModeAuthenticator(),
            .limits = limits,
            .max_roster_rows = max_roster_rows,
            .max_request_time = max_request_time},
      pixels_(max_render_pixels_in_flight) {}

void MapServiceImpl::SetCatalog(std::shared_ptr<const RegionCatalog> catalog) {
  absl::MutexLock lock(&mu_);
  catalog_ = std::move(catalog);
}

grpc::Status MapServiceImpl::RenderMap(grpc::ServerContext* context,
                                       const v1::RenderMapRequest* request,
                                       v1::RenderMapResponse* response) {
  const absl::Status status = Answer(*context, *request, response);
  if (status.GetPayload(PixelBudget::kRetryPayload).has_value()) {
    context->AddTrailingMetadata(kRetryAfterKey, "1000");
  }
  return ToGrpcStatus(status);
}

absl::Status MapServiceImpl::Answer(const grpc::ServerContext& context,
                                    const v1::RenderMapRequest& request,
                                    v1::RenderMapResponse* response) const {
  RETURN_IF_ERROR(CallRefusalStatus(context));  // admission's answer comes first, as elsewhere
  std::shared_ptr<const RegionCatalog> catalog;
  {
    absl::MutexLock lock(&mu_);
    catalog = catalog_;
  }
  switch (request.analysis_case()) {
    case v1::RenderMapRequest::kCoverage:
      return AnswerCoverage(context, request, std::move(catalog), response);
    case v1::RenderMapRequest::kAdequacy:
      return AnswerAdequacy(context, request, std::move(catalog), response);
    case v1::RenderMapRequest::kIsochrones:
      return AnswerIsochrones(context, request, std::move(catalog), response);
    default:
      return absl::InvalidArgumentError("analysis: set one of coverage, adequacy, isochrones");
  }
}

absl::Status MapServiceImpl::AnswerCoverage(const grpc::ServerContext& context,
                                            const v1::RenderMapRequest& request,
                                            std::shared_ptr<const RegionCatalog> catalog,
                                            v1::RenderMapResponse* response) const {
  const v1::AnalyzeCoverageRequest& inner = request.coverage();
  if (inner.save_report()) {
    return absl::InvalidArgumentError(
        "coverage.save_report: a map saves no report (ContractingService.AnalyzeCoverage does)");
  }
  ASSIGN_OR_RETURN(std::vector<MapPlan> plans, PlansOf(request, MapKind::kCoverage));
  for (const MapPlan& plan : plans) RETURN_IF_ERROR(CheckCoveragePlan(inner, plan));
  absl::StatusOr<AnalysisCall> begun = BeginAnalysis(
      context, inner, NamesStoredNetwork(inner.networks()), deps_, std::move(catalog));
  if (!begun.ok()) return Prefixed(begun.status(), "coverage");
  const AnalysisCall& call = *begun;
  for (MapPlan& plan : plans) RETURN_IF_ERROR(CompletePlan(call, MapKind::kCoverage, &plan));
  absl::StatusOr<CoverageRun> run = RunAnalyzeCoverage(call, inner, deps_.limits);
  if (!run.ok()) return Prefixed(run.status(), "coverage");
  if (request.include_result()) {
    v1::AnalyzeCoverageResponse result;
    AnalyzeCoverageToProto(call.scope, run->networks, run->domain, run->answer, &result);
    result.set_compute_ms(ElapsedMs(call.start));
    response->mutable_result()->PackFrom(result);
  }
  response->set_compute_ms(ElapsedMs(call.start));
  for (const MapPlan& plan : plans) {
    ASSIGN_OR_RETURN(const render::MapScene scene, CoverageScene(call, inner, *run, plan));
    RETURN_IF_ERROR(Draw(call, scene, plan, pixels_, response->add_maps()));
  }
  return absl::OkStatus();
}

absl::Status MapServiceImpl::AnswerAdequacy(const grpc::ServerContext& context,
                                            const v1::RenderMapRequest& request,
                                            std::shared_ptr<const RegionCatalog> catalog,
                                            v1::RenderMapResponse* response) const {
  const v1::AnalyzeAdequacyRequest& inner = request.adequacy();
  if (inner.save_report()) {
    return absl::InvalidArgumentError(
        "adequacy.save_report: a map saves no report (ContractingService.AnalyzeAdequacy does)");
  }
  if (inner.include_servicing_providers()) {
    return absl::InvalidArgumentError(
        "adequacy.include_servicing_providers: a map draws no servicing provider report "
        "(ContractingService.AnalyzeAdequacy lists it)");
  }
  ASSIGN_OR_RETURN(std::vector<MapPlan> plans, PlansOf(request, MapKind::kAdequacy));
  absl::StatusOr<AnalysisCall> begun = BeginAnalysis(
      context, inner, NamesStoredNetwork(inner.networks()), deps_, std::move(catalog));
  if (!begun.ok()) return Prefixed(begun.status(), "adequacy");
  const AnalysisCall& call = *begun;
  // Uncovered units are kept only for the types a map shows (all, when one picks by itself).
  bool keep_all_uncovered = false;
  absl::flat_hash_set<std::string> keep_uncovered;
  for (MapPlan& plan : plans) {
    RETURN_IF_ERROR(CompletePlan(call, MapKind::kAdequacy, &plan));
    if (!plan.Has(v1::MAP_LAYER_UNCOVERED)) continue;
    if (plan.specialty_code.empty()) keep_all_uncovered = true;
    keep_uncovered.insert(plan.specialty_code);
  }
  std::vector<AdequacyCell> cells;
  v1::AdequacyReport report;  // include_result only
  AdequacyTally tally;
  absl::StatusOr<AdequacyRun> run = RunAnalyzeAdequacy(
      call, inner, true, [&](const access::AllianceAdequacyRow& row, const AdequacyRun& adequacy) {
        const access::CountySpecialtyResult& r = row.alliance;
        AdequacyCell cell{.fips = r.county->fips, .code = r.specialty->code, .pass = r.pass};
        if (keep_all_uncovered || keep_uncovered.contains(cell.code)) {
          cell.uncovered_unit_ids = r.uncovered_unit_ids;
        }
        cells.push_back(std::move(cell));
        if (request.include_result()) {
          v1::AllianceAdequacyResult* out = report.add_results();
          *out = AllianceRowToProto(row, adequacy.domain.member_names, &tally);
          if (!inner.include_uncovered_units()) {
            out->mutable_result()->clear_uncovered_unit_ids();
          }
        }
        return !context.IsCancelled();
      });
  if (!run.ok()) return Prefixed(run.status(), "adequacy");
  if (request.include_result()) {
    AnalyzeAdequacySummaryToProto(call.scope, *run->standards, run->networks, run->summary, tally,
                                  report.mutable_summary());
    report.mutable_summary()->mutable_summary()->set_compute_ms(ElapsedMs(call.start));
    response->mutable_result()->PackFrom(report);
  }
  response->set_compute_ms(ElapsedMs(call.start));
  for (const MapPlan& plan : plans) {
    std::string code;
    ASSIGN_OR_RETURN(const render::MapScene scene, AdequacyScene(call, *run, cells, plan, &code));
    v1::RenderedMap* out = response->add_maps();
    RETURN_IF_ERROR(Draw(call, scene, plan, pixels_, out));
    out->set_specialty_code(code);
  }
  return absl::OkStatus();
}

absl::Status MapServiceImpl::AnswerIsochrones(const grpc::ServerContext& context,
                                              const v1::RenderMapRequest& request,
                                              std::shared_ptr<const RegionCatalog> catalog,
                                              v1::RenderMapResponse* response) const {
  // AccessService.ComputeIsochrones' path: inline facilities (no tenant), the region's roads.
  const v1::ComputeIsochronesRequest& inner = request.isochrones();
  ASSIGN_OR_RETURN(std::vector<MapPlan> plans, PlansOf(request, MapKind::kIsochrones));
  if (catalog == nullptr) return absl::UnavailableError("regions are still loading");
  AnalysisCall call{.start = absl::Now()};
  const geo::Deadline deadline = RequestDeadline(context, deps_.max_request_time);
  absl::StatusOr<AnalysisScope> scope =
      OpenScope(std::move(catalog), inner.region(), {.mode = access::TravelMode::kDrive}, deadline);
  if (!scope.ok()) return Prefixed(scope.status(), "isochrones");
  call.scope = *std::move(scope);
  for (MapPlan& plan : plans) RETURN_IF_ERROR(CompletePlan(call, MapKind::kIsochrones, &plan));
  absl::StatusOr<access::IsochroneRequest> domain = IsochroneRequestFromProto(inner);
  if (!domain.ok()) return Prefixed(domain.status(), "isochrones");
  domain->deadline = deadline;
  absl::StatusOr<access::IsochroneAnswer> answer =
      access::ComputeIsochrones(*call.scope.drive, *domain, deps_.limits);
  if (!answer.ok()) return Prefixed(answer.status(), "isochrones");
  if (request.include_result()) {
    v1::ComputeIsochronesResponse result;
    result.set_region(inner.region());
    IsochronesToProto(*domain, *answer, call.scope.speed_profile(), &result);
    response->mutable_result()->PackFrom(result);
  }
  response->set_compute_ms(ElapsedMs(call.start));
  for (const MapPlan& plan : plans) {
    ASSIGN_OR_RETURN(const render::MapScene scene, IsochroneScene(call, *domain, *answer, plan));
    RETURN_IF_ERROR(Draw(call, scene, plan, pixels_, response->add_maps()));
  }
  return absl::OkStatus();
}

}  // namespace carereach::rpc
