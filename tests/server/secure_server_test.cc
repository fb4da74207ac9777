// The real server with real TLS on a loopback port, real certificates (openssl) and real signed
// tokens (carereach's own signer, the same one carereach-admin uses): who gets in, who sees what.
// Equator fixture as in contracting_server_test.
// Its length (~700 lines) is kept on purpose: every case shares the one set of certificates
// (CA, server, client) made with openssl once per suite; split files would make them twice.
#include <google/protobuf/descriptor.h>
#include <jwt.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/time/clock.h"
#include "carereach/v1/access.grpc.pb.h"
#include "carereach/v1/contracting.grpc.pb.h"
#include "carereach/v1/maps.grpc.pb.h"
#include "carereach/v1/networks.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "server/auth/keys.h"
#include "server/auth/token.h"
#include "server/server.h"
#include "tests/server/prometheus_text.h"
#include "tests/status_matchers.h"
#include "tests/tls_test_util.h"

namespace carereach {
namespace {

using testing::HasSubstr;
using testing::Not;
using testing_util::MakeCa;
using testing_util::MakeCert;
using testing_util::ReadText;
using testing_util::TlsFiles;
using testing_util::WriteText;
using Json = nlohmann::json;

const std::string kFixtures = std::string(CAREREACH_SOURCE_DIR) + "/tests/fixtures/server";
constexpr char kIssuer[] = "https://issuer.test";
constexpr char kAudience[] = "carereach";

v1::NetworkProvider Hospital(const std::string& id, double lon) {
  v1::NetworkProvider p;
  p.set_id(id);
  p.set_name("Hospital " + id);
  p.set_specialty_code("040");
  p.mutable_location()->set_lon(lon);
  p.mutable_location()->set_lat(0);
  p.set_beds(100);
  return p;
}

// Material shared by every test: CAs, certificates, a signing key and its key set.
struct Material {
  std::string dir;
  TlsFiles ca, other_ca, server, client_a, client_unmapped;
  std::string key_pem, jwks, identities;
};

Material* material = nullptr;

class SecureServerTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    material = new Material();
    Material& m = *material;
    m.dir = testing::TempDir() + "/secure" + std::to_string(getpid());
    std::filesystem::remove_all(m.dir);
    m.ca = MakeCa(m.dir, "ca");
    m.other_ca = MakeCa(m.dir, "other-ca");
    m.server = MakeCert(m.dir, m.ca, "server", "DNS:localhost,IP:127.0.0.1");
    m.client_a = MakeCert(m.dir, m.ca, "client-a", "URI:spiffe://alliance-a/reports");
    m.client_unmapped = MakeCert(m.dir, m.ca, "client-x", "URI:spiffe://nobody/x");
    ASSERT_TRUE(std::filesystem::exists(m.client_unmapped.cert)) << "openssl failed";
    absl::StatusOr<std::string> pem = auth::GenerateSigningKeyPem("ES256");
    ASSERT_TRUE(pem.ok());
    m.key_pem = *pem;
    absl::StatusOr<auth::SigningKeyInfo> info = auth::DescribeSigningKey(m.key_pem);
    ASSERT_TRUE(info.ok());
    m.jwks = m.dir + "/jwks.json";
    WriteText(m.jwks, Json{{"keys", {Json::parse(info->public_jwk_json)}}}.dump());
    m.identities = m.dir + "/identities.json";
    WriteText(m.identities, R"({"identities": [
        {"san": "URI:spiffe://alliance-a/reports", "tenant": "alliance-a",
         "scopes": ["carereach.analyze"]}]})");
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(material->dir);
    delete material;
  }

  void SetUp() override {
    state_dir_ =
        material->dir + "/state_" + testing::UnitTest::GetInstance()->current_test_info()->name();
  }

  Server::Options Options(bool mtls = false) const {
    Server::Options o;
    o.listen_address = "127.0.0.1:0";
    o.data_dir = kFixtures;
    o.regions_config_path = kFixtures + "/regions.textproto";
    o.state_dir = state_dir_;
    o.tls.cert_file = material->server.cert;
    o.tls.key_file = material->server.key;
    o.auth.jwks_file = material->jwks;
    o.auth.issuer = kIssuer;
    o.auth.audience = kAudience;
    if (mtls) {
      o.tls.client_ca_file = material->ca.cert;
      o.auth.mtls_identities_file = material->identities;
    }
    return o;
  }

  void Start(const Server::Options& o) {
    auto server = Server::BuildAndStart(o);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    ASSERT_TRUE(server_->LoadRegions().ok());
    server_->WaitForRoads();
  }

  std::shared_ptr<grpc::Channel> Channel(const std::string& ca_file,
                                         const TlsFiles* client = nullptr) const {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ReadText(ca_file);
    if (client != nullptr) {
      ssl.pem_cert_chain = ReadText(client->cert);
      ssl.pem_private_key = ReadText(client->key);
    }
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a fresh connection per channel
    return grpc::CreateCustomChannel("localhost:" + std::to_string(server_->port()),
                                     grpc::SslCredentials(ssl), args);
  }
  std::shared_ptr<grpc::Channel> Channel() const { return Channel(material->ca.cert); }

  static std::string Token(const std::string& tenant, std::vector<std::string> scopes,
                           absl::Duration ttl = absl::Hours(1)) {
    auth::TokenRequest r;
    r.issuer = kIssuer;
    r.audience = kAudience;
    r.subject = "user@" + tenant;
    r.tenant = tenant;
    r.scopes = std::move(scopes);
    r.issued_at = absl::Now();
    r.ttl = ttl;
    absl::StatusOr<std::string> t = auth::SignToken(r, material->key_pem);
    EXPECT_TRUE(t.ok()) << t.status();
    return *t;
  }
  static std::string Writer(const std::string& tenant) {
    return Token(tenant, {"carereach.analyze", "carereach.write"});
  }
  static std::string Reader(const std::string& tenant) {
    return Token(tenant, {"carereach.analyze"});
  }

  // A context carrying `token` (none if empty) and extra metadata.
  static std::unique_ptr<grpc::ClientContext> Ctx(
      const std::string& token, std::vector<std::pair<std::string, std::string>> extra = {}) {
    auto c = std::make_unique<grpc::ClientContext>();
    if (!token.empty()) c->AddMetadata("authorization", "Bearer " + token);
    for (const auto& [k, v] : extra) c->AddMetadata(k, v);
    c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return c;
  }

  grpc::Status Create(const std::string& token, const std::string& id,
                      std::vector<std::pair<std::string, std::string>> extra = {}) {
    v1::CreateNetworkRequest r;
    r.set_network_id(id);
    *r.add_providers() = Hospital(id + "-1", 0.1);
    v1::CreateNetworkResponse response;
    return v1::NetworkService::NewStub(Channel())->CreateNetwork(Ctx(token, extra).get(), r,
                                                                 &response);
  }
  grpc::Status Import(const std::string& token, const std::string& id, bool create,
                      std::vector<std::pair<std::string, std::string>> extra = {}) {
    auto stub = v1::NetworkService::NewStub(Channel());
    auto ctx = Ctx(token, extra);
    v1::NetworkVersion version;
    auto writer = stub->ImportNetwork(ctx.get(), &version);
    v1::ImportNetworkRequest header;
    header.mutable_header()->set_network_id(id);
    header.mutable_header()->set_create_if_missing(create);
    writer->Write(header);
    v1::ImportNetworkRequest batch;
    *batch.mutable_providers()->add_providers() = Hospital(id + "-2", 0.5);
    writer->Write(batch);
    writer->WritesDone();
    return writer->Finish();
  }
  grpc::Status List(const std::string& token, v1::ListNetworksResponse* out,
                    std::vector<std::pair<std::string, std::string>> extra = {}) {
    return v1::NetworkService::NewStub(Channel())->ListNetworks(Ctx(token, extra).get(),
                                                                v1::ListNetworksRequest(), out);
  }
  grpc::Status Get(const std::string& token, const std::string& id, v1::GetNetworkResponse* out,
                   std::vector<std::pair<std::string, std::string>> extra = {}) {
    v1::GetNetworkRequest r;
    r.set_network_id(id);
    return v1::NetworkService::NewStub(Channel())->GetNetwork(Ctx(token, extra).get(), r, out);
  }
  grpc::Status Export(const std::string& token, const std::string& id, int* rows) {
    v1::ExportNetworkRequest r;
    r.set_network_id(id);
    auto ctx = Ctx(token);
    auto reader = v1::NetworkService::NewStub(Channel())->ExportNetwork(ctx.get(), r);
    v1::ExportNetworkResponse part;
    *rows = 0;
    while (reader->Read(&part)) *rows += part.providers().providers_size();
    return reader->Finish();
  }
  grpc::Status Diff(const std::string& token, const std::string& id) {
    v1::DiffNetworkVersionsRequest r;
    r.set_network_id(id);
    r.set_from_version(1);
    r.set_to_version(2);
    v1::DiffNetworkVersionsResponse out;
    return v1::NetworkService::NewStub(Channel())->DiffNetworkVersions(Ctx(token).get(), r, &out);
  }
  grpc::Status Delete(const std::string& token, const std::string& id,
                      std::vector<std::pair<std::string, std::string>> extra = {}) {
    v1::DeleteNetworkRequest r;
    r.set_network_id(id);
    v1::DeleteNetworkResponse out;
    return v1::NetworkService::NewStub(Channel())->DeleteNetwork(Ctx(token, extra).get(), r, &out);
  }
  grpc::Status Coverage(const std::string& token, const std::string& id, bool save,
                        v1::AnalyzeCoverageResponse* out) {
    v1::AnalyzeCoverageRequest r;
    r.set_region("equator");
    r.add_max_miles(40);
    r.add_networks()->set_network_id(id);
    r.set_save_report(save);
    return v1::ContractingService::NewStub(Channel())->AnalyzeCoverage(Ctx(token).get(), r, out);
  }
  grpc::Status Reports(const std::string& token, v1::ListReportsResponse* out) {
    return v1::NetworkService::NewStub(Channel())->ListReports(Ctx(token).get(),
                                                               v1::ListReportsRequest(), out);
  }
  grpc::Status Report(const std::string& token, const std::string& id) {
    v1::GetReportRequest r;
    r.set_report_id(id);
    v1::Report out;
    return v1::NetworkService::NewStub(Channel())->GetReport(Ctx(token).get(), r, &out);
  }

  // A call of `method` (full path) with an empty request through a generic stub: enough for
  // the auth gate, which decides on the call's metadata before any message is read.
  grpc::Status Generic(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                       const std::string& token) {
    grpc::GenericStub stub(channel);
    auto ctx = Ctx(token);
    grpc::Slice empty("", 0);
    grpc::ByteBuffer request(&empty, 1), response;
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    grpc::Status status;
    stub.UnaryCall(ctx.get(), method, grpc::StubOptions(), &request, &response,
                   [&](grpc::Status s) {
                     std::lock_guard<std::mutex> lock(mu);
                     status = std::move(s);
                     done = true;
                     cv.notify_all();
                   });
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return done; });
    return status;
  }

  static std::vector<std::string> CarereachMethods() {
    std::vector<std::string> out;
    for (const char* service : {"carereach.v1.AccessService", "carereach.v1.AdequacyService",
                                "carereach.v1.NetworkService", "carereach.v1.ContractingService",
                                "carereach.v1.MapService"}) {
      const auto* s =
          google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
      EXPECT_NE(s, nullptr) << service;
      if (s == nullptr) continue;
      for (int i = 0; i < s->method_count(); ++i) {
        out.push_back("/" + std::string(service) + "/" + s->method(i)->name());
      }
    }
    return out;
  }

  std::string state_dir_;
  std::unique_ptr<Server> server_;
};

