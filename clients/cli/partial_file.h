#ifndef CAREREACH_CLIENTS_CLI_PARTIAL_FILE_H_
#define CAREREACH_CLIENTS_CLI_PARTIAL_FILE_H_

#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace carereach::cli {

// An output file (--units-out, --out) written to a sibling "FILE.partial" and renamed into place
// by Commit, so a failed run never leaves a truncated file under the requested name.
// Not thread-safe.
class PartialFile {
 public:
  // `flag` names the file in messages.
  PartialFile(std::string flag, std::string path)
      : flag_(std::move(flag)), path_(std::move(path)), temp_path_(path_ + ".partial") {}

  // Removes FILE.partial unless committed.
  ~PartialFile();
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;

  // Creates FILE.partial; FAILED_PRECONDITION when it cannot be written.
  absl::Status Open();

  std::ostream& stream() { return stream_; }

  // Closes FILE.partial and renames it to FILE; DATA_LOSS when either fails.
  absl::Status Commit();

 private:
  std::string flag_;
  std::string path_;
  std::string temp_path_;
  std::ofstream stream_;
  bool opened_ = false;
  bool committed_ = false;
};

// An opened PartialFile for `path`, or null when `path` is empty (the flag was not given). Output
// files are opened before any computation: an unwritable path fails first, not after.
absl::StatusOr<std::unique_ptr<PartialFile>> OpenPartialFile(std::string flag, std::string path);

}  // namespace carereach::cli

#endif  // CAREREACH_CLIENTS_CLI_PARTIAL_FILE_H_
