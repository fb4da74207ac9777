#include "geo/io/telehealth.h"

#include <utility>

#include "absl/strings/str_format.h"
#include "geo/core/status_macros.h"
#include "geo/io/csv.h"

namespace carereach::io {

absl::StatusOr<absl::flat_hash_set<std::string>> ParseTelehealthEligible(std::string_view csv,
                                                                         std::string source) {
  ASSIGN_OR_RETURN(const CsvTable table, ParseCsv(csv, source));
  const int code = table.Column("specialty_code");
  if (code < 0) {
    return absl::InvalidArgumentError(absl::StrFormat("%s: missing column specialty_code", source));
  }
  absl::flat_hash_set<std::string> codes;
  for (const CsvRecord& r : table.records) {
    if (code < static_cast<int>(r.fields.size()) && !r.fields[code].empty()) {
      codes.insert(r.fields[code]);
    }
  }
  return codes;
}

}  // namespace carereach::io
