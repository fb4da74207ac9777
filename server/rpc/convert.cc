#include "server/rpc/convert.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "geo/access/adequacy.h"
#include "geo/core/status_macros.h"
#include "server/rpc/limits.h"
#include "server/rpc/page_token.h"

namespace carereach::rpc {
namespace {

void SetThreshold(const access::Threshold& t, v1::ThresholdCoverage* out) {
  if (t.kind == access::Threshold::Kind::kMinutes) {
    out->set_max_minutes(t.value);
  } else {
    out->set_max_miles(t.value);
  }
}

uint64_t RequestFingerprint(const v1::ComputeCoverageRequest& request) {
  v1::ComputeCoverageRequest copy = request;
  copy.mutable_unit_detail()->clear_page_token();
  copy.mutable_unit_detail()->clear_page_size();
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    copy.SerializeToCodedStream(&coded);
  }
  return Fingerprint(bytes);
}

}  // namespace

void TotalsToProto(const access::Threshold& t, const access::ThresholdTotals& totals,
                   int64_t total_population, v1::ThresholdCoverage* out) {
  SetThreshold(t, out);
  out->set_covered_population(totals.covered_population);
  out->set_covered_units(totals.covered_units);
  out->set_share(access::Share(totals.covered_population, total_population));
}

absl::StatusOr<access::TravelModel> TravelModelFromProto(v1::TravelMode mode,
                                                         const v1::StraightLineOptions& straight,
                                                         const v1::DriveOptions& drive,
                                                         std::string_view mode_field) {
  access::TravelModel out;
  switch (mode) {
    case v1::TRAVEL_MODE_UNSPECIFIED:
    case v1::TRAVEL_MODE_STRAIGHT_LINE:
      out.mode = access::TravelMode::kStraightLine;
      break;
    case v1::TRAVEL_MODE_DRIVE:
      out.mode = access::TravelMode::kDrive;
      break;
    default:
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: %d is not a TravelMode", std::string(mode_field), static_cast<int>(mode)));
  }
  if (straight.circuity_factor() != 0.0) {
    out.straight_line.circuity_factor = straight.circuity_factor();
  }
  if (straight.speed_mph() != 0.0) out.straight_line.speed_mph = straight.speed_mph();
  ASSIGN_OR_RETURN(out.drive, DriveParamsFromProto(drive));
  return out;
}

v1::TravelMode ModeToProto(access::TravelMode mode) {
  return mode == access::TravelMode::kDrive ? v1::TRAVEL_MODE_DRIVE : v1::TRAVEL_MODE_STRAIGHT_LINE;
}

std::string ModeName(access::TravelMode mode) {
  return mode == access::TravelMode::kDrive ? "DRIVE" : "STRAIGHT_LINE";
}

void StraightLineToProto(const access::StraightLineModel& model, v1::StraightLineOptions* out) {
  out->set_circuity_factor(model.circuity_factor);
  out->set_speed_mph(model.speed_mph);
}

std::vector<access::Threshold> ThresholdsFromProto(
    const google::protobuf::RepeatedField<double>& minutes,
    const google::protobuf::RepeatedField<double>& miles) {
  std::vector<access::Threshold> thresholds;
  for (double m : minutes) thresholds.push_back(access::Threshold::Minutes(m));
  for (double m : miles) thresholds.push_back(access::Threshold::Miles(m));
  return thresholds;
}

absl::StatusOr<access::CoverageRequest> CoverageRequestFromProto(
    const v1::ComputeCoverageRequest& request) {
  access::CoverageRequest out;
  ASSIGN_OR_RETURN(out.travel, TravelModelOf(request));
  ASSIGN_OR_RETURN(out.facilities, FacilitiesFromProto(request.facilities(), "facilities"));
  out.thresholds = ThresholdsFromProto(request.max_minutes(), request.max_miles());
  return out;
}

absl::StatusOr<std::vector<access::Facility>> FacilitiesFromProto(
    const google::protobuf::RepeatedPtrField<v1::Facility>& facilities, std::string_view field) {
  std::vector<access::Facility> out;
  out.reserve(facilities.size());
  for (int i = 0; i < facilities.size(); ++i) {
    const v1::Facility& f = facilities[i];
    if (!f.has_location()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s[%d].location: is required", std::string(field), i));
    }
    out.push_back(access::Facility{.id = f.id(),
                                   .name = f.name(),
                                   .location = {f.location().lon(), f.location().lat()},
                                   .type = f.type()});
  }
  return out;
}

