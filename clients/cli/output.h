#ifndef CARERACH_CLIENTS_CLI_OUTPUT_H_
#define CARERACH_CLIENTS_CLI_OUTPUT_H_

// Formatting of server answers as tables, CSV and JSON. Pure functions of the response messages;
// thread-safe. Units: shares in [0, 1] (tables show percentages), populations in persons,
// thresholds in minutes or miles, coordinates in degrees (lon, lat).

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "carereach/v1/access.pb.h"
#include "nlohmann/json.hpp"

namespace carereach::cli {

// "straight-line" or "drive" (UNSPECIFIED is treated as straight-line, as by the server).
absl::string_view ModeName(carereach::v1::TravelMode mode);

// 10077331 -> "10,077,331".
std::string WithThousands(int64_t value);

// "10 min", "5 mi", "2.5 mi".
std::string ThresholdLabel(const carereach::v1::ThresholdCoverage& threshold);

// One CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
std::string CsvField(absl::string_view text);

// ListRegions.
std::string RegionsTable(const carereach::v1::ListRegionsResponse& response);
std::string RegionsCsv(const carereach::v1::ListRegionsResponse& response);
nlohmann::ordered_json RegionsJson(const carereach::v1::ListRegionsResponse& response);

// ComputeCoverage. `facilities_note` is an optional line for the table header (e.g. which file
// and columns the facilities came from); `counties` adds the per-county table.
std::string CoverageTable(const carereach::v1::ComputeCoverageResponse& response,
                          absl::string_view facilities_note, bool counties);
// Header line and one line per (scope, threshold): region first, then each county.
std::string CoverageCsv(const carereach::v1::ComputeCoverageResponse& response);
// The documented JSON object (docs/CLI.md); always includes counties.
nlohmann::ordered_json CoverageJson(const carereach::v1::ComputeCoverageResponse& response);

// Indented JSON text and a newline. Names from data files are not always valid UTF-8: bad bytes
// become U+FFFD rather than an exception.
std::string JsonText(const nlohmann::ordered_json& json);

// --units-out: the header line, and one line per unit (both end in '\n'). `drive` adds the
// snap_meters column.
std::string UnitsCsvHeader(bool drive);
std::string UnitsCsvLine(const carereach::v1::PopulationUnitResult& unit, bool drive);

}  // namespace carereach::cli

#endif  // CARERACH_CLIENTS_CLI_OUTPUT_H_
