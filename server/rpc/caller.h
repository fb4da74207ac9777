#ifndef CAREREACH_SERVER_RPC_CALLER_H_
#define CAREREACH_SERVER_RPC_CALLER_H_

// The caller of an RPC, for handlers: its tenant and scopes, from the same Authenticator the
// auth gate (auth_gate.h) used to let the call in.

#include <grpcpp/security/auth_context.h>
#include <grpcpp/server_context.h>

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/auth/authenticator.h"

namespace carereach::rpc {

// The credentials of a call: its authorization and tenant metadata, and the verified SANs of its
// TLS client certificate.
auth::CallCredentials CredentialsOf(const grpc::ServerContext& context);

// Adds the verified URI and DNS SANs of a TLS client certificate (connection-level properties,
// the same for every call on the connection) to `credentials`.
void AddPeerIdentities(const grpc::AuthContext& auth, auth::CallCredentials* credentials);

// The caller (see auth::Authenticator::Authenticate). Thread-safe.
absl::StatusOr<auth::Caller> CallerOf(const grpc::ServerContext& context,
                                      const auth::Authenticator& authenticator);

// The caller of a call that reads or writes stored objects: UNAUTHENTICATED when no tenant is
// known (dev mode without the x-carereach-tenant header), PERMISSION_DENIED when `scope` is
// not granted (`what` names the part of the request that needs it).
absl::StatusOr<auth::Caller> TenantCallerOf(const grpc::ServerContext& context,
                                            const auth::Authenticator& authenticator,
                                            absl::string_view scope, absl::string_view what);

// PERMISSION_DENIED unless `caller` has `scope`.
absl::Status RequireScope(const auth::Caller& caller, absl::string_view scope,
                          absl::string_view what);

// The authenticator of a server without authentication (dev mode).
const auth::Authenticator& DevModeAuthenticator();

}  // namespace carereach::rpc

#endif  // CAREREACH_SERVER_RPC_CALLER_H_
