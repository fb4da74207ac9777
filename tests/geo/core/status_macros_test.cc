#include "geo/core/status_macros.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace carereach {
namespace {

absl::Status Fails(bool fail) { return fail ? absl::NotFoundError("missing") : absl::OkStatus(); }

absl::StatusOr<std::unique_ptr<int>> Make(bool fail, int value) {
  if (fail) return absl::InvalidArgumentError("bad value");
  return std::make_unique<int>(value);
}

int calls = 0;
absl::StatusOr<int> Counted() {
  ++calls;
  return 7;
}

absl::Status Chain(bool first, bool second, int* out) {
  RETURN_IF_ERROR(Fails(first));
  ASSIGN_OR_RETURN(std::unique_ptr<int> p, Make(second, 41));    // move-only values work
  ASSIGN_OR_RETURN(std::unique_ptr<int> twice, Make(false, 1));  // two in one scope, no clash
  *out = *p + *twice;
  return absl::OkStatus();
}

absl::StatusOr<std::string> Typed(bool fail) {
  RETURN_IF_ERROR(Fails(fail));  // returns through StatusOr<std::string>
  return std::string("ok");
}

TEST(StatusMacrosTest, ReturnTheFirstErrorAndOtherwiseAssign) {
  int out = 0;
  EXPECT_EQ(Chain(true, false, &out).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Chain(false, true, &out).message(), "bad value");
  EXPECT_EQ(out, 0);
  ASSERT_TRUE(Chain(false, false, &out).ok());
  EXPECT_EQ(out, 42);
  EXPECT_EQ(Typed(true).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(*Typed(false), "ok");
}

TEST(StatusMacrosTest, EvaluateTheExpressionOnceAndAssignExistingVariables) {
  calls = 0;
  int existing = 0;
  auto f = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(existing, Counted());
    return absl::OkStatus();
  };
  ASSERT_TRUE(f().ok());
  EXPECT_EQ(existing, 7);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace carereach
