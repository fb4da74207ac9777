// make_synthetic_osm: writes a synthetic, state-sized road network as an OSM PBF, with a CSV of
// population points and one of facilities next to it, for load tests of the routing engine.
//
//   make_synthetic_osm --nodes N --out FILE.osm.pbf [--seed S]
//     writes FILE.osm.pbf (at least N nodes; default N = 5,000,000), FILE.points.csv
//     (id,population,lat,lon: 10,000 points) and FILE.facilities.csv (ID,NAME,LATITUDE,
//     LONGITUDE: 300 points).
//
// The network, all of it deterministic for a seed (own PRNG, no std:: distributions):
// * Arterials every 3 km both ways (tertiary; every 5th line secondary, every 10th primary with
//   a maxspeed), over a Michigan-sized box: lon -90..-83, lat 41..46 at the default N; the
//   box's sides scale with sqrt(N / 5,000,000) around the same centre.
// * Towns: 3 km arterial cells filled with a jittered grid of residential streets 100-200 m
//   apart, whose ends meet the arterials (T junctions). Cells are taken in order of closeness to
//   randomly placed town centres (a few big metros, many small towns) until the file holds N
//   nodes. Streets carry degree-2 shape nodes, ways run 2 to 50 nodes, some are one-way
//   (oneway=yes, a few oneway=-1), a few have gaps, and cul-de-sac stubs make dead ends.
// * A few motorways, each two one-way carriageways, with diamond interchanges of motorway_link
//   ramps at every 5th arterial; elsewhere they pass over roads without a shared node.
// * Rural cells: some get an unclassified road across them or a dead-end farm road.
// * Six islands (fewer on tiny grids; small street grids in the most remote rural cells): four
//   connected to nothing (for largest-SCC logic), two reached by route=ferry ways (one with a
//   duration tag).
// * A smooth global warp bends every line a little; it moves points by at most 40 m and
//   creates no crossings.
// Coordinates are built in metres on a local plane and mapped to lon/lat equirectangularly.
//
// Memory: about 40 bytes per node all told (about 200 MB for 5,000,000 nodes).
// Single-threaded; libosmium's writer compresses PBF blocks on its own threads.
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <numbers>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "bench/synthetic_osm_generator.h"
#include "bench/synthetic_osm_model.h"
#include "osmium/builder/osm_object_builder.hpp"
#include "osmium/io/file.hpp"
#include "osmium/io/header.hpp"
#include "osmium/io/pbf_output.hpp"
#include "osmium/io/writer.hpp"
#include "osmium/memory/buffer.hpp"
#include "osmium/osm/box.hpp"
#include "osmium/osm/location.hpp"
#include "osmium/osm/timestamp.hpp"

