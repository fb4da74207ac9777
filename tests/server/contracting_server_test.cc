// NetworkService and ContractingService through a real in-process gRPC server with a real
// SQLite store in a temporary directory, on the equator fixture (tests/fixtures/server): units at
// 0.1, 0.5, 1 and 2 degrees east of (0, 0) with 1000, 2000, 4000 and 0 residents.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "carereach/v1/access.grpc.pb.h"
#include "carereach/v1/adequacy.grpc.pb.h"
#include "carereach/v1/contracting.grpc.pb.h"
#include "carereach/v1/networks.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "server/server.h"
#include "tests/server/equator_server.h"

namespace carereach {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;

using testing_util::Hospital;

class ContractingServerTest : public testing::Test {
 protected:
  void SetUp() override {
    state_dir_ = testing::TempDir() + "/contracting" + std::to_string(getpid()) + "_" +
                 testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(state_dir_);
    Start();
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(state_dir_);
  }

  void Start() {
    Server::Options o = testing_util::EquatorServerOptions();
    o.state_dir = state_dir_;
    server_ = testing_util::StartServer(o);
    ASSERT_NE(server_, nullptr);
    auto channel = testing_util::LoopbackChannel(*server_);
    networks_ = v1::NetworkService::NewStub(channel);
    contracting_ = v1::ContractingService::NewStub(channel);
    access_ = v1::AccessService::NewStub(channel);
    adequacy_ = v1::AdequacyService::NewStub(channel);
  }

  // Streams AnalyzeAdequacy and returns its results, or the status.
  grpc::Status Adequacy(const v1::AnalyzeAdequacyRequest& request,
                        std::vector<v1::AllianceAdequacyResult>* results,
                        v1::AnalyzeAdequacySummary* summary) {
    auto ctx = Ctx();
    auto reader = contracting_->AnalyzeAdequacy(ctx.get(), request);
    v1::AnalyzeAdequacyResponse part;
    while (reader->Read(&part)) {
      if (part.has_result()) results->push_back(part.result());
      if (part.has_summary()) *summary = part.summary();
    }
    return reader->Finish();
  }

  // A client context for `tenant` (empty: no tenant metadata).
  static std::unique_ptr<grpc::ClientContext> Ctx(const std::string& tenant = "acme") {
    auto c = std::make_unique<grpc::ClientContext>();
    if (!tenant.empty()) c->AddMetadata("x-carereach-tenant", tenant);
    c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return c;
  }

  grpc::Status Create(const std::string& id, const std::vector<v1::NetworkProvider>& rows,
                      const std::string& tenant = "acme") {
    v1::CreateNetworkRequest request;
    request.set_network_id(id);
    request.set_name("Network " + id);
    for (const auto& r : rows) *request.add_providers() = r;
    v1::CreateNetworkResponse response;
    return networks_->CreateNetwork(Ctx(tenant).get(), request, &response);
  }

  grpc::Status Import(const std::string& id, const std::vector<v1::NetworkProvider>& rows,
                      v1::NetworkVersion* version, const std::string& tenant = "acme") {
    auto ctx = Ctx(tenant);
    auto writer = networks_->ImportNetwork(ctx.get(), version);
    v1::ImportNetworkRequest header;
    header.mutable_header()->set_network_id(id);
    header.mutable_header()->set_note("import");
    EXPECT_TRUE(writer->Write(header));
    // One row per batch, to exercise the stream.
    for (const auto& r : rows) {
      v1::ImportNetworkRequest batch;
      *batch.mutable_providers()->add_providers() = r;
      if (!writer->Write(batch)) break;
    }
    writer->WritesDone();
    return writer->Finish();
  }

  grpc::Status Coverage(const v1::AnalyzeCoverageRequest& request,
                        v1::AnalyzeCoverageResponse* response, const std::string& tenant = "acme") {
    return contracting_->AnalyzeCoverage(Ctx(tenant).get(), request, response);
  }

  static v1::AnalyzeCoverageRequest EquatorMiles(std::vector<std::string> networks) {
    v1::AnalyzeCoverageRequest r;
    r.set_region("equator");
    r.add_max_miles(10);
    r.add_max_miles(40);
    for (const std::string& n : networks) r.add_networks()->set_network_id(n);
    return r;
  }

