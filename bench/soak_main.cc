// carereach-soak: a mixed-workload load generator for a running carereach-server.
//
// Keeps --concurrency calls in flight (gRPC callback API: unary callbacks and client/server/bidi
// stream reactors) for --duration_seconds, drawing each next call from a weighted mix of every
// RPC kind: regions, straight-line and drive coverage, isochrones, the matrix stream, the adequacy
// stream, the contracting analyses over stored networks, and the network store (create, import,
// list, get, export, diff). Requests are built from the real data (--data_dir): open HIFLD
// hospitals and Census tract centres of population of the regions in deploy/regions.textproto.
//
// Prints calls, errors by code, p50/p99/max latency and throughput per RPC kind, and the server's
// RSS (/proc/PID/status VmRSS, with --server_pid) at start, after the warm-up and at the end.
// Exits 1 when any call failed (any non-OK code other than the NOT_FOUND of the deliberate
// "not_found" kind, and any answer whose shape is wrong), when RSS grew more than
// --max_rss_growth after the warm-up, or (with --require_every_kind) when a kind in the mix never
// completed. RESOURCE_EXHAUSTED (admission control) is reported on its own line and is an error:
// choose a concurrency under the server's limits. Run by bench/soak.sh; see docs/RELIABILITY.md.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "carereach/v1/access.grpc.pb.h"
#include "carereach/v1/adequacy.grpc.pb.h"
#include "carereach/v1/contracting.grpc.pb.h"
#include "carereach/v1/networks.grpc.pb.h"
#include "geo/io/census.h"
#include "geo/io/csv.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/security/credentials.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "host:port of the carereach-server");
ABSL_FLAG(std::string, data_dir, "", "The real data directory (hospitals and tract centres)");
ABSL_FLAG(int32_t, duration_seconds, 60, "How long new calls are started, seconds");
ABSL_FLAG(
    int32_t, warmup_seconds, -1,
    "RSS is compared with its value at this point; -1: a quarter of the duration, at most 60");
ABSL_FLAG(int32_t, concurrency, 8, "Calls kept in flight");
ABSL_FLAG(std::string, mix, "",
          "Weights overriding the defaults, e.g. \"coverage_drive=10,isochrones=0\". Kinds "
          "(default weight): list_regions (4), coverage_straight (8), coverage_drive (6), "
          "isochrones (3), matrix (4), evaluate_adequacy (4), analyze_coverage (4), "
          "analyze_adequacy (3), recommend_additions (2), access_ratios (3), create_network (2), "
          "import_network (2), list_networks (3), get_network (3), export_network (3), "
          "diff_versions (3), not_found (1)");
ABSL_FLAG(std::vector<std::string>, tenants, std::vector<std::string>({"soak-a", "soak-b"}),
          "x-carereach-tenant values; call slot i uses tenants[i % n]");
ABSL_FLAG(std::string, tls_ca_file, "", "PEM roots: connect with TLS (else plaintext)");
ABSL_FLAG(std::string, tls_server_name, "", "TLS name to verify, when not the target's host");
ABSL_FLAG(std::string, token_file, "", "A bearer token sent as \"authorization\" on every call");
ABSL_FLAG(int32_t, server_pid, 0, "Sample this process's VmRSS (0: no RSS figures)");
ABSL_FLAG(double, max_rss_growth, 0.10, "Fail when end RSS > after-warm-up RSS x (1 + this)");
ABSL_FLAG(int32_t, ready_timeout_seconds, 600,
          "Wait this long for health SERVING and the drive regions' roads READY");
ABSL_FLAG(int32_t, call_deadline_seconds, 120, "Deadline of every call");
ABSL_FLAG(bool, require_every_kind, false, "Fail unless every kind in the mix succeeded once");

