// Key sets, bearer tokens and the authenticator, with real keys made by OpenSSL and real tokens
// signed by libjwt. Every refusal is checked for its code and its reason.
#include <jwt.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/auth/authenticator.h"
#include "server/auth/identities.h"
#include "server/auth/keys.h"
#include "server/auth/token.h"
#include "tests/status_matchers.h"

namespace carereach::auth {
namespace {

using testing::HasSubstr;
using testing::Not;
using testing_util::StatusIs;
using Json = nlohmann::json;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

struct Key {
  std::string private_pem;
  SigningKeyInfo info;
};

Key NewKey(const std::string& alg) {
  Key k;
  absl::StatusOr<std::string> pem = GenerateSigningKeyPem(alg);
  EXPECT_TRUE(pem.ok()) << pem.status();
  k.private_pem = *pem;
  absl::StatusOr<SigningKeyInfo> info = DescribeSigningKey(k.private_pem);
  EXPECT_TRUE(info.ok()) << info.status();
  k.info = *info;
  return k;
}

std::string Jwks(const std::vector<const Key*>& keys) {
  Json doc = {{"keys", Json::array()}};
  for (const Key* k : keys) doc["keys"].push_back(Json::parse(k->info.public_jwk_json));
  return doc.dump();
}

TokenPolicy Policy() {
  TokenPolicy p;
  p.issuer = "https://issuer.test";
  p.audience = "carereach";
  return p;
}

TokenRequest Request(const std::string& tenant = "alliance-a") {
  TokenRequest r;
  r.issuer = "https://issuer.test";
  r.audience = "carereach";
  r.subject = "analyst@a";
  r.tenant = tenant;
  r.scopes = {"carereach.analyze"};
  r.issued_at = kNow - absl::Minutes(1);
  r.ttl = absl::Hours(1);
  return r;
}

std::string Sign(const TokenRequest& r, const Key& k) {
  absl::StatusOr<std::string> t = SignToken(r, k.private_pem);
  EXPECT_TRUE(t.ok()) << t.status();
  return *t;
}

std::string B64(absl::string_view bytes) {
  std::string out;
  absl::WebSafeBase64Escape(bytes, &out);
  return out;
}

std::string PublicPem(const Key& k) {
  absl::StatusOr<std::vector<PublicJwk>> keys = ParseJwks(Jwks({&k}), "test");
  EXPECT_TRUE(keys.ok()) << keys.status();
  return (*keys)[0].public_key_pem;
}

class TokenTest : public testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::vector<PublicJwk>> keys = ParseJwks(Jwks({&es_, &rs_}), "jwks.json");
    ASSERT_TRUE(keys.ok()) << keys.status();
    keys_ = *keys;
  }
  absl::StatusOr<TokenClaims> Verify(const std::string& token, absl::Time now = kNow) {
    return VerifyToken(token, keys_, Policy(), now);
  }
  static inline Key es_ = NewKey("ES256");
  static inline Key rs_ = NewKey("RS256");
  std::vector<PublicJwk> keys_;
};

TEST_F(TokenTest, AcceptsEs256AndRs256TokensAndReadsTheirClaims) {
  TokenRequest r = Request();
  r.scopes = {"carereach.analyze", "carereach.write", "other.scope"};
  for (const Key* k : {&es_, &rs_}) {
    absl::StatusOr<TokenClaims> claims = Verify(Sign(r, *k));
    ASSERT_TRUE(claims.ok()) << claims.status();
    EXPECT_EQ(claims->tenant, "alliance-a");
    EXPECT_EQ(claims->subject, "analyst@a");
    EXPECT_EQ(claims->key_id, k->info.kid);
    // Scopes carereach does not know are dropped.
    EXPECT_THAT(claims->scopes, testing::ElementsAre("carereach.analyze", "carereach.write"));
    EXPECT_EQ(claims->expires, r.issued_at + r.ttl);
  }
}

TEST_F(TokenTest, RefusesAnExpiredTokenBeyondTheLeeway) {
  TokenRequest r = Request();
  r.issued_at = kNow - absl::Hours(2);
  r.ttl = absl::Hours(1);
  EXPECT_THAT(Verify(Sign(r, es_)), StatusIs(absl::StatusCode::kUnauthenticated,
                                             HasSubstr("expired at 2027-01-15T07:00:00Z")));
  // Within the 60 s leeway it still passes; one second past it, it does not.
  r.issued_at = kNow - absl::Hours(1) - absl::Seconds(59);
  EXPECT_TRUE(Verify(Sign(r, es_)).ok());
  r.issued_at = kNow - absl::Hours(1) - absl::Seconds(61);
  EXPECT_THAT(Verify(Sign(r, es_)),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("expired")));
}

