#include "server/store/store.h"

#include <sqlite3.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace carereach::store {
namespace internal {
// Defined in the migrations.cc that CMake generates from migrations/*.sql.
extern const int kMigrationCount;
extern const char* const kMigrationFiles[];
extern const char* const kMigrationSql[];
}  // namespace internal

namespace {

// Another process (a backup, the sqlite3 shell) may hold the write lock briefly.
constexpr int kBusyTimeoutMs = 5000;
constexpr size_t kMaxNetworkIdChars = 64;

#define STORE_RETURN_IF_ERROR(expr)                     \
  do {                                                  \
    if (absl::Status status_ = (expr); !status_.ok()) { \
      return status_;                                   \
    }                                                   \
  } while (0)

// Must be called right after the failing call: sqlite3_errmsg describes the most recent one.
absl::Status SqliteStatus(sqlite3* db, int rc) {
  const std::string message = absl::StrCat(
      "sqlite: ", db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc), " (code ", rc, ")");
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(message);
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return absl::AlreadyExistsError(message);
      }
      return absl::InternalError(message);
    default:
      return absl::InternalError(message);
  }
}

absl::Status Exec(sqlite3* db, const char* sql) {
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? absl::OkStatus() : SqliteStatus(db, rc);
}

// A prepared statement. Bind failures are remembered and reported by the next Step.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    const int rc = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
    if (rc != SQLITE_OK) status_ = SqliteStatus(db, rc);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Bound values are not copied: they must outlive the Step calls (SQLITE_STATIC).
  void BindText(int index, const std::string& value) {
    if (status_.ok()) {
      Check(sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_STATIC,
                                SQLITE_UTF8));
    }
  }
  void BindBlob(int index, const std::string& value) {
    // value.data() is never null, so an empty string binds an empty blob, not NULL.
    if (status_.ok()) {
      Check(sqlite3_bind_blob64(stmt_, index, value.data(), value.size(), SQLITE_STATIC));
    }
  }
  void BindInt(int index, int64_t value) {
    if (status_.ok()) Check(sqlite3_bind_int64(stmt_, index, value));
  }
  void BindDouble(int index, double value) {
    if (status_.ok()) Check(sqlite3_bind_double(stmt_, index, value));
  }

  // True when a row is available, false when the statement is done.
  absl::StatusOr<bool> Step() {
    if (!status_.ok()) return status_;
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return SqliteStatus(db_, rc);
  }
  // Runs a statement that returns no rows.
  absl::Status Run() {
    absl::StatusOr<bool> row = Step();
    return row.status();
  }
  // Ready to bind and run again (for inserting many rows with one prepared statement).
  absl::Status Reset() {
    if (!status_.ok()) return status_;
    const int rc = sqlite3_reset(stmt_);
    if (rc != SQLITE_OK) return SqliteStatus(db_, rc);
    sqlite3_clear_bindings(stmt_);
    return absl::OkStatus();
  }

  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  double Double(int column) const { return sqlite3_column_double(stmt_, column); }
  bool IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::string Text(int column) const {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    if (text == nullptr) return "";
    return std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt_, column));
  }
  std::string Blob(int column) const {
    const void* blob = sqlite3_column_blob(stmt_, column);
    if (blob == nullptr) return "";  // zero-length blobs come back as null
    return std::string(static_cast<const char*>(blob), sqlite3_column_bytes(stmt_, column));
  }

 private:
  void Check(int rc) {
    if (rc != SQLITE_OK) status_ = SqliteStatus(db_, rc);
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  absl::Status status_;
};

// Rolls back unless committed, so every early return leaves the database unchanged.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) {}
  ~Transaction() {
    if (open_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Writers take the write lock up front (IMMEDIATE) so that a read never has to be upgraded,
  // which could fail with SQLITE_BUSY halfway through.
  absl::Status BeginWrite() { return Begin("BEGIN IMMEDIATE"); }
  absl::Status BeginRead() { return Begin("BEGIN"); }
  absl::Status Commit() {
    STORE_RETURN_IF_ERROR(Exec(db_, "COMMIT"));
    open_ = false;
    return absl::OkStatus();
  }

 private:
  absl::Status Begin(const char* sql) {
    STORE_RETURN_IF_ERROR(Exec(db_, sql));
    open_ = true;
    return absl::OkStatus();
  }

  sqlite3* db_;
  bool open_ = false;
};

int64_t NowMicros() { return absl::ToUnixMicros(absl::Now()); }

absl::Status ValidateTenant(const std::string& tenant) {
  if (tenant.empty()) return absl::InvalidArgumentError("tenant: must not be empty");
  return absl::OkStatus();
}

absl::Status ValidateNetworkId(const std::string& network_id, const std::string& field) {
  if (network_id.empty() || network_id.size() > kMaxNetworkIdChars) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: must be 1..%d characters of [A-Za-z0-9._-], got %d characters", field,
                        kMaxNetworkIdChars, network_id.size()));
  }
  for (size_t i = 0; i < network_id.size(); ++i) {
    const char c = network_id[i];
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: character '%s' at offset %d is not one of [A-Za-z0-9._-]", field,
                          absl::CHexEscape(absl::string_view(&network_id[i], 1)), i));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateTenantAndNetworkId(const std::string& tenant, const std::string& network_id) {
  STORE_RETURN_IF_ERROR(ValidateTenant(tenant));
  return ValidateNetworkId(network_id, "network_id");
}

