// Contraction of a road graph into a dual-metric hierarchy (hierarchy.h).
//
// Rounds: every remaining node gets a priority (edge-difference and hop quotients plus depth, the
// weights OSRM uses); the nodes whose (priority, hash) is smaller than every neighbour's form an
// independent set (no two adjacent) and are contracted together, their witness searches spread
// over the worker pool. After a round, the priorities of the contracted nodes' neighbours are
// simulated again; with ContractionParams::lazy_priorities they are only marked stale, and a stale
// node a round would select is simulated first and stays selected only if it still goes before
// its neighbours (Geisberger et al. 2008's lazy updates: fewer simulations, a few more shortcuts).
// A witness search for a contracted node v never passes through any node of
// the round, so the shortcuts of each node are computed as if the others were already gone: the
// distances between the remaining nodes are kept exactly (proof in docs/ARCHITECTURE.md,
// "Routing engine"). The set, the searches and the order shortcuts are applied in depend only on
// the graph, never on threads or timing, so the hierarchy is the same on any machine.
#include <xxhash.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <numeric>
#include <span>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "geo/core/status_macros.h"
#include "geo/core/worker_pool.h"
#include "geo/routing/hierarchy.h"
#include "geo/routing/radix_heap.h"

namespace carereach::routing {
namespace {

constexpr int32_t kRemaining = -1;
constexpr int32_t kMinSettleLimit = 20;
// Room left for new shortcuts in each list when the edge lists are laid out again.
constexpr uint32_t kCompactSlack = 2;

// One arc of the remaining graph, kept at both ends (in the tail's out-list and the head's
// in-list), and later one arc of the hierarchy. `hops` counts the road arcs it stands for (for
// the priority). A contraction for time only keeps no distance key: 16 bytes an arc instead of
// 24, in the edge lists the witness searches read and in the hierarchy's arcs until Assemble.
template <bool kDistance>
struct EdgeOf {
  uint32_t other;
  uint32_t hops;
  RouteKey time;
  RouteKey distance;
};
template <>
struct EdgeOf<false> {
  uint32_t other;
  uint32_t hops;
  RouteKey time;
  static constexpr RouteKey distance = 0;  // no distance searches run on it
};
template <bool kDistance>
EdgeOf<kDistance> MakeEdge(uint32_t other, uint32_t hops, RouteKey time, RouteKey distance) {
  if constexpr (kDistance) {
    return {other, hops, time, distance};
  } else {
    return {other, hops, time};
  }
}

// The edge lists of all nodes in one array, each node's list contiguous: a witness search reads
// the lists of nodes that lie near each other in the RoadGraph's (Hilbert) order, and one array
// in that order keeps them near each other in memory too (separate vectors per node scatter as
// shortcuts make them grow, and the search then waits on a cache miss for nearly every list).
// A list that outgrows its room moves to the end with twice the room; when the array holds twice
// what the live lists need, Compact() lays every list out again in node order.
// Not thread-safe for writes: Push and Clear run in the serial part of a round; EraseIf of
// distinct nodes may run in parallel (in place).
template <typename Edge>
class EdgeLists {
 public:
  explicit EdgeLists(uint32_t n) : first_(n, 0), size_(n, 0), room_(n, 0) {}

  std::span<const Edge> operator[](uint32_t v) const {
    return {edges_.data() + first_[v], size_[v]};
  }
  std::span<Edge> Mutable(uint32_t v) { return {edges_.data() + first_[v], size_[v]}; }

  void Push(uint32_t v, const Edge& e) {
    if (size_[v] == room_[v]) Move(v, std::max<uint32_t>(4, 2 * room_[v]));
    edges_[first_[v] + size_[v]++] = e;
    ++live_;
  }
  void Clear(uint32_t v) {
    live_ -= size_[v];
    size_[v] = 0;
  }
  // Removes the edges `gone` says, keeping the others' order; returns how many it removed.
  template <typename Pred>
  uint32_t EraseIf(uint32_t v, Pred gone) {
    Edge* list = edges_.data() + first_[v];
    uint32_t kept = 0;
    for (uint32_t i = 0; i < size_[v]; ++i) {
      if (!gone(list[i])) list[kept++] = list[i];
    }
    const uint32_t removed = size_[v] - kept;
    size_[v] = kept;
    return removed;
  }
  void Forget(uint64_t removed) { live_ -= removed; }

