// Facility CSV reading and --where filters (facilities_csv.h).

#include "clients/cli/facilities_csv.h"

#include "tests/clients/fixtures.h"

namespace carereach::cli {
namespace {

// ---------------------------------------------------------------------------------------------
// Facility CSV

TEST(FacilitiesCsvTest, DetectsHifldColumnsBehindBom) {
  std::string path = WriteTempFile("hifld_like.csv", kHifldLike);
  absl::StatusOr<FacilityList> list = ReadFacilitiesCsv(path, {}, {});
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->columns.id, "ID");          // preferred over OBJECTID
  EXPECT_EQ(list->columns.lat, "LATITUDE");   // preferred over Y
  EXPECT_EQ(list->columns.lon, "LONGITUDE");  // preferred over X
  EXPECT_EQ(list->columns.name, "NAME");
  EXPECT_EQ(list->columns.type, "TYPE");
  EXPECT_EQ(list->rows_read, 3);
  ASSERT_EQ(list->facilities.size(), 3u);
  const carereach::v1::Facility& first = list->facilities[0];
  EXPECT_EQ(first.id(), "0001336420");  // an id, not a number: leading zeros kept
  EXPECT_EQ(first.name(), "ANDALUSIA HEALTH");
  EXPECT_EQ(first.type(), "GENERAL ACUTE CARE");
  EXPECT_DOUBLE_EQ(first.location().lat(), 31.29);
  EXPECT_DOUBLE_EQ(first.location().lon(), -86.49);
  EXPECT_EQ(list->facilities[1].name(), "ATHENS, LIMESTONE");
  EXPECT_THAT(list->csv_lines, ElementsAre(2, 3, 4));
}

TEST(FacilitiesCsvTest, DetectsCmsColumns) {
  io::CsvTable table;
  table.source = "cms.csv";
  table.header = {"facility.id", "facility.name", "hospital.type", "lat", "long"};
  table.records = {{2, {"010001", "SOUTHEAST HEALTH", "Acute Care Hospitals", "31.2", "-85.3"}}};
  absl::StatusOr<FacilityList> list = FacilitiesFromTable(table, {}, {});
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->columns.id, "facility.id");
  EXPECT_EQ(list->columns.name, "facility.name");
  EXPECT_EQ(list->columns.type, "hospital.type");
  EXPECT_EQ(list->columns.lat, "lat");
  EXPECT_EQ(list->columns.lon, "long");
  ASSERT_EQ(list->facilities.size(), 1u);
  EXPECT_DOUBLE_EQ(list->facilities[0].location().lon(), -85.3);
}

TEST(FacilitiesCsvTest, WhereKeepsRowsMatchingEveryClause) {
  std::string path = WriteTempFile("hifld_where.csv", kHifldLike);
  std::vector<WhereClause> where = {{"status", "OPEN"}};  // column names are case-insensitive
  absl::StatusOr<FacilityList> list = ReadFacilitiesCsv(path, {}, where);
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->facilities.size(), 2u);
  EXPECT_EQ(list->facilities[1].id(), "0000136502");
  EXPECT_THAT(list->csv_lines, ElementsAre(2, 4));
  EXPECT_EQ(FacilitySummaryLine(*list, where),
            "facilities: kept 2 of 3 rows of hifld_where.csv (status=OPEN)");

  where.push_back({"TYPE", "CRITICAL ACCESS"});
  list = ReadFacilitiesCsv(path, {}, where);
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->facilities.size(), 1u);
  EXPECT_EQ(list->facilities[0].name(), "ATMORE COMMUNITY");
  EXPECT_EQ(FacilitySummaryLine(*list, where),
            "facilities: kept 1 of 3 rows of hifld_where.csv (status=OPEN, TYPE=CRITICAL ACCESS)");
  EXPECT_EQ(FacilitySummaryLine(*list, {}), "facilities: kept 1 of 3 rows of hifld_where.csv");
}

TEST(FacilitiesCsvTest, WhereOnUnknownColumnListsColumns) {
  std::string path = WriteTempFile("hifld_unknown.csv", kHifldLike);
  EXPECT_THAT(ReadFacilitiesCsv(path, {}, {{"STATE", "MI"}}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("--where STATE=MI"), HasSubstr("no column 'STATE'"),
                             HasSubstr("columns: X, Y, OBJECTID, ID, NAME"))));
}

TEST(FacilitiesCsvTest, BadLatitudeIsAnErrorWithFileLineAndColumn) {
  std::string path = WriteTempFile("bad_lat.csv",
                                   "ID,NAME,LATITUDE,LONGITUDE\n"
                                   "a,A,42.1,-83.0\n"
                                   "b,\"B\nsecond line\",42.2,-83.1\n"
                                   "c,C,north,-83.2\n");
  EXPECT_THAT(ReadFacilitiesCsv(path, {}, {}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("bad_lat.csv:5: column LATITUDE: 'north' is not a number")));
}

