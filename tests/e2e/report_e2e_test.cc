// Maps and HTML reports end to end: the real carereach-server on a free loopback port with the
// real data, driven by the real carereach CLI (`map ...`, `--html`); the pictures decoded, the
// SVG parsed, and the HTML report opened in headless Chromium (Debian's chromium).
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libxml/HTMLparser.h"
#include "libxml/parser.h"
#include "libxml/xpath.h"
#include "libxml/xpathInternals.h"
#include "nlohmann/json.hpp"
#include "tests/browser/chromium.h"
#include "tests/data_dir.h"
#include "tests/e2e/process.h"
#include "tests/geo/render/png_image.h"

namespace carereach {
namespace {

using nlohmann::json;
using testing::HasSubstr;
using testing_util::CommandResult;
using testing_util::DataDir;
using testing_util::RunCommand;

// The number of nodes `xpath` selects in the XML (SVG) or HTML document `text`; -1 when it does
// not parse.
int CountNodes(const std::string& text, const std::string& xpath, bool html) {
  xmlDocPtr doc = html ? htmlReadMemory(text.data(), static_cast<int>(text.size()), nullptr,
                                        "utf-8", HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING)
                       : xmlReadMemory(text.data(), static_cast<int>(text.size()), nullptr, "utf-8",
                                       XML_PARSE_NONET);
  if (doc == nullptr) return -1;
  xmlXPathContextPtr context = xmlXPathNewContext(doc);
  if (!html) xmlXPathRegisterNs(context, BAD_CAST "svg", BAD_CAST "http://www.w3.org/2000/svg");
  xmlXPathObjectPtr found = xmlXPathEvalExpression(BAD_CAST xpath.c_str(), context);
  const int count = found != nullptr && found->nodesetval != nullptr ? found->nodesetval->nodeNr
                                                                     : (found == nullptr ? -1 : 0);
  xmlXPathFreeObject(found);
  xmlXPathFreeContext(context);
  xmlFreeDoc(doc);
  return count;
}

class ReportEndToEndTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(std::filesystem::exists(DataDir())) << "real data missing: " << DataDir();
    dir_ = new std::string(absl::StrCat(testing::TempDir(), "/report-e2e", getpid()));
    server_ = testing_util::StartedServer::Start(
                  CAREREACH_SERVER_BIN, *dir_,
                  {"--data_dir=" + DataDir(), "--state_dir=" + *dir_ + "/state"},
                  /*wait_seconds=*/120)
                  .release();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  void SetUp() override { ASSERT_NE(server_, nullptr); }

