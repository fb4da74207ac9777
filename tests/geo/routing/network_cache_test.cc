// LoadOrBuildRoadNetwork: the graph cache's sections for the structures built over the graph
// (snap index; hierarchy), each checked and rebuilt on its own.
#include "geo/routing/network_cache.h"

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "geo/routing/hierarchy.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/data_dir.h"
#include "tests/status_matchers.h"

namespace carereach::routing {
namespace {

using testing::Contains;
using testing::HasSubstr;
using testing::Not;
using testing_util::StatusIs;

// Offsets in the format-3 header (graph_cache.cc): version at 8; the section table after the
// 208 bytes of the format-2 fields and 8 bytes of count; each entry of 168 bytes is tag 4, array
// count 4, params fingerprint 8, offset 8, bytes 8, checksum 8, counts 8 x 16. The network
// writes the hierarchy (entry 0), then the snap index (entry 1, the file's last bytes).
constexpr std::streamoff kVersionOffset = 8;
constexpr std::streamoff Entry(int k) { return 216 + 168 * k; }
constexpr std::streamoff kHierarchyParamsOffset = Entry(0) + 8;
constexpr std::streamoff kSnapParamsOffset = Entry(1) + 8;

class NetworkCacheTest : public testing::Test {
 protected:
  void SetUp() override {
    auto p = roads::SpeedProfile::Parse(roads::DefaultCarProfileCsv(), "car.csv");
    ASSERT_TRUE(p.ok());
    profile_ = *p;
    osm_ = testing_util::DataDir() + "/roads/yuba-county-ca.osm.pbf";
    dir_ = testing::TempDir() + "/network_cache_test_" + std::to_string(getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    cache_ = dir_ + "/yuba.graph";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<const RoadNetwork> Load() {
    log_.clear();
    auto network = LoadOrBuildRoadNetwork(osm_, profile_, cache_, {},
                                          [this](std::string_view l) { log_.emplace_back(l); });
    EXPECT_TRUE(network.ok()) << network.status();
    return network.ok() ? *std::move(network) : nullptr;
  }
  // Nothing but the cache file in its directory (no temporary file left behind).
  std::vector<std::string> Files() const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) {
      names.push_back(e.path().filename().string());
    }
    return names;
  }
  uint64_t Peek(std::streamoff offset) {
    uint64_t v = 0;
    std::ifstream f(cache_, std::ios::binary);
    f.seekg(offset);
    f.read(reinterpret_cast<char*>(&v), 8);
    return v;
  }
  void Poke(std::streamoff offset, const void* bytes, size_t n) {
    std::fstream f(cache_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(offset);
    f.write(static_cast<const char*>(bytes), static_cast<std::streamsize>(n));
  }

  roads::SpeedProfile profile_ =
      *roads::SpeedProfile::Parse("key,value\nname,x\nhighway.primary,1\n", "x");
  std::string osm_, dir_, cache_;
  std::vector<std::string> log_;
};

// Same snaps from both networks for random points around yuba.
void ExpectSameSnaps(const RoadNetwork& a, const RoadNetwork& b) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> lon(-121.7, -121.0), lat(39.0, 39.7);
  int snapped = 0;
  for (int i = 0; i < 2000; ++i) {
    const geo::LonLat p{lon(rng), lat(rng)};
    const auto x = a.snap_index().Nearest(p, 2000), y = b.snap_index().Nearest(p, 2000);
    ASSERT_EQ(x.has_value(), y.has_value()) << i;
    if (!x) continue;
    ++snapped;
    ASSERT_EQ(x->segment, y->segment) << i;
    ASSERT_EQ(x->fraction, y->fraction) << i;
    ASSERT_EQ(x->snap_meters, y->snap_meters) << i;
  }
  EXPECT_GT(snapped, 500);
}

TEST_F(NetworkCacheTest, SecondStartLoadsEverySectionFromTheCache) {
  auto built = Load();
  ASSERT_NE(built, nullptr);
  EXPECT_THAT(log_, Contains(HasSubstr("imported in")));
  EXPECT_THAT(log_, Contains(HasSubstr("hierarchy built")));
  EXPECT_THAT(log_, Contains(HasSubstr("snap index built")));
  EXPECT_THAT(log_, Contains(HasSubstr("road network cache written")));
  auto cached = Load();
  ASSERT_NE(cached, nullptr);
  EXPECT_THAT(log_, Contains(HasSubstr("road graph loaded from cache")));
  EXPECT_THAT(log_, Contains(HasSubstr("hierarchy loaded from cache")));
  EXPECT_THAT(log_, Contains(HasSubstr("snap index loaded from cache")));
  EXPECT_THAT(log_, Not(Contains(HasSubstr("built"))));
  EXPECT_THAT(log_, Not(Contains(HasSubstr("written"))));
  EXPECT_EQ(cached->snap_index().piece_count(), built->snap_index().piece_count());
  ASSERT_NE(cached->hierarchy(), nullptr);
  ASSERT_NE(built->hierarchy(), nullptr);
  const Hierarchy& a = *built->hierarchy();
  const Hierarchy& b = *cached->hierarchy();
  EXPECT_GT(a.arc_count(), built->graph().arc_count() / 2);
  EXPECT_EQ(a.rank_of_node, b.rank_of_node);
  EXPECT_EQ(a.node_of_rank, b.node_of_rank);
  EXPECT_EQ(a.up_first, b.up_first);
  EXPECT_EQ(a.up_head, b.up_head);
  EXPECT_EQ(a.up_time_key, b.up_time_key);
  EXPECT_EQ(a.up_distance_key, b.up_distance_key);
  EXPECT_EQ(a.down_first, b.down_first);
  EXPECT_EQ(a.down_tail, b.down_tail);
  EXPECT_EQ(a.down_time_key, b.down_time_key);
  EXPECT_EQ(a.down_distance_key, b.down_distance_key);
  ExpectSameSnaps(*built, *cached);
  EXPECT_THAT(Files(), testing::ElementsAre("yuba.graph"));
}

TEST_F(NetworkCacheTest, CorruptSnapSectionIsRebuiltAloneAndTheFileRewritten) {
  auto built = Load();
  ASSERT_NE(built, nullptr);
  // The snap index is the last section: a byte near the end of the file is one of its.
  const auto size = static_cast<std::streamoff>(std::filesystem::file_size(cache_));
  const char bad[2] = {'\x5a', '\xa5'};
  Poke(size - 1000, bad, 2);
  auto rebuilt = Load();
  ASSERT_NE(rebuilt, nullptr);
  EXPECT_THAT(log_, Contains(HasSubstr("road graph loaded from cache")));
  EXPECT_THAT(log_, Contains(HasSubstr("snap index section not used (DATA_LOSS")));
  EXPECT_THAT(log_, Contains(HasSubstr("checksum mismatch")));
  EXPECT_THAT(log_, Contains(HasSubstr("snap index built")));
  EXPECT_THAT(log_, Contains(HasSubstr("hierarchy loaded from cache")));
  EXPECT_THAT(log_, Contains(HasSubstr("road network cache written")));
  EXPECT_THAT(log_, Not(Contains(HasSubstr("imported in"))));
  EXPECT_THAT(log_, Not(Contains(HasSubstr("hierarchy built"))));
  ExpectSameSnaps(*built, *rebuilt);
  auto again = Load();
  EXPECT_THAT(log_, Contains(HasSubstr("snap index loaded from cache")));
  EXPECT_THAT(Files(), testing::ElementsAre("yuba.graph"));
}

TEST_F(NetworkCacheTest, TruncatedSnapSectionIsRebuiltAlone) {
  ASSERT_NE(Load(), nullptr);
  std::filesystem::resize_file(cache_, std::filesystem::file_size(cache_) - 100);
  ASSERT_NE(Load(), nullptr);
  EXPECT_THAT(log_, Contains(HasSubstr("road graph loaded from cache")));
  EXPECT_THAT(log_, Contains(HasSubstr("snap index section not used (DATA_LOSS")));
  EXPECT_THAT(log_, Contains(HasSubstr("truncated")));
  EXPECT_THAT(log_, Contains(HasSubstr("hierarchy loaded from cache")));
  EXPECT_THAT(log_, Contains(HasSubstr("road network cache written")));
  ASSERT_NE(Load(), nullptr);
  EXPECT_THAT(log_, Contains(HasSubstr("snap index loaded from cache")));
  EXPECT_THAT(Files(), testing::ElementsAre("yuba.graph"));
}

TEST_F(NetworkCacheTest, SnapSectionMadeWithOtherParametersIsRebuilt) {
  ASSERT_NE(Load(), nullptr);
  const uint64_t other = SnapIndex::ParamsFingerprint() + 1;
  Poke(kSnapParamsOffset, &other, 8);
  ASSERT_NE(Load(), nullptr);
  EXPECT_THAT(log_, Contains(HasSubstr("snap index section not used (FAILED_PRECONDITION")));
  EXPECT_THAT(log_, Contains(HasSubstr("made with other parameters")));
  EXPECT_THAT(log_, Not(Contains(HasSubstr("imported in"))));
  ASSERT_NE(Load(), nullptr);
  EXPECT_THAT(log_, Contains(HasSubstr("snap index loaded from cache")));
}

TEST_F(NetworkCacheTest, CorruptHierarchySectionIsRebuiltAloneAndTheFileRewritten) {
  auto built = Load();
  ASSERT_NE(built, nullptr);
  ASSERT_EQ(Peek(Entry(0)) & 0xffffffff, kHierarchySection);
  const uint64_t offset = Peek(Entry(0) + 16), bytes = Peek(Entry(0) + 24);
  ASSERT_GT(bytes, 1000u);
  const char bad[2] = {'\x5a', '\xa5'};
  Poke(static_cast<std::streamoff>(offset + bytes / 2), bad, 2);
  auto rebuilt = Load();
  ASSERT_NE(rebuilt, nullptr);
  EXPECT_THAT(log_, Contains(HasSubstr("road graph loaded from cache")));
  EXPECT_THAT(log_, Contains(HasSubstr("hierarchy section not used (DATA_LOSS")));
  EXPECT_THAT(log_, Contains(HasSubstr("section CHIE: checksum mismatch")));
  EXPECT_THAT(log_, Contains(HasSubstr("hierarchy built")));
  EXPECT_THAT(log_, Contains(HasSubstr("snap index loaded from cache")));
  EXPECT_THAT(log_, Contains(HasSubstr("road network cache written")));
  EXPECT_THAT(log_, Not(Contains(HasSubstr("imported in"))));
  ASSERT_NE(rebuilt->hierarchy(), nullptr);
  EXPECT_EQ(rebuilt->hierarchy()->up_time_key, built->hierarchy()->up_time_key);
  ASSERT_NE(Load(), nullptr);
  EXPECT_THAT(log_, Contains(HasSubstr("hierarchy loaded from cache")));
  EXPECT_THAT(Files(), testing::ElementsAre("yuba.graph"));
}

TEST_F(NetworkCacheTest, HierarchyMadeWithOtherParametersIsRebuilt) {
  ASSERT_NE(Load(), nullptr);
  const uint64_t other = ContractionParams().Fingerprint() + 1;
  Poke(kHierarchyParamsOffset, &other, 8);
  ASSERT_NE(Load(), nullptr);
  EXPECT_THAT(log_, Contains(HasSubstr("hierarchy section not used (FAILED_PRECONDITION")));
  EXPECT_THAT(log_, Contains(HasSubstr("snap index loaded from cache")));
  ASSERT_NE(Load(), nullptr);
  EXPECT_THAT(log_, Contains(HasSubstr("hierarchy loaded from cache")));
  // Other contraction parameters asked for: the cached hierarchy is not theirs.
  log_.clear();
  RoadNetwork::Options options;
  options.contraction.witness_settle_limit = 77;
  auto network = LoadOrBuildRoadNetwork(osm_, profile_, cache_, options,
                                        [this](std::string_view l) { log_.emplace_back(l); });
  ASSERT_TRUE(network.ok()) << network.status();
  EXPECT_THAT(log_, Contains(HasSubstr("hierarchy section not used (FAILED_PRECONDITION")));
  // Without a hierarchy: none is read or built.
  log_.clear();
  options.build_hierarchy = false;
  network = LoadOrBuildRoadNetwork(osm_, profile_, cache_, options,
                                   [this](std::string_view l) { log_.emplace_back(l); });
  ASSERT_TRUE(network.ok()) << network.status();
  EXPECT_EQ((*network)->hierarchy(), nullptr);
  EXPECT_THAT(log_, Not(Contains(HasSubstr("hierarchy"))));
}

TEST_F(NetworkCacheTest, FormatTwoFileIsReimported) {
  ASSERT_NE(Load(), nullptr);
  const uint32_t two = 2;
  Poke(kVersionOffset, &two, 4);
  auto source = roads::FingerprintFile(osm_);
  ASSERT_TRUE(source.ok());
  EXPECT_THAT(roads::LoadGraphCache(cache_, *source, profile_.fingerprint()).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("cache format 2")));
  // A format-2 file is smaller than a format-3 header: still FAILED_PRECONDITION, not DATA_LOSS.
  std::filesystem::resize_file(cache_, 300);
  EXPECT_THAT(roads::LoadGraphCache(cache_, *source, profile_.fingerprint()).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("cache format 2")));
  ASSERT_NE(Load(), nullptr);
  EXPECT_THAT(log_, Contains(HasSubstr("cache not used (FAILED_PRECONDITION")));
  EXPECT_THAT(log_, Contains(HasSubstr("imported in")));
  EXPECT_THAT(log_, Contains(HasSubstr("road network cache written")));
  ASSERT_NE(Load(), nullptr);
  EXPECT_THAT(log_, Contains(HasSubstr("snap index loaded from cache")));
}

