#ifndef CAREREACH_TESTS_CLIENTS_CLI_TEST_UTIL_H_
#define CAREREACH_TESTS_CLIENTS_CLI_TEST_UTIL_H_

// Helpers of the CLI tests: temporary files, and a fake gRPC service on a loopback port with
// Run() to call the CLI against it.

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "carereach/v1/access.pb.h"
#include "clients/cli/commands.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace carereach::cli::cli_test_util {

// One threshold of a hand-built coverage answer.
inline carereach::v1::ThresholdCoverage Minutes(double minutes, int64_t covered, double share) {
  carereach::v1::ThresholdCoverage t;
  t.set_max_minutes(minutes);
  t.set_covered_population(covered);
  t.set_share(share);
  return t;
}

inline carereach::v1::ThresholdCoverage Miles(double miles, int64_t covered, double share) {
  carereach::v1::ThresholdCoverage t;
  t.set_max_miles(miles);
  t.set_covered_population(covered);
  t.set_share(share);
  return t;
}

inline std::string WriteTempFile(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A fake `Service` on a free loopback port, and Run() to call the CLI against it. Plaintext,
// unless a subclass overrides ServerCredentials() (e.g. with grpc::SslServerCredentials).
template <typename Service>
class FakeServerTest : public ::testing::Test {
 protected:
  virtual std::shared_ptr<grpc::ServerCredentials> ServerCredentials() {
    return grpc::InsecureServerCredentials();
  }

  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", ServerCredentials(), &port);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    address_ = "127.0.0.1:" + std::to_string(port);
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  int Run(std::vector<std::string> args) {
    args.insert(args.end(), {"--server", address_});
    out_.str("");
    err_.str("");
    return RunCli(args, out_, err_);
  }

  Service service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  std::ostringstream out_, err_;
};

}  // namespace carereach::cli::cli_test_util

#endif  // CAREREACH_TESTS_CLIENTS_CLI_TEST_UTIL_H_
