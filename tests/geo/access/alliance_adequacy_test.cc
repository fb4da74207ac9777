// Alliance adequacy (EvaluateAllianceAdequacy) and a roster of one (EvaluateNetworkAdequacy).
#include <functional>
#include <string>
#include <vector>

#include "geo/access/alliance.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/geo/access/cms_fixture.h"
#include "tests/status_matchers.h"

namespace carereach::access {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;
using testing::IsEmpty;
using testing_util::StatusIs;

// ---------------------------------------------------------------------------------------------
// Adequacy, on the cms_small fixture (see adequacy_test.cc): two equator counties,
//   01001 West, Metro (90 %): A lon 0.1 (1,000 people), B lon 0.5 (2,000);
//   01003 East, Rural (85 %): C lon 1.0 (800), D lon 1.6 (200).
// S03 standards: West 15 min / 10 mi, minimum 2 providers; East 40 min / 30 mi, minimum 1.
// Travel model 1 mile = 1 minute, so reach = min(minutes, miles).

class AllianceAdequacyTest : public CmsFixtureTest {
 protected:
  AllianceAdequacyRequest Request(std::vector<std::string> names,
                                  std::vector<std::vector<NetworkProvider>> rosters,
                                  std::vector<std::string> codes = {}) {
    AllianceAdequacyRequest request;
    request.member_names = std::move(names);
    request.member_rosters = std::move(rosters);
    request.base.specialty_codes = std::move(codes);
    request.base.travel.straight_line = {.circuity_factor = 1.0, .speed_mph = 60};
    request.base.include_uncovered_units = true;
    return request;
  }

