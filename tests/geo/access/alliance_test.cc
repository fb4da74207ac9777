#include "geo/access/alliance.h"

#include <cmath>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "geo/core/geodesic.h"
#include "geo/io/census.h"
#include "geo/roads/osm_import.h"
#include "geo/roads/speed_profile.h"
#include "geo/routing/road_network.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/data_dir.h"
#include "tests/geo/access/drawn_region.h"
#include "tests/geo/access/michigan_fixture.h"
#include "tests/geo/roads/ascii_map.h"
#include "tests/real_data.h"
#include "tests/status_matchers.h"

namespace carereach::access {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;
using testing::IsEmpty;
using testing_util::AsciiMap;
using testing_util::StatusIs;

// ---------------------------------------------------------------------------------------------
// Helpers shared by the coverage tests.

// The members' facilities in member order, skipping member `skip` and any id already taken (a
// shared facility appears once), as one plain coverage request would list them.
std::vector<Facility> Concat(const std::vector<AllianceMember>& members, int skip = -1) {
  std::vector<Facility> all;
  std::set<std::string> ids;
  for (int m = 0; m < static_cast<int>(members.size()); ++m) {
    if (m == skip) continue;
    for (const Facility& f : members[m].facilities) {
      if (ids.insert(f.id).second) all.push_back(f);
    }
  }
  return all;
}

// The facility a union travel entry names (an index into the concatenated lists), or null.
const Facility* UnionFacility(const std::vector<AllianceMember>& members, int32_t index) {
  if (index < 0) return nullptr;
  for (const AllianceMember& m : members) {
    if (index < static_cast<int32_t>(m.facilities.size())) return &m.facilities[index];
    index -= static_cast<int32_t>(m.facilities.size());
  }
  return nullptr;
}

std::string UnionFacilityId(const std::vector<AllianceMember>& members, int32_t index) {
  const Facility* f = UnionFacility(members, index);
  return f == nullptr ? "none" : f->id;
}

std::vector<int64_t> Covered(const CoverageSummary& s) {
  std::vector<int64_t> covered;
  for (const ThresholdTotals& t : s.by_threshold) covered.push_back(t.covered_population);
  return covered;
}

void ExpectSameSummary(const CoverageSummary& got, const CoverageSummary& want,
                       const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(got.total_population, want.total_population);
  EXPECT_EQ(got.unit_count, want.unit_count);
  EXPECT_EQ(got.zero_population_units, want.zero_population_units);
  EXPECT_EQ(got.unreached_units, want.unreached_units);
  EXPECT_EQ(got.unreached_population, want.unreached_population);
  EXPECT_EQ(got.unsnapped_units, want.unsnapped_units);
  EXPECT_EQ(got.unsnapped_population, want.unsnapped_population);
  ASSERT_EQ(got.by_threshold.size(), want.by_threshold.size());
  for (size_t k = 0; k < want.by_threshold.size(); ++k) {
    EXPECT_EQ(got.by_threshold[k].covered_population, want.by_threshold[k].covered_population)
        << "threshold " << k;
    EXPECT_EQ(got.by_threshold[k].covered_units, want.by_threshold[k].covered_units);
  }
  ASSERT_EQ(got.counties.size(), want.counties.size());
  for (size_t c = 0; c < want.counties.size(); ++c) {
    for (size_t k = 0; k < want.by_threshold.size(); ++k) {
      EXPECT_EQ(got.counties[c].by_threshold[k].covered_population,
                want.counties[c].by_threshold[k].covered_population)
          << "county " << c << " threshold " << k;
    }
  }
}

CoverageRequest PlainRequest(const AllianceCoverageRequest& alliance,
                             std::vector<Facility> facilities) {
  CoverageRequest r;
  r.facilities = std::move(facilities);
  r.thresholds = alliance.thresholds;
  r.travel = alliance.travel;
  return r;
}

// Checks an alliance answer against plain ComputeCoverage runs: the union over every facility,
// each member alone, and each "without" over the others; then the ordering properties.
void ExpectMatchesPlainCoverage(const Region& region, const DriveRegion* drive,
                                const AllianceCoverageRequest& request,
                                const AllianceCoverageAnswer& answer) {
  const std::vector<AllianceMember>& members = request.members;
  const std::vector<Facility> every_facility = Concat(members);
  auto all = ComputeCoverage(region, drive, PlainRequest(request, every_facility), {});
  ASSERT_TRUE(all.ok()) << all.status();
  ExpectSameSummary(answer.alliance, all->summary, "union");
  ASSERT_EQ(answer.travel.size(), all->travel.size());
  for (size_t i = 0; i < all->travel.size(); ++i) {
    const UnitTravel& got = answer.travel[i];
    const UnitTravel& want = all->travel[i];
    EXPECT_EQ(got.reached(), want.reached()) << region.units[i].id;
    EXPECT_EQ(got.snapped, want.snapped) << region.units[i].id;
    if (!want.reached()) continue;
    EXPECT_DOUBLE_EQ(got.minutes, want.minutes) << region.units[i].id;
    EXPECT_DOUBLE_EQ(got.miles, want.miles) << region.units[i].id;
    const Facility* f = UnionFacility(members, got.facility);
    ASSERT_NE(f, nullptr) << region.units[i].id;
    if (request.travel.mode == TravelMode::kStraightLine) {
      // Co-located facilities tie; any of them must lie at the reported distance.
      EXPECT_NEAR(geo::GeodesicMiles(region.units[i].location, f->location), got.miles, 1e-9);
    } else {
      EXPECT_EQ(f->id, every_facility[want.facility].id) << region.units[i].id;
    }
  }
  ASSERT_EQ(answer.alone.size(), members.size());
  ASSERT_EQ(answer.without.size(), members.size());
  for (size_t m = 0; m < members.size(); ++m) {
    auto alone = ComputeCoverage(region, drive, PlainRequest(request, members[m].facilities), {});
    ASSERT_TRUE(alone.ok()) << alone.status();
    ExpectSameSummary(answer.alone[m], alone->summary, "alone " + members[m].name);
    EXPECT_EQ(answer.unsnapped_facilities[m], alone->unsnapped_facilities);
    auto without = ComputeCoverage(region, drive,
                                   PlainRequest(request, Concat(members, static_cast<int>(m))), {});
    ASSERT_TRUE(without.ok()) << without.status();
    ExpectSameSummary(answer.without[m], without->summary, "without " + members[m].name);
    for (size_t k = 0; k < request.thresholds.size(); ++k) {
      const int64_t alliance = answer.alliance.by_threshold[k].covered_population;
      EXPECT_GE(alliance, answer.alone[m].by_threshold[k].covered_population);
      EXPECT_GE(alliance, answer.without[m].by_threshold[k].covered_population);
      EXPECT_EQ(answer.loss_if_leaves[m][k],
                alliance - answer.without[m].by_threshold[k].covered_population);
      EXPECT_EQ(answer.gain_by_joining[m][k],
                alliance - answer.alone[m].by_threshold[k].covered_population);
      // A fair share is at least what only the member covers, at most what it covers alone.
      EXPECT_GE(answer.fair_share_population[m][k] + 1e-6, answer.loss_if_leaves[m][k]);
      EXPECT_LE(answer.fair_share_population[m][k],
                answer.alone[m].by_threshold[k].covered_population + 1e-6);
    }
  }
  // The fair shares of a threshold add up to the union's covered population.
  ASSERT_EQ(answer.fair_share_population.size(), members.size());
  for (size_t k = 0; k < request.thresholds.size(); ++k) {
    double sum = 0;
    for (size_t m = 0; m < members.size(); ++m) sum += answer.fair_share_population[m][k];
    EXPECT_NEAR(sum, answer.alliance.by_threshold[k].covered_population, 1e-6) << "threshold " << k;
  }
}

// ---------------------------------------------------------------------------------------------
// Straight line, by hand.

// Five units on the equator (one degree of longitude = 69.17 miles), two counties:
//   01001: U1 lon 0.0 (100 people), U2 lon 0.5 (200)
//   01003: U3 lon 1.0 (400), U4 lon 1.5 (800), U5 lon 3.0 (1,600)
Region EquatorRegion() {
  return RegionOnEquator({{"01001", 100, 0.0},
                          {"01001", 200, 0.5},
                          {"01003", 400, 1.0},
                          {"01003", 800, 1.5},
                          {"01003", 1600, 3.0}});
}

// A: a-west (lon 0) and the shared hospital (lon 1); B: the shared hospital and b-east (lon
// 1.5); C: c-far (lon 3).
AllianceCoverageRequest EquatorAlliance() {
  AllianceCoverageRequest r;
  r.members = {
      {"A", {{.id = "a-west", .location = {0.0, 0}}, {.id = "shared", .location = {1.0, 0}}}},
      {"B", {{.id = "shared", .location = {1.0, 0}}, {.id = "b-east", .location = {1.5, 0}}}},
      {"C", {{.id = "c-far", .location = {3.0, 0}}}},
  };
  r.thresholds = {Threshold::Miles(10), Threshold::Miles(40)};
  return r;
}

TEST(AllianceCoverageTest, HandComputedUnionAloneWithoutLossAndGain) {
  // Nearest miles per unit (U1..U5); 0.5 degree = 34.6 miles, 1 degree = 69.2, 1.5 = 103.8:
  //   alone A:   0, 34.6,   0, 34.6, 138.3  -> 10 mi: U1+U3 = 500;  40 mi: U1..U4 = 1,500
  //   alone B: 69.2, 34.6,  0,    0, 103.8  -> 10 mi: U3+U4 = 1,200; 40 mi: U2..U4 = 1,400
  //   alone C: only U5 (0; U4 is 103.8 away) -> 1,600 and 1,600
  //   union:     0, 34.6,   0,    0,     0  -> 10 mi: all but U2 = 2,900; 40 mi: 3,100
  //   without A (B+C): U1 69.2 -> 10: 2,800; 40: 3,000
  //   without B (A+C): U4 34.6 via the shared hospital -> 10: 2,100; 40: 3,100
  //   without C (A+B): U5 103.8 -> 10: 1,300; 40: 1,500
  // loss = union - without; U3 sits on the shared hospital, so neither A nor B loses it.
  const Region region = EquatorRegion();
  const AllianceCoverageRequest request = EquatorAlliance();
  auto answer = ComputeAllianceCoverage(region, nullptr, request, {});
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->alliance.total_population, 3100);
  EXPECT_THAT(Covered(answer->alliance), ElementsAre(2900, 3100));
  ASSERT_EQ(answer->alone.size(), 3u);
  EXPECT_THAT(Covered(answer->alone[0]), ElementsAre(500, 1500));
  EXPECT_THAT(Covered(answer->alone[1]), ElementsAre(1200, 1400));
  EXPECT_THAT(Covered(answer->alone[2]), ElementsAre(1600, 1600));
  ASSERT_EQ(answer->without.size(), 3u);
  EXPECT_THAT(Covered(answer->without[0]), ElementsAre(2800, 3000));
  EXPECT_THAT(Covered(answer->without[1]), ElementsAre(2100, 3100));
  EXPECT_THAT(Covered(answer->without[2]), ElementsAre(1300, 1500));
  EXPECT_THAT(answer->loss_if_leaves,
              ElementsAre(ElementsAre(100, 100), ElementsAre(800, 0), ElementsAre(1600, 1600)));
  EXPECT_THAT(answer->gain_by_joining, ElementsAre(ElementsAre(2400, 1600), ElementsAre(1700, 1700),
                                                   ElementsAre(1300, 1500)));
  // Fair (Shapley) shares: within 10 miles U1 is A's alone, U3 (on the shared hospital) is split
  // between A and B, U4 is B's, U5 is C's: A 100 + 200, B 200 + 800, C 1,600. Within 40 miles
  // U2 and U4 are split too: A 100 + 100 + 200 + 400, B 100 + 200 + 400. Each threshold's shares
  // add up to the union's 2,900 and 3,100.
  EXPECT_THAT(answer->fair_share_population,
              ElementsAre(ElementsAre(300, 800), ElementsAre(1000, 700), ElementsAre(1600, 1600)));
  // County 01003 (U3..U5) within 10 miles: everyone in the union, U5 lost without C.
  EXPECT_EQ(answer->alliance.counties[1].by_threshold[0].covered_population, 2800);
  EXPECT_EQ(answer->without[2].counties[1].by_threshold[0].covered_population, 1200);
  // The union's travel names facilities of the concatenated lists
  // [a-west, shared, shared, b-east, c-far].
  ASSERT_EQ(answer->travel.size(), 5u);
  EXPECT_EQ(answer->travel[0].facility, 0);
  EXPECT_THAT(UnionFacilityId(request.members, answer->travel[2].facility), "shared");
  EXPECT_EQ(answer->travel[3].facility, 3);
  EXPECT_EQ(answer->travel[4].facility, 4);
  EXPECT_NEAR(answer->travel[1].miles, 0.5 * 111319.49079327357 / 1609.344, 1e-9);
  EXPECT_THAT(answer->unsnapped_facilities, ElementsAre(IsEmpty(), IsEmpty(), IsEmpty()));
}

