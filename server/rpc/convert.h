#ifndef CAREREACH_SERVER_RPC_CONVERT_H_
#define CAREREACH_SERVER_RPC_CONVERT_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "carereach/v1/access.pb.h"
#include "carereach/v1/adequacy.pb.h"
#include "geo/access/coverage.h"
#include "geo/access/drive_queries.h"
#include "geo/access/region.h"
#include "geo/routing/road_network.h"
#include "server/region_catalog.h"
#include "server/rpc/analysis.h"

namespace carereach::rpc {

// Wire <-> domain conversion for AccessService. Pure functions; thread-safe.

// Fills defaults for zero values and rejects what the domain cannot express (a facility without
// a location, an unknown enum value) with the field path. Range checks are the domain's
// (access::ComputeCoverage).
absl::StatusOr<access::CoverageRequest> CoverageRequestFromProto(
    const v1::ComputeCoverageRequest& request);

inline constexpr std::string_view kOsmAttribution = "© OpenStreetMap contributors";

absl::StatusOr<std::vector<access::Facility>> FacilitiesFromProto(
    const google::protobuf::RepeatedPtrField<v1::Facility>& facilities, std::string_view field);
absl::StatusOr<access::IsochroneRequest> IsochroneRequestFromProto(
    const v1::ComputeIsochronesRequest& request);
absl::StatusOr<access::MatrixRequest> MatrixRequestFromProto(
    const v1::ComputeMatrixRequest& request);
void IsochronesToProto(const access::IsochroneRequest& request,
                       const access::IsochroneAnswer& answer, const std::string& speed_profile,
                       v1::ComputeIsochronesResponse* out);
void MatrixRowToProto(const access::MatrixRequest& request, const access::MatrixRow& row,
                      v1::MatrixRow* out);

// One threshold's totals, with its share of `total_population`.
void TotalsToProto(const access::Threshold& t, const access::ThresholdTotals& totals,
                   int64_t total_population, v1::ThresholdCoverage* out);

// Drive options with defaults for zero values (range checks: access::ValidateDriveParams).
// drive.speed_profile must be empty (the server's profile) or the name of a profile registered
// with RegisterSpeedProfile; anything else is INVALID_ARGUMENT naming the known profiles.
absl::StatusOr<routing::DriveParams> DriveParamsFromProto(const v1::DriveOptions& options);

// Adds a speed profile name that drive.speed_profile may name (the server's loaded profile;
// process-wide, thread-safe).
void RegisterSpeedProfile(std::string_view name);

// The one reading of a request's travel model (every analysis request carries mode,
// straight_line and drive): defaults for zero values; INVALID_ARGUMENT "<mode_field>: 9 is not
// a TravelMode" or "drive.direction: ...". Range checks are the domain's
// (access::ValidateTravelModel).
absl::StatusOr<access::TravelModel> TravelModelFromProto(v1::TravelMode mode,
                                                         const v1::StraightLineOptions& straight,
                                                         const v1::DriveOptions& drive,
                                                         std::string_view mode_field = "mode");
template <class Request>
absl::StatusOr<access::TravelModel> TravelModelOf(const Request& request,
                                                  std::string_view mode_field = "mode") {
  return TravelModelFromProto(request.mode(), request.straight_line(), request.drive(), mode_field);
}
v1::TravelMode ModeToProto(access::TravelMode mode);
// Minutes thresholds first, then miles, as every coverage request lists them.
std::vector<access::Threshold> ThresholdsFromProto(
    const google::protobuf::RepeatedField<double>& minutes,
    const google::protobuf::RepeatedField<double>& miles);
// "DRIVE" or "STRAIGHT_LINE", as saved reports name the mode.
std::string ModeName(access::TravelMode mode);
// The model's parameters as a response reports them: straight-line options, or the speed
// profile and the attribution of the road data.
void StraightLineToProto(const access::StraightLineModel& model, v1::StraightLineOptions* out);

// Which units of the answer go into this response.
struct UnitPage {
  bool include = false;
  int64_t offset = 0;
  int64_t size = 0;
  uint64_t fingerprint = 0;  // of the request without its paging fields
};
inline constexpr int32_t kDefaultUnitPageSize = 1000;
inline constexpr int32_t kMaxUnitPageSize = 10000;

// Reads unit_detail: page size in [0, 10000] (0 = default) and the page token, which must have
// been issued for this same request.
absl::StatusOr<UnitPage> UnitPageFromProto(const v1::ComputeCoverageRequest& request);

void RegionToProto(const access::Region& region, v1::Region* out);
void RoadStateToProto(const RegionCatalog::RoadState& roads, v1::Region* out);

// The results per threshold and the county table of a coverage summary.
void CoverageTablesToProto(const access::Region& region,
                           const std::vector<access::Threshold>& thresholds,
                           const access::CoverageSummary& summary,
                           google::protobuf::RepeatedPtrField<v1::ThresholdCoverage>* results,
                           google::protobuf::RepeatedPtrField<v1::CountyCoverage>* counties);

// The travel model as a coverage response (ComputeCoverage, AnalyzeCoverage) reports it: the
// mode, and the straight-line options or the road network's profile, attribution and
// unsnapped units.
template <class Response>
void CoverageModelToProto(const access::TravelModel& travel, const std::string& speed_profile,
                          const access::CoverageSummary& s, Response* out) {
  out->set_mode(ModeToProto(travel.mode));
  if (travel.mode == access::TravelMode::kStraightLine) {
    StraightLineToProto(travel.straight_line, out->mutable_straight_line());
    return;
  }
  out->set_speed_profile(speed_profile);
  out->set_attribution(std::string(kOsmAttribution));
  out->set_unsnapped_units(s.unsnapped_units);
  out->set_unsnapped_population(s.unsnapped_population);
}

// The road network's profile and attribution, in drive mode.
template <class Response>
void RoadsToProto(const AnalysisScope& scope, Response* out) {
  if (!scope.drive) return;
  out->set_speed_profile(scope.speed_profile());
  out->set_attribution(std::string(kOsmAttribution));
}

// The summary of EvaluateAdequacy and AnalyzeAdequacy (compute_ms is the caller's).
// Adds the rows of `roster` with an exclusion to out->excluded_providers (`network`: the
// member's label, or empty).
void ExcludedProvidersToProto(std::span<const access::NetworkProvider> roster,
                              const std::string& network, v1::AdequacySummary* out);

void AdequacySummaryToProto(const AnalysisScope& scope, const io::StandardsSet& standards,
                            const access::AdequacySummary& summary, int64_t roster_rows,
                            v1::AdequacySummary* out);

// Fills `out` with the summary, the county breakdown and the page of unit detail; INVALID_ARGUMENT
// when the page offset is past the last unit.
// `speed_profile` names the profile of the road network (drive mode).
absl::Status CoverageToProto(const access::Region& region, const access::CoverageRequest& request,
                             const access::CoverageAnswer& answer, const UnitPage& page,
                             const std::string& speed_profile, v1::ComputeCoverageResponse* out);

}  // namespace carereach::rpc

#endif  // CAREREACH_SERVER_RPC_CONVERT_H_
