#include "server/auth/authenticator.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "geo/core/status_macros.h"

namespace carereach::auth {
namespace {

// Verified tokens kept at most; the cache is emptied when full (tokens live for hours, callers
// are few: a full cache means churn, and re-verifying costs well under a millisecond).
constexpr size_t kMaxCachedTokens = 4096;

std::string Printable(absl::string_view text) {
  std::string out;
  for (char c : text.substr(0, 64)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > 64) out += "...";
  return out;
}

}  // namespace

bool Caller::HasScope(absl::string_view scope) const {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

absl::StatusOr<std::unique_ptr<Authenticator>> Authenticator::Create(const Options& options,
                                                                     Log log) {
  auto auth = std::make_unique<Authenticator>();
  auth->policy_ = options.token_policy;
  if (!options.jwks_file.empty()) {
    if (options.token_policy.issuer.empty() || options.token_policy.audience.empty()) {
      return absl::InvalidArgumentError(
          "a key set needs the issuer and the audience tokens must name (--auth_issuer, "
          "--auth_audience)");
    }
    if (options.token_policy.tenant_claim.empty()) {
      return absl::InvalidArgumentError("the tenant claim name is empty");
    }
    ASSIGN_OR_RETURN(auth->keys_, WatchedFile<std::vector<PublicJwk>>::Open(
                                      options.jwks_file, ParseJwks, options.reload_interval, log));
  }
  if (!options.identities_file.empty()) {
    ASSIGN_OR_RETURN(auth->identities_,
                     WatchedFile<std::vector<CertificateIdentity>>::Open(
                         options.identities_file, ParseIdentities, options.reload_interval, log));
  }
  return auth;
}

absl::StatusOr<TokenClaims> Authenticator::Verify(absl::string_view token, absl::Time now) const {
  uint64_t generation = 0;
  std::shared_ptr<const std::vector<PublicJwk>> keys = keys_->Get(now, &generation);
  {
    absl::MutexLock lock(&mu_);
    if (verified_generation_ != generation) {
      verified_.clear();  // a key may have been withdrawn
      verified_generation_ = generation;
    }
    auto it = verified_.find(token);
    if (it != verified_.end()) {
      if (now <= it->second.expires + policy_.leeway) return it->second;
      verified_.erase(it);
    }
  }
  absl::StatusOr<TokenClaims> claims = VerifyToken(token, *keys, policy_, now);
  if (claims.ok()) {
    absl::MutexLock lock(&mu_);
    if (verified_generation_ == generation) {
      if (verified_.size() >= kMaxCachedTokens) verified_.clear();
      verified_.emplace(std::string(token), *claims);
    }
  }
  return claims;
}

absl::StatusOr<Caller> Authenticator::Authenticate(const CallCredentials& credentials,
                                                   absl::Time now) const {
  if (credentials.tenant.size() > 1) {
    return absl::UnauthenticatedError(
        absl::StrCat("metadata ", kTenantKey, ": sent more than once"));
  }
  if (!enabled()) {
    Caller caller;
    caller.scopes = {std::string(kScopeAnalyze), std::string(kScopeWrite)};
    if (!credentials.tenant.empty()) {
      if (!IsValidTenantName(credentials.tenant[0])) {
        return absl::InvalidArgumentError(
            absl::StrFormat("metadata %s: \"%s\" is not 1 to 64 characters of [A-Za-z0-9._-]",
                            kTenantKey, Printable(credentials.tenant[0])));
      }
      caller.tenant = std::string(credentials.tenant[0]);
    }
    return caller;
  }

  if (credentials.authorization.size() > 1) {
    return absl::UnauthenticatedError("metadata authorization: sent more than once");
  }
  std::optional<Caller> from_token;
  if (!credentials.authorization.empty()) {
    absl::string_view value = credentials.authorization[0];
    if (value.size() < 7 || !absl::EqualsIgnoreCase(value.substr(0, 7), "bearer ")) {
      return absl::UnauthenticatedError("metadata authorization: must be \"Bearer <token>\"");
    }
    if (!accepts_tokens()) {
      return absl::UnauthenticatedError(
          "bearer tokens are not accepted by this server (no --auth_jwks_file); use a client "
          "certificate");
    }
    ASSIGN_OR_RETURN(TokenClaims claims, Verify(absl::StripAsciiWhitespace(value.substr(7)), now));
    Caller caller;
    caller.tenant = claims.tenant;
    caller.subject = claims.subject;
    caller.scopes = claims.scopes;
    caller.via = Caller::Via::kToken;
    from_token = std::move(caller);
  }

  std::optional<Caller> from_certificate;
  const bool has_certificate = !credentials.peer_uris.empty() || !credentials.peer_dns.empty();
  if (has_certificate && accepts_certificates()) {
    std::shared_ptr<const std::vector<CertificateIdentity>> ids = identities_->Get(now);
    std::vector<const CertificateIdentity*> matches =
        MatchIdentities(*ids, credentials.peer_uris, credentials.peer_dns);
    for (const CertificateIdentity* m : matches) {
      if (m->tenant != matches[0]->tenant) {
        return absl::UnauthenticatedError(absl::StrFormat(
            "the client certificate maps to two tenants (%s, %s); fix the identities file",
            matches[0]->tenant, m->tenant));
      }
    }
    if (!matches.empty()) {
      Caller caller;
      caller.tenant = matches[0]->tenant;
      caller.subject = matches[0]->san;
      for (const CertificateIdentity* m : matches) {
        for (const std::string& s : m->scopes) {
          if (!caller.HasScope(s)) caller.scopes.push_back(s);
        }
      }
      caller.via = Caller::Via::kCertificate;
      from_certificate = std::move(caller);
    }
  }

  Caller caller;
  if (from_token.has_value()) {
    if (from_certificate.has_value() && from_certificate->tenant != from_token->tenant) {
      return absl::UnauthenticatedError(absl::StrFormat(
          "conflicting credentials: the bearer token is tenant \"%s\", the client certificate "
          "is tenant \"%s\"",
          from_token->tenant, from_certificate->tenant));
    }
    caller = *std::move(from_token);
  } else if (from_certificate.has_value()) {
    caller = *std::move(from_certificate);
  } else if (has_certificate && accepts_certificates()) {
    return absl::UnauthenticatedError(
        "the client certificate is not mapped to a tenant (identities file), and no bearer "
        "token was sent");
  } else {
    return absl::UnauthenticatedError(
        absl::StrCat("no credentials: send \"authorization: Bearer <token>\"",
                     accepts_certificates() ? " or a client certificate mapped to a tenant" : ""));
  }
  if (!credentials.tenant.empty() && credentials.tenant[0] != caller.tenant) {
    return absl::PermissionDeniedError(
        absl::StrFormat("metadata %s: \"%s\" is not the authenticated tenant \"%s\"", kTenantKey,
                        Printable(credentials.tenant[0]), caller.tenant));
  }
  return caller;
}

}  // namespace carereach::auth
