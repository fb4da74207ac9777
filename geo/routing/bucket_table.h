#ifndef CAREREACH_GEO_ROUTING_BUCKET_TABLE_H_
#define CAREREACH_GEO_ROUTING_BUCKET_TABLE_H_

#include <span>
#include <vector>

#include "absl/status/statusor.h"
#include "geo/core/deadline.h"
#include "geo/routing/dijkstra.h"
#include "geo/routing/hierarchy.h"
#include "geo/routing/route_key.h"

namespace carereach::routing {

// Many-to-many travel on a hierarchy with buckets (Knopp et al. 2007, as OSRM's table does):
// a backward upward search from each destination (its entries as seeds, with their keys) leaves
// {rank, destination, key} in the bucket of every node it settles; a forward upward search from
// each origin (its exits) scans the buckets of the nodes it settles, cell = least key(x) +
// bucket key. Both are pruned at `bound_key` and stall on demand (a stalled node neither writes
// nor scans buckets). The minimum is on the whole key: in `metric` first, then the other metric.
//
// Returns origins.size() x destinations.size() keys, row-major; kUnreached where the least key
// is above `bound_key` (or nothing connects). Equal to a Dijkstra from each origin's seeds,
// cell = least Dijkstra key(entry) + entry key. Both phases run on geo::WorkerPool::Shared(); the
// answer does not depend on the number of threads. Stops with the deadline's error.
absl::StatusOr<std::vector<RouteKey>> ManyToMany(const Hierarchy& hierarchy,
                                                 std::span<const std::vector<Seed>> origins,
                                                 std::span<const std::vector<Seed>> destinations,
                                                 RouteKey bound_key,
                                                 const geo::Deadline& deadline = {},
                                                 Metric metric = Metric::kSeconds);

}  // namespace carereach::routing

#endif  // CAREREACH_GEO_ROUTING_BUCKET_TABLE_H_
