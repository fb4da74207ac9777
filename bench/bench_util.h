#ifndef CAREREACH_BENCH_BENCH_UTIL_H_
#define CAREREACH_BENCH_BENCH_UTIL_H_

// Shared pieces of the benchmarks that time whole RPCs against an in-process server.

#include <benchmark/benchmark.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <cstdlib>
#include <memory>
#include <span>
#include <string>

#include "bench/bench_env.h"
#include "carereach/v1/access.grpc.pb.h"
#include "geo/access/coverage.h"
#include "server/server.h"

namespace carereach::bench {

// $CAREREACH_DATA, else ../shared/data.
inline std::string DataDir() {
  const char* env = std::getenv("CAREREACH_DATA");
  return env != nullptr && *env != '\0' ? env : "../shared/data";
}

// A stub to a carereach server on a free loopback port, started once per process with the
// shipped regions (and, when asked, its road networks loaded). Exits on failure.
inline std::unique_ptr<v1::AccessService::Stub> LoopbackStub(bool wait_for_roads) {
  static Server* server = [wait_for_roads] {
    Server::Options options;
    options.listen_address = "127.0.0.1:0";
    options.data_dir = DataDir();
    options.road_hierarchy = BenchRoadHierarchy();
    auto s = Server::BuildAndStart(options);
    if (!s.ok() || !(*s)->LoadRegions().ok()) std::exit(1);
    if (wait_for_roads) (*s)->WaitForRoads();
    return s->release();
  }();
  return v1::AccessService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(server->port()), grpc::InsecureChannelCredentials()));
}

inline void AddFacilities(std::span<const access::Facility> facilities,
                          v1::ComputeCoverageRequest* request) {
  for (const access::Facility& f : facilities) {
    v1::Facility* p = request->add_facilities();
    p->set_id(f.id);
    p->mutable_location()->set_lon(f.location.lon);
    p->mutable_location()->set_lat(f.location.lat);
  }
}

// Times `request` once per iteration; reports the server's own compute time as a counter.
inline void TimeCoverageRpc(benchmark::State& state, v1::AccessService::Stub& stub,
                            const v1::ComputeCoverageRequest& request) {
  double server_ms = 0;
  for (auto _ : state) {
    grpc::ClientContext context;
    v1::ComputeCoverageResponse response;
    const grpc::Status status = stub.ComputeCoverage(&context, request, &response);
    if (!status.ok()) state.SkipWithError(status.error_message().c_str());
    server_ms += response.compute_ms();
  }
  state.counters["server_compute_ms"] = server_ms / static_cast<double>(state.iterations());
  state.counters["facilities"] = request.facilities_size();
}

}  // namespace carereach::bench

#endif  // CAREREACH_BENCH_BENCH_UTIL_H_
