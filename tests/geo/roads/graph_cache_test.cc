#include "geo/roads/graph_cache.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <span>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/data_dir.h"
#include "tests/status_matchers.h"

namespace carereach::roads {
namespace {

using testing::HasSubstr;
using testing_util::StatusIs;

class GraphCacheTest : public testing::Test {
 protected:
  void SetUp() override {
    auto p = SpeedProfile::Parse(DefaultCarProfileCsv(), "car.csv");
    ASSERT_TRUE(p.ok());
    profile_ = *p;
    osm_ = testing_util::DataDir() + "/roads/yuba-county-ca.osm.pbf";
    cache_ = testing::TempDir() + "/cache_test_" + std::to_string(getpid()) + ".graph";
    std::filesystem::remove_all(cache_);
  }
  SpeedProfile profile_ = *SpeedProfile::Parse("key,value\nname,x\nhighway.primary,1\n", "x");
  std::string osm_, cache_;
  std::vector<std::string> log_;
  std::function<void(std::string_view)> Log() {
    return [this](std::string_view l) { log_.emplace_back(l); };
  }
};

TEST_F(GraphCacheTest, SecondLoadComesFromTheCacheAndEqualsTheImport) {
  auto imported = LoadOrImportRoadGraph(osm_, profile_, cache_, Log());
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_THAT(log_.back(), HasSubstr("imported in"));
  auto cached = LoadOrImportRoadGraph(osm_, profile_, cache_, Log());
  ASSERT_TRUE(cached.ok());
  EXPECT_THAT(log_.back(), HasSubstr("loaded from cache"));
  EXPECT_EQ(cached->nodes, imported->nodes);
  EXPECT_EQ(cached->first_out, imported->first_out);
  EXPECT_EQ(cached->node_in_main, imported->node_in_main);
  ASSERT_EQ(cached->out_arcs.size(), imported->out_arcs.size());
  for (size_t i = 0; i < cached->out_arcs.size(); ++i) {
    ASSERT_EQ(cached->out_arcs[i].head, imported->out_arcs[i].head);
    ASSERT_EQ(cached->out_arcs[i].seconds, imported->out_arcs[i].seconds);
  }
  EXPECT_EQ(cached->stats.missing_node_refs, imported->stats.missing_node_refs);
  EXPECT_EQ(cached->profile_name, "car-us-1");
}

// Every file in the cache's directory whose name starts with the cache's name and ".tmp".
std::vector<std::string> TempFilesOf(const std::string& cache) {
  const std::filesystem::path path(cache);
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(path.parent_path())) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(path.filename().string() + ".tmp", 0) == 0) found.push_back(name);
  }
  return found;
}

TEST_F(GraphCacheTest, AFailedWriteLeavesNoTemporaryFile) {
  auto imported = LoadOrImportRoadGraph(osm_, profile_, "", Log());
  ASSERT_TRUE(imported.ok()) << imported.status();
  // The cache path is a directory: the temporary file is written, the rename fails.
  ASSERT_TRUE(std::filesystem::create_directories(cache_));
  EXPECT_THAT(SaveRoadGraph(*imported, 1, 2, cache_),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr(cache_)));
  EXPECT_THAT(TempFilesOf(cache_), testing::IsEmpty());
  // Through the loader too: the graph is imported, the cache is not written, nothing is left.
  ASSERT_TRUE(LoadOrImportRoadGraph(osm_, profile_, cache_, Log()).ok());
  EXPECT_THAT(TempFilesOf(cache_), testing::IsEmpty());
  EXPECT_TRUE(std::filesystem::is_directory(cache_));
  std::filesystem::remove_all(cache_);
}

TEST_F(GraphCacheTest, CorruptCacheIsDetectedAndRebuilt) {
  ASSERT_TRUE(LoadOrImportRoadGraph(osm_, profile_, cache_, Log()).ok());
  {
    std::fstream f(cache_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(std::filesystem::file_size(cache_) / 2));
    f.put('\x5a');
    f.put('\xa5');
  }
  auto source = FingerprintFile(osm_);
  ASSERT_TRUE(source.ok());
  EXPECT_THAT(LoadRoadGraph(cache_, *source, profile_.fingerprint()),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("checksum")));
  ASSERT_TRUE(LoadOrImportRoadGraph(osm_, profile_, cache_, Log()).ok());
  EXPECT_THAT(log_, testing::Contains(HasSubstr("cache not used (DATA_LOSS")));
  EXPECT_TRUE(LoadRoadGraph(cache_, *source, profile_.fingerprint()).ok());  // rewritten
}

