// RenderMap without golden images: the PNG decodes at the requested size and is not blank, the
// markers land at the pixels the test computes itself (PROJ with the returned projection string
// and the returned frame's formula), and the SVG parses as XML with the legend and credits as text.
#include "geo/render/render.h"

#include <cairo.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <proj.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "geo/render/roads_layer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/geo/render/png_image.h"
#include "tests/geo/roads/ascii_map.h"
#include "tests/status_matchers.h"

namespace carereach::render {
namespace {

using ::carereach::testing_util::StatusIs;
using ::testing::HasSubstr;

// The rendered map, failing the test when rendering failed.
RenderedMap Rendered(const MapScene& scene, const RenderOptions& options) {
  absl::StatusOr<RenderedMap> map = RenderMap(scene, options);
  EXPECT_TRUE(map.ok()) << map.status();
  return map.ok() ? *std::move(map) : RenderedMap{};
}

// A drawn scene near Honolulu: one county square, units in a row (reached at several minutes,
// one beyond the last threshold, one unreached, one unsnapped) and two members' facilities.
MapScene DrawnScene() {
  MapScene s;
  s.title = "Drive time to the nearest hospital";
  s.subtitle = "Test county \xC2\xB7 drive";
  s.method = "Minutes on OpenStreetMap roads (test)";
  s.credits = {"Population: U.S. Census Bureau", "\xC2\xA9 OpenStreetMap contributors"};
  s.thresholds = {10, 20, 30};
  s.members = {"Alpha Health", "Beta Care"};
  for (int i = 0; i < 8; ++i) {
    MapUnit u;
    u.location = {-157.95 + 0.03 * i, 21.35};
    u.population = 4000;
    u.value = 4.0 * (i + 1);  // 4 .. 32 minutes
    s.units.push_back(u);
  }
  s.units.push_back({{-157.90, 21.45}, 3000, MapUnit::State::kUnreached, 0});
  s.units.push_back({{-157.80, 21.45}, 3000, MapUnit::State::kUnsnapped, 0});
  s.facilities.push_back({{-157.92, 21.25}, 0, "fac-alpha"});
  s.facilities.push_back({{-157.76, 21.25}, 1, "fac-beta"});
  MapCounty c;
  c.fips = "15003";
  c.rings = {{{-158.0, 21.2}, {-157.7, 21.2}, {-157.7, 21.5}, {-158.0, 21.5}}};
  s.counties.push_back(c);
  return s;
}

using testing_util::DecodePng;
using testing_util::Image;

// The pixel of `p` computed here: PROJ from WGS84 lon/lat to the returned projection, then the
// frame's documented formula.
std::pair<double, double> ExpectedPixel(const RenderedMap& map, geo::LonLat p) {
  PJ_CONTEXT* ctx = proj_context_create();
  PJ* raw = proj_create_crs_to_crs(ctx, "+proj=longlat +datum=WGS84 +no_defs +type=crs",
                                   map.projection.c_str(), nullptr);
  PJ* pj = proj_normalize_for_visualization(ctx, raw);
  const PJ_COORD out = proj_trans(pj, PJ_FWD, proj_coord(p.lon, p.lat, 0, 0));
  proj_destroy(pj);
  proj_destroy(raw);
  proj_context_destroy(ctx);
  const MapFrame& f = map.frame;
  return {f.panel_left_px + (out.xy.x - f.x_min_meters) / f.meters_per_px,
          f.panel_top_px + (f.y_max_meters - out.xy.y) / f.meters_per_px};
}

using testing_util::Near;

TEST(RenderMapTest, PngDecodesAtTheRequestedSizeAndIsNotBlank) {
  RenderOptions options;
  options.width_px = 900;
  options.height_px = 640;
  const RenderedMap map = Rendered(DrawnScene(), options);
  EXPECT_EQ(map.content_type, "image/png");
  const Image img = DecodePng(map.image);
  ASSERT_EQ(img.width, 900);
  ASSERT_EQ(img.height, 640);
  double sum = 0, sum_sq = 0;
  size_t non_white = 0;
  for (uint32_t px : img.argb) {
    const double lum =
        0.2126 * ((px >> 16) & 0xFF) + 0.7152 * ((px >> 8) & 0xFF) + 0.0722 * (px & 0xFF);
    sum += lum, sum_sq += lum * lum;
    non_white += (px & 0xFFFFFF) != 0xFFFFFF;
  }
  const double n = static_cast<double>(img.argb.size());
  const double variance = sum_sq / n - (sum / n) * (sum / n);
  EXPECT_GT(variance, 100.0);
  EXPECT_GT(non_white / n, 0.01);
  EXPECT_THAT(map.projection, HasSubstr("+proj=aea"));
  EXPECT_THAT(map.projection_name, HasSubstr("Albers equal-area"));
}

TEST(RenderMapTest, MarkersLandAtTheProjectedPixels) {
  const MapScene scene = DrawnScene();
  const RenderedMap map = Rendered(scene, {});
  const Image img = DecodePng(map.image);
  ASSERT_EQ(img.width, 1200);
  // Facilities: first member Okabe-Ito orange (#E69F00), second sky blue (#56B4E9); vermilion is
  // left out of the members' colours because the dots use it for "beyond the last threshold".
  for (const auto& [facility, rgb] :
       {std::pair{scene.facilities[0], 0xE69F00u}, std::pair{scene.facilities[1], 0x56B4E9u}}) {
    const auto [x, y] = ExpectedPixel(map, facility.location);
    EXPECT_TRUE(Near(img.at(static_cast<int>(x), static_cast<int>(y)), rgb))
        << facility.id << " at " << x << "," << y << ": " << std::hex
        << img.at(static_cast<int>(x), static_cast<int>(y));
  }
  // The unit 32 minutes away (beyond 30): a vermilion dot at its pixel.
  const auto [ux, uy] = ExpectedPixel(map, scene.units[7].location);
  EXPECT_TRUE(Near(img.at(static_cast<int>(ux), static_cast<int>(uy)), 0xD55E00))
      << std::hex << img.at(static_cast<int>(ux), static_cast<int>(uy));
  // The nearest unit (4 minutes): the ramp's darkest step, far from white.
  const auto [nx, ny] = ExpectedPixel(map, scene.units[0].location);
  const uint32_t near_px = img.at(static_cast<int>(nx), static_cast<int>(ny));
  EXPECT_LT(((near_px >> 16) & 0xFF) + ((near_px >> 8) & 0xFF) + (near_px & 0xFF), 200u);
  // An empty spot of the panel stays white: markers are where they belong, not everywhere.
  const auto [ex, ey] = ExpectedPixel(map, {-157.85, 21.30});
  EXPECT_TRUE(Near(img.at(static_cast<int>(ex), static_cast<int>(ey)), 0xFFFFFF, 2));
}

// Every text node of the document, in order.
void CollectText(xmlNode* node, std::vector<std::string>& out) {
  for (xmlNode* n = node; n != nullptr; n = n->next) {
    if (n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, BAD_CAST "text") == 0) {
      xmlChar* content = xmlNodeGetContent(n);
      out.emplace_back(reinterpret_cast<const char*>(content));
      xmlFree(content);
    }
    CollectText(n->children, out);
  }
}

TEST(RenderMapTest, SvgParsesAndHoldsTheLegendAndCredits) {
  RenderOptions options;
  options.format = ImageFormat::kSvg;
  MapScene scene = DrawnScene();
  scene.title = "Bad \xFF bytes & <tags>";  // must not break the XML
  const RenderedMap map = Rendered(scene, options);
  EXPECT_EQ(map.content_type, "image/svg+xml");
  xmlDoc* doc = xmlReadMemory(map.image.data(), static_cast<int>(map.image.size()), "map.svg",
                              nullptr, XML_PARSE_NONET);
  ASSERT_NE(doc, nullptr) << map.image.substr(0, 400);
  xmlNode* root = xmlDocGetRootElement(doc);
  EXPECT_STREQ(reinterpret_cast<const char*>(root->name), "svg");
  std::vector<std::string> texts;
  CollectText(root, texts);
  xmlFreeDoc(doc);
  const auto has = [&](std::string_view needle) {
    for (const std::string& t : texts) {
      if (t.find(needle) != std::string::npos) return true;
    }
    return false;
  };
  for (const LegendEntry& e : map.legend) EXPECT_TRUE(has(e.label)) << e.label;
  EXPECT_GE(map.legend.size(), 7u);         // 4 bins, not reached, unsnapped, 2 members
  EXPECT_TRUE(has("\xE2\x89\xA4 10 min"));  // "≤ 10 min"
  EXPECT_TRUE(has("> 30 min"));
  EXPECT_TRUE(has("Alpha Health"));
  EXPECT_TRUE(has("\xC2\xA9 OpenStreetMap contributors"));  // the ODbL credit
  EXPECT_TRUE(has("Population: U.S. Census Bureau"));
  EXPECT_TRUE(has("Bad \xEF\xBF\xBD bytes & <tags>"));  // escaped, then parsed back
  EXPECT_THAT(map.image, HasSubstr("data-id=\"fac-beta\""));
}

// The text lines of the SVG group `id` of `map`.
std::vector<std::string> SvgGroupLines(const RenderedMap& map, const std::string& id) {
  std::vector<std::string> lines;
  xmlDoc* doc = xmlReadMemory(map.image.data(), static_cast<int>(map.image.size()), "map.svg",
                              nullptr, XML_PARSE_NONET);
  if (doc == nullptr) return lines;
  xmlXPathContext* context = xmlXPathNewContext(doc);
  xmlXPathRegisterNs(context, BAD_CAST "s", BAD_CAST "http://www.w3.org/2000/svg");
  const std::string xpath = "//s:g[@id='" + id + "']/s:text";
  xmlXPathObject* found = xmlXPathEvalExpression(BAD_CAST xpath.c_str(), context);
  for (int i = 0; found->nodesetval != nullptr && i < found->nodesetval->nodeNr; ++i) {
    xmlChar* text = xmlNodeGetContent(found->nodesetval->nodeTab[i]);
    lines.emplace_back(reinterpret_cast<const char*>(text));
    xmlFree(text);
  }
  xmlXPathFreeObject(found);
  xmlXPathFreeContext(context);
  xmlFreeDoc(doc);
  return lines;
}

TEST(RenderMapTest, LongMethodAndCreditsWrapToThePictureAndKeepEachCreditWhole) {
  MapScene scene = DrawnScene();
  scene.method = std::string(40, 'm') + " " + std::string(200, ' ') +
                 "straight-line: minutes = geodesic miles x 1.3 / 35 mph x 60; each county's "
                 "beneficiaries spread over its tracts by population";
  for (const char* credit :
       {"County boundaries: U.S. Census Bureau cartographic boundary files (2020)",
        "Standards: CMS HSD reference file (cms-ma-cy2026)", "Hospitals: HIFLD, 2024 release",
        "Beneficiaries: CMS Medicare Advantage county enrollment"}) {
    scene.credits.push_back(credit);
  }
  RenderOptions narrow;
  narrow.format = ImageFormat::kSvg;
  narrow.width_px = 400;
  narrow.height_px = 400;
  const RenderedMap map = Rendered(scene, narrow);
  const std::vector<std::string> lines = SvgGroupLines(map, "credits");
  // The method and six credits do not fit two lines of a 400 px picture: several lines, each
  // credit whole on one of them.
  ASSERT_GE(lines.size(), 4u) << testing::PrintToString(lines);
  for (const char* credit :
       {"\xC2\xA9 OpenStreetMap contributors", "Population: U.S. Census Bureau",
        "County boundaries: U.S. Census Bureau cartographic boundary files "
        "(2020)",
        "Beneficiaries: CMS Medicare Advantage county enrollment"}) {
    EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [&](const std::string& line) {
      return line.find(credit) != std::string::npos;
    })) << credit;
  }
  // Text does not scale with the width alone: a picture three times as wide needs fewer lines.
  RenderOptions wide = narrow;
  wide.width_px = 1200;
  EXPECT_LT(SvgGroupLines(Rendered(scene, wide), "credits").size(), lines.size());
  // The picture still has its panel: the footer did not eat it.
  EXPECT_GT(map.frame.panel_height_px, 150);
}

