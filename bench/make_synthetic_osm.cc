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
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "osmium/builder/osm_object_builder.hpp"
#include "osmium/io/file.hpp"
#include "osmium/io/header.hpp"
#include "osmium/io/pbf_output.hpp"
#include "osmium/io/writer.hpp"
#include "osmium/memory/buffer.hpp"
#include "osmium/osm/box.hpp"
#include "osmium/osm/location.hpp"
#include "osmium/osm/timestamp.hpp"

namespace {

constexpr int64_t kDefaultNodes = 5'000'000;
constexpr double kCellMeters = 3000;       // distance between arterials
constexpr int kArterialShapeNodes = 6;     // per 3 km arterial segment
constexpr double kMinStreetSpacing = 100;  // metres between residential streets
constexpr double kMaxStreetSpacing = 200;
constexpr int kMaxWayNodes = 50;
constexpr int kPopulationPoints = 10'000;
constexpr int kFacilities = 300;
constexpr int kIslands = 6;
constexpr int kFerryIslands = 2;

// ---------------------------------------------------------------------------------------------
// Deterministic randomness: xoshiro256** seeded through splitmix64, and integer/real draws
// written out here, so that a seed gives the same file with any standard library.
uint64_t SplitMix(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t Hash(uint64_t a, uint64_t b) {
  uint64_t x = a * 0xD1B54A32D192ED03ULL + b;
  return SplitMix(x);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& s : state_) s = SplitMix(seed);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }
  // In [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // In [lo, hi], both inclusive.
  int Int(int lo, int hi) {
    return lo + static_cast<int>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool Chance(double p) { return Uniform() < p; }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t state_[4];
};

// ---------------------------------------------------------------------------------------------
// Way kinds and their tags.
enum class Kind : uint8_t {
  kResidential,
  kResidentialOneway,
  kResidentialOnewayReverse,
  kUnclassified,
  kTertiary,
  kSecondary,
  kPrimary,
  kMotorway,
  kMotorwayLink,
  kFerry,
  kFerryWithDuration,
};

struct Tag {
  const char* key;
  const char* value;
};

constexpr Tag kResidentialTags[] = {{"highway", "residential"}};
constexpr Tag kResidentialOnewayTags[] = {{"highway", "residential"}, {"oneway", "yes"}};
constexpr Tag kResidentialOnewayReverseTags[] = {{"highway", "residential"}, {"oneway", "-1"}};
constexpr Tag kUnclassifiedTags[] = {{"highway", "unclassified"}};
constexpr Tag kTertiaryTags[] = {{"highway", "tertiary"}};
constexpr Tag kSecondaryTags[] = {{"highway", "secondary"}, {"maxspeed", "45 mph"}};
constexpr Tag kPrimaryTags[] = {{"highway", "primary"}, {"maxspeed", "55 mph"}};
constexpr Tag kMotorwayTags[] = {
    {"highway", "motorway"}, {"oneway", "yes"}, {"lanes", "2"}, {"maxspeed", "70 mph"}};
constexpr Tag kMotorwayLinkTags[] = {{"highway", "motorway_link"}, {"oneway", "yes"}};
constexpr Tag kFerryTags[] = {{"route", "ferry"}, {"motor_vehicle", "yes"}};
constexpr Tag kFerryWithDurationTags[] = {
    {"route", "ferry"}, {"motor_vehicle", "yes"}, {"duration", "00:40"}};

struct KindInfo {
  const char* label;
  std::span<const Tag> tags;
};

constexpr KindInfo kKinds[] = {
    {"residential", kResidentialTags},
    {"residential oneway=yes", kResidentialOnewayTags},
    {"residential oneway=-1", kResidentialOnewayReverseTags},
    {"unclassified", kUnclassifiedTags},
    {"tertiary", kTertiaryTags},
    {"secondary", kSecondaryTags},
    {"primary", kPrimaryTags},
    {"motorway", kMotorwayTags},
    {"motorway_link", kMotorwayLinkTags},
    {"ferry", kFerryTags},
    {"ferry with duration", kFerryWithDurationTags},
};
constexpr size_t kKindCount = std::size(kKinds);

const KindInfo& Info(Kind kind) { return kKinds[static_cast<size_t>(kind)]; }

// ---------------------------------------------------------------------------------------------
// Local metres -> lon/lat: a smooth warp, then an equirectangular map onto the box.
class Frame {
 public:
  Frame(double lon_min, double lat_min, double width_m, double height_m, uint64_t seed)
      : lon_min_(lon_min), lat_min_(lat_min), width_m_(width_m), height_m_(height_m) {
    const double lat_mid_rad =
        (lat_min + height_m / kMetersPerDegreeLat / 2) * std::numbers::pi / 180;
    meters_per_degree_lon_ = kMetersPerDegreeLat * std::cos(lat_mid_rad);
    Rng rng(Hash(seed, 7));
    phase_x_ = rng.Uniform(0, 2 * std::numbers::pi);
    phase_y_ = rng.Uniform(0, 2 * std::numbers::pi);
  }

