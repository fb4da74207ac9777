#include "server/rpc/contracting_service.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "geo/access/access_ratio.h"
#include "geo/access/alliance.h"
#include "geo/access/recommend.h"
#include "google/protobuf/any.pb.h"
#include "server/rpc/access_service.h"
#include "server/rpc/caller.h"
#include "server/rpc/convert.h"
#include "server/rpc/network_service.h"
#include "server/rpc/roster_convert.h"
#include "server/rpc/status.h"

namespace carereach::rpc {

struct ContractingServiceImpl::Call {
  std::string tenant;  // empty when the call touches no stored object
  std::shared_ptr<const RegionCatalog> catalog;
  const access::Region* region = nullptr;
  const RegionCatalog::Standards* standards = nullptr;  // the default set
  std::shared_ptr<const access::DriveRegion> drive;     // drive mode only
  access::TravelMode mode = access::TravelMode::kStraightLine;
  absl::Time deadline = absl::InfiniteFuture();
};

namespace {

constexpr int32_t kDefaultMaxPicks = 10;
constexpr int32_t kMaxPicks = 100;
constexpr char kGreedyMethod[] =
    "Greedy with lazy evaluation: each pick is the candidate adding the most not-yet-covered "
    "people; lazy re-evaluation gives the same picks as plain greedy. Coverage is monotone and "
    "submodular, so k greedy picks cover at least 1 - 1/e (63%) of what the best possible k "
    "candidates would add (Nemhauser, Wolsey and Fisher 1978).";

std::string ModeName(access::TravelMode mode) {
  return mode == access::TravelMode::kDrive ? "DRIVE" : "STRAIGHT_LINE";
}

v1::TravelMode ModeToProto(access::TravelMode mode) {
  return mode == access::TravelMode::kDrive ? v1::TRAVEL_MODE_DRIVE : v1::TRAVEL_MODE_STRAIGHT_LINE;
}

absl::StatusOr<access::StraightLineModel> StraightLineFromProto(
    const v1::StraightLineOptions& options) {
  access::StraightLineModel model;
  if (options.circuity_factor() != 0) model.circuity_factor = options.circuity_factor();
  if (options.speed_mph() != 0) model.speed_mph = options.speed_mph();
  if (absl::Status s = access::ValidateStraightLineModel(model); !s.ok()) return s;
  return model;
}

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

std::vector<access::Threshold> ThresholdsOf(const google::protobuf::RepeatedField<double>& minutes,
                                            const google::protobuf::RepeatedField<double>& miles) {
  std::vector<access::Threshold> thresholds;
  for (double m : minutes) thresholds.push_back(access::Threshold::Minutes(m));
  for (double m : miles) thresholds.push_back(access::Threshold::Miles(m));
  return thresholds;
}

void SummaryToThresholds(const std::vector<access::Threshold>& thresholds,
                         const access::CoverageSummary& s,
                         google::protobuf::RepeatedPtrField<v1::ThresholdCoverage>* out) {
  for (size_t k = 0; k < thresholds.size(); ++k) {
    TotalsToProto(thresholds[k], s.by_threshold[k], s.total_population, out->Add());
  }
}

std::vector<std::string> Strings(const google::protobuf::RepeatedPtrField<std::string>& in) {
  return {in.begin(), in.end()};
}

}  // namespace

std::vector<access::Facility> FacilitiesOfRoster(const std::vector<access::NetworkProvider>& rows,
                                                 const std::vector<std::string>& codes,
                                                 std::vector<int32_t>* origin) {
  const absl::flat_hash_set<std::string> wanted(codes.begin(), codes.end());
  absl::flat_hash_map<std::string, std::vector<geo::LonLat>> places;  // by id
  std::vector<access::Facility> facilities;
  for (size_t i = 0; i < rows.size(); ++i) {
    const access::NetworkProvider& p = rows[i];
    if (!wanted.empty() && !wanted.contains(p.specialty_code)) continue;
    std::vector<geo::LonLat>& seen = places[p.id];
    if (std::find_if(seen.begin(), seen.end(), [&](const geo::LonLat& q) {
          return q.lon == p.location.lon && q.lat == p.location.lat;
        }) != seen.end()) {
      continue;
    }
    seen.push_back(p.location);
    std::string id = seen.size() == 1 ? p.id : absl::StrCat(p.id, "#", seen.size());
    facilities.push_back({.id = std::move(id),
                          .name = p.name,
                          .location = p.location,
                          .type = p.type.empty() ? p.specialty_code : p.type});
    if (origin != nullptr) origin->push_back(static_cast<int32_t>(i));
  }
  return facilities;
}

ContractingServiceImpl::ContractingServiceImpl(store::Store* store, access::CoverageLimits limits,
                                               int64_t max_roster_rows,
                                               absl::Duration max_request_time,
                                               const auth::Authenticator* authenticator)
    : store_(store),
      authenticator_(authenticator != nullptr ? authenticator : &DevModeAuthenticator()),
      limits_(limits),
      max_roster_rows_(max_roster_rows),
      max_request_time_(max_request_time) {}

void ContractingServiceImpl::SetCatalog(std::shared_ptr<const RegionCatalog> catalog) {
  absl::MutexLock lock(&mu_);
  catalog_ = std::move(catalog);
}

absl::StatusOr<ContractingServiceImpl::Call> ContractingServiceImpl::Begin(
    const grpc::ServerContext& context, const std::string& region, v1::TravelMode mode,
    bool needs_store, bool saves_report) const {
  Call call;
  {
    absl::MutexLock lock(&mu_);
    call.catalog = catalog_;
  }
  if (call.catalog == nullptr) return absl::UnavailableError("regions are still loading");
  if (needs_store) {
    if (store_ == nullptr) {
      return absl::FailedPreconditionError(
          "this server was started without a state directory (--state_dir): stored networks "
          "and saved reports are not available");
    }
    absl::StatusOr<auth::Caller> caller =
        TenantCallerOf(context, *authenticator_, auth::kScopeAnalyze, "this call");
    if (!caller.ok()) return caller.status();
    if (saves_report) {
      if (absl::Status s = RequireScope(*caller, auth::kScopeWrite, "save_report"); !s.ok()) {
        return s;
      }
    }
    call.tenant = caller->tenant;
  }
  absl::StatusOr<const access::Region*> r = call.catalog->Find(region);
  if (!r.ok()) return r.status();
  call.region = *r;
  absl::StatusOr<const RegionCatalog::Standards*> standards = call.catalog->FindStandards("");
  if (!standards.ok()) return standards.status();
  call.standards = *standards;
  if (mode == v1::TRAVEL_MODE_DRIVE) {
    call.mode = access::TravelMode::kDrive;
    absl::StatusOr<std::shared_ptr<const access::DriveRegion>> d =
        call.catalog->DriveRegionOf(call.catalog->IndexOf(call.region));
    if (!d.ok()) return d.status();
    call.drive = *std::move(d);
  } else if (mode != v1::TRAVEL_MODE_UNSPECIFIED && mode != v1::TRAVEL_MODE_STRAIGHT_LINE) {
    return absl::InvalidArgumentError(
        absl::StrFormat("mode: %d is not a TravelMode", static_cast<int>(mode)));
  }
  call.deadline = RequestDeadline(context, max_request_time_);
  return call;
}

absl::StatusOr<ResolvedRoster> ContractingServiceImpl::Resolve(
    const Call& call, const v1::NetworkSelection& selection, const std::string& path) const {
  ResolvedRoster out;
  out.network_id = selection.network_id();
  out.label = selection.label().empty() ? selection.network_id() : selection.label();
  if (!selection.network_id().empty()) {
    if (selection.providers_size() > 0) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: give a stored network_id or inline providers, not both", path));
    }
    if (call.tenant.empty()) {
      return absl::InternalError("a stored network was resolved without a tenant");
    }
    if (selection.version() < 0) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s.version: %d; versions are numbered from 1 (0: the latest)", path,
                          selection.version()));
    }
    absl::StatusOr<std::vector<store::ProviderRow>> rows = store_->GetProviders(
        call.tenant, selection.network_id(), selection.version(), &out.version);
    if (!rows.ok()) return rows.status();
    for (const store::ProviderRow& row : *rows) out.rows.push_back(ProviderFromRow(row));
  } else {
    if (out.label.empty()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s.label: an inline roster needs a label", path));
    }
    for (int i = 0; i < selection.providers_size(); ++i) {
      absl::StatusOr<access::NetworkProvider> p =
          ProviderFromProto(selection.providers(i), absl::StrFormat("%s.providers[%d]", path, i));
      if (!p.ok()) return p.status();
      out.rows.push_back(*std::move(p));
    }
    if (absl::Status s = ValidateStoredRoster(out.rows, call.standards->set, max_roster_rows_,
                                              absl::StrCat(path, ".providers"));
        !s.ok()) {
      return s;
    }
  }
  out.base_rows = static_cast<int64_t>(out.rows.size());
  // What-if removals: every row of each listed id.
  absl::flat_hash_set<std::string> remove;
  for (int i = 0; i < selection.remove_provider_ids_size(); ++i) {
    const std::string& id = selection.remove_provider_ids(i);
    if (std::none_of(out.rows.begin(), out.rows.end(),
                     [&](const access::NetworkProvider& p) { return p.id == id; })) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s.remove_provider_ids[%d]: \"%s\" is not in the network", path, i, id));
    }
    remove.insert(id);
  }
  if (!remove.empty()) {
    const size_t before = out.rows.size();
    std::erase_if(out.rows,
                  [&](const access::NetworkProvider& p) { return remove.contains(p.id); });
    out.removed_rows = static_cast<int32_t>(before - out.rows.size());
  }
  std::vector<access::NetworkProvider> added;
  for (int i = 0; i < selection.add_providers_size(); ++i) {
    absl::StatusOr<access::NetworkProvider> p = ProviderFromProto(
        selection.add_providers(i), absl::StrFormat("%s.add_providers[%d]", path, i));
    if (!p.ok()) return p.status();
    added.push_back(*std::move(p));
  }
  if (absl::Status s = ValidateStoredRoster(added, call.standards->set, max_roster_rows_,
                                            absl::StrCat(path, ".add_providers"));
      !s.ok()) {
    return s;
  }
  out.added_rows = static_cast<int32_t>(added.size());
  out.rows.insert(out.rows.end(), added.begin(), added.end());
  if (static_cast<int64_t>(out.rows.size()) > max_roster_rows_) {
    return absl::ResourceExhaustedError(
        absl::StrFormat("%s: %d rows is more than this server's limit of %d", path, out.rows.size(),
                        max_roster_rows_));
  }
  return out;
}

