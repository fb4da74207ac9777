#ifndef CAREREACH_TESTS_STATUS_MATCHERS_H_
#define CAREREACH_TESTS_STATUS_MATCHERS_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"

namespace carereach::testing_util {

inline const absl::Status& GetStatus(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

// StatusIs(code, message_matcher) for absl::Status and absl::StatusOr<T>; the installed Abseil
// predates absl/status/status_matchers.h.
MATCHER_P2(StatusIs, code, message_matcher,
           std::string(negation ? "isn't" : "is") + " a status with code " +
               absl::StatusCodeToString(code)) {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "whose status is " << status;
  return status.code() == code &&
         testing::ExplainMatchResult(message_matcher, std::string(status.message()),
                                     result_listener);
}

}  // namespace carereach::testing_util

#endif  // CAREREACH_TESTS_STATUS_MATCHERS_H_