absl::Status ValidateRows(std::span<const ProviderRow> rows) {
  for (size_t i = 0; i < rows.size(); ++i) {
    const ProviderRow& row = rows[i];
    if (!(row.lon >= -180 && row.lon <= 180)) {  // also refuses NaN
      return absl::InvalidArgumentError(
          absl::StrFormat("rows[%d].lon: %g is outside [-180, 180]", i, row.lon));
    }
    if (!(row.lat >= -90 && row.lat <= 90)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("rows[%d].lat: %g is outside [-90, 90]", i, row.lat));
    }
    if (!(row.beds >= 0) || !std::isfinite(row.beds)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("rows[%d].beds: %g is not a finite number >= 0", i, row.beds));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<int32_t> EffectivePageSize(int32_t page_size) {
  if (page_size < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: must be >= 0 (0 = default), got ", page_size));
  }
  if (page_size == 0) return Store::kDefaultPageSize;
  return std::min(page_size, Store::kMaxPageSize);
}

// FNV-1a 64 over an unambiguous serialization: fixed-width little-endian numbers and
// length-prefixed strings, so the hash is the same on every platform and build.
class ContentHasher {
 public:
  void AddU64(uint64_t value) {
    for (int i = 0; i < 8; ++i) AddByte(static_cast<uint8_t>(value >> (8 * i)));
  }
  void AddString(const std::string& value) {
    AddU64(value.size());
    for (char c : value) AddByte(static_cast<uint8_t>(c));
  }
  // -0.0 becomes 0.0: SQLite does not keep the sign of zero, and the two compare equal.
  void AddDouble(double value) { AddU64(std::bit_cast<uint64_t>(value == 0 ? 0.0 : value)); }
  std::string Hex() const { return absl::StrFormat("%016x", hash_); }

 private:
  void AddByte(uint8_t byte) {
    hash_ ^= byte;
    hash_ *= 0x100000001b3ULL;
  }
  uint64_t hash_ = 0xcbf29ce484222325ULL;
};

std::string ContentHash(std::span<const ProviderRow> rows) {
  ContentHasher hasher;
  hasher.AddU64(rows.size());
  for (const ProviderRow& row : rows) {
    hasher.AddString(row.id);
    hasher.AddString(row.name);
    hasher.AddString(row.specialty_code);
    hasher.AddDouble(row.lon);
    hasher.AddDouble(row.lat);
    hasher.AddDouble(row.beds);
    hasher.AddU64(row.telehealth ? 1 : 0);
    hasher.AddString(row.type);
  }
  return hasher.Hex();
}

// Total order on doubles for sorting any input: NaN sorts last and equals itself; -0.0 == 0.0.
int CompareDouble(double a, double b) {
  const bool a_nan = std::isnan(a), b_nan = std::isnan(b);
  if (a_nan || b_nan) return static_cast<int>(a_nan) - static_cast<int>(b_nan);
  return a < b ? -1 : (b < a ? 1 : 0);
}

int CompareString(const std::string& a, const std::string& b) {
  const int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// The DiffRows matching key: (id, specialty_code, lon, lat).
int CompareKey(const ProviderRow& a, const ProviderRow& b) {
  if (int c = CompareString(a.id, b.id); c != 0) return c;
  if (int c = CompareString(a.specialty_code, b.specialty_code); c != 0) return c;
  if (int c = CompareDouble(a.lon, b.lon); c != 0) return c;
  return CompareDouble(a.lat, b.lat);
}

int CompareRow(const ProviderRow& a, const ProviderRow& b) {
  if (int c = CompareKey(a, b); c != 0) return c;
  if (int c = CompareString(a.name, b.name); c != 0) return c;
  if (int c = CompareString(a.type, b.type); c != 0) return c;
  if (int c = CompareDouble(a.beds, b.beds); c != 0) return c;
  return static_cast<int>(a.telehealth) - static_cast<int>(b.telehealth);
}

std::vector<const ProviderRow*> SortedRows(std::span<const ProviderRow> rows) {
  std::vector<const ProviderRow*> sorted;
  sorted.reserve(rows.size());
  for (const ProviderRow& row : rows) sorted.push_back(&row);
  std::sort(sorted.begin(), sorted.end(),
            [](const ProviderRow* a, const ProviderRow* b) { return CompareRow(*a, *b) < 0; });
  return sorted;
}

// ---- Queries. Each helper runs inside the caller's transaction with the store mutex held.

struct LiveNetwork {
  int64_t key = 0;  // networks.id
  std::string network_id;
};

absl::Status NetworkNotFound(const std::string& network_id) {
  return absl::NotFoundError(absl::StrCat("network \"", network_id, "\" not found"));
}

absl::StatusOr<LiveNetwork> FindLiveNetwork(sqlite3* db, const std::string& tenant,
                                            const std::string& network_id) {
  Statement select(db,
                   "SELECT id FROM networks"
                   " WHERE tenant = ?1 AND network_id = ?2 AND deleted_at_us IS NULL");
  select.BindText(1, tenant);
  select.BindText(2, network_id);
  absl::StatusOr<bool> row = select.Step();
  if (!row.ok()) return row.status();
  if (!*row) return NetworkNotFound(network_id);
  return LiveNetwork{.key = select.Int(0), .network_id = network_id};
}

absl::StatusOr<int32_t> LatestVersion(sqlite3* db, int64_t network_key) {
  Statement select(db, "SELECT COALESCE(MAX(version), 0) FROM versions WHERE network = ?1");
  select.BindInt(1, network_key);
  absl::StatusOr<bool> row = select.Step();
  if (!row.ok()) return row.status();
  return static_cast<int32_t>(select.Int(0));
}

// `version` 0 means the latest.
absl::StatusOr<int32_t> ResolveVersion(sqlite3* db, const LiveNetwork& network, int32_t version,
                                       const std::string& field) {
  if (version < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": must be >= 0 (0 = latest), got ", version));
  }
  absl::StatusOr<int32_t> latest = LatestVersion(db, network.key);
  if (!latest.ok()) return latest.status();
  if (*latest == 0) {
    return absl::NotFoundError(
        absl::StrCat("network \"", network.network_id, "\" has no versions yet"));
  }
  if (version == 0) return *latest;
  // Versions are numbered 1..latest without gaps.
  if (version > *latest) {
    return absl::NotFoundError(absl::StrCat("network \"", network.network_id, "\" has no version ",
                                            version, " (latest ", *latest, ")"));
  }
  return version;
}

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

