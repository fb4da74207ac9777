#ifndef CAREREACH_TESTS_E2E_PROCESS_H_
#define CAREREACH_TESTS_E2E_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

namespace carereach::testing_util {

struct CommandResult {
  int exit_code = -1;  // -1 when it did not exit normally
  std::string out;
  std::string err;
};

// Runs `argv` to completion, capturing stdout and stderr. Not thread-safe.
CommandResult RunCommand(const std::vector<std::string>& argv);

// A child process running in the background, its stderr going to `log_path`.
// Stop() sends SIGTERM and waits; the destructor kills it if still running.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::string& log_path);
  ~ChildProcess();
  // Exit code after SIGTERM (waits up to `timeout_seconds`, then SIGKILL and returns -1).
  int Stop(int timeout_seconds);
  // SIGKILL, as a crash would: no shutdown handler runs. Waits for the process to be gone.
  void Kill();
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

}  // namespace carereach::testing_util

#endif  // CAREREACH_TESTS_E2E_PROCESS_H_
