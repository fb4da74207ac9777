// carereach-soak: the driver. `concurrency` slots, each running one call at a time; a finished
// call queues its slot, and one starter thread begins the slot's next call (never from a gRPC
// callback thread), of a kind drawn from the weighted mix, until the stop time.
#ifndef CAREREACH_BENCH_SOAK_DRIVER_H_
#define CAREREACH_BENCH_SOAK_DRIVER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "bench/soak/mix.h"
#include "bench/soak/report.h"
#include "bench/soak/requests.h"
#include "bench/soak/world.h"
#include "carereach/v1/access.grpc.pb.h"
#include "carereach/v1/adequacy.grpc.pb.h"
#include "carereach/v1/contracting.grpc.pb.h"
#include "carereach/v1/networks.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace carereach::soak {

struct DriverOptions {
  std::vector<int> weights;          // by Kind (mix.h)
  std::vector<std::string> tenants;  // x-carereach-tenant; slot i uses tenants[i % n]
  std::string token;                 // sent as "authorization: Bearer ..." when not empty
  int call_deadline_seconds = 120;
};

// WaitReady, Setup and Run from one thread, in that order; stats() is thread-safe.
class Driver {
 public:
  using Clock = std::chrono::steady_clock;

  Driver(std::shared_ptr<grpc::Channel> channel, World world, DriverOptions options);

  // Health SERVING and every drive region READY. False (with a message) on timeout or FAILED.
  bool WaitReady(int timeout_seconds);
  // Stored networks for the contracting and store calls: per tenant and county region, networks
  // A (versions 1 and 2) and B (version 1). Synchronous, before the clock starts. False (with a
  // message) when a call fails.
  bool Setup();
  // Keeps `concurrency` calls in flight until `stop_at`; returns when the last has finished.
  void Run(int concurrency, Clock::time_point stop_at);

  const Stats& stats() const { return stats_; }
  // The run id that prefixes every network id of the run.
  const std::string& nonce() const { return requests_.nonce(); }

 private:
  struct Slot {
    std::mt19937 rng;
    int64_t creates = 0, imports = 0;
    int64_t n = 0;  // calls started
  };
  using Finish = std::function<void(const grpc::Status&, const std::string&)>;

  void Prepare(grpc::ClientContext* c, int slot) const;
  void Queue(int slot);
  void StarterLoop();
  void StartOne(int slot);
  // Records a finished call (status, what is wrong with the answer) and queues its slot.
  Finish Finisher(int slot, Kind kind, bool negative = false);

  // A unary call: start(context, request, response, callback) is the stub's async method.
  template <class Req, class Resp, class Start>
  void Unary(int slot, Kind kind, Planned<Req, Resp> plan, Start start);
  // A streaming call of type Call (calls.h); start as Call::Go takes it.
  template <class Call, class Messages, class Answer, class Start>
  void Stream(int slot, Kind kind, Planned<Messages, Answer> plan, Start start);

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AccessService::Stub> access_;
  std::unique_ptr<v1::AdequacyService::Stub> adequacy_;
  std::unique_ptr<v1::ContractingService::Stub> contracting_;
  std::unique_ptr<v1::NetworkService::Stub> networks_;
  const World world_;
  const DriverOptions options_;
  const Requests requests_;
  Stats stats_;
  std::vector<Slot> slots_;
  Clock::time_point stop_at_;
  std::mutex mu_;
  std::condition_variable queue_cv_, idle_cv_;
  std::deque<int> ready_;
  int finished_slots_ = 0;
  bool stopping_ = false;
};

}  // namespace carereach::soak

#endif  // CAREREACH_BENCH_SOAK_DRIVER_H_
