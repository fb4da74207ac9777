#include "server/rpc/observe.h"

#include <grpcpp/server_context.h>

#include <cstdint>

#include "absl/random/random.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"
#include "server/log.h"
#include "server/rpc/caller.h"
#include "server/rpc/status.h"

namespace carereach::rpc {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::ServerRpcInfo;

const char* LevelOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return "info";
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDataLoss:
      return "error";
    default:
      return "warn";
  }
}

class ObserveInterceptor : public grpc::experimental::Interceptor {
 public:
  ObserveInterceptor(ServerRpcInfo* info, Metrics* metrics,
                     const auth::Authenticator* authenticator, bool access_log)
      : info_(info),
        metrics_(metrics),
        authenticator_(authenticator),
        access_log_(access_log),
        start_(absl::Now()) {
    const char* method = info->method();
    method_ = MethodLabel(method != nullptr ? method : "");
    if (metrics_ != nullptr) metrics_->RpcStarted();
  }

  // A call that ends without sending a status (the client went away) counts as CANCELLED.
  ~ObserveInterceptor() override { Finish(absl::StatusCode::kCancelled); }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      ReadRequestId();
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace(kRequestIdKey, RequestId());
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      methods->GetSendTrailingMetadata()->emplace(kRequestIdKey, RequestId());
      Finish(FromGrpcCode(methods->GetSendStatus().error_code()));
    }
    methods->Proceed();
  }

 private:
  void ReadRequestId() {
    const auto& metadata = info_->server_context()->client_metadata();
    const auto it = metadata.find(kRequestIdKey);
    if (it == metadata.end()) return;
    const std::string_view id(it->second.data(), it->second.size());
    if (IsValidRequestId(id)) request_id_ = std::string(id);
  }

  const std::string& RequestId() {
    if (request_id_.empty()) request_id_ = NewRequestId();
    return request_id_;
  }

  // Records the call once.
  void Finish(absl::StatusCode code) {
    if (finished_) return;
    finished_ = true;
    const absl::Duration duration = absl::Now() - start_;
    if (metrics_ != nullptr) metrics_->RpcFinished(method_, code, duration);
    if (access_log_) WriteAccessLine(code, duration);
  }

  void WriteAccessLine(absl::StatusCode code, absl::Duration duration) {
    const auto* context = static_cast<const grpc::ServerContext*>(info_->server_context());
    nlohmann::ordered_json line = {
        {"time", LogTimestamp()},
        {"level", LevelOf(code)},
        {"event", "access"},
        {"method", method_},
        {"code", absl::StatusCodeToString(code)},
        {"duration_ms", absl::ToDoubleMilliseconds(duration)},
    };
    absl::StatusOr<auth::Caller> caller = CallerOf(*context, *authenticator_);
    if (caller.ok() && !caller->tenant.empty()) line["tenant"] = caller->tenant;
    line["request_id"] = RequestId();
    line["peer"] = context->peer();
    LogJsonLine(line);
  }

  ServerRpcInfo* info_;
  Metrics* metrics_;
  const auth::Authenticator* authenticator_;
  const bool access_log_;
  const absl::Time start_;
  std::string method_;
  std::string request_id_;
  bool finished_ = false;
};

}  // namespace

bool IsValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdBytes) return false;
  for (const char c : id) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

std::string ClientRequestId(const grpc::ServerContext& context) {
  const auto range = context.client_metadata().equal_range(kRequestIdKey);
  if (range.first == range.second) return "";
  const std::string id(range.first->second.data(), range.first->second.size());
  return IsValidRequestId(id) ? id : "";
}

std::string NewRequestId() {
  thread_local absl::BitGen bits;
  return absl::StrFormat("%016x", absl::Uniform<uint64_t>(bits));
}

grpc::experimental::Interceptor* ObserveInterceptorFactory::CreateServerInterceptor(
    ServerRpcInfo* info) {
  return new ObserveInterceptor(info, metrics_, authenticator_, access_log_);
}

}  // namespace carereach::rpc
