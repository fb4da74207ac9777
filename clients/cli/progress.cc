#include "clients/cli/progress.h"

#include <chrono>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace carereach::cli {
namespace {

constexpr absl::Duration kQuietFor = absl::Seconds(1);
constexpr absl::Duration kRedrawEvery = absl::Milliseconds(200);

// 7634 -> "7,634".
std::string Grouped(int64_t n) {
  std::string digits = absl::StrCat(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

}  // namespace

Progress::Progress(std::ostream* out, std::string label, std::string unit,
                   std::function<absl::Time()> now, bool tick)
    : out_(out),
      label_(std::move(label)),
      unit_(std::move(unit)),
      now_(std::move(now)),
      start_(now_()) {
  if (out_ == nullptr || !tick) return;
  ticker_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopped_) {
      stop_cv_.wait_for(lock, std::chrono::milliseconds(200));
      if (stopped_) break;
      lock.unlock();
      Draw();
      lock.lock();
    }
  });
}

Progress::~Progress() { Finish(); }

void Progress::Update(int64_t done, int64_t total) {
  std::lock_guard<std::mutex> lock(mu_);
  done_ = done;
  total_ = total;
}

std::unique_lock<std::mutex> Progress::Hold() {
  std::unique_lock<std::mutex> lock(mu_);
  EraseLocked();
  return lock;
}

void Progress::Draw() {
  if (out_ == nullptr) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (stopped_) return;
  const absl::Time now = now_();
  if (now - start_ < kQuietFor || now - last_draw_ < kRedrawEvery) return;
  last_draw_ = now;
  const std::string line = LineLocked();
  // Characters, not bytes: the separator is one character in two bytes of UTF-8.
  const size_t width = line.size() - 1;
  *out_ << '\r' << line;
  if (width < shown_width_) *out_ << std::string(shown_width_ - width, ' ');
  out_->flush();
  shown_width_ = width;
}

void Progress::Finish() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    EraseLocked();
  }
  stop_cv_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

std::string Progress::Line() const {
  std::lock_guard<std::mutex> lock(mu_);
  return LineLocked();
}

std::string Progress::LineLocked() const {
  const int64_t seconds = absl::ToInt64Seconds(now_() - start_);
  std::string what;
  if (total_ > 0) {
    what = absl::StrCat(Grouped(done_), " of ", Grouped(total_), " ", unit_);
  } else if (done_ > 0) {
    what = absl::StrCat(Grouped(done_), " ", unit_);
  } else {
    what = "waiting for the server";
  }
  return absl::StrCat(label_, ": ", what, " \u00b7 ", seconds, " s");
}

void Progress::EraseLocked() {
  if (out_ == nullptr || shown_width_ == 0) return;
  *out_ << '\r' << std::string(shown_width_, ' ') << '\r';
  out_->flush();
  shown_width_ = 0;
}

}  // namespace carereach::cli
