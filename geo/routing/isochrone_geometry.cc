#include "geo/routing/isochrone_geometry.h"

#include <geos_c.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "geo/core/geos_context.h"
#include "geo/core/local_projection.h"
#include "geo/core/status_macros.h"

namespace carereach::routing {
namespace {

using geo::GeomPtr;
using geo::GeosContext;
using geo::LonLat;

// Segments per quarter circle in round caps, joins and discs. 4 keeps a disc at 97.4% of the true
// circle's area (an inscribed 16-gon) and is much faster than GEOS's default of 8.
constexpr int kQuadrantSegments = 4;
// Road lines are simplified (Douglas-Peucker) before buffering, and the road area after, with this
// fraction of the road buffer as tolerance. Removing one vertex of a 22.5-degree arc moves the
// boundary by 7.6% of the radius, so at 5% caps and joins keep their shape (and their area) while
// the many nearly collinear vertices of real (and of projected) roads go: on the 50,000-segment
// benchmark this halves the union's time and shrinks the GeoJSON from 2.2 MB to 0.15 MB. A
// quarter of the buffer was tried and rejected: it cut up to 6% off short pieces' area.
constexpr double kSimplifyFraction = 0.05;

absl::Status ValidateBuffer(double meters, std::string_view field) {
  if (std::isfinite(meters) && meters >= 0) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrFormat("%s: %g must be a finite number of metres >= 0", field, meters));
}

// The input with each distinct position stored (and projected) once, so that pieces meeting at a
// node share its index, which is how they are joined into longer lines.
struct Network {
  // Distinct positions: lon/lat degrees, then (after projection) metres.
  std::vector<double> xs;
  std::vector<double> ys;
  // Polyline i is positions[ids[offsets[i]] .. ids[offsets[i + 1] - 1]].
  std::vector<uint32_t> ids;
  std::vector<size_t> offsets;
  // The facilities' positions.
  std::vector<uint32_t> point_ids;
};

// Validates every position and indexes the distinct ones (by sorting, so equal doubles meet).
absl::StatusOr<Network> Gather(const std::vector<Polyline>& reached,
                               const std::vector<LonLat>& points) {
  std::vector<std::tuple<double, double, uint32_t>> all;  // lon, lat, input order
  size_t total = points.size();
  for (const Polyline& line : reached) total += line.size();
  if (total >= UINT32_MAX) return absl::InvalidArgumentError("too many positions");
  all.reserve(total);
  Network net;
  net.offsets.reserve(reached.size() + 1);
  for (size_t i = 0; i < reached.size(); ++i) {
    net.offsets.push_back(all.size());
    for (size_t j = 0; j < reached[i].size(); ++j) {
      const LonLat p = reached[i][j];
      // The field name is only built for the message, not for each of 100,000 valid positions.
      if (!geo::ValidateLonLat(p, "").ok()) {
        return geo::ValidateLonLat(p, absl::StrCat("reached[", i, "][", j, "]"));
      }
      all.emplace_back(p.lon, p.lat, static_cast<uint32_t>(all.size()));
    }
  }
  net.offsets.push_back(all.size());
  for (size_t i = 0; i < points.size(); ++i) {
    if (!geo::ValidateLonLat(points[i], "").ok()) {
      return geo::ValidateLonLat(points[i], absl::StrCat("points[", i, "]"));
    }
    all.emplace_back(points[i].lon, points[i].lat, static_cast<uint32_t>(all.size()));
  }
  std::sort(all.begin(), all.end());
  std::vector<uint32_t> id_of(all.size());
  for (size_t k = 0; k < all.size(); ++k) {
    const auto& [lon, lat, order] = all[k];
    if (k == 0 || lon != std::get<0>(all[k - 1]) || lat != std::get<1>(all[k - 1])) {
      net.xs.push_back(lon);
      net.ys.push_back(lat);
    }
    id_of[order] = static_cast<uint32_t>(net.xs.size() - 1);
  }
  const size_t on_roads = net.offsets.back();
  net.ids.assign(id_of.begin(), id_of.begin() + on_roads);
  net.point_ids.assign(id_of.begin() + on_roads, id_of.end());
  return net;
}

// The centre of the positions' bounding box. Longitudes are read either in [-180, 180] or in
// [0, 360), whichever spans less, so that input straddling the antimeridian is centred near it
// rather than on the far side of the earth.
LonLat BoundingBoxCentre(const std::vector<double>& lons, const std::vector<double>& lats) {
  double min_lon = 180, max_lon = -180, min_360 = 360, max_360 = 0, min_lat = 90, max_lat = -90;
  for (size_t i = 0; i < lons.size(); ++i) {
    const double lon360 = lons[i] < 0 ? lons[i] + 360 : lons[i];
    min_lon = std::min(min_lon, lons[i]);
    max_lon = std::max(max_lon, lons[i]);
    min_360 = std::min(min_360, lon360);
    max_360 = std::max(max_360, lon360);
    min_lat = std::min(min_lat, lats[i]);
    max_lat = std::max(max_lat, lats[i]);
  }
  double lon = (min_lon + max_lon) / 2;
  if (max_360 - min_360 < max_lon - min_lon) {
    lon = (min_360 + max_360) / 2;
    if (lon > 180) lon -= 360;
  }
  return LonLat{lon, (min_lat + max_lat) / 2};
}

// Pieces continue one another through a junction when they turn by less than this (cosine of the
// angle between their directions away from the junction: -1 is straight on, -0.5 a 60-degree turn).
constexpr double kStraightOnCosine = -0.5;
// Junctions with more piece ends than this are left as line ends (pairing is quadratic).
constexpr size_t kMaxPairedDegree = 16;

// The road pieces joined end to end into long lines ("strokes"), in linear time. At a node where
// two pieces meet they always continue one another; at a junction, ends are paired greedily from
// the straightest continuation while the turn is under 60 degrees, and the rest end there.
// Buffering distributes over union (a line's buffer is the union of its segments' buffers), so
// how pieces are chained never changes the area; straight strokes just make the union cheap:
// on a 100 m road lattice 318 strokes union in 30 ms where 50,000 pieces take 2.5 s.
// Each line is a list of position indices without consecutive repeats; `spots` gets the
// one-position pieces.
void JoinPieces(const Network& net, std::vector<std::vector<uint32_t>>* lines,
                std::vector<uint32_t>* spots) {
  constexpr uint32_t kNone = UINT32_MAX;
  // The pieces with at least two distinct positions, by their position lists without repeats.
  std::vector<std::vector<uint32_t>> pieces;
  for (size_t i = 0; i + 1 < net.offsets.size(); ++i) {
    std::vector<uint32_t> piece;
    for (size_t k = net.offsets[i]; k < net.offsets[i + 1]; ++k) {
      if (piece.empty() || piece.back() != net.ids[k]) piece.push_back(net.ids[k]);
    }
    if (piece.size() == 1) spots->push_back(piece.front());
    if (piece.size() >= 2) pieces.push_back(std::move(piece));
  }
  // Piece ends: end 2p is piece p's first position, 2p + 1 its last. node_ends lists the ends at
  // each node (CSR, node n's in [first[n], first[n + 1])).
  auto node_of = [&](uint32_t end) {
    const std::vector<uint32_t>& piece = pieces[end / 2];
    return end % 2 == 0 ? piece.front() : piece.back();
  };
  std::vector<uint32_t> first(net.xs.size() + 1, 0);
  for (uint32_t end = 0; end < 2 * pieces.size(); ++end) ++first[node_of(end) + 1];
  for (size_t n = 0; n < net.xs.size(); ++n) first[n + 1] += first[n];
  std::vector<uint32_t> node_ends(2 * pieces.size());
  std::vector<uint32_t> fill(first.begin(), first.end() - 1);
  for (uint32_t end = 0; end < 2 * pieces.size(); ++end) node_ends[fill[node_of(end)]++] = end;

  // partner[end]: the end the line continues with at the same node, or kNone.
  std::vector<uint32_t> partner(2 * pieces.size(), kNone);
  std::vector<std::pair<double, double>> directions;
  std::vector<std::tuple<double, uint32_t, uint32_t>> pairs;  // cosine, ends
  for (size_t n = 0; n < net.xs.size(); ++n) {
    const std::span<const uint32_t> ends(node_ends.data() + first[n], first[n + 1] - first[n]);
    if (ends.size() == 2) {
      partner[ends[0]] = ends[1];
      partner[ends[1]] = ends[0];
    }
    if (ends.size() < 3 || ends.size() > kMaxPairedDegree) continue;
    directions.clear();
    for (const uint32_t end : ends) {  // unit vector from the node along the piece
      const std::vector<uint32_t>& piece = pieces[end / 2];
      const uint32_t next = end % 2 == 0 ? piece[1] : piece[piece.size() - 2];
      const double dx = net.xs[next] - net.xs[n], dy = net.ys[next] - net.ys[n];
      const double length = std::hypot(dx, dy);
      directions.emplace_back(dx / length, dy / length);
    }
    pairs.clear();
    for (uint32_t i = 0; i < ends.size(); ++i) {
      for (uint32_t j = i + 1; j < ends.size(); ++j) {
        const double cosine =
            directions[i].first * directions[j].first + directions[i].second * directions[j].second;
        if (cosine < kStraightOnCosine) pairs.emplace_back(cosine, i, j);
      }
    }
    std::sort(pairs.begin(), pairs.end());
    for (const auto& [cosine, i, j] : pairs) {
      if (partner[ends[i]] != kNone || partner[ends[j]] != kNone) continue;
      partner[ends[i]] = ends[j];
      partner[ends[j]] = ends[i];
    }
  }

  std::vector<bool> used(pieces.size(), false);
  // Follows pieces from `end` (where the line enters its first piece) until the line ends.
  auto walk = [&](uint32_t end) {
    std::vector<uint32_t>& line = lines->emplace_back();
    while (end != kNone && !used[end / 2]) {
      used[end / 2] = true;
      const std::vector<uint32_t>& piece = pieces[end / 2];
      const size_t skip = line.empty() ? 0 : 1;  // the shared position is already there
      if (end % 2 == 0) {
        line.insert(line.end(), piece.begin() + skip, piece.end());
      } else {
        line.insert(line.end(), piece.rbegin() + skip, piece.rend());
      }
      end = partner[end ^ 1];  // leave by the piece's other end
    }
  };
  // Lines start at unpaired ends; whatever is left forms closed loops.
  for (uint32_t end = 0; end < 2 * pieces.size(); ++end) {
    if (partner[end] == kNone && !used[end / 2]) walk(end);
  }
  for (uint32_t p = 0; p < pieces.size(); ++p) {
    if (!used[p]) walk(2 * p);
  }
}

// A GEOS collection of `type` made of `parts` (which it takes over).
absl::StatusOr<GeomPtr> MakeCollection(GeosContext& geos, int type, std::vector<GeomPtr> parts) {
  std::vector<GEOSGeometry*> raw;
  raw.reserve(parts.size());
  for (GeomPtr& part : parts) raw.push_back(part.release());
  return geos.Check(GEOSGeom_createCollection_r(geos.handle(), type, raw.data(),
                                                static_cast<unsigned>(raw.size())),
                    "GEOSGeom_createCollection_r");
}

absl::StatusOr<GeomPtr> MakePoint(GeosContext& geos, const Network& net, uint32_t id) {
  return geos.Check(GEOSGeom_createPointFromXY_r(geos.handle(), net.xs[id], net.ys[id]),
                    "GEOSGeom_createPointFromXY_r");
}

absl::StatusOr<GeomPtr> Buffer(GeosContext& geos, const GEOSGeometry* g, double meters) {
  return geos.Check(GEOSBuffer_r(geos.handle(), g, meters, kQuadrantSegments), "GEOSBuffer_r");
}

// The projected road pieces widened by `meters` (> 0); null when there are none.
//
// How, and why: the pieces are joined into long lines (JoinPieces), each line is simplified and
// buffered on its own, and the buffers are unioned at once (GEOSUnaryUnion_r, a cascaded union).
// Measured on 50,000 reached 100 m segments (bench/isochrone_bench.cc; county-sized lattice with
// roads 2 km apart / dense lattice with roads 100 m apart):
//   one GEOSBuffer_r of the whole collection                    29 s   / 190 s
//     (the profile is dominated by the snap-rounding noder GEOS falls back to when noding at
//     full precision fails)
//   GEOSBuffer_r of each piece, then GEOSUnaryUnion_r            3.1 s  / 2.8 s
//   pieces joined at degree-2 nodes only (as GEOSLineMerge_r)     0.33 s / 2.6 s
//   pieces joined into straight strokes through junctions (here)  0.09 s / 0.05 s
absl::StatusOr<GeomPtr> BufferRoads(GeosContext& geos, const Network& net, double meters,
                                    const geo::Deadline& deadline) {
  GEOSContextHandle_t h = geos.handle();
  std::vector<std::vector<uint32_t>> lines;
  std::vector<uint32_t> spots;
  JoinPieces(net, &lines, &spots);
  std::vector<GeomPtr> widened;
  widened.reserve(lines.size() + spots.size());
  std::vector<double> xs, ys;
  for (size_t l = 0; l < lines.size(); ++l) {
    const std::vector<uint32_t>& line = lines[l];
    if (l % 64 == 0) RETURN_IF_ERROR(deadline.Check("isochrone geometry", " (buffering roads)"));
    xs.clear();
    ys.clear();
    for (const uint32_t id : line) {
      xs.push_back(net.xs[id]);
      ys.push_back(net.ys[id]);
    }
    GEOSCoordSequence* seq = GEOSCoordSeq_copyFromArrays_r(
        h, xs.data(), ys.data(), nullptr, nullptr, static_cast<unsigned>(xs.size()));
    if (seq == nullptr) return geos.Error("GEOSCoordSeq_copyFromArrays_r");
    ASSIGN_OR_RETURN(GeomPtr made, geos.Check(GEOSGeom_createLineString_r(h, seq),
                                              "GEOSGeom_createLineString_r"));
    ASSIGN_OR_RETURN(
        GeomPtr simple,
        geos.Check(GEOSSimplify_r(h, made.get(), meters * kSimplifyFraction), "GEOSSimplify_r"));
    ASSIGN_OR_RETURN(GeomPtr part, Buffer(geos, simple.get(), meters));
    widened.push_back(std::move(part));
  }
  for (size_t k = 0; k < spots.size(); ++k) {
    const uint32_t id = spots[k];
    if (k % 64 == 0) RETURN_IF_ERROR(deadline.Check("isochrone geometry", " (buffering roads)"));
    ASSIGN_OR_RETURN(GeomPtr point, MakePoint(geos, net, id));
    ASSIGN_OR_RETURN(GeomPtr disc, Buffer(geos, point.get(), meters));
    widened.push_back(std::move(disc));
  }
  if (widened.empty()) return GeomPtr(nullptr, geo::GeomDeleter{h});
  ASSIGN_OR_RETURN(GeomPtr parts,
                   MakeCollection(geos, GEOS_GEOMETRYCOLLECTION, std::move(widened)));
  ASSIGN_OR_RETURN(GeomPtr area, geos.Check(GEOSUnaryUnion_r(h, parts.get()), "GEOSUnaryUnion_r"));
  return geos.Check(GEOSTopologyPreserveSimplify_r(h, area.get(), meters * kSimplifyFraction),
                    "GEOSTopologyPreserveSimplify_r");
}

// Discs of `meters` (> 0) around the facilities.
absl::StatusOr<GeomPtr> BufferPoints(GeosContext& geos, const Network& net, double meters) {
  std::vector<GeomPtr> parts;
  parts.reserve(net.point_ids.size());
  for (const uint32_t id : net.point_ids) {
    ASSIGN_OR_RETURN(GeomPtr point, MakePoint(geos, net, id));
    parts.push_back(std::move(point));
  }
  ASSIGN_OR_RETURN(GeomPtr multipoint, MakeCollection(geos, GEOS_MULTIPOINT, std::move(parts)));
  return Buffer(geos, multipoint.get(), meters);
}

// ---- GeoJSON output -------------------------------------------------------------------------

constexpr double kMicro = 1e6;

// Appends a coordinate given in millionths of a degree, without trailing zeros ("-157.8").
void AppendMicroDegrees(int64_t micro, std::string* out) {
  if (micro < 0) {
    out->push_back('-');
    micro = -micro;
  }
  absl::StrAppend(out, micro / 1000000);
  int64_t frac = micro % 1000000;
  if (frac == 0) return;
  char digits[7] = "000000";
  for (int i = 5; i >= 0; --i, frac /= 10) digits[i] = static_cast<char>('0' + frac % 10);
  int len = 6;
  while (digits[len - 1] == '0') --len;
  out->push_back('.');
  out->append(digits, len);
}

// The rings of every polygon, in the order written, with their positions copied out of GEOS into
// one pair of arrays (so that they can be unprojected in one call).
struct Rings {
  struct Ring {
    size_t begin = 0;
    size_t size = 0;
    bool reverse = false;  // true when GEOS's orientation is the opposite of RFC 7946's
  };
  std::vector<double> xs;
  std::vector<double> ys;
  std::vector<Ring> rings;
  std::vector<size_t> polygon_ends;  // polygon k owns rings [polygon_ends[k-1], polygon_ends[k])
};

absl::Status AddRing(GeosContext& geos, const GEOSGeometry* ring, bool exterior, Rings* out) {
  GEOSContextHandle_t h = geos.handle();
  const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, ring);
  unsigned size = 0;
  char ccw = 0;
  if (seq == nullptr || GEOSCoordSeq_getSize_r(h, seq, &size) == 0) {
    return geos.Error("GEOSCoordSeq_getSize_r");
  }
  if (size < 4) return absl::OkStatus();  // not a ring; nothing to draw
  if (GEOSCoordSeq_isCCW_r(h, seq, &ccw) == 0) return geos.Error("GEOSCoordSeq_isCCW_r");
  const size_t begin = out->xs.size();
  out->xs.resize(begin + size);
  out->ys.resize(begin + size);
  if (GEOSCoordSeq_copyToArrays_r(h, seq, &out->xs[begin], &out->ys[begin], nullptr, nullptr) ==
      0) {
    return geos.Error("GEOSCoordSeq_copyToArrays_r");
  }
  // RFC 7946: exterior rings counter-clockwise, holes clockwise. The azimuthal projection keeps
  // orientation, so the projected ring's orientation is the lon/lat ring's.
  out->rings.push_back({begin, size, exterior ? ccw == 0 : ccw != 0});
  return absl::OkStatus();
}

