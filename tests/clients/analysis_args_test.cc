// Parsing of the analyses and their network selections (analysis_args.cc).

#include "tests/clients/fixtures.h"

namespace carereach::cli {
namespace {

// ---------------------------------------------------------------------------------------------
// Arguments: analyses and their network selections

TEST(ContractingArgsTest, SelectionFlagsBindToTheMostRecentNetwork) {
  absl::StatusOr<Invocation> inv = ParseArgs({"analyze",          "coverage",
                                              "--region",         "michigan",
                                              "--network",        "ascension@3",
                                              "--label",          "Ascension",
                                              "--remove",         "a1,a2",
                                              "--remove",         "a3",
                                              "--network",        "trinity",
                                              "--add-facilities", "add.csv",
                                              "--add-where",      "NAME~WYANDOTTE",
                                              "--add-roster",     "more.csv",
                                              "--facilities",     "dir/inline.csv",
                                              "--where",          "STATE=MI",
                                              "--minutes",        "20,30",
                                              "--miles",          "10",
                                              "--specialties",    "40",
                                              "--save-report",    "--title",
                                              "Q3 alliance",      "--counties",
                                              "--mode",           "drive",
                                              "--speed-profile",  "car-us",
                                              "--format",         "csv"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command, Command::kAnalyzeCoverage);
  const AnalysisOptions& an = inv->analysis;
  ASSERT_EQ(an.networks.size(), 3u);

  const SelectionFlags& ascension = an.networks[0];
  EXPECT_EQ(ascension.network_id, "ascension");
  EXPECT_EQ(ascension.version, 3);
  EXPECT_EQ(ascension.label, "Ascension");
  EXPECT_THAT(ascension.remove_ids, ElementsAre("a1", "a2", "a3"));
  EXPECT_TRUE(ascension.add.empty());

  const SelectionFlags& trinity = an.networks[1];
  EXPECT_EQ(trinity.network_id, "trinity");
  EXPECT_EQ(trinity.version, 0);  // the latest
  EXPECT_EQ(trinity.label, "");   // the server's default: the id
  ASSERT_EQ(trinity.add.size(), 2u);
  EXPECT_EQ(trinity.add[0].format, RosterFormat::kFacilities);
  EXPECT_EQ(trinity.add[0].path, "add.csv");
  ASSERT_EQ(trinity.add[0].where.size(), 1u);
  EXPECT_EQ(WhereText(trinity.add[0].where[0]), "NAME~WYANDOTTE");
  EXPECT_EQ(trinity.add[1].format, RosterFormat::kRoster);
  EXPECT_TRUE(trinity.add[1].where.empty());  // --add-where bound to the earlier file

  const SelectionFlags& inline_net = an.networks[2];
  EXPECT_EQ(inline_net.network_id, "");
  ASSERT_TRUE(inline_net.inline_roster.has_value());
  EXPECT_EQ(inline_net.inline_roster->path, "dir/inline.csv");
  EXPECT_EQ(inline_net.label, "inline.csv");  // the file's base name
  ASSERT_EQ(inline_net.inline_roster->where.size(), 1u);

  EXPECT_THAT(an.minutes, ElementsAre(20, 30));
  EXPECT_THAT(an.miles, ElementsAre(10));
  EXPECT_THAT(an.specialty_codes, ElementsAre("040"));
  EXPECT_TRUE(an.save_report);
  EXPECT_EQ(an.title, "Q3 alliance");
  EXPECT_TRUE(an.counties);  // a switch of analyze coverage
  EXPECT_EQ(an.travel.mode, Mode::kDrive);
  EXPECT_EQ(an.travel.drive.speed_profile, "car-us");
  EXPECT_EQ(an.format, OutputFormat::kCsv);

  // A label after an inline file replaces the base name.
  inv = ParseArgs({"analyze", "coverage", "--region", "r", "--roster", "r.csv", "--label", "Mine",
                   "--minutes", "5"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->analysis.networks[0].label, "Mine");
  EXPECT_EQ(inv->analysis.networks[0].inline_roster->format, RosterFormat::kRoster);
}

TEST(ContractingArgsTest, SelectionFlagsWithoutANetworkAreUsageErrors) {
  const std::vector<std::string> base = {"analyze", "coverage", "--region", "r", "--minutes", "5"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return UsageOf(args);
  };
  EXPECT_THAT(with({"--label", "x", "--network", "n"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--label applies to the most recent --network, --roster or "
                                 "--facilities; give one before it")));
  EXPECT_THAT(with({"--remove", "p1", "--network", "n"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--remove applies to")));
  EXPECT_THAT(with({"--add-facilities", "f.csv"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--add-facilities applies")));
  EXPECT_THAT(with({"--network", "n", "--add-where", "A=B"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--add-where filters the most recent --add-roster or "
                                 "--add-facilities file")));
  // --where filters an inline file; a stored network has none.
  EXPECT_THAT(with({"--network", "n", "--where", "A=B"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--where filters the most recent --roster or --facilities")));
  EXPECT_THAT(with({"--network", "n", "--remove", "a,,b"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty item in 'a,,b'")));
  EXPECT_THAT(with({}), StatusIs(absl::StatusCode::kInvalidArgument,
                                 HasSubstr("analyze coverage: give the network with --network")));
}

TEST(ContractingArgsTest, NetworkVersionReferences) {
  absl::StatusOr<NetworkRef> ref = ParseNetworkRef("--network", "mercy@3");
  ASSERT_TRUE(ref.ok()) << ref.status();
  EXPECT_EQ(ref->network_id, "mercy");
  EXPECT_EQ(ref->version, 3);
  ref = ParseNetworkRef("--network", "mercy.v2_x-y");
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->network_id, "mercy.v2_x-y");
  EXPECT_EQ(ref->version, 0);
  for (const char* bad :
       {"mercy@", "mercy@0", "mercy@-1", "mercy@x", "mercy@3x", "mercy@+3", "mercy@1@2"}) {
    EXPECT_THAT(ParseNetworkRef("--network", bad),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         AllOf(HasSubstr(absl::StrCat("--network: '", bad, "'")),
                               HasSubstr("VERSION must be a whole number >= 1"))))
        << bad;
  }
  EXPECT_THAT(ParseNetworkRef("--network", "@3"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--network: '@3' is not ID or ID@VERSION")));
  // The same rule on the command line, for --network and --candidates.
  EXPECT_THAT(UsageOf({"analyze", "adequacy", "--region", "r", "--network", "m@x"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--network: 'm@x'")));
  EXPECT_THAT(UsageOf({"recommend", "--region", "r", "--candidates", "pool@0", "--minutes", "5"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--candidates: 'pool@0'")));
}

TEST(ContractingArgsTest, FlagsOfOtherCommandsAreUsageErrors) {
  EXPECT_THAT(UsageOf({"analyze", "coverage", "--region", "r", "--network", "n", "--minutes", "5",
                       "--failing-only"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--failing-only does not apply to 'carereach analyze coverage'")));
  EXPECT_THAT(UsageOf({"analyze", "adequacy", "--region", "r", "--network", "n", "--minutes", "5"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--minutes does not apply to 'carereach analyze adequacy'")));
  EXPECT_THAT(
      UsageOf({"coverage", "--region", "r", "--facilities", "f", "--minutes", "5", "--label", "x"}),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("--label does not apply to 'carereach coverage'")));
  EXPECT_THAT(UsageOf({"access-ratios", "--region", "r", "--network", "n", "--catchment-minutes",
                       "30", "--candidates", "c"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--candidates does not apply to 'carereach access-ratios'")));
  EXPECT_THAT(UsageOf({"analyze", "adequacy", "--region", "r", "--network", "n",
                       "--catchment-minutes", "30"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("does not apply")));
  // --counties: a switch of analyze coverage (so a list is a stray argument), a list elsewhere.
  EXPECT_THAT(
      UsageOf({"analyze", "coverage", "--region", "r", "--network", "n", "--minutes", "5",
               "--counties", "26163"}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unexpected argument '26163'")));
  absl::StatusOr<Invocation> inv =
      ParseArgs({"analyze", "adequacy", "--counties", "26163,26125", "--region", "r", "--network",
                 "n", "--specialties", "S03,40", "--standards", "cms-ma-cy2026", "--failing-only",
                 "--mode", "straight-line", "--circuity", "1.2"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command, Command::kAnalyzeAdequacy);
  EXPECT_THAT(inv->analysis.county_fips, ElementsAre("26163", "26125"));
  EXPECT_THAT(inv->analysis.specialty_codes, ElementsAre("S03", "040"));
  EXPECT_EQ(inv->analysis.standards, "cms-ma-cy2026");
  EXPECT_TRUE(inv->analysis.failing_only);
  EXPECT_EQ(inv->analysis.travel.circuity, 1.2);
  EXPECT_THAT(
      UsageOf({"analyze", "adequacy", "--region", "r", "--network", "n", "--counties", "2616"}),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("--counties: '2616' is not a 5-digit county FIPS code")));
  EXPECT_THAT(UsageOf({"analyze", "adequacy", "--region", "r", "--network", "n", "--mode", "drive",
                       "--speed-mph", "30"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("straight-line only")));
  EXPECT_THAT(UsageOf({"analyze", "adequacy", "--network", "n"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("analyze adequacy: --region is required")));
  EXPECT_THAT(UsageOf({"analyze", "coverage", "--region", "r", "--network", "n"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("give at least one threshold with --minutes and/or --miles")));
  EXPECT_THAT(UsageOf({"analyze"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("'carereach analyze' needs a subcommand: coverage, adequacy")));
}

TEST(ContractingArgsTest, RecommendObjectivesAndCandidates) {
  absl::StatusOr<Invocation> inv = ParseArgs({"recommend",  "--region",
                                              "michigan",   "--network",
                                              "mercy@2",    "--candidates-facilities",
                                              "hifld.csv",  "--candidates-where",
                                              "STATE=MI",   "--candidates-where",
                                              "TYPE~ACUTE", "--minutes",
                                              "20",         "--miles",
                                              "10",         "--target-share",
                                              "0.8",        "--counties",
                                              "26163",      "--picks",
                                              "5",          "--specialties",
                                              "040",        "--save-report"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command, Command::kRecommend);
  const AnalysisOptions& an = inv->analysis;
  ASSERT_TRUE(an.candidates.has_value());
  EXPECT_EQ(an.candidates->inline_roster->format, RosterFormat::kFacilities);
  EXPECT_EQ(an.candidates->inline_roster->where.size(), 2u);
  EXPECT_THAT(an.minutes, ElementsAre(20));
  EXPECT_THAT(an.miles, ElementsAre(10));
  EXPECT_EQ(an.target_share, 0.8);
  EXPECT_THAT(an.county_fips, ElementsAre("26163"));
  EXPECT_EQ(an.picks, 5);

  // Adequacy objective, stored candidates, no current network.
  inv =
      ParseArgs({"recommend", "--region", "michigan", "--candidates", "pool@4", "--adequacy-county",
                 "26163", "--adequacy-specialty", "40", "--standards", "cms-ma-cy2026"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_TRUE(inv->analysis.networks.empty());
  EXPECT_EQ(inv->analysis.candidates->network_id, "pool");
  EXPECT_EQ(inv->analysis.candidates->version, 4);
  EXPECT_EQ(inv->analysis.adequacy_county, "26163");
  EXPECT_EQ(inv->analysis.adequacy_specialty, "040");

  const std::vector<std::string> base = {"recommend", "--region", "r", "--candidates", "pool"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return UsageOf(args);
  };
  EXPECT_THAT(with({}), StatusIs(absl::StatusCode::kInvalidArgument,
                                 HasSubstr("recommend: give the objective")));
  EXPECT_THAT(
      with({"--minutes", "20", "--adequacy-county", "26163", "--adequacy-specialty", "040"}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("exclude each other")));
  EXPECT_THAT(with({"--minutes", "10,20"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--minutes and --miles take one number each")));
  EXPECT_THAT(with({"--adequacy-county", "26163"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("needs both --adequacy-county and --adequacy-specialty")));
  EXPECT_THAT(
      with({"--adequacy-county", "26163", "--adequacy-specialty", "040", "--target-share", "0.9"}),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("apply to the coverage objective only")));
  EXPECT_THAT(with({"--minutes", "20", "--standards", "x"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--standards applies to the adequacy objective only")));
  EXPECT_THAT(with({"--minutes", "20", "--target-share", "80"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--target-share: 80 is outside [0, 1]")));
  EXPECT_THAT(with({"--minutes", "20", "--picks", "0"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--picks: '0' is not a whole number in [1, 100]")));
  EXPECT_THAT(with({"--minutes", "20", "--picks", "101"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--picks: '101'")));
  EXPECT_THAT(with({"--minutes", "20", "--candidates-roster", "c.csv"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("give one candidate pool")));
  EXPECT_THAT(with({"--minutes", "20", "--candidates-where", "A=B"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--candidates-where filters the --candidates-roster or "
                                 "--candidates-facilities file")));
  EXPECT_THAT(with({"--minutes", "20", "--adequacy-county", "2616"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--adequacy-county: '2616' is not a 5-digit county FIPS code")));
  EXPECT_THAT(UsageOf({"recommend", "--region", "r", "--minutes", "20"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("recommend: give the candidate pool")));
}

TEST(ContractingArgsTest, AccessRatiosTakeOneNetworkAndACatchment) {
  absl::StatusOr<Invocation> inv =
      ParseArgs({"access-ratios", "--region", "michigan", "--network", "mercy", "--remove", "h1",
                 "--catchment-minutes", "30", "--capacity-from-beds", "--units-out", "u.csv",
                 "--mode", "drive", "--format", "json"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command, Command::kAccessRatios);
  EXPECT_EQ(inv->analysis.catchment_minutes, 30);
  EXPECT_TRUE(inv->analysis.capacity_from_beds);
  EXPECT_EQ(inv->analysis.units_out, "u.csv");
  EXPECT_THAT(inv->analysis.networks[0].remove_ids, ElementsAre("h1"));

  EXPECT_THAT(UsageOf({"access-ratios", "--region", "r", "--network", "a", "--network", "b",
                       "--catchment-minutes", "30"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("give one network")));
  EXPECT_THAT(
      UsageOf({"access-ratios", "--region", "r", "--network", "a"}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--catchment-minutes is required")));
  EXPECT_THAT(
      UsageOf({"access-ratios", "--region", "r", "--network", "a", "--catchment-minutes", "0"}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("must be greater than 0")));
}

TEST(ContractingArgsTest, UsageTextNamesTheNewCommands) {
  const std::string usage = UsageText();
  for (const char* text :
       {"carereach network create ID", "carereach network import ID ROSTER",
        "carereach network export ID [--version N] [--out FILE.csv]",
        "carereach network diff ID FROM TO", "carereach report show REPORT_ID",
        "carereach analyze coverage --region R NETWORKS", "carereach recommend --region R",
        "carereach access-ratios --region R NETWORK --catchment-minutes M", "--tenant NAME",
        "--where COLUMN~TEXT", "--specialty-code CODE", "--add-where", "--remove ID[,ID...]",
        "--candidates-where", "--capacity-from-beds", "--failing-only", "--adequacy-county"}) {
    EXPECT_THAT(usage, HasSubstr(text));
  }
}

}  // namespace
}  // namespace carereach::cli
