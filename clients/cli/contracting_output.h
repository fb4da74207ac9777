#ifndef CAREREACH_CLIENTS_CLI_CONTRACTING_OUTPUT_H_
#define CAREREACH_CLIENTS_CLI_CONTRACTING_OUTPUT_H_

// Formatting of NetworkService and ContractingService answers: tables, CSV and JSON. Pure
// functions of the messages; thread-safe. Units as in output.h: shares in [0, 1] (tables show
// percentages), populations in persons, thresholds in minutes or miles, access ratios in
// capacity per 1,000 residents, coordinates in degrees (lon, lat).
//
// --format json of these commands is the answer message in the proto3 JSON mapping
// (google::protobuf::util::MessageToJsonString) with the .proto field names and every field
// present; as that mapping says, 64-bit integers are strings and enums are their names.

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "carereach/v1/contracting.pb.h"
#include "carereach/v1/networks.pb.h"
#include "clients/cli/output.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "nlohmann/json.hpp"

namespace carereach::cli {

// `message` in the proto3 JSON mapping (see above), as a JSON value. DATA_LOSS when the mapping
// fails (an Any of a type this client does not know).
absl::StatusOr<nlohmann::ordered_json> ProtoJson(const google::protobuf::Message& message);

// RFC 3339, "2026-01-05T14:03:00Z"; empty for an unset timestamp.
std::string TimestampText(const google::protobuf::Timestamp& timestamp);

// "mercy@3"; "mercy" for version 0.
std::string NetworkRefText(absl::string_view network_id, int version);

// One line about a network an analysis used: "trinity (trinity@2): 40 rows +1 added -2 removed
// = 39 rows, 38 facilities"; inline rosters say "(inline)".
std::string ResolvedNetworkText(const carereach::v1::ResolvedNetwork& network);

// network create / import / list / show / diff.
std::string CreateNetworkTable(const carereach::v1::CreateNetworkResponse& response);
std::string NetworkVersionTable(const carereach::v1::NetworkVersion& version);
std::string NetworksTable(const std::vector<carereach::v1::Network>& networks);
std::string NetworkTable(const carereach::v1::GetNetworkResponse& response);
// A header block with the counts, then one row per added, removed and changed row (a changed
// row shows its "changed from" and "changed to" rows).
std::string DiffTable(const carereach::v1::DiffNetworkVersionsResponse& response);
// "change,<export columns>" and one line per row: added, removed, changed_from, changed_to.
std::string DiffCsv(const carereach::v1::DiffNetworkVersionsResponse& response);

// report list / show. ReportTable: the metadata, then the result as the analysis command
// prints it (when the result is of a known type); ReportJson: the metadata with the request
// and the result unpacked. DATA_LOSS when an Any does not parse as its type.
std::string ReportsTable(const std::vector<carereach::v1::Report>& reports);
absl::StatusOr<std::string> ReportTable(const carereach::v1::Report& report);
absl::StatusOr<nlohmann::ordered_json> ReportJson(const carereach::v1::Report& report);

// The rows of a header block ("key  value" lines).
using KeyValueRows = std::vector<std::pair<std::string, std::string>>;

// analyze coverage. The pieces of its table, shared with the HTML report (html_pages.h): the
// header block's rows and, for alliances, the members' table with its note.
KeyValueRows AnalyzeCoverageHeaderRows(const carereach::v1::AnalyzeCoverageResponse& response);
TextTable MemberCoverageTable(const carereach::v1::AnalyzeCoverageResponse& response);
inline constexpr absl::string_view kMemberCoverageNote =
    "each member: its share alone, the alliance's share without it, the residents only it covers "
    "(lost if it leaves), those the alliance adds to it (gained by joining) and its fair share "
    "(Shapley: a resident covered by k members counts 1/k to each; the fair shares of a "
    "threshold add up to the alliance's covered residents)";
// The table: a header block, the network's (alliance's) share per
// threshold, for alliances each member's share alone, the alliance's share without it, its
// loss if it leaves and its gain by joining; `counties` adds the per-county table.
std::string AnalyzeCoverageTable(const carereach::v1::AnalyzeCoverageResponse& response,
                                 bool counties);
// Header line and one line per (scope, threshold): the region, each county, each member.
std::string AnalyzeCoverageCsv(const carereach::v1::AnalyzeCoverageResponse& response);

// analyze adequacy. The results failing first (only the failing ones with `failing_only`).
carereach::v1::AdequacyReport OrderedAdequacyReport(const carereach::v1::AdequacyReport& report,
                                                    bool failing_only);
// The pieces of its table, shared with the HTML report: the header block's rows, the results
// (failing first, failing rows flagged; alliances: a "critical members" column), the members'
// table and its note, and "N of M county x specialty results fail".
KeyValueRows AllianceAdequacyHeaderRows(const carereach::v1::AnalyzeAdequacySummary& summary);
TextTable AllianceResultsTable(const carereach::v1::AdequacyReport& report, bool failing_only);
TextTable MemberAdequacyTable(const carereach::v1::AnalyzeAdequacySummary& summary);
std::string MemberAdequacyNote(int results);
std::string FailingCountLine(const carereach::v1::AdequacyReport& report, bool failing_only);
// True for an analysis of several networks or members.
bool IsAlliance(const carereach::v1::AnalyzeAdequacySummary& summary);
// Exception evidence, shared with the HTML report: whether any result has some, the note that
// says what it is, and per result with evidence its title and verdict ("Hampden, MA (25013), 040
// Acute Inpatient Hospitals, 20 min / 10 mi: no provider available within the standard (12 of
// the type in the supply)") and its nearest supply providers (empty when there are none).
bool HasExceptionEvidence(const carereach::v1::AdequacyReport& report);
extern const char kExceptionEvidenceNote[];
std::string EvidenceHeading(const carereach::v1::AllianceAdequacyResult& result);
TextTable NearestSupplyTable(const carereach::v1::ExceptionEvidence& evidence);
// The Servicing Provider Report as a table (the HTML report's): one row per provider x county
// served, beneficiaries rounded, share in percent.
TextTable ServicingProvidersTable(const carereach::v1::ServicingProviderReport& report);
// The `adequacy` table with the networks, the saved report id and, for alliances, a "critical
// members" column and a member summary (alone passing, without passing, critical results).
std::string AllianceAdequacyTable(const carereach::v1::AdequacyReport& report, bool failing_only);
// The `adequacy` CSV with a last column critical_members (labels joined by ';').
std::string AllianceAdequacyCsv(const carereach::v1::AdequacyReport& report, bool failing_only);
// The Servicing Provider Report (--servicing-report): a header line with units, one line per
// provider x county served (rows serving none: the county columns empty, zeros).
std::string ServicingProvidersCsv(const carereach::v1::ServicingProviderReport& report);

// recommend. The request gives the objective's details (target share, counties). The header
// block's rows and the picks' table (adequacy objective: failing picks flagged) are shared with
// the HTML report.
KeyValueRows RecommendHeaderRows(const carereach::v1::RecommendAdditionsRequest& request,
                                 const carereach::v1::RecommendAdditionsResponse& response);
TextTable RecommendPicksTable(const carereach::v1::RecommendAdditionsResponse& response);
std::string RecommendTable(const carereach::v1::RecommendAdditionsRequest& request,
                           const carereach::v1::RecommendAdditionsResponse& response);
// rank,id,name,specialty_code,lon,lat,gain,covered,share,counted,pass (counted and pass empty
// for the coverage objective).
std::string RecommendCsv(const carereach::v1::RecommendAdditionsResponse& response);

// access-ratios: a header block, one row per county, then the region line.
std::string AccessRatiosTable(const carereach::v1::ComputeAccessRatiosRequest& request,
                              const carereach::v1::ComputeAccessRatiosResponse& response);
// scope,fips,name,state,population,mean_access_per_1000,zero_access_population,
// min_access_per_1000,max_access_per_1000: the region, then each county.
std::string AccessRatiosCsv(const carereach::v1::ComputeAccessRatiosResponse& response);
// --units-out: the header line and one line per unit (both end in '\n').
std::string AccessUnitsCsvHeader();
std::string AccessUnitsCsvLine(const carereach::v1::UnitAccess& unit);

}  // namespace carereach::cli

#endif  // CAREREACH_CLIENTS_CLI_CONTRACTING_OUTPUT_H_
