// The hierarchy queries (UpwardSearch, Phast, TargetSelection, RphastBatch, ManyToMany) on the
// naive reference hierarchy (naive_hierarchy.h) and on the real builder's (BuildHierarchy) equal
// the reference Dijkstra exactly: the same RouteKey and source at every node, target and cell.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "geo/routing/bucket_table.h"
#include "geo/routing/ch_search.h"
#include "geo/routing/phast.h"
#include "gtest/gtest.h"
#include "tests/geo/roads/ascii_map.h"
#include "tests/geo/routing/ch_query_checks.h"
#include "tests/geo/routing/naive_hierarchy.h"

namespace carereach::routing {
namespace {

using testing_util::AsciiMap;

// Speeds from the maxspeed tag (km/h), for random networks.
class TagSpeeds : public roads::RoadGraphBuilder::SpeedSource {
 public:
  const std::string& name() const override { return name_; }
  double WaySpeedKph(const roads::RoadGraphBuilder::Tags& t) const override {
    return t.maxspeed.empty() ? 30 : std::stod(t.maxspeed);
  }

 private:
  std::string name_ = "tag-speeds";
};

// A w x h grid of OSM nodes ~80 m apart with jitter; each grid edge is present with p = 0.8 as
// its own way with a random speed (5..110 km/h), a fifth one-way either way; some nodes share
// the coordinates of their western neighbour (zero-length arcs); some edges are doubled with
// another speed (parallel arcs) and some diagonals are added.
roads::RoadGraph RandomGrid(uint64_t seed, int w, int h) {
  std::mt19937_64 rng(seed);
  TagSpeeds speeds;
  roads::RoadGraphBuilder builder(speeds);
  std::vector<roads::Coord> coords(w * h);
  const geo::LonLat origin{-157.85, 21.30};
  for (int r = 0; r < h; ++r) {
    for (int c = 0; c < w; ++c) {
      const double east = c * 80 + std::uniform_real_distribution<double>(-20, 20)(rng);
      const double north = r * 80 + std::uniform_real_distribution<double>(-20, 20)(rng);
      coords[r * w + c] =
          roads::Coord::From({origin.lon + east / 103000.0, origin.lat + north / 110574.0});
      if (c > 0 && rng() % 15 == 0) coords[r * w + c] = coords[r * w + c - 1];
    }
  }
  auto way = [&](int a, int b) {
    roads::RoadGraphBuilder::Tags tags;
    tags.highway = "primary";
    tags.maxspeed = std::to_string(5 + rng() % 106);
    const int oneway = static_cast<int>(rng() % 10);
    tags.oneway = oneway == 0 ? "yes" : oneway == 1 ? "-1" : "no";
    builder.CountWayRead();
    builder.AddWay({{.id = a + 1, .valid = true, .coord = coords[a]},
                    {.id = b + 1, .valid = true, .coord = coords[b]}},
                   tags);
  };
  for (int r = 0; r < h; ++r) {
    for (int c = 0; c < w; ++c) {
      const int v = r * w + c;
      if (c + 1 < w && rng() % 5 != 0) way(v, v + 1);
      if (r + 1 < h && rng() % 5 != 0) way(v, v + w);
      if (c + 1 < w && rng() % 20 == 0) way(v, v + 1);                   // parallel
      if (c + 1 < w && r + 1 < h && rng() % 12 == 0) way(v, v + w + 1);  // diagonal
    }
  }
  return std::move(builder).Build();
}

struct TestNetwork {
  std::string name;
  roads::RoadGraph graph;
  Hierarchy hierarchy;
};

std::vector<TestNetwork>& Networks() {
  static std::vector<TestNetwork>* networks = [] {
    auto* v = new std::vector<TestNetwork>();
    // Each graph with the naive reference hierarchy and (below) with the real builder's.
    std::vector<std::pair<std::string, roads::RoadGraph>> to_build;
    auto add = [&](std::string name, roads::RoadGraph g, uint64_t order_seed) {
      Hierarchy naive = testing_util::BuildNaiveHierarchy(g, order_seed);
      v->push_back({name + "/naive", g, std::move(naive)});
      if (order_seed > 1 && name.starts_with("ascii_grid")) return;  // one build per graph
      to_build.emplace_back(name + "/built", std::move(g));
    };
    {
      // A grid of equal blocks (exact ties everywhere), a one-way pair, a ferry and a motorway.
      AsciiMap map(R"(
a---b---c---d---e
|   |   |   |   |
f---g---h---i---j
|   |   |   |   |
k---l---m---n---o
|       |       |
p~~~~~~~q=======r
)",
                   100);
      map.Way("abcde", {.highway = "residential"});
      map.Way("fghij", {.highway = "residential"});
      map.Way("klmno", {.highway = "primary", .oneway = "yes"});
      map.Way("afkp", {.highway = "residential"});
      map.Way("bgl", {.highway = "residential"});
      map.Way("chmq", {.highway = "residential"});
      map.Way("din", {.highway = "residential", .oneway = "-1"});
      map.Way("ejor", {.highway = "residential"});
      map.Way("pq", {.route = "ferry"});
      map.Way("qr", {.highway = "motorway", .oneway = "no"});
      roads::RoadGraph g = map.Build();
      for (uint64_t order : {1, 2, 3}) add(absl::StrCat("ascii_grid/order", order), g, order);
    }
    {
      // Two islands, a dead end and a loop way.
      AsciiMap map(R"(
a-----b-----c     x---y
|     |           |   |
d-----e-----f     z---w
      |
      g--h
      |  |
      i--j
)",
                   50);
      map.Way("abc", {.highway = "primary"});
      map.Way("adef", {.highway = "residential"});
      map.Way("be", {.highway = "primary", .oneway = "yes"});
      map.Way("eg", {.highway = "residential"});
      map.Way("ghjig", {.highway = "residential", .oneway = "yes"});
      map.Way("xywzx", {.highway = "residential"});
      add("ascii_islands", map.Build(), 7);
    }
    for (uint64_t seed = 1; seed <= 7; ++seed) {
      const int w = 9 + static_cast<int>(seed), h = 19 - static_cast<int>(seed);
      add(absl::StrCat("grid/seed", seed), RandomGrid(seed, w, h), seed * 101);
    }
    add("grid/seed8", RandomGrid(8, 19, 15), 808);
    // Built after all the naive ones, in the order above (sizes up and down: each build gets
    // scratch of its own size).
    for (auto& [name, g] : to_build) {
      auto built = BuildHierarchy(g, ContractionParams(), [](std::string_view) {});
      EXPECT_TRUE(built.ok()) << name << ": " << built.status();
      if (built.ok()) v->push_back({name, std::move(g), *std::move(built)});
    }
    return v;
  }();
  return *networks;
}

