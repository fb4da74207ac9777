// adequacy against an in-process fake AdequacyService (adequacy_commands.cc).

#include "tests/clients/fake_services.h"
#include "tests/clients/fixtures.h"

namespace carereach::cli {
namespace {

class AdequacyCommandTest : public FakeServerTest<FakeAdequacyService> {
 protected:
  void SetUp() override {
    FakeServerTest::SetUp();
    roster_ = WriteTempFile("adequacy_roster.csv", kRosterCsv);
  }
  std::string roster_;
};

TEST_F(AdequacyCommandTest, StreamsTheRosterInBatchesAfterTheHeader) {
  std::string text = "npi,specialty_code,lat,lon\n";
  for (int i = 0; i < 12000; ++i) absl::StrAppend(&text, i, ",S03,42.2,-83.1\n");
  const std::string path = WriteTempFile("adequacy_big.csv", text);
  ASSERT_EQ(Run({"adequacy", "--region", "michigan", "--network", path, "--counties", "26163,26125",
                 "--specialties", "S03", "--standards", "cms-ma-cy2026", "--mode", "drive",
                 "--speed-profile", "car-us"}),
            kExitOk)
      << err_.str();
  std::vector<carereach::v1::AdequacyRequestHeader> headers = service_.headers();
  ASSERT_EQ(headers.size(), 1u);
  EXPECT_EQ(headers[0].region(), "michigan");
  EXPECT_THAT(headers[0].county_fips(), ElementsAre("26163", "26125"));
  EXPECT_THAT(headers[0].specialty_codes(), ElementsAre("S03"));
  EXPECT_EQ(headers[0].standards_set(), "cms-ma-cy2026");
  EXPECT_EQ(headers[0].mode(), carereach::v1::TRAVEL_MODE_DRIVE);
  EXPECT_EQ(headers[0].drive().speed_profile(), "car-us");
  EXPECT_FALSE(headers[0].include_uncovered_units());
  EXPECT_THAT(service_.batch_sizes(), ElementsAre(5000, 5000, 2000));
  std::vector<carereach::v1::NetworkProvider> providers = service_.providers();
  ASSERT_EQ(providers.size(), 12000u);
  EXPECT_EQ(providers[11999].id(), "11999");
  EXPECT_THAT(err_.str(), HasSubstr("roster: kept 12000 of 12000 rows"));
  // Failing results exit 0: the report is the answer.
  EXPECT_THAT(out_.str(), HasSubstr("2 of 4 county x specialty results fail"));
}

TEST_F(AdequacyCommandTest, CsvAndJsonPutFailingFirst) {
  ASSERT_EQ(Run({"adequacy", "--region", "michigan", "--network", roster_, "--format", "csv"}),
            kExitOk)
      << err_.str();
  std::vector<std::string> lines = absl::StrSplit(out_.str(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_THAT(lines[1], HasSubstr(",false,7,299.5,"));
  EXPECT_THAT(lines[4], HasSubstr(",true,7,0,"));

  ASSERT_EQ(Run({"adequacy", "--region", "michigan", "--network", roster_, "--format", "json"}),
            kExitOk);
  nlohmann::json json = nlohmann::json::parse(out_.str());
  EXPECT_EQ(json["results"][0]["pass"], false);
  EXPECT_EQ(json["results"][1]["pass"], false);
  EXPECT_EQ(json["results"][3]["pass"], true);
  EXPECT_TRUE(json["summary"]["roster_rows"].is_number_integer());
}

TEST_F(AdequacyCommandTest, UncoveredOutWritesTractPointsWithLonLat) {
  const std::string data_dir = TestTempDir() + "adequacy_data";
  std::filesystem::create_directories(data_dir + "/census");
  std::ofstream(data_dir + "/census/CenPop2020_Mean_TR.txt", std::ios::binary)
      << "\xEF\xBB\xBFSTATEFP,COUNTYFP,TRACTCE,POPULATION,LATITUDE,LONGITUDE\n"
         "26,163,500100,1775,+42.331427,-083.045754\n"
         "26,163,500200,1000,+42.35,-083.06\n"
         "15,003,000100,20,+21.3,-157.8\n";
  const std::string out = TestTempDir() + "adequacy_uncovered.geojson";
  std::remove(out.c_str());
  ASSERT_EQ(Run({"adequacy", "--region", "michigan", "--network", roster_, "--uncovered-out", out,
                 "--data-dir", data_dir}),
            kExitOk)
      << err_.str();
  ASSERT_EQ(service_.headers().size(), 1u);
  EXPECT_TRUE(service_.headers()[0].include_uncovered_units());
  nlohmann::json json = nlohmann::json::parse(ReadFile(out));
  EXPECT_EQ(json["type"], "FeatureCollection");
  ASSERT_EQ(json["features"].size(), 4u);  // 2 failing results x 2 tracts
  const nlohmann::json& first = json["features"][0];
  EXPECT_EQ(first["geometry"]["type"], "Point");
  EXPECT_DOUBLE_EQ(first["geometry"]["coordinates"][0].get<double>(), -83.045754);
  EXPECT_DOUBLE_EQ(first["geometry"]["coordinates"][1].get<double>(), 42.331427);
  EXPECT_EQ(first["properties"]["county_fips"], "26125");
  EXPECT_EQ(first["properties"]["specialty_code"], "S03");
  EXPECT_EQ(first["properties"]["unit_id"], "26163500100");
  EXPECT_TRUE(json["features"][1]["geometry"].is_null());  // not in the centres file
  EXPECT_THAT(err_.str(), AllOf(HasSubstr("uncovered: wrote 4 tract points to " + out),
                                HasSubstr("2 tracts are not in the tract centres file")));
  EXPECT_FALSE(std::filesystem::exists(out + ".partial"));

  // No centres file: an error before any request, and no output file.
  std::remove(out.c_str());
  EXPECT_EQ(Run({"adequacy", "--region", "michigan", "--network", roster_, "--uncovered-out", out,
                 "--data-dir", data_dir + "/missing"}),
            kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("error: --uncovered-out needs the tract centres"));
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(service_.headers().size(), 1u);
}

TEST_F(AdequacyCommandTest, ServerErrorNamesTheCsvLineOfTheProvider) {
  service_.set_error(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                  "providers[1].specialty_code: 'S99' is not a specialty type"));
  EXPECT_EQ(Run({"adequacy", "--region", "michigan", "--network", roster_}), kExitError);
  EXPECT_THAT(err_.str(),
              HasSubstr("error: INVALID_ARGUMENT: providers[1].specialty_code: 'S99' is not a "
                        "specialty type (adequacy_roster.csv line 3)\n"));
  EXPECT_EQ(out_.str(), "");
}

TEST_F(AdequacyCommandTest, BadRowAndUnknownRegionExitOne) {
  const std::string bad = WriteTempFile("adequacy_bad.csv", "id,code,lat,lon\n1,040,x,-83\n");
  EXPECT_EQ(Run({"adequacy", "--region", "michigan", "--network", bad}), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("error: " + bad + ":2: column lat: 'x' is not a number"));
  EXPECT_TRUE(service_.headers().empty());

  service_.set_error(grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown region 'mars'"));
  EXPECT_EQ(Run({"adequacy", "--region", "mars", "--network", roster_}), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("error: NOT_FOUND: unknown region 'mars'\n"));
  EXPECT_EQ(Run({"adequacy", "--region", "mars"}), kExitUsage);
}

}  // namespace
}  // namespace carereach::cli
