// The store's promises under failure (issue #11): a network and its first version are one
// transaction, concurrent create-if-missing writers serialize, a damaged file is DATA_LOSS and a
// read-only file refuses writes by name.
#include <gmock/gmock.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/store/store.h"
#include "tests/server/store/store_fixtures.h"
#include "tests/status_matchers.h"

namespace carereach::store {
namespace {

using ::carereach::testing_util::StatusIs;
using ::testing::_;
using ::testing::HasSubstr;
using ::testing::SizeIs;

// A trigger of the database itself makes inserting the row whose provider_id is "boom" fail:
// the failure lands after the network row was inserted, between the two steps of a creation.
constexpr char kInjectFailure[] =
    "CREATE TRIGGER inject_failure BEFORE INSERT ON providers WHEN NEW.provider_id = 'boom'"
    " BEGIN SELECT RAISE(ABORT, 'injected failure'); END";

std::vector<ProviderRow> RosterWithBoom() {
  std::vector<ProviderRow> rows = RosterOne();
  rows.push_back(Row("boom", "040", -157.9, 21.4));
  return rows;
}

TEST_P(SqliteStoreTest, AFailureBetweenNetworkAndFirstVersionLeavesNoNetwork) {
  RawDb raw(path_);
  ASSERT_EQ(raw.Exec(kInjectFailure), SQLITE_OK);

  // The two-step way (CreateNetwork, then AddVersion) is what the injection breaks: it leaves a
  // network without a version. This is what CreateNetwork used to do for a roster.
  ASSERT_TRUE(store().CreateNetwork(kTenant, "two-step", "", "").ok());
  EXPECT_THAT(store().AddVersion(kTenant, "two-step", "", RosterWithBoom()),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("injected failure")));
  EXPECT_EQ(store().GetNetwork(kTenant, "two-step")->latest_version, 0);

  // One transaction: the failure leaves nothing, under either entry point.
  VersionInfo version;
  EXPECT_THAT(store().CreateNetworkWithVersion(kTenant, "net", "name", "", "note", RosterWithBoom(),
                                               &version),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("injected failure")));
  EXPECT_THAT(store().GetNetwork(kTenant, "net"), StatusIs(absl::StatusCode::kNotFound, _));
  bool created = true;
  EXPECT_THAT(store().AddVersionCreatingNetwork(kTenant, "net", "name", "", "note",
                                                RosterWithBoom(), &created),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("injected failure")));
  EXPECT_THAT(store().GetNetwork(kTenant, "net"), StatusIs(absl::StatusCode::kNotFound, _));
  // Not even a soft-deleted row: the only network row is the two-step one.
  EXPECT_EQ(raw.QueryText("SELECT COUNT(*) FROM networks"), "1");
  EXPECT_EQ(raw.QueryText("SELECT COUNT(*) FROM versions"), "0");

  // Without the injected failure both create the network with version 1.
  ASSERT_EQ(raw.Exec("DROP TRIGGER inject_failure"), SQLITE_OK);
  absl::StatusOr<NetworkInfo> network =
      store().CreateNetworkWithVersion(kTenant, "net", "name", "d", "note", RosterOne(), &version);
  ASSERT_TRUE(network.ok()) << network.status();
  EXPECT_EQ(version.version, 1);
  EXPECT_EQ(version.provider_count, 3);
  EXPECT_EQ(version.note, "note");
  EXPECT_EQ(network->latest_version, 1);
  EXPECT_EQ(network->version_count, 1);
  EXPECT_EQ(network->latest_provider_count, 3);
  EXPECT_EQ(store().GetNetwork(kTenant, "net")->latest_version, 1);
  EXPECT_EQ(Providers("net", 1), RosterOne());
  EXPECT_THAT(store().CreateNetworkWithVersion(kTenant, "net", "", "", "", RosterOne(), nullptr),
              StatusIs(absl::StatusCode::kAlreadyExists, _));

  absl::StatusOr<VersionInfo> imported =
      store().AddVersionCreatingNetwork(kTenant, "other", "n", "", "", RosterTwo(), &created);
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_TRUE(created);
  EXPECT_EQ(imported->version, 1);
  imported =
      store().AddVersionCreatingNetwork(kTenant, "other", "ignored", "", "", RosterOne(), &created);
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_FALSE(created);
  EXPECT_EQ(imported->version, 2);
  EXPECT_EQ(store().GetNetwork(kTenant, "other")->name, "n");
  // Invalid rows are refused before anything is written.
  EXPECT_THAT(
      store().AddVersionCreatingNetwork(kTenant, "third", "", "", "",
                                        std::vector<ProviderRow>{Row("x", "040", 200, 0)}, nullptr),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("rows[0].lon")));
  EXPECT_THAT(store().GetNetwork(kTenant, "third"), StatusIs(absl::StatusCode::kNotFound, _));
}

