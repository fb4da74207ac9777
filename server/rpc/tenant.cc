#include "server/rpc/tenant.h"

#include "absl/strings/str_format.h"

namespace carereach::rpc {

absl::StatusOr<std::string> CheckTenant(std::string_view tenant) {
  if (tenant.empty() || tenant.size() > 64) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "metadata %s: must be 1 to 64 characters, got %d", kTenantMetadataKey, tenant.size()));
  }
  for (char c : tenant) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrFormat("metadata %s: \"%s\" may hold only letters, digits, '.', '_' and '-'",
                          kTenantMetadataKey, std::string(tenant)));
    }
  }
  return std::string(tenant);
}

absl::StatusOr<std::string> TenantOf(const grpc::ServerContext& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(grpc::string_ref(kTenantMetadataKey.data(), kTenantMetadataKey.size()));
  if (it == metadata.end()) {
    return absl::UnauthenticatedError(absl::StrFormat(
        "metadata %s: this call reads or writes stored objects and needs the caller's tenant",
        kTenantMetadataKey));
  }
  return CheckTenant(std::string_view(it->second.data(), it->second.size()));
}

}  // namespace carereach::rpc
