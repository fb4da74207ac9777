#ifndef CAREREACH_SERVER_STORE_ROSTER_DIFF_H_
#define CAREREACH_SERVER_STORE_ROSTER_DIFF_H_

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "geo/access/hsd_fields.h"

// Rosters as the Store keeps them, and the pure computations over them: what changed between two
// versions, and the content hash that identifies a version's rows. No SQLite here.
namespace carereach::store {

// One roster row of a provider network.
struct ProviderRow {
  std::string id;  // NPI or caller id; may repeat across rows
  std::string name;
  std::string specialty_code;  // CMS HSD code "001".."068", "S03", or empty for plain facilities
  double lon = 0, lat = 0;     // WGS84 degrees, LONGITUDE first
  double beds = 0;
  bool telehealth = false;
  std::string type;       // free text (e.g. "GENERAL ACUTE CARE"); may be empty
  std::string exclusion;  // empty, or why it does not count (access::kExclusions)
  access::HsdFields hsd;  // the HSD table's other columns (schema 4)

  friend bool operator==(const ProviderRow&, const ProviderRow&) = default;
};

struct NetworkDiff {
  std::vector<ProviderRow> added, removed;
  std::vector<std::pair<ProviderRow, ProviderRow>> changed;  // (from, to)
  int64_t unchanged = 0;
};

// The difference between two rosters. Rows are matched by (id, specialty_code, lon, lat) as a
// multiset: within one key, identical rows pair first (unchanged), then the remaining rows pair
// in sorted order as "changed" (same key, other fields differ); the rest are removed/added.
// Every output list is sorted by (id, specialty_code, lon, lat, name, type, beds, telehealth,
// exclusion, then the HSD fields in their order), so the result does not depend on the input order.
// Thread-safe (pure function).
NetworkDiff DiffRows(std::span<const ProviderRow> from, std::span<const ProviderRow> to);

// 16 hex digits of FNV-1a 64 over a canonical serialization of the rows in order (fixed-width
// little-endian numbers, length-prefixed strings; -0.0 counts as 0.0): rosters with identical
// rows have identical hashes, across processes and builds. Thread-safe (pure function).
std::string ContentHash(std::span<const ProviderRow> rows);

}  // namespace carereach::store

#endif  // CAREREACH_SERVER_STORE_ROSTER_DIFF_H_
