// map coverage / adequacy / isochrone / report against in-process fake MapService and
// NetworkService (map_commands.cc, map_args.cc): the request each sends, the picture written to
// --out, the summary, and the errors.

#include "clients/cli/map_commands.h"

#include <filesystem>
#include <string>
#include <vector>

#include "carereach/v1/contracting.pb.h"
#include "tests/clients/fake_services.h"
#include "tests/clients/fixtures.h"

namespace carereach::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class MapCommandTest : public FakeServerTest<FakeMapService> {
 protected:
  std::vector<grpc::Service*> ExtraServices() override { return {&networks_}; }

  void SetUp() override {
    FakeServerTest::SetUp();
    hospitals_ = WriteTempFile("map_hospitals.csv", kHospitals);
    dir_ = TestTempDir();
  }
  std::string Out(const std::string& name) { return dir_ + "/" + name; }

  FakeNetworkService networks_;
  std::string hospitals_, dir_;
};

TEST_F(MapCommandTest, CoverageMapSendsTheAnalysisRequestAndWritesThePicture) {
  const std::string out = Out("alliance.svg");
  std::filesystem::remove(out);
  ASSERT_EQ(Run({"map",       "coverage",  "--region",  "michigan",
                 "--tenant",  "acme",      "--network", "ascension@3",
                 "--label",   "Ascension", "--network", "trinity",
                 "--minutes", "20,30",     "--mode",    "drive",
                 "--out",     out,         "--width",   "800",
                 "--height",  "600",       "--title",   "Ascension + Trinity"}),
            kExitOk)
      << err_.str();
  ASSERT_EQ(service_.requests_.size(), 1u);
  const carereach::v1::RenderMapRequest& request = service_.requests_[0];
  ASSERT_TRUE(request.has_coverage());
  const carereach::v1::AnalyzeCoverageRequest& coverage = request.coverage();
  EXPECT_EQ(coverage.region(), "michigan");
  ASSERT_EQ(coverage.networks_size(), 2);
  EXPECT_EQ(coverage.networks(0).network_id(), "ascension");
  EXPECT_EQ(coverage.networks(0).version(), 3);
  EXPECT_EQ(coverage.networks(0).label(), "Ascension");
  EXPECT_EQ(coverage.networks(1).network_id(), "trinity");
  EXPECT_THAT(coverage.max_minutes(), ElementsAre(20, 30));
  EXPECT_EQ(coverage.mode(), carereach::v1::TRAVEL_MODE_DRIVE);
  EXPECT_FALSE(coverage.save_report());
  ASSERT_EQ(request.maps_size(), 1);
  EXPECT_EQ(request.maps(0).format(), carereach::v1::MAP_FORMAT_SVG);
  EXPECT_EQ(request.maps(0).width_px(), 800);
  EXPECT_EQ(request.maps(0).height_px(), 600);
  EXPECT_EQ(request.maps(0).title(), "Ascension + Trinity");
  EXPECT_THAT(service_.tenants_, ElementsAre("acme"));

  // The file holds exactly the server's bytes; nothing is left beside it.
  EXPECT_EQ(ReadFile(out),
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" height=\"600\"><g "
            "id=\"units\"><title>coverage</title></g></svg>");
  EXPECT_FALSE(std::filesystem::exists(out + ".partial"));
  EXPECT_THAT(out_.str(), HasSubstr(absl::StrCat(out, " (SVG, 800 x 600 px, 1 KB)")));
  EXPECT_THAT(out_.str(), HasSubstr("≤ 20 min; not reached"));
  EXPECT_THAT(out_.str(), HasSubstr("© OpenStreetMap contributors"));
  EXPECT_THAT(out_.str(), HasSubstr("analysis 3.2 ms, drawing 12.5 ms"));
}

