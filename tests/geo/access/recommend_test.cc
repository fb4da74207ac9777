#include "geo/access/recommend.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "gmock/gmock.h"
#include "tests/geo/access/cms_fixture.h"
#include "tests/geo/access/drawn_region.h"
#include "tests/geo/roads/ascii_map.h"
#include "tests/status_matchers.h"

namespace carereach::access {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;
using testing::IsEmpty;
using testing_util::AsciiMap;
using testing_util::StatusIs;

// An owned instance, viewed as a MaxCoverageProblem.
struct Instance {
  std::vector<double> weights;
  std::vector<uint8_t> covered;
  std::vector<std::vector<int32_t>> sets;
  MaxCoverageProblem problem() const { return {weights, covered, sets}; }
};

// Random sets over random weights. Integer weights make ties common, so tie-breaking is
// exercised too.
Instance RandomInstance(std::mt19937& rng, int elements, int candidates, bool integer_weights) {
  Instance in;
  std::uniform_int_distribution<int> small(0, 4);
  std::uniform_real_distribution<double> real(0, 100);
  std::bernoulli_distribution initially(0.15);
  for (int e = 0; e < elements; ++e) {
    in.weights.push_back(integer_weights ? small(rng) : real(rng));
    in.covered.push_back(initially(rng));
  }
  std::uniform_int_distribution<int> size(0, std::max(1, elements / 3));
  std::uniform_int_distribution<int> element(0, elements - 1);
  for (int c = 0; c < candidates; ++c) {
    std::vector<int32_t> set;
    for (int k = size(rng); k > 0; --k) set.push_back(element(rng));
    std::sort(set.begin(), set.end());
    set.erase(std::unique(set.begin(), set.end()), set.end());
    std::shuffle(set.begin(), set.end(), rng);
    in.sets.push_back(set);
  }
  return in;
}

TEST(GreedyTest, LazyMakesExactlyThePicksOfPlainGreedy) {
  int picks_seen = 0;
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    std::mt19937 rng(seed);
    const Instance in = RandomInstance(rng, 10 + seed % 60, 1 + seed % 45, seed % 2 == 0);
    const int32_t max_picks = 1 + seed % 12;
    const std::vector<GreedyPick> lazy = LazyGreedyMaxCoverage(in.problem(), max_picks);
    const std::vector<GreedyPick> plain = PlainGreedyMaxCoverage(in.problem(), max_picks);
    ASSERT_EQ(lazy.size(), plain.size()) << "seed " << seed;
    for (size_t k = 0; k < lazy.size(); ++k) {
      EXPECT_EQ(lazy[k].candidate, plain[k].candidate) << "seed " << seed << " pick " << k;
      EXPECT_EQ(lazy[k].gain, plain[k].gain) << "seed " << seed << " pick " << k;
      EXPECT_EQ(lazy[k].total, plain[k].total) << "seed " << seed << " pick " << k;
      if (k > 0) {
        EXPECT_LE(lazy[k].gain, lazy[k - 1].gain);  // submodular: gains never grow
      }
    }
    picks_seen += static_cast<int>(lazy.size());
  }
  EXPECT_GT(picks_seen, 600);
}

TEST(GreedyTest, GreedyCoversAtLeastSixtyThreePercentOfTheOptimum) {
  const double bound = 1 - 1 / std::exp(1.0);
  int strictly_worse = 0;
  for (uint32_t seed = 1; seed <= 60; ++seed) {
    std::mt19937 rng(1000 + seed);
    const Instance in = RandomInstance(rng, 25, 12, seed % 2 == 0);
    const MaxCoverageProblem p = in.problem();
    const double base = CoveredWeight(p, {});
    for (int32_t k = 1; k <= 4; ++k) {
      std::vector<int32_t> best;
      const double optimum = ExhaustiveMaxCoverage(p, k, &best);
      ASSERT_EQ(best.size(), static_cast<size_t>(k));
      EXPECT_DOUBLE_EQ(CoveredWeight(p, best), optimum);
      const std::vector<GreedyPick> greedy = LazyGreedyMaxCoverage(p, k);
      const double total = greedy.empty() ? base : greedy.back().total;
      // The guarantee is on what the picks add to the network's coverage.
      EXPECT_GE(total - base, bound * (optimum - base) - 1e-9) << "seed " << seed << " k " << k;
      EXPECT_LE(total, optimum + 1e-9);
      if (total < optimum - 1e-9) ++strictly_worse;
    }
  }
  EXPECT_GT(strictly_worse, 0);  // random instances do catch greedy out now and then
}

