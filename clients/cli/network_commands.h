#ifndef CAREREACH_CLIENTS_CLI_NETWORK_COMMANDS_H_
#define CAREREACH_CLIENTS_CLI_NETWORK_COMMANDS_H_

// `carereach network ...` and `carereach report ...`: stored networks and saved reports
// (carereach.v1.NetworkService). Errors are returned, not printed; server errors start with the
// gRPC code name. Stateless; not thread-safe with respect to the streams passed in.

#include <ostream>
#include <vector>

#include "absl/status/status.h"
#include "carereach/v1/adequacy.pb.h"
#include "carereach/v1/networks.pb.h"
#include "clients/cli/args.h"

namespace carereach::cli {

// network create / import / list / show / export / diff / delete. create and import read the
// roster first (a bad row fails before any request) and send it: create in its one request,
// import as a header and batches of 5,000 rows. A server message naming providers[i] gets the
// file and line of that row.
absl::Status RunNetworkCommand(Command command, const GlobalOptions& global,
                               const NetworkOptions& options, std::ostream& out, std::ostream& err);

// report list / show (show --html: WriteReportHtml).
absl::Status RunReportCommand(Command command, const GlobalOptions& global,
                              const ReportOptions& options, std::ostream& out, std::ostream& err);
// The HTML report of a saved report; coverage and adequacy reports with their maps, redrawn from
// the saved request on the network versions it used.
absl::Status WriteReportHtml(const GlobalOptions& global, const carereach::v1::Report& report,
                             const std::string& path, std::ostream& err);

// The requests create and import send.
carereach::v1::CreateNetworkRequest BuildCreateNetworkRequest(
    const NetworkOptions& options, const std::vector<carereach::v1::NetworkProvider>& providers);
carereach::v1::ImportNetworkHeader BuildImportHeader(const NetworkOptions& options);

}  // namespace carereach::cli

#endif  // CAREREACH_CLIENTS_CLI_NETWORK_COMMANDS_H_
