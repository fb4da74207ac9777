#include "server/server.h"

#include <arpa/inet.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/server_builder_plugin.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <type_traits>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "geo/core/status_macros.h"
#include "server/auth/keys.h"
#include "server/default_regions.h"
#include "server/log.h"
#include "server/region_catalog.h"
#include "server/rpc/access_service.h"
#include "server/rpc/adequacy_service.h"
#include "server/rpc/admission.h"
#include "server/rpc/auth_gate.h"
#include "server/rpc/contracting_service.h"
#include "server/rpc/convert.h"
#include "server/rpc/map_service.h"
#include "server/rpc/network_service.h"
#include "server/rpc/observe.h"

namespace carereach {
namespace {

constexpr char kAccessServiceName[] = "carereach.v1.AccessService";

absl::StatusOr<std::string> ReadFile(const std::string& path, std::string_view flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrFormat("%s: cannot open %s", flag, path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The services that read or write the store: NOT_SERVING while it is damaged.
constexpr const char* kStoreServiceNames[] = {
    "carereach.v1.NetworkService", "carereach.v1.ContractingService", "carereach.v1.MapService"};

// What the --health_listen listener answers to any method but the health service's: it also
// gives gRPC the callback service a server needs to start (the default health service is added
// when the server starts, too late for the builder's check).
class HealthOnly final : public grpc::CallbackGenericService {
 public:
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext*) override {
    class Refusal final : public grpc::ServerGenericBidiReactor {
     public:
      Refusal() {
        Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                            "only grpc.health.v1.Health is served on --health_listen"));
      }
      void OnDone() override { delete this; }
    };
    return new Refusal;
  }
};

// Linking gRPC's reflection library registers its plugin with every ServerBuilder (a static
// initializer); this option takes it out again when --reflection is off.
class WithoutReflection : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments* /*args*/) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    std::erase_if(*plugins, [](const std::unique_ptr<grpc::ServerBuilderPlugin>& p) {
      return p->name() == "proto_server_reflection";
    });
  }
};

bool TlsOn(const Server::Options::Tls& tls) {
  return !tls.cert_file.empty() || !tls.key_file.empty();
}

// The byte limit of one stored network version: the option, but never so large that two
// versions (a diff) would not fit in one message with 16 KiB to spare.
int64_t EffectiveMaxVersionBytes(const Server::Options& o) {
  const int64_t fits = (static_cast<int64_t>(o.max_message_bytes) - (16 << 10)) / 2;
  return std::max<int64_t>(1, std::min(o.max_version_bytes, fits));
}

// Checks the size and admission limits.
absl::Status CheckLimits(const Server::Options& o) {
  if (o.max_version_bytes < 1) {
    return absl::InvalidArgumentError("--max_version_mb: must be at least 1");
  }
  if (o.max_calls_in_flight < 0 || o.max_calls_per_tenant < 0) {
    return absl::InvalidArgumentError(
        "--max_calls_in_flight, --max_calls_per_tenant: must be 0 (no limit) or more");
  }
  if (o.store_connections < 1 || o.store_connections > store::Store::kMaxPostgresConnections) {
    return absl::InvalidArgumentError(absl::StrFormat("--store_connections: %d is outside [1, %d]",
                                                      o.store_connections,
                                                      store::Store::kMaxPostgresConnections));
  }
  if (o.max_render_pixels_in_flight < 320 * 240) {
    return absl::InvalidArgumentError(
        "--max_render_mpixels: must be at least 1 (room for the smallest map, 320 x 240)");
  }
  return absl::OkStatus();
}

