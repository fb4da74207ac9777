// Issue #11, "no call can hurt the service", through a real in-process gRPC server on the equator
// fixture (tests/fixtures/server) with a real store: admission control (global and per-tenant
// limits, slots given back), byte limits on request strings and stored versions, bounded quoting
// of input values in errors, unknown speed profiles, and unparseable request bytes.
#include <google/protobuf/descriptor.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/health_check_service_interface.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "carereach/v1/access.grpc.pb.h"
#include "carereach/v1/adequacy.grpc.pb.h"
#include "carereach/v1/contracting.grpc.pb.h"
#include "carereach/v1/maps.grpc.pb.h"
#include "carereach/v1/networks.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "server/server.h"
#include "tests/server/equator_server.h"

namespace carereach {
namespace {

using testing::HasSubstr;
using testing_util::Hospital;
using testing_util::MakeFacility;

using AdequacyStream =
    grpc::ClientReaderWriter<v1::EvaluateAdequacyRequest, v1::EvaluateAdequacyResponse>;

// A call that stays in flight until the client lets it go: an EvaluateAdequacy stream whose
// header is never sent (the server's handler waits in Read).
struct HeldCall {
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<AdequacyStream> stream;
};

class LimitsServerTest : public testing::Test {
 protected:
  void SetUp() override {
    state_dir_ = testing::TempDir() + "/limits" + std::to_string(getpid()) + "_" +
                 testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(state_dir_);
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(state_dir_);
  }

  static Server::Options Options(int max_calls, int max_per_tenant) {
    Server::Options o = testing_util::EquatorServerOptions();
    o.max_calls_in_flight = max_calls;
    o.max_calls_per_tenant = max_per_tenant;
    return o;
  }

  void Start(Server::Options o) {
    o.state_dir = state_dir_;
    server_ = testing_util::StartServer(o);
    ASSERT_NE(server_, nullptr);
    channel_ = testing_util::LoopbackChannel(*server_);
    access_ = v1::AccessService::NewStub(channel_);
    adequacy_ = v1::AdequacyService::NewStub(channel_);
    networks_ = v1::NetworkService::NewStub(channel_);
  }

  static std::unique_ptr<grpc::ClientContext> Ctx(const std::string& tenant = "acme") {
    auto c = std::make_unique<grpc::ClientContext>();
    if (!tenant.empty()) c->AddMetadata("x-carereach-tenant", tenant);
    c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return c;
  }

  HeldCall Hold(const std::string& tenant) {
    HeldCall call{.context = Ctx(tenant)};
    call.stream = adequacy_->EvaluateAdequacy(call.context.get());
    return call;
  }
  // Lets a held call go: the server answers INVALID_ARGUMENT (no header), or the refusal.
  static grpc::Status Release(HeldCall& call) {
    call.stream->WritesDone();
    return call.stream->Finish();
  }

  // Waits (up to 10 s) until `done()` holds.
  static bool WaitUntil(const std::function<bool()>& done) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done()) {
      if (std::chrono::steady_clock::now() > until) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  }
  // ... until the server counts `n` calls in flight.
  bool WaitInFlight(int n) {
    return WaitUntil([&] { return server_->calls_in_flight() == n; });
  }
  // ... until admission control has refused `n` calls in all.
  bool WaitRefused(int64_t n) {
    return WaitUntil([&] { return server_->calls_refused() == n; });
  }

  static v1::ComputeCoverageRequest EquatorRequest() {
    v1::ComputeCoverageRequest r;
    r.set_region("equator");
    *r.add_facilities() = MakeFacility("h", 0, 0);
    r.add_max_miles(35);
    return r;
  }

  grpc::Status Coverage(const v1::ComputeCoverageRequest& request,
                        const std::string& tenant = "acme",
                        std::multimap<grpc::string_ref, grpc::string_ref>* trailers = nullptr,
                        std::unique_ptr<grpc::ClientContext>* keep = nullptr) {
    auto ctx = Ctx(tenant);
    v1::ComputeCoverageResponse response;
    grpc::Status s = access_->ComputeCoverage(ctx.get(), request, &response);
    if (trailers != nullptr) *trailers = ctx->GetServerTrailingMetadata();
    if (keep != nullptr) *keep = std::move(ctx);
    return s;
  }

