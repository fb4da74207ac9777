// BuildHierarchy against the reference Dijkstra: a plain bidirectional search on the hierarchy
// (written here, independent of the production query code) must give the exact key of every
// pair, in both metrics, on drawn maps, seeded random grids and the three real extracts; a
// hierarchy contracted for time only, every pair in time.
#include <map>
#include <queue>
#include <random>

#include "geo/roads/osm_import.h"
#include "geo/roads/speed_profile.h"
#include "geo/routing/bucket_table.h"
#include "geo/routing/dijkstra.h"
#include "geo/routing/hierarchy.h"
#include "geo/routing/phast.h"
#include "gtest/gtest.h"
#include "tests/data_dir.h"
#include "tests/geo/roads/ascii_map.h"

namespace carereach::routing {
namespace {

using testing_util::AsciiMap;

// Least key from `from` to `to` (RoadGraph ids) through the hierarchy: upward Dijkstra from
// `from` over up arcs, upward Dijkstra from `to` over down arcs reversed, best meeting node.
RouteKey ChKey(const Hierarchy& h, uint32_t from, uint32_t to, Metric metric) {
  const auto upward = [&](uint32_t start, bool forward) {
    std::map<uint32_t, RouteKey> dist;
    using Entry = std::pair<RouteKey, uint32_t>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
    heap.push({0, h.rank_of_node[start]});
    dist[h.rank_of_node[start]] = 0;
    while (!heap.empty()) {
      const auto [k, x] = heap.top();
      heap.pop();
      if (k > dist[x]) continue;
      const auto& first = forward ? h.up_first : h.down_first;
      const auto& other = forward ? h.up_head : h.down_tail;
      const auto keys = forward ? h.up_key(metric) : h.down_key(metric);
      for (uint32_t i = first[x]; i < first[x + 1]; ++i) {
        const RouteKey nk = k + keys[i];
        auto it = dist.find(other[i]);
        if (it == dist.end() || nk < it->second) {
          dist[other[i]] = nk;
          heap.push({nk, other[i]});
        }
      }
    }
    return dist;
  };
  const auto f = upward(from, true), b = upward(to, false);
  RouteKey best = kUnreached;
  for (const auto& [x, k] : f) {
    if (auto it = b.find(x); it != b.end()) best = std::min(best, k + it->second);
  }
  return best;
}

// Every pair (or `pairs` random ones) in each metric `h` serves against Dijkstra.
void ExpectSameAsDijkstra(const roads::RoadGraph& g, const Hierarchy& h, int pairs, uint32_t seed) {
  ASSERT_TRUE((h.Validate(g.node_count())).ok()) << (h.Validate(g.node_count()));
  Dijkstra dijkstra(g);
  std::mt19937 rng(seed);
  const uint32_t n = g.node_count();
  std::vector<uint32_t> sources;
  if (pairs <= 0) {
    for (uint32_t s = 0; s < n; ++s) sources.push_back(s);
  } else {
    for (int i = 0; i < pairs; ++i) sources.push_back(rng() % n);
  }
  int compared = 0, reached = 0;
  for (Metric metric : {Metric::kSeconds, Metric::kMeters}) {
    if (!h.Serves(metric)) continue;
    for (uint32_t s : sources) {
      const Seed seed_node[1] = {{s, 0, 0}};
      ASSERT_TRUE((dijkstra.Run(seed_node, Direction::kForward, metric, kUnreached - 1)).ok())
          << (dijkstra.Run(seed_node, Direction::kForward, metric, kUnreached - 1));
      const auto check = [&](uint32_t t) {
        const RouteKey want = dijkstra.key(t), got = ChKey(h, s, t, metric);
        ASSERT_EQ(got, want) << "seed " << seed << " from " << s << " to " << t << " metric "
                             << static_cast<int>(metric);
        ++compared;
        reached += Reached(want);
      };
      if (pairs <= 0) {
        for (uint32_t t = 0; t < n; ++t) check(t);
      } else {
        check(rng() % n);
      }
    }
  }
  EXPECT_GT(reached, compared / 4) << "too few pairs connected to test anything";
}

Hierarchy Build(const roads::RoadGraph& g,
                HierarchyMetrics metrics = HierarchyMetrics::kTimeAndDistance,
                bool lazy_priorities = false) {
  auto h = BuildHierarchy(g, {.metrics = metrics, .lazy_priorities = lazy_priorities},
                          [](std::string_view) {});
  EXPECT_TRUE((h.status()).ok()) << (h.status());
  return *std::move(h);
}

TEST(ContractionTest, DrawnMapAllPairsBothMetrics) {
  AsciiMap map(R"(
a-----b-----c-----d
|     |     |     |
e-----f-----g-----h
|           |     |
i-----j-----k-----l
)",
               200);
  map.Way("abcd", {.highway = "primary"});
  map.Way("efgh", {.highway = "residential"});
  map.Way("ijkl", {.highway = "motorway", .oneway = "yes"});
  map.Way("aei", {.highway = "residential"});
  map.Way("bf", {.highway = "primary", .oneway = "yes"});
  map.Way("cgk", {.highway = "residential"});
  map.Way("dhl", {.highway = "primary", .oneway = "-1"});
  map.Way("jk", {.highway = "residential"});
  const roads::RoadGraph g = map.Build();
  const Hierarchy h = Build(g);
  ExpectSameAsDijkstra(g, h, /*pairs=*/0, 1);
}

// Random grids (side <= 7: AsciiMap names nodes by letter): random road classes, one-ways and
// missing links on an even grid, so that equal-time routes and unreachable pairs both occur.
roads::RoadGraph RandomGrid(uint32_t seed, int side) {
  std::mt19937 rng(seed);
  const std::string letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const auto name = [&](int r, int c) { return letters[r * side + c]; };
  std::string rows;
  for (int r = 0; r < side; ++r) {
    for (int c = 0; c < side; ++c) rows += std::string(1, name(r, c)) + "  ";
    rows += "\n\n";
  }
  AsciiMap map(rows, 100);
  const char* classes[] = {"motorway", "primary", "residential", "primary", "residential"};
  for (int r = 0; r < side; ++r) {
    for (int c = 0; c < side; ++c) {
      for (auto [dr, dc] : {std::pair{0, 1}, std::pair{1, 0}}) {
        if (r + dr >= side || c + dc >= side || rng() % 7 == 0) continue;
        const std::string way = {name(r, c), name(r + dr, c + dc)};
        const int oneway = rng() % 5;
        map.Way(way, {.highway = classes[rng() % 5],
                      .oneway = oneway == 0   ? "yes"
                                : oneway == 1 ? "-1"
                                              : "no"});
      }
    }
  }
  return map.Build();
}

TEST(ContractionTest, RandomGridsAllPairsBothMetrics) {
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    const roads::RoadGraph g = RandomGrid(seed, 7);
    const Hierarchy h = Build(g);
    ExpectSameAsDijkstra(g, h, /*pairs=*/0, seed);
    if (HasFatalFailure()) return;
  }
}

