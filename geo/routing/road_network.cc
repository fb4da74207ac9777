#include "geo/routing/road_network.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "geo/core/ecef_kd_tree.h"
#include "geo/core/geodesic.h"
#include "geo/core/status_macros.h"
#include "geo/routing/bucket_table.h"

namespace carereach::routing {
namespace {

// A way between a point on a segment and one of the segment's nodes, as a share of the segment.
struct End {
  uint32_t node;
  double share;
};

// Ends a point can drive OUT to (exits) or be reached IN from (entries), given the segment's
// allowed directions. `fraction` is the point's position from the segment's `from` node.
int Ends(const roads::Segment& s, double fraction, bool exits, End out[2]) {
  int n = 0;
  if (s.forward()) out[n++] = exits ? End{s.to, 1.0 - fraction} : End{s.from, fraction};
  if (s.backward()) out[n++] = exits ? End{s.from, fraction} : End{s.to, 1.0 - fraction};
  return n;
}

// Share of the segment driven between two points on it, going from `a` to `b`; negative when
// the segment's directions forbid it.
double DirectShare(const roads::Segment& s, double a, double b) {
  if (s.forward() && b >= a) return b - a;
  if (s.backward() && b <= a) return a - b;
  return -1;
}

struct Costs {
  double seconds;
  double meters;
};
Costs LegCosts(const roads::Segment& s, double share, double offroad_meters, const DriveParams& p) {
  return {share * s.seconds + offroad_meters / p.offroad_meters_per_second,
          share * s.meters + offroad_meters};
}

// Seeds for a search from `points`: each point's exits (forward search) or entries (backward).
std::vector<Seed> SeedsFrom(const roads::RoadGraph& g, std::span<const std::optional<Snap>> points,
                            bool exits, Metric metric, const DriveParams& p) {
  std::vector<Seed> seeds;
  for (size_t i = 0; i < points.size(); ++i) {
    if (!points[i]) continue;
    const roads::Segment& s = g.segments[points[i]->segment];
    End ends[2];
    const int n = Ends(s, points[i]->fraction, exits, ends);
    for (int k = 0; k < n; ++k) {
      const Costs c = LegCosts(s, ends[k].share, points[i]->snap_meters, p);
      seeds.push_back({ends[k].node, KeyOf(metric, c.seconds, c.meters), static_cast<int32_t>(i)});
    }
  }
  return seeds;
}

// The best way from/to `point` through the labels of the last search (any engine's: Dijkstra,
// PHAST, an RPHAST column), or through a source on the same segment. All in whole-tick keys, so
// every engine with the same labels gives the same answer; ties go to the first candidate.
struct Best {
  RouteKey key = kUnreached;
  int32_t source = -1;
  bool found() const { return source >= 0; }
};
template <typename Labels>
Best Combine(const roads::RoadGraph& g, const Labels& search, const Snap& point, bool exits,
             Metric metric, const DriveParams& p,
             const absl::flat_hash_map<uint32_t, std::vector<int32_t>>& sources_on_segment,
             std::span<const std::optional<Snap>> sources, bool point_is_origin) {
  Best best;
  const roads::Segment& s = g.segments[point.segment];
  End ends[2];
  const int n = Ends(s, point.fraction, exits, ends);
  for (int k = 0; k < n; ++k) {
    const RouteKey label = search.key(ends[k].node);
    if (!Reached(label)) continue;
    const Costs leg = LegCosts(s, ends[k].share, point.snap_meters, p);
    const RouteKey key = label + KeyOf(metric, leg.seconds, leg.meters);
    if (key < best.key) best = {key, search.source(ends[k].node)};
  }
  if (auto it = sources_on_segment.find(point.segment); it != sources_on_segment.end()) {
    for (int32_t i : it->second) {
      const Snap& src = *sources[i];
      const double share = point_is_origin ? DirectShare(s, point.fraction, src.fraction)
                                           : DirectShare(s, src.fraction, point.fraction);
      if (share < 0) continue;
      const Costs c = LegCosts(s, share, point.snap_meters + src.snap_meters, p);
      const RouteKey key = KeyOf(metric, c.seconds, c.meters);
      if (key < best.key) best = {key, i};
    }
  }
  return best;
}

// PointsWithinBoundBatch sweeps a selection of its own for the candidate points when they are at
// most 1 / kLocalSelectionShare of all points.
constexpr size_t kLocalSelectionShare = 8;

// One column of an RPHAST batch as labels of a single source (source 0).
struct BatchColumn {
  const RphastBatch* batch;
  int column;
  RouteKey key(uint32_t node) const { return batch->key(node, column); }
  int32_t source(uint32_t node) const { return Reached(key(node)) ? 0 : -1; }
};

absl::flat_hash_map<uint32_t, std::vector<int32_t>> BySegment(
    std::span<const std::optional<Snap>> points) {
  absl::flat_hash_map<uint32_t, std::vector<int32_t>> map;
  for (size_t i = 0; i < points.size(); ++i) {
    if (points[i]) map[points[i]->segment].push_back(static_cast<int32_t>(i));
  }
  return map;
}

// Slack of ReachMeters: the rounding of partial segments and off-road legs to whole ticks (half
// a millisecond or centimetre each) and of a snap's position along its segment's shape.
constexpr double kReachSlackMeters = 100.0;

// Most road metres per key unit of the primary half (seconds, then metres) over all arcs, in one
// pass: a route's road metres are the sum of its arcs', its key the sum of their keys (whole
// arcs) or of exact shares rounded once (partial segments), so both ratios count.
std::array<double, 2> MostMetersPerKeyUnit(const roads::RoadGraph& g) {
  constexpr double kInfinity = std::numeric_limits<double>::infinity();
  std::array<double, 2> most = {0, 0};
  const auto ratio = [](double meters, double units) {
    return units > 0 ? meters / units : meters > 0 ? kInfinity : 0;
  };
  for (const roads::Arc& a : g.out_arcs) {
    const RouteKey time_key = ArcKey(Metric::kSeconds, a.seconds, a.meters);
    most[0] = std::max({most[0], ratio(a.meters, PrimaryValue(Metric::kSeconds, time_key)),
                        ratio(a.meters, a.seconds)});
    // A distance key's primary half is the time key's secondary half.
    most[1] = std::max({most[1], ratio(a.meters, SecondaryValue(Metric::kSeconds, time_key)),
                        ratio(a.meters, a.meters)});
  }
  return most;
}

}  // namespace

RoadNetwork::RoadNetwork(roads::RoadGraph graph, std::unique_ptr<const Hierarchy> hierarchy)
    : graph_(std::move(graph)), hierarchy_(std::move(hierarchy)) {
  snap_index_ = std::make_unique<SnapIndex>(graph_);
}

RoadNetwork::RoadNetwork(roads::RoadGraph graph, std::unique_ptr<const Hierarchy> hierarchy,
                         SnapIndex::Arrays snap, absl::Status* snap_refused)
    : graph_(std::move(graph)), hierarchy_(std::move(hierarchy)) {
  absl::StatusOr<std::unique_ptr<SnapIndex>> loaded = SnapIndex::Load(graph_, std::move(snap));
  *snap_refused = loaded.status();
  snap_index_ = loaded.ok() ? *std::move(loaded) : std::make_unique<SnapIndex>(graph_);
}

double RoadNetwork::ReachMeters(Metric metric, double bound) const {
  absl::call_once(reach_once_, [&] { meters_per_key_unit_ = MostMetersPerKeyUnit(graph_); });
  const double per_unit = meters_per_key_unit_[metric == Metric::kSeconds ? 0 : 1];
  if (std::isinf(per_unit)) return per_unit;
  // A relative margin as well for the float sums of metres along a route.
  return std::max(bound, 0.0) * per_unit * (1 + 1e-6) + kReachSlackMeters;
}

std::unique_ptr<const RoadNetwork> RoadNetwork::Create(roads::RoadGraph graph) {
  return Create(std::move(graph), Options());
}

std::unique_ptr<const RoadNetwork> RoadNetwork::Create(roads::RoadGraph graph,
                                                       const Options& options) {
  std::unique_ptr<const Hierarchy> hierarchy;
  if (options.build_hierarchy) {
    // Without a deadline the build cannot fail.
    absl::StatusOr<Hierarchy> built =
        BuildHierarchy(graph, options.contraction, [](std::string_view) {});
    if (built.ok()) hierarchy = std::make_unique<const Hierarchy>(*std::move(built));
  }
  return Create(std::move(graph), std::move(hierarchy));
}

std::unique_ptr<const RoadNetwork> RoadNetwork::Create(roads::RoadGraph graph,
                                                       std::unique_ptr<const Hierarchy> hierarchy) {
  return std::unique_ptr<const RoadNetwork>(
      new RoadNetwork(std::move(graph), std::move(hierarchy)));
}

std::unique_ptr<const RoadNetwork> RoadNetwork::Create(roads::RoadGraph graph,
                                                       std::unique_ptr<const Hierarchy> hierarchy,
                                                       SnapIndex::Arrays snap,
                                                       absl::Status* snap_refused) {
  return std::unique_ptr<const RoadNetwork>(
      new RoadNetwork(std::move(graph), std::move(hierarchy), std::move(snap), snap_refused));
}

std::vector<std::optional<Snap>> SnapAll(const RoadNetwork& network,
                                         std::span<const geo::LonLat> points,
                                         double max_snap_meters) {
  std::vector<std::optional<Snap>> snaps;
  snaps.reserve(points.size());
  for (const geo::LonLat& p : points) {
    snaps.push_back(network.snap_index().Nearest(p, max_snap_meters));
  }
  return snaps;
}

absl::StatusOr<std::vector<RoadTravel>> NearestFacilityByRoad(
    const RoadNetwork& network, std::span<const std::optional<Snap>> units,
    std::span<const std::optional<Snap>> facilities, const DriveParams& params, double max_seconds,
    double max_meters, const geo::Deadline& deadline, const PointsByNode* unit_index) {
  const roads::RoadGraph& g = network.graph();
  std::vector<RoadTravel> travel(units.size());
  const auto on_segment = BySegment(facilities);
  // Units drive to facilities: search backward from the facilities' entries and leave each unit
  // by its exits. From facilities: forward from their exits, reach units by their entries.
  const bool unit_exits = params.to_facility;
  const Direction direction = params.to_facility ? Direction::kBackward : Direction::kForward;
  std::unique_ptr<PointsByNode> own_index;
  if (network.hierarchy() != nullptr && unit_index == nullptr) {
    own_index = std::make_unique<PointsByNode>(g, units);
    unit_index = own_index.get();
  }
  const auto fill = [&](const auto& labels, Metric metric, double bound) {
    for (size_t i = 0; i < units.size(); ++i) {
      if (!units[i]) continue;
      const Best best = Combine(g, labels, *units[i], unit_exits, metric, params, on_segment,
                                facilities, /*point_is_origin=*/params.to_facility);
      if (!best.found() || PrimaryValue(metric, best.key) > bound) continue;
      RoadTravel& t = travel[i];
      if (metric == Metric::kSeconds) {
        t.fastest_facility = best.source;
        t.seconds = static_cast<float>(PrimaryValue(metric, best.key));
        t.fastest_route_meters = static_cast<float>(SecondaryValue(metric, best.key));
      } else {
        t.shortest_facility = best.source;
        t.meters = static_cast<float>(PrimaryValue(metric, best.key));
      }
    }
  };
  for (Metric metric : {Metric::kSeconds, Metric::kMeters}) {
    const double bound = metric == Metric::kSeconds ? max_seconds : max_meters;
    if (bound <= 0) continue;
    const std::vector<Seed> seeds = SeedsFrom(g, facilities, !unit_exits, metric, params);
    if (const Hierarchy* h = network.hierarchy(metric); h != nullptr) {
      Phast& sweep = Phast::ThreadLocal(*h);
      RETURN_IF_ERROR(sweep.Run(unit_index->Selection(*h, direction), seeds, direction, metric,
                                BoundKey(metric, bound), deadline));
      fill(sweep, metric, bound);
    } else {
      Dijkstra& search = Dijkstra::ThreadLocal(g);
      RETURN_IF_ERROR(search.Run(seeds, direction, metric, BoundKey(metric, bound), deadline));
      fill(search, metric, bound);
    }
  }
  return travel;
}

absl::StatusOr<std::vector<PairTravel>> TravelFromOrigin(
    const RoadNetwork& network, const Snap& origin,
    std::span<const std::optional<Snap>> destinations, const DriveParams& params,
    double max_seconds, const geo::Deadline& deadline) {
  const roads::RoadGraph& g = network.graph();
  const std::optional<Snap> origins[1] = {origin};
  const std::vector<Seed> seeds = SeedsFrom(g, origins, /*exits=*/true, Metric::kSeconds, params);
  Dijkstra& search = Dijkstra::ThreadLocal(g);
  RETURN_IF_ERROR(search.Run(seeds, Direction::kForward, Metric::kSeconds,
                             BoundKey(Metric::kSeconds, max_seconds), deadline));
  const auto on_segment = BySegment(origins);
  std::vector<PairTravel> out(destinations.size());
  for (size_t i = 0; i < destinations.size(); ++i) {
    if (!destinations[i]) continue;
    const Best best = Combine(g, search, *destinations[i], /*exits=*/false, Metric::kSeconds,
                              params, on_segment, origins, /*point_is_origin=*/false);
    if (!best.found() || PrimaryValue(Metric::kSeconds, best.key) > max_seconds) continue;
    out[i] = {static_cast<float>(PrimaryValue(Metric::kSeconds, best.key)),
              static_cast<float>(SecondaryValue(Metric::kSeconds, best.key))};
  }
  return out;
}

absl::StatusOr<std::vector<std::vector<PairTravel>>> TravelMatrix(
    const RoadNetwork& network, std::span<const std::optional<Snap>> origins,
    std::span<const std::optional<Snap>> destinations, const DriveParams& params,
    double max_seconds, const geo::Deadline& deadline) {
  std::vector<std::vector<PairTravel>> rows(origins.size());
  const Hierarchy* h = network.hierarchy(Metric::kSeconds);
  if (h == nullptr) {
    for (size_t i = 0; i < origins.size(); ++i) {
      if (!origins[i]) continue;
      ASSIGN_OR_RETURN(rows[i], TravelFromOrigin(network, *origins[i], destinations, params,
                                                 max_seconds, deadline));
    }
    return rows;
  }
  // Each origin's exits and each destination's entries as seeds with their leg keys; the cell is
  // the least key over both, exactly Combine's over a search from the origin. A pair on one
  // segment may also drive along it directly.
  const roads::RoadGraph& g = network.graph();
  const auto seeds_of = [&](std::span<const std::optional<Snap>> points, bool exits) {
    std::vector<std::vector<Seed>> out(points.size());
    for (size_t i = 0; i < points.size(); ++i) {
      out[i] = SeedsFrom(g, points.subspan(i, 1), exits, Metric::kSeconds, params);
    }
    return out;
  };
  const std::vector<std::vector<Seed>> from = seeds_of(origins, true),
                                       to = seeds_of(destinations, false);
  ASSIGN_OR_RETURN(std::vector<RouteKey> cells,
                   ManyToMany(*h, from, to, BoundKey(Metric::kSeconds, max_seconds), deadline));
  const auto on_segment = BySegment(destinations);
  for (size_t i = 0; i < origins.size(); ++i) {
    if (!origins[i]) continue;
    rows[i].resize(destinations.size());
    std::span<const RouteKey> row(cells.data() + i * destinations.size(), destinations.size());
    std::vector<RouteKey> best(row.begin(), row.end());
    if (auto it = on_segment.find(origins[i]->segment); it != on_segment.end()) {
      const roads::Segment& s = g.segments[origins[i]->segment];
      for (int32_t j : it->second) {
        const double share = DirectShare(s, origins[i]->fraction, destinations[j]->fraction);
        if (share < 0) continue;
        const Costs c =
            LegCosts(s, share, origins[i]->snap_meters + destinations[j]->snap_meters, params);
        best[j] = std::min(best[j], KeyOf(Metric::kSeconds, c.seconds, c.meters));
      }
    }
    for (size_t j = 0; j < destinations.size(); ++j) {
      if (!destinations[j] || !Reached(best[j]) ||
          PrimaryValue(Metric::kSeconds, best[j]) > max_seconds) {
        continue;
      }
      rows[i][j] = {static_cast<float>(PrimaryValue(Metric::kSeconds, best[j])),
                    static_cast<float>(SecondaryValue(Metric::kSeconds, best[j]))};
    }
  }
  return rows;
}

PointsByNode::PointsByNode(const roads::RoadGraph& graph,
                           std::span<const std::optional<Snap>> points)
    : point_count_(points.size()), first_(graph.node_count() + 1, 0) {
  const auto ends = [&](const Snap& p) {
    const roads::Segment& s = graph.segments[p.segment];
    return std::pair<uint32_t, uint32_t>(s.from, s.to);
  };
  for (size_t i = 0; i < points.size(); ++i) {
    if (!points[i]) continue;
    const auto [from, to] = ends(*points[i]);
    ++first_[from + 1];
    if (to != from) ++first_[to + 1];
    on_road_.push_back(points[i]->on_road);
    listed_.push_back(static_cast<int32_t>(i));
  }
  for (size_t n = 1; n < first_.size(); ++n) first_[n] += first_[n - 1];
  points_.resize(first_.back());
  std::vector<uint32_t> next(first_.begin(), first_.end() - 1);
  for (size_t i = 0; i < points.size(); ++i) {
    if (!points[i]) continue;
    const auto [from, to] = ends(*points[i]);
    points_[next[from]++] = static_cast<int32_t>(i);
    if (to != from) points_[next[to]++] = static_cast<int32_t>(i);
  }
}

PointsByNode::~PointsByNode() = default;

std::optional<std::vector<int32_t>> PointsByNode::Near(std::span<const Snap> centers,
                                                       double radius_meters,
                                                       size_t max_count) const {
  absl::call_once(tree_once_, [&] {
    std::vector<geo::Ecef> at;
    at.reserve(on_road_.size());
    box_min_.fill(std::numeric_limits<double>::infinity());
    box_max_.fill(-std::numeric_limits<double>::infinity());
    for (const geo::LonLat& p : on_road_) {
      const geo::Ecef e = geo::ToEcef(p);
      at.push_back(e);
      const double xyz[3] = {e.x, e.y, e.z};
      for (int d = 0; d < 3; ++d) {
        box_min_[d] = std::min(box_min_[d], xyz[d]);
        box_max_[d] = std::max(box_max_[d], xyz[d]);
      }
    }
    tree_ = std::make_unique<const geo::EcefKdTree>(std::move(at));
  });
  if (on_road_.size() > max_count) {
    // Every point within reach of one center: the farthest corner of the box is.
    for (const Snap& c : centers) {
      const geo::Ecef e = geo::ToEcef(c.on_road);
      const double xyz[3] = {e.x, e.y, e.z};
      double farthest_sq = 0;
      for (int d = 0; d < 3; ++d) {
        const double far = std::max(std::abs(xyz[d] - box_min_[d]), std::abs(xyz[d] - box_max_[d]));
        farthest_sq += far * far;
      }
      if (farthest_sq <= radius_meters * radius_meters) return std::nullopt;
    }
  }
  std::vector<int32_t> near;
  const auto distinct = [&] {
    std::sort(near.begin(), near.end());
    near.erase(std::unique(near.begin(), near.end()), near.end());
  };
  for (const Snap& c : centers) {
    for (const auto& [entry, chord_sq] :
         tree_->WithinRadius(geo::ToEcef(c.on_road), radius_meters)) {
      near.push_back(listed_[entry]);
    }
    if (near.size() > max_count) {
      distinct();
      if (near.size() > max_count) return std::nullopt;
    }
  }
  distinct();
  return near;
}

const TargetSelection& PointsByNode::Selection(const Hierarchy& hierarchy,
                                               Direction direction) const {
  const int d = direction == Direction::kForward ? 0 : 1;
  absl::call_once(selection_once_[d], [&] {
    std::vector<uint32_t> nodes;
    for (uint32_t n = 0; n + 1 < first_.size(); ++n) {
      if (first_[n + 1] > first_[n]) nodes.push_back(n);
    }
    selection_[d] = std::make_unique<const TargetSelection>(
        TargetSelection::Build(hierarchy, nodes, direction));
  });
  return *selection_[d];
}

absl::StatusOr<std::vector<PointReach>> PointsWithinBound(
    const RoadNetwork& network, const Snap& source, std::span<const std::optional<Snap>> points,
    const PointsByNode& by_node, const DriveParams& params, Metric metric, double bound,
    const geo::Deadline& deadline) {
  const Snap sources[1] = {source};
  ASSIGN_OR_RETURN(
      std::vector<std::vector<PointReach>> reached,
      PointsWithinBoundBatch(network, sources, points, by_node, params, metric, bound, deadline));
  return std::move(reached[0]);
}

absl::StatusOr<std::vector<std::vector<PointReach>>> PointsWithinBoundBatch(
    const RoadNetwork& network, std::span<const Snap> sources,
    std::span<const std::optional<Snap>> points, const PointsByNode& by_node,
    const DriveParams& params, Metric metric, double bound, const geo::Deadline& deadline) {
  if (by_node.point_count() != points.size()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "points: the node index lists %d points, not %d", by_node.point_count(), points.size()));
  }
  if (sources.size() > kPointsBatch) {
    return absl::InvalidArgumentError(
        absl::StrFormat("sources: %d in one batch, at most %d", sources.size(), kPointsBatch));
  }
  const roads::RoadGraph& g = network.graph();
  // Points drive to the source: search backward from its entries, leave each point by its exits.
  const bool point_exits = params.to_facility;
  const Direction direction = point_exits ? Direction::kBackward : Direction::kForward;
  std::vector<std::vector<PointReach>> reached(sources.size());
  std::vector<std::optional<Snap>> source_snaps(sources.begin(), sources.end());
  std::vector<absl::flat_hash_map<uint32_t, std::vector<int32_t>>> on_segment(sources.size());
  for (size_t k = 0; k < sources.size(); ++k) on_segment[k] = {{sources[k].segment, {0}}};
  const auto consider = [&](const auto& labels, size_t k, int32_t i) {
    if (!points[i]) return;  // `by_node` may list points reset here
    const Best best = Combine(g, labels, *points[i], point_exits, metric, params, on_segment[k],
                              std::span(source_snaps).subspan(k, 1),
                              /*point_is_origin=*/params.to_facility);
    if (best.found() && PrimaryValue(metric, best.key) <= bound) {
      reached[k].push_back({i, static_cast<float>(PrimaryValue(metric, best.key)),
                            static_cast<float>(SecondaryValue(metric, best.key))});
    }
  };
  std::vector<std::vector<Seed>> seeds(sources.size());
  for (size_t k = 0; k < sources.size(); ++k) {
    seeds[k] = SeedsFrom(g, std::span(source_snaps).subspan(k, 1), !point_exits, metric, params);
  }
  if (const Hierarchy* h = network.hierarchy(metric); h != nullptr) {
    // Only the points within straight-line reach of a source can be within the bound. When they
    // are a small share of all points (sources near each other, a bound small against the
    // region), one sweep over the selection of just their nodes, built for this batch, costs
    // less than a sweep over the selection of every point's (built once per index).
    const double reach_meters = network.ReachMeters(metric, bound);
    std::vector<int32_t> candidates;
    std::optional<TargetSelection> local;
    std::optional<std::vector<int32_t>> near;
    if (std::isfinite(reach_meters)) {
      near = by_node.Near(sources, reach_meters, by_node.point_count() / kLocalSelectionShare);
    }
    if (near) {
      // The index may list points this request does not (e.g. a smaller max_snap_meters).
      candidates = *std::move(near);
      std::erase_if(candidates, [&](int32_t i) { return !points[i]; });
      if (candidates.empty()) return reached;  // nothing within reach: no search at all
      std::vector<uint32_t> nodes;
      nodes.reserve(2 * candidates.size());
      for (int32_t i : candidates) {
        nodes.push_back(g.segments[points[i]->segment].from);
        nodes.push_back(g.segments[points[i]->segment].to);
      }
      local.emplace(TargetSelection::Build(*h, nodes, direction));
    }
    if (!local) {
      candidates.clear();
      for (size_t i = 0; i < points.size(); ++i) {
        if (points[i]) candidates.push_back(static_cast<int32_t>(i));
      }
    }
    // One sweep for the whole batch; every candidate is then checked (the selection holds
    // exactly the candidates' nodes and what labels them).
    std::vector<std::span<const Seed>> columns(seeds.begin(), seeds.end());
    RphastBatch& batch = RphastBatch::ThreadLocal(*h);
    RETURN_IF_ERROR(batch.Run(local ? *local : by_node.Selection(*h, direction), columns, direction,
                              metric, BoundKey(metric, bound), deadline));
    for (size_t k = 0; k < sources.size(); ++k) {
      const BatchColumn labels{&batch, static_cast<int>(k)};
      for (int32_t i : candidates) consider(labels, k, i);
    }
    return reached;
  }
  Dijkstra& search = Dijkstra::ThreadLocal(g);
  for (size_t k = 0; k < sources.size(); ++k) {
    RETURN_IF_ERROR(search.Run(seeds[k], direction, metric, BoundKey(metric, bound), deadline));
    const std::span<const uint32_t> settled = search.settled();
    if (points.size() <= settled.size()) {
      // Fewer points than settled nodes: checking every point is the cheaper way.
      for (size_t i = 0; i < points.size(); ++i) {
        if (points[i]) consider(search, k, static_cast<int32_t>(i));
      }
      continue;
    }
    // Every reached node is settled (the search runs until its heap is empty), so a point reached
    // through a node is listed at a settled node; points on the source's own segment may be
    // reached along it without any settled node.
    std::vector<int32_t> candidates;
    for (uint32_t n : settled) {
      const std::span<const int32_t> at = by_node.At(n);
      candidates.insert(candidates.end(), at.begin(), at.end());
    }
    for (int32_t i : by_node.At(g.segments[sources[k].segment].from)) {
      if (points[i] && points[i]->segment == sources[k].segment) candidates.push_back(i);
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    for (int32_t i : candidates) consider(search, k, i);
  }
  return reached;
}

