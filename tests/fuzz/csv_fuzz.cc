// libFuzzer target: geo/io/csv.cc (ParseCsv and the table's column lookups).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "geo/io/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<carereach::io::CsvTable> table = carereach::io::ParseCsv(text, "fuzz.csv");
  if (!table.ok()) return 0;
  // Every record starts on a line of the text; lines only go forward.
  int64_t last_line = 0;
  for (const carereach::io::CsvRecord& r : table->records) {
    if (r.line < last_line || r.line < 1) __builtin_trap();
    last_line = r.line;
  }
  for (const std::string& name : table->header) {
    if (table->Column(name) < 0) __builtin_trap();  // a header name always finds a column
  }
  (void)table->FirstColumn({"id", "ID", "lat", ""});
  return 0;
}
