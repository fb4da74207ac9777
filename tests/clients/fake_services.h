#ifndef CAREREACH_TESTS_CLIENTS_FAKE_SERVICES_H_
#define CAREREACH_TESTS_CLIENTS_FAKE_SERVICES_H_

// In-process fakes of the carereach gRPC services the CLI tests call (with FakeServerTest of
// fixtures.h): AccessService, AdequacyService, NetworkService, ContractingService and MapService.
// Each records what it was sent and answers from hand-built messages.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "carereach/v1/access.grpc.pb.h"
#include "carereach/v1/adequacy.grpc.pb.h"
#include "carereach/v1/contracting.grpc.pb.h"
#include "carereach/v1/maps.grpc.pb.h"
#include "carereach/v1/networks.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "tests/clients/fixtures.h"

namespace carereach::cli {

// The tenant a call carried ("" when none).
inline std::string TenantOf(const grpc::ServerContext* context) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find("x-carereach-tenant");
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

class FakeAccessService final : public carereach::v1::AccessService::Service {
 public:
  using Handler = std::function<grpc::Status(const carereach::v1::ComputeCoverageRequest&,
                                             carereach::v1::ComputeCoverageResponse*)>;
  using IsochronesHandler = std::function<grpc::Status(
      const carereach::v1::ComputeIsochronesRequest&, carereach::v1::ComputeIsochronesResponse*)>;
  using MatrixHandler = std::function<grpc::Status(const carereach::v1::ComputeMatrixRequest&,
                                                   grpc::ServerWriter<carereach::v1::MatrixRow>*)>;

  grpc::Status ListRegions(grpc::ServerContext*, const carereach::v1::ListRegionsRequest*,
                           carereach::v1::ListRegionsResponse* response) override {
    if (unavailable_answers_ > 0) {
      --unavailable_answers_;
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "regions are still loading");
    }
    response->add_regions()->set_name("honolulu");
    return grpc::Status::OK;
  }

  grpc::Status ComputeCoverage(grpc::ServerContext*,
                               const carereach::v1::ComputeCoverageRequest* request,
                               carereach::v1::ComputeCoverageResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(*request);
    return handler_(*request, response);
  }

  grpc::Status ComputeIsochrones(grpc::ServerContext*,
                                 const carereach::v1::ComputeIsochronesRequest* request,
                                 carereach::v1::ComputeIsochronesResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    isochrone_requests_.push_back(*request);
    return isochrones_handler_(*request, response);
  }

  grpc::Status ComputeMatrix(grpc::ServerContext*,
                             const carereach::v1::ComputeMatrixRequest* request,
                             grpc::ServerWriter<carereach::v1::MatrixRow>* writer) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      matrix_requests_.push_back(*request);
    }
    // Not under mu_: a handler may wait for the client.
    return matrix_handler_(*request, writer);
  }

  void set_handler(Handler handler) { handler_ = std::move(handler); }
  void set_isochrones_handler(IsochronesHandler handler) {
    isochrones_handler_ = std::move(handler);
  }
  void set_matrix_handler(MatrixHandler handler) { matrix_handler_ = std::move(handler); }
  void set_unavailable_answers(int n) { unavailable_answers_ = n; }
  std::vector<carereach::v1::ComputeCoverageRequest> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  std::vector<carereach::v1::ComputeIsochronesRequest> isochrone_requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return isochrone_requests_;
  }
  std::vector<carereach::v1::ComputeMatrixRequest> matrix_requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return matrix_requests_;
  }

 private:
  std::mutex mu_;
  Handler handler_;
  IsochronesHandler isochrones_handler_;
  MatrixHandler matrix_handler_;
  std::atomic<int> unavailable_answers_{0};
  std::vector<carereach::v1::ComputeCoverageRequest> requests_;
  std::vector<carereach::v1::ComputeIsochronesRequest> isochrone_requests_;
  std::vector<carereach::v1::ComputeMatrixRequest> matrix_requests_;
};

class FakeAdequacyService final : public carereach::v1::AdequacyService::Service {
 public:
  grpc::Status EvaluateAdequacy(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<carereach::v1::EvaluateAdequacyResponse,
                               carereach::v1::EvaluateAdequacyRequest>* stream) override {
    carereach::v1::EvaluateAdequacyRequest request;
    while (stream->Read(&request)) {
      std::lock_guard<std::mutex> lock(mu_);
      if (request.has_header()) {
        headers_.push_back(request.header());
      } else {
        batch_sizes_.push_back(request.providers().providers_size());
        for (const auto& p : request.providers().providers()) providers_.push_back(p);
      }
    }
    if (!error_.ok()) return error_;
    carereach::v1::EvaluateAdequacyResponse response;
    for (const auto& result : report_.results) {
      *response.mutable_result() = result;
      stream->Write(response);
    }
    *response.mutable_summary() = report_.summary;
    stream->Write(response);
    return grpc::Status::OK;
  }

