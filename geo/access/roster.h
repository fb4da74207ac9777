#ifndef CAREREACH_GEO_ACCESS_ROSTER_H_
#define CAREREACH_GEO_ACCESS_ROSTER_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "geo/access/adequacy.h"
#include "geo/access/coverage.h"

namespace carereach::access {

// Facilities of a roster for coverage-type questions (coverage, alliances, recommendations,
// access ratios): rows whose specialty code is in `codes` (all when empty), one facility per
// distinct (id, location); a second location of the same id gets the id "<id>#2", and so on. A
// facility's type is the row's type, or its specialty code when the row has none. `origin`
// (optional) receives, per facility, the index of the row it came from.
std::vector<Facility> FacilitiesOfRoster(std::span<const NetworkProvider> rows,
                                         std::span<const std::string> codes,
                                         std::vector<int32_t>* origin = nullptr);

}  // namespace carereach::access

#endif  // CAREREACH_GEO_ACCESS_ROSTER_H_
