// libFuzzer target: the road-graph cache reader (geo/roads/graph_cache.cc, LoadGraphCache and
// the sections' readers) and the checks of arrays read from a file: the snap index's
// (geo/routing/snap_index.cc, SnapIndex::Load, then queries) and the hierarchy's
// (Hierarchy::Validate).
// The fingerprints the reader is asked for are taken from the file itself; when the first input
// byte has bit 0 set, the graph payload checksum is patched to match, and with bit 1 every
// section's checksum too, so the fuzzer gets past those checks to the header arithmetic, the
// array reads and the index validation. The offsets are those of the format-3 header (magic 8,
// version 4, header size 4, source and profile fingerprints 8 each, payload bytes 8, payload
// checksum 8; the section table at 216, entries of 168 bytes: tag 4, array count 4, params
// fingerprint 8, offset 8, bytes 8, checksum 8, counts); the reader itself is not told any of
// this.
#include <xxhash.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "geo/roads/graph_cache.h"
#include "geo/routing/hierarchy.h"
#include "geo/routing/network_cache.h"
#include "geo/routing/snap_index.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

constexpr size_t kSourceOffset = 16;
constexpr size_t kProfileOffset = 24;
constexpr size_t kPayloadBytesOffset = 32;
constexpr size_t kChecksumOffset = 40;
constexpr size_t kSectionTableOffset = 216;
constexpr size_t kSectionEntryBytes = 168;
// sizeof the header: the format-2 fields (208), the section count and padding (8), 4 entries.
constexpr size_t kHeaderBytes = kSectionTableOffset + 4 * kSectionEntryBytes;

uint64_t U64At(const std::string& s, size_t offset) {
  uint64_t v = 0;
  if (s.size() >= offset + 8) std::memcpy(&v, s.data() + offset, 8);
  return v;
}

// XXH3 of file[offset, offset + bytes), clamped to the file.
uint64_t HashRange(const std::string& file, uint64_t offset, uint64_t bytes) {
  if (offset > file.size()) return 0;
  bytes = std::min<uint64_t>(bytes, file.size() - offset);
  return XXH3_64bits(file.data() + offset, bytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using carereach::routing::SnapIndex;
  if (size == 0) return 0;
  std::string file(reinterpret_cast<const char*>(data) + 1, size - 1);
  if ((data[0] & 1) && file.size() >= kHeaderBytes) {
    const uint64_t checksum = HashRange(file, kHeaderBytes, U64At(file, kPayloadBytesOffset));
    std::memcpy(file.data() + kChecksumOffset, &checksum, 8);
  }
  if ((data[0] & 2) && file.size() >= kHeaderBytes) {
    for (size_t k = 0; k < 4; ++k) {
      const size_t entry = kSectionTableOffset + k * kSectionEntryBytes;
      const uint64_t checksum = HashRange(file, U64At(file, entry + 16), U64At(file, entry + 24));
      std::memcpy(file.data() + entry + 32, &checksum, 8);
    }
  }
  const std::string path = carereach::fuzz::WriteScratchFile("graph.cache", file);
  absl::StatusOr<carereach::roads::LoadedGraphCache> loaded = carereach::roads::LoadGraphCache(
      path, U64At(file, kSourceOffset), U64At(file, kProfileOffset));
  if (!loaded.ok()) return 0;
  (void)loaded->graph.node_count();
  (void)loaded->graph.arc_count();
  (void)loaded->graph.MemoryBytes();
  const auto read_all = [](auto& arrays) {
    return [&arrays](carereach::roads::CacheSectionReader& r) {
      absl::Status s;
      arrays.ForEachArray([&](auto& v) {
        if (s.ok()) s = r.Next(v);
      });
      return s;
    };
  };
  for (const carereach::roads::CacheSectionView& section : loaded->sections) {
    if (section.tag() == carereach::routing::kHierarchySection) {
      carereach::routing::Hierarchy h;
      if (section.Read(section.params_fingerprint(), read_all(h)).ok()) {
        (void)h.Validate(loaded->graph.node_count());
      }
      continue;
    }
    if (section.tag() != carereach::routing::kSnapIndexSection) {
      (void)section.Read(section.params_fingerprint(),
                         [](carereach::roads::CacheSectionReader&) { return absl::OkStatus(); });
      continue;
    }
    SnapIndex::Arrays arrays;
    if (!section.Read(section.params_fingerprint(), read_all(arrays)).ok()) continue;
    auto index = SnapIndex::Load(loaded->graph, std::move(arrays));
    if (!index.ok()) continue;
    // Whatever the arrays hold once accepted, queries must stay in bounds.
    for (const carereach::geo::LonLat p :
         {carereach::geo::LonLat{-157.85, 21.30}, carereach::geo::LonLat{0, 0}}) {
      (void)(*index)->Nearest(p, 1e6);
    }
  }
  return 0;
}