absl::StatusOr<std::vector<ResolvedRoster>> ContractingServiceImpl::ResolveAll(
    const Call& call, const google::protobuf::RepeatedPtrField<v1::NetworkSelection>& selections,
    const std::string& field, bool allow_empty) const {
  if (selections.empty() && !allow_empty) {
    return absl::InvalidArgumentError(absl::StrFormat("%s: at least one network is needed", field));
  }
  std::vector<ResolvedRoster> out;
  absl::flat_hash_set<std::string> labels;
  for (int i = 0; i < selections.size(); ++i) {
    const std::string path = absl::StrFormat("%s[%d]", field, i);
    absl::StatusOr<ResolvedRoster> r = Resolve(call, selections[i], path);
    if (!r.ok()) return r.status();
    if (!labels.insert(r->label).second) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s.label: \"%s\" names two networks; labels must be unique", path, r->label));
    }
    out.push_back(*std::move(r));
  }
  return out;
}

absl::StatusOr<std::string> ContractingServiceImpl::SaveReport(
    const Call& call, const std::string& kind, const std::string& title,
    const std::vector<ResolvedRoster>& networks, const std::string& standards_set,
    const google::protobuf::Message& request, const google::protobuf::Message& result,
    const std::string& summary) const {
  store::ReportRecord record;
  record.kind = kind;
  record.title = title;
  for (const ResolvedRoster& n : networks) {
    if (!n.network_id.empty()) record.networks.push_back({n.network_id, n.version});
  }
  record.region = call.region->name;
  record.standards_set = standards_set;
  record.mode = ModeName(call.mode);
  google::protobuf::Any any;
  any.PackFrom(request);
  record.request_blob = any.SerializeAsString();
  any.PackFrom(result);
  record.result_blob = any.SerializeAsString();
  record.summary = summary;
  absl::StatusOr<store::ReportRecord> saved = store_->SaveReport(call.tenant, std::move(record));
  if (!saved.ok()) return saved.status();
  return saved->report_id;
}

