// End to end, secured: the real carereach-server with TLS and a JSON Web Key Set on a free
// loopback port with the real data, driven by the real carereach CLI with tokens that the real
// carereach-admin minted. Two tenants share the server and never see each other's networks.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/data_dir.h"
#include "tests/e2e/process.h"
#include "tests/tls_test_util.h"

namespace carereach {
namespace {

using nlohmann::json;
using testing::HasSubstr;
using testing::Not;
using testing_util::CommandResult;
using testing_util::DataDir;
using testing_util::ReadText;
using testing_util::RunCommand;

constexpr char kIssuer[] = "carereach-e2e";
constexpr char kAudience[] = "carereach";

class SecureEndToEndTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(std::filesystem::exists(DataDir())) << "real data missing: " << DataDir();
    dir_ = new std::string(testing::TempDir() + "/secure-e2e" + std::to_string(getpid()));
    std::filesystem::remove_all(*dir_);
    const testing_util::TlsFiles ca = testing_util::MakeCa(*dir_, "ca");
    const testing_util::TlsFiles cert =
        testing_util::MakeCert(*dir_, ca, "server", "DNS:localhost,IP:127.0.0.1");
    ca_ = new std::string(ca.cert);
    const CommandResult keys = RunCommand({CAREREACH_ADMIN_BIN, "keys", "create", "--key-out",
                                           *dir_ + "/signing.pem", "--jwks", *dir_ + "/jwks.json"});
    ASSERT_EQ(keys.exit_code, 0) << keys.err;
    log_path_ = new std::string(*dir_ + "/server.log");
    const std::string port_file = *dir_ + "/port";
    server_ = new testing_util::ChildProcess(
        {CAREREACH_SERVER_BIN, "--listen=127.0.0.1:0", "--port_file=" + port_file,
         "--data_dir=" + DataDir(), "--state_dir=" + *dir_ + "/state",
         "--tls_cert_file=" + cert.cert, "--tls_key_file=" + cert.key,
         "--auth_jwks_file=" + *dir_ + "/jwks.json", std::string("--auth_issuer=") + kIssuer,
         std::string("--auth_audience=") + kAudience},
        *log_path_);
    for (int i = 0; i < 600 && !std::filesystem::exists(port_file); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(std::filesystem::exists(port_file)) << ReadText(*log_path_);
    std::string port = ReadText(port_file);
    port.erase(port.find_last_not_of("\n ") + 1);
    address_ = new std::string("localhost:" + port);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete address_;
    delete log_path_;
    delete ca_;
    delete dir_;
  }

