// MapService's maps: the options checked (MapPlan) and the scenes drawn from the domain answers
// of the analyses (map_scenes.h).
#include "server/rpc/map_scenes.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "geo/access/adequacy.h"
#include "geo/core/status_macros.h"
#include "geo/io/specialty_code.h"
#include "geo/render/roads_layer.h"
#include "nlohmann/json.hpp"
#include "server/rpc/access_service.h"

namespace carereach::rpc {
namespace {

constexpr int kMaxMaps = 8;
constexpr int kDefaultWidth = 1200, kDefaultHeight = 900;
constexpr int kMinWidth = 320, kMinHeight = 240, kMaxSide = 4096;
constexpr int64_t kMaxPixels = 8'388'608;  // 32 MiB of ARGB32 per map
constexpr int kMaxCredits = 8;
constexpr size_t kMaxThresholdsShown = 8;

constexpr char kPopulationCredit[] =
    "Population: U.S. Census Bureau, 2020 Census tract centres of population";
constexpr char kCountyCredit[] =
    "County boundaries: U.S. Census Bureau cartographic boundary files (2020)";

const char* KindName(MapKind kind) {
  switch (kind) {
    case MapKind::kCoverage:
      return "coverage";
    case MapKind::kAdequacy:
      return "adequacy";
    case MapKind::kIsochrones:
      return "isochrones";
  }
  return "";
}

std::string LayerName(int layer) {
  return v1::MapLayer_IsValid(layer) ? v1::MapLayer_Name(static_cast<v1::MapLayer>(layer))
                                     : std::to_string(layer);
}

// The checks that need nothing but the request (sizes, counts, layers of the kind).
absl::StatusOr<MapPlan> PlanOf(const v1::MapOptions& o, const std::string& path, MapKind kind) {
  MapPlan plan{.path = path};
  switch (o.format()) {
    case v1::MAP_FORMAT_UNSPECIFIED:
    case v1::MAP_FORMAT_PNG:
      plan.options.format = render::ImageFormat::kPng;
      break;
    case v1::MAP_FORMAT_SVG:
      plan.options.format = render::ImageFormat::kSvg;
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrFormat("%s.format: %d is not a MapFormat", path, o.format()));
  }
  plan.options.width_px = o.width_px() == 0 ? kDefaultWidth : o.width_px();
  plan.options.height_px = o.height_px() == 0 ? kDefaultHeight : o.height_px();
  if (plan.options.width_px < kMinWidth || plan.options.width_px > kMaxSide) {
    return absl::InvalidArgumentError(absl::StrFormat("%s.width_px: %d is outside [%d, %d]", path,
                                                      o.width_px(), kMinWidth, kMaxSide));
  }
  if (plan.options.height_px < kMinHeight || plan.options.height_px > kMaxSide) {
    return absl::InvalidArgumentError(absl::StrFormat("%s.height_px: %d is outside [%d, %d]", path,
                                                      o.height_px(), kMinHeight, kMaxSide));
  }
  const int64_t pixels = int64_t{plan.options.width_px} * plan.options.height_px;
  if (pixels > kMaxPixels) {
    return absl::ResourceExhaustedError(
        absl::StrFormat("%s.width_px, %s.height_px: %d x %d is %d pixels, at most %d", path, path,
                        plan.options.width_px, plan.options.height_px, pixels, kMaxPixels));
  }
  std::set<int> allowed = {v1::MAP_LAYER_COUNTIES, v1::MAP_LAYER_ROADS, v1::MAP_LAYER_FACILITIES};
  switch (kind) {
    case MapKind::kCoverage:
      allowed.insert(v1::MAP_LAYER_UNITS);
      break;
    case MapKind::kAdequacy:
      allowed.insert({v1::MAP_LAYER_ADEQUACY, v1::MAP_LAYER_UNCOVERED});
      break;
    case MapKind::kIsochrones:
      allowed.insert(v1::MAP_LAYER_ISOCHRONES);
      break;
  }
  for (int i = 0; i < o.layers_size(); ++i) {
    const int layer = o.layers(i);
    const std::string at = absl::StrFormat("%s.layers[%d]", path, i);
    if (!v1::MapLayer_IsValid(layer) || layer == v1::MAP_LAYER_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrFormat("%s: %d is not a MapLayer", at, layer));
    }
    if (allowed.count(layer) == 0) {
      std::vector<std::string> names;
      for (int a : allowed) names.push_back(LayerName(a));
      return absl::InvalidArgumentError(absl::StrFormat("%s: %s is not a layer of %s maps (%s)", at,
                                                        LayerName(layer), KindName(kind),
                                                        absl::StrJoin(names, ", ")));
    }
    if (plan.Has(static_cast<v1::MapLayer>(layer))) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: %s is listed twice", at, LayerName(layer)));
    }
    plan.layers.push_back(static_cast<v1::MapLayer>(layer));
  }
  plan.specialty_code = io::NormalizeSpecialtyCode(o.specialty_code());
  if (kind != MapKind::kAdequacy && !plan.specialty_code.empty()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s.specialty_code: only adequacy maps fill counties by specialty type", path));
  }
  if (kind != MapKind::kCoverage && o.color_by_miles()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s.color_by_miles: only coverage maps colour units by travel", path));
  }
  plan.by_miles = o.color_by_miles();
  plan.title = o.title();
  if (o.credits_size() > kMaxCredits) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s.credits: %d credits, at most %d", path, o.credits_size(), kMaxCredits));
  }
  plan.credits.assign(o.credits().begin(), o.credits().end());
  return plan;
}

