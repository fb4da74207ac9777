#ifndef CAREREACH_GEO_CORE_GEOS_CONTEXT_H_
#define CAREREACH_GEO_CORE_GEOS_CONTEXT_H_

#include <geos_c.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace carereach::geo {

// Destroys a GEOS geometry with the context handle that created it.
struct GeomDeleter {
  GEOSContextHandle_t handle = nullptr;
  void operator()(GEOSGeometry* geometry) const;
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

// Owns one reentrant GEOS context (GEOS_init_r / GEOS_finish_r) and records the last error GEOS
// reported through it, so that a failed call becomes an absl::Status instead of a log line.
//
// Thread safety: NOT thread-safe. A GEOS context, and every geometry made with it, belongs to one
// thread at a time; use ThreadLocal() rather than sharing an instance. Geometries (GeomPtr) must
// be destroyed before their context, so never keep one past the end of the thread that made it.
class GeosContext {
 public:
  // This thread's context, created on first use and destroyed when the thread exits.
  static GeosContext& ThreadLocal();

  GeosContext();
  ~GeosContext();
  GeosContext(const GeosContext&) = delete;
  GeosContext& operator=(const GeosContext&) = delete;

  GEOSContextHandle_t handle() const { return handle_; }

  // Takes ownership of `geometry` (may be null).
  GeomPtr Own(GEOSGeometry* geometry) const { return GeomPtr(geometry, GeomDeleter{handle_}); }

  // The result of a GEOS call that returns a new geometry: owned when non-null, otherwise the
  // error GEOS reported (see Error()).
  absl::StatusOr<GeomPtr> Check(GEOSGeometry* geometry, absl::string_view operation);

  // INTERNAL "GEOS: <last message> (<operation>)" and forgets the message; used after a GEOS call
  // signalled failure (null, 0 or 2 depending on the function).
  absl::Status Error(absl::string_view operation);

 private:
  static void OnError(const char* message, void* self);

  GEOSContextHandle_t handle_ = nullptr;
  std::string last_error_;
};

}  // namespace carereach::geo

#endif  // CAREREACH_GEO_CORE_GEOS_CONTEXT_H_