absl::StatusOr<NetworkInfo> LoadNetworkInfo(sqlite3* db, const std::string& tenant,
                                            const std::string& network_id) {
  const std::string sql = absl::StrCat(kSelectNetworkInfo, " AND n.network_id = ?2");
  Statement select(db, sql.c_str());
  select.BindText(1, tenant);
  select.BindText(2, network_id);
  absl::StatusOr<bool> row = select.Step();
  if (!row.ok()) return row.status();
  if (!*row) return NetworkNotFound(network_id);
  return ReadNetworkInfo(select);
}

absl::StatusOr<std::vector<ProviderRow>> LoadRows(sqlite3* db, int64_t network_key,
                                                  int32_t version) {
  Statement select(db,
                   "SELECT provider_id, name, specialty_code, lon, lat, beds, telehealth, type"
                   " FROM providers WHERE network = ?1 AND version = ?2 ORDER BY ordinal");
  select.BindInt(1, network_key);
  select.BindInt(2, version);
  std::vector<ProviderRow> rows;
  while (true) {
    absl::StatusOr<bool> row = select.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    rows.push_back(ProviderRow{
        .id = select.Text(0),
        .name = select.Text(1),
        .specialty_code = select.Text(2),
        .lon = select.Double(3),
        .lat = select.Double(4),
        .beds = select.Double(5),
        .telehealth = select.Int(6) != 0,
        .type = select.Text(7),
    });
  }
  return rows;
}

absl::StatusOr<std::vector<NetworkRef>> LoadReportNetworks(sqlite3* db, int64_t report_key) {
  Statement select(db,
                   "SELECT n.network_id, rn.version FROM report_networks rn"
                   " JOIN networks n ON n.id = rn.network"
                   " WHERE rn.report = ?1 ORDER BY rn.ordinal");
  select.BindInt(1, report_key);
  std::vector<NetworkRef> refs;
  while (true) {
    absl::StatusOr<bool> row = select.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    refs.push_back(
        NetworkRef{.network_id = select.Text(0), .version = static_cast<int32_t>(select.Int(1))});
  }
  return refs;
}

std::string NewReportId() {
  uint64_t random = 0;
  sqlite3_randomness(sizeof(random), &random);
  return absl::StrFormat("rpt_%016x", random);
}

absl::StatusOr<int> UserVersion(sqlite3* db) {
  Statement select(db, "PRAGMA user_version");
  absl::StatusOr<bool> row = select.Step();
  if (!row.ok()) return row.status();
  return static_cast<int>(select.Int(0));
}

