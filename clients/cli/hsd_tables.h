#ifndef CAREREACH_CLIENTS_CLI_HSD_TABLES_H_
#define CAREREACH_CLIENTS_CLI_HSD_TABLES_H_

// CMS's Provider and Facility HSD tables (the Health Service Delivery tables a Medicare Advantage
// plan uploads to HPMS; docs/CMS.md section 15) with two added columns, Latitude and Longitude,
// since carereach has no geocoder, and two of carereach's own, Telehealth and Exclusion, so that
// a network goes out and comes back whole. A row of a network belongs to the Facility table when
// its specialty code is a facility type ("040".."068"), else to the Provider table.
//
// Reading is the roster reader's (RosterFromTable finds these columns by name); this file checks
// that each table holds its own kind of row and writes the tables. Plain functions; thread-safe.

#include <span>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "carereach/v1/adequacy.pb.h"
#include "clients/cli/args.h"
#include "clients/cli/roster_csv.h"

namespace carereach::cli {

enum class HsdTable { kProvider, kFacility };

// "Provider" / "Facility".
absl::string_view HsdTableName(HsdTable table);

// The table a row belongs to: kFacility for specialty codes "040".."068".
HsdTable HsdTableOf(const carereach::v1::NetworkProvider& provider);

// Reads an HSD table of the given kind with the roster reader (`flags` name columns the reader
// would not find). INVALID_ARGUMENT for what RosterFromTable refuses, a file without an SSA
// State/County Code column, and a row of the other table's kind ("path:line: specialty code
// 040 is a facility type; it belongs in the Facility table").
absl::StatusOr<Roster> ReadHsdTable(const std::string& path, HsdTable table,
                                    const RosterColumnFlags& flags);

// The header line of a table, then one line per row: the CMS columns in CMS's order, then
// Latitude, Longitude, Telehealth (Y/N) and Exclusion. Coordinates and beds in the shortest form
// that reads back to the same double; beds empty on a Facility row other than "040" that has
// none.
std::string HsdHeader(HsdTable table);
std::string HsdLine(HsdTable table, const carereach::v1::NetworkProvider& provider);

}  // namespace carereach::cli

#endif  // CAREREACH_CLIENTS_CLI_HSD_TABLES_H_