absl::StatusOr<access::IsochroneRequest> IsochroneRequestFromProto(
    const v1::ComputeIsochronesRequest& request) {
  access::IsochroneRequest out;
  ASSIGN_OR_RETURN(std::vector<access::Facility> facilities,
                   FacilitiesFromProto(request.facilities(), "facilities"));
  out.facilities = std::move(facilities);
  out.max_minutes.assign(request.max_minutes().begin(), request.max_minutes().end());
  ASSIGN_OR_RETURN(routing::DriveParams drive, DriveParamsFromProto(request.drive()));
  out.drive = drive;
  // An isochrone is drawn outwards from its facilities unless the caller asks otherwise.
  out.drive.to_facility = request.drive().direction() == v1::TRAVEL_DIRECTION_TO_FACILITY;
  if (request.road_buffer_meters() != 0.0) out.road_buffer_meters = request.road_buffer_meters();
  return out;
}

absl::StatusOr<access::MatrixRequest> MatrixRequestFromProto(
    const v1::ComputeMatrixRequest& request) {
  access::MatrixRequest out;
  ASSIGN_OR_RETURN(std::vector<access::Facility> origins,
                   FacilitiesFromProto(request.origins(), "origins"));
  ASSIGN_OR_RETURN(std::vector<access::Facility> destinations,
                   FacilitiesFromProto(request.destinations(), "destinations"));
  out.origins = std::move(origins);
  out.destinations = std::move(destinations);
  if (request.max_minutes() != 0.0) out.max_minutes = request.max_minutes();
  ASSIGN_OR_RETURN(routing::DriveParams drive, DriveParamsFromProto(request.drive()));
  out.drive = drive;
  return out;
}

void IsochronesToProto(const access::IsochroneRequest& request,
                       const access::IsochroneAnswer& answer, const std::string& speed_profile,
                       v1::ComputeIsochronesResponse* out) {
  for (size_t k = 0; k < answer.isochrones.size(); ++k) {
    v1::Isochrone* iso = out->add_isochrones();
    iso->set_max_minutes(request.max_minutes[k]);
    iso->set_geojson(answer.isochrones[k].geojson);
    iso->set_area_km2(answer.isochrones[k].area_km2);
  }
  for (int32_t i : answer.unsnapped_facilities) {
    out->add_unsnapped_facility_ids(request.facilities[i].id);
  }
  out->set_speed_profile(speed_profile);
  out->set_attribution(std::string(kOsmAttribution));
}

void MatrixRowToProto(const access::MatrixRequest& request, const access::MatrixRow& row,
                      v1::MatrixRow* out) {
  out->set_origin_index(row.origin_index);
  out->set_origin_id(request.origins[row.origin_index].id);
  out->set_origin_snapped(row.origin_snapped);
  for (const routing::PairTravel& t : row.travel) {
    const bool reached = std::isfinite(t.seconds);
    out->add_minutes(reached ? t.seconds / 60.0 : -1.0);
    out->add_miles(reached ? t.meters / 1609.344 : -1.0);
  }
}

namespace {

absl::Mutex speed_profiles_mu(absl::kConstInit);
std::set<std::string>& SpeedProfiles() ABSL_EXCLUSIVE_LOCKS_REQUIRED(speed_profiles_mu) {
  static std::set<std::string>* const names = new std::set<std::string>();
  return *names;
}

absl::Status CheckSpeedProfile(const std::string& name) {
  if (name.empty()) return absl::OkStatus();
  absl::MutexLock lock(&speed_profiles_mu);
  const std::set<std::string>& known = SpeedProfiles();
  if (known.contains(name)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrFormat(
      "drive.speed_profile: %s is not a speed profile of this server; known profiles: %s (or "
      "empty for the server's profile)",
      QuoteForError(name), known.empty() ? "none" : absl::StrJoin(known, ", ")));
}

}  // namespace

void RegisterSpeedProfile(std::string_view name) {
  absl::MutexLock lock(&speed_profiles_mu);
  SpeedProfiles().emplace(name);
}