  absl::StatusOr<AllianceAdequacySummary> Evaluate(const AllianceAdequacyRequest& request,
                                                   std::vector<AllianceAdequacyRow>* rows) {
    return EvaluateAllianceAdequacy(region_, nullptr, *standards_, telehealth_, request,
                                    [&](const AllianceAdequacyRow& r) {
                                      rows->push_back(r);
                                      return true;
                                    });
  }
};

TEST_F(AllianceAdequacyTest, UnionPassesEachAloneFailsAndOneMemberIsCritical) {
  // Primary care: X at lon 0.1 (reaches A only: 1/3 of West), Y and Z at lon 0.5 (B only: 2/3).
  // Union: West 100 % with 3 providers serving (minimum 2): pass. Alone: 1/3, 2/3, 2/3: fail.
  // Without X: 2/3, fail, so X is critical; without Y (X+Z) or Z (X+Y): 100 %, 2 providers,
  // pass. East: C is 34.6 miles from lon 0.5, beyond 30: every roster fails there.
  const AllianceAdequacyRequest request =
      Request({"X", "Y", "Z"},
              {{{.id = "pcp-x", .specialty_code = "001", .location = {0.1, 0}}},
               {{.id = "pcp-y", .specialty_code = "002", .location = {0.5, 0}}},
               {{.id = "pcp-z", .specialty_code = "S03", .location = {0.5, 0}}}},
              {"S03"});
  std::vector<AllianceAdequacyRow> rows;
  auto summary = Evaluate(request, &rows);
  ASSERT_TRUE(summary.ok()) << summary.status();
  ASSERT_EQ(rows.size(), 2u);
  const AllianceAdequacyRow& west = rows[0];
  EXPECT_EQ(west.alliance.county->fips, "01001");
  EXPECT_DOUBLE_EQ(west.alliance.share_with_access, 1.0);
  EXPECT_EQ(west.alliance.counted, 3);
  EXPECT_TRUE(west.alliance.pass);
  EXPECT_THAT(west.alone_pass, ElementsAre(false, false, false));
  EXPECT_THAT(west.without_pass, ElementsAre(false, true, true));
  EXPECT_THAT(west.without_share, ElementsAre(2.0 / 3.0, 1.0, 1.0));
  EXPECT_THAT(west.critical_members, ElementsAre(0));

  const AllianceAdequacyRow& east = rows[1];
  EXPECT_EQ(east.alliance.county->fips, "01003");
  EXPECT_FALSE(east.alliance.pass);
  EXPECT_THAT(east.alliance.uncovered_unit_ids, ElementsAre("01003000100", "01003000200"));
  EXPECT_THAT(east.alone_pass, ElementsAre(false, false, false));
  EXPECT_THAT(east.without_pass, ElementsAre(false, false, false));
  EXPECT_THAT(east.critical_members, IsEmpty());  // nothing to lose in a failing row

  EXPECT_EQ(summary->alliance.results, 2);
  EXPECT_EQ(summary->alliance.failing_results, 1);
  EXPECT_THAT(summary->alone_passing, ElementsAre(0, 0, 0));
  EXPECT_THAT(summary->without_passing, ElementsAre(0, 1, 1));
}

TEST_F(AllianceAdequacyTest, RowsAreTheUnionRostersResultsInTheSameOrder) {
  // Hospitals in beds, a dermatologist shared by both members (counts once), telehealth from
  // one member crediting the union.
  const std::vector<std::vector<NetworkProvider>> rosters = {
      {{.id = "h1", .specialty_code = "040", .location = {0.3, 0}, .beds = 1},
       {.id = "derm", .specialty_code = "011", .location = {0.3, 0}},
       {.id = "pcp1", .specialty_code = "003", .location = {1.0, 0}, .telehealth = true}},
      {{.id = "h2", .specialty_code = "040", .location = {1.2, 0}, .beds = 2},
       {.id = "derm", .specialty_code = "011", .location = {0.3, 0}},
       {.id = "pcp2", .specialty_code = "001", .location = {0.2, 0}}},
  };
  const AllianceAdequacyRequest request = Request({"north", "south"}, rosters);
  std::vector<AllianceAdequacyRow> rows;
  auto summary = Evaluate(request, &rows);
  ASSERT_TRUE(summary.ok()) << summary.status();

  AdequacyRequest plain = request.base;
  for (const auto& roster : rosters)
    plain.roster.insert(plain.roster.end(), roster.begin(), roster.end());
  std::vector<CountySpecialtyResult> want;
  auto plain_summary = EvaluateAdequacy(region_, nullptr, *standards_, telehealth_, plain,
                                        [&](const CountySpecialtyResult& r) {
                                          want.push_back(r);
                                          return true;
                                        });
  ASSERT_TRUE(plain_summary.ok());
  ASSERT_EQ(rows.size(), want.size());
  ASSERT_EQ(rows.size(), 6u);  // 2 counties x 3 types
  int alone_passing[2] = {0, 0};
  for (size_t i = 0; i < rows.size(); ++i) {
    const CountySpecialtyResult& got = rows[i].alliance;
    SCOPED_TRACE(got.county->fips + " " + got.specialty->code);
    EXPECT_EQ(got.county, want[i].county);
    EXPECT_EQ(got.specialty, want[i].specialty);
    EXPECT_DOUBLE_EQ(got.share_with_access, want[i].share_with_access);
    EXPECT_DOUBLE_EQ(got.counted, want[i].counted);
    EXPECT_EQ(got.telehealth_credit, want[i].telehealth_credit);
    EXPECT_EQ(got.pass, want[i].pass);
    EXPECT_EQ(got.uncovered_unit_ids, want[i].uncovered_unit_ids);
    for (int m = 0; m < 2; ++m) {
      // Fewer providers never pass where more fail.
      EXPECT_TRUE(got.pass || !rows[i].alone_pass[m]);
      EXPECT_TRUE(got.pass || !rows[i].without_pass[m]);
      EXPECT_LE(rows[i].without_share[m], got.share_with_access + 1e-12);
      alone_passing[m] += rows[i].alone_pass[m];
      // With two members, "without one" is the other alone.
      EXPECT_EQ(rows[i].without_pass[m], rows[i].alone_pass[1 - m]);
    }
  }
  EXPECT_EQ(summary->alliance.failing_results, plain_summary->failing_results);
  EXPECT_THAT(summary->alone_passing, ElementsAre(alone_passing[0], alone_passing[1]));
  // 011 West: the shared dermatologist counts once; 040 East: 1 + 2 beds (minimum 3).
  EXPECT_EQ(rows[1].alliance.specialty->code, "011");
  EXPECT_EQ(rows[1].alliance.counted, 1);
  EXPECT_EQ(rows[5].alliance.specialty->code, "040");
  EXPECT_EQ(rows[5].alliance.counted, 3);
  EXPECT_TRUE(rows[5].alliance.minimum_number_pass);
  EXPECT_THAT(rows[5].critical_members, ElementsAre(0, 1));  // neither's beds alone reach 3
  // S03 East: pcp1 covers C (80 %), plus north's telehealth credit: 90 % >= 85 %.
  EXPECT_EQ(rows[3].alliance.specialty->code, "S03");
  EXPECT_DOUBLE_EQ(rows[3].alliance.telehealth_credit, 0.10);
  EXPECT_TRUE(rows[3].alliance.pass);
  EXPECT_THAT(rows[3].critical_members, ElementsAre(0));
}

TEST_F(AllianceAdequacyTest, StopsWhenTheReaderStops) {
  const AllianceAdequacyRequest request =
      Request({"X", "Y"}, {{{.id = "a", .specialty_code = "001", .location = {0.1, 0}}},
                           {{.id = "b", .specialty_code = "001", .location = {0.5, 0}}}});
  int seen = 0;
  auto summary = EvaluateAllianceAdequacy(region_, nullptr, *standards_, telehealth_, request,
                                          [&](const AllianceAdequacyRow&) { return ++seen < 2; });
  EXPECT_THAT(summary, StatusIs(absl::StatusCode::kCancelled, HasSubstr("stopped reading")));
  EXPECT_EQ(seen, 2);
}

TEST_F(AllianceAdequacyTest, BadRequestsNameTheMemberAndRow) {
  const NetworkProvider ok{.id = "a", .specialty_code = "001", .location = {0.1, 0}};
  std::vector<AllianceAdequacyRow> rows;
  EXPECT_THAT(Evaluate(Request({"X"}, {{ok}}), &rows),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "member_names: an alliance needs at least 2 members"));
  EXPECT_THAT(
      Evaluate(Request({"X", "Y"}, {{ok}}), &rows),
      StatusIs(absl::StatusCode::kInvalidArgument, "member_rosters: 1 rosters for 2 member_names"));
  EXPECT_THAT(Evaluate(Request({"X", ""}, {{ok}, {ok}}), &rows),
              StatusIs(absl::StatusCode::kInvalidArgument, "member_names[1]: is empty"));
  EXPECT_THAT(Evaluate(Request({"X", "Y", "X"}, {{ok}, {ok}, {ok}}), &rows),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "member_names[2]: \"X\" duplicates member_names[0]"));
  EXPECT_THAT(Evaluate(Request({"X", "Y"}, {{ok}, {}}), &rows),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "member_rosters[1].providers: at least one provider is required"));
  EXPECT_THAT(
      Evaluate(
          Request({"X", "Y"},
                  {{ok}, {ok, ok, ok, {.id = "b", .specialty_code = "099", .location = {0, 0}}}}),
          &rows),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          HasSubstr("member_rosters[1].providers[3].specialty_code: \"099\" is not a CMS HSD")));
  EXPECT_THAT(Evaluate(Request({"X", "Y"},
                               {{{.id = "h", .specialty_code = "040", .location = {0, 95}}}, {ok}}),
                       &rows),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "member_rosters[0].providers[0].location.lat: 95 is outside [-90, 90]"));
  AllianceAdequacyRequest request = Request({"X", "Y"}, {{ok}, {ok}});
  request.base.county_fips = {"26163"};
  EXPECT_THAT(Evaluate(request, &rows),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("county_fips[0]: \"26163\" is not a county of region eq")));
  request = Request({"X", "Y"}, {{ok}, {ok}});
  request.base.travel.mode = TravelMode::kDrive;
  EXPECT_THAT(Evaluate(request, &rows),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("no road network")));
  EXPECT_THAT(rows, IsEmpty());  // nothing is emitted before the request is known to be good
}

