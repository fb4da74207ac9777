#ifndef CAREREACH_GEO_ROADS_SPEED_PROFILE_H_
#define CAREREACH_GEO_ROADS_SPEED_PROFILE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace carereach::roads {

// Road speeds by class, as data (deploy/profiles/car.csv): which OSM ways a car may use and how
// fast. A CSV of key,value[,note] rows; keys "name", "highway.<class>" (km/h), "route.ferry"
// (km/h), "maxspeed.factor", "maxspeed.cap_kph", "maxspeed.floor_kph".
// Immutable after parsing; thread-safe to share const.
class SpeedProfile {
 public:
  // `text` is the CSV; `source` names it in messages. INVALID_ARGUMENT naming the line for an
  // unknown key, a non-numeric or non-positive speed, a missing name or no highway class.
  static absl::StatusOr<SpeedProfile> Parse(std::string_view text, std::string source);

  const std::string& name() const { return name_; }
  // Stable 64-bit hash of the profile text (part of the road graph cache key).
  uint64_t fingerprint() const { return fingerprint_; }

  // Default speed of a highway class (km/h), or nullopt when cars don't use that class.
  std::optional<double> HighwaySpeedKph(std::string_view highway) const;
  double ferry_speed_kph() const { return ferry_speed_kph_; }

  // The speed of a way in km/h: its maxspeed tag (e.g. "50", "30 mph", "45mph") times the
  // factor when it parses, else the class default; clamped to [floor, cap].
  double WaySpeedKph(double class_speed_kph, std::string_view maxspeed_tag) const;

  // Parses an OSM maxspeed value into km/h; nullopt for "none", "signals", "US:urban", etc.
  static std::optional<double> ParseMaxspeedKph(std::string_view tag);

 private:
  std::string name_;
  uint64_t fingerprint_ = 0;
  absl::flat_hash_map<std::string, double> highway_kph_;
  double ferry_speed_kph_ = 10.0;
  double maxspeed_factor_ = 0.8;
  double cap_kph_ = 120.0;
  double floor_kph_ = 5.0;
};

// The profile shipped in deploy/profiles/car.csv, built into the binary.
const char* DefaultCarProfileCsv();

}  // namespace carereach::roads

#endif  // CAREREACH_GEO_ROADS_SPEED_PROFILE_H_
