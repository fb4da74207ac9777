#ifndef CAREREACH_SERVER_STORE_DB_H_
#define CAREREACH_SERVER_STORE_DB_H_

#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "geo/core/status_macros.h"

// The one seam between the Store's queries and the SQL engine under them (SQLite embedded, or a
// PostgreSQL server shared by replicas). The Store's queries are written once, in the SQL both
// engines accept: parameters are ?1, ?2, ... (the PostgreSQL engine numbers them $1, $2, ...),
// new keys come back through INSERT ... RETURNING, and no engine-specific function is used.
// Not thread-safe: the Store lends each Database to one call at a time.
namespace carereach::store::internal {

enum class Access { kRead, kWrite };

// Marks a string to bind as a blob (BindAll binds a plain std::string as text).
struct AsBlob {
  const std::string& bytes;
};

// One prepared statement of an engine. A failure to prepare or bind is remembered and reported by
// the next Step.
class Query {
 public:
  virtual ~Query() = default;

  virtual void BindText(int index, const std::string& value) = 0;
  // An empty string binds an empty blob, not NULL.
  virtual void BindBlob(int index, const std::string& value) = 0;
  virtual void BindInt(int index, int64_t value) = 0;
  virtual void BindDouble(int index, double value) = 0;

  // True when a row is available, false when the statement is done.
  virtual absl::StatusOr<bool> Step() = 0;
  // Runs a statement that returns no rows.
  virtual absl::Status Run() = 0;
  // Ready to bind and run again (for inserting many rows with one prepared statement).
  virtual absl::Status Reset() = 0;

  // The current row's columns (valid after Step returned true).
  virtual int64_t Int(int column) const = 0;
  virtual double Double(int column) const = 0;
  virtual bool IsNull(int column) const = 0;
  virtual std::string Text(int column) const = 0;
  virtual std::string Blob(int column) const = 0;  // zero-length blobs come back as ""
};

// One connection to a database of the Store's schema.
class Database {
 public:
  virtual ~Database() = default;

  virtual std::unique_ptr<Query> Prepare(const char* sql) = 0;

  // A transaction. A write transaction holds the database's write lock from its start to its end
  // (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock every replica
  // takes), so version numbers are read and assigned by one writer at a time, whichever process
  // it runs in. A read transaction sees one snapshot from its first statement to its end.
  virtual absl::Status Begin(Access access) = 0;
  virtual absl::Status Commit() = 0;
  // Ends the open transaction, if any, leaving the database as it was before it.
  virtual void Rollback() = 0;

  // After a failure that may come from damage (SQLite: SQLITE_CORRUPT, SQLITE_IOERR): OK when the
  // database checks sound, DATA_LOSS naming the first problems otherwise. Engines that cannot be
  // damaged from here (a PostgreSQL server checks itself) answer OK.
  virtual absl::Status CheckIntegrity() { return absl::OkStatus(); }
};

// A prepared statement of any engine, with BindAll and the typed column readers.
class Statement {
 public:
  Statement(Database* db, const char* sql) : query_(db->Prepare(sql)) {}

  // Binds `values` to ?1, ?2, ... in order: std::string as text, AsBlob as a blob, integers and
  // doubles as numbers.
  template <typename... Values>
  void BindAll(Values&&... values) {
    BindAllFrom(1, values...);
  }
  // The same from ?first on (the values of one row of a multi-row INSERT).
  template <typename... Values>
  void BindAllFrom(int first, Values&&... values) {
    int index = first - 1;
    (BindValue(++index, values), ...);
  }

  absl::StatusOr<bool> Step() { return query_->Step(); }
  absl::Status Run() { return query_->Run(); }
  absl::Status Reset() { return query_->Reset(); }

  int64_t Int(int column) const { return query_->Int(column); }
  double Double(int column) const { return query_->Double(column); }
  bool IsNull(int column) const { return query_->IsNull(column); }
  std::string Text(int column) const { return query_->Text(column); }
  std::string Blob(int column) const { return query_->Blob(column); }

 private:
  void BindValue(int index, const std::string& value) { query_->BindText(index, value); }
  void BindValue(int index, const AsBlob& value) { query_->BindBlob(index, value.bytes); }
  void BindValue(int index, double value) { query_->BindDouble(index, value); }
  template <typename Integer>
  requires std::is_integral_v<Integer>
  void BindValue(int index, Integer value) { query_->BindInt(index, static_cast<int64_t>(value)); }

  std::unique_ptr<Query> query_;
};

// Steps `statement` (a Statement, or an engine's own statement type with the same Step) to the
// end and returns read_row(statement) for every row, in order.
template <typename AnyStatement, typename ReadRow>
auto ReadAll(AnyStatement& statement, ReadRow read_row)
    -> absl::StatusOr<std::vector<decltype(read_row(statement))>> {
  std::vector<decltype(read_row(statement))> rows;
  while (true) {
    ASSIGN_OR_RETURN(const bool has_row, statement.Step());
    if (!has_row) return rows;
    rows.push_back(read_row(statement));
  }
}

}  // namespace carereach::store::internal

#endif  // CAREREACH_SERVER_STORE_DB_H_
