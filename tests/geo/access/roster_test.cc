#include "geo/access/roster.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace carereach::access {
namespace {

NetworkProvider Row(std::string id, std::string code, double lon, double lat,
                    std::string type = "") {
  return {.id = std::move(id),
          .name = "n",
          .specialty_code = std::move(code),
          .location = {lon, lat},
          .type = std::move(type)};
}

TEST(FacilitiesOfRosterTest, OneFacilityPerIdAndLocation) {
  const std::vector<NetworkProvider> rows = {
      Row("a", "011", 0, 0), Row("a", "014", 0, 0),  // same place, another code: one facility
      Row("a", "011", 1, 0),                         // a second place: "a#2"
      Row("b", "040", 2, 0, "GENERAL ACUTE CARE"), Row("a", "011", 3, 0)};
  std::vector<int32_t> origin;
  const std::vector<Facility> f = FacilitiesOfRoster(rows, {}, &origin);
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[0].id, "a");
  EXPECT_EQ(f[0].type, "011");  // no type: the specialty code
  EXPECT_EQ(f[1].id, "a#2");
  EXPECT_EQ(f[1].location.lon, 1);
  EXPECT_EQ(f[2].id, "b");
  EXPECT_EQ(f[2].type, "GENERAL ACUTE CARE");
  EXPECT_EQ(f[3].id, "a#3");
  EXPECT_EQ(origin, (std::vector<int32_t>{0, 2, 3, 4}));
}

TEST(FacilitiesOfRosterTest, FiltersBySpecialtyCode) {
  const std::vector<NetworkProvider> rows = {Row("a", "011", 0, 0), Row("b", "040", 1, 0),
                                             Row("c", "014", 2, 0)};
  const std::vector<std::string> codes = {"040", "014"};
  std::vector<int32_t> origin;
  const std::vector<Facility> f = FacilitiesOfRoster(rows, codes, &origin);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].id, "b");
  EXPECT_EQ(f[1].id, "c");
  EXPECT_EQ(origin, (std::vector<int32_t>{1, 2}));
  EXPECT_TRUE(FacilitiesOfRoster(rows, std::vector<std::string>{"099"}).empty());
}

}  // namespace
}  // namespace carereach::access