TEST_F(MapCommandTest, ThePictureFormatIsTheExtension) {
  const std::string out = Out("coverage.PNG");
  ASSERT_EQ(Run({"map", "coverage", "--region", "michigan", "--facilities", hospitals_, "--where",
                 "STATE=MI", "--miles", "10", "--color-by-miles", "--out", out}),
            kExitOk)
      << err_.str();
  ASSERT_EQ(service_.requests_.size(), 1u);
  EXPECT_EQ(service_.requests_[0].maps(0).format(), carereach::v1::MAP_FORMAT_PNG);
  EXPECT_TRUE(service_.requests_[0].maps(0).color_by_miles());
  EXPECT_EQ(service_.requests_[0].coverage().networks(0).providers_size(), 5);
  EXPECT_EQ(ReadFile(out), "PNG image of coverage 1200x900");
  EXPECT_THAT(out_.str(), HasSubstr("(PNG, 1200 x 900 px"));
}

TEST_F(MapCommandTest, PictureFlagsAreCheckedBeforeAnyCall) {
  const std::vector<std::string> base = {"map",       "coverage", "--region",  "michigan",
                                         "--network", "a",        "--minutes", "20"};
  auto with = [&base](std::vector<std::string> more) {
    std::vector<std::string> args = base;
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  EXPECT_EQ(Run(with({})), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("map coverage: --out FILE.png or --out FILE.svg is required"));
  EXPECT_EQ(Run(with({"--out", Out("m.jpg")})), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("must end in .png or .svg"));
  EXPECT_EQ(Run(with({"--out", Out("m.png"), "--width", "100"})), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--width"));
  EXPECT_EQ(Run(with({"--out", Out("m.png"), "--width", "4096", "--height", "4096"})), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("8,388,608"));
  EXPECT_EQ(Run(with({"--out", Out("m.png"), "--color-by-miles"})), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--color-by-miles needs --miles"));
  EXPECT_EQ(Run(with({"--out", Out("m.png"), "--specialty", "040"})), kExitUsage);
  EXPECT_EQ(
      Run({"map", "coverage", "--region", "michigan", "--minutes", "20", "--out", Out("m.png")}),
      kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("map coverage: give the network"));
  EXPECT_TRUE(service_.requests_.empty());
}

TEST_F(MapCommandTest, AdequacyMapSendsTheAdequacyRequestAndTheSpecialty) {
  const std::string out = Out("adequacy.png");
  ASSERT_EQ(Run({"map", "adequacy", "--region", "michigan", "--network", "ascension", "--counties",
                 "26163,26125", "--standards", "cms-ma-cy2026", "--specialty", "40", "--out", out}),
            kExitOk)
      << err_.str();
  ASSERT_EQ(service_.requests_.size(), 1u);
  const carereach::v1::RenderMapRequest& request = service_.requests_[0];
  ASSERT_TRUE(request.has_adequacy());
  EXPECT_THAT(request.adequacy().county_fips(), ElementsAre("26163", "26125"));
  EXPECT_EQ(request.adequacy().standards_set(), "cms-ma-cy2026");
  EXPECT_FALSE(request.adequacy().save_report());
  EXPECT_EQ(request.maps(0).specialty_code(), "040");
  EXPECT_EQ(ReadFile(out), "PNG image of adequacy 1200x900");
  EXPECT_THAT(out_.str(), HasSubstr("specialty"));
}

TEST_F(MapCommandTest, IsochroneMapSendsTheIsochroneRequest) {
  const std::string out = Out("isochrones.svg");
  ASSERT_EQ(Run({"map", "isochrone", "--region", "honolulu", "--facilities", hospitals_, "--where",
                 "STATE=MI", "--minutes", "10,20", "--buffer-meters", "200", "--out", out}),
            kExitOk)
      << err_.str();
  ASSERT_EQ(service_.requests_.size(), 1u);
  const carereach::v1::RenderMapRequest& request = service_.requests_[0];
  ASSERT_TRUE(request.has_isochrones());
  EXPECT_EQ(request.isochrones().region(), "honolulu");
  EXPECT_EQ(request.isochrones().facilities_size(), 5);  // the six rows but the one in OH
  EXPECT_THAT(request.isochrones().max_minutes(), ElementsAre(10, 20));
  EXPECT_THAT(ReadFile(out), HasSubstr("<title>isochrones</title>"));
}

TEST_F(MapCommandTest, AServerErrorNamesTheFileLineAndLeavesNoFile) {
  const std::string roster = WriteTempFile(
      "map_roster.csv", "id,specialty_code,lat,lon\nR1,040,42.1,-83.1\nR2,040,95,-83.2\n");
  const std::string out = Out("failed.png");
  std::filesystem::remove(out);
  service_.error_ = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 "coverage.networks[0].providers[1].location.lat: 95 is outside "
                                 "[-90, 90]");
  EXPECT_EQ(Run({"map", "coverage", "--region", "michigan", "--roster", roster, "--minutes", "20",
                 "--out", out}),
            kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("INVALID_ARGUMENT: coverage.networks[0].providers[1]"));
  EXPECT_THAT(err_.str(), HasSubstr("map_roster.csv line 3"));
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out + ".partial"));
}