TEST(RenderMapTest, AnEmptyTractFarAwayDoesNotFrameTheMap) {
  // Honolulu County's tract 981200: the Northwestern Hawaiian Islands, no residents, ~1,900 km
  // from O'ahu. The map stays framed on the people and facilities.
  MapScene scene = DrawnScene();
  const RenderedMap plain = Rendered(scene, {});
  scene.units.push_back({{-175.860040, 27.784598}, 0, MapUnit::State::kUnsnapped, 0});
  const RenderedMap with_empty = Rendered(scene, {});
  EXPECT_DOUBLE_EQ(with_empty.frame.meters_per_px, plain.frame.meters_per_px);
  EXPECT_EQ(with_empty.projection, plain.projection);
}

TEST(RenderMapTest, RefusesBadSizesEmptyScenesAndUnorderedThresholds) {
  RenderOptions small;
  small.width_px = 100;
  EXPECT_THAT(RenderMap(DrawnScene(), small),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("width_px: 100")));
  RenderOptions tall;
  tall.height_px = 5000;
  EXPECT_THAT(RenderMap(DrawnScene(), tall),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("height_px: 5000")));
  EXPECT_THAT(RenderMap(MapScene{}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("nothing")));
  MapScene nan_value = DrawnScene();
  nan_value.units[3].value = std::nan("");  // would otherwise be drawn in the nearest bin
  EXPECT_THAT(RenderMap(nan_value, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("units[3]")));
  MapScene unordered = DrawnScene();
  unordered.thresholds = {10, 30, 20};
  EXPECT_THAT(RenderMap(unordered, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("thresholds[2]")));
}

