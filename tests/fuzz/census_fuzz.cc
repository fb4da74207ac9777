// libFuzzer target: the Census loaders (geo/io/census.cc, row_parsing.cc). The first byte picks
// the tract-centre or the county loader; the rest is the file.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "geo/io/census.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  carereach::io::LoadReport report;
  if (data[0] & 1) {
    const std::string path = carereach::fuzz::WriteScratchFile("counties.csv", text);
    auto counties = carereach::io::LoadCountyTable(path, &report);
    if (counties.ok() && report.loaded != static_cast<int64_t>(counties->size())) __builtin_trap();
  } else {
    const std::string path = carereach::fuzz::WriteScratchFile("tracts.txt", text);
    auto units = carereach::io::LoadTractCentres(path, &report);
    if (units.ok()) {
      // Never a silently dropped row: every record is loaded or listed as skipped.
      if (report.loaded != static_cast<int64_t>(units->size())) __builtin_trap();
      for (const auto& u : *units) {
        if (u.id.size() != 11 || u.population < 0) __builtin_trap();
      }
    }
  }
  if (report.loaded + static_cast<int64_t>(report.skipped.size()) != report.rows &&
      report.rows != 0) {
    __builtin_trap();
  }
  (void)report.Summary();
  return 0;
}
