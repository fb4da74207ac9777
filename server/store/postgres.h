#ifndef CAREREACH_SERVER_STORE_POSTGRES_H_
#define CAREREACH_SERVER_STORE_POSTGRES_H_

#include <memory>
#include <span>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/store/db.h"

// The Store's PostgreSQL engine (libpq): a Database over one connection to a server that several
// carereach replicas share. Not thread-safe: the Store lends it to one call at a time (a Store
// on PostgreSQL holds a pool of them).
namespace carereach::store::postgres {

// The schema migrations a build carries for PostgreSQL (server/store/migrations_pg/*.sql):
// files[i] ("0001_initial.sql", ...) holds sql[i]; applying it sets the schema version to i + 1.
struct Migrations {
  std::span<const char* const> files;
  std::span<const char* const> sql;
};

// The transaction-scoped advisory lock every write takes first (pg_advisory_xact_lock), so that
// one writer at a time, in whichever replica and connection, reads and assigns version numbers.
inline constexpr int64_t kWriteLockKey = 0x6361726572656163;

// `url` without its password, for messages and logs ("postgresql://carereach@db:5432/carereach").
std::string RedactedUrl(const std::string& url);

// Connects to `url` (a libpq connection URI, "postgresql://user@host:port/database?..."), sets the
// session's timeouts (a lock is waited for at most 5 s, then the call answers UNAVAILABLE, as the
// SQLite store's busy timeout does), then applies the pending migrations in one transaction
// under an advisory lock, so replicas starting together migrate once. `*schema_version` is the
// version after migrating. UNAVAILABLE when the server cannot be reached; FAILED_PRECONDITION
// when the database has a newer schema than this build (it is never downgraded).
absl::StatusOr<std::unique_ptr<internal::Database>> Connect(const std::string& url,
                                                            const Migrations& migrations,
                                                            int* schema_version);

}  // namespace carereach::store::postgres

#endif  // CAREREACH_SERVER_STORE_POSTGRES_H_
