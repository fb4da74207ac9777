#ifndef CAREREACH_GEO_ROUTING_ROUTE_KEY_H_
#define CAREREACH_GEO_ROUTING_ROUTE_KEY_H_

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace carereach::routing {

enum class Metric { kSeconds, kMeters };
// Forward follows arcs as they run (from a source outwards); backward follows them reversed
// (towards a target: a search from the facilities over reversed arcs gives every node its
// travel TO the nearest facility).
enum class Direction { kForward, kBackward };

// The cost of a route in whole ticks, packed so that comparing two keys as integers compares
// routes lexicographically: the search metric in the high 32 bits, the other metric in the low
// 32 bits. Time keys are (milliseconds << 32) | centimetres, distance keys
// (centimetres << 32) | milliseconds. The least time key is therefore the fastest route and,
// among routes of equal time, the shortest: "the miles of the fastest route" is well defined
// whatever the engine or the order of additions. Adding two keys adds both halves exactly (no
// carry while every half stays below 2^31: 24.8 days, 21,474 km).
using RouteKey = uint64_t;

inline constexpr double kTicksPerSecond = 1000.0;  // 1 ms
inline constexpr double kTicksPerMeter = 100.0;    // 1 cm
// Beyond every finite key (whose high half is below 2^31); kUnreached + a finite key is still
// >= kUnreached.
inline constexpr RouteKey kUnreached = RouteKey{1} << 63;
// The largest half a finite key may hold.
inline constexpr uint32_t kMaxHalf = (uint32_t{1} << 31) - 1;

// `value` in whole ticks, rounded half up, clamped to [0, kMaxHalf] (NaN gives 0).
inline uint32_t Ticks(double value, double ticks_per_unit) {
  const double t = value * ticks_per_unit + 0.5;
  return t >= kMaxHalf ? kMaxHalf : t >= 1 ? static_cast<uint32_t>(t) : 0;
}

// The key of a route of `seconds` and `meters` in `metric`.
inline RouteKey KeyOf(Metric metric, double seconds, double meters) {
  const RouteKey ms = Ticks(seconds, kTicksPerSecond), cm = Ticks(meters, kTicksPerMeter);
  return metric == Metric::kSeconds ? (ms << 32) | cm : (cm << 32) | ms;
}

// The key of one road arc: at least one tick in each half, so that no arc is free (zero-length
// arcs between duplicate coordinates would make ties depend on the order of a search).
inline RouteKey ArcKey(Metric metric, float seconds, float meters) {
  const RouteKey ms = std::max<uint32_t>(1, Ticks(seconds, kTicksPerSecond));
  const RouteKey cm = std::max<uint32_t>(1, Ticks(meters, kTicksPerMeter));
  return metric == Metric::kSeconds ? (ms << 32) | cm : (cm << 32) | ms;
}

inline bool Reached(RouteKey k) { return k < kUnreached; }

// The search metric's value of a finite key (seconds or metres), and the other metric's.
inline double PrimaryValue(Metric metric, RouteKey k) {
  return static_cast<double>(k >> 32) /
         (metric == Metric::kSeconds ? kTicksPerSecond : kTicksPerMeter);
}
inline double SecondaryValue(Metric metric, RouteKey k) {
  return static_cast<double>(k & 0xFFFFFFFFu) /
         (metric == Metric::kSeconds ? kTicksPerMeter : kTicksPerSecond);
}

// The largest key whose primary value is within `bound` (rounded up to whole ticks, so a search
// pruned at it never drops a route the exact check accepts).
inline RouteKey BoundKey(Metric metric, double bound) {
  const double ticks =
      std::ceil(bound * (metric == Metric::kSeconds ? kTicksPerSecond : kTicksPerMeter));
  if (!(ticks >= 0)) return 0;
  const RouteKey high = ticks >= kMaxHalf ? kMaxHalf : static_cast<RouteKey>(ticks);
  return (high << 32) | 0xFFFFFFFFu;
}

// a + b, kUnreached when either is unreached or a half would leave the finite range.
inline RouteKey AddKeys(RouteKey a, RouteKey b) {
  if (a >= kUnreached || b >= kUnreached) return kUnreached;
  const RouteKey sum = a + b;
  if ((sum >> 32) > kMaxHalf || (sum & 0xFFFFFFFFu) > kMaxHalf) return kUnreached;
  return sum;
}

}  // namespace carereach::routing

#endif  // CAREREACH_GEO_ROUTING_ROUTE_KEY_H_
