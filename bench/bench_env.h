#ifndef CAREREACH_BENCH_BENCH_ENV_H_
#define CAREREACH_BENCH_BENCH_ENV_H_

#include <cstdlib>
#include <string>

namespace carereach::bench {

// CAREREACH_BENCH_ROAD_HIERARCHY=0 runs the drive benchmarks on the reference Dijkstra engine
// (no contraction hierarchy), for side-by-side runs of the two engines in one session.
inline bool BenchRoadHierarchy() {
  const char* env = std::getenv("CAREREACH_BENCH_ROAD_HIERARCHY");
  return env == nullptr || std::string(env) != "0";
}

}  // namespace carereach::bench

#endif  // CAREREACH_BENCH_BENCH_ENV_H_
