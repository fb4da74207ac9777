// Internal to geo/io: row-parsing helpers shared by the loaders (census.cc, cms.cc). Not part of
// the library's interface; include it only from geo/io sources.
#ifndef CAREREACH_GEO_IO_ROW_PARSING_H_
#define CAREREACH_GEO_IO_ROW_PARSING_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "geo/core/status_macros.h"
#include "geo/io/csv.h"
#include "geo/io/load_report.h"

namespace carereach::io::internal {

// Indices of the columns `names`, in that order, or INVALID_ARGUMENT naming the absent ones.
absl::StatusOr<std::vector<int>> RequireColumns(const CsvTable& table,
                                                std::initializer_list<std::string_view> names);

// OK when `record` has exactly one field per header column; otherwise the row is misaligned (a
// lost field or an unquoted comma) and none of its values can be trusted.
absl::Status CheckFieldCount(const CsvTable& table, const CsvRecord& record);

// A code of at most `width` digits, zero-padded on the left to exactly `width` (spreadsheets
// drop leading zeros: "1" for Alabama's "01"). For FIPS and SSA codes, not specialty codes.
absl::StatusOr<std::string> ParseCode(const CsvTable& table, int column, absl::string_view value,
                                      size_t width);

// The text of a field, surrounding whitespace stripped; INVALID_ARGUMENT when that leaves nothing.
absl::StatusOr<std::string> ParseText(const CsvTable& table, int column, absl::string_view value);

// A two-letter USPS state code ("mi" or " MI "), upper-cased.
absl::StatusOr<std::string> ParseStateCode(const CsvTable& table, int column,
                                           absl::string_view value);

// A non-negative integer count.
absl::StatusOr<int64_t> ParseCount(const CsvTable& table, int column, absl::string_view value);

// A finite, non-negative decimal number ("7.6867250600000006E-2" is fine; "0x15" is not).
absl::StatusOr<double> ParseNonNegative(const CsvTable& table, int column, absl::string_view value);

// A finite decimal number; a leading '+' and leading zeros are fine ("+32.476823",
// "-086.486599"); hexadecimal ("0x15"), "nan" and "inf" are not (io::ParseDecimal).
absl::StatusOr<double> ParseNumber(const CsvTable& table, int column, absl::string_view value);

// The shape every keyed-row loader shares: read the CSV, require `columns` (passed to `parse` in
// that order), parse each record, skip and report a bad or repeated row with its line. `key`
// gives a row's key (any hashable value); `describe` spells it, after `key_name`, in the
// duplicate message. `report` may be null.
template <typename T, typename Parse, typename Key, typename Describe>
absl::StatusOr<std::vector<T>> LoadKeyedRows(const std::string& path,
                                             std::initializer_list<std::string_view> columns,
                                             Parse parse, Key key, Describe describe,
                                             absl::string_view key_name, LoadReport* report) {
  LoadReport local_report;
  if (report == nullptr) report = &local_report;
  *report = LoadReport();
  report->source = path;

  ASSIGN_OR_RETURN(CsvTable table, ReadCsvFile(path));
  ASSIGN_OR_RETURN(std::vector<int> column_index, RequireColumns(table, columns));

  report->rows = static_cast<int64_t>(table.records.size());
  std::vector<T> rows;
  rows.reserve(table.records.size());
  absl::flat_hash_map<std::decay_t<std::invoke_result_t<Key, const T&>>, int64_t> first_lines;
  first_lines.reserve(table.records.size());
  for (const CsvRecord& record : table.records) {
    absl::StatusOr<T> row = parse(table, record, column_index);
    if (!row.ok()) {
      report->skipped.push_back({record.line, std::string(row.status().message())});
      continue;
    }
    auto [it, inserted] = first_lines.emplace(key(*row), record.line);
    if (!inserted) {
      report->skipped.push_back(
          {record.line, absl::StrCat("duplicate ", key_name, " ", describe(*row),
                                     " (first on line ", it->second, ")")});
      continue;
    }
    rows.push_back(*std::move(row));
  }
  report->loaded = static_cast<int64_t>(rows.size());
  return rows;
}

// Rows keyed by a string, which also spells the key in messages.
template <typename T, typename Parse, typename Key>
absl::StatusOr<std::vector<T>> LoadKeyedRows(const std::string& path,
                                             std::initializer_list<std::string_view> columns,
                                             Parse parse, Key key, absl::string_view key_name,
                                             LoadReport* report) {
  return LoadKeyedRows<T>(path, columns, parse, key, key, key_name, report);
}

}  // namespace carereach::io::internal

#endif  // CAREREACH_GEO_IO_ROW_PARSING_H_
