#include "server/store/postgres.h"

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "geo/core/status_macros.h"

namespace carereach::store::postgres {
namespace {

// Advisory lock keys every replica uses: one for writes (the store's write lock, see
// Database::Begin), one for migrations. Any 64-bit constants would do; these spell "carereac".
constexpr int64_t kMigrationLockKey = kWriteLockKey + 1;

// Set on every new or reset connection: a lock is waited for as long as SQLite's busy timeout,
// no statement runs away with a connection, and the server's NOTICEs (libpq prints them on
// stderr: "relation ... already exists, skipping" from every pooled connection's migration check)
// are not sent; warnings and errors are.
constexpr char kSessionSetup[] =
    "SET lock_timeout = '5s'; SET statement_timeout = '120s'; SET client_encoding = 'UTF8'; "
    "SET client_min_messages = 'warning'";

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

Result Wrap(PGresult* result) { return Result(result, &PQclear); }

// "postgres: <message> (SQLSTATE 23505)" with the canonical code for the SQLSTATE: uniqueness
// violations ALREADY_EXISTS; a lost connection, a lock not granted within lock_timeout, a server
// shutting down or out of resources UNAVAILABLE (another replica or a retry may succeed);
// serialization failures and deadlocks ABORTED; a read-only (standby) server FAILED_PRECONDITION;
// the rest INTERNAL.
absl::Status PgStatus(PGconn* conn, const PGresult* result) {
  const char* sqlstate_field =
      result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = sqlstate_field != nullptr ? sqlstate_field : "";
  std::string message = result != nullptr ? PQresultErrorMessage(result) : "";
  if (message.empty()) message = PQerrorMessage(conn);
  absl::StripTrailingAsciiWhitespace(&message);
  const std::string text =
      absl::StrCat("postgres: ", message, sqlstate.empty() ? "" : " (SQLSTATE " + sqlstate + ")");
  const absl::string_view state_class = absl::string_view(sqlstate).substr(0, 2);
  if (PQstatus(conn) == CONNECTION_BAD || state_class == "08" || state_class == "57" ||
      state_class == "53" || sqlstate == "55P03") {
    return absl::UnavailableError(text);
  }
  if (sqlstate == "23505") return absl::AlreadyExistsError(text);
  if (sqlstate == "40001" || sqlstate == "40P01") return absl::AbortedError(text);
  if (sqlstate == "25006") return absl::FailedPreconditionError(text);
  return absl::InternalError(text);
}

// Runs SQL text that may hold several statements; the rows of the last one are returned.
absl::StatusOr<Result> Exec(PGconn* conn, const char* sql) {
  Result result = Wrap(PQexec(conn, sql));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return PgStatus(conn, result.get());
  }
  return result;
}

// The Store's SQL with ?1, ?2, ... written as PostgreSQL's $1, $2, ... (outside quotes).
std::string Translate(const char* sql) {
  std::string out;
  bool quoted = false;
  for (const char* p = sql; *p != '\0'; ++p) {
    if (*p == '\'') quoted = !quoted;
    out.push_back(!quoted && *p == '?' ? '$' : *p);
  }
  return out;
}

class PgQuery final : public internal::Query {
 public:
  PgQuery(PGconn* conn, std::string sql) : conn_(conn), sql_(std::move(sql)) {}

  void BindText(int index, const std::string& value) override { Bind(index, value, 0); }
  void BindBlob(int index, const std::string& value) override { Bind(index, value, 1); }
  void BindInt(int index, int64_t value) override { Bind(index, absl::StrCat(value), 0); }
  // %.17g round-trips every double exactly (the server's float8 input is correctly rounded).
  void BindDouble(int index, double value) override {
    Bind(index, absl::StrFormat("%.17g", value), 0);
  }

  absl::StatusOr<bool> Step() override {
    if (!executed_) {
      std::vector<const char*> values;
      std::vector<int> lengths;
      for (const std::string& value : values_) {
        values.push_back(value.data());
        lengths.push_back(static_cast<int>(value.size()));
      }
      result_ = Wrap(PQexecParams(conn_, sql_.c_str(), static_cast<int>(values.size()), nullptr,
                                  values.data(), lengths.data(), formats_.data(), 0));
      executed_ = true;
      const ExecStatusType status = PQresultStatus(result_.get());
      if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        return PgStatus(conn_, result_.get());
      }
      rows_ = PQntuples(result_.get());
    }
    ++row_;
    return row_ < rows_;
  }

