#ifndef CAREREACH_SERVER_STORE_STORE_H_
#define CAREREACH_SERVER_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/store/paging.h"
#include "server/store/roster_diff.h"

namespace carereach::store {
namespace internal {
struct Connection;
}  // namespace internal

struct NetworkInfo {
  std::string network_id, name, description;
  absl::Time created;
  int32_t latest_version = 0;  // 0 until the first AddVersion
  int32_t version_count = 0;
  int64_t latest_provider_count = 0;
};

struct VersionInfo {
  int32_t version = 0;
  absl::Time created;
  std::string note;
  int64_t provider_count = 0;
  // 16 hex digits of FNV-1a 64 over a canonical serialization of the rows in order: versions with
  // identical rows have identical hashes, across processes and builds.
  std::string content_hash;
};

struct NetworkRef {
  std::string network_id;
  int32_t version = 0;

  friend bool operator==(const NetworkRef&, const NetworkRef&) = default;
};

// A saved answer with the inputs that produced it, kept for reproduction and audit.
struct ReportRecord {
  std::string report_id;  // assigned by SaveReport ("rpt_" + 16 hex); ignored on input
  std::string kind;       // "coverage", "adequacy", "alliance_coverage", ... (non-empty)
  std::string title;
  absl::Time created;                // assigned by SaveReport (microsecond precision)
  std::vector<NetworkRef> networks;  // network versions the report was computed from
  std::string region, standards_set, mode;
  std::string request_blob;  // opaque bytes (the server stores the serialized request)
  std::string result_blob;   // opaque bytes (the serialized response)
  std::string summary;       // one line for listings, e.g. "union 20-min share 0.742"
};

// The store of provider networks and reports: an embedded SQLite file (Open), or a PostgreSQL
// server shared by replicas (OpenPostgres). The class comment describes SQLite; OpenPostgres says
// what differs.
//
// Every object belongs to a tenant; a call never sees another tenant's objects (they are
// NOT_FOUND, exactly as if they did not exist). A network is a sequence of immutable versions
// (rosters); the schema's triggers refuse UPDATE/DELETE of versions, rows and reports. Deleting a
// network is a soft delete: it disappears from every call and its id may be created again, but
// its versions stay in the database because saved reports refer to them for audit.
//
// Durability and atomicity: every write is one transaction and returns only after it has
// committed (WAL, synchronous=FULL), so an acknowledged write survives a kill -9 right after, and
// a write that fails or is killed leaves nothing of itself. In particular a network created with
// a first version (CreateNetworkWithVersion, AddVersionCreatingNetwork) is inserted in the same
// transaction as that version: there is never a network whose first version went missing. (A
// network created by CreateNetwork without rows has no version until its first AddVersion: that
// is what the caller asked for.)
//
// Concurrency: thread-safe. One SQLite connection serializes the calls of one Store (a Store on
// PostgreSQL has a pool of connections: see OpenPostgres); writes take SQLite's write lock up front
// (BEGIN IMMEDIATE) and wait up to 5 s for another process holding it (the busy timeout), then
// answer UNAVAILABLE. So concurrent AddVersionCreatingNetwork calls for one new id, from threads or
// processes, are serialized: exactly one creates the network with version 1, each of the others
// appends the next version.
//
// Health: Open runs PRAGMA quick_check, and so does any call that meets a corruption or I/O error
// (SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_IOERR). A damaged file turns the Store's health() to
// DATA_LOSS for good: every call then answers that DATA_LOSS without touching the file. A file
// SQLite can only open read-only (not writable by this process) serves reads; writes answer
// FAILED_PRECONDITION naming the file, as does SQLITE_READONLY met later.
//
// Arguments: `tenant` is non-empty (INVALID_ARGUMENT "tenant: ..." otherwise); `network_id` is
// 1..64 characters of [A-Za-z0-9._-] (INVALID_ARGUMENT "network_id: ..."). A version argument of
// 0 means the latest version. Other SQLite failures are INTERNAL with SQLite's message, except
// SQLITE_BUSY/LOCKED (UNAVAILABLE: another process holds the database) and uniqueness
// violations (ALREADY_EXISTS).
class Store {
 public:
  // Page sizes: 0 means kDefaultPageSize; larger than kMaxPageSize is clamped (paging.h).
  static constexpr int32_t kDefaultPageSize = store::kDefaultPageSize;
  static constexpr int32_t kMaxPageSize = store::kMaxPageSize;

