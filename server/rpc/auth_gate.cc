#include "server/rpc/auth_gate.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/server_context.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "carereach/v1/auth.pb.h"
#include "nlohmann/json.hpp"
#include "server/log.h"
#include "server/metrics.h"
#include "server/rpc/caller.h"
#include "server/rpc/status.h"

namespace carereach::rpc {
namespace {

// Longest refusal message kept in an audit line.
constexpr size_t kMaxReasonBytes = 200;

absl::string_view Value(const grpc::string_ref& s) { return {s.data(), s.size()}; }

// The id of the stored object a request or response names: a top-level network_id or report_id,
// or one inside a stream's header or summary part.
std::string ObjectIdOf(const google::protobuf::Message& message) {
  const google::protobuf::Descriptor* d = message.GetDescriptor();
  const google::protobuf::Reflection* r = message.GetReflection();
  for (const char* name : {"network_id", "report_id"}) {
    const google::protobuf::FieldDescriptor* f = d->FindFieldByName(name);
    if (f != nullptr && f->type() == google::protobuf::FieldDescriptor::TYPE_STRING &&
        !f->is_repeated()) {
      std::string id = r->GetString(message, f);
      if (!id.empty()) return id.substr(0, 100);
    }
  }
  // A stream's header (ImportNetwork) or summary (AnalyzeAdequacy's report id).
  for (const char* part : {"header", "summary"}) {
    const google::protobuf::FieldDescriptor* f = d->FindFieldByName(part);
    if (f != nullptr && f->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE &&
        !f->is_repeated() && r->HasField(message, f)) {
      std::string id = ObjectIdOf(r->GetMessage(message, f));
      if (!id.empty()) return id;
    }
  }
  return "";
}

bool SavesReport(const google::protobuf::Message& message) {
  const google::protobuf::FieldDescriptor* f =
      message.GetDescriptor()->FindFieldByName("save_report");
  return f != nullptr && f->type() == google::protobuf::FieldDescriptor::TYPE_BOOL &&
         !f->is_repeated() && message.GetReflection()->GetBool(message, f);
}

bool IsDenial(absl::StatusCode code) {
  return code == absl::StatusCode::kUnauthenticated || code == absl::StatusCode::kPermissionDenied;
}

class AuditInterceptor : public grpc::experimental::Interceptor {
 public:
  AuditInterceptor(grpc::experimental::ServerRpcInfo* info,
                   const auth::Authenticator* authenticator)
      : info_(info), authenticator_(authenticator) {
    const char* method = info->method();
    method_ = method != nullptr ? method : "";
    // Only carereach's own handlers are known to exchange protobuf messages; the health
    // service, for one, exchanges raw bytes.
    protobuf_ = absl::StartsWith(method_, "/carereach.");
    const MethodPolicy policy = PolicyOf(method_);
    write_ = policy.kind == MethodPolicy::Kind::kScope && policy.scope == auth::kScopeWrite;
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    // A carereach message is a protobuf message: the void* that gRPC hands over points at one.
    if (protobuf_ &&
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      const void* raw = methods->GetRecvMessage();
      if (raw != nullptr && !seen_request_) {
        seen_request_ = true;
        const auto* message = static_cast<const google::protobuf::Message*>(raw);
        object_ = ObjectIdOf(*message);
        write_ |= SavesReport(*message);
      }
    }
    if (protobuf_ &&
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_MESSAGE) &&
        object_.empty()) {
      const void* raw = methods->GetSendMessage();
      if (raw != nullptr) object_ = ObjectIdOf(*static_cast<const google::protobuf::Message*>(raw));
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      const absl::StatusCode code = FromGrpcCode(status.error_code());
      if (write_ || IsDenial(code)) Write(code, status.error_message());
    }
    methods->Proceed();
  }

 private:
  void Write(absl::StatusCode code, const std::string& message) {
    AuditRecord record;
    record.rpc = method_;
    record.object = object_;
    record.code = code;
    if (code != absl::StatusCode::kOk) record.reason = message;
    const grpc::ServerContextBase* context = info_->server_context();
    record.peer = context->peer();
    absl::StatusOr<auth::Caller> caller =
        CallerOf(*static_cast<const grpc::ServerContext*>(context), *authenticator_);
    if (caller.ok()) {
      record.tenant = caller->tenant;
      record.subject = caller->subject;
    }
    WriteAudit(record);
  }

  grpc::experimental::ServerRpcInfo* info_;
  const auth::Authenticator* authenticator_;
  std::string method_;
  bool protobuf_ = false;
  bool write_ = false;
  bool seen_request_ = false;
  std::string object_;
};

}  // namespace