  void set_report(AdequacyReport report) { report_ = std::move(report); }
  void set_error(grpc::Status error) { error_ = std::move(error); }
  std::vector<carereach::v1::AdequacyRequestHeader> headers() {
    std::lock_guard<std::mutex> lock(mu_);
    return headers_;
  }
  std::vector<int> batch_sizes() {
    std::lock_guard<std::mutex> lock(mu_);
    return batch_sizes_;
  }
  std::vector<carereach::v1::NetworkProvider> providers() {
    std::lock_guard<std::mutex> lock(mu_);
    return providers_;
  }

 private:
  std::mutex mu_;
  AdequacyReport report_ = SampleAdequacy();
  grpc::Status error_ = grpc::Status::OK;
  std::vector<carereach::v1::AdequacyRequestHeader> headers_;
  std::vector<int> batch_sizes_;
  std::vector<carereach::v1::NetworkProvider> providers_;
};

class FakeNetworkService final : public carereach::v1::NetworkService::Service {
 public:
  grpc::Status CreateNetwork(grpc::ServerContext* context,
                             const carereach::v1::CreateNetworkRequest* request,
                             carereach::v1::CreateNetworkResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    tenants_.push_back(TenantOf(context));
    creates_.push_back(*request);
    if (!error_.ok()) return error_;
    response->mutable_network()->set_network_id(request->network_id());
    response->mutable_network()->set_name(request->name());
    if (request->providers_size() > 0) {
      response->mutable_version()->set_network_id(request->network_id());
      response->mutable_version()->set_version(1);
      response->mutable_version()->set_provider_count(request->providers_size());
      response->mutable_version()->set_content_hash("c0ffee");
    }
    return grpc::Status::OK;
  }

  grpc::Status ImportNetwork(grpc::ServerContext* context,
                             grpc::ServerReader<carereach::v1::ImportNetworkRequest>* reader,
                             carereach::v1::NetworkVersion* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    tenants_.push_back(TenantOf(context));
    carereach::v1::ImportNetworkRequest part;
    int64_t rows = 0;
    while (reader->Read(&part)) {
      if (part.has_header()) {
        import_headers_.push_back(part.header());
      } else {
        batch_sizes_.push_back(part.providers().providers_size());
        for (const NetworkProvider& p : part.providers().providers()) imported_.push_back(p);
        rows += part.providers().providers_size();
      }
    }
    if (!error_.ok()) return error_;
    response->set_network_id(import_headers_.back().network_id());
    response->set_version(4);
    response->set_note(import_headers_.back().note());
    response->set_provider_count(rows);
    response->set_content_hash("9f3a51c0");
    return grpc::Status::OK;
  }

  grpc::Status ListNetworks(grpc::ServerContext* context,
                            const carereach::v1::ListNetworksRequest* request,
                            carereach::v1::ListNetworksResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    tenants_.push_back(TenantOf(context));
    page_tokens_.push_back(request->page_token());
    carereach::v1::Network* n = response->add_networks();
    if (request->page_token().empty()) {
      n->set_network_id("ascension");
      n->set_latest_version(3);
      n->set_version_count(3);
      n->set_latest_provider_count(27);
      response->set_next_page_token("page-2");
    } else {
      n->set_network_id("trinity");
      n->set_name("Trinity Health");
    }
    return grpc::Status::OK;
  }

