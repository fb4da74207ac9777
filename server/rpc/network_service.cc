#include "server/rpc/network_service.h"

#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "carereach/v1/contracting.pb.h"
#include "geo/access/adequacy.h"
#include "server/rpc/caller.h"
#include "server/rpc/roster_convert.h"
#include "server/rpc/status.h"

namespace carereach::rpc {
namespace {

constexpr int32_t kDefaultPageSize = 100;
constexpr int32_t kMaxPageSize = 1000;
// Rows per ExportNetwork message.
constexpr size_t kExportBatchRows = 5000;

void TimeToProto(absl::Time t, google::protobuf::Timestamp* out) {
  const int64_t micros = absl::ToUnixMicros(t);
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(rest * 1000));
}

void NetworkToProto(const store::NetworkInfo& n, v1::Network* out) {
  out->set_network_id(n.network_id);
  out->set_name(n.name);
  out->set_description(n.description);
  TimeToProto(n.created, out->mutable_create_time());
  out->set_latest_version(n.latest_version);
  out->set_version_count(n.version_count);
  out->set_latest_provider_count(n.latest_provider_count);
}

// Page tokens are opaque to callers: the key to continue after, base64.
std::string EncodeToken(const std::string& after) {
  return after.empty() ? std::string() : absl::WebSafeBase64Escape(absl::StrCat("a:", after));
}

// One page of a listing: its size (0 takes the default) and the key to continue after.
struct Page {
  int32_t size = 0;
  std::string after;
};

absl::StatusOr<Page> ReadPage(int32_t page_size, const std::string& token) {
  if (page_size < 0 || page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrFormat("page_size: %d is outside [0, %d]", page_size, kMaxPageSize));
  }
  Page page{.size = page_size == 0 ? kDefaultPageSize : page_size};
  if (token.empty()) return page;
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || !absl::StartsWith(raw, "a:")) {
    return absl::InvalidArgumentError("page_token: not a token this service issued");
  }
  page.after = raw.substr(2);
  return page;
}

}  // namespace

void VersionToProto(const std::string& network_id, const store::VersionInfo& v,
                    v1::NetworkVersion* out) {
  out->set_network_id(network_id);
  out->set_version(v.version);
  TimeToProto(v.created, out->mutable_create_time());
  out->set_note(v.note);
  out->set_provider_count(v.provider_count);
  out->set_content_hash(v.content_hash);
}

absl::Status ReportToProto(const store::ReportRecord& r, bool with_payload, v1::Report* out) {
  out->set_report_id(r.report_id);
  out->set_kind(r.kind);
  out->set_title(r.title);
  TimeToProto(r.created, out->mutable_create_time());
  for (const store::NetworkRef& n : r.networks) {
    v1::NetworkVersionRef* ref = out->add_networks();
    ref->set_network_id(n.network_id);
    ref->set_version(n.version);
  }
  out->set_region(r.region);
  out->set_standards_set(r.standards_set);
  out->set_mode(r.mode);
  out->set_summary(r.summary);
  // The blobs are serialized google.protobuf.Any messages (see contracting_service.cc).
  if (with_payload && (!out->mutable_request()->ParseFromString(r.request_blob) ||
                       !out->mutable_result()->ParseFromString(r.result_blob))) {
    return absl::DataLossError(
        absl::StrFormat("report %s: its stored request or result cannot be read", r.report_id));
  }
  return absl::OkStatus();
}

absl::Status ValidateStoredRoster(const std::vector<access::NetworkProvider>& rows,
                                  const io::StandardsSet& standards, int64_t max_rows,
                                  std::string_view field) {
  if (static_cast<int64_t>(rows.size()) > max_rows) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "%s: %d rows is more than this server's limit of %d", field, rows.size(), max_rows));
  }
  return access::ValidateRoster(rows, standards, field);
}

NetworkServiceImpl::NetworkServiceImpl(store::Store* store, int64_t max_roster_rows,
                                       const auth::Authenticator* authenticator)
    : store_(store),
      authenticator_(authenticator != nullptr ? authenticator : &DevModeAuthenticator()),
      max_roster_rows_(max_roster_rows) {}

void NetworkServiceImpl::SetCatalog(std::shared_ptr<const RegionCatalog> catalog) {
  absl::MutexLock lock(&mu_);
  catalog_ = std::move(catalog);
}

