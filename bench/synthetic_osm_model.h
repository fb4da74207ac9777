// The model behind make_synthetic_osm (see make_synthetic_osm.cc for what it writes): its
// constants, a seeded PRNG, the way kinds and their OSM tags, the local frame (metres -> lon/lat)
// and the in-memory network of nodes and ways.
#ifndef CAREREACH_BENCH_SYNTHETIC_OSM_MODEL_H_
#define CAREREACH_BENCH_SYNTHETIC_OSM_MODEL_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <numbers>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "osmium/osm/box.hpp"
#include "osmium/osm/location.hpp"

namespace carereach::synthetic_osm {

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
inline uint64_t SplitMix(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

inline uint64_t Hash(uint64_t a, uint64_t b) {
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

inline const KindInfo& Info(Kind kind) { return kKinds[static_cast<size_t>(kind)]; }

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

}  // namespace carereach::synthetic_osm

#endif  // CAREREACH_BENCH_SYNTHETIC_OSM_MODEL_H_
