#include "server/store/sqlite_util.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "tests/status_matchers.h"

namespace carereach::store::sqlite {
namespace {

using ::carereach::testing_util::StatusIs;
using ::testing::ElementsAre;
using ::testing::Eq;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

// A connection to a fresh in-memory database with extended result codes, as the Store has.
class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    sqlite3_extended_result_codes(db_, 1);
    ASSERT_TRUE(
        Exec(db_, "CREATE TABLE t (k INTEGER PRIMARY KEY, s TEXT UNIQUE, b BLOB, d REAL)").ok());
  }
  void TearDown() override { EXPECT_EQ(sqlite3_close(db_), SQLITE_OK); }

  int64_t Count() {
    Statement select(db_, "SELECT COUNT(*) FROM t");
    EXPECT_TRUE(*select.Step());
    return select.Int(0);
  }

  sqlite3* db_ = nullptr;
};

TEST(SqliteStatusTest, MapsResultCodesToCanonicalCodes) {
  const std::vector<std::pair<int, absl::StatusCode>> cases = {
      {SQLITE_BUSY, absl::StatusCode::kUnavailable},
      {SQLITE_BUSY_SNAPSHOT, absl::StatusCode::kUnavailable},
      {SQLITE_LOCKED, absl::StatusCode::kUnavailable},
      {SQLITE_CONSTRAINT_UNIQUE, absl::StatusCode::kAlreadyExists},
      {SQLITE_CONSTRAINT_PRIMARYKEY, absl::StatusCode::kAlreadyExists},
      {SQLITE_CONSTRAINT_NOTNULL, absl::StatusCode::kInternal},
      {SQLITE_CORRUPT, absl::StatusCode::kDataLoss},
      {SQLITE_CORRUPT_INDEX, absl::StatusCode::kDataLoss},
      {SQLITE_NOTADB, absl::StatusCode::kDataLoss},
      {SQLITE_READONLY, absl::StatusCode::kFailedPrecondition},
      {SQLITE_IOERR_READ, absl::StatusCode::kInternal},
      {SQLITE_FULL, absl::StatusCode::kInternal},
  };
  for (const auto& [rc, code] : cases) {
    EXPECT_EQ(SqliteStatus(nullptr, rc).code(), code) << "rc " << rc;
    // Corruption and I/O errors are marked for a check of the file; nothing else is.
    const int primary = rc & 0xff;
    EXPECT_EQ(IsStorageFault(SqliteStatus(nullptr, rc)),
              primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB || primary == SQLITE_IOERR)
        << "rc " << rc;
    EXPECT_EQ(IsReadOnlyFault(SqliteStatus(nullptr, rc)), primary == SQLITE_READONLY)
        << "rc " << rc;
  }
  EXPECT_FALSE(IsStorageFault(absl::DataLossError("not from sqlite")));
  // Without a connection the message is SQLite's description of the code.
  EXPECT_THAT(SqliteStatus(nullptr, SQLITE_BUSY),
              StatusIs(absl::StatusCode::kUnavailable,
                       Eq(std::string("sqlite: ") + sqlite3_errstr(SQLITE_BUSY) + " (code 5)")));
}

TEST_F(SqliteTest, ExecAndPrepareFailuresCarrySqlitesMessage) {
  EXPECT_THAT(Exec(db_, "SELEKT 1"), StatusIs(absl::StatusCode::kInternal,
                                              MatchesRegex("sqlite: .*SELEKT.* \\(code 1\\)")));
  Statement bad(db_, "SELECT nope FROM t");
  EXPECT_THAT(bad.Step(), StatusIs(absl::StatusCode::kInternal, HasSubstr("no such column: nope")));
  EXPECT_THAT(bad.Run(), StatusIs(absl::StatusCode::kInternal, ::testing::_));
  EXPECT_THAT(bad.Reset(), StatusIs(absl::StatusCode::kInternal, ::testing::_));
}

