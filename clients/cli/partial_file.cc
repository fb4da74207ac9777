#include "clients/cli/partial_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace carereach::cli {

PartialFile::~PartialFile() {
  if (opened_ && !committed_) {
    if (stream_.is_open()) stream_.close();
    std::remove(temp_path_.c_str());
  }
}

absl::Status PartialFile::Open() {
  stream_.open(temp_path_, std::ios::out | std::ios::trunc | std::ios::binary);
  if (!stream_) {
    return absl::FailedPreconditionError(
        absl::StrCat(flag_, ": cannot write ", temp_path_, ": ", std::strerror(errno)));
  }
  opened_ = true;
  return absl::OkStatus();
}

absl::Status PartialFile::Commit() {
  stream_.close();
  if (!stream_ || std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    return absl::DataLossError(absl::StrCat(flag_, ": cannot write ", path_));
  }
  committed_ = true;
  return absl::OkStatus();
}

}  // namespace carereach::cli