// ---------------------------------------------------------------------------------------------
// AnalyzeCoverage

grpc::Status ContractingServiceImpl::AnalyzeCoverage(grpc::ServerContext* context,
                                                     const v1::AnalyzeCoverageRequest* request,
                                                     v1::AnalyzeCoverageResponse* response) {
  const absl::Time start = absl::Now();
  const bool stored =
      request->save_report() || std::any_of(request->networks().begin(), request->networks().end(),
                                            [](const auto& n) { return !n.network_id().empty(); });
  absl::StatusOr<Call> call =
      Begin(*context, request->region(), request->mode(), stored, request->save_report());
  if (!call.ok()) return ToGrpcStatus(call.status());
  absl::StatusOr<std::vector<ResolvedRoster>> networks =
      ResolveAll(*call, request->networks(), "networks", false);
  if (!networks.ok()) return ToGrpcStatus(networks.status());

  const std::vector<std::string> codes = Strings(request->specialty_codes());
  access::AllianceCoverageRequest domain;
  domain.thresholds = ThresholdsOf(request->max_minutes(), request->max_miles());
  domain.mode = call->mode;
  absl::StatusOr<access::StraightLineModel> model = StraightLineFromProto(request->straight_line());
  if (!model.ok()) return ToGrpcStatus(model.status());
  domain.straight_line = *model;
  if (call->drive) {
    absl::StatusOr<routing::DriveParams> params = DriveParamsFromProto(request->drive());
    if (!params.ok()) return ToGrpcStatus(params.status());
    domain.drive = *params;
  }
  domain.deadline = call->deadline;
  for (size_t m = 0; m < networks->size(); ++m) {
    const ResolvedRoster& n = (*networks)[m];
    std::vector<access::Facility> facilities = FacilitiesOfRoster(n.rows, codes, nullptr);
    ResolvedToProto(n, static_cast<int32_t>(facilities.size()), response->add_networks());
    if (facilities.empty()) {
      return ToGrpcStatus(absl::InvalidArgumentError(absl::StrFormat(
          "networks[%d]: no facilities%s", m,
          codes.empty() ? "" : absl::StrCat(" with specialty codes ", absl::StrJoin(codes, ",")))));
    }
    domain.members.push_back({.name = n.label, .facilities = std::move(facilities)});
  }

  // One network: plain coverage. Several: the alliance with each member's part.
  access::CoverageSummary summary;
  std::vector<std::string> unsnapped_ids;
  if (domain.members.size() == 1) {
    access::CoverageRequest plain{.facilities = domain.members[0].facilities,
                                  .thresholds = domain.thresholds,
                                  .mode = domain.mode,
                                  .straight_line = domain.straight_line,
                                  .drive = domain.drive,
                                  .deadline = domain.deadline};
    absl::StatusOr<access::CoverageAnswer> answer =
        access::ComputeCoverage(*call->region, call->drive.get(), plain, limits_);
    // Rows were checked when resolved; what is left to refuse here are the request's own fields
    // (thresholds, model, drive options), whose paths are the same as in this request.
    if (!answer.ok()) return ToGrpcStatus(answer.status());
    summary = std::move(answer->summary);
    for (int32_t i : answer->unsnapped_facilities) {
      unsnapped_ids.push_back(plain.facilities[i].id);
    }
  } else {
    absl::StatusOr<access::AllianceCoverageAnswer> answer =
        access::ComputeAllianceCoverage(*call->region, call->drive.get(), domain, limits_);
    if (!answer.ok()) return ToGrpcStatus(answer.status());
    summary = answer->alliance;
    for (size_t m = 0; m < domain.members.size(); ++m) {
      v1::MemberCoverage* mc = response->add_members();
      mc->set_label(domain.members[m].name);
      SummaryToThresholds(domain.thresholds, answer->alone[m], mc->mutable_alone());
      SummaryToThresholds(domain.thresholds, answer->without[m], mc->mutable_without());
      for (size_t k = 0; k < domain.thresholds.size(); ++k) {
        mc->add_loss_if_leaves(answer->loss_if_leaves[m][k]);
        mc->add_gain_by_joining(answer->gain_by_joining[m][k]);
      }
      for (int32_t i : answer->unsnapped_facilities[m]) {
        unsnapped_ids.push_back(domain.members[m].facilities[i].id);
      }
    }
  }
  // The county table and the mode's parameters, as ComputeCoverage reports them.
  v1::ComputeCoverageResponse plain_out;
  access::CoverageRequest shape{
      .thresholds = domain.thresholds, .mode = domain.mode, .straight_line = domain.straight_line};
  access::CoverageAnswer shaped{.summary = summary};
  const std::string profile = call->drive ? call->drive->network->graph().profile_name : "";
  if (absl::Status s =
          CoverageToProto(*call->region, shape, shaped, UnitPage{}, profile, &plain_out);
      !s.ok()) {
    return ToGrpcStatus(s);
  }
  response->set_region(call->region->name);
  response->set_mode(ModeToProto(call->mode));
  response->set_total_population(summary.total_population);
  *response->mutable_results() = plain_out.results();
  *response->mutable_counties() = plain_out.counties();
  if (call->mode == access::TravelMode::kStraightLine) {
    *response->mutable_straight_line() = plain_out.straight_line();
  } else {
    response->set_speed_profile(profile);
    response->set_attribution(std::string(kOsmAttribution));
    response->set_unsnapped_units(summary.unsnapped_units);
    response->set_unsnapped_population(summary.unsnapped_population);
  }
  for (const std::string& id : unsnapped_ids) response->add_unsnapped_facility_ids(id);
  if (request->save_report()) {
    response->set_compute_ms(absl::ToDoubleMilliseconds(absl::Now() - start));
    std::vector<std::string> parts;
    for (const v1::ThresholdCoverage& t : response->results()) {
      parts.push_back(absl::StrFormat("%s %g: %.1f%%", t.has_max_minutes() ? "minutes" : "miles",
                                      t.has_max_minutes() ? t.max_minutes() : t.max_miles(),
                                      100.0 * t.share()));
    }
    absl::StatusOr<std::string> id =
        SaveReport(*call, "coverage", request->report_title(), *networks, "", *request, *response,
                   absl::StrCat(networks->size() > 1 ? "alliance " : "", "coverage ",
                                absl::StrJoin(parts, ", ")));
    if (!id.ok()) return ToGrpcStatus(id.status());
    response->set_report_id(*id);
  }
  response->set_compute_ms(absl::ToDoubleMilliseconds(absl::Now() - start));
  return grpc::Status::OK;
}

