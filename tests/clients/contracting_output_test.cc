// Output of ContractingService answers (contracting_output.h).

#include "clients/cli/contracting_output.h"

#include "tests/clients/fixtures.h"

namespace carereach::cli {
namespace {

// ---------------------------------------------------------------------------------------------
// Output of hand-built answers

TEST(ContractingOutputTest, AllianceCoverageTable) {
  const std::vector<std::string> lines = Lines(AnalyzeCoverageTable(AllianceCoverage(), false));
  EXPECT_THAT(
      lines,
      ElementsAre(
          "region       michigan",
          "mode         straight-line, circuity 1.3, 35 mph (minutes = geodesic miles x 1.3 / 35 "
          "x 60)",
          "networks     ascension (ascension@3): 27 rows, 27 facilities",
          "             trinity (trinity@2): 40 rows +1 added -2 removed = 39 rows, 38 facilities",
          "population   1,000,000",  //
          "report       rpt_9f3a51c07be24d11",
          "computed in  12 ms",  //
          "alliance of 2 members",
          // threshold: 9 wide; covered population: 18 wide, right-aligned; share: 5.
          "threshold  covered population  share",
          "20 min                742,000  74.2%",  //
          "10 mi                 600,000  60.0%", StartsWith("each member: its share alone"),
          "member     threshold  alone  without  loss if leaves  gain by joining  fair share",
          // Whole fair shares add up to the alliance's covered residents: 345,500.25 and
          // 396,499.75 round to 345,500 + 396,500; 250,000.5 and 349,999.5 (a tie, which
          // rounding each half up would make 600,001) to 250,001 + 349,999.
          "ascension  20 min     55.0%    60.1%         141,000          192,000     345,500",
          "ascension  10 mi      40.0%    50.0%         100,000          200,000     250,001",
          "trinity    20 min     60.1%    55.0%         192,000          141,000     396,500",
          "trinity    10 mi      50.0%    40.0%         200,000          100,000     349,999"));

  // --counties adds the county table; one network has no member table.
  const std::string with_counties = AnalyzeCoverageTable(AllianceCoverage(), true);
  EXPECT_THAT(with_counties,
              HasSubstr("share of residents by county\n"
                        "fips   county          state  population  20 min  10 mi\n"
                        "26163  Wayne County    MI        600,000   83.3%  66.7%\n"
                        "26125  Oakland County  MI        400,000   60.5%  50.0%\n"));
  carereach::v1::AnalyzeCoverageResponse single = AllianceCoverage();
  single.clear_members();
  single.mutable_networks()->RemoveLast();
  single.clear_report_id();
  const std::string single_table = AnalyzeCoverageTable(single, false);
  EXPECT_THAT(single_table, HasSubstr("network      ascension (ascension@3)"));
  EXPECT_THAT(single_table, AllOf(Not(HasSubstr("alliance")), Not(HasSubstr("member")),
                                  Not(HasSubstr("report")), Not(HasSubstr("Road data"))));
  // Drive mode: the unsnapped counts and the road data credit.
  carereach::v1::AnalyzeCoverageResponse drive = single;
  drive.set_mode(carereach::v1::TRAVEL_MODE_DRIVE);
  drive.set_speed_profile("car-us-1");
  drive.set_unsnapped_units(3);
  drive.set_unsnapped_population(1200);
  drive.add_unsnapped_facility_ids("H9");
  const std::string drive_table = AnalyzeCoverageTable(drive, false);
  EXPECT_THAT(drive_table, HasSubstr("mode         drive, speed profile car-us-1\n"));
  EXPECT_THAT(drive_table,
              HasSubstr("unsnapped    3 tracts, 1,200 residents (counted as not covered)\n"
                        "             facilities not on the road network (not used): H9\n"));
  EXPECT_THAT(drive_table, testing::EndsWith("\nRoad data © OpenStreetMap contributors\n"));
}

TEST(ContractingOutputTest, AllianceCoverageCsvAndJson) {
  const carereach::v1::AnalyzeCoverageResponse response = AllianceCoverage();
  const std::vector<std::string> lines = Lines(AnalyzeCoverageCsv(response));
  ASSERT_EQ(lines.size(), 1u + 2 + 4 + 4);  // header, region, counties, members x thresholds
  EXPECT_EQ(lines[0],
            "scope,label,fips,name,threshold_kind,threshold,total_population,covered_population,"
            "share,without_covered_population,without_share,loss_if_leaves,gain_by_joining,"
            "fair_share_population");
  EXPECT_EQ(lines[1], "region,,,michigan,minutes,20,1000000,742000,0.742000,,,,,");
  EXPECT_EQ(lines[2], "region,,,michigan,miles,10,1000000,600000,0.600000,,,,,");
  EXPECT_EQ(lines[3], "county,,26163,Wayne County,minutes,20,600000,500000,0.833333,,,,,");
  EXPECT_EQ(lines[7],
            "member,ascension,,michigan,minutes,20,1000000,550000,0.550000,601000,0.601000,"
            "141000,192000,345500.250");
  EXPECT_EQ(lines[10],
            "member,trinity,,michigan,miles,10,1000000,500000,0.500000,400000,0.400000,200000,"
            "100000,349999.500");
  // Property of every member line: loss = alliance - without, gain = alliance - alone.
  const int64_t alliance[2] = {742000, 600000};
  for (size_t i = 7; i < lines.size(); ++i) {
    std::vector<std::string> f = absl::StrSplit(lines[i], ',');
    ASSERT_EQ(f.size(), 14u);
    const int threshold = (i - 7) % 2;
    EXPECT_EQ(std::stoll(f[11]), alliance[threshold] - std::stoll(f[9])) << lines[i];
    EXPECT_EQ(std::stoll(f[12]), alliance[threshold] - std::stoll(f[7])) << lines[i];
  }

  absl::StatusOr<nlohmann::ordered_json> json = ProtoJson(response);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ((*json)["region"], "michigan");
  EXPECT_EQ((*json)["mode"], "TRAVEL_MODE_STRAIGHT_LINE");
  EXPECT_EQ((*json)["total_population"], "1000000");  // proto3 JSON: int64 as a string
  EXPECT_EQ((*json)["results"][0]["max_minutes"], 20);
  EXPECT_EQ((*json)["members"][1]["label"], "trinity");
  EXPECT_EQ((*json)["members"][1]["loss_if_leaves"][0], "192000");
  EXPECT_EQ((*json)["members"][1]["fair_share_population"][1], 349999.5);
  EXPECT_EQ((*json)["networks"][1]["removed_rows"], 2);
  EXPECT_EQ((*json)["unsnapped_units"], 0);  // every field present
}

TEST(ContractingOutputTest, CoverageRecommendationTable) {
  carereach::v1::RecommendAdditionsRequest request;
  request.mutable_coverage()->set_max_minutes(20);
  request.mutable_coverage()->set_target_share(0.8);
  request.mutable_coverage()->add_county_fips("26163");
  request.mutable_coverage()->add_specialty_codes("040");
  const carereach::v1::RecommendAdditionsResponse response = CoverageRecommendation();
  const std::vector<std::string> lines = Lines(RecommendTable(request, response));
  EXPECT_THAT(
      lines,
      ElementsAre("region       michigan",
                  "objective    coverage: residents within 20 min of a facility, counties 26163, "
                  "specialties 040",
                  "mode         straight-line",  //
                  "network      mercy (mercy@2): 131 rows, 120 facilities",
                  "candidates   131 considered; already in the network (skipped): M1",
                  "before       700,000 of 1,000,000 residents covered (70.0%)",
                  "target       80.0%: met",  //
                  "computed in  7 ms",
                  // name: 20 wide (the longest name); gain 6, covered 7 and share 5, right-aligned.
                  "rank  id  name                    gain  covered  share",
                  "   1  H1  HENRY FORD WYANDOTTE  50,000  750,000  75.0%",
                  "   2  H2  BEAUMONT TAYLOR       40,000  790,000  79.0%",
                  "   3  H3  COREWELL DEARBORN     15,000  805,000  80.5%",
                  "method: Lazy greedy: each pick adds the most residents newly covered."));
  // Property: each pick's running total is the previous one plus its gain.
  double covered = response.base_covered();
  for (const carereach::v1::RecommendedAddition& p : response.picks()) {
    covered += p.gain();
    EXPECT_EQ(p.covered(), covered);
  }

  const std::vector<std::string> csv = Lines(RecommendCsv(response));
  ASSERT_EQ(csv.size(), 4u);
  EXPECT_EQ(csv[0], "rank,id,name,specialty_code,lon,lat,gain,covered,share,counted,pass");
  EXPECT_EQ(csv[1], "1,H1,HENRY FORD WYANDOTTE,040,-83.15,42.2,50000,750000,0.750000,,");

  // No picks, no target.
  carereach::v1::RecommendAdditionsResponse none = response;
  none.clear_picks();
  none.set_target_met(false);
  request.mutable_coverage()->set_target_share(0);
  const std::string text = RecommendTable(request, none);
  EXPECT_THAT(text, AllOf(HasSubstr("target       none (the most picks allowed)\n"),
                          HasSubstr("\nno additions picked\n")));
}

TEST(ContractingOutputTest, AdequacyRecommendationTable) {
  carereach::v1::RecommendAdditionsRequest request;
  request.mutable_adequacy()->set_county_fips("26163");
  request.mutable_adequacy()->set_specialty_code("040");
  carereach::v1::RecommendAdditionsResponse r;
  r.set_region("michigan");
  r.set_total(12000);
  r.set_base_covered(8400);
  r.set_base_share(0.7);
  r.set_required_share(0.9);
  r.set_telehealth_credit(0.1);
  r.set_minimum_number(6);
  r.set_base_counted(3);
  r.set_target_met(true);
  auto pick = [&](const std::string& id, double gain, double covered, double counted, bool pass) {
    carereach::v1::RecommendedAddition* p = r.add_picks();
    p->set_rank(r.picks_size());
    p->mutable_provider()->set_id(id);
    p->mutable_provider()->set_name("ASCENSION");
    p->set_gain(gain);
    p->set_covered(covered);
    p->set_share(covered / 12000);
    p->set_counted(counted);
    p->set_pass(pass);
  };
  pick("A1", 1500, 9900, 4, false);
  pick("A2", 1000, 10900, 6, true);
  const std::string text = RecommendTable(request, r);
  EXPECT_THAT(text, HasSubstr("objective    adequacy of county 26163, specialty 040: 90.0% with "
                              "access required (telehealth credit +10), minimum number 6\n"));
  EXPECT_THAT(text, HasSubstr("before       70.0% of 12,000 beneficiaries with access, 3 counted "
                              "toward the minimum\n"));
  EXPECT_THAT(text, HasSubstr("target       the county x specialty passes: met\n"));
  EXPECT_THAT(text, HasSubstr("rank  id  name       gain  covered  share  counted  pass\n"
                              "   1  A1  ASCENSION  1500     9900  82.5%        4  FAIL\n"
                              "   2  A2  ASCENSION  1000    10900  90.8%        6  PASS\n"));
  EXPECT_THAT(Lines(RecommendCsv(r))[2], testing::EndsWith(",1000,10900,0.908333,6,true"));
}

TEST(ContractingOutputTest, AllianceAdequacyTableAndCsv) {
  const std::string table = AllianceAdequacyTable(AllianceAdequacy(), false);
  EXPECT_THAT(table, StartsWith("Specialty Summary by County\nregion         michigan\n"));
  EXPECT_THAT(table, HasSubstr("networks       ascension (ascension@3): 27 rows\n"
                               "               trinity (trinity@2): 40 rows\n"
                               "report         rpt_2\n"
                               "computed in    0 ms\n"));
  const std::vector<std::string> lines = Lines(table);
  auto header = std::find_if(lines.begin(), lines.end(),
                             [](const std::string& l) { return absl::StartsWith(l, "fips"); });
  ASSERT_NE(header, lines.end());
  EXPECT_THAT(*header, testing::EndsWith("result  critical members"));
  EXPECT_THAT(*(header + 1), AllOf(StartsWith("26163  Wayne County"), testing::EndsWith("FAIL")));
  EXPECT_THAT(*(header + 2),
              AllOf(StartsWith("26125  Oakland County"), testing::EndsWith("PASS    trinity")));
  EXPECT_THAT(table, HasSubstr("1 of 2 county x specialty results fail\n"));
  EXPECT_THAT(table, HasSubstr("member     alone passing  without passing  critical results\n"
                               "ascension              0                1                 0\n"
                               "trinity                1                0                 1\n"));

  const std::string failing = AllianceAdequacyTable(AllianceAdequacy(), true);
  EXPECT_THAT(failing, Not(HasSubstr("26125  Oakland")));
  EXPECT_THAT(failing, HasSubstr("1 of 2 county x specialty results fail (passing results not "
                                 "shown)\n"));

  const std::vector<std::string> csv = Lines(AllianceAdequacyCsv(AllianceAdequacy(), false));
  ASSERT_EQ(csv.size(), 3u);
  EXPECT_THAT(csv[0], testing::EndsWith(",uncovered_unit_ids,critical_members"));
  EXPECT_THAT(csv[1], AllOf(StartsWith("26163,Wayne County"), testing::EndsWith(",")));
  EXPECT_THAT(csv[2], AllOf(StartsWith("26125,Oakland County"), testing::EndsWith(",trinity")));
  EXPECT_EQ(Lines(AllianceAdequacyCsv(AllianceAdequacy(), true)).size(), 2u);
}

// Exception evidence on the failing result (Wayne): a section after the results, and four CSV
// columns (empty on the passing row).
TEST(ContractingOutputTest, ExceptionEvidenceSectionAndCsvColumns) {
  carereach::v1::AdequacyReport report = AllianceAdequacy();
  ASSERT_EQ(report.results(1).result().county_fips(), "26163");
  report.mutable_results(1)->mutable_result()->set_state("MI");
  carereach::v1::ExceptionEvidence* e = report.mutable_results(1)->mutable_exception_evidence();
  e->set_supply_of_type(1234);
  e->set_available_within_standard(2);
  e->set_verdict("2 available, not contracted");
  const auto add = [&](const std::string& id, const std::string& name, double minutes, double miles,
                       bool within) {
    carereach::v1::SupplyProvider* p = e->add_nearest();
    p->mutable_provider()->set_id(id);
    p->mutable_provider()->set_name(name);
    p->set_minutes(minutes);
    p->set_miles(miles);
    p->set_within_standard(within);
  };
  add("h1", "Henry Ford, Detroit", 4.25, 2.5, true);
  add("h2", "Beaumont", 61, 40.04, false);
  const std::string table = AllianceAdequacyTable(report, false);
  EXPECT_THAT(table, HasSubstr("\nException evidence (failing results: "));
  EXPECT_THAT(table,
              HasSubstr("\nWayne County, MI (26163), 040 Acute Inpatient Hospitals, 20 min / "
                        "10 mi: 2 available, not contracted (1,234 of the type in the supply)\n"
                        "provider             id  minutes  miles  within standard\n"
                        "Henry Ford, Detroit  h1      4.2    2.5  yes\n"
                        "Beaumont             h2       61     40  no\n"));
  const std::vector<std::string> csv = Lines(AllianceAdequacyCsv(report, false));
  ASSERT_EQ(csv.size(), 3u);
  EXPECT_THAT(csv[0], testing::EndsWith(",critical_members,exception_verdict,supply_of_type,"
                                        "supply_available_within_standard,nearest_supply"));
  EXPECT_THAT(csv[1], testing::EndsWith(
                          ",\"2 available, not contracted\",1234,2,\"Henry Ford, Detroit (h1) 4.2 "
                          "min 2.5 mi within;Beaumont (h2) 61 min 40 mi outside\""));
  EXPECT_THAT(csv[2], testing::EndsWith(",trinity,,,,"));
  // Without evidence the table and the CSV are as before.
  EXPECT_THAT(AllianceAdequacyTable(AllianceAdequacy(), false),
              Not(HasSubstr("Exception evidence")));
}

TEST(ContractingOutputTest, AccessRatiosTableAndCsv) {
  carereach::v1::ComputeAccessRatiosRequest request;
  request.set_capacity_from_beds(true);
  carereach::v1::ComputeAccessRatiosResponse r;
  r.set_region("michigan");
  r.set_catchment_minutes(30);
  r.set_total_population(1000);
  // The region's mean is the population-weighted mean of the counties': (600 x 3 + 400 x 1.75)
  // / 1000 = 2.5.
  r.set_mean_access_per_1000(2.5);
  r.set_zero_access_population(100);
  auto county = [&](const std::string& fips, const std::string& name, int64_t population,
                    double mean, int64_t zero, double min, double max) {
    carereach::v1::CountyAccess* c = r.add_counties();
    c->set_fips(fips);
    c->set_name(name);
    c->set_state("MI");
    c->set_population(population);
    c->set_mean_access_per_1000(mean);
    c->set_zero_access_population(zero);
    c->set_min_access_per_1000(min);
    c->set_max_access_per_1000(max);
  };
  county("26163", "Wayne County", 600, 3.0, 0, 1.5, 4.25);
  county("26125", "Oakland County", 400, 1.75, 100, 0, 2.5);
  *r.mutable_network() = Resolved("mercy", 2, 131, 0, 0, 120);
  const std::string table = AccessRatiosTable(request, r);
  EXPECT_THAT(table, HasSubstr("catchment    30 min\n"
                               "capacity     beds (1 for a provider without beds)\n"));
  EXPECT_THAT(table,
              HasSubstr("fips   county          state  population  mean per 1,000  zero access  "
                        "min per 1,000  max per 1,000\n"
                        "26163  Wayne County    MI            600           3.000            0  "
                        "        1.500          4.250\n"));
  EXPECT_THAT(table, testing::EndsWith("\nregion michigan: mean 2.500 per 1,000 residents; 100 "
                                       "residents (10.0%) with no provider within 30 min\n"));
  const std::vector<std::string> csv = Lines(AccessRatiosCsv(r));
  ASSERT_EQ(csv.size(), 4u);
  EXPECT_EQ(csv[1], "region,,michigan,,1000,2.500000,100,,");
  EXPECT_EQ(csv[3], "county,26125,Oakland County,MI,400,1.750000,100,0.000000,2.500000");
  carereach::v1::UnitAccess unit;
  unit.set_unit_id("26163500100");
  unit.set_county_fips("26163");
  unit.set_population(1775);
  unit.set_access_per_1000(2.25);
  EXPECT_EQ(AccessUnitsCsvHeader() + AccessUnitsCsvLine(unit),
            "unit_id,county_fips,population,access_per_1000\n26163500100,26163,1775,2.250000\n");
}

}  // namespace
}  // namespace carereach::cli
