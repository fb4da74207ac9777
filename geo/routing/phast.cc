#include "geo/routing/phast.h"

#include <algorithm>
#include <atomic>
#include <memory>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_format.h"

namespace carereach::routing {
namespace {

// Ranks swept between two looks at the deadline.
constexpr uint32_t kSweepDeadlineStride = 65536;

// The arcs a sweep in `direction` reads at each rank: forward, the down arcs y -> x stored at x
// (from y); backward, the up arcs x -> y stored at x (from y).
struct SweepArcs {
  const uint32_t* first;
  const uint32_t* from;
  const RouteKey* key;
};
SweepArcs HierarchyArcs(const Hierarchy& h, Direction direction, Metric metric) {
  if (direction == Direction::kForward) {
    return {h.down_first.data(), h.down_tail.data(), h.down_key(metric).data()};
  }
  return {h.up_first.data(), h.up_head.data(), h.up_key(metric).data()};
}

// The sweep with source ids over `count` ids whose in-arcs are `arcs` (from a smaller id): label
// i = least (key, source) of init(i) and label(from) + key over its in-arcs; above `bound`
// (< kUnreached) it is unreached.
template <typename Init>
absl::Status SweepWithSources(uint32_t count, SweepArcs arcs, RouteKey bound, Init init,
                              Phast::Label* labels, const geo::Deadline& deadline) {
  for (uint32_t i = 0; i < count; ++i) {
    if (i % kSweepDeadlineStride == 0 && deadline.Stopped()) {
      return deadline.Error("hierarchy sweep", absl::StrFormat(" at %d of %d nodes", i, count));
    }
    Phast::Label best = init(i);
    for (uint32_t a = arcs.first[i], end = arcs.first[i + 1]; a < end; ++a) {
      const Phast::Label& t = labels[arcs.from[a]];
      const RouteKey k = t.key + arcs.key[a];
      if (k < best.key || (k == best.key && t.source < best.source)) best = {k, t.source};
    }
    if (best.key > bound) best = {kUnreached, -1};
    labels[i] = best;
  }
  return absl::OkStatus();
}

RouteKey FiniteBound(RouteKey bound_key) { return std::min(bound_key, kUnreached - 1); }

}  // namespace

// ---------------------------------------------------------------------------------------------
// TargetSelection

TargetSelection TargetSelection::Build(const Hierarchy& hierarchy,
                                       std::span<const uint32_t> target_nodes,
                                       Direction direction) {
  // A selection is typically tens to hundreds of times the targets: with targets beyond 1/256
  // of the graph a linear pass over byte marks is cheaper than a hash set and a sort.
  if (target_nodes.size() * 256 >= hierarchy.node_count()) {
    return BuildByScan(hierarchy, target_nodes, direction);
  }
  return BuildBySearch(hierarchy, target_nodes, direction);
}

TargetSelection TargetSelection::BuildByScan(const Hierarchy& hierarchy,
                                             std::span<const uint32_t> target_nodes,
                                             Direction direction) {
  const uint32_t n = hierarchy.node_count();
  std::vector<uint8_t> marked(n, 0);
  for (uint32_t node : target_nodes) {
    if (node < n) marked[hierarchy.rank_of_node[node]] = 1;
  }
  const SweepArcs arcs = HierarchyArcs(hierarchy, direction, Metric::kSeconds);
  size_t count = 0;
  for (uint32_t x = n; x-- > 0;) {
    if (!marked[x]) continue;
    ++count;
    for (uint32_t a = arcs.first[x], end = arcs.first[x + 1]; a < end; ++a)
      marked[arcs.from[a]] = 1;
  }
  std::vector<uint32_t> ranks;
  ranks.reserve(count);
  for (uint32_t x = 0; x < n; ++x) {
    if (marked[x]) ranks.push_back(x);
  }
  return FromRanks(hierarchy, std::move(ranks), direction);
}

TargetSelection TargetSelection::BuildBySearch(const Hierarchy& hierarchy,
                                               std::span<const uint32_t> target_nodes,
                                               Direction direction) {
  const uint32_t n = hierarchy.node_count();
  const SweepArcs arcs = HierarchyArcs(hierarchy, direction, Metric::kSeconds);
  absl::flat_hash_set<uint32_t> seen;
  std::vector<uint32_t> stack, ranks;
  for (uint32_t node : target_nodes) {
    if (node >= n) continue;
    const uint32_t r = hierarchy.rank_of_node[node];
    if (seen.insert(r).second) stack.push_back(r);
  }
  while (!stack.empty()) {
    const uint32_t x = stack.back();
    stack.pop_back();
    ranks.push_back(x);
    for (uint32_t a = arcs.first[x], end = arcs.first[x + 1]; a < end; ++a) {
      if (seen.insert(arcs.from[a]).second) stack.push_back(arcs.from[a]);
    }
  }
  std::sort(ranks.begin(), ranks.end());
  return FromRanks(hierarchy, std::move(ranks), direction);
}

TargetSelection TargetSelection::FromRanks(const Hierarchy& hierarchy, std::vector<uint32_t> ranks,
                                           Direction direction) {
  TargetSelection s;
  s.hierarchy_ = &hierarchy;
  s.direction_ = direction;
  s.rank_of_local_ = std::move(ranks);
  const uint32_t size = s.size();
  if (static_cast<uint64_t>(size) * 16 >= hierarchy.node_count()) {
    s.local_of_rank_.assign(hierarchy.node_count(), -1);
    for (uint32_t l = 0; l < size; ++l)
      s.local_of_rank_[s.rank_of_local_[l]] = static_cast<int32_t>(l);
  }
  const SweepArcs time = HierarchyArcs(hierarchy, direction, Metric::kSeconds);
  // A time-only hierarchy has no distance keys (and Phast/RphastBatch refuse distance on it).
  const bool with_distance = hierarchy.Serves(Metric::kMeters);
  const SweepArcs distance = HierarchyArcs(hierarchy, direction, Metric::kMeters);
  s.first_.reserve(size + 1);
  s.first_.push_back(0);
  for (uint32_t l = 0; l < size; ++l) {
    const uint32_t x = s.rank_of_local_[l];
    for (uint32_t a = time.first[x], end = time.first[x + 1]; a < end; ++a) {
      // Every tail of a selected node is selected (closure) and more important (a smaller local).
      s.from_.push_back(static_cast<uint32_t>(s.LocalOfRank(time.from[a])));
      s.time_key_.push_back(time.key[a]);
      if (with_distance) s.distance_key_.push_back(distance.key[a]);
    }
    s.first_.push_back(static_cast<uint32_t>(s.from_.size()));
  }
  return s;
}

int32_t TargetSelection::LocalOfRank(uint32_t rank) const {
  if (!local_of_rank_.empty()) return rank < local_of_rank_.size() ? local_of_rank_[rank] : -1;
  const auto it = std::lower_bound(rank_of_local_.begin(), rank_of_local_.end(), rank);
  if (it == rank_of_local_.end() || *it != rank) return -1;
  return static_cast<int32_t>(it - rank_of_local_.begin());
}

int32_t TargetSelection::LocalOf(uint32_t node) const {
  if (node >= hierarchy_->node_count()) return -1;
  return LocalOfRank(hierarchy_->rank_of_node[node]);
}

int64_t TargetSelection::MemoryBytes() const {
  return static_cast<int64_t>(
      rank_of_local_.capacity() * sizeof(uint32_t) + local_of_rank_.capacity() * sizeof(int32_t) +
      first_.capacity() * sizeof(uint32_t) + from_.capacity() * sizeof(uint32_t) +
      (time_key_.capacity() + distance_key_.capacity()) * sizeof(RouteKey));
}

// ---------------------------------------------------------------------------------------------
// Phast

Phast::Phast(const Hierarchy& hierarchy) : hierarchy_(&hierarchy) {}

Phast& Phast::ThreadLocal(const Hierarchy& hierarchy) {
  thread_local std::unique_ptr<Phast> cached;
  if (cached == nullptr || cached->hierarchy_ != &hierarchy) {
    cached = std::make_unique<Phast>(hierarchy);
  }
  return *cached;
}

absl::Status Phast::Run(std::span<const Seed> seeds, Direction direction, Metric metric,
                        RouteKey bound_key, const geo::Deadline& deadline) {
  const Hierarchy& h = *hierarchy_;
  selection_ = nullptr;
  labels_.resize(h.node_count());
  UpwardSearch& up = UpwardSearch::ThreadLocal(h);
  if (absl::Status s = up.Run(seeds, direction, metric, bound_key, deadline); !s.ok()) return s;
  return SweepWithSources(
      h.node_count(), HierarchyArcs(h, direction, metric), FiniteBound(bound_key),
      [&up](uint32_t rank) {
        return Label{up.key(rank), up.source(rank)};
      },
      labels_.data(), deadline);
}

absl::Status Phast::Run(const TargetSelection& selection, std::span<const Seed> seeds,
                        Direction direction, Metric metric, RouteKey bound_key,
                        const geo::Deadline& deadline) {
  const Hierarchy& h = *hierarchy_;
  selection_ = nullptr;
  if (&selection.hierarchy() != &h || selection.direction() != direction) {
    return absl::InvalidArgumentError(
        "hierarchy sweep: the target selection was built for another hierarchy or direction");
  }
  labels_.resize(selection.size());
  UpwardSearch& up = UpwardSearch::ThreadLocal(h);
  if (absl::Status s = up.Run(seeds, direction, metric, bound_key, deadline); !s.ok()) return s;
  const SweepArcs arcs{selection.first().data(), selection.from().data(),
                       selection.key(metric).data()};
  absl::Status s = SweepWithSources(
      selection.size(), arcs, FiniteBound(bound_key),
      [&up, &selection](uint32_t local) {
        const uint32_t rank = selection.rank(local);
        return Label{up.key(rank), up.source(rank)};
      },
      labels_.data(), deadline);
  if (s.ok()) selection_ = &selection;
  return s;
}

RouteKey Phast::key(uint32_t node) const {
  if (selection_ == nullptr) {
    return node < labels_.size() ? labels_[hierarchy_->rank_of_node[node]].key : kUnreached;
  }
  const int32_t local = selection_->LocalOf(node);
  return local < 0 ? kUnreached : labels_[local].key;
}

int32_t Phast::source(uint32_t node) const {
  if (selection_ == nullptr) {
    return node < labels_.size() ? labels_[hierarchy_->rank_of_node[node]].source : -1;
  }
  const int32_t local = selection_->LocalOf(node);
  return local < 0 ? -1 : labels_[local].source;
}

// ---------------------------------------------------------------------------------------------
// RphastBatch

RphastBatch::RphastBatch(const Hierarchy& hierarchy) : hierarchy_(&hierarchy) {}

RphastBatch& RphastBatch::ThreadLocal(const Hierarchy& hierarchy) {
  thread_local std::unique_ptr<RphastBatch> cached;
  if (cached == nullptr || cached->hierarchy_ != &hierarchy) {
    cached = std::make_unique<RphastBatch>(hierarchy);
  }
  return *cached;
}

namespace {

// The batched sweep: for every local l in order, row l = element-wise min of row l and
// row(from) + w over its in-arcs, then above `bound` -> kUnreached. Portable: fixed trip counts
// of kColumns, no branches.
void SweepColumnsPortable(uint32_t begin, uint32_t end, const uint32_t* first, const uint32_t* from,
                          const RouteKey* key, RouteKey bound, RouteKey* labels) {
  constexpr int kC = RphastBatch::kColumns;
  for (uint32_t l = begin; l < end; ++l) {
    RouteKey row[kC];
    RouteKey* out = labels + static_cast<size_t>(l) * kC;
    for (int c = 0; c < kC; ++c) row[c] = out[c];
    for (uint32_t a = first[l], a_end = first[l + 1]; a < a_end; ++a) {
      const RouteKey* tail = labels + static_cast<size_t>(from[a]) * kC;
      const RouteKey w = key[a];
      for (int c = 0; c < kC; ++c) {
        const RouteKey v = tail[c] + w;
        row[c] = v < row[c] ? v : row[c];
      }
    }
    for (int c = 0; c < kC; ++c) out[c] = row[c] > bound ? kUnreached : row[c];
  }
}

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
// The same with GCC vector extensions, two vectors of 4 keys per row (one 64-byte row), compiled
// for AVX-512, AVX2 and the baseline (target_clones picks one when the program starts; the build
// uses no -march). Unsigned 64-bit compares need AVX2 (vpcmpgtq with a bias) or AVX-512
// (vpminuq); the baseline clone is GCC's generic lowering of the same code.
typedef RouteKey KeyVector __attribute__((vector_size(32)));
static_assert(RphastBatch::kColumns == 8);

__attribute__((target_clones("avx512f", "avx2", "default"))) void SweepColumnsVector(
    uint32_t begin, uint32_t end, const uint32_t* first, const uint32_t* from, const RouteKey* key,
    RouteKey bound, RouteKey* labels) {
  const KeyVector unreached = {kUnreached, kUnreached, kUnreached, kUnreached};
  for (uint32_t l = begin; l < end; ++l) {
    RouteKey* out = labels + static_cast<size_t>(l) * 8;
    KeyVector lo, hi;
    __builtin_memcpy(&lo, out, sizeof(lo));
    __builtin_memcpy(&hi, out + 4, sizeof(hi));
    for (uint32_t a = first[l], a_end = first[l + 1]; a < a_end; ++a) {
      const RouteKey* tail = labels + static_cast<size_t>(from[a]) * 8;
      KeyVector tail_lo, tail_hi;
      __builtin_memcpy(&tail_lo, tail, sizeof(tail_lo));
      __builtin_memcpy(&tail_hi, tail + 4, sizeof(tail_hi));
      tail_lo += key[a];
      tail_hi += key[a];
      lo = tail_lo < lo ? tail_lo : lo;
      hi = tail_hi < hi ? tail_hi : hi;
    }
    lo = lo > bound ? unreached : lo;
    hi = hi > bound ? unreached : hi;
    __builtin_memcpy(out, &lo, sizeof(lo));
    __builtin_memcpy(out + 4, &hi, sizeof(hi));
  }
}
constexpr bool kHaveVectorSweep = true;
#else
void SweepColumnsVector(uint32_t begin, uint32_t end, const uint32_t* first, const uint32_t* from,
                        const RouteKey* key, RouteKey bound, RouteKey* labels) {
  SweepColumnsPortable(begin, end, first, from, key, bound, labels);
}
constexpr bool kHaveVectorSweep = false;
#endif

std::atomic<bool> portable_sweep_for_testing{false};

}  // namespace

absl::Status RphastBatch::Run(const TargetSelection& selection,
                              std::span<const std::span<const Seed>> sources, Direction direction,
                              Metric metric, RouteKey bound_key, const geo::Deadline& deadline) {
  const Hierarchy& h = *hierarchy_;
  selection_ = nullptr;
  if (&selection.hierarchy() != &h || selection.direction() != direction) {
    return absl::InvalidArgumentError(
        "hierarchy batch sweep: the target selection was built for another hierarchy or "
        "direction");
  }
  if (sources.size() > kColumns) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "hierarchy batch sweep: %d sources, at most %d per batch", sources.size(), kColumns));
  }
  const uint32_t size = selection.size();
  labels_.assign(static_cast<size_t>(size) * kColumns, kUnreached);
  UpwardSearch& up = UpwardSearch::ThreadLocal(h);
  for (size_t c = 0; c < sources.size(); ++c) {
    if (absl::Status s = up.Run(sources[c], direction, metric, bound_key, deadline); !s.ok()) {
      return s;
    }
    for (uint32_t rank : up.settled()) {
      const int32_t local = selection.LocalOfRank(rank);
      if (local >= 0) labels_[static_cast<size_t>(local) * kColumns + c] = up.key(rank);
    }
  }
  const RouteKey bound = FiniteBound(bound_key);
  const RouteKey* key = selection.key(metric).data();
  for (uint32_t begin = 0; begin < size; begin += kSweepDeadlineStride) {
    if (deadline.Stopped()) {
      return deadline.Error("hierarchy batch sweep",
                            absl::StrFormat(" at %d of %d nodes", begin, size));
    }
    const uint32_t end = std::min<uint32_t>(size, begin + kSweepDeadlineStride);
    if (kHaveVectorSweep && !portable_sweep_for_testing.load(std::memory_order_relaxed)) {
      SweepColumnsVector(begin, end, selection.first().data(), selection.from().data(), key, bound,
                         labels_.data());
    } else {
      SweepColumnsPortable(begin, end, selection.first().data(), selection.from().data(), key,
                           bound, labels_.data());
    }
  }
  selection_ = &selection;
  return absl::OkStatus();
}

void RphastBatch::UsePortableSweepForTesting(bool portable) {
  portable_sweep_for_testing.store(portable, std::memory_order_relaxed);
}

RouteKey RphastBatch::key(uint32_t target_node, int column) const {
  if (selection_ == nullptr) return kUnreached;
  const int32_t local = selection_->LocalOf(target_node);
  return local < 0 ? kUnreached : local_key(static_cast<uint32_t>(local), column);
}

}  // namespace carereach::routing
