#include "geo/access/adequacy.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "geo/access/catchment.h"
#include "geo/core/checked_sum.h"
#include "geo/core/geodesic.h"
#include "geo/core/nearest_facility_index.h"
#include "geo/core/quote.h"
#include "geo/core/status_macros.h"

namespace carereach::access {
namespace {

constexpr double kTelehealthCredit = 0.10;
constexpr double kTolerance = 1e-9;

// A county's span of region units (units are ordered by GEOID, so a county's are contiguous).
struct CountyUnits {
  size_t begin = 0, end = 0;
  int64_t population = 0;
};

// Roster rows of one evaluated specialty type.
struct TypeRoster {
  std::vector<size_t> rows;
  bool telehealth = false;
};

// Which units of a county have access, and which providers serve it, for one type and standard.
struct Evaluation {
  std::vector<uint8_t> access;       // per unit of the county
  std::vector<size_t> serving_rows;  // roster rows (distinct ids) that serve the county
};

// Straight line: a provider within both standards is one within min(D, T x speed / circuity).
absl::StatusOr<Evaluation> EvaluateStraightLine(const Region& region, const CountyUnits& cu,
                                                const std::vector<NetworkProvider>& roster,
                                                const TypeRoster& type,
                                                const geo::NearestFacilityIndex& provider_index,
                                                const StraightLineModel& model, double max_minutes,
                                                double max_miles, const geo::Deadline& deadline) {
  const double reach_miles =
      std::min(max_miles, max_minutes / 60.0 * model.speed_mph / model.circuity_factor);
  Evaluation e;
  e.access.assign(cu.end - cu.begin, 0);
  std::vector<geo::LonLat> unit_points;
  for (size_t i = cu.begin; i < cu.end; ++i) {
    unit_points.push_back(region.units[i].location);
    const auto hit = provider_index.Nearest(region.units[i].location, &deadline);
    if (hit.stopped) return deadline.Error("adequacy", " (straight-line units)");
    e.access[i - cu.begin] =
        hit.index >= 0 && hit.meters / geo::kMetersPerMile <= reach_miles * (1 + kTolerance);
  }
  const geo::NearestFacilityIndex unit_index(unit_points);
  // A provider farther than the reach from the county's bounding box cannot serve it: skip the
  // exact query for it (a national roster against one county is mostly such providers). The box
  // is widened generously (1 degree of latitude is at least 68.7 miles; longitude degrees shrink
  // with the cosine of the box's most poleward latitude).
  double min_lat = 90, max_lat = -90, min_lon = 180, max_lon = -180;
  for (const geo::LonLat& p : unit_points) {
    min_lat = std::min(min_lat, p.lat);
    max_lat = std::max(max_lat, p.lat);
    min_lon = std::min(min_lon, p.lon);
    max_lon = std::max(max_lon, p.lon);
  }
  const double pad_lat = reach_miles * 1.01 / 68.7 + 1e-6;
  const double pole_lat = std::min(89.0, std::max(std::abs(min_lat), std::abs(max_lat)) + pad_lat);
  const double pad_lon = pad_lat / std::cos(pole_lat * M_PI / 180.0);
  const bool whole_globe_lon = max_lon - min_lon + 2 * pad_lon >= 360.0 || pole_lat >= 89.0;
  for (size_t k = 0; k < type.rows.size(); ++k) {
    const size_t row = type.rows[k];
    if ((k + 1) % 256 == 0)
      RETURN_IF_ERROR(deadline.Check("adequacy", " (straight-line providers)"));
    const geo::LonLat& at = roster[row].location;
    if (unit_points.empty() || at.lat < min_lat - pad_lat || at.lat > max_lat + pad_lat) continue;
    if (!whole_globe_lon) {
      // Longitude distance to the box, the short way round the antimeridian.
      auto gap = [](double a, double b) {
        double d = std::fmod(std::abs(a - b), 360.0);
        return d > 180.0 ? 360.0 - d : d;
      };
      const bool inside = at.lon >= min_lon && at.lon <= max_lon;
      if (!inside && std::min(gap(at.lon, min_lon), gap(at.lon, max_lon)) > pad_lon) continue;
    }
    const auto hit = unit_index.Nearest(at, &deadline);
    if (hit.stopped) return deadline.Error("adequacy", " (straight-line providers)");
    if (hit.index >= 0 && hit.meters / geo::kMetersPerMile <= reach_miles * (1 + kTolerance)) {
      e.serving_rows.push_back(row);
    }
  }
  return e;
}

// Drive mode, one specialty type and one standard over the whole region: which units have
// access and which counties each provider of the type serves. A unit has access when at least
// one provider of the type is within both standards: the fastest route between them within
// max_minutes and that route's length within max_miles, the catchment rule
// (FacilityCatchments), so adequacy, catchments and recommendations apply one rule. One
// catchment per provider, computed once per type and standard and shared by every county
// evaluated with that standard.
struct DriveReach {
  std::vector<uint8_t> access;                       // per region unit
  std::vector<std::vector<int32_t>> county_serving;  // per region county: positions in the type
};

absl::StatusOr<DriveReach> ReachByRoad(const Region& region, const DriveRegion& drive,
                                       const std::vector<NetworkProvider>& roster,
                                       const TypeRoster& type, const TravelModel& travel,
                                       double max_minutes, double max_miles,
                                       const geo::Deadline& deadline) {
  DriveReach reach;
  reach.access.assign(region.units.size(), 0);
  reach.county_serving.resize(region.counties.size());
  std::vector<geo::LonLat> points;
  points.reserve(type.rows.size());
  for (const size_t row : type.rows) points.push_back(roster[row].location);
  RETURN_IF_ERROR(VisitCatchments(
      region, &drive, points,
      {.travel = travel, .max_minutes = max_minutes, .max_miles = max_miles, .deadline = deadline},
      [&](size_t k, std::span<const UnitReach> catchment) {
        int32_t last_county = -1;
        for (const UnitReach& u : catchment) {  // sorted by unit, so by county
          reach.access[u.unit] = 1;
          const int32_t county = region.unit_county[u.unit];
          if (county == last_county) continue;
          reach.county_serving[county].push_back(static_cast<int32_t>(k));
          last_county = county;
        }
      }));
  return reach;
}

}  // namespace

absl::StatusOr<Region> RegionFromBeneficiaryPoints(const Region& base,
                                                   std::span<const io::PopulationUnit> points) {
  absl::flat_hash_set<std::string> counties;
  for (const County& c : base.counties) counties.insert(c.fips);
  absl::flat_hash_set<std::string> ids;
  std::vector<io::PopulationUnit> units;
  int64_t total = 0;  // checked: the region's total, and every sum of its units, fits int64
  for (size_t i = 0; i < points.size(); ++i) {
    const io::PopulationUnit& p = points[i];
    if (p.id.empty() || !ids.insert(p.id).second) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "beneficiary_points[%d].id: %s is empty or repeated", i, QuoteForError(p.id)));
    }
    if (!counties.contains(p.county_fips)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("beneficiary_points[%d].county_fips: %s is not a county of region %s", i,
                          QuoteForError(p.county_fips), base.name));
    }
    if (p.population <= 0) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "beneficiary_points[%d].beneficiaries: %d is not a positive count", i, p.population));
    }
    RETURN_IF_ERROR(geo::CheckedAdd(
        p.population, &total,
        absl::StrFormat("beneficiary_points[%d].beneficiaries: the sum of beneficiaries", i)));
    RETURN_IF_ERROR(
        geo::ValidateLonLat(p.location, absl::StrFormat("beneficiary_points[%d].location", i)));
    // Unit ids are ordered by county so that a county's units stay contiguous.
    units.push_back({p.county_fips + ":" + p.id, p.county_fips, p.population, p.location});
  }
  if (units.empty()) {
    return absl::InvalidArgumentError("beneficiary_points: empty");
  }
  std::vector<io::CountyRecord> names;
  for (const County& c : base.counties) names.push_back({c.fips, c.state, c.name, 0, 0});
  return BuildRegion(base.name, base.description, "request beneficiary points", {.all_units = true},
                     units, names);
}

