#ifndef CAREREACH_TESTS_GEO_IO_CMS_TEST_UTIL_H_
#define CAREREACH_TESTS_GEO_IO_CMS_TEST_UTIL_H_

// What cms_test (the small fixture files) and cms_real_data_test (the real CY2026 files) share:
// the load reports' order, the designations as ints and a matcher of one skipped row.

#include <cstdint>
#include <string>

#include "geo/io/cms.h"
#include "geo/io/load_report.h"
#include "gmock/gmock.h"

namespace carereach::io::cms_test_util {

enum Report { kDesignations, kCriteria, kRatios, kStandards, kCon };

constexpr int kLargeMetro = static_cast<int>(CountyDesignation::kLargeMetro);
constexpr int kMetro = static_cast<int>(CountyDesignation::kMetro);
constexpr int kRural = static_cast<int>(CountyDesignation::kRural);

inline auto Issue(int64_t line, const std::string& message_part) {
  return ::testing::AllOf(
      ::testing::Field("line", &RowIssue::line, line),
      ::testing::Field("message", &RowIssue::message, ::testing::HasSubstr(message_part)));
}

}  // namespace carereach::io::cms_test_util

#endif  // CAREREACH_TESTS_GEO_IO_CMS_TEST_UTIL_H_
