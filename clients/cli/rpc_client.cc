#include "clients/cli/rpc_client.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <string>
#include <thread>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "clients/cli/channel.h"

namespace carereach::cli {
namespace {

constexpr auto kRetryInterval = std::chrono::milliseconds(200);

absl::StatusCode ToAbslCode(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return absl::StatusCode::kOk;
    case grpc::StatusCode::CANCELLED:
      return absl::StatusCode::kCancelled;
    case grpc::StatusCode::UNKNOWN:
      return absl::StatusCode::kUnknown;
    case grpc::StatusCode::INVALID_ARGUMENT:
      return absl::StatusCode::kInvalidArgument;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::StatusCode::kDeadlineExceeded;
    case grpc::StatusCode::NOT_FOUND:
      return absl::StatusCode::kNotFound;
    case grpc::StatusCode::ALREADY_EXISTS:
      return absl::StatusCode::kAlreadyExists;
    case grpc::StatusCode::PERMISSION_DENIED:
      return absl::StatusCode::kPermissionDenied;
    case grpc::StatusCode::UNAUTHENTICATED:
      return absl::StatusCode::kUnauthenticated;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return absl::StatusCode::kResourceExhausted;
    case grpc::StatusCode::FAILED_PRECONDITION:
      return absl::StatusCode::kFailedPrecondition;
    case grpc::StatusCode::ABORTED:
      return absl::StatusCode::kAborted;
    case grpc::StatusCode::OUT_OF_RANGE:
      return absl::StatusCode::kOutOfRange;
    case grpc::StatusCode::UNIMPLEMENTED:
      return absl::StatusCode::kUnimplemented;
    case grpc::StatusCode::INTERNAL:
      return absl::StatusCode::kInternal;
    case grpc::StatusCode::UNAVAILABLE:
      return absl::StatusCode::kUnavailable;
    case grpc::StatusCode::DATA_LOSS:
      return absl::StatusCode::kDataLoss;
    default:
      return absl::StatusCode::kUnknown;
  }
}

// The whole file; errors name `flag` and `path`.
absl::StatusOr<std::string> ReadWholeFile(absl::string_view flag, const std::string& path) {
  auto cannot_read = [&](int error) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": cannot read '", path, "': ", std::strerror(error)));
  };
  errno = 0;
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return cannot_read(errno);
  std::string text;
  char buffer[8192];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, n);
  const bool failed = std::ferror(file) != 0;
  const int error = errno;
  std::fclose(file);
  if (failed) return cannot_read(error);
  return text;
}

// A PEM file (certificates or a key). An empty CA file must not fall back to the system's
// roots, so emptiness is an error; so is a file without any PEM block (e.g. DER).
absl::StatusOr<std::string> ReadPemFile(absl::string_view flag, const std::string& path) {
  absl::StatusOr<std::string> text = ReadWholeFile(flag, path);
  if (!text.ok()) return text.status();
  if (absl::StripAsciiWhitespace(*text).empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": '", path, "' is empty"));
  }
  if (!absl::StrContains(*text, "-----BEGIN ")) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": '", path, "' is not PEM (no '-----BEGIN' line)"));
  }
  return text;
}

// The host of a --server address: "127.0.0.1:50051" -> "127.0.0.1", "[::1]:1" -> "::1",
// "dns:///api.example.org:443" -> "api.example.org".
std::string HostOf(absl::string_view server) {
  if (const size_t scheme = server.find(":///"); scheme != absl::string_view::npos) {
    server = server.substr(scheme + 4);
  }
  if (absl::ConsumePrefix(&server, "[")) return std::string(server.substr(0, server.find(']')));
  if (const size_t colon = server.rfind(':');
      colon != absl::string_view::npos && server.find(':') == colon) {
    server = server.substr(0, colon);
  }
  return std::string(server);
}

bool ContainsAny(absl::string_view lower, std::initializer_list<absl::string_view> signs) {
  return std::any_of(signs.begin(), signs.end(),
                     [&](absl::string_view sign) { return absl::StrContains(lower, sign); });
}

