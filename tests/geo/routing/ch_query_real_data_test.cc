// The hierarchy queries on the real builder (BuildHierarchy) and the three real OpenStreetMap
// extracts equal the reference Dijkstra exactly (RouteKey and source): PHAST from random
// multi-source seed sets at every node, RPHAST batches at every target of random target sets,
// bucket matrices cell by cell. Fixed seeds, named in every failure message.
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "geo/roads/osm_import.h"
#include "geo/roads/speed_profile.h"
#include "geo/routing/hierarchy.h"
#include "gtest/gtest.h"
#include "tests/data_dir.h"
#include "tests/geo/routing/ch_query_checks.h"

namespace carereach::routing {
namespace {

struct Extract {
  const char* name;
  const char* file;
  uint64_t seed;
};

struct Loaded {
  roads::RoadGraph graph;
  Hierarchy hierarchy;
};

const Extract kExtracts[] = {{"honolulu", "honolulu-county-hi-2016.osm.pbf", 15003},
                             {"imperial", "imperial-county-ca.osm.pbf", 6025},
                             {"yuba", "yuba-county-ca.osm.pbf", 6115}};

// The extract's graph and hierarchy, imported and built once per process.
const Loaded& Load(const Extract& e) {
  static auto* cache = new std::map<std::string, std::unique_ptr<Loaded>>();
  auto it = cache->find(e.name);
  if (it != cache->end()) return *it->second;
  auto profile = roads::SpeedProfile::Parse(roads::DefaultCarProfileCsv(), "car.csv");
  EXPECT_TRUE(profile.ok());
  auto l = std::make_unique<Loaded>();
  auto graph = roads::ImportOsm(testing_util::DataDir() + "/roads/" + e.file, *profile);
  EXPECT_TRUE(graph.ok()) << e.name << ": " << graph.status();
  if (graph.ok()) l->graph = *std::move(graph);
  auto h = BuildHierarchy(l->graph, ContractionParams(), [](std::string_view) {});
  EXPECT_TRUE(h.ok()) << e.name << ": " << h.status();
  if (h.ok()) l->hierarchy = *std::move(h);
  return *cache->emplace(e.name, std::move(l)).first->second;
}

class ChQueryRealDataTest : public testing::TestWithParam<Extract> {};

// 200 random seed sets (50 trials x 2 directions x 2 metrics), every node compared.
TEST_P(ChQueryRealDataTest, PhastEqualsDijkstraAtEveryNode) {
  const Extract& e = GetParam();
  const Loaded& l = Load(e);
  ASSERT_GT(l.graph.node_count(), 1000u);
  ASSERT_EQ(l.hierarchy.node_count(), l.graph.node_count());
  ASSERT_TRUE(l.hierarchy.Validate(l.graph.node_count()).ok());
  testing_util::CheckPhast(l.graph, l.hierarchy, e.name, e.seed, 50);
}

// 24 target sets (3 trials x sizes 1, 10, n/3, n x 2 directions) with batches of 1..8 sources,
// plus 8 sets of 1,000 targets.
TEST_P(ChQueryRealDataTest, RphastBatchEqualsDijkstraAtEveryTarget) {
  const Extract& e = GetParam();
  const Loaded& l = Load(e);
  ASSERT_GT(l.graph.node_count(), 1000u);
  testing_util::CheckRphast(l.graph, l.hierarchy, e.name, e.seed + 1, 3);
  testing_util::CheckRphast(l.graph, l.hierarchy, e.name, e.seed + 2, 4, {1000});
}

// 5 random 30 x 30 matrices (multi-seed origins and destinations), cell by cell.
TEST_P(ChQueryRealDataTest, ManyToManyEqualsDijkstraRowByRow) {
  const Extract& e = GetParam();
  const Loaded& l = Load(e);
  ASSERT_GT(l.graph.node_count(), 1000u);
  testing_util::CheckManyToMany(l.graph, l.hierarchy, e.name, e.seed + 3, 5, 30, 30);
}

INSTANTIATE_TEST_SUITE_P(Extracts, ChQueryRealDataTest, testing::ValuesIn(kExtracts),
                         [](const testing::TestParamInfo<Extract>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace carereach::routing
