#ifndef CAREREACH_CLIENTS_CLI_CONTRACTING_COMMANDS_H_
#define CAREREACH_CLIENTS_CLI_CONTRACTING_COMMANDS_H_

// `carereach analyze coverage`, `analyze adequacy`, `recommend` and `access-ratios`
// (carereach.v1.ContractingService): network selections (stored networks, inline rosters,
// what-ifs) read from the command line and files, the requests, and the output. Errors are
// returned, not printed; a server message naming rows the CLI sent from a file
// ("networks[0].add_providers[3]") gets that file and line. Stateless; not thread-safe with
// respect to the streams passed in.

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "carereach/v1/contracting.pb.h"
#include "clients/cli/args.h"
#include "clients/cli/facilities_csv.h"

namespace carereach::cli {

absl::Status RunAnalyzeCoverage(const GlobalOptions& global, const AnalysisOptions& options,
                                std::ostream& out, std::ostream& err);
// Prints the report once the summary has arrived; failing results are not an error.
absl::Status RunAnalyzeAdequacy(const GlobalOptions& global, const AnalysisOptions& options,
                                std::ostream& out, std::ostream& err);
absl::Status RunRecommend(const GlobalOptions& global, const AnalysisOptions& options,
                          std::ostream& out, std::ostream& err);
// --units-out is opened before the call and written through FILE.partial.
absl::Status RunAccessRatios(const GlobalOptions& global, const AnalysisOptions& options,
                             std::ostream& out, std::ostream& err);

// Where the rows of one selection came from: its inline roster (providers[i]) and its added
// rows (add_providers[i], over its --add-* files in order).
struct SelectionRows {
  RowOrigins providers;
  RowOrigins add_providers;
};

// The wire selection of `flags`: the stored network and version, or the inline roster read
// from its file; the what-ifs' added rows read from their files, and the removed ids. Each file
// read is reported on `err` ("facilities: kept 3 of 8013 rows of hifld.csv (STATE=MI)"); a bad
// row or a file of which no row is kept is an error. `pool`: a pool of providers outside the
// network ("candidates" for recommend, "supply" for analyze adequacy; its file is reported under
// that name, filtered by --<pool>-where); empty for a network.
absl::StatusOr<carereach::v1::NetworkSelection> BuildSelection(const SelectionFlags& flags,
                                                               const RosterReadOptions& read,
                                                               std::ostream& err,
                                                               SelectionRows* rows,
                                                               std::string_view pool = "");

// Appends the file and line of the rows a server message names as "<field>.providers[i]" or
// "<field>.add_providers[i]"; `field` is the selection's path ("networks[1]", "candidates",
// "network").
std::string AddSelectionLines(absl::string_view message, absl::string_view field,
                              const SelectionRows& rows);

// The selections of an analysis as sent, and where their file rows came from.
struct Selections {
  std::vector<carereach::v1::NetworkSelection> networks;
  std::vector<SelectionRows> rows;

  // Adds the file lines of every selection to a server error naming "<field>[i]" rows
  // ("networks[1].providers[3]"; a map's "coverage.networks[1]...").
  absl::Status Annotate(const absl::Status& status, absl::string_view field = "networks") const;
};

// The selections of options.networks, in order (BuildSelection).
absl::StatusOr<Selections> ReadSelections(const AnalysisOptions& options, std::ostream& err);

// analyze adequacy --html (and adequacy --html): the report of `report`, the answer to
// `request`, with maps of its failing specialty types drawn from the same request.
absl::Status WriteAdequacyHtml(const GlobalOptions& global,
                               const carereach::v1::AnalyzeAdequacyRequest& request,
                               const carereach::v1::AdequacyReport& report, bool failing_only,
                               const std::string& path, std::ostream& err);

// The requests, from the options and the selections already built (in --network order).
carereach::v1::AnalyzeCoverageRequest BuildAnalyzeCoverageRequest(
    const AnalysisOptions& options, const std::vector<carereach::v1::NetworkSelection>& networks);
carereach::v1::AnalyzeAdequacyRequest BuildAnalyzeAdequacyRequest(
    const AnalysisOptions& options, const std::vector<carereach::v1::NetworkSelection>& networks);
carereach::v1::RecommendAdditionsRequest BuildRecommendRequest(
    const AnalysisOptions& options, const std::vector<carereach::v1::NetworkSelection>& networks,
    const carereach::v1::NetworkSelection& candidates);
carereach::v1::ComputeAccessRatiosRequest BuildAccessRatiosRequest(
    const AnalysisOptions& options, const carereach::v1::NetworkSelection& network);

}  // namespace carereach::cli

#endif  // CAREREACH_CLIENTS_CLI_CONTRACTING_COMMANDS_H_