TEST(GreedyTest, AKnownInstanceWhereGreedyIsNotOptimal) {
  // Six elements of weight 1. Greedy takes the big set {0,1,2,3} first, after which either
  // other set adds one element: 5. The two smaller sets together cover all 6.
  Instance in{{1, 1, 1, 1, 1, 1}, {}, {{0, 1, 2, 3}, {0, 1, 4}, {2, 3, 5}}};
  const auto greedy = LazyGreedyMaxCoverage(in.problem(), 2);
  ASSERT_EQ(greedy.size(), 2u);
  EXPECT_EQ(greedy[0].candidate, 0);
  EXPECT_EQ(greedy[1].candidate, 1);  // ties with 2: the lower index
  EXPECT_EQ(greedy[1].total, 5);
  std::vector<int32_t> best;
  EXPECT_EQ(ExhaustiveMaxCoverage(in.problem(), 2, &best), 6);
  EXPECT_THAT(best, ElementsAre(1, 2));
}

TEST(GreedyTest, StopsAtTheTargetAndWhenNothingIsGained) {
  // Element 0 (weight 5) is already covered. Set 1 adds 4 + 3 = 7; set 3 would add 4, all of it
  // in set 1; set 2 adds 2; set 0 adds 1 (its element 0 is covered). Totals: 12, 14, 15.
  Instance in{{5, 4, 2, 1, 3}, {1, 0, 0, 0, 0}, {{0, 3}, {1, 4}, {2}, {0, 1}}};
  auto picks = LazyGreedyMaxCoverage(in.problem(), 10);
  ASSERT_EQ(picks.size(), 3u);  // set 3 adds nothing once set 1 is in
  EXPECT_EQ(picks[0].candidate, 1);
  EXPECT_EQ(picks[0].gain, 7);
  EXPECT_EQ(picks[0].total, 12);
  EXPECT_EQ(picks[1].candidate, 2);
  EXPECT_EQ(picks[2].candidate, 0);
  EXPECT_EQ(picks[2].gain, 1);  // element 0 was covered from the start
  EXPECT_EQ(picks[2].total, 15);
  // A target of 14 is reached by the second pick; exactly 12 by the first.
  EXPECT_EQ(LazyGreedyMaxCoverage(in.problem(), 10, 14).size(), 2u);
  EXPECT_EQ(LazyGreedyMaxCoverage(in.problem(), 10, 12).size(), 1u);
  EXPECT_THAT(LazyGreedyMaxCoverage(in.problem(), 10, 5), IsEmpty());  // met before any pick
  EXPECT_EQ(LazyGreedyMaxCoverage(in.problem(), 1).size(), 1u);
  EXPECT_THAT(LazyGreedyMaxCoverage(in.problem(), 0), IsEmpty());
}

TEST(GreedyTest, StopsPickingOnceTheCallHasStopped) {
  Instance in{{5, 4, 2, 1, 3}, {1, 0, 0, 0, 0}, {{0, 3}, {1, 4}, {2}, {0, 1}}};
  const geo::Deadline running(absl::InfiniteFuture(), [] { return false; });
  EXPECT_EQ(LazyGreedyMaxCoverage(in.problem(), 10, kNoTarget, running).size(), 3u);
  const geo::Deadline cancelled(absl::InfiniteFuture(), [] { return true; });
  EXPECT_THAT(LazyGreedyMaxCoverage(in.problem(), 10, kNoTarget, cancelled), IsEmpty());
  EXPECT_TRUE(cancelled.cancelled());
  const geo::Deadline passed(absl::Now() - absl::Seconds(1));
  EXPECT_THAT(LazyGreedyMaxCoverage(in.problem(), 10, kNoTarget, passed), IsEmpty());
}

// Five units on the equator (one degree of longitude = 69.17 miles), two counties:
//   01001: U0 at lon 0.0 (1,000), U1 at 0.1 (2,000), U2 at 0.5 (500);
//   01003: U3 at 1.0 (4,000), U4 at 1.1 (300).
Region EquatorRegion() {
  return RegionOnEquator({{"01001", 1000, 0.0},
                          {"01001", 2000, 0.1},
                          {"01001", 500, 0.5},
                          {"01003", 4000, 1.0},
                          {"01003", 300, 1.1}});
}

