// The CLI's channel (clients/cli/channel.h): --server lists and targets, the service config
// (round_robin over in-process servers, gRPC retries of reads and of the writes keyed by request
// id), and the region map.
#include "clients/cli/channel.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "clients/cli/rpc_client.h"
#include "tests/clients/fixtures.h"

namespace carereach::cli {
namespace {

using ::testing::HasSubstr;

MATCHER_P2(StatusIs, code, message_matcher, "") {
  return arg.code() == code && ::testing::ExplainMatchResult(
                                   message_matcher, std::string(arg.message()), result_listener);
}

TEST(ParseServerTargetTest, OneAddressOrTargetIsGivenToGrpcAsIs) {
  for (const char* server : {"127.0.0.1:50051", "carereach.internal:443",
                             "dns:///carereach.internal:443", "ipv4:10.0.0.1:1,10.0.0.2:1"}) {
    absl::StatusOr<ChannelTarget> target = ParseServerTarget(server, false, "");
    ASSERT_TRUE(target.ok()) << server << ": " << target.status();
    EXPECT_EQ(target->uri, server);
    EXPECT_EQ(target->authority, "");
    EXPECT_EQ(target->addresses, 1);
  }
  // One server (its host's addresses tried in order), or a fleet named by a target.
  EXPECT_FALSE(ParseServerTarget("localhost:50051", false, "")->round_robin);
  EXPECT_TRUE(ParseServerTarget("dns:///carereach.internal:443", false, "")->round_robin);
}

TEST(ParseServerTargetTest, SeveralAddressesBecomeAnIpv4OrIpv6List) {
  absl::StatusOr<ChannelTarget> v4 =
      ParseServerTarget("127.0.0.1:7001, 127.0.0.1:7002,127.0.0.1:7003", false, "");
  ASSERT_TRUE(v4.ok()) << v4.status();
  EXPECT_EQ(v4->uri, "ipv4:127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003");
  EXPECT_EQ(v4->authority, "127.0.0.1");  // not the whole list, which no certificate names
  EXPECT_EQ(v4->addresses, 3);
  EXPECT_TRUE(v4->round_robin);

  absl::StatusOr<ChannelTarget> v6 = ParseServerTarget("[::1]:7001,[::1]:7002", true, "");
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ(v6->uri, "ipv6:[::1]:7001,[::1]:7002");
  EXPECT_EQ(v6->authority, "::1");

  absl::StatusOr<ChannelTarget> hosts =
      ParseServerTarget("10.0.0.1:50051,10.0.0.2:50051", true, "carereach.internal");
  ASSERT_TRUE(hosts.ok()) << hosts.status();
  EXPECT_EQ(hosts->authority, "carereach.internal");
}

TEST(ParseServerTargetTest, ListErrorsNameTheEntry) {
  EXPECT_THAT(ParseServerTarget("a.example:1,b.example:1", false, "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("'a.example:1' is not an IP address")));
  EXPECT_THAT(ParseServerTarget("127.0.0.1:1,[::1]:2", false, "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("mixes IPv4 and IPv6")));
  EXPECT_THAT(ParseServerTarget("127.0.0.1:1,,127.0.0.1:2", false, "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty address")));
  EXPECT_THAT(ParseServerTarget("127.0.0.1:1,127.0.0.1", false, "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("'127.0.0.1' is not")));
  EXPECT_THAT(ParseServerTarget("127.0.0.1:1,dns:///x:1", false, "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is a URI")));
  // Different hosts over TLS: one name must be checked in every certificate.
  EXPECT_THAT(ParseServerTarget("10.0.0.1:1,10.0.0.2:1", true, "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--tls-server-name")));
  EXPECT_TRUE(ParseServerTarget("10.0.0.1:1,10.0.0.2:1", false, "").ok());
}

TEST(ServiceConfigTest, IsJsonWithRoundRobinAndRetriesForReadsAndKeyedWrites) {
  EXPECT_EQ(
      nlohmann::json::parse(ServiceConfigJson({.uri = "localhost:1"}))["loadBalancingConfig"][0]
          .begin()
          .key(),
      "pick_first");
  const nlohmann::json config =
      nlohmann::json::parse(ServiceConfigJson({.uri = "ipv4:127.0.0.1:1", .round_robin = true}));
  EXPECT_EQ(config["loadBalancingConfig"][0].begin().key(), "round_robin");
  ASSERT_EQ(config["methodConfig"].size(), 1u);
  const nlohmann::json& method = config["methodConfig"][0];
  EXPECT_EQ(method["retryPolicy"]["retryableStatusCodes"], nlohmann::json({"UNAVAILABLE"}));
  std::vector<std::string> names;
  for (const nlohmann::json& name : method["name"]) {
    names.push_back(name.value("service", "") + "/" + name.value("method", "*"));
  }
  EXPECT_THAT(names, ::testing::Contains("carereach.v1.NetworkService/GetNetwork"));
  EXPECT_THAT(names, ::testing::Contains("carereach.v1.AccessService/*"));
  // The unary writes the server keys by x-request-id are retried; a delete is not, nor are the
  // client-streaming calls, which RpcClient::RetryStreaming sends again whole.
  for (const char* keyed :
       {"carereach.v1.NetworkService/CreateNetwork", "carereach.v1.ContractingService/*"}) {
    EXPECT_THAT(names, ::testing::Contains(keyed));
  }
  for (const char* left_out :
       {"carereach.v1.NetworkService/DeleteNetwork", "carereach.v1.NetworkService/*",
        "carereach.v1.NetworkService/ImportNetwork", "carereach.v1.AdequacyService/*",
        "carereach.v1.AdequacyService/EvaluateAdequacy"}) {
    EXPECT_THAT(names, ::testing::Not(::testing::Contains(left_out)));
  }
  EXPECT_EQ(method["retryPolicy"]["maxAttempts"], kRetryMaxAttempts);
}

// A server answering ListRegions with its own name, and every call UNAVAILABLE while
// `unavailable_left` is above zero.
class CountingService final : public v1::AccessService::Service,
                              public v1::NetworkService::Service {
 public:
  explicit CountingService(std::string name) : name_(std::move(name)) {}
  grpc::Status ListRegions(grpc::ServerContext*, const v1::ListRegionsRequest*,
                           v1::ListRegionsResponse* response) override {
    ++calls;
    if (unavailable_left.fetch_sub(1) > 0) return {grpc::StatusCode::UNAVAILABLE, "busy"};
    response->add_regions()->set_name(name_);
    return grpc::Status::OK;
  }
  grpc::Status CreateNetwork(grpc::ServerContext*, const v1::CreateNetworkRequest*,
                             v1::CreateNetworkResponse*) override {
    ++calls;
    if (unavailable_left.fetch_sub(1) > 0) return {grpc::StatusCode::UNAVAILABLE, "busy"};
    return grpc::Status::OK;
  }
  grpc::Status DeleteNetwork(grpc::ServerContext*, const v1::DeleteNetworkRequest*,
                             v1::DeleteNetworkResponse*) override {
    ++calls;
    if (unavailable_left.fetch_sub(1) > 0) return {grpc::StatusCode::UNAVAILABLE, "busy"};
    return grpc::Status::OK;
  }
  // Reads the whole stream, then answers (UNAVAILABLE while unavailable_left is above zero).
  grpc::Status ImportNetwork(grpc::ServerContext* context,
                             grpc::ServerReader<v1::ImportNetworkRequest>* reader,
                             v1::NetworkVersion*) override {
    ++calls;
    int messages = 0;
    for (v1::ImportNetworkRequest request; reader->Read(&request);) ++messages;
    {
      absl::MutexLock lock(&mu);
      import_messages.push_back(messages);
      const auto id = context->client_metadata().find("x-request-id");
      request_ids.push_back(id == context->client_metadata().end()
                                ? ""
                                : std::string(id->second.data(), id->second.size()));
    }
    if (unavailable_left.fetch_sub(1) > 0) return {grpc::StatusCode::UNAVAILABLE, "busy"};
    return grpc::Status::OK;
  }
  std::atomic<int> calls{0};
  std::atomic<int> unavailable_left{0};
  absl::Mutex mu;
  std::vector<int> import_messages ABSL_GUARDED_BY(mu);  // messages each import attempt read
  std::vector<std::string> request_ids ABSL_GUARDED_BY(mu);

 private:
  std::string name_;
};

struct InProcessServer {
  explicit InProcessServer(std::string name) : service(std::move(name)) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(static_cast<v1::AccessService::Service*>(&service));
    builder.RegisterService(static_cast<v1::NetworkService::Service*>(&service));
    server = builder.BuildAndStart();
  }
  ~InProcessServer() { server->Shutdown(); }
  std::string address() const { return absl::StrCat("127.0.0.1:", port); }

  CountingService service;
  int port = 0;
  std::unique_ptr<grpc::Server> server;
};

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return context;
}

TEST(MakeChannelTest, SpreadsCallsOverEveryAddress) {
  InProcessServer a("a"), b("b"), c("c");
  GlobalOptions options;
  options.server = absl::StrJoin({a.address(), b.address(), c.address()}, ",");
  auto stub = v1::AccessService::NewStub(MakeChannel(options));
  for (int i = 0; i < 60; ++i) {
    v1::ListRegionsResponse response;
    ASSERT_TRUE(stub->ListRegions(Context().get(), {}, &response).ok());
  }
  // round_robin, once all three are connected, takes them in turn; the first calls may go to the
  // first one ready.
  EXPECT_GE(a.service.calls.load(), 5);
  EXPECT_GE(b.service.calls.load(), 5);
  EXPECT_GE(c.service.calls.load(), 5);
  EXPECT_EQ(a.service.calls + b.service.calls + c.service.calls, 60);
}

TEST(MakeChannelTest, RetriesReadsAndKeyedWritesOnUnavailableButNotADelete) {
  InProcessServer a("a");
  GlobalOptions options;
  options.server = a.address();
  const std::shared_ptr<grpc::Channel> channel = MakeChannel(options);

  a.service.unavailable_left = 2;
  v1::ListRegionsResponse regions;
  const grpc::Status read =
      v1::AccessService::NewStub(channel)->ListRegions(Context().get(), {}, &regions);
  EXPECT_TRUE(read.ok()) << read.error_message();
  EXPECT_EQ(a.service.calls.load(), 3);  // two UNAVAILABLE, then the answer

  a.service.calls = 0;
  a.service.unavailable_left = 1;
  v1::CreateNetworkResponse created;
  const grpc::Status write =
      v1::NetworkService::NewStub(channel)->CreateNetwork(Context().get(), {}, &created);
  EXPECT_TRUE(write.ok()) << write.error_message();
  EXPECT_EQ(a.service.calls.load(), 2);

  a.service.calls = 0;
  a.service.unavailable_left = 1;
  v1::DeleteNetworkResponse deleted;
  const grpc::Status unkeyed =
      v1::NetworkService::NewStub(channel)->DeleteNetwork(Context().get(), {}, &deleted);
  EXPECT_EQ(unkeyed.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(a.service.calls.load(), 1);
}

// ImportNetwork is not in the channel's retry policy (ServiceConfigJson): RpcClient::RetryStreaming
// sends the whole stream again on UNAVAILABLE, with the same x-request-id, up to the policy's
// attempts; an attempt that has handed on a response is not retried.
TEST(RetryStreamingTest, SendsAClientStreamAgainWholeWithTheSameRequestId) {
  InProcessServer a("a");
  GlobalOptions options;
  options.server = a.address();
  const RpcClient client(options);
  auto stub = v1::NetworkService::NewStub(client.channel());
  auto import = [&](grpc::ClientContext& context, bool*) {
    v1::NetworkVersion version;
    auto writer = stub->ImportNetwork(&context, &version);
    v1::ImportNetworkRequest request;
    request.mutable_header()->set_network_id("n");
    writer->Write(request);
    request.Clear();
    request.mutable_providers()->add_providers()->set_id("p");
    writer->Write(request);
    writer->WritesDone();
    return writer->Finish();
  };

  a.service.unavailable_left = 2;
  const grpc::Status retried = client.RetryStreaming("import-1", import);
  EXPECT_TRUE(retried.ok()) << retried.error_message();
  EXPECT_EQ(a.service.calls.load(), 3);
  {
    absl::MutexLock lock(&a.service.mu);
    EXPECT_THAT(a.service.import_messages, ::testing::ElementsAre(2, 2, 2));
    EXPECT_THAT(a.service.request_ids, ::testing::Each(::testing::Eq("import-1")));
  }

  a.service.calls = 0;
  a.service.unavailable_left = 100;
  const grpc::Status gave_up = client.RetryStreaming("import-2", import);
  EXPECT_EQ(gave_up.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(a.service.calls.load(), kRetryMaxAttempts);

  a.service.calls = 0;
  a.service.unavailable_left = 100;
  const grpc::Status answered =
      client.RetryStreaming("import-3", [&](grpc::ClientContext& context, bool* may_retry) {
        *may_retry = false;  // as after a response was handed on
        return import(context, may_retry);
      });
  EXPECT_EQ(answered.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(a.service.calls.load(), 1);
}

TEST(RegionMapTest, SendsARegionsCallsToItsReplicas) {
  const std::string path = cli_test_util::WriteTempFile(
      "regions.json",
      R"({"regions": {"yuba": "10.0.0.1:50051,10.0.0.2:50051", "us": "dns:///us.internal:1"}})");
  absl::StatusOr<Invocation> coverage =
      ParseArgs({"--region-map", path, "coverage", "--region", "yuba", "--facilities", "f.csv",
                 "--minutes", "30"});
  ASSERT_TRUE(coverage.ok()) << coverage.status();
  EXPECT_EQ(InvocationRegion(*coverage), "yuba");
  ASSERT_TRUE(ApplyRegionMap(coverage->global, InvocationRegion(*coverage)).ok());
  EXPECT_EQ(coverage->global.server, "10.0.0.1:50051,10.0.0.2:50051");

  // A region not in the map, or a command without one, keeps --server.
  GlobalOptions other = coverage->global;
  other.server = "127.0.0.1:9";
  ASSERT_TRUE(ApplyRegionMap(other, "michigan").ok());
  EXPECT_EQ(other.server, "127.0.0.1:9");
  absl::StatusOr<Invocation> list = ParseArgs({"--region-map", path, "network", "list"});
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(InvocationRegion(*list), "");
}

TEST(RegionMapTest, ErrorsNameTheFileAndTheRegion) {
  GlobalOptions options;
  options.region_map_file = cli_test_util::TestTempDir() + "missing.json";
  EXPECT_THAT(ApplyRegionMap(options, "yuba"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("cannot read")));
  options.region_map_file = cli_test_util::WriteTempFile("bad.json", "{regions");
  EXPECT_THAT(ApplyRegionMap(options, "yuba"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is not JSON")));
  options.region_map_file =
      cli_test_util::WriteTempFile("bad_value.json", R"({"regions": {"yuba": "a:1,b:2"}})");
  EXPECT_THAT(ApplyRegionMap(options, "yuba"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("regions.yuba: --server: 'a:1' is not an IP address")));
}

TEST(RegionMapTest, TheCliRoutesACommandThroughTheMap) {
  InProcessServer yuba("yuba-replica");
  const std::string path = cli_test_util::WriteTempFile(
      "route.json", absl::StrCat(R"({"regions": {"yuba": ")", yuba.address(), R"("}})"));
  // `--server` is nothing listening; the map sends the yuba call to the replica, which answers
  // ComputeCoverage UNIMPLEMENTED (it is not a real server): the call reached it.
  const std::string csv =
      cli_test_util::WriteTempFile("f.csv", "ID,NAME,LATITUDE,LONGITUDE\nh,H,0,0\n");
  std::ostringstream out, err;
  const int code = RunCli({"--server", "127.0.0.1:1", "--region-map", path, "coverage", "--region",
                           "yuba", "--facilities", csv, "--miles", "10"},
                          out, err, false);
  EXPECT_EQ(code, kExitError);
  EXPECT_THAT(err.str(), HasSubstr("UNIMPLEMENTED"));
}

}  // namespace
}  // namespace carereach::cli
