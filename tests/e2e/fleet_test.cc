// A fleet: three real carereach-server replicas sharing one PostgreSQL store (a scratch database
// on the tests' server), driven through the CLI's client (clients/cli/channel.h: round_robin over
// the three addresses, gRPC retries on UNAVAILABLE of reads and of the unary writes the replicas
// key by x-request-id; RpcClient::RetryStreaming sends an import again whole, with the same
// x-request-id). A network written through one replica is read, versioned and diffed
// through the others; a mixed load of reads, imports and analyses from several threads reaches
// every replica; one replica is killed with SIGKILL mid-run, and no call fails: a write whose
// replica died after committing is retried on another, which answers the version it made, so
// every network holds exactly its acknowledged imports.
//
// Which replica answered a call is the call's peer (grpc::ClientContext::peer(), the address of
// the connection that carried its last attempt).
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "carereach/v1/access.grpc.pb.h"
#include "carereach/v1/contracting.grpc.pb.h"
#include "carereach/v1/networks.grpc.pb.h"
#include "clients/cli/args.h"
#include "clients/cli/channel.h"
#include "clients/cli/rpc_client.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/process.h"
#include "tests/postgres/scratch_database.h"

namespace carereach {
namespace {

const std::string kFixtures = std::string(CAREREACH_SOURCE_DIR) + "/tests/fixtures/server";
constexpr char kTenant[] = "fleet-test";
constexpr int kReplicas = 3;
constexpr int kThreads = 4;

// The store the replicas share: a scratch database on the tests' PostgreSQL server.
std::vector<std::string> SharedStoreFlags(const testing_util::ScratchDatabase& database) {
  return {"--store=" + database.url()};
}

// The CLI's channel (round_robin, retries) to `server` (one address or a list).
std::shared_ptr<grpc::Channel> Channel(const std::string& server) {
  cli::GlobalOptions options;
  options.server = server;
  EXPECT_TRUE(cli::ParseServerTarget(server, false, "").ok()) << server;
  return cli::MakeChannel(options);
}

// Every call carries its own x-request-id, as the CLI's do (RpcClient::Prepare): gRPC sends the
// same metadata again when it retries the call, and the replicas key writes by it.
// `request_id`, when given, receives the call's x-request-id.
std::unique_ptr<grpc::ClientContext> Ctx(std::string* request_id = nullptr) {
  static std::atomic<int> calls{0};
  auto c = std::make_unique<grpc::ClientContext>();
  const std::string id = absl::StrCat("fleet-", getpid(), "-", ++calls);
  if (request_id != nullptr) *request_id = id;
  c->AddMetadata("x-request-id", id);
  c->AddMetadata("x-carereach-tenant", kTenant);
  c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return c;
}

v1::NetworkProvider Row(const std::string& id, int i) {
  v1::NetworkProvider p;
  p.set_id(id);
  p.set_name("row " + std::to_string(i));
  p.set_specialty_code(i % 2 == 0 ? "040" : "011");
  p.mutable_location()->set_lon(0.01 * i);
  p.mutable_location()->set_lat(0.001 * i);
  if (i % 2 == 0) p.set_beds(10 + i);
  return p;
}

// Streams `rows` as a new version of `network_id` (created when missing).
grpc::Status Import(v1::NetworkService::Stub& stub, grpc::ClientContext& context,
                    const std::string& network_id, const std::vector<v1::NetworkProvider>& rows,
                    v1::NetworkVersion* version) {
  auto writer = stub.ImportNetwork(&context, version);
  v1::ImportNetworkRequest request;
  request.mutable_header()->set_network_id(network_id);
  request.mutable_header()->set_create_if_missing(true);
  request.mutable_header()->set_name(network_id);
  bool ok = writer->Write(request);
  request.Clear();
  for (const v1::NetworkProvider& row : rows) *request.mutable_providers()->add_providers() = row;
  ok = ok && writer->Write(request);
  if (ok) writer->WritesDone();
  return writer->Finish();
}

// "ipv4:127.0.0.1:PORT" -> "127.0.0.1:PORT".
std::string PeerAddress(const grpc::ClientContext& context) {
  std::string peer = context.peer();
  if (peer.rfind("ipv4:", 0) == 0) peer = peer.substr(5);
  return peer;
}

class FleetTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(testing::TempDir(), "/fleet", getpid());
    std::filesystem::remove_all(dir_);
    for (int r = 0; r < kReplicas; ++r) {
      std::vector<std::string> flags = {"--data_dir=" + kFixtures,
                                        "--regions=" + kFixtures + "/regions.textproto",
                                        "--road_cache_dir=",
                                        // Access lines (method, code, request id) for diagnosis.
                                        "--log_format=json"};
      for (std::string& f : SharedStoreFlags(database_)) flags.push_back(std::move(f));
      auto replica = testing_util::StartedServer::Start(CAREREACH_SERVER_BIN,
                                                        absl::StrCat(dir_, "/replica", r), flags);
      ASSERT_NE(replica, nullptr);
      addresses_.push_back(replica->address);
      replicas_.push_back(std::move(replica));
    }
    for (const std::string& address : addresses_) {
      auto stub = v1::NetworkService::NewStub(Channel(address));
      bool ready = false;
      for (int i = 0; i < 600 && !ready; ++i) {
        v1::ListNetworksResponse list;
        ready = stub->ListNetworks(Ctx().get(), {}, &list).ok();
        if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      ASSERT_TRUE(ready) << address << " never answered";
    }
  }
  void TearDown() override {
    replicas_.clear();
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }

  std::string Log(int r) const { return testing_util::ReadWholeFile(replicas_[r]->log_path); }

  std::string dir_;
  testing_util::ScratchDatabase database_;
  std::vector<std::unique_ptr<testing_util::StartedServer>> replicas_;
  std::vector<std::string> addresses_;
};

TEST_F(FleetTest, ANetworkWrittenThroughOneReplicaIsReadVersionedAndDiffedThroughTheOthers) {
  auto via0 = v1::NetworkService::NewStub(Channel(addresses_[0]));
  auto via1 = v1::NetworkService::NewStub(Channel(addresses_[1]));
  auto via2 = v1::NetworkService::NewStub(Channel(addresses_[2]));
  const std::vector<v1::NetworkProvider> v1_rows = {Row("a", 0), Row("b", 1), Row("c", 2)};
  v1::NetworkVersion created;
  ASSERT_TRUE(Import(*via0, *Ctx(), "shared", v1_rows, &created).ok());
  EXPECT_EQ(created.version(), 1);

  v1::GetNetworkRequest get;
  get.set_network_id("shared");
  v1::GetNetworkResponse got;
  ASSERT_TRUE(via1->GetNetwork(Ctx().get(), get, &got).ok());
  EXPECT_EQ(got.network().latest_version(), 1);
  EXPECT_EQ(got.network().latest_provider_count(), 3);

  // Version 2 through replica 1: "b" leaves, "d" joins.
  v1::NetworkVersion second;
  ASSERT_TRUE(
      Import(*via1, *Ctx(), "shared", {Row("a", 0), Row("c", 2), Row("d", 3)}, &second).ok());
  EXPECT_EQ(second.version(), 2);

  v1::DiffNetworkVersionsRequest diff;
  diff.set_network_id("shared");
  diff.set_from_version(1);
  diff.set_to_version(2);
  v1::DiffNetworkVersionsResponse changes;
  ASSERT_TRUE(via2->DiffNetworkVersions(Ctx().get(), diff, &changes).ok());
  ASSERT_EQ(changes.added_size(), 1);
  EXPECT_EQ(changes.added(0).id(), "d");
  ASSERT_EQ(changes.removed_size(), 1);
  EXPECT_EQ(changes.removed(0).id(), "b");
  EXPECT_EQ(changes.unchanged_count(), 2);
  EXPECT_EQ(changes.from().content_hash(), created.content_hash());
  EXPECT_EQ(changes.to().content_hash(), second.content_hash());

  // The real CLI with the three addresses, spread over them call by call: the same diff.
  for (int i = 0; i < 3; ++i) {
    const testing_util::CommandResult cli = testing_util::RunCommand(
        {CAREREACH_CLI_BIN, "--server", absl::StrJoin(addresses_, ","), "--tenant", kTenant,
         "network", "diff", "shared", "1", "2", "--format", "json"});
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    const nlohmann::json diff_json = nlohmann::json::parse(cli.out);
    EXPECT_EQ(diff_json["added"].size(), 1u) << cli.out;
    EXPECT_EQ(diff_json["removed"].size(), 1u) << cli.out;
  }
}

// What the load saw.
struct Outcome {
  std::string method;
  // UNAVAILABLE is retried: by the service config's retry policy, or (imports) by
  // RpcClient::RetryStreaming.
  bool retried = false;
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string message;
  std::string peer;
  bool after_kill = false;
  std::string network_id;  // writes
  std::string request_id;  // x-request-id: the replicas' access log lines carry it
};

TEST_F(FleetTest, MixedLoadReachesEveryReplicaAndNoCallFailsWhenOneIsKilled) {
  // The CLI's client: its channel, and its retries of the client-streaming imports, which the
  // channel's policy leaves out (clients/cli/channel.h).
  cli::GlobalOptions options;
  options.server = absl::StrJoin(addresses_, ",");
  options.tenant = kTenant;
  options.tenant_explicit = true;
  options.timeout_seconds = 30;
  const cli::RpcClient client(options);
  const std::shared_ptr<grpc::Channel>& channel = client.channel();
  auto networks = v1::NetworkService::NewStub(channel);
  auto access = v1::AccessService::NewStub(channel);
  auto contracting = v1::ContractingService::NewStub(channel);
  {
    v1::NetworkVersion v;
    ASSERT_TRUE(Import(*networks, *Ctx(), "base", {Row("a", 0), Row("b", 2)}, &v).ok());
  }

  absl::Mutex mu;
  std::vector<Outcome> outcomes;
  std::atomic<bool> killed{false};
  std::atomic<bool> stop{false};
  auto record = [&](Outcome o, const grpc::ClientContext& context, const grpc::Status& status) {
    o.code = status.error_code();
    o.message = status.error_message();
    if (o.peer.empty()) o.peer = PeerAddress(context);
    absl::MutexLock lock(&mu);
    outcomes.push_back(std::move(o));
  };
  auto load = [&](int t) {
    for (int i = 0; !stop.load(); ++i) {
      Outcome o;
      o.after_kill = killed.load();
      auto context = Ctx(&o.request_id);
      grpc::Status status;
      switch (i % 5) {
        case 0: {  // read, retried: straight-line coverage of the equator units
          o.method = "ComputeCoverage";
          o.retried = true;
          v1::ComputeCoverageRequest request;
          request.set_region("equator");
          request.set_mode(v1::TRAVEL_MODE_STRAIGHT_LINE);
          request.add_max_miles(40);
          v1::Facility* f = request.add_facilities();
          f->set_id("h");
          f->mutable_location()->set_lat(0);
          f->mutable_location()->set_lon(0);
          v1::ComputeCoverageResponse response;
          status = access->ComputeCoverage(context.get(), request, &response);
          break;
        }
        case 1: {  // write: a new version of this thread's network, sent whole again on
                   // UNAVAILABLE with the same request id (RpcClient::RetryStreaming)
          o.method = "ImportNetwork";
          o.retried = true;
          o.network_id = absl::StrCat("load-", t);
          v1::NetworkVersion version;
          status = client.RetryStreaming(o.request_id, [&](grpc::ClientContext& attempt, bool*) {
            const grpc::Status s =
                Import(*networks, attempt, o.network_id, {Row("x", i), Row("y", i + 1)}, &version);
            o.peer = PeerAddress(attempt);
            return s;
          });
          break;
        }
        case 2: {  // read, retried
          o.method = "GetNetwork";
          o.retried = true;
          v1::GetNetworkRequest request;
          request.set_network_id("base");
          v1::GetNetworkResponse response;
          status = networks->GetNetwork(context.get(), request, &response);
          break;
        }
        case 3: {  // read of the store (ContractingService's saves are keyed): retried
          o.method = "AnalyzeCoverage";
          o.retried = true;
          v1::AnalyzeCoverageRequest request;
          request.set_region("equator");
          request.set_mode(v1::TRAVEL_MODE_STRAIGHT_LINE);
          request.add_max_miles(40);
          request.add_networks()->set_network_id("base");
          v1::AnalyzeCoverageResponse response;
          status = contracting->AnalyzeCoverage(context.get(), request, &response);
          break;
        }
        default: {  // read, retried
          o.method = "ListNetworks";
          o.retried = true;
          v1::ListNetworksResponse response;
          status = networks->ListNetworks(context.get(), {}, &response);
          break;
        }
      }
      record(std::move(o), *context, status);
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(load, t);

  // Until every replica has answered some calls (or 20 s).
  auto answered_by = [&](const std::string& address) {
    absl::MutexLock lock(&mu);
    int n = 0;
    for (const Outcome& o : outcomes) n += o.code == grpc::StatusCode::OK && o.peer == address;
    return n;
  };
  for (int i = 0; i < 400; ++i) {
    if (answered_by(addresses_[0]) >= 20 && answered_by(addresses_[1]) >= 20 &&
        answered_by(addresses_[2]) >= 20) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::map<std::string, int> before_kill;
  {
    absl::MutexLock lock(&mu);
    for (const Outcome& o : outcomes) before_kill[o.peer] += o.code == grpc::StatusCode::OK;
  }
  replicas_[0]->process->Kill();  // calls are in flight on it
  killed = true;
  const size_t at_kill = [&] {
    absl::MutexLock lock(&mu);
    return outcomes.size();
  }();
  // Go on until the survivors have answered as many calls again.
  for (int i = 0; i < 400; ++i) {
    {
      absl::MutexLock lock(&mu);
      if (outcomes.size() >= 2 * at_kill) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stop = true;
  for (std::thread& t : threads) t.join();

  for (int r = 0; r < kReplicas; ++r) {
    EXPECT_GE(before_kill[addresses_[r]], 20)
        << "replica " << r << " (" << addresses_[r] << ") answered too few calls before the kill";
  }
  std::map<std::string, int> calls, failed;
  std::map<std::string, int> failed_writes;  // network id -> imports that failed
  int after_kill_ok = 0, on_killed_after_kill = 0;
  for (const Outcome& o : outcomes) {
    ++calls[o.method];
    if (o.after_kill && o.code == grpc::StatusCode::OK) {
      ++after_kill_ok;
      on_killed_after_kill += o.peer == addresses_[0];
    }
    if (o.code == grpc::StatusCode::OK) continue;
    ++failed[o.method];
    std::cerr << "failed: " << o.method << " " << o.code << " '" << o.message << "' peer '"
              << o.peer << "'" << (o.after_kill ? " after" : " before") << " the kill, request id "
              << o.request_id << "\n";
    // What each replica logged of it (its attempts; a call still running there has no line).
    for (int r = 0; r < kReplicas; ++r) {
      for (absl::string_view line : absl::StrSplit(Log(r), '\n')) {
        if (absl::StrContains(line, "\"" + o.request_id + "\"")) {
          std::cerr << "  replica " << r << ": " << line << "\n";
        }
      }
    }
    // Every method of the load is retried on UNAVAILABLE: none may fail.
    EXPECT_FALSE(o.retried) << o.method << " failed: " << o.message;
    if (!o.network_id.empty()) ++failed_writes[o.network_id];
  }
  int failures = 0;
  for (const auto& [method, n] : failed) failures += n;
  EXPECT_EQ(failures, 0);
  EXPECT_GT(after_kill_ok, 0);
  EXPECT_EQ(on_killed_after_kill, 0);

  // Each writer's network holds every acknowledged import and nothing else (a retried import
  // whose first attempt had committed answered that version instead of adding one):
  // acknowledged <= versions <= acknowledged + failed, and with no failures, equal.
  for (int t = 0; t < kThreads; ++t) {
    const std::string id = absl::StrCat("load-", t);
    int acknowledged = 0;
    for (const Outcome& o : outcomes) {
      acknowledged += o.network_id == id && o.code == grpc::StatusCode::OK;
    }
    v1::GetNetworkRequest get;
    get.set_network_id(id);
    v1::GetNetworkResponse got;
    ASSERT_TRUE(networks->GetNetwork(Ctx().get(), get, &got).ok()) << id;
    EXPECT_GE(got.network().version_count(), acknowledged) << id;
    EXPECT_LE(got.network().version_count(), acknowledged + failed_writes[id]) << id;
    for (const v1::NetworkVersion& v : got.versions()) EXPECT_EQ(v.provider_count(), 2) << id;
  }

  std::cerr << "calls:";
  for (const auto& [method, n] : calls) std::cerr << " " << method << " " << n;
  std::cerr << "\nfailed:";
  for (const auto& [method, n] : failed) std::cerr << " " << method << " " << n;
  std::cerr << "\nanswered before the kill:";
  for (int r = 0; r < kReplicas; ++r) std::cerr << " " << before_kill[addresses_[r]];
  std::cerr << "; after it: " << after_kill_ok << "\n";
}

}  // namespace
}  // namespace carereach
