#include "clients/cli/contracting_commands.h"

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "carereach/v1/contracting.grpc.pb.h"
#include "clients/cli/commands.h"
#include "clients/cli/contracting_output.h"
#include "clients/cli/html_pages.h"
#include "clients/cli/map_commands.h"
#include "clients/cli/output.h"
#include "clients/cli/partial_file.h"
#include "clients/cli/roster_csv.h"
#include "clients/cli/rpc_client.h"
#include "geo/core/status_macros.h"
#include "grpcpp/grpcpp.h"

namespace carereach::cli {
namespace {

using carereach::v1::ContractingService;
using carereach::v1::NetworkSelection;

// A client of ContractingService with the CLI's call policy. Not thread-safe.
class ContractingClient {
 public:
  explicit ContractingClient(const GlobalOptions& options)
      : rpc_(options), stub_(ContractingService::NewStub(rpc_.channel())) {}

  template <typename Request, typename Response>
  absl::Status Call(grpc::Status (ContractingService::Stub::*method)(grpc::ClientContext*,
                                                                     const Request&, Response*),
                    const Request& request, Response* response) {
    return rpc_.Unary(*stub_, method, request, response);
  }

  absl::Status AnalyzeAdequacy(
      const carereach::v1::AnalyzeAdequacyRequest& request,
      const std::function<absl::Status(const carereach::v1::AnalyzeAdequacyResponse&)>& on_part) {
    return rpc_.ReadStream(*stub_, &ContractingService::Stub::AnalyzeAdequacy, request, on_part,
                           "parts");
  }

