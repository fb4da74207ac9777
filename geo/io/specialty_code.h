#ifndef CAREREACH_GEO_IO_SPECIALTY_CODE_H_
#define CAREREACH_GEO_IO_SPECIALTY_CODE_H_

// A CMS specialty code as a person types it, read one way by the CLI and by the server
// (MapService). Header-only: the CLI links no geo library.
#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace carereach::io {

// "40" -> "040": a numeric specialty code shorter than 3 digits is zero-padded; others are
// returned trimmed and unchanged ("S03", "040").
inline std::string NormalizeSpecialtyCode(absl::string_view code) {
  code = absl::StripAsciiWhitespace(code);
  if (!code.empty() && code.size() < 3 &&
      std::all_of(code.begin(), code.end(), [](char c) { return absl::ascii_isdigit(c); })) {
    return absl::StrCat(std::string(3 - code.size(), '0'), code);
  }
  return std::string(code);
}

}  // namespace carereach::io

#endif  // CAREREACH_GEO_IO_SPECIALTY_CODE_H_
