#include "geo/access/adequacy.h"

#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/geo/access/cms_fixture.h"
#include "tests/geo/roads/ascii_map.h"
#include "tests/status_matchers.h"

namespace carereach::access {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;
using testing_util::StatusIs;

// Two counties on the equator (one degree of longitude = 69.17 miles):
//   01001 West, Metro (90 %), 1,000 beneficiaries: unit A at lon 0.1 (1,000 people), B at 0.5
//   (2,000);
//   01003 East, Rural (85 %), 2,000 beneficiaries: unit C at lon 1.0 (800), D at 1.6 (200).
// Standards (tests/fixtures/cms_small): S03 15 min / 10 mi in West, 40 min / 30 mi in East;
// 011 45/30 and 75/60; 040 45/30 and 75/60; minimum numbers S03 2 and 1, 011 1 and 1, 040 2 and
// 3 beds. Travel model: 1 mile = 1 minute (circuity 1, 60 mph), so reach = min(minutes, miles).
class AdequacyTest : public CmsFixtureTest {
 protected:
  std::vector<CountySpecialtyResult> Evaluate(std::vector<NetworkProvider> roster,
                                              std::vector<std::string> codes = {}) {
    AdequacyRequest request;
    request.roster = std::move(roster);
    request.specialty_codes = std::move(codes);
    request.travel.straight_line = {.circuity_factor = 1.0, .speed_mph = 60};
    request.include_uncovered_units = true;
    std::vector<CountySpecialtyResult> results;
    auto summary = EvaluateAdequacy(region_, nullptr, *standards_, telehealth_, request,
                                    [&](const CountySpecialtyResult& r) {
                                      results.push_back(r);
                                      return true;
                                    });
    EXPECT_TRUE(summary.ok()) << summary.status();
    return results;
  }
};

TEST_F(AdequacyTest, ShareMinimumNumberAndDeficitForPrimaryCare) {
  // A family practice (001, evaluated as S03) at lon 0: 6.9 miles from A, 34.6 from B.
  const auto r = Evaluate({{.id = "fp", .specialty_code = "001", .location = {0, 0}}}, {"S03"});
  ASSERT_EQ(r.size(), 2u);
  const CountySpecialtyResult& west = r[0];
  EXPECT_EQ(west.county->fips, "01001");
  EXPECT_EQ(west.specialty->code, "S03");
  EXPECT_DOUBLE_EQ(west.share_with_access, 1000.0 / 3000.0);
  EXPECT_NEAR(west.beneficiaries_with_access, 1000.0 / 3.0, 1e-9);
  EXPECT_DOUBLE_EQ(west.required_share, 0.90);
  EXPECT_FALSE(west.time_distance_pass);
  EXPECT_EQ(west.minimum_number, 2);
  EXPECT_EQ(west.counted, 1);
  EXPECT_EQ(west.minimum_number_deficit, 1);
  EXPECT_FALSE(west.pass);
  EXPECT_THAT(west.uncovered_unit_ids, ElementsAre("01001000200"));
  // East: nobody within 30 miles of lon 0.
  EXPECT_EQ(r[1].share_with_access, 0);
  EXPECT_EQ(r[1].counted, 0);
  EXPECT_EQ(r[1].minimum_number_deficit, 1);
}

TEST_F(AdequacyTest, TelehealthCreditOfTenPointsCanTurnAFailIntoAPass) {
  // A primary care practice at C (lon 1.0): C (800 people) has access, D (41.5 miles) has not:
  // 80 % against the 85 % a Rural county needs.
  NetworkProvider pcp{.id = "pcp", .specialty_code = "002", .location = {1.0, 0}};
  auto r = Evaluate({pcp}, {"S03"});
  EXPECT_DOUBLE_EQ(r[1].share_with_access, 0.8);
  EXPECT_EQ(r[1].telehealth_credit, 0);
  EXPECT_FALSE(r[1].time_distance_pass);
  pcp.telehealth = true;
  r = Evaluate({pcp}, {"S03"});
  EXPECT_DOUBLE_EQ(r[1].telehealth_credit, 0.10);
  EXPECT_TRUE(r[1].time_distance_pass);
  EXPECT_TRUE(r[1].pass);
}

TEST_F(AdequacyTest, AcuteInpatientHospitalsCountInBedsAndDuplicateIdsCountOnce) {
  const auto r = Evaluate(
      {{.id = "h1", .specialty_code = "040", .location = {0.3, 0}, .beds = 150},
       {.id = "derm", .specialty_code = "011", .location = {0.3, 0}},
       {.id = "derm", .specialty_code = "011", .location = {0.31, 0}}},  // same derm, 2 sites
      {"011", "040"});
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].specialty->code, "011");
  EXPECT_EQ(r[0].counted, 1);  // one dermatologist, two rows
  EXPECT_EQ(r[0].providers_serving, 1);
  EXPECT_TRUE(r[0].pass);
  EXPECT_EQ(r[1].specialty->code, "040");
  EXPECT_EQ(r[1].counted, 150);  // beds
  EXPECT_TRUE(r[1].minimum_number_pass);
  EXPECT_TRUE(r[3].minimum_number_pass);  // East: 48 miles, within 60
}

