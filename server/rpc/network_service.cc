#include "server/rpc/network_service.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "carereach/v1/contracting.pb.h"
#include "geo/access/adequacy.h"
#include "geo/core/status_macros.h"
#include "server/metrics.h"
#include "server/rpc/admission.h"
#include "server/rpc/caller.h"
#include "server/rpc/limits.h"
#include "server/rpc/observe.h"
#include "server/rpc/roster_convert.h"
#include "server/rpc/status.h"
#include "server/rpc/stream_end.h"
#include "server/store/paging.h"

namespace carereach::rpc {
namespace {

// Rows per ExportNetwork message, and bytes: a batch ends at whichever comes first (a version
// can hold up to half of the largest message; see limits.h).
constexpr size_t kExportBatchRows = 5000;
constexpr size_t kExportBatchBytes = 1 << 20;

using store::PageRequest;

// A stored listing (networks, reports): reads the request's page (store/paging.h), lists it with
// list(page, &next_after) and answers the token of the next page.
template <typename Request, typename Response, typename List>
absl::Status AnswerPage(const Request& request, Response* response, List list) {
  ASSIGN_OR_RETURN(const store::PageRequest page,
                   store::ReadPageRequest(request.page_size(), request.page_token()));
  std::string next_after;
  RETURN_IF_ERROR(list(page, &next_after));
  response->set_next_page_token(store::PageTokenAfter(next_after));
  return absl::OkStatus();
}

absl::Status ClientWentAway() { return absl::CancelledError("client went away"); }

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

// Sets `*out` to the entry of `version` in `versions`; leaves it unset when there is none.
void FindVersionToProto(const std::string& network_id,
                        const std::vector<store::VersionInfo>& versions, int32_t version,
                        v1::NetworkVersion* out) {
  for (const store::VersionInfo& v : versions) {
    if (v.version == version) VersionToProto(network_id, v, out);
  }
}

void DiffToProto(const store::NetworkDiff& diff, v1::DiffNetworkVersionsResponse* out) {
  for (const store::ProviderRow& r : diff.added) RowToProto(r, out->add_added());
  for (const store::ProviderRow& r : diff.removed) RowToProto(r, out->add_removed());
  for (const auto& [before, after] : diff.changed) {
    v1::ProviderChange* c = out->add_changed();
    RowToProto(before, c->mutable_before());
    RowToProto(after, c->mutable_after());
  }
  out->set_unchanged_count(diff.unchanged);
}

// Converts wire rows onto `rows`, naming each by its index over all of them ("providers[7]").
// RESOURCE_EXHAUSTED as soon as `rows` would exceed `max_rows`, or their bytes (counted on
// `*bytes`, see limits.h) would exceed `max_bytes`.
absl::Status AppendProviders(const google::protobuf::RepeatedPtrField<v1::NetworkProvider>& in,
                             int64_t max_rows, int64_t max_bytes, int64_t* bytes,
                             std::vector<access::NetworkProvider>& rows) {
  for (const v1::NetworkProvider& p : in) {
    if (static_cast<int64_t>(rows.size()) >= max_rows) {
      return absl::ResourceExhaustedError(
          absl::StrFormat("providers: more than this server's limit of %d roster rows", max_rows));
    }
    *bytes += static_cast<int64_t>(p.ByteSizeLong()) + kVersionRowOverheadBytes;
    if (*bytes > max_bytes) {
      return absl::ResourceExhaustedError(absl::StrFormat(
          "providers[%d]: the roster passes this server's limit of %d bytes for one network "
          "version (rows' encoded size plus %d bytes a row)",
          rows.size(), max_bytes, kVersionRowOverheadBytes));
    }
    ASSIGN_OR_RETURN(access::NetworkProvider row,
                     ProviderFromProto(p, absl::StrFormat("providers[%d]", rows.size())));
    rows.push_back(std::move(row));
  }
  return absl::OkStatus();
}

// Reads an ImportNetwork stream: its header, then every batch of rows onto `rows`.
absl::StatusOr<v1::ImportNetworkHeader> ReadImport(
    grpc::ServerReader<v1::ImportNetworkRequest>& reader, int64_t max_rows, int64_t max_bytes,
    std::vector<access::NetworkProvider>& rows) {
  v1::ImportNetworkRequest message;
  if (!reader.Read(&message) || !message.has_header()) {
    return absl::InvalidArgumentError(
        "header: the first message of ImportNetwork must be the header");
  }
  v1::ImportNetworkHeader header = message.header();
  RETURN_IF_ERROR(CheckStringLimits(header, "header"));
  int64_t bytes = 0;
  int64_t messages = 1;
  while (reader.Read(&message)) {
    ++messages;
    if (message.has_header()) {
      return absl::InvalidArgumentError("header: sent twice; send it once, first");
    }
    RETURN_IF_ERROR(
        AppendProviders(message.providers().providers(), max_rows, max_bytes, &bytes, rows));
  }
  RETURN_IF_ERROR(CheckStreamEnded(reader, message, messages));
  return header;
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
  ASSIGN_OR_RETURN(const auth::Caller caller,
                   TenantCallerOf(context, *authenticator_, scope, "this call"));
  return caller.tenant;
}

template <typename Answer>
grpc::Status NetworkServiceImpl::Serve(const grpc::ServerContext& context, absl::string_view scope,
                                       Answer answer) const {
  if (grpc::Status refused = CallRefusal(context); !refused.ok()) return refused;
  const absl::StatusOr<std::string> tenant = Begin(context, scope);
  return ToGrpcStatus(tenant.ok() ? answer(*tenant) : tenant.status());
}

absl::Status NetworkServiceImpl::CheckRoster(
    const std::vector<access::NetworkProvider>& rows) const {
  std::shared_ptr<const RegionCatalog> catalog;
  {
    absl::MutexLock lock(&mu_);
    catalog = catalog_;
  }
  if (catalog == nullptr) return absl::UnavailableError("standards are still loading");
  ASSIGN_OR_RETURN(const RegionCatalog::Standards* standards, catalog->FindStandards(""));
  return ValidateStoredRoster(rows, standards->set, max_roster_rows_, "providers");
}

absl::StatusOr<std::vector<store::ProviderRow>> NetworkServiceImpl::StoredRows(
    const std::vector<access::NetworkProvider>& rows) const {
  RETURN_IF_ERROR(CheckRoster(rows));
  std::vector<store::ProviderRow> stored;
  stored.reserve(rows.size());
  for (const access::NetworkProvider& p : rows) stored.push_back(ProviderToRow(p));
  return stored;
}

grpc::Status NetworkServiceImpl::CreateNetwork(grpc::ServerContext* context,
                                               const v1::CreateNetworkRequest* request,
                                               v1::CreateNetworkResponse* response) {
  return Serve(*context, auth::kScopeWrite, [&](const std::string& tenant) -> absl::Status {
    std::vector<access::NetworkProvider> rows;
    // No limit while converting: StoredRows refuses an oversized roster as a whole.
    int64_t bytes = 0;
    RETURN_IF_ERROR(AppendProviders(request->providers(), std::numeric_limits<int64_t>::max(),
                                    max_version_bytes_, &bytes, rows));
    const std::string& network_id = request->network_id();
    if (rows.empty()) {
      ASSIGN_OR_RETURN(const store::NetworkInfo network, TimeStoreCall("CreateNetwork", [&] {
                         return store_->CreateNetwork(tenant, network_id, request->name(),
                                                      request->description());
                       }));
      NetworkToProto(network, response->mutable_network());
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(const std::vector<store::ProviderRow> stored, StoredRows(rows));
    // The network and its version 1 in one transaction: never a network without its roster.
    store::VersionInfo version;
    ASSIGN_OR_RETURN(
        const store::NetworkInfo network, TimeStoreCall("CreateNetworkWithVersion", [&] {
          return store_->CreateNetworkWithVersion(tenant, network_id, request->name(),
                                                  request->description(), request->note(), stored,
                                                  &version, ClientRequestId(*context));
        }));
    NetworkToProto(network, response->mutable_network());
    VersionToProto(network_id, version, response->mutable_version());
    return absl::OkStatus();
  });
}

grpc::Status NetworkServiceImpl::ImportNetwork(grpc::ServerContext* context,
                                               grpc::ServerReader<v1::ImportNetworkRequest>* reader,
                                               v1::NetworkVersion* response) {
  return Serve(*context, auth::kScopeWrite, [&](const std::string& tenant) -> absl::Status {
    std::vector<access::NetworkProvider> rows;
    ASSIGN_OR_RETURN(const v1::ImportNetworkHeader header,
                     ReadImport(*reader, max_roster_rows_, max_version_bytes_, rows));
    if (context->IsCancelled()) return absl::CancelledError("cancelled");
    ASSIGN_OR_RETURN(const std::vector<store::ProviderRow> stored, StoredRows(rows));
    // With create_if_missing, finding or creating the network and adding the version are one
    // transaction: of concurrent imports of a new id one creates it (version 1) and the others
    // append versions 2, 3, ... in the order they commit.
    ASSIGN_OR_RETURN(const store::VersionInfo version,
                     header.create_if_missing()
                         ? TimeStoreCall("AddVersionCreatingNetwork",
                                         [&] {
                                           return store_->AddVersionCreatingNetwork(
                                               tenant, header.network_id(), header.name(),
                                               header.description(), header.note(), stored, nullptr,
                                               ClientRequestId(*context));
                                         })
                         : TimeStoreCall("AddVersion", [&] {
                             return store_->AddVersion(tenant, header.network_id(), header.note(),
                                                       stored, ClientRequestId(*context));
                           }));
    VersionToProto(header.network_id(), version, response);
    return absl::OkStatus();
  });
}

grpc::Status NetworkServiceImpl::ListNetworks(grpc::ServerContext* context,
                                              const v1::ListNetworksRequest* request,
                                              v1::ListNetworksResponse* response) {
  return Serve(*context, auth::kScopeAnalyze, [&](const std::string& tenant) {
    return AnswerPage(*request, response, [&](const PageRequest& page, std::string* next) {
      ASSIGN_OR_RETURN(const std::vector<store::NetworkInfo> networks,
                       TimeStoreCall("ListNetworks", [&] {
                         return store_->ListNetworks(tenant, page.size, page.after, next);
                       }));
      for (const store::NetworkInfo& n : networks) NetworkToProto(n, response->add_networks());
      return absl::OkStatus();
    });
  });
}

grpc::Status NetworkServiceImpl::GetNetwork(grpc::ServerContext* context,
                                            const v1::GetNetworkRequest* request,
                                            v1::GetNetworkResponse* response) {
  return Serve(*context, auth::kScopeAnalyze, [&](const std::string& tenant) -> absl::Status {
    ASSIGN_OR_RETURN(const store::NetworkInfo network, TimeStoreCall("GetNetwork", [&] {
                       return store_->GetNetwork(tenant, request->network_id());
                     }));
    ASSIGN_OR_RETURN(const std::vector<store::VersionInfo> versions,
                     TimeStoreCall("ListVersions", [&] {
                       return store_->ListVersions(tenant, request->network_id());
                     }));
    NetworkToProto(network, response->mutable_network());
    for (const store::VersionInfo& v : versions) {
      VersionToProto(request->network_id(), v, response->add_versions());
    }
    return absl::OkStatus();
  });
}

grpc::Status NetworkServiceImpl::ExportNetwork(
    grpc::ServerContext* context, const v1::ExportNetworkRequest* request,
    grpc::ServerWriter<v1::ExportNetworkResponse>* writer) {
  return Serve(*context, auth::kScopeAnalyze, [&](const std::string& tenant) -> absl::Status {
    const std::string& network_id = request->network_id();
    int32_t version = 0;
    ASSIGN_OR_RETURN(const std::vector<store::ProviderRow> rows, TimeStoreCall("GetProviders", [&] {
                       return store_->GetProviders(tenant, network_id, request->version(),
                                                   &version);
                     }));
    ASSIGN_OR_RETURN(
        const std::vector<store::VersionInfo> versions,
        TimeStoreCall("ListVersions", [&] { return store_->ListVersions(tenant, network_id); }));
    v1::ExportNetworkResponse head;
    FindVersionToProto(network_id, versions, version, head.mutable_version());
    if (!writer->Write(head)) return ClientWentAway();
    for (size_t start = 0; start < rows.size();) {
      v1::ExportNetworkResponse batch;
      size_t bytes = 0;
      while (start < rows.size() &&
             static_cast<size_t>(batch.providers().providers_size()) < kExportBatchRows &&
             bytes < kExportBatchBytes) {
        v1::NetworkProvider* row = batch.mutable_providers()->add_providers();
        RowToProto(rows[start++], row);
        bytes += row->ByteSizeLong() + static_cast<size_t>(kVersionRowOverheadBytes);
      }
      if (!writer->Write(batch)) return ClientWentAway();
    }
    return absl::OkStatus();
  });
}

grpc::Status NetworkServiceImpl::DiffNetworkVersions(grpc::ServerContext* context,
                                                     const v1::DiffNetworkVersionsRequest* request,
                                                     v1::DiffNetworkVersionsResponse* response) {
  return Serve(*context, auth::kScopeAnalyze, [&](const std::string& tenant) -> absl::Status {
    const std::string& network_id = request->network_id();
    const int32_t from = request->from_version(), to = request->to_version();
    if (from <= 0 || to <= 0) {
      return absl::InvalidArgumentError(absl::StrFormat("%s: versions are numbered from 1",
                                                        from <= 0 ? "from_version" : "to_version"));
    }
    ASSIGN_OR_RETURN(const store::NetworkDiff diff, TimeStoreCall("DiffVersions", [&] {
                       return store_->DiffVersions(tenant, network_id, from, to);
                     }));
    ASSIGN_OR_RETURN(
        const std::vector<store::VersionInfo> versions,
        TimeStoreCall("ListVersions", [&] { return store_->ListVersions(tenant, network_id); }));
    FindVersionToProto(network_id, versions, from, response->mutable_from());
    FindVersionToProto(network_id, versions, to, response->mutable_to());
    DiffToProto(diff, response);
    return absl::OkStatus();
  });
}

grpc::Status NetworkServiceImpl::DeleteNetwork(grpc::ServerContext* context,
                                               const v1::DeleteNetworkRequest* request,
                                               v1::DeleteNetworkResponse*) {
  return Serve(*context, auth::kScopeWrite, [&](const std::string& tenant) {
    return TimeStoreCall("DeleteNetwork",
                         [&] { return store_->DeleteNetwork(tenant, request->network_id()); });
  });
}

grpc::Status NetworkServiceImpl::ListReports(grpc::ServerContext* context,
                                             const v1::ListReportsRequest* request,
                                             v1::ListReportsResponse* response) {
  return Serve(*context, auth::kScopeAnalyze, [&](const std::string& tenant) {
    return AnswerPage(*request, response, [&](const PageRequest& page, std::string* next) {
      ASSIGN_OR_RETURN(
          const std::vector<store::ReportRecord> reports, TimeStoreCall("ListReports", [&] {
            return store_->ListReports(tenant, request->network_id(), page.size, page.after, next);
          }));
      for (const store::ReportRecord& r : reports) {
        RETURN_IF_ERROR(ReportToProto(r, false, response->add_reports()));
      }
      return absl::OkStatus();
    });
  });
}

grpc::Status NetworkServiceImpl::GetReport(grpc::ServerContext* context,
                                           const v1::GetReportRequest* request,
                                           v1::Report* response) {
  return Serve(*context, auth::kScopeAnalyze, [&](const std::string& tenant) -> absl::Status {
    ASSIGN_OR_RETURN(const store::ReportRecord report, TimeStoreCall("GetReport", [&] {
                       return store_->GetReport(tenant, request->report_id());
                     }));
    return ReportToProto(report, true, response);
  });
}

}  // namespace carereach::rpc
