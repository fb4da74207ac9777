#ifndef CAREREACH_SERVER_RPC_AUTH_GATE_H_
#define CAREREACH_SERVER_RPC_AUTH_GATE_H_

// The one place that decides whether a call may run, before any handler does: gRPC's auth
// metadata processor of the TLS port. It authenticates the call's credentials (auth::Authenticator)
// and checks the scope its method declares in the proto (`(carereach.v1.required_scope)`,
// auth.proto). No credentials or bad ones: UNAUTHENTICATED; a scope not granted: PERMISSION_DENIED.
// The health service is open; server reflection needs any authenticated caller; a method that
// declares no scope is refused (deny by default).
//
// AuditInterceptorFactory writes one structured line for every write and every denied call that
// reached a handler; the gate writes the line of the calls it refuses.

#include <grpcpp/security/auth_metadata_processor.h>
#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/auth/authenticator.h"

namespace carereach {
class Metrics;
}  // namespace carereach

namespace carereach::rpc {

// What a method needs, from its full path ("/carereach.v1.NetworkService/CreateNetwork").
struct MethodPolicy {
  enum class Kind { kOpen, kAnyCaller, kScope, kUnknown };
  Kind kind = Kind::kUnknown;
  std::string scope;  // kScope: "carereach.analyze" or "carereach.write"
};
MethodPolicy PolicyOf(absl::string_view method_path);

// One audit record, written as a line "audit {json}" to the server log. Never holds a token, a
// key or a request body.
struct AuditRecord {
  std::string tenant;   // "" when unknown
  std::string subject;  // "" when unknown
  std::string rpc;      // full method path
  std::string object;   // network or report id, "" when none
  absl::StatusCode code = absl::StatusCode::kOk;
  std::string reason;  // the refusal's message, bounded; "" when OK
  std::string peer;    // gRPC peer address ("ipv4:127.0.0.1:5123"), or what is known of it
};
void WriteAudit(const AuditRecord& record);

// Thread-safe; `authenticator` must outlive the server.
class AuthGate : public grpc::AuthMetadataProcessor {
 public:
  // `metrics` (not owned, may be null) counts the calls the gate refuses, which never reach the
  // server's interceptors, under their method and code.
  explicit AuthGate(const auth::Authenticator* authenticator, Metrics* metrics = nullptr)
      : authenticator_(authenticator), metrics_(metrics) {}

  // Verifying a signature takes tens of microseconds: run on gRPC's processor threads.
  bool IsBlocking() const override { return true; }

  grpc::Status Process(const InputMetadata& auth_metadata, grpc::AuthContext* context,
                       OutputMetadata* consumed_auth_metadata,
                       OutputMetadata* response_metadata) override;

  // The decision alone, for tests: OK or the refusal.
  absl::Status Decide(absl::string_view method_path, const auth::CallCredentials& credentials,
                      auth::Caller* caller) const;

 private:
  const auth::Authenticator* authenticator_;
  Metrics* const metrics_;
};

class AuditInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit AuditInterceptorFactory(const auth::Authenticator* authenticator)
      : authenticator_(authenticator) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  const auth::Authenticator* authenticator_;
};

}  // namespace carereach::rpc

#endif  // CAREREACH_SERVER_RPC_AUTH_GATE_H_