  std::string state_dir_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<v1::NetworkService::Stub> networks_;
  std::unique_ptr<v1::ContractingService::Stub> contracting_;
  std::unique_ptr<v1::AccessService::Stub> access_;
  std::unique_ptr<v1::AdequacyService::Stub> adequacy_;
};

TEST_F(ContractingServerTest, NetworkVersionsRoundTripThroughTheStore) {
  ASSERT_TRUE(Create("west", {Hospital("a", 0.1)}).ok());
  v1::NetworkVersion v2;
  grpc::Status s = Import("west", {Hospital("a", 0.1), Hospital("b", 1.0)}, &v2);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(v2.version(), 2);
  EXPECT_EQ(v2.provider_count(), 2);

  v1::GetNetworkRequest get;
  get.set_network_id("west");
  v1::GetNetworkResponse network;
  ASSERT_TRUE(networks_->GetNetwork(Ctx().get(), get, &network).ok());
  EXPECT_EQ(network.network().latest_version(), 2);
  ASSERT_EQ(network.versions_size(), 2);
  EXPECT_EQ(network.versions(0).provider_count(), 1);
  EXPECT_NE(network.versions(0).content_hash(), network.versions(1).content_hash());

  // Version 1 is unchanged by the import (versions are immutable).
  v1::ExportNetworkRequest export_request;
  export_request.set_network_id("west");
  export_request.set_version(1);
  auto ctx = Ctx();
  auto reader = networks_->ExportNetwork(ctx.get(), export_request);
  v1::ExportNetworkResponse part;
  std::vector<std::string> ids;
  while (reader->Read(&part)) {
    if (part.has_version()) {
      EXPECT_EQ(part.version().version(), 1);
    }
    for (const auto& p : part.providers().providers()) {
      ids.push_back(p.id());
      EXPECT_EQ(p.specialty_code(), "040");
      EXPECT_DOUBLE_EQ(p.location().lon(), 0.1);
      EXPECT_DOUBLE_EQ(p.beds(), 100);
    }
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_THAT(ids, ElementsAre("a"));

  v1::DiffNetworkVersionsRequest diff_request;
  diff_request.set_network_id("west");
  diff_request.set_from_version(1);
  diff_request.set_to_version(2);
  v1::DiffNetworkVersionsResponse diff;
  ASSERT_TRUE(networks_->DiffNetworkVersions(Ctx().get(), diff_request, &diff).ok());
  ASSERT_EQ(diff.added_size(), 1);
  EXPECT_EQ(diff.added(0).id(), "b");
  EXPECT_EQ(diff.removed_size(), 0);
  EXPECT_EQ(diff.unchanged_count(), 1);

  v1::ListNetworksResponse list;
  ASSERT_TRUE(networks_->ListNetworks(Ctx().get(), {}, &list).ok());
  ASSERT_EQ(list.networks_size(), 1);
  EXPECT_EQ(list.networks(0).network_id(), "west");

  // Survives a restart of the server on the same state directory.
  server_.reset();
  Start();
  v1::GetNetworkResponse again;
  ASSERT_TRUE(networks_->GetNetwork(Ctx().get(), get, &again).ok());
  EXPECT_EQ(again.versions_size(), 2);
  EXPECT_EQ(again.versions(1).content_hash(), network.versions(1).content_hash());
}

TEST_F(ContractingServerTest, AnotherTenantSeesNothing) {
  ASSERT_TRUE(Create("west", {Hospital("a", 0.1)}).ok());
  v1::GetNetworkRequest get;
  get.set_network_id("west");
  v1::GetNetworkResponse network;
  grpc::Status s = networks_->GetNetwork(Ctx("other").get(), get, &network);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(s.error_message(), HasSubstr("west"));

  v1::ListNetworksResponse list;
  ASSERT_TRUE(networks_->ListNetworks(Ctx("other").get(), {}, &list).ok());
  EXPECT_EQ(list.networks_size(), 0);

  // Analyses cannot read it either, and cannot reach its reports.
  v1::AnalyzeCoverageResponse coverage;
  EXPECT_EQ(Coverage(EquatorMiles({"west"}), &coverage, "other").error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::AnalyzeCoverageRequest save = EquatorMiles({"west"});
  save.set_save_report(true);
  ASSERT_TRUE(Coverage(save, &coverage).ok());
  ASSERT_FALSE(coverage.report_id().empty());
  v1::GetReportRequest report_request;
  report_request.set_report_id(coverage.report_id());
  v1::Report report;
  EXPECT_EQ(networks_->GetReport(Ctx("other").get(), report_request, &report).error_code(),
            grpc::StatusCode::NOT_FOUND);
  v1::DeleteNetworkRequest del;
  del.set_network_id("west");
  v1::DeleteNetworkResponse deleted;
  EXPECT_EQ(networks_->DeleteNetwork(Ctx("other").get(), del, &deleted).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // The other tenant may use the same id for its own network.
  EXPECT_TRUE(Create("west", {Hospital("z", 1.0)}, "other").ok());
  ASSERT_TRUE(networks_->GetNetwork(Ctx().get(), get, &network).ok());
  EXPECT_EQ(network.network().latest_provider_count(), 1);
}

TEST_F(ContractingServerTest, TenantMetadataIsRequiredAndChecked) {
  v1::ListNetworksResponse list;
  grpc::Status s = networks_->ListNetworks(Ctx("").get(), {}, &list);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(s.error_message(), HasSubstr("x-carereach-tenant"));
  s = networks_->ListNetworks(Ctx("a b").get(), {}, &list);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ContractingServerTest, BadRosterRowsAreRefusedWithTheirPathAndNothingIsSaved) {
  v1::NetworkProvider bad = Hospital("b", 1.0, 123.4);
  grpc::Status s = Create("west", {Hospital("a", 0.1), bad});
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("providers[1].location.lat"));
  v1::ListNetworksResponse list;
  ASSERT_TRUE(networks_->ListNetworks(Ctx().get(), {}, &list).ok());
  EXPECT_EQ(list.networks_size(), 0);

  ASSERT_TRUE(Create("west", {Hospital("a", 0.1)}).ok());
  v1::NetworkProvider code = Hospital("c", 0.5);
  code.set_specialty_code("999");
  v1::NetworkVersion version;
  s = Import("west", {Hospital("a", 0.1), code}, &version);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("providers[1].specialty_code"));
  v1::GetNetworkRequest get;
  get.set_network_id("west");
  v1::GetNetworkResponse network;
  ASSERT_TRUE(networks_->GetNetwork(Ctx().get(), get, &network).ok());
  EXPECT_EQ(network.network().latest_version(), 1);
}

TEST_F(ContractingServerTest, WhatIfMatchesPlainCoverageOfTheChangedList) {
  ASSERT_TRUE(Create("west", {Hospital("a", 0.1), Hospital("b", 1.0)}).ok());
  v1::AnalyzeCoverageRequest request = EquatorMiles({"west"});
  // Remove b, add c at 0.5 degrees east.
  request.mutable_networks(0)->add_remove_provider_ids("b");
  *request.mutable_networks(0)->add_add_providers() = Hospital("c", 0.5);
  v1::AnalyzeCoverageResponse what_if;
  grpc::Status s = Coverage(request, &what_if);
  ASSERT_TRUE(s.ok()) << s.error_message();

  v1::ComputeCoverageRequest plain;
  plain.set_region("equator");
  plain.add_max_miles(10);
  plain.add_max_miles(40);
  for (auto [id, lon] : {std::pair{"a", 0.1}, std::pair{"c", 0.5}}) {
    v1::Facility* f = plain.add_facilities();
    f->set_id(id);
    f->mutable_location()->set_lon(lon);
    f->mutable_location()->set_lat(0);
  }
  v1::ComputeCoverageResponse expected;
  auto ctx = Ctx();
  ASSERT_TRUE(access_->ComputeCoverage(ctx.get(), plain, &expected).ok());
  ASSERT_EQ(what_if.results_size(), 2);
  for (int k = 0; k < 2; ++k) {
    EXPECT_EQ(what_if.results(k).covered_population(), expected.results(k).covered_population());
  }
  // Hand check: a covers 0.1 (1000) within 10 miles; c at 0.5 covers 2000; 4000 at 1.0 is 34.6
  // miles from c, so within 40 only.
  EXPECT_EQ(what_if.results(0).covered_population(), 3000);
  EXPECT_EQ(what_if.results(1).covered_population(), 7000);
  ASSERT_EQ(what_if.networks_size(), 1);
  EXPECT_EQ(what_if.networks(0).removed_rows(), 1);
  EXPECT_EQ(what_if.networks(0).added_rows(), 1);
  // Nothing was saved.
  v1::GetNetworkRequest get;
  get.set_network_id("west");
  v1::GetNetworkResponse network;
  ASSERT_TRUE(networks_->GetNetwork(Ctx().get(), get, &network).ok());
  EXPECT_EQ(network.network().latest_version(), 1);

  // The request's own fields are named by their paths in this request.
  v1::AnalyzeCoverageRequest bad = EquatorMiles({"west"});
  bad.add_max_minutes(-5);
  s = Coverage(bad, &what_if);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), testing::StartsWith("max_minutes[0]"));
  v1::AnalyzeAdequacyRequest bad_county;
  bad_county.set_region("equator");
  bad_county.add_networks()->set_network_id("west");
  bad_county.add_county_fips("99999");
  std::vector<v1::AllianceAdequacyResult> rows;
  v1::AnalyzeAdequacySummary summary;
  s = Adequacy(bad_county, &rows, &summary);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), testing::StartsWith("county_fips[0]"));

  request.mutable_networks(0)->add_remove_provider_ids("nope");
  s = Coverage(request, &what_if);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("networks[0].remove_provider_ids[1]"));
}

