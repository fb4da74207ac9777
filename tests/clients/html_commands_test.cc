// --html on adequacy, analyze coverage, analyze adequacy, recommend and report show, against
// in-process fakes (the analysis service and MapService): which maps are asked for, from which
// request, and what the written report holds (html_pages.cc through the commands).

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/clients/fake_services.h"
#include "tests/clients/fixtures.h"

namespace carereach::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Occurrences of `needle` in `text`.
int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

template <typename Service>
class HtmlTest : public FakeServerTest<Service> {
 protected:
  std::vector<grpc::Service*> ExtraServices() override { return {&maps_}; }
  std::string HtmlPath(const std::string& name) {
    const std::string path = TestTempDir() + name;
    std::filesystem::remove(path);
    return path;
  }
  FakeMapService maps_;
};

using ContractingHtmlTest = HtmlTest<FakeContractingService>;

TEST_F(ContractingHtmlTest, AnalyzeAdequacyWritesTheReportWithMapsOfTheSameRequest) {
  const std::string html_path = HtmlPath("adequacy.html");
  ASSERT_EQ(Run({"analyze", "adequacy", "--region", "michigan", "--tenant", "acme", "--network",
                 "ascension", "--network", "trinity", "--specialties", "040", "--save-report",
                 "--title", "Q3", "--html", html_path}),
            kExitOk)
      << err_.str();
  ASSERT_EQ(service_.adequacy_.size(), 1u);
  ASSERT_EQ(maps_.requests_.size(), 1u);
  const carereach::v1::RenderMapRequest& maps = maps_.requests_[0];
  // The analysis' request, saving nothing, as the same tenant.
  carereach::v1::AnalyzeAdequacyRequest expected = service_.adequacy_[0];
  expected.set_save_report(false);
  expected.clear_report_title();
  EXPECT_EQ(maps.adequacy().SerializeAsString(), expected.SerializeAsString());
  EXPECT_THAT(maps_.tenants_, ElementsAre("acme"));
  // One SVG map per failing type: the fixture fails 040 in one county.
  ASSERT_EQ(maps.maps_size(), 1);
  EXPECT_EQ(maps.maps(0).specialty_code(), "040");
  EXPECT_EQ(maps.maps(0).format(), carereach::v1::MAP_FORMAT_SVG);

  const std::string html = ReadFile(html_path);
  EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
  // Wayne fails and comes first; Oakland passes.
  EXPECT_EQ(Count(html, "<tr class=\"fail\">"), 1);
  ASSERT_NE(html.find("Wayne County"), std::string::npos);
  EXPECT_LT(html.find("Wayne County"), html.find("Oakland County"));
  EXPECT_THAT(html, HasSubstr("1 of 2 county x specialty results fail"));
  // The members' table, the map, the method and the credits.
  EXPECT_THAT(html, HasSubstr("critical results"));
  EXPECT_THAT(html, HasSubstr("<title>adequacy</title>"));  // the fake's SVG, inline
  EXPECT_THAT(html, HasSubstr("Spread over tracts by population."));
  EXPECT_THAT(html, HasSubstr("Population: U.S. Census Bureau, 2020 Census"));
  EXPECT_THAT(html, HasSubstr("Standards: CMS HSD reference file (cms-ma-cy2026)"));
  EXPECT_THAT(err_.str(), HasSubstr(absl::StrCat("html: wrote ", html_path, " (1 map)")));
  EXPECT_FALSE(std::filesystem::exists(html_path + ".partial"));
  // The usual answer still went to stdout.
  EXPECT_THAT(out_.str(), HasSubstr("Specialty Summary by County"));
}

