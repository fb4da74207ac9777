// The server in process: real gRPC on a loopback port, fixture regions on the equator.
#include "server/server.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <cmath>

#include "carereach/v1/access.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"

namespace carereach {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using testing::HasSubstr;

const std::string kFixtures = std::string(CARERACH_SOURCE_DIR) + "/tests/fixtures/server";

Server::Options FixtureOptions() {
  Server::Options o;
  o.listen_address = "127.0.0.1:0";
  o.data_dir = kFixtures;
  o.regions_config_path = kFixtures + "/regions.textproto";
  o.limits.max_facilities = 3;
  return o;
}

v1::Facility MakeFacility(const std::string& id, double lon, double lat) {
  v1::Facility f;
  f.set_id(id);
  f.mutable_location()->set_lon(lon);
  f.mutable_location()->set_lat(lat);
  return f;
}

// A server on a free loopback port with stubs to call it.
class TestServer {
 public:
  void StartServer(const Server::Options& options, bool load = true) {
    auto server = Server::BuildAndStart(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    if (load) {
      ASSERT_TRUE(server_->LoadRegions().ok());
    }
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                                   grpc::InsecureChannelCredentials());
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
        BadRequestCase{"DriveWithoutRoads", [](auto& r) { r.set_mode(v1::TRAVEL_MODE_DRIVE); },
                       grpc::StatusCode::FAILED_PRECONDITION, "no road network"}),
    [](const testing::TestParamInfo<BadRequestCase>& info) { return info.param.name; });

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
  options.regions_config_path = kFixtures + "/no-such.textproto";
  auto server = Server::BuildAndStart(options);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(server.status().message(), HasSubstr("no-such.textproto"));

  options = FixtureOptions();
  options.data_dir = "/nonexistent";
  server = Server::BuildAndStart(options);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(server.status().message(), HasSubstr("/nonexistent"));

  options = FixtureOptions();
  options.listen_address = "not an address";
  server = Server::BuildAndStart(options);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kUnavailable);
}

TEST(ServerStartTest, BuiltInConfigNamesTheShippedRegions) {
  const std::string config = DefaultRegionsConfig();
  for (const char* name : {"honolulu", "imperial", "yuba", "michigan", "massachusetts", "us"}) {
    EXPECT_THAT(config, HasSubstr(std::string("name: \"") + name + "\""));
  }
}

}  // namespace
}  // namespace carereach