 private:
  RpcClient rpc_;
  std::unique_ptr<ContractingService::Stub> stub_;
};

void ReportSaved(absl::string_view report_id, std::ostream& err) {
  if (report_id.empty()) return;
  err << "report: saved as " << report_id << " (carereach report show " << report_id << ")\n";
}

// The proto3 JSON mapping of `message` (docs/CLI.md, JSON policy).
std::function<absl::StatusOr<nlohmann::ordered_json>()> JsonOf(
    const google::protobuf::Message& message) {
  return [&message] { return ProtoJson(message); };
}

}  // namespace

absl::StatusOr<NetworkSelection> BuildSelection(const SelectionFlags& flags,
                                                const RosterReadOptions& read, std::ostream& err,
                                                SelectionRows* rows, std::string_view pool) {
  NetworkSelection selection;
  selection.set_label(flags.label);
  if (flags.inline_roster) {
    const RosterSource& source = *flags.inline_roster;
    const std::string label(
        !pool.empty() ? pool
                      : (source.format == RosterFormat::kFacilities ? "facilities" : "roster"));
    const std::string where = pool.empty() ? "--where" : "--" + std::string(pool) + "-where";
    ASSIGN_OR_RETURN(Roster roster, ReadRosterSource(source, read, label, where, err));
    selection.mutable_providers()->Reserve(static_cast<int>(roster.providers.size()));
    for (carereach::v1::NetworkProvider& provider : roster.providers) {
      *selection.add_providers() = std::move(provider);
    }
    rows->providers.Append(roster.source, roster.csv_lines);
  } else {
    selection.set_network_id(flags.network_id);
    selection.set_version(flags.version);
  }
  for (const RosterSource& source : flags.add) {
    ASSIGN_OR_RETURN(Roster roster,
                     ReadRosterSource(source, read,
                                      source.format == RosterFormat::kFacilities ? "add-facilities"
                                                                                 : "add-roster",
                                      "--add-where", err));
    for (carereach::v1::NetworkProvider& provider : roster.providers) {
      *selection.add_add_providers() = std::move(provider);
    }
    rows->add_providers.Append(roster.source, roster.csv_lines);
  }
  for (const std::string& id : flags.remove_ids) selection.add_remove_provider_ids(id);
  return selection;
}

absl::Status Selections::Annotate(const absl::Status& status, absl::string_view field) const {
  std::string message(status.message());
  for (size_t i = 0; i < rows.size(); ++i) {
    message = AddSelectionLines(message, absl::StrCat(field, "[", i, "]"), rows[i]);
  }
  return absl::Status(status.code(), message);
}

absl::StatusOr<Selections> ReadSelections(const AnalysisOptions& options, std::ostream& err) {
  Selections selections;
  for (const SelectionFlags& flags : options.networks) {
    SelectionRows rows;
    ASSIGN_OR_RETURN(NetworkSelection selection, BuildSelection(flags, options.read, err, &rows));
    selections.networks.push_back(std::move(selection));
    selections.rows.push_back(std::move(rows));
  }
  return selections;
}

std::string AddSelectionLines(absl::string_view message, absl::string_view field,
                              const SelectionRows& rows) {
  std::string annotated =
      AddRowOriginsToMessage(message, absl::StrCat(field, ".providers"), rows.providers);
  return AddRowOriginsToMessage(annotated, absl::StrCat(field, ".add_providers"),
                                rows.add_providers);
}

carereach::v1::AnalyzeCoverageRequest BuildAnalyzeCoverageRequest(
    const AnalysisOptions& options, const std::vector<NetworkSelection>& networks) {
  carereach::v1::AnalyzeCoverageRequest request;
  request.set_region(options.region);
  for (const NetworkSelection& network : networks) *request.add_networks() = network;
  for (const std::string& code : options.specialty_codes) request.add_specialty_codes(code);
  SetTravel(options.travel, request);
  for (double minutes : options.minutes) request.add_max_minutes(minutes);
  for (double miles : options.miles) request.add_max_miles(miles);
  request.set_save_report(options.save_report);
  request.set_report_title(options.title);
  return request;
}

carereach::v1::AnalyzeAdequacyRequest BuildAnalyzeAdequacyRequest(
    const AnalysisOptions& options, const std::vector<NetworkSelection>& networks) {
  carereach::v1::AnalyzeAdequacyRequest request;
  request.set_region(options.region);
  for (const NetworkSelection& network : networks) *request.add_networks() = network;
  for (const std::string& fips : options.county_fips) request.add_county_fips(fips);
  for (const std::string& code : options.specialty_codes) request.add_specialty_codes(code);
  SetTravel(options.travel, request);
  request.set_standards_set(options.standards);
  request.set_save_report(options.save_report);
  request.set_report_title(options.title);
  return request;
}

carereach::v1::RecommendAdditionsRequest BuildRecommendRequest(
    const AnalysisOptions& options, const std::vector<NetworkSelection>& networks,
    const NetworkSelection& candidates) {
  carereach::v1::RecommendAdditionsRequest request;
  request.set_region(options.region);
  for (const NetworkSelection& network : networks) *request.add_networks() = network;
  *request.mutable_candidates() = candidates;
  if (!options.adequacy_county.empty()) {
    carereach::v1::AdequacyObjective& objective = *request.mutable_adequacy();
    objective.set_county_fips(options.adequacy_county);
    objective.set_specialty_code(options.adequacy_specialty);
    objective.set_standards_set(options.standards);
  } else {
    carereach::v1::CoverageObjective& objective = *request.mutable_coverage();
    if (!options.minutes.empty()) objective.set_max_minutes(options.minutes[0]);
    if (!options.miles.empty()) objective.set_max_miles(options.miles[0]);
    for (const std::string& fips : options.county_fips) objective.add_county_fips(fips);
    if (options.target_share) objective.set_target_share(*options.target_share);
    for (const std::string& code : options.specialty_codes) objective.add_specialty_codes(code);
  }
  SetTravel(options.travel, request);
  if (options.picks) request.set_max_picks(*options.picks);
  request.set_save_report(options.save_report);
  request.set_report_title(options.title);
  return request;
}

carereach::v1::ComputeAccessRatiosRequest BuildAccessRatiosRequest(
    const AnalysisOptions& options, const NetworkSelection& network) {
  carereach::v1::ComputeAccessRatiosRequest request;
  request.set_region(options.region);
  *request.mutable_network() = network;
  for (const std::string& code : options.specialty_codes) request.add_specialty_codes(code);
  SetTravel(options.travel, request);
  if (options.catchment_minutes) request.set_catchment_minutes(*options.catchment_minutes);
  request.set_capacity_from_beds(options.capacity_from_beds);
  request.set_include_units(!options.units_out.empty());
  request.set_save_report(options.save_report);
  request.set_report_title(options.title);
  return request;
}

absl::Status RunAnalyzeCoverage(const GlobalOptions& global, const AnalysisOptions& options,
                                std::ostream& out, std::ostream& err) {
  ASSIGN_OR_RETURN(const Selections selections, ReadSelections(options, err));
  const carereach::v1::AnalyzeCoverageRequest request =
      BuildAnalyzeCoverageRequest(options, selections.networks);
  ContractingClient client(global);
  carereach::v1::AnalyzeCoverageResponse response;
  if (absl::Status status =
          client.Call(&ContractingService::Stub::AnalyzeCoverage, request, &response);
      !status.ok()) {
    return selections.Annotate(status);
  }
  ReportSaved(response.report_id(), err);
  RETURN_IF_ERROR(
      PrintAnswer(options.format,
                  {.table = [&] { return AnalyzeCoverageTable(response, options.counties); },
                   .csv = [&] { return AnalyzeCoverageCsv(response); },
                   .json = JsonOf(response)},
                  out));
  if (options.html_path.empty()) return absl::OkStatus();
  // The map is drawn from the same request, saving nothing.
  carereach::v1::RenderMapRequest maps;
  *maps.mutable_coverage() = request;
  maps.mutable_coverage()->set_save_report(false);
  maps.mutable_coverage()->clear_report_title();
  *maps.add_maps() = CoverageMapOptions();
  return WriteHtmlWithMaps(
      global, maps,
      [&](const carereach::v1::RenderMapResponse& drawn) -> absl::StatusOr<HtmlReport> {
        return CoverageHtml(response, drawn, GeneratedLine(global.command_name));
      },
      options.html_path, err);
}

absl::Status RunAnalyzeAdequacy(const GlobalOptions& global, const AnalysisOptions& options,
                                std::ostream& out, std::ostream& err) {
  ASSIGN_OR_RETURN(const Selections selections, ReadSelections(options, err));
  carereach::v1::AdequacyReport report;
  bool have_summary = false;
  auto on_part = [&](const carereach::v1::AnalyzeAdequacyResponse& part) -> absl::Status {
    if (part.has_result()) {
      *report.add_results() = part.result();
    } else if (part.has_servicing_providers()) {
      report.mutable_servicing_providers()->MergeFrom(part.servicing_providers());  // parts
    } else if (part.has_summary()) {
      *report.mutable_summary() = part.summary();
      have_summary = true;
    }
    return absl::OkStatus();
  };
  carereach::v1::AnalyzeAdequacyRequest request =
      BuildAnalyzeAdequacyRequest(options, selections.networks);
  SelectionRows supply_rows;
  if (options.supply) {
    ASSIGN_OR_RETURN(*request.mutable_supply(),
                     BuildSelection(*options.supply, options.read, err, &supply_rows, "supply"));
  }
  if (options.evidence_providers) request.set_evidence_providers(*options.evidence_providers);
  // Opened before the computation: an unwritable path fails first.
  ASSIGN_OR_RETURN(std::unique_ptr<PartialFile> servicing_file,
                   OpenPartialFile("--servicing-report", options.servicing_report_path));
  if (servicing_file != nullptr) request.set_include_servicing_providers(true);
  ContractingClient client(global);
  if (absl::Status status = client.AnalyzeAdequacy(request, on_part); !status.ok()) {
    absl::Status annotated = selections.Annotate(status);
    return absl::Status(annotated.code(),
                        AddSelectionLines(annotated.message(), "supply", supply_rows));
  }
  if (!have_summary) {
    return absl::DataLossError(absl::StrCat("analyze adequacy: the stream ended after ",
                                            report.results_size(), " results without a summary"));
  }
  ReportSaved(report.summary().report_id(), err);
  if (servicing_file != nullptr) {
    servicing_file->stream() << ServicingProvidersCsv(report.servicing_providers());
    RETURN_IF_ERROR(servicing_file->Commit());
    err << "servicing report: wrote " << report.servicing_providers().providers_size()
        << " rows to " << options.servicing_report_path << "\n";
  }
  RETURN_IF_ERROR(PrintAnswer(
      options.format,
      {.table = [&] { return AllianceAdequacyTable(report, options.failing_only); },
       .csv = [&] { return AllianceAdequacyCsv(report, options.failing_only); },
       .json = [&] { return ProtoJson(OrderedAdequacyReport(report, options.failing_only)); }},
      out));
  if (options.html_path.empty()) return absl::OkStatus();
  return WriteAdequacyHtml(global, request, report, options.failing_only, options.html_path, err);
}

absl::Status WriteAdequacyHtml(const GlobalOptions& global,
                               const carereach::v1::AnalyzeAdequacyRequest& request,
                               const carereach::v1::AdequacyReport& report, bool failing_only,
                               const std::string& path, std::ostream& err) {
  // The maps are drawn from the same request, saving nothing.
  carereach::v1::RenderMapRequest maps;
  *maps.mutable_adequacy() = request;
  maps.mutable_adequacy()->set_save_report(false);
  maps.mutable_adequacy()->clear_report_title();
  maps.mutable_adequacy()->clear_supply();  // the maps do not show the evidence
  maps.mutable_adequacy()->clear_evidence_providers();
  maps.mutable_adequacy()->clear_include_servicing_providers();
  for (carereach::v1::MapOptions& map : AdequacyMapOptions(report)) {
    *maps.add_maps() = std::move(map);
  }
  return WriteHtmlWithMaps(
      global, maps,
      [&](const carereach::v1::RenderMapResponse& drawn) -> absl::StatusOr<HtmlReport> {
        return AdequacyHtml(report, failing_only, drawn, GeneratedLine(global.command_name));
      },
      path, err);
}

absl::Status RunRecommend(const GlobalOptions& global, const AnalysisOptions& options,
                          std::ostream& out, std::ostream& err) {
  ASSIGN_OR_RETURN(const Selections selections, ReadSelections(options, err));
  SelectionRows candidate_rows;
  ASSIGN_OR_RETURN(
      const NetworkSelection candidates,
      BuildSelection(*options.candidates, options.read, err, &candidate_rows, "candidates"));

  const carereach::v1::RecommendAdditionsRequest request =
      BuildRecommendRequest(options, selections.networks, candidates);
  ContractingClient client(global);
  carereach::v1::RecommendAdditionsResponse response;
  if (absl::Status status =
          client.Call(&ContractingService::Stub::RecommendAdditions, request, &response);
      !status.ok()) {
    absl::Status annotated = selections.Annotate(status);
    return absl::Status(annotated.code(),
                        AddSelectionLines(annotated.message(), "candidates", candidate_rows));
  }
  ReportSaved(response.report_id(), err);
  RETURN_IF_ERROR(PrintAnswer(options.format,
                              {.table = [&] { return RecommendTable(request, response); },
                               .csv = [&] { return RecommendCsv(response); },
                               .json = JsonOf(response)},
                              out));
  if (options.html_path.empty()) return absl::OkStatus();
  return WriteHtmlWithMaps(
      global, carereach::v1::RenderMapRequest(),
      [&](const carereach::v1::RenderMapResponse&) -> absl::StatusOr<HtmlReport> {
        return RecommendHtml(request, response, GeneratedLine(global.command_name));
      },
      options.html_path, err);
}

absl::Status RunAccessRatios(const GlobalOptions& global, const AnalysisOptions& options,
                             std::ostream& out, std::ostream& err) {
  ASSIGN_OR_RETURN(const Selections selections, ReadSelections(options, err));
  // Open --units-out first: an unwritable path should fail before the computation, not after.
  ASSIGN_OR_RETURN(std::unique_ptr<PartialFile> units_file,
                   OpenPartialFile("--units-out", options.units_out));
  const carereach::v1::ComputeAccessRatiosRequest request =
      BuildAccessRatiosRequest(options, selections.networks.at(0));
  ContractingClient client(global);
  carereach::v1::ComputeAccessRatiosResponse response;
  if (absl::Status status =
          client.Call(&ContractingService::Stub::ComputeAccessRatios, request, &response);
      !status.ok()) {
    const absl::Status annotated = selections.Annotate(status);
    // The one selection is sent as "network", not "networks[0]".
    return absl::Status(annotated.code(),
                        AddSelectionLines(annotated.message(), "network", selections.rows[0]));
  }
  if (units_file != nullptr) {
    units_file->stream() << AccessUnitsCsvHeader();
    for (const carereach::v1::UnitAccess& unit : response.units()) {
      units_file->stream() << AccessUnitsCsvLine(unit);
    }
    RETURN_IF_ERROR(units_file->Commit());
    err << "units: wrote " << response.units_size() << " rows to " << options.units_out << "\n";
  }
  ReportSaved(response.report_id(), err);
  return PrintAnswer(options.format,
                     {.table = [&] { return AccessRatiosTable(request, response); },
                      .csv = [&] { return AccessRatiosCsv(response); },
                      .json = JsonOf(response)},
                     out);
}

}  // namespace carereach::cli
