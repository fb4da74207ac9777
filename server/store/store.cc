#include "server/store/store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "geo/core/status_macros.h"
#include "server/store/postgres.h"
#include "server/store/preamble.h"
#include "server/store/sqlite_util.h"

// The Store's opening and its network methods; the report methods are in store_reports.cc.
namespace carereach::store {
namespace internal {
// Defined in the migrations.cc that CMake generates from migrations/*.sql.
extern const int kMigrationCount;
extern const char* const kMigrationFiles[];
extern const char* const kMigrationSql[];
extern const int kPgMigrationCount;
extern const char* const kPgMigrationFiles[];
extern const char* const kPgMigrationSql[];
}  // namespace internal

namespace {

using internal::Access;
using internal::Database;
using internal::FindLiveNetwork;
using internal::FirstError;
using internal::InNetwork;
using internal::InTenant;
using internal::LatestVersion;
using internal::LiveNetwork;
using internal::NetworkNotFound;
using internal::NowMicros;
using internal::Prefixed;
using internal::ReadAll;
using internal::ResolveVersion;
using internal::Statement;
using internal::ValidateNetworkId;
using internal::ValidateRows;

// ---- Network queries. Each runs inside the caller's transaction with the store mutex held.

// Columns 0..6 of a network listing; `WHERE` and the rest follow.
constexpr char kSelectNetworkInfo[] =
    "SELECT n.network_id, n.name, n.description, n.created_at_us,"
    " (SELECT COUNT(*) FROM versions v WHERE v.network = n.id),"
    " (SELECT COALESCE(MAX(v.version), 0) FROM versions v WHERE v.network = n.id),"
    " COALESCE((SELECT v.provider_count FROM versions v WHERE v.network = n.id"
    "           ORDER BY v.version DESC LIMIT 1), 0)"
    " FROM networks n WHERE n.tenant = ?1 AND n.deleted_at_us IS NULL";

NetworkInfo ReadNetworkInfo(const Statement& select) {
  return NetworkInfo{
      .network_id = select.Text(0),
      .name = select.Text(1),
      .description = select.Text(2),
      .created = absl::FromUnixMicros(select.Int(3)),
      .latest_version = static_cast<int32_t>(select.Int(5)),
      .version_count = static_cast<int32_t>(select.Int(4)),
      .latest_provider_count = select.Int(6),
  };
}

absl::StatusOr<NetworkInfo> LoadNetworkInfo(Database* db, const std::string& tenant,
                                            const std::string& network_id) {
  const std::string sql = absl::StrCat(kSelectNetworkInfo, " AND n.network_id = ?2");
  Statement select(db, sql.c_str());
  select.BindAll(tenant, network_id);
  ASSIGN_OR_RETURN(const bool found, select.Step());
  if (!found) return NetworkNotFound(network_id);
  return ReadNetworkInfo(select);
}

VersionInfo ReadVersionInfo(const Statement& select) {
  return VersionInfo{.version = static_cast<int32_t>(select.Int(0)),
                     .created = absl::FromUnixMicros(select.Int(1)),
                     .note = select.Text(2),
                     .provider_count = select.Int(3),
                     .content_hash = select.Text(4)};
}

// ALREADY_EXISTS when the tenant has a live network of that id.
absl::Status RefuseLiveNetwork(Database* db, const std::string& tenant,
                               const std::string& network_id) {
  const absl::StatusOr<LiveNetwork> existing = FindLiveNetwork(db, tenant, network_id);
  if (existing.ok()) {
    return absl::AlreadyExistsError(absl::StrCat("network \"", network_id, "\" already exists"));
  }
  return absl::IsNotFound(existing.status()) ? absl::OkStatus() : existing.status();
}

// Inserts the network; `*key` (may be null) gets its networks.id.
absl::StatusOr<NetworkInfo> InsertNetwork(Database* db, const std::string& tenant,
                                          const std::string& network_id, const std::string& name,
                                          const std::string& description, int64_t* key = nullptr) {
  const int64_t created_us = NowMicros();
  Statement insert(db,
                   "INSERT INTO networks (tenant, network_id, name, description, created_at_us)"
                   " VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id");
  insert.BindAll(tenant, network_id, name, description, created_us);
  ASSIGN_OR_RETURN(const bool inserted, insert.Step());
  if (!inserted) return absl::InternalError("INSERT INTO networks returned no id");
  if (key != nullptr) *key = insert.Int(0);
  return NetworkInfo{.network_id = network_id,
                     .name = name,
                     .description = description,
                     .created = absl::FromUnixMicros(created_us)};
}

// Oldest first.
absl::StatusOr<std::vector<VersionInfo>> LoadVersions(Database* db, int64_t network_key) {
  Statement select(db,
                   "SELECT version, created_at_us, note, provider_count, content_hash"
                   " FROM versions WHERE network = ?1 ORDER BY version");
  select.BindAll(network_key);
  return ReadAll(select, ReadVersionInfo);
}

absl::Status InsertVersion(Database* db, int64_t network_key, const VersionInfo& info,
                           const std::string& request_id) {
  Statement insert(db,
                   "INSERT INTO versions (network, version, created_at_us, note,"
                   " provider_count, content_hash, request_id)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULLIF(?7, ''))");
  insert.BindAll(network_key, info.version, absl::ToUnixMicros(info.created), info.note,
                 info.provider_count, info.content_hash, request_id);
  return insert.Run();
}

// Rows go in batches of up to kRowsPerInsert per INSERT statement: one round trip per batch to a
// PostgreSQL server instead of one per row (bench/store_bench.cc; docs/BENCHMARKS.md), and
// fewer statement steps on SQLite.
constexpr size_t kRowsPerInsert = 256;
constexpr int kProviderColumns = 19;  // 256 x 19 parameters: within both engines' limits

std::string InsertRowsSql(size_t rows) {
  std::string sql =
      "INSERT INTO providers (network, version, ordinal, provider_id, name, specialty_code, lon,"
      " lat, beds, telehealth, type, exclusion, ssa_county_code, contract_type, street_address,"
      " city, state, zip_code, medical_group) VALUES ";
  for (size_t r = 0; r < rows; ++r) {
    absl::StrAppend(&sql, r == 0 ? "(" : ", (");
    for (int c = 1; c <= kProviderColumns; ++c) {
      absl::StrAppend(&sql, c == 1 ? "?" : ", ?", r * kProviderColumns + c);
    }
    sql.push_back(')');
  }
  return sql;
}

absl::Status InsertRows(Database* db, int64_t network_key, int32_t version,
                        std::span<const ProviderRow> rows) {
  std::optional<Statement> insert;
  size_t prepared_rows = 0;
  for (size_t start = 0; start < rows.size(); start += kRowsPerInsert) {
    const size_t count = std::min(kRowsPerInsert, rows.size() - start);
    if (count != prepared_rows) {
      insert.emplace(db, InsertRowsSql(count).c_str());
      prepared_rows = count;
    } else {
      RETURN_IF_ERROR(insert->Reset());
    }
    for (size_t r = 0; r < count; ++r) {
      const ProviderRow& row = rows[start + r];
      insert->BindAllFrom(static_cast<int>(r) * kProviderColumns + 1, network_key, version,
                          static_cast<int64_t>(start + r), row.id, row.name, row.specialty_code,
                          row.lon, row.lat, row.beds, row.telehealth ? 1 : 0, row.type,
                          row.exclusion, row.hsd.ssa_county_code, row.hsd.contract_type,
                          row.hsd.street_address, row.hsd.city, row.hsd.state, row.hsd.zip_code,
                          row.hsd.medical_group);
    }
    RETURN_IF_ERROR(insert->Run());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ProviderRow>> LoadRows(Database* db, int64_t network_key,
                                                  int32_t version) {
  Statement select(db,
                   "SELECT provider_id, name, specialty_code, lon, lat, beds, telehealth, type,"
                   " exclusion, ssa_county_code, contract_type, street_address, city, state,"
                   " zip_code, medical_group"
                   " FROM providers WHERE network = ?1 AND version = ?2 ORDER BY ordinal");
  select.BindAll(network_key, version);
  return ReadAll(select, [](const Statement& row) {
    return ProviderRow{
        .id = row.Text(0),
        .name = row.Text(1),
        .specialty_code = row.Text(2),
        .lon = row.Double(3),
        .lat = row.Double(4),
        .beds = row.Double(5),
        .telehealth = row.Int(6) != 0,
        .type = row.Text(7),
        .exclusion = row.Text(8),
        .hsd = {.ssa_county_code = row.Text(9),
                .contract_type = row.Text(10),
                .street_address = row.Text(11),
                .city = row.Text(12),
                .state = row.Text(13),
                .zip_code = row.Text(14),
                .medical_group = row.Text(15)},
    };
  });
}

// The version of the network that a write with `request_id` made, if any (never for an empty
// id). ALREADY_EXISTS when that write had other rows than `content_hash` says: a request id
// names one write.
absl::StatusOr<std::optional<VersionInfo>> FindRequest(Database* db, int64_t network_key,
                                                       const std::string& request_id,
                                                       const std::string& content_hash) {
  if (request_id.empty()) return std::nullopt;
  Statement select(db,
                   "SELECT version, created_at_us, note, provider_count, content_hash"
                   " FROM versions WHERE network = ?1 AND request_id = ?2");
  select.BindAll(network_key, request_id);
  ASSIGN_OR_RETURN(const bool found, select.Step());
  if (!found) return std::nullopt;
  VersionInfo info = ReadVersionInfo(select);
  if (info.content_hash != content_hash) {
    return absl::AlreadyExistsError(absl::StrCat(
        "request id \"", absl::CHexEscape(request_id), "\" already made version ", info.version,
        " with other rows; a request id names one write (send a new one for a new write)"));
  }
  return info;
}

// Saves `rows` as the network's next version (1 for a new network), or returns the version a
// write with the same request id already made (`*replayed` then true; may be null).
absl::StatusOr<VersionInfo> InsertNextVersion(
    Database* db, int64_t network_key, const std::string& note, std::span<const ProviderRow> rows,
    const std::string& content_hash, const std::string& request_id, bool* replayed = nullptr) {
  ASSIGN_OR_RETURN(const std::optional<VersionInfo> earlier,
                   FindRequest(db, network_key, request_id, content_hash));
  if (replayed != nullptr) *replayed = earlier.has_value();
  if (earlier.has_value()) return *earlier;
  ASSIGN_OR_RETURN(const int32_t latest, LatestVersion(db, network_key));
  const VersionInfo info{.version = latest + 1,
                         .created = absl::FromUnixMicros(NowMicros()),
                         .note = note,
                         .provider_count = static_cast<int64_t>(rows.size()),
                         .content_hash = content_hash};
  RETURN_IF_ERROR(InsertVersion(db, network_key, info, request_id));
  RETURN_IF_ERROR(InsertRows(db, network_key, info.version, rows));
  return info;
}

// The parent directory of `path`, "." when it has none.
std::string DirectoryOf(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

// A "file:" URI opening `path` read-only and immutable ('%', '?' and '#' escaped).
std::string ImmutableUri(const std::string& path) {
  std::string uri = "file:";
  for (const char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      absl::StrAppend(&uri, absl::StrFormat("%%%02X", static_cast<unsigned char>(c)));
    } else {
      uri.push_back(c);
    }
  }
  return uri + "?mode=ro&immutable=1";
}

}  // namespace

Store::Store(std::unique_ptr<internal::Connection> connection, int schema_version)
    : connection_(std::move(connection)), schema_version_(schema_version) {}

Store::~Store() {
  absl::MutexLock lock(&connection_->mu);
  connection_->idle.clear();
}

absl::Status Store::health() const {
  absl::MutexLock lock(&connection_->mu);
  return connection_->health;
}

bool Store::read_only() const { return connection_->read_only; }

const std::string& Store::location() const { return connection_->path; }

void Store::OnDamage(std::function<void(const absl::Status&)> listener) {
  absl::MutexLock lock(&connection_->mu);
  connection_->on_damage = std::move(listener);
}

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& db_path) {
  if (db_path.empty()) return absl::InvalidArgumentError("db_path: must not be empty");
  const std::filesystem::path parent = std::filesystem::path(db_path).parent_path();
  if (!parent.empty()) {
    std::error_code error;
    std::filesystem::create_directories(parent, error);
    if (error) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot create directory ", parent.string(), ": ", error.message()));
    }
  }
  const sqlite::Migrations migrations{
      .files = {internal::kMigrationFiles, static_cast<size_t>(internal::kMigrationCount)},
      .sql = {internal::kMigrationSql, static_cast<size_t>(internal::kMigrationCount)}};
  auto connection = std::make_unique<internal::Connection>();
  connection->path = db_path;
  sqlite3* db = nullptr;
  // An existing file in a directory this process cannot write is opened read-only: SQLite could
  // not create its write-ahead log and shared-memory files there. Otherwise SQLite itself opens a
  // file this process cannot write read-only (sqlite3_db_readonly tells).
  const bool directory_read_only =
      std::filesystem::exists(db_path) && ::access(DirectoryOf(db_path).c_str(), W_OK) != 0;
  // Then it is opened immutable: a read-only connection to a WAL database needs its -shm file,
  // which cannot be created there, and no writer can appear in a directory nobody can write.
  // NOMUTEX: the Store's own mutex serializes every use of the connection.
  const int rc =
      directory_read_only
          ? sqlite3_open_v2(ImmutableUri(db_path).c_str(), &db,
                            SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr)
          : sqlite3_open_v2(db_path.c_str(), &db,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                            nullptr);
  connection->read_only = rc == SQLITE_OK && sqlite3_db_readonly(db, "main") == 1;
  absl::StatusOr<int> version = rc == SQLITE_OK ? sqlite::PrepareDatabase(db, migrations)
                                                : absl::StatusOr<int>(sqlite::SqliteStatus(db, rc));
  absl::Status health = version.status();
  if (version.ok()) health = sqlite::QuickCheck(db);
  if (absl::IsDataLoss(health)) {
    // Damaged: opens anyway, answering DATA_LOSS to every call (see the header).
    sqlite3_close_v2(db);
    absl::MutexLock lock(&connection->mu);
    connection->health = absl::DataLossError(
        absl::StrCat("the store ", db_path, " is damaged (", health.message(),
                     "); store calls are refused until it is restored from a backup"));
    return std::unique_ptr<Store>(new Store(std::move(connection), 0));
  }
  if (!version.ok()) {
    sqlite3_close_v2(db);  // accepts null
    if (sqlite::IsReadOnlyFault(version.status())) {
      return internal::ReadOnlyError(db_path, version.status().message());
    }
    return Prefixed(db_path, version.status());
  }
  {
    absl::MutexLock lock(&connection->mu);
    connection->idle.push_back(std::make_unique<sqlite::SqliteDatabase>(db));
  }
  return std::unique_ptr<Store>(new Store(std::move(connection), *version));
}

absl::StatusOr<std::unique_ptr<Store>> Store::OpenPostgres(const std::string& url,
                                                           int connections) {
  if (connections < 1 || connections > kMaxPostgresConnections) {
    return absl::InvalidArgumentError(absl::StrFormat("store connections: %d is outside [1, %d]",
                                                      connections, kMaxPostgresConnections));
  }
  const postgres::Migrations migrations{
      .files = {internal::kPgMigrationFiles, static_cast<size_t>(internal::kPgMigrationCount)},
      .sql = {internal::kPgMigrationSql, static_cast<size_t>(internal::kPgMigrationCount)}};
  auto connection = std::make_unique<internal::Connection>();
  connection->path = postgres::RedactedUrl(url);
  int version = 0;
  // The first connection migrates; the others find nothing left to apply.
  for (int i = 0; i < connections; ++i) {
    ASSIGN_OR_RETURN(std::unique_ptr<Database> db, postgres::Connect(url, migrations, &version));
    absl::MutexLock lock(&connection->mu);
    connection->idle.push_back(std::move(db));
  }
  return std::unique_ptr<Store>(new Store(std::move(connection), version));
}

absl::StatusOr<std::unique_ptr<Store>> Store::OpenLocation(const std::string& location,
                                                           int postgres_connections) {
  if (absl::StartsWith(location, "postgres://") || absl::StartsWith(location, "postgresql://")) {
    return OpenPostgres(location, postgres_connections);
  }
  if (absl::StartsWith(location, "sqlite:")) {
    const std::string dir(absl::StripPrefix(location, "sqlite:"));
    if (dir.empty()) return absl::InvalidArgumentError("store: \"sqlite:\" needs a directory");
    return Open((std::filesystem::path(dir) / "carereach.db").string());
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "store: \"", location, "\" is neither sqlite:DIR nor a postgresql:// or postgres:// URL"));
}

