#include "server/store/sqlite_util.h"

#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace carereach::store::sqlite {
namespace {

// Another process (a backup, the sqlite3 shell) may hold the write lock briefly.
constexpr int kBusyTimeoutMs = 5000;

// The payload SqliteStatus attaches: SQLite's primary result code, in decimal.
constexpr char kResultCodePayload[] = "carereach.store/sqlite_result_code";

// The primary result code SqliteStatus attached to `status`; 0 when there is none.
int PrimaryResultCode(const absl::Status& status) {
  const auto payload = status.GetPayload(kResultCodePayload);
  int rc = 0;
  if (!payload.has_value() || !absl::SimpleAtoi(std::string(*payload), &rc)) return 0;
  return rc;
}

// The embedded list must be 0001_..., 0002_..., in order: a build mistake otherwise.
absl::Status CheckMigrationNames(const Migrations& migrations) {
  for (size_t i = 0; i < migrations.files.size(); ++i) {
    const std::string expected_prefix = absl::StrFormat("%04d_", i + 1);
    if (std::string(migrations.files[i]).rfind(expected_prefix, 0) != 0) {
      return absl::InternalError(absl::StrCat("migration ", i + 1, " is named \"",
                                              migrations.files[i], "\", expected \"",
                                              expected_prefix, "...\""));
    }
  }
  return absl::OkStatus();
}

absl::Status RefuseNewerSchema(int version, const Migrations& migrations) {
  return absl::FailedPreconditionError(absl::StrCat(
      "database schema version ", version, " is newer than this build supports (",
      migrations.files.size(), "); refusing to open it (schemas are never downgraded)"));
}

absl::Status EnableWal(sqlite3* db) {
  Statement journal(db, "PRAGMA journal_mode = WAL");
  ASSIGN_OR_RETURN(const bool has_row, journal.Step());
  const std::string journal_mode = has_row ? absl::AsciiStrToLower(journal.Text(0)) : "";
  if (journal_mode != "wal") {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot use write-ahead logging (journal_mode is \"", journal_mode, "\")"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status SqliteStatus(sqlite3* db, int rc) {
  const std::string message = absl::StrCat(
      "sqlite: ", db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc), " (code ", rc, ")");
  absl::Status status = [&] {
    switch (rc & 0xff) {
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return absl::UnavailableError(message);
      case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
          return absl::AlreadyExistsError(message);
        }
        return absl::InternalError(message);
      case SQLITE_CORRUPT:
      case SQLITE_NOTADB:
        return absl::DataLossError(message);
      case SQLITE_READONLY:
        return absl::FailedPreconditionError(message);
      default:
        return absl::InternalError(message);
    }
  }();
  status.SetPayload(kResultCodePayload, absl::Cord(absl::StrCat(rc & 0xff)));
  return status;
}

bool IsStorageFault(const absl::Status& status) {
  const int rc = PrimaryResultCode(status);
  return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB || rc == SQLITE_IOERR;
}

bool IsReadOnlyFault(const absl::Status& status) {
  return PrimaryResultCode(status) == SQLITE_READONLY;
}

absl::Status QuickCheck(sqlite3* db) {
  // At most 5 problems: the first ones name the damage well enough for an operator.
  Statement check(db, "PRAGMA quick_check(5)");
  std::vector<std::string> problems;
  while (true) {
    absl::StatusOr<bool> row = check.Step();
    if (!row.ok()) {
      return absl::DataLossError(absl::StrCat("integrity check failed: ", row.status().message()));
    }
    if (!*row) break;
    problems.push_back(check.Text(0));
  }
  if (problems.size() == 1 && problems[0] == "ok") return absl::OkStatus();
  return absl::DataLossError(
      absl::StrCat("integrity check failed: ", absl::StrJoin(problems, "; ")));
}

absl::Status Exec(sqlite3* db, const char* sql) {
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? absl::OkStatus() : SqliteStatus(db, rc);
}

Statement::Statement(sqlite3* db, const char* sql) : db_(db) {
  const int rc = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  if (rc != SQLITE_OK) status_ = SqliteStatus(db, rc);
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::BindText(int index, const std::string& value) {
  if (status_.ok()) {
    Check(sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                              SQLITE_UTF8));
  }
}

void Statement::BindBlob(int index, const std::string& value) {
  // value.data() is never null, so an empty string binds an empty blob, not NULL.
  if (status_.ok()) {
    Check(sqlite3_bind_blob64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT));
  }
}

void Statement::BindInt(int index, int64_t value) {
  if (status_.ok()) Check(sqlite3_bind_int64(stmt_, index, value));
}

void Statement::BindDouble(int index, double value) {
  if (status_.ok()) Check(sqlite3_bind_double(stmt_, index, value));
}

absl::StatusOr<bool> Statement::Step() {
  RETURN_IF_ERROR(status_);
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteStatus(db_, rc);
}

absl::Status Statement::Run() { return Step().status(); }

absl::Status Statement::Reset() {
  RETURN_IF_ERROR(status_);
  const int rc = sqlite3_reset(stmt_);
  if (rc != SQLITE_OK) return SqliteStatus(db_, rc);
  sqlite3_clear_bindings(stmt_);
  return absl::OkStatus();
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::Double(int column) const { return sqlite3_column_double(stmt_, column); }

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::string Statement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt_, column));
}

