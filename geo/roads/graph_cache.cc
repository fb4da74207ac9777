#include "geo/roads/graph_cache.h"

#include <unistd.h>
#include <xxhash.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <type_traits>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "geo/core/status_macros.h"
#include "geo/roads/osm_import.h"

namespace carereach::roads {
namespace {

constexpr char kMagic[8] = {'C', 'R', 'R', 'G', 'R', 'A', 'P', 'H'};

struct Header {
  char magic[8];
  uint32_t version;
  uint32_t header_bytes;
  uint64_t source_fingerprint;
  uint64_t profile_fingerprint;
  uint64_t payload_bytes;
  uint64_t payload_checksum;
  uint64_t nodes, out_arcs, in_arcs, segments, shape;
  ImportStats stats;
  char profile_name[64];
};
static_assert(std::is_trivially_copyable_v<Header>);

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// Every array of the graph in file order, with the element count the header announces.
template <typename Fn>
void ForEachArray(RoadGraph& g, Fn&& fn) {
  fn(g.nodes);
  fn(g.node_in_main);
  fn(g.first_out);
  fn(g.out_arcs);
  fn(g.first_in);
  fn(g.in_arcs);
  fn(g.segments);
  fn(g.shape);
  fn(g.shape_meters);
}

}  // namespace

absl::StatusOr<uint64_t> FingerprintFile(const std::string& path) {
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) return absl::NotFoundError(absl::StrFormat("%s: cannot open", path));
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  std::vector<char> buffer(1 << 20);
  size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), f.get())) > 0) {
    XXH3_64bits_update(state, buffer.data(), n);
  }
  const uint64_t h = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return h;
}

absl::Status SaveRoadGraph(const RoadGraph& graph, uint64_t source_fingerprint,
                           uint64_t profile_fingerprint, const std::string& path) {
  RoadGraph& g = const_cast<RoadGraph&>(graph);  // ForEachArray only reads here
  Header h{};
  std::memcpy(h.magic, kMagic, sizeof(kMagic));
  h.version = kGraphCacheVersion;
  h.header_bytes = sizeof(Header);
  h.source_fingerprint = source_fingerprint;
  h.profile_fingerprint = profile_fingerprint;
  h.nodes = g.nodes.size();
  h.out_arcs = g.out_arcs.size();
  h.in_arcs = g.in_arcs.size();
  h.segments = g.segments.size();
  h.shape = g.shape.size();
  h.stats = g.stats;
  std::snprintf(h.profile_name, sizeof(h.profile_name), "%s", g.profile_name.c_str());
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  ForEachArray(g, [&](auto& v) {
    const size_t bytes = v.size() * sizeof(v[0]);
    h.payload_bytes += bytes;
    XXH3_64bits_update(state, v.data(), bytes);
  });
  h.payload_checksum = XXH3_64bits_digest(state);
  XXH3_freeState(state);

  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  // A name of its own, so concurrent writers (several servers, parallel tests) never interleave.
  const std::string tmp = absl::StrFormat("%s.tmp.%d.%d", path, getpid(),
                                          static_cast<int64_t>(absl::ToUnixNanos(absl::Now())));
  // Every failure below removes the temporary file: none is ever left behind (a cache path that
  // is a directory, a full disk, a failed close).
  struct RemoveUnlessRenamed {
    const std::string& tmp;
    bool renamed = false;
    ~RemoveUnlessRenamed() {
      std::error_code ignored;
      if (!renamed) std::filesystem::remove(tmp, ignored);
    }
  } cleanup{tmp};
  {
    File f(std::fopen(tmp.c_str(), "wb"));
    if (!f) return absl::UnavailableError(absl::StrFormat("%s: cannot write", tmp));
    bool ok = std::fwrite(&h, sizeof(h), 1, f.get()) == 1;
    ForEachArray(g, [&](auto& v) {
      if (ok && !v.empty()) ok = std::fwrite(v.data(), sizeof(v[0]), v.size(), f.get()) == v.size();
    });
    ok = ok && std::fflush(f.get()) == 0;
    ok = std::fclose(f.release()) == 0 && ok;
    if (!ok) return absl::UnavailableError(absl::StrFormat("%s: write failed", tmp));
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) return absl::UnavailableError(absl::StrFormat("%s: %s", path, ec.message()));
  cleanup.renamed = true;
  return absl::OkStatus();
}