TEST_F(ContractingServerTest, AllianceReportsEachMembersContributionAndSavesTheReport) {
  ASSERT_TRUE(Create("west", {Hospital("a", 0.1)}).ok());
  ASSERT_TRUE(Create("east", {Hospital("b", 1.0)}).ok());
  v1::AnalyzeCoverageRequest request = EquatorMiles({"west", "east"});
  request.set_save_report(true);
  request.set_report_title("west + east");
  v1::AnalyzeCoverageResponse alliance;
  grpc::Status s = Coverage(request, &alliance);
  ASSERT_TRUE(s.ok()) << s.error_message();
  // 10 miles: a covers 1000 (0.1), b covers 4000 (1.0); 0.5 is 27.7 miles from a, 34.6 from b.
  // 40 miles: a covers 1000 + 2000, b covers 2000 + 4000 (and the empty unit at 2.0).
  ASSERT_EQ(alliance.results_size(), 2);
  EXPECT_EQ(alliance.results(0).covered_population(), 5000);
  EXPECT_EQ(alliance.results(1).covered_population(), 7000);
  ASSERT_EQ(alliance.members_size(), 2);
  const v1::MemberCoverage& west = alliance.members(0);
  EXPECT_EQ(west.label(), "west");
  EXPECT_EQ(west.alone(0).covered_population(), 1000);
  EXPECT_EQ(west.alone(1).covered_population(), 3000);
  EXPECT_THAT(west.loss_if_leaves(), ElementsAre(1000, 1000));
  EXPECT_THAT(west.gain_by_joining(), ElementsAre(4000, 4000));
  const v1::MemberCoverage& east = alliance.members(1);
  EXPECT_THAT(east.loss_if_leaves(), ElementsAre(4000, 4000));
  EXPECT_THAT(east.gain_by_joining(), ElementsAre(1000, 1000));
  // Fair shares: within 40 miles both cover the unit at 0.5 (2000), which they split.
  EXPECT_THAT(west.fair_share_population(), ElementsAre(1000, 1000 + 1000));
  EXPECT_THAT(east.fair_share_population(), ElementsAre(4000, 1000 + 4000));

  ASSERT_FALSE(alliance.report_id().empty());
  v1::ListReportsRequest list_request;
  list_request.set_network_id("east");
  v1::ListReportsResponse list;
  ASSERT_TRUE(networks_->ListReports(Ctx().get(), list_request, &list).ok());
  ASSERT_EQ(list.reports_size(), 1);
  EXPECT_EQ(list.reports(0).report_id(), alliance.report_id());
  EXPECT_EQ(list.reports(0).kind(), "coverage");
  EXPECT_EQ(list.reports(0).networks_size(), 2);

  v1::GetReportRequest get;
  get.set_report_id(alliance.report_id());
  v1::Report report;
  ASSERT_TRUE(networks_->GetReport(Ctx().get(), get, &report).ok());
  EXPECT_EQ(report.title(), "west + east");
  EXPECT_EQ(report.region(), "equator");
  v1::AnalyzeCoverageRequest saved_request;
  ASSERT_TRUE(report.request().UnpackTo(&saved_request));
  EXPECT_EQ(saved_request.networks_size(), 2);
  v1::AnalyzeCoverageResponse saved_result;
  ASSERT_TRUE(report.result().UnpackTo(&saved_result));
  EXPECT_EQ(saved_result.results(0).covered_population(), 5000);
  EXPECT_EQ(saved_result.members_size(), 2);
}

