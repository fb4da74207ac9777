#include "server/auth/keys.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "geo/core/status_macros.h"
#include "nlohmann/json.hpp"

namespace carereach::auth {
namespace {

using Json = nlohmann::json;

struct Free {
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
  void operator()(X509* p) const { X509_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, Free>;

// OpenSSL's most recent error as text, and the queue cleared.
std::string OpenSslError() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

struct Curve {
  const char* crv;         // JWK name
  const char* group_name;  // OpenSSL name
  const char* alg;
  size_t coordinate_bytes;
};
constexpr Curve kCurves[] = {
    {"P-256", "prime256v1", "ES256", 32},
    {"P-384", "secp384r1", "ES384", 48},
    {"P-521", "secp521r1", "ES512", 66},
};

// Strict base64url (RFC 7515 section 2: no padding, no white space).
absl::StatusOr<std::string> DecodeBase64Url(absl::string_view text, absl::string_view what) {
  for (char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return absl::InvalidArgumentError(absl::StrCat(what, ": not base64url"));
  }
  std::string out;
  if (!absl::WebSafeBase64Unescape(text, &out)) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": not base64url"));
  }
  return out;
}

std::string EncodeBase64Url(absl::string_view bytes) {
  std::string out;
  absl::WebSafeBase64Escape(bytes, &out);  // no padding
  return out;
}

absl::StatusOr<std::string> PublicPem(EVP_PKEY* key) {
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_PUBKEY(bio.get(), key) != 1) {
    return absl::InternalError("cannot write a public key as PEM: " + OpenSslError());
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

// Builds a public key of `type` ("RSA", "EC") from OpenSSL parameters; errors name `at`.
absl::StatusOr<Owned<EVP_PKEY>> FromParams(const char* type, OSSL_PARAM_BLD* builder,
                                           absl::string_view at) {
  Owned<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(builder));
  Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (params == nullptr || ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(at, ": not a valid public key: ", OpenSslError()));
  }
  Owned<EVP_PKEY> owned(key);
  Owned<EVP_PKEY_CTX> check(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (check == nullptr || EVP_PKEY_public_check(check.get()) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(at, ": not a valid public key: ", OpenSslError()));
  }
  return owned;
}

absl::StatusOr<std::string> StringMember(const Json& key, const char* name, absl::string_view at) {
  auto it = key.find(name);
  if (it == key.end() || !it->is_string() || it->get<std::string>().empty()) {
    return absl::InvalidArgumentError(absl::StrFormat("%s.%s: missing", at, name));
  }
  return it->get<std::string>();
}

absl::StatusOr<Owned<EVP_PKEY>> RsaKey(const Json& key, absl::string_view at) {
  ASSIGN_OR_RETURN(std::string n64, StringMember(key, "n", at));
  ASSIGN_OR_RETURN(std::string e64, StringMember(key, "e", at));
  ASSIGN_OR_RETURN(std::string n, DecodeBase64Url(n64, absl::StrCat(at, ".n")));
  ASSIGN_OR_RETURN(std::string e, DecodeBase64Url(e64, absl::StrCat(at, ".e")));
  Owned<BIGNUM> bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()),
                               static_cast<int>(n.size()), nullptr));
  Owned<BIGNUM> bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()),
                               static_cast<int>(e.size()), nullptr));
  Owned<OSSL_PARAM_BLD> builder(OSSL_PARAM_BLD_new());
  if (bn_n == nullptr || bn_e == nullptr || builder == nullptr ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    return absl::InternalError("cannot build an RSA key: " + OpenSslError());
  }
  ASSIGN_OR_RETURN(Owned<EVP_PKEY> pkey, FromParams("RSA", builder.get(), at));
  if (EVP_PKEY_get_bits(pkey.get()) < 2048) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: a %d-bit RSA key is too weak (at least 2048 bits)", at,
                        EVP_PKEY_get_bits(pkey.get())));
  }
  return pkey;
}

absl::StatusOr<Owned<EVP_PKEY>> EcKey(const Json& key, const Curve& curve, absl::string_view at) {
  ASSIGN_OR_RETURN(std::string x64, StringMember(key, "x", at));
  ASSIGN_OR_RETURN(std::string y64, StringMember(key, "y", at));
  ASSIGN_OR_RETURN(std::string x, DecodeBase64Url(x64, absl::StrCat(at, ".x")));
  ASSIGN_OR_RETURN(std::string y, DecodeBase64Url(y64, absl::StrCat(at, ".y")));
  if (x.size() != curve.coordinate_bytes || y.size() != curve.coordinate_bytes) {
    return absl::InvalidArgumentError(absl::StrFormat("%s: %s coordinates must be %d bytes each",
                                                      at, curve.crv, curve.coordinate_bytes));
  }
  const std::string point = std::string(1, '\x04') + x + y;  // uncompressed (SEC 1)
  Owned<OSSL_PARAM_BLD> builder(OSSL_PARAM_BLD_new());
  if (builder == nullptr ||
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, curve.group_name,
                                      0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return absl::InternalError("cannot build an EC key: " + OpenSslError());
  }
  return FromParams("EC", builder.get(), at);
}

