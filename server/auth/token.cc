#include "server/auth/token.h"

#include <jwt.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "geo/core/status_macros.h"
#include "nlohmann/json.hpp"

namespace carereach::auth {
namespace {

using Json = nlohmann::json;

struct JwtFree {
  void operator()(jwt_t* p) const { jwt_free(p); }
  void operator()(char* p) const { std::free(p); }
};

absl::Status Refuse(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("bearer token refused: ", why));
}

bool IsBase64UrlText(absl::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

// A bounded, printable copy of a claim value for a message.
std::string Quote(absl::string_view text) {
  std::string out;
  for (char c : text.substr(0, 64)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > 64) out += "...";
  return absl::StrCat("\"", out, "\"");
}

absl::StatusOr<double> NumericDate(const Json& claims, const char* name, bool required) {
  auto it = claims.find(name);
  if (it == claims.end()) {
    if (required) return Refuse(absl::StrCat("no \"", name, "\" claim"));
    return std::nan("");
  }
  if (!it->is_number() || !std::isfinite(it->get<double>())) {
    return Refuse(absl::StrCat("\"", name, "\" is not a number of seconds"));
  }
  return it->get<double>();
}

std::string FormatUnix(double seconds) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                          absl::FromUnixSeconds(static_cast<int64_t>(seconds)),
                          absl::UTCTimeZone());
}

}  // namespace

bool IsValidTenantName(absl::string_view tenant) {
  return !tenant.empty() && tenant.size() <= 64 &&
         std::all_of(tenant.begin(), tenant.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
         });
}

absl::StatusOr<TokenClaims> VerifyToken(absl::string_view token, const std::vector<PublicJwk>& keys,
                                        const TokenPolicy& policy, absl::Time now) {
  if (token.size() > kMaxTokenBytes) {
    return Refuse(absl::StrFormat("longer than %d bytes", kMaxTokenBytes));
  }
  const std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3 || !IsBase64UrlText(parts[0]) || !IsBase64UrlText(parts[1])) {
    return Refuse("not a signed JWT (header.payload.signature in base64url)");
  }
  std::string header_text;
  if (!absl::WebSafeBase64Unescape(parts[0], &header_text))
    return Refuse("header is not base64url");
  const Json header = Json::parse(header_text, nullptr, /*allow_exceptions=*/false);
  if (header.is_discarded() || !header.is_object()) return Refuse("header is not a JSON object");
  if (!header.contains("alg") || !header["alg"].is_string()) return Refuse("header has no \"alg\"");
  const std::string alg = header["alg"].get<std::string>();
  if (!IsAcceptedAlgorithm(alg)) {
    return Refuse(absl::StrCat("algorithm ", Quote(alg),
                               " is not accepted (only RS256/384/512 and ES256/384/512 with a key "
                               "from the key set)"));
  }
  if (header.contains("crit"))
    return Refuse("header has \"crit\" extensions this server does not know");
  if (!IsBase64UrlText(parts[2])) return Refuse("no signature");
  if (!header.contains("kid") || !header["kid"].is_string()) {
    return Refuse("header has no \"kid\" naming the signing key");
  }
  const std::string kid = header["kid"].get<std::string>();
  auto key =
      std::find_if(keys.begin(), keys.end(), [&](const PublicJwk& k) { return k.kid == kid; });
  if (key == keys.end()) return Refuse(absl::StrCat("unknown key id ", Quote(kid)));
  if (key->alg != alg) {
    return Refuse(
        absl::StrCat("key ", Quote(kid), " verifies ", key->alg, ", the token says ", alg));
  }

  const std::string compact(token);
  jwt_t* raw = nullptr;
  const int rc = jwt_decode(&raw, compact.c_str(),
                            reinterpret_cast<const unsigned char*>(key->public_key_pem.data()),
                            static_cast<int>(key->public_key_pem.size()));
  std::unique_ptr<jwt_t, JwtFree> jwt(raw);
  if (rc != 0 || jwt == nullptr) return Refuse("the signature does not verify");
  if (jwt_alg_str(jwt_get_alg(jwt.get())) != alg) return Refuse("the signature does not verify");

  std::unique_ptr<char, JwtFree> claims_text(jwt_get_grants_json(jwt.get(), nullptr));
  if (claims_text == nullptr) return Refuse("payload is not a JSON object");
  const Json claims = Json::parse(claims_text.get(), nullptr, /*allow_exceptions=*/false);
  if (claims.is_discarded() || !claims.is_object()) return Refuse("payload is not a JSON object");

  const double now_s = absl::FDivDuration(now - absl::UnixEpoch(), absl::Seconds(1));
  const double leeway_s = absl::ToDoubleSeconds(policy.leeway);
  ASSIGN_OR_RETURN(double exp, NumericDate(claims, "exp", /*required=*/true));
  if (now_s > exp + leeway_s) return Refuse(absl::StrCat("expired at ", FormatUnix(exp)));
  ASSIGN_OR_RETURN(double nbf, NumericDate(claims, "nbf", /*required=*/false));
  if (!std::isnan(nbf) && now_s < nbf - leeway_s) {
    return Refuse(absl::StrCat("not valid before ", FormatUnix(nbf)));
  }
  ASSIGN_OR_RETURN(double iat, NumericDate(claims, "iat", /*required=*/false));
  if (!std::isnan(iat) && now_s < iat - leeway_s) {
    return Refuse(absl::StrCat("issued in the future, at ", FormatUnix(iat)));
  }

  if (!claims.contains("iss") || !claims["iss"].is_string()) return Refuse("no \"iss\" claim");
  if (claims["iss"].get<std::string>() != policy.issuer) {
    return Refuse(absl::StrCat("issuer ", Quote(claims["iss"].get<std::string>()),
                               " is not the trusted issuer ", Quote(policy.issuer)));
  }
  bool audience_ok = false;
  if (claims.contains("aud") && claims["aud"].is_string()) {
    audience_ok = claims["aud"].get<std::string>() == policy.audience;
  } else if (claims.contains("aud") && claims["aud"].is_array()) {
    for (const Json& a : claims["aud"]) audience_ok |= a.is_string() && a == policy.audience;
  }
  if (!audience_ok) {
    return Refuse(absl::StrCat("audience is not ", Quote(policy.audience)));
  }

  TokenClaims out;
  out.key_id = kid;
  out.expires = absl::FromUnixSeconds(static_cast<int64_t>(exp));
  if (!claims.contains(policy.tenant_claim) || !claims[policy.tenant_claim].is_string()) {
    return Refuse(absl::StrCat("no \"", policy.tenant_claim, "\" claim naming the tenant"));
  }
  out.tenant = claims[policy.tenant_claim].get<std::string>();
  if (!IsValidTenantName(out.tenant)) {
    return Refuse(
        absl::StrCat("tenant ", Quote(out.tenant), " is not 1 to 64 characters of [A-Za-z0-9._-]"));
  }
  if (claims.contains("sub")) {
    if (!claims["sub"].is_string()) return Refuse("\"sub\" is not a string");
    out.subject = claims["sub"].get<std::string>().substr(0, 256);
  }
  if (claims.contains("scope")) {
    if (!claims["scope"].is_string()) return Refuse("\"scope\" is not a space-separated string");
    for (absl::string_view s :
         absl::StrSplit(claims["scope"].get<std::string>(), ' ', absl::SkipEmpty())) {
      if ((s == kScopeAnalyze || s == kScopeWrite) &&
          std::find(out.scopes.begin(), out.scopes.end(), s) == out.scopes.end()) {
        out.scopes.emplace_back(s);
      }
    }
  }
  return out;
}

