// The in-process server on the equator fixture (tests/fixtures/server: units at 0.1, 0.5, 1
// and 2 degrees east of (0, 0) with 1000, 2000, 4000 and 0 residents, roads along the equator),
// shared by server_test and contracting_server_test: its options, starting it on a free
// loopback port, a channel to it, and request rows.
#ifndef CAREREACH_TESTS_SERVER_EQUATOR_SERVER_H_
#define CAREREACH_TESTS_SERVER_EQUATOR_SERVER_H_

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <memory>
#include <string>
#include <utility>

#include "carereach/v1/access.pb.h"
#include "carereach/v1/adequacy.pb.h"
#include "gtest/gtest.h"
#include "server/server.h"

namespace carereach::testing_util {

inline const std::string kServerFixtures =
    std::string(CAREREACH_SOURCE_DIR) + "/tests/fixtures/server";

// A server on a free loopback port serving the fixture's regions.
inline Server::Options EquatorServerOptions() {
  Server::Options o;
  o.listen_address = "127.0.0.1:0";
  o.data_dir = kServerFixtures;
  o.regions_config_path = kServerFixtures + "/regions.textproto";
  return o;
}

// Starts the server and (when `load`) loads its regions and waits for the roads; null (with a
// test failure) when it does not start.
inline std::unique_ptr<Server> StartServer(const Server::Options& options, bool load = true) {
  auto server = Server::BuildAndStart(options);
  EXPECT_TRUE(server.ok()) << server.status();
  if (!server.ok()) return nullptr;
  if (load) {
    EXPECT_TRUE((*server)->LoadRegions().ok());
    (*server)->WaitForRoads();
  }
  return *std::move(server);
}

inline std::shared_ptr<grpc::Channel> LoopbackChannel(const Server& server) {
  return grpc::CreateChannel("127.0.0.1:" + std::to_string(server.port()),
                             grpc::InsecureChannelCredentials());
}

inline v1::Facility MakeFacility(const std::string& id, double lon, double lat) {
  v1::Facility f;
  f.set_id(id);
  f.mutable_location()->set_lon(lon);
  f.mutable_location()->set_lat(lat);
  return f;
}

// An acute inpatient hospital ("040") with 100 beds.
inline v1::NetworkProvider Hospital(const std::string& id, double lon, double lat = 0) {
  v1::NetworkProvider p;
  p.set_id(id);
  p.set_name("Hospital " + id);
  p.set_specialty_code("040");
  p.mutable_location()->set_lon(lon);
  p.mutable_location()->set_lat(lat);
  p.set_beds(100);
  return p;
}

}  // namespace carereach::testing_util

#endif  // CAREREACH_TESTS_SERVER_EQUATOR_SERVER_H_