const char* ExclusionReason(std::string_view code) {
  for (const Exclusion& e : kExclusions) {
    if (code == e.code) return e.reason;
  }
  return nullptr;
}

absl::Status ValidateRoster(std::span<const NetworkProvider> roster,
                            const io::StandardsSet& standards, std::string_view field) {
  for (size_t i = 0; i < roster.size(); ++i) {
    const NetworkProvider& p = roster[i];
    if (p.id.empty()) {
      return absl::InvalidArgumentError(absl::StrFormat("%s[%d].id: is empty", field, i));
    }
    if (!standards.IsRosterCode(p.specialty_code)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s[%d].specialty_code: \"%s\" is not a CMS HSD specialty code (001-006 for "
          "primary care, 007-037 providers, 040-068 facilities)",
          field, i, p.specialty_code));
    }
    RETURN_IF_ERROR(geo::ValidateLonLat(p.location, absl::StrFormat("%s[%d].location", field, i)));
    if (!(p.beds >= 0) || !std::isfinite(p.beds)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s[%d].beds: %g is not a count of beds", field, i, p.beds));
    }
    // Bounded so that the sums of beds (doubles) stay finite and exact to well below one bed.
    if (p.beds > kMaxBedsPerProvider) {
      return absl::InvalidArgumentError(absl::StrFormat("%s[%d].beds: %g is more than %d", field, i,
                                                        p.beds, kMaxBedsPerProvider));
    }
    if (!p.exclusion.empty() && ExclusionReason(p.exclusion) == nullptr) {
      std::string codes;
      for (const Exclusion& e : kExclusions)
        absl::StrAppend(&codes, codes.empty() ? "" : ", ", e.code);
      return absl::InvalidArgumentError(
          absl::StrFormat("%s[%d].exclusion: %s is not one of %s (42 CFR 422.116(a)(3)(i))", field,
                          i, QuoteForError(p.exclusion), codes));
    }
    if (p.beds > 0 && standards.EvaluatedAs(p.specialty_code) != "040") {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s[%d].beds: beds count only for acute inpatient hospitals (040), not %s", field, i,
          p.specialty_code));
    }
  }
  return absl::OkStatus();
}

