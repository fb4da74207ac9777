#include "server/store/roster_diff.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "absl/strings/str_format.h"

namespace carereach::store {
namespace {

// FNV-1a 64 over an unambiguous serialization: fixed-width little-endian numbers and
// length-prefixed strings, so the hash is the same on every platform and build.
class ContentHasher {
 public:
  void AddU64(uint64_t value) {
    for (int i = 0; i < 8; ++i) AddByte(static_cast<uint8_t>(value >> (8 * i)));
  }
  void AddString(const std::string& value) {
    AddU64(value.size());
    for (char c : value) AddByte(static_cast<uint8_t>(c));
  }
  // -0.0 becomes 0.0: SQLite does not keep the sign of zero, and the two compare equal.
  void AddDouble(double value) { AddU64(std::bit_cast<uint64_t>(value == 0 ? 0.0 : value)); }
  std::string Hex() const { return absl::StrFormat("%016x", hash_); }

 private:
  void AddByte(uint8_t byte) {
    hash_ ^= byte;
    hash_ *= 0x100000001b3ULL;
  }
  uint64_t hash_ = 0xcbf29ce484222325ULL;
};

// Total order on doubles for sorting any input: NaN sorts last and equals itself; -0.0 == 0.0.
int CompareDouble(double a, double b) {
  const bool a_nan = std::isnan(a), b_nan = std::isnan(b);
  if (a_nan || b_nan) return static_cast<int>(a_nan) - static_cast<int>(b_nan);
  return a < b ? -1 : (b < a ? 1 : 0);
}

int CompareString(const std::string& a, const std::string& b) {
  const int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// The DiffRows matching key: (id, specialty_code, lon, lat).
int CompareKey(const ProviderRow& a, const ProviderRow& b) {
  if (int c = CompareString(a.id, b.id); c != 0) return c;
  if (int c = CompareString(a.specialty_code, b.specialty_code); c != 0) return c;
  if (int c = CompareDouble(a.lon, b.lon); c != 0) return c;
  return CompareDouble(a.lat, b.lat);
}

int CompareRow(const ProviderRow& a, const ProviderRow& b) {
  if (int c = CompareKey(a, b); c != 0) return c;
  if (int c = CompareString(a.name, b.name); c != 0) return c;
  if (int c = CompareString(a.type, b.type); c != 0) return c;
  if (int c = CompareDouble(a.beds, b.beds); c != 0) return c;
  if (a.telehealth != b.telehealth)
    return static_cast<int>(a.telehealth) - static_cast<int>(b.telehealth);
  if (int c = CompareString(a.exclusion, b.exclusion); c != 0) return c;
  const access::HsdFields& x = a.hsd;
  const access::HsdFields& y = b.hsd;
  for (const auto field :
       {&access::HsdFields::ssa_county_code, &access::HsdFields::contract_type,
        &access::HsdFields::street_address, &access::HsdFields::city, &access::HsdFields::state,
        &access::HsdFields::zip_code, &access::HsdFields::medical_group}) {
    if (int c = CompareString(x.*field, y.*field); c != 0) return c;
  }
  return 0;
}

std::vector<const ProviderRow*> SortedRows(std::span<const ProviderRow> rows) {
  std::vector<const ProviderRow*> sorted;
  sorted.reserve(rows.size());
  for (const ProviderRow& row : rows) sorted.push_back(&row);
  std::sort(sorted.begin(), sorted.end(),
            [](const ProviderRow* a, const ProviderRow* b) { return CompareRow(*a, *b) < 0; });
  return sorted;
}

// The rows of one key on both sides, [i, i_end) of `f` and [j, j_end) of `t`: identical rows
// pair first (unchanged), then the leftovers pair in order as changed; the rest are
// removed/added.
void DiffOneKey(const std::vector<const ProviderRow*>& f, size_t i, size_t i_end,
                const std::vector<const ProviderRow*>& t, size_t j, size_t j_end,
                NetworkDiff& diff) {
  std::vector<const ProviderRow*> from_left, to_left;
  while (i < i_end && j < j_end) {
    const int order = CompareRow(*f[i], *t[j]);
    if (order == 0) {
      ++diff.unchanged;
      ++i;
      ++j;
    } else if (order < 0) {
      from_left.push_back(f[i++]);
    } else {
      to_left.push_back(t[j++]);
    }
  }
  while (i < i_end) from_left.push_back(f[i++]);
  while (j < j_end) to_left.push_back(t[j++]);
  const size_t paired = std::min(from_left.size(), to_left.size());
  for (size_t k = 0; k < paired; ++k) diff.changed.emplace_back(*from_left[k], *to_left[k]);
  for (size_t k = paired; k < from_left.size(); ++k) diff.removed.push_back(*from_left[k]);
  for (size_t k = paired; k < to_left.size(); ++k) diff.added.push_back(*to_left[k]);
}

}  // namespace

NetworkDiff DiffRows(std::span<const ProviderRow> from, std::span<const ProviderRow> to) {
  const std::vector<const ProviderRow*> f = SortedRows(from);
  const std::vector<const ProviderRow*> t = SortedRows(to);
  NetworkDiff diff;
  size_t i = 0, j = 0;
  while (i < f.size() || j < t.size()) {
    const int key_order = i == f.size() ? 1 : j == t.size() ? -1 : CompareKey(*f[i], *t[j]);
    if (key_order < 0) {
      diff.removed.push_back(*f[i++]);
    } else if (key_order > 0) {
      diff.added.push_back(*t[j++]);
    } else {
      size_t i_end = i, j_end = j;
      while (i_end < f.size() && CompareKey(*f[i_end], *f[i]) == 0) ++i_end;
      while (j_end < t.size() && CompareKey(*t[j_end], *t[j]) == 0) ++j_end;
      DiffOneKey(f, i, i_end, t, j, j_end, diff);
      i = i_end;
      j = j_end;
    }
  }
  return diff;
}

std::string ContentHash(std::span<const ProviderRow> rows) {
  ContentHasher hasher;
  hasher.AddU64(rows.size());
  for (const ProviderRow& row : rows) {
    hasher.AddString(row.id);
    hasher.AddString(row.name);
    hasher.AddString(row.specialty_code);
    hasher.AddDouble(row.lon);
    hasher.AddDouble(row.lat);
    hasher.AddDouble(row.beds);
    hasher.AddU64(row.telehealth ? 1 : 0);
    hasher.AddString(row.type);
    // Only when set: the hashes of rows without one (every row before schema 3) are unchanged.
    if (!row.exclusion.empty()) hasher.AddString("exclusion:" + row.exclusion);
    // Likewise the HSD fields (schema 4): all seven, only when one is set.
    if (!row.hsd.empty()) {
      hasher.AddString("hsd:");
      hasher.AddString(row.hsd.ssa_county_code);
      hasher.AddString(row.hsd.contract_type);
      hasher.AddString(row.hsd.street_address);
      hasher.AddString(row.hsd.city);
      hasher.AddString(row.hsd.state);
      hasher.AddString(row.hsd.zip_code);
      hasher.AddString(row.hsd.medical_group);
    }
  }
  return hasher.Hex();
}

}  // namespace carereach::store