// Collects the polygons of `g` (a Polygon, or a collection holding polygons) into `out`.
absl::Status CollectRings(GeosContext& geos, const GEOSGeometry* g, Rings* out) {
  GEOSContextHandle_t h = geos.handle();
  const int type = GEOSGeomTypeId_r(h, g);
  if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
    const int n = GEOSGetNumGeometries_r(h, g);
    for (int i = 0; i < n; ++i) {
      RETURN_IF_ERROR(CollectRings(geos, GEOSGetGeometryN_r(h, g, i), out));
    }
    return absl::OkStatus();
  }
  if (type != GEOS_POLYGON || GEOSisEmpty_r(h, g) != 0) return absl::OkStatus();
  const size_t first_ring = out->rings.size();
  RETURN_IF_ERROR(AddRing(geos, GEOSGetExteriorRing_r(h, g), true, out));
  if (out->rings.size() == first_ring) return absl::OkStatus();
  const int holes = GEOSGetNumInteriorRings_r(h, g);
  for (int i = 0; i < holes; ++i) {
    RETURN_IF_ERROR(AddRing(geos, GEOSGetInteriorRingN_r(h, g, i), false, out));
  }
  out->polygon_ends.push_back(out->rings.size());
  return absl::OkStatus();
}

// Appends `ring` (already in lon/lat) as [[lon,lat],...], rounded to micro-degrees, dropping the
// consecutive duplicates that rounding creates. Writes nothing and returns false when fewer than
// four positions remain (the ring collapsed to under ~0.1 m).
bool AppendRing(const Rings& all, const Rings::Ring& ring,
                std::vector<std::pair<int64_t, int64_t>>* scratch, std::string* out) {
  scratch->clear();
  for (size_t k = 0; k < ring.size; ++k) {
    const size_t i = ring.begin + (ring.reverse ? ring.size - 1 - k : k);
    const std::pair<int64_t, int64_t> q{std::llround(all.xs[i] * kMicro),
                                        std::llround(all.ys[i] * kMicro)};
    if (scratch->empty() || scratch->back() != q) scratch->push_back(q);
  }
  if (scratch->size() < 4) return false;
  out->push_back('[');
  for (size_t k = 0; k < scratch->size(); ++k) {
    if (k > 0) out->push_back(',');
    out->push_back('[');
    AppendMicroDegrees((*scratch)[k].first, out);
    out->push_back(',');
    AppendMicroDegrees((*scratch)[k].second, out);
    out->push_back(']');
  }
  out->push_back(']');
  return true;
}

