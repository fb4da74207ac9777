#include "geo/core/hash.h"

#include <xxhash.h>

namespace carereach::geo {

uint64_t Hash64(const void* data, size_t size, uint64_t seed) {
  return XXH3_64bits_withSeed(data, size, seed);
}

}  // namespace carereach::geo