// Within 10 miles: the network's N (lon 0) covers U0 and U1 (6.9 mi). Candidates: "n" is N
// again (skipped); c1 (lon 0.05) covers U0 and U1, nothing new; c2 (0.5) U2, 500; c3 (1.05)
// and c4 (1.0) both cover U3 and U4, 4,300 (a tie: c3 has the lower index).
RecommendRequest EquatorRequest() {
  RecommendRequest r;
  r.network = {{.id = "n", .location = {0.0, 0}}};
  r.candidates = {{.id = "n", .location = {0.0, 0}},
                  {.id = "c1", .location = {0.05, 0}},
                  {.id = "c2", .location = {0.5, 0}},
                  {.id = "c3", .location = {1.05, 0}},
                  {.id = "c4", .location = {1.0, 0}}};
  r.max_miles = 10;
  return r;
}

TEST(RecommendAdditionsTest, StraightLinePicksByResidentsGained) {
  const Region region = EquatorRegion();
  auto answer = RecommendAdditions(region, nullptr, EquatorRequest(), {});
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->total_population, 7800);
  EXPECT_EQ(answer->base_covered_population, 3000);
  EXPECT_DOUBLE_EQ(answer->base_share, 3000.0 / 7800);
  EXPECT_THAT(answer->skipped_candidates, ElementsAre(0));
  EXPECT_EQ(answer->candidates_considered, 4);
  ASSERT_EQ(answer->picks.size(), 2u);  // then nobody is left to cover
  EXPECT_EQ(answer->picks[0].candidate, 3);
  EXPECT_EQ(answer->picks[0].gain_population, 4300);
  EXPECT_EQ(answer->picks[0].covered_population, 7300);
  EXPECT_DOUBLE_EQ(answer->picks[0].share, 7300.0 / 7800);
  EXPECT_EQ(answer->picks[1].candidate, 2);
  EXPECT_EQ(answer->picks[1].gain_population, 500);
  EXPECT_DOUBLE_EQ(answer->picks[1].share, 1.0);
  EXPECT_FALSE(answer->target_met);  // no target was set
}

TEST(RecommendAdditionsTest, TargetShareAndCountiesLimitThePicks) {
  const Region region = EquatorRegion();
  RecommendRequest request = EquatorRequest();
  request.target_share = 0.9;  // 7,300 / 7,800 = 93.6 % after the first pick
  auto answer = RecommendAdditions(region, nullptr, request, {});
  ASSERT_TRUE(answer.ok());
  ASSERT_EQ(answer->picks.size(), 1u);
  EXPECT_EQ(answer->picks[0].candidate, 3);
  EXPECT_TRUE(answer->target_met);
  // Only 01001's residents count: 3,000 of 3,500 are covered; c2 adds U2; c3 adds nobody there.
  request = EquatorRequest();
  request.county_fips = {"01001"};
  answer = RecommendAdditions(region, nullptr, request, {});
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->total_population, 3500);
  EXPECT_EQ(answer->base_covered_population, 3000);
  ASSERT_EQ(answer->picks.size(), 1u);
  EXPECT_EQ(answer->picks[0].candidate, 2);
  EXPECT_DOUBLE_EQ(answer->picks[0].share, 1.0);
  // Minutes instead of miles: 10 minutes at 60 mph, circuity 1, is the same 10 miles.
  request = EquatorRequest();
  request.max_miles = 0;
  request.max_minutes = 10;
  request.travel.straight_line = {.circuity_factor = 1, .speed_mph = 60};
  answer = RecommendAdditions(region, nullptr, request, {});
  ASSERT_TRUE(answer.ok());
  ASSERT_EQ(answer->picks.size(), 2u);
  EXPECT_EQ(answer->picks[0].candidate, 3);
  EXPECT_EQ(answer->picks[1].candidate, 2);
}

