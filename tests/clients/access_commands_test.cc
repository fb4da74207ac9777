// regions, coverage, isochrone and matrix against an in-process fake AccessService
// (access_commands.cc).

#include "tests/clients/fake_services.h"
#include "tests/clients/fixtures.h"

namespace carereach::cli {
namespace {

// ---------------------------------------------------------------------------------------------
// Commands against an in-process fake AccessService

class CommandsTest : public FakeServerTest<FakeAccessService> {
 protected:
  void SetUp() override {
    FakeServerTest::SetUp();
    facilities_ = WriteTempFile("cmd_facilities.csv", kHifldLike);
  }
  std::string facilities_;
};

TEST_F(CommandsTest, CoverageSendsTheRequestAndPagesUnitsOut) {
  service_.set_handler([](const carereach::v1::ComputeCoverageRequest& request,
                          carereach::v1::ComputeCoverageResponse* response) {
    *response = SampleResponse();
    const std::string& token = request.unit_detail().page_token();
    carereach::v1::PopulationUnitResult* unit = response->add_units();
    unit->set_unit_id(token.empty() ? "26163000100" : "26163000200");
    unit->set_reached(true);
    if (token.empty()) response->set_next_page_token("page-2");
    return grpc::Status::OK;
  });
  std::string units = TestTempDir() + "cmd_units.csv";
  ASSERT_EQ(Run({"coverage", "--region", "michigan", "--facilities", facilities_, "--where",
                 "STATUS=OPEN", "--minutes", "10", "--miles", "2.5", "--circuity", "1.2",
                 "--format", "json", "--units-out", units}),
            kExitOk)
      << err_.str();

  std::vector<carereach::v1::ComputeCoverageRequest> requests = service_.requests();
  ASSERT_EQ(requests.size(), 2u);
  const carereach::v1::ComputeCoverageRequest& first = requests[0];
  EXPECT_EQ(first.region(), "michigan");
  EXPECT_EQ(first.mode(), carereach::v1::TRAVEL_MODE_STRAIGHT_LINE);
  ASSERT_EQ(first.facilities_size(), 2);
  EXPECT_EQ(first.facilities(1).id(), "0000136502");
  EXPECT_THAT(first.max_minutes(), ElementsAre(10));
  EXPECT_THAT(first.max_miles(), ElementsAre(2.5));
  EXPECT_EQ(first.straight_line().circuity_factor(), 1.2);
  EXPECT_EQ(first.straight_line().speed_mph(), 0);  // server default
  EXPECT_TRUE(first.unit_detail().include());
  EXPECT_EQ(first.unit_detail().page_size(), 10000);
  EXPECT_EQ(first.unit_detail().page_token(), "");
  EXPECT_EQ(requests[1].unit_detail().page_token(), "page-2");

  EXPECT_THAT(err_.str(), HasSubstr("facilities: kept 2 of 3 rows of cmd_facilities.csv "
                                    "(STATUS=OPEN)\n"));
  nlohmann::json json = nlohmann::json::parse(out_.str());
  EXPECT_EQ(json["region"], "michigan");
  EXPECT_EQ(json["counties"].size(), 2u);

  std::string csv = ReadFile(units);
  EXPECT_THAT(csv, StartsWith("unit_id,county_fips,population,lon,lat,nearest_facility_id"));
  EXPECT_THAT(csv, AllOf(HasSubstr("\n26163000100,"), HasSubstr("\n26163000200,")));
}

TEST_F(CommandsTest, ServerErrorNamesTheCsvLine) {
  service_.set_handler(
      [](const carereach::v1::ComputeCoverageRequest&, carereach::v1::ComputeCoverageResponse*) {
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                            "facilities[1].location.lat: 123.4 is outside [-90, 90]");
      });
  EXPECT_EQ(Run({"coverage", "--region", "michigan", "--facilities", facilities_, "--where",
                 "STATUS=OPEN", "--minutes", "10"}),
            kExitError);
  EXPECT_THAT(err_.str(),
              HasSubstr("error: INVALID_ARGUMENT: facilities[1].location.lat: 123.4 is outside "
                        "[-90, 90] (cmd_facilities.csv line 4)\n"));
  EXPECT_EQ(out_.str(), "");
}

TEST_F(CommandsTest, DriveModeRequest) {
  service_.set_handler(
      [](const carereach::v1::ComputeCoverageRequest&, carereach::v1::ComputeCoverageResponse*) {
        return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "region has no road network");
      });
  EXPECT_EQ(Run({"coverage", "--region", "r", "--facilities", facilities_, "--minutes", "30",
                 "--mode", "drive", "--speed-profile", "us-car"}),
            kExitError);
  ASSERT_EQ(service_.requests().size(), 1u);
  EXPECT_EQ(service_.requests()[0].mode(), carereach::v1::TRAVEL_MODE_DRIVE);
  EXPECT_EQ(service_.requests()[0].drive().speed_profile(), "us-car");
  EXPECT_FALSE(service_.requests()[0].unit_detail().include());
  EXPECT_THAT(err_.str(), HasSubstr("error: FAILED_PRECONDITION: region has no road network\n"));
}

