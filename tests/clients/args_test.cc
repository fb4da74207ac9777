// Parsing of the original commands (args.h, access_args.cc, adequacy_args.cc): flags, their
// errors, environment defaults, the usage text.

#include "tests/clients/fixtures.h"

namespace carereach::cli {
namespace {

// ---------------------------------------------------------------------------------------------
// Arguments

TEST(ParseArgsTest, CoverageWithRepeatedWhereAndBothFlagForms) {
  absl::StatusOr<Invocation> inv = ParseArgs(
      {"coverage", "--region=michigan", "--facilities", "h.csv", "--where", "STATUS=OPEN",
       "--where=STATE = MI", "--minutes", "10,20", "--miles=5", "--mode=drive", "--format", "json",
       "--units-out", "units.csv", "--counties", "--server=example:7"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command, Command::kCoverage);
  EXPECT_EQ(inv->global.server, "example:7");
  const CoverageOptions& cov = inv->coverage;
  EXPECT_EQ(cov.region, "michigan");
  EXPECT_EQ(cov.facilities_path, "h.csv");
  ASSERT_EQ(cov.where.size(), 2u);
  EXPECT_EQ(cov.where[0].column, "STATUS");
  EXPECT_EQ(cov.where[0].value, "OPEN");
  EXPECT_EQ(cov.where[1].column, "STATE");  // trimmed
  EXPECT_EQ(cov.where[1].value, "MI");
  EXPECT_THAT(cov.minutes, ElementsAre(10, 20));
  EXPECT_THAT(cov.miles, ElementsAre(5));
  EXPECT_EQ(cov.travel.mode, Mode::kDrive);
  EXPECT_EQ(cov.format, OutputFormat::kJson);
  EXPECT_EQ(cov.units_out, "units.csv");
  EXPECT_TRUE(cov.counties);
}

TEST(ParseArgsTest, DefaultsAndGlobalFlagsBeforeTheCommand) {
  absl::StatusOr<Invocation> inv =
      ParseArgs({"--timeout-seconds", "5", "--wait-seconds=2.5", "regions"}, "env-host:9");
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command, Command::kRegions);
  EXPECT_EQ(inv->global.server, "env-host:9");  // the caller's $CAREREACH_SERVER
  EXPECT_EQ(inv->global.timeout_seconds, 5);
  EXPECT_EQ(inv->global.wait_seconds, 2.5);
  EXPECT_EQ(inv->regions.format, OutputFormat::kTable);

  absl::StatusOr<Invocation> plain = ParseArgs({"regions"});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->global.server, "127.0.0.1:50051");
  EXPECT_EQ(plain->global.timeout_seconds, 120);
  EXPECT_EQ(plain->global.wait_seconds, 0);
}

TEST(ParseArgsTest, StraightLineOptions) {
  absl::StatusOr<Invocation> inv =
      ParseArgs({"coverage", "--region", "r", "--facilities", "f", "--minutes", "30", "--circuity",
                 "1.2", "--speed-mph=40", "--lat-column", "Lat_WGS84"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->coverage.travel.mode, Mode::kStraightLine);
  EXPECT_EQ(inv->coverage.travel.circuity, 1.2);
  EXPECT_EQ(inv->coverage.travel.speed_mph, 40);
  EXPECT_EQ(inv->coverage.columns.lat, "Lat_WGS84");
}

TEST(ParseArgsTest, HelpInAnyPosition) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"help"}, {"--help"}, {"coverage", "--help"}, {"-h"}}) {
    absl::StatusOr<Invocation> inv = ParseArgs(args);
    ASSERT_TRUE(inv.ok()) << args[0];
    EXPECT_EQ(inv->command, Command::kHelp);
  }
  EXPECT_THAT(UsageText(), AllOf(HasSubstr("carereach regions"), HasSubstr("--units-out"),
                                 HasSubstr("--wait-seconds"), HasSubstr("--where")));
  EXPECT_THAT(UsageText(),
              AllOf(HasSubstr("carereach isochrone --region R"), HasSubstr("--buffer-meters"),
                    HasSubstr("--offroad-speed-mph"), HasSubstr("OpenStreetMap contributors"),
                    HasSubstr("carereach matrix --region R"), HasSubstr("--destinations-where"),
                    HasSubstr("--max-minutes")));
}

