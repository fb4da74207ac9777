#ifndef CAREREACH_GEO_RENDER_RENDER_H_
#define CAREREACH_GEO_RENDER_RENDER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "geo/core/deadline.h"
#include "geo/render/scene.h"

namespace carereach::render {

enum class ImageFormat { kPng, kSvg };

struct RenderOptions {
  ImageFormat format = ImageFormat::kPng;
  int width_px = 1200;  // [320, 4096]
  int height_px = 900;  // [240, 4096]
};

// Where projected metres land on the picture: pixel x = panel_left_px + (x - x_min_meters) /
// meters_per_px, pixel y = panel_top_px + (y_max_meters - y) / meters_per_px, with (x, y) the
// point projected by `projection`. Lets a client (and the tests) place points itself.
struct MapFrame {
  double x_min_meters = 0;
  double y_max_meters = 0;
  double meters_per_px = 1;
  double panel_left_px = 0;
  double panel_top_px = 0;
  double panel_width_px = 0;
  double panel_height_px = 0;
};

struct LegendEntry {
  std::string label;
  std::string color;  // "#RRGGBB"
};

struct RenderedMap {
  std::string image;
  std::string content_type;  // "image/png" or "image/svg+xml"
  int width_px = 0;
  int height_px = 0;
  std::string projection;       // PROJ string of the projected CRS (from WGS84 lon/lat)
  std::string projection_name;  // e.g. "Albers equal-area conic, standard parallels 21.3°N, 21.7°N"
  MapFrame frame;
  std::vector<LegendEntry> legend;  // exactly what the picture's legend shows
  std::vector<std::string> credits;
};

// The PROJ string and description of the Albers equal-area conic fitted to a region between
// latitudes south..north (degrees) around central meridian lon_0: standard parallels one sixth of
// the span inside each edge (Deetz & Adams), which keeps the scale error of a state-sized region
// under about half a percent, so one scale bar is honest. Equal-area, because the map compares
// areas (dots sized by population, counties filled). A region whose standard parallels would be
// (nearly) symmetric about the equator gets the conic's limit, Lambert's cylindrical equal-area
// ("+proj=cea"), since PROJ refuses an Albers cone there.
struct MapProjectionSpec {
  std::string proj;
  std::string name;
};
MapProjectionSpec FitAlbers(double south, double north, double lon_0);

// Draws `scene`: counties, roads, units coloured by value with a stepped legend at the
// thresholds, facilities by member, title, legend, scale bar, credits and method line. The frame
// is fitted to the units and facilities (counties when there are none), padded 4 %.
// INVALID_ARGUMENT for sizes outside the ranges above, a scene with nothing to frame, or more than
// 8 thresholds; the deadline's error when it passes (checked between layers).
absl::StatusOr<RenderedMap> RenderMap(const MapScene& scene, const RenderOptions& options,
                                      const geo::Deadline& deadline = {});

}  // namespace carereach::render

#endif  // CAREREACH_GEO_RENDER_RENDER_H_
