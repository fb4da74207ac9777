#include "geo/core/lon_lat.h"

#include <cmath>

#include "absl/strings/str_format.h"
#include "geo/core/status_macros.h"

namespace carereach::geo {
namespace {

absl::Status CheckRange(double value, double limit, std::string_view field,
                        std::string_view component) {
  if (std::isnan(value)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s.%s: NaN is not a coordinate", field, component));
  }
  if (!(value >= -limit && value <= limit)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s.%s: %g is outside [-%g, %g]", field, component, value, limit, limit));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateLonLat(LonLat p, std::string_view field) {
  RETURN_IF_ERROR(CheckRange(p.lon, 180.0, field, "lon"));
  return CheckRange(p.lat, 90.0, field, "lat");
}

}  // namespace carereach::geo
