#ifndef CAREREACH_SERVER_STORE_PREAMBLE_H_
#define CAREREACH_SERVER_STORE_PREAMBLE_H_

#include <cstdint>
#include <span>
#include <string>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "geo/core/status_macros.h"
#include "server/store/roster_diff.h"
#include "server/store/sqlite_util.h"

struct sqlite3;

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
absl::StatusOr<LiveNetwork> FindLiveNetwork(sqlite3* db, const std::string& tenant,
                                            const std::string& network_id);

// The network's newest version number; 0 before its first version.
absl::StatusOr<int32_t> LatestVersion(sqlite3* db, int64_t network_key);

// `version` (0 = the latest) checked against the network's versions; `field` names it in
// errors. NOT_FOUND when the network has no versions or no such version.
absl::StatusOr<int32_t> ResolveVersion(sqlite3* db, const LiveNetwork& network, int32_t version,
                                       const std::string& field);

// ---- The preamble.

enum class Access { kRead, kWrite };

// Validates the tenant, then reports `checks` (the method's own argument checks, evaluated by
// the caller), takes the store mutex, opens a transaction (a write takes the write lock up front)
// and runs body(db), committing when it succeeds. Returns what the body returns.
template <typename Body>
auto InTenant(absl::Mutex& mu, sqlite3* db, Access access, const std::string& tenant,
              const absl::Status& checks, Body body) -> std::invoke_result_t<Body&, sqlite3*> {
  RETURN_IF_ERROR(ValidateTenant(tenant));
  RETURN_IF_ERROR(checks);
  absl::MutexLock lock(&mu);
  sqlite::Transaction txn(db);
  RETURN_IF_ERROR(access == Access::kWrite ? txn.BeginWrite() : txn.BeginRead());
  std::invoke_result_t<Body&, sqlite3*> result = body(db);
  if (result.ok()) RETURN_IF_ERROR(txn.Commit());
  return result;
}

// InTenant for a method on one network: also validates `network_id` (before `checks`) and finds
// the tenant's live network of that id (NOT_FOUND otherwise), then runs body(db, network).
template <typename Body>
auto InNetwork(absl::Mutex& mu, sqlite3* db, Access access, const std::string& tenant,
               const std::string& network_id, const absl::Status& checks, Body body)
    -> std::invoke_result_t<Body&, sqlite3*, const LiveNetwork&> {
  using Result = std::invoke_result_t<Body&, sqlite3*, const LiveNetwork&>;
  return InTenant(
      mu, db, access, tenant, FirstError(ValidateNetworkId(network_id, "network_id"), checks),
      [&](sqlite3* db) -> Result {
        ASSIGN_OR_RETURN(const LiveNetwork network, FindLiveNetwork(db, tenant, network_id));
        return body(db, network);
      });
}

}  // namespace carereach::store::internal

#endif  // CAREREACH_SERVER_STORE_PREAMBLE_H_