// ---------------------------------------------------------------------------------------------
// AnalyzeAdequacy

grpc::Status ContractingServiceImpl::AnalyzeAdequacy(
    grpc::ServerContext* context, const v1::AnalyzeAdequacyRequest* request,
    grpc::ServerWriter<v1::AnalyzeAdequacyResponse>* writer) {
  const absl::Time start = absl::Now();
  const bool stored =
      request->save_report() || std::any_of(request->networks().begin(), request->networks().end(),
                                            [](const auto& n) { return !n.network_id().empty(); });
  absl::StatusOr<Call> call =
      Begin(*context, request->region(), request->mode(), stored, request->save_report());
  if (!call.ok()) return ToGrpcStatus(call.status());
  absl::StatusOr<const RegionCatalog::Standards*> standards =
      call->catalog->FindStandards(request->standards_set());
  if (!standards.ok()) return ToGrpcStatus(standards.status());
  absl::StatusOr<std::vector<ResolvedRoster>> networks =
      ResolveAll(*call, request->networks(), "networks", false);
  if (!networks.ok()) return ToGrpcStatus(networks.status());

  access::AllianceAdequacyRequest domain;
  access::AdequacyRequest& base = domain.base;
  base.county_fips = Strings(request->county_fips());
  base.specialty_codes = Strings(request->specialty_codes());
  base.mode = call->mode;
  absl::StatusOr<access::StraightLineModel> model = StraightLineFromProto(request->straight_line());
  if (!model.ok()) return ToGrpcStatus(model.status());
  base.straight_line = *model;
  if (call->drive) {
    absl::StatusOr<routing::DriveParams> params = DriveParamsFromProto(request->drive());
    if (!params.ok()) return ToGrpcStatus(params.status());
    base.drive = *params;
  }
  base.include_uncovered_units = request->include_uncovered_units();
  base.deadline = call->deadline;
  for (const ResolvedRoster& n : *networks) {
    domain.member_names.push_back(n.label);
    domain.member_rosters.push_back(n.rows);
  }

  v1::AdequacyReport report;  // kept only when the report is saved
  int32_t passing = 0;
  std::vector<int32_t> critical(networks->size(), 0);
  auto emit_row = [&](v1::AllianceAdequacyResult row) {
    if (row.result().pass()) ++passing;
    v1::AnalyzeAdequacyResponse out;
    *out.mutable_result() = row;
    if (request->save_report()) *report.add_results() = std::move(row);
    return !context->IsCancelled() && writer->Write(out);
  };
  access::AdequacySummary summary;
  std::vector<int32_t> alone_passing, without_passing;
  if (networks->size() == 1) {
    base.roster = domain.member_rosters[0];
    absl::StatusOr<access::AdequacySummary> s = access::EvaluateAdequacy(
        *call->region, call->drive.get(), (*standards)->set, (*standards)->telehealth_eligible,
        base, [&](const access::CountySpecialtyResult& r) {
          v1::AllianceAdequacyResult row;
          AdequacyResultToProto(r, row.mutable_result());
          return emit_row(std::move(row));
        });
    if (!s.ok()) return ToGrpcStatus(s.status());
    summary = *s;
  } else {
    absl::StatusOr<access::AllianceAdequacySummary> s = access::EvaluateAllianceAdequacy(
        *call->region, call->drive.get(), (*standards)->set, (*standards)->telehealth_eligible,
        domain, [&](const access::AllianceAdequacyRow& r) {
          v1::AllianceAdequacyResult row;
          AdequacyResultToProto(r.alliance, row.mutable_result());
          for (size_t m = 0; m < domain.member_names.size(); ++m) {
            v1::MemberAdequacy* ma = row.add_members();
            ma->set_label(domain.member_names[m]);
            ma->set_alone_pass(r.alone_pass[m]);
            ma->set_without_pass(r.without_pass[m]);
            ma->set_without_share_with_access(r.without_share[m]);
          }
          for (int32_t m : r.critical_members) {
            row.add_critical_members(domain.member_names[m]);
            ++critical[m];
          }
          return emit_row(std::move(row));
        });
    if (!s.ok()) return ToGrpcStatus(s.status());
    summary = s->alliance;
    alone_passing = s->alone_passing;
    without_passing = s->without_passing;
  }
  v1::AnalyzeAdequacyResponse out;
  v1::AnalyzeAdequacySummary* sum = out.mutable_summary();
  v1::AdequacySummary* s = sum->mutable_summary();
  s->set_region(call->region->name);
  s->set_standards_set((*standards)->set.name());
  s->set_mode(ModeToProto(call->mode));
  s->set_counties(summary.counties);
  s->set_specialty_types(summary.specialty_types);
  s->set_results(summary.results);
  s->set_failing_results(summary.failing_results);
  int64_t roster_rows = 0;
  for (const ResolvedRoster& n : *networks) roster_rows += static_cast<int64_t>(n.rows.size());
  s->set_roster_rows(static_cast<int32_t>(roster_rows));
  s->set_beneficiary_method(access::kBeneficiaryMethod);
  if (call->drive) {
    s->set_speed_profile(call->drive->network->graph().profile_name);
    s->set_attribution(std::string(kOsmAttribution));
  }
  sum->set_passing_results(passing);
  for (size_t m = 0; m < networks->size(); ++m) {
    ResolvedToProto((*networks)[m], 0, sum->add_networks());
    if (networks->size() > 1) {
      v1::MemberAdequacySummary* ms = sum->add_members();
      ms->set_label((*networks)[m].label);
      ms->set_alone_passing(alone_passing[m]);
      ms->set_without_passing(without_passing[m]);
      ms->set_critical_results(critical[m]);
    }
  }
  if (request->save_report()) {
    s->set_compute_ms(absl::ToDoubleMilliseconds(absl::Now() - start));
    *report.mutable_summary() = *sum;
    absl::StatusOr<std::string> id = SaveReport(
        *call, "adequacy", request->report_title(), *networks, (*standards)->set.name(), *request,
        report,
        absl::StrFormat("%sadequacy: %d of %d county x type results pass",
                        networks->size() > 1 ? "alliance " : "", passing, summary.results));
    if (!id.ok()) return ToGrpcStatus(id.status());
    sum->set_report_id(*id);
  }
  s->set_compute_ms(absl::ToDoubleMilliseconds(absl::Now() - start));
  writer->Write(out);
  return grpc::Status::OK;
}

