// carereach-soak: the real data the requests are built from (--data_dir): open HIFLD hospitals and
// Census tract centres of population of the regions in deploy/regions.textproto, and two networks'
// rosters per county region.
#ifndef CAREREACH_BENCH_SOAK_WORLD_H_
#define CAREREACH_BENCH_SOAK_WORLD_H_

#include <string>
#include <vector>

#include "carereach/v1/access.pb.h"
#include "carereach/v1/adequacy.pb.h"

namespace carereach::soak {

// A hospital or a tract centre (lon, lat in degrees).
struct Place {
  std::string id, name, type;
  double lon = 0, lat = 0;
  double beds = 0;
};

struct RegionData {
  std::string name;
  bool drive = false;
  std::string county_fips;       // county regions
  std::vector<Place> hospitals;  // open hospitals in and near the region
  std::vector<Place> tracts;     // tract centres of the region (id = GEOID)
  std::vector<carereach::v1::NetworkProvider> roster_a, roster_b;  // two networks' rows
};

// Immutable once loaded; shared const by the calls.
struct World {
  std::vector<Place> all_hospitals;
  std::vector<RegionData> county_regions;  // honolulu, imperial, yuba: roads
  std::vector<RegionData> state_regions;   // michigan, massachusetts, us: straight-line only
};

// A place as the wire sees it: its location, and a facility with its id, name, location and type.
carereach::v1::LonLat Loc(const Place& p);
carereach::v1::Facility ToFacility(const Place& p);

// Reads the hospitals and tract centres under `data_dir`; prints the error and exits 2 when a file
// cannot be read.
World LoadWorld(const std::string& data_dir);

}  // namespace carereach::soak

#endif  // CAREREACH_BENCH_SOAK_WORLD_H_
