// Output of AccessService and AdequacyService answers: tables, CSV, JSON, GeoJSON (output.h).

#include "clients/cli/output.h"

#include "tests/clients/fixtures.h"

namespace carereach::cli {
namespace {

// ---------------------------------------------------------------------------------------------
// Output

TEST(OutputTest, CoverageJsonShape) {
  nlohmann::ordered_json json = CoverageJson(SampleResponse());
  std::vector<std::string> keys;
  for (const auto& [key, value] : json.items()) keys.push_back(key);
  EXPECT_THAT(keys, ElementsAre("region", "mode", "total_population", "facility_count",
                                "unit_count", "results", "counties", "straight_line"));
  EXPECT_EQ(json["region"], "michigan");
  EXPECT_EQ(json["mode"], "straight-line");
  EXPECT_TRUE(json["total_population"].is_number_integer());
  EXPECT_EQ(json["total_population"], 10077331);
  EXPECT_EQ(json["facility_count"], 2);
  EXPECT_EQ(json["unit_count"], 3);

  ASSERT_EQ(json["results"].size(), 2u);
  const auto& by_minutes = json["results"][0];
  EXPECT_TRUE(by_minutes.contains("minutes"));
  EXPECT_FALSE(by_minutes.contains("miles"));
  EXPECT_TRUE(by_minutes["minutes"].is_number_integer());  // 10, not 10.0 or "10"
  EXPECT_EQ(by_minutes["minutes"], 10);
  EXPECT_TRUE(by_minutes["covered_population"].is_number_integer());
  EXPECT_EQ(by_minutes["covered_population"], 7123456);
  EXPECT_TRUE(by_minutes["share"].is_number());
  EXPECT_DOUBLE_EQ(by_minutes["share"].get<double>(), 0.7068);
  const auto& by_miles = json["results"][1];
  EXPECT_FALSE(by_miles.contains("minutes"));
  EXPECT_TRUE(by_miles["miles"].is_number_float());
  EXPECT_DOUBLE_EQ(by_miles["miles"].get<double>(), 2.5);

  ASSERT_EQ(json["counties"].size(), 2u);
  const auto& wayne = json["counties"][0];
  std::vector<std::string> county_keys;
  for (const auto& [key, value] : wayne.items()) county_keys.push_back(key);
  EXPECT_THAT(county_keys, ElementsAre("fips", "name", "state", "total_population", "results"));
  EXPECT_EQ(wayne["fips"], "26163");
  EXPECT_EQ(wayne["state"], "MI");
  EXPECT_EQ(wayne["results"][0]["share"], 1);
  EXPECT_EQ(wayne["results"][1]["miles"], 2.5);

  EXPECT_EQ(json["straight_line"]["circuity_factor"], 1.3);
  EXPECT_TRUE(json["straight_line"]["speed_mph"].is_number());
  EXPECT_EQ(json["straight_line"]["speed_mph"], 35);
  EXPECT_FALSE(json.contains("unsnapped_units"));

  // Numbers are never strings on the wire either.
  EXPECT_THAT(json.dump(), AllOf(HasSubstr("\"minutes\":10,"), HasSubstr("\"miles\":2.5,"),
                                 HasSubstr("\"total_population\":10077331")));
}

TEST(OutputTest, DriveJsonHasUnsnappedUnitsInsteadOfStraightLine) {
  carereach::v1::ComputeCoverageResponse r = SampleResponse();
  r.set_mode(carereach::v1::TRAVEL_MODE_DRIVE);
  r.clear_straight_line();
  r.set_unsnapped_units(4);
  nlohmann::ordered_json json = CoverageJson(r);
  EXPECT_EQ(json["mode"], "drive");
  EXPECT_EQ(json["unsnapped_units"], 4);
  EXPECT_EQ(json["unsnapped_population"], 0);
  EXPECT_TRUE(json["unsnapped_facility_ids"].is_array());  // present even when empty
  EXPECT_TRUE(json["unsnapped_facility_ids"].empty());
  EXPECT_FALSE(json.contains("straight_line"));
  EXPECT_FALSE(json.contains("speed_profile"));  // the response has none
  EXPECT_FALSE(json.contains("attribution"));
  EXPECT_TRUE(json.contains("counties"));

  r.set_unsnapped_population(5120);
  r.add_unsnapped_facility_ids("0001535611");
  r.add_unsnapped_facility_ids("0000136502");
  r.set_speed_profile("car");
  r.set_attribution("© OpenStreetMap contributors");
  json = CoverageJson(r);
  EXPECT_EQ(json["unsnapped_population"], 5120);
  EXPECT_THAT(json["unsnapped_facility_ids"].get<std::vector<std::string>>(),
              ElementsAre("0001535611", "0000136502"));
  EXPECT_EQ(json["speed_profile"], "car");
  EXPECT_EQ(json["attribution"], "© OpenStreetMap contributors");
}

TEST(OutputTest, DriveTableShowsUnsnappedAndTheAttribution) {
  carereach::v1::ComputeCoverageResponse r = SampleResponse();
  r.set_mode(carereach::v1::TRAVEL_MODE_DRIVE);
  r.clear_straight_line();
  r.set_speed_profile("car");
  r.set_unsnapped_units(4);
  r.set_unsnapped_population(5120);
  r.add_unsnapped_facility_ids("0001535611");
  std::string table = CoverageTable(r, "", false);
  EXPECT_THAT(table, AllOf(HasSubstr("drive, speed profile car"),
                           HasSubstr("4 tracts, 5,120 residents (counted as not covered)"),
                           HasSubstr("facilities not on the road network (not used): 0001535611"),
                           HasSubstr("\nRoad data © OpenStreetMap contributors\n")));
  // Straight-line tables make no claim about road data.
  EXPECT_THAT(CoverageTable(SampleResponse(), "", false), Not(HasSubstr("OpenStreetMap")));
}

TEST(OutputTest, JsonTextSurvivesInvalidUtf8) {
  carereach::v1::ComputeCoverageResponse r = SampleResponse();
  r.mutable_counties(0)->set_name(
      "Do\xF1"
      "a Ana County");  // Latin-1, not UTF-8
  std::string text = JsonText(CoverageJson(r));
  EXPECT_THAT(text, HasSubstr("Do\xEF\xBF\xBD"
                              "a Ana County"));
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(nlohmann::json::parse(text)["region"], "michigan");
}

TEST(OutputTest, CoverageCsvLines) {
  EXPECT_EQ(CoverageCsv(SampleResponse()),
            "scope,fips,name,threshold_kind,threshold,total_population,covered_population,share\n"
            "region,,michigan,minutes,10,10077331,7123456,0.706800\n"
            "region,,michigan,miles,2.5,10077331,5000000,0.500000\n"
            "county,26163,Wayne County,minutes,10,1793561,1793561,1.000000\n"
            "county,26163,Wayne County,miles,2.5,1793561,0,0.000000\n"
            "county,26001,\"Alcona, County\",minutes,10,10167,100,0.250000\n"
            "county,26001,\"Alcona, County\",miles,2.5,10167,0,0.000000\n");
}

TEST(OutputTest, CoverageTable) {
  std::string table = CoverageTable(SampleResponse(), "hifld.csv, STATUS=OPEN", false);
  EXPECT_THAT(table,
              AllOf(HasSubstr("michigan"), HasSubstr("straight-line, circuity 1.3, 35 mph"),
                    HasSubstr("2 (hifld.csv, STATUS=OPEN)"), HasSubstr("10,077,331"),
                    HasSubstr("10 min"), HasSubstr("7,123,456"), HasSubstr("70.7%"),
                    HasSubstr("2.5 mi"), HasSubstr("50.0%"), Not(HasSubstr("Wayne County"))));
  std::string with_counties = CoverageTable(SampleResponse(), "", true);
  EXPECT_THAT(with_counties, AllOf(HasSubstr("26163"), HasSubstr("Wayne County"),
                                   HasSubstr("100.0%"), HasSubstr("25.0%")));
}

TEST(OutputTest, Helpers) {
  EXPECT_EQ(WithThousands(0), "0");
  EXPECT_EQ(WithThousands(999), "999");
  EXPECT_EQ(WithThousands(1000), "1,000");
  EXPECT_EQ(WithThousands(10077331), "10,077,331");
  EXPECT_EQ(WithThousands(-1234567), "-1,234,567");
  EXPECT_EQ(ThresholdLabel(Minutes(10, 0, 0)), "10 min");
  EXPECT_EQ(ThresholdLabel(Miles(2.5, 0, 0)), "2.5 mi");
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a \"b\", c"), "\"a \"\"b\"\", c\"");
}

