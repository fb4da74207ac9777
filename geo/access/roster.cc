#include "geo/access/roster.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace carereach::access {

std::vector<Facility> FacilitiesOfRoster(std::span<const NetworkProvider> rows,
                                         std::span<const std::string> codes,
                                         std::vector<int32_t>* origin) {
  const absl::flat_hash_set<std::string> wanted(codes.begin(), codes.end());
  absl::flat_hash_map<std::string, std::vector<geo::LonLat>> places;  // by id
  std::vector<Facility> facilities;
  for (size_t i = 0; i < rows.size(); ++i) {
    const NetworkProvider& p = rows[i];
    if (!wanted.empty() && !wanted.contains(p.specialty_code)) continue;
    std::vector<geo::LonLat>& seen = places[p.id];
    if (std::find_if(seen.begin(), seen.end(), [&](const geo::LonLat& q) {
          return q.lon == p.location.lon && q.lat == p.location.lat;
        }) != seen.end()) {
      continue;
    }
    seen.push_back(p.location);
    std::string id = seen.size() == 1 ? p.id : absl::StrCat(p.id, "#", seen.size());
    facilities.push_back({.id = std::move(id),
                          .name = p.name,
                          .location = p.location,
                          .type = p.type.empty() ? p.specialty_code : p.type});
    if (origin != nullptr) origin->push_back(static_cast<int32_t>(i));
  }
  return facilities;
}

}  // namespace carereach::access
