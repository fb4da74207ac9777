// The `carereach` client's transport security: the TLS and token flags and their environment
// variables, the usage errors, the tenant header rule, and real TLS (and mutual TLS) handshakes
// on loopback against an in-process fake AccessService, with certificates made by the openssl
// tool.
// Its length (~700 lines) is kept on purpose: every case shares the one set of certificates
// (CA, server, client) made with openssl once per process; split files would make them twice.

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "carereach/v1/access.grpc.pb.h"
#include "clients/cli/args.h"
#include "clients/cli/commands.h"
#include "clients/cli/rpc_client.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/clients/fixtures.h"
#include "tests/slow_relay.h"

namespace carereach::cli {
namespace {

// The names the CLI tests share (FakeServerTest, ReadFile, WriteTempFile, the gMock matchers)
// come from tests/clients/fixtures.h.

MATCHER_P2(StatusIs, code, message_matcher, "") {
  return arg.code() == code && ::testing::ExplainMatchResult(
                                   message_matcher, std::string(arg.message()), result_listener);
}

// The environment variables the CLI reads, unset for the duration of a test (and after it).
class ScopedCleanEnvironment {
 public:
  ScopedCleanEnvironment() { UnsetAll(); }
  ~ScopedCleanEnvironment() { UnsetAll(); }