// "straight-line, circuity 1.3, 35 mph (minutes = geodesic miles x 1.3 / 35 x 60)" or the
// road network's profile.
std::string TravelText(const AnalysisScope& scope) {
  if (scope.travel.mode == access::TravelMode::kDrive) {
    return absl::StrFormat(
        "Travel: driving on the region's OpenStreetMap roads (speed profile %s), each unit "
        "snapped to its nearest road",
        scope.speed_profile());
  }
  const access::StraightLineModel& s = scope.travel.straight_line;
  return absl::StrFormat(
      "Travel: straight-line, circuity %g, %g mph (minutes = geodesic miles x %g / %g x 60)",
      s.circuity_factor, s.speed_mph, s.circuity_factor, s.speed_mph);
}

std::string NetworksText(const std::vector<ResolvedRoster>& networks) {
  std::vector<std::string> names;
  for (const ResolvedRoster& n : networks) names.push_back(n.label);
  return absl::StrJoin(names, " + ");
}

// What every map of the call has: the region's counties (outlines, no fill), roads, credits.
absl::Status AddBase(const AnalysisCall& call, const MapPlan& plan, render::MapScene* scene) {
  const RegionCatalog& catalog = *call.scope.catalog;
  const size_t index = catalog.IndexOf(call.scope.region);
  if (plan.Has(v1::MAP_LAYER_COUNTIES) || plan.Has(v1::MAP_LAYER_ADEQUACY)) {
    for (const io::CountyBoundary& b : catalog.CountyOutlines(index)) {
      scene->counties.push_back({.fips = b.fips, .rings = b.rings});
    }
  }
  if (plan.Has(v1::MAP_LAYER_ROADS) && call.scope.drive != nullptr) {
    scene->roads = render::RoadsForMap(call.scope.drive->network->graph());
  }
  scene->credits.push_back(kPopulationCredit);
  if (!scene->counties.empty()) scene->credits.push_back(kCountyCredit);
  return absl::OkStatus();
}

void AddTailCredits(const AnalysisCall& call, const MapPlan& plan, render::MapScene* scene) {
  if (!scene->roads.empty() || call.scope.travel.mode == access::TravelMode::kDrive) {
    scene->credits.push_back(std::string(kOsmAttribution));
  }
  for (const std::string& c : plan.credits) scene->credits.push_back(c);
}

std::string Subtitle(const AnalysisCall& call, const std::vector<ResolvedRoster>& networks) {
  return absl::StrFormat(
      "Region %s · %s · %s", call.scope.region->name,
      call.scope.travel.mode == access::TravelMode::kDrive ? "drive" : "straight-line",
      NetworksText(networks));
}

// Units are coloured by minutes when the request has minutes thresholds, unless the map asks
// for miles.
bool ColoursByMiles(const v1::AnalyzeCoverageRequest& request, const MapPlan& plan) {
  return plan.by_miles || request.max_minutes().empty();
}

