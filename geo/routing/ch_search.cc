#include "geo/routing/ch_search.h"

#include <memory>

#include "absl/strings/str_format.h"

namespace carereach::routing {
namespace {

// Nodes settled between two looks at the deadline.
constexpr uint32_t kDeadlineStride = 1024;

}  // namespace

UpwardSearch::UpwardSearch(const Hierarchy& hierarchy)
    : hierarchy_(&hierarchy), labels_(hierarchy.node_count(), Label{0, -1, 0}) {}

UpwardSearch& UpwardSearch::ThreadLocal(const Hierarchy& hierarchy) {
  thread_local std::unique_ptr<UpwardSearch> cached;
  if (cached == nullptr || cached->hierarchy_ != &hierarchy ||
      cached->labels_.size() != hierarchy.node_count()) {
    cached = std::make_unique<UpwardSearch>(hierarchy);
  }
  return *cached;
}

bool UpwardSearch::Improve(uint32_t rank, RouteKey key, int32_t source) {
  Label& l = labels_[rank];
  if ((l.stamp >> 2) == generation_ &&
      ((l.stamp & 1) || key > l.key || (key == l.key && source >= l.source))) {
    return false;
  }
  l = {key, source, generation_ << 2};
  heap_.Push(key, rank);
  return true;
}

absl::Status UpwardSearch::Run(std::span<const Seed> seeds, Direction direction, Metric metric,
                               RouteKey bound_key, const geo::Deadline& deadline) {
  if (!hierarchy_->Serves(metric)) return NotServed("hierarchy search");
  if (++generation_ >= (1u << 30)) {  // wrapped: old stamps could alias
    for (Label& l : labels_) l.stamp = 0;
    generation_ = 1;
  }
  heap_.Clear();
  settled_.clear();
  if (deadline.Stopped()) return deadline.Error("hierarchy search");
  const Hierarchy& h = *hierarchy_;
  for (const Seed& s : seeds) {
    if (s.key <= bound_key && s.node < h.node_count()) {
      Improve(h.rank_of_node[s.node], s.key, s.source);
    }
  }
  const bool forward = direction == Direction::kForward;
  // Relaxed arcs (forward: up arcs x -> y at x; backward: down arcs y -> x at x, followed to y)
  // and stall arcs (the other set at x), as CSR over ranks.
  const uint32_t* relax_first = forward ? h.up_first.data() : h.down_first.data();
  const uint32_t* relax_to = forward ? h.up_head.data() : h.down_tail.data();
  const RouteKey* relax_key = (forward ? h.up_key(metric) : h.down_key(metric)).data();
  const uint32_t* stall_first = forward ? h.down_first.data() : h.up_first.data();
  const uint32_t* stall_from = forward ? h.down_tail.data() : h.up_head.data();
  const RouteKey* stall_key = (forward ? h.down_key(metric) : h.up_key(metric)).data();
  uint32_t pops = 0;
  while (!heap_.Empty()) {
    const auto [key, x] = heap_.Pop();
    Label& lx = labels_[x];
    if ((lx.stamp & 1) || key > lx.key) continue;  // stale entry
    lx.stamp |= 1;
    settled_.push_back(x);
    if (++pops % kDeadlineStride == 0 && deadline.Stopped()) {
      return deadline.Error("hierarchy search", absl::StrFormat(" after %d nodes", pops));
    }
    const RouteKey kx = lx.key;
    bool stall = false;
    for (uint32_t a = stall_first[x], end = stall_first[x + 1]; a < end; ++a) {
      const Label& ly = labels_[stall_from[a]];
      if ((ly.stamp >> 2) == generation_ && ly.key + stall_key[a] < kx) {
        stall = true;
        break;
      }
    }
    if (stall) {
      lx.stamp |= 2;
      continue;
    }
    const int32_t src = lx.source;
    for (uint32_t a = relax_first[x], end = relax_first[x + 1]; a < end; ++a) {
      const RouteKey k = kx + relax_key[a];
      if (k > bound_key) continue;
      Improve(relax_to[a], k, src);
    }
  }
  return absl::OkStatus();
}

}  // namespace carereach::routing
