#include "geo/routing/dijkstra.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace carereach::routing {
namespace {

constexpr uint32_t kDeadlineStride = 4096;

// Min-heap order on keys.
bool Later(const auto& a, const auto& b) { return a.key > b.key; }

}  // namespace

Dijkstra::Dijkstra(const roads::RoadGraph& graph)
    : graph_(&graph),
      stamp_(graph.node_count(), 0),
      cost_(graph.node_count()),
      other_(graph.node_count()),
      source_(graph.node_count()),
      done_(graph.node_count()) {}

Dijkstra& Dijkstra::ThreadLocal(const roads::RoadGraph& graph) {
  thread_local std::unique_ptr<Dijkstra> cached;
  if (cached == nullptr || cached->graph_ != &graph ||
      cached->stamp_.size() != graph.node_count()) {
    cached = std::make_unique<Dijkstra>(graph);
  }
  return *cached;
}

bool Dijkstra::Improve(uint32_t node, float cost, float other, int32_t source) {
  if (stamp_[node] != generation_) {
    stamp_[node] = generation_;
    done_[node] = 0;
  } else if (done_[node] || cost >= cost_[node]) {
    return false;
  }
  cost_[node] = cost;
  other_[node] = other;
  source_[node] = source;
  heap_.push_back({cost, node});
  std::push_heap(heap_.begin(), heap_.end(), [](const auto& a, const auto& b) { return Later(a, b); });
  return true;
}

absl::Status Dijkstra::Run(std::span<const Seed> seeds, Direction direction, Metric metric,
                           float bound, absl::Time deadline) {
  if (++generation_ == 0) {  // wrapped: old stamps could alias
    std::fill(stamp_.begin(), stamp_.end(), 0);
    generation_ = 1;
  }
  heap_.clear();
  settled_.clear();
  for (const Seed& s : seeds) {
    if (s.cost <= bound) Improve(s.node, s.cost, s.other, s.source);
  }
  const bool forward = direction == Direction::kForward;
  const bool seconds = metric == Metric::kSeconds;
  const auto later = [](const HeapEntry& a, const HeapEntry& b) { return Later(a, b); };
  uint32_t pops = 0;
  while (!heap_.empty()) {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    const HeapEntry top = heap_.back();
    heap_.pop_back();
    const uint32_t u = top.node;
    if (done_[u] || top.key > cost_[u]) continue;  // stale entry
    done_[u] = 1;
    settled_.push_back(u);
    if (++pops % kDeadlineStride == 0 && absl::Now() > deadline) {
      return absl::DeadlineExceededError(
          absl::StrFormat("road search stopped at the deadline after %d nodes", pops));
    }
    const float cu = cost_[u], ou = other_[u];
    const int32_t src = source_[u];
    for (const roads::Arc& a : forward ? graph_->OutArcs(u) : graph_->InArcs(u)) {
      const float c = cu + (seconds ? a.seconds : a.meters);
      if (c > bound) continue;
      Improve(a.head, c, ou + (seconds ? a.meters : a.seconds), src);
    }
  }
  return absl::OkStatus();
}

}  // namespace carereach::routing