TEST_F(SqliteTest, BoundValuesRoundTrip) {
  Statement insert(db_, "INSERT INTO t (k, s, b, d) VALUES (?1, ?2, ?3, ?4)");
  const std::string text = "Wahiawā", blob("\0\xff", 2), empty;
  insert.BindInt(1, 1);
  insert.BindText(2, text);
  insert.BindBlob(3, blob);
  insert.BindDouble(4, -157.8583);
  ASSERT_TRUE(insert.Run().ok());
  // Reset makes the statement ready for the next row; an empty blob is not NULL.
  ASSERT_TRUE(insert.Reset().ok());
  insert.BindInt(1, 2);
  insert.BindText(2, "two");
  insert.BindBlob(3, empty);
  ASSERT_TRUE(insert.Run().ok());

  Statement select(db_, "SELECT k, s, b, d, b IS NULL FROM t ORDER BY k");
  ASSERT_TRUE(*select.Step());
  EXPECT_EQ(select.Int(0), 1);
  EXPECT_EQ(select.Text(1), text);
  EXPECT_EQ(select.Blob(2), blob);
  EXPECT_EQ(select.Double(3), -157.8583);
  EXPECT_FALSE(select.IsNull(2));
  ASSERT_TRUE(*select.Step());
  EXPECT_EQ(select.Blob(2), "");
  EXPECT_EQ(select.Int(4), 0);  // empty, not NULL
  EXPECT_TRUE(select.IsNull(3));
  EXPECT_FALSE(*select.Step());
}

TEST_F(SqliteTest, BindAllBindsEachValueAsItsType) {
  Statement insert(db_, "INSERT INTO t (k, s, b, d) VALUES (?1, ?2, ?3, ?4)");
  const std::string text = "x", blob("\0y", 2);
  insert.BindAll(int32_t{7}, text, AsBlob{blob}, 2.5);
  ASSERT_TRUE(insert.Run().ok());
  Statement select(db_, "SELECT k, s, typeof(s), b, typeof(b), d, typeof(d) FROM t");
  ASSERT_TRUE(*select.Step());
  EXPECT_EQ(select.Int(0), 7);
  EXPECT_EQ(select.Text(1), "x");
  EXPECT_EQ(select.Text(2), "text");
  EXPECT_EQ(select.Blob(3), blob);
  EXPECT_EQ(select.Text(4), "blob");
  EXPECT_EQ(select.Double(5), 2.5);
  EXPECT_EQ(select.Text(6), "real");
}

TEST_F(SqliteTest, ReadAllReadsEveryRowInOrder) {
  ASSERT_TRUE(Exec(db_, "INSERT INTO t (k, s) VALUES (3, 'c'), (1, 'a'), (2, 'b')").ok());
  Statement select(db_, "SELECT s FROM t ORDER BY k");
  absl::StatusOr<std::vector<std::string>> rows =
      ReadAll(select, [](const Statement& row) { return row.Text(0); });
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(*rows, ElementsAre("a", "b", "c"));
  Statement bad(db_, "SELECT nope FROM t");
  EXPECT_THAT(ReadAll(bad, [](const Statement& row) { return row.Int(0); }),
              StatusIs(absl::StatusCode::kInternal, ::testing::_));
}

TEST_F(SqliteTest, UniquenessViolationsAreAlreadyExists) {
  ASSERT_TRUE(Exec(db_, "INSERT INTO t (k, s) VALUES (1, 'a')").ok());
  Statement same_key(db_, "INSERT INTO t (k, s) VALUES (1, 'b')");
  EXPECT_THAT(same_key.Run(), StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("(code 1555)")));
  Statement same_text(db_, "INSERT INTO t (k, s) VALUES (2, 'a')");
  EXPECT_THAT(same_text.Run(),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("(code 2067)")));
}

TEST_F(SqliteTest, ATransactionRollsBackUnlessCommitted) {
  {
    Transaction txn(db_);
    ASSERT_TRUE(txn.BeginWrite().ok());
    ASSERT_TRUE(Exec(db_, "INSERT INTO t (k) VALUES (1)").ok());
  }  // an early return: rolled back
  EXPECT_EQ(Count(), 0);
  {
    Transaction txn(db_);
    ASSERT_TRUE(txn.BeginWrite().ok());
    ASSERT_TRUE(Exec(db_, "INSERT INTO t (k) VALUES (1)").ok());
    ASSERT_TRUE(txn.Commit().ok());
  }
  EXPECT_EQ(Count(), 1);
  {
    Transaction txn(db_);
    ASSERT_TRUE(txn.BeginRead().ok());
    EXPECT_EQ(Count(), 1);
    // A second BEGIN inside a transaction fails and leaves the first one as it was.
    Transaction nested(db_);
    EXPECT_THAT(nested.BeginRead(), StatusIs(absl::StatusCode::kInternal, ::testing::_));
  }
  EXPECT_TRUE(sqlite3_get_autocommit(db_));
}