 private:
  static void UnsetAll() {
    for (const char* name : {"CAREREACH_SERVER", "CAREREACH_TENANT", "CAREREACH_TLS_CA",
                             "CAREREACH_TLS_CERT", "CAREREACH_TLS_KEY", "CAREREACH_TLS_SERVER_NAME",
                             "CAREREACH_TOKEN", "CAREREACH_TOKEN_FILE"}) {
      unsetenv(name);
    }
  }
};

int Lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

// ---------------------------------------------------------------------------------------------
// Arguments

TEST(TlsArgsTest, NoSecurityByDefault) {
  absl::StatusOr<Invocation> inv = ParseArgs({"regions"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  const GlobalOptions& g = inv->global;
  EXPECT_FALSE(g.UsesTls());
  EXPECT_FALSE(g.HasCredential());
  EXPECT_FALSE(g.tenant_explicit);
  EXPECT_EQ(g.tenant, "default");
  // Dev mode: the default tenant is named.
  EXPECT_TRUE(g.SendsTenant());
}

TEST(TlsArgsTest, EveryFlag) {
  absl::StatusOr<Invocation> inv =
      ParseArgs({"--tls-ca", "ca.pem", "regions", "--tls-cert=client.pem", "--tls-key",
                 "client.key", "--tls-server-name", "api.internal", "--token-file", "t.jwt"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  const GlobalOptions& g = inv->global;
  EXPECT_EQ(g.tls_ca_file, "ca.pem");
  EXPECT_EQ(g.tls_cert_file, "client.pem");
  EXPECT_EQ(g.tls_key_file, "client.key");
  EXPECT_EQ(g.tls_server_name, "api.internal");
  EXPECT_EQ(g.token_file, "t.jwt");
  EXPECT_EQ(g.token, "");  // read later, by LoadCredentialFiles
  EXPECT_FALSE(g.tls);
  EXPECT_TRUE(g.UsesTls());
  EXPECT_TRUE(g.HasCredential());
  // A credential names the tenant: no header unless --tenant is given.
  EXPECT_FALSE(g.SendsTenant());

  inv = ParseArgs({"regions", "--tls", "--token-file", "t.jwt", "--tenant", "acme"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_TRUE(inv->global.tls);
  EXPECT_TRUE(inv->global.UsesTls());
  EXPECT_EQ(inv->global.tls_ca_file, "");
  EXPECT_TRUE(inv->global.tenant_explicit);
  EXPECT_TRUE(inv->global.SendsTenant());

  // TLS without a credential is still dev mode as far as the tenant goes.
  inv = ParseArgs({"regions", "--tls"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_FALSE(inv->global.HasCredential());
  EXPECT_TRUE(inv->global.SendsTenant());

  // A client certificate alone is a credential.
  inv = ParseArgs({"regions", "--tls-cert", "c.pem", "--tls-key", "c.key"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_TRUE(inv->global.UsesTls());
  EXPECT_TRUE(inv->global.HasCredential());
  EXPECT_FALSE(inv->global.SendsTenant());
}

TEST(TlsArgsTest, TenantFromTheEnvironmentIsExplicit) {
  absl::StatusOr<Invocation> inv = ParseArgs({"regions"}, kDefaultServer, "from-env");
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_TRUE(inv->global.tenant_explicit);
  Environment env;
  env.tenant = "default";  // given, even though it is the default's name
  env.tls_ca = "ca.pem";
  env.token = "tok";
  inv = ParseArgs({"regions"}, env);
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_TRUE(inv->global.tenant_explicit);
  EXPECT_TRUE(inv->global.SendsTenant());
}

TEST(TlsArgsTest, EnvironmentDefaultsAndFlagsWin) {
  Environment env;
  env.server = "env-host:443";
  env.tls_ca = "env-ca.pem";
  env.tls_cert = "env-cert.pem";
  env.tls_key = "env-key.pem";
  env.tls_server_name = "env.internal";
  env.token = "  env-token\n";
  env.token_file = "env-token.jwt";
  absl::StatusOr<Invocation> inv = ParseArgs({"regions"}, env);
  ASSERT_TRUE(inv.ok()) << inv.status();
  GlobalOptions g = inv->global;
  EXPECT_EQ(g.server, "env-host:443");
  EXPECT_EQ(g.tls_ca_file, "env-ca.pem");
  EXPECT_EQ(g.tls_cert_file, "env-cert.pem");
  EXPECT_EQ(g.tls_key_file, "env-key.pem");
  EXPECT_EQ(g.tls_server_name, "env.internal");
  // The token itself wins over the token file of the environment; trimmed.
  EXPECT_EQ(g.token, "env-token");
  EXPECT_EQ(g.token_file, "");

  inv = ParseArgs({"regions", "--tls-ca", "ca.pem", "--tls-cert", "c.pem", "--tls-key", "k.pem",
                   "--tls-server-name", "flag.internal", "--token-file", "flag.jwt"},
                  env);
  ASSERT_TRUE(inv.ok()) << inv.status();
  g = inv->global;
  EXPECT_EQ(g.tls_ca_file, "ca.pem");
  EXPECT_EQ(g.tls_cert_file, "c.pem");
  EXPECT_EQ(g.tls_key_file, "k.pem");
  EXPECT_EQ(g.tls_server_name, "flag.internal");
  // --token-file wins over $CAREREACH_TOKEN.
  EXPECT_EQ(g.token_file, "flag.jwt");
  EXPECT_EQ(g.token, "");

  // Without $CAREREACH_TOKEN the file of the environment is used.
  env.token = "";
  inv = ParseArgs({"regions"}, env);
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->global.token_file, "env-token.jwt");

  // A certificate from a flag, its key from the environment.
  Environment key_only;
  key_only.tls_key = "env-key.pem";
  inv = ParseArgs({"regions", "--tls-cert", "c.pem"}, key_only);
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->global.tls_key_file, "env-key.pem");
}

TEST(TlsArgsTest, ReadEnvironmentReadsEveryVariable) {
  ScopedCleanEnvironment clean;
  Environment env = ReadEnvironment();
  EXPECT_EQ(env.server, "");
  EXPECT_EQ(env.token, "");
  setenv("CAREREACH_SERVER", "s:1", 1);
  setenv("CAREREACH_TENANT", "t", 1);
  setenv("CAREREACH_TLS_CA", "ca", 1);
  setenv("CAREREACH_TLS_CERT", "cert", 1);
  setenv("CAREREACH_TLS_KEY", "key", 1);
  setenv("CAREREACH_TLS_SERVER_NAME", "name", 1);
  setenv("CAREREACH_TOKEN", "tok", 1);
  setenv("CAREREACH_TOKEN_FILE", "tok.jwt", 1);
  env = ReadEnvironment();
  EXPECT_EQ(env.server, "s:1");
  EXPECT_EQ(env.tenant, "t");
  EXPECT_EQ(env.tls_ca, "ca");
  EXPECT_EQ(env.tls_cert, "cert");
  EXPECT_EQ(env.tls_key, "key");
  EXPECT_EQ(env.tls_server_name, "name");
  EXPECT_EQ(env.token, "tok");
  EXPECT_EQ(env.token_file, "tok.jwt");
}

TEST(TlsArgsTest, UsageErrors) {
  auto error_of = [](const std::vector<std::string>& args, const Environment& env = {}) {
    absl::StatusOr<Invocation> inv = ParseArgs(args, env);
    EXPECT_EQ(inv.status().code(), absl::StatusCode::kInvalidArgument) << inv.status();
    return std::string(inv.status().message());
  };
  constexpr char kTokenNeedsTls[] =
      "a bearer token is sent only over TLS: give --tls-ca FILE (or --tls, or CAREREACH_TLS_CA)";

  EXPECT_THAT(error_of({"regions", "--tls-cert", "c.pem"}),
              StartsWith("--tls-cert needs --tls-key"));
  EXPECT_THAT(error_of({"regions", "--tls-ca", "ca.pem", "--tls-key", "k.pem"}),
              StartsWith("--tls-key needs --tls-cert"));
  Environment cert_only;
  cert_only.tls_cert = "c.pem";
  EXPECT_THAT(error_of({"regions"}, cert_only), StartsWith("--tls-cert needs --tls-key"));

  EXPECT_EQ(error_of({"regions", "--token-file", "t.jwt"}), kTokenNeedsTls);
  Environment token;
  token.token = "secret-token-value";
  EXPECT_EQ(error_of({"regions"}, token), kTokenNeedsTls);
  Environment token_file;
  token_file.token_file = "t.jwt";
  EXPECT_EQ(error_of({"regions"}, token_file), kTokenNeedsTls);
  // TLS from the environment is TLS.
  token.tls_ca = "ca.pem";
  EXPECT_TRUE(ParseArgs({"regions"}, token).ok());

  EXPECT_THAT(error_of({"regions", "--tls-server-name", "x.internal"}),
              StartsWith("--tls-server-name applies only over TLS"));
  // The variable alone does not make plaintext calls an error.
  Environment name_only;
  name_only.tls_server_name = "x.internal";
  EXPECT_TRUE(ParseArgs({"regions"}, name_only).ok());

  EXPECT_EQ(error_of({"regions", "--tls=yes"}), "--tls takes no value");
  EXPECT_EQ(error_of({"regions", "--tls-ca"}), "--tls-ca needs a value");
  EXPECT_EQ(error_of({"regions", "--tls-ca", "--tls"}), "--tls-ca needs a value");
  EXPECT_EQ(error_of({"regions", "--tls-ca="}), "--tls-ca: value is empty");
  EXPECT_EQ(error_of({"regions", "--token-file= "}), "--token-file: value is empty");
}

TEST(TlsArgsTest, UsageTextListsTheFlags) {
  const std::string usage = UsageText();
  for (const char* text :
       {"--tls-ca FILE", "--tls-cert FILE", "--tls-key FILE", "--tls-server-name NAME", "--tls ",
        "--token-file FILE", "$CAREREACH_TLS_CA", "$CAREREACH_TOKEN", "$CAREREACH_TOKEN_FILE"}) {
    EXPECT_THAT(usage, HasSubstr(text));
  }
}

TEST(OneLineTest, JoinsLines) {
  EXPECT_EQ(OneLine("a\nb"), "a b");
  EXPECT_EQ(OneLine("a  \r\n   b\n\nc\n"), "a b c");
  EXPECT_EQ(OneLine("\nno break"), "no break");
  EXPECT_EQ(OneLine("plain"), "plain");
}

// ---------------------------------------------------------------------------------------------
// Files named by the flags: read before any call, usage errors when unusable

class CredentialFilesTest : public ::testing::Test {
 protected:
  int Run(const std::vector<std::string>& args) {
    out_.str("");
    err_.str("");
    // Port 1 is closed: nothing here may get as far as a call.
    std::vector<std::string> all = args;
    all.insert(all.end(), {"--server", "127.0.0.1:1", "--timeout-seconds", "5"});
    return RunCli(all, out_, err_);
  }
  // The usage error line, checked to be one line plus the hint.
  std::string UsageLine() {
    const std::string text = err_.str();
    EXPECT_EQ(Lines(text), 2) << text;
    EXPECT_THAT(text, HasSubstr("\nrun 'carereach help' for usage\n"));
    return text.substr(0, text.find('\n'));
  }

  ScopedCleanEnvironment clean_;
  std::ostringstream out_, err_;
};

TEST_F(CredentialFilesTest, TokenFileThatCannotBeReadOrIsEmpty) {
  const std::string missing = ::testing::TempDir() + "no-such-dir/token.jwt";
  EXPECT_EQ(Run({"regions", "--tls", "--token-file", missing}), kExitUsage);
  EXPECT_EQ(UsageLine(), absl::StrCat("error: --token-file: cannot read '", missing,
                                      "': No such file or directory"));

  const std::string blank = WriteTempFile("tls_blank.jwt", " \n\t\n");
  EXPECT_EQ(Run({"regions", "--tls", "--token-file", blank}), kExitUsage);
  EXPECT_EQ(UsageLine(), absl::StrCat("error: --token-file: '", blank,
                                      "' is empty (it should hold a bearer token)"));

  // A directory cannot be read as a file.
  EXPECT_EQ(Run({"regions", "--tls", "--token-file", ::testing::TempDir()}), kExitUsage);
  EXPECT_THAT(UsageLine(), HasSubstr("--token-file: cannot read '"));

  // From the environment, the same checks.
  setenv("CAREREACH_TOKEN_FILE", missing.c_str(), 1);
  EXPECT_EQ(Run({"regions", "--tls"}), kExitUsage);
  EXPECT_THAT(UsageLine(), HasSubstr("--token-file: cannot read '" + missing + "'"));
  EXPECT_EQ(out_.str(), "");
}

TEST_F(CredentialFilesTest, TokenWithBlanksIsRefusedWithoutQuotingIt) {
  const std::string two_words = WriteTempFile("tls_bearer.jwt", "Bearer s3cr3t-t0ken\n");
  EXPECT_EQ(Run({"regions", "--tls", "--token-file", two_words}), kExitUsage);
  EXPECT_THAT(UsageLine(), AllOf(HasSubstr("--token-file: '" + two_words + "'"),
                                 HasSubstr("without 'Bearer '")));
  EXPECT_THAT(err_.str(), Not(HasSubstr("s3cr3t")));

  setenv("CAREREACH_TOKEN", "s3cr3t\nsecond-line", 1);
  EXPECT_EQ(Run({"regions", "--tls"}), kExitUsage);
  EXPECT_THAT(UsageLine(), StartsWith("error: CAREREACH_TOKEN: the bearer token holds blanks"));
  EXPECT_THAT(err_.str(), Not(HasSubstr("s3cr3t")));
}

TEST_F(CredentialFilesTest, TokenWithoutTlsNeverLeavesTheProcess) {
  setenv("CAREREACH_TOKEN", "s3cr3t-t0ken", 1);
  EXPECT_EQ(Run({"regions"}), kExitUsage);
  EXPECT_EQ(UsageLine(),
            "error: a bearer token is sent only over TLS: give --tls-ca FILE (or --tls, or "
            "CAREREACH_TLS_CA)");
  EXPECT_THAT(err_.str(), Not(HasSubstr("s3cr3t")));
}

TEST_F(CredentialFilesTest, TlsFilesThatCannotBeUsedNameTheFlagAndPath) {
  const std::string missing = ::testing::TempDir() + "no-such-ca.pem";
  EXPECT_EQ(Run({"regions", "--tls-ca", missing}), kExitUsage);
  EXPECT_EQ(UsageLine(), absl::StrCat("error: --tls-ca: cannot read '", missing,
                                      "': No such file or directory"));

  const std::string empty = WriteTempFile("tls_empty.pem", "");
  EXPECT_EQ(Run({"regions", "--tls-ca", empty}), kExitUsage);
  EXPECT_EQ(UsageLine(), absl::StrCat("error: --tls-ca: '", empty, "' is empty"));

  const std::string cert = WriteTempFile(
      "tls_cert.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
  const std::string not_pem = WriteTempFile("tls_key.der", "PRIVATE-K3Y-BYTES");
  EXPECT_EQ(Run({"regions", "--tls-cert", cert, "--tls-key", not_pem}), kExitUsage);
  EXPECT_EQ(UsageLine(),
            absl::StrCat("error: --tls-key: '", not_pem, "' is not PEM (no '-----BEGIN' line)"));
  EXPECT_THAT(err_.str(), Not(HasSubstr("K3Y")));

  EXPECT_EQ(Run({"regions", "--tls-cert", missing, "--tls-key", not_pem}), kExitUsage);
  EXPECT_THAT(UsageLine(), StartsWith("error: --tls-cert: cannot read '" + missing + "'"));

  // From the environment: still named by the flag, with the path.
  setenv("CAREREACH_TLS_CA", missing.c_str(), 1);
  EXPECT_EQ(Run({"regions"}), kExitUsage);
  EXPECT_THAT(UsageLine(), StartsWith("error: --tls-ca: cannot read '" + missing + "'"));
  // Help needs no files.
  EXPECT_EQ(Run({"help"}), kExitOk);
}

// ---------------------------------------------------------------------------------------------
// Real TLS on loopback

// A CA, a server certificate for localhost and 127.0.0.1, a client certificate, and a second CA
// with a client certificate of its own, made once per process with the openssl tool.
struct Pki {
  std::string dir;
  std::string error;  // why making them failed; empty when they were made
  std::string Path(const std::string& name) const { return dir + "/" + name; }
  std::string Pem(const std::string& name) const { return ReadFile(Path(name)); }
};

const Pki* made_pki = nullptr;

// Removes the certificates' directory after the last test.
class PkiCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    if (made_pki != nullptr) std::filesystem::remove_all(made_pki->dir);
  }
};
::testing::Environment* const kPkiCleanup = ::testing::AddGlobalTestEnvironment(new PkiCleanup);

const Pki& TestPki() {
  static const Pki* pki = [] {
    auto* made = new Pki;
    made->dir = ::testing::TempDir() + "carereach_cli_tls_" + std::to_string(getpid());
    std::filesystem::remove_all(made->dir);
    std::filesystem::create_directories(made->dir);
    const std::string script = R"sh(set -e
cd "$1"
EC="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
openssl req -x509 $EC -keyout ca.key -out ca.pem -days 2 -subj /CN=carereach-test-ca
openssl req -x509 $EC -keyout other-ca.key -out other-ca.pem -days 2 -subj /CN=other-test-ca
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > server.ext
printf 'extendedKeyUsage=clientAuth\n' > client.ext
sign() {  # NAME CN CA EXT
  openssl req $EC -keyout "$1.key" -out "$1.csr" -subj "/CN=$2"
  openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -out "$1.pem" \
    -days 2 -extfile "$4"
}
sign server localhost ca server.ext
sign client carereach-cli ca client.ext
sign stranger stranger other-ca client.ext
)sh";
    const std::string script_path = made->dir + "/make.sh";
    std::ofstream(script_path) << script;
    const std::string log = made->dir + "/make.log";
    const std::string command =
        absl::StrCat("bash '", script_path, "' '", made->dir, "' > '", log, "' 2>&1");
    if (std::system(command.c_str()) != 0) {
      made->error = absl::StrCat("openssl failed: ", ReadFile(log));
    }
    made_pki = made;
    return made;
  }();
  return *pki;
}

// AccessService.ListRegions, recording the metadata and peer of each call.
class RecordingAccessService final : public carereach::v1::AccessService::Service {
 public:
  struct Call {
    // "(none)" when the header is absent.
    std::string authorization;
    std::string tenant;
    // The client certificate's common name; empty without one.
    std::string peer_common_name;
  };

  grpc::Status ListRegions(grpc::ServerContext* context, const carereach::v1::ListRegionsRequest*,
                           carereach::v1::ListRegionsResponse* response) override {
    Call call{Header(*context, "authorization"), Header(*context, "x-carereach-tenant"), ""};
    if (const auto auth = context->auth_context(); auth != nullptr) {
      for (const grpc::string_ref& name : auth->FindPropertyValues("x509_common_name")) {
        call.peer_common_name.assign(name.data(), name.size());
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back(call);
    if (!error_.ok()) return error_;
    response->add_regions()->set_name("honolulu");
    return grpc::Status::OK;
  }

  void set_error(grpc::Status error) {
    std::lock_guard<std::mutex> lock(mu_);
    error_ = std::move(error);
  }
  std::vector<Call> calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

 private:
  static std::string Header(const grpc::ServerContext& context, const std::string& key) {
    const auto& metadata = context.client_metadata();
    auto it = metadata.find(key);
    if (it == metadata.end()) return "(none)";
    return std::string(it->second.data(), it->second.size());
  }

  std::mutex mu_;
  grpc::Status error_;
  std::vector<Call> calls_;
};

constexpr char kToken[] = "eyJhbGciOiJSUzI1NiJ9.eyJ0ZW5hbnQiOiJhY21lIn0.c2lnbmF0dXJl";

// A TLS server with the test PKI's server certificate; `Require` asks for (and verifies) a
// client certificate signed by the test CA.
template <bool Require>
class TlsServerTestBase : public FakeServerTest<RecordingAccessService> {
 protected:
  std::shared_ptr<grpc::ServerCredentials> ServerCredentials() override {
    const Pki& pki = TestPki();
    grpc::SslServerCredentialsOptions options(
        Require ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    options.pem_key_cert_pairs.push_back({pki.Pem("server.key"), pki.Pem("server.pem")});
    if (Require) options.pem_root_certs = pki.Pem("ca.pem");
    return grpc::SslServerCredentials(options);
  }

  void SetUp() override {
    ASSERT_THAT(TestPki().error, IsEmpty());
    FakeServerTest::SetUp();
    token_file_ = WriteTempFile("tls_token.jwt", std::string(kToken) + "\n");
  }

  std::string Ca() const { return TestPki().Path("ca.pem"); }
  std::string OtherCa() const { return TestPki().Path("other-ca.pem"); }
  // The one error line of a failed run (exit 1), checked to be one line.
  std::string ErrorLine() {
    const std::string text = err_.str();
    EXPECT_EQ(Lines(text), 1) << text;
    EXPECT_THAT(text, StartsWith("error: "));
    return text.substr(0, text.find('\n'));
  }

  ScopedCleanEnvironment clean_;
  std::string token_file_;
};

using TlsTest = TlsServerTestBase<false>;
using MutualTlsTest = TlsServerTestBase<true>;

TEST_F(TlsTest, RightCaSendsTheBearerTokenAndNoTenant) {
  ASSERT_EQ(Run({"regions", "--tls-ca", Ca(), "--token-file", token_file_}), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("honolulu"));
  const std::vector<RecordingAccessService::Call> calls = service_.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].authorization, absl::StrCat("Bearer ", kToken));
  // The server takes the tenant from the token.
  EXPECT_EQ(calls[0].tenant, "(none)");
}

TEST_F(TlsTest, ExplicitTenantIsSentWithTheToken) {
  ASSERT_EQ(Run({"regions", "--tls-ca", Ca(), "--token-file", token_file_, "--tenant", "acme"}),
            kExitOk)
      << err_.str();
  setenv("CAREREACH_TENANT", "from-env", 1);
  ASSERT_EQ(Run({"regions", "--tls-ca", Ca(), "--token-file", token_file_}), kExitOk) << err_.str();
  const std::vector<RecordingAccessService::Call> calls = service_.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].tenant, "acme");
  EXPECT_EQ(calls[0].authorization, absl::StrCat("Bearer ", kToken));
  EXPECT_EQ(calls[1].tenant, "from-env");
}

TEST_F(TlsTest, TokenAndCaFromTheEnvironment) {
  setenv("CAREREACH_TLS_CA", Ca().c_str(), 1);
  setenv("CAREREACH_TOKEN", "env.token.value", 1);
  setenv("CAREREACH_TOKEN_FILE", "/no/such/file", 1);  // the token itself wins
  ASSERT_EQ(Run({"regions"}), kExitOk) << err_.str();
  // --token-file wins over both.
  ASSERT_EQ(Run({"regions", "--token-file", token_file_}), kExitOk) << err_.str();
  const std::vector<RecordingAccessService::Call> calls = service_.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].authorization, "Bearer env.token.value");
  EXPECT_EQ(calls[0].tenant, "(none)");
  EXPECT_EQ(calls[1].authorization, absl::StrCat("Bearer ", kToken));
}

TEST_F(TlsTest, TlsWithoutACredentialSendsTheDefaultTenant) {
  ASSERT_EQ(Run({"regions", "--tls-ca", Ca()}), kExitOk) << err_.str();
  const std::vector<RecordingAccessService::Call> calls = service_.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].authorization, "(none)");
  EXPECT_EQ(calls[0].tenant, "default");
}

// A server 300 ms of round trip away: TCP, the TLS handshake and the server's first HTTP/2 frame
// take about a second. The CLI once gave each connection attempt 100 ms
// (GRPC_ARG_MIN_RECONNECT_BACKOFF_MS), so no TLS connection to a distant server ever completed.
TEST_F(TlsTest, DistantServerIsReachedOverTls) {
  testing_util::SlowRelay relay(std::stoi(address_.substr(address_.rfind(':') + 1)),
                                std::chrono::milliseconds(150));
  ASSERT_NE(relay.port(), 0);
  address_ = absl::StrCat("127.0.0.1:", relay.port());
  ASSERT_EQ(Run({"regions", "--tls-ca", Ca()}), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("honolulu"));
  EXPECT_EQ(service_.calls().size(), 1u);
}

// Several replicas over TLS (--server A,B): each certificate is checked against the list's one
// host (127.0.0.1), or --tls-server-name; the token goes to every replica.
TEST_F(TlsTest, SeveralReplicasAreReachedOverTls) {
  RecordingAccessService second_service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", ServerCredentials(), &port);
  builder.RegisterService(&second_service);
  const std::unique_ptr<grpc::Server> second = builder.BuildAndStart();
  ASSERT_NE(second, nullptr);
  address_ = absl::StrCat(address_, ",127.0.0.1:", port);
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(Run({"regions", "--tls-ca", Ca(), "--token-file", token_file_}), kExitOk)
        << err_.str();
  }
  ASSERT_EQ(Run({"regions", "--tls-ca", Ca(), "--tls-server-name", "localhost"}), kExitOk)
      << err_.str();
  std::vector<RecordingAccessService::Call> calls = service_.calls();
  for (const RecordingAccessService::Call& call : second_service.calls()) calls.push_back(call);
  ASSERT_EQ(calls.size(), 7u);
  // The six with the token, wherever they went.
  EXPECT_EQ(std::count_if(calls.begin(), calls.end(),
                          [](const RecordingAccessService::Call& call) {
                            return call.authorization == absl::StrCat("Bearer ", kToken);
                          }),
            6);
  EXPECT_EQ(Run({"regions", "--tls-ca", Ca(), "--tls-server-name", "wrong.example"}), kExitError);
  EXPECT_THAT(ErrorLine(), HasSubstr("the server's certificate does not name wrong.example"));
  second->Shutdown();
}

TEST_F(TlsTest, WrongCaFailsWithOneLineAboutTheHandshake) {
  EXPECT_EQ(Run({"regions", "--tls-ca", OtherCa(), "--token-file", token_file_}), kExitError);
  const std::string line = ErrorLine();
  EXPECT_THAT(line, StartsWith(absl::StrCat("error: UNAVAILABLE: cannot reach carereach server at ",
                                            address_,
                                            " over TLS: the TLS handshake failed (is --tls-ca the "
                                            "CA that signed the server's certificate, and does the "
                                            "certificate name 127.0.0.1? see --tls-server-name")));
  EXPECT_THAT(line, Not(HasSubstr(kToken)));
  EXPECT_THAT(service_.calls(), IsEmpty());
}

TEST_F(TlsTest, ServerNameOverride) {
  // The certificate names localhost and 127.0.0.1, not wrong.example.
  EXPECT_EQ(Run({"regions", "--tls-ca", Ca(), "--tls-server-name", "wrong.example"}), kExitError);
  EXPECT_THAT(ErrorLine(),
              HasSubstr("over TLS: the TLS handshake failed (the server's certificate does not "
                        "name wrong.example; see --tls-server-name): "));
  EXPECT_THAT(service_.calls(), IsEmpty());
  EXPECT_EQ(Run({"regions", "--tls-ca", Ca(), "--tls-server-name", "localhost"}), kExitOk)
      << err_.str();
  EXPECT_EQ(service_.calls().size(), 1u);
}

TEST_F(TlsTest, PlaintextClientSuggestsTlsCa) {
  EXPECT_EQ(Run({"regions", "--timeout-seconds", "10"}), kExitError);
  EXPECT_THAT(ErrorLine(),
              AllOf(StartsWith(absl::StrCat("error: UNAVAILABLE: cannot reach carereach server at ",
                                            address_, ": ")),
                    HasSubstr("if it speaks TLS, give --tls-ca FILE")));
  EXPECT_THAT(service_.calls(), IsEmpty());
}

TEST_F(TlsTest, SystemRootsWithTls) {
  // --tls verifies with gRPC's default roots, which this process points at the test CA (read
  // once per process; no other test uses the default roots).
  setenv("GRPC_DEFAULT_SSL_ROOTS_FILE_PATH", Ca().c_str(), 1);
  EXPECT_EQ(Run({"regions", "--tls", "--token-file", token_file_}), kExitOk) << err_.str();
  ASSERT_EQ(service_.calls().size(), 1u);
  EXPECT_EQ(service_.calls()[0].authorization, absl::StrCat("Bearer ", kToken));
  unsetenv("GRPC_DEFAULT_SSL_ROOTS_FILE_PATH");
}

TEST_F(TlsTest, TheBinaryPrintsOneLineAndNotGrpcsOwnLog) {
  // gRPC logs failed handshakes on stderr itself; the carereach binary keeps only its line.
  const std::string binary = std::string(CAREREACH_BINARY_DIR) + "/clients/cli/carereach";
  const std::string err_path = TestPki().Path("binary.err");
  for (const std::vector<std::string>& flags :
       {std::vector<std::string>{"--tls-ca", OtherCa()},
        std::vector<std::string>{"--tls-ca", Ca(), "--tls-server-name", "wrong.example"}}) {
    std::string command = absl::StrCat("env -u GRPC_VERBOSITY '", binary, "' regions --server ",
                                       address_, " --timeout-seconds 10");
    for (const std::string& flag : flags) absl::StrAppend(&command, " '", flag, "'");
    absl::StrAppend(&command, " > /dev/null 2> '", err_path, "'");
    const int status = std::system(command.c_str());
    ASSERT_TRUE(WIFEXITED(status)) << command;
    EXPECT_EQ(WEXITSTATUS(status), kExitError) << command;
    const std::string err = ReadFile(err_path);
    EXPECT_EQ(Lines(err), 1) << err;
    EXPECT_THAT(err,
                StartsWith(absl::StrCat("error: UNAVAILABLE: cannot reach carereach server at ",
                                        address_, " over TLS: the TLS handshake failed (")));
  }
  EXPECT_THAT(service_.calls(), IsEmpty());
}

TEST_F(TlsTest, UnauthenticatedAndPermissionDenied) {
  service_.set_error(grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "the token has expired"));
  EXPECT_EQ(Run({"regions", "--tls-ca", Ca(), "--token-file", token_file_}), kExitError);
  EXPECT_EQ(ErrorLine(),
            "error: UNAUTHENTICATED: the token has expired (see --token-file / CAREREACH_TOKEN)");