// With a supply and --servicing-report, the HTML report has what the table and CSV answers
// have: the exception evidence of the failing result and the Servicing Provider Report.
TEST_F(ContractingHtmlTest, AnalyzeAdequacyReportHasTheEvidenceAndTheServicingReport) {
  const std::string html_path = HtmlPath("adequacy_evidence.html");
  const std::string servicing = TestTempDir() + "servicing.csv";
  ASSERT_EQ(Run({"analyze", "adequacy", "--region", "michigan", "--network", "ascension",
                 "--supply", "hifld-mi", "--servicing-report", servicing, "--html", html_path}),
            kExitOk)
      << err_.str();
  ASSERT_EQ(maps_.requests_.size(), 1u);
  // The maps' request asks for neither.
  EXPECT_FALSE(maps_.requests_[0].adequacy().include_servicing_providers());

  const std::string html = ReadFile(html_path);
  ASSERT_NE(html.find("<h2>Exception evidence</h2>"), std::string::npos) << html;
  EXPECT_THAT(html, HasSubstr("1 available, not contracted (7 of the type in the supply)"));
  EXPECT_THAT(html, HasSubstr("<td>Beaumont Wayne</td>"));
  EXPECT_THAT(html, HasSubstr("<td>Far Hospital</td>"));
  // One evidence table: the one failing result.
  EXPECT_EQ(Count(html, "within standard</th>"), 1);
  ASSERT_NE(html.find("<h2>Servicing Provider Report</h2>"), std::string::npos);
  EXPECT_LT(html.find("<h2>Exception evidence</h2>"),
            html.find("<h2>Servicing Provider Report</h2>"));
  EXPECT_THAT(html, HasSubstr("<td>Henry Ford, Detroit</td>"));
  EXPECT_THAT(html, HasSubstr("<td>Wayne (26163)</td>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"num\">1,235</td>"));
  EXPECT_THAT(html, HasSubstr("<td class=\"num\">43.2%</td>"));
  EXPECT_THAT(html,
              HasSubstr("no: pediatric/children&#39;s hospital (42 CFR 422.116(a)(3)(i)(A))"));
  // The table answer on stdout has the evidence too.
  EXPECT_THAT(out_.str(), HasSubstr("Beaumont Wayne"));
}

TEST_F(ContractingHtmlTest, AnalyzeCoverageWritesTheAllianceReport) {
  const std::string html_path = HtmlPath("coverage.html");
  ASSERT_EQ(
      Run({"analyze", "coverage", "--region", "michigan", "--network", "ascension", "--network",
           "trinity", "--minutes", "20", "--miles", "10", "--format", "json", "--html", html_path}),
      kExitOk)
      << err_.str();
  ASSERT_EQ(maps_.requests_.size(), 1u);
  EXPECT_EQ(maps_.requests_[0].coverage().SerializeAsString(),
            service_.coverage_[0].SerializeAsString());  // nothing to clear: not saved
  const std::string html = ReadFile(html_path);
  EXPECT_THAT(html, HasSubstr("Alliance coverage, michigan"));
  EXPECT_THAT(html, HasSubstr("74.2%"));           // the alliance's 20-minute share
  EXPECT_THAT(html, HasSubstr("loss if leaves"));  // the members' table
  EXPECT_THAT(html, HasSubstr("Oakland County"));  // every county
  EXPECT_THAT(html, HasSubstr("<title>coverage</title>"));
  EXPECT_EQ(Count(html, "<tr class=\"fail\">"), 0);
}

TEST_F(ContractingHtmlTest, RecommendWritesTheReportWithoutAMap) {
  const std::string candidates = WriteTempFile("html_candidates.csv", kHospitals);
  const std::string html_path = HtmlPath("recommend.html");
  ASSERT_EQ(
      Run({"recommend", "--region", "michigan", "--network", "ascension", "--candidates-facilities",
           candidates, "--candidates-where", "STATE=MI", "--minutes", "20", "--html", html_path}),
      kExitOk)
      << err_.str();
  EXPECT_TRUE(maps_.requests_.empty());
  const std::string html = ReadFile(html_path);
  EXPECT_THAT(html, HasSubstr("Recommended additions, michigan"));
  EXPECT_THAT(html, HasSubstr("picks, in the order chosen"));
  EXPECT_THAT(html, Not(HasSubstr("<figure")));
  EXPECT_THAT(err_.str(), HasSubstr("(0 maps)"));
}