absl::StatusOr<std::string> NetworkServiceImpl::Begin(const grpc::ServerContext& context,
                                                      absl::string_view scope) const {
  if (store_ == nullptr) {
    return absl::FailedPreconditionError(
        "this server was started without a state directory (--state_dir): networks and reports "
        "are not stored");
  }
  absl::StatusOr<auth::Caller> caller =
      TenantCallerOf(context, *authenticator_, scope, "this call");
  if (!caller.ok()) return caller.status();
  return caller->tenant;
}

absl::StatusOr<store::VersionInfo> NetworkServiceImpl::SaveRoster(
    const std::string& tenant, const std::string& network_id, const std::string& note,
    const std::vector<access::NetworkProvider>& rows) {
  std::shared_ptr<const RegionCatalog> catalog;
  {
    absl::MutexLock lock(&mu_);
    catalog = catalog_;
  }
  if (catalog == nullptr) return absl::UnavailableError("standards are still loading");
  absl::StatusOr<const RegionCatalog::Standards*> standards = catalog->FindStandards("");
  if (!standards.ok()) return standards.status();
  if (absl::Status s = ValidateStoredRoster(rows, (*standards)->set, max_roster_rows_, "providers");
      !s.ok()) {
    return s;
  }
  std::vector<store::ProviderRow> stored;
  stored.reserve(rows.size());
  for (const access::NetworkProvider& p : rows) stored.push_back(ProviderToRow(p));
  return store_->AddVersion(tenant, network_id, note, stored);
}

grpc::Status NetworkServiceImpl::CreateNetwork(grpc::ServerContext* context,
                                               const v1::CreateNetworkRequest* request,
                                               v1::CreateNetworkResponse* response) {
  absl::StatusOr<std::string> tenant = Begin(*context, auth::kScopeWrite);
  if (!tenant.ok()) return ToGrpcStatus(tenant.status());
  std::vector<access::NetworkProvider> rows;
  for (int i = 0; i < request->providers_size(); ++i) {
    absl::StatusOr<access::NetworkProvider> p =
        ProviderFromProto(request->providers(i), absl::StrFormat("providers[%d]", i));
    if (!p.ok()) return ToGrpcStatus(p.status());
    rows.push_back(*std::move(p));
  }
  absl::StatusOr<store::NetworkInfo> created = store_->CreateNetwork(
      *tenant, request->network_id(), request->name(), request->description());
  if (!created.ok()) return ToGrpcStatus(created.status());
  if (!rows.empty()) {
    absl::StatusOr<store::VersionInfo> version =
        SaveRoster(*tenant, request->network_id(), request->note(), rows);
    if (!version.ok()) {
      // The network must not linger half-made when its roster is refused.
      (void)store_->DeleteNetwork(*tenant, request->network_id());
      return ToGrpcStatus(version.status());
    }
    VersionToProto(request->network_id(), *version, response->mutable_version());
    absl::StatusOr<store::NetworkInfo> info = store_->GetNetwork(*tenant, request->network_id());
    if (!info.ok()) return ToGrpcStatus(info.status());
    created = *std::move(info);
  }
  NetworkToProto(*created, response->mutable_network());
  return grpc::Status::OK;
}

