// The PNG canvas: a Cairo ARGB32 image surface, encoded with cairo_surface_write_to_png_stream.
#include <cairo.h>

#include <numbers>
#include <string>

#include "absl/strings/str_cat.h"
#include "geo/render/canvas.h"
#include "geo/render/markup.h"

namespace carereach::render {
namespace {

class CairoCanvas final : public Canvas {
 public:
  CairoCanvas(int width_px, int height_px)
      : Canvas(width_px, height_px),
        surface_(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width_px, height_px)),
        cr_(cairo_create(surface_)) {
    cairo_set_source_rgb(cr_, 1, 1, 1);
    cairo_paint(cr_);
    cairo_set_line_join(cr_, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr_, CAIRO_LINE_CAP_ROUND);
  }
  ~CairoCanvas() override {
    cairo_destroy(cr_);
    cairo_surface_destroy(surface_);
  }
  CairoCanvas(const CairoCanvas&) = delete;
  CairoCanvas& operator=(const CairoCanvas&) = delete;

  void BeginGroup(std::string_view) override {}
  void EndGroup() override {}

  void BeginClip(Pixel top_left, double width_px, double height_px) override {
    cairo_save(cr_);
    cairo_rectangle(cr_, top_left.x, top_left.y, width_px, height_px);
    cairo_clip(cr_);
  }
  void EndClip() override { cairo_restore(cr_); }

  void FillRect(Pixel top_left, double width_px, double height_px, const Rgba& fill) override {
    Source(fill);
    cairo_rectangle(cr_, top_left.x, top_left.y, width_px, height_px);
    cairo_fill(cr_);
  }

  void FillRings(std::span<const Path> rings, const Rgba& fill) override {
    cairo_new_path(cr_);
    for (const Path& ring : rings) AddPath(ring, /*closed=*/true);
    cairo_set_fill_rule(cr_, CAIRO_FILL_RULE_EVEN_ODD);
    Source(fill);
    cairo_fill(cr_);
  }

  void StrokePaths(std::span<const Path> paths, const Stroke& stroke, bool closed) override {
    cairo_new_path(cr_);
    for (const Path& path : paths) AddPath(path, closed);
    Source(stroke.color);
    cairo_set_line_width(cr_, stroke.width_px);
    cairo_stroke(cr_);
  }

  void Markers(std::span<const Marker> markers, MarkerShape shape, const Rgba& fill,
               const Stroke& outline) override {
    cairo_new_path(cr_);
    for (const Marker& m : markers) {
      if (shape == MarkerShape::kCircle) {
        cairo_new_sub_path(cr_);
        cairo_arc(cr_, m.at.x, m.at.y, m.radius_px, 0, 2 * std::numbers::pi);
        cairo_close_path(cr_);
      } else if (shape == MarkerShape::kCross) {
        const Path ends = MarkerOutline(shape, m);
        cairo_move_to(cr_, ends[0].x, ends[0].y);
        cairo_line_to(cr_, ends[1].x, ends[1].y);
        cairo_move_to(cr_, ends[2].x, ends[2].y);
        cairo_line_to(cr_, ends[3].x, ends[3].y);
      } else {
        AddPath(MarkerOutline(shape, m), /*closed=*/true);
      }
    }
    if (shape == MarkerShape::kCross) {
      Source(fill);
      cairo_set_line_width(cr_, std::max(1.0, outline.width_px));
      cairo_stroke(cr_);
      return;
    }
    cairo_set_fill_rule(cr_, CAIRO_FILL_RULE_WINDING);
    Source(fill);
    if (outline.width_px > 0) {
      cairo_fill_preserve(cr_);
      Source(outline.color);
      cairo_set_line_width(cr_, outline.width_px);
      cairo_stroke(cr_);
    } else {
      cairo_fill(cr_);
    }
  }

  void Text(Pixel at, std::string_view text, double size_px, const Rgba& color,
            bool bold) override {
    cairo_select_font_face(cr_, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr_, size_px);
    Source(color);
    cairo_move_to(cr_, at.x, at.y);
    const std::string copy = ToValidUtf8(text);
    cairo_show_text(cr_, copy.c_str());
    cairo_new_path(cr_);
  }

  absl::StatusOr<std::string> Finish() override {
    cairo_surface_flush(surface_);
    if (cairo_status(cr_) != CAIRO_STATUS_SUCCESS) {
      return absl::InternalError(
          absl::StrCat("cairo: ", cairo_status_to_string(cairo_status(cr_))));
    }
    std::string png;
    const cairo_status_t written = cairo_surface_write_to_png_stream(
        surface_,
        [](void* closure, const unsigned char* data, unsigned int length) {
          static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
          return CAIRO_STATUS_SUCCESS;
        },
        &png);
    if (written != CAIRO_STATUS_SUCCESS) {
      return absl::InternalError(absl::StrCat("cairo PNG: ", cairo_status_to_string(written)));
    }
    return png;
  }
  std::string_view content_type() const override { return "image/png"; }

 private:
  void Source(const Rgba& c) { cairo_set_source_rgba(cr_, c.r, c.g, c.b, c.a); }
  void AddPath(const Path& path, bool closed) {
    if (path.empty()) return;
    cairo_move_to(cr_, path[0].x, path[0].y);
    for (size_t i = 1; i < path.size(); ++i) cairo_line_to(cr_, path[i].x, path[i].y);
    if (closed) cairo_close_path(cr_);
  }

  cairo_surface_t* surface_;
  cairo_t* cr_;
};

}  // namespace

std::unique_ptr<Canvas> MakePngCanvas(int width_px, int height_px) {
  return std::make_unique<CairoCanvas>(width_px, height_px);
}

}  // namespace carereach::render
