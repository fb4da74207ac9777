// What only the PostgreSQL store has (the rest of the store suite runs on both engines, see
// StoreTest): replicas migrating together, its own schema version check, its append-only
// triggers, a server that cannot be reached or closes the connection, its pool of connections, and
// the --store location.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/store/postgres.h"
#include "server/store/store.h"
#include "tests/postgres/scratch_database.h"
#include "tests/server/store/store_fixtures.h"
#include "tests/status_matchers.h"

namespace carereach::store {
namespace {

using ::carereach::testing_util::QueryText;
using ::carereach::testing_util::RunSql;
using ::carereach::testing_util::ScratchDatabase;
using ::carereach::testing_util::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(PostgresStoreTest, ReplicasStartingTogetherMigrateOnce) {
  ScratchDatabase database;
  constexpr int kReplicas = 6;
  std::vector<absl::StatusOr<std::unique_ptr<Store>>> opened;
  for (int r = 0; r < kReplicas; ++r) opened.emplace_back(absl::UnknownError("not run"));
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int r = 0; r < kReplicas; ++r) {
    threads.emplace_back([&, r] {
      ++ready;
      while (ready.load() < kReplicas) std::this_thread::yield();
      opened[r] = Store::OpenPostgres(database.url());
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int r = 0; r < kReplicas; ++r) {
    ASSERT_TRUE(opened[r].ok()) << "replica " << r << ": " << opened[r].status();
    EXPECT_EQ((*opened[r])->schema_version(), 4);
  }
  EXPECT_EQ(
      QueryText(database.url(), "SELECT COUNT(*) || '/' || MAX(version) FROM carereach_schema"),
      "1/4");
  EXPECT_EQ(QueryText(database.url(),
                      "SELECT COUNT(*) FROM information_schema.tables WHERE table_name IN"
                      " ('networks', 'versions', 'providers', 'reports', 'report_networks')"),
            "5");
  // What one replica writes, another reads.
  ASSERT_TRUE((*opened[0])
                  ->CreateNetworkWithVersion(kTenant, "net", "", "", "", RosterOne(), nullptr)
                  .ok());
  EXPECT_EQ((*opened[5])->GetProviders(kTenant, "net", 0, nullptr).value(), RosterOne());
}

TEST(PostgresStoreTest, RefusesADatabaseFromANewerSchemaWithoutTouchingIt) {
  ScratchDatabase database;
  ASSERT_EQ(RunSql(database.url(),
                   "CREATE TABLE carereach_schema (version INTEGER NOT NULL);"
                   " INSERT INTO carereach_schema VALUES (999)"),
            "");
  EXPECT_THAT(Store::OpenPostgres(database.url()),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("schema version 999 is newer than this build supports (4)")));
  EXPECT_EQ(QueryText(database.url(), "SELECT MAX(version) FROM carereach_schema"), "999");
  EXPECT_EQ(
      QueryText(database.url(),
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'networks'"),
      "0");
}

// A database a build of schema 1 wrote is migrated to the current schema, its data kept.
TEST(PostgresStoreTest, ASchemaOneDatabaseIsMigratedKeepingItsData) {
  ScratchDatabase database;
  ASSERT_EQ(RunSql(database.url(), internal::kPgMigrationSql[0]), "");
  ASSERT_EQ(RunSql(database.url(), absl::StrCat("CREATE TABLE carereach_schema (version INTEGER NOT"
                                                " NULL); INSERT INTO carereach_schema VALUES (1); ",
                                                kSchemaOneRows)),
            "");
  std::unique_ptr<Store> store = Store::OpenPostgres(database.url()).value();
  EXPECT_EQ(store->schema_version(), 4);
  EXPECT_THAT(store->GetProviders(kTenant, "old", 1, nullptr).value(),
              testing::ElementsAre(Row("p1", "040", -157.8, 21.3, "Old row", 10)));
  EXPECT_EQ(store->AddVersion(kTenant, "old", "", RosterOne(), "req")->version, 2);
  EXPECT_EQ(store->AddVersion(kTenant, "old", "", RosterOne(), "req")->version, 2);
  EXPECT_EQ(QueryText(database.url(), "SELECT MAX(version) FROM carereach_schema"), "4");
}

TEST(PostgresStoreTest, HistoryCannotBeRewrittenEvenThroughAnotherConnection) {
  ScratchDatabase database;
  std::unique_ptr<Store> store = Store::OpenPostgres(database.url()).value();
  ASSERT_TRUE(
      store->CreateNetworkWithVersion(kTenant, "net", "", "", "", RosterOne(), nullptr).ok());
  ReportRecord report{.kind = "coverage", .networks = {{"net", 1}}, .result_blob = "r"};
  const std::string report_id = store->SaveReport(kTenant, report)->report_id;
  const std::vector<std::pair<std::string, std::string>> attempts = {
      {"UPDATE versions SET note = 'rewritten'", "network versions are immutable"},
      {"UPDATE providers SET name = 'rewritten'", "network versions are immutable"},
      {"DELETE FROM providers", "network versions are immutable"},
      {"DELETE FROM versions", "network versions are immutable"},
      {"TRUNCATE providers", "network versions are immutable"},
      {"UPDATE reports SET result_blob = '\\x00'", "reports are immutable"},
      {"DELETE FROM reports", "reports are immutable"},
      {"TRUNCATE reports CASCADE", "reports are immutable"},
      {"UPDATE report_networks SET version = 2", "reports are immutable"},
      {"DELETE FROM networks", "networks are soft-deleted"},
      {"TRUNCATE networks CASCADE", "networks are soft-deleted"},
      {"UPDATE networks SET network_id = 'stolen'", "a network's identity is immutable"},
      {"UPDATE networks SET tenant = 'tenant-b'", "a network's identity is immutable"},
  };
  for (const auto& [sql, expected] : attempts) {
    EXPECT_THAT(RunSql(database.url(), sql), HasSubstr(expected)) << sql;
  }
  ASSERT_TRUE(store->DeleteNetwork(kTenant, "net").ok());
  EXPECT_THAT(RunSql(database.url(), "UPDATE networks SET deleted_at_us = NULL"),
              HasSubstr("a deleted network stays deleted"));
  EXPECT_EQ(QueryText(database.url(), "SELECT name FROM providers ORDER BY ordinal LIMIT 1"),
            "Queen's Medical Center");
  EXPECT_EQ(QueryText(database.url(), "SELECT COUNT(*) FROM providers"), "3");
  EXPECT_EQ(store->GetReport(kTenant, report_id)->result_blob, "r");
}

// A failure after the network row was inserted, before its first version is complete: the
// transaction leaves nothing (as SqliteStoreTest.AFailureBetweenNetworkAndFirstVersion...).
TEST(PostgresStoreTest, AFailureBetweenNetworkAndFirstVersionLeavesNoNetwork) {
  ScratchDatabase database;
  std::unique_ptr<Store> store = Store::OpenPostgres(database.url()).value();
  ASSERT_EQ(RunSql(database.url(),
                   "CREATE FUNCTION inject_failure() RETURNS trigger LANGUAGE plpgsql AS $$"
                   " BEGIN IF NEW.provider_id = 'boom' THEN RAISE EXCEPTION 'injected failure';"
                   " END IF; RETURN NEW; END $$;"
                   " CREATE TRIGGER inject_failure BEFORE INSERT ON providers"
                   " FOR EACH ROW EXECUTE FUNCTION inject_failure()"),
            "");
  std::vector<ProviderRow> rows = RosterOne();
  rows.push_back(Row("boom", "040", -157.9, 21.4));
  EXPECT_THAT(store->CreateNetworkWithVersion(kTenant, "net", "", "", "", rows, nullptr),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("injected failure")));
  EXPECT_THAT(store->GetNetwork(kTenant, "net"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("net")));
  EXPECT_EQ(QueryText(database.url(), "SELECT COUNT(*) FROM networks"), "0");
  EXPECT_EQ(QueryText(database.url(), "SELECT COUNT(*) FROM providers"), "0");
  // The store goes on working after the failed transaction.
  EXPECT_TRUE(
      store->CreateNetworkWithVersion(kTenant, "net", "", "", "", RosterOne(), nullptr).ok());
}

TEST(PostgresStoreTest, AnUnreachableServerIsUnavailableWithoutShowingThePassword) {
  // Port 1 on loopback: nothing listens there.
  const absl::StatusOr<std::unique_ptr<Store>> store =
      Store::OpenPostgres("postgresql://carereach:s3cret-pw@127.0.0.1:1/carereach");
  EXPECT_THAT(store, StatusIs(absl::StatusCode::kUnavailable,
                              HasSubstr("postgresql://carereach@127.0.0.1:1/carereach")));
  EXPECT_THAT(store.status().message(), Not(HasSubstr("s3cret-pw")));
}

TEST(PostgresStoreTest, AConnectionTheServerClosedIsOpenedAgainByTheNextCall) {
  ScratchDatabase database;
  std::unique_ptr<Store> store = Store::OpenPostgres(database.url()).value();
  ASSERT_TRUE(
      store->CreateNetworkWithVersion(kTenant, "net", "", "", "", RosterOne(), nullptr).ok());
  // As a server restart or an idle timeout would: the server ends the store's sessions (every
  // connection of its pool).
  ASSERT_EQ(QueryText(testing_util::TestPostgresUrl(),
                      absl::StrCat("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity"
                                   " WHERE datname = '",
                                   database.name(), "'")),
            std::to_string(Store::kDefaultPostgresConnections));
  EXPECT_EQ(store->GetProviders(kTenant, "net", 0, nullptr).value(), RosterOne());
  EXPECT_EQ(store->AddVersion(kTenant, "net", "", RosterTwo())->version, 2);
}

// The sessions the store has open on `database`.
std::string SessionCount(const ScratchDatabase& database) {
  return QueryText(testing_util::TestPostgresUrl(),
                   absl::StrCat("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '",
                                database.name(), "' AND pid <> pg_backend_pid()"));
}

TEST(PostgresStoreTest, OpensTheConnectionsItIsAskedFor) {
  ScratchDatabase database;
  {
    std::unique_ptr<Store> store = Store::OpenPostgres(database.url(), 3).value();
    EXPECT_EQ(SessionCount(database), "3");
  }
  EXPECT_THAT(Store::OpenPostgres(database.url(), 0),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("0 is outside [1, 64]")));
  EXPECT_THAT(Store::OpenLocation(database.url(), 65),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("65 is outside [1, 64]")));
}

