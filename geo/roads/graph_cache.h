#ifndef CAREREACH_GEO_ROADS_GRAPH_CACHE_H_
#define CAREREACH_GEO_ROADS_GRAPH_CACHE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "absl/status/statusor.h"
#include "geo/roads/road_graph.h"
#include "geo/roads/speed_profile.h"

namespace carereach::roads {

// On-disk cache of an imported RoadGraph: a header (magic, format version, fingerprints of the
// source file and of the speed profile, array sizes, payload length and checksum, and a table of
// extra sections) followed by the graph's arrays, then by the extra sections' arrays. Read with
// one read() per array straight into place; every checksum (XXH3) is verified on every load, so
// a stale or corrupt file is detected and never trusted.
//
// Extra sections hold structures derived from the graph (the snap index, the contraction
// hierarchy) as opaque arrays: this layer knows their tag, the fingerprint of the parameters
// they were built with, their arrays' element counts and their checksum, nothing else. Each is
// checked on its own, so a bad or stale section is rebuilt alone, while a bad graph means the
// whole file is re-imported.
// Functions are thread-compatible (no shared state); don't write one cache file from two
// processes at once (writes go to a temporary name and are renamed into place).

inline constexpr uint32_t kGraphCacheVersion = 3;  // 3: extra sections (snap index, hierarchy)
inline constexpr size_t kMaxCacheSections = 4;
inline constexpr size_t kMaxCacheSectionArrays = 16;

// A section tag from four characters, e.g. CacheTag("SNAP").
constexpr uint32_t CacheTag(const char (&name)[5]) {
  return static_cast<uint32_t>(static_cast<unsigned char>(name[0])) |
         static_cast<uint32_t>(static_cast<unsigned char>(name[1])) << 8 |
         static_cast<uint32_t>(static_cast<unsigned char>(name[2])) << 16 |
         static_cast<uint32_t>(static_cast<unsigned char>(name[3])) << 24;
}
std::string CacheTagName(uint32_t tag);

// An extra section to write: its arrays in order, as bytes (they must outlive the save).
struct CacheSection {
  struct Array {
    const void* data;
    uint64_t count;
    uint32_t element_bytes;
  };
  uint32_t tag = 0;
  uint64_t params_fingerprint = 0;
  std::vector<Array> arrays;

  template <typename T, typename A>
  void Add(const std::vector<T, A>& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    arrays.push_back({v.data(), v.size(), static_cast<uint32_t>(sizeof(T))});
  }
};

// Reads one section's arrays, in the order they were written.
class CacheSectionReader {
 public:
  ~CacheSectionReader();
  // Resizes `v` to the next array's element count and reads it. DATA_LOSS when the file holds
  // no further array or the announced size does not fit in the section (checked before
  // allocating).
  template <typename T, typename A>
  absl::Status Next(std::vector<T, A>& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    return ReadNext(sizeof(T), [&v](uint64_t count) -> void* {
      v.resize(count);
      return v.data();
    });
  }

 private:
  friend class CacheSectionView;
  friend struct CacheFileAccess;
  struct State;
  explicit CacheSectionReader(std::unique_ptr<State> state);
  absl::Status ReadNext(size_t element_bytes, const std::function<void*(uint64_t)>& allocate);
  absl::Status Finish();
  std::unique_ptr<State> state_;
};

// An extra section of a loaded cache file, not read yet.
class CacheSectionView {
 public:
  uint32_t tag() const { return tag_; }
  uint64_t params_fingerprint() const { return params_fingerprint_; }
  uint64_t bytes() const { return bytes_; }

  // Opens the file and runs `read`, which reads every array with reader.Next() in order; then
  // checks that all were read and the checksum matches. FAILED_PRECONDITION when the section was
  // made with other parameters than `params_fingerprint`; DATA_LOSS when it is truncated,
  // corrupt or holds other arrays; or the error of `read`. Arrays `read` received must not be
  // trusted unless this returns OK.
  absl::Status Read(uint64_t params_fingerprint,
                    const std::function<absl::Status(CacheSectionReader&)>& read) const;

 private:
  friend struct CacheFileAccess;  // graph_cache.cc
  std::string path_;
  uint32_t tag_ = 0;
  uint64_t params_fingerprint_ = 0;
  uint64_t offset_ = 0, bytes_ = 0, checksum_ = 0;
  std::vector<uint64_t> counts_;
};

struct LoadedGraphCache {
  RoadGraph graph;
  std::vector<CacheSectionView> sections;
  // The section with `tag`, or nullptr.
  const CacheSectionView* Find(uint32_t tag) const;
};

// Fingerprint of a source file's bytes (XXH3).
absl::StatusOr<uint64_t> FingerprintFile(const std::string& path);

// Writes the graph and the extra `sections` (at most kMaxCacheSections, each of at most
// kMaxCacheSectionArrays arrays, distinct tags).
absl::Status SaveRoadGraph(const RoadGraph& graph, uint64_t source_fingerprint,
                           uint64_t profile_fingerprint, const std::string& path,
                           std::span<const CacheSection> sections = {});

// The graph and the list of extra sections (read each with CacheSectionView::Read).
// FAILED_PRECONDITION when the file was made from another source or profile or by another
// format version; DATA_LOSS when the header or the graph is truncated or corrupt, or the file
// has bytes past its last section; NOT_FOUND when there is no file. A truncated or corrupt
// extra section is not an error here: reading that section fails.
absl::StatusOr<LoadedGraphCache> LoadGraphCache(const std::string& path,
                                                uint64_t source_fingerprint,
                                                uint64_t profile_fingerprint);
// The graph alone.
absl::StatusOr<RoadGraph> LoadRoadGraph(const std::string& path, uint64_t source_fingerprint,
                                        uint64_t profile_fingerprint);

// The graph of `osm_path` under `profile`: from `cache_path` when it is valid, otherwise
// imported and written there (a failure to write the cache is logged, not fatal). `log`
// receives progress lines with timings. Empty `cache_path` disables the cache.
// The same with the cache's extra sections; `from_cache` tells whether the graph came from
// the file. An imported graph has no sections; it is written to the cache (the graph alone)
// only when `save_import`, so that a caller adding sections writes the file once.
struct GraphAndSections {
  LoadedGraphCache cache;
  bool from_cache = false;
  uint64_t source_fingerprint = 0;
};
absl::StatusOr<GraphAndSections> LoadOrImportGraphCache(
    const std::string& osm_path, const SpeedProfile& profile, const std::string& cache_path,
    const std::function<void(std::string_view)>& log, bool save_import = true);
absl::StatusOr<RoadGraph> LoadOrImportRoadGraph(const std::string& osm_path,
                                                const SpeedProfile& profile,
                                                const std::string& cache_path,
                                                const std::function<void(std::string_view)>& log);

}  // namespace carereach::roads

#endif  // CAREREACH_GEO_ROADS_GRAPH_CACHE_H_