TEST(AllianceCoverageTest, AMemberWhoseFacilitiesAreAllSharedLosesNobody) {
  AllianceCoverageRequest request = EquatorAlliance();
  // D only has the shared hospital, which A and B keep.
  request.members.push_back({"D", {{.id = "shared", .location = {1.0, 0}}}});
  request.thresholds = {Threshold::Miles(1), Threshold::Miles(40), Threshold::Minutes(90)};
  auto answer = ComputeAllianceCoverage(EquatorRegion(), nullptr, request, {});
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_THAT(answer->loss_if_leaves[3], ElementsAre(0, 0, 0));
  // It still covers U3 on its own (400 people within a mile), and so gains the rest.
  EXPECT_THAT(Covered(answer->alone[3]), ElementsAre(400, 1400, 1400));
  EXPECT_EQ(answer->gain_by_joining[3][0], 2900 - 400);
  // Two members sharing the hospital: B's loss within a mile is U4 only (800), not U3.
  EXPECT_EQ(answer->loss_if_leaves[1][0], 800);
}

TEST(AllianceCoverageTest, MatchesPlainCoverageWithMinutesAndMilesThresholds) {
  // Units every 0.05 degree from lon -1 to 4, people varying, and four members whose
  // facilities interleave (member m takes every fourth site; the last also shares two).
  std::vector<io::PopulationUnit> units;
  for (int i = 0; i <= 100; ++i) {
    units.push_back({absl::StrFormat("01001%06d", i),
                     "01001",
                     (i * 37) % 500,
                     {-1.0 + 0.05 * i, 0.01 * (i % 7)}});
  }
  auto region = BuildRegion("line", "", "", {.state_fips = {"01"}}, units, {});
  ASSERT_TRUE(region.ok()) << region.status();
  AllianceCoverageRequest request;
  request.members.resize(4);
  for (int m = 0; m < 4; ++m) request.members[m].name = absl::StrFormat("member-%d", m);
  for (int s = 0; s < 14; ++s) {
    const Facility f{.id = absl::StrFormat("site-%d", s), .location = {-0.9 + 0.37 * s, 0.02}};
    request.members[s % 4].facilities.push_back(f);
    if (s == 1 || s == 6) request.members[3].facilities.push_back(f);
  }
  request.thresholds = {Threshold::Miles(3), Threshold::Minutes(15), Threshold::Miles(12.5),
                        Threshold::Minutes(30)};
  auto answer = ComputeAllianceCoverage(*region, nullptr, request, {});
  ASSERT_TRUE(answer.ok()) << answer.status();
  ExpectMatchesPlainCoverage(*region, nullptr, request, *answer);
}

