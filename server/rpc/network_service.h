#ifndef CAREREACH_SERVER_RPC_NETWORK_SERVICE_H_
#define CAREREACH_SERVER_RPC_NETWORK_SERVICE_H_

#include <cstdint>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "carereach/v1/networks.grpc.pb.h"
#include "geo/access/adequacy.h"
#include "server/auth/authenticator.h"
#include "server/region_catalog.h"
#include "server/rpc/limits.h"
#include "server/store/store.h"

namespace carereach::rpc {

// carereach.v1.NetworkService: stored networks (versions, import, export, diff, delete) and
// saved reports, every call scoped to the tenant named in its metadata. Each handler names the
// caller (Begin), converts the request, delegates to the store, converts the answer back and
// maps the status once (ToGrpcStatus). Listings page as server/store/paging.h says.
// Thread-safe: the store is thread-safe; the catalog (for the standards used to validate
// rosters) is swapped in once under a mutex.
class NetworkServiceImpl final : public v1::NetworkService::Service {
 public:
  // `store` may be null (server started without a state directory): every call then answers
  // FAILED_PRECONDITION.
  // `authenticator` (not owned; null: dev mode) names the caller of each call.
  NetworkServiceImpl(store::Store* store, int64_t max_roster_rows,
                     const auth::Authenticator* authenticator = nullptr);
  void SetCatalog(std::shared_ptr<const RegionCatalog> catalog);
  // Most bytes of one stored network version (limits.h); set before the server starts.
  void set_max_version_bytes(int64_t bytes) { max_version_bytes_ = bytes; }

  grpc::Status CreateNetwork(grpc::ServerContext* context, const v1::CreateNetworkRequest* request,
                             v1::CreateNetworkResponse* response) override;
  grpc::Status ImportNetwork(grpc::ServerContext* context,
                             grpc::ServerReader<v1::ImportNetworkRequest>* reader,
                             v1::NetworkVersion* response) override;
  grpc::Status ListNetworks(grpc::ServerContext* context, const v1::ListNetworksRequest* request,
                            v1::ListNetworksResponse* response) override;
  grpc::Status GetNetwork(grpc::ServerContext* context, const v1::GetNetworkRequest* request,
                          v1::GetNetworkResponse* response) override;
  grpc::Status ExportNetwork(grpc::ServerContext* context, const v1::ExportNetworkRequest* request,
                             grpc::ServerWriter<v1::ExportNetworkResponse>* writer) override;
  grpc::Status DiffNetworkVersions(grpc::ServerContext* context,
                                   const v1::DiffNetworkVersionsRequest* request,
                                   v1::DiffNetworkVersionsResponse* response) override;
  grpc::Status DeleteNetwork(grpc::ServerContext* context, const v1::DeleteNetworkRequest* request,
                             v1::DeleteNetworkResponse* response) override;
  grpc::Status ListReports(grpc::ServerContext* context, const v1::ListReportsRequest* request,
                           v1::ListReportsResponse* response) override;
  grpc::Status GetReport(grpc::ServerContext* context, const v1::GetReportRequest* request,
                         v1::Report* response) override;

 private:
  // The caller's tenant, when the store exists and the caller has `scope`.
  absl::StatusOr<std::string> Begin(const grpc::ServerContext& context,
                                    absl::string_view scope) const;
  // The frame of every handler: Begin, then answer(tenant) -> absl::Status, mapped once
  // (ToGrpcStatus).
  template <typename Answer>
  grpc::Status Serve(const grpc::ServerContext& context, absl::string_view scope,
                     Answer answer) const;
  // Checks a roster against the default standards set's codes and its size.
  absl::Status CheckRoster(const std::vector<access::NetworkProvider>& rows) const;
  // CheckRoster, then the rows as the store keeps them.
  absl::StatusOr<std::vector<store::ProviderRow>> StoredRows(
      const std::vector<access::NetworkProvider>& rows) const;

  store::Store* const store_;
  const auth::Authenticator* const authenticator_;
  const int64_t max_roster_rows_;
  int64_t max_version_bytes_ = kDefaultMaxVersionBytes;
  mutable absl::Mutex mu_;
  std::shared_ptr<const RegionCatalog> catalog_ ABSL_GUARDED_BY(mu_);
};

// Store records -> wire messages (shared with ContractingService).
void VersionToProto(const std::string& network_id, const store::VersionInfo& v,
                    v1::NetworkVersion* out);
// DATA_LOSS when `with_payload` and a stored request or result cannot be read back.
absl::Status ReportToProto(const store::ReportRecord& r, bool with_payload, v1::Report* out);

// Checks a roster (access::ValidateRoster: CMS codes, locations, beds) and its size
// (RESOURCE_EXHAUSTED beyond `max_rows`); messages name the rows as `field`[i], e.g.
// "networks[1].add_providers[3].specialty_code: ...".
absl::Status ValidateStoredRoster(const std::vector<access::NetworkProvider>& rows,
                                  const io::StandardsSet& standards, int64_t max_rows,
                                  std::string_view field);

}  // namespace carereach::rpc

#endif  // CAREREACH_SERVER_RPC_NETWORK_SERVICE_H_