// The embedded list must be 0001_..., 0002_..., in order: a build mistake otherwise.
absl::Status CheckEmbeddedMigrations() {
  for (int i = 0; i < internal::kMigrationCount; ++i) {
    const std::string expected_prefix = absl::StrFormat("%04d_", i + 1);
    if (std::string(internal::kMigrationFiles[i]).rfind(expected_prefix, 0) != 0) {
      return absl::InternalError(absl::StrCat("migration ", i + 1, " is named \"",
                                              internal::kMigrationFiles[i], "\", expected \"",
                                              expected_prefix, "...\""));
    }
  }
  return absl::OkStatus();
}

absl::Status RefuseNewerSchema(int version) {
  return absl::FailedPreconditionError(absl::StrCat(
      "database schema version ", version, " is newer than this build supports (",
      internal::kMigrationCount, "); refusing to open it (schemas are never downgraded)"));
}

// Applies each pending migration in its own transaction. The version is re-read inside the
// transaction in case another process migrated the same file meanwhile.
absl::Status Migrate(sqlite3* db, int current_version) {
  STORE_RETURN_IF_ERROR(CheckEmbeddedMigrations());
  for (int target = current_version + 1; target <= internal::kMigrationCount; ++target) {
    Transaction txn(db);
    STORE_RETURN_IF_ERROR(txn.BeginWrite());
    absl::StatusOr<int> current = UserVersion(db);
    if (!current.ok()) return current.status();
    if (*current > internal::kMigrationCount) return RefuseNewerSchema(*current);
    if (*current >= target) continue;  // the transaction rolls back (nothing written)
    if (absl::Status status = Exec(db, internal::kMigrationSql[target - 1]); !status.ok()) {
      return absl::Status(status.code(),
                          absl::StrCat("migration ", internal::kMigrationFiles[target - 1], ": ",
                                       status.message()));
    }
    // An integer from the code, not user data: safe to put in the SQL text.
    STORE_RETURN_IF_ERROR(Exec(db, absl::StrCat("PRAGMA user_version = ", target).c_str()));
    STORE_RETURN_IF_ERROR(txn.Commit());
  }
  return absl::OkStatus();
}

absl::Status EnableWal(sqlite3* db) {
  Statement journal(db, "PRAGMA journal_mode = WAL");
  absl::StatusOr<bool> row = journal.Step();
  if (!row.ok()) return row.status();
  const std::string journal_mode = *row ? absl::AsciiStrToLower(journal.Text(0)) : "";
  if (journal_mode != "wal") {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot use write-ahead logging (journal_mode is \"", journal_mode, "\")"));
  }
  return absl::OkStatus();
}

// Refuses a newer schema before changing anything in the file (journal_mode=WAL is persistent),
// then configures the connection and migrates. Returns the schema version.
absl::StatusOr<int> Prepare(sqlite3* db) {
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  absl::StatusOr<int> version = UserVersion(db);
  if (!version.ok()) return version.status();
  if (*version > internal::kMigrationCount) return RefuseNewerSchema(*version);

  STORE_RETURN_IF_ERROR(EnableWal(db));
  // A commit returns only once the WAL is synced: acknowledged writes survive a crash.
  STORE_RETURN_IF_ERROR(Exec(db, "PRAGMA synchronous = FULL"));
  STORE_RETURN_IF_ERROR(Exec(db, "PRAGMA foreign_keys = ON"));
  STORE_RETURN_IF_ERROR(Migrate(db, *version));
  return UserVersion(db);
}

}  // namespace

NetworkDiff DiffRows(std::span<const ProviderRow> from, std::span<const ProviderRow> to) {
  const std::vector<const ProviderRow*> f = SortedRows(from);
  const std::vector<const ProviderRow*> t = SortedRows(to);
  NetworkDiff diff;
  size_t i = 0, j = 0;
  while (i < f.size() || j < t.size()) {
    const int key_order = i == f.size() ? 1 : j == t.size() ? -1 : CompareKey(*f[i], *t[j]);
    if (key_order < 0) {
      diff.removed.push_back(*f[i++]);
      continue;
    }
    if (key_order > 0) {
      diff.added.push_back(*t[j++]);
      continue;
    }
    // One key on both sides: identical rows pair first, then the leftovers pair as changed.
    size_t i_end = i, j_end = j;
    while (i_end < f.size() && CompareKey(*f[i_end], *f[i]) == 0) ++i_end;
    while (j_end < t.size() && CompareKey(*t[j_end], *t[j]) == 0) ++j_end;
    std::vector<const ProviderRow*> from_left, to_left;
    while (i < i_end && j < j_end) {
      const int order = CompareRow(*f[i], *t[j]);
      if (order == 0) {
        ++diff.unchanged;
        ++i;
        ++j;
      } else if (order < 0) {
        from_left.push_back(f[i++]);
      } else {
        to_left.push_back(t[j++]);
      }
    }
    while (i < i_end) from_left.push_back(f[i++]);
    while (j < j_end) to_left.push_back(t[j++]);
    const size_t paired = std::min(from_left.size(), to_left.size());
    for (size_t k = 0; k < paired; ++k) diff.changed.emplace_back(*from_left[k], *to_left[k]);
    for (size_t k = paired; k < from_left.size(); ++k) diff.removed.push_back(*from_left[k]);
    for (size_t k = paired; k < to_left.size(); ++k) diff.added.push_back(*to_left[k]);
  }
  return diff;
}

