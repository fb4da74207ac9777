// The --html report writer (clients/cli/html_report.h): its output parsed back with libxml2's
// HTML parser and queried with XPath, independently of how it was written.
#include "clients/cli/html_report.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace carereach::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// An HTML document parsed by libxml2, queried by XPath.
class ParsedHtml {
 public:
  explicit ParsedHtml(const std::string& html)
      : doc_(htmlReadMemory(html.data(), static_cast<int>(html.size()), "report.html", "utf-8",
                            HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET)) {}
  ~ParsedHtml() { xmlFreeDoc(doc_); }
  ParsedHtml(const ParsedHtml&) = delete;
  ParsedHtml& operator=(const ParsedHtml&) = delete;

  bool ok() const { return doc_ != nullptr; }

  // The nodes `xpath` selects, below `context` (the document when null).
  std::vector<xmlNodePtr> Nodes(const std::string& xpath, xmlNodePtr context = nullptr) const {
    std::vector<xmlNodePtr> nodes;
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc_);
    if (context != nullptr) ctx->node = context;
    xmlXPathObjectPtr result = xmlXPathEvalExpression(BAD_CAST xpath.c_str(), ctx);
    if (result != nullptr && result->nodesetval != nullptr) {
      for (int i = 0; i < result->nodesetval->nodeNr; ++i) {
        nodes.push_back(result->nodesetval->nodeTab[i]);
      }
    }
    xmlXPathFreeObject(result);
    xmlXPathFreeContext(ctx);
    return nodes;
  }

  // The text content of each node `xpath` selects (attribute values for attributes).
  std::vector<std::string> Texts(const std::string& xpath, xmlNodePtr context = nullptr) const {
    std::vector<std::string> texts;
    for (xmlNodePtr node : Nodes(xpath, context)) texts.push_back(Text(node));
    return texts;
  }

  static std::string Text(xmlNodePtr node) {
    xmlChar* content = xmlNodeGetContent(node);
    std::string text = content == nullptr ? "" : reinterpret_cast<const char*>(content);
    xmlFree(content);
    return text;
  }

 private:
  htmlDocPtr doc_;
};

