// libFuzzer target: the regions config (server/region_catalog.cc): protobuf text format parsing
// and validation against a data directory (tests/fixtures/server), then, when the config is
// valid and names only files inside that directory, loading it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/region_catalog.h"

namespace {

// Relative and without "..": a fuzzed config must not read files outside the fixture (an
// absolute path or /dev/zero would be a test of the machine, not of the parser).
bool Inside(const std::string& path) {
  return !path.empty() && path[0] != '/' && path.find("..") == std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string data_dir = std::string(CAREREACH_SOURCE_DIR) + "/tests/fixtures/server";
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<carereach::v1::RegionsConfig> config =
      carereach::RegionCatalog::ParseConfig(text, "fuzz.textproto", data_dir);
  if (!config.ok()) return 0;
  bool inside = Inside(config->county_table_file()) && (config->default_population_file().empty() ||
                                                        Inside(config->default_population_file()));
  for (const auto& r : config->region()) {
    inside = inside && (r.population_file().empty() || Inside(r.population_file())) &&
             (r.roads_file().empty() || Inside(r.roads_file()));
  }
  // Standards sets are CMS files (fuzzed by cms_fuzz); only the fixture's own is loaded here.
  for (const auto& s : config->standards_set()) inside = inside && s.dir() == "../cms_small";
  if (!inside) return 0;
  auto catalog = carereach::RegionCatalog::Load(*config, data_dir, [](std::string_view) {});
  if (catalog.ok()) {
    for (const auto& region : (*catalog)->regions()) {
      if (!(*catalog)->Find(region->name).ok()) __builtin_trap();
    }
  }
  return 0;
}
