#ifndef CARERACH_TESTS_DATA_DIR_H_
#define CARERACH_TESTS_DATA_DIR_H_

#include <cstdlib>
#include <string>

namespace carereach::testing_util {

// The shared real-data directory: $CARERACH_DATA, else ../shared/data beside the checkout.
inline std::string DataDir() {
  if (const char* env = std::getenv("CARERACH_DATA"); env != nullptr && *env != '\0') return env;
  return std::string(CARERACH_SOURCE_DIR) + "/../shared/data";
}

}  // namespace carereach::testing_util

#endif  // CARERACH_TESTS_DATA_DIR_H_
