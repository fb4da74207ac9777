// carereach-admin: a small token issuer for deployments without an identity provider.
//
//   carereach-admin keys create --key-out FILE --jwks FILE [--alg ES256|RS256]
//   carereach-admin keys retire --jwks FILE --kid KID
//   carereach-admin token --key FILE --issuer ISS --audience AUD --tenant T --scope S[,S]
//                         [--subject NAME] [--ttl 24h]
//
// Keys are made and used by OpenSSL (through libjwt for signatures); see docs/SECURITY.md.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "server/auth/keys.h"
#include "server/auth/token.h"

namespace {

using carereach::auth::kScopeAnalyze;
using carereach::auth::kScopeWrite;
using Json = nlohmann::json;

constexpr int kExitOk = 0;
constexpr int kExitError = 1;
constexpr int kExitUsage = 2;

constexpr char kUsage[] = R"(carereach-admin: signing keys and bearer tokens for carereach-server.

  carereach-admin keys create --key-out FILE --jwks FILE [--alg ES256|RS256]
      Generates a signing key (FILE, mode 0600; an existing file is never overwritten) and adds
      its public key to the JSON Web Key Set FILE (created if missing; existing keys stay, so
      the server accepts old and new tokens during a rotation). Prints the key id (kid).
  carereach-admin keys retire --jwks FILE --kid KID
      Removes a key from the set: tokens it signed are refused once the server reloads the set.
  carereach-admin token --key FILE --issuer ISS --audience AUD --tenant TENANT
                        --scope SCOPES [--subject NAME] [--ttl 24h]
      Prints a signed token. SCOPES: carereach.analyze and/or carereach.write (also "analyze",
      "write"), comma-separated or repeated. --ttl: a duration such as 30m, 24h, 720h (at most
      8760h). --subject defaults to the tenant.

Exit status: 0 success, 1 error, 2 usage error.
)";

struct Args {
  std::vector<std::string> positionals;
  std::map<std::string, std::vector<std::string>> flags;
};

bool Parse(int argc, char** argv, Args* args, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      args->positionals = {"help"};
      return true;
    }
    if (absl::StartsWith(a, "--")) {
      std::string name = a.substr(2), value;
      if (const size_t eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        *error = absl::StrCat("--", name, ": needs a value");
        return false;
      }
      args->flags[name].push_back(value);
    } else {
      args->positionals.push_back(a);
    }
  }
  return true;
}

// The single value of a flag; `required` flags must be given.
bool One(const Args& args, const std::string& name, bool required, std::string* out,
         std::string* error) {
  auto it = args.flags.find(name);
  if (it == args.flags.end()) {
    if (required) *error = absl::StrCat("--", name, " is required");
    return !required;
  }
  if (it->second.size() > 1) {
    *error = absl::StrCat("--", name, ": given more than once");
    return false;
  }
  *out = it->second[0];
  return true;
}

bool CheckKnown(const Args& args, const std::set<std::string>& known, std::string* error) {
  for (const auto& [name, values] : args.flags) {
    if (!known.contains(name)) {
      *error = absl::StrCat("unknown flag --", name);
      return false;
    }
  }
  return true;
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  *out = text.str();
  return true;
}

// Writes `text` to `path` through a temporary file renamed over it (readers never see half a
// file); `mode` applies from creation.
bool WriteAtomically(const std::string& path, const std::string& text, mode_t mode,
                     std::string* error) {
  const std::string tmp = path + ".tmp" + std::to_string(getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, mode);
  if (fd < 0) {
    *error = absl::StrCat("cannot write ", tmp);
    return false;
  }
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!written || !synced || std::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    *error = absl::StrCat("cannot write ", path);
    return false;
  }
  return true;
}

Json LoadJwks(const std::string& path, std::string* error) {
  std::string text;
  if (!ReadFile(path, &text)) return Json{{"keys", Json::array()}};
  Json doc = Json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array()) {
    *error = absl::StrCat(path, ": not a JSON Web Key Set");
    return Json();
  }
  return doc;
}

int KeysCreate(const Args& args) {
  std::string error, key_out, jwks_path, alg = "ES256";
  if (!CheckKnown(args, {"key-out", "jwks", "alg"}, &error) ||
      !One(args, "key-out", true, &key_out, &error) ||
      !One(args, "jwks", true, &jwks_path, &error) || !One(args, "alg", false, &alg, &error)) {
    std::cerr << "error: " << error << "\n";
    return kExitUsage;
  }
  if (std::filesystem::exists(key_out)) {
    std::cerr << "error: --key-out " << key_out << " exists; a signing key is never overwritten\n";
    return kExitError;
  }
  Json jwks = LoadJwks(jwks_path, &error);
  if (!error.empty()) {
    std::cerr << "error: " << error << "\n";
    return kExitError;
  }
  absl::StatusOr<std::string> pem = carereach::auth::GenerateSigningKeyPem(alg);
  if (!pem.ok()) {
    std::cerr << "error: --alg: " << pem.status().message() << "\n";
    return kExitUsage;
  }
  absl::StatusOr<carereach::auth::SigningKeyInfo> info = carereach::auth::DescribeSigningKey(*pem);
  if (!info.ok()) {
    std::cerr << "error: " << info.status().message() << "\n";
    return kExitError;
  }
  jwks["keys"].push_back(Json::parse(info->public_jwk_json));
  // The key first: a key set that names a key nobody holds is harmless, the reverse is not.
  if (!WriteAtomically(key_out, *pem, 0600, &error) ||
      !WriteAtomically(jwks_path, jwks.dump(2) + "\n", 0644, &error)) {
    std::cerr << "error: " << error << "\n";
    return kExitError;
  }
  std::cout << info->kid << "\n";
  return kExitOk;
}

