#include "geo/core/worker_pool.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace carereach::geo {
namespace {

using testing::HasSubstr;
using testing_util::StatusIs;

TEST(WorkerPoolTest, RunsEveryIndexExactlyOnce) {
  WorkerPool pool(3);
  for (size_t n : {0u, 1u, 2u, 7u, 1000u}) {
    std::vector<std::atomic<int>> runs(n);
    ASSERT_TRUE(pool.ParallelFor(n,
                                 [&](size_t i) {
                                   runs[i].fetch_add(1);
                                   return absl::OkStatus();
                                 })
                    .ok());
    for (size_t i = 0; i < n; ++i) EXPECT_EQ(runs[i].load(), 1) << "n " << n << " i " << i;
  }
}

TEST(WorkerPoolTest, WorksWithoutWorkers) {
  WorkerPool pool(0);
  int sum = 0;
  ASSERT_TRUE(pool.ParallelFor(10,
                               [&](size_t i) {
                                 sum += static_cast<int>(i);
                                 return absl::OkStatus();
                               })
                  .ok());
  EXPECT_EQ(sum, 45);
}

TEST(WorkerPoolTest, TheFirstErrorStopsTheLoopAndIsReturned) {
  WorkerPool pool(2);
  std::atomic<int> ran{0};
  absl::Status s = pool.ParallelFor(100000, [&](size_t i) {
    ran.fetch_add(1);
    if (i == 10) return absl::InvalidArgumentError("item 10 is bad");
    return absl::OkStatus();
  });
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("item 10")));
  EXPECT_LT(ran.load(), 100000);  // the rest were skipped
}

TEST(WorkerPoolTest, ConcurrentCallersEachGetTheirOwnAnswers) {
  WorkerPool pool(2);
  std::vector<std::thread> callers;
  std::vector<long> sums(6, 0);
  for (size_t c = 0; c < sums.size(); ++c) {
    callers.emplace_back([&, c] {
      for (int round = 0; round < 20; ++round) {
        std::vector<long> values(500, 0);
        ASSERT_TRUE(pool.ParallelFor(values.size(),
                                     [&](size_t i) {
                                       values[i] = static_cast<long>(i * (c + 1));
                                       return absl::OkStatus();
                                     })
                        .ok());
        long sum = 0;
        for (long v : values) sum += v;
        sums[c] = sum;
      }
    });
  }
  for (std::thread& t : callers) t.join();
  for (size_t c = 0; c < sums.size(); ++c) {
    EXPECT_EQ(sums[c], static_cast<long>(499 * 500 / 2 * (c + 1))) << c;
  }
}

}  // namespace
}  // namespace carereach::geo
