#include "geo/core/local_projection.h"

#include <proj.h>

#include <cmath>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "geo/core/status_macros.h"

namespace carereach::geo {
namespace {

constexpr char kWgs84LonLat[] = "+proj=longlat +datum=WGS84 +no_defs +type=crs";

absl::Status SameSize(std::span<double> xs, std::span<double> ys) {
  if (xs.size() == ys.size()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(xs.size(), " xs but ", ys.size(), " ys"));
}

// Index of the first point with a non-finite coordinate, or `size` when all are finite.
template <typename Get>
size_t FirstNonFinite(size_t size, Get get) {
  for (size_t i = 0; i < size; ++i) {
    const auto [a, b] = get(i);
    if (!std::isfinite(a) || !std::isfinite(b)) return i;
  }
  return size;
}

}  // namespace

// The PROJ context and the transformation made with it; destroyed in reverse order.
struct LocalProjection::Proj {
  PJ_CONTEXT* context = nullptr;
  PJ* transform = nullptr;

  Proj() : context(proj_context_create()) {}
  ~Proj() {
    if (transform != nullptr) proj_destroy(transform);
    proj_context_destroy(context);
  }
  Proj(const Proj&) = delete;
  Proj& operator=(const Proj&) = delete;

  std::string LastError() const {
    const int code = proj_context_errno(context);
    const char* text = code != 0 ? proj_context_errno_string(context, code) : nullptr;
    return text != nullptr ? std::string(text) : std::string("unknown error");
  }
};

absl::StatusOr<LocalProjection> LocalProjection::Create(LonLat centre) {
  RETURN_IF_ERROR(ValidateLonLat(centre, "centre"));
  return CreateFromProjString(
      absl::StrFormat("+proj=aeqd +lat_0=%.12f +lon_0=%.12f +datum=WGS84 +units=m +type=crs",
                      centre.lat, centre.lon),
      centre);
}

absl::StatusOr<LocalProjection> LocalProjection::CreateFromProjString(std::string_view proj_crs,
                                                                      LonLat centre) {
  RETURN_IF_ERROR(ValidateLonLat(centre, "centre"));
  auto proj = std::make_unique<Proj>();
  if (proj->context == nullptr) return absl::InternalError("PROJ: proj_context_create failed");
  // Errors are returned as a Status; PROJ's own logging to stderr would only duplicate them.
  proj_log_level(proj->context, PJ_LOG_NONE);
  const std::string target(proj_crs);
  // WGS84 lon/lat, the same CRS as EPSG:4326 (and the same resulting pipeline: unitconvert, then
  // the projection), written as a PROJ string because looking EPSG:4326 up in proj.db costs about
  // 4 ms in every new context, 20 times the cost of everything else here.
  PJ* raw = proj_create_crs_to_crs(proj->context, kWgs84LonLat, target.c_str(), nullptr);
  if (raw == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("PROJ: ", proj->LastError(), " (creating ", target, ")"));
  }
  // Normalising guarantees (lon, lat) input order whatever the source CRS's declared axis order.
  proj->transform = proj_normalize_for_visualization(proj->context, raw);
  proj_destroy(raw);
  if (proj->transform == nullptr) {
    return absl::InternalError(
        absl::StrCat("PROJ: ", proj->LastError(), " (proj_normalize_for_visualization)"));
  }
  return LocalProjection(centre, std::move(proj));
}

LocalProjection::LocalProjection(LonLat centre, std::unique_ptr<Proj> proj)
    : centre_(centre), proj_(std::move(proj)) {}
LocalProjection::LocalProjection(LocalProjection&&) noexcept = default;
LocalProjection& LocalProjection::operator=(LocalProjection&&) noexcept = default;
LocalProjection::~LocalProjection() = default;

void LocalProjection::Transform(bool forward, double* xs, size_t x_stride, double* ys,
                                size_t y_stride, size_t count) {
  if (count == 0) return;
  proj_errno_reset(proj_->transform);
  proj_trans_generic(proj_->transform, forward ? PJ_FWD : PJ_INV, xs, x_stride, count, ys, y_stride,
                     count, nullptr, 0, 0, nullptr, 0, 0);
}

absl::Status LocalProjection::PointError(bool forward, size_t index) const {
  const int code = proj_errno(proj_->transform);
  const char* text = code != 0 ? proj_context_errno_string(proj_->context, code) : nullptr;
  return absl::InvalidArgumentError(absl::StrCat("PROJ: cannot ", forward ? "project" : "unproject",
                                                 " point ", index, ": ",
                                                 text != nullptr ? text : "not finite"));
}

absl::StatusOr<PlanarXY> LocalProjection::Forward(LonLat p) {
  ASSIGN_OR_RETURN(std::vector<PlanarXY> out, Forward(std::span<const LonLat>(&p, 1)));
  return out.front();
}

absl::StatusOr<LonLat> LocalProjection::Inverse(PlanarXY p) {
  ASSIGN_OR_RETURN(std::vector<LonLat> out, Inverse(std::span<const PlanarXY>(&p, 1)));
  return out.front();
}

absl::StatusOr<std::vector<PlanarXY>> LocalProjection::Forward(std::span<const LonLat> points) {
  return TransformPoints<PlanarXY>(true, points);
}

absl::StatusOr<std::vector<LonLat>> LocalProjection::Inverse(std::span<const PlanarXY> points) {
  return TransformPoints<LonLat>(false, points);
}

template <typename Out, typename In>
absl::StatusOr<std::vector<Out>> LocalProjection::TransformPoints(bool forward,
                                                                  std::span<const In> points) {
  std::vector<Out> out;
  out.reserve(points.size());
  for (const In& p : points) {
    const auto [a, b] = p;
    out.push_back(Out{a, b});
  }
  if (out.empty()) return out;
  auto& [x, y] = out[0];
  Transform(forward, &x, sizeof(Out), &y, sizeof(Out), out.size());
  const size_t bad = FirstNonFinite(out.size(), [&](size_t i) { return out[i]; });
  if (bad != out.size()) return PointError(forward, bad);
  return out;
}

absl::Status LocalProjection::ForwardInPlace(std::span<double> xs, std::span<double> ys) {
  return TransformInPlace(true, xs, ys);
}

absl::Status LocalProjection::InverseInPlace(std::span<double> xs, std::span<double> ys) {
  return TransformInPlace(false, xs, ys);
}

absl::Status LocalProjection::TransformInPlace(bool forward, std::span<double> xs,
                                               std::span<double> ys) {
  RETURN_IF_ERROR(SameSize(xs, ys));
  Transform(forward, xs.data(), sizeof(double), ys.data(), sizeof(double), xs.size());
  const size_t bad = FirstNonFinite(xs.size(), [&](size_t i) { return std::pair(xs[i], ys[i]); });
  if (bad != xs.size()) return PointError(forward, bad);
  return absl::OkStatus();
}

}  // namespace carereach::geo