// 42 CFR 422.116(a)(3)(i)(A): pediatric hospitals "do not count toward meeting network adequacy
// criteria". West's 040 minimum is 2 beds (fixture); two 1-bed hospitals meet it, but when one is
// a children's hospital only 1 bed counts and West falls short; its unit stays covered by the
// other (reach 30 miles), so only the minimum number fails. The row is listed, never counted.
TEST_F(AdequacyTest, AnExcludedPediatricHospitalLeavesTheCountyShort) {
  std::vector<NetworkProvider> roster = {
      {.id = "general", .specialty_code = "040", .location = {0.1, 0}, .beds = 1},
      {.id = "children", .specialty_code = "040", .location = {0.5, 0}, .beds = 1}};
  const auto both = Evaluate(roster, {"040"});
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0].counted, 2);
  EXPECT_TRUE(both[0].pass);

  roster[1].exclusion = "pediatric_hospital";
  AdequacyRequest request;
  request.roster = roster;
  request.specialty_codes = {"040"};
  request.travel.straight_line = {.circuity_factor = 1.0, .speed_mph = 60};
  std::vector<CountySpecialtyResult> results;
  auto summary = EvaluateAdequacy(region_, nullptr, *standards_, telehealth_, request,
                                  [&](const CountySpecialtyResult& r) {
                                    results.push_back(r);
                                    return true;
                                  });
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_THAT(summary->excluded_rows, ElementsAre(1));
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].counted, 1);
  EXPECT_EQ(results[0].providers_serving, 1);
  EXPECT_DOUBLE_EQ(results[0].share_with_access, 1.0);
  EXPECT_FALSE(results[0].minimum_number_pass);
  EXPECT_FALSE(results[0].pass);
  EXPECT_STREQ(ExclusionReason("pediatric_hospital"),
               "pediatric/children's hospital (42 CFR 422.116(a)(3)(i)(A))");

  // An excluded provider alone gives no access at all.
  const auto alone = Evaluate({roster[1]}, {"040"});
  ASSERT_EQ(alone.size(), 2u);
  EXPECT_DOUBLE_EQ(alone[0].share_with_access, 0.0);
  EXPECT_EQ(alone[0].counted, 0);

  // An unknown code is INVALID_ARGUMENT naming the row.
  roster[1].exclusion = "childrens";
  EXPECT_THAT(ValidateRoster(roster, *standards_),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("providers[1].exclusion: \"childrens\" is not one of")));
}