TEST(RecommendAdditionsTest, InvalidRequestsNameTheField) {
  const Region region = EquatorRegion();
  const auto run = [&](const std::function<void(RecommendRequest&)>& change,
                       CoverageLimits limits = {}) {
    RecommendRequest r = EquatorRequest();
    change(r);
    return RecommendAdditions(region, nullptr, r, limits);
  };
  EXPECT_THAT(run([](auto& r) { r.candidates[2].location.lat = 91; }),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "candidates[2].location.lat: 91 is outside [-90, 90]"));
  EXPECT_THAT(run([](auto& r) {
                r.network.push_back({.id = "n", .location = {1, 0}});
              }),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "network[1].id: \"n\" duplicates network[0].id"));
  EXPECT_THAT(run([](auto& r) { r.candidates.clear(); }),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("candidates: at least one")));
  EXPECT_THAT(run([](auto& r) { r.max_miles = 0; }),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "max_minutes, max_miles: at least one bound must be positive"));
  EXPECT_THAT(run([](auto& r) { r.max_minutes = -3; }),
              StatusIs(absl::StatusCode::kInvalidArgument, "max_minutes: -3 is outside [0, 1440]"));
  EXPECT_THAT(run([](auto& r) { r.max_picks = 0; }),
              StatusIs(absl::StatusCode::kInvalidArgument, "max_picks: 0 is outside [1, 1000]"));
  EXPECT_THAT(run([](auto& r) { r.target_share = 1.5; }),
              StatusIs(absl::StatusCode::kInvalidArgument, "target_share: 1.5 is outside [0, 1]"));
  EXPECT_THAT(run([](auto& r) {
                r.county_fips = {"01001", "26163"};
              }),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "county_fips[1]: \"26163\" is not a county of region eq"));
  EXPECT_THAT(run([](auto&) {}, {.max_facilities = 5}),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("limit of 5")));
  EXPECT_THAT(run([](auto& r) { r.travel.mode = TravelMode::kDrive; }),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("no road network")));
  EXPECT_THAT(run([](auto& r) { r.deadline = absl::Now() - absl::Seconds(1); }),
              StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("deadline")));
  EXPECT_THAT(
      run([](auto& r) { r.deadline = geo::Deadline(absl::InfiniteFuture(), [] { return true; }); }),
      StatusIs(absl::StatusCode::kCancelled, HasSubstr("the call was cancelled")));
}

// a-b: 1,100 m of one-way primary eastwards (10 m/s); a-c-d-b one residential way (5 m/s):
// a-c 200 m, c-d 1,100 m, d-b 200 m.
TEST(RecommendAdditionsTest, DriveModeOnADrawnMap) {
  const AsciiMap map = LoopMap();
  const DrawnRegion drawn = LoopRegion(map);  // U0, U1 on a-b; U2 off c-d; U3 far off
  ASSERT_EQ(drawn.region.units.size(), 4u);
  const Region* region = &drawn.region;
  const DriveRegion& drive = drawn.drive;
  RecommendRequest request;
  request.travel.mode = TravelMode::kDrive;
  request.max_minutes = 2;
  request.candidates = {{.id = "F", .location = map.At('a', 550, 0)},       // middle of a-b
                        {.id = "B", .location = map.At('b', 0, -50)},       // 50 m from b on d-b
                        {.id = "H", .location = map.At('c', 550, 0)},       // middle of c-d
                        {.id = "Z", .location = map.At('c', 550, -5000)}};  // off the roads
  // Within 120 s, to the candidate: F is reached from U0 (400 m at 10 m/s: 40 s); B from U0
  // (950 m + 50 m at 5 m/s: 105 s) and U1 (25 s), not from U2 (700 m at 5 m/s + 6.7 s off
  // road); H only from U2 (6.7 s). Greedy: H (400), then B (300); F adds nothing.
  auto answer = RecommendAdditions(*region, &drive, request, {});
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->total_population, 1500);
  EXPECT_EQ(answer->base_covered_population, 0);
  EXPECT_THAT(answer->unsnapped_candidates, ElementsAre(3));
  EXPECT_EQ(answer->candidates_considered, 3);
  ASSERT_EQ(answer->picks.size(), 2u);
  EXPECT_EQ(answer->picks[0].candidate, 2);
  EXPECT_EQ(answer->picks[0].gain_population, 400);
  EXPECT_EQ(answer->picks[1].candidate, 1);
  EXPECT_EQ(answer->picks[1].gain_population, 300);
  EXPECT_DOUBLE_EQ(answer->picks[1].share, 700.0 / 1500);
  // From the candidate: F reaches U1 (40 s) only; from B everything is round the loop or
  // 700 m away; H still reaches U2. Greedy: H, then F.
  request.travel.drive.to_facility = false;
  answer = RecommendAdditions(*region, &drive, request, {});
  ASSERT_TRUE(answer.ok());
  ASSERT_EQ(answer->picks.size(), 2u);
  EXPECT_EQ(answer->picks[0].candidate, 2);
  EXPECT_EQ(answer->picks[1].candidate, 0);
  EXPECT_EQ(answer->picks[1].gain_population, 200);
  // With B already in the network, only H is worth adding.
  request.travel.drive.to_facility = true;
  request.network = {request.candidates[1]};
  answer = RecommendAdditions(*region, &drive, request, {});
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->base_covered_population, 300);
  EXPECT_THAT(answer->skipped_candidates, ElementsAre(1));
  ASSERT_EQ(answer->picks.size(), 1u);
  EXPECT_EQ(answer->picks[0].candidate, 2);
}