Store::Store(sqlite3* db, int schema_version) : db_(db), schema_version_(schema_version) {}

Store::~Store() { sqlite3_close_v2(db_); }

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
  sqlite3* db = nullptr;
  // NOMUTEX: the Store's own mutex serializes every use of the connection.
  const int rc =
      sqlite3_open_v2(db_path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  absl::StatusOr<int> version =
      rc == SQLITE_OK ? Prepare(db) : absl::StatusOr<int>(SqliteStatus(db, rc));
  if (!version.ok()) {
    sqlite3_close_v2(db);  // accepts null
    return absl::Status(version.status().code(),
                        absl::StrCat(db_path, ": ", version.status().message()));
  }
  return std::unique_ptr<Store>(new Store(db, *version));
}

absl::StatusOr<NetworkInfo> Store::CreateNetwork(const std::string& tenant,
                                                 const std::string& network_id,
                                                 const std::string& name,
                                                 const std::string& description) {
  STORE_RETURN_IF_ERROR(ValidateTenantAndNetworkId(tenant, network_id));
  absl::MutexLock lock(&mu_);
  Transaction txn(db_);
  STORE_RETURN_IF_ERROR(txn.BeginWrite());
  if (absl::StatusOr<LiveNetwork> existing = FindLiveNetwork(db_, tenant, network_id);
      existing.ok()) {
    return absl::AlreadyExistsError(absl::StrCat("network \"", network_id, "\" already exists"));
  } else if (!absl::IsNotFound(existing.status())) {
    return existing.status();
  }
  const int64_t created_us = NowMicros();
  Statement insert(db_,
                   "INSERT INTO networks (tenant, network_id, name, description, created_at_us)"
                   " VALUES (?1, ?2, ?3, ?4, ?5)");
  insert.BindText(1, tenant);
  insert.BindText(2, network_id);
  insert.BindText(3, name);
  insert.BindText(4, description);
  insert.BindInt(5, created_us);
  STORE_RETURN_IF_ERROR(insert.Run());
  STORE_RETURN_IF_ERROR(txn.Commit());
  return NetworkInfo{.network_id = network_id,
                     .name = name,
                     .description = description,
                     .created = absl::FromUnixMicros(created_us)};
}

