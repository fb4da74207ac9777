// The analyses against an in-process fake ContractingService (contracting_commands.cc).

#include "clients/cli/contracting_commands.h"

#include "tests/clients/fake_services.h"
#include "tests/clients/fixtures.h"

namespace carereach::cli {
namespace {

class AnalysisCommandTest : public FakeServerTest<FakeContractingService> {
 protected:
  void SetUp() override {
    FakeServerTest::SetUp();
    hospitals_ = WriteTempFile("analysis_hospitals.csv", kHospitals);
    add_one_ = WriteTempFile("analysis_add1.csv", "id,specialty_code,lat,lon\nA1,040,42.1,-83.1\n");
    add_two_ = WriteTempFile("analysis_add2.csv",
                             "id,specialty_code,lat,lon\nB1,040,42.2,-83.2\nB2,040,42.3,-83.3\n");
  }
  std::string hospitals_, add_one_, add_two_;
};

TEST_F(AnalysisCommandTest, AnalyzeCoverageSendsEverySelectionWithTheTenant) {
  ASSERT_EQ(Run({"analyze",
                 "coverage",
                 "--region",
                 "michigan",
                 "--tenant",
                 "acme",
                 "--network",
                 "ascension@3",
                 "--label",
                 "Ascension",
                 "--remove",
                 "a1,a2",
                 "--network",
                 "trinity",
                 "--add-roster",
                 add_one_,
                 "--add-roster",
                 add_two_,
                 "--facilities",
                 hospitals_,
                 "--where",
                 "NAME~WYANDOTTE",
                 "--minutes",
                 "20",
                 "--miles",
                 "10",
                 "--specialties",
                 "040",
                 "--save-report",
                 "--title",
                 "Q3",
                 "--mode",
                 "drive",
                 "--max-snap-meters",
                 "500"}),
            kExitOk)
      << err_.str();
  ASSERT_EQ(service_.coverage_.size(), 1u);
  const carereach::v1::AnalyzeCoverageRequest& request = service_.coverage_[0];
  EXPECT_EQ(request.region(), "michigan");
  ASSERT_EQ(request.networks_size(), 3);
  EXPECT_EQ(request.networks(0).network_id(), "ascension");
  EXPECT_EQ(request.networks(0).version(), 3);
  EXPECT_EQ(request.networks(0).label(), "Ascension");
  EXPECT_THAT(request.networks(0).remove_provider_ids(), ElementsAre("a1", "a2"));
  EXPECT_EQ(request.networks(1).network_id(), "trinity");
  ASSERT_EQ(request.networks(1).add_providers_size(), 3);  // both files, in order
  EXPECT_EQ(request.networks(1).add_providers(2).id(), "B2");
  EXPECT_EQ(request.networks(2).network_id(), "");
  EXPECT_EQ(request.networks(2).label(), "analysis_hospitals.csv");
  ASSERT_EQ(request.networks(2).providers_size(), 1);
  EXPECT_EQ(request.networks(2).providers(0).id(), "0003");
  EXPECT_EQ(request.networks(2).providers(0).specialty_code(), "040");
  EXPECT_THAT(request.max_minutes(), ElementsAre(20));
  EXPECT_THAT(request.max_miles(), ElementsAre(10));
  EXPECT_THAT(request.specialty_codes(), ElementsAre("040"));
  EXPECT_EQ(request.mode(), carereach::v1::TRAVEL_MODE_DRIVE);
  EXPECT_EQ(request.drive().max_snap_meters(), 500);
  EXPECT_TRUE(request.save_report());
  EXPECT_EQ(request.report_title(), "Q3");
  EXPECT_THAT(service_.tenants_, ElementsAre("acme"));
  EXPECT_THAT(err_.str(), AllOf(HasSubstr("add-roster: kept 2 of 2 rows of analysis_add2.csv\n"),
                                HasSubstr("facilities: kept 1 of 6 rows of analysis_hospitals.csv "
                                          "(NAME~WYANDOTTE)"),
                                HasSubstr("report: saved as rpt_9f3a51c07be24d11")));
  EXPECT_THAT(out_.str(), HasSubstr("alliance of 2 members"));

  ASSERT_EQ(Run({"analyze", "coverage", "--region", "michigan", "--network", "a", "--network", "b",
                 "--minutes", "20", "--format", "csv"}),
            kExitOk);
  EXPECT_THAT(out_.str(), StartsWith("scope,label,fips,name,threshold_kind"));
}

TEST_F(AnalysisCommandTest, ServerErrorsNameTheFileAndLineOfAddedRows) {
  service_.error_ = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 "networks[1].add_providers[2].location.lat: 91 is outside "
                                 "[-90, 90]; networks[1].add_providers[0] duplicates it");
  EXPECT_EQ(
      Run({"analyze", "coverage", "--region", "michigan", "--network", "ascension", "--network",
           "trinity", "--add-roster", add_one_, "--add-roster", add_two_, "--minutes", "20"}),
      kExitError);
  // add_providers[2] is the second row of the second file (line 3); [0] the first file's.
  EXPECT_THAT(err_.str(),
              HasSubstr("error: INVALID_ARGUMENT: networks[1].add_providers[2].location.lat: 91 "
                        "is outside [-90, 90]; networks[1].add_providers[0] duplicates it "
                        "(analysis_add2.csv line 3; networks[1].add_providers[0] is "
                        "analysis_add1.csv line 2)\n"));

