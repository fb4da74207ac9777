#include "tests/browser/chromium.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "tests/e2e/process.h"

namespace carereach::testing_util {
namespace {

// A fresh directory for one browser run (its profile, HOME and caches), removed with its contents
// by the destructor.
class TempProfile {
 public:
  TempProfile() {
    std::string pattern = (std::filesystem::temp_directory_path() / "carereach-chromium-XXXXXX");
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempProfile() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempProfile(const TempProfile&) = delete;
  TempProfile& operator=(const TempProfile&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The last `max_chars` characters of `text`.
std::string Tail(const std::string& text, size_t max_chars = 2000) {
  return text.size() <= max_chars ? text : text.substr(text.size() - max_chars);
}

// Runs Chromium headless on file://`html_path` with `extra_flags` (the output mode).
absl::StatusOr<CommandResult> RunChromium(const std::string& html_path,
                                          const std::vector<std::string>& extra_flags,
                                          absl::Duration timeout) {
  if (!ChromiumAvailable()) {
    return absl::FailedPreconditionError(absl::StrCat("no browser at ", ChromiumPath()));
  }
  const TempProfile profile;
  if (profile.path().empty()) return absl::InternalError("cannot create a temporary profile");
  std::vector<std::string> argv = {
      ChromiumPath(), "--headless=new",
      // Tests may run as root (CI), where Chromium refuses to start with its sandbox.
      "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
      absl::StrCat("--user-data-dir=", profile.path()),
      // Nothing in the background: no network, no updates, no crash uploads, no first-run UI.
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-extensions", "--disable-default-apps", "--disable-crash-reporter",
      "--no-first-run", "--no-default-browser-check", "--mute-audio", "--no-pings",
      "--disable-features=Translate,MediaRouter,OptimizationHints"};
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  argv.push_back(absl::StrCat("file://", std::filesystem::absolute(html_path).string()));
  RunOptions options;
  options.timeout = std::chrono::milliseconds(absl::ToInt64Milliseconds(timeout));
  // Its caches and configuration go to the temporary directory too, not the user's home.
  options.env = {absl::StrCat("HOME=", profile.path()),
                 absl::StrCat("XDG_CONFIG_HOME=", profile.path(), "/config"),
                 absl::StrCat("XDG_CACHE_HOME=", profile.path(), "/cache")};
  CommandResult result = RunCommand(argv, options);
  if (result.timed_out) {
    return absl::DeadlineExceededError(absl::StrCat("chromium on ", html_path, " killed after ",
                                                    absl::FormatDuration(timeout),
                                                    "; stderr: ", Tail(result.err)));
  }
  if (result.exit_code != 0) {
    return absl::InternalError(absl::StrCat("chromium on ", html_path, " exited with ",
                                            result.exit_code, "; stderr: ", Tail(result.err)));
  }
  return result;
}

}  // namespace

std::string ChromiumPath() {
  const char* path = std::getenv("CAREREACH_CHROMIUM");
  return path != nullptr && *path != '\0' ? path : "/usr/bin/chromium";
}

bool ChromiumAvailable() { return access(ChromiumPath().c_str(), X_OK) == 0; }

absl::Status ChromiumScreenshot(const std::string& html_path, const std::string& png_path,
                                int width_px, int height_px, absl::Duration timeout) {
  std::error_code ignored;
  std::filesystem::remove(png_path, ignored);  // so that a stale picture cannot pass for this one
  absl::StatusOr<CommandResult> result =
      RunChromium(html_path,
                  {absl::StrCat("--screenshot=", png_path),
                   absl::StrCat("--window-size=", width_px, ",", height_px)},
                  timeout);
  if (!result.ok()) return result.status();
  if (!std::filesystem::exists(png_path) || std::filesystem::file_size(png_path, ignored) == 0) {
    return absl::InternalError(
        absl::StrCat("chromium wrote no screenshot ", png_path, "; stderr: ", Tail(result->err)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ChromiumDumpDom(const std::string& html_path, absl::Duration timeout) {
  absl::StatusOr<CommandResult> result = RunChromium(html_path, {"--dump-dom"}, timeout);
  if (!result.ok()) return result.status();
  if (result->out.empty()) {
    return absl::InternalError(
        absl::StrCat("chromium dumped no DOM for ", html_path, "; stderr: ", Tail(result->err)));
  }
  return std::move(result->out);
}

}  // namespace carereach::testing_util
