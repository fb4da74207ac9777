#ifndef CARERACH_GEO_ACCESS_CATCHMENT_H_
#define CARERACH_GEO_ACCESS_CATCHMENT_H_

namespace carereach::access {}  // namespace carereach::access

#endif  // CARERACH_GEO_ACCESS_CATCHMENT_H_