// The tiny CMS fixture (tests/fixtures/cms_small), as in adequacy_test.cc: two counties on the
// equator, 01001 West (Metro, 90 %, 1,000 beneficiaries): A at lon 0.1 (1,000 people), B at 0.5
// (2,000); 01003 East (Rural, 85 %, 2,000 beneficiaries): C at 1.0 (800), D at 1.6 (200).
// Standards: S03 15 min / 10 mi and minimum 2 in West, 40 / 30 and 1 in East; 040 75 / 60 and 3
// beds in East. Travel: 1 mile = 1 minute (circuity 1, 60 mph).
class AdequacyRecommendTest : public CmsFixtureTest {
 protected:
  AdequacyRecommendRequest Request(std::string county, std::string code) {
    AdequacyRecommendRequest r;
    r.county_fips = std::move(county);
    r.specialty_code = std::move(code);
    r.travel.straight_line = {.circuity_factor = 1.0, .speed_mph = 60};
    return r;
  }

  // EvaluateAdequacy's verdict on one county x type.
  CountySpecialtyResult Evaluate(std::vector<NetworkProvider> roster, std::string county,
                                 std::string code) {
    AdequacyRequest request;
    request.roster = std::move(roster);
    request.county_fips = {std::move(county)};
    request.specialty_codes = {std::move(code)};
    request.travel.straight_line = {.circuity_factor = 1.0, .speed_mph = 60};
    CountySpecialtyResult result;
    auto summary = EvaluateAdequacy(region_, nullptr, *standards_, telehealth_, request,
                                    [&](const CountySpecialtyResult& r) {
                                      result = r;
                                      return true;
                                    });
    EXPECT_TRUE(summary.ok()) << summary.status();
    return result;
  }
};

TEST_F(AdequacyRecommendTest, OnePickMakesPrimaryCarePassInWest) {
  // The family practice at lon 0 reaches A (6.9 mi) only: 1/3 of West, 1 of 2 providers.
  // Candidates: a dermatologist (another type), the same family practice elsewhere (in the
  // roster already), p2 at lon 0.45 and p3 at 0.5 (both reach B: a tie, p2 first), p4 at 0.12
  // (reaches A only: nothing gained). p2 brings B's 2,000 people (2/3 of 1,000 beneficiaries)
  // and is the second provider: West passes.
  AdequacyRecommendRequest r = Request("01001", "001");
  r.roster = {{.id = "fp", .specialty_code = "001", .location = {0, 0}}};
  r.candidates = {{.id = "derm", .specialty_code = "011", .location = {0.5, 0}},
                  {.id = "fp", .specialty_code = "001", .location = {0.5, 0}},
                  {.id = "p2", .specialty_code = "002", .location = {0.45, 0}},
                  {.id = "p3", .specialty_code = "003", .location = {0.5, 0}},
                  {.id = "p4", .specialty_code = "004", .location = {0.12, 0}}};
  auto answer = RecommendForAdequacy(region_, nullptr, *standards_, telehealth_, r);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->specialty_code, "S03");
  EXPECT_EQ(answer->county_name, "");
  EXPECT_EQ(answer->max_minutes, 15);
  EXPECT_EQ(answer->max_miles, 10);
  EXPECT_EQ(answer->beneficiaries, 1000);
  EXPECT_DOUBLE_EQ(answer->required_share, 0.90);
  EXPECT_EQ(answer->minimum_number, 2);
  EXPECT_DOUBLE_EQ(answer->base_share_with_access, 1.0 / 3);
  EXPECT_EQ(answer->base_counted, 1);
  EXPECT_FALSE(answer->base_pass);
  EXPECT_THAT(answer->skipped_other_type, ElementsAre(0));
  EXPECT_THAT(answer->skipped_in_roster, ElementsAre(1));
  EXPECT_EQ(answer->candidates_considered, 3);
  ASSERT_EQ(answer->picks.size(), 1u);
  const AdequacyPick& pick = answer->picks[0];
  EXPECT_EQ(pick.candidate, 2);
  EXPECT_NEAR(pick.beneficiaries_gained, 2000.0 / 3, 1e-9);
  EXPECT_DOUBLE_EQ(pick.share_with_access, 1.0);
  EXPECT_EQ(pick.counted, 2);
  EXPECT_TRUE(pick.pass);
  EXPECT_TRUE(answer->pass);
  // EvaluateAdequacy agrees: failing before, passing with the pick.
  EXPECT_FALSE(Evaluate(r.roster, "01001", "S03").pass);
  std::vector<NetworkProvider> with = r.roster;
  with.push_back(r.candidates[pick.candidate]);
  const CountySpecialtyResult after = Evaluate(with, "01001", "S03");
  EXPECT_TRUE(after.pass);
  EXPECT_DOUBLE_EQ(after.share_with_access, pick.share_with_access);
  EXPECT_EQ(after.counted, pick.counted);
}

