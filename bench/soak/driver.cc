// carereach-soak: the driver (see driver.h).
#include "bench/soak/driver.h"

#include <cstdio>
#include <cstdlib>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/soak/calls.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace carereach::soak {
namespace {

std::string MakeNonce() {
  return absl::StrFormat("soak%x",
                         static_cast<uint32_t>(std::chrono::system_clock::now().time_since_epoch() /
                                               std::chrono::seconds(1)));
}

}  // namespace

Driver::Driver(std::shared_ptr<grpc::Channel> channel, World world, DriverOptions options)
    : channel_(channel),
      access_(v1::AccessService::NewStub(channel)),
      adequacy_(v1::AdequacyService::NewStub(channel)),
      contracting_(v1::ContractingService::NewStub(channel)),
      networks_(v1::NetworkService::NewStub(channel)),
      world_(std::move(world)),
      options_(std::move(options)),
      requests_(world_, MakeNonce()) {}

bool Driver::WaitReady(int timeout_seconds) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  const auto give_up = Clock::now() + std::chrono::seconds(timeout_seconds);
  std::string last = "no answer";
  while (Clock::now() < give_up) {
    grpc::ClientContext hc;
    Prepare(&hc, 0);
    grpc::health::v1::HealthCheckRequest hreq;
    grpc::health::v1::HealthCheckResponse hresp;
    grpc::Status s = health->Check(&hc, hreq, &hresp);
    if (s.ok() && hresp.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
      grpc::ClientContext rc;
      Prepare(&rc, 0);
      v1::ListRegionsResponse regions;
      s = access_->ListRegions(&rc, v1::ListRegionsRequest(), &regions);
      if (s.ok()) {
        int ready = 0;
        for (const RegionData& r : world_.county_regions) {
          for (const v1::Region& g : regions.regions()) {
            if (g.name() != r.name) continue;
            if (g.roads_state() == v1::ROAD_NETWORK_STATE_FAILED) {
              std::fprintf(stderr, "soak: roads of %s FAILED\n", r.name.c_str());
              return false;
            }
            if (g.roads_state() == v1::ROAD_NETWORK_STATE_READY) ++ready;
          }
        }
        if (ready == static_cast<int>(world_.county_regions.size())) return true;
        last = absl::StrCat(ready, " of ", world_.county_regions.size(), " drive regions READY");
      } else {
        last = s.error_message();
      }
    } else {
      last = s.ok() ? "health NOT_SERVING" : s.error_message();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  std::fprintf(stderr, "soak: server not ready after %d s: %s\n", timeout_seconds, last.c_str());
  return false;
}

bool Driver::Setup() {
  for (size_t t = 0; t < options_.tenants.size(); ++t) {
    for (const RegionData& r : world_.county_regions) {
      for (const char* which : {"a", "b"}) {
        grpc::ClientContext c;
        Prepare(&c, static_cast<int>(t));
        const v1::CreateNetworkRequest req = requests_.SetupCreate(r, which);
        v1::CreateNetworkResponse resp;
        grpc::Status s = networks_->CreateNetwork(&c, req, &resp);
        if (!s.ok()) {
          std::fprintf(stderr, "soak: setup CreateNetwork %s: %s\n", req.network_id().c_str(),
                       s.error_message().c_str());
          return false;
        }
      }
      grpc::ClientContext c;
      Prepare(&c, static_cast<int>(t));
      v1::NetworkVersion version;
      auto writer = networks_->ImportNetwork(&c, &version);
      for (const v1::ImportNetworkRequest& part : requests_.SetupVersion2(r)) writer->Write(part);
      writer->WritesDone();
      grpc::Status s = writer->Finish();
      if (!s.ok() || version.version() != 2) {
        std::fprintf(stderr, "soak: setup ImportNetwork %s: %s (version %d)\n",
                     requests_.BaseId(r, "a").c_str(), s.error_message().c_str(),
                     version.version());
        return false;
      }
    }
  }
  return true;
}

void Driver::Run(int concurrency, Clock::time_point stop_at) {
  stop_at_ = stop_at;
  slots_.resize(concurrency);
  for (int i = 0; i < concurrency; ++i) {
    slots_[i].rng.seed(1000 + i);
    Queue(i);
  }
  std::thread starter([this] { StarterLoop(); });
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [&] { return finished_slots_ == concurrency; });
  stopping_ = true;
  queue_cv_.notify_all();
  lock.unlock();
  starter.join();
}

void Driver::Prepare(grpc::ClientContext* c, int slot) const {
  c->set_deadline(std::chrono::system_clock::now() +
                  std::chrono::seconds(options_.call_deadline_seconds));
  c->AddMetadata("x-carereach-tenant", options_.tenants[slot % options_.tenants.size()]);
  if (!options_.token.empty()) c->AddMetadata("authorization", "Bearer " + options_.token);
}

void Driver::Queue(int slot) {
  std::lock_guard<std::mutex> lock(mu_);
  ready_.push_back(slot);
  queue_cv_.notify_one();
}

void Driver::StarterLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    queue_cv_.wait(lock, [&] { return stopping_ || !ready_.empty(); });
    if (ready_.empty()) return;
    const int slot = ready_.front();
    ready_.pop_front();
    if (Clock::now() >= stop_at_) {
      if (++finished_slots_ == static_cast<int>(slots_.size())) idle_cv_.notify_all();
      continue;
    }
    lock.unlock();
    StartOne(slot);
    lock.lock();
  }
}

