#include "geo/roads/road_graph.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include "geo/core/geodesic.h"
#include "geo/roads/osm_import.h"
#include "geo/roads/speed_profile.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/data_dir.h"
#include "tests/geo/roads/ascii_map.h"
#include "tests/status_matchers.h"

namespace carereach::roads {
namespace {

using testing::HasSubstr;
using testing_util::AsciiMap;
using testing_util::StatusIs;

// A file osm_import_fuzz crashed on (tests/fuzz/regressions/osm_import_fuzz/), written as an
// OSM file the way the fuzz target does: its first byte picks the format (odd = PBF, even = OSM
// XML), the rest is the file. Returns the written path; *size gets the input's size.
std::string WriteFuzzInput(const std::filesystem::path& input, const std::string& name,
                           size_t* size = nullptr) {
  std::ifstream in(input, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (size != nullptr) *size = bytes.size();
  if (bytes.empty()) return "";
  const std::string path = testing::TempDir() + "/" + name + ((bytes[0] & 1) ? ".osm.pbf" : ".osm");
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes.substr(1);
  return path;
}

const std::filesystem::path kFuzzRegressions =
    std::filesystem::path(CAREREACH_SOURCE_DIR) / "tests/fuzz/regressions/osm_import_fuzz";

int CountArcs(const RoadGraph& g, uint32_t from, uint32_t to) {
  int n = 0;
  for (const Arc& a : g.OutArcs(from)) n += a.head == to;
  return n;
}

TEST(RoadGraphTest, ShapeNodesAreContractedAndJunctionsKept) {
  AsciiMap map(R"(
a-b-c-d-e
    |
    f
)",
               100);
  map.Way("abcde", {.highway = "primary"});
  map.Way("cf", {.highway = "residential"});
  const RoadGraph g = map.Build();
  // Graph nodes: the way ends a, e, f and the junction c; b and d are shape points only.
  EXPECT_EQ(g.node_count(), 4u);
  EXPECT_EQ(g.segments.size(), 3u);
  EXPECT_EQ(g.arc_count(), 6u);  // three two-way segments
  const uint32_t a = AsciiMap::NodeAt(g, map.At('a')), c = AsciiMap::NodeAt(g, map.At('c'));
  ASSERT_NE(a, UINT32_MAX);
  ASSERT_NE(c, UINT32_MAX);
  ASSERT_EQ(CountArcs(g, a, c), 1);
  const Arc& ac = g.OutArcs(a)[0];
  const double meters = geo::GeodesicMeters(map.At('a'), map.At('c'));
  EXPECT_NEAR(ac.meters, meters, 0.01);
  EXPECT_NEAR(ac.seconds, meters / 10.0, 0.01);                           // primary: 10 m/s
  EXPECT_EQ(g.SegmentShape(ac.segment & ~Arc::kReversedBit).size(), 3u);  // a, b, c
}

TEST(RoadGraphTest, OnewayRulesIncludingReverseRoundaboutAndMotorway) {
  AsciiMap map(R"(
a---b   c---d   e---f   g---h   i---j
)",
               100);
  map.Way("ab", {.highway = "primary", .oneway = "yes"});
  map.Way("cd", {.highway = "primary", .oneway = "-1"});
  map.Way("ef", {.highway = "primary", .junction = "roundabout"});
  map.Way("gh", {.highway = "motorway"});
  map.Way("ij", {.highway = "motorway", .oneway = "no"});
  const RoadGraph g = map.Build();
  const auto n = [&](char c) { return AsciiMap::NodeAt(g, map.At(c)); };
  EXPECT_EQ(CountArcs(g, n('a'), n('b')), 1);
  EXPECT_EQ(CountArcs(g, n('b'), n('a')), 0);
  EXPECT_EQ(CountArcs(g, n('c'), n('d')), 0);
  EXPECT_EQ(CountArcs(g, n('d'), n('c')), 1);
  EXPECT_EQ(CountArcs(g, n('f'), n('e')), 0);
  EXPECT_EQ(CountArcs(g, n('h'), n('g')), 0);
  EXPECT_EQ(CountArcs(g, n('j'), n('i')), 1);
}

TEST(RoadGraphTest, AccessRestrictionsAndNonCarWaysAreLeftOut) {
  AsciiMap map(R"(
a---b---c---d---e
)",
               100);
  map.Way("ab", {.highway = "primary", .access = "private"});
  map.Way("bc", {.highway = "footway"});
  map.Way("cd", {.highway = "primary", .access = "no", .motorcar = "yes"});  // specific wins
  map.Way("de", {.highway = "residential", .motor_vehicle = "no"});
  const RoadGraph g = map.Build();
  EXPECT_EQ(g.stats.ways_routable, 1);
  EXPECT_EQ(g.stats.ways_excluded_access, 2);
  EXPECT_EQ(g.segments.size(), 1u);
}

