// QuoteForError and the string byte limits (server/rpc/limits.h).
#include "server/rpc/limits.h"

#include <string>

#include "carereach/v1/access.pb.h"
#include "carereach/v1/networks.pb.h"
#include "gtest/gtest.h"

namespace carereach::rpc {
namespace {

TEST(QuoteForErrorTest, ShortValuesAreQuotedWhole) {
  EXPECT_EQ(QuoteForError("bike"), "\"bike\"");
  EXPECT_EQ(QuoteForError(""), "\"\"");
  EXPECT_EQ(QuoteForError("a\"b\n"), "\"a\\\"b\\n\"");
}

TEST(QuoteForErrorTest, LongValuesAreCutAt100BytesWithTheirSize) {
  const std::string quoted = QuoteForError(std::string(20 << 10, 'x'));
  EXPECT_EQ(quoted, "\"" + std::string(100, 'x') + "\"... (20480 bytes)");
}

TEST(QuoteForErrorTest, TheCutNeverSplitsAUtf8Character) {
  // 99 ASCII bytes, then "é" (2 bytes) straddling byte 100: the cut falls before it.
  const std::string value = std::string(99, 'a') + "\xc3\xa9" + "zzz";
  EXPECT_EQ(QuoteForError(value), "\"" + std::string(99, 'a') + "\"... (104 bytes)");
  // Escaped output is ASCII whatever the input.
  for (char c : QuoteForError(std::string(300, '\xff'))) {
    EXPECT_LT(static_cast<unsigned char>(c), 0x80);
  }
}

TEST(StringLimitsTest, LimitsByFieldName) {
  EXPECT_EQ(MaxStringBytes("id"), kMaxIdBytes);
  EXPECT_EQ(MaxStringBytes("network_id"), kMaxIdBytes);
  EXPECT_EQ(MaxStringBytes("remove_provider_ids"), kMaxIdBytes);
  EXPECT_EQ(MaxStringBytes("county_fips"), kMaxCodeBytes);
  EXPECT_EQ(MaxStringBytes("specialty_codes"), kMaxCodeBytes);
  EXPECT_EQ(MaxStringBytes("name"), kMaxNameBytes);
  EXPECT_EQ(MaxStringBytes("report_title"), kMaxNameBytes);
  EXPECT_EQ(MaxStringBytes("description"), kMaxTextBytes);
  EXPECT_EQ(MaxStringBytes("note"), kMaxTextBytes);
  EXPECT_EQ(MaxStringBytes("label"), kMaxIdBytes);
  EXPECT_EQ(MaxStringBytes("type"), kMaxOtherBytes);
  EXPECT_EQ(MaxStringBytes("page_token"), kMaxOtherBytes);
}

TEST(StringLimitsTest, NestedAndRepeatedFieldsAreNamedByPath) {
  v1::CreateNetworkRequest r;
  r.set_network_id("n");
  r.add_providers()->set_id("a");
  r.add_providers()->set_type(std::string(257, 't'));
  const absl::Status s = CheckStringLimits(r, "");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "providers[1].type: 257 bytes, at most 256");
  EXPECT_EQ(CheckStringLimits(r.providers(1), "rows[3]").message(),
            "rows[3].type: 257 bytes, at most 256");
  r.mutable_providers(1)->set_type(std::string(256, 't'));
  EXPECT_TRUE(CheckStringLimits(r, "").ok());
}

TEST(StringLimitsTest, SingularMessagesAndDeepElementsAreNamedByPath) {
  v1::ComputeCoverageRequest r;
  for (int i = 0; i < 3; ++i) r.add_facilities()->set_id("f");
  r.mutable_unit_detail()->set_page_token(std::string(257, 'p'));
  EXPECT_EQ(CheckStringLimits(r, "").message(), "unit_detail.page_token: 257 bytes, at most 256");
  r.mutable_unit_detail()->clear_page_token();
  r.mutable_facilities(2)->set_id(std::string(129, 'i'));
  EXPECT_EQ(CheckStringLimits(r, "request").message(),
            "request.facilities[2].id: 129 bytes, at most 128");
  r.mutable_facilities(2)->set_id(std::string(128, 'i'));
  EXPECT_TRUE(CheckStringLimits(r, "request").ok());
}

}  // namespace
}  // namespace carereach::rpc
