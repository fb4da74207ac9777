// The SVG canvas: SVG 1.1 written directly rather than through Cairo's SVG surface, which turns
// every glyph into an outline (<symbol>/<use>): legends, credits and titles would not be text
// (not searchable or selectable in an HTML report, not read by screen readers), and it cannot
// carry ids or data attributes. Coordinates are written to 0.1 px.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "geo/render/canvas.h"
#include "geo/render/markup.h"

namespace carereach::render {
namespace {

std::string Num(double v) { return absl::StrFormat("%.1f", v); }

std::string Paint(const char* what, const Rgba& c) {
  std::string s = absl::StrCat(what, "=\"", c.Hex(), "\"");
  if (c.a < 1) absl::StrAppend(&s, " ", what, "-opacity=\"", absl::StrFormat("%.3g", c.a), "\"");
  return s;
}

void AppendPathData(const Path& path, bool closed, std::string& d) {
  for (size_t i = 0; i < path.size(); ++i) {
    absl::StrAppend(&d, i == 0 ? "M" : "L", Num(path[i].x), " ", Num(path[i].y));
  }
  if (closed && !path.empty()) d += "Z";
}

class SvgCanvas final : public Canvas {
 public:
  SvgCanvas(int width_px, int height_px) : Canvas(width_px, height_px) {
    absl::StrAppend(&svg_, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"", width_px,
                    "\" height=\"", height_px, "\" viewBox=\"0 0 ", width_px, " ", height_px,
                    "\" font-family=\"DejaVu Sans, sans-serif\">\n",
                    "<rect width=\"100%\" height=\"100%\" fill=\"#FFFFFF\"/>\n");
  }

  void BeginGroup(std::string_view id) override {
    absl::StrAppend(&svg_, "<g id=\"", XmlEscape(id), "\">\n");
  }
  void EndGroup() override { svg_ += "</g>\n"; }

  void BeginClip(Pixel top_left, double width_px, double height_px) override {
    const int id = ++clips_;
    absl::StrAppend(&svg_, "<clipPath id=\"clip", id, "\"><rect x=\"", Num(top_left.x), "\" y=\"",
                    Num(top_left.y), "\" width=\"", Num(width_px), "\" height=\"", Num(height_px),
                    "\"/></clipPath>\n<g clip-path=\"url(#clip", id, ")\">\n");
  }
  void EndClip() override { svg_ += "</g>\n"; }

  void FillRect(Pixel top_left, double width_px, double height_px, const Rgba& fill) override {
    absl::StrAppend(&svg_, "<rect x=\"", Num(top_left.x), "\" y=\"", Num(top_left.y), "\" width=\"",
                    Num(width_px), "\" height=\"", Num(height_px), "\" ", Paint("fill", fill),
                    "/>\n");
  }

  void FillRings(std::span<const Path> rings, const Rgba& fill) override {
    std::string d;
    for (const Path& ring : rings) AppendPathData(ring, /*closed=*/true, d);
    if (d.empty()) return;
    absl::StrAppend(&svg_, "<path fill-rule=\"evenodd\" ", Paint("fill", fill), " d=\"", d,
                    "\"/>\n");
  }

  void StrokePaths(std::span<const Path> paths, const Stroke& stroke, bool closed) override {
    std::string d;
    for (const Path& path : paths) AppendPathData(path, closed, d);
    if (d.empty()) return;
    absl::StrAppend(&svg_, "<path fill=\"none\" ", Paint("stroke", stroke.color),
                    " stroke-width=\"", absl::StrFormat("%.2g", stroke.width_px),
                    "\" stroke-linejoin=\"round\" stroke-linecap=\"round\" d=\"", d, "\"/>\n");
  }

  void Markers(std::span<const Marker> markers, MarkerShape shape, const Rgba& fill,
               const Stroke& outline) override {
    if (markers.empty()) return;
    if (shape == MarkerShape::kCross) {
      absl::StrAppend(&svg_, "<g fill=\"none\" ", Paint("stroke", fill), " stroke-width=\"",
                      absl::StrFormat("%.2g", std::max(1.0, outline.width_px)), "\">\n");
    } else {
      absl::StrAppend(&svg_, "<g ", Paint("fill", fill));
      if (outline.width_px > 0) {
        absl::StrAppend(&svg_, " ", Paint("stroke", outline.color), " stroke-width=\"",
                        absl::StrFormat("%.2g", outline.width_px), "\"");
      }
      svg_ += ">\n";
    }
    for (const Marker& m : markers) {
      const std::string id =
          m.id.empty() ? std::string() : absl::StrCat(" data-id=\"", XmlEscape(m.id), "\"");
      if (shape == MarkerShape::kCircle) {
        absl::StrAppend(&svg_, "<circle cx=\"", Num(m.at.x), "\" cy=\"", Num(m.at.y), "\" r=\"",
                        Num(m.radius_px), "\"", id, "/>\n");
        continue;
      }
      const Path outline_path = MarkerOutline(shape, m);
      std::string d;
      if (shape == MarkerShape::kCross) {
        AppendPathData({outline_path[0], outline_path[1]}, false, d);
        AppendPathData({outline_path[2], outline_path[3]}, false, d);
      } else {
        AppendPathData(outline_path, true, d);
      }
      absl::StrAppend(&svg_, "<path d=\"", d, "\"", id, "/>\n");
    }
    svg_ += "</g>\n";
  }

  void Text(Pixel at, std::string_view text, double size_px, const Rgba& color,
            bool bold) override {
    absl::StrAppend(&svg_, "<text x=\"", Num(at.x), "\" y=\"", Num(at.y), "\" font-size=\"",
                    Num(size_px), "\"", bold ? " font-weight=\"bold\"" : "", " ",
                    Paint("fill", color), ">", XmlEscape(text), "</text>\n");
  }

  absl::StatusOr<std::string> Finish() override {
    svg_ += "</svg>\n";
    return std::move(svg_);
  }
  std::string_view content_type() const override { return "image/svg+xml"; }

 private:
  std::string svg_;
  int clips_ = 0;
};

}  // namespace

std::unique_ptr<Canvas> MakeSvgCanvas(int width_px, int height_px) {
  return std::make_unique<SvgCanvas>(width_px, height_px);
}

}  // namespace carereach::render
