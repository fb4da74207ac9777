#include "geo/roads/osm_import.h"

#include <exception>
#include <filesystem>
#include <osmium/handler.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/flex_mem.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/osm/way.hpp>
#include <osmium/visitor.hpp>

#include "absl/strings/str_format.h"

namespace carereach::roads {
namespace {

using LocationIndex =
    osmium::index::map::FlexMem<osmium::unsigned_object_id_type, osmium::Location>;

std::string Tag(const osmium::TagList& tags, const char* key) {
  const char* v = tags.get_value_by_key(key);
  return v == nullptr ? std::string() : std::string(v);
}

class WayHandler : public osmium::handler::Handler {
 public:
  explicit WayHandler(RoadGraphBuilder& builder) : builder_(builder) {}

  void way(const osmium::Way& way) {
    builder_.CountWayRead();
    const osmium::TagList& t = way.tags();
    const char* highway = t.get_value_by_key("highway");
    const char* route = t.get_value_by_key("route");
    if (highway == nullptr && (route == nullptr || std::string_view(route) != "ferry")) return;
    RoadGraphBuilder::Tags tags{.highway = Tag(t, "highway"),
                                .route = Tag(t, "route"),
                                .oneway = Tag(t, "oneway"),
                                .junction = Tag(t, "junction"),
                                .access = Tag(t, "access"),
                                .vehicle = Tag(t, "vehicle"),
                                .motor_vehicle = Tag(t, "motor_vehicle"),
                                .motorcar = Tag(t, "motorcar"),
                                .maxspeed = Tag(t, "maxspeed"),
                                .duration = Tag(t, "duration"),
                                .area = Tag(t, "area")};
    nodes_.clear();
    for (const osmium::NodeRef& ref : way.nodes()) {
      RoadGraphBuilder::WayNode n{.id = ref.ref(), .valid = ref.location().valid()};
      if (n.valid) n.coord = Coord{ref.location().x(), ref.location().y()};
      nodes_.push_back(n);
    }
    builder_.AddWay(nodes_, tags);
  }

 private:
  RoadGraphBuilder& builder_;
  std::vector<RoadGraphBuilder::WayNode> nodes_;
};

}  // namespace

double ProfileSpeeds::WaySpeedKph(const RoadGraphBuilder::Tags& tags) const {
  if (tags.route == "ferry") return profile_.ferry_speed_kph();
  const std::optional<double> class_kph = profile_.HighwaySpeedKph(tags.highway);
  if (!class_kph) return -1;
  return profile_.WaySpeedKph(*class_kph, tags.maxspeed);
}

absl::StatusOr<RoadGraph> ImportOsm(const std::string& path, const SpeedProfile& profile) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return absl::NotFoundError(absl::StrFormat("%s: no such road network file", path));
  }
  ProfileSpeeds speeds(profile);
  RoadGraphBuilder builder(speeds);
  try {
    LocationIndex index;
    osmium::handler::NodeLocationsForWays<LocationIndex> locations(index);
    locations.ignore_errors();  // missing nodes become invalid locations, counted by the builder
    WayHandler ways(builder);
    osmium::io::Reader reader(path, osmium::osm_entity_bits::node | osmium::osm_entity_bits::way);
    osmium::apply(reader, locations, ways);
    reader.close();
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: cannot read OSM data: %s", path, e.what()));
  }
  return std::move(builder).Build();
}

}  // namespace carereach::roads
