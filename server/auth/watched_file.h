#ifndef CAREREACH_SERVER_AUTH_WATCHED_FILE_H_
#define CAREREACH_SERVER_AUTH_WATCHED_FILE_H_

#include <sys/stat.h>

#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "geo/core/status_macros.h"

namespace carereach::auth {

// A value parsed from a file, parsed again when the file changes on disk (its modification time,
// size or inode), looked at no more often than once per `interval`. A change that does not parse
// keeps the previous value in force and is reported once through `log`: a half-written or broken
// key set must not lock every caller out. Rotation is therefore: write the new file next to the
// old one and rename it over (atomic), as certificate managers do. Thread-safe.
template <typename T>
class WatchedFile {
 public:
  using Parser = std::function<absl::StatusOr<T>(absl::string_view text, absl::string_view path)>;
  using Log = std::function<void(absl::string_view)>;

  // Reads and parses the file now; an unreadable or unparsable file is an error.
  static absl::StatusOr<std::unique_ptr<WatchedFile>> Open(std::string path, Parser parser,
                                                           absl::Duration interval, Log log) {
    auto watched = std::unique_ptr<WatchedFile>(
        new WatchedFile(std::move(path), std::move(parser), interval, std::move(log)));
    Stamp stamp;
    ASSIGN_OR_RETURN(T value, watched->Read(&stamp));
    watched->value_ = std::make_shared<const T>(std::move(value));
    watched->stamp_ = stamp;
    watched->checked_ = absl::Now();
    return watched;
  }

  // The current value, re-read first when the file changed and `interval` has passed since the
  // last look. `generation` (if not null) counts the values taken so far, starting at 1.
  std::shared_ptr<const T> Get(absl::Time now, uint64_t* generation = nullptr) {
    absl::MutexLock lock(&mu_);
    if (now - checked_ >= interval_) {
      checked_ = now;
      Stamp stamp;
      if (StampOf(&stamp) && !(stamp == stamp_)) {
        absl::StatusOr<T> value = Read(&stamp);
        if (value.ok()) {
          value_ = std::make_shared<const T>(*std::move(value));
          ++generation_;
          if (log_) log_(absl::StrCat(path_, ": reloaded"));
        } else if (log_) {
          log_(absl::StrCat(path_, ": changed but cannot be used, keeping the previous one: ",
                            value.status().message()));
        }
        stamp_ = stamp;  // report a broken file once, not on every call
      }
    }
    if (generation != nullptr) *generation = generation_;
    return value_;
  }

  const std::string& path() const { return path_; }

 private:
  struct Stamp {
    struct timespec mtime = {};
    off_t size = -1;
    ino_t inode = 0;
    bool operator==(const Stamp& o) const {
      return mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec && size == o.size &&
             inode == o.inode;
    }
  };

  WatchedFile(std::string path, Parser parser, absl::Duration interval, Log log)
      : path_(std::move(path)),
        parser_(std::move(parser)),
        interval_(interval),
        log_(std::move(log)) {}

  bool StampOf(Stamp* stamp) const {
    struct stat st;
    if (::stat(path_.c_str(), &st) != 0) return false;
    stamp->mtime = st.st_mtim;
    stamp->size = st.st_size;
    stamp->inode = st.st_ino;
    return true;
  }

  absl::StatusOr<T> Read(Stamp* stamp) const {
    if (!StampOf(stamp)) return absl::NotFoundError(absl::StrCat(path_, ": cannot open"));
    std::ifstream in(path_, std::ios::binary);
    if (!in) return absl::NotFoundError(absl::StrCat(path_, ": cannot open"));
    std::ostringstream text;
    text << in.rdbuf();
    return parser_(text.str(), path_);
  }

  const std::string path_;
  const Parser parser_;
  const absl::Duration interval_;
  const Log log_;
  absl::Mutex mu_;
  std::shared_ptr<const T> value_ ABSL_GUARDED_BY(mu_);
  Stamp stamp_ ABSL_GUARDED_BY(mu_);
  absl::Time checked_ ABSL_GUARDED_BY(mu_);
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace carereach::auth

#endif  // CAREREACH_SERVER_AUTH_WATCHED_FILE_H_
