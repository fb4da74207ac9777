#ifndef CAREREACH_SERVER_STORE_SQLITE_UTIL_H_
#define CAREREACH_SERVER_STORE_SQLITE_UTIL_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "geo/core/status_macros.h"
#include "server/store/db.h"

struct sqlite3;
struct sqlite3_stmt;

// The small layer between the Store and SQLite's C API: result codes as absl::Status, an RAII
// prepared statement, an RAII transaction and the schema migrations runner. Not thread-safe: the
// caller serializes every use of one connection (the Store holds its mutex).
namespace carereach::store::sqlite {

// Must be called right after the failing call: sqlite3_errmsg describes the most recent one.
// SQLITE_BUSY/LOCKED -> UNAVAILABLE, uniqueness violations -> ALREADY_EXISTS,
// SQLITE_CORRUPT/NOTADB -> DATA_LOSS, SQLITE_READONLY -> FAILED_PRECONDITION, the rest INTERNAL;
// the message is "sqlite: <message> (code <extended code>)". `db` may be null (open failures).
// The status carries SQLite's result code as a payload (see IsStorageFault).
absl::Status SqliteStatus(sqlite3* db, int rc);

// True when `status` came from SqliteStatus for a fault of the file or the disk under it
// (SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_IOERR*): the database should be checked.
bool IsStorageFault(const absl::Status& status);

// True when `status` came from SqliteStatus for SQLITE_READONLY*.
bool IsReadOnlyFault(const absl::Status& status);

// Runs PRAGMA quick_check. OK when it reports "ok"; DATA_LOSS with its first problems otherwise
// (or with the error that stopped it, e.g. "file is not a database").
absl::Status QuickCheck(sqlite3* db);

// Runs SQL text that returns no rows (one or more statements).
absl::Status Exec(sqlite3* db, const char* sql);

using AsBlob = internal::AsBlob;

// A prepared statement. Bind failures are remembered and reported by the next Step.
class Statement final : public internal::Query {
 public:
  Statement(sqlite3* db, const char* sql);
  ~Statement() override;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Bound values are not copied: they must outlive the Step calls (SQLITE_STATIC).
  void BindText(int index, const std::string& value) override;
  // An empty string binds an empty blob, not NULL.
  void BindBlob(int index, const std::string& value) override;
  void BindInt(int index, int64_t value) override;
  void BindDouble(int index, double value) override;
  // Binds `values` to ?1, ?2, ... in order: std::string as text, AsBlob as a blob, integers and
  // doubles as numbers. Strings must be lvalues that outlive the Step calls.
  template <typename... Values>
  void BindAll(Values&&... values) {
    static_assert(((!std::is_same_v<std::remove_cvref_t<Values>, std::string> ||
                    std::is_lvalue_reference_v<Values>)&&...),
                  "bound strings are not copied: pass ones that outlive the statement's steps");
    int index = 0;
    (BindValue(++index, values), ...);
  }

  // True when a row is available, false when the statement is done.
  absl::StatusOr<bool> Step() override;
  // Runs a statement that returns no rows.
  absl::Status Run() override;
  // Ready to bind and run again (for inserting many rows with one prepared statement).
  absl::Status Reset() override;

  int64_t Int(int column) const override;
  double Double(int column) const override;
  bool IsNull(int column) const override;
  std::string Text(int column) const override;
  std::string Blob(int column) const override;  // zero-length blobs come back as ""

 private:
  void BindValue(int index, const std::string& value) { BindText(index, value); }
  void BindValue(int index, const AsBlob& value) { BindBlob(index, value.bytes); }
  void BindValue(int index, double value) { BindDouble(index, value); }
  template <typename Integer>
  requires std::is_integral_v<Integer>
  void BindValue(int index, Integer value) { BindInt(index, static_cast<int64_t>(value)); }
  void Check(int rc);

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  absl::Status status_;
};

using internal::ReadAll;

// Rolls back unless committed, so every early return leaves the database unchanged.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) {}
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Writers take the write lock up front (IMMEDIATE) so that a read never has to be upgraded,
  // which could fail with SQLITE_BUSY halfway through.
  absl::Status BeginWrite() { return Begin("BEGIN IMMEDIATE"); }
  absl::Status BeginRead() { return Begin("BEGIN"); }
  absl::Status Commit();

 private:
  absl::Status Begin(const char* sql);

  sqlite3* db_;
  bool open_ = false;
};

// The Store's Database over one SQLite connection, which it owns (closed by the destructor).
class SqliteDatabase final : public internal::Database {
 public:
  explicit SqliteDatabase(sqlite3* db) : db_(db) {}
  ~SqliteDatabase() override;
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  std::unique_ptr<internal::Query> Prepare(const char* sql) override;
  // Writers take the write lock up front (IMMEDIATE) so that a read never has to be upgraded,
  // which could fail with SQLITE_BUSY halfway through.
  absl::Status Begin(internal::Access access) override;
  absl::Status Commit() override { return Exec(db_, "COMMIT"); }
  void Rollback() override;
  absl::Status CheckIntegrity() override { return QuickCheck(db_); }

 private:
  sqlite3* const db_;
};

// PRAGMA user_version.
absl::StatusOr<int> UserVersion(sqlite3* db);

// The schema migrations a build carries: files[i] ("0001_initial.sql", ...) holds sql[i], and
// applying it sets user_version i + 1. Both spans have the same length.
struct Migrations {
  std::span<const char* const> files;
  std::span<const char* const> sql;
};

// Applies each migration after `current_version` in its own transaction. The version is re-read
// inside the transaction in case another process migrated the same file meanwhile.
// INTERNAL when the files are not named 0001_..., 0002_..., in order (a build mistake);
// FAILED_PRECONDITION when the database is newer than `migrations` (it is never downgraded);
// a failing migration's status is prefixed with "migration <file>: ".
absl::Status Migrate(sqlite3* db, int current_version, const Migrations& migrations);

// Configures a freshly opened connection for the Store: extended result codes, a busy timeout,
// write-ahead logging with synchronous=FULL (an acknowledged commit survives a crash) and foreign
// keys; then migrates. Refuses a newer schema before changing anything in the file
// (journal_mode=WAL is persistent). A connection opened read-only is only checked: it must
// need no migration (FAILED_PRECONDITION otherwise). Returns the schema version after migrating.
absl::StatusOr<int> PrepareDatabase(sqlite3* db, const Migrations& migrations);

}  // namespace carereach::store::sqlite

#endif  // CAREREACH_SERVER_STORE_SQLITE_UTIL_H_