// The type whose pass / fail a map shows: the asked one (which the answer must evaluate), else
// the one with the most failing counties, the first in standards order on a tie.
absl::StatusOr<std::string> ChosenSpecialty(const MapPlan& plan,
                                            const std::vector<AdequacyCell>& cells,
                                            const io::StandardsSet& standards) {
  absl::flat_hash_map<std::string, int> failing;
  for (const AdequacyCell& c : cells) failing[c.code] += c.pass ? 0 : 1;
  if (!plan.specialty_code.empty()) {
    if (failing.contains(plan.specialty_code)) return plan.specialty_code;
    std::vector<std::string> codes;
    for (const auto& [code, n] : failing) codes.push_back(code);
    std::sort(codes.begin(), codes.end());
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s.specialty_code: \"%s\" is not a type this analysis evaluated (%s)", plan.path,
        plan.specialty_code, codes.empty() ? "none" : absl::StrJoin(codes, ", ")));
  }
  std::string best;
  int best_failing = -1;
  for (const io::SpecialtyType& t : standards.specialties()) {
    const auto it = failing.find(t.code);
    if (it != failing.end() && it->second > best_failing) best = t.code, best_failing = it->second;
  }
  if (best.empty()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: the analysis evaluated no county x type (nothing to fill)", plan.path));
  }
  return best;
}

// The rings of a GeoJSON Polygon or MultiPolygon geometry ([lon, lat] positions).
absl::StatusOr<std::vector<std::vector<geo::LonLat>>> RingsOfGeoJson(const std::string& text) {
  std::vector<std::vector<geo::LonLat>> rings;
  const nlohmann::json g = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (g.is_discarded() || !g.is_object() || !g.contains("type") || !g.contains("coordinates")) {
    return absl::InternalError("isochrone geometry: not a GeoJSON geometry object");
  }
  const auto add_polygon = [&](const nlohmann::json& polygon) -> absl::Status {
    if (!polygon.is_array()) return absl::InternalError("isochrone geometry: bad polygon");
    for (const nlohmann::json& ring : polygon) {
      std::vector<geo::LonLat> points;
      if (!ring.is_array()) return absl::InternalError("isochrone geometry: bad ring");
      for (const nlohmann::json& p : ring) {
        if (!p.is_array() || p.size() < 2 || !p[0].is_number() || !p[1].is_number()) {
          return absl::InternalError("isochrone geometry: bad position");
        }
        points.push_back({p[0].get<double>(), p[1].get<double>()});
      }
      rings.push_back(std::move(points));
    }
    return absl::OkStatus();
  };
  const nlohmann::json& c = g["coordinates"];
  if (g["type"] == "Polygon") {
    RETURN_IF_ERROR(add_polygon(c));
  } else if (g["type"] == "MultiPolygon" && c.is_array()) {
    for (const nlohmann::json& polygon : c) RETURN_IF_ERROR(add_polygon(polygon));
  } else {
    return absl::InternalError("isochrone geometry: neither Polygon nor MultiPolygon");
  }
  return rings;
}

}  // namespace

absl::StatusOr<std::vector<MapPlan>> PlansOf(const v1::RenderMapRequest& request, MapKind kind) {
  if (request.maps_size() > kMaxMaps) {
    return absl::InvalidArgumentError(
        absl::StrFormat("maps: %d maps, at most %d", request.maps_size(), kMaxMaps));
  }
  std::vector<MapPlan> plans;
  if (request.maps_size() == 0) {
    ASSIGN_OR_RETURN(MapPlan plan, PlanOf(v1::MapOptions(), "maps[0]", kind));
    plans.push_back(std::move(plan));
  }
  for (int i = 0; i < request.maps_size(); ++i) {
    ASSIGN_OR_RETURN(MapPlan plan, PlanOf(request.maps(i), absl::StrFormat("maps[%d]", i), kind));
    plans.push_back(std::move(plan));
  }
  return plans;
}

// The checks that need the call's scope (the travel mode), and the default layers.
absl::Status CompletePlan(const AnalysisCall& call, MapKind kind, MapPlan* plan) {
  const bool drive = call.scope.travel.mode == access::TravelMode::kDrive;
  if (plan->layers.empty()) {
    plan->layers.push_back(v1::MAP_LAYER_COUNTIES);
    if (drive) plan->layers.push_back(v1::MAP_LAYER_ROADS);
    if (kind == MapKind::kCoverage) {
      plan->layers.push_back(v1::MAP_LAYER_UNITS);
    } else if (kind == MapKind::kAdequacy) {
      plan->layers.push_back(v1::MAP_LAYER_ADEQUACY);
      plan->layers.push_back(v1::MAP_LAYER_UNCOVERED);
    } else {
      plan->layers.push_back(v1::MAP_LAYER_ISOCHRONES);
    }
    plan->layers.push_back(v1::MAP_LAYER_FACILITIES);
  }
  for (size_t i = 0; i < plan->layers.size(); ++i) {
    if (plan->layers[i] == v1::MAP_LAYER_ROADS && !drive) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "%s.layers[%d]: MAP_LAYER_ROADS is drawn in drive mode only (this analysis is "
          "straight-line)",
          plan->path, i));
    }
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Coverage

