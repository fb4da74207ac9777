#ifndef CAREREACH_GEO_CORE_QUOTE_H_
#define CAREREACH_GEO_CORE_QUOTE_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace carereach {

// At most this many bytes of an input value are quoted in an error message.
inline constexpr size_t kMaxQuotedBytes = 100;

// `value` quoted for an error message: in double quotes, C-escaped (the result is ASCII), at
// most kMaxQuotedBytes bytes of it, cut on a UTF-8 character boundary; a longer value is
// followed by "... (N bytes)". Every error message that echoes an input value uses it, so a
// message stays small whatever the input (gRPC carries it in a header of bounded size).
std::string QuoteForError(std::string_view value);

}  // namespace carereach

#endif  // CAREREACH_GEO_CORE_QUOTE_H_
