#include "clients/cli/channel.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace carereach::cli {
namespace {

// Large facility lists and per-unit pages exceed gRPC's 4 MiB default.
constexpr int kMaxMessageBytes = 256 * 1024 * 1024;

enum class Family { kIpv4, kIpv6, kOther };

// One HOST:PORT entry of a list.
struct Address {
  std::string host;  // without the brackets of an IPv6 literal
  Family family = Family::kOther;
};

absl::StatusOr<Address> ParseAddress(absl::string_view entry) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("--server: '", entry, "' ", why));
  };
  if (absl::StrContains(entry, ":/") || absl::StartsWith(entry, "ipv4:") ||
      absl::StartsWith(entry, "ipv6:") || absl::StartsWith(entry, "unix:") ||
      absl::StartsWith(entry, "dns:")) {
    return bad(
        "is a URI: a list of several addresses takes HOST:PORT entries only (a dns:/// target "
        "stands alone)");
  }
  Address address;
  absl::string_view port;
  if (absl::StartsWith(entry, "[")) {
    const size_t close = entry.find(']');
    if (close == absl::string_view::npos || entry.substr(close + 1, 1) != ":") {
      return bad("is not [IPV6]:PORT");
    }
    address.host = std::string(entry.substr(1, close - 1));
    port = entry.substr(close + 2);
    in6_addr v6;
    if (inet_pton(AF_INET6, address.host.c_str(), &v6) == 1) address.family = Family::kIpv6;
  } else {
    const size_t colon = entry.rfind(':');
    if (colon == absl::string_view::npos || entry.find(':') != colon) {
      return bad("is not HOST:PORT");
    }
    address.host = std::string(entry.substr(0, colon));
    port = entry.substr(colon + 1);
    in_addr v4;
    if (inet_pton(AF_INET, address.host.c_str(), &v4) == 1) address.family = Family::kIpv4;
  }
  if (address.host.empty()) return bad("has no host");
  if (port.empty() || !std::all_of(port.begin(), port.end(), absl::ascii_isdigit) ||
      port.size() > 5) {
    return bad("has no port number");
  }
  return address;
}

// The service config's names of the methods gRPC may send again on UNAVAILABLE (ServiceConfigJson
// says which and why): every unary or server-streaming method that only reads, and the unary
// writes the server keys by the call's x-request-id (the CLI sends one with every call,
// RpcClient::Prepare).
std::string RetriedMethodNames() {
  std::vector<std::string> names;
  for (const char* service : {"carereach.v1.AccessService", "carereach.v1.MapService",
                              "carereach.v1.ContractingService"}) {
    names.push_back(absl::StrCat(R"({"service":")", service, R"("})"));
  }
  for (const char* method : {"ListNetworks", "GetNetwork", "ExportNetwork", "DiffNetworkVersions",
                             "ListReports", "GetReport", "CreateNetwork"}) {
    names.push_back(
        absl::StrCat(R"({"service":"carereach.v1.NetworkService","method":")", method, R"("})"));
  }
  return absl::StrJoin(names, ",");
}

}  // namespace

absl::StatusOr<ChannelTarget> ParseServerTarget(absl::string_view server, bool tls,
                                                absl::string_view tls_server_name) {
  ChannelTarget target;
  // A URI (its scheme's own syntax, e.g. gRPC's "ipv4:A:1,B:2" list) is gRPC's to read.
  for (absl::string_view scheme : {"dns:", "ipv4:", "ipv6:", "unix:", "unix-abstract:"}) {
    if (absl::StartsWith(server, scheme)) {
      target.uri = std::string(server);
      target.round_robin = true;
      return target;
    }
  }
  std::vector<absl::string_view> entries;
  for (absl::string_view entry : absl::StrSplit(server, ',')) {
    entry = absl::StripAsciiWhitespace(entry);
    if (entry.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--server: '", server, "' has an empty address"));
    }
    entries.push_back(entry);
  }
  if (entries.size() == 1) {
    target.uri = std::string(entries[0]);
    return target;
  }
  std::vector<Address> addresses;
  for (absl::string_view entry : entries) {
    absl::StatusOr<Address> address = ParseAddress(entry);
    if (!address.ok()) return address.status();
    if (address->family == Family::kOther) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--server: '", entry,
          "' is not an IP address: a list of several addresses takes IP literals only "
          "(10.0.0.1:50051, [fd00::1]:50051); give host names as one dns:///NAME:PORT target "
          "that resolves to every replica"));
    }
    if (!addresses.empty() && address->family != addresses[0].family) {
      return absl::InvalidArgumentError(
          absl::StrCat("--server: '", server,
                       "' mixes IPv4 and IPv6 addresses (gRPC takes one family per list)"));
    }
    addresses.push_back(*std::move(address));
  }
  target.addresses = static_cast<int>(entries.size());
  target.round_robin = true;
  target.uri = absl::StrCat(addresses[0].family == Family::kIpv4 ? "ipv4:" : "ipv6:",
                            absl::StrJoin(entries, ","));
  // gRPC's default authority of such a URI is the whole list, which no certificate names.
  const bool one_host = std::all_of(addresses.begin(), addresses.end(),
                                    [&](const Address& a) { return a.host == addresses[0].host; });
  if (!tls_server_name.empty()) {
    target.authority = std::string(tls_server_name);
  } else if (one_host) {
    target.authority = addresses[0].host;
  } else if (tls) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--server: '", server,
        "' names several hosts: over TLS give --tls-server-name NAME, the name every replica's "
        "certificate carries"));
  } else {
    target.authority = std::string(entries[0]);
  }
  return target;
}

