#include "clients/cli/contracting_output.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "clients/cli/output.h"
#include "clients/cli/roster_csv.h"

namespace carereach::cli {
namespace {

using carereach::v1::AllianceAdequacyResult;
using carereach::v1::AnalyzeCoverageResponse;
using carereach::v1::NetworkProvider;
using carereach::v1::ThresholdCoverage;
using KeyValues = std::vector<std::pair<std::string, std::string>>;
using nlohmann::ordered_json;

std::string Share6(double share) { return absl::StrFormat("%.6f", share); }

std::string Rounded(double value) { return WithThousands(std::llround(value)); }

bool IsDriveMode(carereach::v1::TravelMode mode) {
  return mode == carereach::v1::TRAVEL_MODE_DRIVE;
}

// "networks" rows of a header block: the first row keyed, the others with an empty key.
void AddNetworkRows(const google::protobuf::RepeatedPtrField<carereach::v1::ResolvedNetwork>& nets,
                    KeyValues& rows) {
  for (int i = 0; i < nets.size(); ++i) {
    rows.emplace_back(i > 0 ? "" : (nets.size() > 1 ? "networks" : "network"),
                      ResolvedNetworkText(nets[i]));
  }
}

void AddNetworkRow(const carereach::v1::ResolvedNetwork& network, KeyValues& rows) {
  rows.emplace_back("network", ResolvedNetworkText(network));
}

std::string IdList(const google::protobuf::RepeatedPtrField<std::string>& ids) {
  return ShortIdList({ids.begin(), ids.end()});
}

std::string ThresholdKind(const ThresholdCoverage& t) {
  return t.has_max_miles() ? "miles" : "minutes";
}

std::string ThresholdValue(const ThresholdCoverage& t) {
  return absl::StrCat(t.has_max_miles() ? t.max_miles() : t.max_minutes());
}

}  // namespace

bool IsAlliance(const carereach::v1::AnalyzeAdequacySummary& summary) {
  return summary.networks_size() > 1 || summary.members_size() > 1;
}

KeyValues AnalyzeCoverageHeaderRows(const AnalyzeCoverageResponse& response) {
  KeyValues rows = {{"region", response.region()},
                    {"mode", ModeDescription(response.mode(), response.straight_line(),
                                             response.speed_profile())}};
  AddNetworkRows(response.networks(), rows);
  rows.emplace_back("population", WithThousands(response.total_population()));
  if (IsDriveMode(response.mode())) {
    for (auto& row : UnsnappedRows(response.unsnapped_units(), response.unsnapped_population(),
                                   response.unsnapped_facility_ids())) {
      rows.push_back(std::move(row));
    }
  }
  if (!response.report_id().empty()) rows.emplace_back("report", response.report_id());
  rows.emplace_back("computed in", absl::StrFormat("%.0f ms", response.compute_ms()));
  return rows;
}

std::vector<std::vector<int64_t>> WholeFairShares(const AnalyzeCoverageResponse& response) {
  const int members = response.members_size();
  std::vector<std::vector<int64_t>> whole(members, std::vector<int64_t>(response.results_size()));
  for (int i = 0; i < response.results_size(); ++i) {
    // Largest remainders: floor every share, then give the residents left over to the largest
    // fractional parts, so that the whole numbers still add up to the rounded total.
    double total = 0;
    std::vector<std::pair<double, int>> remainders;
    int64_t floors = 0;
    for (int m = 0; m < members; ++m) {
      const auto& shares = response.members(m).fair_share_population();
      const double x = i < shares.size() ? shares[i] : 0.0;
      total += x;
      whole[m][i] = static_cast<int64_t>(std::floor(x));
      floors += whole[m][i];
      remainders.emplace_back(-(x - std::floor(x)), m);
    }
    std::sort(remainders.begin(), remainders.end());
    int64_t left = std::llround(total) - floors;
    for (size_t r = 0; r < remainders.size() && left > 0; ++r, --left) {
      ++whole[remainders[r].second][i];
    }
  }
  return whole;
}

TextTable MemberCoverageTable(const AnalyzeCoverageResponse& response) {
  TextTable members({"member", "threshold", "alone", "without", "loss if leaves", "gain by joining",
                     "fair share"},
                    {false, false, true, true, true, true, true});
  const std::vector<std::vector<int64_t>> fair = WholeFairShares(response);
  for (int m_index = 0; m_index < response.members_size(); ++m_index) {
    const carereach::v1::MemberCoverage& m = response.members(m_index);
    for (int i = 0; i < response.results_size(); ++i) {
      auto share = [&](const google::protobuf::RepeatedPtrField<ThresholdCoverage>& list) {
        return i < list.size() ? Percent(list[i].share()) : "";
      };
      auto count = [&](const google::protobuf::RepeatedField<int64_t>& list) {
        return i < list.size() ? WithThousands(list[i]) : "";
      };
      members.AddRow({m.label(), ThresholdLabel(response.results(i)), share(m.alone()),
                      share(m.without()), count(m.loss_if_leaves()), count(m.gain_by_joining()),
                      i < m.fair_share_population_size() ? WithThousands(fair[m_index][i]) : ""});
    }
  }
  return members;
}

std::string AnalyzeCoverageTable(const AnalyzeCoverageResponse& response, bool counties) {
  const bool alliance = response.members_size() > 0;
  std::string out = absl::StrCat(
      KeyValueText(AnalyzeCoverageHeaderRows(response)), "\n",
      alliance ? absl::StrCat("alliance of ", response.members_size(), " members\n") : "",
      ThresholdTable(response.results(), /*tracts=*/false).Render());
  if (alliance) {
    absl::StrAppend(&out, "\n", kMemberCoverageNote, "\n", MemberCoverageTable(response).Render());
  }
  if (counties) {
    absl::StrAppend(&out, "\n", kCountyCoverageTitle, "\n",
                    CountyCoverageTable(response.results(), response.counties()).Render());
  }
  if (IsDriveMode(response.mode()))
    absl::StrAppend(&out, "\n", AttributionLine(response.attribution()));
  return out;
}

std::string AnalyzeCoverageCsv(const AnalyzeCoverageResponse& response) {
  std::string out =
      "scope,label,fips,name,threshold_kind,threshold,total_population,covered_population,share,"
      "without_covered_population,without_share,loss_if_leaves,gain_by_joining,"
      "fair_share_population\n";
  auto line = [&](absl::string_view scope, absl::string_view label, absl::string_view fips,
                  absl::string_view name, const ThresholdCoverage& t, int64_t total) {
    absl::StrAppend(&out, scope, ",", CsvField(label), ",", CsvField(fips), ",", CsvField(name),
                    ",", ThresholdKind(t), ",", ThresholdValue(t), ",", total, ",",
                    t.covered_population(), ",", Share6(t.share()));
  };
  for (const ThresholdCoverage& t : response.results()) {
    line("region", "", "", response.region(), t, response.total_population());
    absl::StrAppend(&out, ",,,,,\n");
  }
  for (const carereach::v1::CountyCoverage& county : response.counties()) {
    for (const ThresholdCoverage& t : county.results()) {
      line("county", "", county.fips(), county.name(), t, county.total_population());
      absl::StrAppend(&out, ",,,,,\n");
    }
  }
  for (const carereach::v1::MemberCoverage& m : response.members()) {
    for (int i = 0; i < m.alone_size() && i < response.results_size(); ++i) {
      line("member", m.label(), "", response.region(), m.alone(i), response.total_population());
      if (i < m.without_size()) {
        absl::StrAppend(&out, ",", m.without(i).covered_population(), ",",
                        Share6(m.without(i).share()));
      } else {
        absl::StrAppend(&out, ",,");
      }
      absl::StrAppend(
          &out, ",", i < m.loss_if_leaves_size() ? absl::StrCat(m.loss_if_leaves(i)) : "", ",",
          i < m.gain_by_joining_size() ? absl::StrCat(m.gain_by_joining(i)) : "", ",",
          i < m.fair_share_population_size() ? absl::StrFormat("%.3f", m.fair_share_population(i))
                                             : "",
          "\n");
    }
  }
  return out;
}

carereach::v1::AdequacyReport OrderedAdequacyReport(const carereach::v1::AdequacyReport& report,
                                                    bool failing_only) {
  carereach::v1::AdequacyReport ordered;
  *ordered.mutable_summary() = report.summary();
  *ordered.mutable_servicing_providers() = report.servicing_providers();
  for (const AllianceAdequacyResult& r : report.results()) {
    if (!r.result().pass()) *ordered.add_results() = r;
  }
  if (!failing_only) {
    for (const AllianceAdequacyResult& r : report.results()) {
      if (r.result().pass()) *ordered.add_results() = r;
    }
  }
  return ordered;
}

KeyValues AllianceAdequacyHeaderRows(const carereach::v1::AnalyzeAdequacySummary& summary) {
  KeyValues rows = AdequacyHeaderRows(summary.summary());
  // The networks and the report id go before "computed in", the last row.
  KeyValues extra;
  AddNetworkRows(summary.networks(), extra);
  if (!summary.report_id().empty()) extra.emplace_back("report", summary.report_id());
  rows.insert(rows.end() - 1, extra.begin(), extra.end());
  return rows;
}

TextTable AllianceResultsTable(const carereach::v1::AdequacyReport& report, bool failing_only) {
  const carereach::v1::AdequacyReport ordered = OrderedAdequacyReport(report, failing_only);
  std::vector<const carereach::v1::CountySpecialtyResult*> results;
  std::vector<std::string> critical;
  for (const AllianceAdequacyResult& r : ordered.results()) {
    results.push_back(&r.result());
    critical.push_back(absl::StrJoin(r.critical_members(), ", "));
  }
  return IsAlliance(report.summary()) ? AdequacyResultsTable(results, "critical members", critical)
                                      : AdequacyResultsTable(results);
}

TextTable MemberAdequacyTable(const carereach::v1::AnalyzeAdequacySummary& summary) {
  TextTable members({"member", "alone passing", "without passing", "critical results"},
                    {false, true, true, true});
  for (const carereach::v1::MemberAdequacySummary& m : summary.members()) {
    members.AddRow({m.label(), absl::StrCat(m.alone_passing()), absl::StrCat(m.without_passing()),
                    absl::StrCat(m.critical_results())});
  }
  return members;
}

std::string MemberAdequacyNote(int results) {
  return absl::StrCat("members (of ", results,
                      " results: passing with the member alone, passing without it, and those it "
                      "is critical to: they pass with it and fail without it)");
}

std::string FailingCountLine(const carereach::v1::AdequacyReport& report, bool failing_only) {
  int64_t failing = 0;
  for (const AllianceAdequacyResult& r : report.results()) failing += r.result().pass() ? 0 : 1;
  return absl::StrCat(
      failing, " of ", report.results_size(), " county x specialty results fail",
      failing_only && failing < report.results_size() ? " (passing results not shown)" : "");
}

bool HasExceptionEvidence(const carereach::v1::AdequacyReport& report) {
  for (const AllianceAdequacyResult& r : report.results()) {
    if (r.has_exception_evidence()) return true;
  }
  return false;
}

const char kExceptionEvidenceNote[] =
    "Exception evidence (failing results: providers of the type in the supply whose id is not in "
    "the network, nearest to the county's beneficiaries; within standard = within both the time "
    "and the distance standard of at least one)";

std::string EvidenceHeading(const AllianceAdequacyResult& result) {
  const carereach::v1::CountySpecialtyResult& r = result.result();
  const carereach::v1::ExceptionEvidence& e = result.exception_evidence();
  // "Hampden, MA (25013), 040 Acute Inpatient Hospital, 45 min / 30 mi".
  return absl::StrCat(r.county_name(), ", ", r.state(), " (", r.county_fips(), "), ",
                      r.specialty_code(), " ", r.specialty_name(), ", ",
                      TrimmedNumber(r.max_minutes(), 1), " min / ", TrimmedNumber(r.max_miles(), 1),
                      " mi: ", e.verdict(), " (", WithThousands(e.supply_of_type()),
                      " of the type in the supply)");
}

TextTable NearestSupplyTable(const carereach::v1::ExceptionEvidence& evidence) {
  TextTable nearest({"provider", "id", "minutes", "miles", "within standard"},
                    {false, false, true, true, false});
  for (const carereach::v1::SupplyProvider& p : evidence.nearest()) {
    nearest.AddRow({p.provider().name(), p.provider().id(), TrimmedNumber(p.minutes(), 1),
                    TrimmedNumber(p.miles(), 1), p.within_standard() ? "yes" : "no"});
  }
  return nearest;
}

std::string ExceptionEvidenceText(const carereach::v1::AdequacyReport& report) {
  std::string out = absl::StrCat(kExceptionEvidenceNote, "\n");
  for (const AllianceAdequacyResult& r : report.results()) {
    if (!r.has_exception_evidence()) continue;
    absl::StrAppend(&out, "\n", EvidenceHeading(r), "\n");
    if (r.exception_evidence().nearest_size() == 0) continue;
    absl::StrAppend(&out, NearestSupplyTable(r.exception_evidence()).Render());
  }
  return out;
}

// "name (id) 12.3 min 8.1 mi within" entries, separated by ';'.
std::string NearestSupplyField(const carereach::v1::ExceptionEvidence& e) {
  std::vector<std::string> entries;
  for (const carereach::v1::SupplyProvider& p : e.nearest()) {
    entries.push_back(absl::StrCat(
        p.provider().name(), " (", p.provider().id(), ") ", TrimmedNumber(p.minutes(), 1), " min ",
        TrimmedNumber(p.miles(), 1), " mi ", p.within_standard() ? "within" : "outside"));
  }
  return absl::StrJoin(entries, ";");
}

std::string AllianceAdequacyTable(const carereach::v1::AdequacyReport& report, bool failing_only) {
  const carereach::v1::AnalyzeAdequacySummary& summary = report.summary();
  std::string out = absl::StrCat("Specialty Summary by County\n",
                                 KeyValueText(AllianceAdequacyHeaderRows(summary)), "\n",
                                 AllianceResultsTable(report, failing_only).Render(), "\n",
                                 FailingCountLine(report, failing_only), "\n");
  if (HasExceptionEvidence(report)) absl::StrAppend(&out, "\n", ExceptionEvidenceText(report));
  if (IsAlliance(summary)) {
    absl::StrAppend(&out, "\n", MemberAdequacyNote(report.results_size()), "\n",
                    MemberAdequacyTable(summary).Render());
  }
  if (IsDriveMode(summary.summary().mode())) {
    absl::StrAppend(&out, AttributionLine(summary.summary().attribution()));
  }
  return out;
}

std::string AllianceAdequacyCsv(const carereach::v1::AdequacyReport& report, bool failing_only) {
  std::string header = AdequacyCsvHeader();
  header.pop_back();  // the '\n'
  // With exception evidence: its columns (empty on results without it).
  const bool evidence = HasExceptionEvidence(report);
  std::string out =
      absl::StrCat(header, ",critical_members",
                   evidence ? ",exception_verdict,supply_of_type,supply_available_within_standard,"
                              "nearest_supply"
                            : "",
                   "\n");
  const carereach::v1::AdequacyReport ordered = OrderedAdequacyReport(report, failing_only);
  for (const AllianceAdequacyResult& r : ordered.results()) {
    absl::StrAppend(&out, AdequacyCsvFields(r.result()), ",",
                    CsvField(absl::StrJoin(r.critical_members(), ";")));
    if (evidence && r.has_exception_evidence()) {
      const carereach::v1::ExceptionEvidence& e = r.exception_evidence();
      absl::StrAppend(&out, ",", CsvField(e.verdict()), ",", e.supply_of_type(), ",",
                      e.available_within_standard(), ",", CsvField(NearestSupplyField(e)));
    } else if (evidence) {
      absl::StrAppend(&out, ",,,,");
    }
    absl::StrAppend(&out, "\n");
  }
  return out;
}

std::string ServicingProvidersCsv(const carereach::v1::ServicingProviderReport& report) {
  std::string out =
      "provider_id,name,specialty_code,network,county_fips,county_name,specialty_type,"
      "beneficiaries_served_people,share_of_county_beneficiaries_fraction,counts_toward_minimum,"
      "exclusion,exclusion_reason\n";
  for (const carereach::v1::ServicingProvider& p : report.providers()) {
    absl::StrAppend(&out, CsvField(p.provider_id()), ",", CsvField(p.name()), ",",
                    CsvField(p.specialty_code()), ",", CsvField(p.network_label()), ",",
                    CsvField(p.county_fips()), ",", CsvField(p.county_name()), ",",
                    CsvField(p.specialty_type()), ",", TrimmedNumber(p.beneficiaries_served(), 3),
                    ",", absl::StrFormat("%.6f", p.share_of_county()), ",",
                    p.counts_toward_minimum() ? "true" : "false", ",", CsvField(p.exclusion()), ",",
                    CsvField(p.exclusion_reason()), "\n");
  }
  return out;
}

TextTable ServicingProvidersTable(const carereach::v1::ServicingProviderReport& report) {
  TextTable table({"provider", "id", "specialty", "network", "county", "type",
                   "beneficiaries served", "share of county", "counts toward minimum"},
                  {false, false, false, false, false, false, true, true, false});
  for (const carereach::v1::ServicingProvider& p : report.providers()) {
    const std::string county = p.county_fips().empty()
                                   ? "(none)"
                                   : absl::StrCat(p.county_name(), " (", p.county_fips(), ")");
    std::string counts = p.counts_toward_minimum() ? "yes" : "no";
    if (!p.exclusion_reason().empty()) absl::StrAppend(&counts, ": ", p.exclusion_reason());
    table.AddRow({p.name(), p.provider_id(), p.specialty_code(), p.network_label(), county,
                  p.specialty_type(), WithThousands(std::llround(p.beneficiaries_served())),
                  Percent(p.share_of_county()), counts});
  }
  return table;
}

KeyValues RecommendHeaderRows(const carereach::v1::RecommendAdditionsRequest& request,
                              const carereach::v1::RecommendAdditionsResponse& response) {
  // The adequacy objective always has a required share (0.85 or 0.90).
  const bool adequacy = response.required_share() > 0 || request.has_adequacy();
  KeyValues rows = {{"region", response.region()}};
  if (adequacy) {
    const carereach::v1::AdequacyObjective& objective = request.adequacy();
    std::string text = absl::StrCat("adequacy of county ", objective.county_fips(), ", specialty ",
                                    objective.specialty_code(), ": ",
                                    Percent(response.required_share()), " with access required");
    if (response.telehealth_credit() > 0) {
      absl::StrAppend(&text, " (telehealth credit +",
                      TrimmedNumber(response.telehealth_credit() * 100, 1), ")");
    }
    absl::StrAppend(&text, ", minimum number ", response.minimum_number());
    rows.emplace_back("objective", text);
  } else {
    const carereach::v1::CoverageObjective& objective = request.coverage();
    std::vector<std::string> bounds;
    if (response.max_minutes() > 0) bounds.push_back(absl::StrCat(response.max_minutes(), " min"));
    if (response.max_miles() > 0) bounds.push_back(absl::StrCat(response.max_miles(), " mi"));
    std::string text = absl::StrCat("coverage: residents within ", absl::StrJoin(bounds, " and "),
                                    " of a facility");
    if (objective.county_fips_size() > 0) {
      absl::StrAppend(&text, ", counties ", absl::StrJoin(objective.county_fips(), ", "));
    }
    if (objective.specialty_codes_size() > 0) {
      absl::StrAppend(&text, ", specialties ", absl::StrJoin(objective.specialty_codes(), ", "));
    }
    rows.emplace_back("objective", text);
  }
  rows.emplace_back("mode", ModeName(response.mode()));
  AddNetworkRows(response.networks(), rows);
  std::string candidates =
      absl::StrCat(WithThousands(response.candidates_considered()), " considered");
  if (response.skipped_candidate_ids_size() > 0) {
    absl::StrAppend(&candidates, "; already in the network (skipped): ",
                    IdList(response.skipped_candidate_ids()));
  }
  if (response.unsnapped_candidate_ids_size() > 0) {
    absl::StrAppend(&candidates,
                    "; not on the road network: ", IdList(response.unsnapped_candidate_ids()));
  }
  if (response.excluded_candidate_ids_size() > 0) {
    absl::StrAppend(&candidates, "; would not count (42 CFR 422.116(a)(3), skipped): ",
                    IdList(response.excluded_candidate_ids()));
  }
  rows.emplace_back("candidates", candidates);
  if (adequacy) {
    rows.emplace_back(
        "before",
        absl::StrCat(Percent(response.base_share()), " of ", Rounded(response.total()),
                     " beneficiaries with access, ", TrimmedNumber(response.base_counted(), 1),
                     " counted toward the minimum"));
    rows.emplace_back("target", absl::StrCat("the county x specialty passes: ",
                                             response.target_met() ? "met" : "not met"));
  } else {
    rows.emplace_back(
        "before", absl::StrCat(Rounded(response.base_covered()), " of ", Rounded(response.total()),
                               " residents covered (", Percent(response.base_share()), ")"));
    const double target = request.coverage().target_share();
    rows.emplace_back("target", target > 0 ? absl::StrCat(Percent(target), ": ",
                                                          response.target_met() ? "met" : "not met")
                                           : "none (the most picks allowed)");
  }
  if (!response.report_id().empty()) rows.emplace_back("report", response.report_id());
  rows.emplace_back("computed in", absl::StrFormat("%.0f ms", response.compute_ms()));

  return rows;
}

TextTable RecommendPicksTable(const carereach::v1::RecommendAdditionsResponse& response) {
  const bool adequacy = response.required_share() > 0;
  std::vector<std::string> titles = {"rank", "id", "name", "gain", "covered", "share"};
  std::vector<bool> right = {true, false, false, true, true, true};
  if (adequacy) {
    titles.insert(titles.end(), {"counted", "pass"});
    right.insert(right.end(), {true, false});
  }
  TextTable table(std::move(titles), std::move(right));
  for (const carereach::v1::RecommendedAddition& pick : response.picks()) {
    std::vector<std::string> row = {
        absl::StrCat(pick.rank()),
        pick.provider().id(),
        pick.provider().name(),
        adequacy ? TrimmedNumber(pick.gain(), 1) : Rounded(pick.gain()),
        adequacy ? TrimmedNumber(pick.covered(), 1) : Rounded(pick.covered()),
        Percent(pick.share())};
    if (adequacy) {
      row.push_back(TrimmedNumber(pick.counted(), 1));
      row.push_back(pick.pass() ? "PASS" : "FAIL");
    }
    table.AddRow(std::move(row), /*flagged=*/adequacy && !pick.pass());
  }
  return table;
}

std::string RecommendTable(const carereach::v1::RecommendAdditionsRequest& request,
                           const carereach::v1::RecommendAdditionsResponse& response) {
  std::string out = absl::StrCat(KeyValueText(RecommendHeaderRows(request, response)), "\n");
  if (response.picks_size() == 0) {
    absl::StrAppend(&out, "no additions picked\n");
  } else {
    absl::StrAppend(&out, RecommendPicksTable(response).Render());
  }
  if (!response.method().empty()) absl::StrAppend(&out, "\nmethod: ", response.method(), "\n");
  return out;
}

std::string RecommendCsv(const carereach::v1::RecommendAdditionsResponse& response) {
  const bool adequacy = response.required_share() > 0;
  std::string out = "rank,id,name,specialty_code,lon,lat,gain,covered,share,counted,pass\n";
  for (const carereach::v1::RecommendedAddition& pick : response.picks()) {
    const NetworkProvider& p = pick.provider();
    absl::StrAppend(&out, pick.rank(), ",", CsvField(p.id()), ",", CsvField(p.name()), ",",
                    CsvField(p.specialty_code()), ",", RoundTripNumber(p.location().lon()), ",",
                    RoundTripNumber(p.location().lat()), ",", TrimmedNumber(pick.gain(), 3), ",",
                    TrimmedNumber(pick.covered(), 3), ",", Share6(pick.share()), ",",
                    adequacy ? TrimmedNumber(pick.counted(), 3) : "", ",",
                    adequacy ? (pick.pass() ? "true" : "false") : "", "\n");
  }
  return out;
}

std::string AccessRatiosTable(const carereach::v1::ComputeAccessRatiosRequest& request,
                              const carereach::v1::ComputeAccessRatiosResponse& response) {
  KeyValues rows = {{"region", response.region()},
                    {"mode", std::string(ModeName(response.mode()))}};
  if (IsDriveMode(response.mode()) && !response.speed_profile().empty()) {
    rows.back().second += absl::StrCat(", speed profile ", response.speed_profile());
  }
  if (response.has_network()) AddNetworkRow(response.network(), rows);
  rows.emplace_back("catchment", absl::StrCat(response.catchment_minutes(), " min"));
  rows.emplace_back("capacity", request.capacity_from_beds()
                                    ? "beds (1 for a provider without beds)"
                                    : "1 per provider");
  rows.emplace_back("population", WithThousands(response.total_population()));
  if (response.unsnapped_provider_ids_size() > 0) {
    rows.emplace_back("unsnapped", absl::StrCat("providers not on the road network (not used): ",
                                                IdList(response.unsnapped_provider_ids())));
  }
  if (!response.report_id().empty()) rows.emplace_back("report", response.report_id());
  rows.emplace_back("computed in", absl::StrFormat("%.0f ms", response.compute_ms()));

  TextTable table({"fips", "county", "state", "population", "mean per 1,000", "zero access",
                   "min per 1,000", "max per 1,000"},
                  {false, false, false, true, true, true, true, true});
  for (const carereach::v1::CountyAccess& c : response.counties()) {
    table.AddRow({c.fips(), c.name(), c.state(), WithThousands(c.population()),
                  absl::StrFormat("%.3f", c.mean_access_per_1000()),
                  WithThousands(c.zero_access_population()),
                  absl::StrFormat("%.3f", c.min_access_per_1000()),
                  absl::StrFormat("%.3f", c.max_access_per_1000())});
  }
  const double zero_share =
      response.total_population() > 0
          ? static_cast<double>(response.zero_access_population()) / response.total_population()
          : 0;
  std::string out = absl::StrCat(
      KeyValueText(rows), "\n", table.Render(), "\nregion ", response.region(), ": mean ",
      absl::StrFormat("%.3f", response.mean_access_per_1000()), " per 1,000 residents; ",
      WithThousands(response.zero_access_population()), " residents (", Percent(zero_share),
      ") with no provider within ", response.catchment_minutes(), " min\n");
  if (IsDriveMode(response.mode())) {
    absl::StrAppend(&out, AttributionLine(response.attribution()));
  }
  return out;
}

std::string AccessRatiosCsv(const carereach::v1::ComputeAccessRatiosResponse& response) {
  std::string out =
      "scope,fips,name,state,population,mean_access_per_1000,zero_access_population,"
      "min_access_per_1000,max_access_per_1000\n";
  absl::StrAppend(&out, "region,,", CsvField(response.region()), ",,", response.total_population(),
                  ",", absl::StrFormat("%.6f", response.mean_access_per_1000()), ",",
                  response.zero_access_population(), ",,\n");
  for (const carereach::v1::CountyAccess& c : response.counties()) {
    absl::StrAppend(
        &out, "county,", CsvField(c.fips()), ",", CsvField(c.name()), ",", CsvField(c.state()), ",",
        c.population(), ",", absl::StrFormat("%.6f", c.mean_access_per_1000()), ",",
        c.zero_access_population(), ",", absl::StrFormat("%.6f", c.min_access_per_1000()), ",",
        absl::StrFormat("%.6f", c.max_access_per_1000()), "\n");
  }
  return out;
}

std::string AccessUnitsCsvHeader() { return "unit_id,county_fips,population,access_per_1000\n"; }

std::string AccessUnitsCsvLine(const carereach::v1::UnitAccess& unit) {
  return absl::StrCat(CsvField(unit.unit_id()), ",", CsvField(unit.county_fips()), ",",
                      unit.population(), ",", absl::StrFormat("%.6f", unit.access_per_1000()),
                      "\n");
}

}  // namespace carereach::cli
