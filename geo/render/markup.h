#ifndef CAREREACH_GEO_RENDER_MARKUP_H_
#define CAREREACH_GEO_RENDER_MARKUP_H_

#include <string>
#include <string_view>

namespace carereach::render {

// `text` with every byte sequence that is not valid UTF-8 (stray continuation bytes, truncated or
// overlong sequences, surrogates, code points above U+10FFFF) replaced by U+FFFD. Names in data
// files are not always valid UTF-8; Cairo and XML parsers refuse such text.
std::string ToValidUtf8(std::string_view text);

// Text safe inside an XML/HTML element or a double-quoted attribute: valid UTF-8 (as above), the
// five markup characters as entities (&amp; &lt; &gt; &quot; &#39;), and the control characters
// XML 1.0 forbids (all below U+0020 but tab, newline and carriage return) dropped.
std::string XmlEscape(std::string_view text);

}  // namespace carereach::render

#endif  // CAREREACH_GEO_RENDER_MARKUP_H_
