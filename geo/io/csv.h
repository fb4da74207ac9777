#ifndef CAREREACH_GEO_IO_CSV_H_
#define CAREREACH_GEO_IO_CSV_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace carereach::io {

// One CSV record and the 1-based line of the file on which it starts.
struct CsvRecord {
  int64_t line = 0;
  std::vector<std::string> fields;
};

// A whole CSV file: header row and records. RFC 4180 parsing by libcsv: quoted fields with
// embedded commas, quotes and newlines, CRLF or LF line ends; a leading UTF-8 byte-order mark is
// removed; header names are trimmed of surrounding spaces. Blank lines are skipped.
// Plain value type; thread-compatible.
struct CsvTable {
  // Where the text came from (a path), for messages.
  std::string source;
  std::vector<std::string> header;
  std::vector<CsvRecord> records;

  // Index of the column named `name` (ASCII case-insensitive), or -1.
  int Column(std::string_view name) const;
  // The first column found among `names`, in order of preference, or -1.
  int FirstColumn(std::initializer_list<std::string_view> names) const;
};

// Reads and parses a file. NOT_FOUND when it cannot be opened; INVALID_ARGUMENT ("path:line:
// ...") when it is not CSV (e.g. an unterminated quote), has no header row, names a column twice
// (ASCII case-insensitive; empty names excepted) or has a field that is not valid UTF-8 (a file
// saved as Latin-1: "path:7: column 2 (\"name\") is not valid UTF-8 (byte 0xE9 at offset 3)").
absl::StatusOr<CsvTable> ReadCsvFile(const std::string& path);

// Parses `text`; `source` names it in messages.
absl::StatusOr<CsvTable> ParseCsv(std::string_view text, std::string source);

}  // namespace carereach::io

#endif  // CAREREACH_GEO_IO_CSV_H_
