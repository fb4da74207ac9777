// libFuzzer target: the road-graph cache reader (geo/roads/graph_cache.cc, LoadRoadGraph).
// The fingerprints the reader is asked for are taken from the file itself, and when the first
// input byte is odd the payload checksum is patched to match, so the fuzzer gets past those
// checks to the header arithmetic and the array reads. The offsets are those of the cache
// header (magic 8, version 4, header size 4, source and profile fingerprints 8 each, payload
// bytes 8, payload checksum 8); the reader itself is not told any of this.
#include <xxhash.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "geo/roads/graph_cache.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

constexpr size_t kSourceOffset = 16;
constexpr size_t kProfileOffset = 24;
constexpr size_t kChecksumOffset = 40;

uint64_t U64At(const std::string& s, size_t offset) {
  uint64_t v = 0;
  if (s.size() >= offset + 8) std::memcpy(&v, s.data() + offset, 8);
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string file(reinterpret_cast<const char*>(data) + 1, size - 1);
  // The header is a fixed-size struct (sizeof is 208 with the stats and profile name); the
  // payload follows it.
  constexpr size_t kHeaderBytes = 208;
  if ((data[0] & 1) && file.size() >= kHeaderBytes) {
    const uint64_t checksum = XXH3_64bits(file.data() + kHeaderBytes, file.size() - kHeaderBytes);
    std::memcpy(file.data() + kChecksumOffset, &checksum, 8);
  }
  const std::string path = carereach::fuzz::WriteScratchFile("graph.cache", file);
  absl::StatusOr<carereach::roads::RoadGraph> graph = carereach::roads::LoadRoadGraph(
      path, U64At(file, kSourceOffset), U64At(file, kProfileOffset));
  if (graph.ok()) {
    (void)graph->node_count();
    (void)graph->arc_count();
    (void)graph->MemoryBytes();
  }
  return 0;
}
