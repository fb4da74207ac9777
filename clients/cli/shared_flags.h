#ifndef CAREREACH_CLIENTS_CLI_SHARED_FLAGS_H_
#define CAREREACH_CLIENTS_CLI_SHARED_FLAGS_H_

// The flag groups several commands share, as functions that add their flags to a command
// (flags.h), the global (connection and TLS) flags, and the command families: each
// Add*Commands function declares its commands with their flags, in its own *_args.cc file.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "clients/cli/args.h"
#include "clients/cli/flags.h"

namespace carereach::cli {

// --server, --timeout-seconds, --wait-seconds, --tenant and the TLS and token flags, with their
// $CAREREACH_* defaults.
FlagSet ConnectionFlags();
// The TLS and token options together (flags and environment merged): --tls-cert and --tls-key
// go together, a bearer token needs TLS, --tls-server-name (when `given` on the command line)
// needs TLS.
absl::Status ValidateSecurity(const GlobalOptions& global, const std::vector<std::string>& given);

// --mode, --circuity, --speed-mph and the drive options.
void AddTravelFlags(FlagSet& flags, Field<TravelFlags> travel);
// --max-snap-meters, --direction, --speed-profile, --offroad-speed-mph.
void AddDriveFlags(FlagSet& flags, Field<DriveFlags> drive);
// --circuity and --speed-mph apply to straight-line only, the drive options to drive only.
absl::Status ValidateTravel(const TravelFlags& travel);

// --id-column, --name-column, --lat-column, --lon-column, --type-column of facility CSVs.
void AddFacilityColumnFlags(FlagSet& flags, Field<FacilityColumnFlags> columns);
// The column flags of `adequacy --network` roster CSVs (no --type-column).
void AddRosterColumnFlags(FlagSet& flags, Field<RosterColumnFlags> columns);
// The column flags and --specialty-code of the commands that read network rosters of both
// formats (--roster, --facilities).
void AddRosterReadFlags(FlagSet& flags, Field<RosterReadOptions> read);

// --html FILE.html: the command also writes its report as one self-contained HTML file.
void AddHtmlFlag(FlagSet& flags, Field<std::string> path);

// --format with the formats `spec` offers (others are a usage error naming them).
void AddFormatFlag(CommandSpec& spec, Field<OutputFormat> format,
                   std::vector<OutputFormat> offered);

// The inputs of the ContractingService analyses (analysis_args.cc): --region, the network
// selections (--network, --roster, --facilities and the flags that follow them), the roster read
// flags, the travel model and --specialties; ValidateAnalysisInput checks them for `command`.
void AddAnalysisInputFlags(FlagSet& flags);
absl::Status ValidateAnalysisInput(absl::string_view command, const AnalysisOptions& an,
                                   bool need_network);
// --minutes and --miles of an analysis, described as `what`.
void AddThresholdFlags(FlagSet& flags, absl::string_view what);
// The inputs of `isochrone` (access_args.cc): region, facilities, thresholds, drive and
// column flags (not --out).
void AddIsochroneInputFlags(FlagSet& flags);
absl::Status ValidateIsochroneInput(absl::string_view command, const IsochroneOptions& iso);

// The command families, in the order of the usage text.
void AddAccessCommands(std::vector<CommandSpec>& commands);    // regions coverage isochrone matrix
void AddAdequacyCommands(std::vector<CommandSpec>& commands);  // adequacy
void AddNetworkCommands(std::vector<CommandSpec>& commands);   // network ..., report ...
void AddAnalysisCommands(std::vector<CommandSpec>& commands);  // analyze ..., recommend, ...
void AddMapCommands(std::vector<CommandSpec>& commands);       // map ...

}  // namespace carereach::cli

#endif  // CAREREACH_CLIENTS_CLI_SHARED_FLAGS_H_
