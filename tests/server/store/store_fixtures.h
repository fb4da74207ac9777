#ifndef CAREREACH_TESTS_SERVER_STORE_STORE_FIXTURES_H_
#define CAREREACH_TESTS_SERVER_STORE_STORE_FIXTURES_H_

// Shared by the tests of server/store: sample rosters, a raw second connection to the database
// file, and the StoreTest fixture: a fresh database of each engine in turn (a SQLite file in a
// temporary directory, a scratch database on the tests' PostgreSQL server).

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/store/store.h"
#include "tests/postgres/scratch_database.h"

namespace carereach::store {
namespace internal {
// The migrations built into the store (the migrations.cc CMake generates).
extern const char* const kMigrationSql[];
extern const char* const kPgMigrationSql[];
}  // namespace internal

// A network "old" of kTenant with one version of one row, written by hand in a database of
// schema 1 (the same SQL on both engines; networks.id of the first row is 1 on both).
inline constexpr char kSchemaOneRows[] =
    "INSERT INTO networks (tenant, network_id, name, description, created_at_us)"
    " VALUES ('tenant-a', 'old', 'n', '', 1);"
    " INSERT INTO versions (network, version, created_at_us, note, provider_count, content_hash)"
    " VALUES (1, 1, 1, '', 1, 'h');"
    " INSERT INTO providers VALUES (1, 1, 0, 'p1', 'Old row', '040', -157.8, 21.3, 10, 0, '')";

// Readable failure output for row comparisons.
inline void PrintTo(const ProviderRow& row, std::ostream* os) {
  *os << "{" << row.id << ", " << row.name << ", '" << row.specialty_code << "', (" << row.lon
      << ", " << row.lat << "), beds " << row.beds << ", tele " << row.telehealth << ", "
      << row.type << "}";
}
inline void PrintTo(const NetworkRef& ref, std::ostream* os) {
  *os << ref.network_id << "@" << ref.version;
}

inline constexpr char kTenant[] = "tenant-a";
inline constexpr char kOther[] = "tenant-b";

inline ProviderRow Row(std::string id, std::string code, double lon, double lat,
                       std::string name = "n", double beds = 0, bool telehealth = false,
                       std::string type = "") {
  return ProviderRow{.id = std::move(id),
                     .name = std::move(name),
                     .specialty_code = std::move(code),
                     .lon = lon,
                     .lat = lat,
                     .beds = beds,
                     .telehealth = telehealth,
                     .type = std::move(type)};
}

// Three Honolulu rows: a repeated id, telehealth, empty specialty and type, non-ASCII text.
inline std::vector<ProviderRow> RosterOne() {
  return {
      Row("1234567890", "040", -157.8583, 21.3069, "Queen's Medical Center", 575, false,
          "GENERAL ACUTE CARE"),
      Row("1234567890", "001", -157.8583, 21.3069, "Queen's Primary Care", 0, true, ""),
      Row("fac-7", "", -158.0072, 21.4513, "Wahiawā General", 160.5, false, ""),
  };
}

inline std::vector<ProviderRow> RosterTwo() {
  return {
      Row("1234567890", "040", -157.8583, 21.3069, "Queen's Medical Center", 600, false,
          "GENERAL ACUTE CARE"),
      Row("555", "029", -157.9, 21.4, "Pali Momi", 128, false, "GENERAL ACUTE CARE"),
  };
}

// A raw second connection to the same file, to look under the Store and to try what the code
// never does.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawDb() { sqlite3_close_v2(db_); }  // closes once its statements are finalized
  // SQLITE_OK or the error code; *error gets sqlite's message.
  int Exec(const std::string& sql, std::string* error = nullptr) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    if (error != nullptr) *error = message != nullptr ? message : "";
    sqlite3_free(message);
    return rc;
  }
  std::string QueryText(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
    std::string value;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      if (text != nullptr) value = reinterpret_cast<const char*>(text);
    }
    sqlite3_finalize(stmt);
    return value;
  }

 private:
  sqlite3* db_ = nullptr;
};

enum class Engine { kSqlite, kPostgres };

inline std::string EngineName(const ::testing::TestParamInfo<Engine>& info) {
  return info.param == Engine::kSqlite ? "Sqlite" : "Postgres";
}

// Instantiated for both engines (INSTANTIATE_TEST_SUITE_P in store_test.cc): the whole store
// suite runs on SQLite and on PostgreSQL.
class StoreTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "store_test_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = (std::filesystem::path(dir_) / "db" / "carereach.db").string();
    if (GetParam() == Engine::kPostgres) {
      postgres_ = std::make_unique<testing_util::ScratchDatabase>();
      ASSERT_FALSE(HasFailure());
    }
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    postgres_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  // Another Store on the same database: another connection, as another replica (or process)
  // would have.
  absl::StatusOr<std::unique_ptr<Store>> OpenAnother() const {
    return GetParam() == Engine::kPostgres ? Store::OpenPostgres(postgres_->url())
                                           : Store::Open(path_);
  }
  // The first column of the first row of `sql`, read under the Store through a connection of
  // its own.
  std::string RawQueryText(const std::string& sql) {
    if (GetParam() == Engine::kPostgres) return testing_util::QueryText(postgres_->url(), sql);
    return RawDb(path_).QueryText(sql);
  }
  void Reopen() {
    store_.reset();
    absl::StatusOr<std::unique_ptr<Store>> store = OpenAnother();
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  Store& store() { return *store_; }

  // A network of kTenant with the given versions.
  void MakeNetwork(const std::string& id, const std::vector<std::vector<ProviderRow>>& versions,
                   const std::string& tenant = kTenant) {
    ASSERT_TRUE(store().CreateNetwork(tenant, id, "name " + id, "").ok());
    for (const std::vector<ProviderRow>& rows : versions) {
      ASSERT_TRUE(store().AddVersion(tenant, id, "", rows).ok());
    }
  }

  std::vector<ProviderRow> Providers(const std::string& id, int32_t version,
                                     const std::string& tenant = kTenant) {
    absl::StatusOr<std::vector<ProviderRow>> rows =
        store().GetProviders(tenant, id, version, nullptr);
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? *rows : std::vector<ProviderRow>{};
  }

  std::string dir_;
  std::string path_;                                         // the SQLite file (Engine::kSqlite)
  std::unique_ptr<testing_util::ScratchDatabase> postgres_;  // Engine::kPostgres
  std::unique_ptr<Store> store_;
};

// The tests of what only SQLite has: a file, its damage, its permissions, its triggers' syntax.
class SqliteStoreTest : public StoreTest {};

// Now, at the microsecond precision the store keeps.
inline absl::Time NowMicros() { return absl::FromUnixMicros(absl::ToUnixMicros(absl::Now())); }

}  // namespace carereach::store

#endif  // CAREREACH_TESTS_SERVER_STORE_STORE_FIXTURES_H_
