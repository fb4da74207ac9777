#ifndef CAREREACH_SERVER_SERVER_H_
#define CAREREACH_SERVER_SERVER_H_

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/server.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "carereach/v1/region_config.pb.h"
#include "geo/access/coverage.h"
#include "geo/roads/speed_profile.h"
#include "geo/routing/hierarchy.h"
#include "server/auth/authenticator.h"
#include "server/metrics.h"
#include "server/store/store.h"

namespace grpc {
class Server;
}

namespace carereach {
class RegionCatalog;
namespace rpc {
class Admission;
class AccessServiceImpl;
class AdequacyServiceImpl;
class ContractingServiceImpl;
class MapServiceImpl;
class NetworkServiceImpl;
}  // namespace rpc

// The carereach gRPC server: AccessService, AdequacyService, NetworkService, ContractingService,
// MapService,
// the standard health service (NOT_SERVING until the regions are loaded) and server reflection.
// Thread-safe: Shutdown() may be called from any thread, e.g. a signal-handling thread.
class Server {
 public:
  struct Options {
    // HOST:PORT to listen on; port 0 picks a free port (see port()).
    std::string listen_address = "127.0.0.1:50051";
    // Root of the data files named in the regions config.
    std::string data_dir = "../shared/data";
    // Regions config path (protobuf text format); empty uses the shipped default
    // (deploy/regions.textproto, built into the binary).
    std::string regions_config_path;
    // Largest request and response message, bytes.
    int max_message_bytes = 64 << 20;
    access::CoverageLimits limits;
    // Bound on a request's computation when the caller sets no (or a longer) deadline.
    absl::Duration max_request_time = absl::Minutes(5);
    // Where imported road graphs are cached (empty: no cache).
    std::string road_cache_dir;
    // Drive searches on a contraction hierarchy (built at import, kept in the road cache); false:
    // on the reference Dijkstra (same answers, slower queries, no hierarchy build at start-up).
    bool road_hierarchy = true;
    // The metrics the hierarchy is contracted for (routing::HierarchyMetrics): time only leaves
    // shortest-distance searches on Dijkstra.
    routing::HierarchyMetrics road_hierarchy_metrics = routing::HierarchyMetrics::kTimeAndDistance;
    // Contract with lazy priority updates (routing::ContractionParams::lazy_priorities).
    bool road_hierarchy_lazy_priorities = false;
    // Speed profile CSV (empty: the shipped deploy/profiles/car.csv, built in).
    std::string speed_profile_path;
    // Most rows of one adequacy roster.
    int64_t max_roster_rows = 2000000;
    // Most bytes of one stored network version (its rows' encoded size plus 8 bytes a row). The
    // server applies at most (max_message_bytes - 16 KiB) / 2, so that any two versions can be
    // diffed in one response.
    int64_t max_version_bytes = 24 << 20;
    // Admission control: calls in flight over all tenants, and of one tenant; beyond them a call
    // answers RESOURCE_EXHAUSTED at once with trailing metadata retry-after-ms. 0: no limit.
    // The health service, reflection and ListRegions are not counted.
    int max_calls_in_flight = 128;
    int max_calls_per_tenant = 32;
    // MapService: pixels of the maps being drawn at once, over all calls (4 bytes each while a
    // PNG is drawn); a map waits for room until its deadline, then RESOURCE_EXHAUSTED with
    // retry-after-ms. A single map larger than this is refused at once.
    int64_t max_render_pixels_in_flight = int64_t{64} << 20;
    absl::Duration admission_retry_after = absl::Seconds(1);
    // Directory of the embedded store (SQLite file carereach.db: networks and reports). Empty:
    // no store; NetworkService and stored networks answer FAILED_PRECONDITION.
    std::string state_dir;
    // The store's location, overriding state_dir when set: "sqlite:DIR" or a PostgreSQL URL
    // ("postgresql://user@host:port/database"), which replicas share (store::Store::OpenLocation).
    std::string store;
    // Connections to a PostgreSQL store, so that as many store calls run at once (SQLite: one).
    int store_connections = store::Store::kDefaultPostgresConnections;

