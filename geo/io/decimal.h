#ifndef CAREREACH_GEO_IO_DECIMAL_H_
#define CAREREACH_GEO_IO_DECIMAL_H_

#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"

namespace carereach::io {

// A finite decimal number (surrounding whitespace allowed). absl::SimpleAtod alone also reads C
// hexadecimal floats ("0x15" is 21, "0x1p3" is 8), "nan" and "inf", which no data file, roster,
// facility file or flag means. The one number parser of the loaders (geo/io) and the CLI.
inline bool ParseDecimal(absl::string_view text, double* value) {
  return !absl::StrContains(text, 'x') && !absl::StrContains(text, 'X') &&
         absl::SimpleAtod(text, value) && std::isfinite(*value);
}

}  // namespace carereach::io

#endif  // CAREREACH_GEO_IO_DECIMAL_H_