TEST_F(GraphCacheTest, TruncatedOrForeignFilesAreNotTrusted) {
  ASSERT_TRUE(LoadOrImportRoadGraph(osm_, profile_, cache_, Log()).ok());
  auto source = FingerprintFile(osm_);
  std::filesystem::resize_file(cache_, std::filesystem::file_size(cache_) - 100);
  EXPECT_THAT(LoadRoadGraph(cache_, *source, profile_.fingerprint()),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("truncated")));
  // A header whose sizes agree with each other but not with the file: 2^36 more nodes (each
  // 8 + 1 + 4 + 4 bytes: coordinate, component flag, two CSR offsets) and a payload to match.
  // It must be refused before any allocation, not attempted.
  ASSERT_TRUE(LoadOrImportRoadGraph(osm_, profile_, cache_, Log()).ok());
  {
    std::fstream f(cache_, std::ios::in | std::ios::out | std::ios::binary);
    char header[56];
    f.read(header, sizeof(header));
    uint64_t payload = 0, nodes = 0;
    std::memcpy(&payload, header + 32, 8);
    std::memcpy(&nodes, header + 48, 8);
    const uint64_t more = uint64_t{1} << 36;
    payload += 17 * more;
    nodes += more;
    std::memcpy(header + 32, &payload, 8);
    std::memcpy(header + 48, &nodes, 8);
    f.seekp(0);
    f.write(header, sizeof(header));
  }
  EXPECT_THAT(LoadRoadGraph(cache_, *source, profile_.fingerprint()),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("header announces")));
  std::ofstream(cache_) << "hello";
  EXPECT_THAT(LoadRoadGraph(cache_, *source, profile_.fingerprint()),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("not a carereach")));
}

TEST_F(GraphCacheTest, HeaderSizesThatWrapAroundAreRefused) {
  // out_arcs and in_arcs announced 2^58 and 3 x 2^58 arcs (16 bytes each) larger: 2^64 bytes
  // more, which wraps around to the very payload size the header states and the file holds.
  // The reader used to accept the sizes and resize() threw (std::terminate): it must refuse
  // the file instead. (Found while writing tests/fuzz/graph_cache_fuzz.cc.)
  ASSERT_TRUE(LoadOrImportRoadGraph(osm_, profile_, cache_, Log()).ok());
  auto source = FingerprintFile(osm_);
  ASSERT_TRUE(source.ok());
  {
    std::fstream f(cache_, std::ios::in | std::ios::out | std::ios::binary);
    char header[72];
    f.read(header, sizeof(header));
    uint64_t out_arcs = 0, in_arcs = 0;
    std::memcpy(&out_arcs, header + 56, 8);
    std::memcpy(&in_arcs, header + 64, 8);
    out_arcs += uint64_t{1} << 58;
    in_arcs += uint64_t{3} << 58;
    std::memcpy(header + 56, &out_arcs, 8);
    std::memcpy(header + 64, &in_arcs, 8);
    f.seekp(0);
    f.write(header, sizeof(header));
  }
  EXPECT_THAT(LoadRoadGraph(cache_, *source, profile_.fingerprint()),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("larger than the file")));
  // A node count of 2^64 - 1 (the CSR offsets' count, nodes + 1, wraps to 0).
  {
    std::fstream f(cache_, std::ios::in | std::ios::out | std::ios::binary);
    const uint64_t nodes = ~uint64_t{0};
    f.seekp(48);
    f.write(reinterpret_cast<const char*>(&nodes), 8);
  }
  EXPECT_THAT(LoadRoadGraph(cache_, *source, profile_.fingerprint()),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("larger than the file")));
}