absl::StatusOr<NetworkInfo> Store::CreateNetwork(const std::string& tenant,
                                                 const std::string& network_id,
                                                 const std::string& name,
                                                 const std::string& description) {
  return InTenant(*connection_, Access::kWrite, tenant, ValidateNetworkId(network_id, "network_id"),
                  [&](Database* db) -> absl::StatusOr<NetworkInfo> {
                    RETURN_IF_ERROR(RefuseLiveNetwork(db, tenant, network_id));
                    return InsertNetwork(db, tenant, network_id, name, description);
                  });
}

absl::StatusOr<NetworkInfo> Store::CreateNetworkWithVersion(
    const std::string& tenant, const std::string& network_id, const std::string& name,
    const std::string& description, const std::string& note, std::span<const ProviderRow> rows,
    VersionInfo* version, const std::string& request_id) {
  const absl::Status valid_rows = ValidateRows(rows);
  const std::string content_hash = valid_rows.ok() ? ContentHash(rows) : "";
  return InTenant(
      *connection_, Access::kWrite, tenant,
      FirstError(ValidateNetworkId(network_id, "network_id"), valid_rows),
      [&](Database* db) -> absl::StatusOr<NetworkInfo> {
        // The same creation retried (its first answer lost) finds what it made.
        if (const absl::StatusOr<LiveNetwork> existing = FindLiveNetwork(db, tenant, network_id);
            existing.ok()) {
          ASSIGN_OR_RETURN(const std::optional<VersionInfo> earlier,
                           FindRequest(db, existing->key, request_id, content_hash));
          if (earlier.has_value() && earlier->version == 1) {
            if (version != nullptr) *version = *earlier;
            return LoadNetworkInfo(db, tenant, network_id);
          }
        }
        RETURN_IF_ERROR(RefuseLiveNetwork(db, tenant, network_id));
        int64_t key = 0;
        ASSIGN_OR_RETURN(NetworkInfo network,
                         InsertNetwork(db, tenant, network_id, name, description, &key));
        ASSIGN_OR_RETURN(const VersionInfo info,
                         InsertNextVersion(db, key, note, rows, content_hash, request_id));
        network.latest_version = info.version;
        network.version_count = 1;
        network.latest_provider_count = info.provider_count;
        if (version != nullptr) *version = info;
        return network;
      });
}