// 42 CFR 422.116(a)(3): a candidate that would not count is skipped and listed, never picked;
// an excluded network row is not counted. The same West case: p2 is marked as only available in
// a residential facility, so p3 (reaching B just as well) is picked instead; the roster's fp
// marked the same way leaves West with no access before any pick.
TEST_F(AdequacyRecommendTest, ExcludedCandidatesAreSkippedAndExcludedRowsNotCounted) {
  AdequacyRecommendRequest r = Request("01001", "001");
  r.roster = {{.id = "fp", .specialty_code = "001", .location = {0, 0}}};
  r.candidates = {{.id = "p2",
                   .specialty_code = "002",
                   .location = {0.45, 0},
                   .exclusion = "residential_facility_only"},
                  {.id = "p3", .specialty_code = "003", .location = {0.5, 0}}};
  auto answer = RecommendForAdequacy(region_, nullptr, *standards_, telehealth_, r);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_THAT(answer->skipped_excluded, ElementsAre(0));
  EXPECT_EQ(answer->candidates_considered, 1);
  ASSERT_EQ(answer->picks.size(), 1u);
  EXPECT_EQ(answer->picks[0].candidate, 1);
  EXPECT_EQ(answer->base_counted, 1);

  r.roster[0].exclusion = "other_products_only";
  answer = RecommendForAdequacy(region_, nullptr, *standards_, telehealth_, r);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->base_counted, 0);
  EXPECT_DOUBLE_EQ(answer->base_share_with_access, 0);
}

TEST_F(AdequacyRecommendTest, WhenTheShareIsMetTheMinimumNumberPicksByBeds) {
  // Hospital h1 (2 beds) at lon 1.3 reaches C and D (20.7 mi each, within 60): the share passes,
  // 2 of 3 beds do not. k0 (1 bed) and k2 (4 beds) serve East, adding no one; k1 (5 beds) at
  // lon 2.5 is 62 miles from D and serves nobody. Most beds among those that serve: k2.
  AdequacyRecommendRequest r = Request("01003", "040");
  r.roster = {{.id = "h1", .specialty_code = "040", .location = {1.3, 0}, .beds = 2}};
  r.candidates = {{.id = "k0", .specialty_code = "040", .location = {1.5, 0}, .beds = 1},
                  {.id = "k1", .specialty_code = "040", .location = {2.5, 0}, .beds = 5},
                  {.id = "k2", .specialty_code = "040", .location = {1.2, 0}, .beds = 4}};
  auto answer = RecommendForAdequacy(region_, nullptr, *standards_, telehealth_, r);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_DOUBLE_EQ(answer->base_share_with_access, 1.0);
  EXPECT_EQ(answer->base_counted, 2);
  EXPECT_FALSE(answer->base_pass);
  ASSERT_EQ(answer->picks.size(), 1u);
  EXPECT_EQ(answer->picks[0].candidate, 2);
  EXPECT_EQ(answer->picks[0].beneficiaries_gained, 0);
  EXPECT_EQ(answer->picks[0].counted, 6);
  EXPECT_TRUE(answer->pass);
  // Without k2, k0's bed makes exactly the 3 required; k1 cannot help at all.
  r.candidates.pop_back();
  answer = RecommendForAdequacy(region_, nullptr, *standards_, telehealth_, r);
  ASSERT_TRUE(answer.ok());
  ASSERT_EQ(answer->picks.size(), 1u);
  EXPECT_EQ(answer->picks[0].candidate, 0);
  EXPECT_EQ(answer->picks[0].counted, 3);
  EXPECT_TRUE(answer->picks[0].pass);        // 3 beds: exactly the minimum
  r.candidates.erase(r.candidates.begin());  // k1 alone: nothing serves East, no pick
  answer = RecommendForAdequacy(region_, nullptr, *standards_, telehealth_, r);
  ASSERT_TRUE(answer.ok());
  EXPECT_THAT(answer->picks, IsEmpty());
  EXPECT_FALSE(answer->pass);
}