// A map as the server draws it: an XML declaration, a clip path used through url(#clip1), a
// marker defined once and used through href and xlink:href.
constexpr char kMapSvg[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
    "\"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n"
    "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
    "version=\"1.1\" width=\"200\" height=\"100\" viewBox=\"0 0 200 100\">\n"
    "<defs><clipPath id=\"clip1\"><rect x=\"0\" y=\"0\" width=\"200\" height=\"100\"/></clipPath>"
    "<circle id=\"dot\" r=\"3\" fill=\"#C62828\"/></defs>\n"
    "<g id=\"counties\" clip-path=\"url(#clip1)\"><path d=\"M0 0L200 100\" stroke=\"#000\"/></g>\n"
    "<use href=\"#dot\" x=\"10\" y=\"10\"/><use xlink:href=\"#dot\" x=\"20\" y=\"20\"/>\n"
    "<text x=\"5\" y=\"95\">Cook &amp; Lake</text>\n"
    "</svg>\n";

HtmlReport SampleReport() {
  HtmlReport report;
  report.title = "Network Adequacy: Acme <Plan>";
  report.summary = {{"Network", "acme-2026"}, {"Region", "Illinois"}};
  HtmlSection section;
  section.heading = "Specialty Summary";
  section.facts = {{"Standard", "CMS 2026"}};
  section.paragraphs = {"Failing rows first."};
  HtmlTable table;
  table.caption = "Specialty Summary by County";
  table.header = {"County", "Specialty", "Covered", "Result"};
  table.right_aligned = {false, false, true, false};
  table.rows = {{"Cook", "Cardiology", "71.2%", "FAIL"},
                {"Lake", "Oncology", "80.0%", "FAIL"},
                {"DuPage", "Cardiology", "99.1%", "pass"}};
  table.failing = {true, true, false};
  section.tables.push_back(table);
  section.figures.push_back({kMapSvg, "Cardiology: time to nearest"});
  section.figures.push_back({kMapSvg, "Oncology: time to nearest"});
  report.sections.push_back(section);
  HtmlSection second;
  second.heading = "Members";
  second.paragraphs = {"All members."};
  report.sections.push_back(second);
  report.method = "Drive times on OpenStreetMap roads.\nCMS time and distance standards.";
  report.credits = {"© OpenStreetMap contributors", "Population: U.S. Census Bureau, 2020 Census"};
  report.generated = "carereach analyze adequacy, 2026-12-06 12:00 UTC";
  return report;
}

TEST(HtmlReportTest, DocumentHasDoctypeCharsetAndTitle) {
  const std::string html = RenderHtmlReport(SampleReport());
  EXPECT_TRUE(absl::StartsWith(html, "<!DOCTYPE html>\n")) << html.substr(0, 40);
  ParsedHtml doc(html);
  ASSERT_TRUE(doc.ok());
  EXPECT_THAT(doc.Texts("/html/head/title"), ElementsAre("Network Adequacy: Acme <Plan>"));
  EXPECT_THAT(doc.Texts("/html/head/meta/@charset"), ElementsAre("utf-8"));
  EXPECT_THAT(doc.Texts("//h1"), ElementsAre("Network Adequacy: Acme <Plan>"));
  EXPECT_THAT(doc.Texts("//header//dl[@class='summary']/dt"), ElementsAre("Network", "Region"));
  EXPECT_THAT(doc.Texts("//header//dl[@class='summary']/dd"), ElementsAre("acme-2026", "Illinois"));
}

TEST(HtmlReportTest, TableRowsInGivenOrderWithFailingRowsClassed) {
  ParsedHtml doc(RenderHtmlReport(SampleReport()));
  ASSERT_TRUE(doc.ok());
  const std::vector<xmlNodePtr> tables =
      doc.Nodes("//table[@class='results'][@data-caption='Specialty Summary by County']");
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_THAT(doc.Texts("thead/tr/th", tables[0]),
              ElementsAre("County", "Specialty", "Covered", "Result"));
  EXPECT_THAT(doc.Texts("tbody/tr/td[1]", tables[0]), ElementsAre("Cook", "Lake", "DuPage"));
  EXPECT_THAT(doc.Texts("tbody/tr[@class='fail']/td[1]", tables[0]), ElementsAre("Cook", "Lake"));
  EXPECT_THAT(doc.Texts("tbody/tr[not(@class)]/td[1]", tables[0]), ElementsAre("DuPage"));
  // Numbers right-aligned: the class on the header cell and on each cell of the column.
  EXPECT_THAT(doc.Texts("thead/tr/th[@class='num']", tables[0]), ElementsAre("Covered"));
  EXPECT_THAT(doc.Texts("tbody/tr/td[@class='num']", tables[0]),
              ElementsAre("71.2%", "80.0%", "99.1%"));
}

TEST(HtmlReportTest, SectionsMethodAndCredits) {
  ParsedHtml doc(RenderHtmlReport(SampleReport()));
  ASSERT_TRUE(doc.ok());
  EXPECT_THAT(doc.Texts("//section[@class='report-section']/h2"),
              ElementsAre("Specialty Summary", "Members"));
  EXPECT_THAT(doc.Texts("//section[@class='report-section']/dl[@class='facts']/dt"),
              ElementsAre("Standard"));
  EXPECT_THAT(
      doc.Texts("//section[@class='method']/p"),
      ElementsAre("Drive times on OpenStreetMap roads.", "CMS time and distance standards."));
  EXPECT_THAT(
      doc.Texts("//footer[@class='credits']//li"),
      ElementsAre("© OpenStreetMap contributors", "Population: U.S. Census Bureau, 2020 Census"));
  EXPECT_THAT(doc.Texts("//footer[@class='credits']/p[@class='generated']"),
              ElementsAre("Generated by carereach analyze adequacy, 2026-12-06 12:00 UTC"));
  EXPECT_THAT(doc.Texts("//figure[@class='map']/figcaption"),
              ElementsAre("Cardiology: time to nearest", "Oncology: time to nearest"));
}

TEST(HtmlReportTest, HostileTextStaysText) {
  HtmlReport report = SampleReport();
  const std::string hostile = "<script>alert(\"x\")</script> & <img src=x onerror=alert(1)>";
  report.sections[0].tables[0].rows[0][0] = hostile;
  report.sections[0].tables[0].caption = "Caption \"quoted\" <b>";
  report.credits.push_back(hostile);
  const std::string html = RenderHtmlReport(report);
  ParsedHtml doc(html);
  ASSERT_TRUE(doc.ok());
  EXPECT_TRUE(doc.Nodes("//script").empty());
  EXPECT_TRUE(doc.Nodes("//img").empty());
  EXPECT_TRUE(doc.Nodes("//b").empty());
  EXPECT_THAT(doc.Texts("//table[@class='results']/tbody/tr[1]/td[1]"), ElementsAre(hostile));
  EXPECT_THAT(doc.Texts("//table[@class='results']/@data-caption"),
              ElementsAre("Caption \"quoted\" <b>"));
  EXPECT_THAT(doc.Texts("//footer[@class='credits']//li[3]"), ElementsAre(hostile));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
}

TEST(HtmlReportTest, InvalidUtf8BecomesReplacementCharacter) {
  HtmlReport report = SampleReport();
  report.sections[0].tables[0].rows[1][0] = "Caf\xE9 \xC3\xA9 \xED\xA0\x80 end\xF0\x9F";
  report.title = "Title \xFF";
  const std::string html = RenderHtmlReport(report);
  ParsedHtml doc(html);
  ASSERT_TRUE(doc.ok());
  // A Latin-1 byte, a surrogate (3 bytes, each replaced) and a truncated sequence (2 bytes).
  EXPECT_THAT(doc.Texts("//table[@class='results']/tbody/tr[2]/td[1]"),
              ElementsAre("Caf\uFFFD \u00E9 \uFFFD\uFFFD\uFFFD end\uFFFD\uFFFD"));
  EXPECT_THAT(doc.Texts("/html/head/title"), ElementsAre("Title \uFFFD"));
  EXPECT_THAT(html, Not(HasSubstr("\xE9 ")));
}

TEST(HtmlReportTest, FiguresWithTheSameSvgIdsDoNotCollide) {
  const std::string html = RenderHtmlReport(SampleReport());
  EXPECT_THAT(html, Not(HasSubstr("<?xml")));
  EXPECT_THAT(html, Not(HasSubstr("svg11.dtd")));
  ParsedHtml doc(html);
  ASSERT_TRUE(doc.ok());
  const std::vector<xmlNodePtr> figures = doc.Nodes("//figure[@class='map']");
  ASSERT_EQ(figures.size(), 2u);
  std::set<std::string> all_ids;
  size_t id_count = 0;
  for (xmlNodePtr figure : figures) {
    ASSERT_EQ(doc.Nodes("svg", figure).size(), 1u);
    const std::vector<std::string> ids = doc.Texts(".//@id", figure);
    EXPECT_EQ(ids.size(), 3u);  // clip1, dot, counties
    const std::set<std::string> own_ids(ids.begin(), ids.end());
    id_count += ids.size();
    all_ids.insert(ids.begin(), ids.end());
    // Every reference resolves to an id of the same figure.
    const std::vector<std::string> clips = doc.Texts(".//@clip-path", figure);
    ASSERT_EQ(clips.size(), 1u);
    ASSERT_TRUE(absl::StartsWith(clips[0], "url(#")) << clips[0];
    const std::string clip_id = clips[0].substr(5, clips[0].size() - 6);
    EXPECT_TRUE(own_ids.count(clip_id)) << clip_id;
    std::vector<std::string> hrefs = doc.Texts(".//use/@href", figure);
    for (const std::string& h : doc.Texts(".//use/@*[name()='xlink:href']", figure)) {
      hrefs.push_back(h);
    }
    ASSERT_EQ(hrefs.size(), 2u);
    for (const std::string& href : hrefs) {
      ASSERT_TRUE(absl::StartsWith(href, "#")) << href;
      EXPECT_TRUE(own_ids.count(href.substr(1))) << href;
    }
    // The text of the map is untouched.
    EXPECT_THAT(doc.Texts(".//text", figure), ElementsAre("Cook & Lake"));
  }
  EXPECT_EQ(all_ids.size(), id_count) << "an id appears in both figures";
}

TEST(HtmlReportTest, SelfContainedAndPrintable) {
  HtmlReport report = SampleReport();
  // A map that would fetch and run script if copied as is.
  report.sections[0].figures.push_back(
      {"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\" onload=\"alert(1)\">"
       "<script>alert(2)</script><image href=\"http://example.com/x.png\" width=\"5\"/>"
       "<image xlink:href='https://example.com/y.png'/><rect fill=\"url(http://e.com/p#g)\"/>"
       "<foreignObject><div>html</div></foreignObject><rect width=\"1\" height=\"1\"/></svg>",
       "hostile"});
  const std::string html = RenderHtmlReport(report);
  ParsedHtml doc(html);
  ASSERT_TRUE(doc.ok());
  EXPECT_TRUE(doc.Nodes("//script").empty());
  EXPECT_TRUE(doc.Nodes("//link").empty());
  EXPECT_TRUE(doc.Nodes("//iframe | //object | //embed").empty());
  EXPECT_TRUE(doc.Nodes("//foreignObject | //foreignobject").empty());
  EXPECT_TRUE(doc.Nodes("//@*[starts-with(name(), 'on')]").empty());
  for (xmlNodePtr attribute :
       doc.Nodes("//@src | //@href | //@*[name()='xlink:href'] | //@action | //@data")) {
    const std::string value = ParsedHtml::Text(attribute);
    EXPECT_FALSE(absl::StartsWithIgnoreCase(value, "http:") ||
                 absl::StartsWithIgnoreCase(value, "https:") || absl::StartsWith(value, "//"))
        << reinterpret_cast<const char*>(attribute->name) << "=" << value;
  }
  for (const std::string& style : doc.Texts("//@style")) {
    EXPECT_THAT(style, Not(HasSubstr("http")));
  }
  EXPECT_THAT(html, Not(HasSubstr("url(http")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
  // The hostile map kept its drawable part.
  EXPECT_EQ(doc.Nodes("(//figure)[3]/svg/rect[@width='1']").size(), 1u);

  const std::vector<std::string> styles = doc.Texts("/html/head/style");
  ASSERT_EQ(styles.size(), 1u);
  EXPECT_THAT(styles[0], HasSubstr("@media print"));
  EXPECT_THAT(styles[0], HasSubstr("break-before: page"));
  EXPECT_THAT(styles[0], HasSubstr("break-inside: avoid"));
  EXPECT_THAT(styles[0], HasSubstr("display: table-header-group"));
  EXPECT_THAT(styles[0], HasSubstr("max-width: 100%; height: auto"));
  EXPECT_THAT(doc.Texts("//meta[@http-equiv='Content-Security-Policy']/@content"),
              ElementsAre(HasSubstr("default-src 'none'")));
}

TEST(InlineSvgTest, DropsPrologAndPrefixesIdsAndReferences) {
  EXPECT_EQ(InlineSvg("<?xml version=\"1.0\"?>\n<!-- made by hand -->\n"
                      "<svg width=\"20\" height=\"10px\"><defs><clipPath id='c'/></defs>"
                      "<g clip-path=\"url(#c)\" style='fill: url(\"#c\")'/>"
                      "<use href=\"#c\"/><style>.a{fill:url(#c)}</style></svg>\n trailing",
                      "p1-"),
            "<svg width=\"20\" height=\"10px\" viewBox=\"0 0 20 10\"><defs><clipPath id=\"p1-c\"/>"
            "</defs><g clip-path=\"url(#p1-c)\" style=\"fill: url(&quot;#p1-c&quot;)\"/>"
            "<use href=\"#p1-c\"/><style>.a{fill:url(#p1-c)}</style></svg>");
}

TEST(InlineSvgTest, NotAnSvgGivesNothing) {
  EXPECT_EQ(InlineSvg("", "p"), "");
  EXPECT_EQ(InlineSvg("<html><body/></html>", "p"), "");
  EXPECT_EQ(InlineSvg("<svgx/>", "p"), "");
}

TEST(HtmlEscapeTest, EscapesMarkupAndDropsControls) {
  EXPECT_EQ(HtmlEscape("a<b>&\"c'\x01\td"), "a&lt;b&gt;&amp;&quot;c&#39;\td");
}

TEST(WriteHtmlReportTest, WritesFileAndLeavesNoPartial) {
  const std::string path = ::testing::TempDir() + "/html_report_test.html";
  std::remove(path.c_str());
  ASSERT_TRUE(WriteHtmlReport(SampleReport(), path).ok());
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_EQ(content.str(), RenderHtmlReport(SampleReport()));
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
}

TEST(WriteHtmlReportTest, UnwritablePathIsNamed) {
  const std::string path = ::testing::TempDir() + "/no/such/dir/report.html";
  const absl::Status status = WriteHtmlReport(SampleReport(), path);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_THAT(status.message(), HasSubstr(path));
  EXPECT_THAT(status.message(), HasSubstr("--html"));
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace carereach::cli
