// Parsing of the tenant, network and report commands (network_args.cc).

#include "tests/clients/fixtures.h"

namespace carereach::cli {
namespace {

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

}  // namespace
}  // namespace carereach::cli