TEST_F(CommandsTest, DriveCoverageJsonAndTable) {
  service_.set_handler(
      [](const carereach::v1::ComputeCoverageRequest&, carereach::v1::ComputeCoverageResponse* r) {
        *r = SampleResponse();
        r->set_mode(carereach::v1::TRAVEL_MODE_DRIVE);
        r->clear_straight_line();
        r->set_speed_profile("car");
        r->set_unsnapped_units(2);
        r->set_unsnapped_population(700);
        r->add_unsnapped_facility_ids("0000136502");
        r->set_attribution("© OpenStreetMap contributors");
        return grpc::Status::OK;
      });
  ASSERT_EQ(Run({"coverage", "--region", "r", "--facilities", facilities_, "--minutes", "10",
                 "--mode", "drive", "--offroad-speed-mph", "5", "--format", "json"}),
            kExitOk)
      << err_.str();
  EXPECT_EQ(service_.requests()[0].drive().offroad_speed_mph(), 5);
  nlohmann::json json = nlohmann::json::parse(out_.str());
  EXPECT_EQ(json["mode"], "drive");
  EXPECT_EQ(json["speed_profile"], "car");
  EXPECT_EQ(json["unsnapped_units"], 2);
  EXPECT_EQ(json["unsnapped_population"], 700);
  EXPECT_EQ(json["unsnapped_facility_ids"], nlohmann::json::array({"0000136502"}));
  EXPECT_EQ(json["attribution"], "© OpenStreetMap contributors");

  ASSERT_EQ(Run({"coverage", "--region", "r", "--facilities", facilities_, "--minutes", "10",
                 "--mode", "drive"}),
            kExitOk);
  EXPECT_THAT(out_.str(), HasSubstr("\nRoad data © OpenStreetMap contributors\n"));
}

