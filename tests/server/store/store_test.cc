#include "server/store/store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "tests/server/store/store_fixtures.h"
#include "tests/status_matchers.h"

namespace carereach::store {
namespace {

using ::carereach::testing_util::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::SizeIs;

// ---- Opening and migrations

TEST_P(SqliteStoreTest, OpenCreatesParentDirectoryAndAppliesTheMigrations) {
  EXPECT_TRUE(std::filesystem::is_regular_file(path_));
  EXPECT_EQ(store().schema_version(), 4);
  RawDb raw(path_);
  EXPECT_EQ(raw.QueryText("PRAGMA user_version"), "4");
  EXPECT_EQ(raw.QueryText("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.QueryText("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"
                          " AND name IN ('networks', 'versions', 'providers', 'reports',"
                          " 'report_networks')"),
            "5");
}

TEST_P(StoreTest, ReopeningAppliesNoMigrationTwice) {
  ASSERT_TRUE(store().CreateNetwork(kTenant, "net", "", "").ok());
  Reopen();
  Reopen();
  EXPECT_EQ(store().schema_version(), 4);
  EXPECT_TRUE(store().GetNetwork(kTenant, "net").ok());
}

TEST_P(SqliteStoreTest, RefusesADatabaseFromANewerSchemaWithoutTouchingIt) {
  const std::string newer = dir_ + "/newer.db";
  {
    RawDb raw(newer);
    ASSERT_EQ(raw.Exec("CREATE TABLE future (x); PRAGMA user_version = 999"), SQLITE_OK);
  }
  EXPECT_THAT(Store::Open(newer),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("schema version 999 is newer than this build supports (4)")));
  RawDb raw(newer);
  EXPECT_EQ(raw.QueryText("PRAGMA user_version"), "999");
  EXPECT_EQ(raw.QueryText("PRAGMA journal_mode"), "delete");  // not switched to WAL
}

// A file a build of schema 1 wrote is migrated to the current schema, its data kept.
TEST_P(SqliteStoreTest, ASchemaOneFileIsMigratedKeepingItsData) {
  store_.reset();
  std::filesystem::remove_all(std::filesystem::path(path_).parent_path());
  std::filesystem::create_directories(std::filesystem::path(path_).parent_path());
  {
    RawDb raw(path_);
    ASSERT_EQ(raw.Exec(internal::kMigrationSql[0]), SQLITE_OK);
    ASSERT_EQ(raw.Exec(std::string(kSchemaOneRows) + "; PRAGMA user_version = 1"), SQLITE_OK);
  }
  Reopen();
  EXPECT_EQ(store().schema_version(), 4);
  EXPECT_THAT(Providers("old", 1), ElementsAre(Row("p1", "040", -157.8, 21.3, "Old row", 10)));
  EXPECT_EQ(store().AddVersion(kTenant, "old", "", RosterOne(), "req")->version, 2);
  EXPECT_EQ(store().AddVersion(kTenant, "old", "", RosterOne(), "req")->version, 2);
}

TEST_P(SqliteStoreTest, RefusesAFileThatIsNotADatabase) {
  const std::string junk = dir_ + "/junk.db";
  {
    std::FILE* file = std::fopen(junk.c_str(), "w");
    ASSERT_NE(file, nullptr);
    std::fputs(std::string(4096, 'x').c_str(), file);
    std::fclose(file);
  }
  // Opens, damaged (store_integrity_test.cc): every call answers DATA_LOSS.
  EXPECT_THAT(Store::Open(junk).value()->health(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("file is not a database")));
  EXPECT_THAT(Store::Open(""), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("db_path")));
  // The parent "directory" is a regular file.
  EXPECT_THAT(Store::Open(junk + "/sub/store.db"), StatusIs(absl::StatusCode::kFailedPrecondition,
                                                            HasSubstr("cannot create directory")));
}

// ---- Networks and versions

// Schema 3: a row's exclusion (42 CFR 422.116(a)(3)) is stored and read back, is part of the
// row (a version differing only there has another content hash and diffs as "changed").
TEST_P(StoreTest, ExclusionsRoundTripAndChangeTheContentHash) {
  ASSERT_TRUE(store().CreateNetwork(kTenant, "net", "Net", "").ok());
  std::vector<ProviderRow> rows = RosterOne();
  absl::StatusOr<VersionInfo> v1 = store().AddVersion(kTenant, "net", "", rows);
  rows[2].exclusion = "long_term_care_hospital";
  absl::StatusOr<VersionInfo> v2 = store().AddVersion(kTenant, "net", "", rows);
  ASSERT_TRUE(v1.ok() && v2.ok());
  EXPECT_NE(v1->content_hash, v2->content_hash);
  EXPECT_EQ(Providers("net", 2), rows);
  EXPECT_EQ(Providers("net", 2)[2].exclusion, "long_term_care_hospital");
  EXPECT_EQ(Providers("net", 1)[2].exclusion, "");
  const NetworkDiff diff = DiffRows(Providers("net", 1), Providers("net", 2));
  ASSERT_EQ(diff.changed.size(), 1u);
  EXPECT_EQ(diff.changed[0].second.exclusion, "long_term_care_hospital");
}