// Checks the TLS and authentication flags against each other.
absl::Status CheckSecurityFlags(const Server::Options& o) {
  const Server::Options::Tls& tls = o.tls;
  const bool tls_on = TlsOn(tls);
  if (tls_on && (tls.cert_file.empty() || tls.key_file.empty())) {
    return absl::InvalidArgumentError("--tls_cert_file and --tls_key_file go together");
  }
  if (!tls.client_ca_file.empty() && !tls_on) {
    return absl::InvalidArgumentError(
        "--tls_client_ca_file needs TLS (--tls_cert_file, --tls_key_file)");
  }
  if (tls_on && tls.reload_seconds < 1) {
    return absl::InvalidArgumentError("--tls_reload_seconds: must be at least 1");
  }
  const bool tokens = !o.auth.jwks_file.empty();
  const bool certificates = !o.auth.mtls_identities_file.empty();
  if ((tokens || certificates) && !tls_on) {
    return absl::InvalidArgumentError(
        "authentication needs TLS (--tls_cert_file, --tls_key_file): bearer tokens must never "
        "cross a network in plaintext");
  }
  if (certificates && tls.client_ca_file.empty()) {
    return absl::InvalidArgumentError(
        "--auth_mtls_identities_file needs client certificates (--tls_client_ca_file)");
  }
  return absl::OkStatus();
}

// Checks that the TLS files are readable and consistent.
absl::Status ReadAndCheckTlsFiles(const Server::Options::Tls& tls) {
  ASSIGN_OR_RETURN(std::string cert, ReadFile(tls.cert_file, "--tls_cert_file"));
  ASSIGN_OR_RETURN(std::string key, ReadFile(tls.key_file, "--tls_key_file"));
  if (absl::Status s = auth::CheckTlsFiles(cert, key); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrFormat("--tls_cert_file %s, --tls_key_file %s: %s",
                                                      tls.cert_file, tls.key_file, s.message()));
  }
  if (!tls.client_ca_file.empty()) {
    ASSIGN_OR_RETURN(std::string ca, ReadFile(tls.client_ca_file, "--tls_client_ca_file"));
    if (absl::Status s = auth::CheckCaBundle(ca); !s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("--tls_client_ca_file %s: %s", tls.client_ca_file, s.message()));
    }
  }
  return absl::OkStatus();
}

// Checks the TLS and authentication options against each other and the listen address, and that
// the TLS files are readable and consistent. Returns the warnings to log.
absl::StatusOr<std::vector<std::string>> CheckSecurityOptions(const Server::Options& o) {
  std::vector<std::string> warnings;
  RETURN_IF_ERROR(CheckSecurityFlags(o));
  const bool tls_on = TlsOn(o.tls);
  if (tls_on) RETURN_IF_ERROR(ReadAndCheckTlsFiles(o.tls));
  const bool tokens = !o.auth.jwks_file.empty();
  const bool certificates = !o.auth.mtls_identities_file.empty();
  const bool secure = tls_on && (tokens || certificates);
  if (!IsLoopbackAddress(o.listen_address) && !secure) {
    const std::string what = !tls_on ? "without TLS" : "without authentication";
    if (!o.allow_insecure) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "--listen %s is not a loopback address, and the server would serve it %s: anyone who "
          "reaches the port could read and write every tenant's networks. Configure TLS and "
          "authentication (docs/SECURITY.md), or pass --allow_insecure to accept the risk",
          o.listen_address, what));
    }
    warnings.push_back(absl::StrFormat(
        "WARNING: --allow_insecure: serving %s %s; every tenant's data is open to anyone who "
        "reaches the port",
        o.listen_address, what));
  }
  if (!tokens && !certificates) {
    warnings.push_back(
        "WARNING: authentication is off (dev mode): the tenant is whatever a caller sends in "
        "x-carereach-tenant; see docs/SECURITY.md");
  }
  return warnings;
}

// The regions config: --regions, or the one built in; checked against the data directory.
absl::StatusOr<v1::RegionsConfig> ReadRegionsConfig(const Server::Options& options) {
  std::string text = DefaultRegionsConfig();
  std::string source = "built-in regions config";
  if (!options.regions_config_path.empty()) {
    ASSIGN_OR_RETURN(text, ReadFile(options.regions_config_path, "--regions"));
    source = options.regions_config_path;
  }
  return RegionCatalog::ParseConfig(text, source, options.data_dir);
}

