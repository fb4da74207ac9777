#ifndef CAREREACH_TESTS_CLIENTS_FIXTURES_H_
#define CAREREACH_TESTS_CLIENTS_FIXTURES_H_

// Fixtures of the CLI tests, defined once (with the includes and names every test file uses):
// temporary files, a fake gRPC service on a loopback port with Run() to call the CLI against it
// (FakeServerTest), and the hand-built files and answers several test files share.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "carereach/v1/access.grpc.pb.h"
#include "carereach/v1/adequacy.grpc.pb.h"
#include "carereach/v1/contracting.grpc.pb.h"
#include "carereach/v1/networks.grpc.pb.h"
#include "clients/cli/commands.h"
#include "clients/cli/contracting_commands.h"
#include "clients/cli/contracting_output.h"
#include "clients/cli/facilities_csv.h"
#include "clients/cli/network_commands.h"
#include "clients/cli/output.h"
#include "clients/cli/roster_csv.h"
#include "clients/cli/rpc_client.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/status_matchers.h"

namespace carereach::cli::cli_test_util {

// One threshold of a hand-built coverage answer.
inline carereach::v1::ThresholdCoverage Minutes(double minutes, int64_t covered, double share) {
  carereach::v1::ThresholdCoverage t;
  t.set_max_minutes(minutes);
  t.set_covered_population(covered);
  t.set_share(share);
  return t;
}

inline carereach::v1::ThresholdCoverage Miles(double miles, int64_t covered, double share) {
  carereach::v1::ThresholdCoverage t;
  t.set_max_miles(miles);
  t.set_covered_population(covered);
  t.set_share(share);
  return t;
}

// A directory of this test process's own (ctest runs test cases as separate processes, two at a
// time, and several checkouts may test at once): files of the same name never clash.
inline std::string TestTempDir() {
  struct Dir {  // removed with everything in it when the test process ends
    std::string path;
    ~Dir() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  };
  static const Dir dir{[] {
    std::string d = ::testing::TempDir() + "carereach_cli_" + std::to_string(getpid()) + "/";
    std::filesystem::create_directories(d);
    return d;
  }()};
  return dir.path;
}

inline std::string WriteTempFile(const std::string& name, const std::string& text) {
  std::string path = TestTempDir() + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A fake `Service` on a free loopback port, and Run() to call the CLI against it. Plaintext,
// unless a subclass overrides ServerCredentials() (e.g. with grpc::SslServerCredentials).
template <typename Service>
class FakeServerTest : public ::testing::Test {
 protected:
  virtual std::shared_ptr<grpc::ServerCredentials> ServerCredentials() {
    return grpc::InsecureServerCredentials();
  }
  // Services served beside service_ (e.g. a FakeMapService for --html); owned by the test.
  virtual std::vector<grpc::Service*> ExtraServices() { return {}; }

  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", ServerCredentials(), &port);
    builder.RegisterService(&service_);
    for (grpc::Service* extra : ExtraServices()) builder.RegisterService(extra);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    address_ = "127.0.0.1:" + std::to_string(port);
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  int Run(std::vector<std::string> args) {
    args.insert(args.end(), {"--server", address_});
    out_.str("");
    err_.str("");
    return RunCli(args, out_, err_);
  }

  Service service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  std::ostringstream out_, err_;
};

}  // namespace carereach::cli::cli_test_util

namespace carereach::cli {

// The names every CLI test file uses.
using ::carereach::testing_util::StatusIs;
using cli_test_util::FakeServerTest;
using cli_test_util::Miles;
using cli_test_util::Minutes;
using cli_test_util::ReadFile;
using cli_test_util::TestTempDir;
using cli_test_util::WriteTempFile;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

using carereach::v1::NetworkProvider;

// The HIFLD hospitals layout: a UTF-8 BOM, X/Y and OBJECTID besides ID/LATITUDE/LONGITUDE.
inline constexpr char kHifldLike[] =
    "\xEF\xBB\xBFX,Y,OBJECTID,ID,NAME,TYPE,STATUS,LATITUDE,LONGITUDE\n"
    "-86.49,31.29,1,0001336420,ANDALUSIA HEALTH,GENERAL ACUTE CARE,OPEN,31.29,-86.49\n"
    "-86.97,34.80,2,0001535611,\"ATHENS, LIMESTONE\",GENERAL ACUTE CARE,CLOSED,34.80,-86.97\n"
    "-87.47,31.01,3,0000136502,ATMORE COMMUNITY,CRITICAL ACCESS,OPEN,31.01,-87.47\n";

inline carereach::v1::ComputeCoverageResponse SampleResponse() {
  carereach::v1::ComputeCoverageResponse r;
  r.set_region("michigan");
  r.set_mode(carereach::v1::TRAVEL_MODE_STRAIGHT_LINE);
  r.set_total_population(10077331);
  r.set_unit_count(3);
  r.set_facility_count(2);
  *r.add_results() = Minutes(10, 7123456, 0.7068);
  *r.add_results() = Miles(2.5, 5000000, 0.5);
  carereach::v1::CountyCoverage* wayne = r.add_counties();
  wayne->set_fips("26163");
  wayne->set_name("Wayne County");
  wayne->set_state("MI");
  wayne->set_total_population(1793561);
  *wayne->add_results() = Minutes(10, 1793561, 1.0);
  *wayne->add_results() = Miles(2.5, 0, 0.0);
  carereach::v1::CountyCoverage* comma = r.add_counties();
  comma->set_fips("26001");
  comma->set_name("Alcona, County");
  comma->set_state("MI");
  comma->set_total_population(10167);
  *comma->add_results() = Minutes(10, 100, 0.25);
  *comma->add_results() = Miles(2.5, 0, 0.0);
  r.mutable_straight_line()->set_circuity_factor(1.3);
  r.mutable_straight_line()->set_speed_mph(35);
  return r;
}

inline constexpr char kSquare[] =
    R"({"type":"Polygon","coordinates":[[[-157.9,21.3],[-157.8,21.3],[-157.8,21.4],[-157.9,21.3]]]})";
inline constexpr char kTwoSquares[] =
    R"({"type":"MultiPolygon","coordinates":[[[[-158.0,21.2],[-157.7,21.2],[-157.7,21.5],)"
    R"([-158.0,21.2]]],[[[-157.6,21.2],[-157.5,21.2],[-157.5,21.3],[-157.6,21.2]]]]})";

inline carereach::v1::ComputeIsochronesResponse SampleIsochrones() {
  carereach::v1::ComputeIsochronesResponse r;
  r.set_region("honolulu");
  carereach::v1::Isochrone* ten = r.add_isochrones();
  ten->set_max_minutes(10);
  ten->set_geojson(kSquare);
  ten->set_area_km2(12.5);
  carereach::v1::Isochrone* twenty = r.add_isochrones();
  twenty->set_max_minutes(20);
  twenty->set_geojson(kTwoSquares);
  twenty->set_area_km2(40.25);
  r.set_speed_profile("car");
  r.set_attribution("© OpenStreetMap contributors");
  return r;
}

// The RFC 7946 shape a map tool reads, with each geometry an object, never a string.
inline void ExpectIsochroneFeatureCollection(const nlohmann::json& json) {
  EXPECT_EQ(json["type"], "FeatureCollection");
  EXPECT_EQ(json["attribution"], "© OpenStreetMap contributors");
  ASSERT_TRUE(json["features"].is_array());
  ASSERT_EQ(json["features"].size(), 2u);
  const nlohmann::json& ten = json["features"][0];
  EXPECT_EQ(ten["type"], "Feature");
  ASSERT_TRUE(ten["geometry"].is_object());
  EXPECT_EQ(ten["geometry"], nlohmann::json::parse(kSquare));
  EXPECT_EQ(ten["geometry"]["coordinates"][0][0][0], -157.9);  // longitude first
  EXPECT_TRUE(ten["properties"]["max_minutes"].is_number_integer());
  EXPECT_EQ(ten["properties"]["max_minutes"], 10);
  EXPECT_EQ(ten["properties"]["area_km2"], 12.5);
  EXPECT_EQ(ten["properties"]["region"], "honolulu");
  EXPECT_EQ(ten["properties"]["speed_profile"], "car");
  EXPECT_EQ(ten["properties"]["attribution"], "© OpenStreetMap contributors");
  const nlohmann::json& twenty = json["features"][1];
  EXPECT_EQ(twenty["geometry"]["type"], "MultiPolygon");
  EXPECT_EQ(twenty["properties"]["max_minutes"], 20);
  EXPECT_EQ(twenty["properties"]["area_km2"], 40.25);
}

inline carereach::v1::MatrixRow Row(int index, std::string id, bool snapped,
                                    std::vector<double> minutes, std::vector<double> miles) {
  carereach::v1::MatrixRow row;
  row.set_origin_index(index);
  row.set_origin_id(std::move(id));
  row.set_origin_snapped(snapped);
  for (double m : minutes) row.add_minutes(m);
  for (double m : miles) row.add_miles(m);
  return row;
}

inline constexpr char kRosterCsv[] =
    "npi,provider_name,Specialty_Code,lat,lon,telehealth\n"
    "1001,Dr A,40,42.28,-83.74,yes\n"
    "1002,Dr B,S03,42.30,-83.70,N\n"
    "1003,Dr C,007,42.31,-83.71,\n";

inline carereach::v1::CountySpecialtyResult AdequacyResult(const std::string& fips,
                                                           const std::string& code, bool pass) {
  carereach::v1::CountySpecialtyResult r;
  r.set_county_fips(fips);
  r.set_county_name(fips == "26163" ? "Wayne County" : "Washtenaw County");
  r.set_state("MI");
  r.set_county_designation("Large Metro");
  r.set_specialty_code(code);
  r.set_specialty_name(code == "040" ? "Acute Inpatient Hospitals" : "Primary Care");
  r.set_facility(code == "040");
  r.set_max_minutes(20);
  r.set_max_miles(10);
  r.set_beneficiaries(1000);
  r.set_beneficiaries_with_access(pass ? 950 : 700.5);
  r.set_share_with_access(pass ? 0.95 : 0.7005);
  r.set_required_share(0.9);
  r.set_telehealth_credit(code == "S03" ? 0.1 : 0);
  r.set_time_distance_pass(pass);
  r.set_minimum_number(code == "040" ? 513 : 50);
  r.set_counted(pass ? 600 : 412.4);
  r.set_minimum_number_pass(pass);
  r.set_minimum_number_deficit(pass ? 0 : 100.6);
  r.set_pass(pass);
  r.set_providers_serving(7);
  if (!pass) {
    r.add_uncovered_unit_ids("26163500100");
    r.add_uncovered_unit_ids("26163999999");
  }
  r.set_uncovered_beneficiaries(pass ? 0 : 299.5);
  return r;
}

inline AdequacyReport SampleAdequacy() {
  AdequacyReport report;
  report.results = {AdequacyResult("26125", "040", true), AdequacyResult("26125", "S03", false),
                    AdequacyResult("26163", "040", true), AdequacyResult("26163", "S03", false)};
  report.summary.set_region("michigan");
  report.summary.set_standards_set("cms-ma-cy2026");
  report.summary.set_mode(carereach::v1::TRAVEL_MODE_STRAIGHT_LINE);
  report.summary.set_results(4);
  report.summary.set_failing_results(2);
  report.summary.set_roster_rows(3);
  report.summary.set_beneficiary_method("Spread over tracts by population.");
  return report;
}

inline absl::Status UsageOf(const std::vector<std::string>& args) {
  return ParseArgs(args).status();
}

inline std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

inline constexpr char kHospitals[] =
    "\xEF\xBB\xBFX,Y,OBJECTID,ID,NAME,TYPE,STATUS,STATE,LATITUDE,LONGITUDE,BEDS\n"
    "-85.6,44.2,1,0001,MERCY HEALTH MUSKEGON,GENERAL ACUTE CARE,OPEN,MI,43.23,-86.25,-999\n"
    "-84.0,42.3,2,0002,St Joseph Mercy Chelsea,GENERAL ACUTE CARE,OPEN,MI,42.31,-84.02,133\n"
    "-83.2,42.1,3,0003,HENRY FORD WYANDOTTE,GENERAL ACUTE CARE,OPEN,MI,42.20,-83.15,\n"
    "-84.5,39.1,4,0004,MERCY HEALTH ANDERSON,GENERAL ACUTE CARE,OPEN,OH,39.08,-84.33,x\n"
    "-83.4,42.6,5,0005,SAINT JOSEPH MERCY OAKLAND,CRITICAL ACCESS,OPEN,MI,42.63,-83.29,443\n"
    "-85.6,42.9,6,0006,MERCY HEALTH SAINT MARY'S,GENERAL ACUTE CARE,CLOSED,MI,42.95,-85.66,0\n";

inline io::CsvTable HospitalsTable() {
  absl::StatusOr<io::CsvTable> table = io::ParseCsv(kHospitals, "hifld.csv");
  EXPECT_TRUE(table.ok()) << table.status();
  return *std::move(table);
}

inline std::vector<std::string> KeptIds(const std::vector<WhereClause>& where) {
  absl::StatusOr<FacilityList> list = FacilitiesFromTable(HospitalsTable(), {}, where);
  EXPECT_TRUE(list.ok()) << list.status();
  std::vector<std::string> ids;
  if (!list.ok()) return ids;
  for (const auto& facility : list->facilities) ids.push_back(facility.id());
  return ids;
}

inline WhereClause Contains(std::string column, std::string text) {
  return WhereClause{std::move(column), std::move(text), /*contains=*/true};
}

inline std::vector<NetworkProvider> TrickyProviders() {
  std::vector<NetworkProvider> providers(3);
  providers[0].set_id("0001336420");  // leading zeros stay
  providers[0].set_name("Mercy \"St. Mary's\", Grand Rapids");
  providers[0].set_specialty_code("040");
  providers[0].mutable_location()->set_lon(-85.66789012345679);
  providers[0].mutable_location()->set_lat(42.96340000000001);
  providers[0].set_beds(250.5);
  providers[0].set_telehealth(true);
  providers[0].set_type("GENERAL ACUTE CARE");
  providers[1].set_id("1234567893");
  providers[1].set_specialty_code("S03");  // no name, no type, no beds
  providers[1].mutable_location()->set_lon(-83.0000001);
  providers[1].mutable_location()->set_lat(0.1 + 0.2);  // 0.30000000000000004
  providers[2].set_id("multi\nline");
  providers[2].set_name("line one\nline two");
  providers[2].set_specialty_code("007");
  providers[2].mutable_location()->set_lon(180);
  providers[2].mutable_location()->set_lat(-90);
  providers[2].set_type("a,b");
  providers[2].set_exclusion("residential_facility_only");
  carereach::v1::HsdFields* hsd = providers[2].mutable_hsd();
  hsd->set_ssa_county_code("12020");
  hsd->set_contract_type("D");
  hsd->set_street_address("1 Main St, Suite 2");
  hsd->set_city("Honolulu");
  hsd->set_state("HI");
  hsd->set_zip_code("96813");
  hsd->set_medical_group("Queen's \"Group\"");
  return providers;
}

inline std::string ExportCsv(const std::vector<NetworkProvider>& providers) {
  std::string csv(kExportCsvHeader);
  for (const NetworkProvider& p : providers) csv += ExportCsvLine(p);
  return csv;
}

inline carereach::v1::ResolvedNetwork Resolved(const std::string& id, int version, int64_t base,
                                               int added, int removed, int facilities) {
  carereach::v1::ResolvedNetwork n;
  n.set_label(id);
  n.set_network_id(id);
  n.set_version(version);
  n.set_base_rows(base);
  n.set_added_rows(added);
  n.set_removed_rows(removed);
  n.set_rows(base + added - removed);
  n.set_facility_count(facilities);
  return n;
}

// Two members; every figure consistent: loss = alliance - without, gain = alliance - alone, and
// with two members one's "without" is the other's "alone".
inline carereach::v1::AnalyzeCoverageResponse AllianceCoverage() {
  carereach::v1::AnalyzeCoverageResponse r;
  r.set_region("michigan");
  r.set_mode(carereach::v1::TRAVEL_MODE_STRAIGHT_LINE);
  r.mutable_straight_line()->set_circuity_factor(1.3);
  r.mutable_straight_line()->set_speed_mph(35);
  r.set_total_population(1000000);
  *r.add_results() = Minutes(20, 742000, 0.742);
  *r.add_results() = Miles(10, 600000, 0.6);
  carereach::v1::CountyCoverage* wayne = r.add_counties();
  wayne->set_fips("26163");
  wayne->set_name("Wayne County");
  wayne->set_state("MI");
  wayne->set_total_population(600000);
  *wayne->add_results() = Minutes(20, 500000, 500000.0 / 600000);
  *wayne->add_results() = Miles(10, 400000, 400000.0 / 600000);
  carereach::v1::CountyCoverage* oakland = r.add_counties();
  oakland->set_fips("26125");
  oakland->set_name("Oakland County");
  oakland->set_state("MI");
  oakland->set_total_population(400000);
  *oakland->add_results() = Minutes(20, 242000, 0.605);
  *oakland->add_results() = Miles(10, 200000, 0.5);
  auto member = [&](const std::string& label, std::pair<int64_t, int64_t> alone,
                    std::pair<int64_t, int64_t> without, std::pair<double, double> fair) {
    carereach::v1::MemberCoverage* m = r.add_members();
    m->set_label(label);
    *m->add_alone() = Minutes(20, alone.first, alone.first / 1e6);
    *m->add_alone() = Miles(10, alone.second, alone.second / 1e6);
    *m->add_without() = Minutes(20, without.first, without.first / 1e6);
    *m->add_without() = Miles(10, without.second, without.second / 1e6);
    m->add_loss_if_leaves(742000 - without.first);
    m->add_loss_if_leaves(600000 - without.second);
    m->add_gain_by_joining(742000 - alone.first);
    m->add_gain_by_joining(600000 - alone.second);
    m->add_fair_share_population(fair.first);
    m->add_fair_share_population(fair.second);
  };
  // Fair shares: each member's own residents plus half of those both cover (409,000 within 20
  // minutes, 300,000 within 10 miles), moved by fractions that test the whole-number rounding.
  member("ascension", {550000, 400000}, {601000, 500000}, {345500.25, 250000.5});
  member("trinity", {601000, 500000}, {550000, 400000}, {396499.75, 349999.5});
  *r.add_networks() = Resolved("ascension", 3, 27, 0, 0, 27);
  *r.add_networks() = Resolved("trinity", 2, 40, 1, 2, 38);
  r.set_report_id("rpt_9f3a51c07be24d11");
  r.set_compute_ms(12.4);
  return r;
}

inline carereach::v1::RecommendAdditionsResponse CoverageRecommendation() {
  carereach::v1::RecommendAdditionsResponse r;
  r.set_region("michigan");
  r.set_mode(carereach::v1::TRAVEL_MODE_STRAIGHT_LINE);
  r.set_total(1000000);
  r.set_base_covered(700000);
  r.set_base_share(0.7);
  auto pick = [&](const std::string& id, const std::string& name, double gain) {
    carereach::v1::RecommendedAddition* p = r.add_picks();
    p->set_rank(r.picks_size());
    p->mutable_provider()->set_id(id);
    p->mutable_provider()->set_name(name);
    p->mutable_provider()->set_specialty_code("040");
    p->mutable_provider()->mutable_location()->set_lon(-83.15);
    p->mutable_provider()->mutable_location()->set_lat(42.2);
    const double before =
        r.picks_size() == 1 ? r.base_covered() : r.picks(r.picks_size() - 2).covered();
    p->set_gain(gain);
    p->set_covered(before + gain);
    p->set_share((before + gain) / r.total());
  };
  pick("H1", "HENRY FORD WYANDOTTE", 50000);
  pick("H2", "BEAUMONT TAYLOR", 40000);
  pick("H3", "COREWELL DEARBORN", 15000);
  r.set_target_met(true);
  r.set_max_minutes(20);
  r.add_skipped_candidate_ids("M1");
  r.set_candidates_considered(131);
  *r.add_networks() = Resolved("mercy", 2, 131, 0, 0, 120);
  r.set_method("Lazy greedy: each pick adds the most residents newly covered.");
  r.set_compute_ms(7);
  return r;
}

inline carereach::v1::AdequacyReport AllianceAdequacy() {
  carereach::v1::AdequacyReport report;
  auto result = [&](const std::string& fips, const std::string& name, bool pass,
                    std::vector<std::string> critical) {
    carereach::v1::AllianceAdequacyResult* r = report.add_results();
    carereach::v1::CountySpecialtyResult* c = r->mutable_result();
    c->set_county_fips(fips);
    c->set_county_name(name);
    c->set_county_designation("Large Metro");
    c->set_specialty_code("040");
    c->set_specialty_name("Acute Inpatient Hospitals");
    c->set_max_minutes(20);
    c->set_max_miles(10);
    c->set_share_with_access(pass ? 0.95 : 0.8);
    c->set_required_share(0.9);
    c->set_time_distance_pass(pass);
    c->set_minimum_number(500);
    c->set_counted(pass ? 600 : 450);
    c->set_minimum_number_pass(pass);
    c->set_minimum_number_deficit(pass ? 0 : 50);
    c->set_pass(pass);
    for (const std::string& label : critical) r->add_critical_members(label);
  };
  // Server order: the passing result first; the formats put failing first.
  result("26125", "Oakland County", true, {"trinity"});
  result("26163", "Wayne County", false, {});
  carereach::v1::AnalyzeAdequacySummary* s = report.mutable_summary();
  s->mutable_summary()->set_region("michigan");
  s->mutable_summary()->set_standards_set("cms-ma-cy2026");
  s->mutable_summary()->set_roster_rows(67);
  s->mutable_summary()->set_beneficiary_method("Spread over tracts by population.");
  s->set_passing_results(1);
  auto member = [&](const std::string& label, int alone, int without, int critical) {
    carereach::v1::MemberAdequacySummary* m = s->add_members();
    m->set_label(label);
    m->set_alone_passing(alone);
    m->set_without_passing(without);
    m->set_critical_results(critical);
  };
  member("ascension", 0, 1, 0);
  member("trinity", 1, 0, 1);
  *s->add_networks() = Resolved("ascension", 3, 27, 0, 0, 0);
  *s->add_networks() = Resolved("trinity", 2, 40, 0, 0, 0);
  s->set_report_id("rpt_2");
  return report;
}

}  // namespace carereach::cli

#endif  // CAREREACH_TESTS_CLIENTS_FIXTURES_H_
