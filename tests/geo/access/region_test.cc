#include "geo/access/region.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace carereach::access {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;
using testing_util::StatusIs;

std::vector<io::PopulationUnit> Units() {
  return {
      {"26163000100", "26163", 100, {-83.0, 42.3}},
      {"26125000100", "26125", 50, {-83.2, 42.6}},
      {"26163000200", "26163", 0, {-83.1, 42.4}},
      {"15003000100", "15003", 7, {-157.8, 21.3}},
  };
}

std::vector<io::CountyRecord> Counties() {
  return {{"26163", "MI", "Wayne County", 100, 1.0}, {"26125", "MI", "Oakland County", 50, 1.0}};
}

TEST(RegionTest, SelectsAStateOrderedByGeoidWithCountiesGrouped) {
  auto region = BuildRegion("mi", "Michigan", "t.txt", {.state_fips = {"26"}}, Units(), Counties());
  ASSERT_TRUE(region.ok()) << region.status();
  ASSERT_EQ(region->units.size(), 3u);
  EXPECT_EQ(region->units[0].id, "26125000100");
  EXPECT_EQ(region->total_population, 150);
  ASSERT_EQ(region->counties.size(), 2u);
  EXPECT_EQ(region->counties[0].fips, "26125");
  EXPECT_EQ(region->counties[0].name, "Oakland County");
  EXPECT_EQ(region->counties[1].state, "MI");
  EXPECT_THAT(region->unit_county, ElementsAre(0, 1, 1));
}

TEST(RegionTest, SelectsCountiesAndAll) {
  auto one = BuildRegion("hnl", "", "", {.county_fips = {"15003"}}, Units(), Counties());
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->total_population, 7);
  EXPECT_EQ(one->counties[0].name, "");  // not in the county table: reported as unnamed
  auto all = BuildRegion("us", "", "", {.all_units = true}, Units(), Counties());
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->units.size(), 4u);
  EXPECT_EQ(all->counties.size(), 3u);
}

// The region's total is summed with overflow checks (every other population sum is a part of
// it), and a negative population, which would void that bound, is refused.
TEST(RegionTest, PopulationsThatOverflowOrAreNegativeAreRefused) {
  std::vector<io::PopulationUnit> units = Units();
  units[0].population = int64_t{1} << 62;
  units[1].population = int64_t{1} << 62;
  EXPECT_THAT(BuildRegion("mi", "", "", {.state_fips = {"26"}}, units, Counties()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("region mi: population: adding 4611686018427387904 to")));
  units = Units();
  units[2].population = -1;
  EXPECT_THAT(BuildRegion("mi", "", "", {.state_fips = {"26"}}, units, Counties()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unit 26163000200 has a negative population -1")));
}

TEST(RegionTest, ATypoIsAnErrorNotAnEmptyRegion) {
  EXPECT_THAT(BuildRegion("x", "", "", {.county_fips = {"26999"}}, Units(), Counties()),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("county_fips \"26999\" has no population units")));
  EXPECT_THAT(BuildRegion("x", "", "", {.state_fips = {"2"}}, Units(), Counties()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is not 2 digits")));
  EXPECT_THAT(BuildRegion("x", "", "", {}, Units(), Counties()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("either all_units")));
  EXPECT_THAT(
      BuildRegion("x", "", "", {.state_fips = {"26"}, .all_units = true}, Units(), Counties()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("either all_units")));
}

}  // namespace
}  // namespace carereach::access