TEST_F(ContractingHtmlTest, AMapFailureIsAnErrorAndLeavesNoFile) {
  const std::string html_path = HtmlPath("failed.html");
  maps_.error_ = grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "pixel budget");
  EXPECT_EQ(Run({"analyze", "coverage", "--region", "michigan", "--network", "ascension",
                 "--minutes", "20", "--html", html_path}),
            kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("--html: the maps: RESOURCE_EXHAUSTED"));
  EXPECT_FALSE(std::filesystem::exists(html_path));
  EXPECT_FALSE(std::filesystem::exists(html_path + ".partial"));
  EXPECT_THAT(out_.str(), HasSubstr("74.2%"));  // the answer itself was printed
}

using AdequacyHtmlTest = HtmlTest<FakeAdequacyService>;

TEST_F(AdequacyHtmlTest, AdequacySendsItsRosterInlineForTheMaps) {
  const std::string roster = WriteTempFile(
      "html_roster.csv",
      "id,specialty_code,lat,lon,beds\nR1,040,42.1,-83.1,100\nR2,040,42.2,-83.2,50\n");
  const std::string html_path = HtmlPath("roster.html");
  ASSERT_EQ(Run({"adequacy", "--region", "michigan", "--network", roster, "--counties", "26163",
                 "--specialties", "040", "--mode", "drive", "--html", html_path}),
            kExitOk)
      << err_.str();
  ASSERT_EQ(maps_.requests_.size(), 1u);
  const carereach::v1::AnalyzeAdequacyRequest& request = maps_.requests_[0].adequacy();
  EXPECT_EQ(request.region(), "michigan");
  ASSERT_EQ(request.networks_size(), 1);
  EXPECT_EQ(request.networks(0).label(), "html_roster.csv");
  ASSERT_EQ(request.networks(0).providers_size(), 2);
  EXPECT_EQ(request.networks(0).providers(1).id(), "R2");
  EXPECT_THAT(request.county_fips(), ElementsAre("26163"));
  EXPECT_THAT(request.specialty_codes(), ElementsAre("040"));
  EXPECT_EQ(request.mode(), carereach::v1::TRAVEL_MODE_DRIVE);
  const std::string html = ReadFile(html_path);
  EXPECT_THAT(html, HasSubstr("Specialty Summary by County"));
  EXPECT_THAT(html, HasSubstr("© OpenStreetMap contributors"));
}

using ReportHtmlTest = HtmlTest<FakeNetworkService>;

TEST_F(ReportHtmlTest, ReportShowRedrawsTheSavedRequest) {
  carereach::v1::Report report;
  report.set_report_id("rpt_adq");
  report.set_kind("adequacy");
  report.set_title("MA alliance: 040");
  carereach::v1::AnalyzeAdequacyRequest saved;
  saved.set_region("michigan");
  saved.add_networks()->set_network_id("ascension");
  saved.set_save_report(true);
  report.mutable_request()->PackFrom(saved);
  report.mutable_result()->PackFrom(AllianceAdequacy());
  carereach::v1::NetworkVersionRef* used = report.add_networks();
  used->set_network_id("ascension");
  used->set_version(4);
  service_.report_ = report;

  const std::string html_path = HtmlPath("saved.html");
  ASSERT_EQ(Run({"report", "show", "rpt_adq", "--html", html_path}), kExitOk) << err_.str();
  ASSERT_EQ(maps_.requests_.size(), 1u);
  EXPECT_EQ(maps_.requests_[0].adequacy().networks(0).version(), 4);
  EXPECT_FALSE(maps_.requests_[0].adequacy().save_report());
  EXPECT_EQ(maps_.requests_[0].maps(0).specialty_code(), "040");
  const std::string html = ReadFile(html_path);
  EXPECT_THAT(html, HasSubstr("MA alliance: 040"));
  EXPECT_THAT(html, HasSubstr("rpt_adq"));
  EXPECT_EQ(Count(html, "<tr class=\"fail\">"), 1);
}

TEST_F(ReportHtmlTest, ReportShowOfAReportWithoutItsRequestIsDataLoss) {
  // rpt_1 of the fake has a coverage result and no request.
  const std::string html_path = HtmlPath("rpt1.html");
  EXPECT_EQ(Run({"report", "show", "rpt_1", "--html", html_path}), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("rpt_1: its saved request is not an analyze coverage request"));
  EXPECT_FALSE(std::filesystem::exists(html_path));
}

}  // namespace
}  // namespace carereach::cli
