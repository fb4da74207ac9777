// RenderMap: projection, frame, layout, layers and decorations of one map.
//
// Layout (pixels): a title band on top, a legend column on the right, a band for the credits and
// the method line at the bottom; the map panel takes the rest, and nothing of the map is drawn
// outside it. Sizes scale with the picture (1200 x 900 is the reference).
#include "geo/render/render.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "geo/core/local_projection.h"
#include "geo/core/status_macros.h"
#include "geo/render/canvas.h"
#include "geo/render/palette.h"

namespace carereach::render {
namespace {

constexpr int kMinWidth = 320, kMaxWidth = 4096, kMinHeight = 240, kMaxHeight = 4096;
constexpr size_t kMaxThresholds = 8;
constexpr double kMetersPerMile = 1609.344;
constexpr MarkerShape kMemberShapes[] = {MarkerShape::kCircle, MarkerShape::kSquare,
                                         MarkerShape::kTriangle, MarkerShape::kDiamond};

struct Box {
  double x_min = HUGE_VAL, y_min = HUGE_VAL, x_max = -HUGE_VAL, y_max = -HUGE_VAL;
  void Add(double x, double y) {
    x_min = std::min(x_min, x), x_max = std::max(x_max, x);
    y_min = std::min(y_min, y), y_max = std::max(y_max, y);
  }
  bool empty() const { return !(x_min <= x_max); }
};

// Sizes of text and marks for this picture.
struct Style {
  double scale, margin, title, text, small, line;
};

Style StyleFor(const RenderOptions& o) {
  const double s = std::clamp(std::min(o.width_px / 1200.0, o.height_px / 900.0), 0.5, 2.5);
  return {s, 14 * s, 22 * s, 12.5 * s, 10 * s, 1.45};
}

std::string Threshold(double v) { return absl::StrFormat("%g", v); }

struct Projected {
  std::vector<Pixel> units, facilities;
  std::vector<std::vector<Path>> counties;  // per county, its rings
  std::vector<Path> major_roads, minor_roads;
  std::vector<std::vector<Path>> isochrones;  // per isochrone, its rings
};

// Legend rows drawn in the right-hand column.
struct LegendRow {
  enum Kind { kHeading, kNote, kDot, kRing, kCross, kMarker, kSwatch } kind;
  std::string label;
  Rgba color;
  MarkerShape shape = MarkerShape::kCircle;
  std::string count;  // right-aligned figure, e.g. residents in the bin
};

// 1234567 -> "1,234,567".
std::string Residents(double population) {
  const std::string digits = absl::StrFormat("%.0f", population);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0 && digits[i - 1] != '-') out += ',';
    out += digits[i];
  }
  return out;
}

// The scale bar's length: the largest 1, 2 or 5 x 10^k miles not above `max_miles`.
double NiceMiles(double max_miles) {
  double best = 0.1;
  for (double p = 0.01; p <= 1e5; p *= 10) {
    for (double m : {1.0, 2.0, 5.0}) {
      if (m * p <= max_miles) best = m * p;
    }
  }
  return best;
}

// `pieces` joined by `separator` into lines of at most `max_width_px` each, measured with the
// canvas' font metrics; a piece wider than that is broken at its spaces (a single word wider still
// gets a line of its own). Credits stay whole where they fit: "© OpenStreetMap contributors" is
// never split across lines on a picture wide enough for it.
std::vector<std::string> WrapPieces(const Canvas& canvas, const std::vector<std::string>& pieces,
                                    absl::string_view separator, double size_px,
                                    double max_width_px) {
  std::vector<std::string> lines;
  std::string line;
  auto add = [&](absl::string_view piece, absl::string_view sep) {
    std::string longer = line.empty() ? std::string(piece) : absl::StrCat(line, sep, piece);
    if (!line.empty() && canvas.TextWidth(longer, size_px, false) > max_width_px) {
      lines.push_back(std::move(line));
      line = std::string(piece);
    } else {
      line = std::move(longer);
    }
  };
  for (const std::string& piece : pieces) {
    if (piece.empty()) continue;
    if (canvas.TextWidth(piece, size_px, false) <= max_width_px) {
      add(piece, separator);
      continue;
    }
    bool first = true;
    for (absl::string_view word : absl::StrSplit(piece, ' ', absl::SkipEmpty())) {
      add(word, first ? separator : " ");
      first = false;
    }
  }
  if (!line.empty()) lines.push_back(std::move(line));
  return lines;
}

}  // namespace

