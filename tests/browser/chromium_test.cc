// The --html report (clients/cli/html_report.h) as a real browser draws it: headless Chromium
// (tests/browser/chromium.h) takes a screenshot, decoded here with Cairo, and dumps the DOM.
#include "tests/browser/chromium.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/cli/html_report.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/geo/render/png_image.h"

namespace carereach::testing_util {
namespace {

using ::testing::HasSubstr;

constexpr absl::Duration kTimeout = absl::Seconds(60);
constexpr int kWidthPx = 1200, kHeightPx = 900;
constexpr uint32_t kFailBorderRgb = 0xC62828;  // tr.fail td:first-child border (kStyle)
constexpr uint32_t kMapBlueRgb = 0x1565C0;     // the rectangle of the test map
constexpr uint32_t kWideGreenRgb = 0x2E7D32;   // the right end of the map wider than the page

// A report with a failing row, credits and one small map (a blue square: no red in it, so the
// red found on screen is the failing row's).
cli::HtmlReport SampleReport() {
  cli::HtmlReport report;
  report.title = "Network Adequacy: Acme";
  report.summary = {{"Network", "acme-2026"}, {"Region", "Illinois"}};
  cli::HtmlSection section;
  section.heading = "Specialty Summary";
  cli::HtmlTable table;
  table.caption = "Specialty Summary by County";
  table.header = {"County", "Specialty", "Covered", "Result"};
  table.right_aligned = {false, false, true, false};
  table.rows = {{"Cook", "Cardiology", "71.2%", "FAIL"},
                {"DuPage", "Cardiology", "99.1%", "pass"},
                {"Lake", "Oncology", "98.0%", "pass"}};
  table.failing = {true, false, false};
  section.tables.push_back(table);
  section.figures.push_back(
      {"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
       "width=\"300\" height=\"150\" viewBox=\"0 0 300 150\"><defs><clipPath id=\"clip1\">"
       "<rect width=\"300\" height=\"150\"/></clipPath></defs><g clip-path=\"url(#clip1)\">"
       "<rect width=\"300\" height=\"150\" fill=\"#FFFFFF\"/><rect x=\"20\" y=\"20\" width=\"120\" "
       "height=\"100\" fill=\"#1565C0\"/></g></svg>\n",
       "Cardiology: time to nearest"});
  // Twice as wide as the window, its right end green: seen only if scaled to the page width.
  section.figures.push_back(
      {"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"2400\" height=\"300\">"
       "<rect width=\"2400\" height=\"300\" fill=\"#FFFFFF\"/>"
       "<rect x=\"2200\" width=\"200\" height=\"300\" fill=\"#2E7D32\"/></svg>",
       "Wide map"});
  report.sections.push_back(section);
  report.method = "Drive times on OpenStreetMap roads.";
  report.credits = {"© OpenStreetMap contributors", "Population: U.S. Census Bureau"};
  report.generated = "browser_test";
  return report;
}

std::string WriteTemp(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The standard deviation of the pixels' luminance (0 for a blank page).
double LuminanceStddev(const Image& img) {
  double sum = 0, sum_sq = 0;
  for (const uint32_t p : img.argb) {
    const double y = 0.299 * ((p >> 16) & 0xFF) + 0.587 * ((p >> 8) & 0xFF) + 0.114 * (p & 0xFF);
    sum += y;
    sum_sq += y * y;
  }
  const double n = static_cast<double>(img.argb.size());
  return n == 0 ? 0 : std::sqrt(std::max(0.0, sum_sq / n - (sum / n) * (sum / n)));
}

int CountNear(const Image& img, uint32_t rgb) {
  int count = 0;
  for (const uint32_t p : img.argb) count += Near(p, rgb) ? 1 : 0;
  return count;
}

TEST(ChromiumTest, ReportScreenshotShowsTableFailingRowAndMap) {
  ASSERT_TRUE(ChromiumAvailable()) << "no browser at " << ChromiumPath() << " (scripts/setup)";
  const std::string html_path =
      WriteTemp("browser_report.html", cli::RenderHtmlReport(SampleReport()));
  const std::string png_path = ::testing::TempDir() + "/browser_report.png";
  const absl::Time start = absl::Now();
  const absl::Status status =
      ChromiumScreenshot(html_path, png_path, kWidthPx, kHeightPx, kTimeout);
  const absl::Duration took = absl::Now() - start;
  ASSERT_TRUE(status.ok()) << status;
  std::cout << "screenshot " << kWidthPx << "x" << kHeightPx << " took "
            << absl::FormatDuration(took) << "\n";
  RecordProperty("screenshot_ms", static_cast<int>(absl::ToInt64Milliseconds(took)));

  const Image img = DecodePng(Slurp(png_path));
  ASSERT_EQ(img.width, kWidthPx);
  ASSERT_EQ(img.height, kHeightPx);
  // Text, rules and the map: far from a blank page (whose deviation is 0).
  EXPECT_GT(LuminanceStddev(img), 15.0);
  // The failing row's left border: 5 px wide, at least a text line high.
  EXPECT_GE(CountNear(img, kFailBorderRgb), 5 * 15);
  // The map's blue square (120 x 100 at 1:1; allow for scaling and the edges).
  EXPECT_GE(CountNear(img, kMapBlueRgb), 100 * 80);
  // The wide map scaled to the page width (about 1100 of 2400 px): its green end, 200 x 300 at
  // 1:1, is on screen at about 90 x 135.
  EXPECT_GE(CountNear(img, kWideGreenRgb), 70 * 100);
}

// The control for the test above: a blank page fails its checks.
TEST(ChromiumTest, BlankPageIsSeenAsBlank) {
  ASSERT_TRUE(ChromiumAvailable()) << "no browser at " << ChromiumPath() << " (scripts/setup)";
  const std::string html_path =
      WriteTemp("browser_blank.html",
                "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>blank</title></head>"
                "<body></body></html>");
  const std::string png_path = ::testing::TempDir() + "/browser_blank.png";
  ASSERT_TRUE(ChromiumScreenshot(html_path, png_path, kWidthPx, kHeightPx, kTimeout).ok());
  const Image img = DecodePng(Slurp(png_path));
  ASSERT_EQ(img.width, kWidthPx);
  EXPECT_LT(LuminanceStddev(img), 1.0);
  EXPECT_EQ(CountNear(img, kFailBorderRgb), 0);
}

TEST(ChromiumTest, DomAfterLoadHasRowsAndCredits) {
  ASSERT_TRUE(ChromiumAvailable()) << "no browser at " << ChromiumPath() << " (scripts/setup)";
  const std::string html_path =
      WriteTemp("browser_dom.html", cli::RenderHtmlReport(SampleReport()));
  const absl::StatusOr<std::string> dom = ChromiumDumpDom(html_path, kTimeout);
  ASSERT_TRUE(dom.ok()) << dom.status();
  EXPECT_THAT(*dom, HasSubstr("<tr class=\"fail\"><td>Cook</td>"));
  EXPECT_THAT(*dom, HasSubstr("<tr><td>DuPage</td>"));
  EXPECT_THAT(*dom, HasSubstr("<li>© OpenStreetMap contributors</li>"));
  EXPECT_THAT(*dom, HasSubstr("<li>Population: U.S. Census Bureau</li>"));
  EXPECT_THAT(*dom, HasSubstr("clip-path=\"url(#fig1-clip1)\""));
}

TEST(ChromiumTest, TimeoutKillsTheBrowser) {
  ASSERT_TRUE(ChromiumAvailable()) << "no browser at " << ChromiumPath() << " (scripts/setup)";
  // A timeout too short for the browser to start: killed, DEADLINE_EXCEEDED, promptly.
  const absl::Time start = absl::Now();
  const absl::Status status = ChromiumScreenshot(WriteTemp("browser_quick.html", "<p>x</p>"),
                                                 ::testing::TempDir() + "/browser_quick.png", 200,
                                                 100, absl::Milliseconds(50));
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

}  // namespace
}  // namespace carereach::testing_util