// ---------------------------------------------------------------------------------------------
// Drive mode on a drawn road map (grid 500 m): residential roads (5 m/s) a-b-c-d, a-e and c-f,
// and a two-way motorway (20 m/s) e-f. From a: c is 6,000 m / 1,200 s along the residential
// road but 700 s (8,000 m) by the motorway.
//
//   a-----b-----c-----d
//   |           |
//   e===========f
AsciiMap DrawnMap() {
  AsciiMap map(
      "a-----b-----c-----d\n"
      "|           |\n"
      "e===========f\n",
      500);
  map.Way("abcd", {.highway = "residential"});
  map.Way("ae", {.highway = "residential"});
  map.Way("cf", {.highway = "residential"});
  map.Way("ef", {.highway = "motorway", .oneway = "no"});
  return map;
}

// X has c; Y a site 4,400 m along the road from a (1,400 m past b); Z has d and one clinic
// 5 km off the roads (unsnapped).
AllianceCoverageRequest DrawnAlliance(const AsciiMap& map) {
  AllianceCoverageRequest r;
  r.travel.mode = TravelMode::kDrive;
  r.members = {
      {"X", {{.id = "x-c", .location = map.At('c')}}},
      {"Y", {{.id = "y-bc", .location = map.At('b', 1400, 0)}}},
      {"Z",
       {{.id = "z-d", .location = map.At('d')},
        {.id = "z-off", .location = map.At('f', 0, -5000)}}},
  };
  return r;
}

