// Shared by the libFuzzer targets in this directory (built with -DCAREREACH_FUZZ=ON; see
// scripts/fuzz). Not part of the normal test suite.
#ifndef CAREREACH_TESTS_FUZZ_FUZZ_UTIL_H_
#define CAREREACH_TESTS_FUZZ_FUZZ_UTIL_H_

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace carereach::fuzz {

// A private directory for the files the loaders read (they take paths), made once per process
// under $TMPDIR (scripts/fuzz points it into the build directory) and removed at exit.
inline const std::string& ScratchDir() {
  static const std::string* dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/carereach-fuzz-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    auto* d = new std::string(buf.data());
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(ScratchDir(), ec);
    });
    return d;
  }();
  return *dir;
}

// Writes `data` to ScratchDir()/name (replacing it) and returns the path.
inline std::string WriteScratchFile(std::string_view name, std::string_view data) {
  std::string path = ScratchDir() + "/" + std::string(name);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    std::perror(path.c_str());
    std::abort();
  }
  if (!data.empty() && std::fwrite(data.data(), 1, data.size(), f) != data.size()) std::abort();
  std::fclose(f);
  return path;
}

// `data` split at NUL bytes (the separator the multi-file targets use; CSV text has none).
inline std::vector<std::string_view> SplitAtNul(std::string_view data) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t end = data.find('\0', start);
    if (end == std::string_view::npos) {
      parts.push_back(data.substr(start));
      return parts;
    }
    parts.push_back(data.substr(start, end - start));
    start = end + 1;
  }
}

}  // namespace carereach::fuzz

#endif  // CAREREACH_TESTS_FUZZ_FUZZ_UTIL_H_
