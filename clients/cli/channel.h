#ifndef CAREREACH_CLIENTS_CLI_CHANNEL_H_
#define CAREREACH_CLIENTS_CLI_CHANNEL_H_

// The CLI's gRPC channel to one server or a fleet of replicas: --server is one address, a
// comma-separated list of addresses, or a resolver target such as dns:///carereach.internal:50051;
// calls are spread over the addresses with gRPC's round_robin policy, and calls that only read are
// retried by gRPC on UNAVAILABLE (see ServiceConfigJson). --region-map FILE sends the calls of a
// region to the replicas that serve it.

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "clients/cli/args.h"
#include "grpcpp/grpcpp.h"

namespace carereach::cli {

// --server parsed into what gRPC takes.
struct ChannelTarget {
  // The target URI: "127.0.0.1:50051", "dns:///name:443", "ipv4:10.0.0.1:1,10.0.0.2:1".
  std::string uri;
  // GRPC_ARG_DEFAULT_AUTHORITY (the :authority header, and the name a TLS certificate must
  // carry unless --tls-server-name overrides it); empty: gRPC's default from `uri`.
  std::string authority;
  // How many addresses --server listed (1 for a name a resolver expands).
  int addresses = 1;
  // Calls spread over the addresses (round_robin): a list, or a target with a scheme
  // (dns:///NAME:PORT names a fleet). A plain HOST:PORT is one server whose addresses (e.g.
  // localhost's ::1 and 127.0.0.1) are tried in order (pick_first), as gRPC does by default.
  bool round_robin = false;
};

// Parses `server` (the --server value). One entry is passed to gRPC as is (HOST:PORT, or a URI
// with a scheme such as dns:///, ipv4:, ipv6:, unix:). Several, separated by commas, must each be
// an IP literal with a port, all IPv4 ("10.0.0.1:50051") or all IPv6 ("[::1]:50051"): gRPC's
// ipv4: and ipv6: schemes take such lists; host names are one dns:/// target that resolves to
// every replica. Over TLS (`tls`) every replica's certificate is checked against one name: the
// hosts' common name, or `tls_server_name`, which several different hosts need. Errors are
// INVALID_ARGUMENT naming --server.
absl::StatusOr<ChannelTarget> ParseServerTarget(absl::string_view server, bool tls,
                                                absl::string_view tls_server_name);

// The retry policy of the service config below, which RpcClient::RetryStreaming applies to
// client-streaming calls too: up to kRetryMaxAttempts attempts on UNAVAILABLE, waiting
// kRetryInitialBackoff before the second, doubling up to kRetryMaxBackoff.
inline constexpr int kRetryMaxAttempts = 5;
inline constexpr double kRetryInitialBackoffSeconds = 0.1;
inline constexpr double kRetryMaxBackoffSeconds = 1.0;

// The service config of a CLI channel to `target` (JSON): round_robin over the resolved
// addresses when target.round_robin (else pick_first), and the retry policy above on UNAVAILABLE
// for the unary and server-streaming methods that only read, and for the writes the server keys
// by the call's x-request-id (CreateNetwork, and ContractingService's analyses, which may save
// a report): a retry of those answers what the first attempt made. DeleteNetwork is left out (a
// second attempt after a committed delete would answer NOT_FOUND). So are the client-streaming
// methods (ImportNetwork, and EvaluateAdequacy, which streams both ways): gRPC 1.51's retry of
// such a call can start a new attempt that sends the first message and then nothing more, which
// the server waits on until the deadline (seen in tests/e2e/fleet_test.cc: a replica held an
// import for 29.9 s after receiving its header); RpcClient::RetryStreaming sends them again whole.
std::string ServiceConfigJson(const ChannelTarget& target);

// The channel for `options` (server, TLS, token): the one place every CLI channel is made. Over
// TLS `options` must have been through LoadCredentialFiles; `options.server` should have been
// checked with ParseServerTarget (an invalid value is handed to gRPC as is, and its calls fail).
std::shared_ptr<grpc::Channel> MakeChannel(const GlobalOptions& options);

// The region a command's calls are about ("" for commands without --region: network, report,
// regions, map report).
std::string InvocationRegion(const Invocation& invocation);

// With a region map (--region-map FILE, $CAREREACH_REGION_MAP), replaces options.server with the
// addresses the map gives `region` (unchanged when the region is empty or not in the map). The
// file is JSON: {"regions": {"yuba": "10.0.0.1:50051,10.0.0.2:50051", "michigan":
// "dns:///mi.carereach.internal:50051"}}, each value a --server value. Errors (the file cannot
// be read or parsed, a value that is not a --server value) are INVALID_ARGUMENT naming the flag,
// the file and the region.
absl::Status ApplyRegionMap(GlobalOptions& options, absl::string_view region);

}  // namespace carereach::cli

#endif  // CAREREACH_CLIENTS_CLI_CHANNEL_H_
