#ifndef CAREREACH_GEO_CORE_HASH_H_
#define CAREREACH_GEO_CORE_HASH_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace carereach::geo {

// Stable 64-bit hash (XXH3, xxHash) of bytes: the same on every machine and run, so it can key
// files on disk. Fast enough for checksums of hundreds of megabytes. Thread-safe.
uint64_t Hash64(const void* data, size_t size, uint64_t seed = 0);
inline uint64_t Hash64(std::string_view bytes, uint64_t seed = 0) {
  return Hash64(bytes.data(), bytes.size(), seed);
}

}  // namespace carereach::geo

#endif  // CAREREACH_GEO_CORE_HASH_H_