// Schema 4: a row's HSD table columns are stored and read back and are part of the row: a
// version differing only in one of them has another content hash and diffs as "changed", and a
// row without any keeps the hash it had under schema 3.
TEST_P(StoreTest, HsdFieldsRoundTripAndChangeTheContentHash) {
  ASSERT_TRUE(store().CreateNetwork(kTenant, "net", "Net", "").ok());
  std::vector<ProviderRow> rows = RosterOne();
  const std::string schema_three_hash = ContentHash(rows);
  rows[1].hsd = {.ssa_county_code = "12020",
                 .contract_type = "D",
                 .street_address = "1301 Punchbowl St",
                 .city = "Honolulu",
                 .state = "HI",
                 .zip_code = "96813",
                 .medical_group = ""};
  absl::StatusOr<VersionInfo> v1 = store().AddVersion(kTenant, "net", "", rows);
  rows[1].hsd.zip_code = "96813-2413";
  absl::StatusOr<VersionInfo> v2 = store().AddVersion(kTenant, "net", "", rows);
  ASSERT_TRUE(v1.ok() && v2.ok());
  EXPECT_NE(v1->content_hash, schema_three_hash);
  EXPECT_NE(v1->content_hash, v2->content_hash);
  EXPECT_EQ(Providers("net", 2), rows);
  EXPECT_EQ(Providers("net", 1)[1].hsd.street_address, "1301 Punchbowl St");
  EXPECT_EQ(Providers("net", 1)[0].hsd, access::HsdFields{});
  const NetworkDiff diff = DiffRows(Providers("net", 1), Providers("net", 2));
  ASSERT_EQ(diff.changed.size(), 1u);
  EXPECT_EQ(diff.changed[0].first.hsd.zip_code, "96813");
  EXPECT_EQ(diff.changed[0].second.hsd.zip_code, "96813-2413");
  EXPECT_EQ(diff.unchanged, static_cast<int64_t>(rows.size()) - 1);
}

TEST_P(StoreTest, CreateNetworkStartsWithoutVersions) {
  const absl::Time before = NowMicros();
  absl::StatusOr<NetworkInfo> created =
      store().CreateNetwork(kTenant, "oahu-hmo", "O'ahu HMO", "2026 filing");
  const absl::Time after = NowMicros();
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->network_id, "oahu-hmo");
  EXPECT_EQ(created->name, "O'ahu HMO");
  EXPECT_EQ(created->description, "2026 filing");
  EXPECT_GE(created->created, before);
  EXPECT_LE(created->created, after);
  EXPECT_EQ(created->version_count, 0);
  EXPECT_EQ(created->latest_version, 0);
  EXPECT_EQ(created->latest_provider_count, 0);

  absl::StatusOr<NetworkInfo> got = store().GetNetwork(kTenant, "oahu-hmo");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->name, "O'ahu HMO");
  EXPECT_EQ(got->description, "2026 filing");
  EXPECT_EQ(got->created, created->created);
  EXPECT_EQ(got->version_count, 0);
  absl::StatusOr<std::vector<VersionInfo>> versions = store().ListVersions(kTenant, "oahu-hmo");
  ASSERT_TRUE(versions.ok()) << versions.status();
  EXPECT_THAT(*versions, IsEmpty());
  EXPECT_THAT(
      store().GetProviders(kTenant, "oahu-hmo", 0, nullptr),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("network \"oahu-hmo\" has no versions yet")));
}

TEST_P(StoreTest, CreatingALiveNetworkTwiceIsAlreadyExists) {
  ASSERT_TRUE(store().CreateNetwork(kTenant, "net", "first", "").ok());
  EXPECT_THAT(store().CreateNetwork(kTenant, "net", "second", ""),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("network \"net\" already")));
  EXPECT_EQ(store().GetNetwork(kTenant, "net")->name, "first");
}