namespace {

// The counties evaluated, as indices into region.counties: every county of the region with
// standards, or the ones asked for (in order, once each).
absl::StatusOr<std::vector<size_t>> SelectCounties(const Region& region,
                                                   const io::StandardsSet& standards,
                                                   const std::vector<std::string>& fips) {
  std::vector<size_t> counties;
  if (fips.empty()) {
    for (size_t c = 0; c < region.counties.size(); ++c) {
      if (standards.County(region.counties[c].fips) != nullptr) counties.push_back(c);
    }
    return counties;
  }
  absl::flat_hash_map<std::string, size_t> region_county;
  for (size_t c = 0; c < region.counties.size(); ++c) region_county[region.counties[c].fips] = c;
  for (size_t i = 0; i < fips.size(); ++i) {
    auto it = region_county.find(fips[i]);
    if (it == region_county.end()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "county_fips[%d]: \"%s\" is not a county of region %s", i, fips[i], region.name));
    }
    if (standards.County(fips[i]) == nullptr) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "county_fips[%d]: \"%s\" has no standards in %s", i, fips[i], standards.name()));
    }
    counties.push_back(it->second);
  }
  std::sort(counties.begin(), counties.end());
  counties.erase(std::unique(counties.begin(), counties.end()), counties.end());
  return counties;
}

// The specialty types evaluated: every type of the standards set, or the ones asked for.
absl::StatusOr<std::vector<const io::SpecialtyType*>> SelectTypes(
    const io::StandardsSet& standards, const std::vector<std::string>& codes) {
  std::vector<const io::SpecialtyType*> types;
  if (codes.empty()) {
    for (const io::SpecialtyType& t : standards.specialties()) types.push_back(&t);
    return types;
  }
  for (size_t i = 0; i < codes.size(); ++i) {
    const io::SpecialtyType* t = standards.Specialty(codes[i]);
    if (t == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrFormat("specialty_codes[%d]: %s is not a specialty type of %s", i,
                          QuoteForError(codes[i]), standards.name()));
    }
    types.push_back(t);
  }
  return types;
}