TEST(RoadGraphTest, MissingNodesCutTheWayAndAreCounted) {
  AsciiMap map(R"(
a---b       d---e
)",
               100);
  map.Way("abXde", {.highway = "primary"});  // X is not in the file
  map.Way("YZ", {.highway = "primary"});     // neither node is in the file
  const RoadGraph g = map.Build();
  EXPECT_EQ(g.stats.missing_node_refs, 3);
  EXPECT_EQ(g.stats.ways_split_at_missing, 1);
  EXPECT_EQ(g.stats.ways_too_short, 1);
  EXPECT_EQ(g.segments.size(), 2u);  // a-b and d-e, never joined across the gap
}

TEST(RoadGraphTest, FerriesAreTheirOwnClassTimedByDurationAndNotSnappable) {
  AsciiMap map(R"(
a---b~~~~~~~~~~c---d
)",
               100);
  map.Way("ab", {.highway = "primary"});
  map.Way("bc", {.route = "ferry", .duration = "00:30"});
  map.Way("cd", {.highway = "primary"});
  const RoadGraph g = map.Build();
  bool saw_ferry = false;
  for (const Segment& s : g.segments) {
    if (s.road_class != RoadClass::kFerry) {
      EXPECT_TRUE(s.flags & Segment::kSnappable);
      continue;
    }
    saw_ferry = true;
    EXPECT_TRUE(s.flags & Segment::kFerry);
    EXPECT_FALSE(s.flags & Segment::kSnappable);
    EXPECT_NEAR(s.seconds, 1800, 0.5);
  }
  EXPECT_TRUE(saw_ferry);
  EXPECT_EQ(ParseDurationSeconds("1:02:03"), 3723);
  EXPECT_EQ(ParseDurationSeconds("45"), 2700);
  EXPECT_LT(ParseDurationSeconds("soon"), 0);
}

TEST(RoadGraphTest, LargestStronglyConnectedComponentExcludesIslandsAndDeadEndOneways) {
  AsciiMap map(R"(
a---b        x---y
|   |
d---c---e
)",
               100);
  map.Way("abcda", {.highway = "residential"});
  map.Way("ce", {.highway = "residential", .oneway = "yes"});  // can leave, never return
  map.Way("xy", {.highway = "residential"});                   // an island
  const RoadGraph g = map.Build();
  const auto in_main = [&](char c) { return g.node_in_main[AsciiMap::NodeAt(g, map.At(c))]; };
  EXPECT_TRUE(in_main('a'));
  EXPECT_TRUE(in_main('c'));
  EXPECT_FALSE(in_main('e'));
  EXPECT_FALSE(in_main('x'));
  // Graph nodes on the ring are a (its ends) and c (a junction); b and d are shape points.
  EXPECT_EQ(g.main_component_nodes(), 2);
}

TEST(SpeedProfileTest, ParsesTheShippedProfileAndMaxspeeds) {
  auto p = SpeedProfile::Parse(DefaultCarProfileCsv(), "car.csv");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->name(), "car-us-1");
  EXPECT_EQ(p->HighwaySpeedKph("motorway"), 90);
  EXPECT_FALSE(p->HighwaySpeedKph("footway").has_value());
  EXPECT_NEAR(*SpeedProfile::ParseMaxspeedKph("30 mph"), 48.28, 0.01);
  EXPECT_NEAR(*SpeedProfile::ParseMaxspeedKph("45mph"), 72.42, 0.01);
  EXPECT_EQ(*SpeedProfile::ParseMaxspeedKph("50"), 50);
  EXPECT_FALSE(SpeedProfile::ParseMaxspeedKph("signals").has_value());
  EXPECT_NEAR(p->WaySpeedKph(25, "30 mph"), 48.28 * 0.8, 0.01);
  EXPECT_EQ(p->WaySpeedKph(25, "none"), 25);
  EXPECT_EQ(p->WaySpeedKph(90, "300"), 120);  // capped
}

TEST(SpeedProfileTest, BadProfilesNameTheLine) {
  EXPECT_THAT(SpeedProfile::Parse("key,value\nname,x\nhighway.primary,fast\n", "p.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("p.csv:3: highway.primary")));
  EXPECT_THAT(SpeedProfile::Parse("key,value\nname,x\nhighway.primary,50\nwarp,9\n", "p.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown key \"warp\"")));
  EXPECT_THAT(SpeedProfile::Parse("key,value\nhighway.primary,50\n", "p.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no name")));
}

class RealExtractTest : public testing::TestWithParam<const char*> {};

// Properties of the real extracts: the import completes, counts what it skipped, and most
// nodes are in one strongly connected component.
TEST_P(RealExtractTest, ImportsWithMostNodesInTheMainComponent) {
  auto profile = SpeedProfile::Parse(DefaultCarProfileCsv(), "car.csv");
  ASSERT_TRUE(profile.ok());
  auto g = ImportOsm(testing_util::DataDir() + "/roads/" + GetParam(), *profile);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_GT(g->node_count(), 10000u);
  EXPECT_GT(g->main_component_nodes(), 0.9 * g->node_count());
  EXPECT_EQ(g->first_out.back(), g->arc_count());
  EXPECT_EQ(g->in_arcs.size(), g->out_arcs.size());
  for (const Arc& a : g->out_arcs) {
    ASSERT_GE(a.seconds, 0);
    ASSERT_LE(a.meters / std::max(a.seconds, 1e-3f), 120 / 3.6 + 1e-3);  // never above the cap
  }
}