  double width_m() const { return width_m_; }
  double height_m() const { return height_m_; }

  // Returns {lon, lat} of the local point (x east, y north, metres).
  std::pair<double, double> LonLat(double x, double y) const {
    const double wx = x + kWarpMeters * std::sin(y / 1700.0 + phase_x_);
    const double wy = y + kWarpMeters * std::sin(x / 2300.0 + phase_y_);
    return {lon_min_ + wx / meters_per_degree_lon_, lat_min_ + wy / kMetersPerDegreeLat};
  }

 private:
  static constexpr double kMetersPerDegreeLat = 111'000;
  static constexpr double kWarpMeters = 40;
  double lon_min_, lat_min_, width_m_, height_m_;
  double meters_per_degree_lon_ = 0;
  double phase_x_ = 0, phase_y_ = 0;
};

// ---------------------------------------------------------------------------------------------
// The network in memory: node locations (id = index + 1) and ways as slices of one id array.
struct Way {
  uint64_t first_ref;
  uint32_t ref_count;
  Kind kind;
  int32_t name;  // index into names, or -1
  int32_t ref;   // index into names, or -1
};

class Network {
 public:
  explicit Network(const Frame& frame) : frame_(frame) {}

  int64_t AddNode(double x, double y) {
    const auto [lon, lat] = frame_.LonLat(x, y);
    nodes_.emplace_back(lon, lat);
    box_.extend(nodes_.back());
    return static_cast<int64_t>(nodes_.size());
  }

  void AddWay(std::span<const int64_t> refs, Kind kind, int32_t name = -1, int32_t ref = -1) {
    if (refs.size() < 2) return;
    ways_.push_back(Way{refs_.size(), static_cast<uint32_t>(refs.size()), kind, name, ref});
    refs_.insert(refs_.end(), refs.begin(), refs.end());
    ++kind_counts_[static_cast<size_t>(kind)];
  }

  int32_t AddName(std::string name) {
    names_.push_back(std::move(name));
    return static_cast<int32_t>(names_.size() - 1);
  }

  // Splits a long polyline into ways of min_nodes..max_nodes nodes sharing their end nodes.
  void AddChunkedWays(std::span<const int64_t> refs, Kind kind, Rng& rng, int min_nodes,
                      int max_nodes, int32_t name = -1, int32_t ref = -1) {
    size_t begin = 0;
    while (begin + 1 < refs.size()) {
      const size_t length = std::min<size_t>(rng.Int(min_nodes, max_nodes), refs.size() - begin);
      AddWay(refs.subspan(begin, length), kind, name, ref);
      begin += length - 1;
    }
  }

  int64_t node_count() const { return static_cast<int64_t>(nodes_.size()); }
  const std::vector<osmium::Location>& nodes() const { return nodes_; }
  const std::vector<Way>& ways() const { return ways_; }
  const std::vector<int64_t>& refs() const { return refs_; }
  const std::vector<std::string>& names() const { return names_; }
  const osmium::Box& box() const { return box_; }
  int64_t kind_count(size_t kind) const { return kind_counts_[kind]; }
  const Frame& frame() const { return frame_; }