TEST_F(ContractingServerTest, DeletedNetworksAreGoneButTheirReportsStay) {
  ASSERT_TRUE(Create("west", {Hospital("a", 0.1)}).ok());
  v1::AnalyzeCoverageRequest request = EquatorMiles({"west"});
  request.set_save_report(true);
  v1::AnalyzeCoverageResponse response;
  ASSERT_TRUE(Coverage(request, &response).ok());
  v1::DeleteNetworkRequest del;
  del.set_network_id("west");
  v1::DeleteNetworkResponse deleted;
  ASSERT_TRUE(networks_->DeleteNetwork(Ctx().get(), del, &deleted).ok());
  v1::GetNetworkRequest get;
  get.set_network_id("west");
  v1::GetNetworkResponse network;
  EXPECT_EQ(networks_->GetNetwork(Ctx().get(), get, &network).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Coverage(EquatorMiles({"west"}), &response).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::GetReportRequest report_request;
  report_request.set_report_id(response.report_id());
  v1::Report report;
  EXPECT_TRUE(networks_->GetReport(Ctx().get(), report_request, &report).ok());
  // The id can be used again.
  EXPECT_TRUE(Create("west", {Hospital("b", 1.0)}).ok());
}

// Acute inpatient hospitals (040) on the fixture standards: West 01001 45 min / 30 mi, East
// 01003 75 / 60; straight-line reach = min(miles, minutes x 35 / 60 / 1.3): 20.2 and 33.7 miles.
TEST_F(ContractingServerTest, AdequacyWhatIfMatchesEvaluateAdequacyOfTheChangedRoster) {
  ASSERT_TRUE(Create("west", {Hospital("a", 0.1)}).ok());
  v1::AnalyzeAdequacyRequest request;
  request.set_region("equator");
  request.add_specialty_codes("040");
  v1::NetworkSelection* n = request.add_networks();
  n->set_network_id("west");
  *n->add_add_providers() = Hospital("c", 0.5);
  std::vector<v1::AllianceAdequacyResult> what_if;
  v1::AnalyzeAdequacySummary summary;
  grpc::Status s = Adequacy(request, &what_if, &summary);
  ASSERT_TRUE(s.ok()) << s.error_message();

  // The same roster through AdequacyService.
  auto ctx = Ctx();
  auto stream = adequacy_->EvaluateAdequacy(ctx.get());
  v1::EvaluateAdequacyRequest header;
  header.mutable_header()->set_region("equator");
  header.mutable_header()->add_specialty_codes("040");
  ASSERT_TRUE(stream->Write(header));
  v1::EvaluateAdequacyRequest batch;
  *batch.mutable_providers()->add_providers() = Hospital("a", 0.1);
  *batch.mutable_providers()->add_providers() = Hospital("c", 0.5);
  ASSERT_TRUE(stream->Write(batch));
  stream->WritesDone();
  std::vector<v1::CountySpecialtyResult> expected;
  v1::EvaluateAdequacyResponse part;
  while (stream->Read(&part)) {
    if (part.has_result()) expected.push_back(part.result());
  }
  ASSERT_TRUE(stream->Finish().ok());
  ASSERT_EQ(what_if.size(), expected.size());
  ASSERT_EQ(what_if.size(), 2u);
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(what_if[i].result().SerializeAsString(), expected[i].SerializeAsString()) << i;
  }
  // West: a covers 0.1 and c covers 0.5, 200 beds: passes; East: 1.0 is 34.6 miles from c.
  EXPECT_TRUE(what_if[0].result().pass());
  EXPECT_FALSE(what_if[1].result().pass());
  EXPECT_EQ(summary.passing_results(), 1);
}