  grpc::Status ExportNetwork(
      grpc::ServerContext* context, const carereach::v1::ExportNetworkRequest* request,
      grpc::ServerWriter<carereach::v1::ExportNetworkResponse>* writer) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      tenants_.push_back(TenantOf(context));
      exports_.push_back(*request);
    }
    carereach::v1::ExportNetworkResponse part;
    part.mutable_version()->set_network_id(request->network_id());
    part.mutable_version()->set_version(request->version() == 0 ? 3 : request->version());
    part.mutable_version()->set_provider_count(export_claimed_rows_);
    writer->Write(part);
    for (const NetworkProvider& p : export_rows_) {
      part.Clear();
      *part.mutable_providers()->add_providers() = p;  // one row per batch
      writer->Write(part);
    }
    return grpc::Status::OK;
  }

  grpc::Status GetReport(grpc::ServerContext* context,
                         const carereach::v1::GetReportRequest* request,
                         carereach::v1::Report* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    tenants_.push_back(TenantOf(context));
    if (!report_.report_id().empty() && request->report_id() == report_.report_id()) {
      *response = report_;
      return grpc::Status::OK;
    }
    if (request->report_id() != "rpt_1") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "report 'rpt_x' not found");
    }
    response->set_report_id("rpt_1");
    response->set_kind("coverage");
    response->mutable_result()->PackFrom(AllianceCoverage());
    return grpc::Status::OK;
  }

  void set_error(grpc::Status error) { error_ = std::move(error); }
  void set_export(std::vector<NetworkProvider> rows, int64_t claimed) {
    export_rows_ = std::move(rows);
    export_claimed_rows_ = claimed;
  }

  std::mutex mu_;
  grpc::Status error_ = grpc::Status::OK;
  std::vector<std::string> tenants_;
  std::vector<carereach::v1::CreateNetworkRequest> creates_;
  std::vector<carereach::v1::ImportNetworkHeader> import_headers_;
  std::vector<int> batch_sizes_;
  std::vector<NetworkProvider> imported_;
  std::vector<std::string> page_tokens_;
  std::vector<carereach::v1::ExportNetworkRequest> exports_;
  std::vector<NetworkProvider> export_rows_;
  int64_t export_claimed_rows_ = 0;
  // Answered by GetReport for its id (besides the built-in rpt_1).
  carereach::v1::Report report_;
};

class FakeContractingService final : public carereach::v1::ContractingService::Service {
 public:
  grpc::Status AnalyzeCoverage(grpc::ServerContext* context,
                               const carereach::v1::AnalyzeCoverageRequest* request,
                               carereach::v1::AnalyzeCoverageResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    tenants_.push_back(TenantOf(context));
    coverage_.push_back(*request);
    if (!error_.ok()) return error_;
    *response = AllianceCoverage();
    return grpc::Status::OK;
  }

  grpc::Status AnalyzeAdequacy(
      grpc::ServerContext* context, const carereach::v1::AnalyzeAdequacyRequest* request,
      grpc::ServerWriter<carereach::v1::AnalyzeAdequacyResponse>* writer) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      tenants_.push_back(TenantOf(context));
      adequacy_.push_back(*request);
    }
    const carereach::v1::AdequacyReport report = AllianceAdequacy();
    carereach::v1::AnalyzeAdequacyResponse part;
    for (const auto& result : report.results()) {
      *part.mutable_result() = result;
      if (request->has_supply() && !result.result().pass()) {
        // Exception evidence for the failing result: two supply hospitals, one within.
        carereach::v1::ExceptionEvidence* e = part.mutable_result()->mutable_exception_evidence();
        e->set_supply_of_type(7);
        e->set_available_within_standard(1);
        e->set_verdict("1 available, not contracted");
        carereach::v1::SupplyProvider* s = e->add_nearest();
        s->mutable_provider()->set_id("s1");
        s->mutable_provider()->set_name("Beaumont Wayne");
        s->set_minutes(12.5);
        s->set_miles(7.25);
        s->set_within_standard(true);
        s = e->add_nearest();
        s->mutable_provider()->set_id("s2");
        s->mutable_provider()->set_name("Far Hospital");
        s->set_minutes(48);
        s->set_miles(40);
      }
      writer->Write(part);
    }
    if (request->include_servicing_providers()) {
      // The Servicing Provider Report: one row serving Wayne, one excluded.
      carereach::v1::AnalyzeAdequacyResponse servicing;
      carereach::v1::ServicingProvider* p =
          servicing.mutable_servicing_providers()->add_providers();
      p->set_provider_id("h1");
      p->set_name("Henry Ford, Detroit");
      p->set_specialty_code("040");
      p->set_network_label("ascension");
      p->set_county_fips("26163");
      p->set_county_name("Wayne");
      p->set_specialty_type("040");
      p->set_beneficiaries_served(1234.56);
      p->set_share_of_county(0.4321);
      p->set_counts_toward_minimum(true);
      p = servicing.mutable_servicing_providers()->add_providers();
      p->set_provider_id("k1");
      p->set_name("Kids");
      p->set_specialty_code("040");
      p->set_exclusion("pediatric_hospital");
      p->set_exclusion_reason("pediatric/children's hospital (42 CFR 422.116(a)(3)(i)(A))");
      writer->Write(servicing);
    }
    if (send_summary_) {
      *part.mutable_summary() = report.summary();
      writer->Write(part);
    }
    return grpc::Status::OK;
  }

  grpc::Status RecommendAdditions(grpc::ServerContext* context,
                                  const carereach::v1::RecommendAdditionsRequest* request,
                                  carereach::v1::RecommendAdditionsResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    tenants_.push_back(TenantOf(context));
    recommend_.push_back(*request);
    if (!error_.ok()) return error_;
    *response = CoverageRecommendation();
    return grpc::Status::OK;
  }

  grpc::Status ComputeAccessRatios(grpc::ServerContext* context,
                                   const carereach::v1::ComputeAccessRatiosRequest* request,
                                   carereach::v1::ComputeAccessRatiosResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    tenants_.push_back(TenantOf(context));
    access_.push_back(*request);
    if (!error_.ok()) return error_;
    response->set_region(request->region());
    response->set_catchment_minutes(request->catchment_minutes());
    if (request->include_units()) {
      for (const char* id : {"26163500100", "26163500200"}) {
        carereach::v1::UnitAccess* unit = response->add_units();
        unit->set_unit_id(id);
        unit->set_county_fips("26163");
        unit->set_population(1000);
        unit->set_access_per_1000(1.5);
      }
    }
    response->set_report_id(request->save_report() ? "rpt_3" : "");
    return grpc::Status::OK;
  }

  std::mutex mu_;
  grpc::Status error_ = grpc::Status::OK;
  bool send_summary_ = true;
  std::vector<std::string> tenants_;
  std::vector<carereach::v1::AnalyzeCoverageRequest> coverage_;
  std::vector<carereach::v1::AnalyzeAdequacyRequest> adequacy_;
  std::vector<carereach::v1::RecommendAdditionsRequest> recommend_;
  std::vector<carereach::v1::ComputeAccessRatiosRequest> access_;
};

