#ifndef CAREREACH_SERVER_RPC_NETWORK_SELECTION_H_
#define CAREREACH_SERVER_RPC_NETWORK_SELECTION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "carereach/v1/contracting.pb.h"
#include "geo/access/adequacy.h"
#include "geo/access/alliance.h"
#include "geo/io/cms.h"
#include "server/store/store.h"

namespace carereach::rpc {

// A v1::NetworkSelection names one network: an inline roster, a stored network (a version of
// it), either with what-if additions and removals. Several selections are an alliance; a single
// network is an alliance of one.

// A NetworkSelection resolved to the rows an analysis uses.
struct ResolvedRoster {
  std::string label;
  std::string network_id;  // empty for an inline roster
  int32_t version = 0;
  int64_t base_rows = 0;
  int32_t added_rows = 0;
  int32_t removed_rows = 0;
  std::vector<access::NetworkProvider> rows;
};

// What resolving needs: the store and the caller's tenant for stored networks (both may be
// empty when no selection names one), the standards set inline and added rows are checked
// against, and the server's row limit.
struct SelectionSource {
  store::Store* store = nullptr;
  std::string tenant;
  const io::StandardsSet* standards = nullptr;
  int64_t max_rows = 0;
};

// True when a selection names a stored network (the call then needs the store and a tenant).
bool NamesStoredNetwork(const google::protobuf::RepeatedPtrField<v1::NetworkSelection>& selections);

// Resolves one selection; messages name its fields under `path` ("networks[1].label: ...").
absl::StatusOr<ResolvedRoster> ResolveSelection(const SelectionSource& source,
                                                const v1::NetworkSelection& selection,
                                                const std::string& path);

// Resolves `field`[i] for every selection; labels must be unique. INVALID_ARGUMENT when there is
// none unless `allow_empty`.
absl::StatusOr<std::vector<ResolvedRoster>> ResolveSelections(
    const SelectionSource& source,
    const google::protobuf::RepeatedPtrField<v1::NetworkSelection>& selections,
    const std::string& field, bool allow_empty);

// The members of a coverage question: each network's facilities of `codes`
// (access::FacilitiesOfRoster). INVALID_ARGUMENT "networks[1]: no facilities with specialty
// codes 040" when a network has none.
absl::StatusOr<std::vector<access::AllianceMember>> CoverageMembers(
    const std::vector<ResolvedRoster>& networks, const std::vector<std::string>& codes);

// The members of an adequacy question: each network's label and rows.
access::AllianceAdequacyRequest AdequacyMembers(const std::vector<ResolvedRoster>& networks);

// Every network's rows, one after the other.
std::vector<access::NetworkProvider> AllRows(const std::vector<ResolvedRoster>& networks);

}  // namespace carereach::rpc

#endif  // CAREREACH_SERVER_RPC_NETWORK_SELECTION_H_
