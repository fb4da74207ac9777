// The `carereach` commands for stored networks, reports and contracting analyses, without the
// real server: argument parsing (scopes, network selections and the flags bound to them),
// `--where COLUMN~TEXT`, facility CSV -> roster rows, the export CSV read back as a roster,
// output formats of hand-built answers, and the command flow against in-process fakes of
// NetworkService and ContractingService.

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "carereach/v1/contracting.grpc.pb.h"
#include "carereach/v1/networks.grpc.pb.h"
#include "clients/cli/args.h"
#include "clients/cli/commands.h"
#include "clients/cli/contracting_commands.h"
#include "clients/cli/contracting_output.h"
#include "clients/cli/facilities_csv.h"
#include "clients/cli/network_commands.h"
#include "clients/cli/output.h"
#include "clients/cli/roster_csv.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/clients/cli_test_util.h"
#include "tests/status_matchers.h"

namespace carereach::cli {
namespace {

using ::carereach::testing_util::StatusIs;
using cli_test_util::FakeServerTest;
using cli_test_util::Miles;
using cli_test_util::Minutes;
using cli_test_util::ReadFile;
using cli_test_util::WriteTempFile;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

using carereach::v1::NetworkProvider;

absl::Status UsageOf(const std::vector<std::string>& args) { return ParseArgs(args).status(); }

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

// ---------------------------------------------------------------------------------------------
// Arguments: tenant, network and report commands

TEST(ContractingArgsTest, TenantFlagEnvironmentDefaultAndValidation) {
  absl::StatusOr<Invocation> inv = ParseArgs({"network", "list"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->global.tenant, "default");
  inv = ParseArgs({"network", "list"}, kDefaultServer, "from-env");
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->global.tenant, "from-env");
  // The flag wins over the environment, on any command (harmless on the old services).
  inv = ParseArgs({"--tenant", "acme.health_1", "regions"}, kDefaultServer, "from-env");
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->global.tenant, "acme.health_1");

