#ifndef CAREREACH_CLIENTS_CLI_RPC_CLIENT_H_
#define CAREREACH_CLIENTS_CLI_RPC_CLIENT_H_

// The CLI's call policy, shared by every command: one channel to the server (plaintext, or TLS
// with an optional client certificate and bearer token), a deadline per call
// (--timeout-seconds), the tenant in the call metadata (--tenant; see
// GlobalOptions::SendsTenant), retries while the server answers UNAVAILABLE (--wait-seconds),
// and errors as "CODE_NAME: message" on one line.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "carereach/v1/adequacy.pb.h"
#include "clients/cli/args.h"
#include "clients/cli/progress.h"
#include "grpcpp/grpcpp.h"

namespace carereach::cli {

// Roster rows per streamed message (EvaluateAdequacy, ImportNetwork): about 0.5 MB, well under
// any message limit.
inline constexpr size_t kRosterBatchRows = 5000;

// Writes `request` (a stream's first message, e.g. its header), then `providers` in batches of
// kRosterBatchRows, and half-closes. Returns false as soon as a write fails: the server has ended
// the call, and the stream's Finish() says why. `request` is any request message with a
// `providers` batch part (EvaluateAdequacyRequest, ImportNetworkRequest). `progress` (may be
// null) counts the rows sent, then waits for the server.
template <typename Writer, typename Request>
bool WriteRosterStream(Writer& writer, Request request,
                       const std::vector<carereach::v1::NetworkProvider>& providers,
                       Progress* progress = nullptr) {
  const auto total = static_cast<int64_t>(providers.size());
  bool writing = writer.Write(request);
  for (size_t start = 0; writing && start < providers.size(); start += kRosterBatchRows) {
    const size_t end = std::min(providers.size(), start + kRosterBatchRows);
    request.Clear();
    auto* batch = request.mutable_providers()->mutable_providers();
    batch->Reserve(static_cast<int>(end - start));
    for (size_t i = start; i < end; ++i) *batch->Add() = providers[i];
    writing = writer.Write(request);
    if (progress != nullptr) progress->Update(static_cast<int64_t>(end), total);
  }
  if (progress != nullptr) progress->Update(0);
  if (writing) writer.WritesDone();
  return writing;
}

// The call metadata key that names the tenant (networks.proto).
inline constexpr char kTenantMetadataKey[] = "x-carereach-tenant";
// Sent with every call (RpcClient::Prepare): $CAREREACH_REQUEST_ID or a random id.
inline constexpr char kRequestIdMetadataKey[] = "x-request-id";

// Canonical name of a gRPC code: "INVALID_ARGUMENT", "UNAVAILABLE", ...
absl::string_view GrpcCodeName(grpc::StatusCode code);

// An RPC failure as a Status with the same code and the message "CODE_NAME: message".
absl::Status FromGrpcStatus(const grpc::Status& status);

// `text` on one line: each line break (with the blanks around it) becomes one space.
std::string OneLine(absl::string_view text);

// Reads the files the TLS and token options name into `options` (tls_ca_pem, tls_cert_pem,
// tls_key_pem; token from token_file) and checks the token. Errors are INVALID_ARGUMENT (usage
// errors) naming the flag and the path, e.g. "--tls-ca: cannot read 'ca.pem': No such file or
// directory"; they never quote a token or a key.
absl::Status LoadCredentialFiles(GlobalOptions& options);

// A channel with the CLI's call policy. Not thread-safe (one command runs at a time).
class RpcClient {
 public:
  // Over TLS, `options` must have been through LoadCredentialFiles.
  explicit RpcClient(const GlobalOptions& options);

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

  // A new call's x-request-id: the first call of the process sends $CAREREACH_REQUEST_ID when
  // it is what the server accepts, else 16 random hex digits; later calls add ".2", ".3", ...
  std::string NextRequestId() const;

  // Sets the deadline, (GlobalOptions::SendsTenant) the tenant metadata and the x-request-id of
  // a new call: `request_id`, the same for every attempt of one call.
  void Prepare(grpc::ClientContext& context, const std::string& request_id) const;