 private:
  const Frame& frame_;
  std::vector<osmium::Location> nodes_;
  std::vector<Way> ways_;
  std::vector<int64_t> refs_;
  std::vector<std::string> names_;
  osmium::Box box_;
  int64_t kind_counts_[kKindCount] = {};
};

// A point where a street meets or crosses another: streets split their ways there.
struct StreetPoint {
  int64_t id;
  double x, y;
};

// A node placed on an arterial segment, at `offset` metres from the segment's start.
struct Attachment {
  double offset;
  int64_t id;
};

enum class CellKind : uint8_t { kRural, kUrban, kIsland, kMotorway };

struct Options {
  int64_t nodes = kDefaultNodes;
  std::string out;
  uint64_t seed = 1;
};

// ---------------------------------------------------------------------------------------------
// Builds the whole network. Cells are kCellMeters squares between arterial lines: cell (i, j)
// spans x in [i, i+1] * kCellMeters and y in [j, j+1] * kCellMeters.
class Generator {
 public:
  Generator(const Options& options, const Frame& frame)
      : options_(options),
        net_(frame),
        nx_(std::max(1, static_cast<int>(std::lround(frame.width_m() / kCellMeters)))),
        ny_(std::max(1, static_cast<int>(std::lround(frame.height_m() / kCellMeters)))),
        vertical_(static_cast<size_t>(nx_ + 1) * ny_),
        horizontal_(static_cast<size_t>(ny_ + 1) * nx_),
        cells_(static_cast<size_t>(nx_) * ny_, CellKind::kRural) {}

  // Returns false when all cells are towns and the file still has fewer than N nodes.
  bool Build() {
    BuildCrossingsAndArterialShape();
    PlanMotorwayLines();
    RankCells();
    ChooseIslands();
    for (size_t k = 0; k < motorway_rows_.size(); ++k) BuildMotorway(true, motorway_rows_[k], k);
    for (size_t k = 0; k < motorway_cols_.size(); ++k) BuildMotorway(false, motorway_cols_[k], k);
    for (size_t k = 0; k < islands_.size(); ++k) BuildIsland(islands_[k], k);
    for (const int cell : cell_order_) {
      if (net_.node_count() >= options_.nodes) break;
      if (cells_[cell] == CellKind::kIsland) continue;
      BuildTownCell(cell);
      urban_.push_back(cell);
    }
    for (size_t cell = 0; cell < cells_.size(); ++cell) {
      if (cells_[cell] == CellKind::kRural || cells_[cell] == CellKind::kMotorway) {
        BuildRuralCell(static_cast<int>(cell));
      }
    }
    BuildArterialWays();
    return net_.node_count() >= options_.nodes;
  }

  void WriteCsvs(const std::string& points_path, const std::string& facilities_path) const;

  const Network& network() const { return net_; }
  int nx() const { return nx_; }
  int ny() const { return ny_; }
  size_t town_cells() const { return urban_.size(); }
  size_t motorways() const { return motorway_rows_.size() + motorway_cols_.size(); }
  size_t islands() const { return islands_.size(); }

 private:
  int CellIndex(int i, int j) const { return j * nx_ + i; }
  int CellI(int cell) const { return cell % nx_; }
  int CellJ(int cell) const { return cell / nx_; }
  int64_t& Crossing(int i, int j) { return crossings_[static_cast<size_t>(i) * (ny_ + 1) + j]; }

  // A node on vertical arterial line i (x = i * kCellMeters) at height y.
  int64_t AttachToVertical(int i, double y) {
    const int j = std::clamp(static_cast<int>(std::floor(y / kCellMeters)), 0, ny_ - 1);
    const int64_t id = net_.AddNode(i * kCellMeters, y);
    vertical_[static_cast<size_t>(i) * ny_ + j].push_back({y - j * kCellMeters, id});
    return id;
  }
  // A node on horizontal arterial line j (y = j * kCellMeters) at x.
  int64_t AttachToHorizontal(int j, double x) {
    const int i = std::clamp(static_cast<int>(std::floor(x / kCellMeters)), 0, nx_ - 1);
    const int64_t id = net_.AddNode(x, j * kCellMeters);
    horizontal_[static_cast<size_t>(j) * nx_ + i].push_back({x - i * kCellMeters, id});
    return id;
  }

