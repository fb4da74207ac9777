#include "geo/io/telehealth.h"

#include "gtest/gtest.h"

namespace carereach::io {
namespace {

TEST(TelehealthTest, ReadsTheSpecialtyCodeColumn) {
  auto codes =
      ParseTelehealthEligible("name,specialty_code\nCardiology,011\nBlank,\nENT,014\n", "t.csv");
  ASSERT_TRUE(codes.ok()) << codes.status();
  EXPECT_EQ(codes->size(), 2u);
  EXPECT_TRUE(codes->contains("011"));
  EXPECT_TRUE(codes->contains("014"));
}

TEST(TelehealthTest, NeedsTheColumn) {
  auto codes = ParseTelehealthEligible("code\n011\n", "t.csv");
  ASSERT_FALSE(codes.ok());
  EXPECT_EQ(codes.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(codes.status().message(), "t.csv: missing column specialty_code");
}

TEST(TelehealthTest, TheShippedListParses) {
  auto codes = ParseTelehealthEligible(DefaultTelehealthEligibleCsv(), "default");
  ASSERT_TRUE(codes.ok()) << codes.status();
  EXPECT_FALSE(codes->empty());
}

}  // namespace
}  // namespace carereach::io
