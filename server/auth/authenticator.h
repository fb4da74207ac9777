#ifndef CAREREACH_SERVER_AUTH_AUTHENTICATOR_H_
#define CAREREACH_SERVER_AUTH_AUTHENTICATOR_H_

// Who is calling: the one function that turns a call's credentials (bearer token, verified client
// certificate, tenant header) into a Caller. The server's auth metadata processor calls it before
// any handler runs and refuses the call when it fails; handlers call it again to learn the caller
// (verified tokens are cached, so that second call costs a hash lookup). gRPC keeps auth-context
// properties per connection, not per call, so a caller's identity is never passed through them.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/auth/identities.h"
#include "server/auth/keys.h"
#include "server/auth/token.h"
#include "server/auth/watched_file.h"

namespace carereach::auth {

// The metadata keys read.
inline constexpr absl::string_view kAuthorizationKey = "authorization";
inline constexpr absl::string_view kTenantKey = "x-carereach-tenant";

struct Caller {
  enum class Via { kDevHeader, kToken, kCertificate };
  std::string tenant;   // empty only in dev mode when the call named none
  std::string subject;  // token "sub", or the certificate SAN that matched; empty in dev mode
  std::vector<std::string> scopes;
  Via via = Via::kDevHeader;

  bool HasScope(absl::string_view scope) const;
};

// One call's credentials, as gRPC hands them over (views into the call's metadata).
struct CallCredentials {
  std::vector<absl::string_view> authorization;  // every "authorization" value
  std::vector<absl::string_view> tenant;         // every "x-carereach-tenant" value
  std::vector<std::string> peer_uris;            // URI SANs of a TLS-verified client certificate
  std::vector<std::string> peer_dns;             // DNS SANs of it
};

// Thread-safe.
class Authenticator {
 public:
  struct Options {
    // JSON Web Key Set of the token issuer; empty: bearer tokens are not accepted.
    std::string jwks_file;
    TokenPolicy token_policy;
    // Client-certificate identities (identities.h); empty: certificates are not identities.
    std::string identities_file;
    // How often the two files are looked at for changes.
    absl::Duration reload_interval = absl::Seconds(1);
  };
  using Log = std::function<void(absl::string_view)>;

  // Dev mode: no authentication; the tenant is the x-carereach-tenant header, and every caller
  // has every scope.
  Authenticator() = default;

  // With authentication: reads the files (an error if unreadable or invalid) and watches them.
  static absl::StatusOr<std::unique_ptr<Authenticator>> Create(const Options& options, Log log);

  bool enabled() const { return keys_ != nullptr || identities_ != nullptr; }
  bool accepts_tokens() const { return keys_ != nullptr; }
  bool accepts_certificates() const { return identities_ != nullptr; }

  // The caller, or why not: UNAUTHENTICATED for missing, invalid, duplicate or conflicting
  // credentials; PERMISSION_DENIED for a tenant header that names another tenant than the
  // credentials; INVALID_ARGUMENT for a malformed tenant header in dev mode.
  absl::StatusOr<Caller> Authenticate(const CallCredentials& credentials, absl::Time now) const;

 private:
  absl::StatusOr<TokenClaims> Verify(absl::string_view token, absl::Time now) const;

  std::unique_ptr<WatchedFile<std::vector<PublicJwk>>> keys_;
  std::unique_ptr<WatchedFile<std::vector<CertificateIdentity>>> identities_;
  TokenPolicy policy_;

  // Verified tokens, until they expire or the key set changes.
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, TokenClaims> verified_ ABSL_GUARDED_BY(mu_);
  mutable uint64_t verified_generation_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace carereach::auth

#endif  // CAREREACH_SERVER_AUTH_AUTHENTICATOR_H_
