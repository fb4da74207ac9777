#include "geo/roads/osm_import.h"

#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <osmium/handler.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/flex_mem.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/io/file.hpp>
#include <osmium/osm/way.hpp>
#include <osmium/visitor.hpp>
#include <protozero/pbf_reader.hpp>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"

namespace carereach::roads {
namespace {

using LocationIndex =
    osmium::index::map::FlexMem<osmium::unsigned_object_id_type, osmium::Location>;

// The way's tags as (key, value) pairs, read within the tag list's own bytes. libosmium stores a
// tag list as NUL-terminated key and value strings and walks them with strlen, trusting that
// each string holds no NUL; a PBF string-table entry with a NUL byte inside breaks that trust, and
// libosmium's own walk (TagList::get_value_by_key) then reads past the end of its buffer (found by
// osm_import_fuzz). So the strings are split here, never past the list's byte size, and a list
// whose strings do not pair up into key/value is an error naming the way.
using TagPairs = std::vector<std::pair<std::string_view, std::string_view>>;

// Fills `tags` (views into the way's buffer); `strings` is scratch kept across ways.
void ReadTags(const osmium::Way& way, std::vector<std::string_view>& strings, TagPairs& tags) {
  const osmium::TagList& list = way.tags();
  const char* p = reinterpret_cast<const char*>(list.data()) + sizeof(osmium::TagList);
  const char* const end = reinterpret_cast<const char*>(list.data()) + list.byte_size();
  strings.clear();
  while (p < end) {
    const char* nul = static_cast<const char*>(std::memchr(p, '\0', static_cast<size_t>(end - p)));
    if (nul == nullptr) break;
    strings.emplace_back(p, static_cast<size_t>(nul - p));
    p = nul + 1;
  }
  if (p != end || strings.size() % 2 != 0) {
    throw std::runtime_error(absl::StrFormat(
        "way %d: malformed tag list (a tag key or value holds a NUL byte)", way.id()));
  }
  tags.clear();
  for (size_t i = 0; i < strings.size(); i += 2) tags.emplace_back(strings[i], strings[i + 1]);
}

// The first value of `key` (as libosmium's get_value_by_key), or "" when the way has none.
std::string_view Value(const TagPairs& tags, std::string_view key, bool* found = nullptr) {
  for (const auto& [k, v] : tags) {
    if (k == key) {
      if (found != nullptr) *found = true;
      return v;
    }
  }
  if (found != nullptr) *found = false;
  return {};
}

class WayHandler : public osmium::handler::Handler {
 public:
  explicit WayHandler(RoadGraphBuilder& builder) : builder_(builder) {}

  void way(const osmium::Way& way) {
    builder_.CountWayRead();
    ReadTags(way, strings_, pairs_);
    const TagPairs& t = pairs_;
    bool has_highway = false;
    const std::string_view highway = Value(t, "highway", &has_highway);
    const std::string_view route = Value(t, "route");
    if (!has_highway && route != "ferry") return;
    RoadGraphBuilder::Tags tags{.highway = std::string(highway),
                                .route = std::string(route),
                                .oneway = std::string(Value(t, "oneway")),
                                .junction = std::string(Value(t, "junction")),
                                .access = std::string(Value(t, "access")),
                                .vehicle = std::string(Value(t, "vehicle")),
                                .motor_vehicle = std::string(Value(t, "motor_vehicle")),
                                .motorcar = std::string(Value(t, "motorcar")),
                                .maxspeed = std::string(Value(t, "maxspeed")),
                                .duration = std::string(Value(t, "duration")),
                                .area = std::string(Value(t, "area"))};
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
  std::vector<std::string_view> strings_;
  TagPairs pairs_;
};

// Walks the blob framing of a PBF file before libosmium reads it: each blob is a 4-byte
// big-endian header length, a BlobHeader message (`type` = field 1, `datasize` = field 3) and
// `datasize` bytes. libosmium 2.19 compares a BlobHeader's type with strncmp on a null pointer
// when the type is missing (undefined behaviour, found by osm_import_fuzz), so such a file is
// refused here, naming the blob; every other check stays libosmium's. Reads only the headers.
absl::Status CheckPbfBlobHeaders(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrFormat("%s: cannot open", path));
  std::string header;
  for (int64_t blob = 0;; ++blob) {
    unsigned char size_bytes[4];
    in.read(reinterpret_cast<char*>(size_bytes), 4);
    if (in.gcount() == 0) return absl::OkStatus();  // end of file between blobs
    if (in.gcount() != 4) break;
    const uint32_t header_bytes = (uint32_t{size_bytes[0]} << 24) |
                                  (uint32_t{size_bytes[1]} << 16) | (uint32_t{size_bytes[2]} << 8) |
                                  uint32_t{size_bytes[3]};
    if (header_bytes == 0 || header_bytes > 64 * 1024) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: cannot read OSM data: blob %d: header of %d bytes (1 to 65536 allowed)", path, blob,
          header_bytes));
    }
    header.resize(header_bytes);
    in.read(header.data(), header_bytes);
    if (static_cast<uint32_t>(in.gcount()) != header_bytes) break;
    bool has_type = false;
    int64_t data_bytes = 0;
    try {
      protozero::pbf_reader message(header);
      while (message.next()) {
        if (message.tag() == 1 &&
            message.wire_type() == protozero::pbf_wire_type::length_delimited) {
          has_type = !message.get_view().empty();
        } else if (message.tag() == 3 && message.wire_type() == protozero::pbf_wire_type::varint) {
          data_bytes = message.get_int32();
        } else {
          message.skip();
        }
      }
    } catch (const std::exception& e) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: cannot read OSM data: blob %d: header does not parse (%s)", path, blob, e.what()));
    }
    if (!has_type || data_bytes <= 0) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: cannot read OSM data: blob %d: header without %s", path, blob,
                          has_type ? "a positive datasize" : "a type"));
    }
    in.seekg(data_bytes, std::ios::cur);
    if (!in) break;
  }
  return absl::InvalidArgumentError(
      absl::StrFormat("%s: cannot read OSM data: the file ends inside a blob", path));
}

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
    if (const osmium::io::File file(path);
        file.format() == osmium::io::file_format::pbf &&
        file.compression() == osmium::io::file_compression::none) {
      if (absl::Status s = CheckPbfBlobHeaders(path); !s.ok()) return s;
    }
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
