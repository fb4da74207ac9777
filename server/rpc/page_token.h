#ifndef CAREREACH_SERVER_RPC_PAGE_TOKEN_H_
#define CAREREACH_SERVER_RPC_PAGE_TOKEN_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace carereach::rpc {

// Page tokens for paged per-unit detail: an offset bound to a fingerprint of the request (all of
// it but the paging fields), so a token cannot be replayed against a different question.
// Opaque to clients (web-safe base64). Thread-safe (pure functions). (The stored listings page
// by key instead: see server/store/paging.h.)

// A stable 64-bit FNV-1a hash of `bytes` (stable across processes and restarts).
uint64_t Fingerprint(std::string_view bytes);

std::string EncodePageToken(int64_t offset, uint64_t fingerprint);

// The offset in `token`. INVALID_ARGUMENT ("unit_detail.page_token: ...") when the token is
// malformed or was issued for another request.
absl::StatusOr<int64_t> DecodePageToken(std::string_view token, uint64_t fingerprint);

}  // namespace carereach::rpc

#endif  // CAREREACH_SERVER_RPC_PAGE_TOKEN_H_