// The GeoJSON geometry of `g` (projected), unprojected with `projection`.
absl::StatusOr<std::string> ToGeoJson(GeosContext& geos, const GEOSGeometry* g,
                                      geo::LocalProjection& projection) {
  Rings rings;
  RETURN_IF_ERROR(CollectRings(geos, g, &rings));
  RETURN_IF_ERROR(projection.InverseInPlace(rings.xs, rings.ys));

  std::string polygons;
  polygons.reserve(rings.xs.size() * 24);
  int written = 0;
  std::vector<std::pair<int64_t, int64_t>> scratch;
  size_t ring = 0;
  for (const size_t end : rings.polygon_ends) {
    std::string polygon = "[";
    // A polygon whose exterior ring collapses is dropped whole; a collapsed hole alone.
    if (AppendRing(rings, rings.rings[ring], &scratch, &polygon)) {
      for (size_t r = ring + 1; r < end; ++r) {
        std::string hole = ",";
        if (AppendRing(rings, rings.rings[r], &scratch, &hole)) polygon += hole;
      }
      polygon.push_back(']');
      if (written++ > 0) polygons.push_back(',');
      polygons += polygon;
    }
    ring = end;
  }
  if (written == 1) return absl::StrCat(R"({"type":"Polygon","coordinates":)", polygons, "}");
  return absl::StrCat(R"({"type":"MultiPolygon","coordinates":[)", polygons, "]}");
}

}  // namespace

