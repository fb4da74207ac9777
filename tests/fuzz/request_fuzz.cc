// libFuzzer target: request validation. Bytes are parsed as one of the request protos (the first
// byte picks which), then go through the conversions and checks the handlers run before any
// computing (server/rpc/convert.cc, contracting_convert.cc, roster_convert.cc and the domain's
// Validate* functions), exactly as a call's bytes would.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "carereach/v1/access.pb.h"
#include "carereach/v1/contracting.pb.h"
#include "carereach/v1/networks.pb.h"
#include "geo/access/adequacy.h"
#include "geo/access/coverage.h"
#include "geo/io/cms.h"
#include "server/rpc/contracting_convert.h"
#include "server/rpc/convert.h"
#include "server/rpc/roster_convert.h"

namespace {

namespace access = carereach::access;
namespace rpc = carereach::rpc;
namespace v1 = carereach::v1;

const access::CoverageLimits kLimits{};

void CheckTravel(const absl::StatusOr<access::TravelModel>& travel) {
  if (!travel.ok()) return;
  if (travel->mode == access::TravelMode::kDrive) {
    (void)access::ValidateDriveParams(travel->drive);
  } else {
    (void)access::ValidateStraightLineModel(travel->straight_line);
  }
}

void Coverage(const std::string& bytes) {
  v1::ComputeCoverageRequest request;
  if (!request.ParseFromString(bytes)) return;
  absl::StatusOr<access::CoverageRequest> domain = rpc::CoverageRequestFromProto(request);
  (void)rpc::UnitPageFromProto(request);
  if (!domain.ok()) return;
  (void)access::ValidateFacilities(domain->facilities, kLimits);
  (void)access::ValidateThresholds(domain->thresholds, kLimits);
  CheckTravel(domain->travel);
}

void Isochrones(const std::string& bytes) {
  v1::ComputeIsochronesRequest request;
  if (!request.ParseFromString(bytes)) return;
  absl::StatusOr<access::IsochroneRequest> domain = rpc::IsochroneRequestFromProto(request);
  if (!domain.ok()) return;
  (void)access::ValidateFacilities(domain->facilities, kLimits);
  (void)access::ValidateDriveParams(domain->drive);
}

void Matrix(const std::string& bytes) {
  v1::ComputeMatrixRequest request;
  if (!request.ParseFromString(bytes)) return;
  absl::StatusOr<access::MatrixRequest> domain = rpc::MatrixRequestFromProto(request);
  if (!domain.ok()) return;
  (void)access::ValidateFacilities(domain->origins, kLimits, "origins");
  (void)access::ValidateFacilities(domain->destinations, kLimits, "destinations");
  (void)access::ValidateDriveParams(domain->drive);
}

const carereach::io::StandardsSet& Standards() {
  static const carereach::io::StandardsSet* set = [] {
    absl::StatusOr<carereach::io::StandardsSet> s = carereach::io::StandardsSet::Load(
        std::string(CAREREACH_SOURCE_DIR) + "/tests/fixtures/cms_small", "fuzz", nullptr);
    if (!s.ok()) __builtin_trap();
    return new carereach::io::StandardsSet(*std::move(s));
  }();
  return *set;
}

void Roster(const std::string& bytes) {
  v1::CreateNetworkRequest request;
  if (!request.ParseFromString(bytes)) return;
  std::vector<access::NetworkProvider> rows;
  for (int i = 0; i < request.providers_size(); ++i) {
    absl::StatusOr<access::NetworkProvider> p =
        rpc::ProviderFromProto(request.providers(i), absl::StrFormat("providers[%d]", i));
    if (!p.ok()) return;
    rows.push_back(*std::move(p));
  }
  (void)access::ValidateRoster(rows, Standards());
}

void AnalyzeCoverage(const std::string& bytes) {
  v1::AnalyzeCoverageRequest request;
  if (!request.ParseFromString(bytes)) return;
  CheckTravel(rpc::TravelModelOf(request));
  (void)access::ValidateThresholds(
      rpc::ThresholdsFromProto(request.max_minutes(), request.max_miles()), kLimits);
}

void AccessRatios(const std::string& bytes) {
  v1::ComputeAccessRatiosRequest request;
  if (!request.ParseFromString(bytes)) return;
  absl::StatusOr<double> minutes = rpc::CatchmentMinutesFromProto(request);
  if (minutes.ok() && !(*minutes > 0 && *minutes <= 240)) __builtin_trap();
  CheckTravel(rpc::TravelModelOf(request));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 6) {
    case 0:
      Coverage(bytes);
      break;
    case 1:
      Isochrones(bytes);
      break;
    case 2:
      Matrix(bytes);
      break;
    case 3:
      Roster(bytes);
      break;
    case 4:
      AnalyzeCoverage(bytes);
      break;
    default:
      AccessRatios(bytes);
      break;
  }
  return 0;
}
