#ifndef CAREREACH_GEO_IO_TELEHEALTH_H_
#define CAREREACH_GEO_IO_TELEHEALTH_H_

#include <string>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"

namespace carereach::io {

// Specialty types whose telehealth providers earn the 10-point credit (a CSV of
// specialty_code,...: deploy/standards/telehealth_eligible.csv). INVALID_ARGUMENT naming
// `source` when the CSV is malformed or has no specialty_code column.
absl::StatusOr<absl::flat_hash_set<std::string>> ParseTelehealthEligible(std::string_view csv,
                                                                         std::string source);

// The shipped deploy/standards/telehealth_eligible.csv, built in (default_telehealth.cc.in).
const char* DefaultTelehealthEligibleCsv();

}  // namespace carereach::io

#endif  // CAREREACH_GEO_IO_TELEHEALTH_H_