TEST_F(ContractingServerTest, AllianceAdequacyNamesTheCriticalMember) {
  ASSERT_TRUE(Create("west", {Hospital("a", 0.1)}).ok());
  ASSERT_TRUE(Create("east", {Hospital("b", 1.0)}).ok());
  v1::AnalyzeAdequacyRequest request;
  request.set_region("equator");
  request.add_specialty_codes("040");
  request.add_networks()->set_network_id("west");
  request.add_networks()->set_network_id("east");
  request.set_save_report(true);
  std::vector<v1::AllianceAdequacyResult> rows;
  v1::AnalyzeAdequacySummary summary;
  grpc::Status s = Adequacy(request, &rows, &summary);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(rows.size(), 2u);
  // West: a reaches 0.1 only (1,000 of 3,000): fails with or without anyone.
  EXPECT_EQ(rows[0].result().county_fips(), "01001");
  EXPECT_FALSE(rows[0].result().pass());
  EXPECT_TRUE(rows[0].critical_members().empty());
  // East: b at 1.0 serves all of its residents; only east's leaving makes it fail.
  EXPECT_EQ(rows[1].result().county_fips(), "01003");
  EXPECT_TRUE(rows[1].result().pass());
  EXPECT_THAT(rows[1].critical_members(), ElementsAre("east"));
  ASSERT_EQ(rows[1].members_size(), 2);
  EXPECT_FALSE(rows[1].members(0).alone_pass());
  EXPECT_TRUE(rows[1].members(0).without_pass());
  EXPECT_TRUE(rows[1].members(1).alone_pass());
  EXPECT_FALSE(rows[1].members(1).without_pass());
  ASSERT_EQ(summary.members_size(), 2);
  EXPECT_EQ(summary.members(1).critical_results(), 1);
  EXPECT_EQ(summary.passing_results(), 1);

  // The saved report holds every row and the summary.
  ASSERT_FALSE(summary.report_id().empty());
  v1::GetReportRequest get;
  get.set_report_id(summary.report_id());
  v1::Report report;
  ASSERT_TRUE(networks_->GetReport(Ctx().get(), get, &report).ok());
  EXPECT_EQ(report.kind(), "adequacy");
  EXPECT_EQ(report.standards_set(), "test-standards");
  v1::AdequacyReport saved;
  ASSERT_TRUE(report.result().UnpackTo(&saved));
  ASSERT_EQ(saved.results_size(), 2);
  EXPECT_THAT(saved.results(1).critical_members(), ElementsAre("east"));
}

// 42 CFR 422.116(a)(3)(i)(A): a stored network's pediatric hospital is kept with its exclusion,
// listed in the adequacy summary with the reason, and not counted: West (01001, units at 0.1 and
// 0.5, 040 reach 20.2 miles) has a at 0.1 and the children's hospital k at 0.5, so only 1,000 of
// 3,000 residents have access without k.
TEST_F(ContractingServerTest, ExcludedProvidersAreStoredListedAndNeverCounted) {
  v1::NetworkProvider kids = Hospital("k", 0.5);
  kids.set_exclusion("pediatric_hospital");
  ASSERT_TRUE(Create("west", {Hospital("a", 0.1), kids}).ok());
  v1::AnalyzeAdequacyRequest request;
  request.set_region("equator");
  request.add_specialty_codes("040");
  request.add_networks()->set_network_id("west");
  std::vector<v1::AllianceAdequacyResult> rows;
  v1::AnalyzeAdequacySummary summary;
  grpc::Status s = Adequacy(request, &rows, &summary);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_NEAR(rows[0].result().share_with_access(), 1.0 / 3, 1e-9);
  EXPECT_EQ(rows[0].result().providers_serving(), 1);
  ASSERT_EQ(summary.summary().excluded_providers_size(), 1);
  const v1::ExcludedProvider& e = summary.summary().excluded_providers(0);
  EXPECT_EQ(e.id(), "k");
  EXPECT_EQ(e.exclusion(), "pediatric_hospital");
  EXPECT_THAT(e.reason(), HasSubstr("422.116(a)(3)(i)(A)"));

  // The same roster without the exclusion counts k.
  kids.clear_exclusion();
  v1::AnalyzeAdequacyRequest inline_request = request;
  inline_request.clear_networks();
  *inline_request.add_networks()->add_providers() = Hospital("a", 0.1);
  *inline_request.mutable_networks(0)->add_providers() = kids;
  inline_request.mutable_networks(0)->set_label("plain");
  rows.clear();
  ASSERT_TRUE(Adequacy(inline_request, &rows, &summary).ok());
  EXPECT_NEAR(rows[0].result().share_with_access(), 1.0, 1e-9);
  EXPECT_EQ(summary.summary().excluded_providers_size(), 0);

  // An unknown code is INVALID_ARGUMENT with the row.
  kids.set_exclusion("kids");
  v1::CreateNetworkRequest bad;
  bad.set_network_id("bad");
  *bad.add_providers() = kids;
  v1::CreateNetworkResponse response;
  s = networks_->CreateNetwork(Ctx().get(), bad, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("providers[0].exclusion"));
}