// The car speed profile: --speed_profile, or the one built in.
absl::StatusOr<roads::SpeedProfile> ReadSpeedProfile(const Server::Options& options) {
  std::string profile_text = roads::DefaultCarProfileCsv();
  std::string profile_source = "built-in deploy/profiles/car.csv";
  if (!options.speed_profile_path.empty()) {
    ASSIGN_OR_RETURN(profile_text, ReadFile(options.speed_profile_path, "--speed_profile"));
    profile_source = options.speed_profile_path;
  }
  return roads::SpeedProfile::Parse(profile_text, profile_source);
}

bool AuthOn(const Server::Options& options) {
  return !options.auth.jwks_file.empty() || !options.auth.mtls_identities_file.empty();
}

// The authenticator for the --auth_* options; without authentication, a default one.
absl::StatusOr<std::unique_ptr<auth::Authenticator>> MakeAuthenticator(
    const Server::Options& options) {
  if (!AuthOn(options)) return std::make_unique<auth::Authenticator>();
  auth::Authenticator::Options a;
  a.jwks_file = options.auth.jwks_file;
  a.token_policy.issuer = options.auth.issuer;
  a.token_policy.audience = options.auth.audience;
  a.token_policy.tenant_claim = options.auth.tenant_claim;
  a.token_policy.leeway = options.auth.leeway;
  a.identities_file = options.auth.mtls_identities_file;
  return auth::Authenticator::Create(
      a, [](absl::string_view m) { LogLine(std::string_view(m.data(), m.size())); });
}

// The store at --store, else under --state_dir, or none (null) without either.
absl::StatusOr<std::unique_ptr<store::Store>> OpenStore(const std::string& location,
                                                        const std::string& state_dir,
                                                        int postgres_connections) {
  if (location.empty() && state_dir.empty()) return std::unique_ptr<store::Store>();
  absl::StatusOr<std::unique_ptr<store::Store>> store =
      location.empty() ? store::Store::Open(state_dir + "/carereach.db")
                       : store::Store::OpenLocation(location, postgres_connections);
  if (!store.ok()) {
    const std::string flag = location.empty() ? absl::StrCat("--state_dir ", state_dir) : "--store";
    return absl::Status(store.status().code(),
                        absl::StrFormat("%s: %s", flag, store.status().message()));
  }
  if (const absl::Status health = (*store)->health(); !health.ok()) {
    Logf("store: %s; NetworkService and ContractingService answer DATA_LOSS (health NOT_SERVING)",
         health.message());
    return store;
  }
  Logf("store: %s (schema version %d%s)", (*store)->location(), (*store)->schema_version(),
       (*store)->read_only() ? ", READ-ONLY: writes answer FAILED_PRECONDITION" : "");
  return store;
}

// TLS credentials that re-read their files every reload_seconds (mutual TLS with a client CA),
// calls passing the auth gate; plaintext without a certificate.
std::shared_ptr<grpc::ServerCredentials> MakeCredentials(const Server::Options::Tls& tls_options,
                                                         const auth::Authenticator* authenticator,
                                                         Metrics* metrics) {
  if (tls_options.cert_file.empty()) return grpc::InsecureServerCredentials();
  const unsigned reload = static_cast<unsigned>(tls_options.reload_seconds);
  auto provider =
      tls_options.client_ca_file.empty()
          ? std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
                tls_options.key_file, tls_options.cert_file, reload)
          : std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
                tls_options.key_file, tls_options.cert_file, tls_options.client_ca_file, reload);
  grpc::experimental::TlsServerCredentialsOptions tls(provider);
  tls.watch_identity_key_cert_pairs();
  if (!tls_options.client_ca_file.empty()) {
    tls.watch_root_certs();
    tls.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  } else {
    tls.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  }
  std::shared_ptr<grpc::ServerCredentials> credentials =
      grpc::experimental::TlsServerCredentials(tls);
  credentials->SetAuthMetadataProcessor(std::make_shared<rpc::AuthGate>(authenticator, metrics));
  return credentials;
}