absl::StatusOr<VersionInfo> Store::AddVersionCreatingNetwork(
    const std::string& tenant, const std::string& network_id, const std::string& name,
    const std::string& description, const std::string& note, std::span<const ProviderRow> rows,
    bool* created, const std::string& request_id) {
  const absl::Status valid_rows = ValidateRows(rows);
  const std::string content_hash = valid_rows.ok() ? ContentHash(rows) : "";
  return InTenant(
      *connection_, Access::kWrite, tenant,
      FirstError(ValidateNetworkId(network_id, "network_id"), valid_rows),
      [&](Database* db) -> absl::StatusOr<VersionInfo> {
        absl::StatusOr<LiveNetwork> existing = FindLiveNetwork(db, tenant, network_id);
        int64_t key = 0;
        if (existing.ok()) {
          key = existing->key;
        } else if (absl::IsNotFound(existing.status())) {
          RETURN_IF_ERROR(InsertNetwork(db, tenant, network_id, name, description, &key).status());
        } else {
          return existing.status();
        }
        ASSIGN_OR_RETURN(VersionInfo info,
                         InsertNextVersion(db, key, note, rows, content_hash, request_id));
        if (created != nullptr) *created = !existing.ok();
        return info;
      });
}

absl::StatusOr<VersionInfo> Store::AddVersion(const std::string& tenant,
                                              const std::string& network_id,
                                              const std::string& note,
                                              std::span<const ProviderRow> rows,
                                              const std::string& request_id) {
  const absl::Status valid_rows = ValidateRows(rows);
  const std::string content_hash = valid_rows.ok() ? ContentHash(rows) : "";
  return InNetwork(*connection_, Access::kWrite, tenant, network_id, valid_rows,
                   [&](Database* db, const LiveNetwork& network) {
                     return InsertNextVersion(db, network.key, note, rows, content_hash,
                                              request_id);
                   });
}