// What gRPC's message about a failed connection says of TLS.
enum class ConnectFailure {
  kOther,      // nothing about TLS (e.g. "Connection refused")
  kClosed,     // the peer closed or reset the connection while it was being set up
  kNotTls,     // the answer to a TLS hello was not TLS (a plaintext server)
  kUntrusted,  // the server's certificate does not verify against the roots
  kWrongName,  // the server's certificate does not name the expected host
  kTlsOther,   // another TLS failure
};

ConnectFailure ClassifyConnectFailure(absl::string_view message) {
  const std::string lower = absl::AsciiStrToLower(message);
  if (ContainsAny(lower, {"wrong version number", "packet length too long", "http_request",
                          "http request", "unknown protocol"})) {
    return ConnectFailure::kNotTls;
  }
  if (ContainsAny(lower, {"peer name", "no match found for server name"})) {
    return ConnectFailure::kWrongName;
  }
  if (ContainsAny(lower, {"certificate verify failed", "certificate_verify_failed",
                          "unable to get local issuer", "self signed", "self-signed"})) {
    return ConnectFailure::kUntrusted;
  }
  if (ContainsAny(lower, {"socket closed", "connection reset", "broken pipe", "unexpected eof",
                          "end of file"})) {
    return ConnectFailure::kClosed;
  }
  if (ContainsAny(lower, {"handshake", "ssl", "tls", "certificate", "alert"})) {
    return ConnectFailure::kTlsOther;
  }
  return ConnectFailure::kOther;
}

// The informative part of gRPC's message about a failed connection (already on one line), at
// most about 200 characters: from "Ssl handshake failed" when there, else the last error
// without its code and address ("failed to connect to all addresses; last error: UNAVAILABLE:
// ipv4:127.0.0.1:50051: Socket closed" -> "Socket closed").
std::string Gist(absl::string_view message) {
  constexpr size_t kMaxGist = 200;
  if (const size_t at = message.find("Ssl handshake failed"); at != absl::string_view::npos) {
    message = message.substr(at);
  } else {
    if (const size_t last = message.rfind("last error: "); last != absl::string_view::npos) {
      message = message.substr(last + 12);
    }
    // "UNAVAILABLE: "
    const size_t code_end = message.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ_");
    if (code_end != 0 && code_end != absl::string_view::npos &&
        absl::StartsWith(message.substr(code_end), ": ")) {
      message = message.substr(code_end + 2);
    }
    // "ipv4:127.0.0.1:50051: "
    for (absl::string_view scheme : {"ipv4:", "ipv6:", "unix:"}) {
      if (!absl::StartsWith(message, scheme)) continue;
      if (const size_t colon = message.find(": "); colon != absl::string_view::npos) {
        message = message.substr(colon + 2);
      }
    }
  }
  message = absl::StripAsciiWhitespace(message);
  if (message.size() <= kMaxGist) return std::string(message);
  return absl::StrCat(message.substr(0, kMaxGist), "...");
}

}  // namespace

std::string OneLine(absl::string_view text) {
  std::string line;
  line.reserve(text.size());
  bool in_break = false;
  for (const char c : text) {
    if (c == '\n' || c == '\r') {
      in_break = true;
      continue;
    }
    if (in_break) {
      while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
      if (c == ' ' || c == '\t') continue;
      if (!line.empty()) line.push_back(' ');
      in_break = false;
    }
    line.push_back(c);
  }
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
  return line;
}