TEST(OutputTest, UnitsCsv) {
  carereach::v1::PopulationUnitResult unit;
  unit.set_unit_id("26163500100");
  unit.set_county_fips("26163");
  unit.set_population(3021);
  unit.mutable_location()->set_lon(-83.1);
  unit.mutable_location()->set_lat(42.35);
  unit.set_nearest_facility_id("0001336420");
  unit.set_minutes(7.25);
  unit.set_miles(3.5);
  unit.set_snap_meters(12.34);
  unit.set_reached(true);
  EXPECT_EQ(UnitsCsvHeader(false),
            "unit_id,county_fips,population,lon,lat,nearest_facility_id,minutes,miles,reached\n");
  EXPECT_EQ(UnitsCsvLine(unit, false),
            "26163500100,26163,3021,-83.100000,42.350000,0001336420,7.250,3.500,true\n");
  EXPECT_THAT(UnitsCsvHeader(true), HasSubstr(",reached,snap_meters\n"));
  unit.set_reached(false);
  unit.clear_nearest_facility_id();
  EXPECT_EQ(UnitsCsvLine(unit, true),
            "26163500100,26163,3021,-83.100000,42.350000,,,,false,12.3\n");
}

TEST(OutputTest, Regions) {
  carereach::v1::ListRegionsResponse response;
  carereach::v1::Region* region = response.add_regions();
  region->set_name("honolulu");
  region->set_description("Honolulu County, HI");
  region->set_county_count(1);
  region->set_unit_count(244);
  region->set_total_population(1016508);
  region->add_modes(carereach::v1::TRAVEL_MODE_STRAIGHT_LINE);
  region->add_modes(carereach::v1::TRAVEL_MODE_DRIVE);
  EXPECT_EQ(RegionsCsv(response),
            "name,counties,units,population,modes,description\n"
            "honolulu,1,244,1016508,straight-line;drive,\"Honolulu County, HI\"\n");
  EXPECT_THAT(RegionsTable(response), AllOf(HasSubstr("honolulu"), HasSubstr("1,016,508"),
                                            HasSubstr("straight-line,drive")));
  nlohmann::ordered_json json = RegionsJson(response);
  EXPECT_EQ(json["regions"][0]["name"], "honolulu");
  EXPECT_EQ(json["regions"][0]["total_population"], 1016508);
  EXPECT_EQ(json["regions"][0]["modes"][1], "drive");
}

