#ifndef CAREREACH_CLIENTS_CLI_OUTPUT_H_
#define CAREREACH_CLIENTS_CLI_OUTPUT_H_

// Formatting of server answers as tables, CSV and JSON. Pure functions of the response messages;
// thread-safe. Units: shares in [0, 1] (tables show percentages), populations in persons,
// thresholds in minutes or miles, coordinates in degrees (lon, lat).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "carereach/v1/access.pb.h"
#include "carereach/v1/adequacy.pb.h"
#include "clients/cli/args.h"
#include "clients/cli/roster_csv.h"
#include "nlohmann/json.hpp"

namespace carereach::cli {

// Credit the road data (OpenStreetMap, ODbL) needs wherever drive results are shown. Servers send
// it in `attribution`; this is what the CLI prints when one does not.
inline constexpr absl::string_view kOsmAttribution = "© OpenStreetMap contributors";

// A table of formatted cells: rendered as plain text (columns separated by two spaces,
// right-aligned where asked) and, as the same cells, in HTML reports (html_pages.h). Thread-
// compatible.
class TextTable {
 public:
  // `right_aligned[i]` says how column i is aligned.
  TextTable(std::vector<std::string> header, std::vector<bool> right_aligned);
  // `flagged`: a row to set apart where the format can (a failing result in HTML); the text
  // shows it like any other.
  void AddRow(std::vector<std::string> row, bool flagged = false);
  // The header and rows, each line ending in '\n'.
  std::string Render() const;

  const std::vector<std::string>& header() const { return rows_.front(); }
  const std::vector<bool>& right_aligned() const { return right_aligned_; }
  // The rows below the header, and whether each is flagged.
  size_t row_count() const { return rows_.size() - 1; }
  const std::vector<std::string>& row(size_t i) const { return rows_[i + 1]; }
  bool flagged(size_t i) const { return flagged_[i + 1]; }

 private:
  std::vector<bool> right_aligned_;
  std::vector<std::vector<std::string>> rows_;  // rows_[0] is the header
  std::vector<bool> flagged_;
};

// "key    value" lines, keys padded to one width (the header blocks of the tables).
std::string KeyValueText(const std::vector<std::pair<std::string, std::string>>& rows);

// Whole numbers as JSON integers ("minutes": 10, not 10.0); others stay doubles.
nlohmann::ordered_json JsonNumber(double value);
// Drive figures to 3 decimals (0.06 s, about 1.6 m): enough for any use, without float noise.
double Rounded3(double value);

// 0.8452 -> "84.5%".
std::string Percent(double share);

// Fixed-point text with at most `decimals` decimals, trailing zeros removed: 12.5, 3, 0.25.
std::string TrimmedNumber(double value, int decimals);

// The "mode" line of a table header: "drive, speed profile car-us-1" or "straight-line,
// circuity 1.3, 35 mph (minutes = geodesic miles x 1.3 / 35 x 60)".
std::string ModeDescription(carereach::v1::TravelMode mode,
                            const carereach::v1::StraightLineOptions& straight_line,
                            absl::string_view speed_profile);

// `attribution`, or kOsmAttribution when empty.
std::string AttributionOr(absl::string_view attribution);

// "a, b, c": at most `limit` ids, then "(and 12 more)".
std::string ShortIdList(const std::vector<std::string>& ids, size_t limit = 20);

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

// ComputeIsochrones as an RFC 7946 FeatureCollection: one Feature per threshold, in response
// order, whose geometry is the server's GeoJSON geometry object (parsed, not a string), with
// properties max_minutes, area_km2, region, speed_profile and attribution; "attribution" is also
// a member of the collection. DATA_LOSS when a geometry is not a JSON object with a "type".
absl::StatusOr<nlohmann::ordered_json> IsochronesGeoJson(
    const carereach::v1::ComputeIsochronesResponse& response);
// The summary printed when the GeoJSON went to a file: region, speed profile, facilities, file,
// then threshold and area per isochrone, then the attribution line.
std::string IsochronesTable(const carereach::v1::ComputeIsochronesResponse& response,
                            absl::string_view facilities_note, absl::string_view out_path);

// ComputeMatrix, one streamed row at a time. Minutes and miles below 0 mean "not reached".
// --format csv: the header line, and one line per (origin, destination) of a row, minutes and
// miles with 3 decimals, both empty when not reached. Lines end in '\n'.
std::string MatrixCsvHeader();
std::string MatrixCsvLines(const carereach::v1::MatrixRow& row,
                           const std::vector<std::string>& destination_ids);
// --format json: one object per row, and the whole document (rows in the order given).
nlohmann::ordered_json MatrixRowJson(const carereach::v1::MatrixRow& row);
nlohmann::ordered_json MatrixJson(absl::string_view region, nlohmann::ordered_json rows,
                                  const std::vector<std::string>& destination_ids);

// --format table: origins down, destinations across, minutes with 1 decimal ("-" when not
// reached). Column widths are fixed from the ids up front so that rows print as they arrive.
// Immutable after construction; thread-safe.
class MatrixTable {
 public:
  MatrixTable(const std::vector<std::string>& origin_ids,
              const std::vector<std::string>& destination_ids);
  std::string Header() const;
  std::string Line(const carereach::v1::MatrixRow& row) const;