// 8 writers import a roster into the same new id with create-if-missing, half through a second
// connection to the database (as a second process or replica would: SQLite's write lock, or the
// PostgreSQL store's advisory write lock, serializes them), 20 rounds: each round exactly one
// creates it (version 1), the others append 2..8, no errors and no lost write.
TEST_P(StoreTest, ConcurrentCreateIfMissingOneCreatesTheOthersAppend) {
  absl::StatusOr<std::unique_ptr<Store>> second = OpenAnother();
  ASSERT_TRUE(second.ok()) << second.status();
  constexpr int kWriters = 8, kRounds = 20;
  for (int round = 0; round < kRounds; ++round) {
    const std::string id = absl::StrCat("net-", round);
    std::vector<absl::StatusOr<VersionInfo>> results(kWriters, absl::UnknownError("not run"));
    std::vector<char> created(kWriters, 0);
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < kWriters; ++w) {
      threads.emplace_back([&, w] {
        Store& store = w % 2 == 0 ? *store_ : **second;
        ++ready;
        while (ready.load() < kWriters) std::this_thread::yield();  // start together
        bool made = false;
        results[w] = store.AddVersionCreatingNetwork(
            kTenant, id, absl::StrCat("by ", w), "", absl::StrCat("w", w),
            std::vector<ProviderRow>{Row(absl::StrCat("w", w), "040", -157, 21)}, &made);
        created[w] = made ? 1 : 0;
      });
    }
    for (std::thread& thread : threads) thread.join();
    std::vector<int32_t> versions;
    int creators = 0;
    for (int w = 0; w < kWriters; ++w) {
      ASSERT_TRUE(results[w].ok())
          << "round " << round << " writer " << w << ": " << results[w].status();
      versions.push_back(results[w]->version);
      if (created[w] != 0) {
        ++creators;
        EXPECT_EQ(results[w]->version, 1) << "round " << round;
        EXPECT_EQ(store().GetNetwork(kTenant, id)->name, absl::StrCat("by ", w));
      }
      // Each writer's version holds its own row.
      const std::vector<ProviderRow> rows = Providers(id, results[w]->version);
      ASSERT_THAT(rows, SizeIs(1));
      EXPECT_EQ(rows[0].id, absl::StrCat("w", w));
    }
    EXPECT_EQ(creators, 1) << "round " << round;
    std::sort(versions.begin(), versions.end());
    std::vector<int32_t> expected(kWriters);
    std::iota(expected.begin(), expected.end(), 1);
    EXPECT_EQ(versions, expected) << "round " << round;
    EXPECT_EQ(store().GetNetwork(kTenant, id)->version_count, kWriters);
  }
}

// ---- Health

// Overwrites every page after the first (the header and schema page stay: SQLite still takes the
// file for a database; only a check finds the damage) with random bytes.
void DamagePages(const std::string& path) {
  const auto size = std::filesystem::file_size(path);
  constexpr size_t kPage = 4096;
  ASSERT_GE(size, 4 * kPage) << "too small to damage meaningfully";
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(file.is_open());
  std::mt19937 random(11);
  std::string bytes(size - kPage, '\0');
  for (char& c : bytes) c = static_cast<char>(random() & 0xff);
  file.seekp(kPage);
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(file.good());
}

