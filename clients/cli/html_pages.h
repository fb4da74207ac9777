#ifndef CAREREACH_CLIENTS_CLI_HTML_PAGES_H_
#define CAREREACH_CLIENTS_CLI_HTML_PAGES_H_

// The HTML reports of --html (`adequacy`, `analyze coverage`, `analyze adequacy`, `recommend`,
// `report show`): the header blocks and tables the commands print (the same TextTable cells,
// failing rows first and flagged), the maps the server drew for the same request (SVG, inline),
// the method and the data credits, as an HtmlReport (html_report.h draws it). Pure functions of
// the messages; thread-safe.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "carereach/v1/contracting.pb.h"
#include "carereach/v1/maps.pb.h"
#include "carereach/v1/networks.pb.h"
#include "clients/cli/html_report.h"
#include "clients/cli/output.h"

namespace carereach::cli {

// An HTML table of the same cells as `table`; flagged rows are failing rows.
HtmlTable HtmlTableOf(std::string caption, const TextTable& table);

// The maps of an --html report, as the figures of one section ("Maps"); empty when there are
// none.
std::vector<HtmlFigure> MapFigures(const carereach::v1::RenderMapResponse& maps);

// analyze coverage (one network or an alliance); every county's row.
HtmlReport CoverageHtml(const carereach::v1::AnalyzeCoverageResponse& response,
                        const carereach::v1::RenderMapResponse& maps, absl::string_view generated);

// analyze adequacy (and `adequacy`, as a one-network report): failing results first; passing
// ones too unless `failing_only`.
HtmlReport AdequacyHtml(const carereach::v1::AdequacyReport& report, bool failing_only,
                        const carereach::v1::RenderMapResponse& maps, absl::string_view generated);

// recommend: the objective, the picks (failing adequacy picks flagged) and the method.
HtmlReport RecommendHtml(const carereach::v1::RecommendAdditionsRequest& request,
                         const carereach::v1::RecommendAdditionsResponse& response,
                         absl::string_view generated);

// report show: the saved report's metadata and its result as the analysis' report (coverage,
// adequacy, recommendation; others: the metadata and the result's text table). DATA_LOSS when
// the result does not parse as its type.
absl::StatusOr<HtmlReport> SavedReportHtml(const carereach::v1::Report& report,
                                           const carereach::v1::RenderMapResponse& maps,
                                           absl::string_view generated);

// The RenderMap options of an adequacy report's maps: one SVG map per failing specialty type,
// most failing counties first, at most `limit`; one map of the server's choice when none fails.
std::vector<carereach::v1::MapOptions> AdequacyMapOptions(
    const carereach::v1::AdequacyReport& report, int limit = 4);
// The RenderMap options of a coverage report's one map (SVG).
carereach::v1::MapOptions CoverageMapOptions();

// "carereach analyze adequacy, 2026-12-06 12:00 UTC": what made the report and when.
std::string GeneratedLine(absl::string_view command_name);

}  // namespace carereach::cli

#endif  // CAREREACH_CLIENTS_CLI_HTML_PAGES_H_
