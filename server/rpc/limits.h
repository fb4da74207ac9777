#ifndef CAREREACH_SERVER_RPC_LIMITS_H_
#define CAREREACH_SERVER_RPC_LIMITS_H_

// Byte limits on the strings of requests and of stored rows, and the quoting of input values in
// error messages. Documented in docs/API.md ("Limits").

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "geo/core/quote.h"  // QuoteForError
#include "google/protobuf/message.h"

namespace carereach::rpc {

// Most bytes of one string field, by what the field holds (its name decides, see
// MaxStringBytes):
inline constexpr size_t kMaxIdBytes = 128;     // id, *_id, *_ids, label (network, report...)
inline constexpr size_t kMaxCodeBytes = 64;    // *_fips, state, *code, *codes, standards_set
inline constexpr size_t kMaxNameBytes = 512;   // name, title, report_title
inline constexpr size_t kMaxTextBytes = 4096;  // note, description
inline constexpr size_t kMaxOtherBytes = 256;  // every other string: type, region, mode,
                                               // speed_profile, page_token...
// Bytes one stored network version may hold by default (Server::Options::max_version_bytes):
// the sum of its rows' encoded sizes plus kVersionRowOverheadBytes a row. Bounded so that a
// version can always be exported, and two can always be diffed in one response.
inline constexpr int64_t kDefaultMaxVersionBytes = 24 << 20;
inline constexpr int64_t kVersionRowOverheadBytes = 8;

// The byte limit of a string field, from its name.
size_t MaxStringBytes(std::string_view field_name);

// INVALID_ARGUMENT naming the first string field of `message` (recursively, repeated fields by
// index) longer than its limit: "<path>.type: 62914560 bytes, at most 256". `path` prefixes the
// field paths ("" for a request's top level, "providers[3]" for a row).
absl::Status CheckStringLimits(const google::protobuf::Message& message, std::string_view path);

// The same check for one value of a field (`path` names it in the error).
absl::Status CheckStringBytes(std::string_view value, size_t max_bytes, std::string_view path);

}  // namespace carereach::rpc

#endif  // CAREREACH_SERVER_RPC_LIMITS_H_