  absl::Status Run() override { return Step().status(); }

  absl::Status Reset() override {
    result_.reset();
    executed_ = false;
    row_ = -1;
    rows_ = 0;
    values_.clear();
    formats_.clear();
    return absl::OkStatus();
  }

  int64_t Int(int column) const override {
    int64_t value = 0;
    (void)absl::SimpleAtoi(Value(column), &value);
    return value;
  }
  double Double(int column) const override {
    double value = 0;
    (void)absl::SimpleAtod(Value(column), &value);
    return value;
  }
  bool IsNull(int column) const override { return PQgetisnull(result_.get(), row_, column) != 0; }
  std::string Text(int column) const override { return std::string(Value(column)); }
  std::string Blob(int column) const override {
    size_t length = 0;
    unsigned char* bytes =
        PQunescapeBytea(reinterpret_cast<const unsigned char*>(Value(column).data()), &length);
    if (bytes == nullptr) return "";
    std::string blob(reinterpret_cast<const char*>(bytes), length);
    PQfreemem(bytes);
    return blob;
  }

 private:
  void Bind(int index, std::string value, int format) {
    if (index < 1) return;
    if (values_.size() < static_cast<size_t>(index)) {
      values_.resize(index);
      formats_.resize(index, 0);
    }
    values_[index - 1] = std::move(value);
    formats_[index - 1] = format;
  }
  absl::string_view Value(int column) const {
    return absl::string_view(PQgetvalue(result_.get(), row_, column),
                             PQgetlength(result_.get(), row_, column));
  }

  PGconn* const conn_;
  const std::string sql_;
  std::vector<std::string> values_;
  std::vector<int> formats_;  // 0 text, 1 binary (blobs)
  Result result_ = Wrap(nullptr);
  bool executed_ = false;
  int row_ = -1, rows_ = 0;
};

class PostgresDatabase final : public internal::Database {
 public:
  PostgresDatabase(PGconn* conn, std::string url) : conn_(conn), url_(std::move(url)) {}
  ~PostgresDatabase() override { PQfinish(conn_); }
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  std::unique_ptr<internal::Query> Prepare(const char* sql) override {
    return std::make_unique<PgQuery>(conn_, Translate(sql));
  }

  // Writes: READ COMMITTED, serialized by the advisory write lock (each statement after it sees
  // every write committed before it was granted). Reads: one snapshot for the whole call.
  // A connection found closed when the transaction starts (nothing of the call has run yet) is
  // opened again and the start retried once.
  absl::Status Begin(internal::Access access) override {
    RETURN_IF_ERROR(Reconnect());
    const std::string sql =
        access == internal::Access::kWrite
            ? absl::StrCat("BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(",
                           kWriteLockKey, ")")
            : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
    absl::Status begun = Exec(conn_, sql.c_str()).status();
    if (!begun.ok() && PQstatus(conn_) == CONNECTION_BAD) {
      RETURN_IF_ERROR(Reconnect());
      begun = Exec(conn_, sql.c_str()).status();
    }
    return begun;
  }

  absl::Status Commit() override {
    // COMMIT of a transaction that failed answers "ROLLBACK" without an error: refuse that.
    ASSIGN_OR_RETURN(const Result result, Exec(conn_, "COMMIT"));
    if (absl::string_view(PQcmdStatus(result.get())) != "COMMIT") {
      return absl::AbortedError("postgres: the transaction was rolled back, not committed");
    }
    return absl::OkStatus();
  }

  void Rollback() override {
    const PGTransactionStatusType status = PQtransactionStatus(conn_);
    if (status == PQTRANS_INTRANS || status == PQTRANS_INERROR) {
      PQclear(PQexec(conn_, "ROLLBACK"));
    }
  }

  // A connection the server closed (restart, failover, idle timeout) is opened again before the
  // next call; UNAVAILABLE while the server cannot be reached.
  absl::Status Reconnect() {
    if (PQstatus(conn_) == CONNECTION_OK) return absl::OkStatus();
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) {
      return absl::UnavailableError(
          absl::StrCat("postgres: cannot reach ", RedactedUrl(url_), ": ",
                       absl::StripTrailingAsciiWhitespace(PQerrorMessage(conn_))));
    }
    return Exec(conn_, kSessionSetup).status();
  }

  PGconn* conn() { return conn_; }

 private:
  PGconn* const conn_;
  const std::string url_;
};

