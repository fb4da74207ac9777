#include "server/rpc/page_token.h"

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace carereach::rpc {
namespace {

constexpr char kNotOurs[] = "unit_detail.page_token: not a token this server issued";

}  // namespace

uint64_t Fingerprint(std::string_view bytes) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string EncodePageToken(int64_t offset, uint64_t fingerprint) {
  return absl::WebSafeBase64Escape(absl::StrFormat("v1:%d:%016x", offset, fingerprint));
}

absl::StatusOr<int64_t> DecodePageToken(std::string_view token, uint64_t fingerprint) {
  std::string plain;
  if (!absl::WebSafeBase64Unescape(absl::string_view(token.data(), token.size()), &plain)) {
    return absl::InvalidArgumentError(kNotOurs);
  }
  const std::vector<absl::string_view> parts = absl::StrSplit(plain, ':');
  int64_t offset = 0;
  uint64_t issued_for = 0;
  if (parts.size() != 3 || parts[0] != "v1" || !absl::SimpleAtoi(parts[1], &offset) || offset < 0 ||
      !absl::SimpleHexAtoi(parts[2], &issued_for) ||
      plain != absl::StrFormat("v1:%d:%016x", offset, issued_for)) {
    // The last test keeps only the exact bytes this server writes: SimpleAtoi alone would take
    // " 5", "+5" or "05" for offset 5.
    return absl::InvalidArgumentError(kNotOurs);
  }
  if (issued_for != fingerprint) {
    return absl::InvalidArgumentError(
        "unit_detail.page_token: issued for a different request; repeat the request that "
        "returned it with only the page token changed");
  }
  return offset;
}

}  // namespace carereach::rpc
