// The server in process: real gRPC on a loopback port, fixture regions on the equator.
#include "server/server.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <cmath>
#include <optional>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "carereach/v1/access.grpc.pb.h"
#include "carereach/v1/adequacy.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/server/equator_server.h"

namespace carereach {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using testing::HasSubstr;

using testing_util::kServerFixtures;
using testing_util::MakeFacility;

Server::Options FixtureOptions() {
  Server::Options o = testing_util::EquatorServerOptions();
  o.limits.max_facilities = 3;
  o.limits.max_matrix_cells = 3;
  return o;
}

// A server on a free loopback port with stubs to call it.
class TestServer {
 public:
  void StartServer(const Server::Options& options, bool load = true) {
    server_ = testing_util::StartServer(options, load);
    ASSERT_NE(server_, nullptr);
    channel_ = testing_util::LoopbackChannel(*server_);
    stub_ = v1::AccessService::NewStub(channel_);
    health_ = grpc::health::v1::Health::NewStub(channel_);
  }
  v1::ComputeCoverageRequest EquatorRequest() {
    v1::ComputeCoverageRequest r;
    r.set_region("equator");
    *r.add_facilities() = MakeFacility("h", 0, 0);
    r.add_max_minutes(60);
    r.add_max_miles(35);
    r.mutable_straight_line()->set_circuity_factor(1.5);
    r.mutable_straight_line()->set_speed_mph(60);
    return r;
  }

  grpc::Status Coverage(const v1::ComputeCoverageRequest& request,
                        v1::ComputeCoverageResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return stub_->ComputeCoverage(&context, request, response);
  }

