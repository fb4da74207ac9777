#ifndef CAREREACH_TESTS_GEO_ROUTING_NAIVE_HIERARCHY_H_
#define CAREREACH_TESTS_GEO_ROUTING_NAIVE_HIERARCHY_H_

#include <algorithm>
#include <cstdint>
#include <map>
#include <numeric>
#include <random>
#include <tuple>
#include <vector>

#include "geo/roads/road_graph.h"
#include "geo/routing/hierarchy.h"
#include "geo/routing/route_key.h"

namespace carereach::testing_util {

// A contraction hierarchy built the obviously right way, as the reference for the query tests:
// nodes are contracted in a fixed order (a permutation drawn from `seed`, the first one drawn the
// least important) WITHOUT witness searches, so every path u -> v -> w through a contracted v
// becomes an arc u -> w or lowers the existing one, each metric on its own (time keys and
// distance keys of route_key.h). Loops are dropped; parallel arcs keep the least key per metric.
// Quadratic or worse in the degree: for graphs of a few hundred nodes.
inline routing::Hierarchy BuildNaiveHierarchy(const roads::RoadGraph& graph, uint64_t seed) {
  using routing::RouteKey;
  struct Keys {
    RouteKey time;
    RouteKey distance;
  };
  const uint32_t n = graph.node_count();
  std::vector<std::map<uint32_t, Keys>> out(n), in(n);
  auto merge = [&](uint32_t u, uint32_t w, Keys k) {
    auto [it, inserted] = out[u].try_emplace(w, k);
    if (!inserted) {
      it->second.time = std::min(it->second.time, k.time);
      it->second.distance = std::min(it->second.distance, k.distance);
    }
    in[w][u] = it->second;
  };
  for (uint32_t u = 0; u < n; ++u) {
    for (const roads::Arc& a : graph.OutArcs(u)) {
      if (a.head == u) continue;
      merge(u, a.head,
            {routing::ArcKey(routing::Metric::kSeconds, a.seconds, a.meters),
             routing::ArcKey(routing::Metric::kMeters, a.seconds, a.meters)});
    }
  }
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);

  routing::Hierarchy h;
  h.rank_of_node.resize(n);
  h.node_of_rank.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t rank = n - 1 - i;
    h.rank_of_node[order[i]] = rank;
    h.node_of_rank[rank] = order[i];
  }
  // (rank of the other end, time key, distance key) per node, by rank.
  std::vector<std::vector<std::tuple<uint32_t, RouteKey, RouteKey>>> up(n), down(n);
  for (uint32_t v : order) {
    const uint32_t rv = h.rank_of_node[v];
    for (const auto& [w, k] : out[v]) up[rv].emplace_back(h.rank_of_node[w], k.time, k.distance);
    for (const auto& [u, k] : in[v]) down[rv].emplace_back(h.rank_of_node[u], k.time, k.distance);
    for (const auto& [u, ku] : in[v]) {
      for (const auto& [w, kw] : out[v]) {
        if (u != w) merge(u, w, {ku.time + kw.time, ku.distance + kw.distance});
      }
    }
    for (const auto& [u, k] : in[v]) out[u].erase(v);
    for (const auto& [w, k] : out[v]) in[w].erase(v);
    out[v].clear();
    in[v].clear();
  }
  h.up_first.push_back(0);
  h.down_first.push_back(0);
  for (uint32_t x = 0; x < n; ++x) {
    std::sort(up[x].begin(), up[x].end());
    std::sort(down[x].begin(), down[x].end());
    for (const auto& [y, t, d] : up[x]) {
      h.up_head.push_back(y);
      h.up_time_key.push_back(t);
      h.up_distance_key.push_back(d);
    }
    for (const auto& [y, t, d] : down[x]) {
      h.down_tail.push_back(y);
      h.down_time_key.push_back(t);
      h.down_distance_key.push_back(d);
    }
    h.up_first.push_back(static_cast<uint32_t>(h.up_head.size()));
    h.down_first.push_back(static_cast<uint32_t>(h.down_tail.size()));
  }
  return h;
}

}  // namespace carereach::testing_util

#endif  // CAREREACH_TESTS_GEO_ROUTING_NAIVE_HIERARCHY_H_