TEST(NaiveHierarchyTest, NetworksAreNonTrivialAndArcsLeadToSmallerRanks) {
  for (const TestNetwork& net : Networks()) {
    const Hierarchy& h = net.hierarchy;
    SCOPED_TRACE(net.name);
    EXPECT_GE(net.graph.node_count(), 7u);
    std::printf("%s: %u nodes, %u arcs, %zu hierarchy arcs\n", net.name.c_str(),
                net.graph.node_count(), net.graph.arc_count(), h.arc_count());
    EXPECT_LE(net.graph.node_count(), 300u);
    ASSERT_EQ(h.node_count(), net.graph.node_count());
    EXPECT_TRUE(h.Validate(net.graph.node_count()).ok());
    for (uint32_t x = 0; x < h.node_count(); ++x) {
      EXPECT_EQ(h.rank_of_node[h.node_of_rank[x]], x);
      for (uint32_t a = h.up_first[x]; a < h.up_first[x + 1]; ++a) EXPECT_LT(h.up_head[a], x);
      for (uint32_t a = h.down_first[x]; a < h.down_first[x + 1]; ++a) {
        EXPECT_LT(h.down_tail[a], x);
      }
    }
    EXPECT_GE(h.arc_count(), net.graph.arc_count() / 2);
  }
}

TEST(ChQueryTest, PhastEqualsDijkstraAtEveryNode) {
  uint64_t seed = 1000;
  for (const TestNetwork& net : Networks()) {
    testing_util::CheckPhast(net.graph, net.hierarchy, net.name, ++seed, 40);
  }
}

TEST(ChQueryTest, RphastBatchEqualsDijkstraAtEveryTarget) {
  uint64_t seed = 2000;
  for (const TestNetwork& net : Networks()) {
    testing_util::CheckRphast(net.graph, net.hierarchy, net.name, ++seed, 10);
  }
}

TEST(ChQueryTest, RphastBatchPortableSweepEqualsDijkstraAtEveryTarget) {
  RphastBatch::UsePortableSweepForTesting(true);
  uint64_t seed = 2500;
  for (const TestNetwork& net : Networks()) {
    testing_util::CheckRphast(net.graph, net.hierarchy, net.name, ++seed, 5);
  }
  RphastBatch::UsePortableSweepForTesting(false);
}