TEST(AllianceDriveTest, FastestAndShortestMayComeFromDifferentMembers) {
  const AsciiMap map = DrawnMap();
  // U0 stands 20 m north of a (4.47 s off the road at 10 mph); U1 5 km north, off the roads.
  const DrawnRegion drawn =
      BuildDrawnRegion(map, {{"15003000100", "15003", 100, map.At('a', 0, 20)},
                             {"15003000200", "15003", 50, map.At('a', 0, 5000)}});
  AllianceCoverageRequest request = DrawnAlliance(map);
  request.thresholds = {Threshold::Minutes(13), Threshold::Miles(3.5)};
  // From U0: X by the motorway 704.5 s = 11.74 min, but 6,020 m = 3.74 mi at the shortest;
  // Y 884.5 s = 14.74 min along the road (the motorway and back from c takes 1,020 s) and
  // 4,420 m = 2.75 mi;
  // Z's d: 1,304.5 s and 9,020 m. So X alone covers U0 by time only, Y by distance only, the
  // union by both; without X U0 loses the time standard, without Y the distance one.
  auto answer = ComputeAllianceCoverage(drawn.region, &drawn.drive, request, {});
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_THAT(Covered(answer->alliance), ElementsAre(100, 100));
  EXPECT_EQ(answer->alliance.unsnapped_units, 1);
  EXPECT_EQ(answer->alliance.unsnapped_population, 50);
  EXPECT_EQ(answer->alliance.unreached_population, 50);
  EXPECT_THAT(Covered(answer->alone[0]), ElementsAre(100, 0));
  EXPECT_THAT(Covered(answer->alone[1]), ElementsAre(0, 100));
  EXPECT_THAT(Covered(answer->alone[2]), ElementsAre(0, 0));
  EXPECT_THAT(Covered(answer->without[0]), ElementsAre(0, 100));
  EXPECT_THAT(Covered(answer->without[1]), ElementsAre(100, 0));
  EXPECT_THAT(Covered(answer->without[2]), ElementsAre(100, 100));
  EXPECT_THAT(answer->loss_if_leaves,
              ElementsAre(ElementsAre(100, 0), ElementsAre(0, 100), ElementsAre(0, 0)));
  EXPECT_THAT(answer->gain_by_joining,
              ElementsAre(ElementsAre(0, 100), ElementsAre(100, 0), ElementsAre(100, 100)));
  EXPECT_THAT(answer->unsnapped_facilities, ElementsAre(IsEmpty(), IsEmpty(), ElementsAre(1)));
  // The drawing is metres on a local grid: allow 1 % for its projection.
  const UnitTravel& u0 = answer->travel[0];
  EXPECT_EQ(u0.facility, 0);  // x-c, the fastest
  EXPECT_NEAR(u0.minutes, 704.47 / 60, 0.01 * 704.47 / 60);
  EXPECT_NEAR(u0.miles, 4420 / 1609.344, 0.01 * 4420 / 1609.344);
  EXPECT_FALSE(answer->travel[1].snapped);
  EXPECT_FALSE(answer->travel[1].reached());

  // With no miles threshold, miles are the length of the fastest route (X's, 8,020 m), as in
  // DriveTravel, not the shorter fastest route of a slower member (Y's 4,420 m).
  // (20 minutes, so that the bounded search reaches Y too.)
  request.thresholds = {Threshold::Minutes(20)};
  answer = ComputeAllianceCoverage(drawn.region, &drawn.drive, request, {});
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_NEAR(answer->travel[0].miles, 8020 / 1609.344, 0.01 * 8020 / 1609.344);
}