absl::StatusOr<NetworkInfo> Store::GetNetwork(const std::string& tenant,
                                              const std::string& network_id) {
  return InTenant(*connection_, Access::kRead, tenant, ValidateNetworkId(network_id, "network_id"),
                  [&](Database* db) { return LoadNetworkInfo(db, tenant, network_id); });
}

absl::StatusOr<std::vector<VersionInfo>> Store::ListVersions(const std::string& tenant,
                                                             const std::string& network_id) {
  return InNetwork(
      *connection_, Access::kRead, tenant, network_id, absl::OkStatus(),
      [](Database* db, const LiveNetwork& network) { return LoadVersions(db, network.key); });
}

absl::StatusOr<std::vector<NetworkInfo>> Store::ListNetworks(const std::string& tenant,
                                                             int32_t page_size,
                                                             const std::string& after_network_id,
                                                             std::string* next_after) {
  const absl::StatusOr<int32_t> limit = EffectivePageSize(page_size);
  return InTenant(
      *connection_, Access::kRead, tenant, limit.status(),
      [&](Database* db) -> absl::StatusOr<std::vector<NetworkInfo>> {
        const std::string sql = absl::StrCat(
            kSelectNetworkInfo, " AND n.network_id > ?2 ORDER BY n.network_id LIMIT ?3");
        Statement select(db, sql.c_str());
        // One more than the page tells whether there is a next page.
        select.BindAll(tenant, after_network_id, *limit + 1);
        ASSIGN_OR_RETURN(std::vector<NetworkInfo> networks, ReadAll(select, ReadNetworkInfo));
        const std::string next =
            EndPage(networks, *limit, [](const NetworkInfo& n) { return n.network_id; });
        if (next_after != nullptr) *next_after = next;
        return networks;
      });
}