MethodPolicy PolicyOf(absl::string_view method_path) {
  MethodPolicy policy;
  if (absl::StartsWith(method_path, "/grpc.health.v1.Health/")) {
    policy.kind = MethodPolicy::Kind::kOpen;
    return policy;
  }
  if (absl::StartsWith(method_path, "/grpc.reflection.v1alpha.ServerReflection/") ||
      absl::StartsWith(method_path, "/grpc.reflection.v1.ServerReflection/")) {
    policy.kind = MethodPolicy::Kind::kAnyCaller;
    return policy;
  }
  if (!absl::StartsWith(method_path, "/")) return policy;
  const std::string full_name = absl::StrReplaceAll(method_path.substr(1), {{"/", "."}});
  const google::protobuf::MethodDescriptor* method =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(full_name);
  if (method == nullptr) return policy;
  switch (method->options().GetExtension(v1::required_scope)) {
    case v1::SCOPE_ANALYZE:
      policy.kind = MethodPolicy::Kind::kScope;
      policy.scope = std::string(auth::kScopeAnalyze);
      break;
    case v1::SCOPE_WRITE:
      policy.kind = MethodPolicy::Kind::kScope;
      policy.scope = std::string(auth::kScopeWrite);
      break;
    default:
      break;
  }
  return policy;
}

void WriteAudit(const AuditRecord& record) {
  std::string reason = record.reason.substr(0, kMaxReasonBytes);
  const nlohmann::json line = {
      {"event", "audit"},
      {"time", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone())},
      {"tenant", record.tenant},
      {"sub", record.subject},
      {"rpc", record.rpc},
      {"object", record.object},
      {"code", absl::StatusCodeToString(record.code)},
      {"reason", reason},
      {"peer", record.peer}};
  // Replace, never throw, on bytes that are not UTF-8 (ids are validated, messages may quote).
  LogLine(
      absl::StrCat("audit ", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
}

absl::Status AuthGate::Decide(absl::string_view method_path,
                              const auth::CallCredentials& credentials,
                              auth::Caller* caller) const {
  const MethodPolicy policy = PolicyOf(method_path);
  if (policy.kind == MethodPolicy::Kind::kOpen) return absl::OkStatus();
  // Dev mode (TLS without authentication): handlers read the tenant header as before.
  if (!authenticator_->enabled()) return absl::OkStatus();
  absl::StatusOr<auth::Caller> who = authenticator_->Authenticate(credentials, absl::Now());
  if (!who.ok()) return who.status();
  *caller = *std::move(who);
  switch (policy.kind) {
    case MethodPolicy::Kind::kAnyCaller:
      return absl::OkStatus();
    case MethodPolicy::Kind::kScope:
      return RequireScope(*caller, policy.scope, std::string(method_path.substr(1)));
    default:
      return absl::PermissionDeniedError(absl::StrCat(
          method_path.substr(0, 100), ": this method declares no scope and is refused"));
  }
}

grpc::Status AuthGate::Process(const InputMetadata& auth_metadata, grpc::AuthContext* context,
                               OutputMetadata* /*consumed_auth_metadata*/,
                               OutputMetadata* /*response_metadata*/) {
  const absl::Time start = absl::Now();
  std::string path;
  auth::CallCredentials credentials;
  for (const auto& [key, value] : auth_metadata) {
    const absl::string_view k = Value(key);
    if (k == ":path") path = std::string(Value(value));
    if (k == auth::kAuthorizationKey) credentials.authorization.push_back(Value(value));
    if (k == auth::kTenantKey) credentials.tenant.push_back(Value(value));
  }
  if (context != nullptr) AddPeerIdentities(*context, &credentials);
  auth::Caller caller;
  const absl::Status decision = Decide(path, credentials, &caller);
  if (decision.ok()) return grpc::Status::OK;
  AuditRecord record;
  record.tenant = caller.tenant;
  record.subject = caller.subject;
  record.rpc = path.substr(0, 200);
  record.code = decision.code();
  record.reason = std::string(decision.message());
  // gRPC hands the processor no socket address; the verified certificate is what is known.
  record.peer = credentials.peer_uris.empty()
                    ? (credentials.peer_dns.empty() ? "" : "tls-dns:" + credentials.peer_dns[0])
                    : "tls-uri:" + credentials.peer_uris[0];
  WriteAudit(record);
  if (metrics_ != nullptr) {
    metrics_->RpcStarted();
    metrics_->RpcFinished(MethodLabel(path), decision.code(), absl::Now() - start);
  }
  return ToGrpcStatus(decision);
}

grpc::experimental::Interceptor* AuditInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new AuditInterceptor(info, authenticator_);
}

}  // namespace carereach::rpc
