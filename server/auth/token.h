#ifndef CAREREACH_SERVER_AUTH_TOKEN_H_
#define CAREREACH_SERVER_AUTH_TOKEN_H_

// Bearer tokens: signed JWTs (RFC 7519) verified against a key set, and signed by
// carereach-admin for deployments without an identity provider. Signatures are made and checked
// by libjwt over OpenSSL; this file decides which key and algorithm may be used and what the
// claims must say.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/auth/keys.h"

namespace carereach::auth {

// The scopes a token or certificate identity can grant (auth.proto's Scope).
inline constexpr absl::string_view kScopeAnalyze = "carereach.analyze";
inline constexpr absl::string_view kScopeWrite = "carereach.write";

// Longest token accepted, bytes.
inline constexpr size_t kMaxTokenBytes = 8192;

// What a token must say.
struct TokenPolicy {
  std::string issuer;                             // "iss" must equal it
  std::string audience;                           // "aud" must equal it or list it
  std::string tenant_claim = "carereach_tenant";  // claim naming the caller's tenant
  absl::Duration leeway = absl::Seconds(60);      // clock skew allowed on exp, nbf and iat
};

struct TokenClaims {
  std::string tenant;
  std::string subject;  // "sub", may be empty
  std::string key_id;
  std::vector<std::string> scopes;  // the carereach.* scopes of "scope"; others are ignored
  absl::Time expires;
};

// Verifies `token` (the compact JWS form, without "Bearer "): the header's "alg" must be an
// accepted asymmetric algorithm (never "none" or HS*), its "kid" must name a key of `keys` whose
// algorithm is that same "alg", the signature must verify, and the claims must satisfy `policy`
// at `now`. Every refusal is UNAUTHENTICATED with a message that names the reason and never
// repeats the token. Thread-safe (pure).
absl::StatusOr<TokenClaims> VerifyToken(absl::string_view token, const std::vector<PublicJwk>& keys,
                                        const TokenPolicy& policy, absl::Time now);

// A token to sign.
struct TokenRequest {
  std::string issuer;
  std::string audience;
  std::string subject;
  std::string tenant;
  std::string tenant_claim = "carereach_tenant";
  std::vector<std::string> scopes;
  absl::Time issued_at;
  absl::Duration ttl = absl::Hours(24);
};

// Signs `request` with a PEM private key (EC P-256 signs ES256, RSA signs RS256); the header's
// "kid" is the key's RFC 7638 thumbprint, as DescribeSigningKey() and carereach-admin's JWKS name
// it. Thread-safe (pure).
absl::StatusOr<std::string> SignToken(const TokenRequest& request,
                                      absl::string_view private_key_pem);

// Checks a tenant name: 1 to 64 characters of [A-Za-z0-9._-].
bool IsValidTenantName(absl::string_view tenant);

}  // namespace carereach::auth

#endif  // CAREREACH_SERVER_AUTH_TOKEN_H_
