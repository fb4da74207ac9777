#include "server/rpc/contracting_convert.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "server/rpc/convert.h"
#include "server/rpc/roster_convert.h"

namespace carereach::rpc {
namespace {

void SummaryToThresholds(const std::vector<access::Threshold>& thresholds,
                         const access::CoverageSummary& s,
                         google::protobuf::RepeatedPtrField<v1::ThresholdCoverage>* out) {
  for (size_t k = 0; k < thresholds.size(); ++k) {
    TotalsToProto(thresholds[k], s.by_threshold[k], s.total_population, out->Add());
  }
}

void MemberCoverageToProto(const access::AllianceCoverageRequest& request,
                           const access::AllianceCoverageAnswer& answer, size_t m,
                           v1::MemberCoverage* out) {
  out->set_label(request.members[m].name);
  SummaryToThresholds(request.thresholds, answer.alone[m], out->mutable_alone());
  SummaryToThresholds(request.thresholds, answer.without[m], out->mutable_without());
  for (size_t k = 0; k < request.thresholds.size(); ++k) {
    out->add_loss_if_leaves(answer.loss_if_leaves[m][k]);
    out->add_gain_by_joining(answer.gain_by_joining[m][k]);
    out->add_fair_share_population(answer.fair_share_population[m][k]);
  }
}

void PickToProto(const access::NetworkProvider& provider, size_t k, v1::RecommendedAddition* out) {
  out->set_rank(static_cast<int32_t>(k + 1));
  ProviderToProto(provider, out->mutable_provider());
}

void CountyAccessToProto(const access::County& county, const access::AccessSummary& a,
                         v1::CountyAccess* out) {
  out->set_fips(county.fips);
  out->set_name(county.name);
  out->set_state(county.state);
  out->set_population(a.population);
  out->set_mean_access_per_1000(a.mean_access_per_1000);
  out->set_zero_access_population(a.zero_access_population);
  out->set_min_access_per_1000(a.min_access_per_1000);
  out->set_max_access_per_1000(a.max_access_per_1000);
}

}  // namespace

void ResolvedToProto(const ResolvedRoster& r, int32_t facility_count, v1::ResolvedNetwork* out) {
  out->set_label(r.label);
  out->set_network_id(r.network_id);
  out->set_version(r.version);
  out->set_base_rows(r.base_rows);
  out->set_added_rows(r.added_rows);
  out->set_removed_rows(r.removed_rows);
  out->set_rows(static_cast<int64_t>(r.rows.size()));
  out->set_facility_count(facility_count);
}

void AnalyzeCoverageToProto(const AnalysisScope& scope, const std::vector<ResolvedRoster>& networks,
                            const access::AllianceCoverageRequest& request,
                            const access::AllianceCoverageAnswer& answer,
                            v1::AnalyzeCoverageResponse* out) {
  const access::CoverageSummary& summary = answer.alliance;
  out->set_region(scope.region->name);
  out->set_total_population(summary.total_population);
  CoverageModelToProto(scope.travel, scope.speed_profile(), summary, out);
  CoverageTablesToProto(*scope.region, request.thresholds, summary, out->mutable_results(),
                        out->mutable_counties());
  const size_t member_count = request.members.size();
  for (size_t m = 0; m < member_count; ++m) {
    const std::vector<access::Facility>& facilities = request.members[m].facilities;
    ResolvedToProto(networks[m], static_cast<int32_t>(facilities.size()), out->add_networks());
    if (member_count > 1) MemberCoverageToProto(request, answer, m, out->add_members());
    for (int32_t i : answer.unsnapped_facilities[m]) {
      out->add_unsnapped_facility_ids(facilities[i].id);
    }
  }
}

std::string CoverageReportLine(const v1::AnalyzeCoverageResponse& response) {
  std::vector<std::string> parts;
  for (const v1::ThresholdCoverage& t : response.results()) {
    parts.push_back(absl::StrFormat("%s %g: %.1f%%", t.has_max_minutes() ? "minutes" : "miles",
                                    t.has_max_minutes() ? t.max_minutes() : t.max_miles(),
                                    100.0 * t.share()));
  }
  return absl::StrCat(response.networks_size() > 1 ? "alliance " : "", "coverage ",
                      absl::StrJoin(parts, ", "));
}

v1::AllianceAdequacyResult AllianceRowToProto(const access::AllianceAdequacyRow& row,
                                              const std::vector<std::string>& names,
                                              AdequacyTally* tally) {
  v1::AllianceAdequacyResult out;
  AdequacyResultToProto(row.alliance, out.mutable_result());
  if (row.alliance.pass) ++tally->passing;
  if (names.size() < 2) return out;
  tally->critical.resize(names.size(), 0);
  for (size_t m = 0; m < names.size(); ++m) {
    v1::MemberAdequacy* ma = out.add_members();
    ma->set_label(names[m]);
    ma->set_alone_pass(row.alone_pass[m]);
    ma->set_without_pass(row.without_pass[m]);
    ma->set_without_share_with_access(row.without_share[m]);
  }
  for (int32_t m : row.critical_members) {
    out.add_critical_members(names[m]);
    ++tally->critical[m];
  }
  return out;
}

void ExceptionEvidenceToProto(const access::ExceptionEvidence& evidence,
                              const std::vector<access::NetworkProvider>& supply,
                              v1::ExceptionEvidence* out) {
  out->set_supply_of_type(evidence.supply_of_type);
  out->set_available_within_standard(evidence.available_within_standard);
  out->set_verdict(evidence.verdict);
  for (const access::SupplyReach& s : evidence.nearest) {
    v1::SupplyProvider* p = out->add_nearest();
    ProviderToProto(supply[s.row], p->mutable_provider());
    p->set_minutes(s.minutes);
    p->set_miles(s.miles);
    p->set_within_standard(s.within_standard);
  }
}

void ServicingProvidersToProto(const std::vector<access::ServicingEntry>& entries,
                               const std::vector<access::CountySpecialtyResult>& results,
                               const std::vector<ResolvedRoster>& networks,
                               v1::ServicingProviderReport* out) {
  std::vector<std::pair<size_t, size_t>> origin;  // per union row: network, row in it
  for (size_t n = 0; n < networks.size(); ++n) {
    for (size_t r = 0; r < networks[n].rows.size(); ++r) origin.emplace_back(n, r);
  }
  for (const access::ServicingEntry& e : entries) {
    const auto [n, r] = origin[e.row];
    const access::NetworkProvider& p = networks[n].rows[r];
    v1::ServicingProvider* s = out->add_providers();
    s->set_provider_id(p.id);
    s->set_name(p.name);
    s->set_specialty_code(p.specialty_code);
    if (networks.size() > 1) s->set_network_label(networks[n].label);
    if (e.result >= 0) {
      const access::CountySpecialtyResult& result = results[e.result];
      s->set_county_fips(result.county->fips);
      s->set_county_name(result.county_name);
      s->set_specialty_type(result.specialty->code);
    }
    s->set_beneficiaries_served(e.beneficiaries);
    s->set_share_of_county(e.share);
    s->set_counts_toward_minimum(e.counts_toward_minimum);
    s->set_exclusion(e.exclusion);
    if (const char* reason = access::ExclusionReason(e.exclusion)) s->set_exclusion_reason(reason);
  }
}

void AnalyzeAdequacySummaryToProto(const AnalysisScope& scope,
                                   const RegionCatalog::Standards& standards,
                                   const std::vector<ResolvedRoster>& networks,
                                   const access::AllianceAdequacySummary& summary,
                                   const AdequacyTally& tally, v1::AnalyzeAdequacySummary* out) {
  int64_t roster_rows = 0;
  for (const ResolvedRoster& n : networks) roster_rows += static_cast<int64_t>(n.rows.size());
  AdequacySummaryToProto(scope, standards.set, summary.alliance, roster_rows,
                         out->mutable_summary());
  for (const ResolvedRoster& n : networks) {
    ExcludedProvidersToProto(n.rows, networks.size() > 1 ? n.label : "", out->mutable_summary());
  }
  out->set_passing_results(tally.passing);
  for (size_t m = 0; m < networks.size(); ++m) {
    ResolvedToProto(networks[m], 0, out->add_networks());
    if (networks.size() < 2) continue;
    v1::MemberAdequacySummary* ms = out->add_members();
    ms->set_label(networks[m].label);
    ms->set_alone_passing(summary.alone_passing[m]);
    ms->set_without_passing(summary.without_passing[m]);
    ms->set_critical_results(m < tally.critical.size() ? tally.critical[m] : 0);
  }
}

std::string AdequacyPicksToProto(const access::AdequacyRecommendation& rec,
                                 const v1::AdequacyObjective& objective, const ResolvedRoster& pool,
                                 v1::RecommendAdditionsResponse* out) {
  const double total = static_cast<double>(rec.beneficiaries);
  out->set_total(total);
  out->set_base_covered(rec.base_share_with_access * total);
  out->set_base_share(rec.base_share_with_access);
  out->set_required_share(rec.required_share);
  out->set_telehealth_credit(rec.picks.empty() ? rec.base_telehealth_credit
                                               : rec.picks.back().telehealth_credit);
  out->set_minimum_number(rec.minimum_number);
  out->set_base_counted(rec.base_counted);
  out->set_max_minutes(rec.max_minutes);
  out->set_max_miles(rec.max_miles);
  out->set_target_met(rec.pass);
  for (size_t k = 0; k < rec.picks.size(); ++k) {
    const access::AdequacyPick& p = rec.picks[k];
    v1::RecommendedAddition* pick = out->add_picks();
    PickToProto(pool.rows[p.candidate], k, pick);
    pick->set_gain(p.beneficiaries_gained);
    pick->set_covered(p.share_with_access * total);
    pick->set_share(p.share_with_access);
    pick->set_counted(p.counted);
    pick->set_pass(p.pass);
  }
  for (int32_t i : rec.skipped_in_roster) out->add_skipped_candidate_ids(pool.rows[i].id);
  for (int32_t i : rec.skipped_excluded) out->add_excluded_candidate_ids(pool.rows[i].id);
  for (int32_t i : rec.unsnapped_candidates) out->add_unsnapped_candidate_ids(pool.rows[i].id);
  out->set_candidates_considered(rec.candidates_considered);
  return absl::StrFormat("%d picks for %s in %s; %s", rec.picks.size(), objective.specialty_code(),
                         objective.county_fips(), rec.pass ? "passes" : "still fails");
}

std::string CoveragePicksToProto(const access::Recommendation& rec,
                                 const access::RecommendRequest& request,
                                 const v1::CoverageObjective& objective, const ResolvedRoster& pool,
                                 const std::vector<int32_t>& pool_origin,
                                 v1::RecommendAdditionsResponse* out) {
  out->set_total(rec.total_population);
  out->set_base_covered(rec.base_covered_population);
  out->set_base_share(rec.base_share);
  out->set_max_minutes(objective.max_minutes());
  out->set_max_miles(objective.max_miles());
  out->set_target_met(rec.target_met);
  for (size_t k = 0; k < rec.picks.size(); ++k) {
    const access::RecommendedPick& p = rec.picks[k];
    v1::RecommendedAddition* pick = out->add_picks();
    PickToProto(pool.rows[pool_origin[p.candidate]], k, pick);
    pick->set_gain(p.gain_population);
    pick->set_covered(p.covered_population);
    pick->set_share(p.share);
  }
  for (int32_t i : rec.skipped_candidates) {
    out->add_skipped_candidate_ids(request.candidates[i].id);
  }
  for (int32_t i : rec.unsnapped_candidates) {
    out->add_unsnapped_candidate_ids(request.candidates[i].id);
  }
  out->set_candidates_considered(rec.candidates_considered);
  return absl::StrFormat("%d picks: covered share %.1f%% -> %.1f%%", rec.picks.size(),
                         100.0 * rec.base_share,
                         100.0 * (rec.picks.empty() ? rec.base_share : rec.picks.back().share));
}

std::string AccessRatiosToProto(const AnalysisScope& scope,
                                const v1::ComputeAccessRatiosRequest& request,
                                const access::AccessRatioRequest& domain,
                                const access::AccessRatioAnswer& answer,
                                v1::ComputeAccessRatiosResponse* out) {
  const access::Region& region = *scope.region;
  out->set_region(region.name);
  out->set_mode(ModeToProto(scope.travel.mode));
  out->set_catchment_minutes(request.catchment_minutes());
  out->set_total_population(region.total_population);
  out->set_mean_access_per_1000(answer.region.mean_access_per_1000);
  out->set_zero_access_population(answer.region.zero_access_population);
  for (size_t c = 0; c < region.counties.size(); ++c) {
    CountyAccessToProto(region.counties[c], answer.counties[c], out->add_counties());
  }
  for (size_t j = 0; j < domain.providers.size(); ++j) {
    v1::ProviderAccessRatio* provider = out->add_providers();
    provider->set_provider_id(domain.providers[j].id);
    provider->set_name(domain.providers[j].name);
    provider->set_capacity(domain.capacity[j]);
    provider->set_catchment_population(answer.provider_catchment_population[j]);
    provider->set_ratio_per_1000(answer.provider_ratio_per_1000[j]);
  }
  for (size_t i = 0; request.include_units() && i < region.units.size(); ++i) {
    v1::UnitAccess* unit = out->add_units();
    unit->set_unit_id(region.units[i].id);
    unit->set_county_fips(region.units[i].county_fips);
    unit->set_population(region.units[i].population);
    unit->set_access_per_1000(answer.unit_access_per_1000[i]);
  }
  for (int32_t j : answer.unsnapped_providers) {
    out->add_unsnapped_provider_ids(domain.providers[j].id);
  }
  RoadsToProto(scope, out);
  return absl::StrFormat("2SFCA %g min: mean %.3f per 1,000; %d residents with no access",
                         request.catchment_minutes(), answer.region.mean_access_per_1000,
                         answer.region.zero_access_population);
}

absl::StatusOr<double> CatchmentMinutesFromProto(const v1::ComputeAccessRatiosRequest& request) {
  constexpr double kMaxCatchmentMinutes = 240;  // contracting.proto: "in (0, 240]"
  const double minutes = request.catchment_minutes();
  if (!(minutes > 0 && minutes <= kMaxCatchmentMinutes)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("catchment_minutes: %g is outside (0, %g]", minutes, kMaxCatchmentMinutes));
  }
  return minutes;
}

}  // namespace carereach::rpc