// The coverage map's own checks, before anything is computed.
absl::Status CheckCoveragePlan(const v1::AnalyzeCoverageRequest& request, const MapPlan& plan) {
  if (plan.by_miles && request.max_miles().empty()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s.color_by_miles: coverage.max_miles is empty (no miles thresholds to colour by)",
        plan.path));
  }
  const bool by_miles = ColoursByMiles(request, plan);
  const auto& source = by_miles ? request.max_miles() : request.max_minutes();
  std::vector<double> distinct(source.begin(), source.end());
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  if (distinct.size() > kMaxThresholdsShown) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: %d %s thresholds; a map shows at most %d%s", plan.path,
                        distinct.size(), by_miles ? "miles" : "minutes", kMaxThresholdsShown,
                        by_miles ? "" : " (color_by_miles to use the miles ones)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<render::MapScene> CoverageScene(const AnalysisCall& call,
                                               const v1::AnalyzeCoverageRequest& request,
                                               const CoverageRun& run, const MapPlan& plan) {
  render::MapScene scene;
  const bool by_miles = ColoursByMiles(request, plan);
  const auto& source = by_miles ? request.max_miles() : request.max_minutes();
  scene.thresholds.assign(source.begin(), source.end());
  std::sort(scene.thresholds.begin(), scene.thresholds.end());
  scene.thresholds.erase(std::unique(scene.thresholds.begin(), scene.thresholds.end()),
                         scene.thresholds.end());
  scene.value_unit = by_miles ? "mi" : "min";
  RETURN_IF_ERROR(AddBase(call, plan, &scene));
  for (const access::AllianceMember& m : run.domain.members) scene.members.push_back(m.name);
  if (plan.Has(v1::MAP_LAYER_UNITS)) {
    const std::vector<io::PopulationUnit>& units = call.scope.units().units;
    if (run.answer.travel.size() != units.size()) {
      return absl::InternalError(absl::StrFormat("coverage answered %d units of %d",
                                                 run.answer.travel.size(), units.size()));
    }
    scene.units.reserve(units.size());
    for (size_t i = 0; i < units.size(); ++i) {
      const access::UnitTravel& t = run.answer.travel[i];
      render::MapUnit u{.location = units[i].location,
                        .population = static_cast<double>(units[i].population)};
      const double value = by_miles ? t.miles : t.minutes;
      if (!t.snapped) {
        u.state = render::MapUnit::State::kUnsnapped;
      } else if (!t.reached() || !std::isfinite(value)) {
        u.state = render::MapUnit::State::kUnreached;
      } else {
        u.value = value;
      }
      scene.units.push_back(u);
    }
  }
  if (plan.Has(v1::MAP_LAYER_FACILITIES)) {
    for (size_t m = 0; m < run.domain.members.size(); ++m) {
      for (const access::Facility& f : run.domain.members[m].facilities) {
        scene.facilities.push_back(
            {.location = f.location, .member = static_cast<int>(m), .id = f.id});
      }
    }
  }
  scene.title = !plan.title.empty()
                    ? plan.title
                    : absl::StrFormat("%s coverage: %s to the nearest facility",
                                      run.networks.size() > 1 ? "Alliance" : "Network",
                                      by_miles ? "miles" : "minutes");
  scene.subtitle = Subtitle(call, run.networks);
  scene.method =
      absl::StrCat(TravelText(call.scope), "; each unit coloured by its nearest facility of the ",
                   run.networks.size() > 1 ? "alliance" : "network", ".");
  AddTailCredits(call, plan, &scene);
  return scene;
}

// ---------------------------------------------------------------------------------------------
// Adequacy

