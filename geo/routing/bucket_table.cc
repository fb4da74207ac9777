#include "geo/routing/bucket_table.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "geo/core/worker_pool.h"
#include "geo/routing/ch_search.h"

namespace carereach::routing {
namespace {

// Origins per ParallelFor item: enough rows to amortise handing out an item, few enough that
// both cores stay busy on small matrices.
constexpr size_t kOriginsPerItem = 8;

struct BucketEntry {
  uint32_t column;
  RouteKey key;
};

struct RankedEntry {
  uint32_t rank;
  RouteKey key;
};

}  // namespace

absl::StatusOr<std::vector<RouteKey>> ManyToMany(const Hierarchy& hierarchy,
                                                 std::span<const std::vector<Seed>> origins,
                                                 std::span<const std::vector<Seed>> destinations,
                                                 RouteKey bound_key, const geo::Deadline& deadline,
                                                 Metric metric) {
  const size_t rows = origins.size(), columns = destinations.size();
  if (columns > UINT32_MAX) {
    return absl::InvalidArgumentError(
        absl::StrFormat("travel matrix: %d destinations, at most %d", columns, UINT32_MAX));
  }
  if (!hierarchy.Serves(metric)) return NotServed("travel matrix");
  if (deadline.Stopped()) return deadline.Error("travel matrix");
  std::vector<RouteKey> table(rows * columns, kUnreached);
  if (rows == 0 || columns == 0) return table;
  geo::WorkerPool& pool = geo::WorkerPool::Shared();

  // Backward phase: the settled, unstalled nodes of each destination's search.
  std::vector<std::vector<RankedEntry>> reached(columns);
  absl::Status status = pool.ParallelFor(columns, [&](size_t j) -> absl::Status {
    UpwardSearch& search = UpwardSearch::ThreadLocal(hierarchy);
    if (absl::Status s =
            search.Run(destinations[j], Direction::kBackward, metric, bound_key, deadline);
        !s.ok()) {
      return s;
    }
    std::vector<RankedEntry>& out = reached[j];
    out.reserve(search.settled().size());
    for (uint32_t x : search.settled()) {
      if (!search.stalled(x)) out.push_back({x, search.key(x)});
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;

  // Buckets by rank (a counting sort; destinations ascending within a bucket).
  const uint32_t n = hierarchy.node_count();
  std::vector<uint32_t> bucket_first(static_cast<size_t>(n) + 1, 0);
  size_t total = 0;
  for (const auto& entries : reached) {
    total += entries.size();
    for (const RankedEntry& e : entries) ++bucket_first[e.rank + 1];
  }
  for (uint32_t x = 0; x < n; ++x) bucket_first[x + 1] += bucket_first[x];
  if (deadline.Stopped()) return deadline.Error("travel matrix", " building buckets");
  std::vector<BucketEntry> buckets(total);
  {
    std::vector<uint32_t> fill(bucket_first.begin(), bucket_first.end() - 1);
    for (uint32_t j = 0; j < columns; ++j) {
      for (const RankedEntry& e : reached[j]) buckets[fill[e.rank]++] = {j, e.key};
      std::vector<RankedEntry>().swap(reached[j]);
    }
  }

  // Forward phase: each origin's search scans the buckets of its settled, unstalled nodes.
  const RouteKey bound = std::min(bound_key, kUnreached - 1);
  const size_t items = (rows + kOriginsPerItem - 1) / kOriginsPerItem;
  status = pool.ParallelFor(items, [&](size_t item) -> absl::Status {
    UpwardSearch& search = UpwardSearch::ThreadLocal(hierarchy);
    const size_t end = std::min(rows, (item + 1) * kOriginsPerItem);
    for (size_t i = item * kOriginsPerItem; i < end; ++i) {
      if (absl::Status s = search.Run(origins[i], Direction::kForward, metric, bound_key, deadline);
          !s.ok()) {
        return s;
      }
      RouteKey* row = table.data() + i * columns;
      for (uint32_t x : search.settled()) {
        if (search.stalled(x)) continue;
        const RouteKey kx = search.key(x);
        for (uint32_t b = bucket_first[x], b_end = bucket_first[x + 1]; b < b_end; ++b) {
          const RouteKey k = kx + buckets[b].key;
          RouteKey& cell = row[buckets[b].column];
          if (k < cell) cell = k;
        }
      }
      for (size_t j = 0; j < columns; ++j) {
        if (row[j] > bound) row[j] = kUnreached;
      }
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return table;
}

}  // namespace carereach::routing