absl::StatusOr<RoadGraph> LoadRoadGraph(const std::string& path, uint64_t source_fingerprint,
                                        uint64_t profile_fingerprint) {
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) return absl::NotFoundError(absl::StrFormat("%s: no cache file", path));
  Header h{};
  if (std::fread(&h, sizeof(h), 1, f.get()) != 1 ||
      std::memcmp(h.magic, kMagic, sizeof(kMagic)) != 0 || h.header_bytes != sizeof(Header)) {
    return absl::DataLossError(absl::StrFormat("%s: not a carereach road graph cache", path));
  }
  if (h.version != kGraphCacheVersion) {
    return absl::FailedPreconditionError(absl::StrFormat("%s: cache format %d, this build reads %d",
                                                         path, h.version, kGraphCacheVersion));
  }
  if (h.source_fingerprint != source_fingerprint || h.profile_fingerprint != profile_fingerprint) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s: made from another road file or speed profile", path));
  }
  RoadGraph g;
  g.profile_name = std::string(h.profile_name, strnlen(h.profile_name, sizeof(h.profile_name)));
  g.stats = h.stats;
  const uint64_t counts[] = {h.nodes,   h.nodes,    h.nodes + 1, h.out_arcs, h.nodes + 1,
                             h.in_arcs, h.segments, h.shape,     h.shape};
  // Check the announced sizes against the file before allocating anything, so a corrupt header
  // cannot ask for an absurd allocation. Each array alone must fit in the file first: otherwise
  // the sum below can wrap around 2^64 to the announced payload size (out_arcs and in_arcs
  // 2^58 and 3 x 2^58 larger add exactly 2^64 bytes) and resize() would throw.
  std::error_code ec;
  const uintmax_t file_bytes = std::filesystem::file_size(path, ec);
  bool arrays_fit = !ec;
  uint64_t expected_bytes = 0;
  int i = 0;
  ForEachArray(g, [&](auto& v) {
    if (counts[i] > file_bytes / sizeof(v[0])) arrays_fit = false;
    expected_bytes += counts[i++] * sizeof(v[0]);
  });
  if (!arrays_fit) {
    return absl::DataLossError(
        absl::StrFormat("%s: truncated (header announces an array larger than the file's %d bytes)",
                        path, ec ? 0 : file_bytes));
  }
  if (expected_bytes != h.payload_bytes) {
    return absl::DataLossError(absl::StrFormat("%s: header sizes do not add up", path));
  }
  if (file_bytes < sizeof(Header) || file_bytes - sizeof(Header) < h.payload_bytes) {
    return absl::DataLossError(
        absl::StrFormat("%s: truncated (header announces %d bytes, the file holds %d)", path,
                        h.payload_bytes + sizeof(Header), ec ? 0 : file_bytes));
  }
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  bool ok = true;
  i = 0;
  ForEachArray(g, [&](auto& v) {
    v.resize(counts[i++]);
    if (!ok || v.empty()) return;
    ok = std::fread(v.data(), sizeof(v[0]), v.size(), f.get()) == v.size();
    if (ok) XXH3_64bits_update(state, v.data(), v.size() * sizeof(v[0]));
  });
  const uint64_t checksum = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  if (!ok) return absl::DataLossError(absl::StrFormat("%s: truncated", path));
  if (std::fgetc(f.get()) != EOF) {
    return absl::DataLossError(absl::StrFormat("%s: trailing bytes", path));
  }
  if (checksum != h.payload_checksum) {
    return absl::DataLossError(absl::StrFormat("%s: checksum mismatch", path));
  }
  return g;
}

absl::StatusOr<RoadGraph> LoadOrImportRoadGraph(const std::string& osm_path,
                                                const SpeedProfile& profile,
                                                const std::string& cache_path,
                                                const std::function<void(std::string_view)>& log) {
  absl::Time start = absl::Now();
  ASSIGN_OR_RETURN(uint64_t source, FingerprintFile(osm_path));
  if (!cache_path.empty()) {
    absl::StatusOr<RoadGraph> cached = LoadRoadGraph(cache_path, source, profile.fingerprint());
    if (cached.ok()) {
      log(absl::StrFormat("%s: road graph loaded from cache %s in %.3f s", osm_path, cache_path,
                          absl::ToDoubleSeconds(absl::Now() - start)));
      return cached;
    }
    log(absl::StrFormat("%s: cache not used (%s); importing", osm_path,
                        cached.status().ToString()));
  }
  start = absl::Now();
  ASSIGN_OR_RETURN(RoadGraph graph, ImportOsm(osm_path, profile));
  const ImportStats& s = graph.stats;
  log(absl::StrFormat(
      "%s: imported in %.2f s: %d ways read, %d routable, %d closed to cars, %d missing node "
      "references (%d ways cut there, %d too short); %d nodes, %d directed edges, %d segments, "
      "%d nodes in the largest strongly connected component; %.1f MB",
      osm_path, absl::ToDoubleSeconds(absl::Now() - start), s.ways_read, s.ways_routable,
      s.ways_excluded_access, s.missing_node_refs, s.ways_split_at_missing, s.ways_too_short,
      graph.node_count(), graph.arc_count(), graph.segments.size(), graph.main_component_nodes(),
      graph.MemoryBytes() / 1e6));
  if (!cache_path.empty()) {
    if (absl::Status saved = SaveRoadGraph(graph, source, profile.fingerprint(), cache_path);
        !saved.ok()) {
      log(absl::StrFormat("warning: road graph cache not written: %s", saved.ToString()));
    }
  }
  return graph;
}

}  // namespace carereach::roads
