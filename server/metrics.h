#ifndef CAREREACH_SERVER_METRICS_H_
#define CAREREACH_SERVER_METRICS_H_

// The server's Prometheus metrics (prometheus-cpp), optionally served as text on GET /metrics
// of a port of their own (--metrics_listen):
//  - carereach_rpc_total{method,code}: finished calls by method and canonical code;
//  - carereach_rpc_duration_seconds{method}: their durations (histogram);
//  - carereach_rpc_in_flight: calls started and not yet finished;
//  - carereach_store_call_duration_seconds{operation}: store calls (histogram);
//  - carereach_region_state{region,state}: 1 for each region's road network state
//    (none/loading/loaded/failed), 0 for the others; carereach_region_road_graph_bytes{region}:
//    the bytes of a loaded road graph's arrays (read at each scrape from a RegionSource).
// Thread-safe.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace prometheus {
class Counter;
class Exposer;
class Gauge;
class Histogram;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace carereach {

// One region as the region gauges show it.
struct RegionMetrics {
  std::string region;
  // "none" (no road network configured), "loading", "loaded" or "failed".
  std::string state;
  int64_t road_graph_bytes = 0;  // 0 unless loaded
};

class Metrics {
 public:
  using RegionSource = std::function<std::vector<RegionMetrics>()>;

  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Serves GET /metrics on `listen_address` ("HOST:PORT"; port 0 picks a free port, see port()).
  // UNAVAILABLE naming the address when it cannot listen. Call at most once.
  absl::Status Serve(const std::string& listen_address);
  // The port serving /metrics; 0 when not serving.
  int port() const { return port_; }

  // A call started (the in-flight gauge goes up).
  void RpcStarted();
  // A call started with RpcStarted finished: counted under `method` (a bounded set of names:
  // see MethodLabel) and `code`, its duration observed; the in-flight gauge goes down.
  void RpcFinished(std::string_view method, absl::StatusCode code, absl::Duration duration);
  void ObserveStoreCall(std::string_view operation, absl::Duration duration);
  // Read at each scrape (or TextFormat call) for the region gauges; may be called again to
  // replace it. Null: no region gauges.
  void SetRegionSource(RegionSource source);

  // Every metric in the Prometheus text format (what /metrics answers).
  std::string TextFormat() const;

 private:
  class RegionCollectable;
  prometheus::Histogram& RpcHistogram(const std::string& method);

  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<RegionCollectable> regions_;
  prometheus::Family<prometheus::Counter>* rpc_total_;
  prometheus::Family<prometheus::Histogram>* rpc_duration_;
  prometheus::Family<prometheus::Histogram>* store_duration_;
  prometheus::Gauge* in_flight_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
};

// The label of a call's method: its path without the leading slash
// ("carereach.v1.AccessService/ComputeCoverage") when it names a method of a registered
// protobuf service or the health service, else "unknown" (a client's made-up path never makes a
// new time series).
std::string MethodLabel(std::string_view method_path);

// The store metrics of this process: store calls are timed where they are made (the RPC
// handlers and network_selection.cc, with TimeStoreCall), not in the store. SetStoreMetrics(m)
// sends them to `m` (null: nowhere); ClearStoreMetrics(m) stops that if `m` is still the one set (a
// server being destroyed).
void SetStoreMetrics(Metrics* metrics);
void ClearStoreMetrics(const Metrics* metrics);
void ObserveStoreCall(std::string_view operation, absl::Duration duration);

// Runs `call()` (a store call) and observes its duration under `operation`; returns its result.
template <typename Call>
auto TimeStoreCall(std::string_view operation, Call&& call) {
  const absl::Time start = absl::Now();
  auto result = std::forward<Call>(call)();
  ObserveStoreCall(operation, absl::Now() - start);
  return result;
}

}  // namespace carereach

#endif  // CAREREACH_SERVER_METRICS_H_