absl::StatusOr<std::string> BigNumberParam(EVP_PKEY* key, const char* name, int pad_to = 0) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) {
    return absl::InternalError(absl::StrCat("cannot read ", name, ": ", OpenSslError()));
  }
  Owned<BIGNUM> bn(raw);
  const int size = pad_to > 0 ? pad_to : BN_num_bytes(bn.get());
  std::string bytes(static_cast<size_t>(size), '\0');
  if (BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(bytes.data()), size) != size) {
    return absl::InternalError(absl::StrCat("cannot write ", name));
  }
  return bytes;
}

}  // namespace

bool IsAcceptedAlgorithm(absl::string_view alg) {
  static const std::set<absl::string_view> kAccepted = {"RS256", "RS384", "RS512",
                                                        "ES256", "ES384", "ES512"};
  return kAccepted.contains(alg);
}

absl::StatusOr<std::vector<PublicJwk>> ParseJwks(absl::string_view json, absl::string_view source) {
  const Json doc = Json::parse(std::string(json), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array()) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": not a JSON Web Key Set (an object with a \"keys\" array)"));
  }
  std::vector<PublicJwk> keys;
  std::set<std::string> kids;
  const Json& list = doc["keys"];
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string at = absl::StrFormat("%s: keys[%d]", source, i);
    const Json& key = list[i];
    if (!key.is_object()) return absl::InvalidArgumentError(at + ": not an object");
    for (const char* secret : {"d", "p", "q", "dp", "dq", "qi", "k"}) {
      if (key.contains(secret)) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s: holds private or secret key material (\"%s\"); a key set for verification "
            "must hold public keys only",
            at, secret));
      }
    }
    ASSIGN_OR_RETURN(std::string kty, StringMember(key, "kty", at));
    if (key.contains("use") && key["use"] != "sig") {
      return absl::InvalidArgumentError(at + ": \"use\" must be \"sig\" (a signing key)");
    }
    ASSIGN_OR_RETURN(std::string kid, StringMember(key, "kid", at));
    if (kid.size() > 256) return absl::InvalidArgumentError(at + ".kid: longer than 256 bytes");
    if (!kids.insert(kid).second) {
      return absl::InvalidArgumentError(absl::StrFormat("%s.kid: \"%s\" appears twice", at, kid));
    }
    std::string stated_alg;
    if (key.contains("alg")) {
      if (!key["alg"].is_string()) return absl::InvalidArgumentError(at + ".alg: not a string");
      stated_alg = key["alg"].get<std::string>();
    }
    PublicJwk out;
    out.kid = kid;
    Owned<EVP_PKEY> pkey;
    if (kty == "RSA") {
      out.alg = stated_alg.empty() ? "RS256" : stated_alg;
      if (out.alg != "RS256" && out.alg != "RS384" && out.alg != "RS512") {
        return absl::InvalidArgumentError(
            absl::StrFormat("%s.alg: %s is not an RSA signature algorithm", at, out.alg));
      }
      ASSIGN_OR_RETURN(pkey, RsaKey(key, at));
    } else if (kty == "EC") {
      ASSIGN_OR_RETURN(std::string crv, StringMember(key, "crv", at));
      const Curve* curve = nullptr;
      for (const Curve& c : kCurves) {
        if (crv == c.crv) curve = &c;
      }
      if (curve == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrFormat("%s.crv: %s is not P-256, P-384 or P-521", at, crv));
      }
      out.alg = curve->alg;
      if (!stated_alg.empty() && stated_alg != out.alg) {
        return absl::InvalidArgumentError(absl::StrFormat("%s.alg: %s does not match curve %s (%s)",
                                                          at, stated_alg, crv, out.alg));
      }
      ASSIGN_OR_RETURN(pkey, EcKey(key, *curve, at));
    } else {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s.kty: %s is not accepted (only RSA and EC public keys verify tokens)", at, kty));
    }
    ASSIGN_OR_RETURN(out.public_key_pem, PublicPem(pkey.get()));
    keys.push_back(std::move(out));
  }
  if (keys.empty()) return absl::InvalidArgumentError(absl::StrCat(source, ": no keys"));
  return keys;
}