CountyUnits UnitsOfCounty(const Region& region, size_t c) {
  CountyUnits cu;
  const int32_t county = static_cast<int32_t>(c);
  cu.begin = std::lower_bound(region.unit_county.begin(), region.unit_county.end(), county) -
             region.unit_county.begin();
  cu.end = std::upper_bound(region.unit_county.begin(), region.unit_county.end(), county) -
           region.unit_county.begin();
  for (size_t i = cu.begin; i < cu.end; ++i) cu.population += region.units[i].population;
  return cu;
}

// What one evaluation needs besides the county and the type.
struct Evaluator {
  const Region& region;
  const DriveRegion* drive;
  const io::StandardsSet& standards;
  const absl::flat_hash_set<std::string>& telehealth_eligible;
  const AdequacyRequest& request;
  absl::flat_hash_map<std::string, TypeRoster> by_type;  // 001-006 count as S03
  // Drive mode: per type and standard (max minutes, max miles), built once.
  absl::flat_hash_map<std::tuple<std::string, double, double>, DriveReach> drive_reach;
  // Straight-line indexes per type, built once.
  absl::flat_hash_map<std::string, std::unique_ptr<geo::NearestFacilityIndex>> indexes;

  // Rows with an exclusion (42 CFR 422.116(a)(3)) never count: they are left out here.
  std::vector<int32_t> excluded_rows;

  void Prepare() {
    for (size_t r = 0; r < request.roster.size(); ++r) {
      if (!request.roster[r].exclusion.empty()) {
        excluded_rows.push_back(static_cast<int32_t>(r));
        continue;
      }
      TypeRoster& t = by_type[standards.EvaluatedAs(request.roster[r].specialty_code)];
      t.rows.push_back(r);
      t.telehealth |= request.roster[r].telehealth;
    }
  }

  absl::StatusOr<Evaluation> Evaluate(size_t c, const CountyUnits& cu, const std::string& type,
                                      const TypeRoster& roster,
                                      const io::CountyCriterion& criterion) {
    if (request.travel.mode == TravelMode::kDrive) {
      auto key = std::make_tuple(type, criterion.max_minutes, criterion.max_miles);
      auto it = drive_reach.find(key);
      if (it == drive_reach.end()) {
        ASSIGN_OR_RETURN(DriveReach reach,
                         ReachByRoad(region, *drive, request.roster, roster, request.travel,
                                     criterion.max_minutes, criterion.max_miles, request.deadline));
        it = drive_reach.emplace(std::move(key), std::move(reach)).first;
      }
      Evaluation e;
      e.access.assign(it->second.access.begin() + cu.begin, it->second.access.begin() + cu.end);
      for (int32_t k : it->second.county_serving[c]) e.serving_rows.push_back(roster.rows[k]);
      return e;
    }
    auto& index = indexes[type];
    if (index == nullptr) {
      std::vector<geo::LonLat> points;
      for (size_t r : roster.rows) points.push_back(request.roster[r].location);
      index = std::make_unique<geo::NearestFacilityIndex>(points);
    }
    return EvaluateStraightLine(region, cu, request.roster, roster, *index,
                                request.travel.straight_line, criterion.max_minutes,
                                criterion.max_miles, request.deadline);
  }

  // The time and distance part of a result: who has access, and the telehealth credit.
  void TimeDistance(const CountyUnits& cu, const Evaluation& e, bool telehealth,
                    CountySpecialtyResult* r) const {
    int64_t covered_population = 0;
    for (size_t i = cu.begin; i < cu.end; ++i) {
      if (e.access[i - cu.begin]) {
        covered_population += region.units[i].population;
      } else if (request.include_uncovered_units && region.units[i].population > 0) {
        const std::string& id = region.units[i].id;
        // Beneficiary points carry "county:id" ids to keep counties contiguous; report the id.
        r->uncovered_unit_ids.push_back(request.own_beneficiary_points ? id.substr(id.find(':') + 1)
                                                                       : id);
      }
    }
    r->share_with_access = Share(covered_population, cu.population);
    r->beneficiaries_with_access = r->share_with_access * static_cast<double>(r->beneficiaries);
    r->uncovered_beneficiaries =
        static_cast<double>(r->beneficiaries) - r->beneficiaries_with_access;
    r->required_share = io::RequiredShare(r->county->designation);
    r->telehealth_credit =
        telehealth && telehealth_eligible.contains(r->specialty->code) ? kTelehealthCredit : 0.0;
    r->time_distance_pass =
        r->share_with_access + r->telehealth_credit >= r->required_share - kTolerance;
  }

