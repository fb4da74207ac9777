#include "geo/core/deadline.h"

#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "geo/core/geos_context.h"
#include "geo/core/nearest_facility_index.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace carereach::geo {
namespace {

using testing_util::StatusIs;

TEST(DeadlineTest, DefaultAndInfiniteNeverStop) {
  EXPECT_FALSE(Deadline().Stopped());
  EXPECT_FALSE(Deadline(absl::InfiniteFuture()).Stopped());
  EXPECT_TRUE(Deadline().Check("search").ok());
  EXPECT_EQ(Deadline().when(), absl::InfiniteFuture());
}

TEST(DeadlineTest, PastDeadlineIsDeadlineExceededSayingWhere) {
  const Deadline past(absl::Now() - absl::Seconds(1));
  EXPECT_TRUE(past.Stopped());
  EXPECT_THAT(past.Check("road search", " after 1024 nodes"),
              StatusIs(absl::StatusCode::kDeadlineExceeded,
                       "road search stopped at the deadline after 1024 nodes"));
  EXPECT_FALSE(Deadline(absl::Now() + absl::Hours(1)).Stopped());
}

TEST(DeadlineTest, ProbeSayingGoneIsCancelled) {
  const Deadline gone(absl::InfiniteFuture(), [] { return true; });
  EXPECT_TRUE(gone.Stopped());
  EXPECT_TRUE(gone.cancelled());
  EXPECT_THAT(gone.Check("catchments", " (facility 3)"),
              StatusIs(absl::StatusCode::kCancelled,
                       "catchments stopped: the call was cancelled (facility 3)"));
  // Cancellation wins over a deadline that has also passed.
  const Deadline both(absl::Now() - absl::Seconds(1), [] { return true; });
  EXPECT_FALSE(both.Check("x").ok());
}

TEST(DeadlineTest, ProbeIsAskedAtMostOncePerIntervalAndNotAfterItSaidGone) {
  std::atomic<int> asked{0};
  std::atomic<bool> gone{false};
  const Deadline d(absl::InfiniteFuture(), [&] {
    ++asked;
    return gone.load();
  });
  const absl::Time start = absl::Now();
  int looks = 0;
  while (absl::Now() - start < absl::Milliseconds(50)) {
    EXPECT_FALSE(d.Stopped());
    ++looks;
  }
  // 50 ms at one question per 2 ms: about 25, far fewer than the looks.
  EXPECT_GE(asked.load(), 1);
  EXPECT_LE(asked.load(), 50 / absl::ToInt64Milliseconds(Deadline::kProbeInterval) + 2);
  EXPECT_GT(looks, 1000);

  gone = true;
  const Deadline copy = d;  // copies share the probe and its answer
  absl::SleepFor(Deadline::kProbeInterval * 2);
  EXPECT_TRUE(copy.Stopped());
  const int after = asked.load();
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(d.Stopped());
  absl::SleepFor(Deadline::kProbeInterval * 2);
  EXPECT_TRUE(d.Stopped());
  EXPECT_EQ(asked.load(), after);
}

TEST(DeadlineTest, ProbeIsNeverCalledConcurrently) {
  std::atomic<int> inside{0};
  std::atomic<int> overlaps{0};
  const Deadline d(absl::InfiniteFuture(), [&] {
    if (inside.fetch_add(1) != 0) ++overlaps;
    absl::SleepFor(absl::Milliseconds(3));  // slower than the interval
    inside.fetch_sub(1);
    return false;
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      const absl::Time start = absl::Now();
      while (absl::Now() - start < absl::Milliseconds(100)) d.Stopped();
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(overlaps.load(), 0);
}

// Many overlapping discs (a collection of polygons): their union is seconds of GEOS work.
GEOSGeometry* ManyDiscs(GEOSContextHandle_t h, int count) {
  std::mt19937 random(7);
  std::uniform_real_distribution<double> coordinate(0, 3000);
  std::vector<GEOSGeometry*> discs;
  for (int i = 0; i < count; ++i) {
    GEOSGeometry* point = GEOSGeom_createPointFromXY_r(h, coordinate(random), coordinate(random));
    discs.push_back(GEOSBuffer_r(h, point, 20, 8));
    GEOSGeom_destroy_r(h, point);
  }
  return GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, discs.data(),
                                     static_cast<unsigned>(discs.size()));
}

TEST(GeosInterruptScopeTest, StopsALongUnionOnThisThreadOnly) {
  GeosContext& geos = GeosContext::ThreadLocal();
  const GeomPtr points = geos.Own(ManyDiscs(geos.handle(), 40000));
  ASSERT_NE(points, nullptr);

  // Another thread's GEOS work, without a scope, is not interrupted meanwhile.
  std::atomic<bool> other_ok{false};
  std::thread other([&] {
    GeosContext& mine = GeosContext::ThreadLocal();
    const GeomPtr small = mine.Own(ManyDiscs(mine.handle(), 500));
    absl::SleepFor(absl::Milliseconds(300));  // until the first thread's deadline has passed
    const GeomPtr area = mine.Own(GEOSUnaryUnion_r(mine.handle(), small.get()));
    other_ok = area != nullptr;
  });

  const Deadline deadline(absl::Now() + absl::Milliseconds(200));
  const absl::Time start = absl::Now();
  GeomPtr area = geos.Own(nullptr);
  {
    const GeosInterruptScope interruptible(deadline);
    area = geos.Own(GEOSUnaryUnion_r(geos.handle(), points.get()));
  }
  const absl::Duration took = absl::Now() - start;
  other.join();
  // Uninterrupted, this union takes about 5 s on the build machine.
  EXPECT_EQ(area, nullptr);
  EXPECT_LT(took, absl::Seconds(2));
  EXPECT_THAT(geos.Error("GEOSUnaryUnion_r").message(), testing::HasSubstr("interrupted"));
  EXPECT_TRUE(other_ok.load());

  // After the scope, GEOS on this thread works again.
  const GeomPtr point = geos.Own(GEOSGeom_createPointFromXY_r(geos.handle(), 0, 0));
  EXPECT_NE(geos.Own(GEOSBuffer_r(geos.handle(), point.get(), 1, 8)), nullptr);
}

TEST(NearestFacilityIndexStopTest, StackedCandidatesStopWhenTheDeadlineHas) {
  const std::vector<LonLat> stacked(100000, LonLat{-98.5, 39.8});
  const NearestFacilityIndex index(stacked);
  const NearestFacilityIndex::Hit full = index.Nearest({-90, 35});
  EXPECT_FALSE(full.stopped);
  EXPECT_EQ(full.index, 0);
  const Deadline gone(absl::InfiniteFuture(), [] { return true; });
  EXPECT_TRUE(index.Nearest({-90, 35}, &gone).stopped);
  const Deadline open(absl::InfiniteFuture(), [] { return false; });
  EXPECT_EQ(index.Nearest({-90, 35}, &open).index, 0);
}

}  // namespace
}  // namespace carereach::geo
