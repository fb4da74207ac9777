// Durability: the real carereach-server is killed with SIGKILL in the middle of a stream of
// writes from two client threads; after a restart on the same state directory, every write the
// server had acknowledged is there, exactly as written.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "carereach/v1/networks.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/e2e/process.h"

namespace carereach {
namespace {

const std::string kFixtures = std::string(CAREREACH_SOURCE_DIR) + "/tests/fixtures/server";

// The fixture server on a free port with its store in `state_dir`; returns its address.
std::string StartServer(const std::string& dir, const std::string& state_dir,
                        std::unique_ptr<testing_util::ChildProcess>* process) {
  const std::string port_file = dir + "/port";
  std::filesystem::remove(port_file);
  *process = std::make_unique<testing_util::ChildProcess>(
      std::vector<std::string>{CAREREACH_SERVER_BIN, "--listen=127.0.0.1:0",
                               "--port_file=" + port_file, "--data_dir=" + kFixtures,
                               "--regions=" + kFixtures + "/regions.textproto",
                               "--road_cache_dir=", "--state_dir=" + state_dir},
      dir + "/server.log");
  for (int i = 0; i < 600 && !std::filesystem::exists(port_file); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::string port = testing_util::ReadWholeFile(port_file);
  port.erase(port.find_last_not_of("\n ") + 1);
  return "127.0.0.1:" + port;
}

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto c = std::make_unique<grpc::ClientContext>();
  c->AddMetadata("x-carereach-tenant", "crash-test");
  c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return c;
}

// Waits until the server answers NetworkService calls (regions loaded).
void WaitReady(v1::NetworkService::Stub& stub) {
  for (int i = 0; i < 600; ++i) {
    v1::ListNetworksResponse list;
    if (stub.ListNetworks(Ctx().get(), {}, &list).ok()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL() << "server never became ready";
}

v1::NetworkProvider Row(const std::string& id, int i) {
  v1::NetworkProvider p;
  p.set_id(id);
  p.set_name("row " + std::to_string(i));
  p.set_specialty_code(i % 2 == 0 ? "040" : "011");
  p.mutable_location()->set_lon(0.001 * i);
  p.mutable_location()->set_lat(0.5 - 0.001 * i);
  if (i % 2 == 0) p.set_beds(i);
  return p;
}

TEST(StoreCrashTest, EveryAcknowledgedWriteSurvivesKillNine) {
  const std::string dir = testing::TempDir() + "/crash" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string state_dir = dir + "/state";
  std::unique_ptr<testing_util::ChildProcess> server;
  const std::string address = StartServer(dir, state_dir, &server);
  auto stub =
      v1::NetworkService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  WaitReady(*stub);

  // Two writers create networks (each a create plus a first version of 3 rows) until the server
  // stops answering; each records what was acknowledged.
  absl::Mutex mu;
  std::map<std::string, int> acknowledged;  // network id -> its writer's sequence number
  std::atomic<int> attempted{0};
  auto writer = [&](int w) {
    for (int i = 0;; ++i) {
      v1::CreateNetworkRequest request;
      request.set_network_id("w" + std::to_string(w) + "-" + std::to_string(i));
      request.set_name("writer " + std::to_string(w));
      for (int r = 0; r < 3; ++r) *request.add_providers() = Row("p" + std::to_string(r), i + r);
      v1::CreateNetworkResponse response;
      ++attempted;
      if (!stub->CreateNetwork(Ctx().get(), request, &response).ok()) return;
      absl::MutexLock lock(&mu);
      acknowledged[request.network_id()] = i;
    }
  };
  std::thread a(writer, 0), b(writer, 1);
  for (int i = 0; i < 2000; ++i) {
    {
      absl::MutexLock lock(&mu);
      if (acknowledged.size() >= 60) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  server->Kill();  // mid-stream: writes are in flight
  a.join();
  b.join();
  ASSERT_GE(acknowledged.size(), 60u) << testing_util::ReadWholeFile(dir + "/server.log");

  const std::string address2 = StartServer(dir, state_dir, &server);
  stub = v1::NetworkService::NewStub(
      grpc::CreateChannel(address2, grpc::InsecureChannelCredentials()));
  WaitReady(*stub);
  std::map<std::string, int64_t> found;  // network id -> rows of its latest version
  v1::ListNetworksRequest list_request;
  list_request.set_page_size(25);
  do {
    v1::ListNetworksResponse list;
    ASSERT_TRUE(stub->ListNetworks(Ctx().get(), list_request, &list).ok());
    for (const v1::Network& n : list.networks()) found[n.network_id()] = n.latest_provider_count();
    list_request.set_page_token(list.next_page_token());
  } while (!list_request.page_token().empty());

  for (const auto& [id, i] : acknowledged) {
    ASSERT_TRUE(found.contains(id)) << id << " was acknowledged but is gone after kill -9";
    EXPECT_EQ(found[id], 3) << id;
    // Its rows are exactly those written.
    v1::ExportNetworkRequest request;
    request.set_network_id(id);
    auto ctx = Ctx();
    auto reader = stub->ExportNetwork(ctx.get(), request);
    v1::ExportNetworkResponse part;
    int r = 0;
    while (reader->Read(&part)) {
      for (const v1::NetworkProvider& p : part.providers().providers()) {
        EXPECT_EQ(p.SerializeAsString(), Row("p" + std::to_string(r), i + r).SerializeAsString())
            << id << " row " << r;
        ++r;
      }
    }
    EXPECT_TRUE(reader->Finish().ok());
    EXPECT_EQ(r, 3);
  }
  // Writes that were never acknowledged may or may not have landed, but nothing else appears,
  // and none landed halfway: every network there, acknowledged or not, has its 3-row version 1
  // (a network and its first version are one transaction; no shell networks).
  EXPECT_LE(found.size(), static_cast<size_t>(attempted.load()));
  for (const auto& [id, rows] : found) {
    EXPECT_EQ(rows, 3) << id << " is there without its roster after kill -9";
  }
  std::cerr << "acknowledged " << acknowledged.size() << " of " << attempted.load()
            << " attempted writes before SIGKILL; " << found.size() << " networks after restart\n";
  server->Stop(10);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace carereach
