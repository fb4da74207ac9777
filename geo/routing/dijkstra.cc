#include "geo/routing/dijkstra.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace carereach::routing {
namespace {

// Nodes settled between two looks at the deadline (well under a millisecond of work).
constexpr uint32_t kDeadlineStride = 1024;

}  // namespace

Dijkstra::Dijkstra(const roads::RoadGraph& graph)
    : graph_(&graph), labels_(graph.node_count(), Label{0, -1, 0}) {}

Dijkstra& Dijkstra::ThreadLocal(const roads::RoadGraph& graph) {
  thread_local std::unique_ptr<Dijkstra> cached;
  if (cached == nullptr || cached->graph_ != &graph ||
      cached->labels_.size() != graph.node_count()) {
    cached = std::make_unique<Dijkstra>(graph);
  }
  return *cached;
}

bool Dijkstra::Improve(uint32_t node, RouteKey key, int32_t source) {
  Label& l = labels_[node];
  if ((l.stamp >> 1) == generation_ &&
      ((l.stamp & 1) || key > l.key || (key == l.key && source >= l.source))) {
    return false;
  }
  l = {key, source, generation_ << 1};
  heap_.Push(key, node);
  return true;
}

absl::Status Dijkstra::Run(std::span<const Seed> seeds, Direction direction, Metric metric,
                           RouteKey bound_key, const geo::Deadline& deadline) {
  if (++generation_ >= (1u << 31)) {  // wrapped: old stamps could alias
    for (Label& l : labels_) l.stamp = 0;
    generation_ = 1;
  }
  heap_.Clear();
  settled_.clear();
  for (const Seed& s : seeds) {
    if (s.key <= bound_key) Improve(s.node, s.key, s.source);
  }
  const bool forward = direction == Direction::kForward;
  uint32_t pops = 0;
  while (!heap_.Empty()) {
    const auto [key, u] = heap_.Pop();
    Label& lu = labels_[u];
    if ((lu.stamp & 1) || key > lu.key) continue;  // stale entry
    lu.stamp |= 1;
    settled_.push_back(u);
    if (++pops % kDeadlineStride == 0 && deadline.Stopped()) {
      return deadline.Error("road search", absl::StrFormat(" after %d nodes", pops));
    }
    const RouteKey ku = lu.key;
    const int32_t src = lu.source;
    for (const roads::Arc& a : forward ? graph_->OutArcs(u) : graph_->InArcs(u)) {
      const RouteKey k = ku + ArcKey(metric, a.seconds, a.meters);
      if (k > bound_key) continue;
      Improve(a.head, k, src);
    }
  }
  return absl::OkStatus();
}

}  // namespace carereach::routing
