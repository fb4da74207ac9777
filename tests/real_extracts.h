#ifndef CAREREACH_TESTS_REAL_EXTRACTS_H_
#define CAREREACH_TESTS_REAL_EXTRACTS_H_

#include <string>

#include "gtest/gtest.h"

namespace carereach::testing_util {

// The three OpenStreetMap county extracts in $CAREREACH_DATA/roads, with the county each covers.
struct RoadExtract {
  const char* name;
  const char* county_fips;
  const char* file;  // under roads/
};

inline constexpr RoadExtract kRoadExtracts[] = {
    {"honolulu", "15003", "honolulu-county-hi-2016.osm.pbf"},
    {"imperial", "06025", "imperial-county-ca.osm.pbf"},
    {"yuba", "06115", "yuba-county-ca.osm.pbf"}};

// Test names by extract name (for INSTANTIATE_TEST_SUITE_P).
inline std::string RoadExtractName(const testing::TestParamInfo<RoadExtract>& info) {
  return info.param.name;
}

}  // namespace carereach::testing_util

#endif  // CAREREACH_TESTS_REAL_EXTRACTS_H_