TEST(RenderMapTest, ARegionOnTheEquatorGetsTheCylindricalLimitAndRenders) {
  const MapProjectionSpec spec = FitAlbers(-0.05, 0.05, 1.0);
  EXPECT_THAT(spec.proj, HasSubstr("+proj=cea"));
  MapScene scene;
  scene.thresholds = {10};
  scene.units.push_back({{0.1, 0.0}, 1000, MapUnit::State::kReached, 5});
  scene.units.push_back({{1.0, 0.0}, 1000, MapUnit::State::kReached, 15});
  const RenderedMap map = Rendered(scene, {});
  EXPECT_THAT(map.projection, HasSubstr("+proj=cea"));
  EXPECT_EQ(map.width_px, 1200);
  EXPECT_THAT(FitAlbers(42, 48, -85).proj, HasSubstr("+proj=aea"));
}

TEST(RenderMapTest, StopsAtAnExpiredDeadline) {
  EXPECT_THAT(RenderMap(DrawnScene(), {}, geo::Deadline(absl::Now() - absl::Seconds(1))),
              StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("map")));
}

TEST(RoadsForMapTest, MajorRoadsAreMajorMinorOnesOnlyOnSmallGraphsAndNoFerries) {
  testing_util::AsciiMap map(R"(
a-----b-----c
      |
      d-----e
)",
                             200);
  map.Way("abc", {.highway = "primary"});
  map.Way("bd", {.highway = "residential"});
  map.Way("de", {.route = "ferry"});
  const roads::RoadGraph graph = map.Build();
  const std::vector<MapRoad> all = RoadsForMap(graph);
  int major = 0, minor = 0;
  for (const MapRoad& r : all) (r.major ? major : minor)++;
  EXPECT_EQ(major, 2);  // a-b and b-c
  EXPECT_EQ(minor, 1);  // b-d; the ferry is not drawn
  const std::vector<MapRoad> big = RoadsForMap(graph, /*max_segments_for_minor=*/1);
  EXPECT_EQ(big.size(), 2u);
  for (const MapRoad& r : big) EXPECT_TRUE(r.major);
  // Drawn: a pixel half-way along a-b is the major roads' grey; the map is framed on the units.
  MapScene scene;
  scene.title = "Roads";
  scene.units.push_back({map.At('a'), 100, MapUnit::State::kReached, 1});
  scene.units.push_back({map.At('e'), 100, MapUnit::State::kReached, 1});
  scene.roads = all;
  const RenderedMap drawn = Rendered(scene, {});
  const Image img = DecodePng(drawn.image);
  // The darkest pixel within one of the line's centre (a 1.2 px line covers a row only partly).
  const auto [x, y] = ExpectedPixel(drawn, map.At('a', 600, 0));
  uint32_t darkest = 0xFFFFFFFF;
  for (int dy = -1; dy <= 1; ++dy) {
    for (int dx = -1; dx <= 1; ++dx) {
      const uint32_t px = img.at(static_cast<int>(x) + dx, static_cast<int>(y) + dy);
      if ((px & 0xFF) < (darkest & 0xFF)) darkest = px;
    }
  }
  EXPECT_TRUE(Near(darkest, 0x969696, 12)) << std::hex << darkest;
  // And the panel away from the roads stays white there.
  EXPECT_TRUE(Near(img.at(static_cast<int>(x), static_cast<int>(y) + 40), 0xFFFFFF, 2));
}