absl::StatusOr<std::string> SignToken(const TokenRequest& request,
                                      absl::string_view private_key_pem) {
  ASSIGN_OR_RETURN(SigningKeyInfo key, DescribeSigningKey(private_key_pem));
  if (!IsValidTenantName(request.tenant)) {
    return absl::InvalidArgumentError(absl::StrCat("tenant ", Quote(request.tenant),
                                                   " is not 1 to 64 characters of [A-Za-z0-9._-]"));
  }
  if (request.ttl <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("the token's lifetime must be positive");
  }
  const int64_t iat = absl::ToUnixSeconds(request.issued_at);
  Json claims = {{"iss", request.issuer},
                 {"aud", request.audience},
                 {request.tenant_claim, request.tenant},
                 {"scope", absl::StrJoin(request.scopes, " ")},
                 {"iat", iat},
                 {"nbf", iat},
                 {"exp", iat + absl::ToInt64Seconds(request.ttl)}};
  if (!request.subject.empty()) claims["sub"] = request.subject;

  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::InternalError("jwt_new failed");
  std::unique_ptr<jwt_t, JwtFree> jwt(raw);
  const jwt_alg_t alg = jwt_str_alg(key.alg.c_str());
  if (jwt_add_header(jwt.get(), "kid", key.kid.c_str()) != 0 ||
      jwt_add_grants_json(jwt.get(), claims.dump().c_str()) != 0 ||
      jwt_set_alg(jwt.get(), alg, reinterpret_cast<const unsigned char*>(private_key_pem.data()),
                  static_cast<int>(private_key_pem.size())) != 0) {
    return absl::InternalError("cannot build the token");
  }
  std::unique_ptr<char, JwtFree> text(jwt_encode_str(jwt.get()));
  if (text == nullptr) return absl::InternalError("cannot sign the token");
  return std::string(text.get());
}

}  // namespace carereach::auth