// The bytes of a road graph's arrays (not its hierarchy or snap index).
int64_t RoadGraphBytes(const roads::RoadGraph& g) {
  const auto bytes = [](const auto& v) {
    return static_cast<int64_t>(v.size() * sizeof(typename std::decay_t<decltype(v)>::value_type));
  };
  return bytes(g.nodes) + bytes(g.node_in_main) + bytes(g.first_out) + bytes(g.out_arcs) +
         bytes(g.first_in) + bytes(g.in_arcs) + bytes(g.segments) + bytes(g.shape) +
         bytes(g.shape_meters);
}

// How the start-up line names the transport and the authentication.
const char* TransportName(const Server::Options& options) {
  return options.tls.cert_file.empty()        ? "plaintext"
         : options.tls.client_ca_file.empty() ? "TLS"
                                              : "mutual TLS";
}
const char* AuthName(const Server::Options& options) {
  return !AuthOn(options) ? ", no authentication"
         : !options.auth.jwks_file.empty() && !options.auth.mtls_identities_file.empty()
             ? ", bearer tokens or client certificates"
         : !options.auth.jwks_file.empty() ? ", bearer tokens"
                                           : ", client certificates";
}

}  // namespace

bool IsLoopbackAddress(absl::string_view address) {
  if (absl::StartsWith(address, "unix:") || absl::StartsWith(address, "unix-abstract:")) {
    return true;
  }
  std::string host;
  if (absl::StartsWith(address, "[")) {
    const size_t end = address.find(']');
    if (end == absl::string_view::npos) return false;
    host = std::string(address.substr(1, end - 1));
  } else {
    const size_t colon = address.rfind(':');
    host =
        std::string(address.substr(0, colon == absl::string_view::npos ? address.size() : colon));
  }
  if (absl::EqualsIgnoreCase(host, "localhost")) return true;
  in_addr v4;
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6;
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;  // a name other than localhost, "", 0.0.0.0, [::]: reachable from elsewhere
}

const char* DefaultRegionsConfig() { return kDefaultRegionsConfig; }

absl::StatusOr<std::unique_ptr<Server>> Server::BuildAndStart(const Options& options) {
  ASSIGN_OR_RETURN(v1::RegionsConfig config, ReadRegionsConfig(options));
  ASSIGN_OR_RETURN(roads::SpeedProfile profile, ReadSpeedProfile(options));
  ASSIGN_OR_RETURN(std::vector<std::string> warnings, CheckSecurityOptions(options));
  RETURN_IF_ERROR(CheckLimits(options));
  rpc::RegisterSpeedProfile(profile.name());

  auto server = std::unique_ptr<Server>(new Server());
  server->options_ = options;
  ASSIGN_OR_RETURN(server->authenticator_, MakeAuthenticator(options));
  const auth::Authenticator* authenticator = server->authenticator_.get();
  server->config_ = std::move(config);
  server->profile_ = std::move(profile);
  server->access_service_ =
      std::make_unique<rpc::AccessServiceImpl>(options.limits, options.max_request_time);
  server->adequacy_service_ = std::make_unique<rpc::AdequacyServiceImpl>(
      options.limits, options.max_roster_rows, options.max_request_time);
  ASSIGN_OR_RETURN(server->store_,
                   OpenStore(options.store, options.state_dir, options.store_connections));
  server->network_service_ = std::make_unique<rpc::NetworkServiceImpl>(
      server->store_.get(), options.max_roster_rows, authenticator);
  server->network_service_->set_max_version_bytes(EffectiveMaxVersionBytes(options));
  server->admission_ = std::make_unique<rpc::Admission>(
      rpc::Admission::Limits{.max_calls = options.max_calls_in_flight,
                             .max_calls_per_tenant = options.max_calls_per_tenant,
                             .retry_after = options.admission_retry_after});
  server->contracting_service_ = std::make_unique<rpc::ContractingServiceImpl>(
      server->store_.get(), options.limits, options.max_roster_rows, options.max_request_time,
      authenticator);
  server->map_service_ = std::make_unique<rpc::MapServiceImpl>(
      server->store_.get(), options.limits, options.max_roster_rows, options.max_request_time,
      authenticator, options.max_render_pixels_in_flight);
  if (!options.metrics_listen.empty()) {
    server->metrics_ = std::make_unique<Metrics>();
    RETURN_IF_ERROR(server->metrics_->Serve(options.metrics_listen));
    server->metrics_->SetRegionSource([s = server.get()] { return s->RegionStates(); });
    SetStoreMetrics(server->metrics_.get());
  }
  RETURN_IF_ERROR(server->Listen());
  for (const std::string& warning : warnings) LogLine(warning);
  if (server->metrics_ != nullptr) {
    Logf("metrics on http://%s/metrics (port %d)", options.metrics_listen,
         server->metrics_->port());
  }
  Logf("listening on %s (port %d, %s%s); NOT_SERVING until regions are loaded",
       options.listen_address, server->port_, TransportName(options), AuthName(options));
  if (server->health_server_ != nullptr) {
    Logf("health service only, plaintext, on %s (port %d)", options.health_listen,
         server->health_port_);
  }
  return server;
}