  // The minimum number part: distinct providers serving (an id counts once per type); beds for
  // acute inpatient hospitals.
  void MinimumNumber(const Evaluation& e, const io::CountyCriterion& criterion,
                     CountySpecialtyResult* r) const {
    absl::flat_hash_set<std::string> seen;
    for (size_t row : e.serving_rows) {
      const NetworkProvider& p = request.roster[row];
      if (!seen.insert(p.id).second) continue;
      r->counted_rows.push_back(static_cast<int32_t>(row));
      r->counted += r->specialty->ratio_in_beds ? p.beds : 1.0;
    }
    r->providers_serving = static_cast<int32_t>(seen.size());
    r->minimum_number = criterion.minimum_number;
    r->minimum_number_pass = r->counted + kTolerance >= r->minimum_number;
    r->minimum_number_deficit = std::max(0.0, r->minimum_number - r->counted);
  }

  // One county x type; nullopt when the reference file sets no standard there.
  absl::StatusOr<std::optional<CountySpecialtyResult>> Result(size_t c, const CountyUnits& cu,
                                                              const io::SpecialtyType* type) {
    const County& county = region.counties[c];
    const io::CountyCriterion* criterion = standards.Criterion(county.fips, type->code);
    if (criterion == nullptr) return std::nullopt;
    static const TypeRoster kEmpty;
    auto tr = by_type.find(type->code);
    const TypeRoster& roster = tr == by_type.end() ? kEmpty : tr->second;
    ASSIGN_OR_RETURN(const Evaluation e, Evaluate(c, cu, type->code, roster, *criterion));
    CountySpecialtyResult r;
    r.county = standards.County(county.fips);
    r.specialty = type;
    r.county_name = county.name;
    r.max_minutes = criterion->max_minutes;
    r.max_miles = criterion->max_miles;
    r.beneficiaries =
        request.own_beneficiary_points ? cu.population : r.county->total_beneficiaries;
    TimeDistance(cu, e, roster.telehealth, &r);
    MinimumNumber(e, *criterion, &r);
    r.pass = r.time_distance_pass && r.minimum_number_pass;
    return r;
  }
};

}  // namespace

absl::StatusOr<AdequacySummary> EvaluateAdequacy(
    const Region& region, const DriveRegion* drive, const io::StandardsSet& standards,
    const absl::flat_hash_set<std::string>& telehealth_eligible, const AdequacyRequest& request,
    const std::function<bool(const CountySpecialtyResult&)>& emit) {
  RETURN_IF_ERROR(ValidateRoster(request.roster, standards));
  RETURN_IF_ERROR(ValidateTravelModel(request.travel, region, drive));
  ASSIGN_OR_RETURN(const std::vector<size_t> counties,
                   SelectCounties(region, standards, request.county_fips));
  ASSIGN_OR_RETURN(const std::vector<const io::SpecialtyType*> types,
                   SelectTypes(standards, request.specialty_codes));
  Evaluator evaluator{region, drive, standards, telehealth_eligible, request};
  evaluator.Prepare();
  AdequacySummary summary;
  summary.counties = static_cast<int32_t>(counties.size());
  summary.specialty_types = static_cast<int32_t>(types.size());
  summary.excluded_rows = evaluator.excluded_rows;
  for (size_t c : counties) {
    const CountyUnits cu = UnitsOfCounty(region, c);
    for (const io::SpecialtyType* type : types) {
      if (request.deadline.Stopped()) {
        return request.deadline.Error("adequacy",
                                      absl::StrFormat(" after %d results", summary.results));
      }
      ASSIGN_OR_RETURN(const std::optional<CountySpecialtyResult> r, evaluator.Result(c, cu, type));
      if (!r) continue;
      ++summary.results;
      if (!r->pass) ++summary.failing_results;
      if (!emit(*r)) return absl::CancelledError("adequacy: the caller stopped reading");
    }
  }
  return summary;
}

}  // namespace carereach::access