TEST(ParseArgsTest, BadNumberNamesTheFlag) {
  EXPECT_THAT(
      ParseArgs({"coverage", "--region", "r", "--facilities", "f", "--minutes", "10,x"}).status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--minutes: 'x' is not a number")));
  EXPECT_THAT(
      ParseArgs({"coverage", "--region", "r", "--facilities", "f", "--miles=5,,10"}).status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--miles: '' is not")));
  EXPECT_THAT(ParseArgs({"regions", "--timeout-seconds", "soon"}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--timeout-seconds")));
  EXPECT_THAT(ParseArgs({"regions", "--timeout-seconds", "0"}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--timeout-seconds")));
}

TEST(ParseArgsTest, UsageErrors) {
  auto error_of = [](std::vector<std::string> args) {
    return std::string(ParseArgs(args).status().message());
  };
  EXPECT_EQ(error_of({"regions", "--colour", "red"}), "unknown flag --colour");
  EXPECT_EQ(error_of({"regions", "-x"}), "unknown flag -x");
  EXPECT_EQ(error_of({"regions", "--format"}), "--format needs a value");
  EXPECT_EQ(error_of({"coverage", "--region", "--facilities", "f"}), "--region needs a value");
  EXPECT_EQ(error_of({"regions", "--format", "xml"}),
            "--format: 'xml' is not one of table, csv, json");
  EXPECT_EQ(error_of({"regions", "--region", "r"}),
            "--region does not apply to 'carereach regions'");
  EXPECT_EQ(error_of({"regions", "--counties=yes"}), "--counties takes no value");
  EXPECT_EQ(error_of({}), "no command given");
  EXPECT_EQ(error_of({"cover"}), "unknown command 'cover'");
  EXPECT_EQ(error_of({"regions", "extra"}), "unexpected argument 'extra'");
  EXPECT_THAT(error_of({"coverage", "--region", "r", "--facilities", "f"}),
              HasSubstr("--minutes and/or --miles"));
  EXPECT_THAT(error_of({"coverage", "--facilities", "f", "--minutes", "10"}),
              HasSubstr("--region"));
  EXPECT_THAT(error_of({"coverage", "--region", "r", "--minutes", "10"}),
              HasSubstr("--facilities"));
  EXPECT_THAT(error_of({"coverage", "--region", "r", "--facilities", "f", "--minutes", "10",
                        "--where", "STATUS"}),
              HasSubstr("--where: 'STATUS' is not COLUMN=VALUE"));
  EXPECT_THAT(error_of({"coverage", "--region", "r", "--facilities", "f", "--minutes", "10",
                        "--mode", "walk"}),
              HasSubstr("--mode: 'walk'"));
  EXPECT_THAT(error_of({"coverage", "--region", "r", "--facilities", "f", "--minutes", "10",
                        "--mode", "drive", "--circuity", "1.2"}),
              HasSubstr("straight-line only"));
}

TEST(ParseArgsTest, CoverageDriveOptions) {
  absl::StatusOr<Invocation> inv = ParseArgs(
      {"coverage", "--region", "r", "--facilities", "f", "--minutes", "30", "--mode", "drive",
       "--max-snap-meters", "500", "--direction", "from-facility", "--offroad-speed-mph=5"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->coverage.travel.drive.max_snap_meters, 500);
  EXPECT_EQ(inv->coverage.travel.drive.direction, Direction::kFromFacility);
  EXPECT_EQ(inv->coverage.travel.drive.offroad_speed_mph, 5);
  EXPECT_THAT(
      ParseArgs({"coverage", "--region", "r", "--facilities", "f", "--minutes", "30",
                 "--offroad-speed-mph", "5"})
          .status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("apply to --mode drive only")));
}

TEST(ParseArgsTest, IsochroneWithEveryFlag) {
  absl::StatusOr<Invocation> inv = ParseArgs({"isochrone",
                                              "--region",
                                              "honolulu",
                                              "--facilities",
                                              "h.csv",
                                              "--where",
                                              "STATUS=OPEN",
                                              "--minutes",
                                              "10,20",
                                              "--minutes=30",
                                              "--out",
                                              "iso.geojson",
                                              "--direction",
                                              "to-facility",
                                              "--buffer-meters",
                                              "200",
                                              "--max-snap-meters=800",
                                              "--offroad-speed-mph",
                                              "4",
                                              "--speed-profile",
                                              "car",
                                              "--id-column",
                                              "site",
                                              "--lat-column",
                                              "y_wgs84"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command, Command::kIsochrone);
  const IsochroneOptions& iso = inv->isochrone;
  EXPECT_EQ(iso.region, "honolulu");
  EXPECT_EQ(iso.facilities_path, "h.csv");
  ASSERT_EQ(iso.where.size(), 1u);
  EXPECT_EQ(iso.where[0].column, "STATUS");
  EXPECT_THAT(iso.minutes, ElementsAre(10, 20, 30));
  EXPECT_EQ(iso.out_path, "iso.geojson");
  EXPECT_EQ(iso.drive.direction, Direction::kToFacility);
  EXPECT_EQ(iso.buffer_meters, 200);
  EXPECT_EQ(iso.drive.max_snap_meters, 800);
  EXPECT_EQ(iso.drive.offroad_speed_mph, 4);
  EXPECT_EQ(iso.drive.speed_profile, "car");
  EXPECT_EQ(iso.columns.id, "site");
  EXPECT_EQ(iso.columns.lat, "y_wgs84");
  // Coverage's fields are untouched by the shared flags.
  EXPECT_EQ(inv->coverage.region, "");

  absl::StatusOr<Invocation> minimal =
      ParseArgs({"isochrone", "--region", "r", "--facilities", "f", "--minutes", "15"});
  ASSERT_TRUE(minimal.ok()) << minimal.status();
  EXPECT_EQ(minimal->isochrone.out_path, "");  // stdout
  EXPECT_EQ(minimal->isochrone.drive.direction, Direction::kDefault);
  EXPECT_FALSE(minimal->isochrone.buffer_meters.has_value());
  EXPECT_FALSE(minimal->isochrone.drive.any());
}

TEST(ParseArgsTest, IsochroneUsageErrors) {
  auto error_of = [](std::vector<std::string> args) {
    return std::string(ParseArgs(args).status().message());
  };
  EXPECT_EQ(error_of({"isochrone", "--facilities", "f", "--minutes", "10"}),
            "isochrone: --region is required");
  EXPECT_EQ(error_of({"isochrone", "--region", "r", "--minutes", "10"}),
            "isochrone: --facilities FILE.csv is required");
  EXPECT_EQ(error_of({"isochrone", "--region", "r", "--facilities", "f"}),
            "isochrone: give at least one threshold with --minutes");
  EXPECT_EQ(error_of({"isochrone", "--region", "r", "--facilities", "f", "--minutes", "10,ten"}),
            "--minutes: 'ten' is not a number");
  EXPECT_EQ(error_of({"isochrone", "--region", "r", "--facilities", "f", "--minutes", "10",
                      "--buffer-meters", "wide"}),
            "--buffer-meters: 'wide' is not a number");
  EXPECT_EQ(error_of({"isochrone", "--region", "r", "--facilities", "f", "--minutes", "10",
                      "--offroad-speed-mph", "slow"}),
            "--offroad-speed-mph: 'slow' is not a number");
  // C hexadecimal floats are not numbers here (absl::SimpleAtod alone reads "0x1e" as 30).
  EXPECT_EQ(error_of({"isochrone", "--region", "r", "--facilities", "f", "--minutes", "0x1e"}),
            "--minutes: '0x1e' is not a number");
  EXPECT_EQ(error_of({"isochrone", "--region", "r", "--facilities", "f", "--minutes", "10",
                      "--buffer-meters", "0X1p3"}),
            "--buffer-meters: '0X1p3' is not a number");
  EXPECT_EQ(error_of({"isochrone", "--region", "r", "--facilities", "f", "--minutes", "10",
                      "--direction", "outwards"}),
            "--direction: 'outwards' is not one of to-facility, from-facility");
  EXPECT_EQ(error_of({"isochrone", "--region", "r", "--out"}), "--out needs a value");
  EXPECT_EQ(error_of({"isochrone", "--buffer", "100"}), "unknown flag --buffer");
  EXPECT_EQ(error_of({"isochrone", "--format", "json"}),
            "--format does not apply to 'carereach isochrone'");
  EXPECT_EQ(error_of({"isochrone", "--miles", "5"}),
            "--miles does not apply to 'carereach isochrone'");
  EXPECT_EQ(error_of({"coverage", "--out", "x.geojson"}),
            "--out does not apply to 'carereach coverage'");
}

TEST(ParseArgsTest, MatrixWithEveryFlag) {
  absl::StatusOr<Invocation> inv = ParseArgs({"matrix",
                                              "--region",
                                              "michigan",
                                              "--origins",
                                              "o.csv",
                                              "--destinations=d.csv",
                                              "--origins-where",
                                              "STATUS=OPEN",
                                              "--origins-where",
                                              "TYPE=CRITICAL ACCESS",
                                              "--destinations-where",
                                              "STATE = MI",
                                              "--max-minutes",
                                              "90",
                                              "--format",
                                              "csv",
                                              "--direction",
                                              "from-facility",
                                              "--max-snap-meters",
                                              "300",
                                              "--lon-column",
                                              "x_wgs84"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command, Command::kMatrix);
  const MatrixOptions& mat = inv->matrix;
  EXPECT_EQ(mat.region, "michigan");
  EXPECT_EQ(mat.origins_path, "o.csv");
  EXPECT_EQ(mat.destinations_path, "d.csv");
  ASSERT_EQ(mat.origins_where.size(), 2u);
  EXPECT_EQ(mat.origins_where[1].value, "CRITICAL ACCESS");
  ASSERT_EQ(mat.destinations_where.size(), 1u);
  EXPECT_EQ(mat.destinations_where[0].column, "STATE");
  EXPECT_EQ(mat.destinations_where[0].value, "MI");
  EXPECT_EQ(mat.max_minutes, 90);
  EXPECT_EQ(mat.format, OutputFormat::kCsv);
  EXPECT_EQ(mat.drive.direction, Direction::kFromFacility);
  EXPECT_EQ(mat.drive.max_snap_meters, 300);
  EXPECT_EQ(mat.columns.lon, "x_wgs84");

  absl::StatusOr<Invocation> minimal =
      ParseArgs({"matrix", "--region", "r", "--origins", "o", "--destinations", "d"});
  ASSERT_TRUE(minimal.ok()) << minimal.status();
  EXPECT_EQ(minimal->matrix.format, OutputFormat::kTable);
  EXPECT_FALSE(minimal->matrix.max_minutes.has_value());
}

TEST(ParseArgsTest, MatrixUsageErrors) {
  auto error_of = [](std::vector<std::string> args) {
    return std::string(ParseArgs(args).status().message());
  };
  EXPECT_EQ(error_of({"matrix", "--origins", "o", "--destinations", "d"}),
            "matrix: --region is required");
  EXPECT_EQ(error_of({"matrix", "--region", "r", "--destinations", "d"}),
            "matrix: --origins FILE.csv is required");
  EXPECT_EQ(error_of({"matrix", "--region", "r", "--origins", "o"}),
            "matrix: --destinations FILE.csv is required");
  EXPECT_EQ(error_of({"matrix", "--region", "r", "--origins", "o", "--destinations", "d",
                      "--max-minutes", "10,20"}),
            "--max-minutes: '10,20' is not a number");
  EXPECT_EQ(error_of({"matrix", "--region", "r", "--origins", "o", "--destinations", "d",
                      "--origins-where", "STATUS"}),
            "--origins-where: 'STATUS' is not COLUMN=VALUE or COLUMN~TEXT");
  EXPECT_EQ(error_of({"matrix", "--region", "r", "--origins", "o", "--destinations", "d",
                      "--format", "geojson"}),
            "--format: 'geojson' is not one of table, csv, json");
  EXPECT_EQ(error_of({"matrix", "--minutes", "10"}),
            "--minutes does not apply to 'carereach matrix'");
  EXPECT_EQ(error_of({"matrix", "--where", "A=B"}), "--where does not apply to 'carereach matrix'");
  EXPECT_EQ(error_of({"matrix", "--facilities", "f"}),
            "--facilities does not apply to 'carereach matrix'");
  EXPECT_EQ(error_of({"matrix", "--origin", "o"}), "unknown flag --origin");
  EXPECT_EQ(error_of({"regions", "--origins", "o"}),
            "--origins does not apply to 'carereach regions'");
}

TEST(RunCliTest, UsageErrorExitsTwoWithHint) {
  std::ostringstream out, err;
  EXPECT_EQ(RunCli({"regions", "--bogus"}, out, err), kExitUsage);
  EXPECT_EQ(err.str(), "error: unknown flag --bogus\nrun 'carereach help' for usage\n");
  EXPECT_EQ(out.str(), "");
}

TEST(RunCliTest, HelpPrintsUsage) {
  std::ostringstream out, err;
  EXPECT_EQ(RunCli({"help"}, out, err), kExitOk);
  EXPECT_THAT(out.str(), HasSubstr("carereach coverage --region R"));
}

// ---------------------------------------------------------------------------------------------
// adequacy

TEST(ParseArgsTest, AdequacyWithEveryFlag) {
  absl::StatusOr<Invocation> inv = ParseArgs({"adequacy",
                                              "--region",
                                              "michigan",
                                              "--network",
                                              "roster.csv",
                                              "--where",
                                              "STATE=MI",
                                              "--counties",
                                              "26163,26125",
                                              "--specialties=S03,40",
                                              "--standards",
                                              "cms-ma-cy2026",
                                              "--format",
                                              "csv",
                                              "--uncovered-out",
                                              "u.geojson",
                                              "--data-dir",
                                              "/data",
                                              "--circuity",
                                              "1.2",
                                              "--speed-mph",
                                              "40",
                                              "--id-column",
                                              "npi_id",
                                              "--beds-column",
                                              "staffed",
                                              "--telehealth-column",
                                              "tele",
                                              "--specialty-column",
                                              "spec"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command, Command::kAdequacy);
  const AdequacyOptions& adq = inv->adequacy;
  EXPECT_EQ(adq.region, "michigan");
  EXPECT_EQ(adq.network_path, "roster.csv");
  ASSERT_EQ(adq.where.size(), 1u);
  EXPECT_THAT(adq.county_fips, ElementsAre("26163", "26125"));
  EXPECT_THAT(adq.specialty_codes, ElementsAre("S03", "040"));  // "40" padded
  EXPECT_EQ(adq.standards, "cms-ma-cy2026");
  EXPECT_EQ(adq.format, OutputFormat::kCsv);
  EXPECT_EQ(adq.uncovered_out, "u.geojson");
  EXPECT_EQ(adq.data_dir, "/data");
  EXPECT_EQ(adq.travel.circuity, 1.2);
  EXPECT_EQ(adq.travel.speed_mph, 40);
  EXPECT_EQ(adq.columns.id, "npi_id");
  EXPECT_EQ(adq.columns.beds, "staffed");
  EXPECT_EQ(adq.columns.telehealth, "tele");
  EXPECT_EQ(adq.columns.specialty, "spec");

  absl::StatusOr<Invocation> drive =
      ParseArgs({"adequacy", "--region", "honolulu", "--network", "h.csv", "--mode", "drive",
                 "--specialty", "40", "--max-snap-meters", "500"});
  ASSERT_TRUE(drive.ok()) << drive.status();
  EXPECT_EQ(drive->adequacy.travel.mode, Mode::kDrive);
  EXPECT_EQ(drive->adequacy.specialty, "040");
  EXPECT_EQ(drive->adequacy.travel.drive.max_snap_meters, 500);
  // --counties stays a switch of coverage.
  absl::StatusOr<Invocation> coverage =
      ParseArgs({"coverage", "--counties", "--region", "r", "--facilities", "f", "--minutes", "5"});
  ASSERT_TRUE(coverage.ok()) << coverage.status();
  EXPECT_TRUE(coverage->coverage.counties);
  EXPECT_THAT(UsageText(), AllOf(HasSubstr("carereach adequacy --region R --network FILE.csv"),
                                 HasSubstr("--uncovered-out"), HasSubstr("--specialty CODE")));
}

TEST(ParseArgsTest, AdequacyUsageErrors) {
  auto error = [](std::vector<std::string> args) { return ParseArgs(args).status(); };
  EXPECT_THAT(error({"adequacy", "--network", "f"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--region is required")));
  EXPECT_THAT(error({"adequacy", "--region", "r"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--network FILE.csv")));
  EXPECT_THAT(error({"adequacy", "--region", "r", "--network", "f", "--specialty", "040",
                     "--specialty-column", "code"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--specialty and --specialty-column exclude each other")));
  EXPECT_THAT(
      error({"adequacy", "--region", "r", "--network", "f", "--circuity", "x"}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--circuity: 'x' is not a number")));
  EXPECT_THAT(error({"adequacy", "--region", "r", "--network", "f", "--counties", "2616"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("'2616' is not a 5-digit county FIPS code")));
  EXPECT_THAT(error({"adequacy", "--region", "r", "--network", "f", "--mode", "drive",
                     "--speed-mph", "30"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("straight-line only")));
  EXPECT_THAT(error({"adequacy", "--region", "r", "--network", "f", "--type-column", "T"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--type-column does not apply to 'carereach adequacy'")));
  EXPECT_THAT(error({"coverage", "--region", "r", "--network", "f", "--minutes", "5"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("does not apply")));
}

}  // namespace
}  // namespace carereach::cli