// A store of a few hundred rows over several pages, closed (checkpointed: no -wal left).
void FillAndClose(Store& store, std::unique_ptr<Store>& holder) {
  std::vector<ProviderRow> rows;
  for (int i = 0; i < 400; ++i) {
    rows.push_back(Row(absl::StrCat("provider-", i), "040", -157 + i * 0.001, 21, "a name"));
  }
  for (int n = 0; n < 3; ++n) {
    ASSERT_TRUE(
        store.CreateNetworkWithVersion(kTenant, absl::StrCat("net", n), "", "", "", rows, nullptr)
            .ok());
  }
  holder.reset();
}

TEST_P(SqliteStoreTest, ADamagedFileOpensWithHealthDataLossAndEveryCallAnswersIt) {
  FillAndClose(store(), store_);
  ASSERT_FALSE(std::filesystem::exists(path_ + "-wal"));
  DamagePages(path_);

  absl::StatusOr<std::unique_ptr<Store>> damaged = Store::Open(path_);
  ASSERT_TRUE(damaged.ok()) << damaged.status();
  Store& store = **damaged;
  EXPECT_THAT(store.health(), StatusIs(absl::StatusCode::kDataLoss, HasSubstr(path_)));
  EXPECT_THAT(store.health(), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("damaged")));
  EXPECT_THAT(store.GetNetwork(kTenant, "net0"), StatusIs(absl::StatusCode::kDataLoss, _));
  EXPECT_THAT(store.ListNetworks(kTenant, 0, "", nullptr),
              StatusIs(absl::StatusCode::kDataLoss, _));
  EXPECT_THAT(store.GetProviders(kTenant, "net1", 0, nullptr),
              StatusIs(absl::StatusCode::kDataLoss, _));
  EXPECT_THAT(store.CreateNetwork(kTenant, "new", "", ""),
              StatusIs(absl::StatusCode::kDataLoss, _));
  EXPECT_THAT(store.ListReports(kTenant, "", 0, "", nullptr),
              StatusIs(absl::StatusCode::kDataLoss, _));
}

TEST_P(SqliteStoreTest, AFileThatIsNotADatabaseOpensWithHealthDataLoss) {
  const std::string junk = dir_ + "/junk.db";
  {
    std::ofstream file(junk, std::ios::binary);
    file << std::string(8192, 'x');
  }
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(junk);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_THAT((*store)->health(),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("file is not a database")));
  EXPECT_THAT((*store)->GetNetwork(kTenant, "net"), StatusIs(absl::StatusCode::kDataLoss, _));
}

// Damage that appears while the store is open is found by the first call that meets it: the
// health turns DATA_LOSS, the listener hears of it once, and later calls answer DATA_LOSS
// without touching the file.
TEST_P(SqliteStoreTest, DamageFoundByACallTurnsTheHealthAndTellsTheListenerOnce) {
  FillAndClose(store(), store_);
  Reopen();
  std::vector<std::string> heard;
  store().OnDamage([&](const absl::Status& status) { heard.emplace_back(status.message()); });
  ASSERT_TRUE(store().health().ok());
  DamagePages(path_);
  // Another connection's commit makes the Store's connection drop its page cache, so that its
  // next read goes to the damaged file.
  {
    RawDb raw(path_);
    ASSERT_EQ(raw.Exec("PRAGMA user_version = 1"), SQLITE_OK);
  }
  absl::StatusOr<std::vector<ProviderRow>> rows = store().GetProviders(kTenant, "net2", 0, nullptr);
  EXPECT_THAT(rows, StatusIs(absl::StatusCode::kDataLoss, HasSubstr(path_)));
  EXPECT_THAT(store().health(), StatusIs(absl::StatusCode::kDataLoss, _));
  EXPECT_THAT(store().GetNetwork(kTenant, "net0"), StatusIs(absl::StatusCode::kDataLoss, _));
  EXPECT_THAT(store().CreateNetwork(kTenant, "x", "", ""),
              StatusIs(absl::StatusCode::kDataLoss, _));
  ASSERT_THAT(heard, SizeIs(1));
  EXPECT_THAT(heard[0], HasSubstr("damaged"));
}