TEST_F(TokenTest, RefusesATokenNotYetValid) {
  TokenRequest r = Request();
  r.issued_at = kNow + absl::Minutes(10);  // nbf = iat
  EXPECT_THAT(Verify(Sign(r, es_)),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("not valid before")));
}

TEST_F(TokenTest, RefusesAWrongIssuerOrAudience) {
  TokenRequest r = Request();
  r.issuer = "https://evil.test";
  EXPECT_THAT(Verify(Sign(r, es_)),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       HasSubstr("issuer \"https://evil.test\" is not the trusted issuer")));
  r = Request();
  r.audience = "another-service";
  EXPECT_THAT(Verify(Sign(r, es_)), StatusIs(absl::StatusCode::kUnauthenticated,
                                             HasSubstr("audience is not \"carereach\"")));
}

TEST_F(TokenTest, RefusesATamperedSignatureOrPayload) {
  const std::string token = Sign(Request(), es_);
  std::string bad_signature = token;
  char& c = bad_signature[bad_signature.rfind('.') + 5];
  c = c == 'A' ? 'B' : 'A';
  EXPECT_THAT(Verify(bad_signature),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("signature does not verify")));
  // Another tenant's name in the payload, the original signature kept.
  const size_t dot1 = token.find('.'), dot2 = token.rfind('.');
  std::string payload;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token.substr(dot1 + 1, dot2 - dot1 - 1), &payload));
  Json claims = Json::parse(payload);
  claims["carereach_tenant"] = "alliance-b";
  const std::string forged = token.substr(0, dot1 + 1) + B64(claims.dump()) + token.substr(dot2);
  EXPECT_THAT(Verify(forged),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("signature does not verify")));
}

TEST_F(TokenTest, RefusesAnUnknownKeyId) {
  const Key stranger = NewKey("ES256");
  EXPECT_THAT(Verify(Sign(Request(), stranger)),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       HasSubstr("unknown key id \"" + stranger.info.kid + "\"")));
}

TEST_F(TokenTest, RefusesAlgNone) {
  const std::string header = B64(Json{{"alg", "none"}, {"kid", es_.info.kid}}.dump());
  const std::string payload = B64(Json{
      {"iss", "https://issuer.test"},
      {"aud", "carereach"},
      {"carereach_tenant", "alliance-a"},
      {"exp", absl::ToUnixSeconds(kNow) +
                  600}}.dump());
  for (const std::string& token :
       {header + "." + payload + ".", header + "." + payload + ".c2ln"}) {
    EXPECT_THAT(Verify(token), StatusIs(absl::StatusCode::kUnauthenticated,
                                        HasSubstr("algorithm \"none\" is not accepted")));
  }
}

TEST_F(TokenTest, RefusesHs256SignedWithThePublicKeyAsTheSecret) {
  // The classic key-confusion forgery: HMAC keyed with the issuer's public key, which anyone has.
  const std::string public_pem = PublicPem(rs_);
  jwt_t* raw = nullptr;
  ASSERT_EQ(jwt_new(&raw), 0);
  ASSERT_EQ(jwt_add_header(raw, "kid", rs_.info.kid.c_str()), 0);
  const std::string claims = Json{
      {"iss", "https://issuer.test"},
      {"aud", "carereach"},
      {"carereach_tenant", "alliance-b"},
      {"scope", "carereach.write"},
      {"exp", absl::ToUnixSeconds(kNow) +
                  600}}.dump();
  ASSERT_EQ(jwt_add_grants_json(raw, claims.c_str()), 0);
  ASSERT_EQ(
      jwt_set_alg(raw, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(public_pem.data()),
                  static_cast<int>(public_pem.size())),
      0);
  char* text = jwt_encode_str(raw);
  const std::string forged = text;
  free(text);
  jwt_free(raw);
  // libjwt alone, handed the key, would take it: the algorithm check is what stops it.
  jwt_t* decoded = nullptr;
  EXPECT_EQ(jwt_decode(&decoded, forged.c_str(),
                       reinterpret_cast<const unsigned char*>(public_pem.data()),
                       static_cast<int>(public_pem.size())),
            0);
  jwt_free(decoded);
  EXPECT_THAT(Verify(forged), StatusIs(absl::StatusCode::kUnauthenticated,
                                       HasSubstr("algorithm \"HS256\" is not accepted")));
}

