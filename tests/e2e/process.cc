#include "tests/e2e/process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "gtest/gtest.h"

extern char** environ;

namespace carereach::testing_util {
namespace {

std::vector<char*> CArgs(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  return args;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// `env` ("NAME=value" entries) over this process's environment.
std::vector<std::string> MergedEnvironment(const std::vector<std::string>& env) {
  std::vector<std::string> merged;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('=') + 1);
    bool replaced = false;
    for (const std::string& override_entry : env) replaced |= override_entry.rfind(name, 0) == 0;
    if (!replaced) merged.push_back(entry);
  }
  merged.insert(merged.end(), env.begin(), env.end());
  return merged;
}

// Starts `argv` with stdin from /dev/null and stdout, stderr to the files; in a new process group
// (its id the child's pid) when `own_group`, with `env` over the environment. -1 on failure.
pid_t Spawn(const std::vector<std::string>& argv, const std::string& out_path,
            const std::string& err_path, bool own_group = false,
            const std::vector<std::string>& env = {}) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  if (own_group) {
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
  }
  const std::vector<std::string> environment = MergedEnvironment(env);
  std::vector<char*> envp = CArgs(environment);
  pid_t pid = -1;
  std::vector<char*> args = CArgs(argv);
  if (posix_spawn(&pid, args[0], &actions, &attributes, args.data(), envp.data()) != 0) pid = -1;
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

int ExitCode(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

}  // namespace

std::string ReadWholeFile(const std::string& path) { return Slurp(path); }

CommandResult RunCommand(const std::vector<std::string>& argv) {
  static int counter = 0;
  const std::string base =
      ::testing::TempDir() + "/cmd" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  CommandResult result;
  const pid_t pid = Spawn(argv, base + ".out", base + ".err");
  if (pid <= 0) {
    result.err = "cannot spawn " + argv[0];
    return result;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = ExitCode(status);
  result.out = Slurp(base + ".out");
  result.err = Slurp(base + ".err");
  return result;
}

CommandResult RunCommand(const std::vector<std::string>& argv, const RunOptions& options) {
  static int counter = 0;
  const std::string base =
      ::testing::TempDir() + "/cmdg" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  CommandResult result;
  const pid_t pid = Spawn(argv, base + ".out", base + ".err", /*own_group=*/true, options.env);
  if (pid <= 0) {
    result.err = "cannot spawn " + argv[0];
    return result;
  }
  const auto until = std::chrono::steady_clock::now() + options.timeout;
  while (true) {
    // WNOWAIT: the exited child stays a zombie, so its pid (the group's id) cannot be reused
    // before the group is killed below.
    siginfo_t info{};
    if (waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid) break;
    if (options.timeout.count() > 0 && std::chrono::steady_clock::now() >= until) {
      result.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(-pid, SIGKILL);  // helpers still running (all of them when it timed out)
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = result.timed_out ? -1 : ExitCode(status);
  result.out = Slurp(base + ".out");
  result.err = Slurp(base + ".err");
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return result;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& log_path)
    : pid_(Spawn(argv, log_path + ".out", log_path)) {}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

void ChildProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

int ChildProcess::Stop(int timeout_seconds) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  while (std::chrono::steady_clock::now() < until) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return ExitCode(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  return -1;
}

std::unique_ptr<StartedServer> StartedServer::Start(const std::string& binary,
                                                    const std::string& dir,
                                                    const std::vector<std::string>& flags,
                                                    int wait_seconds) {
  auto server = std::make_unique<StartedServer>();
  std::filesystem::create_directories(dir);
  server->log_path = dir + "/server.log";
  const std::string port_file = dir + "/port";
  std::filesystem::remove(port_file);  // an earlier server's
  std::vector<std::string> argv = {binary, "--listen=127.0.0.1:0", "--port_file=" + port_file};
  argv.insert(argv.end(), flags.begin(), flags.end());
  server->process = std::make_unique<ChildProcess>(argv, server->log_path);
  for (int i = 0; i < wait_seconds * 10 && !std::filesystem::exists(port_file); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::string port = Slurp(port_file);
  port.erase(port.find_last_not_of("\n ") + 1);
  if (port.empty()) {
    ADD_FAILURE() << binary << " wrote no port within " << wait_seconds << " s; its log:\n"
                  << Slurp(server->log_path);
    return nullptr;
  }
  server->address = "127.0.0.1:" + port;
  return server;
}

}  // namespace carereach::testing_util
