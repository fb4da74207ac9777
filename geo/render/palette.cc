#include "geo/render/palette.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_format.h"

namespace carereach::render {
namespace {

// YlGnBu, darkest to lightest, its two palest classes left out.
constexpr uint32_t kRamp[] = {0x081D58, 0x253494, 0x225EA8, 0x1D91C0, 0x41B6C4, 0x7FCDBB};

int Channel(double v) { return static_cast<int>(std::lround(std::clamp(v, 0.0, 1.0) * 255)); }

}  // namespace

std::string Rgba::Hex() const {
  return absl::StrFormat("#%02X%02X%02X", Channel(r), Channel(g), Channel(b));
}

std::vector<Rgba> SequentialSteps(size_t n) {
  n = std::clamp<size_t>(n, 1, 8);
  constexpr size_t kStops = std::size(kRamp);
  std::vector<Rgba> steps;
  steps.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    // Sample the ramp evenly (piecewise linear between its stops); one step takes the darkest.
    const double t =
        n == 1 ? 0.0 : static_cast<double>(i) * (kStops - 1) / static_cast<double>(n - 1);
    const size_t lo = std::min(static_cast<size_t>(t), kStops - 2);
    const double f = t - static_cast<double>(lo);
    const Rgba a = Rgba::FromHex(kRamp[lo]), b = Rgba::FromHex(kRamp[lo + 1]);
    steps.push_back({a.r + (b.r - a.r) * f, a.g + (b.g - a.g) * f, a.b + (b.b - a.b) * f, 1.0});
  }
  return steps;
}

}  // namespace carereach::render
