// Output of NetworkService answers: diffs and reports (contracting_output.h, network_output.cc).

#include "tests/clients/fixtures.h"

namespace carereach::cli {
namespace {

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
  EXPECT_EQ(csv[0],
            "change,id,name,specialty_code,lon,lat,beds,telehealth,type,exclusion,ssa_county_code,"
            "contract_type,street_address,city,state,zip_code,medical_group");
  EXPECT_EQ(csv[1], "added,1234567893,,S03,-83.0000001,0.30000000000000004,0,false,,,,,,,,,");
  EXPECT_THAT(DiffCsv(diff), HasSubstr("\nchanged_from,0001336420,"));
  EXPECT_THAT(DiffCsv(diff),
              HasSubstr(",250.5,true,GENERAL ACUTE CARE,,,,,,,,\nchanged_to,0001336420,"));
  EXPECT_THAT(DiffCsv(diff), HasSubstr(",300,true,GENERAL ACUTE CARE,,,,,,,,\n"));
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

}  // namespace
}  // namespace carereach::cli
