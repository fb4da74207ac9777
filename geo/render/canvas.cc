// The parts of Canvas both backends share: text metrics and marker shapes.
#include "geo/render/canvas.h"

#include <cairo.h>

#include <cmath>
#include <numbers>
#include <string>

#include "geo/render/markup.h"

namespace carereach::render {

double Canvas::TextWidth(std::string_view text, double size_px, bool bold) const {
  // A 1 x 1 scratch surface per call: metrics only, no drawing. Thread-safe (nothing shared).
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
  cairo_t* cr = cairo_create(surface);
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size_px);
  cairo_text_extents_t extents;
  const std::string copy = ToValidUtf8(text);  // NUL-terminated, valid UTF-8 for Cairo
  cairo_text_extents(cr, copy.c_str(), &extents);
  cairo_destroy(cr);
  cairo_surface_destroy(surface);
  return extents.x_advance;
}

Path MarkerOutline(MarkerShape shape, const Marker& m) {
  const double r = m.radius_px, x = m.at.x, y = m.at.y;
  switch (shape) {
    case MarkerShape::kCircle:
      return {};
    case MarkerShape::kSquare: {
      const double h = r * 0.886;  // the square of the circle's area
      return {{x - h, y - h}, {x + h, y - h}, {x + h, y + h}, {x - h, y + h}};
    }
    case MarkerShape::kTriangle: {
      const double s = r * 1.35;
      return {{x, y - s},
              {x + s * std::sqrt(3.0) / 2, y + s / 2},
              {x - s * std::sqrt(3.0) / 2, y + s / 2}};
    }
    case MarkerShape::kDiamond: {
      const double s = r * 1.25;
      return {{x, y - s}, {x + s, y}, {x, y + s}, {x - s, y}};
    }
    case MarkerShape::kCross: {
      const double h = r * 0.75;
      return {{x - h, y - h}, {x + h, y + h}, {x - h, y + h}, {x + h, y - h}};
    }
  }
  return {};
}

}  // namespace carereach::render