  // Runs a client-streaming (or bidirectional) call: attempt(context, &may_retry) makes it on
  // a fresh context (Prepare with `request_id`, the same each time, so the server answers a
  // write whose earlier attempt committed instead of making it twice) and returns its status,
  // clearing may_retry once it has handed on a response. UNAVAILABLE is tried again with the
  // channel's retry policy (kRetryMaxAttempts, the backoff of channel.h), then every
  // kRetryInterval while --wait-seconds allows. Returns the last attempt's status.
  grpc::Status RetryStreaming(
      const std::string& request_id,
      const std::function<grpc::Status(grpc::ClientContext&, bool*)>& attempt) const;

  // When retries stop (now + --wait-seconds).
  std::chrono::steady_clock::time_point WaitUntil() const;

  // True (after sleeping one interval) when `status` is UNAVAILABLE and --wait-seconds allows
  // another attempt.
  static bool ShouldRetry(const grpc::Status& status,
                          std::chrono::steady_clock::time_point wait_until);

  // The failure as a Status on one line, with what the CLI knows about transport-level failures
  // (the server address, TLS handshakes, the deadline) and hints for UNAUTHENTICATED.
  absl::Status Explain(const grpc::Status& status) const;

  // A progress line for this command (progress.h): "carereach <command>: ...". Off unless
  // stderr is a terminal.
  std::unique_ptr<Progress> StartProgress(std::string unit) const;

  // A unary call, retried while UNAVAILABLE.
  template <typename Stub, typename Request, typename Response>
  absl::Status Unary(Stub& stub,
                     grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                     const Request& request, Response* response) const {
    const auto wait_until = WaitUntil();
    const std::unique_ptr<Progress> progress = StartProgress("");
    const std::string request_id = NextRequestId();
    while (true) {
      grpc::ClientContext context;
      response->Clear();
      Prepare(context, request_id);
      grpc::Status status = (stub.*method)(&context, request, response);
      if (status.ok()) return absl::OkStatus();
      if (ShouldRetry(status, wait_until)) continue;
      return Explain(status);
    }
  }

  // A server-streaming call read to its end, each message handed to `on_message` as it
  // arrives; an error from `on_message` cancels the call and is returned. The deadline covers
  // the whole stream. UNAVAILABLE is retried only while no message has arrived. The progress
  // line counts messages as `unit` ("rows"), of `expected_messages` when known (else 0).
  template <typename Stub, typename Request, typename Response>
  absl::Status ReadStream(Stub& stub,
                          std::unique_ptr<grpc::ClientReader<Response>> (Stub::*method)(
                              grpc::ClientContext*, const Request&),
                          const Request& request,
                          const std::function<absl::Status(const Response&)>& on_message,
                          std::string unit = "messages", int64_t expected_messages = 0) const {
    const auto wait_until = WaitUntil();
    const std::unique_ptr<Progress> progress = StartProgress(std::move(unit));
    int64_t messages = 0;
    const std::string request_id = NextRequestId();
    while (true) {
      grpc::ClientContext context;
      Prepare(context, request_id);
      std::unique_ptr<grpc::ClientReader<Response>> reader = (stub.*method)(&context, request);
      Response message;
      bool any_message = false;
      absl::Status message_status;
      while (reader->Read(&message)) {
        any_message = true;
        {
          // The line is off the screen while on_message may print.
          const std::unique_lock<std::mutex> hold = progress->Hold();
          message_status = on_message(message);
        }
        progress->Update(++messages, expected_messages);
        if (!message_status.ok()) {
          context.TryCancel();
          // Drain what is in flight: Finish() expects the stream read to its end.
          while (reader->Read(&message)) continue;
          break;
        }
      }
      grpc::Status status = reader->Finish();
      if (!message_status.ok()) return message_status;
      if (status.ok()) return absl::OkStatus();
      if (!any_message && ShouldRetry(status, wait_until)) continue;
      return Explain(status);
    }
  }

 private:
  GlobalOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace carereach::cli

#endif  // CAREREACH_CLIENTS_CLI_RPC_CLIENT_H_
