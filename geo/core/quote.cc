#include "geo/core/quote.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace carereach {

std::string QuoteForError(std::string_view value) {
  size_t cut = value.size();
  if (cut > kMaxQuotedBytes) {
    cut = kMaxQuotedBytes;
    // Back up over UTF-8 continuation bytes (10xxxxxx) so that no character is split.
    while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
  }
  std::string out =
      absl::StrCat("\"", absl::CHexEscape(absl::string_view(value.data(), cut)), "\"");
  if (cut < value.size()) absl::StrAppend(&out, "... (", value.size(), " bytes)");
  return out;
}

}  // namespace carereach