  // Opens or creates the database file at `db_path` (creating its parent directory), applies
  // the pending schema migrations, each in its own transaction, then runs PRAGMA quick_check.
  // FAILED_PRECONDITION when the file has a schema newer than this build knows (it is never
  // downgraded) or migrations are pending on a read-only file. A damaged file (not a database,
  // or failing the check) still opens: the Store's health() is DATA_LOSS and every call answers
  // it, so that a server keeps serving what needs no store.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& db_path);

  // The same store on a PostgreSQL server that several replicas share. `url` is a libpq
  // connection URI ("postgresql://user@host:port/database?sslmode=verify-full"; a password is
  // better kept in PGPASSWORD or ~/.pgpass than in the URL). The schema is migrated once, under an
  // advisory lock, by whichever replica starts first. Every method behaves as on SQLite, with the
  // same errors, tenant scoping, immutability (the schema's triggers) and soft delete; writes are
  // serialized across replicas by an advisory lock held for the transaction (Database::Begin), so
  // concurrent AddVersion calls through different replicas get consecutive versions. A lost
  // connection is opened again by the next call; while the server cannot be reached, calls answer
  // UNAVAILABLE. health() stays OK (the server checks its own data); read_only() is false.
  // `connections` (1..kMaxPostgresConnections, else INVALID_ARGUMENT) are opened at once and
  // shared by the calls: up to that many run at the same time, each in its own transaction (a
  // SQLite store runs one at a time); a call finding every connection busy waits for one.
  static absl::StatusOr<std::unique_ptr<Store>> OpenPostgres(
      const std::string& url, int connections = kDefaultPostgresConnections);
  static constexpr int kDefaultPostgresConnections = 4;
  static constexpr int kMaxPostgresConnections = 64;