TEST_F(AdequacyTest, BadRostersAreInvalidArgumentWithTheRow) {
  AdequacyRequest request;
  const auto run = [&](std::vector<NetworkProvider> roster) {
    request.roster = std::move(roster);
    return EvaluateAdequacy(region_, nullptr, *standards_, telehealth_, request,
                            [](const CountySpecialtyResult&) { return true; });
  };
  EXPECT_THAT(run({{.id = "a", .specialty_code = "001", .location = {0, 0}},
                   {.id = "b", .specialty_code = "099", .location = {0, 0}}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("providers[1].specialty_code: \"099\" is not a CMS HSD")));
  EXPECT_THAT(run({{.id = "a", .specialty_code = "011", .location = {0, 0}, .beds = 20}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("providers[0].beds: beds count only for acute inpatient")));
  EXPECT_THAT(run({{.id = "a", .specialty_code = "040", .location = {0, 95}}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("providers[0].location.lat: 95 is outside")));
  EXPECT_THAT(run({{.id = "a", .specialty_code = "040", .location = {0, 0}, .beds = 1e300}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("providers[0].beds: 1e+300 is more than 1000000")));
  EXPECT_TRUE(ValidateRoster(std::vector<NetworkProvider>{{.id = "a",
                                                           .specialty_code = "040",
                                                           .location = {0, 0},
                                                           .beds = kMaxBedsPerProvider}},
                             *standards_, "providers")
                  .ok());
  request.county_fips = {"26163"};
  EXPECT_THAT(run({}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("county_fips[0]: \"26163\" is not a county of region eq")));
}

// Two points of 2^62 beneficiaries each add up to 2^63, one more than int64 holds: refused by
// name, not wrapped to -9223372036854775808.
TEST_F(AdequacyTest, BeneficiarySumsThatOverflowAreInvalidArgument) {
  const int64_t huge = int64_t{1} << 62;
  const std::string county = region_.counties[0].fips;
  std::vector<io::PopulationUnit> points = {{"p0", county, huge, {0, 0}},
                                            {"p1", county, huge, {0.01, 0}}};
  EXPECT_THAT(RegionFromBeneficiaryPoints(region_, points),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("beneficiary_points[1].beneficiaries: the sum of beneficiaries: "
                                 "adding 4611686018427387904 to 4611686018427387904 exceeds "
                                 "9223372036854775807")));
  // One less fits, and is the region's total exactly.
  points[1].population = huge - 1;
  absl::StatusOr<Region> own = RegionFromBeneficiaryPoints(region_, points);
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->total_population, std::numeric_limits<int64_t>::max());
}

TEST_F(AdequacyTest, AnEmptyRosterFailsEverythingAndReportsEveryUnitUncovered) {
  const auto r = Evaluate({});
  ASSERT_EQ(r.size(), 6u);  // 2 counties x 3 types
  for (const CountySpecialtyResult& row : r) {
    EXPECT_FALSE(row.pass);
    EXPECT_EQ(row.share_with_access, 0);
    EXPECT_DOUBLE_EQ(row.uncovered_beneficiaries, static_cast<double>(row.beneficiaries));
  }
}

// 42 CFR 422.116(a)(2)(i): a beneficiary has access when a provider of the type is within both
// the time and the distance standard. Drive mode, West's S03 standard (15 minutes, 10 miles =
// 16,093 m), one beneficiary unit at u (grid of 500 m): F is 16.5 km away by motorway (20 m/s:
// 825 s, the fastest provider, but its route is too long); S is 8.5 km away by a primary road
// (10 m/s: 850 s, slower, and within both). The unit has access through S, and only S serves.
TEST_F(AdequacyTest, DriveAccessIsSomeProviderWithinBothStandardsNotTheFastestOne) {
  testing_util::AsciiMap map("F---------------------------------u----------------S", 500);
  map.Way("uF", {.highway = "motorway", .oneway = "no"});
  map.Way("uS", {.highway = "primary"});
  auto region = BuildRegion("drawn", "", "", {.state_fips = {"01"}},
                            {{"01001000100", "01001", 1000, map.At('u')}}, {});
  ASSERT_TRUE(region.ok()) << region.status();
  const DriveRegion drive = BuildDriveRegion(*region, routing::RoadNetwork::Create(map.Build()));
  const NetworkProvider fast{.id = "fast", .specialty_code = "001", .location = map.At('F')};
  const NetworkProvider slow{.id = "slow", .specialty_code = "001", .location = map.At('S')};
  const auto evaluate = [&](std::vector<NetworkProvider> roster) {
    AdequacyRequest request;
    request.roster = std::move(roster);
    request.specialty_codes = {"S03"};
    request.travel.mode = TravelMode::kDrive;
    std::vector<CountySpecialtyResult> results;
    auto summary = EvaluateAdequacy(*region, &drive, *standards_, telehealth_, request,
                                    [&](const CountySpecialtyResult& r) {
                                      results.push_back(r);
                                      return true;
                                    });
    EXPECT_TRUE(summary.ok()) << summary.status();
    EXPECT_EQ(results.size(), 1u);
    return results.empty() ? CountySpecialtyResult{} : results[0];
  };
  const CountySpecialtyResult both = evaluate({fast, slow});
  EXPECT_DOUBLE_EQ(both.share_with_access, 1.0);
  EXPECT_TRUE(both.time_distance_pass);
  EXPECT_EQ(both.providers_serving, 1);  // S only: F's route is within time but too long
  const CountySpecialtyResult fast_only = evaluate({fast});
  EXPECT_DOUBLE_EQ(fast_only.share_with_access, 0.0);
  EXPECT_EQ(fast_only.providers_serving, 0);
  const CountySpecialtyResult slow_only = evaluate({slow});
  EXPECT_DOUBLE_EQ(slow_only.share_with_access, 1.0);
  EXPECT_EQ(slow_only.providers_serving, 1);
}

}  // namespace
}  // namespace carereach::access
