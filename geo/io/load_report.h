#ifndef CAREREACH_GEO_IO_LOAD_REPORT_H_
#define CAREREACH_GEO_IO_LOAD_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

namespace carereach::io {

// A row a loader skipped, and why.
struct RowIssue {
  int64_t line = 0;  // 1-based line in the source file
  std::string message;
};

// What a loader read from one file: nothing is dropped without a line here.
// Plain value type; thread-compatible.
struct LoadReport {
  std::string source;  // path
  int64_t rows = 0;    // data records read (header excluded)
  int64_t loaded = 0;  // records turned into domain values
  std::vector<RowIssue> skipped;

  // One line, e.g. "census/x.txt: 85395 rows, 85395 loaded, 0 skipped", followed by up to
  // `max_issues` lines "  path:line: message" and "  ... and N more" when there are more.
  std::string Summary(int max_issues = 5) const;
};

}  // namespace carereach::io

#endif  // CAREREACH_GEO_IO_LOAD_REPORT_H_