namespace carereach::synthetic_osm {
namespace {

void WritePbf(const std::string& path, const Network& net) {
  osmium::io::Header header;
  header.set("generator", "carereach make_synthetic_osm");
  header.add_box(net.box());
  osmium::io::Writer writer{osmium::io::File{path, "pbf"}, header, osmium::io::overwrite::allow};

  constexpr size_t kBufferBytes = size_t{16} << 20;
  constexpr size_t kHeadroomBytes = 64 << 10;  // more than one object needs
  osmium::memory::Buffer buffer{kBufferBytes, osmium::memory::Buffer::auto_grow::no};
  auto make_room = [&] {
    if (buffer.capacity() - buffer.committed() < kHeadroomBytes) {
      writer(std::move(buffer));
      buffer = osmium::memory::Buffer{kBufferBytes, osmium::memory::Buffer::auto_grow::no};
    }
  };
  const osmium::Timestamp timestamp{"2024-01-01T00:00:00Z"};

  const std::vector<osmium::Location>& nodes = net.nodes();
  for (size_t k = 0; k < nodes.size(); ++k) {
    make_room();
    {
      osmium::builder::NodeBuilder builder{buffer};
      builder.set_id(static_cast<osmium::object_id_type>(k + 1))
          .set_version(1)
          .set_changeset(1)
          .set_uid(1)
          .set_timestamp(timestamp);
      builder.set_location(nodes[k]);
    }
    buffer.commit();
  }
  const std::vector<int64_t>& refs = net.refs();
  const std::vector<std::string>& names = net.names();
  osmium::object_id_type way_id = 0;
  for (const Way& way : net.ways()) {
    make_room();
    {
      osmium::builder::WayBuilder builder{buffer};
      builder.set_id(++way_id).set_version(1).set_changeset(1).set_uid(1).set_timestamp(timestamp);
      {
        osmium::builder::WayNodeListBuilder node_refs{builder};
        for (uint32_t r = 0; r < way.ref_count; ++r)
          node_refs.add_node_ref(refs[way.first_ref + r]);
      }
      {
        osmium::builder::TagListBuilder tags{builder};
        for (const Tag& tag : Info(way.kind).tags) tags.add_tag(tag.key, tag.value);
        if (way.name >= 0) tags.add_tag("name", names[way.name]);
        if (way.ref >= 0) tags.add_tag("ref", names[way.ref]);
      }
    }
    buffer.commit();
  }
  writer(std::move(buffer));
  writer.close();
}

// FILE.osm.pbf -> FILE; anything else loses only a final ".pbf".
std::string Stem(const std::string& out) {
  for (const std::string_view suffix : {".osm.pbf", ".pbf"}) {
    if (out.size() > suffix.size() && out.ends_with(suffix)) {
      return out.substr(0, out.size() - suffix.size());
    }
  }
  return out;
}

constexpr const char* kUsage =
    "usage: make_synthetic_osm --nodes N --out FILE.osm.pbf [--seed S]\n"
    "  Writes a synthetic road network of at least N nodes (default 5000000) as an OSM PBF,\n"
    "  plus FILE.points.csv (10000 population points) and FILE.facilities.csv (300 facilities).\n";

template <typename T>
bool ParseNumber(std::string_view text, T& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

// Returns 0 on success, else the exit code.
int ParseArgs(int argc, char** argv, Options& options) {
  for (int k = 1; k < argc; ++k) {
    const std::string_view arg = argv[k];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (k + 1 >= argc) {
      std::fprintf(stderr, "make_synthetic_osm: %s needs a value\n%s", argv[k], kUsage);
      return 2;
    }
    const std::string_view value = argv[++k];
    if (arg == "--nodes") {
      if (!ParseNumber(value, options.nodes) || options.nodes < 1000 ||
          options.nodes > 500'000'000) {
        std::fprintf(stderr, "make_synthetic_osm: --nodes: '%s' is not a number in [1000, 5e8]\n",
                     argv[k]);
        return 2;
      }
    } else if (arg == "--seed") {
      if (!ParseNumber(value, options.seed)) {
        std::fprintf(stderr, "make_synthetic_osm: --seed: '%s' is not an unsigned integer\n",
                     argv[k]);
        return 2;
      }
    } else if (arg == "--out") {
      options.out = value;
    } else {
      std::fprintf(stderr, "make_synthetic_osm: unknown flag %s\n%s", argv[k - 1], kUsage);
      return 2;
    }
  }
  if (options.out.empty()) {
    std::fprintf(stderr, "make_synthetic_osm: --out is required\n%s", kUsage);
    return 2;
  }
  return 0;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int Main(int argc, char** argv) {
  Options options;
  if (const int code = ParseArgs(argc, argv, options); code != 0) return code;
  const auto start = std::chrono::steady_clock::now();

  // The default N fills lon -90..-83, lat 41..46; other N scale the box's sides by sqrt(N/N0).
  const double scale = std::sqrt(static_cast<double>(options.nodes) / kDefaultNodes);
  const double lon_span = 7 * scale, lat_span = 5 * scale;
  const double lat_min = 43.5 - lat_span / 2;
  const double meters_per_degree_lon = 111'000 * std::cos(43.5 * std::numbers::pi / 180);
  const Frame frame(-86.5 - lon_span / 2, lat_min, lon_span * meters_per_degree_lon,
                    lat_span * 111'000, options.seed);

  Generator generator(options, frame);
  if (!generator.Build()) {
    std::fprintf(
        stderr, "make_synthetic_osm: every cell is a town and there are only %lld nodes (< %lld)\n",
        static_cast<long long>(generator.network().node_count()),
        static_cast<long long>(options.nodes));
    return 1;
  }
  const double build_seconds = SecondsSince(start);

  const std::string stem = Stem(options.out);
  const std::string points_path = stem + ".points.csv";
  const std::string facilities_path = stem + ".facilities.csv";
  try {
    WritePbf(options.out, generator.network());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_synthetic_osm: cannot write %s: %s\n", options.out.c_str(),
                 e.what());
    return 1;
  }
  const double pbf_seconds = SecondsSince(start) - build_seconds;
  generator.WriteCsvs(points_path, facilities_path);

  const Network& net = generator.network();
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(options.out, ec);
  const osmium::Box& box = net.box();
  std::printf("wrote %s\n", options.out.c_str());
  std::printf("  nodes: %lld, ways: %zu, way node refs: %zu, bytes: %llu\n",
              static_cast<long long>(net.node_count()), net.ways().size(), net.refs().size(),
              static_cast<unsigned long long>(ec ? 0 : bytes));
  std::printf("  seed %llu; bbox lon %.4f..%.4f, lat %.4f..%.4f; %d x %d cells of %.0f m\n",
              static_cast<unsigned long long>(options.seed), box.bottom_left().lon(),
              box.top_right().lon(), box.bottom_left().lat(), box.top_right().lat(), generator.nx(),
              generator.ny(), kCellMeters);
  std::printf("  town cells: %zu, motorways: %zu, islands: %zu (%d with a ferry)\n",
              generator.town_cells(), generator.motorways(), generator.islands(),
              static_cast<int>(std::min<size_t>(generator.islands(), kFerryIslands)));
  std::printf("  ways by kind:");
  for (size_t k = 0; k < kKindCount; ++k) {
    std::printf("%s %s %lld", k == 0 ? "" : ",", kKinds[k].label,
                static_cast<long long>(net.kind_count(k)));
  }
  std::printf("\nwrote %s (%d points), %s (%d facilities)\n", points_path.c_str(),
              kPopulationPoints, facilities_path.c_str(), kFacilities);
  std::printf("time: build %.2f s, write PBF %.2f s, total %.2f s\n", build_seconds, pbf_seconds,
              SecondsSince(start));
  return 0;
}

}  // namespace carereach::synthetic_osm

int main(int argc, char** argv) { return carereach::synthetic_osm::Main(argc, argv); }