namespace carereach::soak {
namespace {

namespace v1 = ::carereach::v1;
using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------------------------
// Real data.

struct Place {
  std::string id, name, type;
  double lon = 0, lat = 0;
  double beds = 0;
};

struct RegionData {
  std::string name;
  bool drive = false;
  std::string county_fips;                              // county regions
  std::vector<Place> hospitals;                         // open hospitals in and near the region
  std::vector<Place> tracts;                            // tract centres of the region (id = GEOID)
  std::vector<v1::NetworkProvider> roster_a, roster_b;  // two networks' rows
};

std::vector<Place> LoadHospitals(const std::string& data_dir) {
  auto csv = io::ReadCsvFile(data_dir + "/facilities/hifld_hospitals.csv");
  if (!csv.ok()) {
    std::fprintf(stderr, "soak: %s\n", csv.status().ToString().c_str());
    std::exit(2);
  }
  const int id = csv->Column("ID"), name = csv->Column("NAME"), type = csv->Column("TYPE"),
            status = csv->Column("STATUS"), lat = csv->Column("LATITUDE"),
            lon = csv->Column("LONGITUDE"), beds = csv->Column("BEDS");
  std::vector<Place> out;
  for (const io::CsvRecord& r : csv->records) {
    if (r.fields[status] != "OPEN") continue;
    Place p{.id = "h" + r.fields[id], .name = r.fields[name], .type = r.fields[type]};
    if (!absl::SimpleAtod(r.fields[lat], &p.lat) || !absl::SimpleAtod(r.fields[lon], &p.lon)) {
      continue;
    }
    double b = 0;
    if (absl::SimpleAtod(r.fields[beds], &b) && b > 0 && b < 10000) p.beds = std::floor(b);
    out.push_back(std::move(p));
  }
  return out;
}

v1::LonLat Loc(const Place& p) {
  v1::LonLat l;
  l.set_lon(p.lon);
  l.set_lat(p.lat);
  return l;
}

v1::Facility ToFacility(const Place& p) {
  v1::Facility f;
  f.set_id(p.id);
  f.set_name(p.name);
  *f.mutable_location() = Loc(p);
  f.set_type(p.type);
  return f;
}

v1::NetworkProvider Provider(const Place& p, const std::string& code, double beds) {
  v1::NetworkProvider r;
  r.set_id(p.id);
  r.set_name(p.name);
  r.set_specialty_code(code);
  *r.mutable_location() = Loc(p);
  r.set_beds(beds);
  r.set_telehealth(code == "007");
  r.set_type(p.type);
  return r;
}

// Hospitals inside the region's tract bounding box widened by `margin_degrees`.
std::vector<Place> Near(const std::vector<Place>& hospitals, const std::vector<Place>& tracts,
                        double margin_degrees) {
  double w = 180, e = -180, s = 90, n = -90;
  for (const Place& t : tracts) {
    w = std::min(w, t.lon), e = std::max(e, t.lon), s = std::min(s, t.lat), n = std::max(n, t.lat);
  }
  std::vector<Place> out;
  for (const Place& h : hospitals) {
    if (h.lon >= w - margin_degrees && h.lon <= e + margin_degrees && h.lat >= s - margin_degrees &&
        h.lat <= n + margin_degrees) {
      out.push_back(h);
    }
  }
  return out;
}

struct World {
  std::vector<Place> all_hospitals;
  std::vector<RegionData> county_regions;  // honolulu, imperial, yuba: roads
  std::vector<RegionData> state_regions;   // michigan, massachusetts, us: straight-line only
};

World LoadWorld(const std::string& data_dir) {
  World w;
  w.all_hospitals = LoadHospitals(data_dir);
  io::LoadReport report;
  auto units = io::LoadTractCentres(data_dir + "/census/CenPop2020_Mean_TR.txt", &report);
  if (!units.ok()) {
    std::fprintf(stderr, "soak: %s\n", units.status().ToString().c_str());
    std::exit(2);
  }
  auto tracts_where = [&](auto pred) {
    std::vector<Place> out;
    for (const io::PopulationUnit& u : *units) {
      if (pred(u)) out.push_back({.id = u.id, .lon = u.location.lon, .lat = u.location.lat});
    }
    return out;
  };
  const std::vector<std::string> codes = {"001", "007", "014", "029", "050"};
  for (const auto& [name, fips] : std::vector<std::pair<std::string, std::string>>{
           {"honolulu", "15003"}, {"imperial", "06025"}, {"yuba", "06115"}}) {
    RegionData r{.name = name, .drive = true, .county_fips = fips};
    r.tracts = tracts_where([&](const io::PopulationUnit& u) { return u.county_fips == fips; });
    r.hospitals = Near(w.all_hospitals, r.tracts, 0.4);
    // Network A: even hospitals and every 4th tract as a provider site; B: the others.
    for (size_t i = 0; i < r.hospitals.size(); ++i) {
      (i % 2 == 0 ? r.roster_a : r.roster_b)
          .push_back(Provider(r.hospitals[i], "040", r.hospitals[i].beds));
    }
    for (size_t i = 0; i < r.tracts.size(); i += 4) {
      Place site = r.tracts[i];
      const std::string& code = codes[(i / 4) % codes.size()];
      site.id = "p" + site.id + "-" + code;
      site.name = "Soak provider " + site.id;
      ((i / 4) % 3 == 0 ? r.roster_b : r.roster_a).push_back(Provider(site, code, 0));
    }
    w.county_regions.push_back(std::move(r));
  }
  for (const auto& [name, state] : std::vector<std::pair<std::string, std::string>>{
           {"michigan", "26"}, {"massachusetts", "25"}}) {
    RegionData r{.name = name};
    r.tracts = tracts_where(
        [&](const io::PopulationUnit& u) { return u.county_fips.substr(0, 2) == state; });
    r.hospitals = Near(w.all_hospitals, r.tracts, 0.2);
    if (r.hospitals.empty()) r.hospitals = w.all_hospitals;
    w.state_regions.push_back(std::move(r));
  }
  w.state_regions.push_back({.name = "us", .hospitals = w.all_hospitals});
  return w;
}

// ---------------------------------------------------------------------------------------------
// Statistics.

enum Kind {
  kListRegions,
  kCoverageStraight,
  kCoverageDrive,
  kIsochrones,
  kMatrix,
  kEvaluateAdequacy,
  kAnalyzeCoverage,
  kAnalyzeAdequacy,
  kRecommendAdditions,
  kAccessRatios,
  kCreateNetwork,
  kImportNetwork,
  kListNetworks,
  kGetNetwork,
  kExportNetwork,
  kDiffNetworkVersions,
  kNotFound,  // deliberate: GetNetwork of an id that does not exist, NOT_FOUND expected
  kKindCount
};

struct KindInfo {
  const char* name;
  int default_weight;
};
constexpr KindInfo kKinds[kKindCount] = {
    {"list_regions", 4},
    {"coverage_straight", 8},
    {"coverage_drive", 6},
    {"isochrones", 3},
    {"matrix", 4},
    {"evaluate_adequacy", 4},
    {"analyze_coverage", 4},
    {"analyze_adequacy", 3},
    {"recommend_additions", 2},
    {"access_ratios", 3},
    {"create_network", 2},
    {"import_network", 2},
    {"list_networks", 3},
    {"get_network", 3},
    {"export_network", 3},
    {"diff_versions", 3},
    {"not_found", 1},
};

struct KindStats {
  int64_t calls = 0, ok = 0, expected_negative = 0;
  std::map<std::string, int64_t> errors;  // code name -> count
  std::string first_error;
  std::vector<double> latencies_ms;
};

class Stats {
 public:
  void Record(Kind kind, const grpc::Status& status, bool expected_negative, double ms,
              const std::string& bad_answer) {
    std::lock_guard<std::mutex> lock(mu_);
    KindStats& k = kinds_[kind];
    ++k.calls;
    k.latencies_ms.push_back(ms);
    if (expected_negative) {
      ++k.expected_negative;
    } else if (status.ok() && bad_answer.empty()) {
      ++k.ok;
    } else {
      const std::string code = status.ok() ? "BAD_ANSWER" : CodeName(status.error_code());
      ++k.errors[code];
      if (k.first_error.empty()) {
        k.first_error = code + ": " + (status.ok() ? bad_answer : status.error_message());
        if (k.first_error.size() > 300) k.first_error.resize(300);
      }
    }
  }
  KindStats Get(int kind) {
    std::lock_guard<std::mutex> lock(mu_);
    return kinds_[kind];
  }