  HealthCheckResponse::ServingStatus Health(const std::string& service) {
    grpc::ClientContext context;
    HealthCheckRequest request;
    request.set_service(service);
    HealthCheckResponse response;
    EXPECT_TRUE(health_->Check(&context, request, &response).ok());
    return response.status();
  }

  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AccessService::Stub> stub_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

class ServerTest : public testing::Test, public TestServer {
 protected:
  void SetUp() override { StartServer(FixtureOptions()); }
};

TEST(ServerOptionsTest, StoreConnectionsOutsideOneToSixtyFourAreRefusedBeforeAnythingOpens) {
  for (const int connections : {0, -1, 65}) {
    Server::Options o = FixtureOptions();
    o.store_connections = connections;
    const absl::Status status = Server::BuildAndStart(o).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << connections;
    EXPECT_THAT(status.message(), HasSubstr(absl::StrCat("--store_connections: ", connections,
                                                         " is outside [1, 64]")));
  }
}

TEST(ServerLoadingTest, NotServingAndUnavailableUntilRegionsAreLoaded) {
  TestServer t;
  t.StartServer(FixtureOptions(), /*load=*/false);
  EXPECT_EQ(t.Health(""), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(t.Health("carereach.v1.AccessService"), HealthCheckResponse::NOT_SERVING);
  grpc::ClientContext context;
  v1::ListRegionsResponse regions;
  const grpc::Status status = t.stub_->ListRegions(&context, {}, &regions);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("still loading"));

  ASSERT_TRUE(t.server_->LoadRegions().ok());
  EXPECT_EQ(t.Health(""), HealthCheckResponse::SERVING);
  EXPECT_EQ(t.Health("carereach.v1.AccessService"), HealthCheckResponse::SERVING);
}

TEST_F(ServerTest, ListsTheConfiguredRegions) {
  grpc::ClientContext context;
  v1::ListRegionsResponse response;
  ASSERT_TRUE(stub_->ListRegions(&context, {}, &response).ok());
  ASSERT_EQ(response.regions_size(), 2);
  const v1::Region& r = response.regions(0);
  EXPECT_EQ(r.name(), "equator");
  EXPECT_EQ(r.county_count(), 2);
  EXPECT_EQ(r.unit_count(), 4);
  EXPECT_EQ(r.total_population(), 7000);
  EXPECT_EQ(r.population_source(), "census/tracts.txt");
}

TEST_F(ServerTest, ComputesCoverageForTheRegionAndEachCounty) {
  v1::ComputeCoverageResponse response;
  const grpc::Status status = Coverage(EquatorRequest(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.region(), "equator");
  EXPECT_EQ(response.mode(), v1::TRAVEL_MODE_STRAIGHT_LINE);
  EXPECT_EQ(response.total_population(), 7000);
  EXPECT_EQ(response.zero_population_units(), 1);
  EXPECT_EQ(response.facility_count(), 1);
  ASSERT_EQ(response.results_size(), 2);
  // Minutes first, then miles, in request order.
  EXPECT_EQ(response.results(0).max_minutes(), 60);
  EXPECT_EQ(response.results(0).covered_population(), 3000);  // 40 straight-line miles
  EXPECT_DOUBLE_EQ(response.results(0).share(), 3000.0 / 7000.0);
  EXPECT_TRUE(response.results(1).has_max_miles());
  EXPECT_EQ(response.results(1).covered_population(), 3000);
  ASSERT_EQ(response.counties_size(), 2);
  EXPECT_EQ(response.counties(0).fips(), "01001");
  EXPECT_EQ(response.counties(0).name(), "West County");
  EXPECT_EQ(response.counties(0).state(), "AL");
  EXPECT_DOUBLE_EQ(response.counties(0).results(0).share(), 1.0);
  EXPECT_EQ(response.counties(1).results(0).covered_population(), 0);
  EXPECT_DOUBLE_EQ(response.straight_line().circuity_factor(), 1.5);
  EXPECT_EQ(response.units_size(), 0);
}

TEST_F(ServerTest, DefaultsAreFilledInAndReported) {
  v1::ComputeCoverageRequest request = EquatorRequest();
  request.clear_straight_line();
  v1::ComputeCoverageResponse response;
  ASSERT_TRUE(Coverage(request, &response).ok());
  EXPECT_DOUBLE_EQ(response.straight_line().circuity_factor(), 1.3);
  EXPECT_DOUBLE_EQ(response.straight_line().speed_mph(), 35);
}

TEST_F(ServerTest, UnitDetailIsPagedAndTheTokenIsBoundToTheRequest) {
  v1::ComputeCoverageRequest request = EquatorRequest();
  request.mutable_unit_detail()->set_include(true);
  request.mutable_unit_detail()->set_page_size(3);
  v1::ComputeCoverageResponse first, second;
  ASSERT_TRUE(Coverage(request, &first).ok());
  ASSERT_EQ(first.units_size(), 3);
  EXPECT_EQ(first.units(0).unit_id(), "01001000100");
  EXPECT_EQ(first.units(0).nearest_facility_id(), "h");
  EXPECT_TRUE(first.units(0).reached());
  EXPECT_NEAR(first.units(0).miles(), 0.1 * 69.17075, 1e-3);
  EXPECT_NEAR(first.units(0).location().lon(), 0.1, 1e-12);
  ASSERT_FALSE(first.next_page_token().empty());

  request.mutable_unit_detail()->set_page_token(first.next_page_token());
  ASSERT_TRUE(Coverage(request, &second).ok());
  ASSERT_EQ(second.units_size(), 1);
  EXPECT_EQ(second.units(0).unit_id(), "01003000200");
  EXPECT_TRUE(second.next_page_token().empty());

  request.set_region("equator");
  request.add_max_miles(1);  // a different question: the token must not be reused
  v1::ComputeCoverageResponse third;
  const grpc::Status status = Coverage(request, &third);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("unit_detail.page_token: issued for a different"));

  request.mutable_unit_detail()->set_page_token("not-a-token");
  EXPECT_EQ(Coverage(request, &third).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

struct BadRequestCase {
  std::string name;
  std::function<void(v1::ComputeCoverageRequest&)> mutate;
  grpc::StatusCode code;
  std::string message;
};

void PrintTo(const BadRequestCase& c, std::ostream* os) { *os << c.name; }

class BadRequestTest : public ServerTest, public testing::WithParamInterface<BadRequestCase> {};

TEST_P(BadRequestTest, AnswersTheCanonicalCodeWithTheFieldPath) {
  v1::ComputeCoverageRequest request = EquatorRequest();
  GetParam().mutate(request);
  v1::ComputeCoverageResponse response;
  const grpc::Status status = Coverage(request, &response);
  EXPECT_EQ(status.error_code(), GetParam().code) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    Validation, BadRequestTest,
    testing::Values(
        BadRequestCase{"UnknownRegion", [](auto& r) { r.set_region("atlantis"); },
                       grpc::StatusCode::NOT_FOUND,
                       "region: \"atlantis\" is not loaded; loaded regions: equator, north"},
        BadRequestCase{"LatitudeOutOfRange",
                       [](auto& r) { *r.add_facilities() = MakeFacility("x", -83, 123.4); },
                       grpc::StatusCode::INVALID_ARGUMENT,
                       "facilities[1].location.lat: 123.4 is outside [-90, 90]"},
        BadRequestCase{"LongitudeNaN",
                       [](auto& r) { *r.add_facilities() = MakeFacility("x", std::nan(""), 1); },
                       grpc::StatusCode::INVALID_ARGUMENT, "facilities[1].location.lon: NaN"},
        BadRequestCase{"MissingLocation",
                       [](auto& r) { r.mutable_facilities(0)->clear_location(); },
                       grpc::StatusCode::INVALID_ARGUMENT, "facilities[0].location: is required"},
        BadRequestCase{"NoFacilities", [](auto& r) { r.clear_facilities(); },
                       grpc::StatusCode::INVALID_ARGUMENT, "facilities: at least one facility"},
        BadRequestCase{"DuplicateIds",
                       [](auto& r) { *r.add_facilities() = MakeFacility("h", 1, 1); },
                       grpc::StatusCode::INVALID_ARGUMENT,
                       "facilities[1].id: \"h\" duplicates facilities[0].id"},
        BadRequestCase{"EmptyId", [](auto& r) { r.mutable_facilities(0)->clear_id(); },
                       grpc::StatusCode::INVALID_ARGUMENT, "facilities[0].id: is empty"},
        BadRequestCase{"TooManyFacilities",
                       [](auto& r) {
                         for (int i = 0; i < 3; ++i) {
                           *r.add_facilities() = MakeFacility("f" + std::to_string(i), i, 1);
                         }
                       },
                       grpc::StatusCode::RESOURCE_EXHAUSTED, "exceed this server's limit of 3"},
        BadRequestCase{"NoThresholds",
                       [](auto& r) {
                         r.clear_max_minutes();
                         r.clear_max_miles();
                       },
                       grpc::StatusCode::INVALID_ARGUMENT, "at least one threshold"},
        BadRequestCase{"ZeroMinutes", [](auto& r) { r.add_max_minutes(0); },
                       grpc::StatusCode::INVALID_ARGUMENT,
                       "max_minutes[1]: 0 is outside (0, 1440]"},
        BadRequestCase{"AbsurdMiles", [](auto& r) { r.add_max_miles(1e9); },
                       grpc::StatusCode::INVALID_ARGUMENT, "max_miles[1]: 1e+09 is outside"},
        BadRequestCase{"NegativeCircuity",
                       [](auto& r) { r.mutable_straight_line()->set_circuity_factor(-1); },
                       grpc::StatusCode::INVALID_ARGUMENT, "straight_line.circuity_factor: -1"},
        BadRequestCase{"BadPageSize",
                       [](auto& r) {
                         r.mutable_unit_detail()->set_include(true);
                         r.mutable_unit_detail()->set_page_size(-5);
                       },
                       grpc::StatusCode::INVALID_ARGUMENT, "unit_detail.page_size: -5"},
        BadRequestCase{"UnknownMode", [](auto& r) { r.set_mode(static_cast<v1::TravelMode>(9)); },
                       grpc::StatusCode::INVALID_ARGUMENT, "mode: 9 is not a TravelMode"},
        BadRequestCase{"DriveWithoutRoads",
                       [](auto& r) {
                         r.set_region("north");
                         r.set_mode(v1::TRAVEL_MODE_DRIVE);
                       },
                       grpc::StatusCode::FAILED_PRECONDITION, "region north has no road network"},
        BadRequestCase{"DriveSnapTooFar",
                       [](auto& r) {
                         r.set_mode(v1::TRAVEL_MODE_DRIVE);
                         r.mutable_drive()->set_max_snap_meters(1e6);
                       },
                       grpc::StatusCode::INVALID_ARGUMENT, "drive.max_snap_meters: 1e+06"},
        BadRequestCase{"DriveBadDirection",
                       [](auto& r) {
                         r.set_mode(v1::TRAVEL_MODE_DRIVE);
                         r.mutable_drive()->set_direction(static_cast<v1::TravelDirection>(7));
                       },
                       grpc::StatusCode::INVALID_ARGUMENT, "drive.direction: 7"}),
    [](const testing::TestParamInfo<BadRequestCase>& info) { return info.param.name; });

// The fixture road: primary (65 km/h) along the equator from lon 0 to 2.1. Facility h at (0, 0);
// units on the road at 0.1, 0.5, 1 and 2 degrees east: 11.13, 55.66, 111.32, 222.64 km.
constexpr double kMetersPerDegree = 111319.49079327357;
constexpr double kPrimaryMetersPerSecond = 65 / 3.6;

TEST_F(ServerTest, DriveCoverageOnTheFixtureRoad) {
  v1::ComputeCoverageRequest request = EquatorRequest();
  request.set_mode(v1::TRAVEL_MODE_DRIVE);
  request.clear_max_minutes();
  request.add_max_minutes(15);
  request.add_max_minutes(60);
  request.clear_max_miles();
  request.add_max_miles(10);
  request.mutable_unit_detail()->set_include(true);
  v1::ComputeCoverageResponse response;
  const grpc::Status status = Coverage(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.mode(), v1::TRAVEL_MODE_DRIVE);
  EXPECT_EQ(response.speed_profile(), "car-us-1");
  EXPECT_EQ(response.attribution(), "© OpenStreetMap contributors");
  EXPECT_EQ(response.unsnapped_units(), 0);
  EXPECT_EQ(response.results(0).covered_population(), 1000);  // 10.3 minutes
  EXPECT_EQ(response.results(1).covered_population(), 3000);  // 51.4 minutes
  EXPECT_EQ(response.results(2).covered_population(), 1000);  // 6.9 road miles
  ASSERT_EQ(response.units_size(), 4);
  EXPECT_NEAR(response.units(0).minutes(), 0.1 * kMetersPerDegree / kPrimaryMetersPerSecond / 60,
              0.01);
  EXPECT_NEAR(response.units(0).miles(), 0.1 * kMetersPerDegree / 1609.344, 0.01);
  EXPECT_FALSE(response.units(2).reached());  // 103 minutes: beyond the 60-minute bound
}

// --road_hierarchy=false, --road_hierarchy_metrics=time and --road_hierarchy_lazy_priorities: the
// same drive answers, unit by unit, in minutes and in shortest miles, as the default hierarchy.
TEST(ServerEngineTest, WithoutTheHierarchyDriveAnswersAreTheSame) {
  struct Engine {
    bool hierarchy;
    routing::HierarchyMetrics metrics;
    bool lazy_priorities;
  };
  std::vector<v1::ComputeCoverageResponse> answers;
  for (const Engine& engine : {Engine{true, routing::HierarchyMetrics::kTimeAndDistance, false},
                               Engine{false, routing::HierarchyMetrics::kTimeAndDistance, false},
                               Engine{true, routing::HierarchyMetrics::kTime, false},
                               Engine{true, routing::HierarchyMetrics::kTime, true}}) {
    TestServer t;
    Server::Options options = FixtureOptions();
    options.road_hierarchy = engine.hierarchy;
    options.road_hierarchy_metrics = engine.metrics;
    options.road_hierarchy_lazy_priorities = engine.lazy_priorities;
    t.StartServer(options);
    if (testing::Test::HasFatalFailure()) return;
    v1::ComputeCoverageRequest request = t.EquatorRequest();
    request.set_mode(v1::TRAVEL_MODE_DRIVE);
    request.add_max_minutes(15);
    request.add_max_miles(20);
    request.mutable_unit_detail()->set_include(true);
    v1::ComputeCoverageResponse response;
    const grpc::Status status = t.Coverage(request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    answers.push_back(response);
  }
  ASSERT_EQ(answers[0].units_size(), 4);
  ASSERT_EQ(answers[0].results_size(), 4);  // 60 and 15 minutes, 35 and 20 miles
  for (size_t e = 1; e < answers.size(); ++e) {
    ASSERT_EQ(answers[e].units_size(), answers[0].units_size());
    for (int i = 0; i < answers[0].units_size(); ++i) {
      EXPECT_EQ(answers[0].units(i).minutes(), answers[e].units(i).minutes()) << e << " " << i;
      EXPECT_EQ(answers[0].units(i).miles(), answers[e].units(i).miles()) << e << " " << i;
      EXPECT_EQ(answers[0].units(i).nearest_facility_id(),
                answers[e].units(i).nearest_facility_id())
          << e << " " << i;
    }
    for (int k = 0; k < answers[0].results_size(); ++k) {
      EXPECT_EQ(answers[0].results(k).covered_population(),
                answers[e].results(k).covered_population())
          << e << " " << k;
    }
  }
}

TEST_F(ServerTest, RegionsReportTheirRoadNetworks) {
  grpc::ClientContext context;
  v1::ListRegionsResponse response;
  ASSERT_TRUE(stub_->ListRegions(&context, {}, &response).ok());
  EXPECT_EQ(response.regions(0).roads_state(), v1::ROAD_NETWORK_STATE_READY);
  EXPECT_EQ(response.regions(0).roads_source(), "roads/equator.osm");
  EXPECT_GT(response.regions(0).road_nodes(), 0);
  EXPECT_THAT(response.regions(0).modes(), testing::Contains(v1::TRAVEL_MODE_DRIVE));
  EXPECT_EQ(response.regions(1).roads_state(), v1::ROAD_NETWORK_STATE_NONE);
  EXPECT_EQ(Health(Server::DriveHealthName("equator")), HealthCheckResponse::SERVING);
}

TEST_F(ServerTest, IsochronesGrowWithTime) {
  v1::ComputeIsochronesRequest request;
  request.set_region("equator");
  *request.add_facilities() = MakeFacility("h", 0.5, 0);
  *request.add_facilities() = MakeFacility("far", 40, 40);
  request.add_max_minutes(10);
  request.add_max_minutes(20);
  grpc::ClientContext context;
  v1::ComputeIsochronesResponse response;
  const grpc::Status status = stub_->ComputeIsochrones(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.isochrones_size(), 2);
  EXPECT_THAT(response.isochrones(0).geojson(), HasSubstr("\"type\":\"Polygon\""));
  // 10 minutes each way along the road at 65 km/h is about 21.7 km of road, 300 m wide.
  EXPECT_NEAR(response.isochrones(0).area_km2(), 2 * 10.833 * 0.3, 0.5);
  EXPECT_GT(response.isochrones(1).area_km2(), response.isochrones(0).area_km2() * 1.8);
  EXPECT_THAT(response.unsnapped_facility_ids(), testing::ElementsAre("far"));
  EXPECT_EQ(response.attribution(), "© OpenStreetMap contributors");

  request.add_max_minutes(500);
  grpc::ClientContext again;
  EXPECT_EQ(stub_->ComputeIsochrones(&again, request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ServerTest, MatrixRowsStreamAndTheCellLimitHolds) {
  v1::ComputeMatrixRequest request;
  request.set_region("equator");
  *request.add_origins() = MakeFacility("h", 0, 0);
  *request.add_origins() = MakeFacility("far", 40, 40);
  *request.add_destinations() = MakeFacility("u", 0.1, 0);
  {
    grpc::ClientContext context;
    auto reader = stub_->ComputeMatrix(&context, request);
    std::vector<v1::MatrixRow> rows;
    v1::MatrixRow row;
    while (reader->Read(&row)) rows.push_back(row);
    ASSERT_TRUE(reader->Finish().ok());
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].origin_id(), "h");
    EXPECT_TRUE(rows[0].origin_snapped());
    EXPECT_NEAR(rows[0].minutes(0), 0.1 * kMetersPerDegree / kPrimaryMetersPerSecond / 60, 0.01);
    EXPECT_FALSE(rows[1].origin_snapped());
    EXPECT_EQ(rows[1].minutes(0), -1);
  }
  *request.add_destinations() = MakeFacility("v", 0.2, 0);  // 2 x 2 = 4 cells > 3
  grpc::ClientContext context;
  auto reader = stub_->ComputeMatrix(&context, request);
  v1::MatrixRow row;
  EXPECT_FALSE(reader->Read(&row));
  const grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(), HasSubstr("2 x 2 = 4 cells exceed"));
}

// EvaluateAdequacy over a real stream: the header, the roster in two batches, results and a
// summary back. Fixture standards: tests/fixtures/cms_small (see geo/access adequacy_test).
class AdequacyRpcTest : public ServerTest {
 protected:
  struct Answer {
    grpc::Status status;
    std::vector<v1::CountySpecialtyResult> results;
    std::optional<v1::AdequacySummary> summary;
  };
  Answer Evaluate(const std::vector<v1::EvaluateAdequacyRequest>& messages) {
    auto stub = v1::AdequacyService::NewStub(channel_);
    grpc::ClientContext context;
    auto stream = stub->EvaluateAdequacy(&context);
    for (const auto& m : messages) stream->Write(m);
    stream->WritesDone();
    Answer answer;
    v1::EvaluateAdequacyResponse response;
    while (stream->Read(&response)) {
      if (response.has_result()) answer.results.push_back(response.result());
      if (response.has_summary()) answer.summary = response.summary();
    }
    answer.status = stream->Finish();
    return answer;
  }
  static v1::EvaluateAdequacyRequest Header(const std::string& region) {
    v1::EvaluateAdequacyRequest m;
    m.mutable_header()->set_region(region);
    m.mutable_header()->add_specialty_codes("S03");
    m.mutable_header()->add_specialty_codes("040");
    m.mutable_header()->set_include_uncovered_units(true);
    return m;
  }
  static v1::EvaluateAdequacyRequest Batch(
      std::vector<std::tuple<std::string, std::string, double, double>> rows) {
    v1::EvaluateAdequacyRequest m;
    for (const auto& [id, code, lon, beds] : rows) {
      v1::NetworkProvider* p = m.mutable_providers()->add_providers();
      p->set_id(id);
      p->set_specialty_code(code);
      p->mutable_location()->set_lon(lon);
      p->mutable_location()->set_lat(0);
      p->set_beds(beds);
    }
    return m;
  }
};

TEST_F(AdequacyRpcTest, StreamsOneResultPerCountyAndTypeThenASummary) {
  const Answer a = Evaluate(
      {Header("equator"), Batch({{"fp", "001", 0.0, 0}}), Batch({{"h", "040", 0.3, 150}})});
  ASSERT_TRUE(a.status.ok()) << a.status.error_message();
  ASSERT_EQ(a.results.size(), 4u);  // 2 counties x 2 types
  EXPECT_EQ(a.results[0].county_fips(), "01001");
  EXPECT_EQ(a.results[0].county_designation(), "Metro");
  EXPECT_EQ(a.results[0].specialty_code(), "S03");
  EXPECT_DOUBLE_EQ(a.results[0].required_share(), 0.90);
  EXPECT_EQ(a.results[1].specialty_code(), "040");
  EXPECT_EQ(a.results[1].counted(), 150);
  EXPECT_TRUE(a.results[1].facility());
  ASSERT_TRUE(a.summary.has_value());
  EXPECT_EQ(a.summary->results(), 4);
  EXPECT_EQ(a.summary->roster_rows(), 2);
  EXPECT_EQ(a.summary->standards_set(), "test-standards");
  EXPECT_THAT(a.summary->beneficiary_method(), HasSubstr("in proportion to their population"));
}

// Drive mode on the fixture road (primary, 65 km/h along the equator): tract A at lon 0.1 is
// 6.92 road miles and 10.3 minutes from a primary care practice at lon 0 (West's S03 standard:
// 15 minutes and 10 miles); tract B at lon 0.5 is 34.6 miles away. Share 1,000 of 3,000.
TEST_F(AdequacyRpcTest, DriveModeOnTheFixtureRoad) {
  v1::EvaluateAdequacyRequest header = Header("equator");
  header.mutable_header()->set_mode(v1::TRAVEL_MODE_DRIVE);
  header.mutable_header()->clear_specialty_codes();
  header.mutable_header()->add_specialty_codes("S03");
  header.mutable_header()->add_county_fips("01001");
  const Answer a = Evaluate({header, Batch({{"fp", "001", 0.0, 0}})});
  ASSERT_TRUE(a.status.ok()) << a.status.error_message();
  ASSERT_EQ(a.results.size(), 1u);
  EXPECT_DOUBLE_EQ(a.results[0].share_with_access(), 1000.0 / 3000.0);
  EXPECT_EQ(a.results[0].counted(), 1);
  EXPECT_THAT(a.results[0].uncovered_unit_ids(), testing::ElementsAre("01001000200"));
  EXPECT_EQ(a.summary->mode(), v1::TRAVEL_MODE_DRIVE);
  EXPECT_EQ(a.summary->attribution(), "© OpenStreetMap contributors");
}

// The caller's own beneficiary points replace the tracts: 30 beneficiaries 3.5 miles from the
// practice (7.7 straight-line minutes), 10 beneficiaries 34.6 miles away.
TEST_F(AdequacyRpcTest, OwnBeneficiaryPointsReplaceTheTracts) {
  v1::EvaluateAdequacyRequest header = Header("equator");
  header.mutable_header()->clear_specialty_codes();
  header.mutable_header()->add_specialty_codes("S03");
  for (const auto& [id, lon, count] :
       std::vector<std::tuple<std::string, double, int>>{{"near", 0.05, 30}, {"far", 0.5, 10}}) {
    v1::BeneficiaryPoint* p = header.mutable_header()->add_beneficiary_points();
    p->set_id(id);
    p->set_county_fips("01001");
    p->mutable_location()->set_lon(lon);
    p->set_beneficiaries(count);
  }
  const Answer a = Evaluate({header, Batch({{"fp", "001", 0.0, 0}})});
  ASSERT_TRUE(a.status.ok()) << a.status.error_message();
  ASSERT_EQ(a.results.size(), 1u);  // only the county that has points
  EXPECT_EQ(a.results[0].beneficiaries(), 40);
  EXPECT_DOUBLE_EQ(a.results[0].share_with_access(), 0.75);
  EXPECT_THAT(a.results[0].uncovered_unit_ids(), testing::ElementsAre("far"));
  EXPECT_THAT(a.summary->beneficiary_method(), HasSubstr("request's own points"));

  header.mutable_header()->mutable_beneficiary_points(1)->set_county_fips("02001");
  const Answer bad = Evaluate({header});
  EXPECT_EQ(bad.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad.status.error_message(),
              HasSubstr("beneficiary_points[1].county_fips: \"02001\" is not a county"));
}

TEST_F(AdequacyRpcTest, RowsAreNumberedAcrossBatchesInErrors) {
  const Answer a =
      Evaluate({Header("equator"), Batch({{"a", "001", 0, 0}}), Batch({{"b", "999", 0, 0}})});
  EXPECT_EQ(a.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(a.status.error_message(), HasSubstr("providers[1].specialty_code: \"999\""));
  EXPECT_TRUE(a.results.empty());
}

TEST_F(AdequacyRpcTest, TheHeaderComesFirstAndOnce) {
  Answer a = Evaluate({Batch({{"a", "001", 0, 0}})});
  EXPECT_EQ(a.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(a.status.error_message(), HasSubstr("first message"));
  a = Evaluate({Header("atlantis")});
  EXPECT_EQ(a.status.error_code(), grpc::StatusCode::NOT_FOUND);
  v1::EvaluateAdequacyRequest bad = Header("equator");
  bad.mutable_header()->set_standards_set("nope");
  a = Evaluate({bad});
  EXPECT_EQ(a.status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(a.status.error_message(), HasSubstr("loaded sets: test-standards"));
}

TEST(ServerLimitsTest, OversizedRequestIsRejected) {
  Server::Options options = FixtureOptions();
  options.max_message_bytes = 4096;
  TestServer t;
  t.StartServer(options);
  v1::ComputeCoverageRequest request = t.EquatorRequest();
  request.mutable_facilities(0)->set_name(std::string(8192, 'x'));
  v1::ComputeCoverageResponse response;
  EXPECT_EQ(t.Coverage(request, &response).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST(ServerStartTest, BadConfigFailsBeforeListening) {
  Server::Options options = FixtureOptions();
  options.regions_config_path = kServerFixtures + "/no-such.textproto";
  auto server = Server::BuildAndStart(options);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(server.status().message(), HasSubstr("no-such.textproto"));

  options = FixtureOptions();
  options.data_dir = "/nonexistent";
  server = Server::BuildAndStart(options);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(server.status().message(), HasSubstr("/nonexistent"));

  options = FixtureOptions();
  options.listen_address = "127.0.0.1:not-a-port";
  server = Server::BuildAndStart(options);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kUnavailable);

  // Not a loopback address (nor an address at all), and no TLS: refused before anything else.
  options = FixtureOptions();
  options.listen_address = "not an address";
  server = Server::BuildAndStart(options);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ServerStartTest, BuiltInConfigNamesTheShippedRegions) {
  const std::string config = DefaultRegionsConfig();
  for (const char* name : {"honolulu", "imperial", "yuba", "michigan", "massachusetts", "us"}) {
    EXPECT_THAT(config, HasSubstr(std::string("name: \"") + name + "\""));
  }
}

// --health_listen: a plaintext listener for probes that cannot use TLS (Kubernetes' grpc
// probe). It serves the health service only, with the main listener's statuses as they change.
TEST(HealthListenTest, APlaintextHealthOnlyListenerMirrorsTheMainStatuses) {
  Server::Options o = testing_util::EquatorServerOptions();
  o.health_listen = "127.0.0.1:0";
  std::unique_ptr<Server> server = testing_util::StartServer(o, /*load=*/false);
  ASSERT_NE(server, nullptr);
  ASSERT_GT(server->health_port(), 0);
  ASSERT_NE(server->health_port(), server->port());
  auto probe_channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(server->health_port()),
                                           grpc::InsecureChannelCredentials());
  auto probe = grpc::health::v1::Health::NewStub(probe_channel);
  auto main = grpc::health::v1::Health::NewStub(testing_util::LoopbackChannel(*server));
  auto status = [](grpc::health::v1::Health::Stub& stub, const std::string& service) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    HealthCheckRequest request;
    request.set_service(service);
    HealthCheckResponse response;
    const grpc::Status call = stub.Check(&context, request, &response);
    EXPECT_TRUE(call.ok()) << service << ": " << call.error_message();
    return response.status();
  };
  const std::vector<std::string> services = {
      "", "carereach.v1.AccessService", "carereach.v1.AdequacyService",
      "carereach.v1.NetworkService", Server::DriveHealthName("equator")};
  EXPECT_EQ(status(*probe, ""), HealthCheckResponse::NOT_SERVING);  // regions not loaded yet
  ASSERT_TRUE(server->LoadRegions().ok());
  server->WaitForRoads();
  EXPECT_EQ(status(*probe, ""), HealthCheckResponse::SERVING);
  for (const std::string& service : services) {
    EXPECT_EQ(status(*probe, service), status(*main, service)) << service;
  }
  // Nothing but health is served there.
  grpc::ClientContext context;
  v1::ListRegionsResponse regions;
  EXPECT_EQ(
      v1::AccessService::NewStub(probe_channel)->ListRegions(&context, {}, &regions).error_code(),
      grpc::StatusCode::UNIMPLEMENTED);
  // Draining: NOT_SERVING on the probe listener as on the main one.
  std::thread shutdown([&] { server->Shutdown(absl::Seconds(2)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  grpc::ClientContext during;
  during.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
  HealthCheckRequest request;
  HealthCheckResponse response;
  const grpc::Status draining = probe->Check(&during, request, &response);
  EXPECT_TRUE(!draining.ok() || response.status() == HealthCheckResponse::NOT_SERVING);
  shutdown.join();
}

TEST(HealthListenTest, AnAddressInUseIsRefusedAtStart) {
  Server::Options first = testing_util::EquatorServerOptions();
  first.health_listen = "127.0.0.1:0";
  std::unique_ptr<Server> server = testing_util::StartServer(first, /*load=*/false);
  ASSERT_NE(server, nullptr);
  Server::Options second = testing_util::EquatorServerOptions();
  second.health_listen = "127.0.0.1:" + std::to_string(server->health_port());
  EXPECT_THAT(Server::BuildAndStart(second).status().message(), HasSubstr("--health_listen"));
}

}  // namespace
}  // namespace carereach
