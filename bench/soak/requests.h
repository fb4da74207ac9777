// carereach-soak: the request of every kind of call, built from the real data (world.h), and the
// check of its answer. The n-th call of a slot uses county region n mod 3 and varies its options
// (travel mode, direction, versions, what-ifs) with n, so a run covers them all.
#ifndef CAREREACH_BENCH_SOAK_REQUESTS_H_
#define CAREREACH_BENCH_SOAK_REQUESTS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "bench/soak/world.h"
#include "carereach/v1/access.pb.h"
#include "carereach/v1/adequacy.pb.h"
#include "carereach/v1/contracting.pb.h"
#include "carereach/v1/networks.pb.h"

namespace carereach::soak {

// A call's request (or the messages of its request stream) and the check of its answer (the
// response, or the messages of the response stream): "" when the answer has the expected shape,
// else what is wrong with it.
template <class Request, class Answer>
struct Planned {
  Request request;
  std::function<std::string(const Answer&)> check;
};

// Immutable; safe to share between threads. `world` must outlive it.
class Requests {
 public:
  // `nonce` prefixes every network id of the run.
  Requests(const World& world, std::string nonce) : world_(world), nonce_(std::move(nonce)) {}

  const std::string& nonce() const { return nonce_; }
  // The id of base network `which` ("a" or "b") of region `r`.
  std::string BaseId(const RegionData& r, const char* which) const;
  // The county region of call `n`.
  const RegionData& County(int64_t n) const;

  // Set-up of the base networks: A or B (version 1), and the stream that makes A's version 2
  // (first provider-site row dropped, one hospital renamed, a row added).
  v1::CreateNetworkRequest SetupCreate(const RegionData& r, const char* which) const;
  std::vector<v1::ImportNetworkRequest> SetupVersion2(const RegionData& r) const;

  Planned<v1::ListRegionsRequest, v1::ListRegionsResponse> ListRegions() const;
  Planned<v1::ComputeCoverageRequest, v1::ComputeCoverageResponse> Coverage(bool drive,
                                                                            int64_t n) const;
  Planned<v1::ComputeIsochronesRequest, v1::ComputeIsochronesResponse> Isochrones(int64_t n) const;
  Planned<v1::ComputeMatrixRequest, std::vector<v1::MatrixRow>> Matrix(int64_t n) const;
  Planned<std::vector<v1::EvaluateAdequacyRequest>, std::vector<v1::EvaluateAdequacyResponse>>
  EvaluateAdequacy(int64_t n) const;
  Planned<v1::AnalyzeCoverageRequest, v1::AnalyzeCoverageResponse> AnalyzeCoverage(int64_t n) const;
  Planned<v1::AnalyzeAdequacyRequest, std::vector<v1::AnalyzeAdequacyResponse>> AnalyzeAdequacy(
      int64_t n) const;
  Planned<v1::RecommendAdditionsRequest, v1::RecommendAdditionsResponse> RecommendAdditions(
      int64_t n) const;
  Planned<v1::ComputeAccessRatiosRequest, v1::ComputeAccessRatiosResponse> AccessRatios(
      int64_t n) const;
  // The `created`-th network slot `slot` creates.
  Planned<v1::CreateNetworkRequest, v1::CreateNetworkResponse> CreateNetwork(int64_t n, int slot,
                                                                             int64_t created) const;
  // The `imported`-th import of slot `slot`: each of its ids is imported twice, version 1 creates
  // (create_if_missing), version 2 appends. The answer is the one response.
  Planned<std::vector<v1::ImportNetworkRequest>, std::vector<v1::NetworkVersion>> ImportNetwork(
      int64_t n, int slot, int64_t imported) const;
  Planned<v1::ListNetworksRequest, v1::ListNetworksResponse> ListNetworks() const;
  // `missing`: an id that does not exist (NOT_FOUND expected).
  Planned<v1::GetNetworkRequest, v1::GetNetworkResponse> GetNetwork(int64_t n, bool missing) const;
  Planned<v1::ExportNetworkRequest, std::vector<v1::ExportNetworkResponse>> ExportNetwork(
      int64_t n) const;
  Planned<v1::DiffNetworkVersionsRequest, v1::DiffNetworkVersionsResponse> DiffVersions(
      int64_t n) const;

 private:
  v1::NetworkSelection Stored(const RegionData& r, const char* which, int version) const;

  const World& world_;
  std::string nonce_;
};

}  // namespace carereach::soak

#endif  // CAREREACH_BENCH_SOAK_REQUESTS_H_
