// Headless Chromium for tests of the HTML report (clients/cli/html_report.h): a screenshot of a
// page and its DOM after load. Debian's `chromium` (/usr/bin/chromium, scripts/setup installs
// it); run with --no-sandbox since tests may run as root. Each run gets a fresh profile in a
// temporary directory, removed afterwards, and flags that keep it off the network. Test code only;
// not thread-safe (tests/e2e/process.h).
#ifndef CAREREACH_TESTS_BROWSER_CHROMIUM_H_
#define CAREREACH_TESTS_BROWSER_CHROMIUM_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace carereach::testing_util {

// The browser binary: $CAREREACH_CHROMIUM when set, else /usr/bin/chromium.
std::string ChromiumPath();

// Whether ChromiumPath() is an executable file (tests skip without it).
bool ChromiumAvailable();

// Loads file://`html_path` in a `width_px` x `height_px` window and writes a PNG of the viewport
// to `png_path`. The browser (and every process it started) is killed after `timeout`:
// DEADLINE_EXCEEDED. INTERNAL with the tail of its stderr when it fails or writes no PNG.
absl::Status ChromiumScreenshot(const std::string& html_path, const std::string& png_path,
                                int width_px, int height_px, absl::Duration timeout);

// The DOM of file://`html_path` after load, serialized (--dump-dom). Errors as above.
absl::StatusOr<std::string> ChromiumDumpDom(const std::string& html_path, absl::Duration timeout);

}  // namespace carereach::testing_util

#endif  // CAREREACH_TESTS_BROWSER_CHROMIUM_H_