// ---------------------------------------------------------------------------------------------
// RecommendAdditions

grpc::Status ContractingServiceImpl::RecommendAdditions(
    grpc::ServerContext* context, const v1::RecommendAdditionsRequest* request,
    v1::RecommendAdditionsResponse* response) {
  const absl::Time start = absl::Now();
  const bool stored = request->save_report() || !request->candidates().network_id().empty() ||
                      std::any_of(request->networks().begin(), request->networks().end(),
                                  [](const auto& n) { return !n.network_id().empty(); });
  absl::StatusOr<Call> call =
      Begin(*context, request->region(), request->mode(), stored, request->save_report());
  if (!call.ok()) return ToGrpcStatus(call.status());
  absl::StatusOr<std::vector<ResolvedRoster>> networks =
      ResolveAll(*call, request->networks(), "networks", true);
  if (!networks.ok()) return ToGrpcStatus(networks.status());
  v1::NetworkSelection pool_selection = request->candidates();
  if (pool_selection.label().empty() && pool_selection.network_id().empty()) {
    pool_selection.set_label("candidates");
  }
  absl::StatusOr<ResolvedRoster> pool = Resolve(*call, pool_selection, "candidates");
  if (!pool.ok()) return ToGrpcStatus(pool.status());
  if (pool->rows.empty()) {
    return ToGrpcStatus(absl::InvalidArgumentError("candidates: the pool is empty"));
  }
  const int32_t max_picks = request->max_picks() == 0 ? kDefaultMaxPicks : request->max_picks();
  if (max_picks < 1 || max_picks > kMaxPicks) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        absl::StrFormat("max_picks: %d is outside [1, %d]", request->max_picks(), kMaxPicks)));
  }
  absl::StatusOr<access::StraightLineModel> model = StraightLineFromProto(request->straight_line());
  if (!model.ok()) return ToGrpcStatus(model.status());
  routing::DriveParams drive_params;
  if (call->drive) {
    absl::StatusOr<routing::DriveParams> params = DriveParamsFromProto(request->drive());
    if (!params.ok()) return ToGrpcStatus(params.status());
    drive_params = *params;
  }
  std::vector<access::NetworkProvider> network_rows;
  for (const ResolvedRoster& n : *networks) {
    network_rows.insert(network_rows.end(), n.rows.begin(), n.rows.end());
  }
  response->set_region(call->region->name);
  response->set_mode(ModeToProto(call->mode));
  response->set_method(kGreedyMethod);
  std::string summary_line;
  std::string standards_name;

  if (request->has_adequacy()) {
    const v1::AdequacyObjective& objective = request->adequacy();
    absl::StatusOr<const RegionCatalog::Standards*> standards =
        call->catalog->FindStandards(objective.standards_set());
    if (!standards.ok()) return ToGrpcStatus(standards.status());
    standards_name = (*standards)->set.name();
    access::AdequacyRecommendRequest domain{.roster = network_rows,
                                            .candidates = pool->rows,
                                            .county_fips = objective.county_fips(),
                                            .specialty_code = objective.specialty_code(),
                                            .mode = call->mode,
                                            .straight_line = *model,
                                            .drive = drive_params,
                                            .max_picks = max_picks,
                                            .deadline = call->deadline};
    absl::StatusOr<access::AdequacyRecommendation> rec =
        access::RecommendForAdequacy(*call->region, call->drive.get(), (*standards)->set,
                                     (*standards)->telehealth_eligible, domain);
    if (!rec.ok()) return ToGrpcStatus(rec.status());
    const double total = static_cast<double>(rec->beneficiaries);
    response->set_total(total);
    response->set_base_covered(rec->base_share_with_access * total);
    response->set_base_share(rec->base_share_with_access);
    response->set_required_share(rec->required_share);
    response->set_telehealth_credit(rec->picks.empty() ? rec->base_telehealth_credit
                                                       : rec->picks.back().telehealth_credit);
    response->set_minimum_number(rec->minimum_number);
    response->set_base_counted(rec->base_counted);
    response->set_max_minutes(rec->max_minutes);
    response->set_max_miles(rec->max_miles);
    response->set_target_met(rec->pass);
    for (size_t k = 0; k < rec->picks.size(); ++k) {
      const access::AdequacyPick& p = rec->picks[k];
      v1::RecommendedAddition* out = response->add_picks();
      out->set_rank(static_cast<int32_t>(k + 1));
      ProviderToProto(pool->rows[p.candidate], out->mutable_provider());
      out->set_gain(p.beneficiaries_gained);
      out->set_covered(p.share_with_access * total);
      out->set_share(p.share_with_access);
      out->set_counted(p.counted);
      out->set_pass(p.pass);
    }
    for (int32_t i : rec->skipped_in_roster) {
      response->add_skipped_candidate_ids(pool->rows[i].id);
    }
    for (int32_t i : rec->unsnapped_candidates) {
      response->add_unsnapped_candidate_ids(pool->rows[i].id);
    }
    response->set_candidates_considered(rec->candidates_considered);
    summary_line =
        absl::StrFormat("%d picks for %s in %s; %s", rec->picks.size(), objective.specialty_code(),
                        objective.county_fips(), rec->pass ? "passes" : "still fails");
  } else if (request->has_coverage()) {
    const v1::CoverageObjective& objective = request->coverage();
    const std::vector<std::string> codes = Strings(objective.specialty_codes());
    std::vector<int32_t> pool_origin;
    access::RecommendRequest domain{
        .network = FacilitiesOfRoster(network_rows, codes, nullptr),
        .candidates = FacilitiesOfRoster(pool->rows, codes, &pool_origin),
        .mode = call->mode,
        .straight_line = *model,
        .drive = drive_params,
        .max_minutes = objective.max_minutes(),
        .max_miles = objective.max_miles(),
        .county_fips = Strings(objective.county_fips()),
        .max_picks = max_picks,
        .target_share = objective.target_share(),
        .deadline = call->deadline};
    absl::StatusOr<access::Recommendation> rec =
        access::RecommendAdditions(*call->region, call->drive.get(), domain, limits_);
    if (!rec.ok()) return ToGrpcStatus(rec.status());
    response->set_total(rec->total_population);
    response->set_base_covered(rec->base_covered_population);
    response->set_base_share(rec->base_share);
    response->set_max_minutes(objective.max_minutes());
    response->set_max_miles(objective.max_miles());
    response->set_target_met(rec->target_met);
    for (size_t k = 0; k < rec->picks.size(); ++k) {
      const access::RecommendedPick& p = rec->picks[k];
      v1::RecommendedAddition* out = response->add_picks();
      out->set_rank(static_cast<int32_t>(k + 1));
      ProviderToProto(pool->rows[pool_origin[p.candidate]], out->mutable_provider());
      out->set_gain(p.gain_population);
      out->set_covered(p.covered_population);
      out->set_share(p.share);
    }
    for (int32_t i : rec->skipped_candidates) {
      response->add_skipped_candidate_ids(domain.candidates[i].id);
    }
    for (int32_t i : rec->unsnapped_candidates) {
      response->add_unsnapped_candidate_ids(domain.candidates[i].id);
    }
    response->set_candidates_considered(rec->candidates_considered);
    summary_line = absl::StrFormat(
        "%d picks: covered share %.1f%% -> %.1f%%", rec->picks.size(), 100.0 * rec->base_share,
        100.0 * (rec->picks.empty() ? rec->base_share : rec->picks.back().share));
  } else {
    return ToGrpcStatus(absl::InvalidArgumentError(
        "objective: set coverage (a travel threshold) or adequacy (a county x specialty type)"));
  }
  for (const ResolvedRoster& n : *networks) ResolvedToProto(n, 0, response->add_networks());
  ResolvedToProto(*pool, 0, response->add_networks());
  if (request->save_report()) {
    response->set_compute_ms(absl::ToDoubleMilliseconds(absl::Now() - start));
    std::vector<ResolvedRoster> refs = *networks;
    refs.push_back(*pool);
    absl::StatusOr<std::string> id =
        SaveReport(*call, "recommendation", request->report_title(), refs, standards_name, *request,
                   *response, summary_line);
    if (!id.ok()) return ToGrpcStatus(id.status());
    response->set_report_id(*id);
  }
  response->set_compute_ms(absl::ToDoubleMilliseconds(absl::Now() - start));
  return grpc::Status::OK;
}