std::string Statement::Blob(int column) const {
  const void* blob = sqlite3_column_blob(stmt_, column);
  if (blob == nullptr) return "";  // zero-length blobs come back as null
  return std::string(static_cast<const char*>(blob), sqlite3_column_bytes(stmt_, column));
}

void Statement::Check(int rc) {
  if (rc != SQLITE_OK) status_ = SqliteStatus(db_, rc);
}

SqliteDatabase::~SqliteDatabase() { sqlite3_close_v2(db_); }

std::unique_ptr<internal::Query> SqliteDatabase::Prepare(const char* sql) {
  return std::make_unique<Statement>(db_, sql);
}

absl::Status SqliteDatabase::Begin(internal::Access access) {
  return Exec(db_, access == internal::Access::kWrite ? "BEGIN IMMEDIATE" : "BEGIN");
}

void SqliteDatabase::Rollback() {
  if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

Transaction::~Transaction() {
  if (open_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

absl::Status Transaction::Commit() {
  RETURN_IF_ERROR(Exec(db_, "COMMIT"));
  open_ = false;
  return absl::OkStatus();
}

absl::Status Transaction::Begin(const char* sql) {
  RETURN_IF_ERROR(Exec(db_, sql));
  open_ = true;
  return absl::OkStatus();
}

absl::StatusOr<int> UserVersion(sqlite3* db) {
  Statement select(db, "PRAGMA user_version");
  RETURN_IF_ERROR(select.Step().status());
  return static_cast<int>(select.Int(0));
}

absl::Status Migrate(sqlite3* db, int current_version, const Migrations& migrations) {
  RETURN_IF_ERROR(CheckMigrationNames(migrations));
  const int count = static_cast<int>(migrations.files.size());
  for (int target = current_version + 1; target <= count; ++target) {
    Transaction txn(db);
    RETURN_IF_ERROR(txn.BeginWrite());
    ASSIGN_OR_RETURN(const int current, UserVersion(db));
    if (current > count) return RefuseNewerSchema(current, migrations);
    if (current >= target) continue;  // the transaction rolls back (nothing written)
    if (absl::Status status = Exec(db, migrations.sql[target - 1]); !status.ok()) {
      return absl::Status(status.code(), absl::StrCat("migration ", migrations.files[target - 1],
                                                      ": ", status.message()));
    }
    // An integer from the code, not user data: safe to put in the SQL text.
    RETURN_IF_ERROR(Exec(db, absl::StrCat("PRAGMA user_version = ", target).c_str()));
    RETURN_IF_ERROR(txn.Commit());
  }
  return absl::OkStatus();
}

absl::StatusOr<int> PrepareDatabase(sqlite3* db, const Migrations& migrations) {
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  ASSIGN_OR_RETURN(const int version, UserVersion(db));
  if (version > static_cast<int>(migrations.files.size())) {
    return RefuseNewerSchema(version, migrations);
  }
  if (sqlite3_db_readonly(db, "main") == 1) {
    // Opened read-only: nothing can be changed, so nothing is configured or migrated.
    if (version < static_cast<int>(migrations.files.size())) {
      return absl::FailedPreconditionError(
          absl::StrCat("opened read-only with schema version ", version, ", but this build needs ",
                       migrations.files.size(), " (migrations cannot be applied)"));
    }
    RETURN_IF_ERROR(Exec(db, "PRAGMA foreign_keys = ON"));
    return version;
  }
  RETURN_IF_ERROR(EnableWal(db));
  // A commit returns only once the WAL is synced: acknowledged writes survive a crash.
  RETURN_IF_ERROR(Exec(db, "PRAGMA synchronous = FULL"));
  RETURN_IF_ERROR(Exec(db, "PRAGMA foreign_keys = ON"));
  RETURN_IF_ERROR(Migrate(db, version, migrations));
  return UserVersion(db);
}

}  // namespace carereach::store::sqlite
