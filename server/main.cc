// carereach-server: flags -> Server::Options, start, load regions, serve until SIGTERM/SIGINT.
#include <malloc.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "geo/routing/hierarchy.h"
#include "proto/openssl_lifetime.h"
#include "server/log.h"
#include "server/server.h"

namespace {

std::string DefaultDataDir() {
  const char* env = std::getenv("CAREREACH_DATA");
  return env != nullptr && *env != '\0' ? env : "../shared/data";
}

std::string DefaultCacheDir() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  return xdg != nullptr && *xdg != '\0' ? std::string(xdg) + "/carereach" : "/tmp/carereach-cache";
}

// Writes `port` to `path` (atomically: a reader never sees a partial file); nothing when `path`
// is empty. False (logged) when it cannot.
bool WritePortFile(const std::string& path, const char* flag, int port) {
  if (path.empty()) return true;
  const std::string tmp = path + ".tmp";
  std::ofstream(tmp) << port << "\n";
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) carereach::Logf("cannot write %s %s: %s", flag, path, ec.message());
  return !ec;
}

}  // namespace

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "HOST:PORT to listen on; port 0 picks a free port (see --port_file)");
ABSL_FLAG(std::string, data_dir, DefaultDataDir(),
          "Data directory (default $CAREREACH_DATA, else ../shared/data)");
ABSL_FLAG(std::string, regions, "",
          "Regions config in protobuf text format (default: the built-in copy of "
          "deploy/regions.textproto)");
ABSL_FLAG(std::string, port_file, "",
          "If set, the bound port is written to this file once the server listens");
ABSL_FLAG(int32_t, max_facilities, 100000, "Most facilities one request may carry");
ABSL_FLAG(int32_t, max_message_mb, 64, "Largest request or response message, MiB");
ABSL_FLAG(int64_t, max_matrix_cells, 1000000, "Most origins x destinations of one ComputeMatrix");
ABSL_FLAG(int32_t, max_request_seconds, 300,
          "Bound on a request's computation when the caller sets no shorter deadline");
namespace carereach::routing {
// --road_hierarchy_metrics values (Abseil's flag marshalling finds these by argument lookup).
bool AbslParseFlag(absl::string_view text, HierarchyMetrics* metrics, std::string* error) {
  if (text == "time,distance") {
    *metrics = HierarchyMetrics::kTimeAndDistance;
  } else if (text == "time") {
    *metrics = HierarchyMetrics::kTime;
  } else {
    *error = "must be time,distance or time";
    return false;
  }
  return true;
}
std::string AbslUnparseFlag(HierarchyMetrics metrics) {
  return metrics == HierarchyMetrics::kTime ? "time" : "time,distance";
}
}  // namespace carereach::routing

ABSL_FLAG(bool, road_hierarchy, true,
          "Drive searches on a contraction hierarchy built at import and kept in the road cache "
          "(false: on plain Dijkstra, same answers, no hierarchy build at start-up)");
ABSL_FLAG(carereach::routing::HierarchyMetrics, road_hierarchy_metrics,
          carereach::routing::HierarchyMetrics::kTimeAndDistance,
          "What the hierarchy is contracted for: time,distance (every drive search on it) or time "
          "(drive-time searches on it, shortest-distance ones on Dijkstra: for state-sized "
          "regions of uniform street grids, where contracting for distance too degrades; "
          "docs/BENCHMARKS.md)");
ABSL_FLAG(bool, road_hierarchy_lazy_priorities, false,
          "Contract with lazy priority updates: a faster hierarchy build for state-sized regions "
          "(0.71 of the time on the state-sized synthetic network) with about 5 % more shortcuts; "
          "the same answers (docs/BENCHMARKS.md)");
ABSL_FLAG(std::string, road_cache_dir, DefaultCacheDir(),
          "Where imported road graphs are cached (empty: no cache; default "
          "$XDG_CACHE_HOME/carereach, else /tmp/carereach-cache)");
ABSL_FLAG(std::string, speed_profile, "",
          "Speed profile CSV (default: the built-in copy of deploy/profiles/car.csv)");
ABSL_FLAG(std::string, state_dir, "carereach-state",
          "Directory of the embedded store (SQLite carereach.db: stored networks and reports); "
          "empty: no store");
ABSL_FLAG(std::string, store, "",
          "Where networks and reports are kept, overriding --state_dir: sqlite:DIR (the embedded "
          "file DIR/carereach.db) or postgresql://user@host:port/database (a PostgreSQL server "
          "that replicas share; keep the password in PGPASSWORD or ~/.pgpass)");
ABSL_FLAG(int32_t, store_connections, carereach::store::Store::kDefaultPostgresConnections,
          "Connections a PostgreSQL --store keeps open, so that as many store calls run at once "
          "(1..64; the SQLite store has one)");
ABSL_FLAG(int32_t, max_version_mb, 24,
          "Most MiB of one stored network version (its rows' encoded size); the server applies "
          "at most half of --max_message_mb, so that any two versions can be diffed");