TEST_F(CommandsTest, IsochroneWritesAFeatureCollectionToOut) {
  service_.set_isochrones_handler([](const carereach::v1::ComputeIsochronesRequest&,
                                     carereach::v1::ComputeIsochronesResponse* response) {
    *response = SampleIsochrones();
    response->add_unsnapped_facility_ids("0000136502");
    return grpc::Status::OK;
  });
  const std::string path = TestTempDir() + "cmd_isochrones.geojson";
  std::remove(path.c_str());
  ASSERT_EQ(Run({"isochrone", "--region", "honolulu", "--facilities", facilities_, "--where",
                 "STATUS=OPEN", "--minutes", "10,20", "--out", path, "--direction", "to-facility",
                 "--buffer-meters", "200", "--max-snap-meters", "800", "--offroad-speed-mph", "4"}),
            kExitOk)
      << err_.str();

  std::vector<carereach::v1::ComputeIsochronesRequest> requests = service_.isochrone_requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].region(), "honolulu");
  ASSERT_EQ(requests[0].facilities_size(), 2);
  EXPECT_EQ(requests[0].facilities(0).id(), "0001336420");
  EXPECT_DOUBLE_EQ(requests[0].facilities(0).location().lon(), -86.49);
  EXPECT_THAT(requests[0].max_minutes(), ElementsAre(10, 20));
  EXPECT_EQ(requests[0].drive().direction(), carereach::v1::TRAVEL_DIRECTION_TO_FACILITY);
  EXPECT_EQ(requests[0].drive().max_snap_meters(), 800);
  EXPECT_EQ(requests[0].drive().offroad_speed_mph(), 4);
  EXPECT_EQ(requests[0].road_buffer_meters(), 200);

  ExpectIsochroneFeatureCollection(nlohmann::json::parse(ReadFile(path)));
  EXPECT_FALSE(std::ifstream(path + ".partial").good());
  EXPECT_THAT(out_.str(),
              AllOf(HasSubstr("region         honolulu"),
                    HasSubstr("facilities     2 (cmd_facilities.csv, STATUS=OPEN)\n"),
                    HasSubstr("10 min        12.50\n"), HasSubstr("20 min        40.25\n"),
                    HasSubstr("Road data © OpenStreetMap contributors\n")));
  EXPECT_THAT(err_.str(),
              AllOf(HasSubstr("facilities: kept 2 of 3 rows of cmd_facilities.csv (STATUS=OPEN)\n"),
                    HasSubstr("isochrone: facilities not on the road network (not part of any "
                              "isochrone): 0000136502\n")));
}

TEST_F(CommandsTest, IsochroneWithoutOutPrintsTheGeoJson) {
  service_.set_isochrones_handler([](const carereach::v1::ComputeIsochronesRequest&,
                                     carereach::v1::ComputeIsochronesResponse* response) {
    *response = SampleIsochrones();
    return grpc::Status::OK;
  });
  ASSERT_EQ(
      Run({"isochrone", "--region", "honolulu", "--facilities", facilities_, "--minutes", "10,20"}),
      kExitOk)
      << err_.str();
  ExpectIsochroneFeatureCollection(nlohmann::json::parse(out_.str()));
  EXPECT_FALSE(service_.isochrone_requests()[0].has_drive());  // server defaults
  EXPECT_EQ(service_.isochrone_requests()[0].road_buffer_meters(), 0);
  EXPECT_THAT(err_.str(), Not(HasSubstr("not on the road network")));
}

TEST_F(CommandsTest, IsochroneErrorsLeaveNoFile) {
  const std::string path = TestTempDir() + "cmd_isochrones_failed.geojson";
  std::remove(path.c_str());
  service_.set_isochrones_handler([](const carereach::v1::ComputeIsochronesRequest&,
                                     carereach::v1::ComputeIsochronesResponse*) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "max_minutes[0]: 300 is outside (0, 240]");
  });
  EXPECT_EQ(Run({"isochrone", "--region", "honolulu", "--facilities", facilities_, "--minutes",
                 "300", "--out", path}),
            kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("error: INVALID_ARGUMENT: max_minutes[0]: 300 is outside "
                                    "(0, 240]\n"));
  EXPECT_EQ(out_.str(), "");

  service_.set_isochrones_handler([](const carereach::v1::ComputeIsochronesRequest&,
                                     carereach::v1::ComputeIsochronesResponse* response) {
    *response = SampleIsochrones();
    response->mutable_isochrones(0)->set_geojson("POLYGON ((0 0, 1 0, 1 1, 0 0))");  // WKT
    return grpc::Status::OK;
  });
  EXPECT_EQ(Run({"isochrone", "--region", "honolulu", "--facilities", facilities_, "--minutes",
                 "10,20", "--out", path}),
            kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("error: isochrones[0].geojson: the server's answer is not a "
                                    "GeoJSON geometry object"));
  EXPECT_FALSE(std::ifstream(path).good());
  EXPECT_FALSE(std::ifstream(path + ".partial").good());
}