TEST(OutputTest, IsochronesGeoJsonEmbedsGeometryObjects) {
  absl::StatusOr<nlohmann::ordered_json> geojson = IsochronesGeoJson(SampleIsochrones());
  ASSERT_TRUE(geojson.ok()) << geojson.status();
  std::vector<std::string> keys;
  for (const auto& [key, value] : geojson->items()) keys.push_back(key);
  EXPECT_THAT(keys, ElementsAre("type", "attribution", "features"));
  ExpectIsochroneFeatureCollection(nlohmann::json::parse(CompactJsonText(*geojson)));
  // Not double-encoded.
  EXPECT_THAT(CompactJsonText(*geojson), Not(HasSubstr("\\\"type\\\"")));

  // An answer without attribution still credits OpenStreetMap.
  carereach::v1::ComputeIsochronesResponse bare = SampleIsochrones();
  bare.clear_attribution();
  absl::StatusOr<nlohmann::ordered_json> credited = IsochronesGeoJson(bare);
  ASSERT_TRUE(credited.ok());
  EXPECT_EQ((*credited)["attribution"], "© OpenStreetMap contributors");
}

TEST(OutputTest, IsochronesGeoJsonRejectsAGeometryThatIsNotAnObject) {
  for (const char* bad : {"", "{\"type\":", "[1,2]", "{\"coordinates\":[]}"}) {
    carereach::v1::ComputeIsochronesResponse r = SampleIsochrones();
    r.mutable_isochrones(1)->set_geojson(bad);
    EXPECT_THAT(IsochronesGeoJson(r).status(),
                StatusIs(absl::StatusCode::kDataLoss,
                         HasSubstr("isochrones[1].geojson: the server's answer is not a GeoJSON "
                                   "geometry object")))
        << bad;
  }
}

TEST(OutputTest, IsochronesTable) {
  std::string table = IsochronesTable(SampleIsochrones(), "2 (h.csv, STATUS=OPEN)", "iso.geojson");
  EXPECT_THAT(table, AllOf(HasSubstr("region         honolulu\n"),
                           HasSubstr("speed profile  car\n"), HasSubstr("2 (h.csv, STATUS=OPEN)"),
                           HasSubstr("iso.geojson (GeoJSON, 2 features, [lon, lat])"),
                           HasSubstr("threshold  area km2\n"), HasSubstr("10 min        12.50\n"),
                           HasSubstr("20 min        40.25\n"),
                           HasSubstr("\nRoad data © OpenStreetMap contributors\n")));
}

