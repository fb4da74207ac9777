#include "clients/cli/partial_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "geo/core/status_macros.h"

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

absl::StatusOr<std::unique_ptr<PartialFile>> OpenPartialFile(std::string flag, std::string path) {
  if (path.empty()) return nullptr;
  auto file = std::make_unique<PartialFile>(std::move(flag), std::move(path));
  RETURN_IF_ERROR(file->Open());
  return file;
}

}  // namespace carereach::cli