TEST_P(StoreTest, NetworkIdsAndTenantsAreValidated) {
  const std::string longest(64, 'x');
  for (const std::string& good : {longest, std::string("A-z_0.9"), std::string("1")}) {
    EXPECT_TRUE(store().CreateNetwork(kTenant, good, "", "").ok()) << good;
  }
  const std::string too_long(65, 'x');
  EXPECT_THAT(store().CreateNetwork(kTenant, "", "", ""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("network_id: must be 1..64 characters of [A-Za-z0-9._-], got 0")));
  EXPECT_THAT(store().CreateNetwork(kTenant, too_long, "", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("got 65 characters")));
  EXPECT_THAT(store().CreateNetwork(kTenant, "a b", "", ""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("network_id: character ' ' at offset 1")));
  EXPECT_THAT(store().CreateNetwork(kTenant, "a/b", "", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("character '/'")));
  EXPECT_THAT(store().CreateNetwork(kTenant, "caf\xc3\xa9", "", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("network_id: character")));
  EXPECT_THAT(store().GetNetwork(kTenant, "x'; DROP TABLE networks; --"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("network_id:")));
  EXPECT_THAT(store().GetProviders(kTenant, "", 0, nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("network_id:")));
  EXPECT_THAT(store().CreateNetwork("", "net", "", ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("tenant: must not be empty")));
}

TEST_P(StoreTest, VersionsAreNumberedFromOneAndRoundTripExactly) {
  ASSERT_TRUE(store().CreateNetwork(kTenant, "net", "Net", "").ok());
  const std::vector<ProviderRow> one = RosterOne(), two = RosterTwo();
  const absl::Time before = NowMicros();
  absl::StatusOr<VersionInfo> v1 = store().AddVersion(kTenant, "net", "initial load", one);
  absl::StatusOr<VersionInfo> v2 = store().AddVersion(kTenant, "net", "", two);
  absl::StatusOr<VersionInfo> v3 = store().AddVersion(kTenant, "net", "emptied", {});
  const absl::Time after = NowMicros();
  ASSERT_TRUE(v1.ok() && v2.ok() && v3.ok());
  EXPECT_EQ(v1->version, 1);
  EXPECT_EQ(v2->version, 2);
  EXPECT_EQ(v3->version, 3);
  EXPECT_EQ(v1->provider_count, 3);
  EXPECT_EQ(v3->provider_count, 0);
  EXPECT_EQ(v1->note, "initial load");
  EXPECT_GE(v1->created, before);
  EXPECT_LE(v3->created, after);

  int32_t resolved = -1;
  absl::StatusOr<std::vector<ProviderRow>> got = store().GetProviders(kTenant, "net", 1, &resolved);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(resolved, 1);
  ASSERT_THAT(*got, SizeIs(3));
  // Field by field on one row, then whole rows (operator== compares every field).
  const ProviderRow& row = (*got)[2];
  EXPECT_EQ(row.id, "fac-7");
  EXPECT_EQ(row.name, "Wahiawā General");
  EXPECT_EQ(row.specialty_code, "");
  EXPECT_EQ(row.lon, -158.0072);
  EXPECT_EQ(row.lat, 21.4513);
  EXPECT_EQ(row.beds, 160.5);
  EXPECT_FALSE(row.telehealth);
  EXPECT_EQ(row.type, "");
  EXPECT_TRUE((*got)[1].telehealth);
  EXPECT_EQ(*got, one);
  EXPECT_EQ(Providers("net", 2), two);
  EXPECT_THAT(Providers("net", 3), IsEmpty());
  ASSERT_TRUE(store().GetProviders(kTenant, "net", 0, &resolved).ok());
  EXPECT_EQ(resolved, 3);

  absl::StatusOr<std::vector<VersionInfo>> versions = store().ListVersions(kTenant, "net");
  ASSERT_TRUE(versions.ok());
  ASSERT_THAT(*versions, SizeIs(3));
  for (int i = 0; i < 3; ++i) {
    const VersionInfo& listed = (*versions)[i];
    const VersionInfo& added = i == 0 ? *v1 : (i == 1 ? *v2 : *v3);
    EXPECT_EQ(listed.version, i + 1);
    EXPECT_EQ(listed.created, added.created);
    EXPECT_EQ(listed.note, added.note);
    EXPECT_EQ(listed.provider_count, added.provider_count);
    EXPECT_EQ(listed.content_hash, added.content_hash);
  }
  absl::StatusOr<NetworkInfo> info = store().GetNetwork(kTenant, "net");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->latest_version, 3);
  EXPECT_EQ(info->version_count, 3);
  EXPECT_EQ(info->latest_provider_count, 0);
}

// ---- Request ids: a write retried after its answer was lost

