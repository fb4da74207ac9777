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

uint32_t KeyBits(float key) {
  uint32_t bits;
  std::memcpy(&bits, &key, sizeof(bits));
  return bits;
}
float KeyValue(uint32_t bits) {
  float key;
  std::memcpy(&key, &bits, sizeof(key));
  return key;
}

}  // namespace

void Dijkstra::RadixHeap::Clear() {
  for (auto& b : buckets_) b.clear();
  last_ = 0;
  size_ = 0;
}

void Dijkstra::RadixHeap::Push(uint32_t key, uint32_t node) {
  buckets_[Bucket(key, last_)].emplace_back(key, node);
  ++size_;
}

std::pair<uint32_t, uint32_t> Dijkstra::RadixHeap::Pop() {
  if (buckets_[0].empty()) {
    int i = 1;
    while (buckets_[i].empty()) ++i;
    uint32_t least = UINT32_MAX;
    for (const auto& e : buckets_[i]) least = std::min(least, e.first);
    last_ = least;
    for (const auto& e : buckets_[i]) buckets_[Bucket(e.first, last_)].push_back(e);
    buckets_[i].clear();
  }
  const auto top = buckets_[0].back();
  buckets_[0].pop_back();
  --size_;
  return top;
}

Dijkstra::Dijkstra(const roads::RoadGraph& graph)
    : graph_(&graph), labels_(graph.node_count(), Label{0, 0, -1, 0}) {}

Dijkstra& Dijkstra::ThreadLocal(const roads::RoadGraph& graph) {
  thread_local std::unique_ptr<Dijkstra> cached;
  if (cached == nullptr || cached->graph_ != &graph ||
      cached->labels_.size() != graph.node_count()) {
    cached = std::make_unique<Dijkstra>(graph);
  }
  return *cached;
}

bool Dijkstra::Improve(uint32_t node, float cost, float other, int32_t source) {
  Label& l = labels_[node];
  if ((l.stamp >> 1) == generation_ && ((l.stamp & 1) || cost >= l.cost)) return false;
  l = {cost, other, source, generation_ << 1};
  heap_.Push(KeyBits(cost), node);
  return true;
}

absl::Status Dijkstra::Run(std::span<const Seed> seeds, Direction direction, Metric metric,
                           float bound, const geo::Deadline& deadline) {
  if (++generation_ >= (1u << 31)) {  // wrapped: old stamps could alias
    for (Label& l : labels_) l.stamp = 0;
    generation_ = 1;
  }
  heap_.Clear();
  settled_.clear();
  for (const Seed& s : seeds) {
    if (s.cost <= bound) Improve(s.node, s.cost, s.other, s.source);
  }
  const bool forward = direction == Direction::kForward;
  const bool seconds = metric == Metric::kSeconds;
  uint32_t pops = 0;
  while (!heap_.Empty()) {
    const auto [key, u] = heap_.Pop();
    Label& lu = labels_[u];
    if ((lu.stamp & 1) || KeyValue(key) > lu.cost) continue;  // stale entry
    lu.stamp |= 1;
    settled_.push_back(u);
    if (++pops % kDeadlineStride == 0 && deadline.Stopped()) {
      return deadline.Error("road search", absl::StrFormat(" after %d nodes", pops));
    }
    const float cu = lu.cost, ou = lu.other;
    const int32_t src = lu.source;
    for (const roads::Arc& a : forward ? graph_->OutArcs(u) : graph_->InArcs(u)) {
      const float c = cu + (seconds ? a.seconds : a.meters);
      if (c > bound) continue;
      Improve(a.head, c, ou + (seconds ? a.meters : a.seconds), src);
    }
  }
  return absl::OkStatus();
}

}  // namespace carereach::routing