  static std::string CodeName(grpc::StatusCode c) {
    static const char* names[] = {"OK",
                                  "CANCELLED",
                                  "UNKNOWN",
                                  "INVALID_ARGUMENT",
                                  "DEADLINE_EXCEEDED",
                                  "NOT_FOUND",
                                  "ALREADY_EXISTS",
                                  "PERMISSION_DENIED",
                                  "RESOURCE_EXHAUSTED",
                                  "FAILED_PRECONDITION",
                                  "ABORTED",
                                  "OUT_OF_RANGE",
                                  "UNIMPLEMENTED",
                                  "INTERNAL",
                                  "UNAVAILABLE",
                                  "DATA_LOSS",
                                  "UNAUTHENTICATED"};
    const int i = static_cast<int>(c);
    return i >= 0 && i <= 16 ? names[i] : absl::StrCat("CODE_", i);
  }

 private:
  std::mutex mu_;
  KindStats kinds_[kKindCount];
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size()))) - 1;
  return v[std::min(i, v.size() - 1)];
}

int64_t RssKb(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view rest = line;
    if (absl::ConsumePrefix(&rest, "VmRSS:")) {
      int64_t kb = 0;
      std::vector<std::string> parts = absl::StrSplit(rest, ' ', absl::SkipWhitespace());
      if (!parts.empty() && absl::SimpleAtoi(parts[0], &kb)) return kb;
    }
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// The driver: `concurrency` slots, each running one call at a time; a finished call queues its
// slot, and one starter thread begins the slot's next call (never from a gRPC callback thread).

class Soak;

// A client-streaming (ImportNetwork) or bidi (EvaluateAdequacy) writer: sends `requests` in
// order, half-closes, reads every response (bidi).
template <class Req, class Resp>
class BidiCall : public grpc::ClientBidiReactor<Req, Resp> {
 public:
  using Done = std::function<void(const grpc::Status&, const std::vector<Resp>&)>;
  BidiCall(std::vector<Req> requests, Done done)
      : requests_(std::move(requests)), done_(std::move(done)) {}
  grpc::ClientContext* context() { return &context_; }
  void Go() {
    this->StartRead(&incoming_);
    NextWrite();
    this->StartCall();
  }
  void OnWriteDone(bool ok) override {
    if (!ok) return;  // the call failed; OnDone has the status
    NextWrite();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    responses_.push_back(std::move(incoming_));
    incoming_.Clear();
    this->StartRead(&incoming_);
  }
  void OnDone(const grpc::Status& status) override {
    done_(status, responses_);
    delete this;
  }

 private:
  void NextWrite() {
    if (next_ < requests_.size()) {
      this->StartWrite(&requests_[next_++]);
    } else {
      this->StartWritesDone();
    }
  }
  grpc::ClientContext context_;
  std::vector<Req> requests_;
  size_t next_ = 0;
  Resp incoming_;
  std::vector<Resp> responses_;
  Done done_;
};

template <class Req, class Resp>
class WriterCall : public grpc::ClientWriteReactor<Req> {
 public:
  using Done = std::function<void(const grpc::Status&, const Resp&)>;
  WriterCall(std::vector<Req> requests, Done done)
      : requests_(std::move(requests)), done_(std::move(done)) {}
  grpc::ClientContext* context() { return &context_; }
  Resp* response() { return &response_; }
  void Go() {
    NextWrite();
    this->StartCall();
  }
  void OnWriteDone(bool ok) override {
    if (ok) NextWrite();
  }
  void OnDone(const grpc::Status& status) override {
    done_(status, response_);
    delete this;
  }

 private:
  void NextWrite() {
    if (next_ < requests_.size()) {
      this->StartWrite(&requests_[next_++]);
    } else {
      this->StartWritesDone();
    }
  }
  grpc::ClientContext context_;
  std::vector<Req> requests_;
  size_t next_ = 0;
  Resp response_;
  Done done_;
};

template <class Req, class Resp>
class ReaderCall : public grpc::ClientReadReactor<Resp> {
 public:
  using Done = std::function<void(const grpc::Status&, const std::vector<Resp>&)>;
  ReaderCall(Req request, Done done) : request_(std::move(request)), done_(std::move(done)) {}
  grpc::ClientContext* context() { return &context_; }
  const Req* request() const { return &request_; }
  void Go() {
    this->StartRead(&incoming_);
    this->StartCall();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    responses_.push_back(std::move(incoming_));
    incoming_.Clear();
    this->StartRead(&incoming_);
  }
  void OnDone(const grpc::Status& status) override {
    done_(status, responses_);
    delete this;
  }

 private:
  grpc::ClientContext context_;
  Req request_;
  Resp incoming_;
  std::vector<Resp> responses_;
  Done done_;
};

class Soak {
 public:
  Soak(std::shared_ptr<grpc::Channel> channel, World world, std::vector<int> weights,
       std::vector<std::string> tenants, std::string token)
      : channel_(channel),
        access_(v1::AccessService::NewStub(channel)),
        adequacy_(v1::AdequacyService::NewStub(channel)),
        contracting_(v1::ContractingService::NewStub(channel)),
        networks_(v1::NetworkService::NewStub(channel)),
        world_(std::move(world)),
        weights_(std::move(weights)),
        tenants_(std::move(tenants)),
        token_(std::move(token)),
        nonce_(absl::StrFormat(
            "soak%x", static_cast<uint32_t>(std::chrono::system_clock::now().time_since_epoch() /
                                            std::chrono::seconds(1)))) {}

  // Health SERVING and every drive region READY. False (with a message) on timeout or FAILED.
  bool WaitReady(int timeout_seconds) {
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

  // Stored networks for the contracting and store calls: per tenant and county region, networks
  // A (versions 1 and 2) and B (version 1). Synchronous, before the clock starts.
  bool Setup() {
    for (size_t t = 0; t < tenants_.size(); ++t) {
      for (const RegionData& r : world_.county_regions) {
        for (const char* which : {"a", "b"}) {
          grpc::ClientContext c;
          Prepare(&c, static_cast<int>(t));
          v1::CreateNetworkRequest req;
          req.set_network_id(BaseId(r, which));
          req.set_name(absl::StrCat("Soak ", r.name, " ", which));
          req.set_description("carereach-soak base network");
          for (const auto& p : which[0] == 'a' ? r.roster_a : r.roster_b) *req.add_providers() = p;
          req.set_note("soak setup");
          v1::CreateNetworkResponse resp;
          grpc::Status s = networks_->CreateNetwork(&c, req, &resp);
          if (!s.ok()) {
            std::fprintf(stderr, "soak: setup CreateNetwork %s: %s\n", req.network_id().c_str(),
                         s.error_message().c_str());
            return false;
          }
        }
        // Version 2 of A: first provider-site row dropped, one hospital renamed, a row added.
        std::vector<v1::NetworkProvider> rows = r.roster_a;
        rows.erase(rows.begin() + static_cast<long>(rows.size()) - 1);
        rows.front().set_name(rows.front().name() + " (renamed)");
        rows.push_back(r.roster_b.back());
        grpc::ClientContext c;
        Prepare(&c, static_cast<int>(t));
        v1::NetworkVersion version;
        auto writer = networks_->ImportNetwork(&c, &version);
        v1::ImportNetworkRequest head;
        head.mutable_header()->set_network_id(BaseId(r, "a"));
        head.mutable_header()->set_note("soak setup v2");
        writer->Write(head);
        v1::ImportNetworkRequest batch;
        for (const auto& p : rows) *batch.mutable_providers()->add_providers() = p;
        writer->Write(batch);
        writer->WritesDone();
        grpc::Status s = writer->Finish();
        if (!s.ok() || version.version() != 2) {
          std::fprintf(stderr, "soak: setup ImportNetwork %s: %s (version %d)\n",
                       BaseId(r, "a").c_str(), s.error_message().c_str(), version.version());
          return false;
        }
      }
    }
    return true;
  }

  void Run(int concurrency, Clock::time_point stop_at) {
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

  Stats& stats() { return stats_; }
  const std::string& nonce() const { return nonce_; }

 private:
  struct Slot {
    std::mt19937 rng;
    int64_t creates = 0, imports = 0;
    int64_t n = 0;  // calls started
  };

  std::string BaseId(const RegionData& r, const char* which) const {
    return absl::StrCat(nonce_, "-", r.name, "-", which);
  }

  void Prepare(grpc::ClientContext* c, int slot) {
    c->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(absl::GetFlag(FLAGS_call_deadline_seconds)));
    c->AddMetadata("x-carereach-tenant", tenants_[slot % tenants_.size()]);
    if (!token_.empty()) c->AddMetadata("authorization", "Bearer " + token_);
  }

  void Queue(int slot) {
    std::lock_guard<std::mutex> lock(mu_);
    ready_.push_back(slot);
    queue_cv_.notify_one();
  }

  void StarterLoop() {
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

  Kind Pick(Slot& s) {
    std::discrete_distribution<int> d(weights_.begin(), weights_.end());
    return static_cast<Kind>(d(s.rng));
  }

  // Records a finished call and queues its slot for the next one.
  std::function<void(const grpc::Status&, const std::string&)> Finisher(int slot, Kind kind,
                                                                        bool negative = false) {
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

  template <class Resp, class Call>
  void Unary(int slot, Kind kind, std::shared_ptr<const google::protobuf::Message> request,
             Call call, std::function<std::string(const Resp&)> check) {
    struct State {
      grpc::ClientContext context;
      Resp response;
      std::shared_ptr<const google::protobuf::Message> request;
    };
    auto state = std::make_shared<State>();
    state->request = std::move(request);
    Prepare(&state->context, slot);
    auto finish = Finisher(slot, kind, kind == kNotFound);
    call(&state->context, state->request.get(), &state->response,
         [state, finish, check](grpc::Status s) {
           finish(s, s.ok() && check ? check(state->response) : std::string());
         });
  }

  const RegionData& County(Slot& s) {
    return world_.county_regions[s.n % world_.county_regions.size()];
  }

  static void SetDrive(v1::DriveOptions* d, int64_t n) {
    d->set_direction(n % 2 == 0 ? v1::TRAVEL_DIRECTION_TO_FACILITY
                                : v1::TRAVEL_DIRECTION_FROM_FACILITY);
  }

  static v1::NetworkSelection Inline(const std::string& label,
                                     const std::vector<v1::NetworkProvider>& rows) {
    v1::NetworkSelection sel;
    sel.set_label(label);
    for (const auto& p : rows) *sel.add_providers() = p;
    return sel;
  }

  v1::NetworkSelection Stored(const RegionData& r, const char* which, int version) const {
    v1::NetworkSelection sel;
    sel.set_network_id(BaseId(r, which));
    sel.set_version(version);
    return sel;
  }

  void StartOne(int slot) {
    Slot& s = slots_[slot];
    ++s.n;
    const Kind kind = Pick(s);
    const RegionData& county = County(s);
    const int64_t n = s.n;
    switch (kind) {
      case kListRegions: {
        auto req = std::make_shared<v1::ListRegionsRequest>();
        Unary<v1::ListRegionsResponse>(
            slot, kind, req,
            [this, req](auto* c, auto*, auto* r, auto cb) {
              access_->async()->ListRegions(c, req.get(), r, cb);
            },
            [](const v1::ListRegionsResponse& r) {
              return r.regions_size() >= 6 ? "" : "fewer than 6 regions";
            });
        return;
      }
      case kCoverageStraight:
      case kCoverageDrive: {
        auto req = std::make_shared<v1::ComputeCoverageRequest>();
        const bool drive = kind == kCoverageDrive;
        const RegionData& r =
            drive ? county
                  : (n % 4 == 0 ? world_.county_regions[n / 4 % world_.county_regions.size()]
                                : world_.state_regions[n % world_.state_regions.size()]);
        req->set_region(r.name);
        // (A cut-down data directory may leave a region without hospitals of its own.)
        for (const Place& h : r.hospitals.empty() ? world_.all_hospitals : r.hospitals) {
          *req->add_facilities() = ToFacility(h);
        }
        if (drive) {
          req->set_mode(v1::TRAVEL_MODE_DRIVE);
          for (double m : {10.0, 20.0, 30.0}) req->add_max_minutes(m);
          req->add_max_miles(15);
          SetDrive(req->mutable_drive(), n);
        } else {
          req->set_mode(v1::TRAVEL_MODE_STRAIGHT_LINE);
          for (double m : {5.0, 10.0, 20.0}) req->add_max_miles(m);
          req->add_max_minutes(30);
        }
        if (n % 3 == 0) {
          req->mutable_unit_detail()->set_include(true);
          req->mutable_unit_detail()->set_page_size(100);
        }
        Unary<v1::ComputeCoverageResponse>(
            slot, kind, req,
            [this, req](auto* c, auto*, auto* resp, auto cb) {
              access_->async()->ComputeCoverage(c, req.get(), resp, cb);
            },
            [req](const v1::ComputeCoverageResponse& resp) -> std::string {
              if (resp.results_size() != 4) return "not 4 results";
              if (resp.total_population() <= 0) return "no population";
              return "";
            });
        return;
      }
      case kIsochrones: {
        auto req = std::make_shared<v1::ComputeIsochronesRequest>();
        req->set_region(county.name);
        for (size_t i = 0; i < county.hospitals.size() && i < 2; ++i) {
          *req->add_facilities() = ToFacility(county.hospitals[(i + n) % county.hospitals.size()]);
        }
        req->add_max_minutes(10);
        req->add_max_minutes(20);
        Unary<v1::ComputeIsochronesResponse>(
            slot, kind, req,
            [this, req](auto* c, auto*, auto* resp, auto cb) {
              access_->async()->ComputeIsochrones(c, req.get(), resp, cb);
            },
            [](const v1::ComputeIsochronesResponse& resp) {
              return resp.isochrones_size() == 2 ? "" : "not 2 isochrones";
            });
        return;
      }
      case kMatrix: {
        v1::ComputeMatrixRequest req;
        req.set_region(county.name);
        const size_t step = std::max<size_t>(1, county.tracts.size() / 25);
        for (size_t i = n % step; i < county.tracts.size(); i += step) {
          v1::Facility* o = req.add_origins();
          o->set_id(county.tracts[i].id);
          *o->mutable_location() = Loc(county.tracts[i]);
        }
        for (size_t i = 0; i < county.hospitals.size() && i < 10; ++i) {
          *req.add_destinations() = ToFacility(county.hospitals[i]);
        }
        req.set_max_minutes(60);
        const int origins = req.origins_size(), destinations = req.destinations_size();
        auto finish = Finisher(slot, kind);
        auto* call = new ReaderCall<v1::ComputeMatrixRequest, v1::MatrixRow>(
            std::move(req), [finish, origins, destinations](
                                const grpc::Status& st, const std::vector<v1::MatrixRow>& rows) {
              std::string bad;
              if (st.ok() && static_cast<int>(rows.size()) != origins) bad = "rows != origins";
              for (const auto& row : rows) {
                if (row.minutes_size() != destinations) bad = "row length != destinations";
              }
              finish(st, bad);
            });
        Prepare(call->context(), slot);
        access_->async()->ComputeMatrix(call->context(), call->request(), call);
        call->Go();
        return;
      }
      case kEvaluateAdequacy: {
        std::vector<v1::EvaluateAdequacyRequest> parts(1);
        v1::AdequacyRequestHeader* h = parts[0].mutable_header();
        h->set_region(county.name);
        if (n % 3 == 0) {
          h->set_mode(v1::TRAVEL_MODE_DRIVE);
          SetDrive(h->mutable_drive(), n);
        }
        h->set_include_uncovered_units(n % 2 == 0);
        std::vector<v1::NetworkProvider> rows = county.roster_a;
        rows.insert(rows.end(), county.roster_b.begin(), county.roster_b.end());
        for (size_t i = 0; i < rows.size(); i += 40) {
          v1::EvaluateAdequacyRequest batch;
          for (size_t j = i; j < rows.size() && j < i + 40; ++j) {
            *batch.mutable_providers()->add_providers() = rows[j];
          }
          parts.push_back(std::move(batch));
        }
        const int roster_rows = static_cast<int>(rows.size());
        auto finish = Finisher(slot, kind);
        auto* call = new BidiCall<v1::EvaluateAdequacyRequest, v1::EvaluateAdequacyResponse>(
            std::move(parts),
            [finish, roster_rows](const grpc::Status& st,
                                  const std::vector<v1::EvaluateAdequacyResponse>& out) {
              std::string bad;
              if (st.ok()) {
                if (out.empty() || !out.back().has_summary()) {
                  bad = "no summary";
                } else if (out.back().summary().roster_rows() != roster_rows ||
                           out.back().summary().results() != static_cast<int>(out.size()) - 1) {
                  bad = "summary does not match the stream";
                }
              }
              finish(st, bad);
            });
        Prepare(call->context(), slot);
        adequacy_->async()->EvaluateAdequacy(call->context(), call);
        call->Go();
        return;
      }
      case kAnalyzeCoverage: {
        auto req = std::make_shared<v1::AnalyzeCoverageRequest>();
        req->set_region(county.name);
        *req->add_networks() = Stored(county, "a", 0);
        if (n % 2 == 0) *req->add_networks() = Stored(county, "b", 1);
        if (n % 3 == 0) {  // a what-if on A: drop a hospital of both versions, add a site
          req->mutable_networks(0)->add_remove_provider_ids(county.roster_a[1].id());
          *req->mutable_networks(0)->add_add_providers() = county.roster_b.front();
        }
        if (n % 4 == 1) {
          req->set_mode(v1::TRAVEL_MODE_DRIVE);
          req->add_max_minutes(15);
          req->add_max_minutes(30);
          SetDrive(req->mutable_drive(), n);
        } else {
          req->add_max_miles(10);
          req->add_max_miles(20);
        }
        const int members = req->networks_size();
        Unary<v1::AnalyzeCoverageResponse>(
            slot, kind, req,
            [this, req](auto* c, auto*, auto* resp, auto cb) {
              contracting_->async()->AnalyzeCoverage(c, req.get(), resp, cb);
            },
            [members](const v1::AnalyzeCoverageResponse& resp) -> std::string {
              if (resp.results_size() != 2) return "not 2 results";
              if (members > 1 && resp.members_size() != members) return "members missing";
              return "";
            });
        return;
      }
      case kAnalyzeAdequacy: {
        v1::AnalyzeAdequacyRequest req;
        req.set_region(county.name);
        *req.add_networks() = Stored(county, "a", 0);
        *req.add_networks() = Stored(county, "b", 0);
        req.add_specialty_codes("S03");
        req.add_specialty_codes("040");
        req.add_specialty_codes("014");
        if (n % 3 == 0) {
          req.set_mode(v1::TRAVEL_MODE_DRIVE);
          SetDrive(req.mutable_drive(), n);
        }
        auto finish = Finisher(slot, kind);
        auto* call = new ReaderCall<v1::AnalyzeAdequacyRequest, v1::AnalyzeAdequacyResponse>(
            std::move(req),
            [finish](const grpc::Status& st, const std::vector<v1::AnalyzeAdequacyResponse>& out) {
              std::string bad;
              if (st.ok() && (out.size() != 4 || !out.back().has_summary())) {
                bad = absl::StrCat(out.size(), " messages, not 3 results and a summary");
              }
              finish(st, bad);
            });
        Prepare(call->context(), slot);
        contracting_->async()->AnalyzeAdequacy(call->context(), call->request(), call);
        call->Go();
        return;
      }
      case kRecommendAdditions: {
        auto req = std::make_shared<v1::RecommendAdditionsRequest>();
        req->set_region(county.name);
        *req->add_networks() = Stored(county, "a", 1);
        *req->mutable_candidates() =
            n % 2 == 0 ? Stored(county, "b", 0) : Inline("pool", county.roster_b);
        if (n % 4 == 1) {
          req->set_mode(v1::TRAVEL_MODE_DRIVE);
          SetDrive(req->mutable_drive(), n);
        }
        req->mutable_coverage()->set_max_minutes(20);
        req->set_max_picks(5);
        Unary<v1::RecommendAdditionsResponse>(
            slot, kind, req,
            [this, req](auto* c, auto*, auto* resp, auto cb) {
              contracting_->async()->RecommendAdditions(c, req.get(), resp, cb);
            },
            [](const v1::RecommendAdditionsResponse& resp) -> std::string {
              return resp.total() > 0 ? "" : "no residents counted";
            });
        return;
      }
      case kAccessRatios: {
        auto req = std::make_shared<v1::ComputeAccessRatiosRequest>();
        req->set_region(county.name);
        *req->mutable_network() = Stored(county, n % 2 == 0 ? "a" : "b", 0);
        req->set_catchment_minutes(30);
        req->set_capacity_from_beds(true);
        req->set_include_units(n % 5 == 0);
        if (n % 4 == 1) {
          req->set_mode(v1::TRAVEL_MODE_DRIVE);
          SetDrive(req->mutable_drive(), n);
        }
        Unary<v1::ComputeAccessRatiosResponse>(
            slot, kind, req,
            [this, req](auto* c, auto*, auto* resp, auto cb) {
              contracting_->async()->ComputeAccessRatios(c, req.get(), resp, cb);
            },
            [](const v1::ComputeAccessRatiosResponse& resp) -> std::string {
              return resp.total_population() > 0 && resp.providers_size() > 0 ? "" : "empty";
            });
        return;
      }
      case kCreateNetwork: {
        auto req = std::make_shared<v1::CreateNetworkRequest>();
        req->set_network_id(absl::StrCat(nonce_, "-c", slot, "-", s.creates++));
        req->set_name("Soak created network");
        const auto& rows = county.roster_b;
        for (size_t i = 0; i < rows.size() && i < 20; ++i) *req->add_providers() = rows[i];
        const int64_t want = req->providers_size();
        Unary<v1::CreateNetworkResponse>(
            slot, kind, req,
            [this, req](auto* c, auto*, auto* resp, auto cb) {
              networks_->async()->CreateNetwork(c, req.get(), resp, cb);
            },
            [want](const v1::CreateNetworkResponse& resp) -> std::string {
              return resp.version().version() == 1 && resp.version().provider_count() == want
                         ? ""
                         : "not version 1 with every row";
            });
        return;
      }
      case kImportNetwork: {
        // Each slot imports twice into each of its own ids: version 1 creates, 2 appends.
        const int64_t j = s.imports++;
        std::vector<v1::ImportNetworkRequest> parts(1);
        v1::ImportNetworkHeader* h = parts[0].mutable_header();
        h->set_network_id(absl::StrCat(nonce_, "-i", slot, "-", j / 2));
        h->set_create_if_missing(true);
        h->set_name("Soak imported network");
        h->set_note(absl::StrCat("import ", j));
        const auto& rows = county.roster_a;
        const size_t count = std::min<size_t>(rows.size(), 30 + j % 2);
        for (size_t i = 0; i < count; i += 10) {
          v1::ImportNetworkRequest batch;
          for (size_t k = i; k < count && k < i + 10; ++k) {
            *batch.mutable_providers()->add_providers() = rows[k];
          }
          parts.push_back(std::move(batch));
        }
        const int want_version = static_cast<int>(j % 2) + 1;
        const int64_t want_rows = static_cast<int64_t>(count);
        auto finish = Finisher(slot, kind);
        auto* call = new WriterCall<v1::ImportNetworkRequest, v1::NetworkVersion>(
            std::move(parts),
            [finish, want_version, want_rows](const grpc::Status& st, const v1::NetworkVersion& v) {
              std::string bad;
              if (st.ok() && (v.version() != want_version || v.provider_count() != want_rows)) {
                bad = absl::StrCat("version ", v.version(), " rows ", v.provider_count(),
                                   ", expected ", want_version, " and ", want_rows);
              }
              finish(st, bad);
            });
        Prepare(call->context(), slot);
        networks_->async()->ImportNetwork(call->context(), call->response(), call);
        call->Go();
        return;
      }
      case kListNetworks: {
        auto req = std::make_shared<v1::ListNetworksRequest>();
        req->set_page_size(50);
        Unary<v1::ListNetworksResponse>(
            slot, kind, req,
            [this, req](auto* c, auto*, auto* resp, auto cb) {
              networks_->async()->ListNetworks(c, req.get(), resp, cb);
            },
            [](const v1::ListNetworksResponse& resp) -> std::string {
              return resp.networks_size() > 0 ? "" : "no networks listed";
            });
        return;
      }
      case kGetNetwork:
      case kNotFound: {
        auto req = std::make_shared<v1::GetNetworkRequest>();
        req->set_network_id(kind == kNotFound ? absl::StrCat(nonce_, "-missing")
                                              : BaseId(county, n % 2 == 0 ? "a" : "b"));
        Unary<v1::GetNetworkResponse>(
            slot, kind, req,
            [this, req](auto* c, auto*, auto* resp, auto cb) {
              networks_->async()->GetNetwork(c, req.get(), resp, cb);
            },
            [](const v1::GetNetworkResponse& resp) -> std::string {
              return resp.versions_size() >= 1 ? "" : "no versions";
            });
        return;
      }
      case kExportNetwork: {
        v1::ExportNetworkRequest req;
        req.set_network_id(BaseId(county, "a"));
        req.set_version(static_cast<int>(n % 3));  // 0 (latest), 1, 2
        auto finish = Finisher(slot, kind);
        auto* call = new ReaderCall<v1::ExportNetworkRequest, v1::ExportNetworkResponse>(
            std::move(req),
            [finish](const grpc::Status& st, const std::vector<v1::ExportNetworkResponse>& out) {
              std::string bad;
              if (st.ok()) {
                int64_t rows = 0;
                for (const auto& m : out) rows += m.providers().providers_size();
                if (out.empty() || !out.front().has_version() ||
                    out.front().version().provider_count() != rows) {
                  bad = "rows streamed != the version's provider_count";
                }
              }
              finish(st, bad);
            });
        Prepare(call->context(), slot);
        networks_->async()->ExportNetwork(call->context(), call->request(), call);
        call->Go();
        return;
      }
      case kDiffNetworkVersions: {
        auto req = std::make_shared<v1::DiffNetworkVersionsRequest>();
        req->set_network_id(BaseId(county, "a"));
        req->set_from_version(1);
        req->set_to_version(2);
        Unary<v1::DiffNetworkVersionsResponse>(
            slot, kind, req,
            [this, req](auto* c, auto*, auto* resp, auto cb) {
              networks_->async()->DiffNetworkVersions(c, req.get(), resp, cb);
            },
            [](const v1::DiffNetworkVersionsResponse& resp) -> std::string {
              return resp.added_size() == 1 && resp.removed_size() == 1 && resp.changed_size() == 1
                         ? ""
                         : "not 1 added, 1 removed, 1 changed";
            });
        return;
      }
      case kKindCount:
        break;
    }
    std::abort();
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AccessService::Stub> access_;
  std::unique_ptr<v1::AdequacyService::Stub> adequacy_;
  std::unique_ptr<v1::ContractingService::Stub> contracting_;
  std::unique_ptr<v1::NetworkService::Stub> networks_;
  World world_;
  std::vector<int> weights_;
  std::vector<std::string> tenants_;
  std::string token_;
  std::string nonce_;
  Stats stats_;
  std::vector<Slot> slots_;
  Clock::time_point stop_at_;
  std::mutex mu_;
  std::condition_variable queue_cv_, idle_cv_;
  std::deque<int> ready_;
  int finished_slots_ = 0;
  bool stopping_ = false;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "soak: cannot read %s\n", path.c_str());
    std::exit(2);
  }
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<int> Weights() {
  std::vector<int> w;
  for (const KindInfo& k : kKinds) w.push_back(k.default_weight);
  const std::string mix = absl::GetFlag(FLAGS_mix);
  for (absl::string_view item : absl::StrSplit(mix, ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(item, '=');
    int value = -1;
    int index = -1;
    for (int i = 0; i < kKindCount; ++i) {
      if (kv.first == kKinds[i].name) index = i;
    }
    if (index < 0 || !absl::SimpleAtoi(kv.second, &value) || value < 0) {
      std::fprintf(stderr, "soak: --mix: bad item \"%s\" (kind=weight, weight >= 0)\n",
                   std::string(item).c_str());
      std::exit(2);
    }
    w[index] = value;
  }
  int total = 0;
  for (int v : w) total += v;
  if (total == 0) {
    std::fprintf(stderr, "soak: --mix: every weight is 0\n");
    std::exit(2);
  }
  return w;
}

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage("carereach-soak --target HOST:PORT --data_dir DIR [flags]");
  absl::ParseCommandLine(argc, argv);
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  const int duration = absl::GetFlag(FLAGS_duration_seconds);
  const int concurrency = absl::GetFlag(FLAGS_concurrency);
  const std::vector<std::string> tenants = absl::GetFlag(FLAGS_tenants);
  if (data_dir.empty() || duration <= 0 || concurrency <= 0 || tenants.empty()) {
    std::fprintf(stderr,
                 "soak: --data_dir, --duration_seconds > 0, --concurrency > 0 and --tenants are "
                 "required\n");
    return 2;
  }
  int warmup = absl::GetFlag(FLAGS_warmup_seconds);
  if (warmup < 0) warmup = std::min(60, duration / 4);
  warmup = std::min(warmup, duration);
  const std::vector<int> weights = Weights();
  const int pid = absl::GetFlag(FLAGS_server_pid);

  std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials();
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  if (!absl::GetFlag(FLAGS_tls_ca_file).empty()) {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = ReadFile(absl::GetFlag(FLAGS_tls_ca_file));
    creds = grpc::SslCredentials(tls);
    if (!absl::GetFlag(FLAGS_tls_server_name).empty()) {
      args.SetSslTargetNameOverride(absl::GetFlag(FLAGS_tls_server_name));
    }
  }
  std::string token;
  if (!absl::GetFlag(FLAGS_token_file).empty()) {
    token = std::string(absl::StripAsciiWhitespace(ReadFile(absl::GetFlag(FLAGS_token_file))));
  }
  auto channel = grpc::CreateCustomChannel(absl::GetFlag(FLAGS_target), creds, args);

  World world = LoadWorld(data_dir);
  Soak soak(channel, std::move(world), weights, tenants, token);
  if (!soak.WaitReady(absl::GetFlag(FLAGS_ready_timeout_seconds))) return 1;
  if (!soak.Setup()) return 1;

  const int64_t rss_start = pid > 0 ? RssKb(pid) : -1;
  std::atomic<int64_t> rss_warm{-1}, rss_max{rss_start};
  const auto begin = Clock::now();
  const auto stop_at = begin + std::chrono::seconds(duration);
  std::atomic<bool> done{false};
  std::vector<int64_t> timeline_kb;  // every 10 s, read after the sampler is joined
  std::thread sampler([&] {
    bool warm_taken = false;
    auto next_mark = begin + std::chrono::seconds(10);
    while (!done.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      if (pid <= 0) continue;
      const int64_t kb = RssKb(pid);
      if (Clock::now() >= next_mark) {
        timeline_kb.push_back(kb);
        next_mark += std::chrono::seconds(10);
      }
      rss_max.store(std::max(rss_max.load(), kb));
      if (!warm_taken && Clock::now() >= begin + std::chrono::seconds(warmup)) {
        rss_warm.store(kb);
        warm_taken = true;
      }
    }
  });
  std::printf("soak: %s, %d s (warm-up %d s), concurrency %d, tenants %s, run id %s\n",
              absl::GetFlag(FLAGS_target).c_str(), duration, warmup, concurrency,
              absl::StrJoin(tenants, ",").c_str(), soak.nonce().c_str());
  std::fflush(stdout);
  soak.Run(concurrency, stop_at);
  const double elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
  done.store(true);
  sampler.join();
  const int64_t rss_end = pid > 0 ? RssKb(pid) : -1;
  if (pid > 0 && rss_warm.load() < 0) rss_warm.store(rss_end);

  // Report.
  std::printf("\n%-20s %8s %8s %8s %7s %9s %9s %9s\n", "rpc", "calls", "ok", "expected", "errors",
              "p50_ms", "p99_ms", "max_ms");
  int64_t calls = 0, errors = 0, exhausted = 0;
  std::map<std::string, int64_t> by_code;
  std::vector<std::string> failures, first_errors;
  std::vector<double> all_ms;
  for (int k = 0; k < kKindCount; ++k) {
    const KindStats st = soak.stats().Get(k);
    int64_t e = 0;
    for (const auto& [code, count] : st.errors) {
      e += count;
      by_code[code] += count;
      if (code == "RESOURCE_EXHAUSTED") exhausted += count;
    }
    if (!st.first_error.empty())
      first_errors.push_back(absl::StrCat(kKinds[k].name, ": ", st.first_error));
    calls += st.calls;
    errors += e;
    all_ms.insert(all_ms.end(), st.latencies_ms.begin(), st.latencies_ms.end());
    if (weights[k] == 0 && st.calls == 0) continue;
    std::printf("%-20s %8lld %8lld %8lld %7lld %9.1f %9.1f %9.1f\n", kKinds[k].name,
                static_cast<long long>(st.calls), static_cast<long long>(st.ok),
                static_cast<long long>(st.expected_negative), static_cast<long long>(e),
                Percentile(st.latencies_ms, 0.50), Percentile(st.latencies_ms, 0.99),
                Percentile(st.latencies_ms, 1.0));
    if (absl::GetFlag(FLAGS_require_every_kind) && weights[k] > 0 &&
        st.ok + st.expected_negative == 0) {
      failures.push_back(absl::StrCat(kKinds[k].name, " never completed"));
    }
  }
  std::printf("%-20s %8lld %8s %8s %7lld %9.1f %9.1f %9.1f\n", "all", static_cast<long long>(calls),
              "", "", static_cast<long long>(errors), Percentile(all_ms, 0.50),
              Percentile(all_ms, 0.99), Percentile(all_ms, 1.0));
  std::printf("\ncalls %lld in %.1f s: %.1f calls/s\n", static_cast<long long>(calls), elapsed,
              static_cast<double>(calls) / elapsed);
  std::printf("errors %lld", static_cast<long long>(errors));
  for (const auto& [code, count] : by_code) {
    std::printf(" %s=%lld", code.c_str(), static_cast<long long>(count));
  }
  std::printf("\nRESOURCE_EXHAUSTED (admission control) %lld\n", static_cast<long long>(exhausted));
  for (const std::string& e : first_errors) std::printf("  first error of %s\n", e.c_str());
  if (errors > 0) failures.push_back(absl::StrCat(errors, " errors"));
  if (pid > 0) {
    const double growth =
        rss_warm.load() > 0 ? static_cast<double>(rss_end - rss_warm.load()) / rss_warm.load() : 0;
    std::printf(
        "server RSS (pid %d): start %.1f MiB, after warm-up %.1f MiB, end %.1f MiB, "
        "max %.1f MiB; growth after warm-up %+.1f %% (limit %.0f %%)\n",
        pid, rss_start / 1024.0, rss_warm.load() / 1024.0, rss_end / 1024.0,
        rss_max.load() / 1024.0, growth * 100, absl::GetFlag(FLAGS_max_rss_growth) * 100);
    std::printf("server RSS every 10 s, MiB:");
    for (int64_t kb : timeline_kb) std::printf(" %.0f", kb / 1024.0);
    std::printf("\n");
    if (rss_end < 0) failures.push_back("server RSS unreadable at the end (server gone?)");
    if (growth > absl::GetFlag(FLAGS_max_rss_growth)) {
      failures.push_back(absl::StrFormat("RSS grew %.1f %% after warm-up", growth * 100));
    }
  }
  if (failures.empty()) {
    std::printf("result: PASS\n");
    return 0;
  }
  std::printf("result: FAIL (%s)\n", absl::StrJoin(failures, "; ").c_str());
  return 1;
}

}  // namespace
}  // namespace carereach::soak

int main(int argc, char** argv) { return carereach::soak::Main(argc, argv); }