absl::StatusOr<std::vector<ProviderRow>> Store::GetProviders(const std::string& tenant,
                                                             const std::string& network_id,
                                                             int32_t version,
                                                             int32_t* resolved_version) {
  return InNetwork(
      *connection_, Access::kRead, tenant, network_id, absl::OkStatus(),
      [&](Database* db, const LiveNetwork& network) -> absl::StatusOr<std::vector<ProviderRow>> {
        ASSIGN_OR_RETURN(const int32_t resolved, ResolveVersion(db, network, version, "version"));
        if (resolved_version != nullptr) *resolved_version = resolved;
        return LoadRows(db, network.key, resolved);
      });
}

absl::StatusOr<NetworkDiff> Store::DiffVersions(const std::string& tenant,
                                                const std::string& network_id, int32_t from_version,
                                                int32_t to_version) {
  using Rosters = std::pair<std::vector<ProviderRow>, std::vector<ProviderRow>>;
  ASSIGN_OR_RETURN(
      const Rosters rosters,
      InNetwork(*connection_, Access::kRead, tenant, network_id, absl::OkStatus(),
                [&](Database* db, const LiveNetwork& network) -> absl::StatusOr<Rosters> {
                  ASSIGN_OR_RETURN(const int32_t from,
                                   ResolveVersion(db, network, from_version, "from_version"));
                  ASSIGN_OR_RETURN(const int32_t to,
                                   ResolveVersion(db, network, to_version, "to_version"));
                  ASSIGN_OR_RETURN(std::vector<ProviderRow> from_rows,
                                   LoadRows(db, network.key, from));
                  ASSIGN_OR_RETURN(std::vector<ProviderRow> to_rows, LoadRows(db, network.key, to));
                  return Rosters(std::move(from_rows), std::move(to_rows));
                }));
  return DiffRows(rosters.first, rosters.second);  // outside the lock: pure computation
}

absl::Status Store::DeleteNetwork(const std::string& tenant, const std::string& network_id) {
  return InNetwork(*connection_, Access::kWrite, tenant, network_id, absl::OkStatus(),
                   [](Database* db, const LiveNetwork& network) {
                     Statement update(db, "UPDATE networks SET deleted_at_us = ?2 WHERE id = ?1");
                     update.BindAll(network.key, NowMicros());
                     return update.Run();
                   });
}

}  // namespace carereach::store
