#ifndef CAREREACH_GEO_RENDER_PALETTE_H_
#define CAREREACH_GEO_RENDER_PALETTE_H_

#include <cstdint>
#include <string>
#include <vector>

namespace carereach::render {

// A colour with straight (not premultiplied) alpha, channels in [0, 1].
struct Rgba {
  double r = 0, g = 0, b = 0, a = 1;

  static Rgba FromHex(uint32_t rgb, double alpha = 1.0) {
    return {((rgb >> 16) & 0xFF) / 255.0, ((rgb >> 8) & 0xFF) / 255.0, (rgb & 0xFF) / 255.0, alpha};
  }
  // "#RRGGBB" (alpha is not part of it).
  std::string Hex() const;
};

// Okabe & Ito (2008), safe for the common colour-vision deficiencies: one colour per alliance
// member, yellow and black last (yellow is faint on white; black marks "not reached").
inline constexpr uint32_t kOkabeIto[] = {0xE69F00, 0x56B4E9, 0x009E73, 0x0072B2,
                                         0xCC79A7, 0xD55E00, 0xF0E442, 0x000000};

// "Beyond the largest threshold" (vermilion: another hue, so it reads as a category, not one
// more step), "not reached", "no road nearby", and the adequacy fills.
inline constexpr uint32_t kBeyond = 0xD55E00;
inline constexpr uint32_t kUnreached = 0x000000;
inline constexpr uint32_t kUnsnapped = 0x7F7F7F;
inline constexpr uint32_t kPass = 0x009E73;
inline constexpr uint32_t kFail = 0xD55E00;
inline constexpr uint32_t kCountyOutline = 0x8C8C8C;

// `n` steps of a sequential ramp (ColorBrewer YlGnBu without its two palest classes, which
// vanish on white), darkest first: the nearest bin is the darkest. n in [1, 8]; more are clamped.
std::vector<Rgba> SequentialSteps(size_t n);

}  // namespace carereach::render

#endif  // CAREREACH_GEO_RENDER_PALETTE_H_