TEST(FacilitiesCsvTest, EmptyCoordinateOrIdIsAnError) {
  std::string empty_lon = WriteTempFile("empty_lon.csv", "ID,LAT,LON\na,42,-83\nb,42, \n");
  EXPECT_THAT(ReadFacilitiesCsv(empty_lon, {}, {}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("empty_lon.csv:3: column LON: empty, expected a number")));
  std::string empty_id = WriteTempFile("empty_id.csv", "ID,LAT,LON\na,42,-83\n  ,42,-83\n");
  EXPECT_THAT(ReadFacilitiesCsv(empty_id, {}, {}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("empty_id.csv:3: column ID: empty facility id")));
}

TEST(FacilitiesCsvTest, RowsRemovedByWhereAreNotValidated) {
  std::string path = WriteTempFile("closed_bad.csv",
                                   "ID,STATUS,LATITUDE,LONGITUDE\n"
                                   "a,OPEN,42.1,-83.0\n"
                                   "b,CLOSED,NOT AVAILABLE,-83.1\n");
  absl::StatusOr<FacilityList> list = ReadFacilitiesCsv(path, {}, {{"STATUS", "OPEN"}});
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->facilities.size(), 1u);
}

TEST(FacilitiesCsvTest, ExplicitColumns) {
  std::string path = WriteTempFile("explicit.csv",
                                   "npi_number,site,lat_wgs84,lon_wgs84,LATITUDE\n"
                                   "123,Clinic,42.5,-83.5,0\n");
  FacilityColumnFlags flags;
  flags.id = "npi_number";
  flags.name = "site";
  flags.lat = "LAT_WGS84";
  flags.lon = "lon_wgs84";
  absl::StatusOr<FacilityList> list = ReadFacilitiesCsv(path, flags, {});
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->columns.lat, "lat_wgs84");
  ASSERT_EQ(list->facilities.size(), 1u);
  EXPECT_EQ(list->facilities[0].id(), "123");
  EXPECT_EQ(list->facilities[0].name(), "Clinic");
  EXPECT_DOUBLE_EQ(list->facilities[0].location().lat(), 42.5);  // not the LATITUDE column
  EXPECT_DOUBLE_EQ(list->facilities[0].location().lon(), -83.5);

  flags.lat = "latitude_deg";
  EXPECT_THAT(ReadFacilitiesCsv(path, flags, {}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("no column 'latitude_deg' (--lat-column)"),
                             HasSubstr("columns: npi_number, site, lat_wgs84"))));
}

TEST(FacilitiesCsvTest, MissingIdColumnListsHeader) {
  std::string path = WriteTempFile("no_id.csv", "NAME,LATITUDE,LONGITUDE\nA,42,-83\n");
  EXPECT_THAT(ReadFacilitiesCsv(path, {}, {}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("no facility id column"), HasSubstr("--id-column"),
                             HasSubstr("columns: NAME, LATITUDE, LONGITUDE"))));
}

TEST(FacilitiesCsvTest, MissingFileIsAnError) {
  EXPECT_FALSE(ReadFacilitiesCsv(TestTempDir() + "does_not_exist.csv", {}, {}).ok());
}

TEST(FacilitiesCsvTest, ServerMessagesGetTheCsvLine) {
  FacilityList list;
  list.source = "/data/facilities/hifld_hospitals.csv";
  list.csv_lines = {2, 4, 15};  // facilities[i] came from line csv_lines[i]
  EXPECT_EQ(AddCsvLineToMessage(
                "INVALID_ARGUMENT: facilities[2].location.lat: 123.4 is outside [-90, 90]", list),
            "INVALID_ARGUMENT: facilities[2].location.lat: 123.4 is outside [-90, 90] "
            "(hifld_hospitals.csv line 15)");
  EXPECT_EQ(AddCsvLineToMessage(
                "INVALID_ARGUMENT: facilities[2].id: \"a\" duplicates facilities[0].id", list),
            "INVALID_ARGUMENT: facilities[2].id: \"a\" duplicates facilities[0].id "
            "(hifld_hospitals.csv line 15; facilities[0] is line 2)");
  EXPECT_EQ(AddCsvLineToMessage("NOT_FOUND: unknown region 'mars'", list),
            "NOT_FOUND: unknown region 'mars'");
  EXPECT_EQ(AddCsvLineToMessage("facilities[7].id: x", list), "facilities[7].id: x");
  // Matrix requests name their lists "origins" and "destinations".
  EXPECT_EQ(
      AddCsvLineToMessage("INVALID_ARGUMENT: destinations[1].id: empty", list, "destinations"),
      "INVALID_ARGUMENT: destinations[1].id: empty (hifld_hospitals.csv line 4)");
  EXPECT_EQ(AddCsvLineToMessage("INVALID_ARGUMENT: destinations[1].id: empty", list, "origins"),
            "INVALID_ARGUMENT: destinations[1].id: empty");
  EXPECT_EQ(AddCsvLineToMessage("x_origins[1]: y", list, "origins"), "x_origins[1]: y");
}

// ---------------------------------------------------------------------------------------------
// --where COLUMN~TEXT