// Applies the migrations after the database's version, all in one transaction under the
// migration lock; returns the version after.
absl::StatusOr<int> Migrate(PGconn* conn, const Migrations& migrations) {
  for (size_t i = 0; i < migrations.files.size(); ++i) {
    const std::string prefix = absl::StrFormat("%04d_", i + 1);
    if (std::string(migrations.files[i]).rfind(prefix, 0) != 0) {
      return absl::InternalError(absl::StrCat("migration ", i + 1, " is named \"",
                                              migrations.files[i], "\", expected \"", prefix,
                                              "...\""));
    }
  }
  const int known = static_cast<int>(migrations.files.size());
  RETURN_IF_ERROR(Exec(conn, absl::StrCat("BEGIN; SELECT pg_advisory_xact_lock(", kMigrationLockKey,
                                          "); CREATE TABLE IF NOT EXISTS carereach_schema"
                                          " (version INTEGER NOT NULL)")
                                 .c_str())
                      .status());
  auto migrate = [&]() -> absl::StatusOr<int> {
    ASSIGN_OR_RETURN(const Result current,
                     Exec(conn, "SELECT COALESCE(MAX(version), 0) FROM carereach_schema"));
    int version = 0;
    (void)absl::SimpleAtoi(PQgetvalue(current.get(), 0, 0), &version);
    if (version > known) {
      return absl::FailedPreconditionError(
          absl::StrCat("database schema version ", version, " is newer than this build supports (",
                       known, "); refusing to open it (schemas are never downgraded)"));
    }
    for (int i = version; i < known; ++i) {
      const absl::Status applied = Exec(conn, migrations.sql[i]).status();
      if (!applied.ok()) {
        return absl::Status(applied.code(), absl::StrCat("migration ", migrations.files[i], ": ",
                                                         applied.message()));
      }
    }
    if (version < known) {
      RETURN_IF_ERROR(Exec(conn, absl::StrCat("DELETE FROM carereach_schema; INSERT INTO"
                                              " carereach_schema (version) VALUES (",
                                              known, ")")
                                     .c_str())
                          .status());
    }
    ASSIGN_OR_RETURN(const Result committed, Exec(conn, "COMMIT"));
    return known;
  };
  absl::StatusOr<int> version = migrate();
  if (!version.ok()) PQclear(PQexec(conn, "ROLLBACK"));
  return version;
}

}  // namespace

std::string RedactedUrl(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    PQfreemem(error);
    return "postgresql://(not a valid connection URI)";
  }
  std::string user, host, port, dbname;
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (option->val == nullptr) continue;
    const absl::string_view keyword = option->keyword;
    if (keyword == "user") user = option->val;
    if (keyword == "host") host = option->val;
    if (keyword == "port") port = option->val;
    if (keyword == "dbname") dbname = option->val;
  }
  PQconninfoFree(options);
  return absl::StrCat("postgresql://", user, user.empty() ? "" : "@", host, port.empty() ? "" : ":",
                      port, "/", dbname);
}

absl::StatusOr<std::unique_ptr<internal::Database>> Connect(const std::string& url,
                                                            const Migrations& migrations,
                                                            int* schema_version) {
  // connect_timeout first: a connect_timeout in the URL (expanded from dbname) wins over it.
  const char* const keywords[] = {"connect_timeout", "fallback_application_name", "dbname",
                                  nullptr};
  const char* const values[] = {"10", "carereach-server", url.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) return absl::ResourceExhaustedError("postgres: out of memory");
  auto db = std::make_unique<PostgresDatabase>(conn, url);
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    absl::StripTrailingAsciiWhitespace(&message);
    return absl::UnavailableError(
        absl::StrCat("postgres: cannot connect to ", RedactedUrl(url), ": ", message));
  }
  RETURN_IF_ERROR(Exec(conn, kSessionSetup).status());
  ASSIGN_OR_RETURN(const int version, Migrate(conn, migrations));
  if (schema_version != nullptr) *schema_version = version;
  return std::unique_ptr<internal::Database>(std::move(db));
}

}  // namespace carereach::store::postgres
