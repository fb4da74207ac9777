#ifndef CAREREACH_SERVER_RPC_MAP_SCENES_H_
#define CAREREACH_SERVER_RPC_MAP_SCENES_H_

// What a map of MapService shows: its options checked (MapPlan), then a render::MapScene built
// from the *domain* answer of the analysis (coverage, adequacy, isochrones). Drawing it is
// map_service.cc's.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "carereach/v1/maps.pb.h"
#include "geo/render/render.h"
#include "geo/render/scene.h"
#include "server/rpc/analysis_call.h"

namespace carereach::rpc {

enum class MapKind { kCoverage, kAdequacy, kIsochrones };

// One MapOptions, checked and with its defaults.
struct MapPlan {
  std::string path;  // "maps[0]"
  render::RenderOptions options;
  std::vector<v1::MapLayer> layers;  // as asked (empty: the kind's defaults, set later)
  std::string specialty_code;        // normalised
  std::string title;
  bool by_miles = false;
  std::vector<std::string> credits;

  bool Has(v1::MapLayer layer) const {
    return std::find(layers.begin(), layers.end(), layer) != layers.end();
  }
};

// The checks that need nothing but the request (count, sizes, layers of the kind); one plan per
// MapOptions, or one of the defaults when the request has none.
absl::StatusOr<std::vector<MapPlan>> PlansOf(const v1::RenderMapRequest& request, MapKind kind);

// The checks that need the call's scope (the travel mode), and the default layers.
absl::Status CompletePlan(const AnalysisCall& call, MapKind kind, MapPlan* plan);

// The coverage map's own checks, before anything is computed.
absl::Status CheckCoveragePlan(const v1::AnalyzeCoverageRequest& request, const MapPlan& plan);

absl::StatusOr<render::MapScene> CoverageScene(const AnalysisCall& call,
                                               const v1::AnalyzeCoverageRequest& request,
                                               const CoverageRun& run, const MapPlan& plan);

// What a map needs of one county x type row.
struct AdequacyCell {
  std::string fips;
  std::string code;
  bool pass = false;
  std::vector<std::string> uncovered_unit_ids;  // only for the types some map shows
};

// `code_out` gets the type the map fills counties by (plan.specialty_code, or the type with the
// most failing counties).
absl::StatusOr<render::MapScene> AdequacyScene(const AnalysisCall& call, const AdequacyRun& run,
                                               const std::vector<AdequacyCell>& cells,
                                               const MapPlan& plan, std::string* code_out);

absl::StatusOr<render::MapScene> IsochroneScene(const AnalysisCall& call,
                                                const access::IsochroneRequest& domain,
                                                const access::IsochroneAnswer& answer,
                                                const MapPlan& plan);

}  // namespace carereach::rpc

#endif  // CAREREACH_SERVER_RPC_MAP_SCENES_H_
