#ifndef CAREREACH_GEO_CORE_CHECKED_SUM_H_
#define CAREREACH_GEO_CORE_CHECKED_SUM_H_

#include <cstdint>
#include <limits>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace carereach::geo {

// Adds `value` to `*sum` unless that overflows int64: then INVALID_ARGUMENT
// "<field>: adding <value> to <sum> exceeds 9223372036854775807" and `*sum` is unchanged. The one
// helper for summing counts (populations, beneficiaries) that come from requests or data files.
inline absl::Status CheckedAdd(int64_t value, int64_t* sum, std::string_view field) {
  int64_t result = 0;
  if (__builtin_add_overflow(*sum, value, &result)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: adding %d to %d exceeds %d", field, value, *sum, std::numeric_limits<int64_t>::max()));
  }
  *sum = result;
  return absl::OkStatus();
}

}  // namespace carereach::geo

#endif  // CAREREACH_GEO_CORE_CHECKED_SUM_H_