  EXPECT_THAT(UsageOf({"regions", "--tenant", "a b"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--tenant: 'a b' is not 1 to 64 characters of")));
  EXPECT_THAT(UsageOf({"regions", "--tenant", std::string(65, 'a')}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--tenant")));
  EXPECT_TRUE(ParseArgs({"regions", "--tenant", std::string(64, 'a')}).ok());
  EXPECT_THAT(
      ParseArgs({"regions"}, kDefaultServer, "bad/tenant").status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("$CAREREACH_TENANT: 'bad/tenant'")));
}

TEST(ContractingArgsTest, NetworkCreateReadsAFacilityFileWithFiltersInAnyOrder) {
  // --where before the file it filters: create and import take the flags in any order.
  absl::StatusOr<Invocation> inv = ParseArgs({"network",
                                              "create",
                                              "mercy",
                                              "--where",
                                              "NAME~MERCY HEALTH|ST JOSEPH MERCY",
                                              "--name",
                                              "Mercy Health",
                                              "--description",
                                              "Michigan hospitals",
                                              "--note",
                                              "first roster",
                                              "--facilities",
                                              "hifld.csv",
                                              "--where",
                                              "STATE=MI",
                                              "--specialty-code",
                                              "40",
                                              "--beds-column",
                                              "STAFFED_BEDS",
                                              "--id-column",
                                              "OBJECTID",
                                              "--type-column",
                                              "KIND"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command, Command::kNetworkCreate);
  const NetworkOptions& net = inv->network;
  EXPECT_EQ(net.network_id, "mercy");
  EXPECT_EQ(net.name, "Mercy Health");
  EXPECT_EQ(net.description, "Michigan hospitals");
  EXPECT_EQ(net.note, "first roster");
  ASSERT_TRUE(net.roster.has_value());
  EXPECT_EQ(net.roster->format, RosterFormat::kFacilities);
  EXPECT_EQ(net.roster->path, "hifld.csv");
  ASSERT_EQ(net.roster->where.size(), 2u);
  EXPECT_TRUE(net.roster->where[0].contains);
  EXPECT_EQ(net.roster->where[0].column, "NAME");
  EXPECT_EQ(net.roster->where[0].value, "MERCY HEALTH|ST JOSEPH MERCY");
  EXPECT_FALSE(net.roster->where[1].contains);
  EXPECT_EQ(net.read.facility_specialty, "040");  // padded
  EXPECT_EQ(net.read.roster_columns.beds, "STAFFED_BEDS");
  // Shared column flags name the column in both formats.
  EXPECT_EQ(net.read.facility_columns.id, "OBJECTID");
  EXPECT_EQ(net.read.roster_columns.id, "OBJECTID");
  EXPECT_EQ(net.read.facility_columns.type, "KIND");

  // Without a roster, create makes an empty network; the default code is 040.
  inv = ParseArgs({"network", "create", "empty"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_FALSE(inv->network.roster.has_value());
  EXPECT_EQ(inv->network.read.facility_specialty, "040");

  EXPECT_THAT(UsageOf({"network", "create", "m", "--roster", "r.csv", "--facilities", "f.csv"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("give one roster: --roster FILE or --facilities FILE")));
  EXPECT_THAT(UsageOf({"network", "create", "m", "--where", "STATE=MI"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--where filters the --roster or --facilities file")));
  EXPECT_THAT(UsageOf({"network", "create"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("'carereach network create' needs ID")));
  EXPECT_THAT(UsageOf({"network", "create", "m", "--region", "michigan"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--region does not apply to 'carereach network create'")));
}

TEST(ContractingArgsTest, NetworkImportNeedsARosterAndCreateForANewName) {
  absl::StatusOr<Invocation> inv =
      ParseArgs({"network", "import", "mercy", "--roster", "r.csv", "--note", "v2", "--create",
                 "--name", "Mercy", "--specialty-column", "code", "--telehealth-column", "tele"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command, Command::kNetworkImport);
  EXPECT_TRUE(inv->network.create_if_missing);
  EXPECT_EQ(inv->network.roster->format, RosterFormat::kRoster);
  EXPECT_EQ(inv->network.read.roster_columns.specialty, "code");
  EXPECT_EQ(inv->network.read.roster_columns.telehealth, "tele");

  EXPECT_THAT(UsageOf({"network", "import", "mercy"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("network import: give the roster with --roster FILE")));
  EXPECT_THAT(UsageOf({"network", "import", "mercy", "--roster", "r.csv", "--name", "Mercy"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("add --create")));
  EXPECT_THAT(UsageOf({"network", "create", "mercy", "--create"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--create does not apply to 'carereach network create'")));
}

TEST(ContractingArgsTest, NetworkSubcommandsAndTheirPositionals) {
  absl::StatusOr<Invocation> inv = ParseArgs({"network", "list", "--format", "json"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command, Command::kNetworkList);
  EXPECT_EQ(inv->network.format, OutputFormat::kJson);

  inv = ParseArgs({"network", "show", "mercy"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command, Command::kNetworkShow);
  EXPECT_EQ(inv->network.network_id, "mercy");

  inv = ParseArgs({"network", "export", "mercy", "--version", "3", "--out", "m.csv"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command, Command::kNetworkExport);
  EXPECT_EQ(inv->network.version, 3);
  EXPECT_EQ(inv->network.out_path, "m.csv");

  // Global flags anywhere, even between the two command words.
  inv = ParseArgs({"network", "--tenant", "acme", "diff", "mercy", "2", "3", "--format=csv"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command, Command::kNetworkDiff);
  EXPECT_EQ(inv->network.network_id, "mercy");
  EXPECT_EQ(inv->network.from_version, 2);
  EXPECT_EQ(inv->network.to_version, 3);
  EXPECT_EQ(inv->network.format, OutputFormat::kCsv);
  EXPECT_EQ(inv->global.tenant, "acme");

  inv = ParseArgs({"network", "delete", "mercy"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command, Command::kNetworkDelete);

  EXPECT_THAT(UsageOf({"network"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("'carereach network' needs a subcommand: create, import, list, "
                                 "show, export, diff, delete")));
  EXPECT_THAT(UsageOf({"network", "frob"}), StatusIs(absl::StatusCode::kInvalidArgument,
                                                     HasSubstr("unknown command 'network frob'")));
  EXPECT_THAT(UsageOf({"network", "show", "a", "b"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unexpected argument 'b'")));
  EXPECT_THAT(UsageOf({"network", "diff", "mercy", "2"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("needs ID FROM TO")));
  EXPECT_THAT(UsageOf({"network", "diff", "mercy", "two", "3"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("network diff: FROM: 'two' is not a whole number")));
  EXPECT_THAT(UsageOf({"network", "diff", "mercy", "1", "0"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("network diff: TO: '0'")));
  EXPECT_THAT(UsageOf({"network", "export", "mercy", "--version", "0"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--version: '0'")));
  EXPECT_THAT(UsageOf({"network", "list", "--format", "csv"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--format csv does not apply to 'carereach network list' "
                                 "(formats: table, json)")));
  EXPECT_THAT(UsageOf({"network", "delete", "mercy", "--format", "json"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--format does not apply to 'carereach network delete'")));
  EXPECT_THAT(UsageOf({"network", "show", "mercy", "--version", "2"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--version does not apply to 'carereach network show'")));
}

TEST(ContractingArgsTest, ReportCommands) {
  absl::StatusOr<Invocation> inv =
      ParseArgs({"report", "list", "--network", "mercy", "--format", "json"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command, Command::kReportList);
  EXPECT_EQ(inv->report.network_id, "mercy");
  EXPECT_EQ(inv->report.format, OutputFormat::kJson);

  inv = ParseArgs({"report", "show", "rpt_9f3a51c07be24d11"});
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->command, Command::kReportShow);
  EXPECT_EQ(inv->report.report_id, "rpt_9f3a51c07be24d11");
  EXPECT_EQ(inv->report.format, OutputFormat::kTable);

  EXPECT_THAT(UsageOf({"report", "show"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("needs REPORT_ID")));
  EXPECT_THAT(UsageOf({"report", "show", "rpt_1", "--network", "mercy"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("--network does not apply to 'carereach report show'")));
}

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

// ---------------------------------------------------------------------------------------------
// --where COLUMN~TEXT

constexpr char kHospitals[] =
    "\xEF\xBB\xBFX,Y,OBJECTID,ID,NAME,TYPE,STATUS,STATE,LATITUDE,LONGITUDE,BEDS\n"
    "-85.6,44.2,1,0001,MERCY HEALTH MUSKEGON,GENERAL ACUTE CARE,OPEN,MI,43.23,-86.25,-999\n"
    "-84.0,42.3,2,0002,St Joseph Mercy Chelsea,GENERAL ACUTE CARE,OPEN,MI,42.31,-84.02,133\n"
    "-83.2,42.1,3,0003,HENRY FORD WYANDOTTE,GENERAL ACUTE CARE,OPEN,MI,42.20,-83.15,\n"
    "-84.5,39.1,4,0004,MERCY HEALTH ANDERSON,GENERAL ACUTE CARE,OPEN,OH,39.08,-84.33,x\n"
    "-83.4,42.6,5,0005,SAINT JOSEPH MERCY OAKLAND,CRITICAL ACCESS,OPEN,MI,42.63,-83.29,443\n"
    "-85.6,42.9,6,0006,MERCY HEALTH SAINT MARY'S,GENERAL ACUTE CARE,CLOSED,MI,42.95,-85.66,0\n";

io::CsvTable HospitalsTable() {
  absl::StatusOr<io::CsvTable> table = io::ParseCsv(kHospitals, "hifld.csv");
  EXPECT_TRUE(table.ok()) << table.status();
  return *std::move(table);
}

std::vector<std::string> KeptIds(const std::vector<WhereClause>& where) {
  absl::StatusOr<FacilityList> list = FacilitiesFromTable(HospitalsTable(), {}, where);
  EXPECT_TRUE(list.ok()) << list.status();
  std::vector<std::string> ids;
  if (!list.ok()) return ids;
  for (const auto& facility : list->facilities) ids.push_back(facility.id());
  return ids;
}

WhereClause Contains(std::string column, std::string text) {
  return WhereClause{std::move(column), std::move(text), /*contains=*/true};
}

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

std::vector<NetworkProvider> TrickyProviders() {
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
  return providers;
}

std::string ExportCsv(const std::vector<NetworkProvider>& providers) {
  std::string csv(kExportCsvHeader);
  for (const NetworkProvider& p : providers) csv += ExportCsvLine(p);
  return csv;
}

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
  ASSERT_EQ(roster->providers.size(), providers.size());
  for (size_t i = 0; i < providers.size(); ++i) {
    EXPECT_TRUE(
        google::protobuf::util::MessageDifferencer::Equals(roster->providers[i], providers[i]))
        << "row " << i << ":\n"
        << roster->providers[i].DebugString() << "vs\n"
        << providers[i].DebugString();
  }
}

TEST(ExportCsvTest, LinesAreShortestRoundTripNumbersAndQuotedText) {
  const std::vector<NetworkProvider> providers = TrickyProviders();
  EXPECT_EQ(kExportCsvHeader, "id,name,specialty_code,lon,lat,beds,telehealth,type\n");
  EXPECT_EQ(ExportCsvLine(providers[0]),
            "0001336420,\"Mercy \"\"St. Mary's\"\", Grand Rapids\",040,-85.66789012345679,"
            "42.96340000000001,250.5,true,GENERAL ACUTE CARE\n");
  EXPECT_EQ(ExportCsvLine(providers[1]),
            "1234567893,,S03,-83.0000001,0.30000000000000004,0,false,\n");
  EXPECT_EQ(RoundTripNumber(101), "101");
  EXPECT_EQ(RoundTripNumber(-0.5), "-0.5");
}

// ---------------------------------------------------------------------------------------------
// Output of hand-built answers

carereach::v1::ResolvedNetwork Resolved(const std::string& id, int version, int64_t base, int added,
                                        int removed, int facilities) {
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
carereach::v1::AnalyzeCoverageResponse AllianceCoverage() {
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
                    std::pair<int64_t, int64_t> without) {
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
  };
  member("ascension", {550000, 400000}, {601000, 500000});
  member("trinity", {601000, 500000}, {550000, 400000});
  *r.add_networks() = Resolved("ascension", 3, 27, 0, 0, 27);
  *r.add_networks() = Resolved("trinity", 2, 40, 1, 2, 38);
  r.set_report_id("rpt_9f3a51c07be24d11");
  r.set_compute_ms(12.4);
  return r;
}

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
          "member     threshold  alone  without  loss if leaves  gain by joining",
          "ascension  20 min     55.0%    60.1%         141,000          192,000",
          "ascension  10 mi      40.0%    50.0%         100,000          200,000",
          "trinity    20 min     60.1%    55.0%         192,000          141,000",
          "trinity    10 mi      50.0%    40.0%         200,000          100,000"));

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
            "share,without_covered_population,without_share,loss_if_leaves,gain_by_joining");
  EXPECT_EQ(lines[1], "region,,,michigan,minutes,20,1000000,742000,0.742000,,,,");
  EXPECT_EQ(lines[2], "region,,,michigan,miles,10,1000000,600000,0.600000,,,,");
  EXPECT_EQ(lines[3], "county,,26163,Wayne County,minutes,20,600000,500000,0.833333,,,,");
  EXPECT_EQ(lines[7],
            "member,ascension,,michigan,minutes,20,1000000,550000,0.550000,601000,0.601000,"
            "141000,192000");
  EXPECT_EQ(lines[10],
            "member,trinity,,michigan,miles,10,1000000,500000,0.500000,400000,0.400000,200000,"
            "100000");
  // Property of every member line: loss = alliance - without, gain = alliance - alone.
  const int64_t alliance[2] = {742000, 600000};
  for (size_t i = 7; i < lines.size(); ++i) {
    std::vector<std::string> f = absl::StrSplit(lines[i], ',');
    ASSERT_EQ(f.size(), 13u);
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
  EXPECT_EQ((*json)["networks"][1]["removed_rows"], 2);
  EXPECT_EQ((*json)["unsnapped_units"], 0);  // every field present
}

carereach::v1::RecommendAdditionsResponse CoverageRecommendation() {
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

carereach::v1::AdequacyReport AllianceAdequacy() {
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

TEST(ContractingOutputTest, NetworkDiffTableAndCsv) {
  carereach::v1::DiffNetworkVersionsResponse diff;
  diff.mutable_from()->set_network_id("mercy");
  diff.mutable_from()->set_version(2);
  diff.mutable_from()->set_provider_count(3);
  diff.mutable_to()->set_network_id("mercy");
  diff.mutable_to()->set_version(3);
  diff.mutable_to()->set_provider_count(3);
  const std::vector<NetworkProvider> rows = TrickyProviders();
  *diff.add_added() = rows[1];
  *diff.add_removed() = rows[2];
  carereach::v1::ProviderChange* change = diff.add_changed();
  *change->mutable_before() = rows[0];
  *change->mutable_after() = rows[0];
  change->mutable_after()->set_beds(300);
  diff.set_unchanged_count(1);
  const std::string table = DiffTable(diff);
  EXPECT_THAT(table, HasSubstr("from       version 2: 3 rows\n"
                               "to         version 3: 3 rows\n"
                               "added      1 row\n"
                               "removed    1 row\n"
                               "changed    1 row\n"
                               "unchanged  1 row\n"));
  EXPECT_THAT(table, HasSubstr("\nchanged to    0001336420"));
  const std::vector<std::string> csv = Lines(DiffCsv(diff));
  EXPECT_EQ(csv[0], "change,id,name,specialty_code,lon,lat,beds,telehealth,type");
  EXPECT_EQ(csv[1], "added,1234567893,,S03,-83.0000001,0.30000000000000004,0,false,");
  EXPECT_THAT(DiffCsv(diff), HasSubstr("\nchanged_from,0001336420,"));
  EXPECT_THAT(DiffCsv(diff), HasSubstr(",250.5,true,GENERAL ACUTE CARE\nchanged_to,0001336420,"));
  EXPECT_THAT(DiffCsv(diff), HasSubstr(",300,true,GENERAL ACUTE CARE\n"));
}

TEST(ContractingOutputTest, ReportShowUnpacksTheRequestAndTheResult) {
  carereach::v1::Report report;
  report.set_report_id("rpt_9f3a51c07be24d11");
  report.set_kind("coverage");
  report.set_title("Q3 alliance");
  report.mutable_create_time()->set_seconds(1767225600);  // 2026-01-01T00:00:00Z
  report.set_region("michigan");
  report.set_mode("STRAIGHT_LINE");
  carereach::v1::NetworkVersionRef* ref = report.add_networks();
  ref->set_network_id("ascension");
  ref->set_version(3);
  report.set_summary("union 20-minute share 0.742");
  carereach::v1::AnalyzeCoverageRequest request;
  request.set_region("michigan");
  request.add_max_minutes(20);
  report.mutable_request()->PackFrom(request);
  report.mutable_result()->PackFrom(AllianceCoverage());

  absl::StatusOr<nlohmann::ordered_json> json = ReportJson(report);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ((*json)["report_id"], "rpt_9f3a51c07be24d11");
  EXPECT_EQ((*json)["create_time"], "2026-01-01T00:00:00Z");
  EXPECT_EQ((*json)["networks"][0]["version"], 3);
  EXPECT_EQ((*json)["request"]["max_minutes"][0], 20);
  EXPECT_EQ((*json)["result"]["members"][0]["label"], "ascension");
  EXPECT_FALSE((*json)["result"].contains("@type"));  // unpacked, not an Any

  absl::StatusOr<std::string> table = ReportTable(report);
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_THAT(*table, StartsWith("report    rpt_9f3a51c07be24d11\n"
                                 "kind      coverage\n"
                                 "title     Q3 alliance\n"
                                 "created   2026-01-01T00:00:00Z\n"
                                 "region    michigan\n"
                                 "mode      straight-line\n"
                                 "networks  ascension@3\n"
                                 "summary   union 20-minute share 0.742\n"
                                 "\nregion       michigan\n"));
  EXPECT_THAT(*table, HasSubstr("alliance of 2 members"));

  // A type this client does not know is named, not an error; a corrupt one is DATA_LOSS.
  carereach::v1::Report unknown = report;
  unknown.mutable_result()->PackFrom(google::protobuf::Timestamp());
  json = ReportJson(unknown);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ((*json)["result"]["@type"], "type.googleapis.com/google.protobuf.Timestamp");
  EXPECT_THAT(ReportTable(unknown).value_or(""), HasSubstr("which this client does not know"));
  carereach::v1::Report corrupt = report;
  corrupt.mutable_result()->set_value("\xff\xff\xff");
  EXPECT_THAT(ReportJson(corrupt).status(),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr("report result: does not parse as "
                                 "type.googleapis.com/carereach.v1.AnalyzeCoverageResponse")));
}

// ---------------------------------------------------------------------------------------------
// Commands against in-process fakes of NetworkService and ContractingService

// The tenant a call carried ("" when none).
std::string TenantOf(const grpc::ServerContext* context) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find("x-carereach-tenant");
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

class FakeNetworkService final : public carereach::v1::NetworkService::Service {
 public:
  grpc::Status CreateNetwork(grpc::ServerContext* context,
                             const carereach::v1::CreateNetworkRequest* request,
                             carereach::v1::CreateNetworkResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    tenants_.push_back(TenantOf(context));
    creates_.push_back(*request);
    if (!error_.ok()) return error_;
    response->mutable_network()->set_network_id(request->network_id());
    response->mutable_network()->set_name(request->name());
    if (request->providers_size() > 0) {
      response->mutable_version()->set_network_id(request->network_id());
      response->mutable_version()->set_version(1);
      response->mutable_version()->set_provider_count(request->providers_size());
      response->mutable_version()->set_content_hash("c0ffee");
    }
    return grpc::Status::OK;
  }

  grpc::Status ImportNetwork(grpc::ServerContext* context,
                             grpc::ServerReader<carereach::v1::ImportNetworkRequest>* reader,
                             carereach::v1::NetworkVersion* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    tenants_.push_back(TenantOf(context));
    carereach::v1::ImportNetworkRequest part;
    int64_t rows = 0;
    while (reader->Read(&part)) {
      if (part.has_header()) {
        import_headers_.push_back(part.header());
      } else {
        batch_sizes_.push_back(part.providers().providers_size());
        for (const NetworkProvider& p : part.providers().providers()) imported_.push_back(p);
        rows += part.providers().providers_size();
      }
    }
    if (!error_.ok()) return error_;
    response->set_network_id(import_headers_.back().network_id());
    response->set_version(4);
    response->set_note(import_headers_.back().note());
    response->set_provider_count(rows);
    response->set_content_hash("9f3a51c0");
    return grpc::Status::OK;
  }

  grpc::Status ListNetworks(grpc::ServerContext* context,
                            const carereach::v1::ListNetworksRequest* request,
                            carereach::v1::ListNetworksResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    tenants_.push_back(TenantOf(context));
    page_tokens_.push_back(request->page_token());
    carereach::v1::Network* n = response->add_networks();
    if (request->page_token().empty()) {
      n->set_network_id("ascension");
      n->set_latest_version(3);
      n->set_version_count(3);
      n->set_latest_provider_count(27);
      response->set_next_page_token("page-2");
    } else {
      n->set_network_id("trinity");
      n->set_name("Trinity Health");
    }
    return grpc::Status::OK;
  }

  grpc::Status ExportNetwork(
      grpc::ServerContext* context, const carereach::v1::ExportNetworkRequest* request,
      grpc::ServerWriter<carereach::v1::ExportNetworkResponse>* writer) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      tenants_.push_back(TenantOf(context));
      exports_.push_back(*request);
    }
    carereach::v1::ExportNetworkResponse part;
    part.mutable_version()->set_network_id(request->network_id());
    part.mutable_version()->set_version(request->version() == 0 ? 3 : request->version());
    part.mutable_version()->set_provider_count(export_claimed_rows_);
    writer->Write(part);
    for (const NetworkProvider& p : export_rows_) {
      part.Clear();
      *part.mutable_providers()->add_providers() = p;  // one row per batch
      writer->Write(part);
    }
    return grpc::Status::OK;
  }

  grpc::Status GetReport(grpc::ServerContext* context,
                         const carereach::v1::GetReportRequest* request,
                         carereach::v1::Report* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    tenants_.push_back(TenantOf(context));
    if (request->report_id() != "rpt_1") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "report 'rpt_x' not found");
    }
    response->set_report_id("rpt_1");
    response->set_kind("coverage");
    response->mutable_result()->PackFrom(AllianceCoverage());
    return grpc::Status::OK;
  }

  void set_error(grpc::Status error) { error_ = std::move(error); }
  void set_export(std::vector<NetworkProvider> rows, int64_t claimed) {
    export_rows_ = std::move(rows);
    export_claimed_rows_ = claimed;
  }

  std::mutex mu_;
  grpc::Status error_ = grpc::Status::OK;
  std::vector<std::string> tenants_;
  std::vector<carereach::v1::CreateNetworkRequest> creates_;
  std::vector<carereach::v1::ImportNetworkHeader> import_headers_;
  std::vector<int> batch_sizes_;
  std::vector<NetworkProvider> imported_;
  std::vector<std::string> page_tokens_;
  std::vector<carereach::v1::ExportNetworkRequest> exports_;
  std::vector<NetworkProvider> export_rows_;
  int64_t export_claimed_rows_ = 0;
};

class NetworkCommandTest : public FakeServerTest<FakeNetworkService> {
 protected:
  void SetUp() override {
    FakeServerTest::SetUp();
    hospitals_ = WriteTempFile("network_hospitals.csv", kHospitals);
  }
  std::string hospitals_;
};

TEST_F(NetworkCommandTest, ImportStreamsBatchesWithTheTenant) {
  std::string text = "npi,specialty_code,lat,lon\n";
  for (int i = 0; i < 12001; ++i) absl::StrAppend(&text, i, ",S03,42.2,-83.1\n");
  const std::string roster = WriteTempFile("network_big.csv", text);
  ASSERT_EQ(Run({"network", "import", "mercy", "--roster", roster, "--note", "Q3 roster",
                 "--tenant", "acme"}),
            kExitOk)
      << err_.str();
  ASSERT_EQ(service_.import_headers_.size(), 1u);
  const carereach::v1::ImportNetworkHeader& header = service_.import_headers_[0];
  EXPECT_EQ(header.network_id(), "mercy");
  EXPECT_EQ(header.note(), "Q3 roster");
  EXPECT_FALSE(header.create_if_missing());
  EXPECT_THAT(service_.batch_sizes_, ElementsAre(5000, 5000, 2001));
  ASSERT_EQ(service_.imported_.size(), 12001u);
  EXPECT_EQ(service_.imported_[12000].id(), "12000");
  EXPECT_THAT(service_.tenants_, ElementsAre("acme"));
  EXPECT_THAT(err_.str(), HasSubstr("roster: kept 12001 of 12001 rows of network_big.csv\n"));
  EXPECT_THAT(out_.str(),
              AllOf(HasSubstr("network       mercy\n"), HasSubstr("version       4\n"),
                    HasSubstr("rows          12,001\n"), HasSubstr("content hash  9f3a51c0\n")));
}

TEST_F(NetworkCommandTest, CreateFromAFacilityFileWithTheDefaultTenant) {
  unsetenv("CAREREACH_TENANT");
  ASSERT_EQ(Run({"network", "create", "mercy", "--name", "Mercy Health", "--facilities", hospitals_,
                 "--where", "NAME~MERCY HEALTH|ST JOSEPH MERCY", "--where", "STATE=MI"}),
            kExitOk)
      << err_.str();
  ASSERT_EQ(service_.creates_.size(), 1u);
  const carereach::v1::CreateNetworkRequest& request = service_.creates_[0];
  EXPECT_EQ(request.network_id(), "mercy");
  EXPECT_EQ(request.name(), "Mercy Health");
  ASSERT_EQ(request.providers_size(), 3);  // Muskegon, Chelsea, Saint Mary's (closed, kept)
  EXPECT_EQ(request.providers(0).specialty_code(), "040");
  EXPECT_EQ(request.providers(1).beds(), 133);
  EXPECT_THAT(service_.tenants_, ElementsAre("default"));
  EXPECT_THAT(out_.str(), HasSubstr("version  version 1: 3 rows, content hash c0ffee\n"));

  // The tenant comes from $CAREREACH_TENANT when set.
  setenv("CAREREACH_TENANT", "from-env", 1);
  ASSERT_EQ(Run({"network", "create", "empty"}), kExitOk) << err_.str();
  unsetenv("CAREREACH_TENANT");
  EXPECT_THAT(service_.tenants_, ElementsAre("default", "from-env"));
  EXPECT_EQ(service_.creates_[1].providers_size(), 0);
  EXPECT_THAT(out_.str(), HasSubstr("none yet"));
}

TEST_F(NetworkCommandTest, ServerErrorsNameTheCsvLineOfTheRow) {
  service_.set_error(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                  "providers[1].location.lat: 91 is outside [-90, 90]"));
  EXPECT_EQ(Run({"network", "import", "mercy", "--facilities", hospitals_, "--where", "STATE=MI",
                 "--specialty-code", "041"}),
            kExitError);
  // providers[1] is the second Michigan row: file line 3.
  EXPECT_THAT(err_.str(), HasSubstr("error: INVALID_ARGUMENT: providers[1].location.lat: 91 is "
                                    "outside [-90, 90] (network_hospitals.csv line 3)\n"));
  EXPECT_EQ(out_.str(), "");

  // A bad row fails before any call.
  const size_t calls = service_.tenants_.size();
  EXPECT_EQ(Run({"network", "import", "mercy", "--facilities", hospitals_}), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("network_hospitals.csv:5: column BEDS: 'x' is not a number"));
  EXPECT_EQ(service_.tenants_.size(), calls);
}

TEST_F(NetworkCommandTest, ListFollowsPageTokensToTheEnd) {
  ASSERT_EQ(Run({"network", "list"}), kExitOk) << err_.str();
  EXPECT_THAT(service_.page_tokens_, ElementsAre("", "page-2"));
  const std::vector<std::string> lines = Lines(out_.str());
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "id         name            latest  versions  rows  created  description");
  EXPECT_THAT(lines[1], StartsWith("ascension                       3         3    27"));
  EXPECT_THAT(lines[2], StartsWith("trinity    Trinity Health       -         0     0"));
  EXPECT_EQ(lines[3], "2 networks");

  ASSERT_EQ(Run({"network", "list", "--format", "json"}), kExitOk) << err_.str();
  nlohmann::json json = nlohmann::json::parse(out_.str());
  ASSERT_EQ(json["networks"].size(), 2u);
  EXPECT_EQ(json["networks"][1]["name"], "Trinity Health");
  EXPECT_EQ(json["next_page_token"], "");
}

TEST_F(NetworkCommandTest, ExportWritesACsvTheRosterReaderReadsBack) {
  const std::vector<NetworkProvider> rows = TrickyProviders();
  service_.set_export(rows, static_cast<int64_t>(rows.size()));
  const std::string out = ::testing::TempDir() + "network_export.csv";
  std::remove(out.c_str());
  ASSERT_EQ(Run({"network", "export", "mercy", "--version", "2", "--out", out}), kExitOk)
      << err_.str();
  ASSERT_EQ(service_.exports_.size(), 1u);
  EXPECT_EQ(service_.exports_[0].version(), 2);
  EXPECT_EQ(out_.str(), "wrote 3 rows of network mercy version 2 to " + out + "\n");
  EXPECT_FALSE(std::filesystem::exists(out + ".partial"));
  absl::StatusOr<Roster> roster = ReadRosterCsv(out, {}, {}, "");
  ASSERT_TRUE(roster.ok()) << roster.status();
  ASSERT_EQ(roster->providers.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(roster->providers[i], rows[i]))
        << i;
  }

  // Without --out: the CSV on stdout, the summary on stderr.
  ASSERT_EQ(Run({"network", "export", "mercy"}), kExitOk) << err_.str();
  EXPECT_EQ(out_.str(), ExportCsv(rows));
  EXPECT_EQ(err_.str(), "export: 3 rows of network mercy version 3\n");

  // A stream that ends early is an error, and leaves no file.
  service_.set_export(rows, 5);
  std::remove(out.c_str());
  EXPECT_EQ(Run({"network", "export", "mercy", "--out", out}), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("error: export: the stream ended after 3 of 5 rows\n"));
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out + ".partial"));
}

TEST_F(NetworkCommandTest, ReportShowPrintsTheResultAndNotFoundExitsOne) {
  ASSERT_EQ(Run({"report", "show", "rpt_1"}), kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), AllOf(StartsWith("report  rpt_1\nkind    coverage\n"),
                                HasSubstr("alliance of 2 members")));
  ASSERT_EQ(Run({"report", "show", "rpt_1", "--format", "json"}), kExitOk) << err_.str();
  nlohmann::json json = nlohmann::json::parse(out_.str());
  EXPECT_EQ(json["result"]["region"], "michigan");
  EXPECT_TRUE(json["request"].is_null());
  EXPECT_EQ(Run({"report", "show", "rpt_x"}), kExitError);
  EXPECT_EQ(err_.str(), "error: NOT_FOUND: report 'rpt_x' not found\n");
}

class FakeContractingService final : public carereach::v1::ContractingService::Service {
 public:
  grpc::Status AnalyzeCoverage(grpc::ServerContext* context,
                               const carereach::v1::AnalyzeCoverageRequest* request,
                               carereach::v1::AnalyzeCoverageResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    tenants_.push_back(TenantOf(context));
    coverage_.push_back(*request);
    if (!error_.ok()) return error_;
    *response = AllianceCoverage();
    return grpc::Status::OK;
  }

  grpc::Status AnalyzeAdequacy(
      grpc::ServerContext* context, const carereach::v1::AnalyzeAdequacyRequest* request,
      grpc::ServerWriter<carereach::v1::AnalyzeAdequacyResponse>* writer) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      tenants_.push_back(TenantOf(context));
      adequacy_.push_back(*request);
    }
    const carereach::v1::AdequacyReport report = AllianceAdequacy();
    carereach::v1::AnalyzeAdequacyResponse part;
    for (const auto& result : report.results()) {
      *part.mutable_result() = result;
      writer->Write(part);
    }
    if (send_summary_) {
      *part.mutable_summary() = report.summary();
      writer->Write(part);
    }
    return grpc::Status::OK;
  }

  grpc::Status RecommendAdditions(grpc::ServerContext* context,
                                  const carereach::v1::RecommendAdditionsRequest* request,
                                  carereach::v1::RecommendAdditionsResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    tenants_.push_back(TenantOf(context));
    recommend_.push_back(*request);
    if (!error_.ok()) return error_;
    *response = CoverageRecommendation();
    return grpc::Status::OK;
  }

  grpc::Status ComputeAccessRatios(grpc::ServerContext* context,
                                   const carereach::v1::ComputeAccessRatiosRequest* request,
                                   carereach::v1::ComputeAccessRatiosResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    tenants_.push_back(TenantOf(context));
    access_.push_back(*request);
    if (!error_.ok()) return error_;
    response->set_region(request->region());
    response->set_catchment_minutes(request->catchment_minutes());
    if (request->include_units()) {
      for (const char* id : {"26163500100", "26163500200"}) {
        carereach::v1::UnitAccess* unit = response->add_units();
        unit->set_unit_id(id);
        unit->set_county_fips("26163");
        unit->set_population(1000);
        unit->set_access_per_1000(1.5);
      }
    }
    response->set_report_id(request->save_report() ? "rpt_3" : "");
    return grpc::Status::OK;
  }

  std::mutex mu_;
  grpc::Status error_ = grpc::Status::OK;
  bool send_summary_ = true;
  std::vector<std::string> tenants_;
  std::vector<carereach::v1::AnalyzeCoverageRequest> coverage_;
  std::vector<carereach::v1::AnalyzeAdequacyRequest> adequacy_;
  std::vector<carereach::v1::RecommendAdditionsRequest> recommend_;
  std::vector<carereach::v1::ComputeAccessRatiosRequest> access_;
};

class AnalysisCommandTest : public FakeServerTest<FakeContractingService> {
 protected:
  void SetUp() override {
    FakeServerTest::SetUp();
    hospitals_ = WriteTempFile("analysis_hospitals.csv", kHospitals);
    add_one_ = WriteTempFile("analysis_add1.csv", "id,specialty_code,lat,lon\nA1,040,42.1,-83.1\n");
    add_two_ = WriteTempFile("analysis_add2.csv",
                             "id,specialty_code,lat,lon\nB1,040,42.2,-83.2\nB2,040,42.3,-83.3\n");
  }
  std::string hospitals_, add_one_, add_two_;
};

TEST_F(AnalysisCommandTest, AnalyzeCoverageSendsEverySelectionWithTheTenant) {
  ASSERT_EQ(Run({"analyze",
                 "coverage",
                 "--region",
                 "michigan",
                 "--tenant",
                 "acme",
                 "--network",
                 "ascension@3",
                 "--label",
                 "Ascension",
                 "--remove",
                 "a1,a2",
                 "--network",
                 "trinity",
                 "--add-roster",
                 add_one_,
                 "--add-roster",
                 add_two_,
                 "--facilities",
                 hospitals_,
                 "--where",
                 "NAME~WYANDOTTE",
                 "--minutes",
                 "20",
                 "--miles",
                 "10",
                 "--specialties",
                 "040",
                 "--save-report",
                 "--title",
                 "Q3",
                 "--mode",
                 "drive",
                 "--max-snap-meters",
                 "500"}),
            kExitOk)
      << err_.str();
  ASSERT_EQ(service_.coverage_.size(), 1u);
  const carereach::v1::AnalyzeCoverageRequest& request = service_.coverage_[0];
  EXPECT_EQ(request.region(), "michigan");
  ASSERT_EQ(request.networks_size(), 3);
  EXPECT_EQ(request.networks(0).network_id(), "ascension");
  EXPECT_EQ(request.networks(0).version(), 3);
  EXPECT_EQ(request.networks(0).label(), "Ascension");
  EXPECT_THAT(request.networks(0).remove_provider_ids(), ElementsAre("a1", "a2"));
  EXPECT_EQ(request.networks(1).network_id(), "trinity");
  ASSERT_EQ(request.networks(1).add_providers_size(), 3);  // both files, in order
  EXPECT_EQ(request.networks(1).add_providers(2).id(), "B2");
  EXPECT_EQ(request.networks(2).network_id(), "");
  EXPECT_EQ(request.networks(2).label(), "analysis_hospitals.csv");
  ASSERT_EQ(request.networks(2).providers_size(), 1);
  EXPECT_EQ(request.networks(2).providers(0).id(), "0003");
  EXPECT_EQ(request.networks(2).providers(0).specialty_code(), "040");
  EXPECT_THAT(request.max_minutes(), ElementsAre(20));
  EXPECT_THAT(request.max_miles(), ElementsAre(10));
  EXPECT_THAT(request.specialty_codes(), ElementsAre("040"));
  EXPECT_EQ(request.mode(), carereach::v1::TRAVEL_MODE_DRIVE);
  EXPECT_EQ(request.drive().max_snap_meters(), 500);
  EXPECT_TRUE(request.save_report());
  EXPECT_EQ(request.report_title(), "Q3");
  EXPECT_THAT(service_.tenants_, ElementsAre("acme"));
  EXPECT_THAT(err_.str(), AllOf(HasSubstr("add-roster: kept 2 of 2 rows of analysis_add2.csv\n"),
                                HasSubstr("facilities: kept 1 of 6 rows of analysis_hospitals.csv "
                                          "(NAME~WYANDOTTE)"),
                                HasSubstr("report: saved as rpt_9f3a51c07be24d11")));
  EXPECT_THAT(out_.str(), HasSubstr("alliance of 2 members"));

  ASSERT_EQ(Run({"analyze", "coverage", "--region", "michigan", "--network", "a", "--network", "b",
                 "--minutes", "20", "--format", "csv"}),
            kExitOk);
  EXPECT_THAT(out_.str(), StartsWith("scope,label,fips,name,threshold_kind"));
}

TEST_F(AnalysisCommandTest, ServerErrorsNameTheFileAndLineOfAddedRows) {
  service_.error_ = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 "networks[1].add_providers[2].location.lat: 91 is outside "
                                 "[-90, 90]; networks[1].add_providers[0] duplicates it");
  EXPECT_EQ(
      Run({"analyze", "coverage", "--region", "michigan", "--network", "ascension", "--network",
           "trinity", "--add-roster", add_one_, "--add-roster", add_two_, "--minutes", "20"}),
      kExitError);
  // add_providers[2] is the second row of the second file (line 3); [0] the first file's.
  EXPECT_THAT(err_.str(),
              HasSubstr("error: INVALID_ARGUMENT: networks[1].add_providers[2].location.lat: 91 "
                        "is outside [-90, 90]; networks[1].add_providers[0] duplicates it "
                        "(analysis_add2.csv line 3; networks[1].add_providers[0] is "
                        "analysis_add1.csv line 2)\n"));

  service_.error_ =
      grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "candidates.providers[1].id: empty");
  EXPECT_EQ(Run({"recommend", "--region", "michigan", "--candidates-roster", add_two_, "--minutes",
                 "20"}),
            kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("candidates.providers[1].id: empty (analysis_add2.csv line "
                                    "3)\n"));

  service_.error_ = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 "network.providers[0].location.lon: 200 is outside");
  EXPECT_EQ(Run({"access-ratios", "--region", "michigan", "--roster", add_one_,
                 "--catchment-minutes", "30"}),
            kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("(analysis_add1.csv line 2)\n"));

  service_.error_ = grpc::Status(grpc::StatusCode::NOT_FOUND, "networks[0]: network 'x' not found");
  EXPECT_EQ(
      Run({"analyze", "coverage", "--region", "michigan", "--network", "x", "--minutes", "20"}),
      kExitError);
  EXPECT_EQ(err_.str(), "error: NOT_FOUND: networks[0]: network 'x' not found\n");
}

TEST_F(AnalysisCommandTest, AnalyzeAdequacyCollectsTheStream) {
  ASSERT_EQ(
      Run({"analyze", "adequacy", "--region", "michigan", "--network", "ascension", "--network",
           "trinity", "--counties", "26163,26125", "--specialties", "40", "--failing-only"}),
      kExitOk)
      << err_.str();
  ASSERT_EQ(service_.adequacy_.size(), 1u);
  EXPECT_THAT(service_.adequacy_[0].county_fips(), ElementsAre("26163", "26125"));
  EXPECT_THAT(service_.adequacy_[0].specialty_codes(), ElementsAre("040"));
  EXPECT_EQ(service_.adequacy_[0].networks_size(), 2);
  EXPECT_THAT(out_.str(), AllOf(HasSubstr("26163  Wayne County"), Not(HasSubstr("26125  Oakland")),
                                HasSubstr("critical members")));

  ASSERT_EQ(
      Run({"analyze", "adequacy", "--region", "michigan", "--network", "a", "--format", "json"}),
      kExitOk);
  nlohmann::json json = nlohmann::json::parse(out_.str());
  ASSERT_EQ(json["results"].size(), 2u);
  EXPECT_EQ(json["results"][0]["result"]["pass"], false);  // failing first
  EXPECT_EQ(json["results"][1]["critical_members"][0], "trinity");
  EXPECT_EQ(json["summary"]["report_id"], "rpt_2");

  service_.send_summary_ = false;
  EXPECT_EQ(Run({"analyze", "adequacy", "--region", "michigan", "--network", "a"}), kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("the stream ended after 2 results without a summary"));
}

TEST_F(AnalysisCommandTest, RecommendSendsTheObjectiveAndTheCandidates) {
  ASSERT_EQ(
      Run({"recommend", "--region", "michigan", "--network", "mercy@2", "--candidates-facilities",
           hospitals_, "--candidates-where", "STATE=MI", "--minutes", "20", "--target-share", "0.8",
           "--counties", "26163", "--picks", "3", "--specialties", "040"}),
      kExitOk)
      << err_.str();
  ASSERT_EQ(service_.recommend_.size(), 1u);
  const carereach::v1::RecommendAdditionsRequest& request = service_.recommend_[0];
  ASSERT_TRUE(request.has_coverage());
  EXPECT_EQ(request.coverage().max_minutes(), 20);
  EXPECT_EQ(request.coverage().max_miles(), 0);
  EXPECT_EQ(request.coverage().target_share(), 0.8);
  EXPECT_THAT(request.coverage().county_fips(), ElementsAre("26163"));
  EXPECT_THAT(request.coverage().specialty_codes(), ElementsAre("040"));
  EXPECT_EQ(request.max_picks(), 3);
  EXPECT_EQ(request.candidates().providers_size(), 5);  // Michigan rows
  EXPECT_EQ(request.candidates().label(), "analysis_hospitals.csv");
  EXPECT_EQ(request.networks(0).network_id(), "mercy");
  EXPECT_THAT(err_.str(), HasSubstr("candidates: kept 5 of 6 rows"));
  EXPECT_THAT(out_.str(), AllOf(HasSubstr("target       80.0%: met\n"),
                                HasSubstr("   1  H1  HENRY FORD WYANDOTTE")));

  ASSERT_EQ(Run({"recommend", "--region", "michigan", "--candidates", "pool@4", "--adequacy-county",
                 "26163", "--adequacy-specialty", "040"}),
            kExitOk)
      << err_.str();
  const carereach::v1::RecommendAdditionsRequest& adequacy = service_.recommend_[1];
  ASSERT_TRUE(adequacy.has_adequacy());
  EXPECT_EQ(adequacy.adequacy().county_fips(), "26163");
  EXPECT_EQ(adequacy.candidates().network_id(), "pool");
  EXPECT_EQ(adequacy.candidates().version(), 4);
  EXPECT_EQ(adequacy.networks_size(), 0);
}

TEST_F(AnalysisCommandTest, AccessRatiosWritesUnitsOut) {
  const std::string units = ::testing::TempDir() + "analysis_units.csv";
  std::remove(units.c_str());
  ASSERT_EQ(Run({"access-ratios", "--region", "michigan", "--network", "mercy", "--add-facilities",
                 hospitals_, "--add-where", "NAME~WYANDOTTE", "--catchment-minutes", "30",
                 "--capacity-from-beds", "--units-out", units, "--save-report"}),
            kExitOk)
      << err_.str();
  ASSERT_EQ(service_.access_.size(), 1u);
  const carereach::v1::ComputeAccessRatiosRequest& request = service_.access_[0];
  EXPECT_EQ(request.network().network_id(), "mercy");
  ASSERT_EQ(request.network().add_providers_size(), 1);
  EXPECT_EQ(request.network().add_providers(0).id(), "0003");
  EXPECT_EQ(request.catchment_minutes(), 30);
  EXPECT_TRUE(request.capacity_from_beds());
  EXPECT_TRUE(request.include_units());
  EXPECT_TRUE(request.save_report());
  EXPECT_EQ(ReadFile(units),
            "unit_id,county_fips,population,access_per_1000\n"
            "26163500100,26163,1000,1.500000\n26163500200,26163,1000,1.500000\n");
  EXPECT_THAT(err_.str(), AllOf(HasSubstr("add-facilities: kept 1 of 6 rows"),
                                HasSubstr("units: wrote 2 rows to " + units),
                                HasSubstr("report: saved as rpt_3")));
  EXPECT_THAT(out_.str(), HasSubstr("catchment    30 min\n"));
}

}  // namespace
}  // namespace carereach::cli