absl::StatusOr<routing::DriveParams> DriveParamsFromProto(const v1::DriveOptions& options) {
  RETURN_IF_ERROR(CheckSpeedProfile(options.speed_profile()));
  routing::DriveParams p;
  if (options.max_snap_meters() != 0.0) p.max_snap_meters = options.max_snap_meters();
  if (options.offroad_speed_mph() != 0.0) {
    p.offroad_meters_per_second = options.offroad_speed_mph() * 1609.344 / 3600.0;
  }
  switch (options.direction()) {
    case v1::TRAVEL_DIRECTION_UNSPECIFIED:
    case v1::TRAVEL_DIRECTION_TO_FACILITY:
      p.to_facility = true;
      break;
    case v1::TRAVEL_DIRECTION_FROM_FACILITY:
      p.to_facility = false;
      break;
    default:
      return absl::InvalidArgumentError(absl::StrFormat(
          "drive.direction: %d is not a TravelDirection", static_cast<int>(options.direction())));
  }
  return p;
}

absl::StatusOr<UnitPage> UnitPageFromProto(const v1::ComputeCoverageRequest& request) {
  UnitPage page;
  const v1::UnitDetailOptions& detail = request.unit_detail();
  page.include = detail.include();
  if (!page.include) return page;
  if (detail.page_size() < 0 || detail.page_size() > kMaxUnitPageSize) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "unit_detail.page_size: %d is outside [0, %d]", detail.page_size(), kMaxUnitPageSize));
  }
  page.size = detail.page_size() == 0 ? kDefaultUnitPageSize : detail.page_size();
  page.fingerprint = RequestFingerprint(request);
  if (!detail.page_token().empty()) {
    ASSIGN_OR_RETURN(int64_t offset, DecodePageToken(detail.page_token(), page.fingerprint));
    page.offset = offset;
  }
  return page;
}

void RegionToProto(const access::Region& region, v1::Region* out) {
  out->set_name(region.name);
  out->set_description(region.description);
  for (const std::string& s : region.selector.state_fips) out->add_state_fips(s);
  out->set_county_count(static_cast<int32_t>(region.counties.size()));
  out->set_unit_count(static_cast<int32_t>(region.units.size()));
  out->set_total_population(region.total_population);
  out->add_modes(v1::TRAVEL_MODE_STRAIGHT_LINE);
  out->set_population_source(region.population_source);
}

void RoadStateToProto(const RegionCatalog::RoadState& roads, v1::Region* out) {
  using Phase = RegionCatalog::RoadState::Phase;
  out->set_roads_source(roads.roads_source);
  switch (roads.phase) {
    case Phase::kNone:
      out->set_roads_state(v1::ROAD_NETWORK_STATE_NONE);
      return;
    case Phase::kLoading:
      out->set_roads_state(v1::ROAD_NETWORK_STATE_LOADING);
      return;
    case Phase::kFailed:
      out->set_roads_state(v1::ROAD_NETWORK_STATE_FAILED);
      return;
    case Phase::kReady:
      break;
  }
  out->set_roads_state(v1::ROAD_NETWORK_STATE_READY);
  out->add_modes(v1::TRAVEL_MODE_DRIVE);
  const roads::RoadGraph& g = roads.drive->network->graph();
  out->set_road_nodes(g.main_component_nodes());
  out->set_road_edges(g.arc_count());
  out->set_speed_profile(g.profile_name);
}

void CoverageTablesToProto(const access::Region& region,
                           const std::vector<access::Threshold>& thresholds,
                           const access::CoverageSummary& s,
                           google::protobuf::RepeatedPtrField<v1::ThresholdCoverage>* results,
                           google::protobuf::RepeatedPtrField<v1::CountyCoverage>* counties) {
  for (size_t k = 0; k < thresholds.size(); ++k) {
    TotalsToProto(thresholds[k], s.by_threshold[k], s.total_population, results->Add());
  }
  for (size_t c = 0; c < region.counties.size(); ++c) {
    const access::County& county = region.counties[c];
    const access::CountyTotals& totals = s.counties[c];
    v1::CountyCoverage* cc = counties->Add();
    cc->set_fips(county.fips);
    cc->set_name(county.name);
    cc->set_state(county.state);
    cc->set_total_population(totals.total_population);
    cc->set_unit_count(totals.unit_count);
    for (size_t k = 0; k < thresholds.size(); ++k) {
      TotalsToProto(thresholds[k], totals.by_threshold[k], totals.total_population,
                    cc->add_results());
    }
  }
}