TEST(AllianceDriveTest, MatchesPlainCoverageOnTheDrawnMap) {
  const AsciiMap map = DrawnMap();
  const DrawnRegion drawn =
      BuildDrawnRegion(map, {{"15003000100", "15003", 100, map.At('a', 0, 20)},
                             {"15003000200", "15003", 200, map.At('b', 0, 20)},
                             {"15003000300", "15003", 400, map.At('c', 0, 20)},
                             {"15003000400", "15003", 800, map.At('d', 0, -30)},
                             {"15003000500", "15003", 1600, map.At('e', -20, 0)},
                             {"15003000600", "15003", 3200, map.At('f', 20, 0)},
                             {"15003000700", "15003", 0, map.At('b', 1000, 10)},
                             {"15005000100", "15005", 50, map.At('a', 0, 5000)},
                             {"15005000200", "15005", 25, map.At('b', 700, -400)}});
  AllianceCoverageRequest request = DrawnAlliance(map);
  // W shares x-c with X and adds a site near e.
  request.members.push_back(
      {"W",
       {{.id = "w-e", .location = map.At('e', 300, 40)}, {.id = "x-c", .location = map.At('c')}}});
  for (const std::vector<Threshold>& thresholds :
       {std::vector<Threshold>{Threshold::Minutes(5), Threshold::Minutes(13), Threshold::Miles(1),
                               Threshold::Miles(3.5)},
        std::vector<Threshold>{Threshold::Minutes(9), Threshold::Minutes(20)},
        std::vector<Threshold>{Threshold::Miles(0.8), Threshold::Miles(2.5)}}) {
    request.thresholds = thresholds;
    auto answer = ComputeAllianceCoverage(drawn.region, &drawn.drive, request, {});
    ASSERT_TRUE(answer.ok()) << answer.status();
    ExpectMatchesPlainCoverage(drawn.region, &drawn.drive, request, *answer);
    EXPECT_THAT(answer->loss_if_leaves[0], testing::Each(0));  // X's only site is W's too
  }
  // A smaller snapping radius applies to the members' facilities and the units alike.
  request.travel.drive.max_snap_meters = 100;
  auto answer = ComputeAllianceCoverage(drawn.region, &drawn.drive, request, {});
  ASSERT_TRUE(answer.ok()) << answer.status();
  ExpectMatchesPlainCoverage(drawn.region, &drawn.drive, request, *answer);
}