  void BuildCrossingsAndArterialShape() {
    crossings_.resize(static_cast<size_t>(nx_ + 1) * (ny_ + 1));
    for (int i = 0; i <= nx_; ++i) {
      for (int j = 0; j <= ny_; ++j)
        Crossing(i, j) = net_.AddNode(i * kCellMeters, j * kCellMeters);
    }
    Rng rng(Hash(options_.seed, 1));
    const double step = kCellMeters / (kArterialShapeNodes + 1);
    for (int i = 0; i <= nx_; ++i) {
      for (int j = 0; j < ny_; ++j) {
        for (int k = 1; k <= kArterialShapeNodes; ++k) {
          AttachToVertical(i, j * kCellMeters + (k + rng.Uniform(-0.3, 0.3)) * step);
        }
      }
    }
    for (int j = 0; j <= ny_; ++j) {
      for (int i = 0; i < nx_; ++i) {
        for (int k = 1; k <= kArterialShapeNodes; ++k) {
          AttachToHorizontal(j, i * kCellMeters + (k + rng.Uniform(-0.3, 0.3)) * step);
        }
      }
    }
  }

  void PlanMotorwayLines() {
    auto spread = [](int n, int parts) {
      std::vector<int> lines;
      if (n < 2) return lines;
      if (n < 2 * parts) return std::vector<int>{n / 2};
      for (int k = 1; k < parts; ++k) lines.push_back(n * k / parts);
      return lines;
    };
    motorway_rows_ = spread(ny_, 4);
    motorway_cols_ = spread(nx_, 3);
    for (const int j : motorway_rows_) {
      for (int i = 0; i < nx_; ++i) cells_[CellIndex(i, j)] = CellKind::kMotorway;
    }
    for (const int i : motorway_cols_) {
      for (int j = 0; j < ny_; ++j) cells_[CellIndex(i, j)] = CellKind::kMotorway;
    }
  }

  // Orders cells by closeness to town centres (distance / town radius, with some noise).
  void RankCells() {
    Rng rng(Hash(options_.seed, 2));
    struct Town {
      double x, y, radius;
    };
    const double width = nx_ * kCellMeters, height = ny_ * kCellMeters;
    std::vector<Town> towns(std::max<size_t>(4, cells_.size() / 250));
    for (Town& town : towns) {
      const double u = rng.Uniform();
      town = {rng.Uniform(0, width), rng.Uniform(0, height), 2500 + 25000 * u * u * u * u};
    }
    score_.resize(cells_.size());
    for (size_t cell = 0; cell < cells_.size(); ++cell) {
      const double cx = (CellI(static_cast<int>(cell)) + 0.5) * kCellMeters;
      const double cy = (CellJ(static_cast<int>(cell)) + 0.5) * kCellMeters;
      double best = 1e300;
      for (const Town& town : towns) {
        best = std::min(best, std::hypot(cx - town.x, cy - town.y) / town.radius);
      }
      score_[cell] = best * rng.Uniform(0.8, 1.2);
    }
    cell_order_.resize(cells_.size());
    for (size_t cell = 0; cell < cells_.size(); ++cell) cell_order_[cell] = static_cast<int>(cell);
    std::sort(cell_order_.begin(), cell_order_.end(),
              [&](int a, int b) { return score_[a] != score_[b] ? score_[a] < score_[b] : a < b; });
  }

  // The most remote inner cells, not next to each other or to a motorway.
  void ChooseIslands() {
    for (auto it = cell_order_.rbegin(); it != cell_order_.rend(); ++it) {
      if (islands_.size() == kIslands) break;
      const int i = CellI(*it), j = CellJ(*it);
      if (i == 0 || j == 0 || i == nx_ - 1 || j == ny_ - 1) continue;
      bool clear = true;
      for (int di = -1; di <= 1 && clear; ++di) {
        for (int dj = -1; dj <= 1 && clear; ++dj) {
          clear = cells_[CellIndex(i + di, j + dj)] == CellKind::kRural;
        }
      }
      if (!clear) continue;
      cells_[*it] = CellKind::kIsland;
      islands_.push_back(*it);
    }
  }

