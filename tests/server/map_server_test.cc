// MapService.RenderMap through a real in-process gRPC server on the equator fixture
// (tests/fixtures/server: units at 0.1, 0.5, 1 and 2 degrees east of (0, 0) with 1000, 2000,
// 4000 and 0 residents, roads along the equator). Golden-free: the PNG decodes at the requested
// size and is not blank, markers land at the pixels this test computes from the returned
// projection and frame, the SVG parses with libxml2 and holds the legend and the credits.
#include <cairo.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <proj.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "carereach/v1/access.grpc.pb.h"
#include "carereach/v1/contracting.grpc.pb.h"
#include "carereach/v1/maps.grpc.pb.h"
#include "carereach/v1/networks.grpc.pb.h"
#include "geo/io/csv.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "server/rpc/map_service.h"
#include "server/server.h"
#include "tests/data_dir.h"
#include "tests/geo/io/shapefile_writer.h"
#include "tests/geo/render/png_image.h"
#include "tests/server/equator_server.h"

namespace carereach {
namespace {

using testing::HasSubstr;
using testing_util::Hospital;

// ---------------------------------------------------------------------------------------------
// Pictures, read back independently of the renderer.

using testing_util::DecodePng;
using testing_util::Image;

// The pixel of (lon, lat) computed here: PROJ from WGS84 to the returned projection string,
// then the frame's documented formula (maps.proto, MapFrame).
std::pair<double, double> ExpectedPixel(const v1::RenderedMap& map, double lon, double lat) {
  PJ_CONTEXT* ctx = proj_context_create();
  PJ* raw = proj_create_crs_to_crs(ctx, "+proj=longlat +datum=WGS84 +no_defs +type=crs",
                                   map.projection().c_str(), nullptr);
  PJ* pj = proj_normalize_for_visualization(ctx, raw);
  const PJ_COORD out = proj_trans(pj, PJ_FWD, proj_coord(lon, lat, 0, 0));
  proj_destroy(pj);
  proj_destroy(raw);
  proj_context_destroy(ctx);
  const v1::MapFrame& f = map.frame();
  return {f.panel_left_px() + (out.xy.x - f.x_min_meters()) / f.meters_per_px(),
          f.panel_top_px() + (f.y_max_meters() - out.xy.y) / f.meters_per_px()};
}

using testing_util::Near;
using testing_util::PixelSpread;
using testing_util::SpreadOf;

int Brightness(uint32_t argb) {
  return static_cast<int>(((argb >> 16) & 0xFF) + ((argb >> 8) & 0xFF) + (argb & 0xFF));
}

// Every <text> of an SVG (empty with a test failure when it does not parse) and the ids of its
// groups.
struct Svg {
  std::vector<std::string> texts;
  std::vector<std::string> group_ids;
  bool Has(std::string_view needle) const {
    for (const std::string& t : texts) {
      if (t.find(needle) != std::string::npos) return true;
    }
    return false;
  }
};

void Collect(xmlNode* node, Svg* out) {
  for (xmlNode* n = node; n != nullptr; n = n->next) {
    if (n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, BAD_CAST "text") == 0) {
      xmlChar* content = xmlNodeGetContent(n);
      out->texts.emplace_back(reinterpret_cast<const char*>(content));
      xmlFree(content);
    }
    if (n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, BAD_CAST "g") == 0) {
      xmlChar* id = xmlGetProp(n, BAD_CAST "id");
      if (id != nullptr) out->group_ids.emplace_back(reinterpret_cast<const char*>(id));
      xmlFree(id);
    }
    Collect(n->children, out);
  }
}

Svg ParseSvg(const v1::RenderedMap& map) {
  Svg svg;
  xmlDoc* doc = xmlReadMemory(map.image().data(), static_cast<int>(map.image().size()), "map.svg",
                              nullptr, XML_PARSE_NONET);
  EXPECT_NE(doc, nullptr) << map.image().substr(0, 400);
  if (doc == nullptr) return svg;
  xmlNode* root = xmlDocGetRootElement(doc);
  EXPECT_STREQ(reinterpret_cast<const char*>(root->name), "svg");
  xmlChar* width = xmlGetProp(root, BAD_CAST "width");
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(width)), std::to_string(map.width_px()));
  xmlFree(width);
  Collect(root, &svg);
  xmlFreeDoc(doc);
  return svg;
}

// ---------------------------------------------------------------------------------------------

class MapServerTest : public testing::Test {
 protected:
  void SetUp() override {
    state_dir_ = testing::TempDir() + "/maps" + std::to_string(getpid()) + "_" +
                 testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(state_dir_);
    Server::Options o = testing_util::EquatorServerOptions();
    o.state_dir = state_dir_;
    Start(o);
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(state_dir_);
  }