TEST(FitAlbersTest, StandardParallelsBySixthsAndEqualArea) {
  // Michigan's latitudes: 41.7 to 48.3.
  const MapProjectionSpec spec = FitAlbers(41.7, 48.3, -86.0);
  EXPECT_THAT(spec.proj, HasSubstr("+lat_1=42.800000"));
  EXPECT_THAT(spec.proj, HasSubstr("+lat_2=47.200000"));
  EXPECT_THAT(spec.name, HasSubstr("42.80°N"));
  // The projection (without +type=crs: a conversion PROJ can give factors of) keeps areas.
  std::string conversion = spec.proj.substr(0, spec.proj.find(" +type=crs"));
  PJ* pj = proj_create(nullptr, conversion.c_str());
  ASSERT_NE(pj, nullptr);
  for (double lat = 41.7; lat <= 48.3; lat += 1.1) {
    for (double lon = -90.4; lon <= -82.4; lon += 2.0) {
      const PJ_FACTORS f = proj_factors(pj, proj_coord(proj_torad(lon), proj_torad(lat), 0, 0));
      EXPECT_NEAR(f.areal_scale, 1.0, 1e-9) << lon << "," << lat;
      EXPECT_NEAR(f.parallel_scale, 1.0, 0.006) << lon << "," << lat;  // one scale bar is honest
    }
  }
  proj_destroy(pj);
}

}  // namespace
}  // namespace carereach::render
