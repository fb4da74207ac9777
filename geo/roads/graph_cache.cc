#include "geo/roads/graph_cache.h"

#include <unistd.h>
#include <xxhash.h>

#include <cstddef>
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

struct SectionEntry {
  uint32_t tag;
  uint32_t array_count;
  uint64_t params_fingerprint;
  uint64_t offset;  // from the start of the file
  uint64_t bytes;
  uint64_t checksum;
  uint64_t counts[kMaxCacheSectionArrays];
};
static_assert(sizeof(SectionEntry) == 40 + 8 * kMaxCacheSectionArrays);

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
  uint32_t section_count;
  uint32_t reserved;
  SectionEntry sections[kMaxCacheSections];
};
static_assert(std::is_trivially_copyable_v<Header>);
static_assert(sizeof(Header) == 208 + 8 + kMaxCacheSections * sizeof(SectionEntry));

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

struct CacheSectionReader::State {
  File file;
  XXH3_state_t* hash = nullptr;
  std::string where;  // "path: section TAG"
  std::vector<uint64_t> counts;
  size_t next = 0;
  uint64_t remaining = 0;
  uint64_t checksum = 0;
  ~State() {
    if (hash) XXH3_freeState(hash);
  }
};

CacheSectionReader::CacheSectionReader(std::unique_ptr<State> state) : state_(std::move(state)) {}
CacheSectionReader::~CacheSectionReader() = default;

absl::Status CacheSectionReader::ReadNext(size_t element_bytes,
                                          const std::function<void*(uint64_t)>& allocate) {
  State& s = *state_;
  if (s.next >= s.counts.size()) {
    return absl::DataLossError(
        absl::StrFormat("%s: holds %d arrays, more were asked for", s.where, s.counts.size()));
  }
  const uint64_t count = s.counts[s.next];
  // Checked before allocating: a corrupt count cannot ask for an absurd allocation.
  if (count > s.remaining / element_bytes) {
    return absl::DataLossError(absl::StrFormat(
        "%s: array %d announces %d elements of %d bytes, more than the section's %d bytes left",
        s.where, s.next, count, element_bytes, s.remaining));
  }
  const uint64_t bytes = count * element_bytes;
  void* data = allocate(count);
  if (bytes > 0) {
    if (std::fread(data, 1, bytes, s.file.get()) != bytes) {
      return absl::DataLossError(absl::StrFormat("%s: truncated", s.where));
    }
    XXH3_64bits_update(s.hash, data, bytes);
  }
  s.remaining -= bytes;
  ++s.next;
  return absl::OkStatus();
}

absl::Status CacheSectionReader::Finish() {
  State& s = *state_;
  if (s.next != s.counts.size() || s.remaining != 0) {
    return absl::DataLossError(
        absl::StrFormat("%s: %d of %d arrays read, %d bytes left: not the arrays expected", s.where,
                        s.next, s.counts.size(), s.remaining));
  }
  if (XXH3_64bits_digest(s.hash) != s.checksum) {
    return absl::DataLossError(absl::StrFormat("%s: checksum mismatch", s.where));
  }
  return absl::OkStatus();
}

