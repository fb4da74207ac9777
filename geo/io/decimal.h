#ifndef CAREREACH_CLIENTS_CLI_DECIMAL_H_
#define CAREREACH_CLIENTS_CLI_DECIMAL_H_

#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"

namespace carereach::cli {

// A finite decimal number. absl::SimpleAtod alone also reads C hexadecimal floats ("0x15" is 21,
// "0x1p3" is 8), which no roster, facility file or flag means.
inline bool ParseDecimal(absl::string_view text, double* value) {
  return !absl::StrContains(text, 'x') && !absl::StrContains(text, 'X') &&
         absl::SimpleAtod(text, value) && std::isfinite(*value);
}

}  // namespace carereach::cli

#endif  // CAREREACH_CLIENTS_CLI_DECIMAL_H_