absl::Status Server::Listen() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  if (!options_.reflection) builder.SetOption(std::make_unique<WithoutReflection>());
  builder.AddListeningPort(options_.listen_address,
                           MakeCredentials(options_.tls, authenticator_.get(), metrics_.get()),
                           &port_);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<rpc::AuditInterceptorFactory>(authenticator_.get()));
  interceptors.push_back(
      std::make_unique<rpc::AdmissionInterceptorFactory>(admission_.get(), authenticator_.get()));
  // Last: it sees the status the others settled on.
  if (metrics_ != nullptr || options_.access_log) {
    interceptors.push_back(std::make_unique<rpc::ObserveInterceptorFactory>(
        metrics_.get(), authenticator_.get(), options_.access_log));
  }
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  builder.RegisterService(access_service_.get());
  builder.RegisterService(adequacy_service_.get());
  builder.RegisterService(network_service_.get());
  builder.RegisterService(contracting_service_.get());
  builder.RegisterService(map_service_.get());
  builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
  builder.SetMaxSendMessageSize(options_.max_message_bytes);
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    return absl::UnavailableError(
        absl::StrFormat("--listen: cannot listen on %s (in use, or not a HOST:PORT address)",
                        options_.listen_address));
  }
  if (!options_.health_listen.empty()) {
    // Only the health service: no reflection, nothing else, and so nothing to protect.
    grpc::ServerBuilder health_builder;
    health_builder.SetOption(std::make_unique<WithoutReflection>());
    health_builder.AddListeningPort(options_.health_listen, grpc::InsecureServerCredentials(),
                                    &health_port_);
    // A port another process already serves is an error, not shared (gRPC's default).
    health_builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    health_only_ = std::make_unique<HealthOnly>();
    health_builder.RegisterCallbackGenericService(health_only_.get());
    health_server_ = health_builder.BuildAndStart();
    if (health_server_ == nullptr || health_port_ == 0) {
      return absl::UnavailableError(absl::StrFormat(
          "--health_listen: cannot listen on %s (in use, or not a HOST:PORT address)",
          options_.health_listen));
    }
  }
  SetServing(false, StoreServing());
  if (store_ != nullptr) {
    store_->OnDamage([this](const absl::Status& status) {
      LogLine(std::string("store: ") + std::string(status.message()) +
              "; NetworkService and ContractingService turn NOT_SERVING");
      for (const char* name : kStoreServiceNames) SetHealth(name, false);
    });
  }
  return absl::OkStatus();
}

void Server::SetHealth(const std::string& service, bool serving) {
  for (grpc::Server* server : {server_.get(), health_server_.get()}) {
    if (server == nullptr) continue;
    grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
    if (health != nullptr) health->SetServingStatus(service, serving);
  }
}

