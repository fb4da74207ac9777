// CMS's Provider and Facility HSD tables read by the roster reader and written back
// (hsd_tables.h; docs/CMS.md section 15).

#include "clients/cli/hsd_tables.h"

#include "tests/clients/fixtures.h"

namespace carereach::cli {
namespace {

const std::string kFixtures = std::string(CAREREACH_SOURCE_DIR) + "/tests/fixtures/hsd/";

// The Provider table as a plan holds it: CMS's column names in another order and case, a column
// carereach keeps no field for (reported, not silently dropped), and the added coordinates.
TEST(HsdTablesTest, ProviderTableColumnsAreFoundByNameAndUnreadOnesReported) {
  absl::StatusOr<io::CsvTable> table = io::ParseCsv(
      "National Provider Identifier (NPI) Number,SSA STATE/COUNTY CODE,Specialty Code,Specialty,"
      "Name of Physician or Mid-Level Practitioner,Contract Type,Provider Service Address,City,"
      "State,Zip Code,Medical Group Affiliation,Letter of Intent,Latitude,Longitude\n"
      "1000000002,12020,8,Cardiology,\"Example, Ben MD\",I,347 North Kuakini Street,Honolulu,HI,"
      "96817,Kuakini Heart Associates,N,21.32212654935,-157.856213103243\n",
      "providers.csv");
  ASSERT_TRUE(table.ok());
  absl::StatusOr<Roster> roster = RosterFromTable(*table, {}, {}, "");
  ASSERT_TRUE(roster.ok()) << roster.status();
  ASSERT_EQ(roster->providers.size(), 1u);
  const carereach::v1::NetworkProvider& p = roster->providers[0];
  EXPECT_EQ(p.id(), "1000000002");
  EXPECT_EQ(p.name(), "Example, Ben MD");
  EXPECT_EQ(p.specialty_code(), "008");  // padded, from "Specialty Code", not "Specialty"
  EXPECT_EQ(p.type(), "Cardiology");
  EXPECT_EQ(p.location().lat(), 21.32212654935);
  EXPECT_EQ(p.hsd().ssa_county_code(), "12020");
  EXPECT_EQ(p.hsd().contract_type(), "I");
  EXPECT_EQ(p.hsd().street_address(), "347 North Kuakini Street");
  EXPECT_EQ(p.hsd().city(), "Honolulu");
  EXPECT_EQ(p.hsd().state(), "HI");
  EXPECT_EQ(p.hsd().zip_code(), "96817");
  EXPECT_EQ(p.hsd().medical_group(), "Kuakini Heart Associates");
  EXPECT_THAT(roster->unread_columns, ElementsAre("Letter of Intent"));
  EXPECT_THAT(RosterSummary(*roster, {}, "hsd-providers"),
              HasSubstr("hsd-providers: note: HSD columns not read (carereach keeps no field for "
                        "them): Letter of Intent\n"));
}

// Without a geocoder a row needs its coordinates: a row without them is an error naming it.
TEST(HsdTablesTest, ARowWithoutCoordinatesIsAnErrorNamingTheRow) {
  const std::string path = WriteTempFile(
      "hsd_no_coordinates.csv",
      "SSA State/County Code,Facility or Service Type,Specialty Code,"
      "National Provider Identifier (NPI) Number,\"Number of Staffed, Medicare-Certified Beds\","
      "Facility Name,Latitude,Longitude\n"
      "12020,Acute Inpatient Hospitals,040,1000000011,295,KAISER,21.36324847,-157.89992749\n"
      "12020,Acute Inpatient Hospitals,040,1000000012,212,KUAKINI,,\n");
  EXPECT_THAT(ReadHsdTable(path, HsdTable::kFacility, {}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("hsd_no_coordinates.csv:3: column Latitude")));
  // And a table without the coordinate columns names the column it looked for.
  const std::string bare =
      WriteTempFile("hsd_bare.csv",
                    "SSA State/County Code,Specialty Code,National Provider Identifier (NPI) "
                    "Number\n12020,040,1000000011\n");
  EXPECT_THAT(ReadHsdTable(bare, HsdTable::kFacility, {}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no latitude column")));
}

TEST(HsdTablesTest, EachTableHoldsItsOwnKindOfRow) {
  EXPECT_THAT(ReadHsdTable(kFixtures + "facilities.csv", HsdTable::kProvider, {}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("facilities.csv:2: specialty code 040 is a facility type; it "
                                 "belongs in the Facility table")));
  EXPECT_THAT(ReadHsdTable(kFixtures + "providers.csv", HsdTable::kFacility, {}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("providers.csv:2: specialty code 003 is not a facility type")));
  // carereach's own roster CSV is not an HSD table.
  const std::string roster = WriteTempFile("hsd_not.csv", kRosterCsv);
  EXPECT_THAT(ReadHsdTable(roster, HsdTable::kProvider, {}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not an HSD Provider table: no SSA State/County Code column")));
}

// The fixtures are written as HsdLine writes: reading them and writing the rows back gives the
// same bytes; beds are empty on facility rows other than acute inpatient hospitals, which are
// not "unknown beds".
TEST(HsdTablesTest, ReadingAndWritingTheFixturesGivesTheSameBytes) {
  for (const auto& [table, name] : {std::pair{HsdTable::kProvider, "providers.csv"},
                                    std::pair{HsdTable::kFacility, "facilities.csv"}}) {
    absl::StatusOr<Roster> roster = ReadHsdTable(kFixtures + name, table, {});
    ASSERT_TRUE(roster.ok()) << roster.status();
    EXPECT_THAT(roster->unread_columns, IsEmpty()) << name;
    EXPECT_EQ(roster->unknown_beds_rows, 0) << name;
    std::string written = HsdHeader(table);
    for (const carereach::v1::NetworkProvider& p : roster->providers) {
      EXPECT_EQ(HsdTableOf(p), table);
      written += HsdLine(table, p);
    }
    EXPECT_EQ(written, ReadFile(kFixtures + name)) << name;
  }
  absl::StatusOr<Roster> facilities =
      ReadHsdTable(kFixtures + "facilities.csv", HsdTable::kFacility, {});
  ASSERT_TRUE(facilities.ok());
  EXPECT_EQ(facilities->providers[0].beds(), 295);
  EXPECT_EQ(facilities->providers[0].type(), "Acute Inpatient Hospitals");
  EXPECT_EQ(facilities->providers[2].exclusion(), "pediatric_hospital");
  EXPECT_TRUE(facilities->providers[4].telehealth());
}

}  // namespace
}  // namespace carereach::cli