grpc::Status NetworkServiceImpl::ImportNetwork(grpc::ServerContext* context,
                                               grpc::ServerReader<v1::ImportNetworkRequest>* reader,
                                               v1::NetworkVersion* response) {
  absl::StatusOr<std::string> tenant = Begin(*context, auth::kScopeWrite);
  if (!tenant.ok()) return ToGrpcStatus(tenant.status());
  v1::ImportNetworkRequest message;
  if (!reader->Read(&message) || !message.has_header()) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        "header: the first message of ImportNetwork must be the header"));
  }
  const v1::ImportNetworkHeader header = message.header();
  std::vector<access::NetworkProvider> rows;
  while (reader->Read(&message)) {
    if (message.has_header()) {
      return ToGrpcStatus(absl::InvalidArgumentError("header: sent twice; send it once, first"));
    }
    for (const v1::NetworkProvider& p : message.providers().providers()) {
      if (static_cast<int64_t>(rows.size()) >= max_roster_rows_) {
        return ToGrpcStatus(absl::ResourceExhaustedError(absl::StrFormat(
            "providers: more than this server's limit of %d roster rows", max_roster_rows_)));
      }
      absl::StatusOr<access::NetworkProvider> row =
          ProviderFromProto(p, absl::StrFormat("providers[%d]", rows.size()));
      if (!row.ok()) return ToGrpcStatus(row.status());
      rows.push_back(*std::move(row));
    }
  }
  if (context->IsCancelled()) return grpc::Status(grpc::StatusCode::CANCELLED, "cancelled");
  absl::StatusOr<store::NetworkInfo> existing = store_->GetNetwork(*tenant, header.network_id());
  bool created = false;
  if (!existing.ok()) {
    if (existing.status().code() != absl::StatusCode::kNotFound || !header.create_if_missing()) {
      return ToGrpcStatus(existing.status());
    }
    absl::StatusOr<store::NetworkInfo> made =
        store_->CreateNetwork(*tenant, header.network_id(), header.name(), header.description());
    if (!made.ok()) return ToGrpcStatus(made.status());
    created = true;
  }
  absl::StatusOr<store::VersionInfo> version =
      SaveRoster(*tenant, header.network_id(), header.note(), rows);
  if (!version.ok()) {
    if (created) (void)store_->DeleteNetwork(*tenant, header.network_id());
    return ToGrpcStatus(version.status());
  }
  VersionToProto(header.network_id(), *version, response);
  return grpc::Status::OK;
}

grpc::Status NetworkServiceImpl::ListNetworks(grpc::ServerContext* context,
                                              const v1::ListNetworksRequest* request,
                                              v1::ListNetworksResponse* response) {
  absl::StatusOr<std::string> tenant = Begin(*context, auth::kScopeAnalyze);
  if (!tenant.ok()) return ToGrpcStatus(tenant.status());
  absl::StatusOr<Page> page = ReadPage(request->page_size(), request->page_token());
  if (!page.ok()) return ToGrpcStatus(page.status());
  std::string next;
  absl::StatusOr<std::vector<store::NetworkInfo>> networks =
      store_->ListNetworks(*tenant, page->size, page->after, &next);
  if (!networks.ok()) return ToGrpcStatus(networks.status());
  for (const store::NetworkInfo& n : *networks) NetworkToProto(n, response->add_networks());
  response->set_next_page_token(EncodeToken(next));
  return grpc::Status::OK;
}

grpc::Status NetworkServiceImpl::GetNetwork(grpc::ServerContext* context,
                                            const v1::GetNetworkRequest* request,
                                            v1::GetNetworkResponse* response) {
  absl::StatusOr<std::string> tenant = Begin(*context, auth::kScopeAnalyze);
  if (!tenant.ok()) return ToGrpcStatus(tenant.status());
  absl::StatusOr<store::NetworkInfo> network = store_->GetNetwork(*tenant, request->network_id());
  if (!network.ok()) return ToGrpcStatus(network.status());
  absl::StatusOr<std::vector<store::VersionInfo>> versions =
      store_->ListVersions(*tenant, request->network_id());
  if (!versions.ok()) return ToGrpcStatus(versions.status());
  NetworkToProto(*network, response->mutable_network());
  for (const store::VersionInfo& v : *versions) {
    VersionToProto(request->network_id(), v, response->add_versions());
  }
  return grpc::Status::OK;
}

grpc::Status NetworkServiceImpl::ExportNetwork(
    grpc::ServerContext* context, const v1::ExportNetworkRequest* request,
    grpc::ServerWriter<v1::ExportNetworkResponse>* writer) {
  absl::StatusOr<std::string> tenant = Begin(*context, auth::kScopeAnalyze);
  if (!tenant.ok()) return ToGrpcStatus(tenant.status());
  int32_t version = 0;
  absl::StatusOr<std::vector<store::ProviderRow>> rows =
      store_->GetProviders(*tenant, request->network_id(), request->version(), &version);
  if (!rows.ok()) return ToGrpcStatus(rows.status());
  absl::StatusOr<std::vector<store::VersionInfo>> versions =
      store_->ListVersions(*tenant, request->network_id());
  if (!versions.ok()) return ToGrpcStatus(versions.status());
  v1::ExportNetworkResponse head;
  for (const store::VersionInfo& v : *versions) {
    if (v.version == version) VersionToProto(request->network_id(), v, head.mutable_version());
  }
  if (!writer->Write(head)) return grpc::Status(grpc::StatusCode::CANCELLED, "client went away");
  for (size_t start = 0; start < rows->size(); start += kExportBatchRows) {
    v1::ExportNetworkResponse batch;
    for (size_t i = start; i < std::min(rows->size(), start + kExportBatchRows); ++i) {
      RowToProto((*rows)[i], batch.mutable_providers()->add_providers());
    }
    if (!writer->Write(batch)) return grpc::Status(grpc::StatusCode::CANCELLED, "client went away");
  }
  return grpc::Status::OK;
}

