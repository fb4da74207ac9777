#include "server/region_catalog.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/server.h"
#include "tests/data_dir.h"
#include "tests/geo/io/shapefile_writer.h"
#include "tests/status_matchers.h"

namespace carereach {
namespace {

using testing::HasSubstr;
using testing_util::StatusIs;

const std::string kFixtures = std::string(CAREREACH_SOURCE_DIR) + "/tests/fixtures/server";
constexpr char kHeader[] =
    "default_population_file: \"census/tracts.txt\"\n"
    "county_table_file: \"census/counties.csv\"\n";

TEST(RegionCatalogTest, SyntaxErrorsNameTheLine) {
  EXPECT_THAT(RegionCatalog::ParseConfig(std::string(kHeader) + "region { name: \"a\"\n bogus: 1 }",
                                         "my.textproto", kFixtures),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("my.textproto: line 4")));
}

TEST(RegionCatalogTest, RejectsDuplicateAndBadNamesAndSelectors) {
  EXPECT_THAT(
      RegionCatalog::ParseConfig(std::string(kHeader) + "region { name: \"a\" all_units: true }\n"
                                                        "region { name: \"a\" all_units: true }",
                                 "c", kFixtures),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("region[1].name: \"a\" is configured twice")));
  EXPECT_THAT(
      RegionCatalog::ParseConfig(
          std::string(kHeader) + "region { name: \"Bad Name\" all_units: true }", "c", kFixtures),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("region[0].name")));
  EXPECT_THAT(
      RegionCatalog::ParseConfig(std::string(kHeader) + "region { name: \"a\" }", "c", kFixtures),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("either all_units")));
  EXPECT_THAT(RegionCatalog::ParseConfig(kHeader, "c", kFixtures),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no region")));
}

TEST(RegionCatalogTest, MissingDataFilesAreNotFoundWithThePath) {
  EXPECT_THAT(RegionCatalog::ParseConfig(
                  std::string(kHeader) +
                      "region { name: \"a\" all_units: true population_file: \"nope.txt\" }",
                  "c", kFixtures),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("nope.txt not found")));
}

TEST(RegionCatalogTest, LoadsAndFindsRegions) {
  auto config = RegionCatalog::ParseConfig(
      std::string(kHeader) + "region { name: \"a\" county_fips: \"01003\" }", "c", kFixtures);
  ASSERT_TRUE(config.ok()) << config.status();
  std::vector<std::string> log;
  auto catalog = RegionCatalog::Load(*config, kFixtures,
                                     [&](std::string_view line) { log.emplace_back(line); });
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  auto region = (*catalog)->Find("a");
  ASSERT_TRUE(region.ok());
  EXPECT_EQ((*region)->total_population, 4000);
  EXPECT_THAT((*catalog)->Find("b"), StatusIs(absl::StatusCode::kNotFound, HasSubstr("a")));
  EXPECT_THAT(log, testing::Contains(HasSubstr("5 rows, 5 loaded, 0 skipped")));
}

TEST(RegionCatalogTest, ACountyTypoIsALoadError) {
  auto config = RegionCatalog::ParseConfig(
      std::string(kHeader) + "region { name: \"a\" county_fips: \"01999\" }", "c", kFixtures);
  ASSERT_TRUE(config.ok());
  EXPECT_THAT(RegionCatalog::Load(*config, kFixtures, [](std::string_view) {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("01999")));
}

TEST(RegionCatalogTest, KeepsEachRegionsCountyOutlinesAndLogsTheMissingOnes) {
  // The file has 01003 and 01001 (and a county of no region); 02001 has no outline.
  const std::string shp = testing_util::WriteSquareCounties(
      "catalog_counties", {{"01003", -87.0, 31.0}, {"01001", -86.5, 32.4}, {"13001", -82.0, 31.7}});
  auto config = RegionCatalog::ParseConfig(
      std::string(kHeader) + "county_boundaries_file: \"" + shp +
          "\"\nregion { name: \"a\" state_fips: \"01\" }\nregion { name: \"b\" county_fips: "
          "\"02001\" }",
      "c", kFixtures);
  ASSERT_TRUE(config.ok()) << config.status();
  std::vector<std::string> log;
  auto catalog = RegionCatalog::Load(*config, kFixtures,
                                     [&](std::string_view line) { log.emplace_back(line); });
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  const auto& a = (*catalog)->CountyOutlines(0);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].fips, "01001");  // in the order of the region's counties
  EXPECT_EQ(a[1].fips, "01003");
  EXPECT_EQ(a[1].rings.size(), 1u);
  EXPECT_TRUE((*catalog)->CountyOutlines(1).empty());
  EXPECT_THAT(log, testing::Contains(HasSubstr("region b: no outline for 1 of its counties")));
  EXPECT_THAT(log, testing::Contains(HasSubstr("02001")));
  EXPECT_THAT(log, testing::Contains(HasSubstr("3 rows, 3 loaded, 0 skipped")));
}

TEST(RegionCatalogTest, WithoutABoundaryFileThereAreNoOutlinesAndAMissingOneIsNotFound) {
  auto config = RegionCatalog::ParseConfig(
      std::string(kHeader) + "region { name: \"a\" county_fips: \"01003\" }", "c", kFixtures);
  ASSERT_TRUE(config.ok());
  auto catalog = RegionCatalog::Load(*config, kFixtures, [](std::string_view) {});
  ASSERT_TRUE(catalog.ok());
  EXPECT_TRUE((*catalog)->CountyOutlines(0).empty());
  EXPECT_THAT(RegionCatalog::ParseConfig(std::string(kHeader) +
                                             "county_boundaries_file: \"counties/none.shp\"\n"
                                             "region { name: \"a\" county_fips: \"01003\" }",
                                         "c", kFixtures),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("county_boundaries_file: ")));
}

// The shipped config parses against the real data directory.
TEST(RegionCatalogTest, ShippedConfigIsValidForTheRealData) {
  auto config =
      RegionCatalog::ParseConfig(DefaultRegionsConfig(), "built-in", testing_util::DataDir());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->region_size(), 6);
}

}  // namespace
}  // namespace carereach
