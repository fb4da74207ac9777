#ifndef CAREREACH_GEO_ROUTING_NETWORK_CACHE_H_
#define CAREREACH_GEO_ROUTING_NETWORK_CACHE_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "geo/roads/graph_cache.h"
#include "geo/roads/speed_profile.h"
#include "geo/routing/road_network.h"

namespace carereach::routing {

// Graph cache section tags (geo/roads/graph_cache.h) of the structures built over the graph.
inline constexpr uint32_t kSnapIndexSection = roads::CacheTag("SNAP");
inline constexpr uint32_t kHierarchySection = roads::CacheTag("CHIE");

// The road network of `osm_path` under `profile`, ready to answer: the graph, its snap index
// and (when options.build_hierarchy) its contraction hierarchy, each from `cache_path` when
// valid there, otherwise imported or built. A hierarchy section is valid when it was made with
// options.contraction (ContractionParams::Fingerprint) and passes Hierarchy::Validate. The graph
// comes from roads::LoadOrImportGraphCache (a bad graph means a fresh import and every section
// rebuilt). A missing, corrupt or stale section (other build parameters) is rebuilt alone. Whenever
// anything was imported or rebuilt, the whole file is rewritten (to a temporary name, then
// renamed); a failure to write it is logged, not fatal. `log` receives one line per step with its
// time. Empty `cache_path` disables the cache. Without options.build_hierarchy a hierarchy section
// in the file is neither read nor kept (a rewrite drops it).
absl::StatusOr<std::unique_ptr<const RoadNetwork>> LoadOrBuildRoadNetwork(
    const std::string& osm_path, const roads::SpeedProfile& profile, const std::string& cache_path,
    const RoadNetwork::Options& options, const std::function<void(std::string_view)>& log);

}  // namespace carereach::routing

#endif  // CAREREACH_GEO_ROUTING_NETWORK_CACHE_H_