absl::StatusOr<std::vector<std::vector<geo::LonLat>>> ReachedRoads(const RoadNetwork& network,
                                                                   std::span<const Snap> sources,
                                                                   const DriveParams& params,
                                                                   double max_seconds,
                                                                   const geo::Deadline& deadline) {
  const roads::RoadGraph& g = network.graph();
  std::vector<std::optional<Snap>> points(sources.begin(), sources.end());
  // Outwards from the sources (exits, forward), or the roads from which they are reached.
  const bool forward = !params.to_facility;
  const std::vector<Seed> seeds = SeedsFrom(g, points, forward, Metric::kSeconds, params);
  const Direction direction = forward ? Direction::kForward : Direction::kBackward;
  const RouteKey bound_key = BoundKey(Metric::kSeconds, max_seconds);
  // The reached nodes with their keys: a PHAST sweep over every node with a hierarchy, the
  // settled nodes of a bounded Dijkstra without one.
  std::vector<std::pair<uint32_t, RouteKey>> reached_nodes;
  if (const Hierarchy* h = network.hierarchy(Metric::kSeconds); h != nullptr) {
    Phast& sweep = Phast::ThreadLocal(*h);
    RETURN_IF_ERROR(sweep.Run(seeds, direction, Metric::kSeconds, bound_key, deadline));
    for (uint32_t n = 0; n < g.node_count(); ++n) {
      if (sweep.reached(n)) reached_nodes.emplace_back(n, sweep.key(n));
    }
  } else {
    Dijkstra& search = Dijkstra::ThreadLocal(g);
    RETURN_IF_ERROR(search.Run(seeds, direction, Metric::kSeconds, bound_key, deadline));
    for (uint32_t n : search.settled()) reached_nodes.emplace_back(n, search.key(n));
  }
  // In order of (time, node) whatever the engine: the geometry built from these pieces then
  // does not depend on which engine found them.
  std::sort(reached_nodes.begin(), reached_nodes.end(), [](const auto& a, const auto& b) {
    return std::tie(a.second, a.first) < std::tie(b.second, b.first);
  });
  // The part of segment `s` within `share_from_start` of its from-end (or to-end), as a polyline.
  const auto piece = [&](uint32_t seg, double lo, double hi) {
    const roads::Segment& s = g.segments[seg];
    const auto shape = g.SegmentShape(seg);
    const auto cum = g.SegmentShapeMeters(seg);
    const double a = lo * s.meters, b = hi * s.meters;
    std::vector<geo::LonLat> line;
    const auto at = [&](size_t i, double m) {
      const double span = cum[i + 1] - cum[i];
      const double t = span > 0 ? std::clamp((m - cum[i]) / span, 0.0, 1.0) : 0.0;
      const geo::LonLat p = shape[i].ToLonLat(), q = shape[i + 1].ToLonLat();
      return geo::LonLat{p.lon + (q.lon - p.lon) * t, p.lat + (q.lat - p.lat) * t};
    };
    for (size_t i = 0; i + 1 < shape.size(); ++i) {
      if (cum[i + 1] < a || cum[i] > b) continue;
      if (line.empty()) line.push_back(at(i, std::max(a, static_cast<double>(cum[i]))));
      line.push_back(at(i, std::min(b, static_cast<double>(cum[i + 1]))));
    }
    if (line.size() == 1) line.push_back(line.front());
    return line;
  };
  std::vector<std::vector<geo::LonLat>> reached;
  for (const auto& [u, key] : reached_nodes) {
    const double cu = PrimaryValue(Metric::kSeconds, key);
    for (const roads::Arc& arc : forward ? g.OutArcs(u) : g.InArcs(u)) {
      const uint32_t seg = arc.segment & ~roads::Arc::kReversedBit;
      const bool reversed = arc.segment & roads::Arc::kReversedBit;
      const double share = arc.seconds > 0 ? std::min(1.0, (max_seconds - cu) / arc.seconds) : 1.0;
      if (share <= 0) continue;
      // The reached part starts at u's end of the segment. Forward search: u is the arc's tail,
      // the from-end unless reversed. Backward: u is the original arc's head, the to-end unless
      // reversed.
      const bool u_at_from = forward ? !reversed : reversed;
      reached.push_back(u_at_from ? piece(seg, 0.0, share) : piece(seg, 1.0 - share, 1.0));
    }
  }
  // Each source's own segment, from the source towards its seeds' nodes.
  for (const Snap& src : sources) {
    const roads::Segment& s = g.segments[src.segment];
    const double reach =
        s.seconds > 0
            ? std::max(0.0, max_seconds - src.snap_meters / params.offroad_meters_per_second) /
                  s.seconds
            : 1.0;
    End ends[2];
    const int n = Ends(s, src.fraction, forward, ends);
    for (int k = 0; k < n; ++k) {
      const bool towards_to = ends[k].node == s.to && (s.from != s.to || k == 0);
      const double span = std::min(reach, ends[k].share);
      reached.push_back(towards_to ? piece(src.segment, src.fraction, src.fraction + span)
                                   : piece(src.segment, src.fraction - span, src.fraction));
    }
  }
  return reached;
}

}  // namespace carereach::routing