TEST_P(StoreTest, AWriteRetriedWithItsRequestIdAnswersWhatTheFirstAttemptMade) {
  VersionInfo first_version;
  const absl::StatusOr<NetworkInfo> created = store().CreateNetworkWithVersion(
      kTenant, "net", "name", "", "v1", RosterOne(), &first_version, "req-create");
  ASSERT_TRUE(created.ok()) << created.status();
  // The creation again, as a retry to another replica would send it: no ALREADY_EXISTS.
  VersionInfo again_version;
  const absl::StatusOr<NetworkInfo> again = store().CreateNetworkWithVersion(
      kTenant, "net", "name", "", "v1", RosterOne(), &again_version, "req-create");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again_version.version, 1);
  EXPECT_EQ(again_version.created, first_version.created);
  EXPECT_EQ(again->version_count, 1);
  // Without the id it is another creation, refused as before.
  EXPECT_THAT(
      store().CreateNetworkWithVersion(kTenant, "net", "name", "", "v1", RosterOne(), nullptr),
      StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("already exists")));

  const absl::StatusOr<VersionInfo> v2 =
      store().AddVersion(kTenant, "net", "v2", RosterTwo(), "req-v2");
  ASSERT_TRUE(v2.ok()) << v2.status();
  EXPECT_EQ(v2->version, 2);
  EXPECT_EQ(store().AddVersion(kTenant, "net", "v2", RosterTwo(), "req-v2")->version, 2);
  bool made = true;
  EXPECT_EQ(
      store()
          .AddVersionCreatingNetwork(kTenant, "net", "", "", "v2", RosterTwo(), &made, "req-v2")
          ->version,
      2);
  EXPECT_FALSE(made);
  EXPECT_THAT(*store().ListVersions(kTenant, "net"), SizeIs(2));
  // A new id is a new write; the same id with other rows is refused, naming the version.
  EXPECT_EQ(store().AddVersion(kTenant, "net", "v3", RosterTwo(), "req-v3")->version, 3);
  EXPECT_THAT(store().AddVersion(kTenant, "net", "x", RosterOne(), "req-v2"),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       HasSubstr("request id \"req-v2\" already made version 2 with other rows")));
  EXPECT_THAT(*store().ListVersions(kTenant, "net"), SizeIs(3));
  // Ids are per network: the same id on another network is another write.
  EXPECT_EQ(
      store()
          .AddVersionCreatingNetwork(kTenant, "other", "", "", "", RosterOne(), &made, "req-v2")
          ->version,
      1);
  EXPECT_TRUE(made);
}

// Rows are inserted 256 to a statement: rosters of a batch and one more, and of two and a part,
// come back whole and in order.
TEST_P(StoreTest, LargeRostersRoundTripAcrossInsertBatches) {
  for (const int size : {255, 256, 257, 600}) {
    std::vector<ProviderRow> rows;
    for (int i = 0; i < size; ++i) {
      rows.push_back(Row(absl::StrCat("p", i), i % 2 == 0 ? "040" : "001", -157.8 + i * 1e-7,
                         21.3 - i * 1e-9, absl::StrCat("name ", i, " é"), i * 0.5, i % 3 == 0,
                         i % 5 == 0 ? "" : "GENERAL ACUTE CARE"));
    }
    const std::string id = absl::StrCat("big-", size);
    ASSERT_TRUE(store().CreateNetworkWithVersion(kTenant, id, "", "", "", rows, nullptr).ok());
    EXPECT_EQ(Providers(id, 1), rows) << size;
    EXPECT_EQ(store().GetNetwork(kTenant, id)->latest_provider_count, size);
  }
}

TEST_P(StoreTest, MissingVersionsAndNetworksAreNotFound) {
  MakeNetwork("net", {RosterOne(), RosterTwo()});
  EXPECT_THAT(store().GetProviders(kTenant, "net", 7, nullptr),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("network \"net\" has no version 7 (latest 2)")));
  EXPECT_THAT(store().GetProviders(kTenant, "net", -1, nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("version: must be >= 0")));
  EXPECT_THAT(store().GetProviders(kTenant, "nope", 1, nullptr),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("network \"nope\" not found")));
  EXPECT_THAT(store().AddVersion(kTenant, "nope", "", RosterOne()),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("network \"nope\" not found")));
  EXPECT_THAT(store().DiffVersions(kTenant, "net", 1, 3),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("has no version 3 (latest 2)")));
}