  // The server's --store flag: "sqlite:DIR" (the file DIR/carereach.db, by Open) or a
  // "postgresql://" or "postgres://" URL (OpenPostgres with `postgres_connections`).
  // INVALID_ARGUMENT for anything else.
  static absl::StatusOr<std::unique_ptr<Store>> OpenLocation(
      const std::string& location, int postgres_connections = kDefaultPostgresConnections);

  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The schema version of the open database (PRAGMA user_version after migrations; 0 when the
  // file was found damaged at open).
  int schema_version() const { return schema_version_; }

  // Where the data is, for logs: the SQLite file, or the PostgreSQL URL without its password.
  const std::string& location() const;

  // OK, or the DATA_LOSS every call answers once the file was found damaged.
  absl::Status health() const;
  // True when the file opened read-only (writes answer FAILED_PRECONDITION).
  bool read_only() const;
  // `listener` is called once, with the DATA_LOSS status, if the file is found damaged later
  // (not for damage found by Open: see health()). It runs with the store's mutex held and must
  // not call the Store.
  void OnDamage(std::function<void(const absl::Status&)> listener);

  // A network without versions. ALREADY_EXISTS when the tenant has a live network with this id.
  absl::StatusOr<NetworkInfo> CreateNetwork(const std::string& tenant,
                                            const std::string& network_id, const std::string& name,
                                            const std::string& description);

  // Request ids: the three methods that write a version, and SaveReport, take the request id of
  // the write (the caller's x-request-id; empty: none). A write retried with the same id and the
  // same rows, after its first answer was lost (a replica killed after committing, a dropped
  // connection), answers what the first attempt made instead of writing again: the same version, or
  // for CreateNetworkWithVersion the network it created. The same id with other rows is
  // ALREADY_EXISTS. An id is remembered per network, for as long as the version it made.

  // CreateNetwork and AddVersion of `rows` as version 1, in one transaction: both or nothing.
  // `*version` (may be null) is set to the version's info; the NetworkInfo returned includes it.
  absl::StatusOr<NetworkInfo> CreateNetworkWithVersion(
      const std::string& tenant, const std::string& network_id, const std::string& name,
      const std::string& description, const std::string& note, std::span<const ProviderRow> rows,
      VersionInfo* version, const std::string& request_id = "");

  // AddVersion, creating the network first (with `name` and `description`) when the tenant has no
  // live network of this id, in the same transaction. `*created` (may be null) says whether it
  // was created by this call (then the version is 1).
  // A retried write that finds its version answers *created false.
  absl::StatusOr<VersionInfo> AddVersionCreatingNetwork(
      const std::string& tenant, const std::string& network_id, const std::string& name,
      const std::string& description, const std::string& note, std::span<const ProviderRow> rows,
      bool* created, const std::string& request_id = "");

  // Saves `rows` as version latest+1. NOT_FOUND when there is no such live network;
  // INVALID_ARGUMENT ("rows[3].lat: ...") for non-finite or out-of-range lon/lat/beds.
  absl::StatusOr<VersionInfo> AddVersion(const std::string& tenant, const std::string& network_id,
                                         const std::string& note, std::span<const ProviderRow> rows,
                                         const std::string& request_id = "");

  absl::StatusOr<NetworkInfo> GetNetwork(const std::string& tenant, const std::string& network_id);

  // Oldest first.
  absl::StatusOr<std::vector<VersionInfo>> ListVersions(const std::string& tenant,
                                                        const std::string& network_id);

  // Live networks ordered by network_id, starting after `after_network_id` (empty: from the
  // start). `*next_after` (may be null) is set to the value for the next page, empty on the last.
  absl::StatusOr<std::vector<NetworkInfo>> ListNetworks(const std::string& tenant,
                                                        int32_t page_size,
                                                        const std::string& after_network_id,
                                                        std::string* next_after);

  // The rows of `version` (0 = latest) in the order they were added; `*resolved_version` (may be
  // null) is the version returned. NOT_FOUND ("network \"x\" has no version 7 (latest 3)").
  absl::StatusOr<std::vector<ProviderRow>> GetProviders(const std::string& tenant,
                                                        const std::string& network_id,
                                                        int32_t version, int32_t* resolved_version);

  // DiffRows(rows of from_version, rows of to_version); 0 = latest.
  absl::StatusOr<NetworkDiff> DiffVersions(const std::string& tenant, const std::string& network_id,
                                           int32_t from_version, int32_t to_version);

  // Soft delete (see the class comment). NOT_FOUND when there is no such live network.
  absl::Status DeleteNetwork(const std::string& tenant, const std::string& network_id);

  // Stores `record` and returns it with report_id and created set. Each network ref must name a
  // live network of the tenant and an existing version (NOT_FOUND otherwise); version 0 is
  // resolved to the latest and returned resolved. INVALID_ARGUMENT when kind is empty.
  // With a request id (see "Request ids"), a save retried with the same id and the same request
  // (kind and request bytes) answers the report the first attempt saved.
  absl::StatusOr<ReportRecord> SaveReport(const std::string& tenant, ReportRecord record,
                                          const std::string& request_id = "");

  // Newest first, without the two blobs (left empty). `network_id_filter` (empty: all) keeps the
  // reports computed from a network of that id, including earlier, deleted networks of the same
  // id (a report is an audit record). `page_after` is a report_id from `*next_after` of the
  // previous page (INVALID_ARGUMENT when the tenant has no such report); `*next_after` (may be
  // null) is empty on the last page.
  absl::StatusOr<std::vector<ReportRecord>> ListReports(const std::string& tenant,
                                                        const std::string& network_id_filter,
                                                        int32_t page_size,
                                                        const std::string& page_after,
                                                        std::string* next_after);

  // The full record, blobs included. Reports outlive the deletion of their networks.
  absl::StatusOr<ReportRecord> GetReport(const std::string& tenant, const std::string& report_id);

 private:
  Store(std::unique_ptr<internal::Connection> connection, int schema_version);

  const std::unique_ptr<internal::Connection> connection_;
  const int schema_version_;
};

}  // namespace carereach::store

#endif  // CAREREACH_SERVER_STORE_STORE_H_