std::string CacheTagName(uint32_t tag) {
  std::string name;
  for (int i = 0; i < 4; ++i) {
    const char c = static_cast<char>((tag >> (8 * i)) & 0xff);
    name += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return name;
}

absl::Status CacheSectionView::Read(
    uint64_t params_fingerprint,
    const std::function<absl::Status(CacheSectionReader&)>& read) const {
  const std::string where = absl::StrFormat("%s: section %s", path_, CacheTagName(tag_));
  if (params_fingerprint != params_fingerprint_) {
    return absl::FailedPreconditionError(absl::StrFormat("%s: made with other parameters", where));
  }
  auto state = std::make_unique<CacheSectionReader::State>();
  state->where = where;
  state->file.reset(std::fopen(path_.c_str(), "rb"));
  if (!state->file) return absl::NotFoundError(absl::StrFormat("%s: cannot open", where));
  std::error_code ec;
  const uintmax_t file_bytes = std::filesystem::file_size(path_, ec);
  if (ec || offset_ > file_bytes || bytes_ > file_bytes - offset_) {
    return absl::DataLossError(
        absl::StrFormat("%s: truncated (the section ends past the file's end)", where));
  }
  if (fseeko(state->file.get(), static_cast<off_t>(offset_), SEEK_SET) != 0) {
    return absl::DataLossError(absl::StrFormat("%s: cannot seek", where));
  }
  state->hash = XXH3_createState();
  XXH3_64bits_reset(state->hash);
  state->counts = counts_;
  state->remaining = bytes_;
  state->checksum = checksum_;
  CacheSectionReader reader(std::move(state));
  if (absl::Status s = read(reader); !s.ok()) return s;
  return reader.Finish();
}

const CacheSectionView* LoadedGraphCache::Find(uint32_t tag) const {
  for (const CacheSectionView& s : sections) {
    if (s.tag() == tag) return &s;
  }
  return nullptr;
}

struct CacheFileAccess {
  static CacheSectionView View(const std::string& path, const SectionEntry& e) {
    CacheSectionView v;
    v.path_ = path;
    v.tag_ = e.tag;
    v.params_fingerprint_ = e.params_fingerprint;
    v.offset_ = e.offset;
    v.bytes_ = e.bytes;
    v.checksum_ = e.checksum;
    v.counts_.assign(e.counts, e.counts + e.array_count);
    return v;
  }
};

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
                           uint64_t profile_fingerprint, const std::string& path,
                           std::span<const CacheSection> sections) {
  RoadGraph& g = const_cast<RoadGraph&>(graph);  // ForEachArray only reads here
  if (sections.size() > kMaxCacheSections) {
    return absl::InvalidArgumentError(absl::StrFormat("%s: %d cache sections, at most %d", path,
                                                      sections.size(), kMaxCacheSections));
  }
  Header h{};
  std::memset(static_cast<void*>(&h), 0, sizeof(h));  // no uninitialized padding in the file
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
  h.section_count = static_cast<uint32_t>(sections.size());
  uint64_t offset = sizeof(Header) + h.payload_bytes;
  for (size_t k = 0; k < sections.size(); ++k) {
    const CacheSection& section = sections[k];
    SectionEntry& e = h.sections[k];
    if (section.arrays.size() > kMaxCacheSectionArrays) {
      XXH3_freeState(state);
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: section %s has %d arrays, at most %d", path, CacheTagName(section.tag),
          section.arrays.size(), kMaxCacheSectionArrays));
    }
    for (size_t j = 0; j < k; ++j) {
      if (sections[j].tag == section.tag) {
        XXH3_freeState(state);
        return absl::InvalidArgumentError(
            absl::StrFormat("%s: section %s twice", path, CacheTagName(section.tag)));
      }
    }
    e.tag = section.tag;
    e.array_count = static_cast<uint32_t>(section.arrays.size());
    e.params_fingerprint = section.params_fingerprint;
    e.offset = offset;
    XXH3_64bits_reset(state);
    for (size_t a = 0; a < section.arrays.size(); ++a) {
      const CacheSection::Array& array = section.arrays[a];
      e.counts[a] = array.count;
      const uint64_t bytes = array.count * array.element_bytes;
      if (bytes > 0) XXH3_64bits_update(state, array.data, bytes);
      e.bytes += bytes;
    }
    e.checksum = XXH3_64bits_digest(state);
    offset += e.bytes;
  }
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
    for (const CacheSection& section : sections) {
      for (const CacheSection::Array& array : section.arrays) {
        if (ok && array.count > 0) {
          ok = std::fwrite(array.data, array.element_bytes, array.count, f.get()) == array.count;
        }
      }
    }
    ok = ok && std::fflush(f.get()) == 0;
    ok = std::fclose(f.release()) == 0 && ok;
    if (!ok) return absl::UnavailableError(absl::StrFormat("%s: write failed", tmp));
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) return absl::UnavailableError(absl::StrFormat("%s: %s", path, ec.message()));
  cleanup.renamed = true;
  return absl::OkStatus();
}

