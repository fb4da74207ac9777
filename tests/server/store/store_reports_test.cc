#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "server/store/store.h"
#include "tests/server/store/store_fixtures.h"
#include "tests/status_matchers.h"

namespace carereach::store {
namespace {

using ::carereach::testing_util::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::SizeIs;

// ---- Reports

TEST_P(StoreTest, ReportsRoundTripWithBinaryBlobs) {
  MakeNetwork("a", {RosterOne()});
  MakeNetwork("b", {RosterOne(), RosterTwo()});
  const std::string request("\x00\x01req\x00\xff", 7);
  const std::string result = std::string("\xff\xfe\x00", 3) + std::string(70000, '\0') + "end";
  ReportRecord input{.report_id = "ignored",
                     .kind = "alliance_coverage",
                     .title = "Members A and B",
                     .created = absl::UnixEpoch(),
                     .networks = {{"a", 1}, {"b", 0}},
                     .region = "15003",
                     .standards_set = "cms-cy2026",
                     .mode = "drive",
                     .request_blob = request,
                     .result_blob = result,
                     .summary = "union 20-min share 0.742"};
  const absl::Time before = NowMicros();
  absl::StatusOr<ReportRecord> saved = store().SaveReport(kTenant, input);
  const absl::Time after = NowMicros();
  ASSERT_TRUE(saved.ok()) << saved.status();
  EXPECT_THAT(saved->report_id, MatchesRegex("rpt_[0-9a-f]{16}"));
  EXPECT_GE(saved->created, before);
  EXPECT_LE(saved->created, after);
  EXPECT_THAT(saved->networks, ElementsAre(NetworkRef{"a", 1}, NetworkRef{"b", 2}));  // resolved

  absl::StatusOr<ReportRecord> got = store().GetReport(kTenant, saved->report_id);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->report_id, saved->report_id);
  EXPECT_EQ(got->kind, "alliance_coverage");
  EXPECT_EQ(got->title, "Members A and B");
  EXPECT_EQ(got->created, saved->created);
  EXPECT_THAT(got->networks, ElementsAre(NetworkRef{"a", 1}, NetworkRef{"b", 2}));
  EXPECT_EQ(got->region, "15003");
  EXPECT_EQ(got->standards_set, "cms-cy2026");
  EXPECT_EQ(got->mode, "drive");
  EXPECT_EQ(got->request_blob.size(), 7u);
  EXPECT_EQ(got->request_blob, request);
  EXPECT_EQ(got->result_blob.size(), 70006u);
  EXPECT_EQ(got->result_blob, result);
  EXPECT_EQ(got->summary, "union 20-min share 0.742");

  // Empty blobs are stored as empty, not NULL.
  absl::StatusOr<ReportRecord> bare = store().SaveReport(kTenant, ReportRecord{.kind = "k"});
  ASSERT_TRUE(bare.ok()) << bare.status();
  EXPECT_NE(bare->report_id, saved->report_id);
  EXPECT_EQ(store().GetReport(kTenant, bare->report_id)->request_blob, "");
  EXPECT_THAT(store().GetReport(kTenant, bare->report_id)->networks, IsEmpty());
}

TEST_P(StoreTest, SaveReportValidatesAndWritesNothingOnError) {
  MakeNetwork("a", {RosterOne()});
  EXPECT_THAT(store().SaveReport(kTenant, ReportRecord{.title = "no kind"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("kind: must not be empty")));
  EXPECT_THAT(
      store().SaveReport(kTenant, ReportRecord{.kind = "k", .networks = {{"a", 1}, {"zz", 1}}}),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("networks[1]: network \"zz\" not found")));
  EXPECT_THAT(store().SaveReport(kTenant, ReportRecord{.kind = "k", .networks = {{"a", 9}}}),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("networks[0]: network \"a\" has no version 9 (latest 1)")));
  EXPECT_THAT(store().SaveReport(kTenant, ReportRecord{.kind = "k", .networks = {{"a b", 1}}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("networks[0].network_id:")));
  EXPECT_THAT(*store().ListReports(kTenant, "", 10, "", nullptr), IsEmpty());
  EXPECT_THAT(store().GetReport(kTenant, "rpt_0000000000000000"),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("report \"rpt_0000000000000000\" not found")));
}