absl::StatusOr<std::string> GenerateSigningKeyPem(absl::string_view alg) {
  EVP_PKEY* raw = nullptr;
  if (alg == "ES256") {
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  } else if (alg == "RS256") {
    raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(3072));
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("key algorithm ", alg, " is not ES256 or RS256"));
  }
  if (raw == nullptr) return absl::InternalError("key generation failed: " + OpenSslError());
  Owned<EVP_PKEY> key(raw);
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr ||
      PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return absl::InternalError("cannot write the key: " + OpenSslError());
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

absl::StatusOr<SigningKeyInfo> DescribeSigningKey(absl::string_view private_key_pem) {
  Owned<BIO> bio(BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())));
  Owned<EVP_PKEY> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError("not a PEM private key");
  }
  SigningKeyInfo info;
  Json jwk;
  std::string canonical;  // RFC 7638: required members only, sorted, no white space
  if (EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_RSA) {
    if (EVP_PKEY_get_bits(key.get()) < 2048) {
      return absl::InvalidArgumentError("an RSA signing key must have at least 2048 bits");
    }
    ASSIGN_OR_RETURN(std::string n, BigNumberParam(key.get(), OSSL_PKEY_PARAM_RSA_N));
    ASSIGN_OR_RETURN(std::string e, BigNumberParam(key.get(), OSSL_PKEY_PARAM_RSA_E));
    info.alg = "RS256";
    jwk = {{"kty", "RSA"}, {"n", EncodeBase64Url(n)}, {"e", EncodeBase64Url(e)}};
    canonical = absl::StrCat(R"({"e":")", EncodeBase64Url(e), R"(","kty":"RSA","n":")",
                             EncodeBase64Url(n), R"("})");
  } else if (EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_EC) {
    char group[64] = {0};
    size_t group_size = 0;
    if (EVP_PKEY_get_utf8_string_param(key.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                       &group_size) != 1) {
      return absl::InternalError("cannot read the key's curve: " + OpenSslError());
    }
    const Curve* curve = nullptr;
    for (const Curve& c : kCurves) {
      if (absl::string_view(group) == c.group_name) curve = &c;
    }
    if (curve == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("curve ", group, " is not P-256/384/521"));
    }
    const int size = static_cast<int>(curve->coordinate_bytes);
    ASSIGN_OR_RETURN(std::string x, BigNumberParam(key.get(), OSSL_PKEY_PARAM_EC_PUB_X, size));
    ASSIGN_OR_RETURN(std::string y, BigNumberParam(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y, size));
    info.alg = curve->alg;
    jwk = {
        {"kty", "EC"}, {"crv", curve->crv}, {"x", EncodeBase64Url(x)}, {"y", EncodeBase64Url(y)}};
    canonical = absl::StrCat(R"({"crv":")", curve->crv, R"(","kty":"EC","x":")", EncodeBase64Url(x),
                             R"(","y":")", EncodeBase64Url(y), R"("})");
  } else {
    return absl::InvalidArgumentError("only RSA and EC signing keys are supported");
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (EVP_Digest(canonical.data(), canonical.size(), digest, &digest_size, EVP_sha256(), nullptr) !=
      1) {
    return absl::InternalError("SHA-256 failed: " + OpenSslError());
  }
  info.kid = EncodeBase64Url(absl::string_view(reinterpret_cast<char*>(digest), digest_size));
  jwk["kid"] = info.kid;
  jwk["use"] = "sig";
  jwk["alg"] = info.alg;
  info.public_jwk_json = jwk.dump();
  return info;
}

absl::Status CheckTlsFiles(absl::string_view cert_chain_pem, absl::string_view private_key_pem) {
  Owned<BIO> cert_bio(
      BIO_new_mem_buf(cert_chain_pem.data(), static_cast<int>(cert_chain_pem.size())));
  Owned<X509> cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError("the certificate file holds no PEM certificate");
  }
  Owned<BIO> key_bio(
      BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())));
  Owned<EVP_PKEY> key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError("the key file holds no PEM private key (or it is encrypted)");
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError("the private key does not belong to the certificate");
  }
  return absl::OkStatus();
}

absl::Status CheckCaBundle(absl::string_view ca_pem) {
  Owned<BIO> bio(BIO_new_mem_buf(ca_pem.data(), static_cast<int>(ca_pem.size())));
  Owned<X509> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (cert == nullptr) return absl::InvalidArgumentError("holds no PEM certificate");
  return absl::OkStatus();
}

}  // namespace carereach::auth
