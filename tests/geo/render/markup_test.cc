#include "geo/render/markup.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace carereach::render {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";  // U+FFFD

TEST(ToValidUtf8Test, KeepsValidTextAsItIs) {
  const std::string text =
      "Kapi\xCA\xBBolani \xC2\xB7 \xE2\x89\xA4 10 min \xC2\xA9 OSM \xF0\x9F\x8F\xA5";
  EXPECT_EQ(ToValidUtf8(text), text);
}

TEST(ToValidUtf8Test, ReplacesEachBadByte) {
  EXPECT_EQ(ToValidUtf8("a\x80z"), "a" + kFffd + "z");            // stray continuation
  EXPECT_EQ(ToValidUtf8("a\xC3"), "a" + kFffd);                   // truncated at the end
  EXPECT_EQ(ToValidUtf8("\xC0\xAF"), kFffd + kFffd);              // overlong '/'
  EXPECT_EQ(ToValidUtf8("\xE0\x80\xAF"), kFffd + kFffd + kFffd);  // overlong, 3 bytes
  EXPECT_EQ(ToValidUtf8("\xED\xA0\x80"), kFffd + kFffd + kFffd);  // a UTF-16 surrogate
  EXPECT_EQ(ToValidUtf8("\xF4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd);  // above U+10FFFF
  EXPECT_EQ(ToValidUtf8("\xE2\x89z"), kFffd + kFffd + "z");  // cut short before 'z'
}

TEST(XmlEscapeTest, EscapesMarkupAndDropsForbiddenControls) {
  EXPECT_EQ(XmlEscape("<b>\"A&B's\"</b>"), "&lt;b&gt;&quot;A&amp;B&#39;s&quot;&lt;/b&gt;");
  EXPECT_EQ(XmlEscape(std::string("a\x01\tb\nc\x1F", 7)), "a\tb\nc");
  EXPECT_EQ(XmlEscape("x\xFFy"), "x" + kFffd + "y");
}

}  // namespace
}  // namespace carereach::render
