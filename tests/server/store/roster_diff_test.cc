#include "server/store/roster_diff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/server/store/store_fixtures.h"

namespace carereach::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Pair;
using ::testing::SizeIs;

TEST(DiffRowsTest, IdenticalRostersInAnyOrderAreUnchanged) {
  std::vector<ProviderRow> from = RosterOne();
  std::vector<ProviderRow> to = {from[2], from[0], from[1]};
  NetworkDiff diff = DiffRows(from, to);
  EXPECT_EQ(diff.unchanged, 3);
  EXPECT_THAT(diff.added, IsEmpty());
  EXPECT_THAT(diff.removed, IsEmpty());
  EXPECT_THAT(diff.changed, IsEmpty());
}

TEST(DiffRowsTest, AddedRemovedAndChanged) {
  const ProviderRow kept = Row("k", "040", -157, 21, "Kept", 10);
  const ProviderRow gone = Row("g", "040", -157.5, 21.5, "Gone");
  const ProviderRow fresh = Row("f", "029", -158, 21.2, "Fresh");
  const ProviderRow before = Row("c", "040", -157.8, 21.3, "Before", 100, false, "A");
  ProviderRow after = before;
  after.beds = 120;
  after.telehealth = true;
  ProviderRow moved = kept;  // a move changes the key: removed + added, not changed
  moved.lon = -157.1;
  NetworkDiff diff = DiffRows({{kept, gone, before}}, {{after, fresh, moved}});
  EXPECT_EQ(diff.unchanged, 0);
  EXPECT_THAT(diff.added, ElementsAre(fresh, moved));  // sorted by id: "f" < "k"
  EXPECT_THAT(diff.removed, ElementsAre(gone, kept));
  EXPECT_THAT(diff.changed, ElementsAre(Pair(before, after)));

  // A different specialty code for the same id is a different key too.
  ProviderRow recoded = kept;
  recoded.specialty_code = "041";
  diff = DiffRows({{kept}}, {{recoded}});
  EXPECT_THAT(diff.removed, ElementsAre(kept));
  EXPECT_THAT(diff.added, ElementsAre(recoded));
}

TEST(DiffRowsTest, DuplicatesMatchAsAMultiset) {
  const ProviderRow a = Row("a", "001", -157, 21, "A", 0);
  ProviderRow a_beds = a;
  a_beds.beds = 5;
  // Two identical rows against one: one unchanged, one removed.
  NetworkDiff diff = DiffRows({{a, a}}, {{a}});
  EXPECT_EQ(diff.unchanged, 1);
  EXPECT_THAT(diff.removed, ElementsAre(a));
  EXPECT_THAT(diff.added, IsEmpty());
  EXPECT_THAT(diff.changed, IsEmpty());
  // Identical rows pair first, even when listed after a near-duplicate.
  diff = DiffRows({{a_beds, a}}, {{a}});
  EXPECT_EQ(diff.unchanged, 1);
  EXPECT_THAT(diff.removed, ElementsAre(a_beds));
  EXPECT_THAT(diff.changed, IsEmpty());
  // One row against three of the same key: one changed pair (in sorted order), two added.
  ProviderRow a_more = a;
  a_more.beds = 9;
  diff = DiffRows({{a}}, {{a_more, a_beds, a_beds}});
  EXPECT_EQ(diff.unchanged, 0);
  EXPECT_THAT(diff.changed, ElementsAre(Pair(a, a_beds)));
  EXPECT_THAT(diff.added, ElementsAre(a_beds, a_more));
  EXPECT_THAT(diff.removed, IsEmpty());
}

TEST(DiffRowsTest, EmptySides) {
  const std::vector<ProviderRow> rows = RosterOne();
  NetworkDiff diff = DiffRows({}, rows);
  EXPECT_THAT(diff.added, SizeIs(3));
  EXPECT_THAT(diff.removed, IsEmpty());
  diff = DiffRows(rows, {});
  EXPECT_THAT(diff.removed, SizeIs(3));
  diff = DiffRows({}, {});
  EXPECT_EQ(diff.unchanged, 0);
  EXPECT_THAT(diff.added, IsEmpty());
}

