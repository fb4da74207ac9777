#include "geo/roads/road_graph.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "geo/core/geodesic.h"

namespace carereach::roads {
namespace {

bool OneOf(std::string_view value, std::initializer_list<std::string_view> options) {
  return std::find(options.begin(), options.end(), value) != options.end();
}

RoadClass ClassOf(std::string_view highway) {
  static const std::pair<std::string_view, RoadClass> kClasses[] = {
      {"motorway", RoadClass::kMotorway},
      {"motorway_link", RoadClass::kMotorwayLink},
      {"trunk", RoadClass::kTrunk},
      {"trunk_link", RoadClass::kTrunkLink},
      {"primary", RoadClass::kPrimary},
      {"primary_link", RoadClass::kPrimaryLink},
      {"secondary", RoadClass::kSecondary},
      {"secondary_link", RoadClass::kSecondaryLink},
      {"tertiary", RoadClass::kTertiary},
      {"tertiary_link", RoadClass::kTertiaryLink},
      {"unclassified", RoadClass::kUnclassified},
      {"residential", RoadClass::kResidential},
      {"living_street", RoadClass::kLivingStreet},
      {"service", RoadClass::kService},
  };
  for (const auto& [name, cls] : kClasses) {
    if (name == highway) return cls;
  }
  return RoadClass::kOther;
}

// The most specific access tag present decides (motorcar > motor_vehicle > vehicle > access).
bool ClosedToCars(const RoadGraphBuilder::Tags& t) {
  for (const std::string* tag : {&t.motorcar, &t.motor_vehicle, &t.vehicle, &t.access}) {
    if (tag->empty()) continue;
    return OneOf(*tag, {"no", "private", "agricultural", "forestry", "emergency", "psv", "delivery",
                        "military"});
  }
  return false;
}

// Position of (x, y) along a Hilbert curve over a 2^16 x 2^16 grid: nearby points get nearby
// positions, so ordering nodes by it keeps a search's working set in few cache lines.
uint64_t HilbertIndex(uint32_t x, uint32_t y) {
  constexpr uint32_t kSide = 1u << 16;
  uint64_t d = 0;
  for (uint32_t s = kSide / 2; s > 0; s /= 2) {
    const uint32_t rx = (x & s) > 0, ry = (y & s) > 0;
    d += static_cast<uint64_t>(s) * s * ((3 * rx) ^ ry);
    if (ry == 0) {
      if (rx == 1) {
        x = kSide - 1 - x;
        y = kSide - 1 - y;
      }
      std::swap(x, y);
    }
  }
  return d;
}

double Meters(Coord a, Coord b) { return geo::GeodesicMeters(a.ToLonLat(), b.ToLonLat()); }

void BuildCsr(uint32_t node_count, const std::vector<std::pair<uint32_t, Arc>>& arcs,
              geo::BigVector<uint32_t>* first, geo::BigVector<Arc>* out) {
  first->assign(node_count + 1, 0);
  for (const auto& [tail, arc] : arcs) ++(*first)[tail + 1];
  for (uint32_t n = 0; n < node_count; ++n) (*first)[n + 1] += (*first)[n];
  out->resize(arcs.size());
  std::vector<uint32_t> next(first->begin(), first->end() - 1);
  for (const auto& [tail, arc] : arcs) (*out)[next[tail]++] = arc;
}

}  // namespace

double ParseDurationSeconds(std::string_view tag) {
  std::vector<absl::string_view> parts =
      absl::StrSplit(absl::string_view(tag.data(), tag.size()), ':');
  if (parts.empty() || parts.size() > 3) return -1;
  double seconds = 0;
  if (parts.size() == 1) {  // minutes
    double minutes = 0;
    return absl::SimpleAtod(parts[0], &minutes) && minutes > 0 ? minutes * 60 : -1;
  }
  const double scale[] = {3600, 60, 1};
  for (size_t i = 0; i < parts.size(); ++i) {
    double v = 0;
    if (!absl::SimpleAtod(parts[i], &v) || v < 0) return -1;
    seconds += v * scale[i];
  }
  return seconds > 0 ? seconds : -1;
}

void RoadGraphBuilder::AddWay(const std::vector<WayNode>& nodes, const Tags& tags) {
  const bool ferry = tags.route == "ferry";
  if (!ferry && tags.highway.empty()) return;
  if (tags.area == "yes") return;
  const double kph = speeds_.WaySpeedKph(tags);
  if (kph <= 0) return;  // a class cars don't use (footway, construction, ...)
  if (ClosedToCars(tags)) {
    ++stats_.ways_excluded_access;
    return;
  }
  ++stats_.ways_routable;

  bool forward = true, backward = true;
  if (OneOf(tags.oneway, {"yes", "true", "1"})) {
    backward = false;
  } else if (OneOf(tags.oneway, {"-1", "reverse"})) {
    forward = false;
  } else if (tags.oneway != "no" && (OneOf(tags.junction, {"roundabout", "circular"}) ||
                                     OneOf(tags.highway, {"motorway", "motorway_link"}))) {
    backward = false;  // implied oneway
  }
  WayPiece base;
  base.kph = static_cast<float>(kph);
  base.flags = (forward ? Segment::kForward : 0) | (backward ? Segment::kBackward : 0) |
               (ferry ? Segment::kFerry : 0);
  base.road_class = ferry ? RoadClass::kFerry : ClassOf(tags.highway);

  // A ferry's duration tag fixes its crossing time; spread it along its length.
  if (ferry && !tags.duration.empty()) {
    const double seconds = ParseDurationSeconds(tags.duration);
    double meters = 0;
    for (size_t i = 1; i < nodes.size(); ++i) {
      if (nodes[i - 1].valid && nodes[i].valid)
        meters += Meters(nodes[i - 1].coord, nodes[i].coord);
    }
    if (seconds > 0 && meters > 0)
      base.ferry_seconds_per_meter = static_cast<float>(seconds / meters);
  }

  // Cut at missing nodes: each run of known nodes is a piece of its own.
  int64_t missing = 0;
  int pieces = 0;
  size_t i = 0;
  while (i < nodes.size()) {
    if (!nodes[i].valid) {
      ++missing;
      ++i;
      continue;
    }
    WayPiece piece = base;
    piece.first_ref = static_cast<uint32_t>(refs_.size());
    for (; i < nodes.size() && nodes[i].valid; ++i) {
      if (!refs_.empty() && piece.ref_count > 0 && refs_.back() == nodes[i].id) continue;
      refs_.push_back(nodes[i].id);
      ref_coords_.push_back(nodes[i].coord);
      ++piece.ref_count;
    }
    if (piece.ref_count >= 2) {
      pieces_.push_back(piece);
      ++pieces;
    } else {
      refs_.resize(piece.first_ref);
      ref_coords_.resize(piece.first_ref);
    }
  }
  stats_.missing_node_refs += missing;
  if (missing > 0 && pieces > 0) ++stats_.ways_split_at_missing;
  if (pieces == 0) ++stats_.ways_too_short;
}

RoadGraph RoadGraphBuilder::Build() && {
  RoadGraph g;
  g.profile_name = speeds_.name();

  // A node is a junction (a graph node) when it ends a piece or is used more than once.
  absl::flat_hash_map<int64_t, uint32_t> uses;
  uses.reserve(refs_.size());
  for (const WayPiece& p : pieces_) {
    for (uint32_t k = 0; k < p.ref_count; ++k) {
      const bool end = k == 0 || k + 1 == p.ref_count;
      uses[refs_[p.first_ref + k]] += end ? 2 : 1;
    }
  }
  stats_.osm_nodes_used = static_cast<int64_t>(uses.size());
  absl::flat_hash_map<int64_t, uint32_t> node_index;
  for (const WayPiece& p : pieces_) {
    for (uint32_t k = 0; k < p.ref_count; ++k) {
      const int64_t id = refs_[p.first_ref + k];
      if (uses[id] < 2) continue;
      if (node_index.emplace(id, static_cast<uint32_t>(g.nodes.size())).second) {
        g.nodes.push_back(ref_coords_[p.first_ref + k]);
      }
    }
  }

  // Renumber nodes along a Hilbert curve over their bounding box.
  if (!g.nodes.empty()) {
    int64_t min_x = INT32_MAX, max_x = INT32_MIN, min_y = INT32_MAX, max_y = INT32_MIN;
    for (const Coord& c : g.nodes) {
      min_x = std::min<int64_t>(min_x, c.lon_e7);
      max_x = std::max<int64_t>(max_x, c.lon_e7);
      min_y = std::min<int64_t>(min_y, c.lat_e7);
      max_y = std::max<int64_t>(max_y, c.lat_e7);
    }
    const double sx = 65535.0 / std::max<int64_t>(1, max_x - min_x);
    const double sy = 65535.0 / std::max<int64_t>(1, max_y - min_y);
    std::vector<std::pair<uint64_t, uint32_t>> order(g.nodes.size());
    for (uint32_t i = 0; i < g.nodes.size(); ++i) {
      order[i] = {HilbertIndex(static_cast<uint32_t>((g.nodes[i].lon_e7 - min_x) * sx),
                               static_cast<uint32_t>((g.nodes[i].lat_e7 - min_y) * sy)),
                  i};
    }
    std::sort(order.begin(), order.end());
    std::vector<uint32_t> new_index(g.nodes.size());
    geo::BigVector<Coord> sorted(g.nodes.size());
    for (uint32_t k = 0; k < order.size(); ++k) {
      new_index[order[k].second] = k;
      sorted[k] = g.nodes[order[k].second];
    }
    g.nodes = std::move(sorted);
    for (auto& [id, index] : node_index) index = new_index[index];
  }

  std::vector<std::pair<uint32_t, Arc>> forward_arcs, backward_arcs;
  for (const WayPiece& p : pieces_) {
    uint32_t start = 0;
    for (uint32_t k = 1; k < p.ref_count; ++k) {
      const int64_t id = refs_[p.first_ref + k];
      if (uses[id] < 2) continue;
      Segment s;
      s.from = node_index.at(refs_[p.first_ref + start]);
      s.to = node_index.at(id);
      s.shape_begin = static_cast<uint32_t>(g.shape.size());
      double meters = 0;
      for (uint32_t j = start; j <= k; ++j) {
        const Coord c = ref_coords_[p.first_ref + j];
        if (j > start) meters += Meters(g.shape.back(), c);
        g.shape.push_back(c);
        g.shape_meters.push_back(static_cast<float>(meters));
      }
      s.shape_end = static_cast<uint32_t>(g.shape.size());
      s.meters = static_cast<float>(meters);
      s.seconds = p.ferry_seconds_per_meter > 0
                      ? static_cast<float>(meters * p.ferry_seconds_per_meter)
                      : static_cast<float>(meters / (p.kph / 3.6));
      s.flags = p.flags;
      s.road_class = p.road_class;
      const uint32_t index = static_cast<uint32_t>(g.segments.size());
      g.segments.push_back(s);
      if (s.forward()) {
        forward_arcs.push_back({s.from, Arc{s.to, s.seconds, s.meters, index}});
        backward_arcs.push_back({s.to, Arc{s.from, s.seconds, s.meters, index}});
      }
      if (s.backward()) {
        const uint32_t reversed = index | Arc::kReversedBit;
        forward_arcs.push_back({s.to, Arc{s.from, s.seconds, s.meters, reversed}});
        backward_arcs.push_back({s.from, Arc{s.to, s.seconds, s.meters, reversed}});
      }
      start = k;
    }
  }
  refs_.clear();
  ref_coords_.clear();

  BuildCsr(g.node_count(), forward_arcs, &g.first_out, &g.out_arcs);
  BuildCsr(g.node_count(), backward_arcs, &g.first_in, &g.in_arcs);
  g.node_in_main = LargestStronglyConnectedComponent(g.first_out, g.out_arcs);
  for (Segment& s : g.segments) {
    const bool unsuitable = (s.flags & Segment::kFerry) || s.road_class == RoadClass::kMotorway ||
                            s.road_class == RoadClass::kMotorwayLink;
    if (!unsuitable && g.node_in_main[s.from] && g.node_in_main[s.to]) {
      s.flags |= Segment::kSnappable;
    }
  }
  g.stats = stats_;
  return g;
}

geo::BigVector<uint8_t> LargestStronglyConnectedComponent(const geo::BigVector<uint32_t>& first_out,
                                                          const geo::BigVector<Arc>& out_arcs) {
  const uint32_t n = static_cast<uint32_t>(first_out.size() - 1);
  constexpr uint32_t kUnvisited = UINT32_MAX;
  std::vector<uint32_t> index(n, kUnvisited), low(n, 0), component(n, kUnvisited);
  std::vector<uint32_t> stack, call_node, call_arc;
  std::vector<uint8_t> on_stack(n, 0);
  uint32_t next_index = 0, components = 0, best_component = 0, best_size = 0;
  for (uint32_t root = 0; root < n; ++root) {
    if (index[root] != kUnvisited) continue;
    call_node.push_back(root);
    call_arc.push_back(first_out[root]);
    index[root] = low[root] = next_index++;
    stack.push_back(root);
    on_stack[root] = 1;
    while (!call_node.empty()) {
      const uint32_t v = call_node.back();
      uint32_t& a = call_arc.back();
      if (a < first_out[v + 1]) {
        const uint32_t w = out_arcs[a++].head;
        if (index[w] == kUnvisited) {
          index[w] = low[w] = next_index++;
          stack.push_back(w);
          on_stack[w] = 1;
          call_node.push_back(w);
          call_arc.push_back(first_out[w]);
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      if (low[v] == index[v]) {
        uint32_t size = 0, w = 0;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = 0;
          component[w] = components;
          ++size;
        } while (w != v);
        if (size > best_size) {
          best_size = size;
          best_component = components;
        }
        ++components;
      }
      call_node.pop_back();
      call_arc.pop_back();
      if (!call_node.empty()) {
        const uint32_t parent = call_node.back();
        low[parent] = std::min(low[parent], low[v]);
      }
    }
  }
  geo::BigVector<uint8_t> in_main(n, 0);
  for (uint32_t v = 0; v < n; ++v) in_main[v] = component[v] == best_component ? 1 : 0;
  return in_main;
}

int64_t RoadGraph::main_component_nodes() const {
  int64_t count = 0;
  for (uint8_t m : node_in_main) count += m;
  return count;
}

int64_t RoadGraph::MemoryBytes() const {
  return static_cast<int64_t>(nodes.size() * sizeof(Coord) + node_in_main.size() +
                              (first_out.size() + first_in.size()) * sizeof(uint32_t) +
                              (out_arcs.size() + in_arcs.size()) * sizeof(Arc) +
                              segments.size() * sizeof(Segment) + shape.size() * sizeof(Coord) +
                              shape_meters.size() * sizeof(float));
}

}  // namespace carereach::roads
