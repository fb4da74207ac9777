#include "geo/io/county_boundaries.h"

#include <shapefil.h>

#include <cmath>
#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace carereach::io {
namespace {

struct ShpCloser {
  void operator()(SHPInfo* h) const { SHPClose(h); }
};
struct DbfCloser {
  void operator()(DBFInfo* h) const { DBFClose(h); }
};
struct ObjectDestroyer {
  void operator()(SHPObject* o) const { SHPDestroyObject(o); }
};

// The text of a string field, trimmed; empty when the field is missing or NULL.
std::string Field(DBFHandle dbf, int record, int field) {
  if (field < 0 || DBFIsAttributeNULL(dbf, record, field)) return "";
  const char* text = DBFReadStringAttribute(dbf, record, field);
  return text != nullptr ? std::string(absl::StripAsciiWhitespace(text)) : std::string();
}

bool FiveDigits(const std::string& s) {
  if (s.size() != 5) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::vector<CountyBoundary>> LoadCountyBoundaries(const std::string& shp_path,
                                                                 LoadReport* report) {
  LoadReport local;
  LoadReport& r = report != nullptr ? *report : local;
  r = LoadReport{};
  r.source = shp_path;
  // Shapelib's own error messages go to stderr by default; its handles being null is what we
  // report, with the path.
  SAHooks hooks;
  SASetupDefaultHooks(&hooks);
  hooks.Error = [](const char*) {};
  std::unique_ptr<SHPInfo, ShpCloser> shp(SHPOpenLL(shp_path.c_str(), "rb", &hooks));
  if (shp == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(shp_path, ": cannot open as a shapefile (.shp + .shx)"));
  }
  std::string dbf_path = shp_path;
  if (dbf_path.size() > 4 &&
      absl::AsciiStrToLower(dbf_path.substr(dbf_path.size() - 4)) == ".shp") {
    dbf_path.resize(dbf_path.size() - 4);
  }
  dbf_path += ".dbf";
  std::unique_ptr<DBFInfo, DbfCloser> dbf(DBFOpenLL(dbf_path.c_str(), "rb", &hooks));
  if (dbf == nullptr) return absl::NotFoundError(absl::StrCat(dbf_path, ": cannot open"));

  int entities = 0, shape_type = 0;
  SHPGetInfo(shp.get(), &entities, &shape_type, nullptr, nullptr);
  const int records = DBFGetRecordCount(dbf.get());
  if (records != entities) {
    return absl::DataLossError(absl::StrFormat("%s: %d records but %s has %d shapes", dbf_path,
                                               records, shp_path, entities));
  }
  const int geoid = DBFGetFieldIndex(dbf.get(), "GEOID");
  if (geoid < 0) return absl::DataLossError(absl::StrCat(dbf_path, ": no GEOID field"));
  const int namelsad = DBFGetFieldIndex(dbf.get(), "NAMELSAD");
  const int stusps = DBFGetFieldIndex(dbf.get(), "STUSPS");

  std::vector<CountyBoundary> counties;
  counties.reserve(entities);
  for (int i = 0; i < entities; ++i) {
    ++r.rows;
    const auto skip = [&](std::string why) { r.skipped.push_back({i + 1, std::move(why)}); };
    CountyBoundary c;
    c.fips = Field(dbf.get(), i, geoid);
    c.name = Field(dbf.get(), i, namelsad);
    c.state = Field(dbf.get(), i, stusps);
    if (!FiveDigits(c.fips)) {
      skip(absl::StrCat("record ", i + 1, ": GEOID \"", c.fips, "\" is not 5 digits"));
      continue;
    }
    std::unique_ptr<SHPObject, ObjectDestroyer> object(SHPReadObject(shp.get(), i));
    if (object == nullptr) {
      skip(absl::StrCat("record ", i + 1, " (", c.fips, "): the shape cannot be read"));
      continue;
    }
    if (object->nSHPType != SHPT_POLYGON && object->nSHPType != SHPT_POLYGONZ &&
        object->nSHPType != SHPT_POLYGONM) {
      skip(absl::StrCat("record ", i + 1, " (", c.fips, "): not a polygon (shape type ",
                        object->nSHPType, ")"));
      continue;
    }
    bool bad = false;
    for (int part = 0; part < object->nParts && !bad; ++part) {
      const int begin = object->panPartStart[part];
      const int end =
          part + 1 < object->nParts ? object->panPartStart[part + 1] : object->nVertices;
      if (begin < 0 || end > object->nVertices || end - begin < 3) {
        skip(absl::StrCat("record ", i + 1, " (", c.fips, "): part ", part, " has ", end - begin,
                          " vertices"));
        bad = true;
        break;
      }
      std::vector<geo::LonLat> ring;
      ring.reserve(end - begin);
      for (int v = begin; v < end; ++v) {
        const geo::LonLat p{object->padfX[v], object->padfY[v]};
        if (!std::isfinite(p.lon) || !std::isfinite(p.lat) || std::abs(p.lon) > 180 ||
            std::abs(p.lat) > 90) {
          skip(absl::StrCat("record ", i + 1, " (", c.fips, "): vertex ", v, " (", p.lon, ", ",
                            p.lat, ") is not a lon/lat"));
          bad = true;
          break;
        }
        ring.push_back(p);
      }
      c.rings.push_back(std::move(ring));
    }
    if (bad) continue;
    if (c.rings.empty()) {
      skip(absl::StrCat("record ", i + 1, " (", c.fips, "): no rings"));
      continue;
    }
    counties.push_back(std::move(c));
    ++r.loaded;
  }
  return counties;
}

}  // namespace carereach::io