Driver::Finish Driver::Finisher(int slot, Kind kind, bool negative) {
  const auto start = Clock::now();
  return [this, slot, kind, start, negative](const grpc::Status& s, const std::string& bad) {
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    const bool expected = negative && s.error_code() == grpc::StatusCode::NOT_FOUND;
    stats_.Record(kind,
                  negative && s.ok()
                      ? grpc::Status(grpc::StatusCode::UNKNOWN, "expected NOT_FOUND, got OK")
                      : s,
                  expected, ms, bad);
    Queue(slot);
  };
}

template <class Req, class Resp, class Start>
void Driver::Unary(int slot, Kind kind, Planned<Req, Resp> plan, Start start) {
  struct State {
    grpc::ClientContext context;
    Req request;
    Resp response;
  };
  auto state = std::make_shared<State>();
  state->request = std::move(plan.request);
  Prepare(&state->context, slot);
  auto finish = Finisher(slot, kind, kind == kNotFound);
  start(&state->context, &state->request, &state->response,
        [state, finish, check = std::move(plan.check)](grpc::Status s) {
          finish(s, s.ok() ? check(state->response) : std::string());
        });
}

template <class Call, class Messages, class Answer, class Start>
void Driver::Stream(int slot, Kind kind, Planned<Messages, Answer> plan, Start start) {
  auto finish = Finisher(slot, kind);
  auto* call = new Call(std::move(plan.request), [finish, check = std::move(plan.check)](
                                                     const grpc::Status& s, const Answer& out) {
    finish(s, s.ok() ? check(out) : std::string());
  });
  Prepare(call->context(), slot);
  call->Go(start);
}

void Driver::StartOne(int slot) {
  Slot& s = slots_[slot];
  ++s.n;
  const Kind kind = static_cast<Kind>(
      std::discrete_distribution<int>(options_.weights.begin(), options_.weights.end())(s.rng));
  const int64_t n = s.n;
  // The stubs' async methods, each as the `start` of Unary or Stream.
  auto* access = access_->async();
  auto* adequacy = adequacy_->async();
  auto* contracting = contracting_->async();
  auto* networks = networks_->async();
  switch (kind) {
    case kListRegions:
      return Unary(slot, kind, requests_.ListRegions(),
                   [access](auto... a) { access->ListRegions(a...); });
    case kCoverageStraight:
    case kCoverageDrive:
      return Unary(slot, kind, requests_.Coverage(kind == kCoverageDrive, n),
                   [access](auto... a) { access->ComputeCoverage(a...); });
    case kIsochrones:
      return Unary(slot, kind, requests_.Isochrones(n),
                   [access](auto... a) { access->ComputeIsochrones(a...); });
    case kMatrix:
      return Stream<ReaderCall<v1::ComputeMatrixRequest, v1::MatrixRow>>(
          slot, kind, requests_.Matrix(n), [access](auto... a) { access->ComputeMatrix(a...); });
    case kEvaluateAdequacy:
      return Stream<BidiCall<v1::EvaluateAdequacyRequest, v1::EvaluateAdequacyResponse>>(
          slot, kind, requests_.EvaluateAdequacy(n),
          [adequacy](auto... a) { adequacy->EvaluateAdequacy(a...); });
    case kAnalyzeCoverage:
      return Unary(slot, kind, requests_.AnalyzeCoverage(n),
                   [contracting](auto... a) { contracting->AnalyzeCoverage(a...); });
    case kAnalyzeAdequacy:
      return Stream<ReaderCall<v1::AnalyzeAdequacyRequest, v1::AnalyzeAdequacyResponse>>(
          slot, kind, requests_.AnalyzeAdequacy(n),
          [contracting](auto... a) { contracting->AnalyzeAdequacy(a...); });
    case kRecommendAdditions:
      return Unary(slot, kind, requests_.RecommendAdditions(n),
                   [contracting](auto... a) { contracting->RecommendAdditions(a...); });
    case kAccessRatios:
      return Unary(slot, kind, requests_.AccessRatios(n),
                   [contracting](auto... a) { contracting->ComputeAccessRatios(a...); });
    case kCreateNetwork:
      return Unary(slot, kind, requests_.CreateNetwork(n, slot, s.creates++),
                   [networks](auto... a) { networks->CreateNetwork(a...); });
    case kImportNetwork:
      return Stream<WriterCall<v1::ImportNetworkRequest, v1::NetworkVersion>>(
          slot, kind, requests_.ImportNetwork(n, slot, s.imports++),
          [networks](auto... a) { networks->ImportNetwork(a...); });
    case kListNetworks:
      return Unary(slot, kind, requests_.ListNetworks(),
                   [networks](auto... a) { networks->ListNetworks(a...); });
    case kGetNetwork:
    case kNotFound:
      return Unary(slot, kind, requests_.GetNetwork(n, kind == kNotFound),
                   [networks](auto... a) { networks->GetNetwork(a...); });
    case kExportNetwork:
      return Stream<ReaderCall<v1::ExportNetworkRequest, v1::ExportNetworkResponse>>(
          slot, kind, requests_.ExportNetwork(n),
          [networks](auto... a) { networks->ExportNetwork(a...); });
    case kDiffNetworkVersions:
      return Unary(slot, kind, requests_.DiffVersions(n),
                   [networks](auto... a) { networks->DiffNetworkVersions(a...); });
    case kKindCount:
      break;
  }
  std::abort();
}

}  // namespace carereach::soak