// ---------------------------------------------------------------------------------------------
// Michigan: 2020 Census tracts and the open HIFLD hospitals split into three members.

class AllianceRealDataTest : public MichiganHospitalsTest {};

TEST_F(AllianceRealDataTest, MichiganUnionMatchesPlainCoverageAndLossIsWhatOnlyTheMemberCovers) {
  ASSERT_NE(michigan_, nullptr);
  AllianceCoverageRequest request;
  request.members = {{"first", {}}, {"second", {}}, {"third", {}}};
  // Arbitrary thirds by file order; every 50th hospital of the first also belongs to the third.
  for (size_t i = 0; i < hospitals_->size(); ++i) {
    request.members[i % 3].facilities.push_back((*hospitals_)[i]);
    if (i % 150 == 0) request.members[2].facilities.push_back((*hospitals_)[i]);
  }
  request.thresholds = {Threshold::Miles(5), Threshold::Miles(10), Threshold::Minutes(20),
                        Threshold::Minutes(30)};
  auto answer = ComputeAllianceCoverage(*michigan_, nullptr, request, {});
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->alliance.total_population, 10077331);
  ExpectMatchesPlainCoverage(*michigan_, nullptr, request, *answer);

  // Residents whom only member m covers within a threshold, counted from each member's own
  // travel, are exactly its loss.
  std::vector<std::vector<UnitTravel>> alone;
  for (const AllianceMember& m : request.members) {
    auto a = ComputeCoverage(*michigan_, nullptr, PlainRequest(request, m.facilities), {});
    ASSERT_TRUE(a.ok());
    alone.push_back(a->travel);
  }
  for (size_t k = 0; k < request.thresholds.size(); ++k) {
    const Threshold& t = request.thresholds[k];
    std::vector<int64_t> only(3, 0);
    for (size_t i = 0; i < michigan_->units.size(); ++i) {
      int covering = 0, last = -1;
      for (int m = 0; m < 3; ++m) {
        const UnitTravel& u = alone[m][i];
        const double value = t.kind == Threshold::Kind::kMinutes ? u.minutes : u.miles;
        if (u.reached() && value <= t.value) {
          ++covering;
          last = m;
        }
      }
      if (covering == 1) only[last] += michigan_->units[i].population;
    }
    for (int m = 0; m < 3; ++m) {
      EXPECT_EQ(answer->loss_if_leaves[m][k], only[m]) << "member " << m << " threshold " << k;
      EXPECT_GT(answer->gain_by_joining[m][k], 0);
    }
  }

  // Fair shares against the Shapley value by its definition: each member's marginal
  // contribution v(S + m) - v(S), averaged over the 3! orders in which members join, with v(S)
  // the covered population of plain coverage over the facilities of S.
  std::vector<std::vector<int64_t>> value(8, std::vector<int64_t>(request.thresholds.size(), 0));
  for (int set = 1; set < 8; ++set) {
    std::vector<AllianceMember> in_set;
    for (int m = 0; m < 3; ++m) {
      if (set & (1 << m)) in_set.push_back(request.members[m]);
    }
    auto plain = ComputeCoverage(*michigan_, nullptr, PlainRequest(request, Concat(in_set)), {});
    ASSERT_TRUE(plain.ok()) << plain.status();
    for (size_t k = 0; k < request.thresholds.size(); ++k) {
      value[set][k] = plain->summary.by_threshold[k].covered_population;
    }
  }
  const int orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
  ASSERT_EQ(answer->fair_share_population.size(), 3u);
  for (size_t k = 0; k < request.thresholds.size(); ++k) {
    double sum = 0;
    for (int m = 0; m < 3; ++m) {
      double shapley = 0;
      for (const auto& order : orders) {
        int before = 0;
        for (int j = 0; order[j] != m; ++j) before |= 1 << order[j];
        shapley += static_cast<double>(value[before | (1 << m)][k] - value[before][k]) / 6.0;
      }
      EXPECT_NEAR(answer->fair_share_population[m][k], shapley, 1e-6)
          << "member " << m << " threshold " << k;
      EXPECT_GE(answer->fair_share_population[m][k], answer->loss_if_leaves[m][k]);
      EXPECT_LE(answer->fair_share_population[m][k],
                answer->alone[m].by_threshold[k].covered_population);
      sum += answer->fair_share_population[m][k];
    }
    EXPECT_NEAR(sum, answer->alliance.by_threshold[k].covered_population, 1e-6);
  }
}

