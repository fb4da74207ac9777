#include "server/rpc/caller.h"

#include <grpcpp/security/auth_context.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"

namespace carereach::rpc {
namespace {

std::vector<absl::string_view> Values(const grpc::ServerContext& context, absl::string_view key) {
  std::vector<absl::string_view> out;
  auto [begin, end] =
      context.client_metadata().equal_range(grpc::string_ref(key.data(), key.size()));
  for (auto it = begin; it != end; ++it) out.emplace_back(it->second.data(), it->second.size());
  return out;
}

std::vector<std::string> Property(const grpc::AuthContext& auth, const char* name) {
  std::vector<std::string> out;
  for (const grpc::string_ref& v : auth.FindPropertyValues(name))
    out.emplace_back(v.data(), v.size());
  return out;
}

}  // namespace

auth::CallCredentials CredentialsOf(const grpc::ServerContext& context) {
  auth::CallCredentials credentials;
  credentials.authorization = Values(context, auth::kAuthorizationKey);
  credentials.tenant = Values(context, auth::kTenantKey);
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth != nullptr) AddPeerIdentities(*auth, &credentials);
  return credentials;
}

void AddPeerIdentities(const grpc::AuthContext& auth, auth::CallCredentials* credentials) {
  // Set by TLS from the verified client certificate, per connection. Properties a processor adds
  // would be per connection too, shared by every call on it: never used to carry a caller.
  if (!auth.IsPeerAuthenticated()) return;
  credentials->peer_uris = Property(auth, "peer_uri");
  credentials->peer_dns = Property(auth, "peer_dns");
}

absl::StatusOr<auth::Caller> CallerOf(const grpc::ServerContext& context,
                                      const auth::Authenticator& authenticator) {
  return authenticator.Authenticate(CredentialsOf(context), absl::Now());
}

absl::Status RequireScope(const auth::Caller& caller, absl::string_view scope,
                          absl::string_view what) {
  if (caller.HasScope(scope)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat(what, " needs scope ", scope, "; the credentials grant ",
                   caller.scopes.empty() ? "none" : absl::StrJoin(caller.scopes, " ")));
}

absl::StatusOr<auth::Caller> TenantCallerOf(const grpc::ServerContext& context,
                                            const auth::Authenticator& authenticator,
                                            absl::string_view scope, absl::string_view what) {
  absl::StatusOr<auth::Caller> caller = CallerOf(context, authenticator);
  if (!caller.ok()) return caller.status();
  if (caller->tenant.empty()) {
    return absl::UnauthenticatedError(
        absl::StrCat("metadata ", auth::kTenantKey,
                     ": this call reads or writes stored objects and needs the caller's tenant"));
  }
  if (absl::Status s = RequireScope(*caller, scope, what); !s.ok()) return s;
  return caller;
}

const auth::Authenticator& DevModeAuthenticator() {
  static const auth::Authenticator* const kDevMode = new auth::Authenticator();
  return *kDevMode;
}

}  // namespace carereach::rpc