TEST_P(StoreTest, InvalidRowsAreRefusedAndNothingIsWritten) {
  ASSERT_TRUE(store().CreateNetwork(kTenant, "net", "", "").ok());
  std::vector<ProviderRow> rows = RosterOne();
  rows[1].lat = 91;
  EXPECT_THAT(store().AddVersion(kTenant, "net", "", rows),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("rows[1].lat: 91 is outside [-90, 90]")));
  rows = RosterOne();
  rows[2].lon = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THAT(store().AddVersion(kTenant, "net", "", rows),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("rows[2].lon: nan")));
  rows = RosterOne();
  rows[0].beds = -1;
  EXPECT_THAT(store().AddVersion(kTenant, "net", "", rows),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("rows[0].beds: -1")));
  EXPECT_EQ(store().GetNetwork(kTenant, "net")->version_count, 0);
}

TEST_P(StoreTest, ContentHashDependsOnTheRowsOnly) {
  ASSERT_TRUE(store().CreateNetwork(kTenant, "net", "", "").ok());
  ASSERT_TRUE(store().CreateNetwork(kTenant, "other", "", "").ok());
  const std::string h1 = store().AddVersion(kTenant, "net", "a", RosterOne())->content_hash;
  const std::string h2 = store().AddVersion(kTenant, "net", "b", RosterTwo())->content_hash;
  const std::string h3 = store().AddVersion(kTenant, "net", "c", RosterOne())->content_hash;
  const std::string h_other = store().AddVersion(kTenant, "other", "d", RosterOne())->content_hash;
  EXPECT_THAT(h1, MatchesRegex("[0-9a-f]{16}"));
  EXPECT_EQ(h1, h3);       // same rows, different note and version
  EXPECT_EQ(h1, h_other);  // same rows, different network
  EXPECT_NE(h1, h2);
  // FNV-1a 64 of the canonical empty roster (the row count 0 as 8 zero bytes), computed
  // independently: the hash is persisted, so it must never change between builds.
  EXPECT_EQ(store().AddVersion(kTenant, "net", "", {})->content_hash, "a8c7f832281a39c5");

  // Any single field change, or a reorder, changes the hash.
  const std::vector<ProviderRow> base = RosterOne();
  std::vector<std::vector<ProviderRow>> variants(8, base);
  variants[0][0].id += "0";
  variants[1][0].name += "x";
  variants[2][0].specialty_code = "041";
  variants[3][0].lon += 1e-9;
  variants[4][0].lat -= 1e-9;
  variants[5][0].beds += 1;
  variants[6][0].telehealth = true;
  std::swap(variants[7][0], variants[7][2]);
  for (size_t i = 0; i < variants.size(); ++i) {
    EXPECT_NE(store().AddVersion(kTenant, "net", "", variants[i])->content_hash, h1) << i;
  }
  std::vector<ProviderRow> retyped = base;
  retyped[0].type = "";
  EXPECT_NE(store().AddVersion(kTenant, "net", "", retyped)->content_hash, h1);
}

TEST_P(StoreTest, AddVersionNeverChangesEarlierVersions) {
  MakeNetwork("net", {RosterOne()});
  const std::vector<VersionInfo> before = *store().ListVersions(kTenant, "net");
  for (int i = 0; i < 4; ++i) {
    std::vector<ProviderRow> rows = RosterTwo();
    rows[0].beds = 100 + i;
    ASSERT_TRUE(store().AddVersion(kTenant, "net", "", rows).ok());
  }
  EXPECT_EQ(Providers("net", 1), RosterOne());
  const VersionInfo after = store().ListVersions(kTenant, "net")->front();
  EXPECT_EQ(after.version, 1);
  EXPECT_EQ(after.created, before[0].created);
  EXPECT_EQ(after.content_hash, before[0].content_hash);
  EXPECT_EQ(after.provider_count, 3);
  EXPECT_EQ(Providers("net", 4)[0].beds, 102);
}