  // Emits a street through `points` (its intersections, in order): adds curved shape nodes
  // between some of them, leaves a few inner segments out (gaps), and splits it into ways of
  // 2..50 nodes at intersections, each way two-way or (rarely) one-way.
  void EmitStreet(std::span<const StreetPoint> points, Rng& rng, double gap_probability) {
    std::vector<int64_t> way;
    int target = rng.Int(2, kMaxWayNodes);
    auto flush = [&](int64_t restart) {
      const double u = rng.Uniform();
      const Kind kind = u < 0.01   ? Kind::kResidentialOnewayReverse
                        : u < 0.07 ? Kind::kResidentialOneway
                                   : Kind::kResidential;
      net_.AddWay(way, kind);
      way.assign(1, restart);
      target = rng.Int(2, kMaxWayNodes);
    };
    way.push_back(points[0].id);
    const size_t n = points.size();
    for (size_t k = 1; k < n; ++k) {
      const StreetPoint& a = points[k - 1];
      const StreetPoint& b = points[k];
      if (k >= 2 && k + 1 < n && rng.Chance(gap_probability)) {
        flush(b.id);  // the way so far ends at a, the next one starts at b
        continue;
      }
      if (rng.Chance(0.35)) {
        const int shape_nodes = rng.Int(1, 2);
        const double dx = b.x - a.x, dy = b.y - a.y;
        const double length = std::hypot(dx, dy);
        const double bend = rng.Uniform(-12, 12);
        for (int s = 1; s <= shape_nodes; ++s) {
          const double t = static_cast<double>(s) / (shape_nodes + 1);
          const double off = bend * std::sin(std::numbers::pi * t);
          way.push_back(
              net_.AddNode(a.x + t * dx - off * dy / length, a.y + t * dy + off * dx / length));
          if (way.size() == kMaxWayNodes) flush(way.back());
        }
      }
      way.push_back(b.id);
      if (static_cast<int>(way.size()) >= target && k + 1 < n) flush(b.id);
    }
    if (way.size() >= 2) flush(0);
  }

  static std::vector<double> StreetOffsets(Rng& rng) {
    std::vector<double> offsets;
    for (double u = rng.Uniform(kMinStreetSpacing, kMaxStreetSpacing);
         u <= kCellMeters - kMinStreetSpacing;
         u += rng.Uniform(kMinStreetSpacing, kMaxStreetSpacing)) {
      offsets.push_back(u);
    }
    return offsets;
  }

  // A town cell: a jittered street grid whose streets end on the four arterials around it.
  void BuildTownCell(int cell) {
    cells_[cell] = CellKind::kUrban;
    Rng rng(Hash(options_.seed, 1'000'000 + static_cast<uint64_t>(cell)));
    const int i = CellI(cell), j = CellJ(cell);
    const double ox = i * kCellMeters, oy = j * kCellMeters;
    const std::vector<double> xs = StreetOffsets(rng), ys = StreetOffsets(rng);
    const size_t nxs = xs.size(), nys = ys.size();
    std::vector<StreetPoint> grid(nxs * nys);
    for (size_t b = 0; b < nys; ++b) {
      for (size_t a = 0; a < nxs; ++a) {
        const double x = ox + xs[a] + rng.Uniform(-10, 10);
        const double y = oy + ys[b] + rng.Uniform(-10, 10);
        grid[b * nxs + a] = {net_.AddNode(x, y), x, y};
      }
    }
    std::vector<StreetPoint> street;
    for (size_t b = 0; b < nys; ++b) {  // west to east
      street.clear();
      const double y = oy + ys[b];
      street.push_back({AttachToVertical(i, y), ox, y});
      for (size_t a = 0; a < nxs; ++a) street.push_back(grid[b * nxs + a]);
      street.push_back({AttachToVertical(i + 1, y), ox + kCellMeters, y});
      EmitStreet(street, rng, 0.03);
    }
    for (size_t a = 0; a < nxs; ++a) {  // south to north
      street.clear();
      const double x = ox + xs[a];
      street.push_back({AttachToHorizontal(j, x), x, oy});
      for (size_t b = 0; b < nys; ++b) street.push_back(grid[b * nxs + a]);
      street.push_back({AttachToHorizontal(j + 1, x), x, oy + kCellMeters});
      EmitStreet(street, rng, 0.03);
    }
    // Cul-de-sacs: short dead-end stubs into a block from a few intersections.
    for (size_t b = 0; b < nys; ++b) {
      for (size_t a = 0; a < nxs; ++a) {
        if (!rng.Chance(0.04)) continue;
        const double sx = rng.Chance(0.5) ? 1 : -1, sy = rng.Chance(0.5) ? 1 : -1;
        const double next_x =
            sx > 0 ? (a + 1 < nxs ? xs[a + 1] : kCellMeters) : (a > 0 ? xs[a - 1] : 0);
        const double next_y =
            sy > 0 ? (b + 1 < nys ? ys[b + 1] : kCellMeters) : (b > 0 ? ys[b - 1] : 0);
        const double gx = std::abs(next_x - xs[a]), gy = std::abs(next_y - ys[b]);
        const StreetPoint& p = grid[b * nxs + a];
        const int64_t stub[] = {p.id, net_.AddNode(p.x + sx * 0.3 * gx, p.y + sy * 0.25 * gy),
                                net_.AddNode(p.x + sx * 0.4 * gx, p.y + sy * 0.45 * gy)};
        net_.AddWay(stub, Kind::kResidential);
      }
    }
  }