ABSL_FLAG(int32_t, max_calls_in_flight, 128,
          "Admission control: most calls in flight over all tenants; beyond it a call answers "
          "RESOURCE_EXHAUSTED at once with trailing metadata retry-after-ms (0: no limit; the "
          "health service, reflection and ListRegions are not counted)");
ABSL_FLAG(int32_t, max_calls_per_tenant, 32,
          "Admission control: most calls in flight of one tenant (calls without a tenant count "
          "as one tenant); 0: no limit");
ABSL_FLAG(int32_t, max_render_mpixels, 64,
          "MapService: most megapixels (2^20) of maps drawn at once over all calls (4 bytes "
          "each while a PNG is drawn); a map waits for room until its deadline, then answers "
          "RESOURCE_EXHAUSTED with retry-after-ms; a single map larger than this is refused");
ABSL_FLAG(int32_t, shutdown_grace_seconds, 10,
          "On SIGTERM/SIGINT, how long running calls may finish before they are cancelled");

ABSL_FLAG(std::string, tls_cert_file, "",
          "PEM certificate chain: serve TLS 1.2+ (with --tls_key_file); re-read when it changes");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls_cert_file");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "PEM CA bundle: require and verify client certificates (mutual TLS)");
ABSL_FLAG(int32_t, tls_reload_seconds, 10,
          "How often the TLS files are checked for changes (certificate rotation)");
ABSL_FLAG(std::string, auth_jwks_file, "",
          "JSON Web Key Set of the token issuer: require bearer tokens (JWT, RS256/ES256) signed "
          "by one of its keys; re-read when it changes. Needs TLS, --auth_issuer, --auth_audience");
ABSL_FLAG(std::string, auth_issuer, "", "The \"iss\" every token must carry");
ABSL_FLAG(std::string, auth_audience, "", "The \"aud\" every token must carry (or list)");
ABSL_FLAG(std::string, auth_tenant_claim, "carereach_tenant",
          "The token claim that names the caller's tenant");
ABSL_FLAG(int32_t, auth_leeway_seconds, 60, "Clock skew allowed on exp, nbf and iat");
ABSL_FLAG(std::string, auth_mtls_identities_file, "",
          "JSON file mapping client-certificate SANs (URI:/DNS:) to a tenant and scopes; "
          "needs --tls_client_ca_file; re-read when it changes");
ABSL_FLAG(bool, allow_insecure, false,
          "Serve a non-loopback --listen address without TLS or without authentication "
          "(logged as a warning); refused otherwise");
ABSL_FLAG(int32_t, malloc_arena_max, 0,
          "glibc malloc arenas: 0 = one per core (at least 2) unless MALLOC_ARENA_MAX is set; "
          "-1 = glibc's own default (8 per core, each keeping its freed memory: RSS grows with "
          "the number of busy threads); N = at most N");
ABSL_FLAG(std::string, metrics_listen, "",
          "HOST:PORT serving Prometheus metrics on GET /metrics (plain HTTP, no authentication: "
          "keep it on loopback or a private network); port 0 picks a free port (see "
          "--metrics_port_file); empty: no metrics");
ABSL_FLAG(std::string, metrics_port_file, "",
          "If set, the bound metrics port is written to this file once the server listens");
ABSL_FLAG(std::string, health_listen, "",
          "HOST:PORT of a plaintext listener serving only the standard health service "
          "(grpc.health.v1.Health, the statuses of --listen), for probes that cannot use TLS, "
          "such as Kubernetes' grpc probe; port 0 picks a free port (see --health_port_file); "
          "empty: none");
ABSL_FLAG(std::string, health_port_file, "",
          "If set, the bound health port is written to this file once the server listens");
ABSL_FLAG(std::string, log_format, "text",
          "text: log lines as before; json: every log line is a JSON object, and each finished "
          "call adds an access line (method, code, duration_ms, tenant, request_id, peer)");
ABSL_FLAG(bool, reflection, false,
          "Register gRPC server reflection (with authentication on, it needs a valid caller)");