TEST_P(SqliteStoreTest, HistoryCannotBeRewrittenEvenThroughAnotherConnection) {
  MakeNetwork("net", {RosterOne()});
  ReportRecord report{.kind = "coverage", .networks = {{"net", 1}}, .result_blob = "r"};
  const std::string report_id = store().SaveReport(kTenant, report)->report_id;
  RawDb raw(path_);
  const std::vector<std::pair<std::string, std::string>> attempts = {
      {"UPDATE versions SET note = 'rewritten'", "network versions are immutable"},
      {"UPDATE providers SET name = 'rewritten'", "network versions are immutable"},
      {"DELETE FROM providers", "network versions are immutable"},
      {"DELETE FROM versions", "network versions are immutable"},
      {"UPDATE reports SET result_blob = x'00'", "reports are immutable"},
      {"DELETE FROM reports", "reports are immutable"},
      {"UPDATE report_networks SET version = 2", "reports are immutable"},
      {"DELETE FROM networks", "networks are soft-deleted"},
      {"UPDATE networks SET network_id = 'stolen'", "a network's identity is immutable"},
      {"UPDATE networks SET tenant = 'tenant-b'", "a network's identity is immutable"},
  };
  for (const auto& [sql, expected] : attempts) {
    std::string error;
    EXPECT_EQ(raw.Exec(sql, &error), SQLITE_CONSTRAINT) << sql;
    EXPECT_THAT(error, HasSubstr(expected)) << sql;
  }
  // A delete is final: the soft-delete mark cannot be lifted.
  ASSERT_TRUE(store().DeleteNetwork(kTenant, "net").ok());
  std::string error;
  EXPECT_EQ(raw.Exec("UPDATE networks SET deleted_at_us = NULL", &error), SQLITE_CONSTRAINT);
  EXPECT_THAT(error, HasSubstr("a deleted network stays deleted"));

  EXPECT_EQ(raw.QueryText("SELECT name FROM providers ORDER BY ordinal LIMIT 1"),
            "Queen's Medical Center");
  EXPECT_EQ(raw.QueryText("SELECT COUNT(*) FROM providers"), "3");
  EXPECT_EQ(store().GetReport(kTenant, report_id)->result_blob, "r");
}