static absl::StatusOr<IsochroneGeometry> BuildIsochroneUnstoppable(
    const std::vector<Polyline>& reached, const std::vector<geo::LonLat>& points,
    double road_buffer_meters, double point_buffer_meters, const geo::Deadline& deadline) {
  RETURN_IF_ERROR(ValidateBuffer(road_buffer_meters, "road_buffer_meters"));
  RETURN_IF_ERROR(ValidateBuffer(point_buffer_meters, "point_buffer_meters"));
  ASSIGN_OR_RETURN(Network net, Gather(reached, points));
  const bool roads_count = road_buffer_meters > 0 && !net.ids.empty();
  const bool points_count = point_buffer_meters > 0 && !net.point_ids.empty();
  IsochroneGeometry result;
  if (!roads_count && !points_count) {
    result.geojson = R"({"type":"MultiPolygon","coordinates":[]})";
    return result;
  }

  ASSIGN_OR_RETURN(geo::LocalProjection projection,
                   geo::LocalProjection::Create(BoundingBoxCentre(net.xs, net.ys)));
  RETURN_IF_ERROR(projection.ForwardInPlace(net.xs, net.ys));

  GeosContext& geos = GeosContext::ThreadLocal();
  GeomPtr area(nullptr, geo::GeomDeleter{geos.handle()});
  if (roads_count) {
    ASSIGN_OR_RETURN(area, BufferRoads(geos, net, road_buffer_meters, deadline));
  }
  if (points_count) {
    ASSIGN_OR_RETURN(GeomPtr discs, BufferPoints(geos, net, point_buffer_meters));
    if (area == nullptr) {
      area = std::move(discs);
    } else {
      ASSIGN_OR_RETURN(
          area, geos.Check(GEOSUnion_r(geos.handle(), area.get(), discs.get()), "GEOSUnion_r"));
    }
  }

  double square_meters = 0;
  if (area != nullptr && GEOSArea_r(geos.handle(), area.get(), &square_meters) == 0) {
    return geos.Error("GEOSArea_r");
  }
  ASSIGN_OR_RETURN(result.geojson, area == nullptr
                                       ? std::string(R"({"type":"MultiPolygon","coordinates":[]})")
                                       : ToGeoJson(geos, area.get(), projection));
  result.area_km2 = square_meters / 1e6;
  return result;
}

absl::StatusOr<IsochroneGeometry> BuildIsochrone(const std::vector<Polyline>& reached,
                                                 const std::vector<geo::LonLat>& points,
                                                 double road_buffer_meters,
                                                 double point_buffer_meters,
                                                 const geo::Deadline& deadline) {
  absl::StatusOr<IsochroneGeometry> result;
  {
    // GEOS work on this thread (buffers, the union) is interrupted once `deadline` stops.
    const geo::GeosInterruptScope interruptible(deadline);
    result = BuildIsochroneUnstoppable(reached, points, road_buffer_meters, point_buffer_meters,
                                       deadline);
  }
  // An interrupted GEOS call fails with GEOS's message; say why it stopped instead.
  if (!result.ok() && result.status().code() != absl::StatusCode::kCancelled &&
      result.status().code() != absl::StatusCode::kDeadlineExceeded && deadline.Stopped()) {
    return deadline.Error("isochrone geometry");
  }
  return result;
}

}  // namespace carereach::routing
