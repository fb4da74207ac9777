#ifndef CAREREACH_TESTS_GEO_ACCESS_MICHIGAN_FIXTURE_H_
#define CAREREACH_TESTS_GEO_ACCESS_MICHIGAN_FIXTURE_H_

// Real data shared by a test suite: Michigan's 2020 Census tracts (with county names) and the
// 7,634 open HIFLD hospitals of the whole country, loaded once per suite.

#include <filesystem>
#include <string>
#include <vector>

#include "geo/access/coverage.h"
#include "geo/access/region.h"
#include "gtest/gtest.h"
#include "tests/data_dir.h"
#include "tests/real_data.h"

namespace carereach::access {

class MichiganHospitalsTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string dir = testing_util::DataDir();
    ASSERT_TRUE(std::filesystem::exists(dir)) << "real data directory missing: " << dir;
    auto region = testing_util::LoadRealRegion(dir, "michigan", {.state_fips = {"26"}});
    ASSERT_TRUE(region.ok()) << region.status();
    michigan_ = new Region(*std::move(region));
    auto hospitals = testing_util::LoadOpenHifldHospitals(dir);
    ASSERT_TRUE(hospitals.ok()) << hospitals.status();
    hospitals_ = new std::vector<Facility>(*std::move(hospitals));
  }
  static void TearDownTestSuite() {
    delete michigan_;
    delete hospitals_;
    michigan_ = nullptr;
    hospitals_ = nullptr;
  }
  static inline Region* michigan_ = nullptr;
  static inline std::vector<Facility>* hospitals_ = nullptr;
};

}  // namespace carereach::access

#endif  // CAREREACH_TESTS_GEO_ACCESS_MICHIGAN_FIXTURE_H_