// Drive mode on a real road network: Yuba County, CA (OpenStreetMap extract), with the open
// hospitals within about 60 miles split into three members.
TEST_F(AllianceRealDataTest, YubaDriveUnionMatchesPlainCoverage) {
  const DrawnRegion& yuba = YubaRegion();
  ASSERT_FALSE(yuba.region.units.empty());
  ASSERT_NE(yuba.drive.network, nullptr);
  const Region* region = &yuba.region;
  const DriveRegion& drive = yuba.drive;

  AllianceCoverageRequest request;
  request.travel.mode = TravelMode::kDrive;
  request.members = {{"first", {}}, {"second", {}}, {"third", {}}};
  const geo::LonLat marysville{-121.59, 39.15};
  int nearby = 0;
  for (const Facility& f : *hospitals_) {
    if (geo::GeodesicMiles(f.location, marysville) > 60) continue;
    request.members[nearby++ % 3].facilities.push_back(f);
  }
  ASSERT_GE(nearby, 6);
  request.thresholds = {Threshold::Minutes(10), Threshold::Minutes(30), Threshold::Miles(10),
                        Threshold::Miles(25)};
  auto answer = ComputeAllianceCoverage(*region, &drive, request, {});
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_GT(answer->alliance.by_threshold[1].covered_population, 0);
  ExpectMatchesPlainCoverage(*region, &drive, request, *answer);
}

// ---------------------------------------------------------------------------------------------
// Coverage errors.

