// EvaluateAdequacy answers as tables, CSV, JSON and GeoJSON (output.h).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "clients/cli/output.h"

namespace carereach::cli {

using nlohmann::ordered_json;
namespace {

using carereach::v1::CountySpecialtyResult;

constexpr size_t kSpecialtyNameWidth = 26;

std::string Share6(double share) { return absl::StrFormat("%.6f", share); }

std::string PassFail(bool pass) { return pass ? "PASS" : "FAIL"; }

std::string Truncated(absl::string_view text, size_t width) {
  if (text.size() <= width) return std::string(text);
  return absl::StrCat(text.substr(0, width - 3), "...");
}

// "+10" for a 0.10 telehealth credit, "" for none.
std::string CreditLabel(double credit) {
  if (credit <= 0) return "";
  return absl::StrCat("+", TrimmedNumber(credit * 100.0, 1));
}

bool IsDrive(const carereach::v1::AdequacySummary& summary) {
  return summary.mode() == carereach::v1::TRAVEL_MODE_DRIVE;
}

constexpr absl::string_view kAdequacyCsvHeader =
    "county_fips,county_name,state,county_designation,specialty_code,specialty_name,facility,"
    "max_minutes,max_miles,beneficiaries,beneficiaries_with_access,share_with_access,"
    "required_share,telehealth_credit,time_distance_pass,minimum_number,counted,"
    "minimum_number_pass,minimum_number_deficit,pass,providers_serving,uncovered_beneficiaries,"
    "uncovered_unit_ids\n";

absl::string_view Bool(bool value) { return value ? "true" : "false"; }

ordered_json ResultJson(const CountySpecialtyResult& r) {
  ordered_json json = {
      {"county_fips", r.county_fips()},
      {"county_name", r.county_name()},
      {"state", r.state()},
      {"county_designation", r.county_designation()},
      {"specialty_code", r.specialty_code()},
      {"specialty_name", r.specialty_name()},
      {"facility", r.facility()},
      {"max_minutes", JsonNumber(r.max_minutes())},
      {"max_miles", JsonNumber(r.max_miles())},
      {"beneficiaries", r.beneficiaries()},
      {"beneficiaries_with_access", JsonNumber(Rounded3(r.beneficiaries_with_access()))},
      {"share_with_access", r.share_with_access()},
      {"required_share", r.required_share()},
      {"telehealth_credit", r.telehealth_credit()},
      {"time_distance_pass", r.time_distance_pass()},
      {"minimum_number", r.minimum_number()},
      {"counted", JsonNumber(Rounded3(r.counted()))},
      {"minimum_number_pass", r.minimum_number_pass()},
      {"minimum_number_deficit", JsonNumber(Rounded3(r.minimum_number_deficit()))},
      {"pass", r.pass()},
      {"providers_serving", r.providers_serving()},
      {"uncovered_beneficiaries", JsonNumber(Rounded3(r.uncovered_beneficiaries()))},
  };
  ordered_json ids = ordered_json::array();
  for (const std::string& id : r.uncovered_unit_ids()) ids.push_back(id);
  json["uncovered_unit_ids"] = std::move(ids);
  return json;
}

}  // namespace

std::vector<CountySpecialtyResult> FailingFirst(const std::vector<CountySpecialtyResult>& results) {
  std::vector<CountySpecialtyResult> ordered = results;
  std::stable_partition(ordered.begin(), ordered.end(),
                        [](const CountySpecialtyResult& r) { return !r.pass(); });
  return ordered;
}

std::vector<std::pair<std::string, std::string>> AdequacyHeaderRows(
    const carereach::v1::AdequacySummary& summary) {
  std::vector<std::pair<std::string, std::string>> rows;
  rows.emplace_back("region", summary.region());
  rows.emplace_back("standards set", summary.standards_set());
  std::string mode(ModeName(summary.mode()));
  if (IsDrive(summary) && !summary.speed_profile().empty()) {
    absl::StrAppend(&mode, ", speed profile ", summary.speed_profile());
  }
  rows.emplace_back("mode", mode);
  rows.emplace_back("roster rows", WithThousands(summary.roster_rows()));
  // Rows that do not count (42 CFR 422.116(a)(3)): each with its reason.
  for (int i = 0; i < summary.excluded_providers_size(); ++i) {
    const carereach::v1::ExcludedProvider& e = summary.excluded_providers(i);
    std::string who =
        absl::StrCat(e.name().empty() ? e.id() : absl::StrCat(e.name(), " (", e.id(), ")"), " ",
                     e.specialty_code());
    if (!e.network().empty()) absl::StrAppend(&who, ", ", e.network());
    rows.emplace_back(i == 0 ? "not counted" : "", absl::StrCat(who, ": ", e.reason()));
  }
  rows.emplace_back("beneficiaries", summary.beneficiary_method());
  if (IsDrive(summary)) rows.emplace_back("road data", AttributionOr(summary.attribution()));
  rows.emplace_back("computed in", absl::StrFormat("%.0f ms", summary.compute_ms()));
  return rows;
}

TextTable AdequacyResultsTable(const std::vector<const CountySpecialtyResult*>& results,
                               absl::string_view extra_title,
                               const std::vector<std::string>& extra) {
  std::vector<std::string> titles = {"fips",    "county",  "designation", "code",    "specialty",
                                     "max min", "max mi",  "% access",    "req %",   "credit",
                                     "T/D",     "min req", "counted",     "deficit", "result"};
  std::vector<bool> right = {false, false, false, false, false, true, true, true,
                             true,  true,  false, true,  true,  true, false};
  if (!extra_title.empty()) {
    titles.emplace_back(extra_title);
    right.push_back(false);
  }
  TextTable table(std::move(titles), std::move(right));
  for (size_t i = 0; i < results.size(); ++i) {
    const CountySpecialtyResult& r = *results[i];
    std::vector<std::string> row = {r.county_fips(),
                                    r.county_name(),
                                    r.county_designation(),
                                    r.specialty_code(),
                                    Truncated(r.specialty_name(), kSpecialtyNameWidth),
                                    TrimmedNumber(r.max_minutes(), 1),
                                    TrimmedNumber(r.max_miles(), 1),
                                    absl::StrFormat("%.1f", r.share_with_access() * 100),
                                    TrimmedNumber(r.required_share() * 100, 1),
                                    CreditLabel(r.telehealth_credit()),
                                    PassFail(r.time_distance_pass()),
                                    absl::StrCat(r.minimum_number()),
                                    absl::StrFormat("%.0f", r.counted()),
                                    absl::StrFormat("%.0f", std::ceil(r.minimum_number_deficit())),
                                    PassFail(r.pass())};
    if (!extra_title.empty()) row.push_back(i < extra.size() ? extra[i] : "");
    table.AddRow(std::move(row), /*flagged=*/!r.pass());
  }
  return table;
}

std::string AdequacyTable(const AdequacyReport& report) {
  const carereach::v1::AdequacySummary& summary = report.summary;
  const std::vector<CountySpecialtyResult> ordered = FailingFirst(report.results);
  std::vector<const CountySpecialtyResult*> rows;
  int64_t failing = 0;
  for (const CountySpecialtyResult& r : ordered) {
    if (!r.pass()) ++failing;
    rows.push_back(&r);
  }
  std::string out =
      absl::StrCat("Specialty Summary by County\n", KeyValueText(AdequacyHeaderRows(summary)), "\n",
                   AdequacyResultsTable(rows).Render(), "\n", failing, " of ",
                   report.results.size(), " county x specialty results fail\n");
  if (IsDrive(summary)) absl::StrAppend(&out, AttributionLine(summary.attribution()));
  return out;
}

std::string AdequacyCsvHeader() { return std::string(kAdequacyCsvHeader); }

std::string AdequacyCsvFields(const CountySpecialtyResult& r) {
  std::string out;
  absl::StrAppend(&out, CsvField(r.county_fips()), ",", CsvField(r.county_name()), ",",
                  CsvField(r.state()), ",", CsvField(r.county_designation()), ",",
                  CsvField(r.specialty_code()), ",", CsvField(r.specialty_name()), ",",
                  Bool(r.facility()), ",", TrimmedNumber(r.max_minutes(), 3), ",",
                  TrimmedNumber(r.max_miles(), 3), ",", r.beneficiaries(), ",");
  absl::StrAppend(&out, TrimmedNumber(r.beneficiaries_with_access(), 3), ",",
                  Share6(r.share_with_access()), ",", Share6(r.required_share()), ",",
                  Share6(r.telehealth_credit()), ",", Bool(r.time_distance_pass()), ",",
                  r.minimum_number(), ",", TrimmedNumber(r.counted(), 3), ",",
                  Bool(r.minimum_number_pass()), ",", TrimmedNumber(r.minimum_number_deficit(), 3),
                  ",", Bool(r.pass()), ",", r.providers_serving(), ",");
  absl::StrAppend(&out, TrimmedNumber(r.uncovered_beneficiaries(), 3), ",",
                  CsvField(absl::StrJoin(r.uncovered_unit_ids(), ";")));
  return out;
}

std::string AdequacyCsv(const AdequacyReport& report) {
  std::string out(kAdequacyCsvHeader);
  for (const CountySpecialtyResult& r : FailingFirst(report.results)) {
    absl::StrAppend(&out, AdequacyCsvFields(r), "\n");
  }
  return out;
}

ordered_json AdequacyJson(const AdequacyReport& report) {
  const carereach::v1::AdequacySummary& s = report.summary;
  ordered_json summary = {
      {"region", s.region()},
      {"standards_set", s.standards_set()},
      {"mode", ModeName(s.mode())},
      {"counties", s.counties()},
      {"specialty_types", s.specialty_types()},
      {"results", s.results()},
      {"failing_results", s.failing_results()},
      {"roster_rows", s.roster_rows()},
      {"beneficiary_method", s.beneficiary_method()},
      {"speed_profile", s.speed_profile()},
      {"attribution", IsDrive(s) ? AttributionOr(s.attribution()) : s.attribution()},
      {"compute_ms", JsonNumber(Rounded3(s.compute_ms()))},
  };
  ordered_json results = ordered_json::array();
  for (const CountySpecialtyResult& r : FailingFirst(report.results)) {
    results.push_back(ResultJson(r));
  }
  return {{"region", s.region()},          {"standards_set", s.standards_set()},
          {"mode", ModeName(s.mode())},    {"beneficiary_method", s.beneficiary_method()},
          {"summary", std::move(summary)}, {"results", std::move(results)}};
}

ordered_json UncoveredGeoJson(const AdequacyReport& report, const TractCentres& centres,
                              int64_t* missing) {
  *missing = 0;
  ordered_json features = ordered_json::array();
  for (const CountySpecialtyResult& r : FailingFirst(report.results)) {
    for (const std::string& unit_id : r.uncovered_unit_ids()) {
      ordered_json geometry = nullptr;
      if (auto it = centres.find(unit_id); it != centres.end()) {
        geometry = {{"type", "Point"}, {"coordinates", {it->second.lon, it->second.lat}}};
      } else {
        ++*missing;
      }
      features.push_back({{"type", "Feature"},
                          {"geometry", std::move(geometry)},
                          {"properties",
                           {{"county_fips", r.county_fips()},
                            {"specialty_code", r.specialty_code()},
                            {"unit_id", unit_id}}}});
    }
  }
  return {{"type", "FeatureCollection"}, {"features", std::move(features)}};
}

}  // namespace carereach::cli
