#ifndef CAREREACH_TESTS_E2E_PROCESS_H_
#define CAREREACH_TESTS_E2E_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace carereach::testing_util {

struct CommandResult {
  int exit_code = -1;  // -1 when it did not exit normally
  bool timed_out = false;
  std::string out;
  std::string err;
};

// The whole file at `path` as bytes (empty when it cannot be read).
std::string ReadWholeFile(const std::string& path);

// Runs `argv` to completion, capturing stdout and stderr. Not thread-safe.
CommandResult RunCommand(const std::vector<std::string>& argv);

struct RunOptions {
  // Zero: no limit. Otherwise the command's process group is killed (SIGKILL) when it has not
  // exited by then, and the result says timed_out.
  std::chrono::milliseconds timeout{0};
  // "NAME=value" entries replacing or added to this process's environment.
  std::vector<std::string> env;
};

// As above, but `argv` runs in a process group of its own, which is killed when `argv[0]` exits
// or times out: no helper process it started is left behind (for programs such as a browser
// that start many). Not thread-safe.
CommandResult RunCommand(const std::vector<std::string>& argv, const RunOptions& options);

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

// A server binary started on a free loopback port: `binary --listen=127.0.0.1:0
// --port_file=DIR/port FLAGS...`, its stderr in DIR/server.log. Start waits up to
// `wait_seconds` for the port file; on failure it adds a test failure with the log and returns
// null. The process is stopped (SIGTERM, then SIGKILL) with the object.
struct StartedServer {
  std::unique_ptr<ChildProcess> process;
  std::string address;  // "127.0.0.1:PORT"
  std::string log_path;

  static std::unique_ptr<StartedServer> Start(const std::string& binary, const std::string& dir,
                                              const std::vector<std::string>& flags,
                                              int wait_seconds = 60);
};

}  // namespace carereach::testing_util

#endif  // CAREREACH_TESTS_E2E_PROCESS_H_
