#ifndef CAREREACH_SERVER_AUTH_IDENTITIES_H_
#define CAREREACH_SERVER_AUTH_IDENTITIES_H_

// Client-certificate identities: with mutual TLS, a verified client certificate may stand in for a
// bearer token. A JSON file maps a subject alternative name of the certificate to a tenant and
// scopes:
//
//   {"identities": [
//     {"san": "URI:spiffe://alliance-a/reports", "tenant": "alliance-a",
//      "scopes": ["carereach.analyze"]},
//     {"san": "DNS:etl.alliance-b.example", "tenant": "alliance-b",
//      "scopes": ["carereach.analyze", "carereach.write"]}]}
//
// Only SANs that TLS verified are matched (gRPC's peer_uri and peer_dns properties), exactly and
// case-sensitively for URIs, case-insensitively for DNS names.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace carereach::auth {

struct CertificateIdentity {
  std::string san;  // "URI:..." or "DNS:...", as written in the file
  std::string tenant;
  std::vector<std::string> scopes;
};

// Parses the identities file; `source` names it in messages. Every entry needs a "URI:" or
// "DNS:" san (unique in the file), a valid tenant and known scopes. Thread-safe (pure).
absl::StatusOr<std::vector<CertificateIdentity>> ParseIdentities(absl::string_view json,
                                                                 absl::string_view source);

// The entries matching a certificate's verified URI and DNS SANs (at most one per SAN).
std::vector<const CertificateIdentity*> MatchIdentities(
    const std::vector<CertificateIdentity>& identities, const std::vector<std::string>& uris,
    const std::vector<std::string>& dns_names);

}  // namespace carereach::auth

#endif  // CAREREACH_SERVER_AUTH_IDENTITIES_H_