  // A rural cell: sometimes an unclassified road across it, sometimes a dead-end farm road.
  void BuildRuralCell(int cell) {
    Rng rng(Hash(options_.seed, 2'000'000'000 + static_cast<uint64_t>(cell)));
    const int i = CellI(cell), j = CellJ(cell);
    const double ox = i * kCellMeters, oy = j * kCellMeters;
    const double u = rng.Uniform();
    std::vector<int64_t> refs;
    if (u < 0.25 && cells_[cell] == CellKind::kRural) {
      const double y = oy + rng.Uniform(0.3, 0.7) * kCellMeters;
      const int shape_nodes = rng.Int(3, 6);
      refs.push_back(AttachToVertical(i, y));
      for (int s = 1; s <= shape_nodes; ++s) {
        refs.push_back(
            net_.AddNode(ox + s * kCellMeters / (shape_nodes + 1), y + rng.Uniform(-30, 30)));
      }
      refs.push_back(AttachToVertical(i + 1, y));
      net_.AddWay(refs, Kind::kUnclassified);
    } else if (u < 0.35) {
      const double x = ox + rng.Uniform(0.2, 0.8) * kCellMeters;
      const double reach = rng.Uniform(0.15, 0.25) * kCellMeters;
      const int nodes = rng.Int(3, 5);
      refs.push_back(AttachToHorizontal(j, x));
      for (int s = 1; s < nodes; ++s) {
        refs.push_back(net_.AddNode(x + rng.Uniform(-20, 20), oy + reach * s / (nodes - 1)));
      }
      net_.AddWay(refs, Kind::kUnclassified);
    }
  }

  // A small street grid in the middle of a remote cell; the first kFerryIslands islands get a
  // ferry to the arterial south of them, the others stay unconnected.
  void BuildIsland(int cell, size_t index) {
    Rng rng(Hash(options_.seed, 3'000'000'000ULL + static_cast<uint64_t>(cell)));
    const int i = CellI(cell), j = CellJ(cell);
    const int k = rng.Int(3, 8);
    constexpr double kSpacing = 120;
    const double x0 = (i + 0.5) * kCellMeters - kSpacing * (k - 1) / 2;
    const double y0 = (j + 0.5) * kCellMeters - kSpacing * (k - 1) / 2;
    std::vector<StreetPoint> grid(static_cast<size_t>(k) * k);
    for (int b = 0; b < k; ++b) {
      for (int a = 0; a < k; ++a) {
        const double x = x0 + a * kSpacing + rng.Uniform(-8, 8);
        const double y = y0 + b * kSpacing + rng.Uniform(-8, 8);
        grid[b * k + a] = {net_.AddNode(x, y), x, y};
      }
    }
    std::vector<StreetPoint> street;
    for (int b = 0; b < k; ++b) {
      street.assign(grid.begin() + b * k, grid.begin() + (b + 1) * k);
      EmitStreet(street, rng, 0);
    }
    for (int a = 0; a < k; ++a) {
      street.clear();
      for (int b = 0; b < k; ++b) street.push_back(grid[b * k + a]);
      EmitStreet(street, rng, 0);
    }
    if (index < kFerryIslands) {
      const StreetPoint& corner = grid[0];
      const double shore = j * kCellMeters;
      const int64_t ferry[] = {corner.id,
                               net_.AddNode(corner.x - 150, corner.y - (corner.y - shore) / 3),
                               net_.AddNode(corner.x - 100, corner.y - 2 * (corner.y - shore) / 3),
                               AttachToHorizontal(j, corner.x - 50)};
      net_.AddWay(ferry, index == 0 ? Kind::kFerryWithDuration : Kind::kFerry,
                  net_.AddName("Island " + std::to_string(index + 1) + " Ferry"));
    }
  }

  // A motorway along a row (horizontal) or column of cells: two one-way carriageways 30 m
  // apart, right-hand traffic, with a diamond interchange at every 5th arterial it crosses.
  void BuildMotorway(bool horizontal, int line, size_t index) {
    static constexpr const char* kRowRefs[] = {"I-94", "I-96", "I-69"};
    static constexpr const char* kColRefs[] = {"I-75", "US 127"};
    const int32_t ref = net_.AddName(horizontal ? kRowRefs[index % 3] : kColRefs[index % 2]);
    Rng rng(Hash(options_.seed, 4'000 + index * 2 + (horizontal ? 0 : 1)));
    const double phase = rng.Uniform(0, 2 * std::numbers::pi);
    const int crossing_lines = horizontal ? nx_ : ny_;
    const double length = crossing_lines * kCellMeters;
    auto centre = [&](double along) {
      return (line + 0.5) * kCellMeters +
             300 * std::sin(2 * std::numbers::pi * along / 40'000 + phase);
    };
    auto add_node = [&](double along, double across) {
      return horizontal ? net_.AddNode(along, across) : net_.AddNode(across, along);
    };
    // The side of the road traffic in the +along direction drives on (right-hand traffic).
    const double right = horizontal ? -1 : 1;

    std::vector<int> interchanges;
    for (int m = 1; m < crossing_lines; ++m) {
      if (m % 5 == 0) interchanges.push_back(m);
    }
    if (interchanges.empty() && crossing_lines >= 2) interchanges.push_back(crossing_lines / 2);
    std::vector<double> special;
    for (const int m : interchanges) {
      special.push_back(m * kCellMeters - 400);
      special.push_back(m * kCellMeters + 400);
    }
    std::vector<double> samples = special;
    for (double a = 0; a <= length; a += 500) {
      const bool near_special = std::any_of(special.begin(), special.end(),
                                            [&](double s) { return std::abs(s - a) < 60; });
      if (!near_special) samples.push_back(a);
    }
    std::sort(samples.begin(), samples.end());
    std::vector<int64_t> forward(samples.size()), backward(samples.size());
    for (size_t s = 0; s < samples.size(); ++s) {
      forward[s] = add_node(samples[s], centre(samples[s]) + right * 15);
      backward[s] = add_node(samples[s], centre(samples[s]) - right * 15);
    }
    auto sample_index = [&](double along) {
      return static_cast<size_t>(std::lower_bound(samples.begin(), samples.end(), along) -
                                 samples.begin());
    };
    for (const int m : interchanges) {
      const double p = m * kCellMeters;
      const double c = centre(p);
      auto attach = [&](double across) {
        return horizontal ? AttachToVertical(m, across) : AttachToHorizontal(m, across);
      };
      const size_t before = sample_index(p - 400), after = sample_index(p + 400);
      const int64_t forward_terminal = attach(c + right * 150);
      const int64_t backward_terminal = attach(c - right * 150);
      const int64_t ramps[4][3] = {
          {forward[before], add_node(p - 150, c + right * 90), forward_terminal},
          {forward_terminal, add_node(p + 150, c + right * 90), forward[after]},
          {backward[after], add_node(p + 150, c - right * 90), backward_terminal},
          {backward_terminal, add_node(p - 150, c - right * 90), backward[before]},
      };
      for (const auto& ramp : ramps) net_.AddWay(ramp, Kind::kMotorwayLink, -1, ref);
    }
    std::reverse(backward.begin(), backward.end());
    net_.AddChunkedWays(forward, Kind::kMotorway, rng, 10, kMaxWayNodes, -1, ref);
    net_.AddChunkedWays(backward, Kind::kMotorway, rng, 10, kMaxWayNodes, -1, ref);
  }

  // Joins each arterial line's crossings and attachments, in order, into ways.
  void BuildArterialWays() {
    Rng rng(Hash(options_.seed, 5));
    auto kind_of = [](int line) {
      return line % 10 == 0 ? Kind::kPrimary : line % 5 == 0 ? Kind::kSecondary : Kind::kTertiary;
    };
    std::vector<int64_t> refs;
    auto append_sorted = [&](std::vector<Attachment>& segment) {
      std::sort(segment.begin(), segment.end(), [](const Attachment& a, const Attachment& b) {
        return a.offset != b.offset ? a.offset < b.offset : a.id < b.id;
      });
      for (const Attachment& attachment : segment) refs.push_back(attachment.id);
    };
    for (int i = 0; i <= nx_; ++i) {
      refs.clear();
      for (int j = 0; j < ny_; ++j) {
        refs.push_back(Crossing(i, j));
        append_sorted(vertical_[static_cast<size_t>(i) * ny_ + j]);
      }
      refs.push_back(Crossing(i, ny_));
      net_.AddChunkedWays(refs, kind_of(i), rng, 10, kMaxWayNodes,
                          net_.AddName("Line " + std::to_string(i) + " Road"));
    }
    for (int j = 0; j <= ny_; ++j) {
      refs.clear();
      for (int i = 0; i < nx_; ++i) {
        refs.push_back(Crossing(i, j));
        append_sorted(horizontal_[static_cast<size_t>(j) * nx_ + i]);
      }
      refs.push_back(Crossing(nx_, j));
      net_.AddChunkedWays(refs, kind_of(j), rng, 10, kMaxWayNodes,
                          net_.AddName("Mile " + std::to_string(j) + " Road"));
    }
  }

  const Options& options_;
  Network net_;
  const int nx_, ny_;
  std::vector<int64_t> crossings_;
  std::vector<std::vector<Attachment>> vertical_;    // line i, segment j: [i * ny_ + j]
  std::vector<std::vector<Attachment>> horizontal_;  // line j, segment i: [j * nx_ + i]
  std::vector<CellKind> cells_;
  std::vector<double> score_;
  std::vector<int> cell_order_;  // most town-like first
  std::vector<int> urban_;       // in the order they were built
  std::vector<int> islands_;
  std::vector<int> motorway_rows_, motorway_cols_;
};

// Population points: one per island, then mostly in town cells (more in the first, most
// central ones), the rest anywhere on the mainland. Facilities: near the centres of town cells.
void Generator::WriteCsvs(const std::string& points_path,
                          const std::string& facilities_path) const {
  const Frame& frame = net_.frame();
  char line[160];
  auto lon_lat = [&](double x, double y) { return frame.LonLat(x, y); };

  std::ofstream points(points_path);
  points << "id,population,lat,lon\n";
  Rng rng(Hash(options_.seed, 6));
  int written = 0;
  auto write_point = [&](double x, double y, int population) {
    const auto [lon, lat] = lon_lat(x, y);
    std::snprintf(line, sizeof line, "P%06d,%d,%.7f,%.7f\n", ++written, population, lat, lon);
    points << line;
  };
  for (const int cell : islands_) {
    write_point((CellI(cell) + 0.5) * kCellMeters, (CellJ(cell) + 0.5) * kCellMeters,
                rng.Int(40, 100));
  }
  while (written < kPopulationPoints) {
    int cell;
    int population;
    if (!urban_.empty() && rng.Chance(0.85)) {
      const double u = rng.Uniform();
      cell = urban_[static_cast<size_t>(u * std::sqrt(u) * urban_.size())];
      population = 200 + static_cast<int>(2200 * rng.Uniform() * rng.Uniform());
    } else {
      cell = rng.Int(0, static_cast<int>(cells_.size()) - 1);
      if (cells_[cell] == CellKind::kIsland) continue;
      population = 20 + rng.Int(0, 400);
    }
    write_point((CellI(cell) + rng.Uniform(0.01, 0.99)) * kCellMeters,
                (CellJ(cell) + rng.Uniform(0.01, 0.99)) * kCellMeters, population);
  }

  std::ofstream facilities(facilities_path);
  facilities << "ID,NAME,LATITUDE,LONGITUDE\n";
  for (int f = 1; f <= kFacilities; ++f) {
    const double u = rng.Uniform();
    const int cell = urban_.empty() ? rng.Int(0, static_cast<int>(cells_.size()) - 1)
                                    : urban_[static_cast<size_t>(u * u * urban_.size())];
    const auto [lon, lat] = lon_lat((CellI(cell) + rng.Uniform(0.2, 0.8)) * kCellMeters,
                                    (CellJ(cell) + rng.Uniform(0.2, 0.8)) * kCellMeters);
    std::snprintf(line, sizeof line, "F%04d,Synthetic Hospital %04d,%.7f,%.7f\n", f, f, lat, lon);
    facilities << line;
  }
}

// ---------------------------------------------------------------------------------------------
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

int main(int argc, char** argv) {
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