TEST_P(StoreTest, ListNetworksPagesInIdOrder) {
  for (const char* id : {"d", "b", "e", "a", "c", "gone"}) {
    ASSERT_TRUE(store().CreateNetwork(kTenant, id, "", "").ok());
  }
  ASSERT_TRUE(store().DeleteNetwork(kTenant, "gone").ok());
  ASSERT_TRUE(store().AddVersion(kTenant, "c", "", RosterOne()).ok());
  auto ids = [](const std::vector<NetworkInfo>& networks) {
    std::vector<std::string> out;
    for (const NetworkInfo& n : networks) out.push_back(n.network_id);
    return out;
  };
  std::string next = "unset";
  absl::StatusOr<std::vector<NetworkInfo>> page = store().ListNetworks(kTenant, 2, "", &next);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(ids(*page), ElementsAre("a", "b"));
  EXPECT_EQ(next, "b");
  page = store().ListNetworks(kTenant, 2, next, &next);
  EXPECT_THAT(ids(*page), ElementsAre("c", "d"));
  EXPECT_EQ((*page)[0].latest_version, 1);
  EXPECT_EQ((*page)[0].latest_provider_count, 3);
  EXPECT_EQ(next, "d");
  page = store().ListNetworks(kTenant, 2, next, &next);
  EXPECT_THAT(ids(*page), ElementsAre("e"));
  EXPECT_EQ(next, "");
  // An exactly full last page also ends with an empty next_after.
  page = store().ListNetworks(kTenant, 5, "", &next);
  EXPECT_THAT(ids(*page), ElementsAre("a", "b", "c", "d", "e"));
  EXPECT_EQ(next, "");
  page = store().ListNetworks(kTenant, 0, "", nullptr);  // 0 = default page size
  EXPECT_THAT(*page, SizeIs(5));
  EXPECT_THAT(store().ListNetworks(kTenant, -1, "", nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size: must be >= 0")));
}

TEST_P(StoreTest, DeletedNetworkDisappearsAndItsIdCanBeReused) {
  MakeNetwork("net", {RosterOne()});
  absl::StatusOr<ReportRecord> report =
      store().SaveReport(kTenant, ReportRecord{.kind = "coverage", .networks = {{"net", 1}}});
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_TRUE(store().DeleteNetwork(kTenant, "net").ok());

  const auto not_found = StatusIs(absl::StatusCode::kNotFound, HasSubstr("network \"net\" not"));
  EXPECT_THAT(store().GetNetwork(kTenant, "net"), not_found);
  EXPECT_THAT(store().ListVersions(kTenant, "net"), not_found);
  EXPECT_THAT(store().GetProviders(kTenant, "net", 1, nullptr), not_found);
  EXPECT_THAT(store().DiffVersions(kTenant, "net", 1, 1), not_found);
  EXPECT_THAT(store().AddVersion(kTenant, "net", "", RosterTwo()), not_found);
  EXPECT_THAT(store().DeleteNetwork(kTenant, "net"), not_found);
  EXPECT_THAT(store().SaveReport(kTenant, ReportRecord{.kind = "k", .networks = {{"net", 1}}}),
              not_found);
  EXPECT_THAT(*store().ListNetworks(kTenant, 10, "", nullptr), IsEmpty());

  absl::StatusOr<NetworkInfo> again = store().CreateNetwork(kTenant, "net", "second", "");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->version_count, 0);
  EXPECT_EQ(store().AddVersion(kTenant, "net", "", RosterTwo())->version, 1);
  EXPECT_EQ(Providers("net", 0), RosterTwo());
  EXPECT_THAT(*store().ListVersions(kTenant, "net"), SizeIs(1));

  // The report still names the version it was computed from; the old rows stay for audit.
  absl::StatusOr<ReportRecord> kept = store().GetReport(kTenant, report->report_id);
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_THAT(kept->networks, ElementsAre(NetworkRef{"net", 1}));
  EXPECT_EQ(RawQueryText("SELECT COUNT(*) FROM providers"), "5");  // 3 old + 2 new
}

TEST_P(StoreTest, TenantsNeverSeeEachOthersObjects) {
  MakeNetwork("net", {RosterOne(), RosterTwo()});
  absl::StatusOr<ReportRecord> report = store().SaveReport(
      kTenant, ReportRecord{.kind = "coverage", .networks = {{"net", 2}}, .result_blob = "a"});
  ASSERT_TRUE(report.ok());

  // Exactly the answers for an id nobody ever created.
  const std::string message = std::string(store().GetNetwork("tenant-c", "net").status().message());
  const auto as_if_missing = StatusIs(absl::StatusCode::kNotFound, ::testing::Eq(message));
  EXPECT_THAT(store().GetNetwork(kOther, "net"), as_if_missing);
  EXPECT_THAT(store().ListVersions(kOther, "net"), as_if_missing);
  EXPECT_THAT(store().GetProviders(kOther, "net", 1, nullptr), as_if_missing);
  EXPECT_THAT(store().DiffVersions(kOther, "net", 1, 2), as_if_missing);
  EXPECT_THAT(store().DeleteNetwork(kOther, "net"), as_if_missing);
  EXPECT_THAT(store().AddVersion(kOther, "net", "", RosterTwo()), as_if_missing);
  EXPECT_THAT(store().SaveReport(kOther, ReportRecord{.kind = "k", .networks = {{"net", 1}}}),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("networks[0]: " + message)));
  EXPECT_THAT(store().GetReport(kOther, report->report_id),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("not found")));
  EXPECT_THAT(*store().ListNetworks(kOther, 10, "", nullptr), IsEmpty());
  EXPECT_THAT(*store().ListReports(kOther, "", 10, "", nullptr), IsEmpty());
  EXPECT_THAT(*store().ListReports(kOther, "net", 10, "", nullptr), IsEmpty());
  EXPECT_THAT(store().ListReports(kOther, "", 10, report->report_id, nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_after: no report")));

  // B's own network of the same id is independent of A's.
  MakeNetwork("net", {RosterTwo()}, kOther);
  EXPECT_EQ(store().GetNetwork(kOther, "net")->version_count, 1);
  EXPECT_EQ(Providers("net", 1, kOther), RosterTwo());
  EXPECT_EQ(Providers("net", 1, kTenant), RosterOne());
  ASSERT_TRUE(store().DeleteNetwork(kOther, "net").ok());
  EXPECT_EQ(store().GetNetwork(kTenant, "net")->version_count, 2);
  EXPECT_THAT(*store().ListReports(kTenant, "", 10, "", nullptr), SizeIs(1));
}

TEST_P(StoreTest, DiffVersionsComparesStoredRosters) {
  MakeNetwork("net", {RosterOne(), RosterTwo()});
  absl::StatusOr<NetworkDiff> diff = store().DiffVersions(kTenant, "net", 1, 0);
  ASSERT_TRUE(diff.ok()) << diff.status();
  // Queen's 040 row: beds 575 -> 600 (changed); primary care and Wahiawā removed; Pali Momi added.
  EXPECT_EQ(diff->unchanged, 0);
  ASSERT_THAT(diff->changed, SizeIs(1));
  EXPECT_EQ(diff->changed[0].first.beds, 575);
  EXPECT_EQ(diff->changed[0].second.beds, 600);
  ASSERT_THAT(diff->removed, SizeIs(2));
  EXPECT_EQ(diff->removed[0].specialty_code, "001");
  EXPECT_EQ(diff->removed[1].id, "fac-7");
  ASSERT_THAT(diff->added, SizeIs(1));
  EXPECT_EQ(diff->added[0].id, "555");
  EXPECT_EQ(store().DiffVersions(kTenant, "net", 2, 2)->unchanged, 2);
}

// ---- Durability and concurrency

TEST_P(StoreTest, EverythingSurvivesCloseAndReopen) {
  MakeNetwork("net", {RosterOne(), RosterTwo()});
  const std::vector<VersionInfo> versions = *store().ListVersions(kTenant, "net");
  const ReportRecord saved =
      *store().SaveReport(kTenant, ReportRecord{.kind = "adequacy",
                                                .networks = {{"net", 1}},
                                                .result_blob = std::string("\0x", 2)});
  Reopen();
  EXPECT_EQ(Providers("net", 1), RosterOne());
  EXPECT_EQ(Providers("net", 2), RosterTwo());
  const std::vector<VersionInfo> reopened = *store().ListVersions(kTenant, "net");
  ASSERT_THAT(reopened, SizeIs(2));
  EXPECT_EQ(reopened[1].content_hash, versions[1].content_hash);
  EXPECT_EQ(reopened[1].created, versions[1].created);
  const ReportRecord got = *store().GetReport(kTenant, saved.report_id);
  EXPECT_EQ(got.result_blob, saved.result_blob);
  EXPECT_EQ(got.created, saved.created);
  EXPECT_EQ(store().AddVersion(kTenant, "net", "", RosterOne())->version, 3);
}

// An acknowledged write is on disk, not in a buffer of the process: kill -9 right after it.
TEST_P(StoreTest, AcknowledgedWritesSurviveKillDashNine) {
  store_.reset();
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(pipe_fds[0]);
    absl::StatusOr<std::unique_ptr<Store>> store = OpenAnother();
    bool ok = store.ok() && (*store)->CreateNetwork(kTenant, "net", "", "").ok() &&
              (*store)->AddVersion(kTenant, "net", "", RosterOne()).ok();
    const char byte = ok ? '1' : '0';
    if (write(pipe_fds[1], &byte, 1) != 1) _exit(2);
    while (true) pause();  // killed by the parent, the store still open
  }
  close(pipe_fds[1]);
  char byte = 0;
  ASSERT_EQ(read(pipe_fds[0], &byte, 1), 1);
  close(pipe_fds[0]);
  ASSERT_EQ(kill(child, SIGKILL), 0);
  int wait_status = 0;
  ASSERT_EQ(waitpid(child, &wait_status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(wait_status));
  ASSERT_EQ(byte, '1');
  Reopen();
  EXPECT_EQ(Providers("net", 1), RosterOne());
}

TEST_P(StoreTest, ConcurrentWritersGetDistinctConsecutiveVersions) {
  constexpr int kThreads = 4, kPerThread = 25;
  ASSERT_TRUE(store().CreateNetwork(kTenant, "net", "", "").ok());
  std::vector<std::vector<int32_t>> assigned(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &assigned] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::vector<ProviderRow> rows = {
            Row(absl::StrCat("t", t, "-", i), "040", -157, 21, "w", t * 100 + i)};
        absl::StatusOr<VersionInfo> v =
            store().AddVersion(kTenant, "net", absl::StrCat(t, "/", i), rows);
        if (v.ok()) assigned[t].push_back(v->version);
        // Readers interleave with the writers.
        EXPECT_TRUE(store().GetNetwork(kTenant, "net").ok());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::vector<int32_t> all;
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_THAT(assigned[t], SizeIs(kPerThread));
    // A thread's own writes are numbered in the order it made them.
    EXPECT_TRUE(std::is_sorted(assigned[t].begin(), assigned[t].end()));
    all.insert(all.end(), assigned[t].begin(), assigned[t].end());
    for (int i = 0; i < kPerThread; ++i) {
      const std::vector<ProviderRow> rows = Providers("net", assigned[t][i]);
      ASSERT_THAT(rows, SizeIs(1));
      EXPECT_EQ(rows[0].id, absl::StrCat("t", t, "-", i));
    }
  }
  std::sort(all.begin(), all.end());
  std::vector<int32_t> expected(kThreads * kPerThread);
  std::iota(expected.begin(), expected.end(), 1);
  EXPECT_EQ(all, expected);
  const std::vector<VersionInfo> versions = *store().ListVersions(kTenant, "net");
  ASSERT_THAT(versions, SizeIs(kThreads * kPerThread));
  EXPECT_EQ(versions.back().version, kThreads * kPerThread);
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreTest, ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         EngineName);
INSTANTIATE_TEST_SUITE_P(Engines, SqliteStoreTest, ::testing::Values(Engine::kSqlite), EngineName);

}  // namespace
}  // namespace carereach::store