TEST_P(StoreTest, ListReportsNewestFirstWithPagingAndNetworkFilter) {
  MakeNetwork("a", {RosterOne()});
  MakeNetwork("b", {RosterTwo()});
  std::vector<std::string> ids;
  const std::vector<std::vector<NetworkRef>> refs = {
      {{"a", 1}}, {{"b", 1}}, {}, {{"b", 1}, {"a", 1}}};
  for (size_t i = 0; i < refs.size(); ++i) {
    absl::StatusOr<ReportRecord> saved =
        store().SaveReport(kTenant, ReportRecord{.kind = "coverage",
                                                 .title = absl::StrCat("r", i),
                                                 .networks = refs[i],
                                                 .request_blob = "req",
                                                 .result_blob = "res",
                                                 .summary = absl::StrCat("summary ", i)});
    ASSERT_TRUE(saved.ok()) << saved.status();
    ids.push_back(saved->report_id);
  }
  auto titles = [](const std::vector<ReportRecord>& reports) {
    std::vector<std::string> out;
    for (const ReportRecord& r : reports) out.push_back(r.title);
    return out;
  };
  std::string next;
  absl::StatusOr<std::vector<ReportRecord>> page = store().ListReports(kTenant, "", 3, "", &next);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(titles(*page), ElementsAre("r3", "r2", "r1"));
  EXPECT_EQ(next, ids[1]);
  // Listings are light: no blobs, but everything else.
  EXPECT_EQ((*page)[0].request_blob, "");
  EXPECT_EQ((*page)[0].result_blob, "");
  EXPECT_EQ((*page)[0].summary, "summary 3");
  EXPECT_EQ((*page)[0].report_id, ids[3]);
  EXPECT_THAT((*page)[0].networks, ElementsAre(NetworkRef{"b", 1}, NetworkRef{"a", 1}));
  page = store().ListReports(kTenant, "", 3, next, &next);
  EXPECT_THAT(titles(*page), ElementsAre("r0"));
  EXPECT_EQ(next, "");

  page = store().ListReports(kTenant, "a", 0, "", &next);
  EXPECT_THAT(titles(*page), ElementsAre("r3", "r0"));
  page = store().ListReports(kTenant, "b", 1, "", &next);
  EXPECT_THAT(titles(*page), ElementsAre("r3"));
  page = store().ListReports(kTenant, "b", 1, next, &next);
  EXPECT_THAT(titles(*page), ElementsAre("r1"));
  EXPECT_EQ(next, "");
  EXPECT_THAT(*store().ListReports(kTenant, "c", 10, "", nullptr), IsEmpty());
  EXPECT_THAT(store().ListReports(kTenant, "", 10, "rpt_nope", nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("page_after: no report \"rpt_nope\"")));
}

// A save retried with its request id (an analysis sent again after its replica died) answers the
// report the first attempt saved; the same id for another request is refused.
TEST_P(StoreTest, ASaveRetriedWithItsRequestIdAnswersTheFirstReport) {
  MakeNetwork("net", {RosterOne()});
  const ReportRecord record{.kind = "coverage",
                            .networks = {{"net", 0}},
                            .request_blob = std::string("req\0uest", 8),
                            .result_blob = "r1"};
  const absl::StatusOr<ReportRecord> first = store().SaveReport(kTenant, record, "save-1");
  ASSERT_TRUE(first.ok()) << first.status();
  ReportRecord again_record = record;
  again_record.result_blob = "r2";  // recomputed: the first answer is the one kept
  const absl::StatusOr<ReportRecord> again = store().SaveReport(kTenant, again_record, "save-1");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->report_id, first->report_id);
  EXPECT_EQ(again->result_blob, "r1");
  EXPECT_EQ(again->created, first->created);
  EXPECT_THAT(again->networks, ElementsAre(NetworkRef{"net", 1}));
  EXPECT_THAT(*store().ListReports(kTenant, "", 10, "", nullptr), SizeIs(1));

  ReportRecord other = record;
  other.request_blob = "another request";
  EXPECT_THAT(store().SaveReport(kTenant, other, "save-1"),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       HasSubstr("already saved report " + first->report_id)));
  // Ids are per tenant, and no id means a new report every time.
  MakeNetwork("net", {RosterOne()}, kOther);
  EXPECT_TRUE(store().SaveReport(kOther, record, "save-1").ok());
  EXPECT_NE(store().SaveReport(kTenant, record)->report_id, first->report_id);
  EXPECT_THAT(*store().ListReports(kTenant, "", 10, "", nullptr), SizeIs(2));
}

}  // namespace
}  // namespace carereach::store
