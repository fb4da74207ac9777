// Roster CSV reading, facility CSVs as roster rows, and the export CSV read back
// (roster_csv.h).

#include "clients/cli/roster_csv.h"

#include "tests/clients/fixtures.h"

namespace carereach::cli {
namespace {

TEST(RosterCsvTest, DetectsColumnsPadsCodesAndParsesTelehealth) {
  absl::StatusOr<io::CsvTable> table = io::ParseCsv(kRosterCsv, "roster.csv");
  ASSERT_TRUE(table.ok());
  absl::StatusOr<Roster> roster = RosterFromTable(*table, {}, {}, "");
  ASSERT_TRUE(roster.ok()) << roster.status();
  EXPECT_EQ(roster->columns.id, "npi");
  EXPECT_EQ(roster->columns.specialty, "Specialty_Code");
  EXPECT_EQ(roster->columns.beds, "");
  ASSERT_EQ(roster->providers.size(), 3u);
  EXPECT_EQ(roster->providers[0].specialty_code(), "040");
  EXPECT_EQ(roster->providers[1].specialty_code(), "S03");
  EXPECT_EQ(roster->providers[0].name(), "Dr A");
  EXPECT_TRUE(roster->providers[0].telehealth());
  EXPECT_FALSE(roster->providers[1].telehealth());
  EXPECT_FALSE(roster->providers[2].telehealth());
  EXPECT_EQ(roster->providers[0].location().lon(), -83.74);
  EXPECT_THAT(roster->csv_lines, ElementsAre(2, 3, 4));
}

TEST(RosterCsvTest, SpecialtyFlagWithHifldLikeFileAndUnknownBeds) {
  absl::StatusOr<io::CsvTable> table = io::ParseCsv(
      "\xEF\xBB\xBFX,Y,OBJECTID,ID,NAME,TYPE,STATUS,LATITUDE,LONGITUDE,BEDS\n"
      "-86.49,31.29,1,0001336420,ANDALUSIA,GENERAL ACUTE CARE,OPEN,31.29,-86.49,101\n"
      "-86.97,34.80,2,0001535611,ATHENS,GENERAL ACUTE CARE,OPEN,34.80,-86.97,-999\n"
      "-87.47,31.01,3,0000136502,ATMORE,CRITICAL ACCESS,CLOSED,31.01,-87.47,x\n",
      "hifld.csv");
  ASSERT_TRUE(table.ok());
  // Without --specialty the file has no specialty column.
  EXPECT_THAT(RosterFromTable(*table, {}, {}, "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("no specialty code column"), HasSubstr("--specialty"))));
  absl::StatusOr<Roster> roster = RosterFromTable(*table, {}, {{"STATUS", "OPEN"}}, "040");
  ASSERT_TRUE(roster.ok()) << roster.status();
  ASSERT_EQ(roster->providers.size(), 2u);
  EXPECT_EQ(roster->providers[0].specialty_code(), "040");
  EXPECT_EQ(roster->providers[0].beds(), 101);
  EXPECT_EQ(roster->providers[1].beds(), 0);  // -999: unknown
  EXPECT_EQ(roster->unknown_beds_rows, 1);
  std::string summary = RosterSummary(*roster, {{"STATUS", "OPEN"}});
  EXPECT_THAT(summary, HasSubstr("roster: kept 2 of 3 rows of hifld.csv (STATUS=OPEN); "
                                 "specialty 040 for every row (--specialty)\n"));
  EXPECT_THAT(summary, HasSubstr("roster: note: 1 of 2 rows have no usable BEDS value"));
  // The row filtered out has unparsable beds; kept, it is an error naming file:line:column.
  EXPECT_THAT(RosterFromTable(*table, {}, {}, "040").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("hifld.csv:4: column BEDS: 'x' is not a number")));
}

TEST(RosterCsvTest, SpecialtyFlagOverridesADetectedColumnAndSaysSo) {
  absl::StatusOr<io::CsvTable> table = io::ParseCsv(kRosterCsv, "roster.csv");
  ASSERT_TRUE(table.ok());
  absl::StatusOr<Roster> roster = RosterFromTable(*table, {}, {}, "S03");
  ASSERT_TRUE(roster.ok());
  EXPECT_EQ(roster->providers[0].specialty_code(), "S03");
  EXPECT_THAT(RosterSummary(*roster, {}), HasSubstr("column Specialty_Code ignored"));
}

TEST(RosterCsvTest, BadRowsNameFileLineAndColumn) {
  auto error = [](const std::string& text) {
    absl::StatusOr<io::CsvTable> table = io::ParseCsv(text, "r.csv");
    return RosterFromTable(*table, {}, {}, "").status();
  };
  EXPECT_THAT(error("id,specialty_code,lat,lon\n1,040,42.2,-83.1\n2,040,north,-83.1\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("r.csv:3: column lat: 'north' is not a number")));
  EXPECT_THAT(error("id,specialty_code,lat,lon,telehealth\n1,040,42.2,-83.1,maybe\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("r.csv:2: column telehealth: 'maybe' is not one of")));
  EXPECT_THAT(error("id,specialty_code,lat,lon\n1,,42.2,-83.1\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("r.csv:2: column specialty_code: empty specialty code")));
}

// Issue #11: a roster or facility file saved as Latin-1 ended as "error: INTERNAL:" (protobuf
// refused the bytes) with no file or line; a repeated column was used silently.
TEST(RosterCsvTest, LatinOneAndRepeatedColumnsAreRefusedWithFileAndLine) {
  const std::string latin1 = WriteTempFile(
      "latin1_roster.csv", "id,specialty_code,lat,lon,name\n1,040,42.2,-83.1,Caf\xE9\n");
  EXPECT_THAT(ReadRosterCsv(latin1, {}, {}, ""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("latin1_roster.csv:2: column 5 (\"name\") is not valid UTF-8")));
  EXPECT_THAT(ReadFacilitiesCsv(latin1, {}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("latin1_roster.csv:2: column 5 (\"name\") is not valid UTF-8")));
  const std::string repeated =
      WriteTempFile("repeated_roster.csv", "id,specialty_code,lat,lon,LAT\n1,040,42.2,-83.1,10\n");
  EXPECT_THAT(ReadRosterCsv(repeated, {}, {}, ""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("repeated_roster.csv:1: column \"LAT\" appears twice")));
  EXPECT_THAT(ReadFacilitiesCsv(repeated, {}, {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("repeated_roster.csv:1: column \"LAT\" appears twice")));
}

TEST(RosterCsvTest, TractCentresFromCenPopFile) {
  absl::StatusOr<io::CsvTable> table = io::ParseCsv(
      "\xEF\xBB\xBFSTATEFP,COUNTYFP,TRACTCE,POPULATION,LATITUDE,LONGITUDE\n"
      "26,163,500100,1775,+42.331427,-083.045754\n"
      "6,1,400100,20,+37.8,-122.2\n",
      "cenpop.txt");
  ASSERT_TRUE(table.ok());
  absl::StatusOr<TractCentres> centres = TractCentresFromTable(*table);
  ASSERT_TRUE(centres.ok()) << centres.status();
  ASSERT_EQ(centres->count("26163500100"), 1u);
  EXPECT_DOUBLE_EQ(centres->at("26163500100").lon, -83.045754);
  EXPECT_DOUBLE_EQ(centres->at("26163500100").lat, 42.331427);
  EXPECT_EQ(centres->count("06001400100"), 1u);  // zero-padded
}

// ---------------------------------------------------------------------------------------------
// Facility CSV -> network roster rows

TEST(FacilityRosterTest, EveryRowGetsTheCodeAndAcuteHospitalsTheirBeds) {
  const std::vector<WhereClause> where = {{"STATE", "MI"}, {"STATUS", "OPEN"}};
  absl::StatusOr<Roster> roster =
      RosterFromFacilityTable(HospitalsTable(), {}, "", where, "--where", "040");
  ASSERT_TRUE(roster.ok()) << roster.status();
  ASSERT_EQ(roster->providers.size(), 4u);
  const NetworkProvider& muskegon = roster->providers[0];
  EXPECT_EQ(muskegon.id(), "0001");
  EXPECT_EQ(muskegon.name(), "MERCY HEALTH MUSKEGON");
  EXPECT_EQ(muskegon.specialty_code(), "040");
  EXPECT_EQ(muskegon.type(), "GENERAL ACUTE CARE");
  EXPECT_EQ(muskegon.location().lon(), -86.25);  // LONGITUDE, not X
  EXPECT_EQ(muskegon.location().lat(), 43.23);
  EXPECT_FALSE(muskegon.telehealth());
  // BEDS: -999 (unknown) -> 0, 133, empty (unknown) -> 0, 443.
  EXPECT_EQ(roster->providers[0].beds(), 0);
  EXPECT_EQ(roster->providers[1].beds(), 133);
  EXPECT_EQ(roster->providers[2].beds(), 0);
  EXPECT_EQ(roster->providers[3].beds(), 443);
  EXPECT_EQ(roster->providers[3].type(), "CRITICAL ACCESS");
  EXPECT_EQ(roster->unknown_beds_rows, 2);
  EXPECT_THAT(roster->csv_lines, ElementsAre(2, 3, 4, 6));
  EXPECT_EQ(roster->columns.beds, "BEDS");

  const std::string summary = RosterSummary(*roster, where, "facilities");
  EXPECT_THAT(summary, HasSubstr("facilities: kept 4 of 6 rows of hifld.csv (STATE=MI, "
                                 "STATUS=OPEN); specialty 040 for every row (--specialty-code)\n"));
  EXPECT_THAT(summary, HasSubstr("facilities: note: 2 of 4 rows have no usable BEDS value "
                                 "(negative, e.g. -999, or empty: unknown); sent as 0 beds\n"));
}

TEST(FacilityRosterTest, BedsAreKeptForAcuteInpatientHospitalsOnly) {
  // Row 4 has BEDS 'x'; as an acute hospital it is an error naming file, line and column...
  EXPECT_THAT(RosterFromFacilityTable(HospitalsTable(), {}, "", {}, "--where", "040").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("hifld.csv:5: column BEDS: 'x' is not a number")));
  // ...as another facility type its beds are not read: every row has 0 and nothing is counted.
  absl::StatusOr<Roster> roster =
      RosterFromFacilityTable(HospitalsTable(), {}, "", {}, "--where", "041");
  ASSERT_TRUE(roster.ok()) << roster.status();
  ASSERT_EQ(roster->providers.size(), 6u);
  for (const NetworkProvider& p : roster->providers) {
    EXPECT_EQ(p.beds(), 0) << p.id();
    EXPECT_EQ(p.specialty_code(), "041");
  }
  EXPECT_EQ(roster->unknown_beds_rows, 0);
  EXPECT_EQ(roster->columns.beds, "");
  // A named beds column that does not exist is an error.
  EXPECT_THAT(
      RosterFromFacilityTable(HospitalsTable(), {}, "STAFFED", {}, "--where", "040").status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("hifld.csv: no column 'STAFFED' (--beds-column)")));
}

TEST(FacilityRosterTest, ReadRosterSourceUsesTheFlagsAndRefusesAnEmptyResult) {
  const std::string path = WriteTempFile("facility_roster.csv", kHospitals);
  absl::StatusOr<Invocation> inv =
      ParseArgs({"network", "import", "mercy", "--facilities", path, "--where", "NAME~wyandotte",
                 "--specialty-code", "40"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  std::ostringstream err;
  absl::StatusOr<Roster> roster =
      ReadRosterSource(*inv->network.roster, inv->network.read, "facilities", "--where", err);
  ASSERT_TRUE(roster.ok()) << roster.status();
  ASSERT_EQ(roster->providers.size(), 1u);
  EXPECT_EQ(roster->providers[0].id(), "0003");
  EXPECT_EQ(roster->providers[0].specialty_code(), "040");
  EXPECT_EQ(err.str(),
            "facilities: kept 1 of 6 rows of facility_roster.csv (NAME~wyandotte); specialty 040 "
            "for every row (--specialty-code)\n"
            "facilities: note: 1 of 1 rows have no usable BEDS value (negative, e.g. -999, or "
            "empty: unknown); sent as 0 beds\n");

  RosterSource nothing = *inv->network.roster;
  nothing.where = {Contains("NAME", "no such hospital")};
  EXPECT_THAT(ReadRosterSource(nothing, inv->network.read, "facilities", "--where", err).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("has 6 rows and none matched the --where filters")));
}

// ---------------------------------------------------------------------------------------------
// network export CSV -> roster reader

TEST(ExportCsvTest, TheRosterReaderReadsAnExportBackToTheSameRows) {
  const std::vector<NetworkProvider> providers = TrickyProviders();
  absl::StatusOr<io::CsvTable> table = io::ParseCsv(ExportCsv(providers), "export.csv");
  ASSERT_TRUE(table.ok()) << table.status();
  absl::StatusOr<Roster> roster = RosterFromTable(*table, {}, {}, "");
  ASSERT_TRUE(roster.ok()) << roster.status();
  // Every column found by its export name, with no flag.
  EXPECT_EQ(roster->columns.id, "id");
  EXPECT_EQ(roster->columns.name, "name");
  EXPECT_EQ(roster->columns.specialty, "specialty_code");
  EXPECT_EQ(roster->columns.lon, "lon");
  EXPECT_EQ(roster->columns.lat, "lat");
  EXPECT_EQ(roster->columns.beds, "beds");
  EXPECT_EQ(roster->columns.telehealth, "telehealth");
  EXPECT_EQ(roster->columns.type, "type");
  EXPECT_EQ(roster->columns.exclusion, "exclusion");
  ASSERT_EQ(roster->providers.size(), providers.size());
  for (size_t i = 0; i < providers.size(); ++i) {
    EXPECT_TRUE(
        google::protobuf::util::MessageDifferencer::Equals(roster->providers[i], providers[i]))
        << "row " << i << ":\n"
        << roster->providers[i].DebugString() << "vs\n"
        << providers[i].DebugString();
  }
}

// The exclusion column (42 CFR 422.116(a)(3)): codes as written, case, spaces and hyphens
// ignored; empty counts. The server checks the codes.
TEST(RosterCsvTest, ExclusionColumnIsNormalized) {
  absl::StatusOr<io::CsvTable> table = io::ParseCsv(
      "id,lat,lon,specialty_code,exclusion\n"
      "a,21.3,-157.8,040,Pediatric Hospital\n"
      "b,21.3,-157.8,040, long-term-care hospital \n"
      "c,21.3,-157.8,040,\n",
      "roster.csv");
  ASSERT_TRUE(table.ok());
  absl::StatusOr<Roster> roster = RosterFromTable(*table, {}, {}, "");
  ASSERT_TRUE(roster.ok()) << roster.status();
  ASSERT_EQ(roster->providers.size(), 3u);
  EXPECT_EQ(roster->providers[0].exclusion(), "pediatric_hospital");
  EXPECT_EQ(roster->providers[1].exclusion(), "long_term_care_hospital");
  EXPECT_EQ(roster->providers[2].exclusion(), "");
}

TEST(ExportCsvTest, LinesAreShortestRoundTripNumbersAndQuotedText) {
  const std::vector<NetworkProvider> providers = TrickyProviders();
  EXPECT_EQ(kExportCsvHeader,
            "id,name,specialty_code,lon,lat,beds,telehealth,type,exclusion,ssa_county_code,"
            "contract_type,street_address,city,state,zip_code,medical_group\n");
  EXPECT_EQ(ExportCsvLine(providers[0]),
            "0001336420,\"Mercy \"\"St. Mary's\"\", Grand Rapids\",040,-85.66789012345679,"
            "42.96340000000001,250.5,true,GENERAL ACUTE CARE,,,,,,,,\n");
  EXPECT_EQ(ExportCsvLine(providers[1]),
            "1234567893,,S03,-83.0000001,0.30000000000000004,0,false,,,,,,,,,\n");
  EXPECT_THAT(ExportCsvLine(providers[2]),
              testing::EndsWith(",\"a,b\",residential_facility_only,12020,D,\"1 Main St, Suite "
                                "2\",Honolulu,HI,96813,\"Queen's \"\"Group\"\"\"\n"));
  EXPECT_EQ(RoundTripNumber(101), "101");
  EXPECT_EQ(RoundTripNumber(-0.5), "-0.5");
}

}  // namespace
}  // namespace carereach::cli