// A stream of two origin rows, the unsnapped origin first (rows arrive in completion order).
grpc::Status TwoMatrixRows(const carereach::v1::ComputeMatrixRequest&,
                           grpc::ServerWriter<carereach::v1::MatrixRow>* writer) {
  writer->Write(Row(1, "0000136502", false, {-1, -1, -1}, {-1, -1, -1}));
  writer->Write(Row(0, "0001336420", true, {12.34, -1, 30.5}, {8.5, -1, 20.125}));
  return grpc::Status::OK;
}

class MatrixCommandTest : public CommandsTest {
 protected:
  void SetUp() override {
    CommandsTest::SetUp();
    destinations_ = WriteTempFile("cmd_destinations.csv",
                                  "ID,LATITUDE,LONGITUDE\n"
                                  "d1,21.30,-157.85\n"
                                  "d2,21.40,-157.75\n"
                                  "d3,21.35,-157.80\n");
  }

  int RunMatrix(std::vector<std::string> extra) {
    std::vector<std::string> args = {"matrix",      "--region",       "honolulu",
                                     "--origins",   facilities_,      "--origins-where",
                                     "STATUS=OPEN", "--destinations", destinations_};
    args.insert(args.end(), extra.begin(), extra.end());
    return Run(args);
  }

  std::string destinations_;
};

TEST_F(MatrixCommandTest, CsvHasOneLinePerPairAndEmptyCellsWhenUnreached) {
  service_.set_matrix_handler(TwoMatrixRows);
  ASSERT_EQ(RunMatrix({"--format", "csv", "--max-minutes", "60", "--direction", "from-facility"}),
            kExitOk)
      << err_.str();
  EXPECT_EQ(out_.str(),
            "origin_id,destination_id,minutes,miles\n"
            "0000136502,d1,,\n"
            "0000136502,d2,,\n"
            "0000136502,d3,,\n"
            "0001336420,d1,12.340,8.500\n"
            "0001336420,d2,,\n"
            "0001336420,d3,30.500,20.125\n");
  EXPECT_THAT(err_.str(),
              AllOf(HasSubstr("origins: kept 2 of 3 rows of cmd_facilities.csv (STATUS=OPEN)\n"),
                    HasSubstr("destinations: kept 3 of 3 rows of cmd_destinations.csv\n"),
                    HasSubstr("matrix: origins not on the road network (every pair unreached): "
                              "0000136502\n")));

  std::vector<carereach::v1::ComputeMatrixRequest> requests = service_.matrix_requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].region(), "honolulu");
  ASSERT_EQ(requests[0].origins_size(), 2);
  EXPECT_EQ(requests[0].origins(1).id(), "0000136502");
  ASSERT_EQ(requests[0].destinations_size(), 3);
  EXPECT_EQ(requests[0].destinations(2).id(), "d3");
  EXPECT_DOUBLE_EQ(requests[0].destinations(2).location().lat(), 21.35);
  EXPECT_EQ(requests[0].max_minutes(), 60);
  EXPECT_EQ(requests[0].drive().direction(), carereach::v1::TRAVEL_DIRECTION_FROM_FACILITY);
}

TEST_F(MatrixCommandTest, JsonPutsRowsInOriginOrder) {
  service_.set_matrix_handler(TwoMatrixRows);
  ASSERT_EQ(RunMatrix({"--format", "json"}), kExitOk) << err_.str();
  nlohmann::json json = nlohmann::json::parse(out_.str());
  EXPECT_EQ(json["region"], "honolulu");
  EXPECT_EQ(json["destinations"], nlohmann::json::array({"d1", "d2", "d3"}));
  ASSERT_EQ(json["rows"].size(), 2u);
  const nlohmann::json& first = json["rows"][0];
  EXPECT_EQ(first["origin_index"], 0);
  EXPECT_EQ(first["origin_id"], "0001336420");
  EXPECT_EQ(first["origin_snapped"], true);
  EXPECT_EQ(first["minutes"], nlohmann::json::parse("[12.34, null, 30.5]"));
  EXPECT_EQ(first["miles"], nlohmann::json::parse("[8.5, null, 20.125]"));
  const nlohmann::json& unsnapped = json["rows"][1];
  EXPECT_EQ(unsnapped["origin_id"], "0000136502");
  EXPECT_EQ(unsnapped["origin_snapped"], false);
  EXPECT_EQ(unsnapped["minutes"], nlohmann::json::parse("[null, null, null]"));
  EXPECT_EQ(json["attribution"], "© OpenStreetMap contributors");
  EXPECT_EQ(service_.matrix_requests()[0].max_minutes(), 0);  // server default
  EXPECT_FALSE(service_.matrix_requests()[0].has_drive());
}