TEST(AllianceCoverageValidationTest, MembersNamesAndFacilitiesAreCheckedWithFieldPaths) {
  const Region region = EquatorRegion();
  AllianceCoverageRequest request = EquatorAlliance();
  const auto run = [&](const AllianceCoverageRequest& r, const CoverageLimits& limits = {}) {
    return ComputeAllianceCoverage(region, nullptr, r, limits);
  };

  AllianceCoverageRequest one = request;
  one.members.resize(1);
  EXPECT_THAT(run(one), StatusIs(absl::StatusCode::kInvalidArgument,
                                 "members: an alliance needs at least 2 members"));

  AllianceCoverageRequest r = request;
  r.members[1].name = "";
  EXPECT_THAT(run(r), StatusIs(absl::StatusCode::kInvalidArgument, "members[1].name: is empty"));
  r = request;
  r.members[2].name = "A";
  EXPECT_THAT(run(r), StatusIs(absl::StatusCode::kInvalidArgument,
                               "members[2].name: \"A\" duplicates members[0].name"));
  r = request;
  r.members[0].name = std::string(129, 'n');
  EXPECT_THAT(run(r), StatusIs(absl::StatusCode::kInvalidArgument,
                               "members[0].name: 129 bytes exceed 128"));

  r = request;
  r.members[0].facilities.push_back({.id = "x", .location = {0, 1}});
  r.members[0].facilities.push_back({.id = "y", .location = {1, 123.4}});
  EXPECT_THAT(run(r),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "members[0].facilities[3].location.lat: 123.4 is outside [-90, 90]"));
  r = request;
  r.members[1].facilities[1].id = "shared";
  EXPECT_THAT(
      run(r),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "members[1].facilities[1].id: \"shared\" duplicates members[1].facilities[0].id"));
  r = request;
  r.members[2].facilities.clear();
  EXPECT_THAT(run(r), StatusIs(absl::StatusCode::kInvalidArgument,
                               "members[2].facilities: at least one facility is required"));

  // Each member is within the limit of 2, the union (5 rows) is not.
  EXPECT_THAT(run(request, {.max_facilities = 2}),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       "members: 5 facilities in all exceed this server's limit of 2"));
  r = request;
  for (int m = 3; m <= kMaxAllianceMembers; ++m) {
    r.members.push_back({absl::StrFormat("m%d", m), {{.id = "h", .location = {0, 0}}}});
  }
  EXPECT_THAT(run(r), StatusIs(absl::StatusCode::kResourceExhausted,
                               "members: 65 members exceed the limit of 64"));

  r = request;
  r.thresholds = {Threshold::Miles(10), Threshold::Miles(-1)};
  EXPECT_THAT(run(r), StatusIs(absl::StatusCode::kInvalidArgument,
                               "max_miles[1]: -1 is outside (0, 1000]"));
  r = request;
  r.travel.straight_line.speed_mph = 0;
  EXPECT_THAT(run(r), StatusIs(absl::StatusCode::kInvalidArgument,
                               HasSubstr("straight_line.speed_mph: 0")));
  r = request;
  r.travel.mode = TravelMode::kDrive;
  EXPECT_THAT(run(r), StatusIs(absl::StatusCode::kFailedPrecondition,
                               "mode: region eq has no road network; use straight-line mode"));
  r = request;
  r.deadline = absl::Now() - absl::Seconds(1);
  EXPECT_THAT(run(r), StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("deadline")));
  r.deadline = geo::Deadline(absl::InfiniteFuture(), [] { return true; });
  EXPECT_THAT(run(r), StatusIs(absl::StatusCode::kCancelled, HasSubstr("the call was cancelled")));
  EXPECT_TRUE(run(request).ok());  // a facility shared between members is fine
}

// ---------------------------------------------------------------------------------------------
// A network of one (ComputeNetworkCoverage): plain coverage, without member parts.

TEST(NetworkCoverageTest, OneMemberIsPlainCoverage) {
  const Region region = EquatorRegion();
  AllianceCoverageRequest request = EquatorAlliance();
  request.members.resize(1);
  auto answer = ComputeNetworkCoverage(region, nullptr, request, {});
  ASSERT_TRUE(answer.ok()) << answer.status();
  auto plain = ComputeCoverage(
      region, nullptr,
      {.facilities = request.members[0].facilities, .thresholds = request.thresholds}, {});
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(Covered(answer->alliance), Covered(plain->summary));
  EXPECT_EQ(answer->travel.size(), plain->travel.size());
  EXPECT_THAT(answer->unsnapped_facilities, ElementsAre(IsEmpty()));
  EXPECT_THAT(answer->alone, IsEmpty());
  EXPECT_THAT(answer->loss_if_leaves, IsEmpty());
  // Errors name the plain request's fields.
  request.members[0].facilities[0].location.lat = 95;
  EXPECT_THAT(
      ComputeNetworkCoverage(region, nullptr, request, {}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("facilities[0].location.lat: 95")));
}

TEST(NetworkCoverageTest, SeveralMembersAreTheAlliance) {
  const Region region = EquatorRegion();
  auto network = ComputeNetworkCoverage(region, nullptr, EquatorAlliance(), {});
  auto alliance = ComputeAllianceCoverage(region, nullptr, EquatorAlliance(), {});
  ASSERT_TRUE(network.ok()) << network.status();
  ASSERT_TRUE(alliance.ok()) << alliance.status();
  EXPECT_EQ(Covered(network->alliance), Covered(alliance->alliance));
  EXPECT_EQ(network->loss_if_leaves, alliance->loss_if_leaves);
}

}  // namespace
}  // namespace carereach::access
