#include "server/rpc/network_selection.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "geo/access/roster.h"
#include "geo/core/quote.h"
#include "geo/core/status_macros.h"
#include "server/metrics.h"
#include "server/rpc/network_service.h"
#include "server/rpc/roster_convert.h"

namespace carereach::rpc {
namespace {

absl::Status AppendRows(const google::protobuf::RepeatedPtrField<v1::NetworkProvider>& providers,
                        const std::string& field, std::vector<access::NetworkProvider>* rows) {
  for (int i = 0; i < providers.size(); ++i) {
    ASSIGN_OR_RETURN(access::NetworkProvider p,
                     ProviderFromProto(providers[i], absl::StrFormat("%s[%d]", field, i)));
    rows->push_back(std::move(p));
  }
  return absl::OkStatus();
}

// The rows before the what-ifs: the stored version's, or the inline roster.
absl::Status BaseRows(const SelectionSource& source, const v1::NetworkSelection& selection,
                      const std::string& path, ResolvedRoster* out) {
  if (selection.network_id().empty()) {
    if (out->label.empty()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s.label: an inline roster needs a label", path));
    }
    RETURN_IF_ERROR(
        AppendRows(selection.providers(), absl::StrCat(path, ".providers"), &out->rows));
    return ValidateStoredRoster(out->rows, *source.standards, source.max_rows,
                                absl::StrCat(path, ".providers"));
  }
  if (selection.providers_size() > 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: give a stored network_id or inline providers, not both", path));
  }
  if (source.tenant.empty()) {
    return absl::InternalError("a stored network was resolved without a tenant");
  }
  if (selection.version() < 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s.version: %d; versions are numbered from 1 (0: the latest)", path, selection.version()));
  }
  ASSIGN_OR_RETURN(std::vector<store::ProviderRow> rows, TimeStoreCall("GetProviders", [&] {
                     return source.store->GetProviders(source.tenant, selection.network_id(),
                                                       selection.version(), &out->version);
                   }));
  for (const store::ProviderRow& row : rows) out->rows.push_back(ProviderFromRow(row));
  return absl::OkStatus();
}

// What-if removals: every row of each listed id.
absl::Status RemoveRows(const v1::NetworkSelection& selection, const std::string& path,
                        ResolvedRoster* out) {
  absl::flat_hash_set<std::string> remove;
  for (int i = 0; i < selection.remove_provider_ids_size(); ++i) {
    const std::string& id = selection.remove_provider_ids(i);
    if (std::none_of(out->rows.begin(), out->rows.end(),
                     [&](const access::NetworkProvider& p) { return p.id == id; })) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s.remove_provider_ids[%d]: %s is not in the network", path, i, QuoteForError(id)));
    }
    remove.insert(id);
  }
  if (remove.empty()) return absl::OkStatus();
  const size_t before = out->rows.size();
  std::erase_if(out->rows, [&](const access::NetworkProvider& p) { return remove.contains(p.id); });
  out->removed_rows = static_cast<int32_t>(before - out->rows.size());
  return absl::OkStatus();
}

// What-if additions, checked like an inline roster.
absl::Status AddRows(const SelectionSource& source, const v1::NetworkSelection& selection,
                     const std::string& path, ResolvedRoster* out) {
  std::vector<access::NetworkProvider> added;
  RETURN_IF_ERROR(
      AppendRows(selection.add_providers(), absl::StrCat(path, ".add_providers"), &added));
  RETURN_IF_ERROR(ValidateStoredRoster(added, *source.standards, source.max_rows,
                                       absl::StrCat(path, ".add_providers")));
  out->added_rows = static_cast<int32_t>(added.size());
  out->rows.insert(out->rows.end(), added.begin(), added.end());
  if (static_cast<int64_t>(out->rows.size()) > source.max_rows) {
    return absl::ResourceExhaustedError(
        absl::StrFormat("%s: %d rows is more than this server's limit of %d", path,
                        out->rows.size(), source.max_rows));
  }
  return absl::OkStatus();
}

}  // namespace

bool NamesStoredNetwork(
    const google::protobuf::RepeatedPtrField<v1::NetworkSelection>& selections) {
  return std::any_of(selections.begin(), selections.end(),
                     [](const v1::NetworkSelection& n) { return !n.network_id().empty(); });
}

absl::StatusOr<ResolvedRoster> ResolveSelection(const SelectionSource& source,
                                                const v1::NetworkSelection& selection,
                                                const std::string& path) {
  ResolvedRoster out;
  out.network_id = selection.network_id();
  out.label = selection.label().empty() ? selection.network_id() : selection.label();
  RETURN_IF_ERROR(BaseRows(source, selection, path, &out));
  out.base_rows = static_cast<int64_t>(out.rows.size());
  RETURN_IF_ERROR(RemoveRows(selection, path, &out));
  RETURN_IF_ERROR(AddRows(source, selection, path, &out));
  return out;
}

absl::StatusOr<std::vector<ResolvedRoster>> ResolveSelections(
    const SelectionSource& source,
    const google::protobuf::RepeatedPtrField<v1::NetworkSelection>& selections,
    const std::string& field, bool allow_empty) {
  if (selections.empty() && !allow_empty) {
    return absl::InvalidArgumentError(absl::StrFormat("%s: at least one network is needed", field));
  }
  std::vector<ResolvedRoster> out;
  absl::flat_hash_set<std::string> labels;
  for (int i = 0; i < selections.size(); ++i) {
    const std::string path = absl::StrFormat("%s[%d]", field, i);
    ASSIGN_OR_RETURN(ResolvedRoster r, ResolveSelection(source, selections[i], path));
    if (!labels.insert(r.label).second) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s.label: \"%s\" names two networks; labels must be unique", path, r.label));
    }
    out.push_back(std::move(r));
  }
  return out;
}

absl::StatusOr<std::vector<access::AllianceMember>> CoverageMembers(
    const std::vector<ResolvedRoster>& networks, const std::vector<std::string>& codes) {
  std::vector<access::AllianceMember> members;
  for (size_t m = 0; m < networks.size(); ++m) {
    std::vector<access::Facility> facilities = access::FacilitiesOfRoster(networks[m].rows, codes);
    if (facilities.empty()) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "networks[%d]: no facilities%s", m,
          codes.empty() ? "" : absl::StrCat(" with specialty codes ", absl::StrJoin(codes, ","))));
    }
    members.push_back({.name = networks[m].label, .facilities = std::move(facilities)});
  }
  return members;
}

access::AllianceAdequacyRequest AdequacyMembers(const std::vector<ResolvedRoster>& networks) {
  access::AllianceAdequacyRequest request;
  for (const ResolvedRoster& n : networks) {
    request.member_names.push_back(n.label);
    request.member_rosters.push_back(n.rows);
  }
  return request;
}

std::vector<access::NetworkProvider> AllRows(const std::vector<ResolvedRoster>& networks) {
  std::vector<access::NetworkProvider> rows;
  for (const ResolvedRoster& n : networks) rows.insert(rows.end(), n.rows.begin(), n.rows.end());
  return rows;
}

}  // namespace carereach::rpc