TEST_F(MatrixCommandTest, TableShowsMinutesWithOneDecimal) {
  service_.set_matrix_handler(TwoMatrixRows);
  ASSERT_EQ(RunMatrix({}), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), StartsWith("origin          d1      d2      d3\n"
                                     "0000136502       -       -       -\n"
                                     "0001336420    12.3       -    30.5\n"
                                     "\n"));
  EXPECT_THAT(out_.str(), HasSubstr("\nRoad data © OpenStreetMap contributors\n"));
}

TEST_F(MatrixCommandTest, TableRefusesMoreThanTwentyDestinations) {
  std::string many = "ID,LATITUDE,LONGITUDE\n";
  for (int i = 0; i < 21; ++i) many += "d" + std::to_string(i) + ",21.3,-157.8\n";
  destinations_ = WriteTempFile("cmd_many_destinations.csv", many);
  EXPECT_EQ(RunMatrix({}), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("error: matrix: 21 destinations are too many for --format "
                                    "table (at most 20 columns); use --format csv"));
  EXPECT_TRUE(service_.matrix_requests().empty());
}

// Rows reach stdout while the server is still computing: the fake holds the second row back
// until the first one has been flushed by the client.
class FlushWatcher : public std::stringbuf {
 public:
  // Waits until a flush has delivered text containing `needle`.
  bool WaitFor(const std::string& needle) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10),
                        [&] { return flushed_.find(needle) != std::string::npos; });
  }

 protected:
  int sync() override {
    std::lock_guard<std::mutex> lock(mu_);
    flushed_ = str();
    cv_.notify_all();
    return 0;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::string flushed_;
};

TEST_F(MatrixCommandTest, CsvRowsAreWrittenAsTheyArrive) {
  FlushWatcher watcher;
  std::atomic<bool> streamed{false};
  service_.set_matrix_handler([&](const carereach::v1::ComputeMatrixRequest&,
                                  grpc::ServerWriter<carereach::v1::MatrixRow>* writer) {
    writer->Write(Row(0, "0001336420", true, {12.34, -1, 30.5}, {8.5, -1, 20.125}));
    streamed = watcher.WaitFor("0001336420,d3,30.500,20.125\n");
    writer->Write(Row(1, "0000136502", false, {-1, -1, -1}, {-1, -1, -1}));
    return grpc::Status::OK;
  });
  std::ostream out(&watcher);
  std::ostringstream err;
  EXPECT_EQ(RunCli({"matrix", "--region", "honolulu", "--origins", facilities_, "--origins-where",
                    "STATUS=OPEN", "--destinations", destinations_, "--format", "csv", "--server",
                    address_},
                   out, err),
            kExitOk)
      << err.str();
  EXPECT_TRUE(streamed);
  EXPECT_THAT(watcher.str(), HasSubstr("0000136502,d3,,\n"));
}