// Exception evidence (CMS MA network adequacy guidance, exceptions: whether other providers of
// the type are available within the standard). 040 on the fixture standards, straight-line
// reach 20.2 miles in West (units at lon 0.1 and 0.5), 33.7 in East (1.0, and 2.0 with no
// residents); 1 degree of longitude on the equator is 69.17 miles. Network: a at 0.1. Supply: a
// again (in the network: not supply), s1 at 0.5, s2 at 2.6, and a primary care office (another
// type).
TEST_F(ContractingServerTest, FailingAdequacyResultsCarryExceptionEvidenceFromTheSupply) {
  v1::AnalyzeAdequacyRequest request;
  request.set_region("equator");
  request.add_specialty_codes("040");
  *request.add_networks()->add_providers() = Hospital("a", 0.1);
  request.mutable_networks(0)->set_label("plan");
  v1::NetworkSelection* supply = request.mutable_supply();
  *supply->add_providers() = Hospital("a", 0.1);
  *supply->add_providers() = Hospital("s1", 0.5);
  *supply->add_providers() = Hospital("s2", 2.6);
  v1::NetworkProvider office = Hospital("pc", 1.0);
  office.set_specialty_code("001");
  office.set_beds(0);
  *supply->add_providers() = office;
  std::vector<v1::AllianceAdequacyResult> rows;
  v1::AnalyzeAdequacySummary summary;
  grpc::Status s = Adequacy(request, &rows, &summary);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(rows.size(), 2u);
  // West fails (a reaches 0.1 only, 1,000 of 3,000); s1 stands on the unit at 0.5.
  ASSERT_FALSE(rows[0].result().pass());
  const v1::ExceptionEvidence& west = rows[0].exception_evidence();
  EXPECT_EQ(west.supply_of_type(), 2);
  EXPECT_EQ(west.available_within_standard(), 1);
  EXPECT_EQ(west.verdict(), "1 available, not contracted");
  // s2 is 145 miles from 0.5, beyond 3 x 45 minutes (60.6 miles): not listed.
  ASSERT_EQ(west.nearest_size(), 1);
  EXPECT_EQ(west.nearest(0).provider().id(), "s1");
  EXPECT_TRUE(west.nearest(0).within_standard());
  EXPECT_NEAR(west.nearest(0).miles(), 0, 1e-3);
  // East fails too (a is 62 miles from 1.0); s1 is 34.6 miles from 1.0 and s2 41.5 from 2.0:
  // none within 33.7 miles.
  ASSERT_FALSE(rows[1].result().pass());
  const v1::ExceptionEvidence& east = rows[1].exception_evidence();
  EXPECT_EQ(east.available_within_standard(), 0);
  EXPECT_EQ(east.verdict(), "no provider available within the standard");
  ASSERT_EQ(east.nearest_size(), 2);
  EXPECT_EQ(east.nearest(0).provider().id(), "s1");
  EXPECT_NEAR(east.nearest(0).miles(), 0.5 * 69.17, 0.1);
  EXPECT_NEAR(east.nearest(0).minutes(), 0.5 * 69.17 * 1.3 / 35 * 60, 0.2);
  EXPECT_FALSE(east.nearest(0).within_standard());
  EXPECT_EQ(east.nearest(1).provider().id(), "s2");
  EXPECT_NEAR(east.nearest(1).miles(), 0.6 * 69.17, 0.2);
  EXPECT_FALSE(east.nearest(1).within_standard());

  // At most evidence_providers each.
  request.set_evidence_providers(1);
  rows.clear();
  s = Adequacy(request, &rows, &summary);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].exception_evidence().nearest_size(), 1);
  EXPECT_EQ(rows[1].exception_evidence().nearest(0).provider().id(), "s1");

  // Without a supply: no evidence; evidence_providers alone, or out of range, or a bad supply
  // row is INVALID_ARGUMENT with the field.
  v1::AnalyzeAdequacyRequest plain = request;
  plain.clear_supply();
  plain.clear_evidence_providers();
  rows.clear();
  ASSERT_TRUE(Adequacy(plain, &rows, &summary).ok());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_FALSE(rows[0].has_exception_evidence());
  plain.set_evidence_providers(3);
  s = Adequacy(plain, &rows, &summary);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("evidence_providers"));
  v1::AnalyzeAdequacyRequest too_many = request;
  too_many.set_evidence_providers(101);
  s = Adequacy(too_many, &rows, &summary);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("evidence_providers: 101"));
  v1::AnalyzeAdequacyRequest bad = request;
  bad.mutable_supply()->mutable_providers(2)->set_specialty_code("999");
  s = Adequacy(bad, &rows, &summary);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("supply"));
  EXPECT_THAT(s.error_message(), HasSubstr("[2].specialty_code"));
}