TEST_F(TokenTest, RefusesAnAlgorithmOtherThanTheKeys) {
  // An RS256 header naming the EC key.
  const std::string token = Sign(Request(), es_);
  const std::string header =
      B64(Json{{"alg", "RS256"}, {"kid", es_.info.kid}, {"typ", "JWT"}}.dump());
  EXPECT_THAT(Verify(header + token.substr(token.find('.'))),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       HasSubstr("verifies ES256, the token says RS256")));
}

TEST_F(TokenTest, RefusesATokenWithoutTheTenantClaim) {
  TokenRequest r = Request();
  r.tenant_claim = "org";
  EXPECT_THAT(Verify(Sign(r, es_)),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       HasSubstr("no \"carereach_tenant\" claim naming the tenant")));
}

TEST_F(TokenTest, RefusesMalformedTokensWithoutEchoingThem) {
  const std::string secret_looking = "abc.def";
  absl::StatusOr<TokenClaims> r = Verify(secret_looking);
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("not a signed JWT")));
  EXPECT_THAT(std::string(r.status().message()), Not(HasSubstr("abc.def")));
  EXPECT_THAT(Verify(std::string(kMaxTokenBytes + 1, 'a')),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("longer than 8192 bytes")));
  EXPECT_THAT(Verify("e30.e30.e30"),  // {} . {} . {}
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("no \"alg\"")));
}

TEST(JwksTest, RefusesPrivateMaterialSecretsDuplicatesAndBadPoints) {
  const Key k = NewKey("ES256");
  Json jwk = Json::parse(k.info.public_jwk_json);

  Json with_d = jwk;
  with_d["d"] = "AAAA";
  EXPECT_THAT(ParseJwks(Json{{"keys", {with_d}}}.dump(), "jwks.json"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("jwks.json: keys[0]: holds private or secret key material")));
  Json oct = {{"kty", "oct"}, {"kid", "s"}, {"k", "c2VjcmV0"}};
  EXPECT_THAT(ParseJwks(Json{{"keys", {oct}}}.dump(), "jwks.json"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("secret key material")));
  EXPECT_THAT(ParseJwks(Json{{"keys", {jwk, jwk}}}.dump(), "jwks.json"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("appears twice")));
  Json off_curve = jwk;
  std::string x;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(jwk["x"].get<std::string>(), &x));
  x[31] ^= 1;
  off_curve["x"] = B64(x);
  EXPECT_THAT(ParseJwks(Json{{"keys", {off_curve}}}.dump(), "jwks.json"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a valid public key")));
  Json enc = jwk;
  enc["use"] = "enc";
  EXPECT_THAT(ParseJwks(Json{{"keys", {enc}}}.dump(), "jwks.json"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("must be \"sig\"")));
  EXPECT_THAT(ParseJwks("{\"keys\": []}", "jwks.json"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no keys")));
  EXPECT_THAT(ParseJwks("not json", "jwks.json"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a JSON Web Key Set")));
}

TEST(JwksTest, KeyIdIsTheRfc7638Thumbprint) {
  // RFC 7638 section 3.1's example RSA key and its published thumbprint.
  const std::string n =
      "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_"
      "BJECPe"
      "bWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY3"
      "68QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM"
      "4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
  const std::string jwks =
      Json{{"keys", {{{"kty", "RSA"}, {"kid", "x"}, {"n", n}, {"e", "AQAB"}}}}}.dump();
  absl::StatusOr<std::vector<PublicJwk>> keys = ParseJwks(jwks, "rfc");
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ((*keys)[0].alg, "RS256");
  // DescribeSigningKey needs a private key; the thumbprint of a fresh key must equal the
  // base64url SHA-256 that openssl computes over the same canonical members.
  const Key k = NewKey("ES256");
  const Json jwk = Json::parse(k.info.public_jwk_json);
  const std::string canonical =
      Json{{"crv", jwk["crv"]}, {"kty", "EC"}, {"x", jwk["x"]}, {"y", jwk["y"]}}.dump();
  const std::string dir = testing::TempDir() + "/thumb" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/c.json", std::ios::binary) << canonical;
  ASSERT_EQ(std::system(("openssl dgst -sha256 -binary " + dir + "/c.json | basenc --base64url " +
                         "| tr -d '=\\n' > " + dir + "/kid")
                            .c_str()),
            0);
  std::ifstream in(dir + "/kid");
  std::string expected;
  in >> expected;
  EXPECT_EQ(k.info.kid, expected);
}

TEST(IdentitiesTest, ParsesAndMatchesVerifiedSans) {
  const std::string file = R"({"identities": [
      {"san": "URI:spiffe://alliance-a/reports", "tenant": "alliance-a",
       "scopes": ["carereach.analyze"]},
      {"san": "DNS:ETL.alliance-b.test", "tenant": "alliance-b",
       "scopes": ["carereach.analyze", "carereach.write"]}]})";
  absl::StatusOr<std::vector<CertificateIdentity>> ids = ParseIdentities(file, "ids.json");
  ASSERT_TRUE(ids.ok()) << ids.status();
  auto m = MatchIdentities(*ids, {"spiffe://alliance-a/reports"}, {});
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0]->tenant, "alliance-a");
  m = MatchIdentities(*ids, {}, {"etl.Alliance-B.test"});
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0]->tenant, "alliance-b");
  EXPECT_TRUE(MatchIdentities(*ids, {"spiffe://alliance-a/REPORTS"}, {}).empty());
  EXPECT_THAT(
      ParseIdentities(R"({"identities": [{"san": "spiffe://x", "tenant": "a",
                                  "scopes": []}]})",
                      "ids.json"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("must start with URI: or DNS:")));
  EXPECT_THAT(ParseIdentities(R"({"identities": [{"san": "URI:x", "tenant": "a",
                                  "scopes": ["admin"]}]})",
                              "ids.json"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is not carereach.analyze")));
}

class AuthenticatorTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir() + "/authn" + std::to_string(getpid()) + "_" +
           testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::create_directories(dir_);
    WriteJwks({&a_key_});
    std::ofstream(dir_ + "/ids.json") << R"({"identities": [
        {"san": "URI:spiffe://alliance-a/reports", "tenant": "alliance-a",
         "scopes": ["carereach.analyze"]},
        {"san": "DNS:etl.alliance-b.test", "tenant": "alliance-b",
         "scopes": ["carereach.analyze", "carereach.write"]}]})";
    Authenticator::Options o;
    o.jwks_file = dir_ + "/jwks.json";
    o.token_policy = Policy();
    o.identities_file = dir_ + "/ids.json";
    o.reload_interval = absl::ZeroDuration();
    auto auth = Authenticator::Create(o, [this](absl::string_view m) { logs_.emplace_back(m); });
    ASSERT_TRUE(auth.ok()) << auth.status();
    auth_ = *std::move(auth);
  }
  void WriteJwks(const std::vector<const Key*>& keys) {
    // As an operator would: a new file renamed over the old one.
    std::ofstream(dir_ + "/jwks.json.new") << Jwks(keys);
    std::filesystem::rename(dir_ + "/jwks.json.new", dir_ + "/jwks.json");
  }
  absl::StatusOr<Caller> Auth(std::vector<std::string> authorization,
                              std::vector<std::string> tenant = {},
                              std::vector<std::string> uris = {}) {
    storage_ = authorization;
    storage_.insert(storage_.end(), tenant.begin(), tenant.end());
    CallCredentials c;
    for (size_t i = 0; i < authorization.size(); ++i) c.authorization.push_back(storage_[i]);
    for (size_t i = 0; i < tenant.size(); ++i)
      c.tenant.push_back(storage_[authorization.size() + i]);
    c.peer_uris = uris;
    return auth_->Authenticate(c, absl::Now());
  }
  static TokenRequest Now(const std::string& tenant) {
    TokenRequest r = Request(tenant);
    r.issued_at = absl::Now();
    return r;
  }

  static inline Key a_key_ = NewKey("ES256");
  std::string dir_;
  std::vector<std::string> storage_;
  std::vector<std::string> logs_;
  std::unique_ptr<Authenticator> auth_;
};

TEST_F(AuthenticatorTest, TakesTheTenantAndScopesFromAValidToken) {
  absl::StatusOr<Caller> c = Auth({"Bearer " + Sign(Now("alliance-a"), a_key_)});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->tenant, "alliance-a");
  EXPECT_EQ(c->subject, "analyst@a");
  EXPECT_TRUE(c->HasScope(kScopeAnalyze));
  EXPECT_FALSE(c->HasScope(kScopeWrite));
  EXPECT_EQ(c->via, Caller::Via::kToken);
  // The scheme is case-insensitive (RFC 7235).
  EXPECT_TRUE(Auth({"bearer " + Sign(Now("alliance-a"), a_key_)}).ok());
}