// With stderr on a terminal, a matrix that takes more than a second shows one progress line on
// it, rewritten in place and erased before anything else is written; stdout is the same as
// without. Without a terminal there is no progress at all.
TEST_F(MatrixCommandTest, ProgressLineOnlyOnATerminalAndErasedAtTheEnd) {
  service_.set_matrix_handler([](const carereach::v1::ComputeMatrixRequest&,
                                 grpc::ServerWriter<carereach::v1::MatrixRow>* writer) {
    writer->Write(Row(0, "0001336420", true, {12.34, -1, 30.5}, {8.5, -1, 20.125}));
    // Long enough for the line to appear (after 1 s) even on a slow machine.
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    writer->Write(Row(1, "0000136502", false, {-1, -1, -1}, {-1, -1, -1}));
    return grpc::Status::OK;
  });
  const std::vector<std::string> args = {
      "matrix",      "--region",       "honolulu",    "--origins", facilities_, "--origins-where",
      "STATUS=OPEN", "--destinations", destinations_, "--format",  "csv",       "--server",
      address_};
  std::ostringstream terminal_out, terminal_err;
  ASSERT_EQ(RunCli(args, terminal_out, terminal_err, /*err_is_terminal=*/true), kExitOk)
      << terminal_err.str();
  const std::string err = terminal_err.str();
  const size_t drawn = err.rfind("\rcarereach matrix: 1 of 2 rows \u00b7 ");
  ASSERT_NE(drawn, std::string::npos) << err;
  // Erased after its last draw: "\r", blanks, "\r", then the command's own closing message.
  const size_t erased = err.find("\r ", drawn + 1);
  ASSERT_NE(erased, std::string::npos) << err;
  const size_t end_of_blanks = err.find_first_not_of(' ', erased + 1);
  ASSERT_NE(end_of_blanks, std::string::npos);
  EXPECT_EQ(err[end_of_blanks], '\r');
  EXPECT_THAT(err.substr(end_of_blanks + 1),
              HasSubstr("matrix: origins not on the road network (every pair unreached)"));

  std::ostringstream plain_out, plain_err;
  ASSERT_EQ(RunCli(args, plain_out, plain_err), kExitOk) << plain_err.str();
  EXPECT_EQ(plain_err.str().find('\r'), std::string::npos) << plain_err.str();
  EXPECT_EQ(terminal_out.str(), plain_out.str());
  EXPECT_THAT(plain_out.str(), HasSubstr("0000136502,d3,,\n"));
}

TEST_F(MatrixCommandTest, ErrorAtTheEndOfTheStreamExitsOne) {
  service_.set_matrix_handler([](const carereach::v1::ComputeMatrixRequest&,
                                 grpc::ServerWriter<carereach::v1::MatrixRow>* writer) {
    writer->Write(Row(0, "0001336420", true, {12.34, -1, 30.5}, {8.5, -1, 20.125}));
    return grpc::Status(grpc::StatusCode::INTERNAL, "origins[1]: road search failed");
  });
  EXPECT_EQ(RunMatrix({"--format", "csv"}), kExitError);
  // The rows before the failure were written; the failure is one line on stderr.
  EXPECT_EQ(out_.str(),
            "origin_id,destination_id,minutes,miles\n"
            "0001336420,d1,12.340,8.500\n"
            "0001336420,d2,,\n"
            "0001336420,d3,30.500,20.125\n");
  EXPECT_THAT(err_.str(),
              HasSubstr("\nerror: INTERNAL: origins[1]: road search failed (cmd_facilities.csv "
                        "line 4)\n"));
  const std::string err = err_.str();
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 3) << err;

  // JSON is all or nothing.
  EXPECT_EQ(RunMatrix({"--format", "json"}), kExitError);
  EXPECT_EQ(out_.str(), "");
}

TEST_F(MatrixCommandTest, TooManyCellsIsResourceExhausted) {
  service_.set_matrix_handler([](const carereach::v1::ComputeMatrixRequest&,
                                 grpc::ServerWriter<carereach::v1::MatrixRow>*) {
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        "origins x destinations: 6 cells exceed the limit of 4");
  });
  for (const char* format : {"csv", "table", "json"}) {
    EXPECT_EQ(RunMatrix({"--format", format}), kExitError) << format;
    EXPECT_EQ(out_.str(), "") << format;  // not even a header
    EXPECT_THAT(err_.str(), HasSubstr("\nerror: RESOURCE_EXHAUSTED: origins x destinations: 6 "
                                      "cells exceed the limit of 4\n"));
  }
}

