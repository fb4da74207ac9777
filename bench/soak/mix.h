// carereach-soak: the kinds of call in the workload mix and their weights (--mix).
#ifndef CAREREACH_BENCH_SOAK_MIX_H_
#define CAREREACH_BENCH_SOAK_MIX_H_

#include <string>
#include <vector>

namespace carereach::soak {

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
inline constexpr KindInfo kKinds[kKindCount] = {
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

// The weight of every kind, indexed by Kind: the defaults, overridden by `mix` ("kind=weight,...").
// Prints the error and exits 2 on an unknown kind, a weight that is not a whole number >= 0, or
// when every weight is 0.
std::vector<int> ParseMix(const std::string& mix);

}  // namespace carereach::soak

#endif  // CAREREACH_BENCH_SOAK_MIX_H_
