// The store's hot calls on both engines, side by side in one run: importing a roster of the size
// of CMS's hospital list (7,634 rows) as a new version, and reading a version back.
// Run: bench/store_bench.sh (starts a throwaway PostgreSQL with tests/postgres/postgres.sh), or
// CAREREACH_BENCH_POSTGRES_URL=postgresql://... store_bench. A fresh database each run: the
// PostgreSQL URL must name a database the benchmark may fill.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/store/store.h"

namespace carereach::store {
namespace {

constexpr int kRows = 7634;

// A network id no earlier run of any benchmark used (Google Benchmark runs each one more than
// once).
std::string FreshId(const char* prefix) {
  static int counter = 0;
  return absl::StrCat(prefix, "-", getpid(), "-", counter++);
}

std::vector<ProviderRow> Roster() {
  std::vector<ProviderRow> rows;
  for (int i = 0; i < kRows; ++i) {
    rows.push_back(ProviderRow{.id = absl::StrCat(1000000000 + i),
                               .name = absl::StrCat("Hospital number ", i),
                               .specialty_code = "040",
                               .lon = -120 + i * 1e-3,
                               .lat = 35 + i * 1e-4,
                               .beds = static_cast<double>(i % 500),
                               .telehealth = i % 7 == 0,
                               .type = "GENERAL ACUTE CARE"});
  }
  return rows;
}

// The store of engine 0 (SQLite in a temporary directory) or 1 (PostgreSQL at
// CAREREACH_BENCH_POSTGRES_URL); null with the benchmark skipped when there is none.
std::unique_ptr<Store> OpenEngine(benchmark::State& state) {
  absl::StatusOr<std::unique_ptr<Store>> store;
  if (state.range(0) == 0) {
    const std::string dir =
        (std::filesystem::temp_directory_path() / absl::StrCat("store_bench_", getpid())).string();
    std::filesystem::remove_all(dir);
    store = Store::Open(dir + "/carereach.db");
  } else {
    const char* url = std::getenv("CAREREACH_BENCH_POSTGRES_URL");
    if (url == nullptr) {
      state.SkipWithError("CAREREACH_BENCH_POSTGRES_URL is not set (bench/store_bench.sh sets it)");
      return nullptr;
    }
    store = Store::OpenPostgres(url);
  }
  if (!store.ok()) {
    state.SkipWithError(std::string(store.status().message()).c_str());
    return nullptr;
  }
  state.SetLabel(state.range(0) == 0 ? "sqlite" : "postgres");
  return *std::move(store);
}

void BM_AddVersion(benchmark::State& state) {
  std::unique_ptr<Store> store = OpenEngine(state);
  if (store == nullptr) return;
  const std::vector<ProviderRow> rows = Roster();
  const std::string id = FreshId("add");
  if (!store->CreateNetwork("bench", id, "", "").ok()) state.SkipWithError("CreateNetwork failed");
  for (auto _ : state) {
    absl::StatusOr<VersionInfo> version = store->AddVersion("bench", id, "", rows);
    if (!version.ok()) state.SkipWithError(std::string(version.status().message()).c_str());
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_AddVersion)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_GetProviders(benchmark::State& state) {
  std::unique_ptr<Store> store = OpenEngine(state);
  if (store == nullptr) return;
  const std::string id = FreshId("get");
  if (const absl::Status created =
          store->CreateNetworkWithVersion("bench", id, "", "", "", Roster(), nullptr).status();
      !created.ok()) {
    state.SkipWithError(std::string(created.message()).c_str());
  }
  for (auto _ : state) {
    absl::StatusOr<std::vector<ProviderRow>> rows = store->GetProviders("bench", id, 0, nullptr);
    if (!rows.ok() || rows->size() != kRows) state.SkipWithError("GetProviders failed");
    benchmark::DoNotOptimize(rows);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_GetProviders)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_GetNetwork(benchmark::State& state) {
  std::unique_ptr<Store> store = OpenEngine(state);
  if (store == nullptr) return;
  const std::string id = FreshId("info");
  if (const absl::Status created =
          store->CreateNetworkWithVersion("bench", id, "", "", "", Roster(), nullptr).status();
      !created.ok()) {
    state.SkipWithError(std::string(created.message()).c_str());
  }
  for (auto _ : state) {
    absl::StatusOr<NetworkInfo> info = store->GetNetwork("bench", id);
    if (!info.ok()) state.SkipWithError("GetNetwork failed");
    benchmark::DoNotOptimize(info);
  }
}
BENCHMARK(BM_GetNetwork)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond)->UseRealTime();

// Four callers at once on one PostgreSQL store of range(0) connections (1: the calls queue for
// one connection, as before the pool; 4: each runs on its own): reads of a network's info and of
// its 7,634 rows, alternating. Items are calls; compare items per second.
std::unique_ptr<Store> shared_store;
std::string shared_id;

void BM_ConcurrentReadsPostgres(benchmark::State& state) {
  if (state.thread_index() == 0) {
    const char* url = std::getenv("CAREREACH_BENCH_POSTGRES_URL");
    absl::StatusOr<std::unique_ptr<Store>> store =
        url == nullptr ? absl::FailedPreconditionError("CAREREACH_BENCH_POSTGRES_URL is not set")
                       : Store::OpenPostgres(url, static_cast<int>(state.range(0)));
    shared_id = FreshId("concurrent");
    if (store.ok()) {
      shared_store = *std::move(store);
      if (const absl::Status created =
              shared_store
                  ->CreateNetworkWithVersion("bench", shared_id, "", "", "", Roster(), nullptr)
                  .status();
          !created.ok()) {
        state.SkipWithError(std::string(created.message()).c_str());
      }
    } else {
      state.SkipWithError(std::string(store.status().message()).c_str());
    }
  }
  int64_t calls = 0;
  for (auto _ : state) {            // every thread starts here once thread 0 has set up
    if (shared_store == nullptr) {  // thread 0's set-up failed (and said why)
      state.SkipWithError("no store");
      continue;
    }
    if (calls++ % 2 == 0) {
      benchmark::DoNotOptimize(shared_store->GetNetwork("bench", shared_id));
    } else {
      absl::StatusOr<std::vector<ProviderRow>> rows =
          shared_store->GetProviders("bench", shared_id, 0, nullptr);
      if (!rows.ok() || rows->size() != kRows) state.SkipWithError("GetProviders failed");
    }
  }
  state.SetItemsProcessed(calls);
  state.SetLabel(absl::StrCat(state.range(0), " connections"));
  if (state.thread_index() == 0) shared_store.reset();  // every thread has left the loop
}
BENCHMARK(BM_ConcurrentReadsPostgres)
    ->Arg(1)
    ->Arg(4)
    ->Threads(4)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace carereach::store

BENCHMARK_MAIN();
