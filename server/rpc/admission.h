#ifndef CAREREACH_SERVER_RPC_ADMISSION_H_
#define CAREREACH_SERVER_RPC_ADMISSION_H_

// Admission control and the checks every carereach call passes before its handler does work,
// made by one gRPC server interceptor (AdmissionInterceptorFactory) and read by each handler
// with CallRefusal() as its first statement:
//  - a global limit on calls in flight and a per-tenant one: beyond them a call answers
//    RESOURCE_EXHAUSTED at once, with the trailing metadata "retry-after-ms" (kRetryAfterKey);
//    the health service, server reflection and AccessService/ListRegions are exempt;
//  - the byte limits on every string of a unary or server-streaming request (limits.h):
//    INVALID_ARGUMENT with the field path; streamed requests check each message as it arrives;
//  - a request whose bytes do not parse as its message: INVALID_ARGUMENT (gRPC answers INTERNAL
//    with an empty message; the interceptor rewrites that status).
// A slot is taken when the call's metadata arrives and given back when its status is sent, or
// when the call ends in any other way (cancelled, failed).

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_interceptor.h>

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/auth/authenticator.h"

namespace carereach::rpc {

// Trailing metadata of a refused call: milliseconds to wait before retrying.
inline constexpr char kRetryAfterKey[] = "retry-after-ms";

class Admission {
 public:
  struct Limits {
    // Calls in flight over all tenants; 0: no limit.
    int max_calls = 0;
    // Calls in flight of one tenant (calls without a tenant count as one tenant, ""); 0: none.
    int max_calls_per_tenant = 0;
    // The retry hint of a refusal.
    absl::Duration retry_after = absl::Seconds(1);
  };
  explicit Admission(Limits limits) : limits_(limits) {}

  // Takes a slot for `tenant`; RESOURCE_EXHAUSTED (nothing taken) when a limit is reached.
  absl::Status Acquire(const std::string& tenant);
  // Gives back a slot taken by Acquire.
  void Release(const std::string& tenant);

  const Limits& limits() const { return limits_; }
  // Calls in flight now (for tests).
  int in_flight() const;
  // Calls refused by Acquire since the start (for tests).
  int64_t refused() const;

 private:
  const Limits limits_;
  mutable absl::Mutex mu_;
  int total_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t refused_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string, int> per_tenant_ ABSL_GUARDED_BY(mu_);
};

// True for the methods admission control does not count (health, reflection, ListRegions).
bool IsAdmissionExempt(std::string_view method_path);

// Both must outlive the server.
class AdmissionInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  AdmissionInterceptorFactory(Admission* admission, const auth::Authenticator* authenticator)
      : admission_(admission), authenticator_(authenticator) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  Admission* admission_;
  const auth::Authenticator* authenticator_;
};

// The refusal of this call decided before its handler ran (admission, string limits), or OK.
// Every carereach handler returns it first when it is not OK.
grpc::Status CallRefusal(const grpc::ServerContext& context);
// The same as an absl::Status.
absl::Status CallRefusalStatus(const grpc::ServerContext& context);

}  // namespace carereach::rpc

#endif  // CAREREACH_SERVER_RPC_ADMISSION_H_
