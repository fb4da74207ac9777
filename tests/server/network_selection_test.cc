// NetworkSelection resolution without a store: inline rosters with what-ifs, labels, members.
#include "server/rpc/network_selection.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/geo/access/cms_fixture.h"
#include "tests/server/equator_server.h"
#include "tests/status_matchers.h"

namespace carereach::rpc {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;
using testing_util::Hospital;
using testing_util::StatusIs;

// The cms_small standards check the rows (tests/geo/access/cms_fixture.h).
class NetworkSelectionTest : public access::CmsFixtureTest {
 protected:
  void SetUp() override {
    CmsFixtureTest::SetUp();
    source_ = {.standards = standards_.get(), .max_rows = 4};
  }

  static v1::NetworkSelection Inline(const std::string& label, std::vector<double> lons) {
    v1::NetworkSelection s;
    s.set_label(label);
    for (size_t i = 0; i < lons.size(); ++i) {
      *s.add_providers() = Hospital(label + std::to_string(i), lons[i]);
    }
    return s;
  }

  SelectionSource source_;
};

TEST_F(NetworkSelectionTest, InlineRosterWithWhatIfs) {
  v1::NetworkSelection s = Inline("a", {0.1, 0.5});
  s.add_remove_provider_ids("a0");
  *s.add_add_providers() = Hospital("x", 1.0);
  auto r = ResolveSelection(source_, s, "networks[0]");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->label, "a");
  EXPECT_EQ(r->base_rows, 2);
  EXPECT_EQ(r->removed_rows, 1);
  EXPECT_EQ(r->added_rows, 1);
  std::vector<std::string> ids;
  for (const access::NetworkProvider& p : r->rows) ids.push_back(p.id);
  EXPECT_THAT(ids, ElementsAre("a1", "x"));
}

TEST_F(NetworkSelectionTest, ErrorsNameTheSelection) {
  v1::NetworkSelection s = Inline("", {0.1});
  EXPECT_THAT(ResolveSelection(source_, s, "networks[1]"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "networks[1].label: an inline roster needs a label"));
  s = Inline("a", {0.1});
  s.add_remove_provider_ids("nope");
  EXPECT_THAT(ResolveSelection(source_, s, "networks[0]"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "networks[0].remove_provider_ids[0]: \"nope\" is not in the network"));
  s = Inline("a", {0.1, 0.2, 0.3, 0.4});
  *s.add_add_providers() = Hospital("x", 1.0);
  EXPECT_THAT(ResolveSelection(source_, s, "networks[0]"),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("networks[0]: 5 rows is more than this server's limit of 4")));
  s = Inline("a", {0.1});
  s.mutable_providers(0)->clear_location();
  EXPECT_THAT(ResolveSelection(source_, s, "networks[0]"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "networks[0].providers[0].location: is required"));
}

TEST_F(NetworkSelectionTest, LabelsAreUniqueAndMembersNeedFacilities) {
  google::protobuf::RepeatedPtrField<v1::NetworkSelection> selections;
  *selections.Add() = Inline("a", {0.1});
  *selections.Add() = Inline("b", {0.5});
  auto networks = ResolveSelections(source_, selections, "networks", false);
  ASSERT_TRUE(networks.ok()) << networks.status();
  EXPECT_FALSE(NamesStoredNetwork(selections));
  EXPECT_EQ(AllRows(*networks).size(), 2u);
  EXPECT_THAT(AdequacyMembers(*networks).member_names, ElementsAre("a", "b"));
  auto members = CoverageMembers(*networks, {});
  ASSERT_TRUE(members.ok()) << members.status();
  EXPECT_EQ((*members)[1].name, "b");
  EXPECT_THAT(CoverageMembers(*networks, {"011"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "networks[0]: no facilities with specialty codes 011"));
  *selections.Add() = Inline("a", {1.0});
  EXPECT_THAT(ResolveSelections(source_, selections, "networks", false),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("names two networks")));
  selections.Clear();
  EXPECT_THAT(
      ResolveSelections(source_, selections, "networks", false),
      StatusIs(absl::StatusCode::kInvalidArgument, "networks: at least one network is needed"));
  selections.Add()->set_network_id("stored");
  EXPECT_TRUE(NamesStoredNetwork(selections));
}

}  // namespace
}  // namespace carereach::rpc
