// libFuzzer target: the OSM import (geo/roads/osm_import.cc, libosmium, the road-graph builder
// and the speed profile's maxspeed/duration parsing). The first byte picks the format libosmium
// reads (by the file name's suffix): even = OSM XML, odd = PBF; the rest is the file.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "geo/roads/osm_import.h"
#include "geo/roads/speed_profile.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const carereach::roads::SpeedProfile* profile = [] {
    auto p =
        carereach::roads::SpeedProfile::Parse(carereach::roads::DefaultCarProfileCsv(), "car.csv");
    if (!p.ok()) __builtin_trap();
    return new carereach::roads::SpeedProfile(*std::move(p));
  }();
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string path =
      carereach::fuzz::WriteScratchFile((data[0] & 1) ? "roads.osm.pbf" : "roads.osm", text);
  absl::StatusOr<carereach::roads::RoadGraph> graph = carereach::roads::ImportOsm(path, *profile);
  if (graph.ok()) {
    const carereach::roads::RoadGraph& g = *graph;
    // The arrays agree with each other: every arc and segment points inside the graph.
    if (g.first_out.size() != g.nodes.size() + 1) __builtin_trap();
    for (uint32_t n = 0; n < g.node_count(); ++n) {
      for (const auto& arc : g.OutArcs(n)) {
        if (arc.head >= g.node_count()) __builtin_trap();
      }
    }
    (void)g.main_component_nodes();
  }
  return 0;
}
