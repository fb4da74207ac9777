#include "server/rpc/adequacy_service.h"

#include <optional>
#include <utility>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "geo/access/adequacy.h"
#include "server/rpc/access_service.h"
#include "server/rpc/convert.h"
#include "server/rpc/roster_convert.h"
#include "server/rpc/status.h"

namespace carereach::rpc {
namespace {

using Stream = grpc::ServerReaderWriter<v1::EvaluateAdequacyResponse, v1::EvaluateAdequacyRequest>;

// Reads the header and every roster batch; rows are numbered across batches.
absl::Status ReadRequest(Stream* stream, int64_t max_rows, v1::AdequacyRequestHeader* header,
                         std::vector<access::NetworkProvider>* roster) {
  v1::EvaluateAdequacyRequest message;
  if (!stream->Read(&message) || !message.has_header()) {
    return absl::InvalidArgumentError(
        "header: the first message of EvaluateAdequacy must be the header");
  }
  *header = message.header();
  while (stream->Read(&message)) {
    if (message.has_header()) {
      return absl::InvalidArgumentError("header: sent twice; send it once, first");
    }
    for (const v1::NetworkProvider& p : message.providers().providers()) {
      const size_t i = roster->size();
      if (static_cast<int64_t>(i) >= max_rows) {
        return absl::ResourceExhaustedError(absl::StrFormat(
            "providers: more than this server's limit of %d roster rows", max_rows));
      }
      absl::StatusOr<access::NetworkProvider> row =
          ProviderFromProto(p, absl::StrFormat("providers[%d]", i));
      if (!row.ok()) return row.status();
      roster->push_back(*std::move(row));
    }
  }
  return absl::OkStatus();
}

}  // namespace

AdequacyServiceImpl::AdequacyServiceImpl(access::CoverageLimits limits, int64_t max_roster_rows,
                                         absl::Duration max_request_time)
    : limits_(limits), max_roster_rows_(max_roster_rows), max_request_time_(max_request_time) {}

void AdequacyServiceImpl::SetCatalog(std::shared_ptr<const RegionCatalog> catalog) {
  absl::MutexLock lock(&mu_);
  catalog_ = std::move(catalog);
}

grpc::Status AdequacyServiceImpl::EvaluateAdequacy(grpc::ServerContext* context, Stream* stream) {
  const absl::Time start = absl::Now();
  std::shared_ptr<const RegionCatalog> catalog;
  {
    absl::MutexLock lock(&mu_);
    catalog = catalog_;
  }
  if (catalog == nullptr) return ToGrpcStatus(absl::UnavailableError("regions are still loading"));
  v1::AdequacyRequestHeader header;
  access::AdequacyRequest request;
  if (absl::Status s = ReadRequest(stream, max_roster_rows_, &header, &request.roster); !s.ok()) {
    return ToGrpcStatus(s);
  }
  absl::StatusOr<const access::Region*> region = catalog->Find(header.region());
  if (!region.ok()) return ToGrpcStatus(region.status());
  absl::StatusOr<const RegionCatalog::Standards*> standards =
      catalog->FindStandards(header.standards_set());
  if (!standards.ok()) return ToGrpcStatus(standards.status());
  request.county_fips.assign(header.county_fips().begin(), header.county_fips().end());
  request.specialty_codes.assign(header.specialty_codes().begin(), header.specialty_codes().end());
  request.include_uncovered_units = header.include_uncovered_units();
  // The caller's own beneficiary points replace the region's tracts.
  std::optional<access::Region> own_region;
  if (header.beneficiary_points_size() > 0) {
    if (header.beneficiary_points_size() > max_roster_rows_) {
      return ToGrpcStatus(absl::ResourceExhaustedError(absl::StrFormat(
          "header.beneficiary_points: more than this server's limit of %d", max_roster_rows_)));
    }
    std::vector<io::PopulationUnit> points;
    for (int i = 0; i < header.beneficiary_points_size(); ++i) {
      const v1::BeneficiaryPoint& p = header.beneficiary_points(i);
      if (!p.has_location()) {
        return ToGrpcStatus(absl::InvalidArgumentError(
            absl::StrFormat("beneficiary_points[%d].location: is required", i)));
      }
      points.push_back(
          {p.id(), p.county_fips(), p.beneficiaries(), {p.location().lon(), p.location().lat()}});
    }
    absl::StatusOr<access::Region> r = access::RegionFromBeneficiaryPoints(**region, points);
    if (!r.ok()) return ToGrpcStatus(r.status());
    own_region = *std::move(r);
    request.own_beneficiary_points = true;
  }
  const access::Region& evaluated = own_region ? *own_region : **region;
  request.deadline = RequestDeadline(*context, max_request_time_);
  std::shared_ptr<const access::DriveRegion> drive;
  if (header.mode() == v1::TRAVEL_MODE_DRIVE) {
    request.mode = access::TravelMode::kDrive;
    absl::StatusOr<std::shared_ptr<const access::DriveRegion>> d =
        catalog->DriveRegionOf(catalog->IndexOf(*region));
    if (!d.ok()) return ToGrpcStatus(d.status());
    drive = *std::move(d);
    if (own_region) {
      drive = std::make_shared<const access::DriveRegion>(
          access::BuildDriveRegion(*own_region, drive->network));
    }
    absl::StatusOr<routing::DriveParams> params = DriveParamsFromProto(header.drive());
    if (!params.ok()) return ToGrpcStatus(params.status());
    request.drive = *params;
  } else if (header.mode() != v1::TRAVEL_MODE_UNSPECIFIED &&
             header.mode() != v1::TRAVEL_MODE_STRAIGHT_LINE) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        absl::StrFormat("header.mode: %d is not a TravelMode", static_cast<int>(header.mode()))));
  }
  if (header.straight_line().circuity_factor() != 0) {
    request.straight_line.circuity_factor = header.straight_line().circuity_factor();
  }
  if (header.straight_line().speed_mph() != 0) {
    request.straight_line.speed_mph = header.straight_line().speed_mph();
  }

  absl::StatusOr<access::AdequacySummary> summary = access::EvaluateAdequacy(
      evaluated, drive.get(), (*standards)->set, (*standards)->telehealth_eligible, request,
      [&](const access::CountySpecialtyResult& r) {
        v1::EvaluateAdequacyResponse out;
        AdequacyResultToProto(r, out.mutable_result());
        return !context->IsCancelled() && stream->Write(out);
      });
  if (!summary.ok()) return ToGrpcStatus(summary.status());
  v1::EvaluateAdequacyResponse out;
  v1::AdequacySummary* s = out.mutable_summary();
  s->set_region((*region)->name);
  s->set_standards_set((*standards)->set.name());
  s->set_mode(drive ? v1::TRAVEL_MODE_DRIVE : v1::TRAVEL_MODE_STRAIGHT_LINE);
  s->set_counties(summary->counties);
  s->set_specialty_types(summary->specialty_types);
  s->set_results(summary->results);
  s->set_failing_results(summary->failing_results);
  s->set_roster_rows(static_cast<int32_t>(request.roster.size()));
  s->set_beneficiary_method(own_region ? access::kOwnPointsMethod : access::kBeneficiaryMethod);
  if (drive) {
    s->set_speed_profile(drive->network->graph().profile_name);
    s->set_attribution(std::string(kOsmAttribution));
  }
  s->set_compute_ms(absl::ToDoubleMilliseconds(absl::Now() - start));
  stream->Write(out);
  return grpc::Status::OK;
}

}  // namespace carereach::rpc
