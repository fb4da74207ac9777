#include "server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "server/default_regions.h"
#include "server/log.h"
#include "server/region_catalog.h"
#include "server/rpc/access_service.h"
#include "server/rpc/adequacy_service.h"
#include "server/rpc/contracting_service.h"
#include "server/rpc/network_service.h"

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

void SetServing(grpc::Server& server, bool serving) {
  grpc::HealthCheckServiceInterface* health = server.GetHealthCheckService();
  if (health == nullptr) return;
  health->SetServingStatus("", serving);
  health->SetServingStatus(kAccessServiceName, serving);
  health->SetServingStatus("carereach.v1.AdequacyService", serving);
  health->SetServingStatus("carereach.v1.NetworkService", serving);
  health->SetServingStatus("carereach.v1.ContractingService", serving);
}

}  // namespace

const char* DefaultRegionsConfig() { return kDefaultRegionsConfig; }

absl::StatusOr<std::unique_ptr<Server>> Server::BuildAndStart(const Options& options) {
  std::string text = DefaultRegionsConfig();
  std::string source = "built-in regions config";
  if (!options.regions_config_path.empty()) {
    absl::StatusOr<std::string> file = ReadFile(options.regions_config_path, "--regions");
    if (!file.ok()) return file.status();
    text = *std::move(file);
    source = options.regions_config_path;
  }
  absl::StatusOr<v1::RegionsConfig> config =
      RegionCatalog::ParseConfig(text, source, options.data_dir);
  if (!config.ok()) return config.status();
  std::string profile_text = roads::DefaultCarProfileCsv();
  std::string profile_source = "built-in deploy/profiles/car.csv";
  if (!options.speed_profile_path.empty()) {
    absl::StatusOr<std::string> file = ReadFile(options.speed_profile_path, "--speed_profile");
    if (!file.ok()) return file.status();
    profile_text = *std::move(file);
    profile_source = options.speed_profile_path;
  }
  absl::StatusOr<roads::SpeedProfile> profile =
      roads::SpeedProfile::Parse(profile_text, profile_source);
  if (!profile.ok()) return profile.status();

  auto server = std::unique_ptr<Server>(new Server());
  server->options_ = options;
  server->config_ = *std::move(config);
  server->profile_ = *std::move(profile);
  server->access_service_ =
      std::make_unique<rpc::AccessServiceImpl>(options.limits, options.max_request_time);
  server->adequacy_service_ = std::make_unique<rpc::AdequacyServiceImpl>(
      options.limits, options.max_roster_rows, options.max_request_time);
  if (!options.state_dir.empty()) {
    absl::StatusOr<std::unique_ptr<store::Store>> store =
        store::Store::Open(options.state_dir + "/carereach.db");
    if (!store.ok()) {
      return absl::Status(
          store.status().code(),
          absl::StrFormat("--state_dir %s: %s", options.state_dir, store.status().message()));
    }
    server->store_ = *std::move(store);
    Logf("store: %s/carereach.db (schema version %d)", options.state_dir,
         server->store_->schema_version());
  }
  server->network_service_ =
      std::make_unique<rpc::NetworkServiceImpl>(server->store_.get(), options.max_roster_rows);
  server->contracting_service_ = std::make_unique<rpc::ContractingServiceImpl>(
      server->store_.get(), options.limits, options.max_roster_rows, options.max_request_time);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address, grpc::InsecureServerCredentials(),
                           &server->port_);
  builder.RegisterService(server->access_service_.get());
  builder.RegisterService(server->adequacy_service_.get());
  builder.RegisterService(server->network_service_.get());
  builder.RegisterService(server->contracting_service_.get());
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrFormat("--listen: cannot listen on %s (in use, or not a HOST:PORT address)",
                        options.listen_address));
  }
  SetServing(*server->server_, false);
  Logf("listening on %s (port %d); NOT_SERVING until regions are loaded", options.listen_address,
       server->port_);
  return server;
}

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
}

absl::Status Server::LoadRegions() {
  absl::StatusOr<std::unique_ptr<RegionCatalog>> catalog =
      RegionCatalog::Load(config_, options_.data_dir, LogLine);
  if (!catalog.ok()) return catalog.status();
  std::shared_ptr<RegionCatalog> shared(*std::move(catalog));
  access_service_->SetCatalog(shared);
  adequacy_service_->SetCatalog(shared);
  network_service_->SetCatalog(shared);
  contracting_service_->SetCatalog(shared);
  SetServing(*server_, true);
  LogLine("SERVING");
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  for (const auto& region : shared->regions()) {
    if (health != nullptr) health->SetServingStatus(DriveHealthName(region->name), false);
  }
  roads_thread_ = std::thread([this, shared, health] {
    shared->LoadRoads(options_.data_dir, options_.road_cache_dir, *profile_, LogLine,
                      [health](const std::string& region, bool ready) {
                        if (health != nullptr) {
                          health->SetServingStatus(DriveHealthName(region), ready);
                        }
                      });
  });
  return absl::OkStatus();
}

void Server::Shutdown(absl::Duration grace) {
  SetServing(*server_, false);
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
}

void Server::Wait() { server_->Wait(); }

}  // namespace carereach
