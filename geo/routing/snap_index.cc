#include "geo/routing/snap_index.h"

#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "absl/strings/str_format.h"
#include "geo/core/geodesic.h"
#include "geo/core/worker_pool.h"

namespace carereach::routing {
namespace {

struct Vec3 {
  double x, y, z;
};
Vec3 ToVec(geo::LonLat p) {
  const geo::Ecef e = geo::ToEcef(p);
  return {e.x, e.y, e.z};
}
Vec3 Lerp(const Vec3& a, const Vec3& b, double t) {
  return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, a.z + (b.z - a.z) * t};
}
double Dot(const Vec3& a, const Vec3& b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
Vec3 Sub(const Vec3& a, const Vec3& b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }

// Squared distance from q to the float point p, in double.
double DistanceSq(const double q[3], const float* p) {
  const double dx = q[0] - p[0], dy = q[1] - p[1], dz = q[2] - p[2];
  return dx * dx + dy * dy + dz * dz;
}

// Tree depth: every leaf holds at most kLeafSize pieces.
int Depth(size_t pieces) {
  int depth = 0;
  while (depth < 40 && ((pieces + (size_t{1} << depth) - 1) >> depth) > SnapIndex::kLeafSize) {
    ++depth;
  }
  return depth;
}

// A pending subtree of a search: node `node` over tree slots [lo, hi), at least `bound_sq` from
// the query.
struct Frame {
  uint32_t node, lo, hi;
  double bound_sq;
};
// Deepest possible tree: 2^32 pieces in leaves of 16 is 28 levels; each level adds at most one
// pending frame.
constexpr int kMaxFrames = 64;

}  // namespace

size_t SnapIndex::SplitCount(size_t pieces) { return (size_t{1} << Depth(pieces)) - 1; }

uint64_t SnapIndex::ParamsFingerprint() {
  const std::string params =
      absl::StrFormat("snap-index flat-kd v1 piece_meters=%.17g leaf=%d piece=%d split=%d",
                      kPieceMeters, kLeafSize, sizeof(Piece), sizeof(SplitNode));
  return XXH3_64bits(params.data(), params.size());
}

SnapIndex::SnapIndex(const roads::RoadGraph& graph) : graph_(graph) {
  // Pieces in creation order (by segment, then along it), built in chunks of segments in
  // parallel and concatenated in order.
  const size_t segment_count = graph.segments.size();
  const size_t chunks = std::clamp<size_t>(segment_count / 8192, 1, 256);
  struct Chunk {
    std::vector<Piece> pieces;
    std::vector<double> midpoints;  // x y z per piece
    double min_lon = INFINITY, max_lon = -INFINITY, min_lat = INFINITY, max_lat = -INFINITY;
  };
  std::vector<Chunk> parts(chunks);
  (void)geo::WorkerPool::Shared().ParallelFor(chunks, [&](size_t c) {
    Chunk& out = parts[c];
    const auto begin = static_cast<uint32_t>(segment_count * c / chunks);
    const auto end = static_cast<uint32_t>(segment_count * (c + 1) / chunks);
    for (uint32_t s = begin; s < end; ++s) {
      if (!(graph.segments[s].flags & roads::Segment::kSnappable)) continue;
      const roads::Segment& seg = graph.segments[s];
      for (uint32_t i = seg.shape_begin; i + 1 < seg.shape_end; ++i) {
        const double length = graph.shape_meters[i + 1] - graph.shape_meters[i];
        const int parts_on_edge = std::max(1, static_cast<int>(std::ceil(length / kPieceMeters)));
        const Vec3 a = ToVec(graph.shape[i].ToLonLat()), b = ToVec(graph.shape[i + 1].ToLonLat());
        for (const roads::Coord& coord : {graph.shape[i], graph.shape[i + 1]}) {
          const geo::LonLat p = coord.ToLonLat();
          out.min_lon = std::min(out.min_lon, p.lon);
          out.max_lon = std::max(out.max_lon, p.lon);
          out.min_lat = std::min(out.min_lat, p.lat);
          out.max_lat = std::max(out.max_lat, p.lat);
        }
        for (int k = 0; k < parts_on_edge; ++k) {
          const float t0 = static_cast<float>(k) / parts_on_edge,
                      t1 = static_cast<float>(k + 1) / parts_on_edge;
          out.pieces.push_back({s, i - seg.shape_begin, t0, t1});
          const Vec3 m = Lerp(a, b, 0.5 * (t0 + t1));
          out.midpoints.insert(out.midpoints.end(), {m.x, m.y, m.z});
        }
      }
    }
    return absl::OkStatus();
  });
  size_t total = 0;
  for (const Chunk& c : parts) total += c.pieces.size();
  a_.pieces.reserve(total);
  std::vector<double> midpoints;
  midpoints.reserve(3 * total);
  double min_lon = INFINITY, max_lon = -INFINITY, min_lat = INFINITY, max_lat = -INFINITY;
  for (Chunk& c : parts) {
    a_.pieces.insert(a_.pieces.end(), c.pieces.begin(), c.pieces.end());
    midpoints.insert(midpoints.end(), c.midpoints.begin(), c.midpoints.end());
    min_lon = std::min(min_lon, c.min_lon);
    max_lon = std::max(max_lon, c.max_lon);
    min_lat = std::min(min_lat, c.min_lat);
    max_lat = std::max(max_lat, c.max_lat);
    c = Chunk();
  }
  if (a_.pieces.empty()) min_lon = max_lon = min_lat = max_lat = 0;
  a_.bounds.assign({min_lon, max_lon, min_lat, max_lat});
  BuildTree(midpoints);
}

void SnapIndex::BuildTree(const std::vector<double>& midpoints) {
  struct Point {
    float xyz[3];
    uint32_t piece;
  };
  const size_t n = a_.pieces.size();
  std::vector<Point> points(n);
  for (size_t i = 0; i < n; ++i) {
    points[i] = {{static_cast<float>(midpoints[3 * i]), static_cast<float>(midpoints[3 * i + 1]),
                  static_cast<float>(midpoints[3 * i + 2])},
                 static_cast<uint32_t>(i)};
  }
  a_.splits.assign(SplitCount(n), SplitNode{0, 0});
  const size_t split_count = a_.splits.size();
  // Splits node `node` over [lo, hi) on its widest axis at the middle slot.
  const auto split = [&](uint32_t node, uint32_t lo, uint32_t hi) {
    float low[3] = {INFINITY, INFINITY, INFINITY}, high[3] = {-INFINITY, -INFINITY, -INFINITY};
    for (uint32_t i = lo; i < hi; ++i) {
      for (int d = 0; d < 3; ++d) {
        low[d] = std::min(low[d], points[i].xyz[d]);
        high[d] = std::max(high[d], points[i].xyz[d]);
      }
    }
    uint32_t axis = 0;
    for (uint32_t d = 1; d < 3; ++d) {
      if (high[d] - low[d] > high[axis] - low[axis]) axis = d;
    }
    const uint32_t mid = lo + (hi - lo) / 2;
    std::nth_element(points.begin() + lo, points.begin() + mid, points.begin() + hi,
                     [axis](const Point& a, const Point& b) { return a.xyz[axis] < b.xyz[axis]; });
    a_.splits[node] = {points[mid].xyz[axis], axis};
    return mid;
  };
  // The top two levels on this thread, then the (up to) four subtrees in parallel.
  std::vector<Frame> subtrees;
  std::vector<Frame> todo = {{0, 0, static_cast<uint32_t>(n), 0}};
  while (!todo.empty()) {
    const Frame f = todo.back();
    todo.pop_back();
    if (f.node >= split_count) continue;
    if (f.node >= 3) {
      subtrees.push_back(f);
      continue;
    }
    const uint32_t mid = split(f.node, f.lo, f.hi);
    todo.push_back({2 * f.node + 1, f.lo, mid, 0});
    todo.push_back({2 * f.node + 2, mid, f.hi, 0});
  }
  (void)geo::WorkerPool::Shared().ParallelFor(subtrees.size(), [&](size_t t) {
    std::vector<Frame> stack = {subtrees[t]};
    while (!stack.empty()) {
      const Frame f = stack.back();
      stack.pop_back();
      if (f.node >= split_count) continue;
      const uint32_t mid = split(f.node, f.lo, f.hi);
      stack.push_back({2 * f.node + 1, f.lo, mid, 0});
      stack.push_back({2 * f.node + 2, mid, f.hi, 0});
    }
    return absl::OkStatus();
  });
  a_.tree_piece.resize(n);
  a_.tree_xyz.resize(3 * n);
  for (size_t i = 0; i < n; ++i) {
    a_.tree_piece[i] = points[i].piece;
    std::copy(points[i].xyz, points[i].xyz + 3, a_.tree_xyz.begin() + 3 * i);
  }
}

SnapIndex::SnapIndex(const roads::RoadGraph& graph, Arrays arrays)
    : graph_(graph), a_(std::move(arrays)) {}

absl::StatusOr<std::unique_ptr<SnapIndex>> SnapIndex::Load(const roads::RoadGraph& graph,
                                                           Arrays a) {
  const auto invalid = [](std::string_view what) {
    return absl::InvalidArgumentError(absl::StrFormat("snap index arrays: %s", what));
  };
  const size_t n = a.pieces.size();
  if (a.bounds.size() != 4) return invalid("bounds: not 4 values");
  if (n > UINT32_MAX) return invalid("pieces: more than 2^32");
  if (a.tree_piece.size() != n) return invalid("tree_piece: not one per piece");
  if (a.tree_xyz.size() != 3 * n) return invalid("tree_xyz: not three per piece");
  if (a.splits.size() != SplitCount(n)) return invalid("splits: not the tree's node count");
  for (size_t i = 0; i < n; ++i) {
    const Piece& p = a.pieces[i];
    if (p.segment >= graph.segments.size()) {
      return invalid(absl::StrFormat("pieces[%d]: segment %d of %d", i, p.segment,
                                     graph.segments.size()));
    }
    const roads::Segment& seg = graph.segments[p.segment];
    if (seg.shape_end > graph.shape.size() || seg.shape_end > graph.shape_meters.size() ||
        seg.shape_begin >= seg.shape_end || p.shape_index >= seg.shape_end - seg.shape_begin - 1) {
      return invalid(absl::StrFormat("pieces[%d]: shape edge %d outside its segment", i,
                                     p.shape_index));
    }
    if (!(p.t0 >= 0 && p.t0 <= p.t1 && p.t1 <= 1)) {
      return invalid(absl::StrFormat("pieces[%d]: span %g..%g", i, p.t0, p.t1));
    }
  }
  std::vector<bool> seen(n, false);
  for (size_t i = 0; i < n; ++i) {
    const uint32_t p = a.tree_piece[i];
    if (p >= n || seen[p]) {
      return invalid(absl::StrFormat("tree_piece[%d]: %d is not a permutation's", i, p));
    }
    seen[p] = true;
  }
  for (size_t i = 0; i < a.splits.size(); ++i) {
    if (a.splits[i].axis > 2) return invalid(absl::StrFormat("splits[%d]: axis", i));
  }
  return std::unique_ptr<SnapIndex>(new SnapIndex(graph, std::move(a)));
}

SnapIndex::~SnapIndex() = default;

int64_t SnapIndex::MemoryBytes() const {
  int64_t bytes = 0;
  ForEachArray([&](const auto& v) { bytes += v.capacity() * sizeof(v[0]); });
  return bytes;
}

std::optional<Snap> SnapIndex::Nearest(geo::LonLat p, double max_meters) const {
  const size_t n = a_.pieces.size();
  if (n == 0) return std::nullopt;
  const double min_lon = a_.bounds[0], max_lon = a_.bounds[1], min_lat = a_.bounds[2],
               max_lat = a_.bounds[3];
  // Far outside the roads' box: a degree of latitude is >= 110.5 km, and a degree of longitude
  // >= 110.5 km x cos(lat) (checked only away from the poles and the antimeridian).
  const double margin_lat = max_meters / 110000.0 + 1e-6;
  if (p.lat < min_lat - margin_lat || p.lat > max_lat + margin_lat) return std::nullopt;
  const double widest_lat =
      std::max(std::abs(min_lat - margin_lat), std::abs(max_lat + margin_lat));
  const double cos_lat = std::cos(std::min(widest_lat, 90.0) * M_PI / 180);
  if (cos_lat > 0.1 && max_lon - min_lon < 180) {
    // 1.5: a geodesic between two latitudes is a little shorter than the parallels suggest.
    const double margin_lon = 1.5 * margin_lat / cos_lat;
    if (p.lon < min_lon - margin_lon || p.lon > max_lon + margin_lon) return std::nullopt;
  }
  const Vec3 q = ToVec(p);
  const double query[3] = {q.x, q.y, q.z};

  struct Best {
    double chord = INFINITY;
    uint32_t piece = 0;
    double t = 0;  // parameter on the piece's shape edge
  } best;
  // The nearest exact (double) midpoint among the measured pieces, squared.
  double nearest_midpoint_sq = INFINITY;
  const auto measure = [&](uint32_t index) {
    const Piece& piece = a_.pieces[index];
    const roads::Segment& seg = graph_.segments[piece.segment];
    const uint32_t i = seg.shape_begin + piece.shape_index;
    const Vec3 a = ToVec(graph_.shape[i].ToLonLat()), b = ToVec(graph_.shape[i + 1].ToLonLat());
    const Vec3 m = Lerp(a, b, 0.5 * (piece.t0 + piece.t1));
    const double mx = q.x - m.x, my = q.y - m.y, mz = q.z - m.z;
    nearest_midpoint_sq = std::min(nearest_midpoint_sq, mx * mx + my * my + mz * mz);
    const Vec3 ab = Sub(b, a);
    const double len2 = Dot(ab, ab);
    double t = len2 > 0 ? Dot(Sub(q, a), ab) / len2 : 0.0;
    t = std::clamp(t, static_cast<double>(piece.t0), static_cast<double>(piece.t1));
    const Vec3 d = Sub(q, Lerp(a, b, t));
    const double chord = std::sqrt(Dot(d, d));
    if (chord < best.chord || (chord == best.chord && index < best.piece)) best = {chord, index, t};
  };

  const auto split_count = static_cast<uint32_t>(a_.splits.size());
  const float* xyz = a_.tree_xyz.data();
  Frame stack[kMaxFrames];

  // The kFirstLook nearest float midpoints (by a depth-first search, nearer side first).
  constexpr size_t kFirstLook = 8;
  uint32_t nearest[kFirstLook];
  double nearest_sq[kFirstLook];
  size_t found = 0;
  int top = 0;
  stack[top++] = {0, 0, static_cast<uint32_t>(n), 0};
  while (top > 0) {
    Frame f = stack[--top];
    if (found == kFirstLook && f.bound_sq > nearest_sq[kFirstLook - 1]) continue;
    while (f.node < split_count) {
      const SplitNode& s = a_.splits[f.node];
      const double diff = query[s.axis] - s.value;
      const uint32_t mid = f.lo + (f.hi - f.lo) / 2;
      const Frame left{2 * f.node + 1, f.lo, mid, 0}, right{2 * f.node + 2, mid, f.hi, 0};
      Frame far = diff <= 0 ? right : left;
      far.bound_sq = std::max(f.bound_sq, diff * diff);
      stack[top++] = far;
      const double bound_sq = f.bound_sq;
      f = diff <= 0 ? left : right;
      f.bound_sq = bound_sq;
    }
    for (uint32_t slot = f.lo; slot < f.hi; ++slot) {
      const double d = DistanceSq(query, xyz + 3 * size_t{slot});
      if (found == kFirstLook && d >= nearest_sq[kFirstLook - 1]) continue;
      size_t k = found < kFirstLook ? found++ : kFirstLook - 1;
      for (; k > 0 && nearest_sq[k - 1] > d; --k) {
        nearest_sq[k] = nearest_sq[k - 1];
        nearest[k] = nearest[k - 1];
      }
      nearest_sq[k] = d;
      nearest[k] = a_.tree_piece[slot];
    }
  }
  for (size_t k = 0; k < found; ++k) measure(nearest[k]);
  // Every piece is at least (nearest midpoint - half a piece) away, and a chord never exceeds
  // the geodesic: past max_meters there is nothing to find. (Conservative here, with the float
  // midpoints; exact below.)
  if (std::sqrt(nearest_sq[0]) - kPieceMeters / 2 - kFloatSlackMeters > max_meters) {
    return std::nullopt;
  }
  // A piece nearer than `best` has its midpoint within best + half a piece of the point.
  const double radius = best.chord + kPieceMeters / 2 + 1.0 + kFloatSlackMeters;
  const double radius_sq = radius * radius;
  top = 0;
  stack[top++] = {0, 0, static_cast<uint32_t>(n), 0};
  while (top > 0) {
    Frame f = stack[--top];
    while (f.node < split_count) {
      const SplitNode& s = a_.splits[f.node];
      const double diff = query[s.axis] - s.value;
      const uint32_t mid = f.lo + (f.hi - f.lo) / 2;
      const Frame left{2 * f.node + 1, f.lo, mid, 0}, right{2 * f.node + 2, mid, f.hi, 0};
      if (diff * diff <= radius_sq) stack[top++] = diff <= 0 ? right : left;
      f = diff <= 0 ? left : right;
    }
    for (uint32_t slot = f.lo; slot < f.hi; ++slot) {
      if (DistanceSq(query, xyz + 3 * size_t{slot}) <= radius_sq) measure(a_.tree_piece[slot]);
    }
  }
  // The nearest midpoint is among the measured pieces (within best + half a piece): the same
  // test as above, exact.
  if (std::sqrt(nearest_midpoint_sq) - kPieceMeters / 2 > max_meters) return std::nullopt;

  const Piece& piece = a_.pieces[best.piece];
  const roads::Segment& seg = graph_.segments[piece.segment];
  const uint32_t i = seg.shape_begin + piece.shape_index;
  const geo::LonLat a = graph_.shape[i].ToLonLat(), b = graph_.shape[i + 1].ToLonLat();
  Snap snap;
  snap.segment = piece.segment;
  snap.on_road = {a.lon + (b.lon - a.lon) * best.t, a.lat + (b.lat - a.lat) * best.t};
  snap.snap_meters = geo::GeodesicMeters(p, snap.on_road);
  if (snap.snap_meters > max_meters) return std::nullopt;
  const double along =
      graph_.shape_meters[i] + (graph_.shape_meters[i + 1] - graph_.shape_meters[i]) * best.t;
  snap.fraction = seg.meters > 0 ? std::clamp(along / seg.meters, 0.0, 1.0) : 0.0;
  return snap;
}

}  // namespace carereach::routing