  // One call of `method` through the generic stub: sends `request` bytes as its one message,
  // reads every response, returns the status.
  grpc::Status GenericCall(const std::string& method, const std::string& request,
                           const std::string& tenant = "acme") {
    return GenericStream(method, {request}, tenant);
  }

  // The same with several messages.
  grpc::Status GenericStream(const std::string& method, const std::vector<std::string>& requests,
                             const std::string& tenant = "acme") {
    grpc::GenericStub stub(channel_);
    grpc::CompletionQueue cq;
    auto ctx = Ctx(tenant);
    auto call = stub.PrepareCall(ctx.get(), method, &cq);
    auto step = [&](int tag) {
      void* got = nullptr;
      bool ok = false;
      EXPECT_TRUE(cq.Next(&got, &ok));
      EXPECT_EQ(got, reinterpret_cast<void*>(static_cast<intptr_t>(tag)));
      return ok;
    };
    call->StartCall(reinterpret_cast<void*>(1));
    step(1);
    for (const std::string& request : requests) {
      grpc::Slice slice(request);
      grpc::ByteBuffer buffer(&slice, 1);
      call->Write(buffer, reinterpret_cast<void*>(2));
      if (!step(2)) break;
    }
    call->WritesDone(reinterpret_cast<void*>(3));
    step(3);
    for (;;) {
      grpc::ByteBuffer response;
      call->Read(&response, reinterpret_cast<void*>(4));
      if (!step(4)) break;
    }
    grpc::Status status;
    call->Finish(&status, reinterpret_cast<void*>(5));
    step(5);
    cq.Shutdown();
    void* tag;
    bool ok;
    while (cq.Next(&tag, &ok)) {
    }
    return status;
  }

