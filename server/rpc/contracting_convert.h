#ifndef CAREREACH_SERVER_RPC_CONTRACTING_CONVERT_H_
#define CAREREACH_SERVER_RPC_CONTRACTING_CONVERT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "carereach/v1/contracting.pb.h"
#include "geo/access/access_ratio.h"
#include "geo/access/alliance.h"
#include "geo/access/exception_evidence.h"
#include "geo/access/recommend.h"
#include "geo/access/servicing_report.h"
#include "server/rpc/analysis.h"
#include "server/rpc/network_selection.h"

namespace carereach::rpc {

// Domain -> wire conversion for ContractingService (the request side is network_selection.h and
// convert.h). Pure functions; thread-safe.

void ResolvedToProto(const ResolvedRoster& r, int32_t facility_count, v1::ResolvedNetwork* out);

// The answer of AnalyzeCoverage: the union's results and county table, each member's part when
// there are several, the mode's parameters and the unsnapped facilities (drive mode).
void AnalyzeCoverageToProto(const AnalysisScope& scope, const std::vector<ResolvedRoster>& networks,
                            const access::AllianceCoverageRequest& request,
                            const access::AllianceCoverageAnswer& answer,
                            v1::AnalyzeCoverageResponse* out);
// "alliance coverage minutes 30: 85.0%, miles 10: 60.0%", as a saved report summarises it.
std::string CoverageReportLine(const v1::AnalyzeCoverageResponse& response);

// Passing rows and, per member, the rows it is critical to, as AnalyzeAdequacy streams them.
struct AdequacyTally {
  int32_t passing = 0;
  std::vector<int32_t> critical;  // per member
};
// One streamed row; members' parts only for an alliance (`names` of two or more).
v1::AllianceAdequacyResult AllianceRowToProto(const access::AllianceAdequacyRow& row,
                                              const std::vector<std::string>& names,
                                              AdequacyTally* tally);
// The evidence of a failing result; `supply` is the roster its rows index.
void ExceptionEvidenceToProto(const access::ExceptionEvidence& evidence,
                              const std::vector<access::NetworkProvider>& supply,
                              v1::ExceptionEvidence* out);

// The Servicing Provider Report: `entries` index `results` and the rows of `networks` one after
// the other (AllRows); network labels only for an alliance.
void ServicingProvidersToProto(const std::vector<access::ServicingEntry>& entries,
                               const std::vector<access::CountySpecialtyResult>& results,
                               const std::vector<ResolvedRoster>& networks,
                               v1::ServicingProviderReport* out);

void AnalyzeAdequacySummaryToProto(const AnalysisScope& scope,
                                   const RegionCatalog::Standards& standards,
                                   const std::vector<ResolvedRoster>& networks,
                                   const access::AllianceAdequacySummary& summary,
                                   const AdequacyTally& tally, v1::AnalyzeAdequacySummary* out);

// RecommendAdditions, by objective; the line is the saved report's summary.
std::string AdequacyPicksToProto(const access::AdequacyRecommendation& rec,
                                 const v1::AdequacyObjective& objective, const ResolvedRoster& pool,
                                 v1::RecommendAdditionsResponse* out);
std::string CoveragePicksToProto(const access::Recommendation& rec,
                                 const access::RecommendRequest& request,
                                 const v1::CoverageObjective& objective, const ResolvedRoster& pool,
                                 const std::vector<int32_t>& pool_origin,
                                 v1::RecommendAdditionsResponse* out);

// ComputeAccessRatios' catchment as the API states it: minutes in (0, 240] (INVALID_ARGUMENT
// "catchment_minutes: 241 is outside (0, 240]" otherwise, whatever the server's own limit).
absl::StatusOr<double> CatchmentMinutesFromProto(const v1::ComputeAccessRatiosRequest& request);

// ComputeAccessRatios; the line is the saved report's summary.
std::string AccessRatiosToProto(const AnalysisScope& scope,
                                const v1::ComputeAccessRatiosRequest& request,
                                const access::AccessRatioRequest& domain,
                                const access::AccessRatioAnswer& answer,
                                v1::ComputeAccessRatiosResponse* out);

}  // namespace carereach::rpc

#endif  // CAREREACH_SERVER_RPC_CONTRACTING_CONVERT_H_