TEST(OutputTest, MatrixFormats) {
  const std::vector<std::string> destinations = {"d1", "dest,2", "a-long-destination-id"};
  carereach::v1::MatrixRow row = Row(0, "o1", true, {12.34, -1, 1439.95}, {8.5, -1, 20.125});
  EXPECT_EQ(MatrixCsvHeader(), "origin_id,destination_id,minutes,miles\n");
  EXPECT_EQ(MatrixCsvLines(row, destinations),
            "o1,d1,12.340,8.500\n"
            "o1,\"dest,2\",,\n"
            "o1,a-long-destination-id,1439.950,20.125\n");

  nlohmann::ordered_json json = MatrixRowJson(row);
  EXPECT_EQ(json.dump(), R"({"origin_index":0,"origin_id":"o1","origin_snapped":true,)"
                         R"("minutes":[12.34,null,1439.95],"miles":[8.5,null,20.125]})");

  MatrixTable table({"o1", "origin-2"}, destinations);
  EXPECT_EQ(table.Header(), "origin        d1  dest,2  a-long-destination-id\n");
  EXPECT_EQ(table.Line(row), "o1          12.3       -                 1440.0\n");
  EXPECT_EQ(table.Line(Row(1, "origin-2", false, {-1, -1, -1}, {-1, -1, -1})),
            "origin-2       -       -                      -\n");
}

TEST(OutputTest, AdequacyFormatsPutFailingResultsFirst) {
  const AdequacyReport report = SampleAdequacy();
  std::vector<std::string> order;
  for (const auto& r : FailingFirst(report.results)) {
    order.push_back(r.county_fips() + "/" + r.specialty_code());
  }
  EXPECT_THAT(order, ElementsAre("26125/S03", "26163/S03", "26125/040", "26163/040"));

  std::string table = AdequacyTable(report);
  EXPECT_THAT(table, AllOf(StartsWith("Specialty Summary by County\n"),
                           HasSubstr("standards set  cms-ma-cy2026"),
                           HasSubstr("Spread over tracts by population."),
                           HasSubstr("2 of 4 county x specialty results fail\n"),
                           Not(HasSubstr("OpenStreetMap"))));
  size_t fail = table.find("26163  Wayne County      Large Metro  S03");
  size_t pass = table.find("26125  Washtenaw County  Large Metro  040");
  ASSERT_NE(fail, std::string::npos) << table;
  ASSERT_NE(pass, std::string::npos) << table;
  EXPECT_LT(fail, pass);
  EXPECT_THAT(table, HasSubstr("70.0     90     +10  FAIL"));

  std::string csv = AdequacyCsv(report);
  std::vector<std::string> lines = absl::StrSplit(csv, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_THAT(lines[0], StartsWith("county_fips,county_name,state,county_designation,"));
  EXPECT_EQ(lines[1],
            "26125,Washtenaw County,MI,Large Metro,S03,Primary Care,false,20,10,1000,700.5,"
            "0.700500,0.900000,0.100000,false,50,412.4,false,100.6,false,7,299.5,"
            "26163500100;26163999999");
  EXPECT_THAT(lines[3], StartsWith("26125,Washtenaw County,MI,Large Metro,040,"));

  nlohmann::json json = nlohmann::json::parse(JsonText(AdequacyJson(report)));
  EXPECT_EQ(json["region"], "michigan");
  EXPECT_EQ(json["mode"], "straight-line");
  EXPECT_EQ(json["beneficiary_method"], "Spread over tracts by population.");
  EXPECT_EQ(json["summary"]["failing_results"], 2);
  ASSERT_EQ(json["results"].size(), 4u);
  EXPECT_EQ(json["results"][0]["specialty_code"], "S03");
  EXPECT_EQ(json["results"][0]["pass"], false);
  EXPECT_TRUE(json["results"][0]["share_with_access"].is_number());
  EXPECT_DOUBLE_EQ(json["results"][0]["share_with_access"].get<double>(), 0.7005);
  EXPECT_EQ(json["results"][0]["minimum_number"], 50);
  EXPECT_TRUE(json["results"][0]["counted"].is_number());
  EXPECT_EQ(json["results"][0]["uncovered_unit_ids"].size(), 2u);
  EXPECT_EQ(json["results"][2]["specialty_code"], "040");
  EXPECT_EQ(json["results"][2]["uncovered_unit_ids"].size(), 0u);
}

}  // namespace
}  // namespace carereach::cli
