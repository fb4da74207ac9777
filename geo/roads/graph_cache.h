#ifndef CAREREACH_GEO_ROADS_GRAPH_CACHE_H_
#define CAREREACH_GEO_ROADS_GRAPH_CACHE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "geo/roads/road_graph.h"
#include "geo/roads/speed_profile.h"

namespace carereach::roads {

// On-disk cache of an imported RoadGraph: a header (magic, format version, fingerprints of the
// source file and of the speed profile, array sizes, payload length and checksum) followed by
// the arrays. Read with one read() per array straight into place; the checksum (XXH3) is
// verified on every load, so a stale or corrupt file is detected and never trusted.
// Functions are thread-compatible (no shared state); don't write one cache file from two
// processes at once (writes go to a temporary name and are renamed into place).

inline constexpr uint32_t kGraphCacheVersion = 2;  // 2: nodes in Hilbert order

// Fingerprint of a source file's bytes (XXH3).
absl::StatusOr<uint64_t> FingerprintFile(const std::string& path);

absl::Status SaveRoadGraph(const RoadGraph& graph, uint64_t source_fingerprint,
                           uint64_t profile_fingerprint, const std::string& path);

// FAILED_PRECONDITION when the file was made from another source or profile or by another
// format version; DATA_LOSS when it is truncated or its checksum does not match; NOT_FOUND when
// there is no file.
absl::StatusOr<RoadGraph> LoadRoadGraph(const std::string& path, uint64_t source_fingerprint,
                                        uint64_t profile_fingerprint);

// The graph of `osm_path` under `profile`: from `cache_path` when it is valid, otherwise
// imported and written there (a failure to write the cache is logged, not fatal). `log`
// receives progress lines with timings. Empty `cache_path` disables the cache.
absl::StatusOr<RoadGraph> LoadOrImportRoadGraph(const std::string& osm_path,
                                                const SpeedProfile& profile,
                                                const std::string& cache_path,
                                                const std::function<void(std::string_view)>& log);

}  // namespace carereach::roads

#endif  // CAREREACH_GEO_ROADS_GRAPH_CACHE_H_