MapProjectionSpec FitAlbers(double south, double north, double lon_0) {
  const double span = std::max(north - south, 0.01);
  const double lat_1 = south + span / 6, lat_2 = north - span / 6;
  const double lat_0 = (south + north) / 2;
  if (std::abs(lat_1 + lat_2) < 1.0) {
    // Standard parallels (nearly) symmetric about the equator: the cone flattens into a cylinder
    // (PROJ refuses aea with lat_1 = -lat_2), so the limit of the conic, Lambert's cylindrical
    // equal-area, true to scale on the parallels +-lat_ts.
    const double lat_ts = (std::abs(lat_1) + std::abs(lat_2)) / 2;
    return {absl::StrFormat("+proj=cea +lat_ts=%.6f +lon_0=%.6f +ellps=GRS80 +units=m +no_defs "
                            "+type=crs",
                            lat_ts, lon_0),
            absl::StrFormat("Lambert cylindrical equal-area, standard parallels %.2f°N and "
                            "%.2f°S (a region at the equator), central meridian %.2f°%s",
                            lat_ts, lat_ts, std::abs(lon_0), lon_0 >= 0 ? "E" : "W")};
  }
  return {absl::StrFormat("+proj=aea +lat_0=%.6f +lon_0=%.6f +lat_1=%.6f +lat_2=%.6f +ellps=GRS80 "
                          "+units=m +no_defs +type=crs",
                          lat_0, lon_0, lat_1, lat_2),
          absl::StrFormat("Albers equal-area conic, standard parallels %.2f°%s and %.2f°%s, "
                          "central meridian %.2f°%s",
                          std::abs(lat_1), lat_1 >= 0 ? "N" : "S", std::abs(lat_2),
                          lat_2 >= 0 ? "N" : "S", std::abs(lon_0), lon_0 >= 0 ? "E" : "W")};
}

