#include "server/store/paging.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "tests/status_matchers.h"

namespace carereach::store {
namespace {

using ::carereach::testing_util::StatusIs;
using ::testing::ElementsAre;
using ::testing::Eq;

TEST(PagingTest, TheStoreTakesTheDefaultForZeroAndClampsLargeSizes) {
  EXPECT_EQ(*EffectivePageSize(0), kDefaultPageSize);
  EXPECT_EQ(*EffectivePageSize(0), 100);
  EXPECT_EQ(*EffectivePageSize(7), 7);
  EXPECT_EQ(*EffectivePageSize(kMaxPageSize), 1000);
  EXPECT_EQ(*EffectivePageSize(kMaxPageSize + 1), kMaxPageSize);
  EXPECT_THAT(EffectivePageSize(-1), StatusIs(absl::StatusCode::kInvalidArgument,
                                              Eq("page_size: must be >= 0 (0 = default), got -1")));
}

TEST(PagingTest, AWireRequestOutsideTheLimitIsRefusedNotClamped) {
  absl::StatusOr<PageRequest> page = ReadPageRequest(0, "");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->size, kDefaultPageSize);
  EXPECT_EQ(page->after, "");
  EXPECT_EQ(ReadPageRequest(kMaxPageSize, "")->size, kMaxPageSize);
  EXPECT_THAT(ReadPageRequest(1001, ""), StatusIs(absl::StatusCode::kInvalidArgument,
                                                  Eq("page_size: 1001 is outside [0, 1000]")));
  EXPECT_THAT(ReadPageRequest(-1, ""), StatusIs(absl::StatusCode::kInvalidArgument,
                                                Eq("page_size: -1 is outside [0, 1000]")));
}

TEST(PagingTest, TokensRoundTripTheKeyToContinueAfter) {
  EXPECT_EQ(PageTokenAfter(""), "");  // the last page has no next token
  for (const std::string& after :
       std::vector<std::string>{"net-7", "a:b", "rpt_00000000000000ff", std::string("\0x", 2)}) {
    const std::string token = PageTokenAfter(after);
    EXPECT_NE(token, after);  // opaque
    absl::StatusOr<PageRequest> page = ReadPageRequest(3, token);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->after, after);
    EXPECT_EQ(page->size, 3);
  }
}

TEST(PagingTest, ForeignTokensAreRefused) {
  const auto refused = StatusIs(absl::StatusCode::kInvalidArgument,
                                Eq("page_token: not a token this service issued"));
  EXPECT_THAT(ReadPageRequest(0, "!!!"), refused);                                 // not base64
  EXPECT_THAT(ReadPageRequest(0, absl::WebSafeBase64Escape("x:net")), refused);    // other prefix
  EXPECT_THAT(ReadPageRequest(0, absl::WebSafeBase64Escape("v1:3:00")), refused);  // detail token
  // The page size is checked first.
  EXPECT_THAT(ReadPageRequest(-5, "!!!"), StatusIs(absl::StatusCode::kInvalidArgument,
                                                   Eq("page_size: -5 is outside [0, 1000]")));
}

TEST(PagingTest, EndPageDropsTheLookAheadItemAndNamesWhereToContinue) {
  auto key = [](const std::string& item) { return item; };
  std::vector<std::string> items = {"a", "b", "c"};
  EXPECT_EQ(EndPage(items, 2, key), "b");
  EXPECT_THAT(items, ElementsAre("a", "b"));
  // An exactly full last page, and a short one, end without a key.
  EXPECT_EQ(EndPage(items, 2, key), "");
  EXPECT_THAT(items, ElementsAre("a", "b"));
  EXPECT_EQ(EndPage(items, 5, key), "");
  std::vector<std::string> none;
  EXPECT_EQ(EndPage(none, 1, key), "");
}

}  // namespace
}  // namespace carereach::store
