#include "server/store/paging.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace carereach::store {
namespace {

constexpr char kTokenPrefix[] = "a:";

}  // namespace

absl::StatusOr<int32_t> EffectivePageSize(int32_t page_size) {
  if (page_size < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: must be >= 0 (0 = default), got ", page_size));
  }
  if (page_size == 0) return kDefaultPageSize;
  return std::min(page_size, kMaxPageSize);
}

absl::StatusOr<PageRequest> ReadPageRequest(int32_t page_size, const std::string& page_token) {
  if (page_size < 0 || page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrFormat("page_size: %d is outside [0, %d]", page_size, kMaxPageSize));
  }
  PageRequest page{.size = page_size == 0 ? kDefaultPageSize : page_size};
  if (page_token.empty()) return page;
  std::string raw;
  if (!absl::WebSafeBase64Unescape(page_token, &raw) || !absl::StartsWith(raw, kTokenPrefix)) {
    return absl::InvalidArgumentError("page_token: not a token this service issued");
  }
  page.after = raw.substr(sizeof(kTokenPrefix) - 1);
  return page;
}

std::string PageTokenAfter(const std::string& after) {
  return after.empty() ? std::string()
                       : absl::WebSafeBase64Escape(absl::StrCat(kTokenPrefix, after));
}

}  // namespace carereach::store