  std::string state_dir_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AccessService::Stub> access_;
  std::unique_ptr<v1::AdequacyService::Stub> adequacy_;
  std::unique_ptr<v1::NetworkService::Stub> networks_;
};

// ---------------------------------------------------------------------------------------------
// Admission control

TEST_F(LimitsServerTest, BeyondTheGlobalLimitExactlyTheExtraCallsAreRefusedWithARetryHint) {
  Start(Options(/*max_calls=*/3, /*max_per_tenant=*/0));
  std::vector<HeldCall> held;
  for (int i = 0; i < 5; ++i) held.push_back(Hold("tenant" + std::to_string(i)));
  ASSERT_TRUE(WaitInFlight(3));
  // The other two must have reached the server (and been refused) before any slot is given
  // back below, or a late one would be admitted into a freed slot.
  ASSERT_TRUE(WaitRefused(2)) << server_->calls_refused();

  std::multimap<grpc::string_ref, grpc::string_ref> trailers;
  std::unique_ptr<grpc::ClientContext> kept;
  const grpc::Status busy = Coverage(EquatorRequest(), "other", &trailers, &kept);
  EXPECT_EQ(busy.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << busy.error_message();
  EXPECT_THAT(busy.error_message(), HasSubstr("--max_calls_in_flight"));
  auto hint = trailers.find("retry-after-ms");
  ASSERT_NE(hint, trailers.end());
  EXPECT_EQ(std::string(hint->second.data(), hint->second.size()), "1000");

  // Exempt: ListRegions and the health service.
  v1::ListRegionsResponse regions;
  EXPECT_TRUE(access_->ListRegions(Ctx().get(), {}, &regions).ok());
  EXPECT_TRUE(GenericCall("/grpc.health.v1.Health/Check", "").ok());

  int refused = 0, admitted = 0;
  for (HeldCall& call : held) {
    const grpc::Status s = Release(call);
    if (s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) ++refused;
    if (s.error_code() == grpc::StatusCode::INVALID_ARGUMENT) ++admitted;  // "header: ..."
  }
  EXPECT_EQ(refused, 2);
  EXPECT_EQ(admitted, 3);
  ASSERT_TRUE(WaitInFlight(0));
  EXPECT_TRUE(Coverage(EquatorRequest(), "other").ok());
}

TEST_F(LimitsServerTest, OneTenantAtItsLimitDoesNotBlockAnother) {
  Start(Options(/*max_calls=*/100, /*max_per_tenant=*/2));
  std::vector<HeldCall> held;
  held.push_back(Hold("acme"));
  held.push_back(Hold("acme"));
  ASSERT_TRUE(WaitInFlight(2));
  const grpc::Status busy = Coverage(EquatorRequest(), "acme");
  EXPECT_EQ(busy.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(busy.error_message(), HasSubstr("tenant \"acme\""));
  EXPECT_THAT(busy.error_message(), HasSubstr("--max_calls_per_tenant"));

  const grpc::Status other = Coverage(EquatorRequest(), "globex");
  EXPECT_TRUE(other.ok()) << other.error_message();
  held.push_back(Hold("globex"));
  held.push_back(Hold("globex"));
  ASSERT_TRUE(WaitInFlight(4));
  for (HeldCall& call : held)
    EXPECT_EQ(Release(call).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(WaitInFlight(0));
  EXPECT_TRUE(Coverage(EquatorRequest(), "acme").ok());
}

TEST_F(LimitsServerTest, SlotsComeBackAfterSuccessErrorsCancellationAndDeadlines) {
  Start(Options(/*max_calls=*/4, /*max_per_tenant=*/4));
  v1::ComputeCoverageRequest unknown = EquatorRequest();
  unknown.set_region("atlantis");
  for (int round = 0; round < 25; ++round) {
    EXPECT_TRUE(Coverage(EquatorRequest()).ok());
    EXPECT_EQ(Coverage(unknown).error_code(), grpc::StatusCode::NOT_FOUND);
    // Cancelled by the client while the server waits.
    HeldCall cancelled = Hold("acme");
    cancelled.context->TryCancel();
    EXPECT_EQ(cancelled.stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
    // Past its deadline while the server waits.
    HeldCall late{.context = Ctx()};
    late.context->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(20));
    late.stream = adequacy_->EvaluateAdequacy(late.context.get());
    EXPECT_EQ(late.stream->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
    // An error answered by the handler.
    HeldCall empty = Hold("acme");
    EXPECT_EQ(Release(empty).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  }
  ASSERT_TRUE(WaitInFlight(0)) << server_->calls_in_flight() << " slots were never given back";

  // The whole limit is available again, and no more.
  std::vector<HeldCall> held;
  for (int i = 0; i < 4; ++i) held.push_back(Hold("acme"));
  ASSERT_TRUE(WaitInFlight(4));
  EXPECT_EQ(Coverage(EquatorRequest()).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  for (HeldCall& call : held) Release(call);
  ASSERT_TRUE(WaitInFlight(0));
}

TEST_F(LimitsServerTest, EveryCarereachMethodButListRegionsIsCounted) {
  Start(Options(/*max_calls=*/1, /*max_per_tenant=*/0));
  HeldCall held = Hold("acme");
  ASSERT_TRUE(WaitInFlight(1));
  int methods = 0;
  for (const char* service :
       {"carereach.v1.AccessService", "carereach.v1.AdequacyService", "carereach.v1.NetworkService",
        "carereach.v1.ContractingService", "carereach.v1.MapService"}) {
    const google::protobuf::ServiceDescriptor* d =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
    ASSERT_NE(d, nullptr) << service;
    for (int i = 0; i < d->method_count(); ++i) {
      const std::string path = "/" + d->full_name() + "/" + d->method(i)->name();
      const grpc::Status s = GenericCall(path, "");
      ++methods;
      if (path == "/carereach.v1.AccessService/ListRegions") {
        EXPECT_TRUE(s.ok()) << path << ": " << s.error_message();
      } else {
        EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
            << path << ": " << s.error_message();
      }
    }
  }
  EXPECT_GE(methods, 18);
  Release(held);
}

// ---------------------------------------------------------------------------------------------
// Unparseable requests, unknown speed profiles

TEST_F(LimitsServerTest, UnparseableRequestBytesAreInvalidArgument) {
  Start(Options(0, 0));
  // A varint that never ends: not a protobuf message.
  const std::string garbage = "\x0a\xff\xff\xff\xff";
  grpc::Status s = GenericCall("/carereach.v1.AccessService/ComputeCoverage", garbage);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("carereach.v1.ComputeCoverageRequest"));
  s = GenericCall("/carereach.v1.AccessService/ComputeMatrix", garbage);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  s = GenericCall("/carereach.v1.NetworkService/ListNetworks", garbage);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  // A handler's own INTERNAL-free answers are untouched: an empty request is parseable.
  s = GenericCall("/carereach.v1.AccessService/ComputeCoverage", "");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << s.error_message();  // region ""
}

TEST_F(LimitsServerTest, UnknownSpeedProfileIsInvalidArgument) {
  Start(Options(0, 0));
  v1::ComputeCoverageRequest request = EquatorRequest();
  request.mutable_drive()->set_speed_profile("bike");
  grpc::Status s = Coverage(request);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("drive.speed_profile: \"bike\""));
  EXPECT_THAT(s.error_message(), HasSubstr("car-us-1"));
  // Drive mode on the roads too.
  request.set_mode(v1::TRAVEL_MODE_DRIVE);
  request.clear_max_miles();
  request.add_max_minutes(30);
  s = Coverage(request);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // The server's own profile, by name or by default.
  request.mutable_drive()->set_speed_profile("car-us-1");
  s = Coverage(request);
  EXPECT_TRUE(s.ok()) << s.error_message();
  request.mutable_drive()->clear_speed_profile();
  EXPECT_TRUE(Coverage(request).ok());
}

// ---------------------------------------------------------------------------------------------
// Byte limits and quoting

TEST_F(LimitsServerTest, RequestStringsOverTheirLimitAreInvalidArgumentWithTheFieldPath) {
  Start(Options(0, 0));
  v1::ComputeCoverageRequest request = EquatorRequest();
  *request.add_facilities() = MakeFacility("g", 0.5, 0);
  request.mutable_facilities(1)->set_name(std::string(600, 'n'));
  grpc::Status s = Coverage(request);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "facilities[1].name: 600 bytes, at most 512");
  request.mutable_facilities(1)->set_name(std::string(512, 'n'));
  EXPECT_TRUE(Coverage(request).ok());
  request.mutable_facilities(1)->set_id(std::string(129, 'i'));
  EXPECT_EQ(Coverage(request).error_message(), "facilities[1].id: 129 bytes, at most 128");
}

TEST_F(LimitsServerTest, AHugeRegionNameGivesAShortMessage) {
  Start(Options(0, 0));
  v1::ComputeCoverageRequest request = EquatorRequest();
  request.set_region(std::string(20 << 10, 'r'));
  grpc::Status s = Coverage(request);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_EQ(s.error_message(), "region: 20480 bytes, at most 256");
  // Within the limit but unknown: NOT_FOUND quoting at most 100 bytes of it.
  request.set_region(std::string(250, 'r'));
  s = Coverage(request);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("\"" + std::string(100, 'r') + "\"... (250 bytes)"));
  EXPECT_LT(s.error_message().size(), 300u);
}

TEST_F(LimitsServerTest, AnOversizedRowStopsTheImportBeforeAnythingIsStored) {
  Start(Options(0, 0));
  auto ctx = Ctx();
  v1::NetworkVersion version;
  auto writer = networks_->ImportNetwork(ctx.get(), &version);
  v1::ImportNetworkRequest header;
  header.mutable_header()->set_network_id("big");
  header.mutable_header()->set_create_if_missing(true);
  ASSERT_TRUE(writer->Write(header));
  int sent = 0;
  for (int i = 0; i < 16; ++i) {
    v1::ImportNetworkRequest batch;
    v1::NetworkProvider* row = batch.mutable_providers()->add_providers();
    *row = Hospital("h" + std::to_string(i), 0.5);
    row->set_type(std::string(1 << 20, 't'));
    if (!writer->Write(batch)) break;
    ++sent;
  }
  writer->WritesDone();
  const grpc::Status s = writer->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_EQ(s.error_message(), "providers[0].type: 1048576 bytes, at most 256");
  v1::GetNetworkRequest get;
  get.set_network_id("big");
  v1::GetNetworkResponse got;
  EXPECT_EQ(networks_->GetNetwork(Ctx().get(), get, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(LimitsServerTest, StoredStringsAreBoundedAndListNetworksStillWorks) {
  Start(Options(0, 0));
  v1::CreateNetworkRequest create;
  create.set_network_id("n");
  create.set_description(std::string(5000, 'd'));
  v1::CreateNetworkResponse created;
  grpc::Status s = networks_->CreateNetwork(Ctx().get(), create, &created);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "description: 5000 bytes, at most 4096");

  create.set_description("fine");
  *create.add_providers() = Hospital(std::string(10 << 10, 'i'), 0.5);
  s = networks_->CreateNetwork(Ctx().get(), create, &created);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "providers[0].id: 10240 bytes, at most 128");

  create.set_network_id(std::string(129, 'n'));
  create.mutable_providers(0)->set_id("h1");
  s = networks_->CreateNetwork(Ctx().get(), create, &created);
  EXPECT_EQ(s.error_message(), "network_id: 129 bytes, at most 128");

  create.set_network_id("n");
  create.mutable_providers(0)->set_name(std::string(512, 'n'));
  create.set_description(std::string(4096, 'd'));
  s = networks_->CreateNetwork(Ctx().get(), create, &created);
  EXPECT_TRUE(s.ok()) << s.error_message();
  v1::ListNetworksResponse list;
  s = networks_->ListNetworks(Ctx().get(), {}, &list);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(list.networks_size(), 1);
  EXPECT_EQ(list.networks(0).network_id(), "n");
}

TEST_F(LimitsServerTest, AVersionOverTheByteLimitIsRefusedWhileItStreams) {
  Server::Options o = Options(0, 0);
  o.max_version_bytes = 4000;
  Start(o);
  auto import = [&](int rows, v1::NetworkVersion* version) {
    auto ctx = Ctx();
    auto writer = networks_->ImportNetwork(ctx.get(), version);
    v1::ImportNetworkRequest header;
    header.mutable_header()->set_network_id("v");
    header.mutable_header()->set_create_if_missing(true);
    EXPECT_TRUE(writer->Write(header));
    for (int i = 0; i < rows; ++i) {
      v1::ImportNetworkRequest batch;
      *batch.mutable_providers()->add_providers() = Hospital("h" + std::to_string(i), 0.5);
      if (!writer->Write(batch)) break;
    }
    writer->WritesDone();
    return writer->Finish();
  };
  v1::NetworkVersion version;
  grpc::Status s = import(1000, &version);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("limit of 4000 bytes for one network version"));
  v1::GetNetworkRequest get;
  get.set_network_id("v");
  v1::GetNetworkResponse got;
  EXPECT_EQ(networks_->GetNetwork(Ctx().get(), get, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  s = import(20, &version);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(version.provider_count(), 20);
}

TEST_F(LimitsServerTest, ExportBatchesStayUnderAMebibyte) {
  Start(Options(0, 0));
  v1::CreateNetworkRequest create;
  create.set_network_id("wide");
  for (int i = 0; i < 3000; ++i) {
    v1::NetworkProvider* row = create.add_providers();
    *row = Hospital("h" + std::to_string(i), 0.5);
    row->set_name(std::string(500, 'n'));
    row->set_type(std::string(250, 't'));
  }
  v1::CreateNetworkResponse created;
  grpc::Status s = networks_->CreateNetwork(Ctx().get(), create, &created);
  ASSERT_TRUE(s.ok()) << s.error_message();
  auto ctx = Ctx();
  v1::ExportNetworkRequest request;
  request.set_network_id("wide");
  auto reader = networks_->ExportNetwork(ctx.get(), request);
  v1::ExportNetworkResponse part;
  int rows = 0, batches = 0;
  while (reader->Read(&part)) {
    if (!part.has_providers()) continue;
    ++batches;
    rows += part.providers().providers_size();
    EXPECT_LE(part.ByteSizeLong(), (1u << 20) + 2048u);
  }
  EXPECT_TRUE(reader->Finish().ok());
  EXPECT_EQ(rows, 3000);
  EXPECT_GE(batches, 2);
}

TEST_F(LimitsServerTest, StreamedHeaderStringsAreChecked) {
  Start(Options(0, 0));
  auto ctx = Ctx();
  auto stream = adequacy_->EvaluateAdequacy(ctx.get());
  v1::EvaluateAdequacyRequest header;
  header.mutable_header()->set_region("equator");
  header.mutable_header()->add_specialty_codes(std::string(65, 'c'));
  ASSERT_TRUE(stream->Write(header));
  stream->WritesDone();
  v1::EvaluateAdequacyResponse out;
  while (stream->Read(&out)) {
  }
  const grpc::Status s = stream->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "header.specialty_codes[0]: 65 bytes, at most 64");
}

// gRPC's Read() is false both at the end of a client stream and at a message it cannot parse; a
// stream with unparseable bytes in the middle must not be taken as ended there (that imported
// the rows before it and dropped the rest, answering OK).
TEST_F(LimitsServerTest, UnparseableBytesInsideAStreamAreInvalidArgumentAndNothingIsKept) {
  Start(Options(0, 0));
  const std::string garbage = "\x0a\xff\xff\xff\xff";  // a varint that never ends
  v1::ImportNetworkRequest header;
  header.mutable_header()->set_network_id("torn");
  header.mutable_header()->set_create_if_missing(true);
  v1::ImportNetworkRequest batch;
  *batch.mutable_providers()->add_providers() = Hospital("h1", 0.5);
  v1::ImportNetworkRequest batch2;
  *batch2.mutable_providers()->add_providers() = Hospital("h2", 0.6);
  grpc::Status s = GenericStream(
      "/carereach.v1.NetworkService/ImportNetwork",
      {header.SerializeAsString(), batch.SerializeAsString(), garbage, batch2.SerializeAsString()});
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_THAT(s.error_message(),
              HasSubstr("message 2 of the stream: the bytes received are not a valid "
                        "carereach.v1.ImportNetworkRequest message"));
  v1::GetNetworkRequest get;
  get.set_network_id("torn");
  v1::GetNetworkResponse got;
  EXPECT_EQ(networks_->GetNetwork(Ctx().get(), get, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // The same stream without the garbage imports both rows.
  s = GenericStream(
      "/carereach.v1.NetworkService/ImportNetwork",
      {header.SerializeAsString(), batch.SerializeAsString(), batch2.SerializeAsString()});
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_TRUE(networks_->GetNetwork(Ctx().get(), get, &got).ok());
  EXPECT_EQ(got.network().latest_provider_count(), 2);

  v1::EvaluateAdequacyRequest adequacy;
  adequacy.mutable_header()->set_region("equator");
  v1::EvaluateAdequacyRequest rows;
  *rows.mutable_providers()->add_providers() = Hospital("h1", 0.5);
  s = GenericStream("/carereach.v1.AdequacyService/EvaluateAdequacy",
                    {adequacy.SerializeAsString(), garbage, rows.SerializeAsString()});
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("message 1 of the stream"));
}

}  // namespace
}  // namespace carereach