INSTANTIATE_TEST_SUITE_P(Extracts, RealExtractTest,
                         testing::Values("honolulu-county-hi-2016.osm.pbf",
                                         "imperial-county-ca.osm.pbf", "yuba-county-ca.osm.pbf"));

TEST(RealExtractTest, MissingNodeReferencesAtExtractEdgesAreCounted) {
  auto profile = SpeedProfile::Parse(DefaultCarProfileCsv(), "car.csv");
  auto yuba = ImportOsm(testing_util::DataDir() + "/roads/yuba-county-ca.osm.pbf", *profile);
  ASSERT_TRUE(yuba.ok());
  // roads/SOURCES.md: 34 missing references in Yuba's highway ways (osmium check-refs).
  EXPECT_EQ(yuba->stats.missing_node_refs, 34);
  auto honolulu =
      ImportOsm(testing_util::DataDir() + "/roads/honolulu-county-hi-2016.osm.pbf", *profile);
  ASSERT_TRUE(honolulu.ok());
  EXPECT_EQ(honolulu->stats.missing_node_refs, 0);
}

TEST(RealExtractTest, UnreadableFilesAreErrors) {
  auto profile = SpeedProfile::Parse(DefaultCarProfileCsv(), "car.csv");
  EXPECT_THAT(ImportOsm("/nonexistent.osm.pbf", *profile),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("/nonexistent.osm.pbf")));
  const std::string junk = testing::TempDir() + "/junk.osm.pbf";
  std::ofstream(junk) << "this is not a pbf";
  EXPECT_THAT(ImportOsm(junk, *profile),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("cannot read OSM data")));
}

// Every input osm_import_fuzz ever crashed on (tests/fuzz/regressions/osm_import_fuzz/; the first
// byte picks the format as in the fuzz target: odd = PBF, even = OSM XML) is read without a crash
// and answers OK or a clean INVALID_ARGUMENT naming the file.
TEST(RealExtractTest, FuzzRegressionInputsAreCleanErrors) {
  auto profile = SpeedProfile::Parse(DefaultCarProfileCsv(), "car.csv");
  ASSERT_TRUE(profile.ok());
  int inputs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kFuzzRegressions)) {
    const std::string path = WriteFuzzInput(entry.path(), "fuzz-regression");
    ASSERT_FALSE(path.empty()) << entry.path();
    absl::StatusOr<RoadGraph> graph = ImportOsm(path, *profile);
    if (!graph.ok()) {
      EXPECT_THAT(graph.status(), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(path)))
          << entry.path();
    }
    ++inputs;
  }
  EXPECT_GE(inputs, 1);
}

// A PBF string-table entry with a NUL byte inside ("oneway" stored as "n\3\0\0\0y") shifts
// libosmium's NUL-separated tag walk past the end of its buffer; the import must refuse the way
// by id instead (crash-5d86c642..., found by osm_import_fuzz in CI on 2026-12-05).
TEST(RealExtractTest, TagStringWithANulByteIsAnErrorNamingTheWay) {
  auto profile = SpeedProfile::Parse(DefaultCarProfileCsv(), "car.csv");
  ASSERT_TRUE(profile.ok());
  size_t size = 0;
  const std::string path = WriteFuzzInput(
      kFuzzRegressions / "crash-5d86c642ee2bf5875b66e0118d2e7cf8ed7acaea", "nul-in-tag", &size);
  ASSERT_EQ(size, 223u);
  EXPECT_THAT(ImportOsm(path, *profile), StatusIs(absl::StatusCode::kInvalidArgument,
                                                  testing::AllOf(HasSubstr(path), HasSubstr("way "),
                                                                 HasSubstr("malformed tag list"))));
}

// A PBF BlobHeader without its type made libosmium 2.19 call strncmp with a null pointer
// (undefined behaviour; crash-379a3868..., found by osm_import_fuzz on 2026-12-05): refused
// before libosmium reads the file, naming the blob.
TEST(RealExtractTest, BlobHeaderWithoutATypeIsAnErrorNamingTheBlob) {
  auto profile = SpeedProfile::Parse(DefaultCarProfileCsv(), "car.csv");
  ASSERT_TRUE(profile.ok());
  size_t size = 0;
  const std::string path = WriteFuzzInput(
      kFuzzRegressions / "crash-379a386805d7e7d48b682a7c4f32cfa262020e1c", "untyped-blob", &size);
  ASSERT_EQ(size, 138u);
  EXPECT_THAT(
      ImportOsm(path, *profile),
      StatusIs(absl::StatusCode::kInvalidArgument,
               testing::AllOf(HasSubstr(path), HasSubstr("blob 0: header without a type"))));
}

}  // namespace
}  // namespace carereach::roads