void Server::SetServing(bool serving, bool store_serving) {
  SetHealth("", serving);
  SetHealth(kAccessServiceName, serving);
  SetHealth("carereach.v1.AdequacyService", serving);
  for (const char* name : kStoreServiceNames) SetHealth(name, serving && store_serving);
}

bool Server::StoreServing() const { return store_ == nullptr || store_->health().ok(); }

std::string Server::DriveHealthName(const std::string& region) {
  return std::string(kAccessServiceName) + "/drive/" + region;
}

void Server::WaitForRoads() {
  if (roads_thread_.joinable()) roads_thread_.join();
}

Server::~Server() {
  WaitForRoads();
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now());
    server_->Wait();
  }
  if (health_server_ != nullptr) {
    health_server_->Shutdown(std::chrono::system_clock::now());
    health_server_->Wait();
  }
  metrics_.reset();  // before the members its region source reads
}

std::vector<RegionMetrics> Server::RegionStates() const {
  std::shared_ptr<const RegionCatalog> catalog;
  {
    absl::MutexLock lock(&catalog_mu_);
    catalog = catalog_;
  }
  std::vector<RegionMetrics> out;
  if (catalog == nullptr) return out;
  for (size_t i = 0; i < catalog->regions().size(); ++i) {
    const RegionCatalog::RoadState roads = catalog->Roads(i);
    RegionMetrics& r = out.emplace_back();
    r.region = catalog->regions()[i]->name;
    switch (roads.phase) {
      case RegionCatalog::RoadState::Phase::kNone:
        r.state = "none";
        break;
      case RegionCatalog::RoadState::Phase::kLoading:
        r.state = "loading";
        break;
      case RegionCatalog::RoadState::Phase::kReady:
        r.state = "loaded";
        break;
      case RegionCatalog::RoadState::Phase::kFailed:
        r.state = "failed";
        break;
    }
    if (roads.drive != nullptr && roads.drive->network != nullptr) {
      r.road_graph_bytes = RoadGraphBytes(roads.drive->network->graph());
    }
  }
  return out;
}

absl::Status Server::LoadRegions() {
  ASSIGN_OR_RETURN(std::unique_ptr<RegionCatalog> catalog,
                   RegionCatalog::Load(config_, options_.data_dir, LogLine));
  std::shared_ptr<RegionCatalog> shared(std::move(catalog));
  {
    absl::MutexLock lock(&catalog_mu_);
    catalog_ = shared;
  }
  access_service_->SetCatalog(shared);
  adequacy_service_->SetCatalog(shared);
  network_service_->SetCatalog(shared);
  contracting_service_->SetCatalog(shared);
  map_service_->SetCatalog(shared);
  SetServing(true, StoreServing());
  // Damage found meanwhile (the listener may have run before the line above) wins.
  if (!StoreServing()) SetServing(true, false);
  LogLine("SERVING");
  for (const auto& region : shared->regions()) SetHealth(DriveHealthName(region->name), false);
  roads_thread_ = std::thread([this, shared] {
    shared->LoadRoads(
        options_.data_dir, options_.road_cache_dir, *profile_,
        routing::RoadNetwork::Options{
            .build_hierarchy = options_.road_hierarchy,
            .contraction = {.metrics = options_.road_hierarchy_metrics,
                            .lazy_priorities = options_.road_hierarchy_lazy_priorities}},
        LogLine,
        [this](const std::string& region, bool ready) {
          SetHealth(DriveHealthName(region), ready);
        },
        [this] { return stopping_.load(); });
    roads_done_.store(true);
  });
  return absl::OkStatus();
}

void Server::Shutdown(absl::Duration grace) {
  stopping_.store(true);
  SetServing(false, false);
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  // After the main listener has drained: probes see NOT_SERVING meanwhile.
  if (health_server_ != nullptr) health_server_->Shutdown(std::chrono::system_clock::now());
}

void Server::Wait() {
  server_->Wait();
  if (health_server_ != nullptr) health_server_->Wait();
}

int Server::calls_in_flight() const { return admission_->in_flight(); }
int64_t Server::calls_refused() const { return admission_->refused(); }

}  // namespace carereach
