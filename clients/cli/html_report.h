#ifndef CAREREACH_CLIENTS_CLI_HTML_REPORT_H_
#define CAREREACH_CLIENTS_CLI_HTML_REPORT_H_

// The --html report (issue #13): one self-contained HTML file with the summary, the tables, the
// maps (inline SVG), the method and the credits. No scripts, fonts, images or stylesheets are
// fetched: everything is inline and a Content-Security-Policy forbids any fetch. Print CSS puts
// each section on a new page and keeps table rows and maps whole.
// Pure functions of the model; thread-safe.

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace carereach::cli {

// A table of results: <table class="results" data-caption="...">.
struct HtmlTable {
  std::string caption;  // e.g. "Specialty Summary by County"
  std::vector<std::string> header;
  std::vector<bool> right_aligned;  // per column (numbers right-aligned); missing = left
  // Already formatted cells, in display order.
  std::vector<std::vector<std::string>> rows;
  // Per row (may be shorter or empty = not failing): the row is <tr class="fail">, styled as
  // failing (red left border and background on screen, bold with a black border in print; the
  // cells themselves should say FAIL so colour is not the only mark). Rows are never reordered.
  std::vector<bool> failing;
};

// A map: an SVG document as the server returns it (may start with <?xml ...?>).
struct HtmlFigure {
  std::string svg;
  std::string caption;
};

// One <section class="report-section">, on a new page in print (but the first).
struct HtmlSection {
  std::string heading;
  std::vector<std::pair<std::string, std::string>> facts;  // key/value lines (<dl class="facts">)
  std::vector<std::string> paragraphs;
  std::vector<HtmlFigure> figures;  // shown after the tables
  std::vector<HtmlTable> tables;
};

struct HtmlReport {
  std::string title;
  std::vector<std::pair<std::string, std::string>> summary;  // the header block
  std::vector<HtmlSection> sections;
  std::string method;  // the method; each line its own <p> in <section class="method">
  std::vector<std::string> credits;  // data credits, each its own <li> in <footer class="credits">
  std::string generated;  // e.g. "carereach analyze adequacy, 2026-12-06 12:00 UTC" (caller's)
};

// The whole document: <!DOCTYPE html>, UTF-8, a <title>, embedded screen and print CSS, no
// JavaScript. All text is escaped; invalid UTF-8 in it becomes U+FFFD.
std::string RenderHtmlReport(const HtmlReport& report);

// Text safe inside an HTML element or a double-quoted attribute: valid UTF-8 (invalid sequences
// become U+FFFD), & < > " ' as character references, control characters but tab, newline and
// carriage return dropped.
std::string HtmlEscape(absl::string_view text);

// `svg` (a whole SVG document) as markup to place inside HTML: anything before the <svg> element
// (XML declaration, doctype, comments) dropped; every id="X" becomes id="<prefix>X" and the
// references to it (url(#X) in attributes and <style>, href="#X", xlink:href="#X") follow, so
// that several maps in one page do not collide. So that the page stays self-contained and
// script-free, <script> and <foreignObject> elements, on* attributes and any href/src that is not
// a "#fragment" are dropped. A root without viewBox gets one from its width and height, so that
// CSS can scale it. `prefix` should be made of letters, digits, '-' and '_'.
std::string InlineSvg(absl::string_view svg, absl::string_view prefix);

// Writes RenderHtmlReport(report) to `path` through "PATH.partial" renamed into place (a failed
// run leaves no truncated file). FAILED_PRECONDITION or DATA_LOSS naming the file on failure.
absl::Status WriteHtmlReport(const HtmlReport& report, const std::string& path);

}  // namespace carereach::cli

#endif  // CAREREACH_CLIENTS_CLI_HTML_REPORT_H_
