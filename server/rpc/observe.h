#ifndef CAREREACH_SERVER_RPC_OBSERVE_H_
#define CAREREACH_SERVER_RPC_OBSERVE_H_

// The one server interceptor that sees every call the server runs (carereach's, health,
// reflection, and calls refused by admission control or a string limit) and, when it finishes:
//  - counts it in the metrics (server/metrics.h) by method and canonical code, with its
//    duration, and keeps the in-flight gauge;
//  - with --log_format=json, writes one access-log line: time, level, method, code, duration_ms,
//    tenant (when known), request_id, peer.
// Every call gets a request id: the client's metadata "x-request-id" when it is 1 to 64
// printable ASCII characters (no spaces), else a new random 16 hex digits; it is echoed in the
// response's initial and trailing metadata "x-request-id".
// Calls the TLS auth gate refuses (auth_gate.h) never reach an interceptor; the gate's audit
// line records them.

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_interceptor.h>

#include <string>
#include <string_view>

#include "server/auth/authenticator.h"
#include "server/metrics.h"

namespace carereach::rpc {

inline constexpr char kRequestIdKey[] = "x-request-id";
inline constexpr size_t kMaxRequestIdBytes = 64;

// True when `id` may be used as a request id as the client sent it.
bool IsValidRequestId(std::string_view id);
// A new request id: 16 lowercase hex digits (random, not secret).
std::string NewRequestId();
// The request id the client sent ("x-request-id", valid), else "" (never a generated one): the
// key that makes a retried write answer what its first attempt made (store::Store, "Request
// ids"), which only an id the client repeats on its retry can do.
std::string ClientRequestId(const grpc::ServerContext& context);

// `metrics` (null: no metrics) and `authenticator` must outlive the server.
class ObserveInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  ObserveInterceptorFactory(Metrics* metrics, const auth::Authenticator* authenticator,
                            bool access_log)
      : metrics_(metrics), authenticator_(authenticator), access_log_(access_log) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  Metrics* metrics_;
  const auth::Authenticator* authenticator_;
  bool access_log_;
};

}  // namespace carereach::rpc

#endif  // CAREREACH_SERVER_RPC_OBSERVE_H_