    // TLS (1.2 and later, gRPC's default range). The certificate chain and key are PEM files,
    // re-read when they change (gRPC's file-watching certificate provider, every
    // reload_seconds). With client_ca_file the server also requires and verifies client
    // certificates (mutual TLS).
    struct Tls {
      std::string cert_file;
      std::string key_file;
      std::string client_ca_file;
      int reload_seconds = 10;
    } tls;
    // Authentication (needs TLS): bearer tokens verified against a JSON Web Key Set, and/or
    // client certificates mapped to tenants. None: dev mode, where the tenant is the
    // x-carereach-tenant header and the server listens on loopback only.
    struct Auth {
      std::string jwks_file;
      std::string issuer;
      std::string audience;
      std::string tenant_claim = "carereach_tenant";
      absl::Duration leeway = absl::Seconds(60);
      std::string mtls_identities_file;
    } auth;
    // Serve on a non-loopback address without TLS or without authentication (a warning is
    // logged). Off: such an address is refused at start-up.
    bool allow_insecure = false;
    // Register gRPC server reflection (with authentication on, it needs a valid caller).
    bool reflection = false;
    // HOST:PORT serving Prometheus metrics on GET /metrics (server/metrics.h); port 0 picks a
    // free port (see metrics_port()). Empty: no metrics.
    std::string metrics_listen;
    // HOST:PORT of a second, plaintext listener that serves only the standard health service
    // (grpc.health.v1.Health), with the same statuses as the main listener: for probes that
    // cannot speak TLS (Kubernetes' grpc probe). Port 0 picks a free port (health_port()).
    // Empty: none.
    std::string health_listen;
    // Write one JSON access-log line per finished call (rpc/observe.h; --log_format=json).
    bool access_log = false;
  };

  // Reads and checks the regions config (no data yet), then starts listening, answering
  // UNAVAILABLE and health NOT_SERVING until LoadRegions() succeeds. A bad config, a missing
  // data file or an unusable address is an error here, before any port opens.
  static absl::StatusOr<std::unique_ptr<Server>> BuildAndStart(const Options& options);

  ~Server();

  // Loads the regions' data; health turns SERVING when done. Then road networks load on a
  // background thread, region by region; each region's drive questions answer UNAVAILABLE until
  // its roads are ready, and the health service name "carereach.v1.AccessService/drive/<region>"
  // turns SERVING.
  absl::Status LoadRegions();

  // Blocks until every road network has loaded or failed (for tests and benchmarks).
  void WaitForRoads();

  // The health service name of a region's drive mode.
  static std::string DriveHealthName(const std::string& region);

  // The port actually bound.
  int port() const { return port_; }
  // The port of the health-only listener; 0 without Options::health_listen.
  int health_port() const { return health_port_; }
  // The port serving /metrics; 0 without Options::metrics_listen.
  int metrics_port() const { return metrics_ == nullptr ? 0 : metrics_->port(); }

  // Calls admission control counts as in flight now (for tests).
  int calls_in_flight() const;
  // Calls admission control has refused since the start (for tests).
  int64_t calls_refused() const;

  // Stops accepting calls (new calls: UNAVAILABLE), lets running calls finish until `grace`
  // passes, then cancels them; a cancelled call's computation stops within milliseconds (it
  // watches ServerContext::IsCancelled, see rpc::RequestDeadline). Road networks not yet loaded
  // are no longer started.
  void Shutdown(absl::Duration grace);

  // False while the background thread of LoadRegions is still loading a road network (an import
  // cannot be interrupted; the process may exit without waiting for it, see server/main.cc).
  bool RoadsDone() const { return roads_done_.load() || !roads_thread_.joinable(); }

  // Blocks until the server has shut down.
  void Wait();

 private:
  Server() = default;
  // Builds the gRPC server over the services and starts listening (health NOT_SERVING).
  absl::Status Listen();
  // False when the store is damaged: its services are NOT_SERVING.
  bool StoreServing() const;
  // Sets a health status on every listener's health service (--listen, --health_listen).
  void SetHealth(const std::string& service, bool serving);
  // The statuses of the server's own services; `store_serving` is false when the store is
  // damaged (store::Store::health()).
  void SetServing(bool serving, bool store_serving);
  // The region gauges of the metrics.
  std::vector<RegionMetrics> RegionStates() const;

  Options options_;
  v1::RegionsConfig config_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<rpc::Admission> admission_;
  std::unique_ptr<rpc::AccessServiceImpl> access_service_;
  std::unique_ptr<rpc::AdequacyServiceImpl> adequacy_service_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<rpc::NetworkServiceImpl> network_service_;
  std::unique_ptr<rpc::ContractingServiceImpl> contracting_service_;
  std::unique_ptr<rpc::MapServiceImpl> map_service_;
  std::unique_ptr<Metrics> metrics_;  // null without Options::metrics_listen
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  // --health_listen: the listener's answer to anything but health (it must outlive the server).
  std::unique_ptr<grpc::CallbackGenericService> health_only_;
  std::unique_ptr<grpc::Server> health_server_;  // null without Options::health_listen
  int health_port_ = 0;
  mutable absl::Mutex catalog_mu_;
  std::shared_ptr<const RegionCatalog> catalog_ ABSL_GUARDED_BY(catalog_mu_);
  std::optional<roads::SpeedProfile> profile_;
  std::thread roads_thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> roads_done_{false};
};

// True when `listen_address` (HOST:PORT, [V6]:PORT or unix:PATH) can be reached from this
// machine only: 127.0.0.0/8, ::1, localhost, or a Unix socket.
bool IsLoopbackAddress(absl::string_view listen_address);

// The regions config built into the binary (deploy/regions.textproto at build time).
const char* DefaultRegionsConfig();

}  // namespace carereach

#endif  // CAREREACH_SERVER_SERVER_H_
