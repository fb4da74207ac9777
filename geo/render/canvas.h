#ifndef CAREREACH_GEO_RENDER_CANVAS_H_
#define CAREREACH_GEO_RENDER_CANVAS_H_

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "geo/render/palette.h"

namespace carereach::render {

// A point on the picture in pixels: x to the right, y DOWN from the top-left corner.
struct Pixel {
  double x = 0;
  double y = 0;
};
using Path = std::vector<Pixel>;

struct Stroke {
  Rgba color;
  double width_px = 1;
};

enum class MarkerShape { kCircle, kSquare, kTriangle, kDiamond, kCross };

struct Marker {
  Pixel at;
  double radius_px = 3;
  std::string id;  // SVG: data-id (e.g. a facility id); PNG: unused
};

// What a map is drawn on. The layer code draws through this interface only, so the PNG (Cairo)
// and the SVG (written directly: real <text>, ids and classes, see svg_canvas.cc) show the same
// picture. Every call draws a batch; nothing is drawn per point through a virtual call.
// Thread safety: one canvas per render.
class Canvas {
 public:
  virtual ~Canvas() = default;

  int width_px() const { return width_px_; }
  int height_px() const { return height_px_; }

  // A named group of what follows (SVG <g id=...>); groups nest.
  virtual void BeginGroup(std::string_view id) = 0;
  virtual void EndGroup() = 0;
  // Until the matching EndClip, nothing is drawn outside the rectangle.
  virtual void BeginClip(Pixel top_left, double width_px, double height_px) = 0;
  virtual void EndClip() = 0;
  virtual void FillRect(Pixel top_left, double width_px, double height_px, const Rgba& fill) = 0;
  // Closed rings filled together with the even-odd rule (holes and multi-part shapes).
  virtual void FillRings(std::span<const Path> rings, const Rgba& fill) = 0;
  virtual void StrokePaths(std::span<const Path> paths, const Stroke& stroke, bool closed) = 0;
  // Markers of one style; a kCross is stroked in `fill`'s colour, the others filled and outlined.
  virtual void Markers(std::span<const Marker> markers, MarkerShape shape, const Rgba& fill,
                       const Stroke& outline) = 0;
  // One line of text, its baseline starting at `at`, in DejaVu Sans.
  virtual void Text(Pixel at, std::string_view text, double size_px, const Rgba& color,
                    bool bold) = 0;
  // The advance width of `text` (Cairo's font metrics, the same for both canvases).
  double TextWidth(std::string_view text, double size_px, bool bold) const;

  // The encoded picture ("image/png" bytes or SVG text). Call once, last.
  virtual absl::StatusOr<std::string> Finish() = 0;
  virtual std::string_view content_type() const = 0;

 protected:
  Canvas(int width_px, int height_px) : width_px_(width_px), height_px_(height_px) {}

 private:
  int width_px_;
  int height_px_;
};

// Both INVALID_ARGUMENT-free: sizes are checked by the caller (RenderMap).
std::unique_ptr<Canvas> MakePngCanvas(int width_px, int height_px);
std::unique_ptr<Canvas> MakeSvgCanvas(int width_px, int height_px);

// The corners of `shape` around `m` (a closed ring; a kCross gives its two strokes' ends in
// order a0 a1 b0 b1; a kCircle gives nothing).
Path MarkerOutline(MarkerShape shape, const Marker& m);

}  // namespace carereach::render

#endif  // CAREREACH_GEO_RENDER_CANVAS_H_
