#include "server/auth/identities.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"
#include "server/auth/token.h"

namespace carereach::auth {

absl::StatusOr<std::vector<CertificateIdentity>> ParseIdentities(absl::string_view json,
                                                                 absl::string_view source) {
  using Json = nlohmann::json;
  const Json doc = Json::parse(std::string(json), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("identities") ||
      !doc["identities"].is_array()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: not an identities file (an object with an \"identities\" array)", source));
  }
  std::vector<CertificateIdentity> out;
  std::set<std::string> seen;
  const Json& list = doc["identities"];
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string at = absl::StrFormat("%s: identities[%d]", source, i);
    const Json& entry = list[i];
    if (!entry.is_object()) return absl::InvalidArgumentError(at + ": not an object");
    CertificateIdentity id;
    if (!entry.contains("san") || !entry["san"].is_string()) {
      return absl::InvalidArgumentError(at + ".san: missing");
    }
    id.san = entry["san"].get<std::string>();
    const bool uri = absl::StartsWith(id.san, "URI:") && id.san.size() > 4;
    const bool dns = absl::StartsWith(id.san, "DNS:") && id.san.size() > 4;
    if (!uri && !dns) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s.san: \"%s\" must start with URI: or DNS:", at, id.san.substr(0, 100)));
    }
    if (dns) id.san = "DNS:" + absl::AsciiStrToLower(id.san.substr(4));
    if (!seen.insert(id.san).second) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s.san: \"%s\" appears twice", at, id.san));
    }
    if (!entry.contains("tenant") || !entry["tenant"].is_string() ||
        !IsValidTenantName(entry["tenant"].get<std::string>())) {
      return absl::InvalidArgumentError(at +
                                        ".tenant: must be 1 to 64 characters of [A-Za-z0-9._-]");
    }
    id.tenant = entry["tenant"].get<std::string>();
    if (!entry.contains("scopes") || !entry["scopes"].is_array()) {
      return absl::InvalidArgumentError(at + ".scopes: missing (a list of scopes)");
    }
    for (const Json& s : entry["scopes"]) {
      if (!s.is_string() ||
          (s.get<std::string>() != kScopeAnalyze && s.get<std::string>() != kScopeWrite)) {
        return absl::InvalidArgumentError(absl::StrFormat("%s.scopes: %s is not %s or %s", at,
                                                          s.dump().substr(0, 100), kScopeAnalyze,
                                                          kScopeWrite));
      }
      id.scopes.push_back(s.get<std::string>());
    }
    out.push_back(std::move(id));
  }
  return out;
}

std::vector<const CertificateIdentity*> MatchIdentities(
    const std::vector<CertificateIdentity>& identities, const std::vector<std::string>& uris,
    const std::vector<std::string>& dns_names) {
  std::set<std::string> sans;
  for (const std::string& u : uris) sans.insert("URI:" + u);
  for (const std::string& d : dns_names) sans.insert("DNS:" + absl::AsciiStrToLower(d));
  std::vector<const CertificateIdentity*> out;
  for (const CertificateIdentity& id : identities) {
    if (sans.contains(id.san)) out.push_back(&id);
  }
  return out;
}

}  // namespace carereach::auth