int main(int argc, char** argv) {
  // Before anything touches OpenSSL (proto/openssl_lifetime.h).
  carereach::KeepOpenSslUntilExit();
  absl::SetProgramUsageMessage(
      "carereach-server --listen HOST:PORT --data_dir DIR [--regions CONFIG.textproto]");
  absl::ParseCommandLine(argc, argv);
  carereach::LogFormat log_format;
  if (!carereach::ParseLogFormat(absl::GetFlag(FLAGS_log_format), &log_format)) {
    std::fprintf(stderr, "--log_format: must be text or json, got %s\n",
                 absl::GetFlag(FLAGS_log_format).c_str());
    return 2;
  }
  carereach::SetLogFormat(log_format);

  // Bound glibc's malloc arenas before gRPC starts its threads. With glibc's default (8 arenas
  // per core) every busy request thread gets an arena of its own that keeps the memory it freed,
  // so RSS climbs for minutes under load (a 10-minute soak: 435 -> 551 MiB after the warm-up,
  // 575 MiB peak); one arena per core kept it at 249 -> 271 MiB (docs/RELIABILITY.md, "Soak").
  const int32_t arena_flag = absl::GetFlag(FLAGS_malloc_arena_max);
  if (arena_flag < -1) {
    std::fprintf(stderr, "--malloc_arena_max: must be -1, 0 or a positive count, got %d\n",
                 arena_flag);
    return 2;
  }
  const char* arena_env = std::getenv("MALLOC_ARENA_MAX");
  const bool env_set = arena_env != nullptr && *arena_env != '\0';
  if (arena_flag > 0 || (arena_flag == 0 && !env_set)) {
    const int arenas = arena_flag > 0
                           ? arena_flag
                           : std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
    mallopt(M_ARENA_MAX, arenas);
  }

  // Block the stop signals in every thread (gRPC's included); one thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  carereach::Server::Options options;
  options.listen_address = absl::GetFlag(FLAGS_listen);
  options.data_dir = absl::GetFlag(FLAGS_data_dir);
  options.regions_config_path = absl::GetFlag(FLAGS_regions);
  options.limits.max_facilities = absl::GetFlag(FLAGS_max_facilities);
  options.limits.max_matrix_cells = absl::GetFlag(FLAGS_max_matrix_cells);
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_mb) << 20;
  options.max_request_time = absl::Seconds(absl::GetFlag(FLAGS_max_request_seconds));
  options.max_version_bytes = static_cast<int64_t>(absl::GetFlag(FLAGS_max_version_mb)) << 20;
  options.max_calls_in_flight = absl::GetFlag(FLAGS_max_calls_in_flight);
  options.max_calls_per_tenant = absl::GetFlag(FLAGS_max_calls_per_tenant);
  options.max_render_pixels_in_flight =
      static_cast<int64_t>(absl::GetFlag(FLAGS_max_render_mpixels)) << 20;
  options.road_cache_dir = absl::GetFlag(FLAGS_road_cache_dir);
  options.road_hierarchy = absl::GetFlag(FLAGS_road_hierarchy);
  options.road_hierarchy_metrics = absl::GetFlag(FLAGS_road_hierarchy_metrics);
  options.road_hierarchy_lazy_priorities = absl::GetFlag(FLAGS_road_hierarchy_lazy_priorities);
  options.speed_profile_path = absl::GetFlag(FLAGS_speed_profile);
  options.state_dir = absl::GetFlag(FLAGS_state_dir);
  options.store = absl::GetFlag(FLAGS_store);
  options.store_connections = absl::GetFlag(FLAGS_store_connections);
  options.tls.cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  options.tls.key_file = absl::GetFlag(FLAGS_tls_key_file);
  options.tls.client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file);
  options.tls.reload_seconds = absl::GetFlag(FLAGS_tls_reload_seconds);
  options.auth.jwks_file = absl::GetFlag(FLAGS_auth_jwks_file);
  options.auth.issuer = absl::GetFlag(FLAGS_auth_issuer);
  options.auth.audience = absl::GetFlag(FLAGS_auth_audience);
  options.auth.tenant_claim = absl::GetFlag(FLAGS_auth_tenant_claim);
  options.auth.leeway = absl::Seconds(absl::GetFlag(FLAGS_auth_leeway_seconds));
  options.auth.mtls_identities_file = absl::GetFlag(FLAGS_auth_mtls_identities_file);
  options.allow_insecure = absl::GetFlag(FLAGS_allow_insecure);
  options.reflection = absl::GetFlag(FLAGS_reflection);
  options.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  options.health_listen = absl::GetFlag(FLAGS_health_listen);
  options.access_log = log_format == carereach::LogFormat::kJson;
  const absl::Duration grace = absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds));

  absl::StatusOr<std::unique_ptr<carereach::Server>> server =
      carereach::Server::BuildAndStart(options);
  if (!server.ok()) {
    carereach::Logf("cannot start: %s", server.status().ToString());
    return 1;
  }

  // The metrics and health ports first: once --port_file exists, every port is known.
  if (!WritePortFile(absl::GetFlag(FLAGS_metrics_port_file), "--metrics_port_file",
                     (*server)->metrics_port()) ||
      !WritePortFile(absl::GetFlag(FLAGS_health_port_file), "--health_port_file",
                     (*server)->health_port()) ||
      !WritePortFile(absl::GetFlag(FLAGS_port_file), "--port_file", (*server)->port())) {
    return 1;
  }

  std::thread([&stop_signals, &server, grace] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    carereach::Logf("received %s; shutting down (grace %s)",
                    signal == SIGTERM ? "SIGTERM" : "SIGINT", absl::FormatDuration(grace));
    (*server)->Shutdown(grace);
  }).detach();

  if (absl::Status loaded = (*server)->LoadRegions(); !loaded.ok()) {
    carereach::Logf("cannot load regions: %s", loaded.ToString());
    (*server)->Shutdown(absl::ZeroDuration());
    return 1;
  }
  (*server)->Wait();
  if (!(*server)->RoadsDone()) {
    // A road import still running would hold up the exit (it cannot be interrupted, and the
    // server's destructor joins it): every call has ended, so leave without it. The store
    // needs no closing (every write is committed, WAL).
    carereach::LogLine("stopped (a road network was still loading)");
    std::fflush(nullptr);
    std::_Exit(0);
  }
  carereach::LogLine("stopped");
  return 0;
}