  service_.error_ =
      grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "candidates.providers[1].id: empty");
  EXPECT_EQ(Run({"recommend", "--region", "michigan", "--candidates-roster", add_two_, "--minutes",
                 "20"}),
            kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("candidates.providers[1].id: empty (analysis_add2.csv line "
                                    "3)\n"));

  service_.error_ = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 "network.providers[0].location.lon: 200 is outside");
  EXPECT_EQ(Run({"access-ratios", "--region", "michigan", "--roster", add_one_,
                 "--catchment-minutes", "30"}),
            kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("(analysis_add1.csv line 2)\n"));

  service_.error_ = grpc::Status(grpc::StatusCode::NOT_FOUND, "networks[0]: network 'x' not found");
  EXPECT_EQ(
      Run({"analyze", "coverage", "--region", "michigan", "--network", "x", "--minutes", "20"}),
      kExitError);
  EXPECT_EQ(err_.str(), "error: NOT_FOUND: networks[0]: network 'x' not found\n");
}

TEST_F(AnalysisCommandTest, AnalyzeAdequacyCollectsTheStream) {
  ASSERT_EQ(
      Run({"analyze", "adequacy", "--region", "michigan", "--network", "ascension", "--network",
           "trinity", "--counties", "26163,26125", "--specialties", "40", "--failing-only"}),
      kExitOk)
      << err_.str();
  ASSERT_EQ(service_.adequacy_.size(), 1u);
  EXPECT_THAT(service_.adequacy_[0].county_fips(), ElementsAre("26163", "26125"));
  EXPECT_THAT(service_.adequacy_[0].specialty_codes(), ElementsAre("040"));
  EXPECT_EQ(service_.adequacy_[0].networks_size(), 2);
  EXPECT_THAT(out_.str(), AllOf(HasSubstr("26163  Wayne County"), Not(HasSubstr("26125  Oakland")),
                                HasSubstr("critical members")));

  ASSERT_EQ(
      Run({"analyze", "adequacy", "--region", "michigan", "--network", "a", "--format", "json"}),
      kExitOk);
  nlohmann::json json = nlohmann::json::parse(out_.str());
  ASSERT_EQ(json["results"].size(), 2u);
  EXPECT_EQ(json["results"][0]["result"]["pass"], false);  // failing first
  EXPECT_EQ(json["results"][1]["critical_members"][0], "trinity");
  EXPECT_EQ(json["summary"]["report_id"], "rpt_2");

  service_.send_summary_ = false;
  EXPECT_EQ(Run({"analyze", "adequacy", "--region", "michigan", "--network", "a"}), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("the stream ended after 2 results without a summary"));
}

// --servicing-report asks for the Servicing Provider Report and writes it as CSV (units in the
// header); --format json carries it too. Without the flag the request does not ask for it.
TEST_F(AnalysisCommandTest, AnalyzeAdequacyWritesTheServicingProviderReport) {
  const std::string path = TestTempDir() + "servicing.csv";
  std::remove(path.c_str());
  ASSERT_EQ(Run({"analyze", "adequacy", "--region", "michigan", "--network", "ascension",
                 "--servicing-report", path, "--format", "json"}),
            kExitOk)
      << err_.str();
  ASSERT_EQ(service_.adequacy_.size(), 1u);
  EXPECT_TRUE(service_.adequacy_[0].include_servicing_providers());
  EXPECT_EQ(ReadFile(path),
            "provider_id,name,specialty_code,network,county_fips,county_name,specialty_type,"
            "beneficiaries_served_people,share_of_county_beneficiaries_fraction,"
            "counts_toward_minimum,exclusion,exclusion_reason\n"
            "h1,\"Henry Ford, Detroit\",040,ascension,26163,Wayne,040,1234.56,0.432100,true,,\n"
            "k1,Kids,040,,,,,0,0.000000,false,pediatric_hospital,"
            "pediatric/children's hospital (42 CFR 422.116(a)(3)(i)(A))\n");
  EXPECT_THAT(err_.str(), HasSubstr("servicing report: wrote 2 rows to " + path));
  nlohmann::json json = nlohmann::json::parse(out_.str());
  ASSERT_EQ(json["servicing_providers"]["providers"].size(), 2u);
  EXPECT_EQ(json["servicing_providers"]["providers"][0]["provider_id"], "h1");
  EXPECT_EQ(json["servicing_providers"]["providers"][0]["counts_toward_minimum"], true);

  ASSERT_EQ(Run({"analyze", "adequacy", "--region", "michigan", "--network", "ascension"}),
            kExitOk);
  ASSERT_EQ(service_.adequacy_.size(), 2u);
  EXPECT_FALSE(service_.adequacy_[1].include_servicing_providers());
}

