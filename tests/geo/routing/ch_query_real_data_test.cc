// The hierarchy queries on the real builder (BuildHierarchy) and the three real OpenStreetMap
// extracts equal the reference Dijkstra exactly (RouteKey and source): PHAST from random
// multi-source seed sets at every node, RPHAST batches at every target of random target sets,
// bucket matrices cell by cell. Fixed seeds, named in every failure message.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

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

// Imports all three extracts and builds their hierarchies on first use, largest graph first.
// WORKAROUND: BuildHierarchy's per-thread witness scratch is reused when a later build's
// Contractor lands at the same address whatever its node count (contraction.cc, ForEach:
// `owner != this`), so building a larger graph after a smaller one in one process runs past the
// scratch. Remove (and load only the extract asked for) once that is fixed.
const Loaded& Load(const Extract& e) {
  static auto* cache = [] {
    auto* c = new std::map<std::string, std::unique_ptr<Loaded>>();
    auto profile = roads::SpeedProfile::Parse(roads::DefaultCarProfileCsv(), "car.csv");
    EXPECT_TRUE(profile.ok());
    std::vector<std::pair<std::string, std::unique_ptr<Loaded>>> loaded;
    for (const Extract& x : kExtracts) {
      auto graph = roads::ImportOsm(testing_util::DataDir() + "/roads/" + x.file, *profile);
      EXPECT_TRUE(graph.ok()) << graph.status();
      auto l = std::make_unique<Loaded>();
      if (graph.ok()) l->graph = *std::move(graph);
      loaded.emplace_back(x.name, std::move(l));
    }
    std::sort(loaded.begin(), loaded.end(), [](const auto& a, const auto& b) {
      return a.second->graph.node_count() > b.second->graph.node_count();
    });
    for (auto& [name, l] : loaded) {
      auto h = BuildHierarchy(l->graph, ContractionParams(), [](std::string_view) {});
      EXPECT_TRUE(h.ok()) << name << ": " << h.status();
      if (h.ok()) l->hierarchy = *std::move(h);
      c->emplace(name, std::move(l));
    }
    return c;
  }();
  return *cache->at(e.name);
}

// One test per property over all three extracts (not one per extract: each test process builds
// all three hierarchies, see Load()).

// 200 random seed sets per extract (50 trials x 2 directions x 2 metrics), every node compared.
TEST(ChQueryRealDataTest, PhastEqualsDijkstraAtEveryNode) {
  for (const Extract& e : kExtracts) {
    const Loaded& l = Load(e);
    ASSERT_EQ(l.hierarchy.node_count(), l.graph.node_count()) << e.name;
    ASSERT_TRUE(l.hierarchy.Validate(l.graph.node_count()).ok()) << e.name;
    testing_util::CheckPhast(l.graph, l.hierarchy, e.name, e.seed, 50);
  }
}

// Per extract 24 target sets (3 trials x sizes 1, 10, n/3, n x 2 directions) with batches of
// 1..8 sources, plus 8 sets of 1,000 targets.
TEST(ChQueryRealDataTest, RphastBatchEqualsDijkstraAtEveryTarget) {
  for (const Extract& e : kExtracts) {
    const Loaded& l = Load(e);
    testing_util::CheckRphast(l.graph, l.hierarchy, e.name, e.seed + 1, 3);
    testing_util::CheckRphast(l.graph, l.hierarchy, e.name, e.seed + 2, 4, {1000});
  }
}

// Per extract 5 random 30 x 30 matrices (multi-seed origins and destinations), cell by cell.
TEST(ChQueryRealDataTest, ManyToManyEqualsDijkstraRowByRow) {
  for (const Extract& e : kExtracts) {
    const Loaded& l = Load(e);
    testing_util::CheckManyToMany(l.graph, l.hierarchy, e.name, e.seed + 3, 5, 30, 30);
  }
}

}  // namespace
}  // namespace carereach::routing