 private:
  size_t origin_width_ = 0;
  std::vector<std::string> destination_ids_;
  std::vector<size_t> widths_;
};

// One answer in the formats of --format, the one path every command prints through: the table
// and CSV texts and the JSON value (JSON policy: docs/CLI.md). A format a command does not offer
// may be left null (the parser refuses it).
struct Answer {
  std::function<std::string()> table;
  std::function<std::string()> csv;
  std::function<absl::StatusOr<nlohmann::ordered_json>()> json;
};
// Writes `answer` in `format` to `out`, the JSON as JsonText.
absl::Status PrintAnswer(OutputFormat format, const Answer& answer, std::ostream& out);

// "Road data © OpenStreetMap contributors\n": the attribution line of drive answers
// (AttributionOr(attribution)).
std::string AttributionLine(absl::string_view attribution);

// The threshold table of coverage answers: threshold, covered population, share (and tracts
// when `tracts`).
TextTable ThresholdTable(
    const google::protobuf::RepeatedPtrField<carereach::v1::ThresholdCoverage>& results,
    bool tracts);
// The heading of CountyCoverageTable.
inline constexpr absl::string_view kCountyCoverageTitle = "share of residents by county";
// The per-county table: one column per threshold.
TextTable CountyCoverageTable(
    const google::protobuf::RepeatedPtrField<carereach::v1::ThresholdCoverage>& results,
    const google::protobuf::RepeatedPtrField<carereach::v1::CountyCoverage>& counties);
// The "unsnapped" rows of a drive coverage header block.
std::vector<std::pair<std::string, std::string>> UnsnappedRows(
    int64_t units, int64_t population,
    const google::protobuf::RepeatedPtrField<std::string>& facility_ids);

// Indented JSON text and a newline. Names from data files are not always valid UTF-8: bad bytes
// become U+FFFD rather than an exception.
std::string JsonText(const nlohmann::ordered_json& json);
// The same on one line (GeoJSON: indenting every coordinate would triple the size).
std::string CompactJsonText(const nlohmann::ordered_json& json);

// --units-out: the header line, and one line per unit (both end in '\n'). `drive` adds the
// snap_meters column.
std::string UnitsCsvHeader(bool drive);
std::string UnitsCsvLine(const carereach::v1::PopulationUnitResult& unit, bool drive);

// EvaluateAdequacy: what the server streamed.
struct AdequacyReport {
  std::vector<carereach::v1::CountySpecialtyResult> results;
  carereach::v1::AdequacySummary summary;
};

// The results, failing first (then passing), each group in the server's order.
std::vector<carereach::v1::CountySpecialtyResult> FailingFirst(
    const std::vector<carereach::v1::CountySpecialtyResult>& results);

// The "Specialty Summary by County" table (header block, one row per result failing first,
// then "N of M county x specialty results fail").
std::string AdequacyTable(const AdequacyReport& report);
// Header line and one line per result, failing first; every field, shares with 6 decimals,
// uncovered_unit_ids joined by ';'.
std::string AdequacyCsv(const AdequacyReport& report);

// Pieces of the adequacy formats, shared with `analyze adequacy`: the header block's rows, the
// results table of `results` in the order given (a non-empty `extra_title` adds a last column,
// extra[i] for results[i]), the CSV header line (ending in '\n') and one result's CSV fields
// (without the line end).
std::vector<std::pair<std::string, std::string>> AdequacyHeaderRows(
    const carereach::v1::AdequacySummary& summary);
// Failing results are flagged rows.
TextTable AdequacyResultsTable(
    const std::vector<const carereach::v1::CountySpecialtyResult*>& results,
    absl::string_view extra_title = "", const std::vector<std::string>& extra = {});
std::string AdequacyCsvHeader();
std::string AdequacyCsvFields(const carereach::v1::CountySpecialtyResult& result);
// The documented JSON object (docs/CLI.md).
nlohmann::ordered_json AdequacyJson(const AdequacyReport& report);
// One Point Feature per (result, uncovered tract), failing results first. Tracts missing from
// `centres` get a null geometry and are counted in `missing`.
nlohmann::ordered_json UncoveredGeoJson(const AdequacyReport& report, const TractCentres& centres,
                                        int64_t* missing);

}  // namespace carereach::cli

#endif  // CAREREACH_CLIENTS_CLI_OUTPUT_H_