  // Every list again in node order with room for `slack` more edges, when the array has grown to
  // more than twice the live edges.
  void CompactIfSparse(uint32_t slack) {
    if (edges_.size() <= 2 * live_ + 1024) return;
    std::vector<Edge> packed;
    packed.reserve(live_ + static_cast<uint64_t>(slack) * first_.size());
    for (uint32_t v = 0; v < first_.size(); ++v) {
      const uint64_t at = packed.size();
      packed.insert(packed.end(), edges_.begin() + first_[v],
                    edges_.begin() + first_[v] + size_[v]);
      room_[v] = size_[v] == 0 ? 0 : size_[v] + slack;
      packed.resize(at + room_[v]);
      first_[v] = at;
    }
    edges_.swap(packed);
  }

 private:
  void Move(uint32_t v, uint32_t room) {
    const uint64_t at = edges_.size();
    edges_.resize(at + room);
    std::copy(edges_.begin() + first_[v], edges_.begin() + first_[v] + size_[v],
              edges_.begin() + at);
    first_[v] = at;
    room_[v] = room;
  }

  std::vector<Edge> edges_;
  std::vector<uint64_t> first_;
  std::vector<uint32_t> size_, room_;
  uint64_t live_ = 0;
};

struct Shortcut {
  uint32_t from, to, hops;
  RouteKey time, distance;
};

uint64_t Mix(uint64_t x) {  // splitmix64 finaliser: a fixed, thread-independent tie-break
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

template <bool kDistance>
class Contractor;

// Per-thread scratch of a witness search: bounded Dijkstra on the remaining graph.
template <bool kDistance>
class WitnessSearch {
 public:
  using Edge = EdgeOf<kDistance>;
  explicit WitnessSearch(size_t n) : labels_(n) {}
  size_t size() const { return labels_.size(); }

  // Least keys from `source` in `metric` (time or distance keys of the edges), skipping `via` and
  // (when `skip_selected`) every node of the round being contracted, until `limit` nodes are
  // settled or no target's decision can change any more (below). `via_keys[i]` is the cost of
  // the path over `via` to targets[i], `cheapest[i]` the least cost of its in-arcs from nodes
  // other than `via` (and not skipped), kUnreached when none. Returns the best key found for each
  // target (kUnreached if none), tentative keys included: each is the cost of a real path, so one
  // no larger than the target's via key is a witness.
  void Run(const Contractor<kDistance>& c, uint32_t source, uint32_t via, bool time,
           bool skip_selected, int32_t limit, const std::vector<uint32_t>& targets,
           const std::vector<RouteKey>& via_keys, const std::vector<RouteKey>& cheapest,
           std::vector<RouteKey>& found);

  // Vectors of Contractor::Shortcuts, kept for the thread's next call.
  struct Scratch {
    std::vector<uint32_t> targets, witnessed;
    std::vector<RouteKey> via_keys, cheapest, cheapest_time, cheapest_distance, found;
    std::vector<Shortcut> simulated;  // Contractor::Priority's
  } scratch;

 private:
  // One node's label, in one array so that a relaxation touches one cache line.
  struct Label {
    RouteKey key;
    uint32_t stamp;   // generation << 1 when labelled in this run, | 1 once settled
    uint32_t target;  // == generation for the targets of this run
  };
  bool Labelled(uint32_t n) const { return (labels_[n].stamp >> 1) == generation_; }
  std::vector<Label> labels_;
  uint32_t generation_ = 0;
  RadixHeap heap_;
  std::vector<RouteKey> bound_;  // per target of the run: via key - its cheapest other in-arc
  std::vector<uint8_t> open_;
};

template <bool kDistance>
class Contractor {
 public:
  using Edge = EdgeOf<kDistance>;
  using Search = WitnessSearch<kDistance>;

  Contractor(const roads::RoadGraph& graph, const ContractionParams& params)
      : params_(params),
        n_(graph.node_count()),
        out_(n_),
        in_(n_),
        round_(n_, kRemaining),
        depth_(n_, 0),
        priority_(n_, 0),
        stale_(params.lazy_priorities ? n_ : 0, 0),
        final_up_(n_),
        final_down_(n_) {
    for (uint32_t u = 0; u < n_; ++u) {
      for (const roads::Arc& a : graph.OutArcs(u)) {
        if (a.head == u) continue;  // a loop is never on a shortest path
        AddOrImprove({u, a.head, 1, ArcKey(Metric::kSeconds, a.seconds, a.meters),
                      ArcKey(Metric::kMeters, a.seconds, a.meters)});
      }
    }
  }

  absl::StatusOr<Hierarchy> Run(const std::function<void(std::string_view)>& log,
                                const geo::Deadline& deadline);

  std::span<const Edge> Out(uint32_t n) const { return out_[n]; }
  bool Skipped(uint32_t n) const { return round_[n] == kSelected; }

 private:
  static constexpr int32_t kSelected = -2;  // in the independent set being contracted

  static void Improve(EdgeLists<Edge>& lists, uint32_t v, uint32_t other, uint32_t hops,
                      RouteKey time, RouteKey distance) {
    for (Edge& e : lists.Mutable(v)) {
      if (e.other != other) continue;
      if (time < e.time) e.time = time;
      if constexpr (kDistance) {
        if (distance < e.distance) e.distance = distance;
      }
      e.hops = std::min(e.hops, hops);
      return;
    }
    lists.Push(v, MakeEdge<kDistance>(other, hops, time, distance));
  }
  void AddOrImprove(const Shortcut& s) {
    Improve(out_, s.from, s.to, s.hops, s.time, s.distance);
    Improve(in_, s.to, s.from, s.hops, s.time, s.distance);
  }

  // The shortcuts contracting v needs: for each in-neighbour u and out-neighbour w (u != w), u->w
  // unless a path avoiding v (and every skipped node) is no costlier in time AND (when the
  // hierarchy serves distance) one is no costlier in distance.
  void Shortcuts(uint32_t v, int32_t limit, bool skip_selected, Search& search,
                 std::vector<Shortcut>& out) const {
    typename Search::Scratch& x = search.scratch;
    // The searches of one node share the budget once it has many in-neighbours: high-degree
    // nodes near the top of the hierarchy would otherwise cost degree^2 x limit per evaluation.
    limit = std::max<int32_t>(kMinSettleLimit, limit * 4 / std::max<int32_t>(4, in_[v].size()));
    // Each out-neighbour's cheapest in-arc from a node other than v (and not skipped), per
    // metric: the same for the searches from every in-neighbour.
    x.cheapest_time.clear();
    x.cheapest_distance.clear();
    for (const Edge& o : out_[v]) {
      RouteKey time = kUnreached, distance = kUnreached;
      for (const Edge& e : in_[o.other]) {
        if (e.other == v || (skip_selected && Skipped(e.other))) continue;
        time = std::min(time, e.time);
        if constexpr (kDistance) distance = std::min(distance, e.distance);
      }
      x.cheapest_time.push_back(time);
      if constexpr (kDistance) x.cheapest_distance.push_back(distance);
    }
    for (const Edge& in : in_[v]) {
      const uint32_t u = in.other;
      x.targets.clear();
      x.via_keys.clear();
      x.cheapest.clear();
      for (size_t j = 0; j < out_[v].size(); ++j) {
        const Edge& o = out_[v][j];
        if (o.other == u) continue;
        x.targets.push_back(o.other);
        x.via_keys.push_back(in.time + o.time);
        x.cheapest.push_back(x.cheapest_time[j]);
      }
      if (x.targets.empty()) continue;
      search.Run(*this, u, v, /*time=*/true, skip_selected, limit, x.targets, x.via_keys,
                 x.cheapest, x.found);
      x.witnessed.clear();
      x.via_keys.clear();
      x.cheapest.clear();
      size_t t = 0;
      for (size_t j = 0; j < out_[v].size(); ++j) {
        const Edge& o = out_[v][j];
        if (o.other == u) continue;
        const RouteKey via_time = in.time + o.time;
        if (x.found[t++] <= via_time) {
          if constexpr (kDistance) {  // a time-only contraction is done with this pair
            x.witnessed.push_back(o.other);
            x.via_keys.push_back(in.distance + o.distance);
            x.cheapest.push_back(x.cheapest_distance[j]);
          }
        } else {
          out.push_back({u, o.other, in.hops + o.hops, via_time, in.distance + o.distance});
        }
      }
      if (x.witnessed.empty()) continue;
      search.Run(*this, u, v, /*time=*/false, skip_selected, limit, x.witnessed, x.via_keys,
                 x.cheapest, x.found);
      t = 0;
      for (const Edge& o : out_[v]) {
        if (o.other == u || t >= x.witnessed.size() || x.witnessed[t] != o.other) continue;
        const RouteKey via_distance = in.distance + o.distance;
        if (x.found[t++] > via_distance) {
          out.push_back({u, o.other, in.hops + o.hops, in.time + o.time, via_distance});
        }
      }
    }
  }

  double Priority(uint32_t v, Search& search) const {
    std::vector<Shortcut>& shortcuts = search.scratch.simulated;
    shortcuts.clear();
    // Priorities are simulated outside the contraction of a round: no node is selected.
    Shortcuts(v, params_.priority_settle_limit, /*skip_selected=*/false, search, shortcuts);
    const size_t removed = in_[v].size() + out_[v].size();
    uint64_t removed_hops = 0, added_hops = 0;
    for (const Edge& e : in_[v]) removed_hops += e.hops;
    for (const Edge& e : out_[v]) removed_hops += e.hops;
    for (const Shortcut& s : shortcuts) added_hops += s.hops;
    double p = depth_[v];
    if (removed > 0) {
      p += 2.0 * static_cast<double>(shortcuts.size()) / static_cast<double>(removed) +
           4.0 * static_cast<double>(added_hops) / static_cast<double>(removed_hops);
    }
    return p;
  }

  // (priority, hash) order: true when v goes before u.
  bool Before(uint32_t v, uint32_t u) const {
    if (priority_[v] != priority_[u]) return priority_[v] < priority_[u];
    const uint64_t hv = Mix(v), hu = Mix(u);
    return hv != hu ? hv < hu : v < u;
  }

  // v goes before every node within two hops: two nodes of a round are never within two hops
  // of each other, so the witness searches of a round seldom need the nodes they must avoid.
  bool Independent(uint32_t v) const {
    for (const std::span<const Edge> list : {out_[v], in_[v]}) {
      for (const Edge& e : list) {
        if (!Before(v, e.other)) return false;
      }
    }
    for (const std::span<const Edge> list : {out_[v], in_[v]}) {
      for (const Edge& e : list) {
        for (const std::span<const Edge> second : {out_[e.other], in_[e.other]}) {
          for (const Edge& f : second) {
            if (f.other != v && !Before(v, f.other)) return false;
          }
        }
      }
    }
    return true;
  }

  // Runs fn(i, search) for i in [0, n) on the shared pool, each thread with its own scratch.
  absl::Status ForEach(size_t n, const std::function<void(size_t, Search&)>& fn,
                       const geo::Deadline& deadline) const {
    constexpr size_t kChunk = 256;
    const size_t chunks = (n + kChunk - 1) / kChunk;
    return geo::WorkerPool::Shared().ParallelFor(chunks, [&](size_t c) -> absl::Status {
      // Scratch per thread, reused by later builds of graphs of the same size (its labels are
      // stamped per search, so nothing of an earlier build is ever read).
      thread_local std::unique_ptr<Search> search;
      if (search == nullptr || search->size() != n_) search = std::make_unique<Search>(n_);
      RETURN_IF_ERROR(deadline.Check("contraction"));
      for (size_t i = c * kChunk; i < std::min(n, (c + 1) * kChunk); ++i) fn(i, *search);
      return absl::OkStatus();
    });
  }

  Hierarchy Assemble() const;

  const ContractionParams params_;
  const bool verbose_ = std::getenv("CAREREACH_CONTRACTION_VERBOSE") != nullptr;
  const uint32_t n_;
  EdgeLists<Edge> out_, in_;
  std::vector<int32_t> round_;  // kRemaining, kSelected, or the round it was contracted in
  std::vector<int32_t> depth_;
  std::vector<double> priority_;
  std::vector<uint8_t> stale_;  // lazy_priorities: a neighbour went since the last simulation
  // The hierarchy's arcs, RoadGraph node ids: each node's up (its out-list) and down (its
  // in-list) arcs as they were when it was contracted, appended to one array per direction.
  struct FinalArcs {
    explicit FinalArcs(uint32_t n) : first(n, 0), count(n, 0) {}
    void Append(uint32_t v, std::span<const Edge> list) {
      first[v] = arcs.size();
      count[v] = static_cast<uint32_t>(list.size());
      arcs.insert(arcs.end(), list.begin(), list.end());
    }
    std::span<const Edge> operator[](uint32_t v) const {
      return {arcs.data() + first[v], count[v]};
    }
    std::vector<Edge> arcs;
    std::vector<uint64_t> first;
    std::vector<uint32_t> count;
  };
  FinalArcs final_up_, final_down_;
};

template <bool kDistance>
void WitnessSearch<kDistance>::Run(const Contractor<kDistance>& c, uint32_t source, uint32_t via,
                                   bool time, bool skip_selected, int32_t limit,
                                   const std::vector<uint32_t>& targets,
                                   const std::vector<RouteKey>& via_keys,
                                   const std::vector<RouteKey>& cheapest,
                                   std::vector<RouteKey>& found) {
  if (++generation_ >= (1u << 31)) {
    for (Label& l : labels_) l.stamp = l.target = 0;
    generation_ = 1;
  }
  // A target is open while its decision may still change: no label yet within its via key (a
  // witness) and not settled. Its label can come only over an in-arc from a node other than
  // `via`, so once the search pops keys above via key - the cheapest such arc, it stays closed;
  // the search stops when every target is closed. Until then it pops exactly what a search run
  // to max_key (or until every target is settled) pops, so the decisions are the same.
  RouteKey max_key = 0, bound = 0;
  size_t open = 0;
  bound_.resize(targets.size());
  open_.assign(targets.size(), 0);
  for (size_t i = 0; i < targets.size(); ++i) {
    const uint32_t t = targets[i];
    labels_[t].target = generation_;
    max_key = std::max(max_key, via_keys[i]);
    if (cheapest[i] > via_keys[i]) continue;  // no path but the one over `via` is cheap enough
    bound_[i] = via_keys[i] - cheapest[i];
    open_[i] = 1;
    ++open;
    bound = std::max(bound, bound_[i]);
  }
  const auto close = [&](uint32_t t) {
    for (size_t i = 0; i < targets.size(); ++i) {
      if (targets[i] != t || !open_[i]) continue;
      open_[i] = 0;
      if (--open > 0 && bound_[i] == bound) {
        bound = 0;
        for (size_t j = 0; j < targets.size(); ++j) {
          if (open_[j]) bound = std::max(bound, bound_[j]);
        }
      }
      return;
    }
  };
  heap_.Clear();
  labels_[source].key = 0;
  labels_[source].stamp = generation_ << 1;
  heap_.Push(0, source);
  int32_t settled = 0;
  while (open > 0 && !heap_.Empty() && settled < limit) {
    const auto [k, u] = heap_.Pop();
    Label& lu = labels_[u];
    if ((lu.stamp & 1) || k > lu.key) continue;
    if (k > bound) break;
    lu.stamp |= 1;
    ++settled;
    if (lu.target == generation_) close(u);
    for (const Edge& e : c.Out(u)) {
      if (e.other == via) continue;
      const RouteKey nk = k + (time ? e.time : e.distance);
      if (nk > max_key) continue;
      Label& l = labels_[e.other];
      // A node labelled above the bound is never popped before the search stops.
      if (nk > bound && l.target != generation_) continue;
      if ((l.stamp >> 1) == generation_ && ((l.stamp & 1) || nk >= l.key)) continue;
      if (skip_selected && c.Skipped(e.other)) continue;
      l.key = nk;
      l.stamp = generation_ << 1;
      heap_.Push(nk, e.other);
      if (l.target == generation_) {
        for (size_t i = 0; i < targets.size(); ++i) {
          if (targets[i] == e.other && nk <= via_keys[i]) close(e.other);
        }
      }
    }
  }
  found.resize(targets.size());
  for (size_t i = 0; i < targets.size(); ++i) {
    found[i] = Labelled(targets[i]) ? labels_[targets[i]].key : kUnreached;
  }
}

template <bool kDistance>
absl::StatusOr<Hierarchy> Contractor<kDistance>::Run(
    const std::function<void(std::string_view)>& log, const geo::Deadline& deadline) {
  const absl::Time start = absl::Now();
  std::vector<uint32_t> remaining(n_);
  std::iota(remaining.begin(), remaining.end(), 0u);
  RETURN_IF_ERROR(ForEach(
      n_, [&](size_t i, Search& s) { priority_[i] = Priority(static_cast<uint32_t>(i), s); },
      deadline));
  int32_t round = 0;
  size_t shortcuts_added = 0;
  absl::Time last_log = absl::Now();
  std::vector<uint32_t> selected, stale, touched;
  std::vector<uint8_t> is_touched(n_, 0);
  while (!remaining.empty()) {
    RETURN_IF_ERROR(deadline.Check("contraction"));
    selected.clear();
    for (uint32_t v : remaining) {
      if (Independent(v)) selected.push_back(v);
    }
    if (params_.lazy_priorities) {
      // The node first among all remaining is always selected, so a round that ends up with none
      // has simulated at least one stale priority again, and the contraction still ends.
      stale.clear();
      for (uint32_t v : selected) {
        if (stale_[v]) stale.push_back(v);
      }
      RETURN_IF_ERROR(ForEach(
          stale.size(), [&](size_t i, Search& s) { priority_[stale[i]] = Priority(stale[i], s); },
          deadline));
      for (uint32_t v : stale) stale_[v] = 0;
      if (!stale.empty()) std::erase_if(selected, [&](uint32_t v) { return !Independent(v); });
    }
    for (uint32_t v : selected) round_[v] = kSelected;
    std::vector<std::vector<Shortcut>> found(selected.size());
    RETURN_IF_ERROR(ForEach(
        selected.size(),
        [&](size_t i, Search& s) {
          Shortcuts(selected[i], params_.witness_settle_limit, /*skip_selected=*/true, s, found[i]);
        },
        deadline));
    // Apply in the (deterministic) order of `selected`.
    touched.clear();
    for (size_t i = 0; i < selected.size(); ++i) {
      const uint32_t v = selected[i];
      round_[v] = round;
      final_up_.Append(v, out_[v]);
      final_down_.Append(v, in_[v]);
      for (const std::span<const Edge> list : {out_[v], in_[v]}) {
        for (const Edge& e : list) {
          depth_[e.other] = std::max(depth_[e.other], depth_[v] + 1);
          if (!is_touched[e.other]) {
            is_touched[e.other] = 1;
            touched.push_back(e.other);
          }
        }
      }
      for (const Shortcut& s : found[i]) AddOrImprove(s);
      shortcuts_added += found[i].size();
    }
    for (uint32_t v : selected) {
      out_.Clear(v);
      in_.Clear(v);
    }
    std::sort(touched.begin(), touched.end());
    std::vector<std::pair<uint32_t, uint32_t>> removed(touched.size());
    RETURN_IF_ERROR(ForEach(
        touched.size(),
        [&](size_t i, Search&) {
          const uint32_t u = touched[i];
          const auto gone = [&](const Edge& e) { return round_[e.other] != kRemaining; };
          removed[i] = {out_.EraseIf(u, gone), in_.EraseIf(u, gone)};
        },
        deadline));
    uint64_t removed_out = 0, removed_in = 0;
    for (const auto& [o, i] : removed) {
      removed_out += o;
      removed_in += i;
    }
    out_.Forget(removed_out);
    in_.Forget(removed_in);
    out_.CompactIfSparse(kCompactSlack);
    in_.CompactIfSparse(kCompactSlack);
    if (params_.lazy_priorities) {
      for (uint32_t u : touched) stale_[u] = 1;
    } else {
      RETURN_IF_ERROR(ForEach(
          touched.size(),
          [&](size_t i, Search& s) { priority_[touched[i]] = Priority(touched[i], s); }, deadline));
    }
    for (uint32_t u : touched) is_touched[u] = 0;
    remaining.erase(std::remove_if(remaining.begin(), remaining.end(),
                                   [&](uint32_t v) { return round_[v] != kRemaining; }),
                    remaining.end());
    ++round;
    if (absl::Now() - last_log > absl::Seconds(verbose_ ? 0 : 5) || remaining.empty()) {
      last_log = absl::Now();
      log(absl::StrFormat("contraction: round %d, %d nodes left, %d shortcuts, %.1f s", round,
                          remaining.size(), shortcuts_added,
                          absl::ToDoubleSeconds(absl::Now() - start)));
    }
  }
  return Assemble();
}

template <bool kDistance>
Hierarchy Contractor<kDistance>::Assemble() const {
  Hierarchy h;
  h.node_of_rank.resize(n_);
  std::iota(h.node_of_rank.begin(), h.node_of_rank.end(), 0u);
  // Last round first; RoadGraph (Hilbert) order within a round.
  std::stable_sort(h.node_of_rank.begin(), h.node_of_rank.end(),
                   [&](uint32_t a, uint32_t b) { return round_[a] > round_[b]; });
  h.rank_of_node.resize(n_);
  for (uint32_t r = 0; r < n_; ++r) h.rank_of_node[h.node_of_rank[r]] = r;
  // A time-only contraction's distance arrays stay empty (Hierarchy::Serves).
  const auto fill = [&](const FinalArcs& arcs, geo::BigVector<uint32_t>& first,
                        geo::BigVector<uint32_t>& other, geo::BigVector<RouteKey>& time,
                        geo::BigVector<RouteKey>& distance) {
    first.assign(n_ + 1, 0);
    for (uint32_t r = 0; r < n_; ++r) first[r + 1] = first[r] + arcs.count[h.node_of_rank[r]];
    other.resize(first[n_]);
    time.resize(first[n_]);
    if constexpr (kDistance) distance.resize(first[n_]);
    std::vector<Edge> sorted;
    for (uint32_t r = 0; r < n_; ++r) {
      const std::span<const Edge> list = arcs[h.node_of_rank[r]];
      sorted.assign(list.begin(), list.end());
      for (Edge& a : sorted) a.other = h.rank_of_node[a.other];
      std::sort(sorted.begin(), sorted.end(),
                [](const Edge& a, const Edge& b) { return a.other < b.other; });
      for (size_t i = 0; i < sorted.size(); ++i) {
        other[first[r] + i] = sorted[i].other;
        time[first[r] + i] = sorted[i].time;
        if constexpr (kDistance) distance[first[r] + i] = sorted[i].distance;
      }
    }
  };
  fill(final_up_, h.up_first, h.up_head, h.up_time_key, h.up_distance_key);
  fill(final_down_, h.down_first, h.down_tail, h.down_time_key, h.down_distance_key);
  return h;
}

}  // namespace

int64_t Hierarchy::MemoryBytes() const {
  int64_t bytes = 0;
  const_cast<Hierarchy*>(this)->ForEachArray(
      [&](const auto& v) { bytes += static_cast<int64_t>(v.size() * sizeof(v[0])); });
  return bytes;
}

absl::Status Hierarchy::Validate(uint32_t graph_node_count) const {
  const uint32_t n = node_count();
  if (n != graph_node_count || rank_of_node.size() != n || up_first.size() != n + 1 ||
      down_first.size() != n + 1) {
    return absl::DataLossError(
        absl::StrFormat("hierarchy: sizes do not match a graph of %d nodes", graph_node_count));
  }
  for (uint32_t r = 0; r < n; ++r) {
    if (node_of_rank[r] >= n || rank_of_node[node_of_rank[r]] != r) {
      return absl::DataLossError(absl::StrFormat("hierarchy: rank %d is not a permutation", r));
    }
  }
  const auto check =
      [&](const geo::BigVector<uint32_t>& first, const geo::BigVector<uint32_t>& other,
          const geo::BigVector<RouteKey>& time, const geo::BigVector<RouteKey>& distance,
          const char* what) -> absl::Status {
    if (first[0] != 0 || first[n] != other.size() || time.size() != other.size() ||
        (distance.size() != other.size() && !distance.empty())) {
      return absl::DataLossError(absl::StrFormat("hierarchy: %s arc counts do not add up", what));
    }
    for (uint32_t r = 0; r < n; ++r) {
      if (first[r + 1] < first[r] || first[r + 1] > other.size()) {
        return absl::DataLossError(absl::StrFormat("hierarchy: %s offsets of rank %d", what, r));
      }
      for (uint32_t i = first[r]; i < first[r + 1]; ++i) {
        if (other[i] >= r || time[i] >= kUnreached ||
            (!distance.empty() && distance[i] >= kUnreached)) {
          return absl::DataLossError(absl::StrFormat(
              "hierarchy: %s arc %d of rank %d is not upward or finite", what, i - first[r], r));
        }
      }
    }
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(check(up_first, up_head, up_time_key, up_distance_key, "upward"));
  RETURN_IF_ERROR(check(down_first, down_tail, down_time_key, down_distance_key, "downward"));
  if (up_distance_key.empty() != down_distance_key.empty() &&
      !(up_head.empty() || down_tail.empty())) {
    return absl::DataLossError("hierarchy: distance keys in one direction only");
  }
  return absl::OkStatus();
}

absl::Status NotServed(std::string_view what) {
  return absl::FailedPreconditionError(
      absl::StrCat(absl::string_view(what.data(), what.size()),
                   ": the hierarchy was contracted for drive time only; distance searches "
                   "run on the reference Dijkstra (RoadNetwork::hierarchy(Metric))"));
}

uint64_t ContractionParams::Fingerprint() const {
  const uint64_t fields[] = {Hierarchy::kFormatVersion,
                             static_cast<uint64_t>(witness_settle_limit),
                             static_cast<uint64_t>(priority_settle_limit),
                             static_cast<uint64_t>(kTicksPerSecond),
                             static_cast<uint64_t>(kTicksPerMeter),
                             static_cast<uint64_t>(metrics)};
  // Lazy priorities came after hierarchies were cached: the fingerprint of the others is the same
  // as before, so their caches stay valid.
  return lazy_priorities ? XXH3_64bits_withSeed(fields, sizeof(fields), /*seed=*/1)
                         : XXH3_64bits(fields, sizeof(fields));
}

absl::StatusOr<Hierarchy> BuildHierarchy(const roads::RoadGraph& graph,
                                         const ContractionParams& params,
                                         const std::function<void(std::string_view)>& log,
                                         const geo::Deadline& deadline) {
  if (params.metrics == HierarchyMetrics::kTime) {
    Contractor<false> contractor(graph, params);
    return contractor.Run(log, deadline);
  }
  Contractor<true> contractor(graph, params);
  return contractor.Run(log, deadline);
}

}  // namespace carereach::routing