  void Start(const Server::Options& o) {
    server_.reset();
    server_ = testing_util::StartServer(o);
    ASSERT_NE(server_, nullptr);
    auto channel = testing_util::LoopbackChannel(*server_);
    maps_ = v1::MapService::NewStub(channel);
    networks_ = v1::NetworkService::NewStub(channel);
    contracting_ = v1::ContractingService::NewStub(channel);
    access_ = v1::AccessService::NewStub(channel);
  }

  static std::unique_ptr<grpc::ClientContext> Ctx(const std::string& tenant = "acme") {
    auto c = std::make_unique<grpc::ClientContext>();
    if (!tenant.empty()) c->AddMetadata("x-carereach-tenant", tenant);
    c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    return c;
  }

  grpc::Status Render(const v1::RenderMapRequest& request, v1::RenderMapResponse* response,
                      const std::string& tenant = "acme") {
    return maps_->RenderMap(Ctx(tenant).get(), request, response);
  }

  // Two inline members: "Alpha" with a hospital north of the units, "Beta" south of them.
  static v1::AnalyzeCoverageRequest AllianceCoverage() {
    v1::AnalyzeCoverageRequest r;
    r.set_region("equator");
    r.add_max_miles(10);
    r.add_max_miles(40);
    r.add_specialty_codes("040");
    v1::NetworkSelection* alpha = r.add_networks();
    alpha->set_label("Alpha");
    *alpha->add_providers() = Hospital("a", 0.3, 0.15);
    v1::NetworkSelection* beta = r.add_networks();
    beta->set_label("Beta");
    *beta->add_providers() = Hospital("b", 1.4, -0.15);
    return r;
  }

  std::string state_dir_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<v1::MapService::Stub> maps_;
  std::unique_ptr<v1::NetworkService::Stub> networks_;
  std::unique_ptr<v1::ContractingService::Stub> contracting_;
  std::unique_ptr<v1::AccessService::Stub> access_;
};

