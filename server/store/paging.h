#ifndef CAREREACH_SERVER_STORE_PAGING_H_
#define CAREREACH_SERVER_STORE_PAGING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

// The one paging policy of the stored listings (networks, reports), shared by the Store and
// NetworkService: the page-size default and limit, how a page size is read, the page token's
// format, and how a page learns that another follows. A page continues after the key of the last
// item of the previous one (a network_id, a report_id). Thread-safe (pure functions).
//
// (The fingerprinted offset tokens of paged per-unit coverage detail are another thing: see
// server/rpc/page_token.h.)
namespace carereach::store {

inline constexpr int32_t kDefaultPageSize = 100;
inline constexpr int32_t kMaxPageSize = 1000;

// The page size a Store listing uses: 0 means kDefaultPageSize, larger than kMaxPageSize is
// clamped. INVALID_ARGUMENT ("page_size: must be >= 0 (0 = default), got -1") when negative.
absl::StatusOr<int32_t> EffectivePageSize(int32_t page_size);

// One page of a listing as a wire request asks for it.
struct PageRequest {
  int32_t size = 0;   // 1..kMaxPageSize
  std::string after;  // the key to continue after; empty: from the start
};

// Reads a wire request's page_size and page_token. A wire caller is told, not clamped:
// INVALID_ARGUMENT ("page_size: 1001 is outside [0, 1000]") outside [0, kMaxPageSize] (0 means
// kDefaultPageSize), and ("page_token: not a token this service issued") for a token that
// PageTokenAfter did not make.
absl::StatusOr<PageRequest> ReadPageRequest(int32_t page_size, const std::string& page_token);

// The token for the page after `after`; empty (no more pages) when `after` is empty. Opaque to
// callers: web-safe base64 of "a:" + after.
std::string PageTokenAfter(const std::string& after);

// A listing reads `limit` + 1 items: the extra one only tells that there is a next page. Drops it
// and returns the key of the page's last item to continue after (empty on the last page).
template <typename T, typename KeyOf>
std::string EndPage(std::vector<T>& items, int32_t limit, KeyOf key_of) {
  if (items.size() <= static_cast<size_t>(limit)) return "";
  items.resize(limit);
  return key_of(items.back());
}

}  // namespace carereach::store

#endif  // CAREREACH_SERVER_STORE_PAGING_H_