TEST_F(AnalysisCommandTest, RecommendSendsTheObjectiveAndTheCandidates) {
  ASSERT_EQ(
      Run({"recommend", "--region", "michigan", "--network", "mercy@2", "--candidates-facilities",
           hospitals_, "--candidates-where", "STATE=MI", "--minutes", "20", "--target-share", "0.8",
           "--counties", "26163", "--picks", "3", "--specialties", "040"}),
      kExitOk)
      << err_.str();
  ASSERT_EQ(service_.recommend_.size(), 1u);
  const carereach::v1::RecommendAdditionsRequest& request = service_.recommend_[0];
  ASSERT_TRUE(request.has_coverage());
  EXPECT_EQ(request.coverage().max_minutes(), 20);
  EXPECT_EQ(request.coverage().max_miles(), 0);
  EXPECT_EQ(request.coverage().target_share(), 0.8);
  EXPECT_THAT(request.coverage().county_fips(), ElementsAre("26163"));
  EXPECT_THAT(request.coverage().specialty_codes(), ElementsAre("040"));
  EXPECT_EQ(request.max_picks(), 3);
  EXPECT_EQ(request.candidates().providers_size(), 5);  // Michigan rows
  EXPECT_EQ(request.candidates().label(), "analysis_hospitals.csv");
  EXPECT_EQ(request.networks(0).network_id(), "mercy");
  EXPECT_THAT(err_.str(), HasSubstr("candidates: kept 5 of 6 rows"));
  EXPECT_THAT(out_.str(), AllOf(HasSubstr("target       80.0%: met\n"),
                                HasSubstr("   1  H1  HENRY FORD WYANDOTTE")));

  ASSERT_EQ(Run({"recommend", "--region", "michigan", "--candidates", "pool@4", "--adequacy-county",
                 "26163", "--adequacy-specialty", "040"}),
            kExitOk)
      << err_.str();
  const carereach::v1::RecommendAdditionsRequest& adequacy = service_.recommend_[1];
  ASSERT_TRUE(adequacy.has_adequacy());
  EXPECT_EQ(adequacy.adequacy().county_fips(), "26163");
  EXPECT_EQ(adequacy.candidates().network_id(), "pool");
  EXPECT_EQ(adequacy.candidates().version(), 4);
  EXPECT_EQ(adequacy.networks_size(), 0);
}

TEST_F(AnalysisCommandTest, AccessRatiosWritesUnitsOut) {
  const std::string units = TestTempDir() + "analysis_units.csv";
  std::remove(units.c_str());
  ASSERT_EQ(Run({"access-ratios", "--region", "michigan", "--network", "mercy", "--add-facilities",
                 hospitals_, "--add-where", "NAME~WYANDOTTE", "--catchment-minutes", "30",
                 "--capacity-from-beds", "--units-out", units, "--save-report"}),
            kExitOk)
      << err_.str();
  ASSERT_EQ(service_.access_.size(), 1u);
  const carereach::v1::ComputeAccessRatiosRequest& request = service_.access_[0];
  EXPECT_EQ(request.network().network_id(), "mercy");
  ASSERT_EQ(request.network().add_providers_size(), 1);
  EXPECT_EQ(request.network().add_providers(0).id(), "0003");
  EXPECT_EQ(request.catchment_minutes(), 30);
  EXPECT_TRUE(request.capacity_from_beds());
  EXPECT_TRUE(request.include_units());
  EXPECT_TRUE(request.save_report());
  EXPECT_EQ(ReadFile(units),
            "unit_id,county_fips,population,access_per_1000\n"
            "26163500100,26163,1000,1.500000\n26163500200,26163,1000,1.500000\n");
  EXPECT_THAT(err_.str(), AllOf(HasSubstr("add-facilities: kept 1 of 6 rows"),
                                HasSubstr("units: wrote 2 rows to " + units),
                                HasSubstr("report: saved as rpt_3")));
  EXPECT_THAT(out_.str(), HasSubstr("catchment    30 min\n"));
}

}  // namespace
}  // namespace carereach::cli
