#ifndef CAREREACH_SERVER_RPC_ROSTER_CONVERT_H_
#define CAREREACH_SERVER_RPC_ROSTER_CONVERT_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "carereach/v1/adequacy.pb.h"
#include "geo/access/adequacy.h"
#include "server/store/store.h"

namespace carereach::rpc {

// Roster rows between the wire (v1::NetworkProvider), the domain (access::NetworkProvider) and
// the store (store::ProviderRow). Pure functions; thread-safe.

// INVALID_ARGUMENT "<path>.location: is required" when the row has no location. Other checks
// (codes, ranges) are access::ValidateRoster's.
absl::StatusOr<access::NetworkProvider> ProviderFromProto(const v1::NetworkProvider& p,
                                                          std::string_view path);
void ProviderToProto(const access::NetworkProvider& p, v1::NetworkProvider* out);

store::ProviderRow ProviderToRow(const access::NetworkProvider& p);
access::NetworkProvider ProviderFromRow(const store::ProviderRow& row);
void RowToProto(const store::ProviderRow& row, v1::NetworkProvider* out);

// The CMS result row of a county x specialty type (shared by AdequacyService and
// ContractingService).
void AdequacyResultToProto(const access::CountySpecialtyResult& r, v1::CountySpecialtyResult* out);

}  // namespace carereach::rpc

#endif  // CAREREACH_SERVER_RPC_ROSTER_CONVERT_H_
