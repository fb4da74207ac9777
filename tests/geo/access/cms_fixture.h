#ifndef CAREREACH_TESTS_GEO_ACCESS_CMS_FIXTURE_H_
#define CAREREACH_TESTS_GEO_ACCESS_CMS_FIXTURE_H_

// The tiny CMS standards fixture (tests/fixtures/cms_small) over a four-tract equator region,
// shared by the adequacy, recommendation and alliance tests:
//   01001 West (Metro, 90 %, 1,000 beneficiaries): A at lon 0.1 (1,000 people), B at 0.5 (2,000);
//   01003 East (Rural, 85 %, 2,000 beneficiaries): C at lon 1.0 (800), D at 1.6 (200).
// Standards and minimum numbers are in the fixture's CSVs (see each test for those it uses).

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "geo/access/adequacy.h"
#include "geo/access/region.h"
#include "geo/io/cms.h"
#include "gtest/gtest.h"

namespace carereach::access {

class CmsFixtureTest : public testing::Test {
 protected:
  void SetUp() override {
    std::vector<io::LoadReport> reports;
    auto set =
        io::StandardsSet::Load(std::string(CAREREACH_SOURCE_DIR) + "/tests/fixtures/cms_small",
                               "test-standards", &reports);
    ASSERT_TRUE(set.ok()) << set.status();
    standards_ = std::make_unique<io::StandardsSet>(*std::move(set));
    auto region = BuildRegion("eq", "", "", {.state_fips = {"01"}},
                              {{"01001000100", "01001", 1000, {0.1, 0}},
                               {"01001000200", "01001", 2000, {0.5, 0}},
                               {"01003000100", "01003", 800, {1.0, 0}},
                               {"01003000200", "01003", 200, {1.6, 0}}},
                              {});
    ASSERT_TRUE(region.ok());
    region_ = *std::move(region);
    auto telehealth = ParseTelehealthEligible(DefaultTelehealthEligibleCsv(), "telehealth.csv");
    ASSERT_TRUE(telehealth.ok());
    telehealth_ = *telehealth;
  }

  std::unique_ptr<io::StandardsSet> standards_;
  Region region_;
  absl::flat_hash_set<std::string> telehealth_;
};

}  // namespace carereach::access

#endif  // CAREREACH_TESTS_GEO_ACCESS_CMS_FIXTURE_H_
