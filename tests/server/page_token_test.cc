#include "server/rpc/page_token.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/status_matchers.h"

namespace carereach::rpc {
namespace {

using testing::HasSubstr;
using testing_util::StatusIs;

TEST(PageTokenTest, RoundTripsTheOffset) {
  const uint64_t fp = Fingerprint("request bytes");
  auto offset = DecodePageToken(EncodePageToken(12345, fp), fp);
  ASSERT_TRUE(offset.ok());
  EXPECT_EQ(*offset, 12345);
}

TEST(PageTokenTest, FingerprintIsStableAndSensitive) {
  EXPECT_EQ(Fingerprint("abc"), Fingerprint("abc"));
  EXPECT_NE(Fingerprint("abc"), Fingerprint("abd"));
  EXPECT_EQ(Fingerprint(""), 14695981039346656037ull);  // FNV-1a offset basis
}

TEST(PageTokenTest, RejectsTokensOfOtherRequestsAndGarbage) {
  const std::string token = EncodePageToken(10, Fingerprint("a"));
  EXPECT_THAT(DecodePageToken(token, Fingerprint("b")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("different request")));
  EXPECT_THAT(DecodePageToken("!!!", 1),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unit_detail.page_token")));
  EXPECT_THAT(DecodePageToken("djE6LTU6MDA", 1),  // "v1:-5:00": negative offset
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a token")));
}

TEST(PageTokenTest, OnlyTheExactBytesTheServerWritesAreAToken) {
  const uint64_t fp = Fingerprint("request bytes");
  const std::string hex = absl::StrFormat("%016x", fp);
  ASSERT_TRUE(DecodePageToken(absl::WebSafeBase64Escape("v1:5:" + hex), fp).ok());
  for (const char* offset : {" 5", "+5", "05", "5 "}) {
    EXPECT_THAT(
        DecodePageToken(absl::WebSafeBase64Escape(absl::StrCat("v1:", offset, ":", hex)), fp),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a token")))
        << "offset '" << offset << "'";
  }
  EXPECT_THAT(DecodePageToken(absl::WebSafeBase64Escape("v1:5:" + absl::AsciiStrToUpper(hex)), fp),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a token")));
}

}  // namespace
}  // namespace carereach::rpc