// With more than one connection, a call does not queue behind another's transaction: here a
// write waits for the write lock (held by an outside session, as another replica's long write
// would), and reads go on meanwhile on the pool's other connection. One connection would make the
// read wait until the write gave up (after the 5 s lock timeout, UNAVAILABLE).
TEST(PostgresStoreTest, ReadsGoOnWhileAWriteWaitsForTheWriteLock) {
  ScratchDatabase database;
  std::unique_ptr<Store> store = Store::OpenPostgres(database.url(), 2).value();
  ASSERT_TRUE(
      store->CreateNetworkWithVersion(kTenant, "net", "", "", "", RosterOne(), nullptr).ok());
  PGconn* holder = PQconnectdb(database.url().c_str());
  ASSERT_EQ(PQstatus(holder), CONNECTION_OK);
  const auto exec = [&](const std::string& sql) {
    PGresult* result = PQexec(holder, sql.c_str());
    const ExecStatusType status = PQresultStatus(result);
    PQclear(result);
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
  };
  ASSERT_TRUE(
      exec(absl::StrCat("BEGIN; SELECT pg_advisory_xact_lock(", postgres::kWriteLockKey, ")")));
  std::atomic<bool> write_done{false};
  absl::StatusOr<VersionInfo> written = absl::UnknownError("not run");
  std::thread writer([&] {
    written = store->AddVersion(kTenant, "net", "", RosterTwo());
    write_done = true;
  });
  // Until the writer's session waits for the lock (at most 3 s).
  bool waiting = false;
  for (int i = 0; i < 300 && !waiting; ++i) {
    waiting = QueryText(testing_util::TestPostgresUrl(),
                        absl::StrCat("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '",
                                     database.name(), "' AND wait_event_type = 'Lock'")) == "1";
    if (!waiting) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(waiting);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(store->GetProviders(kTenant, "net", 1, nullptr).value(), RosterOne());
    EXPECT_EQ(store->GetNetwork(kTenant, "net")->latest_version, 1);
  }
  EXPECT_FALSE(write_done.load()) << "the reads ran only after the write";
  ASSERT_TRUE(exec("COMMIT"));  // releases the lock
  writer.join();
  PQfinish(holder);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(written->version, 2);
  EXPECT_EQ(store->GetProviders(kTenant, "net", 0, nullptr).value(), RosterTwo());
}