  static CommandResult Cli(std::vector<std::string> args) {
    std::vector<std::string> argv = {CAREREACH_CLI_BIN, "--server", server_->address,
                                     "--wait-seconds", "120"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }
  static std::string Path(const std::string& name) { return *dir_ + "/" + name; }
  static std::string Hospitals() { return DataDir() + "/facilities/hifld_hospitals.csv"; }
  // The open general acute care hospitals of a state, as --facilities flags.
  static std::vector<std::string> OpenHospitals(const std::string& state) {
    return {"--facilities", Hospitals(),   "--where", "STATE=" + state,
            "--where",      "STATUS=OPEN", "--where", "TYPE=GENERAL ACUTE CARE"};
  }

  static testing_util::StartedServer* server_;
  static std::string* dir_;
};
testing_util::StartedServer* ReportEndToEndTest::server_ = nullptr;
std::string* ReportEndToEndTest::dir_ = nullptr;

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST_F(ReportEndToEndTest, MichiganAdequacyMapIsAPicture) {
  const std::string out = Path("michigan-040.png");
  const CommandResult r =
      Cli(Concat({"map", "adequacy", "--region", "michigan"},
                 Concat(OpenHospitals("MI"), {"--specialties", "040", "--specialty", "040", "--out",
                                              out, "--width", "1000", "--height", "800"})));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("(PNG, 1000 x 800 px"));
  EXPECT_THAT(r.out, testing::ContainsRegex("specialty +040"));
  const testing_util::Image img = testing_util::DecodePng(testing_util::ReadWholeFile(out));
  ASSERT_EQ(img.width, 1000);
  ASSERT_EQ(img.height, 800);
  const testing_util::PixelSpread spread = testing_util::SpreadOf(img);
  EXPECT_GT(spread.luminance_variance, 100.0);
  EXPECT_GT(spread.non_white_share, 0.05);
}

TEST_F(ReportEndToEndTest, HonoluluDriveCoverageMapIsSvgWithRoadsAndCredits) {
  const std::string out = Path("honolulu.svg");
  const CommandResult r = Cli(Concat({"map", "coverage", "--region", "honolulu", "--mode", "drive",
                                      "--minutes", "10,20", "--out", out},
                                     OpenHospitals("HI")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string svg = testing_util::ReadWholeFile(out);
  EXPECT_EQ(CountNodes(svg, "/svg:svg", false), 1);
  EXPECT_GT(CountNodes(svg, "//svg:g[@id='roads']//svg:path", false), 0);
  EXPECT_THAT(svg, HasSubstr("© OpenStreetMap contributors"));
  EXPECT_THAT(svg, HasSubstr("U.S. Census Bureau"));
  EXPECT_THAT(r.out, HasSubstr("© OpenStreetMap contributors"));
}

TEST_F(ReportEndToEndTest, YubaIsochroneMap) {
  const std::string out = Path("yuba-isochrones.png");
  const CommandResult r =
      Cli(Concat({"map", "isochrone", "--region", "yuba", "--minutes", "10,20", "--out", out},
                 OpenHospitals("CA")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const testing_util::Image img = testing_util::DecodePng(testing_util::ReadWholeFile(out));
  ASSERT_EQ(img.width, 1200);
  EXPECT_GT(testing_util::SpreadOf(img).luminance_variance, 100.0);
}

// The alliance seed scenario's shape: two stored networks, their adequacy with --html; the
// report opened in Chromium.
TEST_F(ReportEndToEndTest, AllianceAdequacyHtmlReportOpensInChromium) {
  for (const auto& [id, names] : std::vector<std::pair<std::string, std::string>>{
           {"ascension-mi", "ASCENSION"},
           {"trinity-mi", "MERCY HEALTH|ST JOSEPH MERCY|SAINT JOSEPH MERCY|ST MARY MERCY"}}) {
    const CommandResult r =
        Cli(Concat({"--tenant", "e2e-html", "network", "import", id, "--create"},
                   Concat(OpenHospitals("MI"), {"--where", "NAME~" + names})));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const std::string html_path = Path("alliance-adequacy.html");
  // With the open Michigan general acute care hospitals as the supply of exception evidence,
  // and the Servicing Provider Report.
  const std::vector<std::string> supply = {
      "--supply-facilities", Hospitals(),   "--supply-where", "STATE=MI",
      "--supply-where",      "STATUS=OPEN", "--supply-where", "TYPE=GENERAL ACUTE CARE"};
  const CommandResult r =
      Cli(Concat(Concat({"--tenant", "e2e-html", "analyze", "adequacy", "--region", "michigan",
                         "--network", "ascension-mi", "--network", "trinity-mi", "--specialties",
                         "040", "--format", "json"},
                        supply),
                 {"--evidence-providers", "3", "--servicing-report", Path("servicing.csv"),
                  "--html", html_path}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("html: wrote " + html_path));
  const json answer = json::parse(r.out);
  int failing = 0;
  for (const json& row : answer["results"]) failing += row["result"]["pass"].get<bool>() ? 0 : 1;
  ASSERT_EQ(answer["results"].size(), 83u);
  ASSERT_GT(failing, 0);

  // Self-contained: no fetch of anything.
  const std::string html = testing_util::ReadWholeFile(html_path);
  EXPECT_EQ(CountNodes(html, "//*[starts-with(@src, 'http') or starts-with(@href, 'http')]", true),
            0);
  EXPECT_EQ(CountNodes(html, "//script", true), 0);

  ASSERT_TRUE(testing_util::ChromiumAvailable()) << "chromium is installed by scripts/setup";
  const std::string png = Path("alliance-adequacy.png");
  ASSERT_TRUE(testing_util::ChromiumScreenshot(html_path, png, 1200, 1600, absl::Seconds(90)).ok());
  const testing_util::Image shot = testing_util::DecodePng(testing_util::ReadWholeFile(png));
  ASSERT_EQ(shot.width, 1200);
  EXPECT_GT(testing_util::SpreadOf(shot).luminance_variance, 100.0);

  const absl::StatusOr<std::string> dom =
      testing_util::ChromiumDumpDom(html_path, absl::Seconds(90));
  ASSERT_TRUE(dom.ok()) << dom.status();
  // Every county's row, the failing ones marked, first.
  const std::string rows =
      "//table[@data-caption='Specialty Summary by County (failing first)']/tbody/tr";
  EXPECT_EQ(CountNodes(*dom, rows, true), 83);
  EXPECT_EQ(CountNodes(*dom, rows + "[@class='fail']", true), failing);
  EXPECT_EQ(
      CountNodes(*dom, absl::StrCat(rows, "[position() <= ", failing, " and not(@class='fail')]"),
                 true),
      0);
  // The members' table: one row per member.
  EXPECT_EQ(CountNodes(*dom, "//table[@data-caption='members']/tbody/tr", true), 2);
  // Exception evidence: a heading per failing result (a table, or a paragraph when no supply
  // hospital is near), at most 3 providers each.
  int evidence_tables = 0;
  for (const json& row : answer["results"]) {
    if (row["result"]["pass"].get<bool>()) continue;
    EXPECT_TRUE(row.contains("exception_evidence")) << row.dump();
    evidence_tables += row["exception_evidence"].contains("nearest") ? 1 : 0;
  }
  ASSERT_GT(evidence_tables, 0);
  const std::string evidence = "//section[h2='Exception evidence']";
  EXPECT_EQ(CountNodes(*dom, evidence + "//table", true), evidence_tables);
  EXPECT_EQ(CountNodes(*dom, evidence + "//table/tbody[count(tr) > 3]", true), 0);
  // The Servicing Provider Report: as many rows as the CSV has lines after its header.
  const std::string csv = testing_util::ReadWholeFile(Path("servicing.csv"));
  const int csv_rows = static_cast<int>(std::count(csv.begin(), csv.end(), '\n')) - 1;
  ASSERT_GT(csv_rows, 0);
  EXPECT_EQ(CountNodes(*dom, "//table[@data-caption='Servicing Provider Report']/tbody/tr", true),
            csv_rows);
  EXPECT_THAT(*dom, HasSubstr("Wayne"));
  EXPECT_THAT(*dom, HasSubstr("Population: U.S. Census Bureau"));
  EXPECT_THAT(*dom, HasSubstr("Standards: CMS HSD reference file"));
  EXPECT_GE(CountNodes(*dom, "//figure//*[local-name()='svg']", true), 1);

  // The saved report redraws as a map of the versions it used.
  const CommandResult saved =
      Cli({"--tenant", "e2e-html", "analyze", "coverage", "--region", "michigan", "--network",
           "ascension-mi", "--network", "trinity-mi", "--minutes", "20", "--save-report",
           "--format", "json"});
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
  const std::string report_id = json::parse(saved.out)["report_id"].get<std::string>();
  const std::string map_path = Path("saved.svg");
  const CommandResult map =
      Cli({"--tenant", "e2e-html", "map", "report", report_id, "--out", map_path});
  ASSERT_EQ(map.exit_code, 0) << map.err;
  EXPECT_THAT(map.err, HasSubstr("on ascension-mi@1, trinity-mi@1"));
  EXPECT_EQ(CountNodes(testing_util::ReadWholeFile(map_path), "/svg:svg", false), 1);
  const std::string report_html = Path("saved.html");
  const CommandResult shown =
      Cli({"--tenant", "e2e-html", "report", "show", report_id, "--html", report_html});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  const std::string shown_html = testing_util::ReadWholeFile(report_html);
  EXPECT_THAT(shown_html, HasSubstr(report_id));
  EXPECT_THAT(shown_html, HasSubstr("ascension-mi"));
  EXPECT_EQ(CountNodes(shown_html, "//figure", true), 1);
  // Another tenant sees neither the report nor its map.
  const CommandResult other =
      Cli({"--tenant", "someone-else", "map", "report", report_id, "--out", Path("other.svg")});
  EXPECT_NE(other.exit_code, 0);
  EXPECT_THAT(other.err, HasSubstr("NOT_FOUND"));
}

}  // namespace
}  // namespace carereach
