#ifndef CAREREACH_CLIENTS_CLI_MAP_COMMANDS_H_
#define CAREREACH_CLIENTS_CLI_MAP_COMMANDS_H_

// `carereach map coverage|adequacy|isochrone|report` (carereach.v1.MapService.RenderMap): the
// analysis request is built exactly as `analyze coverage`, `analyze adequacy` and `isochrone`
// build theirs (one request, so the map shows what those commands print), sent to RenderMap, and
// the picture written to --out (via FILE.partial) in the format of the file's extension; a
// summary (file, size, legend, credits) goes to `out`. `map report` redraws a saved report from
// the request it was saved with, on the network versions it used. Errors are returned, not
// printed; a server message naming rows the CLI sent from a file gets that file and line.
// Stateless; not thread-safe with respect to the streams passed in.

#include <functional>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "carereach/v1/maps.pb.h"
#include "carereach/v1/networks.pb.h"
#include "clients/cli/args.h"
#include "clients/cli/html_report.h"
#include "clients/cli/rpc_client.h"

namespace carereach::cli {

absl::Status RunMapCoverage(const GlobalOptions& global, const AnalysisOptions& options,
                            const MapFlags& map, std::ostream& out, std::ostream& err);
absl::Status RunMapAdequacy(const GlobalOptions& global, const AnalysisOptions& options,
                            const MapFlags& map, std::ostream& out, std::ostream& err);
absl::Status RunMapIsochrone(const GlobalOptions& global, const IsochroneOptions& options,
                             const MapFlags& map, std::ostream& out, std::ostream& err);
absl::Status RunMapReport(const GlobalOptions& global, const MapFlags& map, std::ostream& out,
                          std::ostream& err);

// The picture format of an --out path: ".png" or ".svg" (any case); anything else is a usage
// error naming the flag.
absl::StatusOr<carereach::v1::MapFormat> MapFormatOfPath(absl::string_view path);

// One map's options from the flags (format from --out; 0 sizes take the server's defaults).
carereach::v1::MapOptions MapOptionsFrom(const MapFlags& map);

// MapService.RenderMap with the CLI's call policy (rpc_client.h), on a new channel or on `rpc`'s.
absl::StatusOr<carereach::v1::RenderMapResponse> RenderMaps(
    const GlobalOptions& global, const carereach::v1::RenderMapRequest& request);
absl::StatusOr<carereach::v1::RenderMapResponse> RenderMaps(
    const RpcClient& rpc, const carereach::v1::RenderMapRequest& request);

// --html: draws the maps of `maps_request` (none when it names no analysis), builds the report
// from them with `build`, writes it to `path` (via PATH.partial) and says so on `err`.
absl::Status WriteHtmlWithMaps(
    const GlobalOptions& global, const carereach::v1::RenderMapRequest& maps_request,
    const std::function<absl::StatusOr<HtmlReport>(const carereach::v1::RenderMapResponse&)>& build,
    const std::string& path, std::ostream& err);

// The RenderMap request that redraws a saved coverage or adequacy report: its saved request, with
// every stored network pinned to the version the report used and save_report cleared.
// FAILED_PRECONDITION for kinds without a map (recommendation, access_ratios); DATA_LOSS when the
// saved request is missing or of another type.
absl::StatusOr<carereach::v1::RenderMapRequest> ReportMapRequest(
    const carereach::v1::Report& report);

}  // namespace carereach::cli

#endif  // CAREREACH_CLIENTS_CLI_MAP_COMMANDS_H_