std::string ServiceConfigJson(const ChannelTarget& target) {
  return absl::StrCat(
      R"({"loadBalancingConfig":[{")", target.round_robin ? "round_robin" : "pick_first",
      R"(":{}}],"methodConfig":[{"name":[)", RetriedMethodNames(),
      R"(],"retryPolicy":{"maxAttempts":)", kRetryMaxAttempts, R"(,"initialBackoff":")",
      kRetryInitialBackoffSeconds, R"(s","maxBackoff":")", kRetryMaxBackoffSeconds,
      R"(s","backoffMultiplier":2,"retryableStatusCodes":["UNAVAILABLE"]}}]})");
}

std::shared_ptr<grpc::Channel> MakeChannel(const GlobalOptions& options) {
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  // --wait-seconds polls every 0.2 s; keep reconnection attempts close together so a server
  // that has just started is noticed within about a second. Not GRPC_ARG_MIN_RECONNECT_BACKOFF_MS:
  // despite its name gRPC takes it as the time one connection attempt (TCP, the TLS handshake and
  // the server's first SETTINGS frame) may last, so 100 ms failed every TLS connection to a server
  // more than ~30 ms away, or on a busy machine ("connection attempt timed out before receiving
  // SETTINGS frame", "handshaker shutdown"); gRPC's default is 20 s, within the call's deadline.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  // On by default in gRPC 1.51; the retry policy of ServiceConfigJson needs it.
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 1);
  absl::StatusOr<ChannelTarget> target =
      ParseServerTarget(options.server, options.UsesTls(), options.tls_server_name);
  if (!target.ok()) target = ChannelTarget{.uri = options.server};
  args.SetServiceConfigJSON(ServiceConfigJson(*target));
  if (!target->authority.empty()) args.SetString(GRPC_ARG_DEFAULT_AUTHORITY, target->authority);
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (options.UsesTls()) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = options.tls_ca_pem;  // empty: the system's default roots (--tls)
    ssl.pem_cert_chain = options.tls_cert_pem;
    ssl.pem_private_key = options.tls_key_pem;
    credentials = grpc::SslCredentials(ssl);
    if (!options.tls_server_name.empty()) args.SetSslTargetNameOverride(options.tls_server_name);
    // gRPC sends call credentials only over a secure channel (ParseArgs requires TLS with a
    // token).
    if (!options.token.empty()) {
      credentials = grpc::CompositeChannelCredentials(credentials,
                                                      grpc::AccessTokenCredentials(options.token));
    }
  }
  return grpc::CreateCustomChannel(target->uri, credentials, args);
}

std::string InvocationRegion(const Invocation& invocation) {
  switch (invocation.command) {
    case Command::kCoverage:
      return invocation.coverage.region;
    case Command::kIsochrone:
    case Command::kMapIsochrone:
      return invocation.isochrone.region;
    case Command::kMatrix:
      return invocation.matrix.region;
    case Command::kAdequacy:
      return invocation.adequacy.region;
    case Command::kAnalyzeCoverage:
    case Command::kAnalyzeAdequacy:
    case Command::kRecommend:
    case Command::kAccessRatios:
    case Command::kMapCoverage:
    case Command::kMapAdequacy:
      return invocation.analysis.region;
    default:
      return "";
  }
}

absl::Status ApplyRegionMap(GlobalOptions& options, absl::string_view region) {
  if (options.region_map_file.empty() || region.empty()) return absl::OkStatus();
  const std::string& path = options.region_map_file;
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("--region-map: '", path, "': ", why));
  };
  errno = 0;
  std::ifstream file(path, std::ios::binary);
  if (!file) return bad(absl::StrCat("cannot read: ", std::strerror(errno)));
  std::stringstream text;
  text << file.rdbuf();
  const nlohmann::json map = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (map.is_discarded()) return bad("is not JSON");
  if (!map.is_object() || !map.contains("regions") || !map["regions"].is_object()) {
    return bad(R"(is not {"regions": {"REGION": "HOST:PORT,...", ...}})");
  }
  const nlohmann::json& regions = map["regions"];
  const auto found = regions.find(std::string(region));
  if (found == regions.end()) return absl::OkStatus();
  if (!found->is_string()) return bad(absl::StrCat("regions.", region, " is not a string"));
  const std::string server = found->get<std::string>();
  if (absl::StatusOr<ChannelTarget> target =
          ParseServerTarget(server, options.UsesTls(), options.tls_server_name);
      !target.ok()) {
    return bad(absl::StrCat("regions.", region, ": ", target.status().message()));
  }
  options.server = server;
  return absl::OkStatus();
}

}  // namespace carereach::cli
