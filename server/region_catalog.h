#ifndef CARERACH_SERVER_REGION_CATALOG_H_
#define CARERACH_SERVER_REGION_CATALOG_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "carereach/v1/region_config.pb.h"
#include "geo/access/region.h"

namespace carereach {

// The regions a server answers for, loaded from a RegionsConfig (protobuf text format; see
// deploy/regions.textproto) and the data files it names.
// Immutable after Load; share it const between threads.
class RegionCatalog {
 public:
  using LogFn = std::function<void(std::string_view)>;

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

 private:
  std::vector<std::unique_ptr<const access::Region>> regions_;
};

}  // namespace carereach

#endif  // CARERACH_SERVER_REGION_CATALOG_H_
