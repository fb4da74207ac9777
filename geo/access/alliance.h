#ifndef CARERACH_GEO_ACCESS_ALLIANCE_H_
#define CARERACH_GEO_ACCESS_ALLIANCE_H_

namespace carereach::access {}  // namespace carereach::access

#endif  // CARERACH_GEO_ACCESS_ALLIANCE_H_