TEST_F(AdequacyRecommendTest, TelehealthCreditCountsAndAPassingCountyNeedsNoPicks) {
  // A primary care practice at C reaches C (800 of 1,000 people: 80 % < 85 %). With telehealth
  // the 10-point credit makes East pass as it stands.
  AdequacyRecommendRequest r = Request("01003", "S03");
  r.roster = {{.id = "pcp", .specialty_code = "002", .location = {1.0, 0}, .telehealth = true}};
  r.candidates = {{.id = "d", .specialty_code = "001", .location = {1.6, 0}}};
  auto answer = RecommendForAdequacy(region_, nullptr, *standards_, telehealth_, r);
  ASSERT_TRUE(answer.ok());
  EXPECT_DOUBLE_EQ(answer->base_share_with_access, 0.8);
  EXPECT_DOUBLE_EQ(answer->base_telehealth_credit, 0.10);
  EXPECT_TRUE(answer->base_pass);
  EXPECT_THAT(answer->picks, IsEmpty());
  // Without it, the practice at D is needed.
  r.roster[0].telehealth = false;
  answer = RecommendForAdequacy(region_, nullptr, *standards_, telehealth_, r);
  ASSERT_TRUE(answer.ok());
  ASSERT_EQ(answer->picks.size(), 1u);
  EXPECT_NEAR(answer->picks[0].beneficiaries_gained, 400, 1e-9);  // 200 of 1,000 x 2,000
  EXPECT_TRUE(answer->pass);
}

TEST_F(AdequacyRecommendTest, InvalidRequestsNameTheField) {
  const auto run = [&](const std::function<void(AdequacyRecommendRequest&)>& change) {
    AdequacyRecommendRequest r = Request("01001", "S03");
    r.roster = {{.id = "fp", .specialty_code = "001", .location = {0, 0}}};
    r.candidates = {{.id = "p2", .specialty_code = "002", .location = {0.45, 0}}};
    change(r);
    return RecommendForAdequacy(region_, nullptr, *standards_, telehealth_, r);
  };
  EXPECT_THAT(run([](auto& r) { r.candidates.push_back({.id = "x", .specialty_code = "099"}); }),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("candidates[1].specialty_code: \"099\" is not a CMS HSD")));
  EXPECT_THAT(run([](auto& r) { r.roster[0].location.lat = 95; }),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("roster[0].location.lat: 95 is outside")));
  EXPECT_THAT(run([](auto& r) { r.candidates.clear(); }),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "candidates: at least one candidate is required"));
  EXPECT_THAT(run([](auto& r) { r.county_fips = "26163"; }),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "county_fips: \"26163\" is not a county of region eq"));
  EXPECT_THAT(run([](auto& r) { r.specialty_code = "099"; }),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "specialty_code: \"099\" is not a specialty type of test-standards"));
  EXPECT_THAT(run([](auto& r) { r.max_picks = 1001; }),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("max_picks: 1001")));
  EXPECT_THAT(run([](auto& r) { r.travel.mode = TravelMode::kDrive; }),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("no road network")));
}

}  // namespace
}  // namespace carereach::access