TEST(ContractionTest, TimeOnlyRandomGridsAllPairs) {
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    const roads::RoadGraph g = RandomGrid(seed, 7);
    const Hierarchy h = Build(g, HierarchyMetrics::kTime);
    EXPECT_TRUE(h.Serves(Metric::kSeconds));
    EXPECT_FALSE(h.Serves(Metric::kMeters));
    EXPECT_TRUE(h.up_distance_key.empty() && h.down_distance_key.empty());
    ExpectSameAsDijkstra(g, h, /*pairs=*/0, seed);
    if (HasFatalFailure()) return;
  }
}

// Lazy priority updates change the order and the shortcuts, never an answer.
TEST(ContractionTest, LazyPrioritiesRandomGridsAllPairs) {
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    const roads::RoadGraph g = RandomGrid(seed, 7);
    for (HierarchyMetrics metrics : {HierarchyMetrics::kTimeAndDistance, HierarchyMetrics::kTime}) {
      const Hierarchy h = Build(g, metrics, /*lazy_priorities=*/true);
      ExpectSameAsDijkstra(g, h, /*pairs=*/0, seed);
      if (HasFatalFailure()) return;
    }
  }
}

// Distance searches on a time-only hierarchy are refused with a clear error, never run on the
// absent keys.
TEST(ContractionTest, DistanceSearchesOnATimeOnlyHierarchyAreRefused) {
  const roads::RoadGraph g = RandomGrid(4, 7);
  const Hierarchy h = Build(g, HierarchyMetrics::kTime);
  const Seed seeds[1] = {{0, 0, 0}};
  Phast phast(h);
  const absl::Status one_to_all =
      phast.Run(seeds, Direction::kForward, Metric::kMeters, kUnreached - 1, {});
  EXPECT_EQ(one_to_all.code(), absl::StatusCode::kFailedPrecondition) << one_to_all;
  EXPECT_NE(one_to_all.message().find("time only"), std::string_view::npos) << one_to_all;
  EXPECT_TRUE(phast.Run(seeds, Direction::kForward, Metric::kSeconds, kUnreached - 1, {}).ok());
  const std::vector<std::vector<Seed>> points = {{{0, 0, 0}}, {{5, 0, 1}}};
  EXPECT_EQ(ManyToMany(h, points, points, kUnreached - 1, {}, Metric::kMeters).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(ManyToMany(h, points, points, kUnreached - 1, {}, Metric::kSeconds).ok());
}

TEST(ContractionTest, TheMetricsArePartOfTheFingerprint) {
  EXPECT_NE(ContractionParams{.metrics = HierarchyMetrics::kTime}.Fingerprint(),
            ContractionParams{}.Fingerprint());
}

TEST(ContractionTest, LazyPrioritiesArePartOfTheFingerprint) {
  for (HierarchyMetrics metrics : {HierarchyMetrics::kTimeAndDistance, HierarchyMetrics::kTime}) {
    EXPECT_NE((ContractionParams{.metrics = metrics, .lazy_priorities = true}.Fingerprint()),
              ContractionParams{.metrics = metrics}.Fingerprint());
  }
}

TEST(ContractionTest, SameHierarchyEveryBuild) {
  const roads::RoadGraph g = RandomGrid(5, 7);
  for (bool lazy : {false, true}) {
    const Hierarchy a = Build(g, HierarchyMetrics::kTimeAndDistance, lazy),
                    b = Build(g, HierarchyMetrics::kTimeAndDistance, lazy);
    EXPECT_EQ(a.node_of_rank, b.node_of_rank) << lazy;
    EXPECT_EQ(a.up_head, b.up_head) << lazy;
    EXPECT_EQ(a.up_time_key, b.up_time_key) << lazy;
    EXPECT_EQ(a.down_tail, b.down_tail) << lazy;
    EXPECT_EQ(a.down_distance_key, b.down_distance_key) << lazy;
  }
}

// Per-thread scratch must follow the graph being built (a smaller graph's scratch was once
// reused for a larger one: out-of-bounds writes that only ASan showed).
TEST(ContractionTest, BuildsOfGraphsOfOtherSizesInTurn) {
  for (int side : {3, 7, 4, 6}) {
    const roads::RoadGraph g = RandomGrid(20 + side, side);
    ExpectSameAsDijkstra(g, Build(g), /*pairs=*/0, 20 + side);
    if (HasFatalFailure()) return;
  }
}

TEST(ContractionTest, AnExpiredDeadlineStopsTheBuild) {
  const roads::RoadGraph g = RandomGrid(3, 7);
  auto h = BuildHierarchy(
      g, {}, [](std::string_view) {}, absl::InfinitePast());
  EXPECT_EQ(h.status().code(), absl::StatusCode::kDeadlineExceeded) << h.status();
}

TEST(ContractionTest, ValidateRefusesAnArcThatDoesNotLeadUp) {
  const roads::RoadGraph g = RandomGrid(2, 6);
  Hierarchy h = Build(g);
  ASSERT_TRUE((h.Validate(g.node_count())).ok()) << (h.Validate(g.node_count()));
  ASSERT_FALSE(h.up_head.empty());
  uint32_t r = 0;
  while (h.up_first[r + 1] == h.up_first[r]) ++r;
  h.up_head[h.up_first[r]] = r;  // a loop, not upward
  EXPECT_EQ(h.Validate(g.node_count()).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(Build(g).Validate(g.node_count() + 1).code(), absl::StatusCode::kDataLoss);
}

TEST(ContractionTest, ValidateRefusesDistanceKeysPartlyPresent) {
  const roads::RoadGraph g = RandomGrid(2, 6);
  const Hierarchy both = Build(g), time_only = Build(g, HierarchyMetrics::kTime);
  ASSERT_TRUE(time_only.Validate(g.node_count()).ok()) << time_only.Validate(g.node_count());
  Hierarchy h = both;
  h.up_distance_key.pop_back();  // one key short
  EXPECT_EQ(h.Validate(g.node_count()).code(), absl::StatusCode::kDataLoss);
  h = both;
  h.down_distance_key.clear();  // distance upward only
  EXPECT_EQ(h.Validate(g.node_count()).code(), absl::StatusCode::kDataLoss);
}

class ContractionRealDataTest : public testing::TestWithParam<const char*> {};

TEST_P(ContractionRealDataTest, RandomPairsBothMetrics) {
  auto profile = roads::SpeedProfile::Parse(roads::DefaultCarProfileCsv(), "car.csv");
  ASSERT_TRUE((profile.status()).ok()) << (profile.status());
  auto g = roads::ImportOsm(testing_util::DataDir() + "/roads/" + GetParam(), *profile);
  ASSERT_TRUE((g.status()).ok()) << (g.status());
  const Hierarchy h = Build(*g);
  ExpectSameAsDijkstra(*g, h, /*pairs=*/300, 42);
  if (HasFatalFailure()) return;
  const Hierarchy time_only = Build(*g, HierarchyMetrics::kTime);
  EXPECT_FALSE(time_only.Serves(Metric::kMeters));
  ExpectSameAsDijkstra(*g, time_only, /*pairs=*/300, 43);
  if (HasFatalFailure()) return;
  const Hierarchy lazy = Build(*g, HierarchyMetrics::kTimeAndDistance, /*lazy_priorities=*/true);
  ExpectSameAsDijkstra(*g, lazy, /*pairs=*/300, 44);
}

INSTANTIATE_TEST_SUITE_P(Extracts, ContractionRealDataTest,
                         testing::Values("honolulu-county-hi-2016.osm.pbf",
                                         "imperial-county-ca.osm.pbf", "yuba-county-ca.osm.pbf"));

}  // namespace
}  // namespace carereach::routing
