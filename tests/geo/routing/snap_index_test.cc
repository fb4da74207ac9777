// The flat k-d tree snap index against a copy of the nanoflann-based one it replaced
// (snap_index_reference.h): identical answers on the real extracts; and loading its arrays back.
#include "geo/routing/snap_index.h"

#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <random>
#include <string>

#include "absl/strings/str_format.h"
#include "geo/roads/osm_import.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/data_dir.h"
#include "tests/geo/routing/snap_index_reference.h"
#include "tests/status_matchers.h"

namespace carereach::routing {
namespace {

using testing::HasSubstr;
using testing_util::StatusIs;

const roads::RoadGraph& Graph(const std::string& file) {
  static auto* graphs = new std::map<std::string, roads::RoadGraph>();
  auto it = graphs->find(file);
  if (it != graphs->end()) return it->second;
  auto profile = roads::SpeedProfile::Parse(roads::DefaultCarProfileCsv(), "car.csv");
  auto graph = roads::ImportOsm(testing_util::DataDir() + "/roads/" + file, *profile);
  EXPECT_TRUE(graph.ok()) << graph.status();
  return graphs->emplace(file, *std::move(graph)).first->second;
}

// Random points near roads and over the roads' box with a margin (some far from any road),
// with random max_meters from 1 m to 5 km (and a few very large).
void ExpectSameAnswers(const roads::RoadGraph& g, const SnapIndex& index,
                       const reference::ReferenceSnapIndex& reference, int points, uint32_t seed) {
  double min_lon = 180, max_lon = -180, min_lat = 90, max_lat = -90;
  for (const roads::Coord& c : g.shape) {
    const geo::LonLat p = c.ToLonLat();
    min_lon = std::min(min_lon, p.lon);
    max_lon = std::max(max_lon, p.lon);
    min_lat = std::min(min_lat, p.lat);
    max_lat = std::max(max_lat, p.lat);
  }
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> lon(min_lon - 0.05, max_lon + 0.05),
      lat(min_lat - 0.05, max_lat + 0.05), unit(0, 1);
  int snapped = 0, differing = 0;
  for (int i = 0; i < points; ++i) {
    // Half near a random shape point (within ~1 km), half anywhere in the box.
    geo::LonLat p{lon(rng), lat(rng)};
    if (unit(rng) < 0.5) {
      const geo::LonLat c = g.shape[rng() % g.shape.size()].ToLonLat();
      p = {c.lon + (unit(rng) - 0.5) * 0.02, c.lat + (unit(rng) - 0.5) * 0.02};
    }
    const double r = unit(rng);
    const double max_meters = r < 0.01 ? 1e6 : std::exp(std::log(5000.0) * unit(rng));
    const std::optional<Snap> got = index.Nearest(p, max_meters);
    const std::optional<Snap> want = reference.Nearest(p, max_meters);
    bool same = got.has_value() == want.has_value();
    if (same && got) {
      same = got->segment == want->segment && got->fraction == want->fraction &&
             got->snap_meters == want->snap_meters && got->on_road.lon == want->on_road.lon &&
             got->on_road.lat == want->on_road.lat;
      ++snapped;
    }
    if (!same && ++differing <= 10) {
      ADD_FAILURE() << absl::StrFormat(
          "seed %d point %d (%.9f, %.9f) max_meters %.17g: got %s, want %s", seed, i, p.lon, p.lat,
          max_meters,
          got ? absl::StrFormat("segment %d fraction %.17g snap %.17g", got->segment, got->fraction,
                                got->snap_meters)
              : "none",
          want ? absl::StrFormat("segment %d fraction %.17g snap %.17g", want->segment,
                                 want->fraction, want->snap_meters)
               : "none");
    }
  }
  EXPECT_EQ(differing, 0);
  // Both outcomes occur in numbers: the comparison is not vacuous.
  EXPECT_GT(snapped, points / 10);
  EXPECT_LT(snapped, points * 9 / 10);
  std::printf("%d of %d points snapped\n", snapped, points);
}

class SnapIndexRealDataTest : public testing::TestWithParam<const char*> {};

TEST_P(SnapIndexRealDataTest, FlatTreeAnswersEqualTheNanoflannIndex) {
  const roads::RoadGraph& g = Graph(GetParam());
  const SnapIndex index(g);
  const reference::ReferenceSnapIndex reference(g);
  ASSERT_EQ(index.piece_count(), reference.piece_count());
  ASSERT_GT(index.piece_count(), 10000u);
  ExpectSameAnswers(g, index, reference, 100000, 12);
}

TEST_P(SnapIndexRealDataTest, ArraysLoadedBackGiveTheSameAnswers) {
  const roads::RoadGraph& g = Graph(GetParam());
  const SnapIndex built(g);
  SnapIndex::Arrays arrays;
  // Copy each array as a cache file would hold it.
  std::vector<std::vector<char>> bytes;
  built.ForEachArray([&](const auto& v) {
    const char* p = reinterpret_cast<const char*>(v.data());
    bytes.emplace_back(p, p + v.size() * sizeof(v[0]));
  });
  size_t k = 0;
  arrays.ForEachArray([&](auto& v) {
    v.resize(bytes[k].size() / sizeof(v[0]));
    std::memcpy(v.data(), bytes[k].data(), bytes[k].size());
    ++k;
  });
  auto loaded = SnapIndex::Load(g, std::move(arrays));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->MemoryBytes(), built.MemoryBytes());
  const reference::ReferenceSnapIndex reference(g);
  ExpectSameAnswers(g, **loaded, reference, 20000, 34);
}

INSTANTIATE_TEST_SUITE_P(Extracts, SnapIndexRealDataTest,
                         testing::Values("honolulu-county-hi-2016.osm.pbf",
                                         "imperial-county-ca.osm.pbf", "yuba-county-ca.osm.pbf"));

// A copy of the arrays of yuba's index, to break one at a time.
SnapIndex::Arrays ArraysOf(const SnapIndex& index) {
  SnapIndex::Arrays out;
  size_t k = 0;
  std::vector<std::pair<const void*, size_t>> src;
  index.ForEachArray([&](const auto& v) { src.emplace_back(v.data(), v.size()); });
  out.ForEachArray([&](auto& v) {
    v.resize(src[k].second);
    // memcpy from an empty array's null data() is undefined even for 0 bytes (UBSan).
    if (src[k].second > 0) std::memcpy(v.data(), src[k].first, src[k].second * sizeof(v[0]));
    ++k;
  });
  return out;
}

TEST(SnapIndexLoadTest, InconsistentArraysAreRefused) {
  const roads::RoadGraph& g = Graph("yuba-county-ca.osm.pbf");
  const SnapIndex built(g);
  ASSERT_TRUE(SnapIndex::Load(g, ArraysOf(built)).ok());
  {
    auto a = ArraysOf(built);
    a.pieces[17].segment = static_cast<uint32_t>(g.segments.size());
    EXPECT_THAT(SnapIndex::Load(g, std::move(a)).status(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("pieces[17]: segment")));
  }
  {
    auto a = ArraysOf(built);
    a.pieces[5].shape_index = 1u << 30;
    EXPECT_THAT(SnapIndex::Load(g, std::move(a)).status(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("pieces[5]: shape edge")));
  }
  {
    auto a = ArraysOf(built);
    a.tree_piece[3] = a.tree_piece[4];
    EXPECT_THAT(SnapIndex::Load(g, std::move(a)).status(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("permutation")));
  }
  {
    auto a = ArraysOf(built);
    a.tree_piece[3] = static_cast<uint32_t>(a.pieces.size());
    EXPECT_THAT(SnapIndex::Load(g, std::move(a)).status(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("tree_piece[3]")));
  }
  {
    auto a = ArraysOf(built);
    a.splits.pop_back();
    EXPECT_THAT(SnapIndex::Load(g, std::move(a)).status(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("splits")));
  }
  {
    auto a = ArraysOf(built);
    a.splits[0].axis = 3;
    EXPECT_THAT(SnapIndex::Load(g, std::move(a)).status(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("splits[0]: axis")));
  }
  {
    auto a = ArraysOf(built);
    a.tree_xyz.pop_back();
    EXPECT_THAT(SnapIndex::Load(g, std::move(a)).status(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("tree_xyz")));
  }
  {
    auto a = ArraysOf(built);
    a.bounds.clear();
    EXPECT_THAT(SnapIndex::Load(g, std::move(a)).status(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bounds")));
  }
  {
    auto a = ArraysOf(built);
    a.pieces[9].t1 = 2;
    EXPECT_THAT(SnapIndex::Load(g, std::move(a)).status(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("pieces[9]: span")));
  }
}

TEST(SnapIndexLoadTest, EmptyGraphHasNoPiecesAndSnapsNothing) {
  const roads::RoadGraph g;
  const SnapIndex index(g);
  EXPECT_EQ(index.piece_count(), 0u);
  EXPECT_FALSE(index.Nearest({0, 0}, 1e6).has_value());
  auto loaded = SnapIndex::Load(g, ArraysOf(index));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_FALSE((*loaded)->Nearest({0, 0}, 1e6).has_value());
}

TEST(SnapIndexLoadTest, SplitCountKeepsLeavesAtMostSixteen) {
  EXPECT_EQ(SnapIndex::SplitCount(0), 0u);
  EXPECT_EQ(SnapIndex::SplitCount(16), 0u);
  EXPECT_EQ(SnapIndex::SplitCount(17), 1u);
  EXPECT_EQ(SnapIndex::SplitCount(32), 1u);
  EXPECT_EQ(SnapIndex::SplitCount(33), 3u);
  EXPECT_EQ(SnapIndex::SplitCount(1000), 63u);  // 64 leaves of 15 or 16
}

}  // namespace
}  // namespace carereach::routing