carereach::v1::Report SavedCoverageReport() {
  carereach::v1::Report report;
  report.set_report_id("rpt_cov");
  report.set_kind("coverage");
  report.set_title("Q3 alliance");
  carereach::v1::AnalyzeCoverageRequest saved;
  saved.set_region("michigan");
  saved.add_networks()->set_network_id("ascension");  // saved as "the latest"
  carereach::v1::NetworkSelection* trinity = saved.add_networks();
  trinity->set_network_id("trinity");
  trinity->set_version(2);
  saved.add_max_minutes(20);
  saved.set_save_report(true);
  saved.set_report_title("Q3 alliance");
  report.mutable_request()->PackFrom(saved);
  carereach::v1::NetworkVersionRef* used = report.add_networks();
  used->set_network_id("ascension");
  used->set_version(5);
  used = report.add_networks();
  used->set_network_id("trinity");
  used->set_version(2);
  return report;
}

TEST_F(MapCommandTest, ReportMapRedrawsTheSavedRequestOnTheVersionsItUsed) {
  networks_.report_ = SavedCoverageReport();
  const std::string out = Out("report.png");
  ASSERT_EQ(Run({"map", "report", "rpt_cov", "--out", out}), kExitOk) << err_.str();
  ASSERT_EQ(service_.requests_.size(), 1u);
  const carereach::v1::RenderMapRequest& request = service_.requests_[0];
  ASSERT_TRUE(request.has_coverage());
  EXPECT_EQ(request.coverage().networks(0).version(), 5);  // pinned, not the latest
  EXPECT_EQ(request.coverage().networks(1).version(), 2);
  EXPECT_FALSE(request.coverage().save_report());
  EXPECT_EQ(request.coverage().report_title(), "");
  EXPECT_EQ(request.maps(0).title(), "Q3 alliance");
  EXPECT_THAT(err_.str(), HasSubstr("redrawing coverage report rpt_cov from its saved request on "
                                    "ascension@5, trinity@2"));
  EXPECT_EQ(ReadFile(out), "PNG image of coverage 1200x900");
}

TEST_F(MapCommandTest, ReportMapOfARecommendationIsRefused) {
  carereach::v1::Report report;
  report.set_report_id("rpt_rec");
  report.set_kind("recommendation");
  report.mutable_request()->PackFrom(carereach::v1::RecommendAdditionsRequest());
  networks_.report_ = report;
  EXPECT_EQ(Run({"map", "report", "rpt_rec", "--out", Out("rec.png")}), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("rpt_rec is a recommendation report"));
  EXPECT_TRUE(service_.requests_.empty());
  EXPECT_EQ(Run({"map", "report", "rpt_missing", "--out", Out("rec.png")}), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("NOT_FOUND"));
  EXPECT_THAT(err_.str(), Not(HasSubstr("redrawing")));
}

}  // namespace
}  // namespace carereach::cli
