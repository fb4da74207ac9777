// map coverage / adequacy / isochrone / report: MapService.RenderMap (map_commands.h).
#include "clients/cli/map_commands.h"

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "carereach/v1/contracting.pb.h"
#include "carereach/v1/maps.grpc.pb.h"
#include "carereach/v1/networks.grpc.pb.h"
#include "clients/cli/commands.h"
#include "clients/cli/contracting_commands.h"
#include "clients/cli/facilities_csv.h"
#include "clients/cli/flags.h"
#include "clients/cli/output.h"
#include "clients/cli/partial_file.h"
#include "clients/cli/rpc_client.h"
#include "geo/core/status_macros.h"

namespace carereach::cli {
namespace {

using carereach::v1::MapService;
using carereach::v1::RenderedMap;
using carereach::v1::RenderMapRequest;
using carereach::v1::RenderMapResponse;

// The RenderMap request for `map`'s one picture; `set_analysis` fills the analysis.
RenderMapRequest MapRequest(const MapFlags& map) {
  RenderMapRequest request;
  *request.add_maps() = MapOptionsFrom(map);
  return request;
}

// "183 KB", "1.2 MB".
std::string ByteSize(size_t bytes) {
  if (bytes < 1024 * 1024) return absl::StrCat((bytes + 1023) / 1024, " KB");
  return absl::StrCat(TrimmedNumber(static_cast<double>(bytes) / (1024.0 * 1024.0), 1), " MB");
}

// Writes the one map of `response` to map.out_path and its summary to `out`.
absl::Status WriteMap(const RenderMapResponse& response, const MapFlags& map, std::ostream& out) {
  if (response.maps_size() != 1) {
    return absl::DataLossError(
        absl::StrCat("map: the server returned ", response.maps_size(), " maps for one asked"));
  }
  const RenderedMap& rendered = response.maps(0);
  ASSIGN_OR_RETURN(std::unique_ptr<PartialFile> file, OpenPartialFile("--out", map.out_path));
  file->stream() << rendered.image();
  RETURN_IF_ERROR(file->Commit());
  std::vector<std::string> legend;
  for (const carereach::v1::LegendEntry& entry : rendered.legend()) {
    legend.push_back(entry.label());
  }
  std::vector<std::pair<std::string, std::string>> rows = {
      {"map",
       absl::StrCat(map.out_path, " (", rendered.content_type() == "image/svg+xml" ? "SVG" : "PNG",
                    ", ", rendered.width_px(), " x ", rendered.height_px(), " px, ",
                    ByteSize(rendered.image().size()), ")")},
      {"title", rendered.title()},
  };
  if (!rendered.specialty_code().empty()) rows.push_back({"specialty", rendered.specialty_code()});
  rows.push_back({"legend", absl::StrJoin(legend, "; ")});
  rows.push_back({"projection", rendered.projection_name()});
  rows.push_back({"method", rendered.method()});
  rows.push_back({"credits", absl::StrJoin(rendered.credits(), "; ")});
  rows.push_back(
      {"server", absl::StrCat("analysis ", TrimmedNumber(response.compute_ms(), 1), " ms, drawing ",
                              TrimmedNumber(rendered.render_ms(), 1), " ms")});
  out << KeyValueText(rows);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<carereach::v1::MapFormat> MapFormatOfPath(absl::string_view path) {
  const std::string lower = absl::AsciiStrToLower(path);
  if (absl::EndsWith(lower, ".png")) return carereach::v1::MAP_FORMAT_PNG;
  if (absl::EndsWith(lower, ".svg")) return carereach::v1::MAP_FORMAT_SVG;
  return UsageError(absl::StrCat("--out: '", path,
                                 "' must end in .png or .svg (the picture's format is the file's "
                                 "extension)"));
}

carereach::v1::MapOptions MapOptionsFrom(const MapFlags& map) {
  carereach::v1::MapOptions options;
  const absl::StatusOr<carereach::v1::MapFormat> format = MapFormatOfPath(map.out_path);
  options.set_format(format.ok() ? *format : carereach::v1::MAP_FORMAT_PNG);
  options.set_width_px(map.width_px);
  options.set_height_px(map.height_px);
  options.set_specialty_code(map.specialty_code);
  options.set_title(map.title);
  options.set_color_by_miles(map.color_by_miles);
  return options;
}

absl::StatusOr<RenderMapResponse> RenderMaps(const GlobalOptions& global,
                                             const RenderMapRequest& request) {
  return RenderMaps(RpcClient(global), request);
}

absl::StatusOr<RenderMapResponse> RenderMaps(const RpcClient& rpc,
                                             const RenderMapRequest& request) {
  const std::unique_ptr<MapService::Stub> stub = MapService::NewStub(rpc.channel());
  RenderMapResponse response;
  RETURN_IF_ERROR(rpc.Unary(*stub, &MapService::Stub::RenderMap, request, &response));
  return response;
}

absl::Status WriteHtmlWithMaps(
    const GlobalOptions& global, const RenderMapRequest& maps_request,
    const std::function<absl::StatusOr<HtmlReport>(const RenderMapResponse&)>& build,
    const std::string& path, std::ostream& err) {
  RenderMapResponse maps;
  if (maps_request.analysis_case() != RenderMapRequest::ANALYSIS_NOT_SET) {
    absl::StatusOr<RenderMapResponse> drawn = RenderMaps(global, maps_request);
    if (!drawn.ok()) {
      return absl::Status(drawn.status().code(),
                          absl::StrCat("--html: the maps: ", drawn.status().message()));
    }
    maps = *std::move(drawn);
  }
  ASSIGN_OR_RETURN(const HtmlReport report, build(maps));
  RETURN_IF_ERROR(WriteHtmlReport(report, path));
  err << "html: wrote " << path << " (" << maps.maps_size()
      << (maps.maps_size() == 1 ? " map" : " maps") << ")\n";
  return absl::OkStatus();
}

absl::Status RunMapCoverage(const GlobalOptions& global, const AnalysisOptions& options,
                            const MapFlags& map, std::ostream& out, std::ostream& err) {
  ASSIGN_OR_RETURN(const Selections selections, ReadSelections(options, err));
  RenderMapRequest request = MapRequest(map);
  *request.mutable_coverage() = BuildAnalyzeCoverageRequest(options, selections.networks);
  absl::StatusOr<RenderMapResponse> response = RenderMaps(global, request);
  if (!response.ok()) return selections.Annotate(response.status(), "coverage.networks");
  return WriteMap(*response, map, out);
}

absl::Status RunMapAdequacy(const GlobalOptions& global, const AnalysisOptions& options,
                            const MapFlags& map, std::ostream& out, std::ostream& err) {
  ASSIGN_OR_RETURN(const Selections selections, ReadSelections(options, err));
  RenderMapRequest request = MapRequest(map);
  *request.mutable_adequacy() = BuildAnalyzeAdequacyRequest(options, selections.networks);
  absl::StatusOr<RenderMapResponse> response = RenderMaps(global, request);
  if (!response.ok()) return selections.Annotate(response.status(), "adequacy.networks");
  return WriteMap(*response, map, out);
}

absl::Status RunMapIsochrone(const GlobalOptions& global, const IsochroneOptions& options,
                             const MapFlags& map, std::ostream& out, std::ostream& err) {
  ASSIGN_OR_RETURN(const FacilityList facilities,
                   ReadFacilityFile(options.facilities_path, options.columns, options.where,
                                    "--where", "facilities", err));
  RenderMapRequest request = MapRequest(map);
  *request.mutable_isochrones() = BuildIsochronesRequest(options, facilities);
  absl::StatusOr<RenderMapResponse> response = RenderMaps(global, request);
  if (!response.ok()) {
    return absl::Status(
        response.status().code(),
        AddCsvLineToMessage(response.status().message(), facilities, "isochrones.facilities"));
  }
  return WriteMap(*response, map, out);
}

absl::StatusOr<RenderMapRequest> ReportMapRequest(const carereach::v1::Report& report) {
  // The stored network versions the report used, by id.
  auto pin =
      [&report](google::protobuf::RepeatedPtrField<carereach::v1::NetworkSelection>& networks) {
        for (carereach::v1::NetworkSelection& selection : networks) {
          if (selection.network_id().empty() || selection.version() != 0) continue;
          for (const carereach::v1::NetworkVersionRef& used : report.networks()) {
            if (used.network_id() == selection.network_id()) selection.set_version(used.version());
          }
        }
      };
  RenderMapRequest request;
  if (report.request().Is<carereach::v1::AnalyzeCoverageRequest>()) {
    carereach::v1::AnalyzeCoverageRequest& coverage = *request.mutable_coverage();
    report.request().UnpackTo(&coverage);
    coverage.set_save_report(false);
    coverage.clear_report_title();
    pin(*coverage.mutable_networks());
  } else if (report.request().Is<carereach::v1::AnalyzeAdequacyRequest>()) {
    carereach::v1::AnalyzeAdequacyRequest& adequacy = *request.mutable_adequacy();
    report.request().UnpackTo(&adequacy);
    adequacy.set_save_report(false);
    adequacy.clear_report_title();
    pin(*adequacy.mutable_networks());
  } else if (report.kind() == "coverage" || report.kind() == "adequacy") {
    return absl::DataLossError(absl::StrCat("report ", report.report_id(),
                                            ": its saved request is not an analyze ", report.kind(),
                                            " request; it cannot be redrawn"));
  } else {
    return absl::FailedPreconditionError(
        absl::StrCat("report ", report.report_id(), " is a ", report.kind(),
                     " report; maps are drawn for coverage and adequacy reports"));
  }
  return request;
}

absl::Status RunMapReport(const GlobalOptions& global, const MapFlags& map, std::ostream& out,
                          std::ostream& err) {
  RpcClient rpc(global);
  const std::unique_ptr<carereach::v1::NetworkService::Stub> networks =
      carereach::v1::NetworkService::NewStub(rpc.channel());
  carereach::v1::GetReportRequest get;
  get.set_report_id(map.report_id);
  carereach::v1::Report report;
  RETURN_IF_ERROR(
      rpc.Unary(*networks, &carereach::v1::NetworkService::Stub::GetReport, get, &report));
  ASSIGN_OR_RETURN(RenderMapRequest request, ReportMapRequest(report));
  carereach::v1::MapOptions options = MapOptionsFrom(map);
  if (options.title().empty()) options.set_title(report.title());
  *request.add_maps() = std::move(options);
  err << "map report: redrawing " << report.kind() << " report " << report.report_id()
      << " from its saved request";
  for (const carereach::v1::NetworkVersionRef& used : report.networks()) {
    err << (&used == &report.networks(0) ? " on " : ", ") << used.network_id() << "@"
        << used.version();
  }
  err << "\n";
  ASSIGN_OR_RETURN(const RenderMapResponse response, RenderMaps(rpc, request));
  return WriteMap(response, map, out);
}

}  // namespace carereach::cli