// ---------------------------------------------------------------------------------------------
// ComputeAccessRatios

grpc::Status ContractingServiceImpl::ComputeAccessRatios(
    grpc::ServerContext* context, const v1::ComputeAccessRatiosRequest* request,
    v1::ComputeAccessRatiosResponse* response) {
  const absl::Time start = absl::Now();
  const bool stored = request->save_report() || !request->network().network_id().empty();
  absl::StatusOr<Call> call =
      Begin(*context, request->region(), request->mode(), stored, request->save_report());
  if (!call.ok()) return ToGrpcStatus(call.status());
  absl::StatusOr<ResolvedRoster> network = Resolve(*call, request->network(), "network");
  if (!network.ok()) return ToGrpcStatus(network.status());
  absl::StatusOr<access::StraightLineModel> model = StraightLineFromProto(request->straight_line());
  if (!model.ok()) return ToGrpcStatus(model.status());
  std::vector<int32_t> origin;
  access::AccessRatioRequest domain{
      .providers = FacilitiesOfRoster(network->rows, Strings(request->specialty_codes()), &origin),
      .mode = call->mode,
      .straight_line = *model,
      .catchment_minutes = request->catchment_minutes(),
      .deadline = call->deadline};
  if (call->drive) {
    absl::StatusOr<routing::DriveParams> params = DriveParamsFromProto(request->drive());
    if (!params.ok()) return ToGrpcStatus(params.status());
    domain.drive = *params;
  }
  for (int32_t i : origin) {
    const double beds = network->rows[i].beds;
    domain.capacity.push_back(request->capacity_from_beds() && beds > 0 ? beds : 1.0);
  }
  absl::StatusOr<access::AccessRatioAnswer> answer =
      access::ComputeAccessRatios(*call->region, call->drive.get(), domain, limits_);
  if (!answer.ok()) return ToGrpcStatus(answer.status());
  const access::Region& region = *call->region;
  response->set_region(region.name);
  response->set_mode(ModeToProto(call->mode));
  response->set_catchment_minutes(request->catchment_minutes());
  response->set_total_population(region.total_population);
  response->set_mean_access_per_1000(answer->region.mean_access_per_1000);
  response->set_zero_access_population(answer->region.zero_access_population);
  for (size_t c = 0; c < region.counties.size(); ++c) {
    const access::AccessSummary& a = answer->counties[c];
    v1::CountyAccess* out = response->add_counties();
    out->set_fips(region.counties[c].fips);
    out->set_name(region.counties[c].name);
    out->set_state(region.counties[c].state);
    out->set_population(a.population);
    out->set_mean_access_per_1000(a.mean_access_per_1000);
    out->set_zero_access_population(a.zero_access_population);
    out->set_min_access_per_1000(a.min_access_per_1000);
    out->set_max_access_per_1000(a.max_access_per_1000);
  }
  for (size_t j = 0; j < domain.providers.size(); ++j) {
    v1::ProviderAccessRatio* out = response->add_providers();
    out->set_provider_id(domain.providers[j].id);
    out->set_name(domain.providers[j].name);
    out->set_capacity(domain.capacity[j]);
    out->set_catchment_population(answer->provider_catchment_population[j]);
    out->set_ratio_per_1000(answer->provider_ratio_per_1000[j]);
  }
  if (request->include_units()) {
    for (size_t i = 0; i < region.units.size(); ++i) {
      v1::UnitAccess* out = response->add_units();
      out->set_unit_id(region.units[i].id);
      out->set_county_fips(region.units[i].county_fips);
      out->set_population(region.units[i].population);
      out->set_access_per_1000(answer->unit_access_per_1000[i]);
    }
  }
  ResolvedToProto(*network, static_cast<int32_t>(domain.providers.size()),
                  response->mutable_network());
  for (int32_t j : answer->unsnapped_providers) {
    response->add_unsnapped_provider_ids(domain.providers[j].id);
  }
  if (call->drive) {
    response->set_speed_profile(call->drive->network->graph().profile_name);
    response->set_attribution(std::string(kOsmAttribution));
  }
  if (request->save_report()) {
    response->set_compute_ms(absl::ToDoubleMilliseconds(absl::Now() - start));
    absl::StatusOr<std::string> id = SaveReport(
        *call, "access_ratios", request->report_title(), {*network}, "", *request, *response,
        absl::StrFormat("2SFCA %g min: mean %.3f per 1,000; %d residents with no access",
                        request->catchment_minutes(), answer->region.mean_access_per_1000,
                        answer->region.zero_access_population));
    if (!id.ok()) return ToGrpcStatus(id.status());
    response->set_report_id(*id);
  }
  response->set_compute_ms(absl::ToDoubleMilliseconds(absl::Now() - start));
  return grpc::Status::OK;
}

}  // namespace carereach::rpc