TEST_F(SecureServerTest, OnlyTlsClientsThatTrustTheServersCaGetIn) {
  Start(Options());
  v1::ListNetworksResponse list;
  EXPECT_TRUE(List(Writer("alliance-a"), &list).ok());

  auto plaintext = grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                                       grpc::InsecureChannelCredentials());
  grpc::ClientContext c1;
  c1.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::ListRegionsResponse regions;
  EXPECT_EQ(v1::AccessService::NewStub(plaintext)
                ->ListRegions(&c1, v1::ListRegionsRequest(), &regions)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);

  grpc::ClientContext c2;
  c2.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  c2.AddMetadata("authorization", "Bearer " + Writer("alliance-a"));
  EXPECT_EQ(v1::AccessService::NewStub(Channel(material->other_ca.cert))
                ->ListRegions(&c2, v1::ListRegionsRequest(), &regions)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(SecureServerTest, TlsBelow12IsRefused) {
  Start(Options());
  const std::string port = std::to_string(server_->port());
  const std::string base = "openssl s_client -connect 127.0.0.1:" + port + " -CAfile " +
                           material->ca.cert + " -servername localhost -alpn h2 </dev/null";
  EXPECT_TRUE(testing_util::Shell(base + " -tls1_2")) << "the harness itself must work";
  EXPECT_FALSE(testing_util::Shell(base + " -tls1_1 -cipher DEFAULT@SECLEVEL=0"));
  EXPECT_FALSE(testing_util::Shell(base + " -tls1 -cipher DEFAULT@SECLEVEL=0"));
}

TEST_F(SecureServerTest, HealthIsOpenAndEveryCarereachMethodNeedsCredentials) {
  Start(Options());
  grpc::ClientContext health_ctx;
  grpc::health::v1::HealthCheckRequest hr;
  grpc::health::v1::HealthCheckResponse hs;
  ASSERT_TRUE(grpc::health::v1::Health::NewStub(Channel())->Check(&health_ctx, hr, &hs).ok());
  EXPECT_EQ(hs.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  const std::vector<std::string> methods = CarereachMethods();
  ASSERT_GE(methods.size(), 19u);
  const std::string no_scope = Token("alliance-a", {});
  for (const std::string& method : methods) {
    grpc::Status s = Generic(Channel(), method, "");
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << method;
    EXPECT_THAT(s.error_message(), HasSubstr("no credentials")) << method;
    s = Generic(Channel(), method, no_scope);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << method;
    EXPECT_THAT(s.error_message(), HasSubstr("needs scope carereach.")) << method;
  }
  // Reflection is not registered without --reflection.
  EXPECT_EQ(Generic(Channel(), "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                    Writer("alliance-a"))
                .error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
}

// Calls the gate refuses never reach the server's interceptors; the gate counts them itself, so
// /metrics shows every call a client made, under its method and code.
TEST_F(SecureServerTest, RefusedCallsAreCountedInTheMetrics) {
  Server::Options o = Options();
  o.metrics_listen = "127.0.0.1:0";
  Start(o);
  const std::string method = "/carereach.v1.AccessService/ListRegions";
  EXPECT_EQ(Generic(Channel(), method, "").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Generic(Channel(), method, Token("alliance-a", {})).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Generic(Channel(), method, Reader("alliance-a")).error_code(), grpc::StatusCode::OK);
  absl::StatusOr<testing_util::HttpResponse> got =
      testing_util::HttpGet(server_->metrics_port(), "/metrics");
  ASSERT_TRUE(got.ok()) << got.status();
  absl::StatusOr<testing_util::PromScrape> s = testing_util::ParsePrometheusText(got->body);
  ASSERT_TRUE(s.ok()) << s.status();
  const std::string label = method.substr(1);
  for (const char* code : {"UNAUTHENTICATED", "PERMISSION_DENIED", "OK"}) {
    EXPECT_THAT(s->Value("carereach_rpc_total", {{"method", label}, {"code", code}}),
                testing::Optional(1.0))
        << code;
  }
  EXPECT_THAT(s->Value("carereach_rpc_duration_seconds_count", {{"method", label}}),
              testing::Optional(3.0));
  EXPECT_THAT(s->Value("carereach_rpc_in_flight"), testing::Optional(0.0));
}

TEST_F(SecureServerTest, BadTokensAreUnauthenticatedWithTheReason) {
  Start(Options());
  auto with_claims = [](const std::string& token, const std::function<void(Json&)>& change) {
    const size_t a = token.find('.'), b = token.rfind('.');
    std::string payload;
    absl::WebSafeBase64Unescape(token.substr(a + 1, b - a - 1), &payload);
    Json claims = Json::parse(payload);
    change(claims);
    std::string encoded;
    absl::WebSafeBase64Escape(claims.dump(), &encoded);
    return token.substr(0, a + 1) + encoded + token.substr(b);
  };
  const std::string good = Writer("alliance-a");
  auth::TokenRequest expired;
  expired.issuer = kIssuer;
  expired.audience = kAudience;
  expired.tenant = "alliance-a";
  expired.scopes = {"carereach.analyze"};
  expired.issued_at = absl::Now() - absl::Hours(3);
  expired.ttl = absl::Hours(1);
  auth::TokenRequest early = expired;
  early.issued_at = absl::Now() + absl::Hours(1);
  auth::TokenRequest wrong_issuer = early;
  wrong_issuer.issued_at = absl::Now();
  wrong_issuer.issuer = "https://evil.test";
  auth::TokenRequest wrong_audience = wrong_issuer;
  wrong_audience.issuer = kIssuer;
  wrong_audience.audience = "billing";
  auth::TokenRequest no_tenant = wrong_audience;
  no_tenant.audience = kAudience;
  no_tenant.tenant_claim = "org";
  absl::StatusOr<std::string> stranger_key = auth::GenerateSigningKeyPem("ES256");
  ASSERT_TRUE(stranger_key.ok());
  // HS256 keyed with the issuer's public key (which anyone has), naming the real key id.
  absl::StatusOr<std::vector<auth::PublicJwk>> published =
      auth::ParseJwks(ReadText(material->jwks), "jwks");
  ASSERT_TRUE(published.ok());
  const std::string public_pem = (*published)[0].public_key_pem;
  jwt_t* forged = nullptr;
  ASSERT_EQ(jwt_new(&forged), 0);
  jwt_add_header(forged, "kid", (*published)[0].kid.c_str());
  const std::string claims = Json{
      {"iss", kIssuer},
      {"aud", kAudience},
      {"carereach_tenant", "alliance-b"},
      {"scope", "carereach.analyze carereach.write"},
      {"exp", absl::ToUnixSeconds(absl::Now()) +
                  600}}.dump();
  jwt_add_grants_json(forged, claims.c_str());
  jwt_set_alg(forged, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(public_pem.data()),
              static_cast<int>(public_pem.size()));
  char* forged_text = jwt_encode_str(forged);
  const std::string hs256 = forged_text;
  free(forged_text);
  jwt_free(forged);
  const std::string header_none = absl::WebSafeBase64Escape(R"({"alg":"none","typ":"JWT"})");
  struct Case {
    std::string name, token, reason;
  };
  const std::vector<Case> cases = {
      {"expired", *auth::SignToken(expired, material->key_pem), "expired at"},
      {"not yet valid", *auth::SignToken(early, material->key_pem), "not valid before"},
      {"wrong issuer", *auth::SignToken(wrong_issuer, material->key_pem), "trusted issuer"},
      {"wrong audience", *auth::SignToken(wrong_audience, material->key_pem), "audience is not"},
      {"no tenant claim", *auth::SignToken(no_tenant, material->key_pem),
       "no \"carereach_tenant\" claim"},
      {"unknown key", *auth::SignToken(wrong_audience, *stranger_key), "unknown key id"},
      {"bad signature", with_claims(good, [](Json& c) { c["carereach_tenant"] = "alliance-b"; }),
       "signature does not verify"},
      {"alg none",
       header_none + good.substr(good.find('.'), good.rfind('.') - good.find('.')) + ".",
       "algorithm \"none\" is not accepted"},
      {"garbage", "not-a-token", "not a signed JWT"},
      {"HS256 with the public key", hs256, "algorithm \"HS256\" is not accepted"},
  };
  for (const Case& c : cases) {
    v1::ListNetworksResponse list;
    grpc::Status s = List(c.token, &list);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << c.name;
    EXPECT_THAT(s.error_message(), HasSubstr(c.reason)) << c.name;
  }
  // Two authorization headers, even both valid: refused.
  v1::ListNetworksResponse list;
  grpc::Status s = List(good, &list, {{"authorization", "Bearer " + good}});
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(s.error_message(), HasSubstr("sent more than once"));
}

TEST_F(SecureServerTest, ATenantNeverSeesOrChangesAnothersNetworksOrReports) {
  Start(Options());
  const std::string a = Writer("alliance-a"), b = Writer("alliance-b");
  ASSERT_TRUE(Create(a, "a-net").ok());
  ASSERT_TRUE(Create(b, "b-net").ok());
  ASSERT_TRUE(Import(b, "b-net", false).ok());
  v1::AnalyzeCoverageResponse coverage;
  ASSERT_TRUE(Coverage(b, "b-net", /*save=*/true, &coverage).ok());
  const std::string b_report = coverage.report_id();
  ASSERT_FALSE(b_report.empty());

  // Tenant A, by every route, with and without naming B in the tenant header.
  v1::ListNetworksResponse list;
  ASSERT_TRUE(List(a, &list).ok());
  ASSERT_EQ(list.networks_size(), 1);
  EXPECT_EQ(list.networks(0).network_id(), "a-net");
  v1::GetNetworkResponse got;
  EXPECT_EQ(Get(a, "b-net", &got).error_code(), grpc::StatusCode::NOT_FOUND);
  int rows = 0;
  EXPECT_EQ(Export(a, "b-net", &rows).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(rows, 0);
  EXPECT_EQ(Diff(a, "b-net").error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Import(a, "b-net", /*create=*/false).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Delete(a, "b-net").error_code(), grpc::StatusCode::NOT_FOUND);
  v1::AnalyzeCoverageResponse stolen;
  EXPECT_EQ(Coverage(a, "b-net", false, &stolen).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::ListReportsResponse reports;
  ASSERT_TRUE(Reports(a, &reports).ok());
  EXPECT_EQ(reports.reports_size(), 0);
  EXPECT_EQ(Report(a, b_report).error_code(), grpc::StatusCode::NOT_FOUND);
  const std::vector<std::pair<std::string, std::string>> claim_b = {
      {"x-carereach-tenant", "alliance-b"}};
  EXPECT_EQ(List(a, &list, claim_b).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Get(a, "b-net", &got, claim_b).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Delete(a, "b-net", claim_b).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Import(a, "b-net", false, claim_b).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Create(a, "b-net2", claim_b).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // A's token with B's name in the header twice, or B's header and A's: refused either way.
  EXPECT_EQ(
      List(a, &list, {{"x-carereach-tenant", "alliance-a"}, {"x-carereach-tenant", "alliance-b"}})
          .error_code(),
      grpc::StatusCode::UNAUTHENTICATED);

  // Nothing of B's changed.
  ASSERT_TRUE(Get(b, "b-net", &got).ok());
  EXPECT_EQ(got.network().latest_version(), 2);
  EXPECT_EQ(got.versions_size(), 2);
  ASSERT_TRUE(Export(b, "b-net", &rows).ok());
  EXPECT_EQ(rows, 1);
  ASSERT_TRUE(List(b, &list).ok());
  ASSERT_EQ(list.networks_size(), 1);
  EXPECT_EQ(list.networks(0).network_id(), "b-net");
  EXPECT_TRUE(Report(b, b_report).ok());
}

TEST_F(SecureServerTest, AnAnalyzeOnlyTokenCannotWrite) {
  Start(Options());
  const std::string writer = Writer("alliance-a"), reader = Reader("alliance-a");
  ASSERT_TRUE(Create(writer, "net").ok());
  grpc::Status s = Create(reader, "other");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("needs scope carereach.write"));
  EXPECT_EQ(Import(reader, "net", false).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Import(reader, "new", true).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Delete(reader, "net").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::AnalyzeCoverageResponse coverage;
  s = Coverage(reader, "net", /*save=*/true, &coverage);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("save_report needs scope carereach.write"));
  EXPECT_TRUE(Coverage(reader, "net", /*save=*/false, &coverage).ok());

  v1::ListNetworksResponse list;
  ASSERT_TRUE(List(reader, &list).ok());
  ASSERT_EQ(list.networks_size(), 1);
  EXPECT_EQ(list.networks(0).latest_version(), 1);
  v1::ListReportsResponse reports;
  ASSERT_TRUE(Reports(reader, &reports).ok());
  EXPECT_EQ(reports.reports_size(), 0);
}

TEST_F(SecureServerTest, MutualTlsCertificatesStandInForTokens) {
  Start(Options(/*mtls=*/true));
  // No client certificate: the handshake fails.
  grpc::ClientContext c;
  c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  c.AddMetadata("authorization", "Bearer " + Writer("alliance-a"));
  v1::ListNetworksResponse list;
  EXPECT_EQ(v1::NetworkService::NewStub(Channel(material->ca.cert))
                ->ListNetworks(&c, v1::ListNetworksRequest(), &list)
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);

  auto call = [&](const TlsFiles& client, const std::string& token, bool create) {
    auto stub = v1::NetworkService::NewStub(Channel(material->ca.cert, &client));
    if (create) {
      v1::CreateNetworkRequest r;
      r.set_network_id("from-cert");
      v1::CreateNetworkResponse out;
      return stub->CreateNetwork(Ctx(token).get(), r, &out);
    }
    v1::ListNetworksResponse out;
    return stub->ListNetworks(Ctx(token).get(), v1::ListNetworksRequest(), &out);
  };
  // The mapped certificate alone: alliance-a, analyze only.
  EXPECT_TRUE(call(material->client_a, "", false).ok());
  grpc::Status s = call(material->client_a, "", true);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // An unmapped certificate needs a token.
  s = call(material->client_unmapped, "", false);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(s.error_message(), HasSubstr("not mapped to a tenant"));
  EXPECT_TRUE(call(material->client_unmapped, Writer("alliance-b"), true).ok());
  // A certificate of alliance-a with a token of alliance-b: conflicting.
  s = call(material->client_a, Writer("alliance-b"), false);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(s.error_message(), HasSubstr("conflicting credentials"));
  // The same tenant by both: the token's scopes apply.
  EXPECT_TRUE(call(material->client_a, Writer("alliance-a"), true).ok());
}

TEST_F(SecureServerTest, ARotatedServerCertificateIsPickedUpWithoutARestart) {
  const std::string dir = material->dir + "/rotate";
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(material->server.cert, dir + "/server.pem");
  std::filesystem::copy_file(material->server.key, dir + "/server.key");
  Server::Options o = Options();
  o.tls.cert_file = dir + "/server.pem";
  o.tls.key_file = dir + "/server.key";
  o.tls.reload_seconds = 1;
  Start(o);
  auto list_via = [&](const std::string& ca) {
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
    c.AddMetadata("authorization", "Bearer " + Writer("alliance-a"));
    v1::ListNetworksResponse out;
    return v1::NetworkService::NewStub(Channel(ca))
        ->ListNetworks(&c, v1::ListNetworksRequest(), &out)
        .ok();
  };
  ASSERT_TRUE(list_via(material->ca.cert));
  ASSERT_FALSE(list_via(material->other_ca.cert));
  // The new certificate, from another CA, written beside the old and renamed over it.
  const TlsFiles next = MakeCert(dir, material->other_ca, "next", "DNS:localhost,IP:127.0.0.1");
  std::filesystem::rename(next.key, dir + "/server.key");
  std::filesystem::rename(next.cert, dir + "/server.pem");
  bool rotated = false;
  for (int i = 0; i < 40 && !rotated; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    rotated = list_via(material->other_ca.cert);
  }
  EXPECT_TRUE(rotated) << "the server still presents the old certificate after 10 s";
  EXPECT_FALSE(list_via(material->ca.cert));
}

TEST_F(SecureServerTest, StartUpRefusesUnsafeOrInconsistentSettings) {
  Server::Options o = Options();
  o.tls = {};
  o.auth = {};
  o.listen_address = "0.0.0.0:0";
  EXPECT_THAT(Server::BuildAndStart(o).status(),
              testing_util::StatusIs(absl::StatusCode::kFailedPrecondition,
                                     HasSubstr("is not a loopback address")));
  o.allow_insecure = true;
  EXPECT_TRUE(Server::BuildAndStart(o).ok());

  o = Options();
  o.listen_address = "0.0.0.0:0";
  EXPECT_TRUE(Server::BuildAndStart(o).ok()) << "TLS and tokens may serve any address";
  o.auth = {};
  EXPECT_THAT(Server::BuildAndStart(o).status(),
              testing_util::StatusIs(absl::StatusCode::kFailedPrecondition,
                                     HasSubstr("without authentication")));

  o = Options();
  o.tls = {};
  EXPECT_THAT(Server::BuildAndStart(o).status(),
              testing_util::StatusIs(absl::StatusCode::kInvalidArgument,
                                     HasSubstr("authentication needs TLS")));
  o = Options();
  o.tls.key_file = material->client_a.key;
  EXPECT_THAT(Server::BuildAndStart(o).status(),
              testing_util::StatusIs(absl::StatusCode::kInvalidArgument,
                                     HasSubstr("does not belong to the certificate")));
  o = Options();
  o.auth.mtls_identities_file = material->identities;
  EXPECT_THAT(Server::BuildAndStart(o).status(),
              testing_util::StatusIs(absl::StatusCode::kInvalidArgument,
                                     HasSubstr("needs client certificates")));
  o = Options();
  o.auth.issuer = "";
  EXPECT_THAT(Server::BuildAndStart(o).status(),
              testing_util::StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("issuer")));
  o = Options();
  o.auth.jwks_file = material->dir + "/missing.json";
  EXPECT_THAT(Server::BuildAndStart(o).status(),
              testing_util::StatusIs(absl::StatusCode::kNotFound, HasSubstr("missing.json")));
}

TEST(LoopbackTest, KnowsWhichAddressesOnlyThisMachineReaches) {
  for (const char* a : {"127.0.0.1:50051", "127.8.9.10:1", "localhost:50051", "LOCALHOST:1",
                        "[::1]:50051", "unix:/tmp/carereach.sock"}) {
    EXPECT_TRUE(IsLoopbackAddress(a)) << a;
  }
  for (const char* a : {"0.0.0.0:50051", "[::]:50051", ":50051", "10.0.0.5:50051",
                        "example.com:443", "[2001:db8::1]:1", "128.0.0.1:1"}) {
    EXPECT_FALSE(IsLoopbackAddress(a)) << a;
  }
}

TEST_F(SecureServerTest, WritesAndRefusalsLeaveOneAuditLineWithoutSecrets) {
  Start(Options());
  const std::string writer = Writer("alliance-a");
  testing::internal::CaptureStderr();
  ASSERT_TRUE(Create(writer, "audited").ok());
  v1::ListNetworksResponse list;
  ASSERT_FALSE(List("", &list).ok());
  ASSERT_FALSE(Delete(Reader("alliance-a"), "audited").ok());
  ASSERT_TRUE(List(writer, &list).ok());  // a read: no line
  const std::string log = testing::internal::GetCapturedStderr();
  std::vector<Json> lines;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    const size_t at = line.find("audit {");
    if (at != std::string::npos) lines.push_back(Json::parse(line.substr(at + 6)));
  }
  ASSERT_EQ(lines.size(), 3u) << log;
  EXPECT_EQ(lines[0]["rpc"], "/carereach.v1.NetworkService/CreateNetwork");
  EXPECT_EQ(lines[0]["code"], "OK");
  EXPECT_EQ(lines[0]["tenant"], "alliance-a");
  EXPECT_EQ(lines[0]["sub"], "user@alliance-a");
  EXPECT_EQ(lines[0]["object"], "audited");
  EXPECT_THAT(lines[0]["peer"].get<std::string>(), HasSubstr("127.0.0.1"));
  EXPECT_EQ(lines[1]["rpc"], "/carereach.v1.NetworkService/ListNetworks");
  EXPECT_EQ(lines[1]["code"], "UNAUTHENTICATED");
  EXPECT_THAT(lines[1]["reason"].get<std::string>(), HasSubstr("no credentials"));
  EXPECT_EQ(lines[2]["rpc"], "/carereach.v1.NetworkService/DeleteNetwork");
  EXPECT_EQ(lines[2]["code"], "PERMISSION_DENIED");
  EXPECT_EQ(lines[2]["tenant"], "alliance-a");
  for (const Json& l : lines) {
    EXPECT_TRUE(l.contains("time"));
    EXPECT_EQ(l["event"], "audit");
  }
  EXPECT_THAT(log, Not(HasSubstr(writer.substr(writer.rfind('.') + 1))));
  EXPECT_THAT(log, Not(HasSubstr("PRIVATE KEY")));
}

}  // namespace
}  // namespace carereach