int KeysRetire(const Args& args) {
  std::string error, jwks_path, kid;
  if (!CheckKnown(args, {"jwks", "kid"}, &error) || !One(args, "jwks", true, &jwks_path, &error) ||
      !One(args, "kid", true, &kid, &error)) {
    std::cerr << "error: " << error << "\n";
    return kExitUsage;
  }
  Json jwks = LoadJwks(jwks_path, &error);
  if (!error.empty() || !std::filesystem::exists(jwks_path)) {
    std::cerr << "error: " << (error.empty() ? jwks_path + ": cannot open" : error) << "\n";
    return kExitError;
  }
  Json kept = Json::array();
  for (const Json& k : jwks["keys"]) {
    if (!(k.is_object() && k.contains("kid") && k["kid"] == kid)) kept.push_back(k);
  }
  if (kept.size() == jwks["keys"].size()) {
    std::cerr << "error: --kid " << kid << ": no such key in " << jwks_path << "\n";
    return kExitError;
  }
  if (kept.empty()) {
    std::cerr << "error: --kid " << kid << " is the last key of " << jwks_path
              << "; create its successor first\n";
    return kExitError;
  }
  jwks["keys"] = kept;
  if (!WriteAtomically(jwks_path, jwks.dump(2) + "\n", 0644, &error)) {
    std::cerr << "error: " << error << "\n";
    return kExitError;
  }
  return kExitOk;
}

int Token(const Args& args) {
  std::string error, key_path, ttl_text = "24h";
  carereach::auth::TokenRequest request;
  if (!CheckKnown(args, {"key", "issuer", "audience", "tenant", "scope", "subject", "ttl"},
                  &error) ||
      !One(args, "key", true, &key_path, &error) ||
      !One(args, "issuer", true, &request.issuer, &error) ||
      !One(args, "audience", true, &request.audience, &error) ||
      !One(args, "tenant", true, &request.tenant, &error) ||
      !One(args, "subject", false, &request.subject, &error) ||
      !One(args, "ttl", false, &ttl_text, &error)) {
    std::cerr << "error: " << error << "\n";
    return kExitUsage;
  }
  auto scopes = args.flags.find("scope");
  if (scopes == args.flags.end()) {
    std::cerr << "error: --scope is required (carereach.analyze and/or carereach.write)\n";
    return kExitUsage;
  }
  for (const std::string& value : scopes->second) {
    for (absl::string_view s : absl::StrSplit(value, absl::ByAnyChar(", "), absl::SkipEmpty())) {
      std::string scope(s);
      if (scope == "analyze") scope = std::string(kScopeAnalyze);
      if (scope == "write") scope = std::string(kScopeWrite);
      if (scope != kScopeAnalyze && scope != kScopeWrite) {
        std::cerr << "error: --scope: " << scope.substr(0, 100)
                  << " is not carereach.analyze or carereach.write\n";
        return kExitUsage;
      }
      if (std::find(request.scopes.begin(), request.scopes.end(), scope) == request.scopes.end()) {
        request.scopes.push_back(scope);
      }
    }
  }
  if (!absl::ParseDuration(ttl_text, &request.ttl) || request.ttl <= absl::ZeroDuration() ||
      request.ttl > absl::Hours(8760)) {
    std::cerr << "error: --ttl: " << ttl_text.substr(0, 100)
              << " is not a duration between 1s and 8760h (e.g. 30m, 24h)\n";
    return kExitUsage;
  }
  if (request.subject.empty()) request.subject = request.tenant;
  std::string pem;
  if (!ReadFile(key_path, &pem)) {
    std::cerr << "error: --key: cannot read " << key_path << "\n";
    return kExitError;
  }
  request.issued_at = absl::Now();
  absl::StatusOr<std::string> token = carereach::auth::SignToken(request, pem);
  if (!token.ok()) {
    std::cerr << "error: " << token.status().message() << "\n";
    return token.status().code() == absl::StatusCode::kInvalidArgument ? kExitUsage : kExitError;
  }
  std::cout << *token << "\n";
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  std::string error;
  if (!Parse(argc, argv, &args, &error)) {
    std::cerr << "error: " << error << "\n";
    return kExitUsage;
  }
  const std::vector<std::string>& p = args.positionals;
  if (p.empty() || p[0] == "help") {
    std::cout << kUsage;
    return p.empty() ? kExitUsage : kExitOk;
  }
  if (p.size() == 2 && p[0] == "keys" && p[1] == "create") return KeysCreate(args);
  if (p.size() == 2 && p[0] == "keys" && p[1] == "retire") return KeysRetire(args);
  if (p.size() == 1 && p[0] == "token") return Token(args);
  std::cerr << "error: unknown command '" << absl::StrJoin(p, " ")
            << "'\nrun 'carereach-admin help' for usage\n";
  return kExitUsage;
}