absl::Status LoadCredentialFiles(GlobalOptions& options) {
  struct PemFile {
    absl::string_view flag;
    const std::string& path;
    std::string& pem;
  };
  for (const PemFile& file : {PemFile{"tls-ca", options.tls_ca_file, options.tls_ca_pem},
                              PemFile{"tls-cert", options.tls_cert_file, options.tls_cert_pem},
                              PemFile{"tls-key", options.tls_key_file, options.tls_key_pem}}) {
    if (file.path.empty()) continue;
    absl::StatusOr<std::string> pem = ReadPemFile(file.flag, file.path);
    if (!pem.ok()) return pem.status();
    file.pem = *std::move(pem);
  }
  std::string origin = "CAREREACH_TOKEN";
  if (!options.token_file.empty()) {
    absl::StatusOr<std::string> text = ReadWholeFile("token-file", options.token_file);
    if (!text.ok()) return text.status();
    options.token = std::string(absl::StripAsciiWhitespace(*text));
    if (options.token.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("--token-file: '", options.token_file,
                                                     "' is empty (it should hold a bearer token)"));
    }
    origin = absl::StrCat("--token-file: '", options.token_file, "'");
  }
  // A header value is printable ASCII; a token with blanks or line breaks inside (e.g.
  // "Bearer xyz", or two lines) is not one token. The token itself is never quoted.
  if (!std::all_of(options.token.begin(), options.token.end(),
                   [](char c) { return c > ' ' && c < 0x7f; })) {
    return absl::InvalidArgumentError(
        absl::StrCat(origin,
                     ": the bearer token holds blanks, line breaks or other characters a token "
                     "cannot have (give the token alone, without 'Bearer ')"));
  }
  return absl::OkStatus();
}

absl::string_view GrpcCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    default:
      return "UNKNOWN";
  }
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(
      ToAbslCode(status.error_code()),
      absl::StrCat(GrpcCodeName(status.error_code()), ": ", status.error_message()));
}

RpcClient::RpcClient(const GlobalOptions& options)
    : options_(options), channel_(MakeChannel(options)) {}

std::unique_ptr<Progress> RpcClient::StartProgress(std::string unit) const {
  return std::make_unique<Progress>(
      options_.progress_out, absl::StrCat("carereach ", options_.command_name), std::move(unit));
}

std::string RpcClient::NextRequestId() const {
  // Every call carries a request id: it names the call in the server's access log, and a write
  // sent again to another replica (its first answer lost) carries the same id, so the server
  // answers what the first attempt made instead of writing twice (docs/API.md). Later calls add
  // ".2", ".3", ... so that no two writes of one command share an id.
  static const std::string base_id = [] {
    const char* env = std::getenv("CAREREACH_REQUEST_ID");
    const std::string id = env != nullptr ? env : "";
    const bool valid =
        !id.empty() && id.size() <= 56 &&
        std::all_of(id.begin(), id.end(), [](char c) { return c > 0x20 && c < 0x7f; });
    if (valid) return id;
    absl::BitGen random;
    return absl::StrFormat("%016x", absl::Uniform<uint64_t>(random));
  }();
  static std::atomic<int> calls{0};
  const int call = ++calls;
  return call == 1 ? base_id : absl::StrCat(base_id, ".", call);
}

void RpcClient::Prepare(grpc::ClientContext& context, const std::string& request_id) const {
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::duration_cast<std::chrono::system_clock::duration>(
                           std::chrono::duration<double>(options_.timeout_seconds)));
  // The services that do not use it ignore it. With a credential the server takes the tenant
  // from it, and refuses a different explicit one.
  if (options_.SendsTenant()) context.AddMetadata(kTenantMetadataKey, options_.tenant);
  context.AddMetadata(kRequestIdMetadataKey, request_id);
}

grpc::Status RpcClient::RetryStreaming(
    const std::string& request_id,
    const std::function<grpc::Status(grpc::ClientContext&, bool*)>& attempt) const {
  const auto wait_until = WaitUntil();
  double backoff_seconds = kRetryInitialBackoffSeconds;
  for (int attempts = 1;; ++attempts) {
    grpc::ClientContext context;
    Prepare(context, request_id);
    bool may_retry = true;
    grpc::Status status = attempt(context, &may_retry);
    if (status.ok() || !may_retry || status.error_code() != grpc::StatusCode::UNAVAILABLE) {
      return status;
    }
    if (attempts < kRetryMaxAttempts) {
      std::this_thread::sleep_for(std::chrono::duration<double>(backoff_seconds));
      backoff_seconds = std::min(2 * backoff_seconds, kRetryMaxBackoffSeconds);
      continue;
    }
    if (!ShouldRetry(status, wait_until)) return status;
  }
}