absl::StatusOr<LoadedGraphCache> LoadGraphCache(const std::string& path,
                                                uint64_t source_fingerprint,
                                                uint64_t profile_fingerprint) {
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) return absl::NotFoundError(absl::StrFormat("%s: no cache file", path));
  Header h{};
  std::memset(static_cast<void*>(&h), 0, sizeof(h));
  // magic, version, header_bytes: common to every format version.
  constexpr size_t kPrefix = offsetof(Header, source_fingerprint);
  if (std::fread(&h, kPrefix, 1, f.get()) != 1 ||
      std::memcmp(h.magic, kMagic, sizeof(kMagic)) != 0) {
    return absl::DataLossError(absl::StrFormat("%s: not a carereach road graph cache", path));
  }
  if (h.version != kGraphCacheVersion) {
    // Only the first fields are common to every version; this one is not ours to read.
    return absl::FailedPreconditionError(absl::StrFormat("%s: cache format %d, this build reads %d",
                                                         path, h.version, kGraphCacheVersion));
  }
  if (h.header_bytes != sizeof(Header) || std::fread(reinterpret_cast<char*>(&h) + kPrefix,
                                                     sizeof(Header) - kPrefix, 1, f.get()) != 1) {
    return absl::DataLossError(absl::StrFormat("%s: not a carereach road graph cache", path));
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
  if (checksum != h.payload_checksum) {
    return absl::DataLossError(absl::StrFormat("%s: checksum mismatch", path));
  }
  // The extra sections follow the graph back to back, in table order, to the end of the file. A
  // section cut short by a truncated file is left to its own reader to refuse.
  if (h.section_count > kMaxCacheSections) {
    return absl::DataLossError(
        absl::StrFormat("%s: %d sections in the table", path, h.section_count));
  }
  LoadedGraphCache loaded;
  uint64_t end = sizeof(Header) + h.payload_bytes;
  for (uint32_t k = 0; k < h.section_count; ++k) {
    const SectionEntry& e = h.sections[k];
    if (e.offset != end || e.array_count > kMaxCacheSectionArrays || e.bytes > UINT64_MAX - end) {
      return absl::DataLossError(
          absl::StrFormat("%s: section table entry %d is inconsistent", path, k));
    }
    end += e.bytes;
    loaded.sections.push_back(CacheFileAccess::View(path, e));
  }
  if (file_bytes > end) {
    return absl::DataLossError(
        absl::StrFormat("%s: trailing bytes (%d past the last section)", path, file_bytes - end));
  }
  loaded.graph = std::move(g);
  return loaded;
}

absl::StatusOr<RoadGraph> LoadRoadGraph(const std::string& path, uint64_t source_fingerprint,
                                        uint64_t profile_fingerprint) {
  ASSIGN_OR_RETURN(LoadedGraphCache loaded,
                   LoadGraphCache(path, source_fingerprint, profile_fingerprint));
  return std::move(loaded.graph);
}

absl::StatusOr<GraphAndSections> LoadOrImportGraphCache(
    const std::string& osm_path, const SpeedProfile& profile, const std::string& cache_path,
    const std::function<void(std::string_view)>& log, bool save_import) {
  absl::Time start = absl::Now();
  GraphAndSections out;
  ASSIGN_OR_RETURN(uint64_t source, FingerprintFile(osm_path));
  out.source_fingerprint = source;
  if (!cache_path.empty()) {
    absl::StatusOr<LoadedGraphCache> cached =
        LoadGraphCache(cache_path, source, profile.fingerprint());
    if (cached.ok()) {
      log(absl::StrFormat("%s: road graph loaded from cache %s in %.3f s", osm_path, cache_path,
                          absl::ToDoubleSeconds(absl::Now() - start)));
      out.cache = *std::move(cached);
      out.from_cache = true;
      return out;
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
  if (!cache_path.empty() && save_import) {
    if (absl::Status saved = SaveRoadGraph(graph, source, profile.fingerprint(), cache_path);
        !saved.ok()) {
      log(absl::StrFormat("warning: road graph cache not written: %s", saved.ToString()));
    }
  }
  out.cache.graph = std::move(graph);
  return out;
}

absl::StatusOr<RoadGraph> LoadOrImportRoadGraph(const std::string& osm_path,
                                                const SpeedProfile& profile,
                                                const std::string& cache_path,
                                                const std::function<void(std::string_view)>& log) {
  ASSIGN_OR_RETURN(GraphAndSections loaded,
                   LoadOrImportGraphCache(osm_path, profile, cache_path, log));
  return std::move(loaded.cache.graph);
}

}  // namespace carereach::roads
