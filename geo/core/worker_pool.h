#ifndef CAREREACH_GEO_CORE_WORKER_POOL_H_
#define CAREREACH_GEO_CORE_WORKER_POOL_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace carereach::geo {

// A fixed set of worker threads that lives as long as the process, for data-parallel loops in
// request handlers. Threads are made once, so per-thread search scratch (thread_local, e.g.
// routing::Dijkstra::ThreadLocal) is allocated once per worker and graph instead of once per
// call, and concurrent requests share the cores instead of each starting threads of its own.
// Thread-safe: any number of callers may run ParallelFor at once; their loops interleave on the
// workers, and each caller works on its own loop too, so a call never waits for a free worker.
class WorkerPool {
 public:
  // The process-wide pool: hardware_concurrency() - 1 workers (the caller is the last one).
  static WorkerPool& Shared();

  explicit WorkerPool(size_t workers);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs fn(i) for every i in [0, n), on the calling thread and on idle workers, handing out one
  // index at a time (a few slow items do not leave threads idle). The first error stops the
  // loop (items already started finish) and is returned. Returns when every started item is done.
  absl::Status ParallelFor(size_t n, const std::function<absl::Status(size_t)>& fn);

  size_t workers() const { return threads_.size(); }

 private:
  struct Loop;
  void Work();
  static void RunItems(Loop& loop);

  absl::Mutex mu_;
  std::vector<std::shared_ptr<Loop>> queue_ ABSL_GUARDED_BY(mu_);  // loops with items left
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace carereach::geo

#endif  // CAREREACH_GEO_CORE_WORKER_POOL_H_