TEST(ChQueryTest, ManyToManyEqualsDijkstraRowByRow) {
  uint64_t seed = 3000;
  for (const TestNetwork& net : Networks()) {
    testing_util::CheckManyToMany(net.graph, net.hierarchy, net.name, ++seed, 20, 7, 9);
    testing_util::CheckManyToMany(net.graph, net.hierarchy, net.name, ++seed, 2, 1, 1);
  }
}

TEST(ChQueryTest, EmptyMatricesAndSeedSets) {
  const TestNetwork& net = Networks().front();
  auto empty = ManyToMany(net.hierarchy, {}, {}, UINT64_MAX);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  Phast& phast = Phast::ThreadLocal(net.hierarchy);
  ASSERT_TRUE(phast.Run({}, Direction::kForward, Metric::kSeconds, UINT64_MAX).ok());
  for (uint32_t v = 0; v < net.graph.node_count(); ++v) {
    EXPECT_EQ(phast.key(v), kUnreached);
    EXPECT_EQ(phast.source(v), -1);
  }
}

TEST(ChQueryTest, SeedBeyondTheBoundReachesNothing) {
  const TestNetwork& net = Networks().front();
  const std::vector<Seed> seeds = {{.node = 0, .key = BoundKey(Metric::kSeconds, 10) + 1}};
  Phast& phast = Phast::ThreadLocal(net.hierarchy);
  ASSERT_TRUE(
      phast.Run(seeds, Direction::kForward, Metric::kSeconds, BoundKey(Metric::kSeconds, 10)).ok());
  EXPECT_EQ(phast.key(0), kUnreached);
}

TEST(ChQueryTest, SelectionOfAnotherDirectionIsRefused) {
  const TestNetwork& net = Networks().front();
  const std::vector<uint32_t> targets = {0, 1};
  const auto sel = TargetSelection::Build(net.hierarchy, targets, Direction::kForward);
  const std::vector<Seed> seeds = {{.node = 2}};
  const std::vector<std::span<const Seed>> sources = {seeds};
  EXPECT_EQ(Phast::ThreadLocal(net.hierarchy)
                .Run(sel, seeds, Direction::kBackward, Metric::kSeconds, UINT64_MAX)
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RphastBatch::ThreadLocal(net.hierarchy)
                .Run(sel, sources, Direction::kBackward, Metric::kSeconds, UINT64_MAX)
                .code(),
            absl::StatusCode::kInvalidArgument);
  const std::vector<std::span<const Seed>> nine(9, seeds);
  EXPECT_EQ(RphastBatch::ThreadLocal(net.hierarchy)
                .Run(sel, nine, Direction::kForward, Metric::kSeconds, UINT64_MAX)
                .code(),
            absl::StatusCode::kInvalidArgument);
}

// An expired deadline stops every query with DEADLINE_EXCEEDED, a cancelled call with CANCELLED.
TEST(ChQueryTest, StoppedDeadlinesStopEveryQuery) {
  const TestNetwork& net = Networks().back();
  const Hierarchy& h = net.hierarchy;
  const std::vector<Seed> seeds = {{.node = 0}, {.node = 3, .source = 1}};
  const std::vector<std::span<const Seed>> sources = {seeds, seeds};
  const std::vector<std::vector<Seed>> ends = {seeds, seeds};
  std::vector<uint32_t> all(net.graph.node_count());
  for (uint32_t v = 0; v < all.size(); ++v) all[v] = v;
  const auto sel = TargetSelection::Build(h, all, Direction::kForward);
  const geo::Deadline expired(absl::InfinitePast());
  const geo::Deadline cancelled(absl::InfiniteFuture(), [] { return true; });
  for (const auto& [deadline, code] : {std::pair{expired, absl::StatusCode::kDeadlineExceeded},
                                       std::pair{cancelled, absl::StatusCode::kCancelled}}) {
    EXPECT_EQ(UpwardSearch::ThreadLocal(h)
                  .Run(seeds, Direction::kForward, Metric::kSeconds, UINT64_MAX, deadline)
                  .code(),
              code);
    EXPECT_EQ(Phast::ThreadLocal(h)
                  .Run(seeds, Direction::kBackward, Metric::kMeters, UINT64_MAX, deadline)
                  .code(),
              code);
    EXPECT_EQ(Phast::ThreadLocal(h)
                  .Run(sel, seeds, Direction::kForward, Metric::kSeconds, UINT64_MAX, deadline)
                  .code(),
              code);
    EXPECT_EQ(RphastBatch::ThreadLocal(h)
                  .Run(sel, sources, Direction::kForward, Metric::kSeconds, UINT64_MAX, deadline)
                  .code(),
              code);
    EXPECT_EQ(ManyToMany(h, ends, ends, UINT64_MAX, deadline).status().code(), code);
  }
}

}  // namespace
}  // namespace carereach::routing