void ExcludedProvidersToProto(std::span<const access::NetworkProvider> roster,
                              const std::string& network, v1::AdequacySummary* out) {
  for (const access::NetworkProvider& p : roster) {
    if (p.exclusion.empty()) continue;
    v1::ExcludedProvider* e = out->add_excluded_providers();
    e->set_id(p.id);
    e->set_name(p.name);
    e->set_specialty_code(p.specialty_code);
    e->set_exclusion(p.exclusion);
    const char* reason = access::ExclusionReason(p.exclusion);
    e->set_reason(reason != nullptr ? reason : "");
    e->set_network(network);
  }
}

void AdequacySummaryToProto(const AnalysisScope& scope, const io::StandardsSet& standards,
                            const access::AdequacySummary& summary, int64_t roster_rows,
                            v1::AdequacySummary* out) {
  out->set_region(scope.region->name);
  out->set_standards_set(standards.name());
  out->set_mode(ModeToProto(scope.travel.mode));
  out->set_counties(summary.counties);
  out->set_specialty_types(summary.specialty_types);
  out->set_results(summary.results);
  out->set_failing_results(summary.failing_results);
  out->set_roster_rows(static_cast<int32_t>(roster_rows));
  out->set_beneficiary_method(scope.own_points ? access::kOwnPointsMethod
                                               : access::kBeneficiaryMethod);
  RoadsToProto(scope, out);
}

namespace {

// The page of unit detail; INVALID_ARGUMENT when its offset is past the last unit.
absl::Status UnitsToProto(const access::Region& region, const access::CoverageRequest& request,
                          const access::CoverageAnswer& answer, const UnitPage& page,
                          v1::ComputeCoverageResponse* out) {
  const int64_t unit_count = static_cast<int64_t>(region.units.size());
  if (page.offset > unit_count) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "unit_detail.page_token: offset %d is past the %d units", page.offset, unit_count));
  }
  const int64_t end = std::min(unit_count, page.offset + page.size);
  for (int64_t i = page.offset; i < end; ++i) {
    const io::PopulationUnit& unit = region.units[i];
    const access::UnitTravel& t = answer.travel[i];
    v1::PopulationUnitResult* u = out->add_units();
    u->set_unit_id(unit.id);
    u->set_county_fips(unit.county_fips);
    u->set_population(unit.population);
    u->mutable_location()->set_lon(unit.location.lon);
    u->mutable_location()->set_lat(unit.location.lat);
    u->set_reached(t.reached());
    if (t.reached()) {
      u->set_nearest_facility_id(request.facilities[t.facility].id);
      u->set_minutes(t.minutes);
      u->set_miles(t.miles);
      u->set_snap_meters(t.snap_meters);
    }
  }
  if (end < unit_count) out->set_next_page_token(EncodePageToken(end, page.fingerprint));
  return absl::OkStatus();
}

}  // namespace

absl::Status CoverageToProto(const access::Region& region, const access::CoverageRequest& request,
                             const access::CoverageAnswer& answer, const UnitPage& page,
                             const std::string& speed_profile, v1::ComputeCoverageResponse* out) {
  const access::CoverageSummary& s = answer.summary;
  out->set_region(region.name);
  out->set_total_population(s.total_population);
  out->set_unit_count(s.unit_count);
  out->set_zero_population_units(s.zero_population_units);
  out->set_facility_count(static_cast<int32_t>(request.facilities.size()));
  CoverageModelToProto(request.travel, speed_profile, s, out);
  for (int32_t i : answer.unsnapped_facilities) {
    out->add_unsnapped_facility_ids(request.facilities[i].id);
  }
  CoverageTablesToProto(region, request.thresholds, s, out->mutable_results(),
                        out->mutable_counties());
  return page.include ? UnitsToProto(region, request, answer, page, out) : absl::OkStatus();
}

}  // namespace carereach::rpc
