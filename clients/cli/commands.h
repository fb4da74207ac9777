#ifndef CAREREACH_CLIENTS_CLI_COMMANDS_H_
#define CAREREACH_CLIENTS_CLI_COMMANDS_H_

// The commands of the `carereach` client: parse, read facilities, call AccessService (regions,
// coverage, isochrone, matrix: access_commands.cc) or AdequacyService (adequacy:
// adequacy_commands.cc), print; RunCli (cli.cc) runs the command of the parsed command line
// through its declaration (flags.h), which also covers the network, report and analysis
// commands (network_commands.h, contracting_commands.h).
// RunCli is the whole program minus main(); it writes only to the streams it is given.
// Not thread-safe with respect to the streams passed in; otherwise stateless.

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "carereach/v1/access.pb.h"
#include "carereach/v1/adequacy.pb.h"
#include "carereach/v1/contracting.pb.h"
#include "clients/cli/args.h"
#include "clients/cli/facilities_csv.h"
#include "clients/cli/output.h"
#include "clients/cli/rpc_client.h"
#include "grpcpp/support/status.h"

namespace carereach::cli {

// Runs the client on `args` (argv without the program name) and returns the exit code: kExitOk,
// kExitError (one "error: ..." line on `err`) or kExitUsage (an "error: ..." line and a hint to
// run `carereach help`; also for TLS or token files that cannot be used). The environment
// (ReadEnvironment) supplies the defaults of the flags.
// `err_is_terminal`: err is a terminal, so operations that take more than a second show their
// progress on it (progress.h); main() passes isatty(STDERR_FILENO).
int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
           bool err_is_terminal = false);

// The variables of Environment from the process environment: $CAREREACH_SERVER,
// $CAREREACH_TENANT, $CAREREACH_TLS_CA, $CAREREACH_TLS_CERT, $CAREREACH_TLS_KEY,
// $CAREREACH_TLS_SERVER_NAME, $CAREREACH_TOKEN, $CAREREACH_TOKEN_FILE (unset: empty).
Environment ReadEnvironment();

// Reads one facility file, reports it on `err` ("origins: kept 3 of 4 rows of o.csv") and
// refuses an empty list. `label` is also the request field the list becomes.
absl::StatusOr<FacilityList> ReadFacilityFile(const std::string& path,
                                              const FacilityColumnFlags& columns,
                                              const std::vector<WhereClause>& where,
                                              absl::string_view where_flag, absl::string_view label,
                                              std::ostream& err);

// `carereach regions` and `carereach coverage`. Errors are returned, not printed; an RPC error's
// message starts with its gRPC code name ("NOT_FOUND: unknown region 'mars'").
absl::Status RunRegions(const GlobalOptions& global, const RegionsOptions& options,
                        std::ostream& out);
absl::Status RunCoverage(const GlobalOptions& global, const CoverageOptions& options,
                         std::ostream& out, std::ostream& err);
// `carereach isochrone`: the GeoJSON to --out (then a summary on `out`) or to `out`.
absl::Status RunIsochrone(const GlobalOptions& global, const IsochroneOptions& options,
                          std::ostream& out, std::ostream& err);
// `carereach matrix`: csv and table rows are written to `out` as the stream delivers them, so
// a stream that fails midway leaves the rows before the failure on `out`; json is written only
// when the stream has ended well.
absl::Status RunMatrix(const GlobalOptions& global, const MatrixOptions& options, std::ostream& out,
                       std::ostream& err);

// `carereach adequacy`: reads the roster, streams it to AdequacyService.EvaluateAdequacy in
// batches of 5,000 rows, and prints the report (failing results first) once the summary has
// arrived; --uncovered-out also writes the uncovered tracts as GeoJSON points. Failing results
// are not an error.
absl::Status RunAdequacy(const GlobalOptions& global, const AdequacyOptions& options,
                         std::ostream& out, std::ostream& err);

// `adequacy`'s report in the shape of analyze adequacy's (one network, no members).
carereach::v1::AdequacyReport AsAnalysisReport(const AdequacyReport& report);

// The header `adequacy` sends first.
carereach::v1::AdequacyRequestHeader BuildAdequacyHeader(const AdequacyOptions& options);

// The request `coverage` sends (first page; unit detail requested when --units-out is set).
carereach::v1::ComputeCoverageRequest BuildCoverageRequest(const CoverageOptions& options,
                                                           const FacilityList& facilities);
carereach::v1::ComputeIsochronesRequest BuildIsochronesRequest(const IsochroneOptions& options,
                                                               const FacilityList& facilities);
carereach::v1::ComputeMatrixRequest BuildMatrixRequest(const MatrixOptions& options,
                                                       const FacilityList& origins,
                                                       const FacilityList& destinations);
// The drive flags as the wire's DriveOptions (unset flags stay 0: server defaults).
carereach::v1::DriveOptions DriveOptionsFrom(const DriveFlags& flags);

// Sets the travel mode and its options (unset ones: server defaults) of a request or header
// with mode, straight_line and drive fields.
template <typename Request>
void SetTravel(const TravelFlags& travel, Request& request) {
  if (travel.mode == Mode::kDrive) {
    request.set_mode(carereach::v1::TRAVEL_MODE_DRIVE);
    if (travel.drive.any()) *request.mutable_drive() = DriveOptionsFrom(travel.drive);
  } else {
    request.set_mode(carereach::v1::TRAVEL_MODE_STRAIGHT_LINE);
    if (travel.circuity) request.mutable_straight_line()->set_circuity_factor(*travel.circuity);
    if (travel.speed_mph) request.mutable_straight_line()->set_speed_mph(*travel.speed_mph);
  }
}

}  // namespace carereach::cli

#endif  // CAREREACH_CLIENTS_CLI_COMMANDS_H_