// A callback that keeps every row.
template <class Row>
std::function<bool(const Row&)> Collect(std::vector<Row>* rows) {
  return [rows](const Row& r) {
    rows->push_back(r);
    return true;
  };
}

TEST_F(AllianceAdequacyTest, ARosterOfOneIsPlainAdequacy) {
  const std::vector<NetworkProvider> roster = {
      {.id = "a", .specialty_code = "001", .location = {0.1, 0}},
      {.id = "b", .specialty_code = "001", .location = {0.5, 0}}};
  AllianceAdequacyRequest request = Request({"X"}, {roster}, {"S03"});
  std::vector<AllianceAdequacyRow> rows;
  auto network =
      EvaluateNetworkAdequacy(region_, nullptr, *standards_, telehealth_, request, Collect(&rows));
  ASSERT_TRUE(network.ok()) << network.status();
  AdequacyRequest plain = request.base;
  plain.roster = roster;
  std::vector<CountySpecialtyResult> results;
  auto summary =
      EvaluateAdequacy(region_, nullptr, *standards_, telehealth_, plain, Collect(&results));
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(network->alliance.results, summary->results);
  EXPECT_EQ(network->alliance.failing_results, summary->failing_results);
  EXPECT_THAT(network->alone_passing, IsEmpty());
  ASSERT_EQ(rows.size(), results.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].alliance.pass, results[i].pass);
    EXPECT_EQ(rows[i].alliance.share_with_access, results[i].share_with_access);
    EXPECT_THAT(rows[i].alone_pass, IsEmpty());
    EXPECT_THAT(rows[i].critical_members, IsEmpty());
  }
  // Roster errors name the plain request's rows.
  request.member_rosters[0][1].specialty_code = "099";
  EXPECT_THAT(
      EvaluateNetworkAdequacy(region_, nullptr, *standards_, telehealth_, request, Collect(&rows)),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("providers[1].specialty_code: \"099\"")));
}

}  // namespace
}  // namespace carereach::access
