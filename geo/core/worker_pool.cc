#include "geo/core/worker_pool.h"

#include <algorithm>
#include <atomic>
#include <utility>

namespace carereach::geo {

struct WorkerPool::Loop {
  Loop(size_t n, const std::function<absl::Status(size_t)>& fn) : n(n), fn(fn) {}
  const size_t n;
  // Only called for claimed indices below n, all of which finish before ParallelFor returns, so
  // the caller's function outlives every call.
  const std::function<absl::Status(size_t)>& fn;
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  absl::Mutex mu;
  size_t finished ABSL_GUARDED_BY(mu) = 0;  // claimed items done (or skipped after a failure)
  absl::Status first_error ABSL_GUARDED_BY(mu);
};

WorkerPool& WorkerPool::Shared() {
  static WorkerPool* pool = new WorkerPool(
      std::max<size_t>(1, static_cast<size_t>(std::thread::hardware_concurrency())) - 1);
  return *pool;
}

WorkerPool::WorkerPool(size_t workers) {
  threads_.reserve(workers);
  for (size_t i = 0; i < workers; ++i) threads_.emplace_back([this] { Work(); });
}

WorkerPool::~WorkerPool() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : threads_) t.join();
}

void WorkerPool::RunItems(Loop& loop) {
  for (;;) {
    const size_t i = loop.next.fetch_add(1, std::memory_order_relaxed);
    if (i >= loop.n) return;
    absl::Status s = loop.failed.load(std::memory_order_relaxed) ? absl::OkStatus() : loop.fn(i);
    absl::MutexLock lock(&loop.mu);
    if (!s.ok() && loop.first_error.ok()) {
      loop.first_error = std::move(s);
      loop.failed.store(true, std::memory_order_relaxed);
    }
    ++loop.finished;
  }
}

void WorkerPool::Work() {
  for (;;) {
    std::shared_ptr<Loop> loop;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]()
                       ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || !queue_.empty(); };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) return;  // stopping
      loop = queue_.front();
      // A loop leaves the queue once every index has been claimed.
      if (loop->next.load(std::memory_order_relaxed) >= loop->n) {
        queue_.erase(queue_.begin());
        continue;
      }
    }
    RunItems(*loop);
    absl::MutexLock lock(&mu_);
    auto it = std::find(queue_.begin(), queue_.end(), loop);
    if (it != queue_.end()) queue_.erase(it);
  }
}

absl::Status WorkerPool::ParallelFor(size_t n, const std::function<absl::Status(size_t)>& fn) {
  if (n == 0) return absl::OkStatus();
  auto loop = std::make_shared<Loop>(n, fn);
  if (n > 1 && !threads_.empty()) {
    absl::MutexLock lock(&mu_);
    queue_.push_back(loop);
  }
  RunItems(*loop);
  // Every index is claimed now; wait for those running on workers.
  absl::MutexLock lock(&loop->mu);
  auto done = [&loop]()
                  ABSL_EXCLUSIVE_LOCKS_REQUIRED(loop->mu) { return loop->finished == loop->n; };
  loop->mu.Await(absl::Condition(&done));
  return loop->first_error;
}

}  // namespace carereach::geo