// MapService: one map per MapOptions asked (one with the defaults when none), whose image is
// "<FORMAT> image of <analysis> <width>x<height>" (not a real picture: the CLI only writes the
// bytes), with a fixed legend, credits and method; include_result answers the analysis from the
// contracting fakes' messages.
class FakeMapService final : public carereach::v1::MapService::Service {
 public:
  grpc::Status RenderMap(grpc::ServerContext* context,
                         const carereach::v1::RenderMapRequest* request,
                         carereach::v1::RenderMapResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    tenants_.push_back(TenantOf(context));
    requests_.push_back(*request);
    if (!error_.ok()) return error_;
    const std::string analysis = request->has_coverage()     ? "coverage"
                                 : request->has_adequacy()   ? "adequacy"
                                 : request->has_isochrones() ? "isochrones"
                                                             : "nothing";
    std::vector<carereach::v1::MapOptions> asked(request->maps().begin(), request->maps().end());
    if (asked.empty()) asked.emplace_back();
    for (const carereach::v1::MapOptions& options : asked) {
      carereach::v1::RenderedMap* map = response->add_maps();
      const bool svg = options.format() == carereach::v1::MAP_FORMAT_SVG;
      map->set_width_px(options.width_px() == 0 ? 1200 : options.width_px());
      map->set_height_px(options.height_px() == 0 ? 900 : options.height_px());
      map->set_content_type(svg ? "image/svg+xml" : "image/png");
      map->set_image(svg ? absl::StrCat("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"",
                                        map->width_px(), "\" height=\"", map->height_px(),
                                        "\"><g id=\"units\"><title>", analysis,
                                        "</title></g></svg>")
                         : absl::StrCat("PNG image of ", analysis, " ", map->width_px(), "x",
                                        map->height_px()));
      map->set_title(options.title().empty() ? absl::StrCat("Map of ", analysis) : options.title());
      map->set_specialty_code(
          request->has_adequacy()
              ? (options.specialty_code().empty() ? std::string("040") : options.specialty_code())
              : "");
      for (const char* label : {"\u2264 20 min", "not reached"}) {
        carereach::v1::LegendEntry* entry = map->add_legend();
        entry->set_label(label);
        entry->set_color("#1b9e77");
      }
      map->add_credits("Population: U.S. Census Bureau, 2020 Census");
      map->add_credits("\u00a9 OpenStreetMap contributors");
      map->set_method("straight-line minutes = miles x 1.3 / 35 x 60");
      map->set_projection_name("Albers equal-area conic");
      map->set_render_ms(12.5);
    }
    if (request->include_result()) {
      if (request->has_coverage()) response->mutable_result()->PackFrom(AllianceCoverage());
      if (request->has_adequacy()) response->mutable_result()->PackFrom(AllianceAdequacy());
    }
    response->set_compute_ms(3.25);
    return grpc::Status::OK;
  }

  std::mutex mu_;
  grpc::Status error_ = grpc::Status::OK;
  std::vector<std::string> tenants_;
  std::vector<carereach::v1::RenderMapRequest> requests_;
};

}  // namespace carereach::cli

#endif  // CAREREACH_TESTS_CLIENTS_FAKE_SERVICES_H_