// The two engines' migrations (server/store/migrations/ and migrations_pg/) are two dialects of
// one schema: after all of them, both have the same tables with the same columns. CMake checks
// only that both folders hold the same versions.
TEST(PostgresStoreTest, BothEnginesEndWithTheSameTablesAndColumns) {
  ScratchDatabase database;
  ASSERT_TRUE(Store::OpenPostgres(database.url()).ok());
  const std::string postgres = QueryText(
      database.url(),
      "SELECT string_agg(table_name || '.' || column_name, ',' ORDER BY table_name COLLATE \"C\","
      " column_name COLLATE \"C\")"
      " FROM information_schema.columns WHERE table_schema = 'public'"
      " AND table_name <> 'carereach_schema'");  // SQLite keeps the version in user_version

  const std::string dir =
      (std::filesystem::temp_directory_path() / absl::StrCat("schema_columns_", getpid())).string();
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(Store::Open(dir + "/carereach.db").ok());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2((dir + "/carereach.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  sqlite3_stmt* select = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT group_concat(name, ',') FROM (SELECT m.name || '.' || p.name"
                               " AS name FROM sqlite_master m JOIN pragma_table_info(m.name) p"
                               " WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
                               " ORDER BY m.name, p.name)",
                               -1, &select, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(select), SQLITE_ROW);
  const std::string sqlite = reinterpret_cast<const char*>(sqlite3_column_text(select, 0));
  sqlite3_finalize(select);
  sqlite3_close(db);
  std::filesystem::remove_all(dir);

  EXPECT_THAT(postgres, HasSubstr("providers.ssa_county_code"));  // schema 4 is there
  EXPECT_EQ(postgres, sqlite);
}

TEST(PostgresStoreTest, OpenLocationTakesSqliteDirectoriesAndPostgresUrls) {
  ScratchDatabase database;
  ASSERT_TRUE(Store::OpenLocation(database.url()).ok());
  const std::string postgres_scheme =
      "postgres://" + database.url().substr(strlen("postgresql://"));
  ASSERT_TRUE(Store::OpenLocation(postgres_scheme).ok()) << postgres_scheme;

  const std::string dir =
      (std::filesystem::temp_directory_path() / absl::StrCat("open_location_", getpid())).string();
  {
    absl::StatusOr<std::unique_ptr<Store>> sqlite = Store::OpenLocation("sqlite:" + dir);
    ASSERT_TRUE(sqlite.ok()) << sqlite.status();
    EXPECT_TRUE(std::filesystem::is_regular_file(dir + "/carereach.db"));
  }
  std::filesystem::remove_all(dir);
  EXPECT_THAT(Store::OpenLocation("sqlite:"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("needs a directory")));
  EXPECT_THAT(Store::OpenLocation("mysql://db/carereach"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("neither sqlite:DIR nor a postgresql://")));
}

}  // namespace
}  // namespace carereach::store