  service_.set_error(grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                                  "tenant 'beta' is not the token's tenant 'acme'\nsecond line"));
  EXPECT_EQ(Run({"regions", "--tls-ca", Ca(), "--token-file", token_file_, "--tenant", "beta"}),
            kExitError);
  EXPECT_EQ(ErrorLine(),
            "error: PERMISSION_DENIED: tenant 'beta' is not the token's tenant 'acme' second line");
}

// A TLS client against a plaintext server.
class PlaintextServerTest : public FakeServerTest<RecordingAccessService> {};

TEST_F(PlaintextServerTest, TlsClientFailsWithOneLine) {
  ASSERT_THAT(TestPki().error, IsEmpty());
  EXPECT_EQ(Run({"regions", "--tls-ca", TestPki().Path("ca.pem")}), kExitError);
  const std::string text = err_.str();
  EXPECT_EQ(Lines(text), 1) << text;
  EXPECT_THAT(text, StartsWith(absl::StrCat("error: UNAVAILABLE: cannot reach carereach server at ",
                                            address_,
                                            " over TLS: the TLS handshake failed (the server did "
                                            "not answer in TLS: if it is a plaintext server, give "
                                            "no --tls-ca, --tls-cert or --tls): ")));
  EXPECT_THAT(service_.calls(), IsEmpty());
}

