#include "geo/io/county_boundaries.h"

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/data_dir.h"
#include "tests/geo/io/shapefile_writer.h"
#include "tests/status_matchers.h"

namespace carereach::io {
namespace {

using ::carereach::testing_util::StatusIs;
using ::testing::HasSubstr;

TEST(CountyBoundariesRealDataTest, ReadsTheCensusCartographicBoundaryFile) {
  LoadReport report;
  absl::StatusOr<std::vector<CountyBoundary>> counties =
      LoadCountyBoundaries(testing_util::DataDir() + "/counties/cb_2020_us_county_5m.shp", &report);
  ASSERT_TRUE(counties.ok()) << counties.status();
  EXPECT_EQ(report.rows, 3234);
  EXPECT_EQ(report.loaded + static_cast<int64_t>(report.skipped.size()), report.rows);
  EXPECT_EQ(report.skipped.size(), 0u) << report.Summary();
  int michigan = 0;
  const CountyBoundary* wayne = nullptr;
  const CountyBoundary* honolulu = nullptr;
  const CountyBoundary* charlevoix = nullptr;
  for (const CountyBoundary& c : *counties) {
    if (c.fips.substr(0, 2) == "26") {
      ++michigan;
      EXPECT_EQ(c.state, "MI") << c.fips;
    }
    if (c.fips == "26163") wayne = &c;
    if (c.fips == "15003") honolulu = &c;
    if (c.fips == "26029") charlevoix = &c;
  }
  EXPECT_EQ(michigan, 83);
  ASSERT_NE(wayne, nullptr);
  EXPECT_EQ(wayne->name, "Wayne County");
  for (const auto& ring : wayne->rings) {
    for (const geo::LonLat& p : ring) {
      EXPECT_GT(p.lon, -83.6);
      EXPECT_LT(p.lon, -82.8);
      EXPECT_GT(p.lat, 42.0);
      EXPECT_LT(p.lat, 42.5);
    }
  }
  ASSERT_NE(honolulu, nullptr);  // O'ahu only, in this file
  for (const auto& ring : honolulu->rings) {
    for (const geo::LonLat& p : ring) {
      EXPECT_GT(p.lon, -158.3);
      EXPECT_LT(p.lon, -157.6);
    }
  }
  ASSERT_NE(charlevoix, nullptr);
  EXPECT_GE(charlevoix->rings.size(), 2u);  // the mainland and Beaver Island at least
}

TEST(CountyBoundariesTest, SkipsBadRecordsAndSaysWhich) {
  const std::string path = testing_util::WriteSquareCounties(
      "squares", {{"01001", -86.5, 32.4}, {"1x", -86.0, 32.0}, {"01003", 200.0, 30.0}});
  LoadReport report;
  absl::StatusOr<std::vector<CountyBoundary>> counties = LoadCountyBoundaries(path, &report);
  ASSERT_TRUE(counties.ok()) << counties.status();
  ASSERT_EQ(counties->size(), 1u);
  EXPECT_EQ((*counties)[0].fips, "01001");
  ASSERT_EQ((*counties)[0].rings.size(), 1u);
  EXPECT_EQ((*counties)[0].rings[0].size(), 5u);
  EXPECT_EQ(report.rows, 3);
  EXPECT_EQ(report.loaded, 1);
  ASSERT_EQ(report.skipped.size(), 2u);
  EXPECT_EQ(report.skipped[0].line, 2);
  EXPECT_THAT(report.skipped[0].message, HasSubstr("GEOID \"1x\" is not 5 digits"));
  EXPECT_EQ(report.skipped[1].line, 3);
  EXPECT_THAT(report.skipped[1].message, HasSubstr("01003"));
  EXPECT_THAT(report.skipped[1].message, HasSubstr("is not a lon/lat"));
}

TEST(CountyBoundariesTest, MissingFilesAndFieldsAreErrors) {
  EXPECT_THAT(LoadCountyBoundaries(::testing::TempDir() + "/no-such.shp", nullptr),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("no-such.shp")));
  const std::string path =
      testing_util::WriteSquareCounties("nogeoid", {{"01001", -86.5, 32.4}}, /*with_geoid=*/false);
  EXPECT_THAT(LoadCountyBoundaries(path, nullptr),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("no GEOID field")));
}

}  // namespace
}  // namespace carereach::io
