#ifndef CAREREACH_SERVER_STORE_PREAMBLE_H_
#define CAREREACH_SERVER_STORE_PREAMBLE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "geo/core/status_macros.h"
#include "server/store/db.h"
#include "server/store/roster_diff.h"

// Internal to the Store (store.cc, store_reports.cc): the preamble every Store method shares,
// written once (validate the arguments, take the mutex, open a transaction, find the live
// network), and the argument checks and lookups it builds on.
namespace carereach::store::internal {

int64_t NowMicros();

// `status` with "<prefix>: " before its message.
absl::Status Prefixed(absl::string_view prefix, const absl::Status& status);

// `a` unless it is OK, else `b`: argument checks reported in order.
absl::Status FirstError(const absl::Status& a, const absl::Status& b);

// ---- Argument checks (no database). Messages start with the argument's name.

absl::Status ValidateTenant(const std::string& tenant);
// 1..64 characters of [A-Za-z0-9._-].
absl::Status ValidateNetworkId(const std::string& network_id, const std::string& field);
// Finite, in-range lon/lat/beds: "rows[3].lat: ...".
absl::Status ValidateRows(std::span<const ProviderRow> rows);

// ---- Lookups; each runs inside the caller's transaction with the store mutex held.

struct LiveNetwork {
  int64_t key = 0;  // networks.id
  std::string network_id;
};

// NOT_FOUND "network \"x\" not found".
absl::Status NetworkNotFound(const std::string& network_id);

// NOT_FOUND ("network \"x\" not found") unless the tenant has a live network of that id.
absl::StatusOr<LiveNetwork> FindLiveNetwork(Database* db, const std::string& tenant,
                                            const std::string& network_id);

// The network's newest version number; 0 before its first version.
absl::StatusOr<int32_t> LatestVersion(Database* db, int64_t network_key);

// `version` (0 = the latest) checked against the network's versions; `field` names it in
// errors. NOT_FOUND when the network has no versions or no such version.
absl::StatusOr<int32_t> ResolveVersion(Database* db, const LiveNetwork& network, int32_t version,
                                       const std::string& field);

// ---- The connection and its health.

// The Store's database connections with what the preamble needs to know about them. SQLite has
// one; PostgreSQL has a pool (Store::OpenPostgres), so that a replica's concurrent calls run
// side by side, each on its own connection and transaction.
struct Connection {
  absl::Mutex mu;
  // The connections no call is using: a call takes one (waiting while every one is in use) and
  // puts it back when it ends. Empty for good once the database was found damaged at open.
  std::vector<std::unique_ptr<Database>> idle ABSL_GUARDED_BY(mu);
  std::string path;  // the database file, or the server's address without credentials, for messages
  // SQLite opened the file read-only (the file or its directory is not writable by this
  // process): writes answer FAILED_PRECONDITION without touching it; reads work.
  bool read_only = false;
  // OK, or DATA_LOSS for good once the file was found damaged (then every call answers it).
  absl::Status health ABSL_GUARDED_BY(mu);
  // Called once, with the DATA_LOSS status, when health turns bad after the store was opened.
  std::function<void(const absl::Status&)> on_damage ABSL_GUARDED_BY(mu);

  bool HasIdle() const ABSL_SHARED_LOCKS_REQUIRED(mu) { return !idle.empty() || !health.ok(); }
};

// FAILED_PRECONDITION naming the file, for a write to a read-only store.
absl::Status ReadOnlyError(const std::string& path, absl::string_view detail);

// Looks at a call's failure on `db` (one of the connection's, no transaction open) with the mutex
// held: a corruption or I/O error of SQLite runs PRAGMA quick_check (Database::CheckIntegrity),
// and a failed check (or SQLITE_CORRUPT/NOTADB, which need none) marks the connection damaged for
// good and answers its DATA_LOSS; SQLITE_READONLY answers FAILED_PRECONDITION naming the file.
// Anything else is returned unchanged.
absl::Status Diagnose(Connection& connection, Database& db, const absl::Status& status)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(connection.mu);

// ---- The preamble.

inline const absl::Status& StatusOf(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& result) {
  return result.status();
}

// Validates the tenant, then reports `checks` (the method's own argument checks, evaluated by
// the caller), waits for an idle connection, refuses the call when the store is damaged
// (DATA_LOSS) or it is a write to a read-only store (FAILED_PRECONDITION), opens a transaction
// (a write takes the write lock up front: BEGIN IMMEDIATE, or PostgreSQL's advisory lock, waiting
// out another writer for the busy timeout) and runs body(db), committing when it succeeds. Returns
// what the body returns, after Diagnose when it failed.
template <typename Body>
auto InTenant(Connection& c, Access access, const std::string& tenant, const absl::Status& checks,
              Body body) -> std::invoke_result_t<Body&, Database*> {
  using Result = std::invoke_result_t<Body&, Database*>;
  RETURN_IF_ERROR(ValidateTenant(tenant));
  RETURN_IF_ERROR(checks);
  std::unique_ptr<Database> db;
  {
    absl::MutexLock lock(&c.mu);
    c.mu.Await(absl::Condition(&c, &Connection::HasIdle));
    RETURN_IF_ERROR(c.health);
    if (access == Access::kWrite && c.read_only) {
      return ReadOnlyError(c.path, "the file or its directory is not writable by the server");
    }
    db = std::move(c.idle.back());
    c.idle.pop_back();
  }
  Result result = [&]() -> Result {
    RETURN_IF_ERROR(db->Begin(access));
    Result r = body(db.get());
    const absl::Status committed = r.ok() ? db->Commit() : absl::OkStatus();
    if (!r.ok() || !committed.ok()) db->Rollback();  // leaves the database unchanged
    if (!committed.ok()) return committed;
    return r;
  }();
  absl::MutexLock lock(&c.mu);
  if (!result.ok()) result = Diagnose(c, *db, StatusOf(result));
  if (c.health.ok()) c.idle.push_back(std::move(db));  // a damaged store serves no call again
  return result;
}

// InTenant for a method on one network: also validates `network_id` (before `checks`) and finds
// the tenant's live network of that id (NOT_FOUND otherwise), then runs body(db, network).
template <typename Body>
auto InNetwork(Connection& c, Access access, const std::string& tenant,
               const std::string& network_id, const absl::Status& checks, Body body)
    -> std::invoke_result_t<Body&, Database*, const LiveNetwork&> {
  using Result = std::invoke_result_t<Body&, Database*, const LiveNetwork&>;
  return InTenant(
      c, access, tenant, FirstError(ValidateNetworkId(network_id, "network_id"), checks),
      [&](Database* db) -> Result {
        ASSIGN_OR_RETURN(const LiveNetwork network, FindLiveNetwork(db, tenant, network_id));
        return body(db, network);
      });
}

}  // namespace carereach::store::internal

#endif  // CAREREACH_SERVER_STORE_PREAMBLE_H_
