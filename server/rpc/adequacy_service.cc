#include "server/rpc/adequacy_service.h"

#include <utility>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "geo/access/adequacy.h"
#include "geo/core/status_macros.h"
#include "server/rpc/access_service.h"
#include "server/rpc/admission.h"
#include "server/rpc/analysis.h"
#include "server/rpc/convert.h"
#include "server/rpc/limits.h"
#include "server/rpc/roster_convert.h"
#include "server/rpc/status.h"
#include "server/rpc/stream_end.h"

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
  if (absl::Status s = CheckStringLimits(*header, "header"); !s.ok()) return s;
  int64_t messages = 1;
  while (stream->Read(&message)) {
    ++messages;
    if (message.has_header()) {
      return absl::InvalidArgumentError("header: sent twice; send it once, first");
    }
    for (const v1::NetworkProvider& p : message.providers().providers()) {
      const size_t i = roster->size();
      if (static_cast<int64_t>(i) >= max_rows) {
        return absl::ResourceExhaustedError(absl::StrFormat(
            "providers: more than this server's limit of %d roster rows", max_rows));
      }
      ASSIGN_OR_RETURN(access::NetworkProvider row,
                       ProviderFromProto(p, absl::StrFormat("providers[%d]", i)));
      roster->push_back(std::move(row));
    }
  }
  return CheckStreamEnded(*stream, message, messages);
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
  if (grpc::Status refused = CallRefusal(*context); !refused.ok()) return refused;
  const absl::Time start = absl::Now();
  v1::EvaluateAdequacyResponse out;
  const absl::Status status = Answer(*context, stream, out.mutable_summary());
  if (!status.ok()) return ToGrpcStatus(status);
  out.mutable_summary()->set_compute_ms(absl::ToDoubleMilliseconds(absl::Now() - start));
  stream->Write(out);
  return grpc::Status::OK;
}

absl::Status AdequacyServiceImpl::Answer(const grpc::ServerContext& context, Stream* stream,
                                         v1::AdequacySummary* summary) const {
  ASSIGN_OR_RETURN(std::shared_ptr<const RegionCatalog> catalog, Catalog());
  v1::AdequacyRequestHeader header;
  // The streamed roster is a network of one.
  access::AllianceAdequacyRequest request{.member_rosters = {{}}};
  RETURN_IF_ERROR(ReadRequest(stream, max_roster_rows_, &header, &request.member_rosters[0]));
  ASSIGN_OR_RETURN(const access::TravelModel travel, TravelModelOf(header, "header.mode"));
  ASSIGN_OR_RETURN(AnalysisScope scope, OpenScope(catalog, header.region(), travel,
                                                  RequestDeadline(context, max_request_time_)));
  ASSIGN_OR_RETURN(const RegionCatalog::Standards* standards,
                   catalog->FindStandards(header.standards_set()));
  // The caller's own beneficiary points replace the region's tracts.
  RETURN_IF_ERROR(UseBeneficiaryPoints(header.beneficiary_points(), max_roster_rows_, &scope));
  request.base.county_fips.assign(header.county_fips().begin(), header.county_fips().end());
  request.base.specialty_codes.assign(header.specialty_codes().begin(),
                                      header.specialty_codes().end());
  request.base.include_uncovered_units = header.include_uncovered_units();
  ASSIGN_OR_RETURN(const access::AllianceAdequacySummary answer,
                   RunAdequacy(scope, *standards, &request, [&](const auto& row) {
                     v1::EvaluateAdequacyResponse out;
                     AdequacyResultToProto(row.alliance, out.mutable_result());
                     return !context.IsCancelled() && stream->Write(out);
                   }));
  AdequacySummaryToProto(scope, standards->set, answer.alliance,
                         static_cast<int64_t>(request.member_rosters[0].size()), summary);
  ExcludedProvidersToProto(request.member_rosters[0], "", summary);
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const RegionCatalog>> AdequacyServiceImpl::Catalog() const {
  absl::MutexLock lock(&mu_);
  if (catalog_ == nullptr) return absl::UnavailableError("regions are still loading");
  return catalog_;
}

}  // namespace carereach::rpc