TEST_F(GraphCacheTest, StaleCacheFromAnotherProfileOrSourceIsRebuilt) {
  ASSERT_TRUE(LoadOrImportRoadGraph(osm_, profile_, cache_, Log()).ok());
  auto source = FingerprintFile(osm_);
  EXPECT_THAT(LoadRoadGraph(cache_, *source, profile_.fingerprint() + 1),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("another")));
  EXPECT_THAT(LoadRoadGraph(cache_, *source + 1, profile_.fingerprint()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("another")));
  auto other = SpeedProfile::Parse(std::string(DefaultCarProfileCsv()) + "highway.track,10,\n",
                                   "car-with-tracks.csv");
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(LoadOrImportRoadGraph(osm_, *other, cache_, Log()).ok());
  EXPECT_THAT(log_, testing::Contains(HasSubstr("FAILED_PRECONDITION")));
}

// Format 3's extra sections at the byte level: each checked on its own, the graph unaffected.
class GraphCacheSectionsTest : public GraphCacheTest {
 protected:
  void SetUp() override {
    GraphCacheTest::SetUp();
    auto g = LoadOrImportRoadGraph(osm_, profile_, "", Log());
    ASSERT_TRUE(g.ok()) << g.status();
    graph_ = *std::move(g);
    auto source = FingerprintFile(osm_);
    ASSERT_TRUE(source.ok());
    source_ = *source;
  }
  absl::Status Save(std::span<const CacheSection> sections) {
    return SaveRoadGraph(graph_, source_, profile_.fingerprint(), cache_, sections);
  }
  absl::StatusOr<LoadedGraphCache> Load() {
    return LoadGraphCache(cache_, source_, profile_.fingerprint());
  }
  // Reads one section of two arrays (uint32, double) back.
  static absl::Status ReadTwo(const CacheSectionView& view, uint64_t params,
                              std::vector<uint32_t>& a, std::vector<double>& b) {
    return view.Read(params, [&](CacheSectionReader& r) {
      absl::Status s = r.Next(a);
      return s.ok() ? r.Next(b) : s;
    });
  }
  void Poke(uint64_t offset, char c) {
    std::fstream f(cache_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(offset));
    f.put(c);
  }
  uint64_t Peek(uint64_t offset) {
    uint64_t v = 0;
    std::ifstream f(cache_, std::ios::binary);
    f.seekg(static_cast<std::streamoff>(offset));
    f.read(reinterpret_cast<char*>(&v), 8);
    return v;
  }

  RoadGraph graph_;
  uint64_t source_ = 0;
  std::vector<uint32_t> ints_ = {1, 2, 3, 4, 5};
  std::vector<double> doubles_ = {0.5, 1.5};
  std::vector<uint32_t> more_ints_ = std::vector<uint32_t>(1000, 7);
  std::vector<double> no_doubles_;
};

TEST_F(GraphCacheSectionsTest, SectionsRoundTripAndACorruptOneFailsAlone) {
  CacheSection a{.tag = CacheTag("AAAA"), .params_fingerprint = 1};
  a.Add(ints_);
  a.Add(doubles_);
  CacheSection b{.tag = CacheTag("BBBB"), .params_fingerprint = 2};
  b.Add(more_ints_);
  b.Add(no_doubles_);
  const CacheSection both[] = {a, b};
  ASSERT_TRUE(Save(both).ok());
  auto loaded = Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_EQ(loaded->sections.size(), 2u);
  EXPECT_EQ(loaded->graph.nodes, graph_.nodes);
  std::vector<uint32_t> x;
  std::vector<double> y;
  ASSERT_TRUE(ReadTwo(*loaded->Find(CacheTag("AAAA")), 1, x, y).ok());
  EXPECT_EQ(x, ints_);
  EXPECT_EQ(y, doubles_);
  ASSERT_TRUE(ReadTwo(*loaded->Find(CacheTag("BBBB")), 2, x, y).ok());
  EXPECT_EQ(x, more_ints_);
  EXPECT_TRUE(y.empty());
  EXPECT_EQ(loaded->Find(CacheTag("CCCC")), nullptr);
  EXPECT_THAT(ReadTwo(*loaded->Find(CacheTag("AAAA")), 9, x, y),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("other parameters")));
  // A byte of BBBB (the file's last section) changed: BBBB fails, AAAA and the graph do not.
  Poke(std::filesystem::file_size(cache_) - 10, '\x7f');
  loaded = Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_TRUE(ReadTwo(*loaded->Find(CacheTag("AAAA")), 1, x, y).ok());
  EXPECT_THAT(ReadTwo(*loaded->Find(CacheTag("BBBB")), 2, x, y),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("section BBBB: checksum mismatch")));
  // Cut short inside BBBB: the same.
  std::filesystem::resize_file(cache_, std::filesystem::file_size(cache_) - 100);
  loaded = Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_TRUE(ReadTwo(*loaded->Find(CacheTag("AAAA")), 1, x, y).ok());
  EXPECT_THAT(ReadTwo(*loaded->Find(CacheTag("BBBB")), 2, x, y),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("truncated")));
  EXPECT_THAT(TempFilesOf(cache_), testing::IsEmpty());
}

