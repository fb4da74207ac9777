// A PNG read back with Cairo's own decoder, independently of the renderer, for the map tests
// (tests/geo/render, tests/server/map_server_test.cc). Test code only.
#ifndef CAREREACH_TESTS_GEO_RENDER_PNG_IMAGE_H_
#define CAREREACH_TESTS_GEO_RENDER_PNG_IMAGE_H_

#include <cairo.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace carereach::testing_util {

struct Image {
  int width = 0, height = 0;
  std::vector<uint32_t> argb;  // row-major, Cairo's ARGB32 (premultiplied)
  // The pixel that contains (x, y), both in pixels from the top-left corner.
  uint32_t at(double x, double y) const {
    return argb[static_cast<size_t>(y) * width + static_cast<size_t>(x)];
  }
};

// The decoded picture; width and height 0 if `png` is not a PNG.
inline Image DecodePng(const std::string& png) {
  struct Reader {
    const std::string* data;
    size_t offset = 0;
  } reader{&png};
  cairo_surface_t* surface = cairo_image_surface_create_from_png_stream(
      [](void* closure, unsigned char* out, unsigned int length) {
        auto* r = static_cast<Reader*>(closure);
        if (r->offset + length > r->data->size()) return CAIRO_STATUS_READ_ERROR;
        std::memcpy(out, r->data->data() + r->offset, length);
        r->offset += length;
        return CAIRO_STATUS_SUCCESS;
      },
      &reader);
  Image img;
  if (cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS) {
    img.width = cairo_image_surface_get_width(surface);
    img.height = cairo_image_surface_get_height(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    const unsigned char* data = cairo_image_surface_get_data(surface);
    for (int y = 0; y < img.height; ++y) {
      const auto* row = reinterpret_cast<const uint32_t*>(data + static_cast<size_t>(y) * stride);
      img.argb.insert(img.argb.end(), row, row + img.width);
    }
  }
  cairo_surface_destroy(surface);
  return img;
}

// The channels of an opaque pixel `argb` are each within `tolerance` of those of `rgb`.
inline bool Near(uint32_t argb, uint32_t rgb, int tolerance = 12) {
  for (int shift : {16, 8, 0}) {
    const int a = static_cast<int>((argb >> shift) & 0xFF),
              b = static_cast<int>((rgb >> shift) & 0xFF);
    if (std::abs(a - b) > tolerance) return false;
  }
  return true;
}

// The variance of the pixels' luminance (mean of R, G, B; 0 for a one-colour picture) and the
// share of pixels that are not white: a picture that shows something has both well above 0.
struct PixelSpread {
  double luminance_variance = 0;
  double non_white_share = 0;
};
inline PixelSpread SpreadOf(const Image& img) {
  PixelSpread spread;
  if (img.argb.empty()) return spread;
  double sum = 0, sum_sq = 0;
  size_t non_white = 0;
  for (uint32_t px : img.argb) {
    const double lum = (((px >> 16) & 0xFF) + ((px >> 8) & 0xFF) + (px & 0xFF)) / 3.0;
    sum += lum, sum_sq += lum * lum;
    non_white += (px & 0xFFFFFF) != 0xFFFFFF;
  }
  const double n = static_cast<double>(img.argb.size());
  spread.luminance_variance = sum_sq / n - (sum / n) * (sum / n);
  spread.non_white_share = non_white / n;
  return spread;
}

}  // namespace carereach::testing_util

#endif  // CAREREACH_TESTS_GEO_RENDER_PNG_IMAGE_H_