// Two migrations: 0001 makes a table, 0002 adds a row.
constexpr const char* kFiles[] = {"0001_make.sql", "0002_fill.sql"};
constexpr const char* kSql[] = {"CREATE TABLE m (x INTEGER);", "INSERT INTO m VALUES (42);"};

TEST_F(SqliteTest, MigrateAppliesEachPendingMigrationOnce) {
  const Migrations migrations{.files = kFiles, .sql = kSql};
  ASSERT_TRUE(Migrate(db_, 0, migrations).ok());
  EXPECT_EQ(*UserVersion(db_), 2);
  ASSERT_TRUE(Migrate(db_, 0, migrations).ok());  // re-read inside: nothing applied twice
  Statement select(db_, "SELECT COUNT(*) FROM m");
  ASSERT_TRUE(*select.Step());
  EXPECT_EQ(select.Int(0), 1);
  // Only the first of them: the second is applied later.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &other), SQLITE_OK);
  ASSERT_TRUE(Migrate(other, 0, Migrations{.files = {kFiles, 1}, .sql = {kSql, 1}}).ok());
  EXPECT_EQ(*UserVersion(other), 1);
  ASSERT_TRUE(Migrate(other, 1, migrations).ok());
  EXPECT_EQ(*UserVersion(other), 2);
  EXPECT_EQ(sqlite3_close(other), SQLITE_OK);
}

TEST_F(SqliteTest, MigrateRefusesMisnamedNewerAndFailingMigrations) {
  constexpr const char* kMisnamed[] = {"0001_make.sql", "0003_fill.sql"};
  EXPECT_THAT(Migrate(db_, 0, Migrations{.files = kMisnamed, .sql = kSql}),
              StatusIs(absl::StatusCode::kInternal,
                       Eq("migration 2 is named \"0003_fill.sql\", expected \"0002_...\"")));
  EXPECT_EQ(*UserVersion(db_), 0);  // nothing applied

  constexpr const char* kBroken[] = {"CREATE TABLE m (x INTEGER);",
                                     "INSERT INTO nowhere VALUES (1);"};
  EXPECT_THAT(
      Migrate(db_, 0, Migrations{.files = kFiles, .sql = kBroken}),
      StatusIs(absl::StatusCode::kInternal, StartsWith("migration 0002_fill.sql: sqlite: ")));
  EXPECT_EQ(*UserVersion(db_), 1);  // the first one committed, the failing one rolled back

  ASSERT_TRUE(Exec(db_, "PRAGMA user_version = 7").ok());
  EXPECT_THAT(Migrate(db_, 0, Migrations{.files = kFiles, .sql = kSql}),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       Eq("database schema version 7 is newer than this build supports (2); "
                          "refusing to open it (schemas are never downgraded)")));
}

TEST(PrepareDatabaseTest, ConfiguresAFileForDurableWritesAndMigrates) {
  std::string dir = (std::filesystem::temp_directory_path() / "sqlite_util_test_XXXXXX").string();
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  const std::string path = dir + "/db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  absl::StatusOr<int> version = PrepareDatabase(db, Migrations{.files = kFiles, .sql = kSql});
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, 2);
  {
    // Statements are finalized (end of scope) before the connection closes: sqlite3_close
    // refuses (SQLITE_BUSY) a connection with live statements and it would leak.
    Statement journal(db, "PRAGMA journal_mode");
    ASSERT_TRUE(*journal.Step());
    EXPECT_EQ(journal.Text(0), "wal");
    Statement keys(db, "PRAGMA foreign_keys");
    ASSERT_TRUE(*keys.Step());
    EXPECT_EQ(keys.Int(0), 1);
  }
  ASSERT_EQ(sqlite3_close(db), SQLITE_OK);

  // A newer schema is refused before anything in the file changes.
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_THAT(
      PrepareDatabase(db, Migrations{.files = {kFiles, 1}, .sql = {kSql, 1}}),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("schema version 2 is newer")));
  ASSERT_EQ(sqlite3_close(db), SQLITE_OK);
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

TEST(PrepareDatabaseTest, RefusesADatabaseWithoutWriteAheadLogging) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  EXPECT_THAT(PrepareDatabase(db, Migrations{.files = kFiles, .sql = kSql}),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       Eq("cannot use write-ahead logging (journal_mode is \"memory\")")));
  EXPECT_EQ(sqlite3_close(db), SQLITE_OK);
}

}  // namespace
}  // namespace carereach::store::sqlite