// The Servicing Provider Report (Quest Analytics' name): per roster row, the counties x types it
// serves within both standards (42 CFR 422.116(a)(2)(i)) and whether it counts toward the
// minimum number; excluded rows (42 CFR 422.116(a)(3)(i)) listed as not counted. 040 reach: 20.2
// miles in West (units at 0.1 and 0.5), 33.7 in East (1.0). a at 0.1 serves West; b at 0.75 is
// 17.3 miles from 0.5 and from 1.0: it serves both; k is excluded; n at 5.0 serves none.
TEST_F(ContractingServerTest, ServicingProviderReportListsEveryRowWithTheCountiesItServes) {
  v1::NetworkProvider kids = Hospital("k", 0.5);
  kids.set_exclusion("pediatric_hospital");
  v1::AnalyzeAdequacyRequest request;
  request.set_region("equator");
  request.add_specialty_codes("040");
  v1::NetworkSelection* plan = request.add_networks();
  plan->set_label("plan");
  for (const v1::NetworkProvider& p :
       {Hospital("a", 0.1), kids, Hospital("b", 0.75), Hospital("n", 5.0)}) {
    *plan->add_providers() = p;
  }
  request.set_include_servicing_providers(true);
  request.set_save_report(true);
  std::vector<v1::AllianceAdequacyResult> rows;
  v1::ServicingProviderReport report;
  int servicing_parts = 0;
  bool summary_last = false;
  std::string report_id;
  {
    auto ctx = Ctx();
    auto reader = contracting_->AnalyzeAdequacy(ctx.get(), request);
    v1::AnalyzeAdequacyResponse part;
    while (reader->Read(&part)) {
      summary_last = part.has_summary();
      if (part.has_summary()) report_id = part.summary().report_id();
      if (part.has_result()) rows.push_back(part.result());
      if (part.has_servicing_providers()) {
        ++servicing_parts;
        report = part.servicing_providers();
      }
    }
    grpc::Status s = reader->Finish();
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  EXPECT_EQ(servicing_parts, 1);
  EXPECT_TRUE(summary_last);
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(report.providers_size(), 5);
  const auto& p = report.providers();
  EXPECT_EQ(p[0].provider_id(), "a");
  EXPECT_EQ(p[0].county_fips(), "01001");
  EXPECT_EQ(p[0].specialty_type(), "040");
  EXPECT_NEAR(p[0].share_of_county(), 1.0 / 3, 1e-9);
  EXPECT_NEAR(p[0].beneficiaries_served(), rows[0].result().beneficiaries() / 3.0, 1e-6);
  EXPECT_TRUE(p[0].counts_toward_minimum());
  EXPECT_EQ(p[1].provider_id(), "k");
  EXPECT_EQ(p[1].county_fips(), "");
  EXPECT_FALSE(p[1].counts_toward_minimum());
  EXPECT_EQ(p[1].exclusion(), "pediatric_hospital");
  EXPECT_THAT(p[1].exclusion_reason(), HasSubstr("422.116(a)(3)(i)(A)"));
  EXPECT_EQ(p[2].provider_id(), "b");
  EXPECT_EQ(p[2].county_fips(), "01001");
  EXPECT_NEAR(p[2].share_of_county(), 2.0 / 3, 1e-9);
  EXPECT_TRUE(p[2].counts_toward_minimum());
  EXPECT_EQ(p[3].provider_id(), "b");
  EXPECT_EQ(p[3].county_fips(), "01003");
  EXPECT_GT(p[3].beneficiaries_served(), 0);
  EXPECT_TRUE(p[3].counts_toward_minimum());
  EXPECT_EQ(p[4].provider_id(), "n");
  EXPECT_EQ(p[4].county_fips(), "");
  EXPECT_EQ(p[4].beneficiaries_served(), 0);
  EXPECT_FALSE(p[4].counts_toward_minimum());
  // Per county, the rows counted are the evaluation's providers serving.
  EXPECT_EQ(rows[0].result().providers_serving(), 2);
  EXPECT_EQ(rows[1].result().providers_serving(), 1);

  // The saved report keeps it.
  v1::GetReportRequest get;
  get.set_report_id(report_id);
  v1::Report saved;
  ASSERT_TRUE(networks_->GetReport(Ctx().get(), get, &saved).ok());
  v1::AdequacyReport stored;
  ASSERT_TRUE(saved.result().UnpackTo(&stored));
  EXPECT_EQ(stored.servicing_providers().providers_size(), 5);

  // Without the option: no such part.
  request.clear_include_servicing_providers();
  request.clear_save_report();
  auto ctx = Ctx();
  auto reader = contracting_->AnalyzeAdequacy(ctx.get(), request);
  v1::AnalyzeAdequacyResponse part;
  while (reader->Read(&part)) EXPECT_FALSE(part.has_servicing_providers());
  EXPECT_TRUE(reader->Finish().ok());
}

TEST_F(ContractingServerTest, RecommendsTheCandidateThatCoversMostFirst) {
  ASSERT_TRUE(Create("west", {Hospital("a", 0.1)}).ok());
  v1::RecommendAdditionsRequest request;
  request.set_region("equator");
  request.add_networks()->set_network_id("west");
  v1::NetworkSelection* pool = request.mutable_candidates();
  pool->set_label("pool");
  *pool->add_providers() = Hospital("near", 0.15);  // covers nobody new within 10 miles
  *pool->add_providers() = Hospital("mid", 0.5);    // 2000
  *pool->add_providers() = Hospital("far", 1.0);    // 4000
  *pool->add_providers() = Hospital("a", 0.1);      // already in the network: skipped
  request.mutable_coverage()->set_max_miles(10);
  request.set_max_picks(5);
  v1::RecommendAdditionsResponse response;
  grpc::Status s = contracting_->RecommendAdditions(Ctx().get(), request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(response.total(), 7000);
  EXPECT_EQ(response.base_covered(), 1000);
  ASSERT_EQ(response.picks_size(), 2);  // then nothing adds anyone
  EXPECT_EQ(response.picks(0).provider().id(), "far");
  EXPECT_EQ(response.picks(0).gain(), 4000);
  EXPECT_EQ(response.picks(1).provider().id(), "mid");
  EXPECT_EQ(response.picks(1).covered(), 7000);
  EXPECT_DOUBLE_EQ(response.picks(1).share(), 1.0);
  EXPECT_THAT(response.skipped_candidate_ids(), ElementsAre("a"));
  EXPECT_THAT(response.method(), HasSubstr("1 - 1/e"));

  request.mutable_coverage()->set_target_share(0.5);
  ASSERT_TRUE(contracting_->RecommendAdditions(Ctx().get(), request, &response).ok());
  ASSERT_EQ(response.picks_size(), 1);
  EXPECT_TRUE(response.target_met());
}

TEST_F(ContractingServerTest, AccessRatiosSplitCapacityOverTheCatchment) {
  // Straight-line minutes = miles x 1.3 / 35 x 60: a 30-minute catchment is 13.46 miles.
  v1::ComputeAccessRatiosRequest request;
  request.set_region("equator");
  v1::NetworkSelection* n = request.mutable_network();
  n->set_label("inline");
  *n->add_providers() = Hospital("a", 0.1);
  request.set_catchment_minutes(30);
  request.set_capacity_from_beds(true);
  request.set_include_units(true);
  v1::ComputeAccessRatiosResponse response;
  grpc::Status s = contracting_->ComputeAccessRatios(Ctx("").get(), request, &response);
  ASSERT_TRUE(s.ok()) << s.error_message();
  // Only the unit at 0.1 (1000 residents, 0 miles) is in a's catchment: 100 beds / 1000
  // residents = 100 per 1,000.
  ASSERT_EQ(response.providers_size(), 1);
  EXPECT_EQ(response.providers(0).catchment_population(), 1000);
  EXPECT_DOUBLE_EQ(response.providers(0).ratio_per_1000(), 100.0);
  ASSERT_EQ(response.units_size(), 4);
  EXPECT_DOUBLE_EQ(response.units(0).access_per_1000(), 100.0);
  EXPECT_DOUBLE_EQ(response.units(1).access_per_1000(), 0.0);
  EXPECT_EQ(response.zero_access_population(), 6000);
}

TEST_F(ContractingServerTest, AccessRatiosCatchmentIsWithinTheApiRange) {
  // contracting.proto: catchment_minutes in (0, 240], below the server's 1,440-minute limit.
  v1::ComputeAccessRatiosRequest request;
  request.set_region("equator");
  v1::NetworkSelection* n = request.mutable_network();
  n->set_label("inline");
  *n->add_providers() = Hospital("a", 0.1);
  v1::ComputeAccessRatiosResponse response;
  for (const double minutes : {241.0, 0.0, -1.0, 1440.0}) {
    request.set_catchment_minutes(minutes);
    const grpc::Status s = contracting_->ComputeAccessRatios(Ctx("").get(), request, &response);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << minutes;
    EXPECT_THAT(s.error_message(), HasSubstr("is outside (0, 240]")) << minutes;
  }
  request.set_catchment_minutes(240);
  EXPECT_TRUE(contracting_->ComputeAccessRatios(Ctx("").get(), request, &response).ok());
}

}  // namespace
}  // namespace carereach