TEST_F(GraphCacheSectionsTest, TrailingBytesAndBadTablesAreDataLoss) {
  CacheSection a{.tag = CacheTag("AAAA"), .params_fingerprint = 1};
  a.Add(ints_);
  a.Add(doubles_);
  ASSERT_TRUE(Save({&a, 1}).ok());
  std::ofstream(cache_, std::ios::app | std::ios::binary) << "xy";
  EXPECT_THAT(Load(), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("trailing bytes (2")));
  // Through the loader: DATA_LOSS, so the graph is imported again and the file rewritten.
  ASSERT_TRUE(LoadOrImportRoadGraph(osm_, profile_, cache_, Log()).ok());
  EXPECT_THAT(log_, testing::Contains(HasSubstr("trailing bytes")));
  EXPECT_THAT(log_.back(), HasSubstr("imported in"));
  EXPECT_TRUE(Load().ok());
  // A section table entry whose offset does not follow the graph.
  ASSERT_TRUE(Save({&a, 1}).ok());
  const uint64_t offset_at = 216 + 16;
  const uint64_t offset = Peek(offset_at);
  {
    std::fstream f(cache_, std::ios::in | std::ios::out | std::ios::binary);
    const uint64_t moved = offset + 8;
    f.seekp(offset_at);
    f.write(reinterpret_cast<const char*>(&moved), 8);
  }
  EXPECT_THAT(Load(), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("section table entry 0")));
}

TEST_F(GraphCacheSectionsTest, FormatTwoFileIsFailedPreconditionAndReimported) {
  ASSERT_TRUE(Save({}).ok());
  {
    std::fstream f(cache_, std::ios::in | std::ios::out | std::ios::binary);
    const uint32_t two[2] = {2, 208};  // version 2 and its header size
    f.seekp(8);
    f.write(reinterpret_cast<const char*>(two), 8);
  }
  EXPECT_THAT(Load(), StatusIs(absl::StatusCode::kFailedPrecondition,
                               HasSubstr("cache format 2, this build reads 3")));
  ASSERT_TRUE(LoadOrImportRoadGraph(osm_, profile_, cache_, Log()).ok());
  EXPECT_THAT(log_, testing::Contains(HasSubstr("cache not used (FAILED_PRECONDITION")));
  EXPECT_TRUE(Load().ok());
}

TEST_F(GraphCacheSectionsTest, SectionsBeyondTheFormatsLimitsAreRefusedAndNothingIsLeft) {
  std::vector<CacheSection> five(5);
  for (size_t i = 0; i < five.size(); ++i)
    five[i].tag = CacheTag("AAAA") + static_cast<uint32_t>(i);
  EXPECT_THAT(Save(five), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("at most 4")));
  CacheSection twice{.tag = CacheTag("AAAA")};
  const CacheSection dup[] = {twice, twice};
  EXPECT_THAT(Save(dup), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("AAAA twice")));
  CacheSection wide{.tag = CacheTag("WIDE")};
  for (int i = 0; i < 17; ++i) wide.Add(ints_);
  EXPECT_THAT(Save({&wide, 1}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("17 arrays, at most 16")));
  EXPECT_FALSE(std::filesystem::exists(cache_));
  EXPECT_THAT(TempFilesOf(cache_), testing::IsEmpty());
}

}  // namespace
}  // namespace carereach::roads
