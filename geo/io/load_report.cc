#include "geo/io/load_report.h"

#include <algorithm>
#include <cstddef>

#include "absl/strings/str_cat.h"

namespace carereach::io {

std::string LoadReport::Summary(int max_issues) const {
  std::string out =
      absl::StrCat(source, ": ", rows, " rows, ", loaded, " loaded, ", skipped.size(), " skipped");
  const size_t shown = std::min(skipped.size(), static_cast<size_t>(std::max(max_issues, 0)));
  for (size_t i = 0; i < shown; ++i) {
    absl::StrAppend(&out, "\n  ", source, ":", skipped[i].line, ": ", skipped[i].message);
  }
  if (shown < skipped.size())
    absl::StrAppend(&out, "\n  ... and ", skipped.size() - shown, " more");
  return out;
}

}  // namespace carereach::io