TEST_F(MapServerTest, CoveragePngHasTheSizeIsNotBlankAndFacilitiesLandAtTheirPixels) {
  v1::RenderMapRequest request;
  *request.mutable_coverage() = AllianceCoverage();
  v1::MapOptions* options = request.add_maps();
  options->set_width_px(900);
  options->set_height_px(700);
  v1::RenderMapResponse response;
  grpc::Status s = Render(request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(response.maps_size(), 1);
  const v1::RenderedMap& map = response.maps(0);
  EXPECT_EQ(map.content_type(), "image/png");
  EXPECT_EQ(map.width_px(), 900);
  EXPECT_EQ(map.height_px(), 700);
  EXPECT_THAT(map.projection(), HasSubstr("+proj=cea"));  // equal-area at the equator
  const Image img = DecodePng(map.image());
  ASSERT_EQ(img.width, 900);
  ASSERT_EQ(img.height, 700);
  const PixelSpread spread = SpreadOf(img);
  EXPECT_GT(spread.luminance_variance, 100.0);
  EXPECT_GT(spread.non_white_share, 0.01);

  // Member colours (Okabe-Ito; vermilion is left to "beyond the threshold"): Alpha orange,
  // Beta sky blue, at the pixels computed here from the returned projection and frame.
  const auto [ax, ay] = ExpectedPixel(map, 0.3, 0.15);
  EXPECT_TRUE(Near(img.at(ax, ay), 0xE69F00))
      << ax << "," << ay << std::hex << " " << img.at(ax, ay);
  const auto [bx, by] = ExpectedPixel(map, 1.4, -0.15);
  EXPECT_TRUE(Near(img.at(bx, by), 0x56B4E9))
      << bx << "," << by << std::hex << " " << img.at(bx, by);
  // The unit at 1.0 (4,000 residents) is about 29 miles from b: between 10 and 40, a coloured
  // dot, not white; an empty spot between the units stays white.
  const auto [ux, uy] = ExpectedPixel(map, 1.0, 0.0);
  EXPECT_FALSE(Near(img.at(ux, uy), 0xFFFFFF, 30)) << std::hex << img.at(ux, uy);
  const auto [ex, ey] = ExpectedPixel(map, 0.75, 0.1);
  EXPECT_TRUE(Near(img.at(ex, ey), 0xFFFFFF, 2)) << std::hex << img.at(ex, ey);
  // The legend lists the bins and both members, in the order the picture shows them.
  std::vector<std::string> labels;
  for (const v1::LegendEntry& e : map.legend()) labels.push_back(e.label());
  EXPECT_THAT(labels, testing::IsSupersetOf({"\xE2\x89\xA4 10 mi",
                                             "10\xE2\x80\x93"
                                             "40 mi",
                                             "> 40 mi", "Alpha", "Beta"}));
  EXPECT_GT(map.frame().meters_per_px(), 0);
}

TEST_F(MapServerTest, IncludedResultIsWhatAnalyzeCoverageAnswers) {
  v1::RenderMapRequest request;
  *request.mutable_coverage() = AllianceCoverage();
  request.set_include_result(true);
  v1::RenderMapResponse response;
  grpc::Status s = Render(request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  v1::AnalyzeCoverageResponse from_map;
  ASSERT_TRUE(response.result().UnpackTo(&from_map));
  v1::AnalyzeCoverageResponse from_analysis;
  s = contracting_->AnalyzeCoverage(Ctx().get(), request.coverage(), &from_analysis);
  ASSERT_TRUE(s.ok()) << s.error_message();
  from_map.clear_compute_ms();
  from_analysis.clear_compute_ms();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(from_map, from_analysis))
      << from_map.DebugString() << "\nvs\n"
      << from_analysis.DebugString();
  EXPECT_EQ(from_map.results(1).covered_population(), 7000);  // within 40 miles: all residents
}

TEST_F(MapServerTest, DriveSvgParsesWithLegendRoadsAndCredits) {
  v1::RenderMapRequest request;
  v1::AnalyzeCoverageRequest* coverage = request.mutable_coverage();
  coverage->set_region("equator");
  coverage->set_mode(v1::TRAVEL_MODE_DRIVE);
  coverage->add_max_minutes(15);
  coverage->add_max_minutes(60);
  v1::NetworkSelection* n = coverage->add_networks();
  n->set_label("Gamma Health");
  *n->add_providers() = Hospital("g", 0.0);
  v1::MapOptions* options = request.add_maps();
  options->set_format(v1::MAP_FORMAT_SVG);
  options->set_width_px(800);
  options->set_height_px(600);
  options->set_title("Gamma & <friends>");
  options->add_credits("Hospitals: test fixture");
  v1::RenderMapResponse response;
  grpc::Status s = Render(request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(response.maps_size(), 1);
  const v1::RenderedMap& map = response.maps(0);
  EXPECT_EQ(map.content_type(), "image/svg+xml");
  const Svg svg = ParseSvg(map);
  ASSERT_FALSE(svg.texts.empty());
  ASSERT_GE(map.legend_size(), 5);  // 3 bins, not reached, unsnapped, the member
  for (const v1::LegendEntry& e : map.legend()) EXPECT_TRUE(svg.Has(e.label())) << e.label();
  EXPECT_TRUE(svg.Has("\xE2\x89\xA4 15 min"));
  EXPECT_TRUE(svg.Has("Gamma Health"));
  EXPECT_TRUE(svg.Has("Gamma & <friends>"));
  EXPECT_TRUE(svg.Has("\xC2\xA9 OpenStreetMap contributors"));
  EXPECT_TRUE(svg.Has("Population: U.S. Census Bureau"));
  EXPECT_TRUE(svg.Has("Hospitals: test fixture"));
  EXPECT_TRUE(svg.Has("driving"));  // the method line
  EXPECT_THAT(svg.group_ids, testing::Contains("roads"));
  EXPECT_THAT(map.credits(), testing::Contains("\xC2\xA9 OpenStreetMap contributors"));
  EXPECT_THAT(map.image(), HasSubstr("data-id=\"g\""));
}

TEST_F(MapServerTest, StraightLineMapsDrawNoRoadsAndNeedNoOsmCredit) {
  v1::RenderMapRequest request;
  *request.mutable_coverage() = AllianceCoverage();
  request.add_maps()->set_format(v1::MAP_FORMAT_SVG);
  v1::RenderMapResponse response;
  ASSERT_TRUE(Render(request, &response).ok());
  const Svg svg = ParseSvg(response.maps(0));
  EXPECT_THAT(svg.group_ids, testing::Not(testing::Contains("roads")));
  EXPECT_FALSE(svg.Has("OpenStreetMap"));
  EXPECT_TRUE(svg.Has("straight-line"));
}

TEST_F(MapServerTest, ValidationErrorsNameTheField) {
  const auto status_of = [&](const v1::RenderMapRequest& request) {
    v1::RenderMapResponse response;
    return Render(request, &response);
  };
  const auto expect = [&](const v1::RenderMapRequest& request, grpc::StatusCode code,
                          const std::string& message) {
    const grpc::Status s = status_of(request);
    EXPECT_EQ(s.error_code(), code) << message << ": " << s.error_message();
    EXPECT_THAT(s.error_message(), HasSubstr(message));
  };
  v1::RenderMapRequest base;
  *base.mutable_coverage() = AllianceCoverage();

  expect(v1::RenderMapRequest(), grpc::StatusCode::INVALID_ARGUMENT,
         "analysis: set one of coverage, adequacy, isochrones");
  v1::RenderMapRequest r = base;
  for (int i = 0; i < 9; ++i) r.add_maps();
  expect(r, grpc::StatusCode::INVALID_ARGUMENT, "maps: 9 maps, at most 8");
  r = base;
  r.add_maps();
  r.add_maps()->set_width_px(5000);
  expect(r, grpc::StatusCode::INVALID_ARGUMENT, "maps[1].width_px: 5000 is outside [320, 4096]");
  r = base;
  r.add_maps()->set_height_px(100);
  expect(r, grpc::StatusCode::INVALID_ARGUMENT, "maps[0].height_px: 100 is outside [240, 4096]");
  r = base;
  r.add_maps()->set_width_px(4096);
  r.mutable_maps(0)->set_height_px(4096);
  expect(r, grpc::StatusCode::RESOURCE_EXHAUSTED, "maps[0].width_px, maps[0].height_px: 4096 x");
  r = base;
  r.add_maps()->add_layers(v1::MAP_LAYER_ADEQUACY);
  expect(r, grpc::StatusCode::INVALID_ARGUMENT,
         "maps[0].layers[0]: MAP_LAYER_ADEQUACY is not a layer of coverage maps");
  r = base;
  r.add_maps()->add_layers(v1::MAP_LAYER_UNITS);
  r.mutable_maps(0)->add_layers(v1::MAP_LAYER_UNITS);
  expect(r, grpc::StatusCode::INVALID_ARGUMENT, "maps[0].layers[1]: MAP_LAYER_UNITS is listed");
  r = base;
  r.add_maps()->add_layers(v1::MAP_LAYER_ROADS);
  expect(r, grpc::StatusCode::FAILED_PRECONDITION,
         "maps[0].layers[0]: MAP_LAYER_ROADS is drawn in drive mode only");
  r = base;
  r.add_maps()->set_specialty_code("040");
  expect(r, grpc::StatusCode::INVALID_ARGUMENT, "maps[0].specialty_code: only adequacy maps");
  r = base;
  r.mutable_coverage()->clear_max_miles();
  r.mutable_coverage()->add_max_minutes(30);
  r.add_maps()->set_color_by_miles(true);
  expect(r, grpc::StatusCode::INVALID_ARGUMENT, "maps[0].color_by_miles: coverage.max_miles");
  r = base;  // the analysis takes 9 thresholds; a map's legend shows at most 8
  for (int i = 3; i <= 9; ++i) r.mutable_coverage()->add_max_miles(10 * i + 5);
  r.add_maps();
  expect(r, grpc::StatusCode::INVALID_ARGUMENT,
         "maps[0]: 9 miles thresholds; a map shows at most 8");
  r = base;
  for (int i = 0; i < 9; ++i) r.add_maps();
  r.mutable_maps()->DeleteSubrange(1, 8);
  for (int i = 0; i < 9; ++i) r.mutable_maps(0)->add_credits("c");
  expect(r, grpc::StatusCode::INVALID_ARGUMENT, "maps[0].credits: 9 credits, at most 8");
  r = base;
  r.mutable_coverage()->set_save_report(true);
  expect(r, grpc::StatusCode::INVALID_ARGUMENT, "coverage.save_report: a map saves no report");
  // The inner request is validated by the analysis's own code, its paths prefixed.
  r = base;
  r.mutable_coverage()->mutable_networks(1)->mutable_providers(0)->mutable_location()->set_lat(91);
  expect(r, grpc::StatusCode::INVALID_ARGUMENT, "coverage.networks[1].providers[0]");
  r = base;
  r.mutable_coverage()->set_region("atlantis");
  expect(r, grpc::StatusCode::NOT_FOUND, "atlantis");
}

TEST_F(MapServerTest, AnotherTenantsNetworkGetsTheAnalysisRpcsError) {
  v1::CreateNetworkRequest create;
  create.set_network_id("west");
  create.set_name("West");
  *create.add_providers() = Hospital("a", 0.1);
  v1::CreateNetworkResponse created;
  ASSERT_TRUE(networks_->CreateNetwork(Ctx().get(), create, &created).ok());
  v1::RenderMapRequest request;
  v1::AnalyzeCoverageRequest* coverage = request.mutable_coverage();
  coverage->set_region("equator");
  coverage->add_max_miles(10);
  coverage->add_networks()->set_network_id("west");

  // The owner gets its map.
  v1::RenderMapResponse response;
  grpc::Status s = Render(request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(response.maps_size(), 1);

  for (const std::string tenant : {"other", ""}) {
    v1::RenderMapResponse map;
    const grpc::Status from_map = Render(request, &map, tenant);
    v1::AnalyzeCoverageResponse analysis;
    const grpc::Status from_analysis =
        contracting_->AnalyzeCoverage(Ctx(tenant).get(), *coverage, &analysis);
    EXPECT_NE(from_analysis.error_code(), grpc::StatusCode::OK) << tenant;
    EXPECT_EQ(from_map.error_code(), from_analysis.error_code()) << tenant;
    EXPECT_EQ(from_map.error_message(), from_analysis.error_message()) << tenant;
    EXPECT_EQ(map.maps_size(), 0);
  }
}

TEST_F(MapServerTest, ThePassedRequestTimeEndsTheCallLikeTheAnalysis) {
  Server::Options o = testing_util::EquatorServerOptions();
  o.max_request_time = absl::Nanoseconds(1);
  Start(o);
  v1::RenderMapRequest request;
  *request.mutable_coverage() = AllianceCoverage();
  v1::RenderMapResponse response;
  const grpc::Status from_map = Render(request, &response);
  EXPECT_EQ(from_map.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << from_map.error_message();
  v1::AnalyzeCoverageResponse analysis;
  const grpc::Status from_analysis =
      contracting_->AnalyzeCoverage(Ctx().get(), request.coverage(), &analysis);
  EXPECT_EQ(from_map.error_code(), from_analysis.error_code());
  EXPECT_EQ(response.maps_size(), 0);
}

TEST_F(MapServerTest, IsochronesAreTranslucentFillsAroundTheFacilities) {
  v1::RenderMapRequest request;
  v1::ComputeIsochronesRequest* iso = request.mutable_isochrones();
  iso->set_region("equator");
  *iso->add_facilities() = testing_util::MakeFacility("h", 0.5, 0.0);
  iso->add_max_minutes(60);
  iso->add_max_minutes(20);  // drawn in order of minutes whatever the request's order
  iso->set_road_buffer_meters(2000);
  request.set_include_result(true);
  request.add_maps()->set_format(v1::MAP_FORMAT_SVG);
  request.add_maps();  // PNG
  v1::RenderMapResponse response;
  grpc::Status s = Render(request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(response.maps_size(), 2);

  // The answer is AccessService.ComputeIsochrones' for the same request.
  v1::ComputeIsochronesResponse from_map, from_access;
  ASSERT_TRUE(response.result().UnpackTo(&from_map));
  ASSERT_TRUE(access_->ComputeIsochrones(Ctx().get(), *iso, &from_access).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(from_map, from_access));
  ASSERT_EQ(from_map.isochrones_size(), 2);
  EXPECT_GT(from_map.isochrones(0).area_km2(), from_map.isochrones(1).area_km2());

  const Svg svg = ParseSvg(response.maps(0));
  EXPECT_THAT(svg.group_ids, testing::IsSupersetOf({"isochrones", "roads", "facilities"}));
  EXPECT_TRUE(svg.Has("\xE2\x89\xA4 20 min"));
  EXPECT_TRUE(svg.Has("\xE2\x89\xA4 60 min"));
  EXPECT_TRUE(svg.Has("\xC2\xA9 OpenStreetMap contributors"));
  std::vector<std::string> labels;
  for (const v1::LegendEntry& e : response.maps(0).legend()) labels.push_back(e.label());
  EXPECT_THAT(labels, testing::IsSupersetOf({"\xE2\x89\xA4 20 min", "\xE2\x89\xA4 60 min"}));

  const v1::RenderedMap& png = response.maps(1);
  const Image img = DecodePng(png.image());
  ASSERT_EQ(img.width, 1200);
  const auto [hx, hy] = ExpectedPixel(png, 0.5, 0.0);
  EXPECT_TRUE(Near(img.at(hx, hy), 0xE69F00)) << std::hex << img.at(hx, hy);
  // Beside the marker, inside the 2 km band around the road: the translucent blue-green fills.
  const uint32_t fill = img.at(hx + 12, hy - 8);
  EXPECT_FALSE(Near(fill, 0xFFFFFF, 10)) << std::hex << fill;
  EXPECT_GT(fill & 0xFF, ((fill >> 16) & 0xFF) + 20) << std::hex << fill;  // blue over red
}

TEST_F(MapServerTest, IsochronesOfARegionWithoutRoadsGetComputeIsochronesError) {
  v1::RenderMapRequest request;
  v1::ComputeIsochronesRequest* iso = request.mutable_isochrones();
  iso->set_region("north");
  *iso->add_facilities() = testing_util::MakeFacility("h", 10.0, 10.0);
  iso->add_max_minutes(20);
  v1::RenderMapResponse response;
  const grpc::Status from_map = Render(request, &response);
  v1::ComputeIsochronesResponse answer;
  const grpc::Status from_access = access_->ComputeIsochrones(Ctx().get(), *iso, &answer);
  EXPECT_EQ(from_map.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(from_map.error_code(), from_access.error_code());
  EXPECT_EQ(from_map.error_message(), from_access.error_message());

  iso->set_region("equator");
  request.add_maps()->add_layers(v1::MAP_LAYER_UNITS);
  const grpc::Status layer = Render(request, &response);
  EXPECT_EQ(layer.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(layer.error_message(),
              HasSubstr("maps[0].layers[0]: MAP_LAYER_UNITS is not a layer of isochrones maps"));
  request.clear_maps();
  iso->set_max_minutes(0, 500);
  const grpc::Status minutes = Render(request, &response);
  EXPECT_EQ(minutes.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(minutes.error_message(), HasSubstr("isochrones.max_minutes[0]: 500"));
}

TEST_F(MapServerTest, AMapLargerThanThePixelBudgetIsRefusedASmallerOneDrawn) {
  Server::Options o = testing_util::EquatorServerOptions();
  o.max_render_pixels_in_flight = 1'000'000;
  Start(o);
  v1::RenderMapRequest request;
  *request.mutable_coverage() = AllianceCoverage();
  request.add_maps()->set_width_px(800);  // 800 x 900 = 720,000
  request.add_maps();                     // 1200 x 900 = 1,080,000
  v1::RenderMapResponse response;
  const grpc::Status s = Render(request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(s.error_message(),
              HasSubstr("maps[1]: 1080000 pixels exceed this server's limit of 1000000"));
  request.mutable_maps()->RemoveLast();
  EXPECT_TRUE(Render(request, &response).ok());
}

TEST(PixelBudgetTest, WaitsForRoomUntilTheDeadline) {
  rpc::PixelBudget budget(1'000'000);
  ASSERT_TRUE(budget.Acquire(600'000, geo::Deadline(), "maps[0]").ok());
  // No room: refused once the deadline passes, marked for retry-after-ms.
  const absl::Status busy =
      budget.Acquire(600'000, absl::Now() + absl::Milliseconds(50), "maps[1]");
  EXPECT_EQ(busy.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(busy.message()), HasSubstr("maps[1]: server busy drawing maps"));
  EXPECT_TRUE(busy.GetPayload(rpc::PixelBudget::kRetryPayload).has_value());
  EXPECT_TRUE(budget.Acquire(400'000, absl::Now(), "maps[2]").ok());  // fits beside
  EXPECT_EQ(budget.in_flight(), 1'000'000);
  // A waiting map gets its pixels as soon as they are released.
  std::thread release([&] {
    absl::SleepFor(absl::Milliseconds(20));
    budget.Release(600'000);
  });
  EXPECT_TRUE(budget.Acquire(500'000, absl::Now() + absl::Seconds(60), "maps[3]").ok());
  release.join();
  EXPECT_EQ(budget.in_flight(), 900'000);
  // A caller who goes while waiting stops waiting (CANCELLED), long before its deadline.
  const absl::Time start = absl::Now();
  const absl::Status gone = budget.Acquire(
      600'000, geo::Deadline(absl::Now() + absl::Seconds(60), [] { return true; }), "maps[4]");
  EXPECT_EQ(gone.code(), absl::StatusCode::kCancelled) << gone;
  EXPECT_LT(absl::Now() - start, absl::Seconds(30));
  EXPECT_EQ(budget.in_flight(), 900'000);
}

// The equator fixture with county outlines: a temporary data directory whose census files are
// the fixture's and whose shapefile is written here (two 0.1-degree squares around the units).
class AdequacyMapServerTest : public MapServerTest {
 protected:
  void SetUp() override {
    namespace fs = std::filesystem;
    root_ = fs::path(testing::TempDir()) / ("mapdata" + std::to_string(getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "data" / "counties");
    fs::create_directory_symlink(fs::path(testing_util::kServerFixtures) / "census",
                                 root_ / "data" / "census");
    fs::create_directory_symlink(
        fs::path(CAREREACH_SOURCE_DIR) / "tests" / "fixtures" / "cms_small", root_ / "cms_small");
    const std::string shp = testing_util::WriteSquareCounties(
        "mapdata" + std::to_string(getpid()) + "/data/counties/equator",
        {{"01001", 0.05, -0.05}, {"01003", 0.95, -0.05}});
    ASSERT_TRUE(fs::exists(shp));
    std::ofstream(root_ / "regions.textproto")
        << "default_population_file: \"census/tracts.txt\"\n"
           "county_table_file: \"census/counties.csv\"\n"
           "county_boundaries_file: \"counties/equator.shp\"\n"
           "region { name: \"equator\" state_fips: \"01\" }\n"
           "standards_set { name: \"test-standards\" dir: \"../cms_small\" }\n";
    Server::Options o = testing_util::EquatorServerOptions();
    o.data_dir = (root_ / "data").string();
    o.regions_config_path = (root_ / "regions.textproto").string();
    Start(o);
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(root_);
  }

  // West: hospitals at 0.1 and 0.5 (passes); East: the unit at 1.0 is 34.6 miles from 0.5
  // (fails, its 4,000 residents uncovered).
  static v1::AnalyzeAdequacyRequest Request() {
    v1::AnalyzeAdequacyRequest r;
    r.set_region("equator");
    r.add_specialty_codes("040");
    v1::NetworkSelection* n = r.add_networks();
    n->set_label("West Health");
    *n->add_providers() = Hospital("a", 0.1, 0.02);
    *n->add_providers() = Hospital("c", 0.5, 0.02);
    return r;
  }

  std::filesystem::path root_;
};

// The Servicing Provider Report is a table, not a map: asking a map for it names the field.
TEST_F(AdequacyMapServerTest, ServicingProvidersAreAnAnalysisNotAMap) {
  v1::RenderMapRequest request;
  *request.mutable_adequacy() = Request();
  request.mutable_adequacy()->set_include_servicing_providers(true);
  request.add_maps();
  v1::RenderMapResponse response;
  const grpc::Status s = Render(request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("adequacy.include_servicing_providers"));
}

TEST_F(AdequacyMapServerTest, CountiesFillPassAndFailAndUncoveredUnitsAreDots) {
  v1::RenderMapRequest request;
  *request.mutable_adequacy() = Request();
  request.set_include_result(true);
  request.add_maps()->set_format(v1::MAP_FORMAT_SVG);
  v1::MapOptions* png = request.add_maps();
  png->set_specialty_code("40");  // read as "040"
  v1::RenderMapResponse response;
  grpc::Status s = Render(request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(response.maps_size(), 2);

  // The answer is AnalyzeAdequacy's: West passes, East fails.
  v1::AdequacyReport report;
  ASSERT_TRUE(response.result().UnpackTo(&report));
  ASSERT_EQ(report.results_size(), 2);
  EXPECT_TRUE(report.results(0).result().pass());
  EXPECT_FALSE(report.results(1).result().pass());
  EXPECT_EQ(report.results(1).result().uncovered_unit_ids_size(), 0);  // not asked for

  const v1::RenderedMap& svg_map = response.maps(0);
  EXPECT_EQ(svg_map.specialty_code(), "040");  // the only type, hence the most failing
  const Svg svg = ParseSvg(svg_map);
  EXPECT_THAT(svg.group_ids, testing::IsSupersetOf({"county-fills", "counties", "units"}));
  for (const v1::LegendEntry& e : svg_map.legend()) EXPECT_TRUE(svg.Has(e.label())) << e.label();
  EXPECT_TRUE(svg.Has("pass"));
  EXPECT_TRUE(svg.Has("fail"));
  EXPECT_TRUE(svg.Has("residents without access (040)"));
  EXPECT_TRUE(svg.Has("4,000"));  // the uncovered residents
  EXPECT_TRUE(svg.Has("County boundaries: U.S. Census Bureau"));
  EXPECT_TRUE(svg.Has("Standards: CMS HSD reference file (test-standards)"));
  EXPECT_FALSE(svg.Has("OpenStreetMap"));

  const v1::RenderedMap& png_map = response.maps(1);
  EXPECT_EQ(png_map.specialty_code(), "040");
  const Image img = DecodePng(png_map.image());
  ASSERT_EQ(img.width, 1200);
  // The uncovered unit at 1.0: a dark dot; a spot of East County away from it: the fail fill
  // (vermilion over white); a spot of West County: the pass fill (bluish green over white).
  const auto [ux, uy] = ExpectedPixel(png_map, 1.0, 0.0);
  EXPECT_LT(Brightness(img.at(ux, uy)), 250) << std::hex << img.at(ux, uy);
  const auto [fx, fy] = ExpectedPixel(png_map, 0.98, -0.04);
  const uint32_t fail_px = img.at(fx, fy);
  EXPECT_GT((fail_px >> 16) & 0xFF, (fail_px & 0xFF) + 40) << std::hex << fail_px;  // red > blue
  const auto [px, py] = ExpectedPixel(png_map, 0.13, -0.04);
  const uint32_t pass_px = img.at(px, py);
  EXPECT_GT((pass_px >> 8) & 0xFF, ((pass_px >> 16) & 0xFF) + 40) << std::hex << pass_px;
  // West's hospitals are markers of its one member: the first member colour, orange.
  const auto [hx, hy] = ExpectedPixel(png_map, 0.5, 0.02);
  EXPECT_TRUE(Near(img.at(hx, hy), 0xE69F00)) << std::hex << img.at(hx, hy);
}

TEST_F(AdequacyMapServerTest, SpecialtyCodeMustBeOneTheAnalysisEvaluated) {
  v1::RenderMapRequest request;
  *request.mutable_adequacy() = Request();
  request.add_maps()->set_specialty_code("011");
  v1::RenderMapResponse response;
  const grpc::Status s = Render(request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(),
              HasSubstr("maps[0].specialty_code: \"011\" is not a type this analysis evaluated "
                        "(040)"));
  request.mutable_maps(0)->clear_specialty_code();
  request.mutable_maps(0)->add_layers(v1::MAP_LAYER_UNITS);
  const grpc::Status layer = Render(request, &response);
  EXPECT_EQ(layer.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(layer.error_message(),
              HasSubstr("maps[0].layers[0]: MAP_LAYER_UNITS is not a layer of adequacy maps"));
}

// Real data: Michigan (83 counties, 3,017 tracts) with the 5m county outlines, the CMS standards
// and HIFLD's open Michigan hospitals as an inline "040" roster, straight-line.
TEST(MichiganMapServerTest, AdequacyMapOfMichiganHospitals) {
  const std::string data = testing_util::DataDir();
  const std::string config =
      (std::filesystem::path(testing::TempDir()) / ("michigan" + std::to_string(getpid())))
          .string();
  std::ofstream(config) << "default_population_file: \"census/CenPop2020_Mean_TR.txt\"\n"
                           "county_table_file: \"census/county_pop2020_landarea_derived.csv\"\n"
                           "county_boundaries_file: \"counties/cb_2020_us_county_5m.shp\"\n"
                           "standards_set { name: \"cms-ma-cy2026\" dir: \"cms\" }\n"
                           "region { name: \"michigan\" state_fips: \"26\" }\n";
  Server::Options o = testing_util::EquatorServerOptions();
  o.data_dir = data;
  o.regions_config_path = config;
  std::unique_ptr<Server> server = testing_util::StartServer(o);
  std::filesystem::remove(config);
  ASSERT_NE(server, nullptr);
  auto maps = v1::MapService::NewStub(testing_util::LoopbackChannel(*server));

  absl::StatusOr<io::CsvTable> csv = io::ReadCsvFile(data + "/facilities/hifld_hospitals.csv");
  ASSERT_TRUE(csv.ok()) << csv.status();
  const int id = csv->Column("ID"), state = csv->Column("STATE"), status = csv->Column("STATUS"),
            lat = csv->Column("LATITUDE"), lon = csv->Column("LONGITUDE"),
            beds = csv->Column("BEDS");
  v1::RenderMapRequest request;
  v1::AnalyzeAdequacyRequest* adequacy = request.mutable_adequacy();
  adequacy->set_region("michigan");
  adequacy->add_specialty_codes("040");
  v1::NetworkSelection* network = adequacy->add_networks();
  network->set_label("Michigan hospitals (HIFLD)");
  for (const io::CsvRecord& r : csv->records) {
    if (r.fields[state] != "MI" || r.fields[status] != "OPEN") continue;
    double y = 0, x = 0, b = 0;
    ASSERT_TRUE(absl::SimpleAtod(r.fields[lat], &y) && absl::SimpleAtod(r.fields[lon], &x));
    if (!absl::SimpleAtod(r.fields[beds], &b) || b <= 0) b = 25;  // -999: unknown
    *network->add_providers() = Hospital(r.fields[id], x, y);
    network->mutable_providers(network->providers_size() - 1)->set_beds(b);
  }
  ASSERT_GT(network->providers_size(), 100);
  request.set_include_result(true);
  request.add_maps();  // PNG 1200 x 900
  request.add_maps()->set_format(v1::MAP_FORMAT_SVG);
  v1::RenderMapResponse response;
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  const grpc::Status s = maps->RenderMap(ctx.get(), request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(response.maps_size(), 2);

  v1::AdequacyReport report;
  ASSERT_TRUE(response.result().UnpackTo(&report));
  EXPECT_EQ(report.results_size(), 83);  // one type, every county
  int failing = 0;
  for (const v1::AllianceAdequacyResult& r : report.results()) failing += !r.result().pass();

  const v1::RenderedMap& png = response.maps(0);
  EXPECT_EQ(png.specialty_code(), "040");
  EXPECT_THAT(png.projection(), HasSubstr("+proj=aea"));
  const Image img = DecodePng(png.image());
  ASSERT_EQ(img.width, 1200);
  ASSERT_EQ(img.height, 900);
  // The most isolated hospital: its marker (the one member's orange) at the computed pixel.
  const v1::NetworkProvider* isolated = nullptr;
  double best = -1;
  for (const v1::NetworkProvider& p : network->providers()) {
    double nearest = 1e9;
    for (const v1::NetworkProvider& q : network->providers()) {
      if (&p == &q) continue;
      nearest = std::min(nearest, std::hypot(p.location().lon() - q.location().lon(),
                                             p.location().lat() - q.location().lat()));
    }
    if (nearest > best) best = nearest, isolated = &p;
  }
  ASSERT_NE(isolated, nullptr);
  const auto [hx, hy] = ExpectedPixel(png, isolated->location().lon(), isolated->location().lat());
  EXPECT_TRUE(Near(img.at(hx, hy), 0xE69F00))
      << isolated->id() << std::hex << " " << img.at(hx, hy);

  const Svg svg = ParseSvg(response.maps(1));
  for (const v1::LegendEntry& e : response.maps(1).legend()) {
    EXPECT_TRUE(svg.Has(e.label())) << e.label();
  }
  EXPECT_TRUE(svg.Has("Counties, 040"));
  EXPECT_TRUE(svg.Has("County boundaries: U.S. Census Bureau"));
  EXPECT_THAT(svg.group_ids, testing::IsSupersetOf({"county-fills", "counties", "facilities"}));
  // Figures for the record (the budget is docs/BENCHMARKS.md's; not asserted on a shared
  // machine beyond a generous bound).
  std::cout << "michigan adequacy (040, " << network->providers_size() << " hospitals, " << failing
            << " failing counties): compute " << response.compute_ms() << " ms, PNG "
            << png.render_ms() << " ms (" << png.image().size() << " bytes), SVG "
            << response.maps(1).render_ms() << " ms (" << response.maps(1).image().size()
            << " bytes)\n";
  EXPECT_LT(png.render_ms(), 20000);
}

}  // namespace
}  // namespace carereach