absl::StatusOr<RenderedMap> RenderMap(const MapScene& scene, const RenderOptions& options,
                                      const geo::Deadline& deadline) {
  if (options.width_px < kMinWidth || options.width_px > kMaxWidth) {
    return absl::InvalidArgumentError(absl::StrFormat("width_px: %d is outside [%d, %d]",
                                                      options.width_px, kMinWidth, kMaxWidth));
  }
  if (options.height_px < kMinHeight || options.height_px > kMaxHeight) {
    return absl::InvalidArgumentError(absl::StrFormat("height_px: %d is outside [%d, %d]",
                                                      options.height_px, kMinHeight, kMaxHeight));
  }
  if (scene.thresholds.size() > kMaxThresholds) {
    return absl::InvalidArgumentError(absl::StrFormat("thresholds: %d; a map shows at most %d",
                                                      scene.thresholds.size(), kMaxThresholds));
  }
  for (size_t i = 1; i < scene.thresholds.size(); ++i) {
    if (!(scene.thresholds[i - 1] < scene.thresholds[i])) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "thresholds[%d]: %g is not above the one before", i, scene.thresholds[i]));
    }
  }

  for (size_t i = 0; i < scene.units.size(); ++i) {
    const MapUnit& u = scene.units[i];
    if (!std::isfinite(u.population) || u.population < 0 ||
        (u.state == MapUnit::State::kReached && !std::isfinite(u.value))) {
      return absl::InvalidArgumentError(
          absl::StrFormat("units[%d]: population %g and value %g must be finite (population >= 0)",
                          i, u.population, u.value));
    }
  }
  // Bounds in lon/lat of what the map is about: the people and the facilities; the counties only
  // when there are neither (an outline can span an ocean: Honolulu County's reaches ~2,000 km).
  // Units without residents do not count: Honolulu County's Northwestern Hawaiian Islands tract
  // (population 0, 1,900 km from O'ahu) would shrink O'ahu to a few pixels.
  Box ll;
  for (const MapUnit& u : scene.units) {
    if (u.population > 0) ll.Add(u.location.lon, u.location.lat);
  }
  for (const MapFacility& f : scene.facilities) ll.Add(f.location.lon, f.location.lat);
  for (const MapIsochrone& iso : scene.isochrones) {
    for (const auto& ring : iso.rings) {
      for (const geo::LonLat& p : ring) ll.Add(p.lon, p.lat);
    }
  }
  if (ll.empty()) {
    for (const MapCounty& c : scene.counties) {
      for (const auto& ring : c.rings) {
        for (const geo::LonLat& p : ring) ll.Add(p.lon, p.lat);
      }
    }
  }
  if (ll.empty()) {
    return absl::InvalidArgumentError("scene: nothing to draw (no units, facilities or counties)");
  }
  const MapProjectionSpec spec = FitAlbers(ll.y_min, ll.y_max, (ll.x_min + ll.x_max) / 2);
  ASSIGN_OR_RETURN(geo::LocalProjection projection,
                   geo::LocalProjection::CreateFromProjString(
                       spec.proj, {(ll.x_min + ll.x_max) / 2, (ll.y_min + ll.y_max) / 2}));

  // Project everything (metres), then fit the frame.
  const auto project_points = [&](auto&& points, auto get) -> absl::StatusOr<std::vector<Pixel>> {
    std::vector<double> xs, ys;
    xs.reserve(points.size()), ys.reserve(points.size());
    for (const auto& p : points) {
      const geo::LonLat q = get(p);
      xs.push_back(q.lon), ys.push_back(q.lat);
    }
    RETURN_IF_ERROR(projection.ForwardInPlace(xs, ys));
    std::vector<Pixel> out(xs.size());
    for (size_t i = 0; i < xs.size(); ++i) out[i] = {xs[i], ys[i]};
    return out;
  };
  const auto identity = [](const geo::LonLat& p) { return p; };
  Projected m;
  ASSIGN_OR_RETURN(m.units,
                   project_points(scene.units, [](const MapUnit& u) { return u.location; }));
  ASSIGN_OR_RETURN(m.facilities, project_points(scene.facilities,
                                                [](const MapFacility& f) { return f.location; }));
  for (const MapCounty& c : scene.counties) {
    std::vector<Path> rings;
    for (const auto& ring : c.rings) {
      ASSIGN_OR_RETURN(Path path, project_points(ring, identity));
      rings.push_back(std::move(path));
    }
    m.counties.push_back(std::move(rings));
  }
  for (const MapIsochrone& iso : scene.isochrones) {
    std::vector<Path> rings;
    for (const auto& ring : iso.rings) {
      ASSIGN_OR_RETURN(Path path, project_points(ring, identity));
      rings.push_back(std::move(path));
    }
    m.isochrones.push_back(std::move(rings));
  }
  for (const MapRoad& r : scene.roads) {
    ASSIGN_OR_RETURN(Path path, project_points(r.points, identity));
    (r.major ? m.major_roads : m.minor_roads).push_back(std::move(path));
  }
  RETURN_IF_ERROR(deadline.Check("map projection"));

  Box xy;
  for (size_t i = 0; i < m.units.size(); ++i) {
    if (scene.units[i].population > 0) xy.Add(m.units[i].x, m.units[i].y);  // as `ll` above
  }
  for (const Pixel& p : m.facilities) xy.Add(p.x, p.y);
  for (const auto& rings : m.isochrones) {
    for (const Path& ring : rings) {
      for (const Pixel& p : ring) xy.Add(p.x, p.y);
    }
  }
  if (xy.empty()) {
    for (const auto& rings : m.counties) {
      for (const Path& ring : rings) {
        for (const Pixel& p : ring) xy.Add(p.x, p.y);
      }
    }
  }

  // Legend rows (they decide the column's width).
  const Style st = StyleFor(options);
  std::vector<LegendRow> rows;
  std::vector<LegendEntry> legend;
  const std::vector<Rgba> steps = SequentialSteps(scene.thresholds.size() + 1);
  const bool has_units = !scene.units.empty();
  std::vector<Rgba> bin_colors;  // per threshold, then "beyond"
  if (has_units && !scene.uncovered_label.empty()) {
    double population = 0;
    for (const MapUnit& u : scene.units) population += u.population;
    rows.push_back({LegendRow::kHeading, "Uncovered", {}});
    rows.push_back({LegendRow::kDot, scene.uncovered_label, Rgba::FromHex(kUnreached, 0.7),
                    MarkerShape::kCircle, Residents(population)});
    rows.push_back({LegendRow::kNote, "dot area: residents; figure: residents", {}});
    bin_colors.push_back(Rgba::FromHex(kUnreached, 0.7));
  } else if (has_units) {
    rows.push_back({LegendRow::kHeading,
                    scene.value_unit == "mi" ? "Miles to the nearest facility"
                                             : "Minutes to the nearest facility",
                    {}});
    std::vector<double> population(scene.thresholds.size() + 3, 0);
    for (const MapUnit& u : scene.units) {
      size_t bin = scene.thresholds.size() + (u.state == MapUnit::State::kUnreached ? 1 : 0) +
                   (u.state == MapUnit::State::kUnsnapped ? 2 : 0);
      if (u.state == MapUnit::State::kReached) {
        bin = std::lower_bound(scene.thresholds.begin(), scene.thresholds.end(), u.value) -
              scene.thresholds.begin();
      }
      population[bin] += u.population;
    }
    for (size_t i = 0; i < scene.thresholds.size(); ++i) {
      const std::string label =
          i == 0 ? absl::StrCat("≤ ", Threshold(scene.thresholds[0]), " ", scene.value_unit)
                 : absl::StrCat(Threshold(scene.thresholds[i - 1]), "–",
                                Threshold(scene.thresholds[i]), " ", scene.value_unit);
      bin_colors.push_back(steps[i]);
      rows.push_back(
          {LegendRow::kDot, label, steps[i], MarkerShape::kCircle, Residents(population[i])});
    }
    const Rgba beyond = Rgba::FromHex(kBeyond);
    bin_colors.push_back(beyond);
    rows.push_back(
        {LegendRow::kDot,
         scene.thresholds.empty()
             ? std::string("reached")
             : absl::StrCat("> ", Threshold(scene.thresholds.back()), " ", scene.value_unit),
         scene.thresholds.empty() ? steps[0] : beyond, MarkerShape::kCircle,
         Residents(population[scene.thresholds.size()])});
    if (scene.thresholds.empty()) bin_colors.back() = steps[0];
    rows.push_back({LegendRow::kRing, "not reached", Rgba::FromHex(kUnreached),
                    MarkerShape::kCircle, Residents(population[scene.thresholds.size() + 1])});
    rows.push_back({LegendRow::kCross, "no road nearby (unsnapped)", Rgba::FromHex(kUnsnapped),
                    MarkerShape::kCross, Residents(population[scene.thresholds.size() + 2])});
    rows.push_back({LegendRow::kNote, "dot area: residents; figures: residents", {}});
  }
  // Member colours: Okabe-Ito, vermilion left out when dots use it for "beyond".
  std::vector<Rgba> member_colors;
  for (uint32_t c : kOkabeIto) {
    if (has_units && c == kBeyond) continue;
    member_colors.push_back(Rgba::FromHex(c));
  }
  const auto member_color = [&](int member) {
    return member_colors[static_cast<size_t>(std::max(member, 0)) % member_colors.size()];
  };
  const auto member_shape = [&](int member) {
    return kMemberShapes[static_cast<size_t>(std::max(member, 0)) % std::size(kMemberShapes)];
  };
  if (!scene.facilities.empty()) {
    rows.push_back({LegendRow::kHeading, "Facilities", {}});
    const size_t members = std::max<size_t>(1, scene.members.size());
    for (size_t i = 0; i < members; ++i) {
      rows.push_back({LegendRow::kMarker, i < scene.members.size() ? scene.members[i] : "facility",
                      member_color(static_cast<int>(i)), member_shape(static_cast<int>(i))});
    }
  }
  // Isochrones: the ramp's steps, nearest (darkest) first, translucent so roads show through.
  const std::vector<Rgba> iso_steps = SequentialSteps(std::max<size_t>(1, scene.isochrones.size()));
  const auto iso_color = [&](size_t i) {
    Rgba c = iso_steps[std::min(i, iso_steps.size() - 1)];
    c.a = 0.3;
    return c;
  };
  if (!scene.isochrones.empty()) {
    rows.push_back({LegendRow::kHeading, "Drive time from the facilities", {}});
    for (size_t i = 0; i < scene.isochrones.size(); ++i) {
      rows.push_back({LegendRow::kSwatch,
                      absl::StrCat("≤ ", Threshold(scene.isochrones[i].max_minutes), " min"),
                      iso_color(i)});
    }
  }
  const bool has_fills =
      std::any_of(scene.counties.begin(), scene.counties.end(),
                  [](const MapCounty& c) { return c.fill != MapCounty::Fill::kNone; });
  if (has_fills) {
    rows.push_back(
        {LegendRow::kHeading,
         scene.fill_label.empty() ? "Counties" : absl::StrCat("Counties, ", scene.fill_label),
         {}});
    rows.push_back({LegendRow::kSwatch, "pass", Rgba::FromHex(kPass, 0.35)});
    rows.push_back({LegendRow::kSwatch, "fail", Rgba::FromHex(kFail, 0.45)});
    rows.push_back({LegendRow::kSwatch, "not evaluated", Rgba::FromHex(0xE0E0E0)});
  }
  for (const LegendRow& r : rows) {
    if (r.kind != LegendRow::kHeading && r.kind != LegendRow::kNote) {
      legend.push_back({r.label, r.color.Hex()});
    }
  }

  // Layout.
  const Rgba ink = Rgba::FromHex(0x222222), grey = Rgba::FromHex(0x555555);
  auto canvas = options.format == ImageFormat::kSvg
                    ? MakeSvgCanvas(options.width_px, options.height_px)
                    : MakePngCanvas(options.width_px, options.height_px);
  double legend_width = 0;
  for (const LegendRow& r : rows) {
    const double w =
        canvas->TextWidth(r.label, st.text, r.kind == LegendRow::kHeading) +
        (r.kind == LegendRow::kHeading ? 0 : 22 * st.scale) +
        (r.count.empty() ? 0 : canvas->TextWidth(r.count, st.small, false) + 10 * st.scale);
    legend_width = std::max(legend_width, w);
  }
  legend_width = std::min(legend_width + 2 * st.margin, options.width_px * 0.4);
  // The method, then the credits, wrapped to the picture's width.
  const double footer_width = options.width_px - 2 * st.margin;
  std::vector<std::string> footer =
      WrapPieces(*canvas, {scene.method}, " ", st.small, footer_width);
  std::vector<std::string> credits =
      WrapPieces(*canvas, scene.credits, " · ", st.small, footer_width);
  if (credits.empty()) credits.emplace_back();  // the band keeps its line
  for (std::string& line : credits) footer.push_back(std::move(line));
  const double title_band =
      st.margin + st.title * st.line + (scene.subtitle.empty() ? 0 : st.text * st.line);
  const double footer_band = st.margin + footer.size() * st.small * st.line;
  MapFrame frame;
  frame.panel_left_px = st.margin;
  frame.panel_top_px = title_band;
  frame.panel_width_px = std::max(50.0, options.width_px - legend_width - 2 * st.margin);
  frame.panel_height_px = std::max(50.0, options.height_px - title_band - footer_band - st.margin);
  // Fit, padded 4 %, at least 2 km across (a single point still gets a sensible scale).
  const double min_extent = 2000;
  const double cx = (xy.x_min + xy.x_max) / 2, cy = (xy.y_min + xy.y_max) / 2;
  const double dx = std::max(xy.x_max - xy.x_min, min_extent) * 1.08;
  const double dy = std::max(xy.y_max - xy.y_min, min_extent) * 1.08;
  frame.meters_per_px = std::max(dx / frame.panel_width_px, dy / frame.panel_height_px);
  frame.x_min_meters = cx - frame.panel_width_px * frame.meters_per_px / 2;
  frame.y_max_meters = cy + frame.panel_height_px * frame.meters_per_px / 2;
  const auto to_px = [&](const Pixel& p) {
    return Pixel{frame.panel_left_px + (p.x - frame.x_min_meters) / frame.meters_per_px,
                 frame.panel_top_px + (frame.y_max_meters - p.y) / frame.meters_per_px};
  };
  const auto to_px_paths = [&](std::vector<Path> paths) {
    for (Path& path : paths) {
      for (Pixel& p : path) p = to_px(p);
    }
    return paths;
  };

  // Layers, bottom to top, clipped to the panel.
  canvas->BeginGroup("map");
  canvas->BeginClip({frame.panel_left_px, frame.panel_top_px}, frame.panel_width_px,
                    frame.panel_height_px);
  if (has_fills) {
    canvas->BeginGroup("county-fills");
    for (const auto& [fill, color] :
         {std::pair{MapCounty::Fill::kPass, Rgba::FromHex(kPass, 0.35)},
          std::pair{MapCounty::Fill::kFail, Rgba::FromHex(kFail, 0.45)},
          std::pair{MapCounty::Fill::kNotEvaluated, Rgba::FromHex(0xE0E0E0)}}) {
      std::vector<Path> rings;
      for (size_t i = 0; i < scene.counties.size(); ++i) {
        if (scene.counties[i].fill != fill) continue;
        for (const Path& r : to_px_paths(m.counties[i])) rings.push_back(r);
      }
      canvas->FillRings(rings, color);
    }
    canvas->EndGroup();
  }
  if (!m.minor_roads.empty() || !m.major_roads.empty()) {
    canvas->BeginGroup("roads");
    canvas->StrokePaths(to_px_paths(m.minor_roads), {Rgba::FromHex(0xC8C8C8), 0.5 * st.scale},
                        false);
    canvas->StrokePaths(to_px_paths(m.major_roads), {Rgba::FromHex(0x969696), 1.2 * st.scale},
                        false);
    canvas->EndGroup();
  }
  RETURN_IF_ERROR(deadline.Check("map drawing", " (roads)"));
  if (!m.isochrones.empty()) {
    canvas->BeginGroup("isochrones");
    for (size_t i = m.isochrones.size(); i-- > 0;) {  // largest first
      const std::vector<Path> rings = to_px_paths(m.isochrones[i]);
      canvas->FillRings(rings, iso_color(i));
      Rgba edge = iso_color(i);
      edge.a = 0.9;
      canvas->StrokePaths(rings, {edge, 0.75 * st.scale}, true);
    }
    canvas->EndGroup();
  }
  if (!m.counties.empty()) {
    canvas->BeginGroup("counties");
    std::vector<Path> rings;
    for (const auto& county : m.counties) {
      for (const Path& r : to_px_paths(county)) rings.push_back(r);
    }
    canvas->StrokePaths(rings, {Rgba::FromHex(kCountyOutline), 0.7 * st.scale}, true);
    canvas->EndGroup();
  }
  if (has_units) {
    canvas->BeginGroup("units");
    std::vector<double> pops;
    for (const MapUnit& u : scene.units) {
      if (u.population > 0) pops.push_back(u.population);
    }
    double median = 1;
    if (!pops.empty()) {
      std::nth_element(pops.begin(), pops.begin() + pops.size() / 2, pops.end());
      median = pops[pops.size() / 2];
    }
    const auto radius = [&](double pop) {
      return std::clamp(3.5 * st.scale * std::sqrt(pop / median), 1.2, 7.0 * st.scale);
    };
    std::vector<std::vector<Marker>> bins(bin_colors.size());
    std::vector<Marker> unreached, unsnapped;
    for (size_t i = 0; i < scene.units.size(); ++i) {
      const MapUnit& u = scene.units[i];
      if (u.population <= 0) continue;  // nobody lives there (the legend says dot area: residents)
      const Marker mk{to_px(m.units[i]), radius(u.population), {}};
      if (!scene.uncovered_label.empty()) {
        bins[0].push_back(mk);
      } else if (u.state == MapUnit::State::kUnreached) {
        unreached.push_back(mk);
      } else if (u.state == MapUnit::State::kUnsnapped) {
        unsnapped.push_back(mk);
      } else {
        const size_t bin =
            std::lower_bound(scene.thresholds.begin(), scene.thresholds.end(), u.value) -
            scene.thresholds.begin();
        bins[std::min(bin, bins.size() - 1)].push_back(mk);
      }
    }
    // The farthest first, so the nearest bins (the darkest) are on top.
    for (size_t b = bins.size(); b-- > 0;) {
      canvas->Markers(bins[b], MarkerShape::kCircle, bin_colors[b], {Rgba::FromHex(0xFFFFFF), 0});
    }
    canvas->Markers(unreached, MarkerShape::kCircle, Rgba{1, 1, 1, 0},
                    {Rgba::FromHex(kUnreached), 1.0 * st.scale});
    canvas->Markers(unsnapped, MarkerShape::kCross, Rgba::FromHex(kUnsnapped),
                    {Rgba::FromHex(kUnsnapped), 1.2 * st.scale});
    canvas->EndGroup();
  }
  RETURN_IF_ERROR(deadline.Check("map drawing", " (units)"));
  if (!scene.facilities.empty()) {
    canvas->BeginGroup("facilities");
    const int members = static_cast<int>(std::max<size_t>(1, scene.members.size()));
    for (int member = 0; member < members; ++member) {
      std::vector<Marker> markers;
      for (size_t i = 0; i < scene.facilities.size(); ++i) {
        const MapFacility& f = scene.facilities[i];
        if (std::clamp(f.member, 0, members - 1) != member) continue;
        markers.push_back({to_px(m.facilities[i]), 5.5 * st.scale, f.id});
      }
      canvas->Markers(markers, member_shape(member), member_color(member),
                      {Rgba::FromHex(0xFFFFFF), 1.5 * st.scale});
    }
    canvas->EndGroup();
  }
  canvas->EndClip();
  const std::vector<Path> panel_edge = {
      {{frame.panel_left_px, frame.panel_top_px},
       {frame.panel_left_px + frame.panel_width_px, frame.panel_top_px},
       {frame.panel_left_px + frame.panel_width_px, frame.panel_top_px + frame.panel_height_px},
       {frame.panel_left_px, frame.panel_top_px + frame.panel_height_px}}};
  canvas->StrokePaths(panel_edge, {Rgba::FromHex(0xBDBDBD), 1}, true);
  canvas->EndGroup();

  // Decorations: title, legend, scale bar, method and credits.
  canvas->BeginGroup("title");
  canvas->Text({st.margin, st.margin + st.title}, scene.title, st.title, ink, true);
  if (!scene.subtitle.empty()) {
    canvas->Text({st.margin, st.margin + st.title * st.line + st.text}, scene.subtitle, st.text,
                 grey, false);
  }
  canvas->EndGroup();

  canvas->BeginGroup("legend");
  const double lx = frame.panel_left_px + frame.panel_width_px + st.margin;
  double ly = frame.panel_top_px + st.text;
  for (const LegendRow& r : rows) {
    const double row_h = st.text * st.line * (r.kind == LegendRow::kHeading ? 1.3 : 1.0);
    if (r.kind == LegendRow::kHeading) {
      canvas->Text({lx, ly + st.text * 0.3}, r.label, st.text, ink, true);
      ly += row_h;
      continue;
    }
    if (r.kind == LegendRow::kNote) {
      canvas->Text({lx, ly + st.small * 0.35}, r.label, st.small, grey, false);
      ly += row_h;
      continue;
    }
    const Pixel centre{lx + 7 * st.scale, ly};
    const Marker mk{centre, 5 * st.scale, {}};
    switch (r.kind) {
      case LegendRow::kDot:
        canvas->Markers({&mk, 1}, MarkerShape::kCircle, r.color, {Rgba::FromHex(0xFFFFFF), 0});
        break;
      case LegendRow::kRing:
        canvas->Markers({&mk, 1}, MarkerShape::kCircle, Rgba{1, 1, 1, 0},
                        {r.color, 1.0 * st.scale});
        break;
      case LegendRow::kCross:
        canvas->Markers({&mk, 1}, MarkerShape::kCross, r.color, {r.color, 1.2 * st.scale});
        break;
      case LegendRow::kMarker:
        canvas->Markers({&mk, 1}, r.shape, r.color, {Rgba::FromHex(0xFFFFFF), 1.0 * st.scale});
        break;
      case LegendRow::kSwatch:
        canvas->FillRect({lx, ly - 6 * st.scale}, 14 * st.scale, 12 * st.scale, r.color);
        break;
      case LegendRow::kHeading:
      case LegendRow::kNote:
        break;
    }
    canvas->Text({lx + 22 * st.scale, ly + st.text * 0.35}, r.label, st.text, ink, false);
    if (!r.count.empty()) {
      const double w = canvas->TextWidth(r.count, st.small, false);
      canvas->Text({options.width_px - st.margin - w, ly + st.text * 0.35}, r.count, st.small, grey,
                   false);
    }
    ly += row_h;
  }
  canvas->EndGroup();

  // Scale bar: Albers' scale along the parallels is within ~0.5 % of true across a region fitted
  // by the one-sixth rule, so projected metres per pixel give the bar's length.
  canvas->BeginGroup("scale-bar");
  const double max_miles = 0.2 * frame.panel_width_px * frame.meters_per_px / kMetersPerMile;
  const double miles = NiceMiles(max_miles);
  const double bar_px = miles * kMetersPerMile / frame.meters_per_px;
  const double bx = frame.panel_left_px + 10 * st.scale;
  const double by = frame.panel_top_px + frame.panel_height_px - 12 * st.scale;
  canvas->FillRect({bx - 4 * st.scale, by - st.small - 8 * st.scale},
                   bar_px + 8 * st.scale + 60 * st.scale, st.small + 16 * st.scale,
                   Rgba{1, 1, 1, 0.75});
  const std::vector<Path> bar = {
      {{bx, by - 4 * st.scale}, {bx, by}, {bx + bar_px, by}, {bx + bar_px, by - 4 * st.scale}}};
  canvas->StrokePaths(bar, {ink, 1.5 * st.scale}, false);
  canvas->Text({bx + bar_px + 6 * st.scale, by}, absl::StrCat(absl::StrFormat("%g", miles), " mi"),
               st.small, ink, false);
  canvas->EndGroup();

  canvas->BeginGroup("credits");
  double fy = options.height_px - st.margin - (footer.size() - 1) * st.small * st.line;
  for (const std::string& line : footer) {
    canvas->Text({st.margin, fy}, line, st.small, grey, false);
    fy += st.small * st.line;
  }
  canvas->EndGroup();
  RETURN_IF_ERROR(deadline.Check("map drawing", " (decorations)"));

  RenderedMap out;
  ASSIGN_OR_RETURN(out.image, canvas->Finish());
  out.content_type = std::string(canvas->content_type());
  out.width_px = options.width_px;
  out.height_px = options.height_px;
  out.projection = spec.proj;
  out.projection_name = spec.name;
  out.frame = frame;
  out.legend = std::move(legend);
  out.credits = scene.credits;
  return out;
}

}  // namespace carereach::render
