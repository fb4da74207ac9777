// --html reports built from the answers (html_pages.h).
#include "clients/cli/html_pages.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/cli/contracting_output.h"
#include "geo/core/status_macros.h"

namespace carereach::cli {
namespace {

using carereach::v1::AllianceAdequacyResult;
using carereach::v1::RenderMapResponse;

// The population credit every report has (its residents or beneficiaries are Census tracts).
constexpr char kPopulationCredit[] =
    "Population: U.S. Census Bureau, 2020 Census tract centres of population";

// The credits of the maps, each once, in order; the population credit and (drive) the road
// data's when no map brought them.
std::vector<std::string> Credits(const RenderMapResponse& maps, bool drive,
                                 absl::string_view attribution) {
  std::vector<std::string> credits;
  auto add = [&credits](const std::string& credit) {
    if (std::find(credits.begin(), credits.end(), credit) == credits.end()) {
      credits.push_back(credit);
    }
  };
  for (const carereach::v1::RenderedMap& map : maps.maps()) {
    for (const std::string& credit : map.credits()) add(credit);
  }
  if (credits.empty()) add(kPopulationCredit);
  if (drive) add(AttributionOr(attribution));
  return credits;
}

// The maps' method lines, each once.
std::vector<std::string> MapMethods(const RenderMapResponse& maps) {
  std::vector<std::string> methods;
  for (const carereach::v1::RenderedMap& map : maps.maps()) {
    if (!map.method().empty() &&
        std::find(methods.begin(), methods.end(), map.method()) == methods.end()) {
      methods.push_back(map.method());
    }
  }
  return methods;
}

void AddMapSection(const RenderMapResponse& maps, HtmlReport& report) {
  std::vector<HtmlFigure> figures = MapFigures(maps);
  if (figures.empty()) return;
  HtmlSection section;
  section.heading = figures.size() > 1 ? "Maps" : "Map";
  section.figures = std::move(figures);
  report.sections.push_back(std::move(section));
}

bool IsDrive(carereach::v1::TravelMode mode) { return mode == carereach::v1::TRAVEL_MODE_DRIVE; }

}  // namespace

HtmlTable HtmlTableOf(std::string caption, const TextTable& table) {
  HtmlTable html;
  html.caption = std::move(caption);
  html.header = table.header();
  html.right_aligned = table.right_aligned();
  for (size_t i = 0; i < table.row_count(); ++i) {
    html.rows.push_back(table.row(i));
    html.failing.push_back(table.flagged(i));
  }
  return html;
}

std::vector<HtmlFigure> MapFigures(const RenderMapResponse& maps) {
  std::vector<HtmlFigure> figures;
  for (const carereach::v1::RenderedMap& map : maps.maps()) {
    if (map.content_type() != "image/svg+xml") continue;
    std::vector<std::string> legend;
    for (const carereach::v1::LegendEntry& entry : map.legend()) legend.push_back(entry.label());
    figures.push_back({.svg = map.image(),
                       .caption = absl::StrCat(map.title(), legend.empty() ? "" : ". Legend: ",
                                               absl::StrJoin(legend, "; "),
                                               ". Projection: ", map.projection_name(), ".")});
  }
  return figures;
}

carereach::v1::MapOptions CoverageMapOptions() {
  carereach::v1::MapOptions options;
  options.set_format(carereach::v1::MAP_FORMAT_SVG);
  options.set_width_px(1000);
  options.set_height_px(750);
  return options;
}

std::vector<carereach::v1::MapOptions> AdequacyMapOptions(
    const carereach::v1::AdequacyReport& report, int limit) {
  // Failing counties per type, and the order types first appear in (the standards' order).
  std::map<std::string, int> failing;
  std::vector<std::string> order;
  for (const AllianceAdequacyResult& r : report.results()) {
    const std::string& code = r.result().specialty_code();
    if (r.result().pass()) continue;
    if (failing[code]++ == 0) order.push_back(code);
  }
  std::stable_sort(
      order.begin(), order.end(),
      [&failing](const std::string& a, const std::string& b) { return failing[a] > failing[b]; });
  if (order.size() > static_cast<size_t>(limit)) order.resize(limit);
  if (order.empty()) order.emplace_back();  // the server's choice
  std::vector<carereach::v1::MapOptions> options;
  for (const std::string& code : order) {
    carereach::v1::MapOptions o = CoverageMapOptions();
    o.set_specialty_code(code);
    options.push_back(std::move(o));
  }
  return options;
}

std::string GeneratedLine(absl::string_view command_name) {
  return absl::StrCat("carereach ", command_name, ", ",
                      absl::FormatTime("%Y-%m-%d %H:%M UTC", absl::Now(), absl::UTCTimeZone()));
}

HtmlReport CoverageHtml(const carereach::v1::AnalyzeCoverageResponse& response,
                        const RenderMapResponse& maps, absl::string_view generated) {
  HtmlReport report;
  const bool alliance = response.members_size() > 0;
  report.title = absl::StrCat(alliance ? "Alliance coverage" : "Coverage", ", ", response.region());
  report.summary = AnalyzeCoverageHeaderRows(response);
  report.generated = std::string(generated);

  HtmlSection shares;
  shares.heading =
      alliance ? absl::StrCat("Alliance of ", response.members_size(), " members") : "Coverage";
  shares.tables.push_back(HtmlTableOf("share of residents within each threshold",
                                      ThresholdTable(response.results(), /*tracts=*/false)));
  report.sections.push_back(std::move(shares));
  AddMapSection(maps, report);
  if (alliance) {
    HtmlSection members;
    members.heading = "What each member contributes";
    members.paragraphs.push_back(std::string(kMemberCoverageNote));
    members.tables.push_back(HtmlTableOf("members", MemberCoverageTable(response)));
    report.sections.push_back(std::move(members));
  }
  if (response.counties_size() > 0) {
    HtmlSection counties;
    counties.heading = "Counties";
    counties.tables.push_back(
        HtmlTableOf(std::string(kCountyCoverageTitle),
                    CountyCoverageTable(response.results(), response.counties())));
    report.sections.push_back(std::move(counties));
  }
  std::vector<std::string> method = {
      ModeDescription(response.mode(), response.straight_line(), response.speed_profile())};
  for (std::string& line : MapMethods(maps)) method.push_back(std::move(line));
  report.method = absl::StrJoin(method, "\n");
  report.credits = Credits(maps, IsDrive(response.mode()), response.attribution());
  return report;
}

HtmlReport AdequacyHtml(const carereach::v1::AdequacyReport& result, bool failing_only,
                        const RenderMapResponse& maps, absl::string_view generated) {
  const carereach::v1::AnalyzeAdequacySummary& summary = result.summary();
  HtmlReport report;
  report.title = absl::StrCat("Network adequacy, ", summary.summary().region());
  report.summary = AllianceAdequacyHeaderRows(summary);
  report.generated = std::string(generated);

  HtmlSection results;
  results.heading = "Specialty Summary by County";
  results.paragraphs.push_back(FailingCountLine(result, failing_only));
  results.tables.push_back(HtmlTableOf("Specialty Summary by County (failing first)",
                                       AllianceResultsTable(result, failing_only)));
  report.sections.push_back(std::move(results));
  AddMapSection(maps, report);
  if (HasExceptionEvidence(result)) {
    HtmlSection evidence;
    evidence.heading = "Exception evidence";
    evidence.paragraphs.push_back(kExceptionEvidenceNote);
    for (const AllianceAdequacyResult& r : result.results()) {
      if (!r.has_exception_evidence()) continue;
      if (r.exception_evidence().nearest_size() == 0) {
        evidence.paragraphs.push_back(EvidenceHeading(r));
        continue;
      }
      evidence.tables.push_back(
          HtmlTableOf(EvidenceHeading(r), NearestSupplyTable(r.exception_evidence())));
    }
    report.sections.push_back(std::move(evidence));
  }
  if (result.servicing_providers().providers_size() > 0) {
    HtmlSection servicing;
    servicing.heading = "Servicing Provider Report";
    servicing.paragraphs.push_back(
        "Per roster row: the counties it serves within both the time and the distance standard "
        "of its type, the beneficiaries it serves there, and whether it counts toward the "
        "county's minimum number (docs/CMS.md section 14).");
    servicing.tables.push_back(HtmlTableOf("Servicing Provider Report",
                                           ServicingProvidersTable(result.servicing_providers())));
    report.sections.push_back(std::move(servicing));
  }
  if (IsAlliance(summary)) {
    HtmlSection members;
    members.heading = "Members";
    members.paragraphs.push_back(MemberAdequacyNote(result.results_size()));
    members.tables.push_back(HtmlTableOf("members", MemberAdequacyTable(summary)));
    report.sections.push_back(std::move(members));
  }
  // The maps' method lines already say how beneficiaries are counted; without a map, the
  // summary's line says it.
  std::vector<std::string> method = MapMethods(maps);
  const std::string& beneficiaries = summary.summary().beneficiary_method();
  const bool said = std::any_of(method.begin(), method.end(), [&](const std::string& line) {
    return absl::StrContains(line, beneficiaries);
  });
  if (!beneficiaries.empty() && !said) {
    method.insert(method.begin(), absl::StrCat("Beneficiaries: ", beneficiaries));
  }
  report.method = absl::StrJoin(method, "\n");
  report.credits =
      Credits(maps, IsDrive(summary.summary().mode()), summary.summary().attribution());
  const bool standards_credited =
      std::any_of(report.credits.begin(), report.credits.end(),
                  [](const std::string& credit) { return absl::StartsWith(credit, "Standards:"); });
  if (!standards_credited) {
    report.credits.push_back(absl::StrCat("Standards: CMS HSD reference file (",
                                          summary.summary().standards_set(), ")"));
  }
  return report;
}

HtmlReport RecommendHtml(const carereach::v1::RecommendAdditionsRequest& request,
                         const carereach::v1::RecommendAdditionsResponse& response,
                         absl::string_view generated) {
  HtmlReport report;
  report.title = absl::StrCat("Recommended additions, ", response.region());
  report.summary = RecommendHeaderRows(request, response);
  report.generated = std::string(generated);
  HtmlSection picks;
  picks.heading = "Recommended additions";
  if (response.picks_size() == 0) {
    picks.paragraphs.push_back("no additions picked");
  } else {
    picks.tables.push_back(
        HtmlTableOf("picks, in the order chosen", RecommendPicksTable(response)));
  }
  report.sections.push_back(std::move(picks));
  report.method = response.method();
  report.credits = Credits(RenderMapResponse(), IsDrive(response.mode()), "");
  return report;
}

absl::StatusOr<HtmlReport> SavedReportHtml(const carereach::v1::Report& saved,
                                           const RenderMapResponse& maps,
                                           absl::string_view generated) {
  HtmlReport report;
  auto unpack = [&saved](google::protobuf::Message& message) -> absl::Status {
    if (!saved.result().UnpackTo(&message)) {
      return absl::DataLossError(absl::StrCat(
          "report ", saved.report_id(), ": the result does not parse as ", message.GetTypeName()));
    }
    return absl::OkStatus();
  };
  if (saved.result().Is<carereach::v1::AnalyzeCoverageResponse>()) {
    carereach::v1::AnalyzeCoverageResponse response;
    RETURN_IF_ERROR(unpack(response));
    report = CoverageHtml(response, maps, generated);
  } else if (saved.result().Is<carereach::v1::AdequacyReport>()) {
    carereach::v1::AdequacyReport result;
    RETURN_IF_ERROR(unpack(result));
    report = AdequacyHtml(result, /*failing_only=*/false, maps, generated);
  } else if (saved.result().Is<carereach::v1::RecommendAdditionsResponse>()) {
    carereach::v1::RecommendAdditionsResponse response;
    RETURN_IF_ERROR(unpack(response));
    carereach::v1::RecommendAdditionsRequest request;
    saved.request().UnpackTo(&request);
    report = RecommendHtml(request, response, generated);
  } else {
    ASSIGN_OR_RETURN(const std::string text, ReportTable(saved));
    report.title = absl::StrCat("Report ", saved.report_id());
    report.generated = std::string(generated);
    HtmlSection section;
    section.heading = saved.kind();
    section.paragraphs.push_back(text);
    report.sections.push_back(std::move(section));
    report.credits = Credits(maps, saved.mode() == "DRIVE", "");
  }
  // The saved report's own metadata leads the summary.
  std::vector<std::pair<std::string, std::string>> meta = {
      {"report", saved.report_id()},
      {"title", saved.title()},
      {"saved", TimestampText(saved.create_time())}};
  report.summary.insert(report.summary.begin(), meta.begin(), meta.end());
  if (!saved.title().empty()) report.title = saved.title();
  return report;
}

}  // namespace carereach::cli