// Runs `check` in a child process that cannot write `path_`'s file: as root (tests often run as
// root, where permission bits do not stop writes) the child first drops to the unprivileged
// user "nobody" (65534). `check` prints what failed on stderr and returns whether all held.
void ExpectWithoutWriteAccess(bool (*check)(const std::string&), const std::string& path) {
  EXPECT_EXIT(
      {
        if (geteuid() == 0 &&
            (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0)) {
          std::cerr << "cannot drop root privileges\n";
          _exit(3);
        }
        _exit(check(path) ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

#define CHECK_IN_CHILD(condition)                                             \
  if (!(condition)) {                                                         \
    std::cerr << __FILE__ << ":" << __LINE__ << ": failed: " #condition "\n"; \
    ok = false;                                                               \
  }

bool ReadsWorkWritesAreFailedPreconditionNamingTheFile(const std::string& path) {
  bool ok = true;
  absl::StatusOr<std::unique_ptr<Store>> opened = Store::Open(path);
  if (!opened.ok()) {
    std::cerr << "open: " << opened.status() << "\n";
    return false;
  }
  Store& store = **opened;
  CHECK_IN_CHILD(store.read_only());
  CHECK_IN_CHILD(store.health().ok());
  absl::StatusOr<std::vector<ProviderRow>> rows = store.GetProviders(kTenant, "net0", 1, nullptr);
  CHECK_IN_CHILD(rows.ok() && rows->size() == 400);
  for (const absl::Status& write : {store.CreateNetwork(kTenant, "new", "", "").status(),
                                    store.AddVersion(kTenant, "net0", "", RosterOne()).status(),
                                    store.DeleteNetwork(kTenant, "net1")}) {
    std::cerr << "write: " << write << "\n";
    CHECK_IN_CHILD(write.code() == absl::StatusCode::kFailedPrecondition);
    CHECK_IN_CHILD(absl::StrContains(write.message(), path));
    CHECK_IN_CHILD(absl::StrContains(write.message(), "read-only"));
  }
  CHECK_IN_CHILD(store.GetNetwork(kTenant, "net1").ok());  // not deleted
  CHECK_IN_CHILD(store.health().ok());
  return ok;
}

TEST_P(SqliteStoreTest, AReadOnlyFileServesReadsAndRefusesWritesNamingTheFile) {
  FillAndClose(store(), store_);
  // The directories can be entered and the directory of the file written (SQLite may create its
  // -wal and -shm files there); the file itself is read-only.
  const std::string db_dir = std::filesystem::path(path_).parent_path().string();
  ASSERT_EQ(chmod(dir_.c_str(), 0755), 0);
  ASSERT_EQ(chmod(db_dir.c_str(), 0777), 0);
  ASSERT_EQ(chmod(path_.c_str(), 0444), 0);
  ExpectWithoutWriteAccess(ReadsWorkWritesAreFailedPreconditionNamingTheFile, path_);
  // Nothing was written: as the owner again, the file is as it was.
  ASSERT_EQ(chmod(path_.c_str(), 0644), 0);
  Reopen();
  EXPECT_THAT(store().GetNetwork(kTenant, "new"), StatusIs(absl::StatusCode::kNotFound, _));
  EXPECT_EQ(store().GetNetwork(kTenant, "net0")->version_count, 1);
}

TEST_P(SqliteStoreTest, AReadOnlyDirectoryServesReadsAndRefusesWritesNamingTheFile) {
  FillAndClose(store(), store_);
  const std::string db_dir = std::filesystem::path(path_).parent_path().string();
  ASSERT_EQ(chmod(dir_.c_str(), 0755), 0);
  // The file itself is writable by the unprivileged user; its directory is not.
  ASSERT_EQ(chown(path_.c_str(), 65534, 65534), 0);
  ASSERT_EQ(chmod(db_dir.c_str(), 0555), 0);
  ExpectWithoutWriteAccess(ReadsWorkWritesAreFailedPreconditionNamingTheFile, path_);
  ASSERT_EQ(chmod(db_dir.c_str(), 0755), 0);
}

}  // namespace
}  // namespace carereach::store