grpc::Status NetworkServiceImpl::DiffNetworkVersions(grpc::ServerContext* context,
                                                     const v1::DiffNetworkVersionsRequest* request,
                                                     v1::DiffNetworkVersionsResponse* response) {
  absl::StatusOr<std::string> tenant = Begin(*context, auth::kScopeAnalyze);
  if (!tenant.ok()) return ToGrpcStatus(tenant.status());
  if (request->from_version() <= 0 || request->to_version() <= 0) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        absl::StrFormat("%s: versions are numbered from 1",
                        request->from_version() <= 0 ? "from_version" : "to_version")));
  }
  absl::StatusOr<store::NetworkDiff> diff = store_->DiffVersions(
      *tenant, request->network_id(), request->from_version(), request->to_version());
  if (!diff.ok()) return ToGrpcStatus(diff.status());
  absl::StatusOr<std::vector<store::VersionInfo>> versions =
      store_->ListVersions(*tenant, request->network_id());
  if (!versions.ok()) return ToGrpcStatus(versions.status());
  for (const store::VersionInfo& v : *versions) {
    if (v.version == request->from_version()) {
      VersionToProto(request->network_id(), v, response->mutable_from());
    }
    if (v.version == request->to_version()) {
      VersionToProto(request->network_id(), v, response->mutable_to());
    }
  }
  for (const store::ProviderRow& r : diff->added) RowToProto(r, response->add_added());
  for (const store::ProviderRow& r : diff->removed) RowToProto(r, response->add_removed());
  for (const auto& [before, after] : diff->changed) {
    v1::ProviderChange* c = response->add_changed();
    RowToProto(before, c->mutable_before());
    RowToProto(after, c->mutable_after());
  }
  response->set_unchanged_count(diff->unchanged);
  return grpc::Status::OK;
}

grpc::Status NetworkServiceImpl::DeleteNetwork(grpc::ServerContext* context,
                                               const v1::DeleteNetworkRequest* request,
                                               v1::DeleteNetworkResponse*) {
  absl::StatusOr<std::string> tenant = Begin(*context, auth::kScopeWrite);
  if (!tenant.ok()) return ToGrpcStatus(tenant.status());
  return ToGrpcStatus(store_->DeleteNetwork(*tenant, request->network_id()));
}

grpc::Status NetworkServiceImpl::ListReports(grpc::ServerContext* context,
                                             const v1::ListReportsRequest* request,
                                             v1::ListReportsResponse* response) {
  absl::StatusOr<std::string> tenant = Begin(*context, auth::kScopeAnalyze);
  if (!tenant.ok()) return ToGrpcStatus(tenant.status());
  absl::StatusOr<Page> page = ReadPage(request->page_size(), request->page_token());
  if (!page.ok()) return ToGrpcStatus(page.status());
  std::string next;
  absl::StatusOr<std::vector<store::ReportRecord>> reports =
      store_->ListReports(*tenant, request->network_id(), page->size, page->after, &next);
  if (!reports.ok()) return ToGrpcStatus(reports.status());
  for (const store::ReportRecord& r : *reports) {
    if (absl::Status s = ReportToProto(r, false, response->add_reports()); !s.ok()) {
      return ToGrpcStatus(s);
    }
  }
  response->set_next_page_token(EncodeToken(next));
  return grpc::Status::OK;
}

grpc::Status NetworkServiceImpl::GetReport(grpc::ServerContext* context,
                                           const v1::GetReportRequest* request,
                                           v1::Report* response) {
  absl::StatusOr<std::string> tenant = Begin(*context, auth::kScopeAnalyze);
  if (!tenant.ok()) return ToGrpcStatus(tenant.status());
  absl::StatusOr<store::ReportRecord> report = store_->GetReport(*tenant, request->report_id());
  if (!report.ok()) return ToGrpcStatus(report.status());
  return ToGrpcStatus(ReportToProto(*report, true, response));
}

}  // namespace carereach::rpc
