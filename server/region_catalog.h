#ifndef CAREREACH_SERVER_REGION_CATALOG_H_
#define CAREREACH_SERVER_REGION_CATALOG_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "carereach/v1/region_config.pb.h"
#include "geo/access/coverage.h"
#include "geo/access/region.h"
#include "geo/io/cms.h"
#include "geo/io/county_boundaries.h"
#include "geo/roads/speed_profile.h"
#include "geo/routing/road_network.h"

namespace carereach {

// The regions a server answers for, loaded from a RegionsConfig (protobuf text format; see
// deploy/regions.textproto) and the data files it names. Road networks load later, region by
// region (LoadRoads), while straight-line questions are already answered.
// Thread-safe: regions are immutable after Load; each region's road state is swapped under a
// mutex and read as a snapshot.
class RegionCatalog {
 public:
  using LogFn = std::function<void(std::string_view)>;

  struct RoadState {
    enum class Phase { kNone, kLoading, kReady, kFailed };
    Phase phase = Phase::kNone;
    std::string roads_source;                          // relative to the data directory
    std::shared_ptr<const access::DriveRegion> drive;  // when ready
    std::string error;                                 // when failed
  };

  // Parses `text` and checks it: unique well-formed names, selectors, and that every file it
  // names exists under `data_dir`. Quick (no data is read), so a bad config fails at start-up
  // before the port opens. Errors name `source` and the problem.
  static absl::StatusOr<v1::RegionsConfig> ParseConfig(std::string_view text,
                                                       std::string_view source,
                                                       const std::string& data_dir);

  // Reads the data files (each once, however many regions share it) and builds every region.
  // Rows a loader skipped are logged with file and line, never dropped silently.
  static absl::StatusOr<std::unique_ptr<RegionCatalog>> Load(const v1::RegionsConfig& config,
                                                             const std::string& data_dir,
                                                             const LogFn& log);

  // NOT_FOUND naming the loaded regions when `name` is not one of them.
  absl::StatusOr<const access::Region*> Find(std::string_view name) const;

  // In config order.
  const std::vector<std::unique_ptr<const access::Region>>& regions() const { return regions_; }

  // A named set of adequacy standards and the telehealth-eligible types that go with it.
  struct Standards {
    io::StandardsSet set;
    absl::flat_hash_set<std::string> telehealth_eligible;
  };
  // The standards set called `name`; empty: the first configured. NOT_FOUND naming the sets.
  absl::StatusOr<const Standards*> FindStandards(std::string_view name) const;

  // Snapshot of a region's road network state (index as in regions()).
  RoadState Roads(size_t region_index) const;
  // The drive data of a region, or FAILED_PRECONDITION (no road network, or it failed to load)
  // or UNAVAILABLE (still loading) naming the region.
  absl::StatusOr<std::shared_ptr<const access::DriveRegion>> DriveRegionOf(
      size_t region_index) const;
  size_t IndexOf(const access::Region* region) const;

  // The outlines of a region's counties (index as in regions()), in the order of
  // Region::counties, for maps; empty when the config names no county_boundaries_file. A county
  // the file lacks is left out and named in the start-up log. Immutable after Load.
  const std::vector<io::CountyBoundary>& CountyOutlines(size_t region_index) const {
    return outlines_[region_index];
  }

  // Imports (or reads from `cache_dir`) each region's road network in turn, marks it READY or
  // FAILED, and calls `on_change(region_name, ready)` after each. Blocks; run it on a thread.
  // Returns early, leaving the remaining regions loading, once `stop` (if set) returns true; it
  // is asked before each region.
  void LoadRoads(const std::string& data_dir, const std::string& cache_dir,
                 const roads::SpeedProfile& profile,
                 const routing::RoadNetwork::Options& network_options, const LogFn& log,
                 const std::function<void(const std::string&, bool)>& on_change,
                 const std::function<bool()>& stop = nullptr);

 private:
  // Reads the boundary file and keeps each region's counties' outlines.
  absl::Status LoadOutlines(const std::string& path, const LogFn& log);

  std::vector<std::unique_ptr<const access::Region>> regions_;
  std::vector<std::vector<io::CountyBoundary>> outlines_;  // per region
  std::vector<std::unique_ptr<const Standards>> standards_;
  mutable absl::Mutex mu_;
  std::vector<RoadState> roads_ ABSL_GUARDED_BY(mu_);
};

}  // namespace carereach

#endif  // CAREREACH_SERVER_REGION_CATALOG_H_