TEST(WhereContainsTest, ParsesTheOperatorAtTheFirstEqualsOrTilde) {
  absl::StatusOr<Invocation> inv = ParseArgs(
      {"coverage", "--region", "r", "--facilities", "f.csv", "--minutes", "5", "--where",
       " NAME ~ MERCY HEALTH|ST JOSEPH MERCY ", "--where", "NOTE=a~b", "--where", "NOTE~a=b"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  const std::vector<WhereClause>& where = inv->coverage.where;
  ASSERT_EQ(where.size(), 3u);
  EXPECT_TRUE(where[0].contains);
  EXPECT_EQ(where[0].column, "NAME");
  EXPECT_EQ(where[0].value, "MERCY HEALTH|ST JOSEPH MERCY");
  EXPECT_EQ(WhereText(where[0]), "NAME~MERCY HEALTH|ST JOSEPH MERCY");
  EXPECT_FALSE(where[1].contains);
  EXPECT_EQ(where[1].value, "a~b");
  EXPECT_TRUE(where[2].contains);
  EXPECT_EQ(where[2].value, "a=b");
  EXPECT_THAT(ContainsAlternatives(" Mercy Health | ST JOSEPH "),
              ElementsAre("mercy health", "st joseph"));

  for (const char* bad : {"NAME~", "NAME~A||B", "NAME~A|", "NAME~ | B"}) {
    EXPECT_THAT(UsageOf({"coverage", "--region", "r", "--facilities", "f", "--minutes", "5",
                         "--where", bad}),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is empty")))
        << bad;
  }
  EXPECT_THAT(UsageOf({"coverage", "--region", "r", "--facilities", "f", "--minutes", "5",
                       "--where", "~MERCY"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("'~MERCY' is not COLUMN=VALUE or COLUMN~TEXT")));
}

TEST(WhereContainsTest, KeepsRowsContainingAnyAlternativeIgnoringCase) {
  // The example of the brief: four spellings of the Mercy and St Joseph names.
  EXPECT_THAT(
      KeptIds({Contains("NAME", "MERCY HEALTH|ST JOSEPH MERCY|SAINT JOSEPH MERCY|ST MARY MERCY")}),
      ElementsAre("0001", "0002", "0004", "0005", "0006"));
  // Case-insensitive both ways; the column name too.
  EXPECT_THAT(KeptIds({Contains("name", "st joseph")}), ElementsAre("0002"));
  EXPECT_THAT(KeptIds({Contains("NAME", "WYANDOTTE")}), ElementsAre("0003"));
  // Every clause must match: contains and exact together.
  EXPECT_THAT(KeptIds({Contains("NAME", "mercy health"), {"STATE", "MI"}, {"STATUS", "OPEN"}}),
              ElementsAre("0001"));
  // "=" stays exact and case-sensitive.
  EXPECT_THAT(KeptIds({{"NAME", "MERCY HEALTH MUSKEGON"}}), ElementsAre("0001"));
  EXPECT_THAT(KeptIds({{"NAME", "mercy health muskegon"}}), IsEmpty());
  // A contains clause on an empty cell keeps nothing (BEDS of row 3 is empty).
  EXPECT_THAT(KeptIds({Contains("BEDS", "1")}), ElementsAre("0002"));
  // Property: an alternative list keeps the union of what each alternative keeps.
  std::vector<std::string> a = KeptIds({Contains("NAME", "OAKLAND")});
  std::vector<std::string> b = KeptIds({Contains("NAME", "CHELSEA")});
  EXPECT_THAT(a, ElementsAre("0005"));
  EXPECT_THAT(b, ElementsAre("0002"));
  EXPECT_THAT(KeptIds({Contains("NAME", "OAKLAND|CHELSEA")}), ElementsAre("0002", "0005"));
}

TEST(WhereContainsTest, SummariesAndErrorsShowTheClauseAsWritten) {
  const std::vector<WhereClause> where = {Contains("NAME", "MERCY|WYANDOTTE"), {"STATE", "MI"}};
  absl::StatusOr<FacilityList> list = FacilitiesFromTable(HospitalsTable(), {}, where);
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(FacilitySummaryLine(*list, where),
            "facilities: kept 5 of 6 rows of hifld.csv (NAME~MERCY|WYANDOTTE, STATE=MI)");
  EXPECT_THAT(FacilitiesFromTable(HospitalsTable(), {}, {Contains("OWNER", "X")}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--where OWNER~X: hifld.csv has no column 'OWNER'")));
  // The roster reader filters the same way.
  absl::StatusOr<Roster> roster =
      RosterFromTable(HospitalsTable(), {}, {Contains("name", "joseph")}, "040");
  ASSERT_TRUE(roster.ok()) << roster.status();
  ASSERT_EQ(roster->providers.size(), 2u);
  EXPECT_EQ(roster->providers[1].id(), "0005");
  EXPECT_THAT(RosterSummary(*roster, {Contains("name", "joseph")}),
              HasSubstr("roster: kept 2 of 6 rows of hifld.csv (name~joseph)"));
}

}  // namespace
}  // namespace carereach::cli
