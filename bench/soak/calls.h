// carereach-soak: the streaming calls (gRPC callback reactors). One base, StreamCall, owns what
// they share: the context, the requests and the write pump that sends them in order and then
// half-closes, the responses read, and the hand-over of the status and the responses to `done`
// when the call ends (after which the call deletes itself).
//
// A call is created with `new`, its context prepared (deadline, metadata), then Go(start) hands
// `start` the stub's arguments (the context, the request or response where the RPC has one, and
// the reactor) and starts reading, writing and the call. Not thread-safe beyond what gRPC
// guarantees for a reactor's callbacks (one of each kind at a time).
#ifndef CAREREACH_BENCH_SOAK_CALLS_H_
#define CAREREACH_BENCH_SOAK_CALLS_H_

#include <cstddef>
#include <functional>
#include <utility>
#include <vector>

#include "grpcpp/grpcpp.h"

namespace carereach::soak {

template <class Reactor, class Req, class Resp>
class StreamCall : public Reactor {
 public:
  using Done = std::function<void(const grpc::Status&, const std::vector<Resp>&)>;

  grpc::ClientContext* context() { return &context_; }

  void OnDone(const grpc::Status& status) override {
    done_(status, responses_);
    delete this;
  }

 protected:
  StreamCall(std::vector<Req> requests, Done done)
      : requests_(std::move(requests)), done_(std::move(done)) {}

  // Writes the next request, or half-closes after the last.
  void WriteNext() {
    if (next_ < requests_.size()) {
      this->StartWrite(&requests_[next_++]);
    } else {
      this->StartWritesDone();
    }
  }
  void StartReading() { this->StartRead(&incoming_); }
  // Keeps the message just read and reads the next; !ok: the stream ended (OnDone has the status).
  void KeepAndReadNext(bool ok) {
    if (!ok) return;
    responses_.push_back(std::move(incoming_));
    incoming_.Clear();
    StartReading();
  }

  grpc::ClientContext context_;
  std::vector<Req> requests_;
  std::vector<Resp> responses_;

 private:
  size_t next_ = 0;
  Resp incoming_;
  Done done_;
};

// Bidi streaming (EvaluateAdequacy): writes every request, half-closes, reads every response.
template <class Req, class Resp>
class BidiCall : public StreamCall<grpc::ClientBidiReactor<Req, Resp>, Req, Resp> {
 public:
  using Base = StreamCall<grpc::ClientBidiReactor<Req, Resp>, Req, Resp>;
  BidiCall(std::vector<Req> requests, typename Base::Done done)
      : Base(std::move(requests), std::move(done)) {}
  // start(context, reactor).
  template <class Start>
  void Go(Start start) {
    start(&this->context_, this);
    this->StartReading();
    this->WriteNext();
    this->StartCall();
  }
  void OnWriteDone(bool ok) override {
    if (ok) this->WriteNext();  // !ok: the call failed; OnDone has the status
  }
  void OnReadDone(bool ok) override { this->KeepAndReadNext(ok); }
};

// Client streaming (ImportNetwork): writes every request, half-closes; `done` gets the one
// response.
template <class Req, class Resp>
class WriterCall : public StreamCall<grpc::ClientWriteReactor<Req>, Req, Resp> {
 public:
  using Base = StreamCall<grpc::ClientWriteReactor<Req>, Req, Resp>;
  WriterCall(std::vector<Req> requests, typename Base::Done done)
      : Base(std::move(requests), std::move(done)) {
    this->responses_.resize(1);
  }
  // start(context, response, reactor).
  template <class Start>
  void Go(Start start) {
    start(&this->context_, &this->responses_[0], this);
    this->WriteNext();
    this->StartCall();
  }
  void OnWriteDone(bool ok) override {
    if (ok) this->WriteNext();
  }
};

// Server streaming (ComputeMatrix, AnalyzeAdequacy, ExportNetwork): one request, reads every
// response.
template <class Req, class Resp>
class ReaderCall : public StreamCall<grpc::ClientReadReactor<Resp>, Req, Resp> {
 public:
  using Base = StreamCall<grpc::ClientReadReactor<Resp>, Req, Resp>;
  ReaderCall(Req request, typename Base::Done done) : Base(std::vector<Req>(1), std::move(done)) {
    this->requests_[0] = std::move(request);
  }
  // start(context, request, reactor).
  template <class Start>
  void Go(Start start) {
    start(&this->context_, &this->requests_[0], this);
    this->StartReading();
    this->StartCall();
  }
  void OnReadDone(bool ok) override { this->KeepAndReadNext(ok); }
};

}  // namespace carereach::soak

#endif  // CAREREACH_BENCH_SOAK_CALLS_H_
