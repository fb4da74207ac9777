#ifndef CAREREACH_GEO_ACCESS_HSD_FIELDS_H_
#define CAREREACH_GEO_ACCESS_HSD_FIELDS_H_

// The columns of a row of CMS's Provider and Facility HSD tables that carereach keeps without
// using them (carereach.v1.HsdFields; docs/CMS.md section 15): a roster row carries them from
// an HSD table in to the store and back out. A value type; header only, so that the store can
// hold it without linking the access library.

#include <string>

namespace carereach::access {

struct HsdFields {
  std::string ssa_county_code;  // 5 digits (SSA state + county), or empty
  std::string contract_type;
  std::string street_address;
  std::string city;
  std::string state;
  std::string zip_code;
  std::string medical_group;  // Provider table only

  bool empty() const { return *this == HsdFields{}; }
  friend bool operator==(const HsdFields&, const HsdFields&) = default;
};

}  // namespace carereach::access

#endif  // CAREREACH_GEO_ACCESS_HSD_FIELDS_H_
