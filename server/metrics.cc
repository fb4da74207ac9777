#include "server/metrics.h"

#include <google/protobuf/descriptor.h>
#include <prometheus/client_metric.h>
#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <atomic>
#include <exception>
#include <stdexcept>

#include "absl/base/thread_annotations.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"

namespace carereach {
namespace {

// Seconds: from a cheap lookup (1 ms) to the longest computation (--max_request_seconds 300).
const prometheus::Histogram::BucketBoundaries& RpcBuckets() {
  static const auto* const buckets = new prometheus::Histogram::BucketBoundaries{
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};
  return *buckets;
}

// Seconds: from an indexed read (0.1 ms) to a large version's write.
const prometheus::Histogram::BucketBoundaries& StoreBuckets() {
  static const auto* const buckets = new prometheus::Histogram::BucketBoundaries{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
  return *buckets;
}

constexpr const char* kRegionStates[] = {"none", "loading", "loaded", "failed"};

std::atomic<Metrics*> the_store_metrics{nullptr};

}  // namespace

// The region gauges, built at each collection from the RegionSource.
class Metrics::RegionCollectable : public prometheus::Collectable {
 public:
  void Set(RegionSource source) {
    absl::MutexLock lock(&mu_);
    source_ = std::move(source);
  }

  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<RegionMetrics> regions;
    {
      absl::MutexLock lock(&mu_);
      if (source_ == nullptr) return {};
      regions = source_();
    }
    prometheus::MetricFamily state{
        .name = "carereach_region_state",
        .help = "1 for the state of each region's road network (none, loading, loaded, failed)",
        .type = prometheus::MetricType::Gauge};
    prometheus::MetricFamily bytes{
        .name = "carereach_region_road_graph_bytes",
        .help = "Bytes of the arrays of each region's loaded road graph (0 unless loaded)",
        .type = prometheus::MetricType::Gauge};
    for (const RegionMetrics& r : regions) {
      for (const char* s : kRegionStates) {
        prometheus::ClientMetric m;
        m.label = {{"region", r.region}, {"state", s}};
        m.gauge.value = r.state == s ? 1 : 0;
        state.metric.push_back(std::move(m));
      }
      prometheus::ClientMetric m;
      m.label = {{"region", r.region}};
      m.gauge.value = static_cast<double>(r.road_graph_bytes);
      bytes.metric.push_back(std::move(m));
    }
    return {std::move(state), std::move(bytes)};
  }

 private:
  mutable absl::Mutex mu_;
  RegionSource source_ ABSL_GUARDED_BY(mu_);
};

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      regions_(std::make_shared<RegionCollectable>()) {
  rpc_total_ = &prometheus::BuildCounter()
                    .Name("carereach_rpc_total")
                    .Help("Finished calls by method and canonical status code")
                    .Register(*registry_);
  rpc_duration_ = &prometheus::BuildHistogram()
                       .Name("carereach_rpc_duration_seconds")
                       .Help("Call durations by method, from its arrival to its status")
                       .Register(*registry_);
  store_duration_ = &prometheus::BuildHistogram()
                         .Name("carereach_store_call_duration_seconds")
                         .Help("Store call durations by operation")
                         .Register(*registry_);
  in_flight_ = &prometheus::BuildGauge()
                    .Name("carereach_rpc_in_flight")
                    .Help("Calls started and not yet finished")
                    .Register(*registry_)
                    .Add({});
}

Metrics::~Metrics() {
  exposer_.reset();  // no scrape runs past here
  ClearStoreMetrics(this);
}

absl::Status Metrics::Serve(const std::string& listen_address) {
  try {
    auto exposer = std::make_unique<prometheus::Exposer>(listen_address, /*num_threads=*/1);
    const std::vector<int> ports = exposer->GetListeningPorts();
    if (ports.empty()) throw std::runtime_error("no listening port");
    exposer->RegisterCollectable(registry_);
    exposer->RegisterCollectable(regions_);
    port_ = ports.front();
    exposer_ = std::move(exposer);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrFormat(
        "--metrics_listen: cannot listen on %s (in use, or not a HOST:PORT address): %s",
        listen_address, e.what()));
  }
  return absl::OkStatus();
}

void Metrics::RpcStarted() { in_flight_->Increment(); }

prometheus::Histogram& Metrics::RpcHistogram(const std::string& method) {
  return rpc_duration_->Add({{"method", method}}, RpcBuckets());
}

void Metrics::RpcFinished(std::string_view method, absl::StatusCode code, absl::Duration duration) {
  const std::string m(method);
  rpc_total_->Add({{"method", m}, {"code", absl::StatusCodeToString(code)}}).Increment();
  RpcHistogram(m).Observe(absl::ToDoubleSeconds(duration));
  in_flight_->Decrement();
}

void Metrics::ObserveStoreCall(std::string_view operation, absl::Duration duration) {
  store_duration_->Add({{"operation", std::string(operation)}}, StoreBuckets())
      .Observe(absl::ToDoubleSeconds(duration));
}

void Metrics::SetRegionSource(RegionSource source) { regions_->Set(std::move(source)); }

std::string Metrics::TextFormat() const {
  std::vector<prometheus::MetricFamily> families = registry_->Collect();
  for (prometheus::MetricFamily& f : regions_->Collect()) families.push_back(std::move(f));
  return prometheus::TextSerializer().Serialize(families);
}

std::string MethodLabel(std::string_view method_path) {
  const absl::string_view path(method_path.data(), method_path.size());
  if (path == "/grpc.health.v1.Health/Check" || path == "/grpc.health.v1.Health/Watch") {
    return std::string(path.substr(1));
  }
  if (!absl::StartsWith(path, "/") || path.size() > 200) return "unknown";
  const std::string full_name = absl::StrReplaceAll(path.substr(1), {{"/", "."}});
  if (google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(full_name) == nullptr) {
    return "unknown";
  }
  return std::string(path.substr(1));
}

void SetStoreMetrics(Metrics* metrics) { the_store_metrics.store(metrics); }

void ClearStoreMetrics(const Metrics* metrics) {
  Metrics* expected = const_cast<Metrics*>(metrics);
  the_store_metrics.compare_exchange_strong(expected, nullptr);
}

void ObserveStoreCall(std::string_view operation, absl::Duration duration) {
  if (Metrics* m = the_store_metrics.load(); m != nullptr) m->ObserveStoreCall(operation, duration);
}

}  // namespace carereach