TEST_F(NetworkCacheTest, TrailingBytesMeanTheWholeFileIsReimported) {
  ASSERT_NE(Load(), nullptr);
  std::ofstream(cache_, std::ios::app | std::ios::binary) << "x";
  auto source = roads::FingerprintFile(osm_);
  EXPECT_THAT(roads::LoadGraphCache(cache_, *source, profile_.fingerprint()).status(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("trailing bytes")));
  ASSERT_NE(Load(), nullptr);
  EXPECT_THAT(log_, Contains(HasSubstr("imported in")));
  ASSERT_NE(Load(), nullptr);
  EXPECT_THAT(log_, Contains(HasSubstr("snap index loaded from cache")));
}

TEST_F(NetworkCacheTest, UnwritableCacheStillGivesANetworkAndLeavesNoTemporaryFile) {
  std::filesystem::create_directories(cache_);  // the cache path is a directory
  ASSERT_NE(Load(), nullptr);
  EXPECT_THAT(log_, Contains(HasSubstr("warning: road network cache not written")));
  EXPECT_THAT(Files(), testing::ElementsAre("yuba.graph"));
  EXPECT_TRUE(std::filesystem::is_directory(cache_));
}

// The byte-level section API with a hand-filled hierarchy (the CHIE section's arrays): saved
// and read back equal, and every way of reading it wrongly refused.
TEST_F(NetworkCacheTest, HierarchyArraysRoundTripThroughASection) {
  auto network = Load();
  ASSERT_NE(network, nullptr);
  Hierarchy h;
  h.rank_of_node = {2, 0, 1};
  h.node_of_rank = {1, 2, 0};
  h.up_first = {0, 0, 1, 3};
  h.up_head = {0, 0, 1};
  h.up_time_key = {KeyOf(Metric::kSeconds, 1, 5), KeyOf(Metric::kSeconds, 2, 9),
                   KeyOf(Metric::kSeconds, 0.3, 1)};
  h.up_distance_key = {KeyOf(Metric::kMeters, 1, 5), KeyOf(Metric::kMeters, 2, 9),
                       KeyOf(Metric::kMeters, 0.3, 1)};
  h.down_first = {0, 0, 0, 1};
  h.down_tail = {1};
  h.down_time_key = {KeyOf(Metric::kSeconds, 0.005, 0.07)};
  h.down_distance_key = {KeyOf(Metric::kMeters, 0.005, 0.07)};
  roads::CacheSection section{.tag = roads::CacheTag("CHIE"), .params_fingerprint = 77};
  h.ForEachArray([&](const auto& v) { section.Add(v); });
  auto source = roads::FingerprintFile(osm_);
  ASSERT_TRUE(
      roads::SaveRoadGraph(network->graph(), *source, profile_.fingerprint(), cache_, {&section, 1})
          .ok());
  auto loaded = roads::LoadGraphCache(cache_, *source, profile_.fingerprint());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->Find(kSnapIndexSection), nullptr);
  const roads::CacheSectionView* view = loaded->Find(roads::CacheTag("CHIE"));
  ASSERT_NE(view, nullptr);
  const auto read_all = [](Hierarchy& into) {
    return [&into](roads::CacheSectionReader& r) {
      absl::Status s;
      into.ForEachArray([&](auto& v) {
        if (s.ok()) s = r.Next(v);
      });
      return s;
    };
  };
  Hierarchy back;
  ASSERT_TRUE(view->Read(77, read_all(back)).ok());
  EXPECT_EQ(back.rank_of_node, h.rank_of_node);
  EXPECT_EQ(back.up_first, h.up_first);
  EXPECT_EQ(back.up_time_key, h.up_time_key);
  EXPECT_EQ(back.up_distance_key, h.up_distance_key);
  EXPECT_EQ(back.down_tail, h.down_tail);
  EXPECT_EQ(back.down_distance_key, h.down_distance_key);
  Hierarchy other;
  EXPECT_THAT(view->Read(78, read_all(other)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("section CHIE")));
  // Fewer arrays than written; more; one of another element size.
  EXPECT_THAT(view->Read(77, [&](roads::CacheSectionReader& r) { return r.Next(other.up_head); }),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("1 of 10 arrays read")));
  EXPECT_THAT(view->Read(77,
                         [&](roads::CacheSectionReader& r) {
                           absl::Status s = read_all(other)(r);
                           return s.ok() ? r.Next(other.up_head) : s;
                         }),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("more were asked for")));
  EXPECT_THAT(view->Read(77,
                         [&](roads::CacheSectionReader& r) {
                           geo::BigVector<RouteKey> wide;
                           absl::Status s = r.Next(other.rank_of_node);
                           s.Update(r.Next(other.node_of_rank));
                           s.Update(r.Next(other.up_first));
                           // up_head's 3 uint32 read as 64-bit keys: not what the file holds.
                           if (s.ok()) s = r.Next(wide);
                           return s;
                         }),
              StatusIs(absl::StatusCode::kDataLoss, testing::_));
  // Sound bytes, but not a hierarchy of this graph (3 nodes): Validate refuses it, the network
  // rebuilds it (and the missing snap index) from the cached graph.
  roads::CacheSection stamped = section;
  stamped.params_fingerprint = ContractionParams().Fingerprint();
  ASSERT_TRUE(
      roads::SaveRoadGraph(network->graph(), *source, profile_.fingerprint(), cache_, {&stamped, 1})
          .ok());
  auto rebuilt = Load();
  ASSERT_NE(rebuilt, nullptr);
  EXPECT_THAT(log_, Contains(HasSubstr("road graph loaded from cache")));
  EXPECT_THAT(log_, Contains(HasSubstr("hierarchy section not used (DATA_LOSS: hierarchy: sizes")));
  EXPECT_THAT(log_, Contains(HasSubstr("snap index section not used (NOT_FOUND")));
  ASSERT_NE(rebuilt->hierarchy(), nullptr);
  EXPECT_EQ(rebuilt->hierarchy()->node_count(), rebuilt->graph().node_count());
}

TEST_F(NetworkCacheTest, SectionCountLargerThanTheFileIsRefusedBeforeAllocating) {
  auto network = Load();
  ASSERT_NE(network, nullptr);
  geo::BigVector<uint64_t> small = {1, 2, 3};
  roads::CacheSection section{.tag = roads::CacheTag("TEST"), .params_fingerprint = 1};
  section.Add(small);
  auto source = roads::FingerprintFile(osm_);
  ASSERT_TRUE(
      roads::SaveRoadGraph(network->graph(), *source, profile_.fingerprint(), cache_, {&section, 1})
          .ok());
  // counts[0] of the first entry: tag 4, array count 4, params 8, offset 8, bytes 8, xxh3 8.
  const uint64_t huge = uint64_t{1} << 61;
  Poke(216 + 40, &huge, 8);
  auto loaded = roads::LoadGraphCache(cache_, *source, profile_.fingerprint());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  geo::BigVector<uint64_t> into;
  EXPECT_THAT(
      loaded->sections[0].Read(1, [&](roads::CacheSectionReader& r) { return r.Next(into); }),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("more than the section's")));
  EXPECT_TRUE(into.empty());
}

}  // namespace
}  // namespace carereach::routing
