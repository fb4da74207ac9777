// carereach-soak: building the requests and checking the answers (see requests.h).
#include "bench/soak/requests.h"

#include <algorithm>
#include <cstddef>

#include "absl/strings/str_cat.h"

namespace carereach::soak {
namespace {

// Drive mode on a request (or header) with a `drive` field; the direction alternates with n.
template <class M>
void SetDrive(M* m, int64_t n) {
  m->set_mode(v1::TRAVEL_MODE_DRIVE);
  m->mutable_drive()->set_direction(n % 2 == 0 ? v1::TRAVEL_DIRECTION_TO_FACILITY
                                               : v1::TRAVEL_DIRECTION_FROM_FACILITY);
}

v1::NetworkSelection Inline(const std::string& label,
                            const std::vector<v1::NetworkProvider>& rows) {
  v1::NetworkSelection sel;
  sel.set_label(label);
  for (const auto& p : rows) *sel.add_providers() = p;
  return sel;
}

}  // namespace

std::string Requests::BaseId(const RegionData& r, const char* which) const {
  return absl::StrCat(nonce_, "-", r.name, "-", which);
}

const RegionData& Requests::County(int64_t n) const {
  return world_.county_regions[n % world_.county_regions.size()];
}

v1::NetworkSelection Requests::Stored(const RegionData& r, const char* which, int version) const {
  v1::NetworkSelection sel;
  sel.set_network_id(BaseId(r, which));
  sel.set_version(version);
  return sel;
}

v1::CreateNetworkRequest Requests::SetupCreate(const RegionData& r, const char* which) const {
  v1::CreateNetworkRequest req;
  req.set_network_id(BaseId(r, which));
  req.set_name(absl::StrCat("Soak ", r.name, " ", which));
  req.set_description("carereach-soak base network");
  for (const auto& p : which[0] == 'a' ? r.roster_a : r.roster_b) *req.add_providers() = p;
  req.set_note("soak setup");
  return req;
}

std::vector<v1::ImportNetworkRequest> Requests::SetupVersion2(const RegionData& r) const {
  std::vector<v1::NetworkProvider> rows = r.roster_a;
  rows.erase(rows.begin() + static_cast<long>(rows.size()) - 1);
  rows.front().set_name(rows.front().name() + " (renamed)");
  rows.push_back(r.roster_b.back());
  std::vector<v1::ImportNetworkRequest> parts(2);
  parts[0].mutable_header()->set_network_id(BaseId(r, "a"));
  parts[0].mutable_header()->set_note("soak setup v2");
  for (const auto& p : rows) *parts[1].mutable_providers()->add_providers() = p;
  return parts;
}

Planned<v1::ListRegionsRequest, v1::ListRegionsResponse> Requests::ListRegions() const {
  return {{}, [](const v1::ListRegionsResponse& r) -> std::string {
            return r.regions_size() >= 6 ? "" : "fewer than 6 regions";
          }};
}

Planned<v1::ComputeCoverageRequest, v1::ComputeCoverageResponse> Requests::Coverage(
    bool drive, int64_t n) const {
  v1::ComputeCoverageRequest req;
  const RegionData& r =
      drive ? County(n)
            : (n % 4 == 0 ? world_.county_regions[n / 4 % world_.county_regions.size()]
                          : world_.state_regions[n % world_.state_regions.size()]);
  req.set_region(r.name);
  // (A cut-down data directory may leave a region without hospitals of its own.)
  for (const Place& h : r.hospitals.empty() ? world_.all_hospitals : r.hospitals) {
    *req.add_facilities() = ToFacility(h);
  }
  if (drive) {
    for (double m : {10.0, 20.0, 30.0}) req.add_max_minutes(m);
    req.add_max_miles(15);
    SetDrive(&req, n);
  } else {
    req.set_mode(v1::TRAVEL_MODE_STRAIGHT_LINE);
    for (double m : {5.0, 10.0, 20.0}) req.add_max_miles(m);
    req.add_max_minutes(30);
  }
  if (n % 3 == 0) {
    req.mutable_unit_detail()->set_include(true);
    req.mutable_unit_detail()->set_page_size(100);
  }
  return {std::move(req), [](const v1::ComputeCoverageResponse& resp) -> std::string {
            if (resp.results_size() != 4) return "not 4 results";
            if (resp.total_population() <= 0) return "no population";
            return "";
          }};
}

Planned<v1::ComputeIsochronesRequest, v1::ComputeIsochronesResponse> Requests::Isochrones(
    int64_t n) const {
  const RegionData& county = County(n);
  v1::ComputeIsochronesRequest req;
  req.set_region(county.name);
  for (size_t i = 0; i < county.hospitals.size() && i < 2; ++i) {
    *req.add_facilities() = ToFacility(county.hospitals[(i + n) % county.hospitals.size()]);
  }
  req.add_max_minutes(10);
  req.add_max_minutes(20);
  return {std::move(req), [](const v1::ComputeIsochronesResponse& resp) -> std::string {
            return resp.isochrones_size() == 2 ? "" : "not 2 isochrones";
          }};
}

Planned<v1::ComputeMatrixRequest, std::vector<v1::MatrixRow>> Requests::Matrix(int64_t n) const {
  const RegionData& county = County(n);
  v1::ComputeMatrixRequest req;
  req.set_region(county.name);
  const size_t step = std::max<size_t>(1, county.tracts.size() / 25);
  for (size_t i = n % step; i < county.tracts.size(); i += step) {
    v1::Facility* o = req.add_origins();
    o->set_id(county.tracts[i].id);
    *o->mutable_location() = Loc(county.tracts[i]);
  }
  for (size_t i = 0; i < county.hospitals.size() && i < 10; ++i) {
    *req.add_destinations() = ToFacility(county.hospitals[i]);
  }
  req.set_max_minutes(60);
  const int origins = req.origins_size(), destinations = req.destinations_size();
  return {std::move(req),
          [origins, destinations](const std::vector<v1::MatrixRow>& rows) -> std::string {
            std::string bad;
            if (static_cast<int>(rows.size()) != origins) bad = "rows != origins";
            for (const auto& row : rows) {
              if (row.minutes_size() != destinations) bad = "row length != destinations";
            }
            return bad;
          }};
}

Planned<std::vector<v1::EvaluateAdequacyRequest>, std::vector<v1::EvaluateAdequacyResponse>>
Requests::EvaluateAdequacy(int64_t n) const {
  const RegionData& county = County(n);
  std::vector<v1::EvaluateAdequacyRequest> parts(1);
  v1::AdequacyRequestHeader* h = parts[0].mutable_header();
  h->set_region(county.name);
  if (n % 3 == 0) SetDrive(h, n);
  h->set_include_uncovered_units(n % 2 == 0);
  std::vector<v1::NetworkProvider> rows = county.roster_a;
  rows.insert(rows.end(), county.roster_b.begin(), county.roster_b.end());
  for (size_t i = 0; i < rows.size(); i += 40) {
    v1::EvaluateAdequacyRequest batch;
    for (size_t j = i; j < rows.size() && j < i + 40; ++j) {
      *batch.mutable_providers()->add_providers() = rows[j];
    }
    parts.push_back(std::move(batch));
  }
  const int roster_rows = static_cast<int>(rows.size());
  return {std::move(parts),
          [roster_rows](const std::vector<v1::EvaluateAdequacyResponse>& out) -> std::string {
            if (out.empty() || !out.back().has_summary()) return "no summary";
            if (out.back().summary().roster_rows() != roster_rows ||
                out.back().summary().results() != static_cast<int>(out.size()) - 1) {
              return "summary does not match the stream";
            }
            return "";
          }};
}

Planned<v1::AnalyzeCoverageRequest, v1::AnalyzeCoverageResponse> Requests::AnalyzeCoverage(
    int64_t n) const {
  const RegionData& county = County(n);
  v1::AnalyzeCoverageRequest req;
  req.set_region(county.name);
  *req.add_networks() = Stored(county, "a", 0);
  if (n % 2 == 0) *req.add_networks() = Stored(county, "b", 1);
  if (n % 3 == 0) {  // a what-if on A: drop a hospital of both versions, add a site
    req.mutable_networks(0)->add_remove_provider_ids(county.roster_a[1].id());
    *req.mutable_networks(0)->add_add_providers() = county.roster_b.front();
  }
  if (n % 4 == 1) {
    req.add_max_minutes(15);
    req.add_max_minutes(30);
    SetDrive(&req, n);
  } else {
    req.add_max_miles(10);
    req.add_max_miles(20);
  }
  const int members = req.networks_size();
  return {std::move(req), [members](const v1::AnalyzeCoverageResponse& resp) -> std::string {
            if (resp.results_size() != 2) return "not 2 results";
            if (members > 1 && resp.members_size() != members) return "members missing";
            return "";
          }};
}

Planned<v1::AnalyzeAdequacyRequest, std::vector<v1::AnalyzeAdequacyResponse>>
Requests::AnalyzeAdequacy(int64_t n) const {
  const RegionData& county = County(n);
  v1::AnalyzeAdequacyRequest req;
  req.set_region(county.name);
  *req.add_networks() = Stored(county, "a", 0);
  *req.add_networks() = Stored(county, "b", 0);
  req.add_specialty_codes("S03");
  req.add_specialty_codes("040");
  req.add_specialty_codes("014");
  if (n % 3 == 0) SetDrive(&req, n);
  return {std::move(req), [](const std::vector<v1::AnalyzeAdequacyResponse>& out) -> std::string {
            if (out.size() != 4 || !out.back().has_summary()) {
              return absl::StrCat(out.size(), " messages, not 3 results and a summary");
            }
            return "";
          }};
}

Planned<v1::RecommendAdditionsRequest, v1::RecommendAdditionsResponse> Requests::RecommendAdditions(
    int64_t n) const {
  const RegionData& county = County(n);
  v1::RecommendAdditionsRequest req;
  req.set_region(county.name);
  *req.add_networks() = Stored(county, "a", 1);
  *req.mutable_candidates() = n % 2 == 0 ? Stored(county, "b", 0) : Inline("pool", county.roster_b);
  if (n % 4 == 1) SetDrive(&req, n);
  req.mutable_coverage()->set_max_minutes(20);
  req.set_max_picks(5);
  return {std::move(req), [](const v1::RecommendAdditionsResponse& resp) -> std::string {
            return resp.total() > 0 ? "" : "no residents counted";
          }};
}

Planned<v1::ComputeAccessRatiosRequest, v1::ComputeAccessRatiosResponse> Requests::AccessRatios(
    int64_t n) const {
  const RegionData& county = County(n);
  v1::ComputeAccessRatiosRequest req;
  req.set_region(county.name);
  *req.mutable_network() = Stored(county, n % 2 == 0 ? "a" : "b", 0);
  req.set_catchment_minutes(30);
  req.set_capacity_from_beds(true);
  req.set_include_units(n % 5 == 0);
  if (n % 4 == 1) SetDrive(&req, n);
  return {std::move(req), [](const v1::ComputeAccessRatiosResponse& resp) -> std::string {
            return resp.total_population() > 0 && resp.providers_size() > 0 ? "" : "empty";
          }};
}

Planned<v1::CreateNetworkRequest, v1::CreateNetworkResponse> Requests::CreateNetwork(
    int64_t n, int slot, int64_t created) const {
  v1::CreateNetworkRequest req;
  req.set_network_id(absl::StrCat(nonce_, "-c", slot, "-", created));
  req.set_name("Soak created network");
  const auto& rows = County(n).roster_b;
  for (size_t i = 0; i < rows.size() && i < 20; ++i) *req.add_providers() = rows[i];
  const int64_t want = req.providers_size();
  return {std::move(req), [want](const v1::CreateNetworkResponse& resp) -> std::string {
            return resp.version().version() == 1 && resp.version().provider_count() == want
                       ? ""
                       : "not version 1 with every row";
          }};
}

Planned<std::vector<v1::ImportNetworkRequest>, std::vector<v1::NetworkVersion>>
Requests::ImportNetwork(int64_t n, int slot, int64_t imported) const {
  const int64_t j = imported;
  std::vector<v1::ImportNetworkRequest> parts(1);
  v1::ImportNetworkHeader* h = parts[0].mutable_header();
  h->set_network_id(absl::StrCat(nonce_, "-i", slot, "-", j / 2));
  h->set_create_if_missing(true);
  h->set_name("Soak imported network");
  h->set_note(absl::StrCat("import ", j));
  const auto& rows = County(n).roster_a;
  const size_t count = std::min<size_t>(rows.size(), 30 + j % 2);
  for (size_t i = 0; i < count; i += 10) {
    v1::ImportNetworkRequest batch;
    for (size_t k = i; k < count && k < i + 10; ++k) {
      *batch.mutable_providers()->add_providers() = rows[k];
    }
    parts.push_back(std::move(batch));
  }
  const int want_version = static_cast<int>(j % 2) + 1;
  const int64_t want_rows = static_cast<int64_t>(count);
  return {std::move(parts),
          [want_version, want_rows](const std::vector<v1::NetworkVersion>& out) -> std::string {
            const v1::NetworkVersion& v = out.front();
            if (v.version() == want_version && v.provider_count() == want_rows) return "";
            return absl::StrCat("version ", v.version(), " rows ", v.provider_count(),
                                ", expected ", want_version, " and ", want_rows);
          }};
}

Planned<v1::ListNetworksRequest, v1::ListNetworksResponse> Requests::ListNetworks() const {
  v1::ListNetworksRequest req;
  req.set_page_size(50);
  return {std::move(req), [](const v1::ListNetworksResponse& resp) -> std::string {
            return resp.networks_size() > 0 ? "" : "no networks listed";
          }};
}

Planned<v1::GetNetworkRequest, v1::GetNetworkResponse> Requests::GetNetwork(int64_t n,
                                                                            bool missing) const {
  v1::GetNetworkRequest req;
  req.set_network_id(missing ? absl::StrCat(nonce_, "-missing")
                             : BaseId(County(n), n % 2 == 0 ? "a" : "b"));
  return {std::move(req), [](const v1::GetNetworkResponse& resp) -> std::string {
            return resp.versions_size() >= 1 ? "" : "no versions";
          }};
}

Planned<v1::ExportNetworkRequest, std::vector<v1::ExportNetworkResponse>> Requests::ExportNetwork(
    int64_t n) const {
  v1::ExportNetworkRequest req;
  req.set_network_id(BaseId(County(n), "a"));
  req.set_version(static_cast<int>(n % 3));  // 0 (latest), 1, 2
  return {std::move(req), [](const std::vector<v1::ExportNetworkResponse>& out) -> std::string {
            int64_t rows = 0;
            for (const auto& m : out) rows += m.providers().providers_size();
            if (out.empty() || !out.front().has_version() ||
                out.front().version().provider_count() != rows) {
              return "rows streamed != the version's provider_count";
            }
            return "";
          }};
}

Planned<v1::DiffNetworkVersionsRequest, v1::DiffNetworkVersionsResponse> Requests::DiffVersions(
    int64_t n) const {
  v1::DiffNetworkVersionsRequest req;
  req.set_network_id(BaseId(County(n), "a"));
  req.set_from_version(1);
  req.set_to_version(2);
  return {std::move(req), [](const v1::DiffNetworkVersionsResponse& resp) -> std::string {
            return resp.added_size() == 1 && resp.removed_size() == 1 && resp.changed_size() == 1
                       ? ""
                       : "not 1 added, 1 removed, 1 changed";
          }};
}

}  // namespace carereach::soak
