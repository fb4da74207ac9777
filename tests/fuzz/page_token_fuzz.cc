// libFuzzer target: page tokens (server/rpc/page_token.cc).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "server/rpc/page_token.h"

namespace rpc = carereach::rpc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  const uint64_t fingerprint = fdp.ConsumeIntegral<uint64_t>();
  const int64_t offset = fdp.ConsumeIntegral<int64_t>();
  const std::string token = fdp.ConsumeRemainingBytesAsString();
  absl::StatusOr<int64_t> decoded = rpc::DecodePageToken(token, fingerprint);
  if (decoded.ok()) {
    if (*decoded < 0) __builtin_trap();
    // What decodes is what the server would have written for that offset.
    absl::StatusOr<int64_t> again =
        rpc::DecodePageToken(rpc::EncodePageToken(*decoded, fingerprint), fingerprint);
    if (!again.ok() || *again != *decoded) __builtin_trap();
  }
  // Any token the server writes decodes to its offset, and only for its own request.
  if (offset >= 0) {
    const std::string written = rpc::EncodePageToken(offset, fingerprint);
    absl::StatusOr<int64_t> back = rpc::DecodePageToken(written, fingerprint);
    if (!back.ok() || *back != offset) __builtin_trap();
    if (rpc::DecodePageToken(written, fingerprint ^ 1).ok()) __builtin_trap();
  }
  (void)rpc::Fingerprint(token);
  return 0;
}
