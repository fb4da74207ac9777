#include "geo/routing/road_network.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "geo/core/status_macros.h"

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

double Cost(const Costs& c, Metric m) { return m == Metric::kSeconds ? c.seconds : c.meters; }
double Other(const Costs& c, Metric m) { return m == Metric::kSeconds ? c.meters : c.seconds; }

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

// The best way from/to `point` through the labels of the last search, or through a source on the
// same segment. Returns {cost, other, source}; source -1 when none.
struct Best {
  float cost = Dijkstra::kInfinity;
  float other = Dijkstra::kInfinity;
  int32_t source = -1;
};
Best Combine(const roads::RoadGraph& g, const Dijkstra& search, const Snap& point, bool exits,
             Metric metric, const DriveParams& p,
             const absl::flat_hash_map<uint32_t, std::vector<int32_t>>& sources_on_segment,
             std::span<const std::optional<Snap>> sources, bool point_is_origin) {
  Best best;
  const roads::Segment& s = g.segments[point.segment];
  End ends[2];
  const int n = Ends(s, point.fraction, exits, ends);
  for (int k = 0; k < n; ++k) {
    const RouteKey key = search.key(ends[k].node);
    if (!Reached(key)) continue;
    const Costs leg = LegCosts(s, ends[k].share, point.snap_meters, p);
    const float cost = static_cast<float>(PrimaryValue(metric, key) + Cost(leg, metric));
    if (cost < best.cost) {
      best = {cost, static_cast<float>(SecondaryValue(metric, key) + Other(leg, metric)),
              search.source(ends[k].node)};
    }
  }
  if (auto it = sources_on_segment.find(point.segment); it != sources_on_segment.end()) {
    for (int32_t i : it->second) {
      const Snap& src = *sources[i];
      const double share = point_is_origin ? DirectShare(s, point.fraction, src.fraction)
                                           : DirectShare(s, src.fraction, point.fraction);
      if (share < 0) continue;
      const Costs c = LegCosts(s, share, point.snap_meters + src.snap_meters, p);
      const auto cost = static_cast<float>(Cost(c, metric));
      if (cost < best.cost) best = {cost, static_cast<float>(Other(c, metric)), i};
    }
  }
  return best;
}

absl::flat_hash_map<uint32_t, std::vector<int32_t>> BySegment(
    std::span<const std::optional<Snap>> points) {
  absl::flat_hash_map<uint32_t, std::vector<int32_t>> map;
  for (size_t i = 0; i < points.size(); ++i) {
    if (points[i]) map[points[i]->segment].push_back(static_cast<int32_t>(i));
  }
  return map;
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
    double max_meters, const geo::Deadline& deadline) {
  const roads::RoadGraph& g = network.graph();
  std::vector<RoadTravel> travel(units.size());
  const auto on_segment = BySegment(facilities);
  // Units drive to facilities: search backward from the facilities' entries and leave each unit
  // by its exits. From facilities: forward from their exits, reach units by their entries.
  const bool unit_exits = params.to_facility;
  const Direction direction = params.to_facility ? Direction::kBackward : Direction::kForward;
  Dijkstra& search = Dijkstra::ThreadLocal(g);
  for (Metric metric : {Metric::kSeconds, Metric::kMeters}) {
    const double bound = metric == Metric::kSeconds ? max_seconds : max_meters;
    if (bound <= 0) continue;
    const std::vector<Seed> seeds = SeedsFrom(g, facilities, !unit_exits, metric, params);
    RETURN_IF_ERROR(search.Run(seeds, direction, metric, BoundKey(metric, bound), deadline));
    for (size_t i = 0; i < units.size(); ++i) {
      if (!units[i]) continue;
      const Best best = Combine(g, search, *units[i], unit_exits, metric, params, on_segment,
                                facilities, /*point_is_origin=*/params.to_facility);
      if (best.source < 0 || best.cost > bound) continue;
      RoadTravel& t = travel[i];
      if (metric == Metric::kSeconds) {
        t.fastest_facility = best.source;
        t.seconds = best.cost;
        t.fastest_route_meters = best.other;
      } else {
        t.shortest_facility = best.source;
        t.meters = best.cost;
      }
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
    if (best.source < 0 || best.cost > max_seconds) continue;
    out[i] = {best.cost, best.other};
  }
  return out;
}

PointsByNode::PointsByNode(const roads::RoadGraph& graph,
                           std::span<const std::optional<Snap>> points)
    : point_count_(points.size()), first_(graph.node_count() + 1, 0) {
  const auto ends = [&](const Snap& p) {
    const roads::Segment& s = graph.segments[p.segment];
    return std::pair<uint32_t, uint32_t>(s.from, s.to);
  };
  for (const std::optional<Snap>& p : points) {
    if (!p) continue;
    const auto [from, to] = ends(*p);
    ++first_[from + 1];
    if (to != from) ++first_[to + 1];
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

absl::StatusOr<std::vector<PointReach>> PointsWithinBound(
    const RoadNetwork& network, const Snap& source, std::span<const std::optional<Snap>> points,
    const PointsByNode& by_node, const DriveParams& params, Metric metric, double bound,
    const geo::Deadline& deadline) {
  if (by_node.point_count() != points.size()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "points: the node index lists %d points, not %d", by_node.point_count(), points.size()));
  }
  const roads::RoadGraph& g = network.graph();
  const std::optional<Snap> sources[1] = {source};
  // Points drive to the source: search backward from its entries, leave each point by its exits.
  const bool point_exits = params.to_facility;
  const std::vector<Seed> seeds = SeedsFrom(g, sources, !point_exits, metric, params);
  Dijkstra& search = Dijkstra::ThreadLocal(g);
  RETURN_IF_ERROR(search.Run(seeds, point_exits ? Direction::kBackward : Direction::kForward,
                             metric, BoundKey(metric, bound), deadline));
  const absl::flat_hash_map<uint32_t, std::vector<int32_t>> on_segment = {{source.segment, {0}}};
  std::vector<PointReach> reached;
  const auto consider = [&](int32_t i) {
    const Best best = Combine(g, search, *points[i], point_exits, metric, params, on_segment,
                              sources, /*point_is_origin=*/params.to_facility);
    if (best.source >= 0 && best.cost <= bound) reached.push_back({i, best.cost, best.other});
  };
  const std::span<const uint32_t> settled = search.settled();
  if (points.size() <= settled.size()) {
    // Fewer points than settled nodes: checking every point is the cheaper way.
    for (size_t i = 0; i < points.size(); ++i) {
      if (points[i]) consider(static_cast<int32_t>(i));
    }
    return reached;
  }
  // Every reached node is settled (the search runs until its heap is empty), so a point reached
  // through a node is listed at a settled node; points on the source's own segment may be
  // reached along it without any settled node.
  std::vector<int32_t> candidates;
  for (uint32_t n : settled) {
    const std::span<const int32_t> at = by_node.At(n);
    candidates.insert(candidates.end(), at.begin(), at.end());
  }
  for (int32_t i : by_node.At(g.segments[source.segment].from)) {
    if (points[i]->segment == source.segment) candidates.push_back(i);
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  for (int32_t i : candidates) consider(i);
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
  Dijkstra& search = Dijkstra::ThreadLocal(g);
  RETURN_IF_ERROR(search.Run(seeds, forward ? Direction::kForward : Direction::kBackward,
                             Metric::kSeconds, BoundKey(Metric::kSeconds, max_seconds), deadline));
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
  for (uint32_t u : search.settled()) {
    const double cu = PrimaryValue(Metric::kSeconds, search.key(u));
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
