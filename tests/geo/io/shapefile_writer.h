#ifndef CAREREACH_TESTS_GEO_IO_SHAPEFILE_WRITER_H_
#define CAREREACH_TESTS_GEO_IO_SHAPEFILE_WRITER_H_

#include <shapefil.h>

#include <filesystem>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace carereach::testing_util {

// One county of a test shapefile: its GEOID and a 0.1-degree square from (lon, lat).
struct SquareCounty {
  std::string geoid;
  double lon = 0, lat = 0;
};

// Writes `name`.shp/.shx/.dbf under the test's temp dir with shapelib (a GEOID field, or NAME
// when `with_geoid` is false) and returns the .shp path.
inline std::string WriteSquareCounties(const std::string& name,
                                       const std::vector<SquareCounty>& squares,
                                       bool with_geoid = true) {
  const std::string base = (std::filesystem::path(::testing::TempDir()) / name).string();
  SHPHandle shp = SHPCreate(base.c_str(), SHPT_POLYGON);
  DBFHandle dbf = DBFCreate(base.c_str());
  const int field = DBFAddField(dbf, with_geoid ? "GEOID" : "NAME", FTString, 10, 0);
  for (const SquareCounty& s : squares) {
    double xs[] = {s.lon, s.lon, s.lon + 0.1, s.lon + 0.1, s.lon};
    double ys[] = {s.lat, s.lat + 0.1, s.lat + 0.1, s.lat, s.lat};
    SHPObject* o = SHPCreateSimpleObject(SHPT_POLYGON, 5, xs, ys, nullptr);
    const int id = SHPWriteObject(shp, -1, o);
    SHPDestroyObject(o);
    DBFWriteStringAttribute(dbf, id, field, s.geoid.c_str());
  }
  SHPClose(shp);
  DBFClose(dbf);
  return base + ".shp";
}

}  // namespace carereach::testing_util

#endif  // CAREREACH_TESTS_GEO_IO_SHAPEFILE_WRITER_H_
