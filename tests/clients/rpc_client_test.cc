// The call policy of the CLI (rpc_client.h): unreachable servers, --wait-seconds, gRPC code
// names.

#include "clients/cli/rpc_client.h"

#include "tests/clients/fake_services.h"
#include "tests/clients/fixtures.h"

namespace carereach::cli {
namespace {

TEST(RunCliTest, UnreachableServer) {
  std::ostringstream out, err;
  // Port 1 (tcpmux) is closed on any sane test machine.
  EXPECT_EQ(RunCli({"regions", "--server", "127.0.0.1:1", "--timeout-seconds", "5"}, out, err),
            kExitError);
  const std::string message = err.str();
  EXPECT_THAT(message, StartsWith("error: UNAVAILABLE: cannot reach carereach server at "
                                  "127.0.0.1:1: "));
  EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 1) << message;
}

TEST(RunCliTest, WaitSecondsWaitsForAServerThatIsStarting) {
  // Find a free port, then start the server on it only after the client has begun waiting.
  FakeAccessService service;
  int port = 0;
  {
    FakeAccessService probe_service;
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&probe_service);
    std::unique_ptr<grpc::Server> probe = builder.BuildAndStart();
    ASSERT_NE(probe, nullptr);
    probe->Shutdown();
  }
  const std::string address = "127.0.0.1:" + std::to_string(port);
  std::ostringstream out, err;
  std::thread client([&] {
    EXPECT_EQ(RunCli({"regions", "--server", address, "--wait-seconds", "20"}, out, err), kExitOk)
        << err.str();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  grpc::ServerBuilder builder;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  EXPECT_NE(server, nullptr);  // not ASSERT: the client thread must be joined
  const auto started = std::chrono::steady_clock::now();
  client.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_THAT(out.str(), HasSubstr("honolulu"));
  if (server != nullptr) server->Shutdown();
}

TEST(GrpcCodeNameTest, Names) {
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::INVALID_ARGUMENT), "INVALID_ARGUMENT");
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::RESOURCE_EXHAUSTED), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(GrpcCodeName(grpc::StatusCode::DEADLINE_EXCEEDED), "DEADLINE_EXCEEDED");
  EXPECT_THAT(FromGrpcStatus(grpc::Status(grpc::StatusCode::NOT_FOUND, "no region 'mars'")),
              StatusIs(absl::StatusCode::kNotFound, "NOT_FOUND: no region 'mars'"));
}

}  // namespace
}  // namespace carereach::cli
