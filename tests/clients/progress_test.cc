// clients/cli/progress.h: the progress line's timing (quiet for a second, at most 5 draws a
// second), its text, and that it is erased, on a fake clock without the ticking thread.
#include "clients/cli/progress.h"

#include <sstream>
#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace carereach::cli {
namespace {

using ::testing::IsEmpty;

class ProgressTest : public ::testing::Test {
 protected:
  absl::Time now_ = absl::FromUnixSeconds(1'700'000'000);
  std::ostringstream out_;
  std::function<absl::Time()> Clock() {
    return [this] { return now_; };
  }
  // What was written since the last call.
  std::string Written() {
    std::string text = out_.str();
    out_.str("");
    return text;
  }
};

TEST_F(ProgressTest, QuietForASecondThenOneLineRewrittenInPlace) {
  Progress progress(&out_, "carereach network import", "rows sent", Clock(), /*tick=*/false);
  progress.Update(5000, 12345);
  now_ += absl::Milliseconds(999);
  progress.Draw();
  EXPECT_THAT(Written(), IsEmpty());

  now_ += absl::Milliseconds(201);
  progress.Draw();
  EXPECT_EQ(Written(), "\rcarereach network import: 5,000 of 12,345 rows sent \u00b7 1 s");

  // At most every 200 ms.
  progress.Update(10000, 12345);
  now_ += absl::Milliseconds(150);
  progress.Draw();
  EXPECT_THAT(Written(), IsEmpty());
  now_ += absl::Milliseconds(900);
  progress.Draw();
  EXPECT_EQ(Written(), "\rcarereach network import: 10,000 of 12,345 rows sent \u00b7 2 s");
}

TEST_F(ProgressTest, AShorterLineBlanksTheRestOfTheLongerOne) {
  Progress progress(&out_, "carereach matrix", "rows", Clock(), /*tick=*/false);
  progress.Update(1200, 7634);
  now_ += absl::Seconds(2);
  progress.Draw();
  const std::string first = Written();
  progress.Update(3);  // total unknown: a shorter line
  now_ += absl::Seconds(1);
  progress.Draw();
  const std::string second = Written();
  const std::string text = "\rcarereach matrix: 3 rows \u00b7 3 s";
  ASSERT_EQ(second.substr(0, text.size()), text);
  // The blanks cover the first line's characters (the separator is one character, two bytes).
  EXPECT_EQ(second.size() - 1, first.size() - 1);
  EXPECT_EQ(second.find_first_not_of(' ', text.size()), std::string::npos);
}

TEST_F(ProgressTest, WaitingForTheServerWhenNothingIsCounted) {
  Progress progress(&out_, "carereach analyze adequacy", "", Clock(), /*tick=*/false);
  now_ += absl::Seconds(3);
  EXPECT_EQ(progress.Line(), "carereach analyze adequacy: waiting for the server \u00b7 3 s");
}

TEST_F(ProgressTest, HoldAndFinishEraseTheLine) {
  Progress progress(&out_, "carereach matrix", "rows", Clock(), /*tick=*/false);
  progress.Update(1, 2);
  now_ += absl::Seconds(1);
  progress.Draw();
  const size_t width = Written().size() - 2;  // without "\r", one character in two bytes
  {
    const std::unique_lock<std::mutex> hold = progress.Hold();
    EXPECT_EQ(Written(), "\r" + std::string(width, ' ') + "\r");
  }
  // Erased already: holding again writes nothing.
  { const std::unique_lock<std::mutex> hold = progress.Hold(); }
  EXPECT_THAT(Written(), IsEmpty());

  now_ += absl::Seconds(1);
  progress.Draw();
  EXPECT_THAT(Written(), ::testing::StartsWith("\rcarereach matrix: 1 of 2 rows"));
  progress.Finish();
  EXPECT_EQ(Written(), "\r" + std::string(width, ' ') + "\r");
  // Finished: nothing more is drawn.
  now_ += absl::Seconds(5);
  progress.Draw();
  progress.Finish();
  EXPECT_THAT(Written(), IsEmpty());
}

TEST_F(ProgressTest, OffWithoutATerminalAndWithTheThread) {
  // No output stream: nothing at all, even with the ticking thread asked for.
  Progress progress(nullptr, "carereach matrix", "rows", Clock(), /*tick=*/true);
  progress.Update(1, 2);
  now_ += absl::Seconds(5);
  progress.Draw();
  { const std::unique_lock<std::mutex> hold = progress.Hold(); }
  progress.Finish();
  EXPECT_THAT(out_.str(), IsEmpty());
}

}  // namespace
}  // namespace carereach::cli