absl::StatusOr<render::MapScene> AdequacyScene(const AnalysisCall& call, const AdequacyRun& run,
                                               const std::vector<AdequacyCell>& cells,
                                               const MapPlan& plan, std::string* code_out) {
  ASSIGN_OR_RETURN(const std::string code, ChosenSpecialty(plan, cells, run.standards->set));
  *code_out = code;
  render::MapScene scene;
  RETURN_IF_ERROR(AddBase(call, plan, &scene));
  const io::SpecialtyType* type = run.standards->set.Specialty(code);
  const std::string type_text = type != nullptr ? absl::StrCat(code, " ", type->name) : code;
  absl::flat_hash_map<std::string, const AdequacyCell*> by_county;
  for (const AdequacyCell& c : cells) {
    if (c.code == code) by_county[c.fips] = &c;
  }
  if (plan.Has(v1::MAP_LAYER_ADEQUACY)) {
    for (render::MapCounty& county : scene.counties) {
      const auto it = by_county.find(county.fips);
      county.fill = it == by_county.end() ? render::MapCounty::Fill::kNotEvaluated
                    : it->second->pass    ? render::MapCounty::Fill::kPass
                                          : render::MapCounty::Fill::kFail;
    }
    scene.fill_label = type_text;
  }
  if (plan.Has(v1::MAP_LAYER_UNCOVERED)) {
    const std::vector<io::PopulationUnit>& units = call.scope.units().units;  // by GEOID
    for (const auto& [fips, cell] : by_county) {
      for (const std::string& id : cell->uncovered_unit_ids) {
        const auto it = std::lower_bound(
            units.begin(), units.end(), id,
            [](const io::PopulationUnit& u, const std::string& key) { return u.id < key; });
        if (it == units.end() || it->id != id) {
          return absl::InternalError(
              absl::StrFormat("adequacy named uncovered unit %s, which the region lacks", id));
        }
        if (it->population <= 0) continue;  // nobody lives there: no dot (legend: residents)
        scene.units.push_back(
            {.location = it->location, .population = static_cast<double>(it->population)});
      }
    }
    scene.uncovered_label = absl::StrFormat("residents without access (%s)", code);
  }
  if (plan.Has(v1::MAP_LAYER_FACILITIES)) {
    for (size_t m = 0; m < run.domain.member_rosters.size(); ++m) {
      scene.members.push_back(run.domain.member_names[m]);
      for (const access::NetworkProvider& p : run.domain.member_rosters[m]) {
        // Only the providers of the mapped type ("001".."006" count toward S03).
        if (run.standards->set.EvaluatedAs(p.specialty_code) != code) continue;
        scene.facilities.push_back(
            {.location = p.location, .member = static_cast<int>(m), .id = p.id});
      }
    }
  }
  scene.title = !plan.title.empty()
                    ? plan.title
                    : absl::StrFormat("%s adequacy: %s",
                                      run.networks.size() > 1 ? "Alliance" : "Network", type_text);
  scene.subtitle = Subtitle(call, run.networks);
  scene.method = absl::StrCat(TravelText(call.scope), ". ", access::kBeneficiaryMethod);
  scene.credits.push_back(
      absl::StrFormat("Standards: CMS HSD reference file (%s)", run.standards->set.name()));
  AddTailCredits(call, plan, &scene);
  return scene;
}

// ---------------------------------------------------------------------------------------------
// Isochrones

absl::StatusOr<render::MapScene> IsochroneScene(const AnalysisCall& call,
                                                const access::IsochroneRequest& domain,
                                                const access::IsochroneAnswer& answer,
                                                const MapPlan& plan) {
  render::MapScene scene;
  RETURN_IF_ERROR(AddBase(call, plan, &scene));
  if (plan.Has(v1::MAP_LAYER_ISOCHRONES)) {
    std::vector<size_t> order(answer.isochrones.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return domain.max_minutes[a] < domain.max_minutes[b]; });
    for (size_t k : order) {
      ASSIGN_OR_RETURN(std::vector<std::vector<geo::LonLat>> rings,
                       RingsOfGeoJson(answer.isochrones[k].geojson));
      scene.isochrones.push_back({.max_minutes = domain.max_minutes[k], .rings = std::move(rings)});
    }
  }
  if (plan.Has(v1::MAP_LAYER_FACILITIES)) {
    scene.members.push_back("facilities");
    for (const access::Facility& f : domain.facilities) {
      scene.facilities.push_back({.location = f.location, .member = 0, .id = f.id});
    }
  }
  scene.title = !plan.title.empty() ? plan.title : "Drive-time isochrones";
  scene.subtitle = absl::StrFormat("Region %s · drive · %d facilities", call.scope.region->name,
                                   domain.facilities.size());
  scene.method = absl::StrFormat(
      "Travel: driving on the region's OpenStreetMap roads (speed profile %s); the area within "
      "%.0f m of every road piece reached within the time from the facilities%s.",
      call.scope.speed_profile(), domain.road_buffer_meters,
      domain.drive.to_facility ? " (travel towards them)" : " outwards");
  AddTailCredits(call, plan, &scene);
  return scene;
}

}  // namespace carereach::rpc