TEST_F(MatrixCommandTest, MalformedOrIncompleteStreamIsAnError) {
  service_.set_matrix_handler([](const carereach::v1::ComputeMatrixRequest&,
                                 grpc::ServerWriter<carereach::v1::MatrixRow>* writer) {
    writer->Write(Row(0, "0001336420", true, {12.34, 30.5}, {8.5, 20.125}));  // 2 of 3
    return grpc::Status::OK;
  });
  EXPECT_EQ(RunMatrix({"--format", "csv"}), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("error: matrix row 0 has 2 minutes and 2 miles for 3 "
                                    "destinations\n"));

  service_.set_matrix_handler([](const carereach::v1::ComputeMatrixRequest&,
                                 grpc::ServerWriter<carereach::v1::MatrixRow>* writer) {
    writer->Write(Row(0, "0001336420", true, {12.34, -1, 30.5}, {8.5, -1, 20.125}));
    return grpc::Status::OK;
  });
  EXPECT_EQ(RunMatrix({"--format", "csv"}), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("error: matrix: the stream ended after 1 of 2 origin rows\n"));
}

TEST_F(MatrixCommandTest, DestinationErrorsNameTheirCsvLine) {
  service_.set_matrix_handler([](const carereach::v1::ComputeMatrixRequest&,
                                 grpc::ServerWriter<carereach::v1::MatrixRow>*) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "destinations[2].location.lat: 91 is outside [-90, 90]");
  });
  EXPECT_EQ(RunMatrix({"--format", "csv"}), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("error: INVALID_ARGUMENT: destinations[2].location.lat: 91 is "
                                    "outside [-90, 90] (cmd_destinations.csv line 4)\n"));

  // A filter that keeps nothing is refused before any request.
  EXPECT_EQ(RunMatrix({"--destinations-where", "ID=none"}), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("error: no destinations to send: "));
  EXPECT_THAT(err_.str(), HasSubstr("none matched the --destinations-where filters\n"));
  EXPECT_EQ(service_.matrix_requests().size(), 1u);
}

TEST_F(CommandsTest, BadFacilityRowFailsBeforeAnyRequest) {
  std::string bad = WriteTempFile("cmd_bad.csv", "ID,LATITUDE,LONGITUDE\na,x,1\n");
  EXPECT_EQ(Run({"coverage", "--region", "r", "--facilities", bad, "--minutes", "30"}), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("cmd_bad.csv:2: column LATITUDE: 'x' is not a number"));
  EXPECT_TRUE(service_.requests().empty());
}

TEST_F(CommandsTest, HexadecimalLatitudeIsNotANumber) {
  // absl::SimpleAtod alone reads "0x15" as 21: a facility would silently move to latitude 21.
  std::string bad = WriteTempFile("cmd_hex.csv", "ID,LATITUDE,LONGITUDE\na,0x15,1\n");
  EXPECT_EQ(Run({"coverage", "--region", "r", "--facilities", bad, "--minutes", "30"}), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("cmd_hex.csv:2: column LATITUDE: '0x15' is not a number"));
  EXPECT_TRUE(service_.requests().empty());
}

TEST_F(CommandsTest, RegionsWaitsWhileTheServerIsLoading) {
  // One UNAVAILABLE answer to a read is retried by gRPC itself (the channel's retry policy,
  // channel.h), without --wait-seconds.
  service_.set_unavailable_answers(1);
  EXPECT_EQ(Run({"regions", "--format", "csv"}), kExitOk) << err_.str();
  // A server that stays unavailable fails the call after gRPC's 5 attempts; the server's own
  // UNAVAILABLE message is passed through, not "cannot reach".
  service_.set_unavailable_answers(5);
  EXPECT_EQ(Run({"regions", "--format", "csv"}), kExitError);
  EXPECT_EQ(err_.str(), "error: UNAVAILABLE: regions are still loading\n");

  service_.set_unavailable_answers(2);
  EXPECT_EQ(Run({"regions", "--format", "csv", "--wait-seconds", "10"}), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("\nhonolulu,"));
}

}  // namespace
}  // namespace carereach::cli