TEST_F(MutualTlsTest, ServerRequiringClientCertificatesRefusesACallWithoutOne) {
  EXPECT_EQ(Run({"regions", "--tls-ca", Ca(), "--token-file", token_file_}), kExitError);
  EXPECT_THAT(ErrorLine(), StartsWith(absl::StrCat(
                               "error: UNAVAILABLE: cannot reach carereach server at ", address_,
                               " over TLS: the TLS handshake failed (the server closed the "
                               "connection: does it require a client certificate signed by "
                               "a CA it trusts? see --tls-cert and --tls-key): ")));
  EXPECT_THAT(service_.calls(), IsEmpty());

  // A certificate of another CA is refused too.
  EXPECT_EQ(Run({"regions", "--tls-ca", Ca(), "--tls-cert", TestPki().Path("stranger.pem"),
                 "--tls-key", TestPki().Path("stranger.key")}),
            kExitError);
  EXPECT_THAT(ErrorLine(), HasSubstr("over TLS: the TLS handshake failed (the server closed the "
                                     "connection: does it require a client certificate"));
  EXPECT_THAT(service_.calls(), IsEmpty());
}

TEST_F(MutualTlsTest, ClientCertificateIsAccepted) {
  ASSERT_EQ(Run({"regions", "--tls-ca", Ca(), "--tls-cert", TestPki().Path("client.pem"),
                 "--tls-key", TestPki().Path("client.key")}),
            kExitOk)
      << err_.str();
  ASSERT_EQ(
      Run({"regions", "--tls-ca", Ca(), "--tls-cert", TestPki().Path("client.pem"), "--tls-key",
           TestPki().Path("client.key"), "--token-file", token_file_, "--tenant", "acme"}),
      kExitOk)
      << err_.str();
  const std::vector<RecordingAccessService::Call> calls = service_.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].peer_common_name, "carereach-cli");
  // The certificate is a credential: no tenant header unless given.
  EXPECT_EQ(calls[0].tenant, "(none)");
  EXPECT_EQ(calls[0].authorization, "(none)");
  EXPECT_EQ(calls[1].tenant, "acme");
  EXPECT_EQ(calls[1].authorization, absl::StrCat("Bearer ", kToken));
}

}  // namespace
}  // namespace carereach::cli