std::chrono::steady_clock::time_point RpcClient::WaitUntil() const {
  return std::chrono::steady_clock::now() +
         std::chrono::duration_cast<std::chrono::steady_clock::duration>(
             std::chrono::duration<double>(options_.wait_seconds));
}

bool RpcClient::ShouldRetry(const grpc::Status& status,
                            std::chrono::steady_clock::time_point wait_until) {
  if (status.error_code() != grpc::StatusCode::UNAVAILABLE ||
      std::chrono::steady_clock::now() + kRetryInterval > wait_until) {
    return false;
  }
  std::this_thread::sleep_for(kRetryInterval);
  return true;
}

absl::Status RpcClient::Explain(const grpc::Status& status) const {
  const grpc::StatusCode code = status.error_code();
  const std::string message = OneLine(status.error_message());
  if (code == grpc::StatusCode::UNAVAILABLE &&
      channel_->GetState(/*try_to_connect=*/false) != GRPC_CHANNEL_READY) {
    const std::string& server = options_.server;
    const ConnectFailure failure = ClassifyConnectFailure(message);
    if (options_.UsesTls() && failure != ConnectFailure::kOther) {
      // A list's certificates are checked against its one host (channel.h).
      const absl::StatusOr<ChannelTarget> target =
          ParseServerTarget(server, /*tls=*/true, options_.tls_server_name);
      const std::string name = !options_.tls_server_name.empty() ? options_.tls_server_name
                               : target.ok() && !target->authority.empty() ? target->authority
                                                                           : HostOf(server);
      std::string hint;
      switch (failure) {
        case ConnectFailure::kWrongName:
          hint = absl::StrCat("the server's certificate does not name ", name,
                              "; see --tls-server-name");
          break;
        case ConnectFailure::kClosed:
          hint =
              "the server closed the connection: does it require a client certificate signed "
              "by a CA it trusts? see --tls-cert and --tls-key";
          break;
        case ConnectFailure::kNotTls:
          hint =
              "the server did not answer in TLS: if it is a plaintext server, give no --tls-ca, "
              "--tls-cert or --tls";
          break;
        default:
          hint = absl::StrCat(options_.tls_ca_file.empty()
                                  ? "is the server's certificate signed by a CA of the system's "
                                    "roots (else give --tls-ca FILE)"
                                  : "is --tls-ca the CA that signed the server's certificate",
                              ", and does the certificate name ", name, "? see --tls-server-name");
          break;
      }
      return FromGrpcStatus(grpc::Status(
          code, absl::StrCat("cannot reach carereach server at ", server,
                             " over TLS: the TLS handshake failed (", hint, "): ", Gist(message))));
    }
    if (!options_.UsesTls() && failure == ConnectFailure::kClosed) {
      return FromGrpcStatus(grpc::Status(
          code, absl::StrCat("cannot reach carereach server at ", server,
                             ": the server closed the connection (if it speaks TLS, give "
                             "--tls-ca FILE, or --tls): ",
                             Gist(message))));
    }
    return FromGrpcStatus(grpc::Status(
        code, absl::StrCat("cannot reach carereach server at ", server, ": ", message)));
  }
  if (code == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return FromGrpcStatus(
        grpc::Status(code, absl::StrCat(message, " (no answer within ", options_.timeout_seconds,
                                        " s; see --timeout-seconds)")));
  }
  if (code == grpc::StatusCode::UNAUTHENTICATED) {
    return FromGrpcStatus(
        grpc::Status(code, absl::StrCat(message, " (see --token-file / CAREREACH_TOKEN)")));
  }
  return FromGrpcStatus(grpc::Status(code, message));
}

}  // namespace carereach::cli
