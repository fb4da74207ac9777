#include "clients/cli/html_report.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "clients/cli/partial_file.h"
#include "geo/core/status_macros.h"

namespace carereach::cli {
namespace {

constexpr absl::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The length of the valid UTF-8 sequence at text[i], or 0 when there is none (stray continuation
// bytes, truncated or overlong sequences, surrogates, code points above U+10FFFF).
size_t ValidSequence(absl::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t b0 = byte(i);
  if (b0 < 0x80) return 1;
  size_t length;
  uint32_t cp;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2, cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3, cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4, cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  const bool overlong = (length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000);
  const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
  return overlong || surrogate || cp > 0x10FFFF ? 0 : length;
}

std::string ToValidUtf8(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t n = ValidSequence(text, i);
    if (n == 0) {
      out.append(kReplacement.data(), kReplacement.size());
      ++i;
    } else {
      out.append(text.data() + i, n);
      i += n;
    }
  }
  return out;
}

// The style sheet: a plain readable page on screen; in print, each report section on a new page,
// table rows and maps never split, table headers repeated on each page, maps scaled to the page
// width, and failing rows marked without relying on colour (bold, thick black left border).
constexpr absl::string_view kStyle = R"css(
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; font-size: 15px;
  line-height: 1.45; color: #1a1a1a; background: #fff; margin: 0 auto; max-width: 1100px;
  padding: 24px 32px; }
h1 { font-size: 1.6em; margin: 0 0 .4em; }
h2 { font-size: 1.25em; margin: 1.6em 0 .6em; padding-bottom: .2em; border-bottom: 1px solid #ccc; }
dl.summary, dl.facts { display: grid; grid-template-columns: max-content auto; gap: .15em 1.2em;
  margin: .6em 0 1em; }
dt { font-weight: 600; color: #444; }
dd { margin: 0; }
table.results { border-collapse: collapse; margin: .8em 0 1.4em; font-size: .85em; max-width: 100%; }
caption { caption-side: top; text-align: left; font-weight: 600; padding: .3em 0; }
th, td { padding: .3em .5em; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
th { background: #f2f4f7; border-bottom: 2px solid #999; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) td { background: #fafafa; }
tbody tr.fail td { background: #fde0dc; font-weight: 600; }
tbody tr.fail td:first-child { border-left: 5px solid #c62828; }
figure.map { margin: 1em 0; }
figure.map svg { display: block; box-sizing: border-box; max-width: 100%; height: auto;
  border: 1px solid #ccc; }
figcaption { font-size: .9em; color: #444; margin-top: .3em; }
section.method p { margin: .3em 0; }
footer.credits { margin-top: 2em; border-top: 1px solid #ccc; font-size: .85em; color: #444; }
footer.credits h2 { font-size: 1.1em; border: 0; margin: .8em 0 .3em; }
footer.credits ul { list-style: none; padding: 0; margin: .4em 0; }
p.generated { color: #666; }
@media print {
  @page { margin: 15mm; }
  body { max-width: none; padding: 0; font-size: 10.5pt; color: #000; }
  section.report-section + section.report-section { break-before: page; page-break-before: always; }
  h2, caption { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  figure.map { break-inside: avoid; page-break-inside: avoid; }
  figure.map svg { max-width: 100%; height: auto; border: 0; }
  tbody tr:nth-child(even) td { background: none; }
  table.results { font-size: 8pt; }
  tbody tr.fail td { background: #eee; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  tbody tr.fail td:first-child { border-left: 3pt solid #000; }
  section.method, footer.credits { break-inside: avoid; page-break-inside: avoid; }
}
)css";

// ---- SVG inlining ----

bool StartsWithAt(absl::string_view text, size_t i, absl::string_view prefix) {
  return i <= text.size() && absl::StartsWith(text.substr(i), prefix);
}

bool StartsWithAtIgnoreCase(absl::string_view text, size_t i, absl::string_view prefix) {
  return i <= text.size() && absl::StartsWithIgnoreCase(text.substr(i), prefix);
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The offset of the root element's '<' after the prolog (XML declaration, processing
// instructions, comments, doctype with an internal subset), or npos.
size_t RootElementStart(absl::string_view svg) {
  size_t i = 0;
  while (i < svg.size()) {
    if (IsSpace(svg[i])) {
      ++i;
    } else if (StartsWithAt(svg, i, "<?")) {
      const size_t end = svg.find("?>", i + 2);
      if (end == absl::string_view::npos) return end;
      i = end + 2;
    } else if (StartsWithAt(svg, i, "<!--")) {
      const size_t end = svg.find("-->", i + 4);
      if (end == absl::string_view::npos) return end;
      i = end + 3;
    } else if (StartsWithAtIgnoreCase(svg, i, "<!DOCTYPE")) {
      size_t j = i + 9;
      while (j < svg.size() && svg[j] != '>' && svg[j] != '[') ++j;
      if (j < svg.size() && svg[j] == '[') j = svg.find(']', j);
      if (j != absl::string_view::npos) j = svg.find('>', j);
      if (j == absl::string_view::npos) return j;
      i = j + 1;
    } else if (svg[i] == '\xEF' && StartsWithAt(svg, i, "\xEF\xBB\xBF")) {
      i += 3;  // a byte order mark
    } else {
      return svg[i] == '<' ? i : absl::string_view::npos;
    }
  }
  return absl::string_view::npos;
}

// `value` with "url(#X)" (optionally quoted) rewritten to "url(#<prefix>X)". `external` is set
// when a url() points anywhere but into the document.
std::string RewriteUrls(absl::string_view value, absl::string_view prefix, bool* external) {
  std::string out;
  size_t i = 0;
  while (true) {
    const size_t at = value.find("url(", i);
    if (at == absl::string_view::npos) break;
    size_t j = at + 4;
    while (j < value.size() && (IsSpace(value[j]) || value[j] == '"' || value[j] == '\'')) ++j;
    absl::StrAppend(&out, value.substr(i, j - i));
    if (j < value.size() && value[j] == '#') {
      absl::StrAppend(&out, "#", prefix);
      ++j;
    } else if (external != nullptr) {
      *external = true;
    }
    i = j;
  }
  absl::StrAppend(&out, value.substr(i));
  return out;
}

struct Attribute {
  std::string name;
  std::string value;  // as written (entities kept), without the quotes
};

// The attributes of the start tag `tag` ("<name ...>" or "<name .../>"), after the name.
std::vector<Attribute> ParseAttributes(absl::string_view tag, size_t after_name) {
  std::vector<Attribute> attributes;
  size_t i = after_name;
  while (i < tag.size()) {
    while (i < tag.size() && IsSpace(tag[i])) ++i;
    if (i >= tag.size() || tag[i] == '>' || tag[i] == '/') break;
    const size_t name_start = i;
    while (i < tag.size() && !IsSpace(tag[i]) && tag[i] != '=' && tag[i] != '>' && tag[i] != '/') {
      ++i;
    }
    Attribute attribute{std::string(tag.substr(name_start, i - name_start)), ""};
    while (i < tag.size() && IsSpace(tag[i])) ++i;
    if (i < tag.size() && tag[i] == '=') {
      ++i;
      while (i < tag.size() && IsSpace(tag[i])) ++i;
      if (i < tag.size() && (tag[i] == '"' || tag[i] == '\'')) {
        const char quote = tag[i];
        const size_t end = tag.find(quote, i + 1);
        const size_t stop = end == absl::string_view::npos ? tag.size() : end;
        attribute.value = std::string(tag.substr(i + 1, stop - i - 1));
        i = stop + 1;
      } else {
        const size_t value_start = i;
        while (i < tag.size() && !IsSpace(tag[i]) && tag[i] != '>') ++i;
        attribute.value = std::string(tag.substr(value_start, i - value_start));
      }
    }
    attributes.push_back(std::move(attribute));
  }
  return attributes;
}

// A width or height attribute as a number of user units ("600", "600px"), or -1.
double Dimension(absl::string_view value) {
  absl::ConsumeSuffix(&value, "px");
  double number = -1;
  if (!absl::SimpleAtod(value, &number) || number <= 0) return -1;
  return number;
}

// The start tag `tag` of element `name` rewritten for inlining (see InlineSvg).
std::string RewriteStartTag(absl::string_view tag, absl::string_view name, absl::string_view prefix,
                            bool root, bool self_closing) {
  std::vector<Attribute> attributes = ParseAttributes(tag, 1 + name.size());
  std::string out = absl::StrCat("<", name);
  bool has_view_box = false;
  double width = -1, height = -1;
  for (Attribute& a : attributes) {
    const std::string lname = absl::AsciiStrToLower(a.name);
    if (absl::StartsWith(lname, "on")) continue;  // event handlers: no script at all
    std::string value = a.value;
    if (lname == "id") {
      value = absl::StrCat(prefix, value);
    } else if (lname == "href" || lname == "xlink:href" || lname == "src") {
      if (!absl::StartsWith(value, "#")) continue;  // would fetch or navigate
      value = absl::StrCat("#", prefix, absl::string_view(value).substr(1));
    } else {
      bool external = false;
      value = RewriteUrls(value, prefix, &external);
      if (external) continue;  // would fetch
    }
    if (lname == "viewbox") has_view_box = true;
    if (lname == "width") width = Dimension(value);
    if (lname == "height") height = Dimension(value);
    // The value goes back in double quotes: a '"' from a single-quoted value must be escaped.
    absl::StrAppend(&out, " ", a.name, "=\"", absl::StrReplaceAll(value, {{"\"", "&quot;"}}), "\"");
  }
  if (root && !has_view_box && width > 0 && height > 0) {
    absl::StrAppend(&out, " viewBox=\"0 0 ", width, " ", height, "\"");
  }
  absl::StrAppend(&out, self_closing ? "/>" : ">");
  return out;
}

}  // namespace

std::string HtmlEscape(absl::string_view text) {
  const std::string valid = ToValidUtf8(text);
  std::string out;
  out.reserve(valid.size());
  for (const char c : valid) {
    switch (c) {
      case '&':
        out.append("&amp;");
        break;
      case '<':
        out.append("&lt;");
        break;
      case '>':
        out.append("&gt;");
        break;
      case '"':
        out.append("&quot;");
        break;
      case '\'':
        out.append("&#39;");
        break;
      default:
        if (static_cast<uint8_t>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out.push_back(c);
    }
  }
  return out;
}

std::string InlineSvg(absl::string_view svg_in, absl::string_view prefix_in) {
  const std::string svg_text = ToValidUtf8(svg_in);
  const absl::string_view svg = svg_text;
  const std::string prefix = HtmlEscape(prefix_in);
  const size_t start = RootElementStart(svg);
  if (start == absl::string_view::npos || !StartsWithAtIgnoreCase(svg, start, "<svg") ||
      start + 4 >= svg.size() ||
      !(IsSpace(svg[start + 4]) || svg[start + 4] == '>' || svg[start + 4] == '/')) {
    return "";  // not an SVG document
  }
  std::string out;
  int depth = 0;             // open elements
  int dropped_depth = 0;     // > 0 inside a dropped element (script, foreignObject)
  std::string dropped_name;  // that element's name
  bool in_style = false;     // inside <style>: url(#X) in the CSS text is rewritten
  for (size_t i = start; i < svg.size();) {
    if (svg[i] != '<') {
      size_t next = svg.find('<', i);
      if (next == absl::string_view::npos) next = svg.size();
      const absl::string_view text = svg.substr(i, next - i);
      if (dropped_depth == 0) {
        absl::StrAppend(&out, in_style ? RewriteUrls(text, prefix, nullptr) : std::string(text));
      }
      i = next;
      continue;
    }
    if (StartsWithAt(svg, i, "<!--")) {  // comments are dropped
      const size_t end = svg.find("-->", i + 4);
      i = end == absl::string_view::npos ? svg.size() : end + 3;
      continue;
    }
    if (StartsWithAt(svg, i, "<![CDATA[")) {
      const size_t end = svg.find("]]>", i + 9);
      const size_t stop = end == absl::string_view::npos ? svg.size() : end + 3;
      const absl::string_view section = svg.substr(i, stop - i);
      if (dropped_depth == 0) {
        absl::StrAppend(&out,
                        in_style ? RewriteUrls(section, prefix, nullptr) : std::string(section));
      }
      i = stop;
      continue;
    }
    if (StartsWithAt(svg, i, "<?") || StartsWithAt(svg, i, "<!")) {  // no doctype inside HTML
      const size_t end = svg.find('>', i);
      i = end == absl::string_view::npos ? svg.size() : end + 1;
      continue;
    }
    // A tag: up to the '>' outside quoted attribute values.
    size_t j = i + 1;
    for (char quote = 0; j < svg.size(); ++j) {
      if (quote != 0) {
        if (svg[j] == quote) quote = 0;
      } else if (svg[j] == '"' || svg[j] == '\'') {
        quote = svg[j];
      } else if (svg[j] == '>') {
        break;
      }
    }
    if (j >= svg.size()) break;  // truncated document: drop the partial tag
    const absl::string_view tag = svg.substr(i, j + 1 - i);
    i = j + 1;
    const bool closing = tag.size() > 1 && tag[1] == '/';
    const bool self_closing = !closing && tag.size() > 2 && tag[tag.size() - 2] == '/';
    size_t name_end = closing ? 2 : 1;
    while (name_end < tag.size() && !IsSpace(tag[name_end]) && tag[name_end] != '/' &&
           tag[name_end] != '>') {
      ++name_end;
    }
    const absl::string_view name = tag.substr(closing ? 2 : 1, name_end - (closing ? 2 : 1));
    if (dropped_depth > 0) {
      if (name == dropped_name && !self_closing) dropped_depth += closing ? -1 : 1;
      continue;
    }
    const std::string lname = absl::AsciiStrToLower(name);
    if (lname == "script" || lname == "foreignobject") {
      if (!closing && !self_closing) {
        dropped_depth = 1;
        dropped_name = std::string(name);
      }
      continue;
    }
    if (lname == "style") in_style = !closing && !self_closing;
    if (closing) {
      absl::StrAppend(&out, "</", name, ">");
      if (--depth <= 0) break;  // the root closed: nothing after it belongs to the picture
      continue;
    }
    absl::StrAppend(&out, RewriteStartTag(tag, name, prefix, /*root=*/depth == 0, self_closing));
    if (!self_closing) ++depth;
    if (depth == 0) break;  // a self-closing root
  }
  return out;
}

std::string RenderHtmlReport(const HtmlReport& report) {
  std::string html;
  absl::StrAppend(&html, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
                  // Belt and braces for "self-contained": the browser may fetch nothing at all
                  // and run no script, whatever the text or the maps contain.
                  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                  "style-src 'unsafe-inline'\">\n",
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
                  "<meta name=\"generator\" content=\"carereach\">\n", "<title>",
                  HtmlEscape(report.title), "</title>\n<style>", kStyle, "</style>\n</head>\n",
                  "<body>\n<header class=\"report-header\">\n<h1>", HtmlEscape(report.title),
                  "</h1>\n");
  const auto append_dl = [&html](absl::string_view css_class,
                                 const std::vector<std::pair<std::string, std::string>>& items) {
    if (items.empty()) return;
    absl::StrAppend(&html, "<dl class=\"", css_class, "\">\n");
    for (const auto& [key, value] : items) {
      absl::StrAppend(&html, "<dt>", HtmlEscape(key), "</dt><dd>", HtmlEscape(value), "</dd>\n");
    }
    absl::StrAppend(&html, "</dl>\n");
  };
  append_dl("summary", report.summary);
  absl::StrAppend(&html, "</header>\n<main>\n");

  int figure_number = 0;  // across the report: each map's ids get their own prefix
  for (const HtmlSection& section : report.sections) {
    absl::StrAppend(&html, "<section class=\"report-section\">\n");
    if (!section.heading.empty()) {
      absl::StrAppend(&html, "<h2>", HtmlEscape(section.heading), "</h2>\n");
    }
    append_dl("facts", section.facts);
    for (const std::string& paragraph : section.paragraphs) {
      absl::StrAppend(&html, "<p>", HtmlEscape(paragraph), "</p>\n");
    }
    for (const HtmlTable& table : section.tables) {
      const auto num_class = [&table](size_t column) {
        return column < table.right_aligned.size() && table.right_aligned[column] ? " class=\"num\""
                                                                                  : "";
      };
      absl::StrAppend(&html, "<table class=\"results\" data-caption=\"", HtmlEscape(table.caption),
                      "\">\n");
      if (!table.caption.empty()) {
        absl::StrAppend(&html, "<caption>", HtmlEscape(table.caption), "</caption>\n");
      }
      if (!table.header.empty()) {
        absl::StrAppend(&html, "<thead><tr>");
        for (size_t c = 0; c < table.header.size(); ++c) {
          absl::StrAppend(&html, "<th scope=\"col\"", num_class(c), ">",
                          HtmlEscape(table.header[c]), "</th>");
        }
        absl::StrAppend(&html, "</tr></thead>\n");
      }
      absl::StrAppend(&html, "<tbody>\n");
      for (size_t r = 0; r < table.rows.size(); ++r) {
        const bool failing = r < table.failing.size() && table.failing[r];
        absl::StrAppend(&html, failing ? "<tr class=\"fail\">" : "<tr>");
        for (size_t c = 0; c < table.rows[r].size(); ++c) {
          absl::StrAppend(&html, "<td", num_class(c), ">", HtmlEscape(table.rows[r][c]), "</td>");
        }
        absl::StrAppend(&html, "</tr>\n");
      }
      absl::StrAppend(&html, "</tbody>\n</table>\n");
    }
    for (const HtmlFigure& figure : section.figures) {
      ++figure_number;
      absl::StrAppend(&html, "<figure class=\"map\">\n",
                      InlineSvg(figure.svg, absl::StrCat("fig", figure_number, "-")), "\n");
      if (!figure.caption.empty()) {
        absl::StrAppend(&html, "<figcaption>", HtmlEscape(figure.caption), "</figcaption>\n");
      }
      absl::StrAppend(&html, "</figure>\n");
    }
    absl::StrAppend(&html, "</section>\n");
  }

  if (!report.method.empty()) {
    absl::StrAppend(&html, "<section class=\"method\">\n<h2>Method</h2>\n");
    for (absl::string_view line : absl::StrSplit(report.method, '\n', absl::SkipWhitespace())) {
      absl::StrAppend(&html, "<p>", HtmlEscape(line), "</p>\n");
    }
    absl::StrAppend(&html, "</section>\n");
  }
  absl::StrAppend(&html, "</main>\n");

  if (!report.credits.empty() || !report.generated.empty()) {
    absl::StrAppend(&html, "<footer class=\"credits\">\n");
    if (!report.credits.empty()) {
      absl::StrAppend(&html, "<h2>Credits</h2>\n<ul>\n");
      for (const std::string& credit : report.credits) {
        absl::StrAppend(&html, "<li>", HtmlEscape(credit), "</li>\n");
      }
      absl::StrAppend(&html, "</ul>\n");
    }
    if (!report.generated.empty()) {
      absl::StrAppend(&html, "<p class=\"generated\">Generated by ", HtmlEscape(report.generated),
                      "</p>\n");
    }
    absl::StrAppend(&html, "</footer>\n");
  }
  absl::StrAppend(&html, "</body>\n</html>\n");
  return html;
}

absl::Status WriteHtmlReport(const HtmlReport& report, const std::string& path) {
  PartialFile file("--html", path);
  RETURN_IF_ERROR(file.Open());
  file.stream() << RenderHtmlReport(report);
  return file.Commit();
}

}  // namespace carereach::cli
