#include "geo/routing/snap_index.h"

#include <xxhash.h>

#include <algorithm>
#include <array>
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
  // parallel: a first pass counts each chunk's pieces (no trigonometry), so that the second
  // writes every piece and its midpoint straight into place.
  const size_t segment_count = graph.segments.size();
  const size_t chunks = std::clamp<size_t>(segment_count / 8192, 1, 256);
  const auto chunk_begin = [&](size_t c) {
    return static_cast<uint32_t>(segment_count * c / chunks);
  };
  const auto parts_on_edge = [&](uint32_t i) {
    const double length = graph.shape_meters[i + 1] - graph.shape_meters[i];
    return std::max(1, static_cast<int>(std::ceil(length / kPieceMeters)));
  };
  std::vector<size_t> first_piece(chunks + 1, 0);
  (void)geo::WorkerPool::Shared().ParallelFor(chunks, [&](size_t c) {
    size_t count = 0;
    for (uint32_t s = chunk_begin(c); s < chunk_begin(c + 1); ++s) {
      const roads::Segment& seg = graph.segments[s];
      if (!(seg.flags & roads::Segment::kSnappable)) continue;
      for (uint32_t i = seg.shape_begin; i + 1 < seg.shape_end; ++i) count += parts_on_edge(i);
    }
    first_piece[c + 1] = count;
    return absl::OkStatus();
  });
  for (size_t c = 0; c < chunks; ++c) first_piece[c + 1] += first_piece[c];
  const size_t n = first_piece[chunks];
  a_.pieces.resize(n);
  geo::BigVector<TreePoint> points(n);
  std::vector<std::array<double, 4>> chunk_bounds(chunks);
  (void)geo::WorkerPool::Shared().ParallelFor(chunks, [&](size_t c) {
    double min_lon = INFINITY, max_lon = -INFINITY, min_lat = INFINITY, max_lat = -INFINITY;
    size_t next = first_piece[c];
    for (uint32_t s = chunk_begin(c); s < chunk_begin(c + 1); ++s) {
      if (!(graph.segments[s].flags & roads::Segment::kSnappable)) continue;
      const roads::Segment& seg = graph.segments[s];
      for (uint32_t i = seg.shape_begin; i + 1 < seg.shape_end; ++i) {
        const int parts = parts_on_edge(i);
        const Vec3 a = ToVec(graph.shape[i].ToLonLat()), b = ToVec(graph.shape[i + 1].ToLonLat());
        for (const roads::Coord& coord : {graph.shape[i], graph.shape[i + 1]}) {
          const geo::LonLat p = coord.ToLonLat();
          min_lon = std::min(min_lon, p.lon);
          max_lon = std::max(max_lon, p.lon);
          min_lat = std::min(min_lat, p.lat);
          max_lat = std::max(max_lat, p.lat);
        }
        for (int k = 0; k < parts; ++k) {
          const float t0 = static_cast<float>(k) / parts, t1 = static_cast<float>(k + 1) / parts;
          a_.pieces[next] = {s, i - seg.shape_begin, t0, t1};
          const Vec3 m = Lerp(a, b, 0.5 * (t0 + t1));
          points[next] = {
              {static_cast<float>(m.x), static_cast<float>(m.y), static_cast<float>(m.z)},
              static_cast<uint32_t>(next)};
          ++next;
        }
      }
    }
    chunk_bounds[c] = {min_lon, max_lon, min_lat, max_lat};
    return absl::OkStatus();
  });
  double min_lon = INFINITY, max_lon = -INFINITY, min_lat = INFINITY, max_lat = -INFINITY;
  for (const auto& b : chunk_bounds) {
    min_lon = std::min(min_lon, b[0]);
    max_lon = std::max(max_lon, b[1]);
    min_lat = std::min(min_lat, b[2]);
    max_lat = std::max(max_lat, b[3]);
  }
  if (n == 0) min_lon = max_lon = min_lat = max_lat = 0;
  a_.bounds.assign({min_lon, max_lon, min_lat, max_lat});
  BuildTree(points);
}

void SnapIndex::BuildTree(geo::BigVector<TreePoint>& points) {
  const size_t n = points.size();
  a_.splits.assign(SplitCount(n), SplitNode{0, 0});
  const size_t split_count = a_.splits.size();
  // A pending node: its slots [lo, hi) and a box holding their points (the root's measured,
  // each child's its parent's cut at the split).
  struct Task {
    uint32_t node, lo, hi;
    float low[3], high[3];
  };
  // Splits a node on its box's widest axis at the middle slot; queues its children.
  const auto split = [&](const Task& t, std::vector<Task>& out) {
    if (t.node >= split_count) return;
    uint32_t axis = 0;
    for (uint32_t d = 1; d < 3; ++d) {
      if (t.high[d] - t.low[d] > t.high[axis] - t.low[axis]) axis = d;
    }
    const uint32_t mid = t.lo + (t.hi - t.lo) / 2;
    std::nth_element(
        points.begin() + t.lo, points.begin() + mid, points.begin() + t.hi,
        [axis](const TreePoint& a, const TreePoint& b) { return a.xyz[axis] < b.xyz[axis]; });
    const float value = points[mid].xyz[axis];
    a_.splits[t.node] = {value, axis};
    Task left = t, right = t;
    left.node = 2 * t.node + 1;
    left.hi = mid;
    left.high[axis] = value;
    right.node = 2 * t.node + 2;
    right.lo = mid;
    right.low[axis] = value;
    out.push_back(left);
    out.push_back(right);
  };
  Task root{0,
            0,
            static_cast<uint32_t>(n),
            {INFINITY, INFINITY, INFINITY},
            {-INFINITY, -INFINITY, -INFINITY}};
  for (const TreePoint& p : points) {
    for (int d = 0; d < 3; ++d) {
      root.low[d] = std::min(root.low[d], p.xyz[d]);
      root.high[d] = std::max(root.high[d], p.xyz[d]);
    }
  }
  // The top two levels on this thread, then the (up to) four subtrees in parallel.
  std::vector<Task> todo = {root}, subtrees;
  while (!todo.empty()) {
    const Task t = todo.back();
    todo.pop_back();
    if (t.node >= 3) {
      subtrees.push_back(t);
    } else {
      split(t, todo);
    }
  }
  (void)geo::WorkerPool::Shared().ParallelFor(subtrees.size(), [&](size_t k) {
    std::vector<Task> stack = {subtrees[k]};
    while (!stack.empty()) {
      const Task t = stack.back();
      stack.pop_back();
      split(t, stack);
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
      return invalid(
          absl::StrFormat("pieces[%d]: segment %d of %d", i, p.segment, graph.segments.size()));
    }
    const roads::Segment& seg = graph.segments[p.segment];
    if (seg.shape_end > graph.shape.size() || seg.shape_end > graph.shape_meters.size() ||
        seg.shape_begin >= seg.shape_end || p.shape_index >= seg.shape_end - seg.shape_begin - 1) {
      return invalid(
          absl::StrFormat("pieces[%d]: shape edge %d outside its segment", i, p.shape_index));
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
