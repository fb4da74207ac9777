#ifndef CAREREACH_TESTS_DATA_DIR_H_
#define CAREREACH_TESTS_DATA_DIR_H_

#include <cstdlib>
#include <string>

namespace carereach::testing_util {

// The shared real-data directory: $CAREREACH_DATA, else ../shared/data beside the checkout.
inline std::string DataDir() {
  if (const char* env = std::getenv("CAREREACH_DATA"); env != nullptr && *env != '\0') return env;
  return std::string(CAREREACH_SOURCE_DIR) + "/../shared/data";
}

}  // namespace carereach::testing_util

#endif  // CAREREACH_TESTS_DATA_DIR_H_
