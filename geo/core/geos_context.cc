#include "geo/core/geos_context.h"

#include "absl/strings/str_cat.h"

namespace carereach::geo {

void GeomDeleter::operator()(GEOSGeometry* geometry) const {
  if (geometry != nullptr) GEOSGeom_destroy_r(handle, geometry);
}

GeosContext& GeosContext::ThreadLocal() {
  thread_local GeosContext context;
  return context;
}

GeosContext::GeosContext() : handle_(GEOS_init_r()) {
  GEOSContext_setErrorMessageHandler_r(handle_, &GeosContext::OnError, this);
}

GeosContext::~GeosContext() { GEOS_finish_r(handle_); }

void GeosContext::OnError(const char* message, void* self) {
  static_cast<GeosContext*>(self)->last_error_ = message != nullptr ? message : "";
}

absl::StatusOr<GeomPtr> GeosContext::Check(GEOSGeometry* geometry, absl::string_view operation) {
  if (geometry == nullptr) return Error(operation);
  return Own(geometry);
}

absl::Status GeosContext::Error(absl::string_view operation) {
  std::string message = last_error_.empty() ? std::string("unknown error") : last_error_;
  last_error_.clear();
  return absl::InternalError(absl::StrCat("GEOS: ", message, " (", operation, ")"));
}

}  // namespace carereach::geo