absl::StatusOr<VersionInfo> Store::AddVersion(const std::string& tenant,
                                              const std::string& network_id,
                                              const std::string& note,
                                              std::span<const ProviderRow> rows) {
  STORE_RETURN_IF_ERROR(ValidateTenantAndNetworkId(tenant, network_id));
  STORE_RETURN_IF_ERROR(ValidateRows(rows));
  VersionInfo info{.note = note,
                   .provider_count = static_cast<int64_t>(rows.size()),
                   .content_hash = ContentHash(rows)};
  absl::MutexLock lock(&mu_);
  Transaction txn(db_);
  STORE_RETURN_IF_ERROR(txn.BeginWrite());
  absl::StatusOr<LiveNetwork> network = FindLiveNetwork(db_, tenant, network_id);
  if (!network.ok()) return network.status();
  absl::StatusOr<int32_t> latest = LatestVersion(db_, network->key);
  if (!latest.ok()) return latest.status();
  info.version = *latest + 1;
  const int64_t created_us = NowMicros();
  info.created = absl::FromUnixMicros(created_us);

  Statement insert_version(db_,
                           "INSERT INTO versions (network, version, created_at_us, note,"
                           " provider_count, content_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  insert_version.BindInt(1, network->key);
  insert_version.BindInt(2, info.version);
  insert_version.BindInt(3, created_us);
  insert_version.BindText(4, note);
  insert_version.BindInt(5, info.provider_count);
  insert_version.BindText(6, info.content_hash);
  STORE_RETURN_IF_ERROR(insert_version.Run());

  Statement insert_row(db_,
                       "INSERT INTO providers (network, version, ordinal, provider_id, name,"
                       " specialty_code, lon, lat, beds, telehealth, type)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  for (size_t i = 0; i < rows.size(); ++i) {
    const ProviderRow& row = rows[i];
    STORE_RETURN_IF_ERROR(insert_row.Reset());
    insert_row.BindInt(1, network->key);
    insert_row.BindInt(2, info.version);
    insert_row.BindInt(3, static_cast<int64_t>(i));
    insert_row.BindText(4, row.id);
    insert_row.BindText(5, row.name);
    insert_row.BindText(6, row.specialty_code);
    insert_row.BindDouble(7, row.lon);
    insert_row.BindDouble(8, row.lat);
    insert_row.BindDouble(9, row.beds);
    insert_row.BindInt(10, row.telehealth ? 1 : 0);
    insert_row.BindText(11, row.type);
    STORE_RETURN_IF_ERROR(insert_row.Run());
  }
  STORE_RETURN_IF_ERROR(txn.Commit());
  return info;
}

absl::StatusOr<NetworkInfo> Store::GetNetwork(const std::string& tenant,
                                              const std::string& network_id) {
  STORE_RETURN_IF_ERROR(ValidateTenantAndNetworkId(tenant, network_id));
  absl::MutexLock lock(&mu_);
  return LoadNetworkInfo(db_, tenant, network_id);
}

absl::StatusOr<std::vector<VersionInfo>> Store::ListVersions(const std::string& tenant,
                                                             const std::string& network_id) {
  STORE_RETURN_IF_ERROR(ValidateTenantAndNetworkId(tenant, network_id));
  absl::MutexLock lock(&mu_);
  Transaction txn(db_);
  STORE_RETURN_IF_ERROR(txn.BeginRead());
  absl::StatusOr<LiveNetwork> network = FindLiveNetwork(db_, tenant, network_id);
  if (!network.ok()) return network.status();
  Statement select(db_,
                   "SELECT version, created_at_us, note, provider_count, content_hash"
                   " FROM versions WHERE network = ?1 ORDER BY version");
  select.BindInt(1, network->key);
  std::vector<VersionInfo> versions;
  while (true) {
    absl::StatusOr<bool> row = select.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    versions.push_back(VersionInfo{.version = static_cast<int32_t>(select.Int(0)),
                                   .created = absl::FromUnixMicros(select.Int(1)),
                                   .note = select.Text(2),
                                   .provider_count = select.Int(3),
                                   .content_hash = select.Text(4)});
  }
  return versions;
}

absl::StatusOr<std::vector<NetworkInfo>> Store::ListNetworks(const std::string& tenant,
                                                             int32_t page_size,
                                                             const std::string& after_network_id,
                                                             std::string* next_after) {
  STORE_RETURN_IF_ERROR(ValidateTenant(tenant));
  absl::StatusOr<int32_t> limit = EffectivePageSize(page_size);
  if (!limit.ok()) return limit.status();
  absl::MutexLock lock(&mu_);
  const std::string sql =
      absl::StrCat(kSelectNetworkInfo, " AND n.network_id > ?2 ORDER BY n.network_id LIMIT ?3");
  Statement select(db_, sql.c_str());
  select.BindText(1, tenant);
  select.BindText(2, after_network_id);
  select.BindInt(3, *limit + 1);  // one more tells whether there is a next page
  std::vector<NetworkInfo> networks;
  while (true) {
    absl::StatusOr<bool> row = select.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    networks.push_back(ReadNetworkInfo(select));
  }
  const bool more = networks.size() > static_cast<size_t>(*limit);
  if (more) networks.pop_back();
  if (next_after != nullptr) *next_after = more ? networks.back().network_id : "";
  return networks;
}

absl::StatusOr<std::vector<ProviderRow>> Store::GetProviders(const std::string& tenant,
                                                             const std::string& network_id,
                                                             int32_t version,
                                                             int32_t* resolved_version) {
  STORE_RETURN_IF_ERROR(ValidateTenantAndNetworkId(tenant, network_id));
  absl::MutexLock lock(&mu_);
  Transaction txn(db_);
  STORE_RETURN_IF_ERROR(txn.BeginRead());
  absl::StatusOr<LiveNetwork> network = FindLiveNetwork(db_, tenant, network_id);
  if (!network.ok()) return network.status();
  absl::StatusOr<int32_t> resolved = ResolveVersion(db_, *network, version, "version");
  if (!resolved.ok()) return resolved.status();
  if (resolved_version != nullptr) *resolved_version = *resolved;
  return LoadRows(db_, network->key, *resolved);
}

absl::StatusOr<NetworkDiff> Store::DiffVersions(const std::string& tenant,
                                                const std::string& network_id, int32_t from_version,
                                                int32_t to_version) {
  STORE_RETURN_IF_ERROR(ValidateTenantAndNetworkId(tenant, network_id));
  std::vector<ProviderRow> from_rows, to_rows;
  {
    absl::MutexLock lock(&mu_);
    Transaction txn(db_);
    STORE_RETURN_IF_ERROR(txn.BeginRead());
    absl::StatusOr<LiveNetwork> network = FindLiveNetwork(db_, tenant, network_id);
    if (!network.ok()) return network.status();
    absl::StatusOr<int32_t> from = ResolveVersion(db_, *network, from_version, "from_version");
    if (!from.ok()) return from.status();
    absl::StatusOr<int32_t> to = ResolveVersion(db_, *network, to_version, "to_version");
    if (!to.ok()) return to.status();
    absl::StatusOr<std::vector<ProviderRow>> loaded_from = LoadRows(db_, network->key, *from);
    if (!loaded_from.ok()) return loaded_from.status();
    absl::StatusOr<std::vector<ProviderRow>> loaded_to = LoadRows(db_, network->key, *to);
    if (!loaded_to.ok()) return loaded_to.status();
    from_rows = *std::move(loaded_from);
    to_rows = *std::move(loaded_to);
  }
  return DiffRows(from_rows, to_rows);  // outside the lock: pure computation
}

absl::Status Store::DeleteNetwork(const std::string& tenant, const std::string& network_id) {
  STORE_RETURN_IF_ERROR(ValidateTenantAndNetworkId(tenant, network_id));
  absl::MutexLock lock(&mu_);
  Transaction txn(db_);
  STORE_RETURN_IF_ERROR(txn.BeginWrite());
  absl::StatusOr<LiveNetwork> network = FindLiveNetwork(db_, tenant, network_id);
  if (!network.ok()) return network.status();
  Statement update(db_, "UPDATE networks SET deleted_at_us = ?2 WHERE id = ?1");
  update.BindInt(1, network->key);
  update.BindInt(2, NowMicros());
  STORE_RETURN_IF_ERROR(update.Run());
  return txn.Commit();
}

absl::StatusOr<ReportRecord> Store::SaveReport(const std::string& tenant, ReportRecord record) {
  STORE_RETURN_IF_ERROR(ValidateTenant(tenant));
  if (record.kind.empty()) return absl::InvalidArgumentError("kind: must not be empty");
  for (size_t i = 0; i < record.networks.size(); ++i) {
    STORE_RETURN_IF_ERROR(ValidateNetworkId(record.networks[i].network_id,
                                            absl::StrCat("networks[", i, "].network_id")));
  }
  absl::MutexLock lock(&mu_);
  Transaction txn(db_);
  STORE_RETURN_IF_ERROR(txn.BeginWrite());
  std::vector<int64_t> network_keys;
  for (size_t i = 0; i < record.networks.size(); ++i) {
    NetworkRef& ref = record.networks[i];
    const std::string field = absl::StrCat("networks[", i, "]");
    absl::StatusOr<LiveNetwork> network = FindLiveNetwork(db_, tenant, ref.network_id);
    absl::StatusOr<int32_t> version =
        network.ok() ? ResolveVersion(db_, *network, ref.version, absl::StrCat(field, ".version"))
                     : absl::StatusOr<int32_t>(network.status());
    if (!version.ok()) {
      return absl::Status(version.status().code(),
                          absl::StrCat(field, ": ", version.status().message()));
    }
    network_keys.push_back(network->key);
    ref.version = *version;
  }
  record.report_id = NewReportId();
  const int64_t created_us = NowMicros();
  record.created = absl::FromUnixMicros(created_us);

  Statement insert(db_,
                   "INSERT INTO reports (tenant, report_id, kind, title, created_at_us, region,"
                   " standards_set, mode, request_blob, result_blob, summary)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  insert.BindText(1, tenant);
  insert.BindText(2, record.report_id);
  insert.BindText(3, record.kind);
  insert.BindText(4, record.title);
  insert.BindInt(5, created_us);
  insert.BindText(6, record.region);
  insert.BindText(7, record.standards_set);
  insert.BindText(8, record.mode);
  insert.BindBlob(9, record.request_blob);
  insert.BindBlob(10, record.result_blob);
  insert.BindText(11, record.summary);
  STORE_RETURN_IF_ERROR(insert.Run());
  const int64_t report_key = sqlite3_last_insert_rowid(db_);

  Statement insert_ref(db_,
                       "INSERT INTO report_networks (report, ordinal, network, version)"
                       " VALUES (?1, ?2, ?3, ?4)");
  for (size_t i = 0; i < record.networks.size(); ++i) {
    STORE_RETURN_IF_ERROR(insert_ref.Reset());
    insert_ref.BindInt(1, report_key);
    insert_ref.BindInt(2, static_cast<int64_t>(i));
    insert_ref.BindInt(3, network_keys[i]);
    insert_ref.BindInt(4, record.networks[i].version);
    STORE_RETURN_IF_ERROR(insert_ref.Run());
  }
  STORE_RETURN_IF_ERROR(txn.Commit());
  return record;
}

absl::StatusOr<std::vector<ReportRecord>> Store::ListReports(const std::string& tenant,
                                                             const std::string& network_id_filter,
                                                             int32_t page_size,
                                                             const std::string& page_after,
                                                             std::string* next_after) {
  STORE_RETURN_IF_ERROR(ValidateTenant(tenant));
  if (!network_id_filter.empty()) {
    STORE_RETURN_IF_ERROR(ValidateNetworkId(network_id_filter, "network_id_filter"));
  }
  absl::StatusOr<int32_t> limit = EffectivePageSize(page_size);
  if (!limit.ok()) return limit.status();
  absl::MutexLock lock(&mu_);
  Transaction txn(db_);
  STORE_RETURN_IF_ERROR(txn.BeginRead());

  // The page starts after the (created_at_us, id) of `page_after`; INT64_MAX pair = from the top.
  int64_t after_created_us = INT64_MAX, after_key = INT64_MAX;
  if (!page_after.empty()) {
    Statement cursor(db_,
                     "SELECT created_at_us, id FROM reports WHERE tenant = ?1 AND report_id = ?2");
    cursor.BindText(1, tenant);
    cursor.BindText(2, page_after);
    absl::StatusOr<bool> row = cursor.Step();
    if (!row.ok()) return row.status();
    if (!*row) {
      return absl::InvalidArgumentError(absl::StrCat(
          "page_after: no report \"", absl::CHexEscape(page_after), "\" to continue after"));
    }
    after_created_us = cursor.Int(0);
    after_key = cursor.Int(1);
  }
  Statement select(db_,
                   "SELECT r.id, r.report_id, r.kind, r.title, r.created_at_us, r.region,"
                   " r.standards_set, r.mode, r.summary FROM reports r"
                   " WHERE r.tenant = ?1"
                   " AND (?2 = '' OR EXISTS (SELECT 1 FROM report_networks rn"
                   "      JOIN networks n ON n.id = rn.network"
                   "      WHERE rn.report = r.id AND n.network_id = ?2))"
                   " AND (r.created_at_us, r.id) < (?3, ?4)"
                   " ORDER BY r.created_at_us DESC, r.id DESC LIMIT ?5");
  select.BindText(1, tenant);
  select.BindText(2, network_id_filter);
  select.BindInt(3, after_created_us);
  select.BindInt(4, after_key);
  select.BindInt(5, *limit + 1);  // one more tells whether there is a next page
  std::vector<ReportRecord> reports;
  std::vector<int64_t> report_keys;
  while (true) {
    absl::StatusOr<bool> row = select.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    report_keys.push_back(select.Int(0));
    reports.push_back(ReportRecord{.report_id = select.Text(1),
                                   .kind = select.Text(2),
                                   .title = select.Text(3),
                                   .created = absl::FromUnixMicros(select.Int(4)),
                                   .region = select.Text(5),
                                   .standards_set = select.Text(6),
                                   .mode = select.Text(7),
                                   .summary = select.Text(8)});
  }
  const bool more = reports.size() > static_cast<size_t>(*limit);
  if (more) reports.pop_back();
  for (size_t i = 0; i < reports.size(); ++i) {
    absl::StatusOr<std::vector<NetworkRef>> refs = LoadReportNetworks(db_, report_keys[i]);
    if (!refs.ok()) return refs.status();
    reports[i].networks = *std::move(refs);
  }
  if (next_after != nullptr) *next_after = more ? reports.back().report_id : "";
  return reports;
}

absl::StatusOr<ReportRecord> Store::GetReport(const std::string& tenant,
                                              const std::string& report_id) {
  STORE_RETURN_IF_ERROR(ValidateTenant(tenant));
  if (report_id.empty()) return absl::InvalidArgumentError("report_id: must not be empty");
  absl::MutexLock lock(&mu_);
  Transaction txn(db_);
  STORE_RETURN_IF_ERROR(txn.BeginRead());
  Statement select(db_,
                   "SELECT id, kind, title, created_at_us, region, standards_set, mode,"
                   " request_blob, result_blob, summary FROM reports"
                   " WHERE tenant = ?1 AND report_id = ?2");
  select.BindText(1, tenant);
  select.BindText(2, report_id);
  absl::StatusOr<bool> row = select.Step();
  if (!row.ok()) return row.status();
  if (!*row) {
    return absl::NotFoundError(
        absl::StrCat("report \"", absl::CHexEscape(report_id), "\" not found"));
  }
  ReportRecord record{.report_id = report_id,
                      .kind = select.Text(1),
                      .title = select.Text(2),
                      .created = absl::FromUnixMicros(select.Int(3)),
                      .region = select.Text(4),
                      .standards_set = select.Text(5),
                      .mode = select.Text(6),
                      .request_blob = select.Blob(7),
                      .result_blob = select.Blob(8),
                      .summary = select.Text(9)};
  absl::StatusOr<std::vector<NetworkRef>> refs = LoadReportNetworks(db_, select.Int(0));
  if (!refs.ok()) return refs.status();
  record.networks = *std::move(refs);
  return record;
}

#undef STORE_RETURN_IF_ERROR

}  // namespace carereach::store
