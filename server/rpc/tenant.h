#ifndef CARERACH_SERVER_RPC_TENANT_H_
#define CARERACH_SERVER_RPC_TENANT_H_

#include <grpcpp/server_context.h>

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace carereach::rpc {

// The call metadata key that names the caller's tenant. Authentication comes later; until then
// the tenant is taken as given, and it scopes every stored object.
inline constexpr std::string_view kTenantMetadataKey = "x-carereach-tenant";

// The tenant of a call: UNAUTHENTICATED when the metadata is missing, INVALID_ARGUMENT when it is
// not 1 to 64 characters of [A-Za-z0-9._-]. Pure function; thread-safe.
absl::StatusOr<std::string> TenantOf(const grpc::ServerContext& context);
absl::StatusOr<std::string> CheckTenant(std::string_view tenant);

}  // namespace carereach::rpc

#endif  // CARERACH_SERVER_RPC_TENANT_H_