// Property: every row is accounted for once, and the result does not depend on input order.
TEST(DiffRowsTest, AccountsForEveryRowAndIgnoresInputOrder) {
  std::mt19937 random(20260101);
  std::uniform_int_distribution<int> small(0, 3);
  auto random_row = [&] {
    return Row(absl::StrCat("p", small(random)), small(random) == 0 ? "" : "040",
               -157.0 - small(random) * 0.1, 21.0, "n", small(random), small(random) == 0);
  };
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<ProviderRow> from(small(random) * 5), to(small(random) * 5);
    for (ProviderRow& row : from) row = random_row();
    for (ProviderRow& row : to) row = random_row();
    const NetworkDiff diff = DiffRows(from, to);
    EXPECT_EQ(from.size(), diff.unchanged + diff.removed.size() + diff.changed.size());
    EXPECT_EQ(to.size(), diff.unchanged + diff.added.size() + diff.changed.size());
    for (const auto& [old_row, new_row] : diff.changed) {
      EXPECT_EQ(old_row.id, new_row.id);
      EXPECT_EQ(old_row.specialty_code, new_row.specialty_code);
      EXPECT_EQ(old_row.lon, new_row.lon);
      EXPECT_NE(old_row, new_row);
    }
    std::shuffle(from.begin(), from.end(), random);
    std::shuffle(to.begin(), to.end(), random);
    const NetworkDiff shuffled = DiffRows(from, to);
    EXPECT_EQ(shuffled.unchanged, diff.unchanged);
    EXPECT_EQ(shuffled.added, diff.added);
    EXPECT_EQ(shuffled.removed, diff.removed);
    EXPECT_EQ(shuffled.changed, diff.changed);
  }
}

// ---- Content hashes

TEST(ContentHashTest, IsSixteenHexDigitsOfTheRowsOnly) {
  const std::string hash = ContentHash(RosterOne());
  EXPECT_THAT(hash, MatchesRegex("[0-9a-f]{16}"));
  EXPECT_EQ(ContentHash(RosterOne()), hash);  // the same rows, the same hash
  EXPECT_NE(ContentHash(RosterTwo()), hash);
  EXPECT_THAT(ContentHash({}), MatchesRegex("[0-9a-f]{16}"));
  EXPECT_NE(ContentHash({}), hash);
}

TEST(ContentHashTest, DependsOnOrderAndEveryFieldButNotTheSignOfZero) {
  const std::vector<ProviderRow> rows = RosterOne();
  const std::string hash = ContentHash(rows);
  EXPECT_NE(ContentHash(std::vector<ProviderRow>{rows[1], rows[0], rows[2]}), hash);
  for (int field = 0; field < 8; ++field) {
    std::vector<ProviderRow> changed = rows;
    ProviderRow& row = changed[0];
    switch (field) {
      case 0:
        row.id += "0";
        break;
      case 1:
        row.name += "x";
        break;
      case 2:
        row.specialty_code = "041";
        break;
      case 3:
        row.lon += 1e-9;
        break;
      case 4:
        row.lat -= 1e-9;
        break;
      case 5:
        row.beds += 1;
        break;
      case 6:
        row.telehealth = !row.telehealth;
        break;
      default:
        row.type = "X";
        break;
    }
    EXPECT_NE(ContentHash(changed), hash) << "field " << field;
  }
  // Strings are length-prefixed: moving a character across a field boundary changes the hash.
  EXPECT_NE(ContentHash({{Row("ab", "", 0, 0, "c")}}), ContentHash({{Row("a", "", 0, 0, "bc")}}));
  EXPECT_EQ(ContentHash({{Row("z", "", -0.0, 0, "n", -0.0)}}),
            ContentHash({{Row("z", "", 0.0, 0, "n", 0.0)}}));
}

}  // namespace
}  // namespace carereach::store
