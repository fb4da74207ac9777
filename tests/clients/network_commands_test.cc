// network and report commands against an in-process fake NetworkService (network_commands.cc).

#include "clients/cli/network_commands.h"

#include "tests/clients/fake_services.h"
#include "tests/clients/fixtures.h"

namespace carereach::cli {
namespace {

// ---------------------------------------------------------------------------------------------
// Commands against in-process fakes of NetworkService and ContractingService

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

// CMS's HSD tables in (Provider rows first, then Facility rows) and out again (docs/CMS.md
// section 15); a server error names the file and line of the row, across both tables.
TEST_F(NetworkCommandTest, ImportsAndExportsTheHsdTables) {
  const std::string fixtures = std::string(CAREREACH_SOURCE_DIR) + "/tests/fixtures/hsd/";
  ASSERT_EQ(Run({"network", "import", "mercy", "--hsd-providers", fixtures + "providers.csv",
                 "--hsd-facilities", fixtures + "facilities.csv"}),
            kExitOk)
      << err_.str();
  ASSERT_EQ(service_.imported_.size(), 9u);
  EXPECT_EQ(service_.imported_[0].specialty_code(), "003");
  EXPECT_EQ(service_.imported_[0].hsd().medical_group(), "Queen's Physician Group");
  EXPECT_EQ(service_.imported_[4].specialty_code(), "040");
  EXPECT_EQ(service_.imported_[4].hsd().contract_type(), "D");

  service_.set_export(service_.imported_, 9);
  const std::string out = TestTempDir() + "hsd_out_";
  ASSERT_EQ(Run({"network", "export", "mercy", "--hsd-providers", out + "p.csv", "--hsd-facilities",
                 out + "f.csv"}),
            kExitOk)
      << err_.str();
  EXPECT_EQ(out_.str(), "wrote 9 rows of network mercy version 3: 4 to " + out +
                            "p.csv (HSD Provider table), 5 to " + out +
                            "f.csv (HSD Facility table)\n");
  EXPECT_EQ(ReadFile(out + "p.csv"), ReadFile(fixtures + "providers.csv"));
  EXPECT_EQ(ReadFile(out + "f.csv"), ReadFile(fixtures + "facilities.csv"));

  service_.set_error(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                  "providers[6].hsd.ssa_county_code: 'x' is not 5 digits"));
  EXPECT_EQ(Run({"network", "import", "mercy", "--hsd-providers", fixtures + "providers.csv",
                 "--hsd-facilities", fixtures + "facilities.csv"}),
            kExitError);
  EXPECT_THAT(err_.str(), HasSubstr("(facilities.csv line 4)\n"));

  // The tables go together on export, and replace the other roster flags.
  EXPECT_EQ(Run({"network", "export", "mercy", "--hsd-providers", out + "p.csv"}), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("give both --hsd-providers FILE and --hsd-facilities FILE"));
  EXPECT_EQ(Run({"network", "import", "mercy", "--roster", fixtures + "providers.csv",
                 "--hsd-facilities", fixtures + "facilities.csv"}),
            kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("give one roster"));
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
  const std::string out = TestTempDir() + "network_export.csv";
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

}  // namespace
}  // namespace carereach::cli
