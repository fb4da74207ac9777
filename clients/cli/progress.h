#ifndef CAREREACH_CLIENTS_CLI_PROGRESS_H_
#define CAREREACH_CLIENTS_CLI_PROGRESS_H_

// A one-line progress report on stderr for CLI operations that take more than a second (large
// imports, matrices, national adequacy, any wait for the server), only when stderr is a
// terminal: nothing during the first second, then one line rewritten in place ("\r") at most 5
// times a second, erased when the operation ends:
//   carereach matrix: 1,200 of 7,634 rows · 14 s
//   carereach analyze adequacy: waiting for the server · 3 s
// When stderr is not a terminal (a pipe, a file, a test) it does nothing, so scripted use sees
// exactly the stderr it always did.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace carereach::cli {

class Progress {
 public:
  // `out` null: off (every method does nothing, no thread). `label` starts the line
  // ("carereach matrix"); `unit` names what Update counts ("rows"). `now` is the clock (tests
  // pass a fake one and call Draw themselves with `tick` false).
  Progress(std::ostream* out, std::string label, std::string unit,
           std::function<absl::Time()> now = &absl::Now, bool tick = true);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // `done` units so far, of `total` (0: unknown). Shown by the next draw.
  void Update(int64_t done, int64_t total = 0);

  // Erases the line (if shown) and keeps it hidden while the returned lock is held: hold it
  // while writing to the terminal's stdout or stderr, so a row never lands on the progress line.
  std::unique_lock<std::mutex> Hold();

  // Draws the line if at least one second has passed since the start and 200 ms since the last
  // draw. The ticking thread calls it every 200 ms.
  void Draw();

  // Erases the line (if shown) and stops; later calls do nothing.
  void Finish();

  // The line as it would be drawn now, without "\r" (for tests).
  std::string Line() const;

 private:
  std::string LineLocked() const;
  void EraseLocked();

  std::ostream* out_;
  const std::string label_;
  const std::string unit_;
  const std::function<absl::Time()> now_;
  const absl::Time start_;
  mutable std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopped_ = false;
  int64_t done_ = 0;
  int64_t total_ = 0;
  size_t shown_width_ = 0;  // characters of the line on screen; 0: nothing shown
  absl::Time last_draw_ = absl::InfinitePast();
  std::thread ticker_;
};

}  // namespace carereach::cli

#endif  // CAREREACH_CLIENTS_CLI_PROGRESS_H_
