#include "server/rpc/admission.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "server/rpc/caller.h"
#include "server/rpc/limits.h"
#include "server/rpc/status.h"

namespace carereach::rpc {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::ServerRpcInfo;

// Refusals decided by the interceptor, by call, until the call's status is sent.
class Refusals {
 public:
  void Set(const void* call, grpc::Status status) {
    absl::MutexLock lock(&mu_);
    refusals_.emplace(call, std::move(status));
  }
  void Erase(const void* call) {
    absl::MutexLock lock(&mu_);
    refusals_.erase(call);
  }
  grpc::Status Get(const void* call) const {
    absl::MutexLock lock(&mu_);
    auto it = refusals_.find(call);
    return it == refusals_.end() ? grpc::Status::OK : it->second;
  }

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<const void*, grpc::Status> refusals_ ABSL_GUARDED_BY(mu_);
};

Refusals& TheRefusals() {
  static Refusals* const refusals = new Refusals();
  return *refusals;
}

// The request message type of a carereach method ("carereach.v1.ComputeCoverageRequest"), or "".
std::string RequestTypeOf(absl::string_view method_path) {
  if (!absl::StartsWith(method_path, "/")) return "";
  const google::protobuf::MethodDescriptor* m =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
          absl::StrReplaceAll(method_path.substr(1), {{"/", "."}}));
  return m == nullptr ? "" : m->input_type()->full_name();
}

class AdmissionInterceptor : public grpc::experimental::Interceptor {
 public:
  AdmissionInterceptor(ServerRpcInfo* info, Admission* admission,
                       const auth::Authenticator* authenticator)
      : info_(info), admission_(admission), authenticator_(authenticator) {
    const char* method = info->method();
    method_ = method != nullptr ? method : "";
    // Only carereach's own handlers exchange protobuf messages and read CallRefusal.
    carereach_ = absl::StartsWith(method_, "/carereach.");
    single_request_ = info->type() == ServerRpcInfo::Type::UNARY ||
                      info->type() == ServerRpcInfo::Type::SERVER_STREAMING;
  }

  ~AdmissionInterceptor() override { Finish(); }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (carereach_ &&
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      Admit();
    }
    if (carereach_ && single_request_ &&
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      const void* raw = methods->GetRecvMessage();
      if (raw != nullptr && !seen_request_) {
        seen_request_ = true;
        if (!refused_) {
          const absl::Status s =
              CheckStringLimits(*static_cast<const google::protobuf::Message*>(raw), "");
          if (!s.ok()) Refuse(ToGrpcStatus(s));
        }
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      if (busy_) {
        methods->GetSendTrailingMetadata()->emplace(
            kRetryAfterKey,
            absl::StrCat(absl::ToInt64Milliseconds(admission_->limits().retry_after)));
      }
      // gRPC answers a request it cannot parse with INTERNAL and no message, without running
      // the handler: that is the caller's error.
      if (carereach_ && single_request_ && !seen_request_) {
        const grpc::Status status = methods->GetSendStatus();
        if (status.error_code() == grpc::StatusCode::INTERNAL) {
          methods->ModifySendStatus(
              grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                           absl::StrFormat("request: the bytes received are not a valid %s message",
                                           RequestTypeOf(method_))));
        }
      }
      Finish();
    }
    methods->Proceed();
  }

 private:
  void Admit() {
    if (IsAdmissionExempt(method_)) return;
    absl::StatusOr<auth::Caller> caller = CallerOf(
        *static_cast<const grpc::ServerContext*>(info_->server_context()), *authenticator_);
    tenant_ = caller.ok() ? caller->tenant : "";
    const absl::Status s = admission_->Acquire(tenant_);
    if (s.ok()) {
      holding_ = true;
    } else {
      busy_ = true;
      Refuse(ToGrpcStatus(s));
    }
  }

  void Refuse(grpc::Status status) {
    refused_ = true;
    TheRefusals().Set(info_->server_context(), std::move(status));
  }

  // Gives the slot back and forgets the refusal; idempotent.
  void Finish() {
    if (holding_) admission_->Release(tenant_);
    holding_ = false;
    if (refused_) TheRefusals().Erase(info_->server_context());
    refused_ = false;
  }

  ServerRpcInfo* info_;
  Admission* admission_;
  const auth::Authenticator* authenticator_;
  std::string method_;
  std::string tenant_;
  bool carereach_ = false;
  bool single_request_ = false;
  bool seen_request_ = false;
  bool holding_ = false;
  bool refused_ = false;
  bool busy_ = false;
};

}  // namespace

absl::Status Admission::Acquire(const std::string& tenant) {
  absl::MutexLock lock(&mu_);
  const int64_t retry_ms = absl::ToInt64Milliseconds(limits_.retry_after);
  if (limits_.max_calls > 0 && total_ >= limits_.max_calls) {
    ++refused_;
    return absl::ResourceExhaustedError(absl::StrFormat(
        "server busy: %d calls in flight, this server's limit (--max_calls_in_flight); retry "
        "after %d ms (trailing metadata %s)",
        total_, retry_ms, kRetryAfterKey));
  }
  int& mine = per_tenant_[tenant];
  if (limits_.max_calls_per_tenant > 0 && mine >= limits_.max_calls_per_tenant) {
    if (mine == 0) per_tenant_.erase(tenant);
    ++refused_;
    return absl::ResourceExhaustedError(absl::StrFormat(
        "tenant %s has %d calls in flight, this server's limit per tenant "
        "(--max_calls_per_tenant); retry after %d ms (trailing metadata %s)",
        QuoteForError(tenant), limits_.max_calls_per_tenant, retry_ms, kRetryAfterKey));
  }
  ++mine;
  ++total_;
  return absl::OkStatus();
}

void Admission::Release(const std::string& tenant) {
  absl::MutexLock lock(&mu_);
  auto it = per_tenant_.find(tenant);
  if (it == per_tenant_.end()) return;
  if (--it->second <= 0) per_tenant_.erase(it);
  --total_;
}

int Admission::in_flight() const {
  absl::MutexLock lock(&mu_);
  return total_;
}

int64_t Admission::refused() const {
  absl::MutexLock lock(&mu_);
  return refused_;
}

bool IsAdmissionExempt(std::string_view method_path) {
  const absl::string_view m(method_path.data(), method_path.size());
  return !absl::StartsWith(m, "/carereach.") || m == "/carereach.v1.AccessService/ListRegions";
}

grpc::experimental::Interceptor* AdmissionInterceptorFactory::CreateServerInterceptor(
    ServerRpcInfo* info) {
  return new AdmissionInterceptor(info, admission_, authenticator_);
}

grpc::Status CallRefusal(const grpc::ServerContext& context) {
  return TheRefusals().Get(static_cast<const grpc::ServerContextBase*>(&context));
}

absl::Status CallRefusalStatus(const grpc::ServerContext& context) {
  const grpc::Status s = CallRefusal(context);
  if (s.ok()) return absl::OkStatus();
  return absl::Status(FromGrpcCode(s.error_code()), s.error_message());
}

}  // namespace carereach::rpc