TEST_F(AuthenticatorTest, RefusesMissingDuplicateAndMalformedCredentials) {
  const std::string token = Sign(Now("alliance-a"), a_key_);
  EXPECT_THAT(Auth({}), StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("no credentials")));
  EXPECT_THAT(Auth({"Bearer " + token, "Bearer " + token}),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("sent more than once")));
  EXPECT_THAT(Auth({"Basic YTpi"}), StatusIs(absl::StatusCode::kUnauthenticated,
                                             HasSubstr("must be \"Bearer <token>\"")));
  EXPECT_THAT(Auth({"Bearer " + token}, {"alliance-a", "alliance-a"}),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("sent more than once")));
}

TEST_F(AuthenticatorTest, ATenantHeaderMustNameTheAuthenticatedTenant) {
  const std::string token = Sign(Now("alliance-a"), a_key_);
  EXPECT_TRUE(Auth({"Bearer " + token}, {"alliance-a"}).ok());
  EXPECT_THAT(Auth({"Bearer " + token}, {"alliance-b"}),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("\"alliance-b\" is not the authenticated tenant \"alliance-a\"")));
}

TEST_F(AuthenticatorTest, CertificatesStandInForTokensAndMustAgreeWithThem) {
  absl::StatusOr<Caller> c = Auth({}, {}, {"spiffe://alliance-a/reports"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->tenant, "alliance-a");
  EXPECT_EQ(c->subject, "URI:spiffe://alliance-a/reports");
  EXPECT_EQ(c->via, Caller::Via::kCertificate);
  EXPECT_THAT(Auth({}, {}, {"spiffe://nobody"}),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("not mapped to a tenant")));
  EXPECT_THAT(
      Auth({"Bearer " + Sign(Now("alliance-b"), a_key_)}, {}, {"spiffe://alliance-a/reports"}),
      StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("conflicting credentials")));
  // An unmapped certificate with a valid token: the token decides.
  EXPECT_TRUE(Auth({"Bearer " + Sign(Now("alliance-b"), a_key_)}, {}, {"spiffe://nobody"}).ok());
}

TEST_F(AuthenticatorTest, FollowsKeyRotationOnDisk) {
  const Key next = NewKey("RS256");
  const std::string old_token = Sign(Now("alliance-a"), a_key_);
  const std::string new_token = Sign(Now("alliance-a"), next);
  ASSERT_TRUE(Auth({"Bearer " + old_token}).ok());
  EXPECT_THAT(Auth({"Bearer " + new_token}),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("unknown key id")));
  WriteJwks({&a_key_, &next});  // the successor is published
  EXPECT_TRUE(Auth({"Bearer " + new_token}).ok());
  EXPECT_TRUE(Auth({"Bearer " + old_token}).ok());
  WriteJwks({&next});  // the old key is retired: its cached token must not survive
  EXPECT_THAT(Auth({"Bearer " + old_token}),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("unknown key id")));
  EXPECT_TRUE(Auth({"Bearer " + new_token}).ok());
  // A broken file keeps the last good key set and says so once.
  std::ofstream(dir_ + "/jwks.json.new") << "{ half written";
  std::filesystem::rename(dir_ + "/jwks.json.new", dir_ + "/jwks.json");
  EXPECT_TRUE(Auth({"Bearer " + new_token}).ok());
  EXPECT_TRUE(Auth({"Bearer " + new_token}).ok());
  int complaints = 0;
  for (const std::string& l : logs_)
    complaints += l.find("keeping the previous one") != std::string::npos;
  EXPECT_EQ(complaints, 1);
}

TEST(DevModeTest, TakesTheHeaderTenantAndGrantsEveryScope) {
  Authenticator dev;
  EXPECT_FALSE(dev.enabled());
  CallCredentials c;
  c.tenant = {"acme"};
  c.authorization = {"Bearer whatever"};  // ignored: nothing to verify it with
  absl::StatusOr<Caller> caller = dev.Authenticate(c, absl::Now());
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->tenant, "acme");
  EXPECT_TRUE(caller->HasScope(kScopeWrite));
  c.tenant = {"acme", "other"};
  EXPECT_THAT(dev.Authenticate(c, absl::Now()),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("sent more than once")));
  c.tenant = {"no spaces"};
  EXPECT_THAT(dev.Authenticate(c, absl::Now()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is not 1 to 64")));
}

}  // namespace
}  // namespace carereach::auth
