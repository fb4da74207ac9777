#ifndef CAREREACH_TESTS_GEO_ROUTING_CH_QUERY_CHECKS_H_
#define CAREREACH_TESTS_GEO_ROUTING_CH_QUERY_CHECKS_H_

// Property checks of the hierarchy queries (ch_search, phast, bucket_table) against the
// reference Dijkstra, exact on RouteKey and source. Shared by the tests on the naive reference
// hierarchy and on the real builder. Every check draws its cases from a seeded generator and
// names the seed, graph and case in its failure messages.

#include <algorithm>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "geo/roads/road_graph.h"
#include "geo/routing/bucket_table.h"
#include "geo/routing/ch_search.h"
#include "geo/routing/dijkstra.h"
#include "geo/routing/hierarchy.h"
#include "geo/routing/phast.h"
#include "geo/routing/route_key.h"
#include "gtest/gtest.h"

namespace carereach::testing_util {

struct ReferenceLabels {
  std::vector<routing::RouteKey> key;
  std::vector<int32_t> source;
};

inline ReferenceLabels RunDijkstra(const roads::RoadGraph& graph,
                                   std::span<const routing::Seed> seeds,
                                   routing::Direction direction, routing::Metric metric,
                                   routing::RouteKey bound) {
  routing::Dijkstra& d = routing::Dijkstra::ThreadLocal(graph);
  EXPECT_TRUE(d.Run(seeds, direction, metric, bound).ok());
  ReferenceLabels r;
  r.key.resize(graph.node_count());
  r.source.resize(graph.node_count());
  for (uint32_t v = 0; v < graph.node_count(); ++v) {
    r.key[v] = d.key(v);
    r.source[v] = d.source(v);
  }
  return r;
}

inline const char* Name(routing::Direction d) {
  return d == routing::Direction::kForward ? "forward" : "backward";
}
inline const char* Name(routing::Metric m) {
  return m == routing::Metric::kSeconds ? "time" : "distance";
}

// Random seeds: 1..max_seeds nodes (repeats allowed), offsets in the metric's key (zero in a
// third of the cases so that exact ties between sources are common), sources in [0, 4).
inline std::vector<routing::Seed> RandomSeeds(std::mt19937_64& rng, uint32_t node_count,
                                              routing::Metric metric, int max_seeds) {
  std::vector<routing::Seed> seeds(std::uniform_int_distribution<int>(1, max_seeds)(rng));
  for (routing::Seed& s : seeds) {
    s.node = std::uniform_int_distribution<uint32_t>(0, node_count - 1)(rng);
    if (rng() % 3 != 0) {
      s.key = routing::KeyOf(metric, std::uniform_real_distribution<double>(0, 60)(rng),
                             std::uniform_real_distribution<double>(0, 500)(rng));
    }
    s.source = static_cast<int32_t>(rng() % 4);
  }
  if (seeds.size() >= 2 && rng() % 4 == 0) {  // the same node and key from two sources
    seeds[1].node = seeds[0].node;
    seeds[1].key = seeds[0].key;
  }
  return seeds;
}

// Unbounded, or bounded at the key of a random reached node (exactly, so the inclusive bound is
// exercised), or at a BoundKey of a random time.
inline routing::RouteKey RandomBound(std::mt19937_64& rng, const ReferenceLabels& unbounded,
                                     routing::Metric metric) {
  switch (rng() % 3) {
    case 0:
      return UINT64_MAX;
    case 1: {
      std::vector<routing::RouteKey> reached;
      for (routing::RouteKey k : unbounded.key) {
        if (k < routing::kUnreached) reached.push_back(k);
      }
      if (reached.empty()) return UINT64_MAX;
      return reached[rng() % reached.size()];
    }
    default:
      return routing::BoundKey(metric, std::uniform_real_distribution<double>(0, 600)(rng));
  }
}

// PHAST (and the upward search's labels as upper bounds) == Dijkstra at every node.
inline void CheckPhast(const roads::RoadGraph& graph, const routing::Hierarchy& h,
                       const std::string& name, uint64_t seed, int trials) {
  std::mt19937_64 rng(seed);
  routing::Phast& phast = routing::Phast::ThreadLocal(h);
  routing::UpwardSearch& up = routing::UpwardSearch::ThreadLocal(h);
  for (int t = 0; t < trials; ++t) {
    for (auto direction : {routing::Direction::kForward, routing::Direction::kBackward}) {
      for (auto metric : {routing::Metric::kSeconds, routing::Metric::kMeters}) {
        const auto seeds = RandomSeeds(rng, graph.node_count(), metric, 4);
        const ReferenceLabels unbounded = RunDijkstra(graph, seeds, direction, metric, UINT64_MAX);
        const routing::RouteKey bound = RandomBound(rng, unbounded, metric);
        const ReferenceLabels want = RunDijkstra(graph, seeds, direction, metric, bound);
        const std::string what = absl::StrFormat("%s seed %d trial %d %s %s bound %#x", name, seed,
                                                 t, Name(direction), Name(metric), bound);
        ASSERT_TRUE(phast.Run(seeds, direction, metric, bound).ok()) << what;
        int mismatches = 0;
        for (uint32_t v = 0; v < graph.node_count() && mismatches < 5; ++v) {
          if (phast.key(v) != want.key[v] || phast.source(v) != want.source[v]) {
            ++mismatches;
            ADD_FAILURE() << what << ": node " << v << " phast (" << phast.key(v) << ", "
                          << phast.source(v) << ") dijkstra (" << want.key[v] << ", "
                          << want.source[v] << ")";
          }
        }
        // The upward search alone: every label is the key of a real route (an upper bound), and
        // a node is labelled only within the bound.
        ASSERT_TRUE(up.Run(seeds, direction, metric, bound).ok()) << what;
        for (uint32_t rank : up.settled()) {
          const uint32_t v = h.node_of_rank[rank];
          ASSERT_GE(up.key(rank), want.key[v]) << what << " node " << v;
          ASSERT_LE(up.key(rank), bound) << what << " node " << v;
        }
      }
    }
  }
}

inline std::vector<uint32_t> RandomTargets(std::mt19937_64& rng, uint32_t node_count,
                                           uint32_t count) {
  std::vector<uint32_t> all(node_count);
  for (uint32_t v = 0; v < node_count; ++v) all[v] = v;
  std::shuffle(all.begin(), all.end(), rng);
  all.resize(std::min(count, node_count));
  return all;
}

// A selection holds every target, is closed under the sweep's in-arcs, and both builders agree.
inline void CheckSelection(const routing::Hierarchy& h, const routing::TargetSelection& sel,
                           std::span<const uint32_t> targets, const std::string& what) {
  for (uint32_t t : targets) {
    ASSERT_GE(sel.LocalOf(t), 0) << what << " target " << t;
  }
  for (uint32_t l = 0; l < sel.size(); ++l) {
    ASSERT_EQ(sel.LocalOf(sel.node(l)), static_cast<int32_t>(l)) << what;
    if (l > 0) {
      ASSERT_LT(sel.rank(l - 1), sel.rank(l)) << what;
    }
    const uint32_t x = sel.rank(l);
    const bool forward = sel.direction() == routing::Direction::kForward;
    const uint32_t begin = forward ? h.down_first[x] : h.up_first[x];
    const uint32_t end = forward ? h.down_first[x + 1] : h.up_first[x + 1];
    ASSERT_EQ(sel.first()[l + 1] - sel.first()[l], end - begin) << what;
    for (uint32_t a = begin; a < end; ++a) {
      const uint32_t from = forward ? h.down_tail[a] : h.up_head[a];
      ASSERT_GE(sel.LocalOfRank(from), 0) << what << " not closed at rank " << from;
    }
  }
}

// RPHAST: k = 1..8 single sources at once == k Dijkstras at every target, over target sets of
// size 1, 10, a third and all nodes, from both selection builders; and Phast over a selection
// with source ids == Dijkstra at every target.
inline void CheckRphast(const roads::RoadGraph& graph, const routing::Hierarchy& h,
                        const std::string& name, uint64_t seed, int trials,
                        std::vector<uint32_t> target_counts = {}) {
  std::mt19937_64 rng(seed);
  const uint32_t n = graph.node_count();
  if (target_counts.empty()) target_counts = {1, 10, std::max(1u, n / 3), n};
  routing::RphastBatch& batch = routing::RphastBatch::ThreadLocal(h);
  routing::Phast& phast = routing::Phast::ThreadLocal(h);
  for (int t = 0; t < trials; ++t) {
    for (uint32_t count : target_counts) {
      for (auto direction : {routing::Direction::kForward, routing::Direction::kBackward}) {
        const auto targets = RandomTargets(rng, n, count);
        const auto by_scan = routing::TargetSelection::BuildByScan(h, targets, direction);
        const auto by_search = routing::TargetSelection::BuildBySearch(h, targets, direction);
        const std::string base = absl::StrFormat("%s seed %d trial %d targets %d %s", name, seed, t,
                                                 count, Name(direction));
        CheckSelection(h, by_scan, targets, base + " scan");
        CheckSelection(h, by_search, targets, base + " search");
        ASSERT_EQ(by_scan.size(), by_search.size()) << base;
        for (uint32_t l = 0; l < by_scan.size(); ++l) {
          ASSERT_EQ(by_scan.rank(l), by_search.rank(l)) << base;
        }
        const routing::TargetSelection& sel = (t + count) % 2 ? by_scan : by_search;
        const auto metric = rng() % 2 ? routing::Metric::kSeconds : routing::Metric::kMeters;
        const int k = 1 + static_cast<int>(rng() % routing::RphastBatch::kColumns);
        std::vector<std::vector<routing::Seed>> sources(k);
        for (auto& s : sources) s = RandomSeeds(rng, n, metric, 2);
        const ReferenceLabels first = RunDijkstra(graph, sources[0], direction, metric, UINT64_MAX);
        const routing::RouteKey bound = RandomBound(rng, first, metric);
        const std::string what =
            absl::StrFormat("%s k %d %s bound %#x", base, k, Name(metric), bound);
        std::vector<std::span<const routing::Seed>> spans(sources.begin(), sources.end());
        ASSERT_TRUE(batch.Run(sel, spans, direction, metric, bound).ok()) << what;
        int mismatches = 0;
        for (int c = 0; c < k; ++c) {
          const ReferenceLabels want = RunDijkstra(graph, sources[c], direction, metric, bound);
          for (uint32_t target : targets) {
            if (batch.key(target, c) != want.key[target] && ++mismatches <= 5) {
              ADD_FAILURE() << what << " column " << c << " target " << target << ": rphast "
                            << batch.key(target, c) << " dijkstra " << want.key[target];
            }
          }
        }
        // One multi-source sweep with source ids over the same selection.
        std::vector<routing::Seed> all;
        for (const auto& s : sources) all.insert(all.end(), s.begin(), s.end());
        const ReferenceLabels want = RunDijkstra(graph, all, direction, metric, bound);
        ASSERT_TRUE(phast.Run(sel, all, direction, metric, bound).ok()) << what;
        for (uint32_t target : targets) {
          if ((phast.key(target) != want.key[target] ||
               phast.source(target) != want.source[target]) &&
              ++mismatches <= 5) {
            ADD_FAILURE() << what << " multi-source target " << target << ": (" << phast.key(target)
                          << ", " << phast.source(target) << ") dijkstra (" << want.key[target]
                          << ", " << want.source[target] << ")";
          }
        }
      }
    }
  }
}

// ManyToMany == one Dijkstra per origin, cell = least Dijkstra key(entry) + entry key.
inline void CheckManyToMany(const roads::RoadGraph& graph, const routing::Hierarchy& h,
                            const std::string& name, uint64_t seed, int trials, int rows,
                            int columns) {
  std::mt19937_64 rng(seed);
  const uint32_t n = graph.node_count();
  for (int t = 0; t < trials; ++t) {
    const auto metric = t % 3 == 2 ? routing::Metric::kMeters : routing::Metric::kSeconds;
    std::vector<std::vector<routing::Seed>> origins(rows), destinations(columns);
    for (auto& o : origins) o = RandomSeeds(rng, n, metric, 3);
    for (auto& d : destinations) d = RandomSeeds(rng, n, metric, 3);
    if (rows > 1) origins[1].clear();  // an unsnapped origin reaches nothing
    const ReferenceLabels first =
        RunDijkstra(graph, origins[0], routing::Direction::kForward, metric, UINT64_MAX);
    const routing::RouteKey bound = RandomBound(rng, first, metric);
    const std::string what = absl::StrFormat("%s seed %d trial %d %dx%d %s bound %#x", name, seed,
                                             t, rows, columns, Name(metric), bound);
    auto table = routing::ManyToMany(h, origins, destinations, bound, {}, metric);
    ASSERT_TRUE(table.ok()) << what << ": " << table.status();
    ASSERT_EQ(table->size(), static_cast<size_t>(rows) * columns) << what;
    int mismatches = 0;
    for (int i = 0; i < rows; ++i) {
      const ReferenceLabels row =
          RunDijkstra(graph, origins[i], routing::Direction::kForward, metric, bound);
      for (int j = 0; j < columns; ++j) {
        routing::RouteKey want = routing::kUnreached;
        for (const routing::Seed& e : destinations[j]) {
          if (row.key[e.node] < routing::kUnreached) want = std::min(want, row.key[e.node] + e.key);
        }
        if (want > bound) want = routing::kUnreached;
        if ((*table)[i * columns + j] != want && ++mismatches <= 5) {
          ADD_FAILURE() << what << " cell " << i << "," << j << ": buckets "
                        << (*table)[i * columns + j] << " dijkstra " << want;
        }
      }
    }
  }
}

}  // namespace carereach::testing_util

#endif  // CAREREACH_TESTS_GEO_ROUTING_CH_QUERY_CHECKS_H_