  // A token minted by carereach-admin, written to a file; returns the file.
  static std::string Mint(const std::string& tenant, const std::string& scope,
                          const std::string& key = "signing.pem") {
    const CommandResult r =
        RunCommand({CAREREACH_ADMIN_BIN, "token", "--key", *dir_ + "/" + key, "--issuer", kIssuer,
                    "--audience", kAudience, "--tenant", tenant, "--scope", scope, "--ttl", "1h"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const std::string file = *dir_ + "/" + tenant + "-" + scope + "-" + key + ".jwt";
    testing_util::WriteText(file, r.out);
    return file;
  }

  // The CLI over TLS with `token_file` (none if empty).
  static CommandResult Cli(const std::string& token_file, std::vector<std::string> args) {
    std::vector<std::string> argv = {
        CAREREACH_CLI_BIN, "--server", *address_, "--wait-seconds", "120", "--tls-ca", *ca_};
    if (!token_file.empty()) {
      argv.push_back("--token-file");
      argv.push_back(token_file);
    }
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }

  static std::string Hospitals() { return DataDir() + "/facilities/hifld_hospitals.csv"; }

  static std::vector<json> AuditLines() {
    std::vector<json> out;
    std::istringstream in(ReadText(*log_path_));
    for (std::string line; std::getline(in, line);) {
      const size_t at = line.find(" audit {");
      if (at != std::string::npos) out.push_back(json::parse(line.substr(at + 7)));
    }
    return out;
  }

  static testing_util::ChildProcess* server_;
  static std::string* address_;
  static std::string* log_path_;
  static std::string* ca_;
  static std::string* dir_;
};
testing_util::ChildProcess* SecureEndToEndTest::server_ = nullptr;
std::string* SecureEndToEndTest::address_ = nullptr;
std::string* SecureEndToEndTest::log_path_ = nullptr;
std::string* SecureEndToEndTest::ca_ = nullptr;
std::string* SecureEndToEndTest::dir_ = nullptr;

TEST_F(SecureEndToEndTest, TheCliGetsInWithATokenAndOnlyWithOne) {
  const CommandResult ok = Cli(Mint("alliance-a", "analyze"), {"regions", "--format", "json"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_THAT(ok.out, HasSubstr("\"michigan\""));

  const CommandResult anonymous = Cli("", {"regions"});
  EXPECT_EQ(anonymous.exit_code, 1);
  EXPECT_THAT(anonymous.err, HasSubstr("UNAUTHENTICATED"));
  EXPECT_THAT(anonymous.err, HasSubstr("no credentials"));

  // Plaintext against the TLS port: one clear line.
  const CommandResult plaintext =
      RunCommand({CAREREACH_CLI_BIN, "--server", *address_, "regions", "--timeout-seconds", "5"});
  EXPECT_EQ(plaintext.exit_code, 1);
  EXPECT_THAT(plaintext.err, HasSubstr("TLS"));
  EXPECT_EQ(std::count(plaintext.err.begin(), plaintext.err.end(), '\n'), 1) << plaintext.err;

  // The token from the environment works as the flag does.
  const std::string token = ReadText(Mint("alliance-a", "analyze"));
  const CommandResult from_env =
      RunCommand({"/usr/bin/env", "CAREREACH_TOKEN=" + token, "CAREREACH_TLS_CA=" + *ca_,
                  CAREREACH_CLI_BIN, "--server", *address_, "regions"});
  EXPECT_EQ(from_env.exit_code, 0) << from_env.err;
}

TEST_F(SecureEndToEndTest, TwoTenantsShareTheServerAndNeverSeeEachOther) {
  const std::string a_writer = Mint("alliance-a", "carereach.analyze,carereach.write");
  const std::string a_reader = Mint("alliance-a", "analyze");
  const std::string b_writer = Mint("alliance-b", "analyze,write");
  const std::vector<std::string> import = {
      "network", "import",   "ascension-mi", "--create",    "--facilities", Hospitals(),
      "--where", "STATE=MI", "--where",      "STATUS=OPEN", "--where",      "NAME~ASCENSION"};

  // An analyze-only token cannot write.
  CommandResult r = Cli(a_reader, import);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(r.err, HasSubstr("needs scope carereach.write"));
  r = Cli(a_writer, import);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Cli(a_reader, {"network", "show", "ascension-mi", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string before = r.out;
  EXPECT_THAT(before, HasSubstr("\"latest_version\""));

  // Tenant B: nothing of A's is visible, readable or deletable, even naming A in --tenant.
  r = Cli(b_writer, {"network", "list", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("ascension-mi")));
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"network", "show", "ascension-mi"},
                                             {"network", "export", "ascension-mi"},
                                             {"network", "diff", "ascension-mi", "1", "1"},
                                             {"network", "delete", "ascension-mi"}}) {
    r = Cli(b_writer, args);
    EXPECT_EQ(r.exit_code, 1) << args[1];
    EXPECT_THAT(r.err, HasSubstr("NOT_FOUND")) << args[1] << ": " << r.err;
  }
  std::vector<std::string> as_a = {"--tenant", "alliance-a", "network", "delete", "ascension-mi"};
  r = Cli(b_writer, as_a);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("PERMISSION_DENIED"));
  r = Cli(b_writer, {"analyze", "coverage", "--region", "michigan", "--network", "ascension-mi",
                     "--minutes", "20"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("NOT_FOUND"));

  // A's analysis with a saved report; B sees no report.
  r = Cli(a_reader, {"analyze", "coverage", "--region", "michigan", "--network", "ascension-mi",
                     "--minutes", "20", "--save-report"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("save_report needs scope carereach.write"));
  r = Cli(a_writer, {"analyze", "coverage", "--region", "michigan", "--network", "ascension-mi",
                     "--minutes", "20", "--save-report"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Cli(b_writer, {"report", "list", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("ascension-mi")));
  r = Cli(a_reader, {"report", "list", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("ascension-mi"));

  // A's network is as it was.
  r = Cli(a_reader, {"network", "show", "ascension-mi", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, before);

  // The log: one audit line per write and per refusal, and no secret.
  const std::vector<json> audit = AuditLines();
  bool import_ok = false, import_denied = false, delete_as_a_denied = false;
  for (const json& l : audit) {
    const std::string rpc = l["rpc"];
    if (rpc == "/carereach.v1.NetworkService/ImportNetwork" && l["code"] == "OK" &&
        l["object"] == "ascension-mi" && l["tenant"] == "alliance-a") {
      import_ok = true;
      EXPECT_THAT(l["peer"].get<std::string>(), HasSubstr("127.0.0.1"));
    }
    // Refused by the gate, before the stream's first message: no object id yet.
    if (rpc == "/carereach.v1.NetworkService/ImportNetwork" && l["code"] == "PERMISSION_DENIED" &&
        l["tenant"] == "alliance-a") {
      import_denied = true;
      EXPECT_THAT(l["reason"].get<std::string>(), HasSubstr("needs scope carereach.write"));
    }
    if (rpc == "/carereach.v1.NetworkService/DeleteNetwork" && l["code"] == "PERMISSION_DENIED") {
      delete_as_a_denied = true;
    }
  }
  EXPECT_TRUE(import_ok);
  EXPECT_TRUE(import_denied);
  EXPECT_TRUE(delete_as_a_denied);
  const std::string log = ReadText(*log_path_);
  for (const std::string& file : {a_writer, a_reader, b_writer}) {
    const std::string token = ReadText(file);
    EXPECT_THAT(log, Not(HasSubstr(token.substr(token.rfind('.') + 1, 40))));
  }
  EXPECT_THAT(log, Not(HasSubstr("PRIVATE KEY")));
}

TEST_F(SecureEndToEndTest, ANewSigningKeyIsTrustedOnceItsKeySetIsPublished) {
  const CommandResult keys =
      RunCommand({CAREREACH_ADMIN_BIN, "keys", "create", "--key-out", *dir_ + "/next.pem", "--jwks",
                  *dir_ + "/jwks.json", "--alg", "RS256"});
  ASSERT_EQ(keys.exit_code, 0) << keys.err;
  const std::string next = Mint("alliance-a", "analyze", "next.pem");
  bool accepted = false;
  for (int i = 0; i < 30 && !accepted; ++i) {
    accepted = Cli(next, {"regions"}).exit_code == 0;
    if (!accepted) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_TRUE(accepted) << "the server did not pick up the new key set";
  // Retiring the first key locks its tokens out.
  const std::string old_token = Mint("alliance-a", "analyze");
  ASSERT_EQ(Cli(old_token, {"regions"}).exit_code, 0);
  std::string jwks = ReadText(*dir_ + "/jwks.json");
  const std::string kid = json::parse(jwks)["keys"][0]["kid"];
  ASSERT_EQ(RunCommand({CAREREACH_ADMIN_BIN, "keys", "retire", "--jwks", *dir_ + "/jwks.json",
                        "--kid", kid})
                .exit_code,
            0);
  bool refused = false;
  for (int i = 0; i < 30 && !refused; ++i) {
    const CommandResult r = Cli(old_token, {"regions"});
    refused = r.exit_code == 1 && r.err.find("unknown key id") != std::string::npos;
    if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_TRUE(refused);
  EXPECT_EQ(Cli(next, {"regions"}).exit_code, 0);
}

}  // namespace
}  // namespace carereach
