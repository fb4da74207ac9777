// adequacy: AdequacyService.EvaluateAdequacy (commands.h).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "carereach/v1/adequacy.grpc.pb.h"
#include "clients/cli/commands.h"
#include "clients/cli/contracting_commands.h"
#include "clients/cli/output.h"
#include "clients/cli/partial_file.h"
#include "clients/cli/roster_csv.h"
#include "clients/cli/rpc_client.h"
#include "geo/core/status_macros.h"
#include "grpcpp/grpcpp.h"

namespace carereach::cli {
namespace {

using carereach::v1::AdequacyRequestHeader;
using carereach::v1::AdequacyService;
using carereach::v1::EvaluateAdequacyRequest;
using carereach::v1::EvaluateAdequacyResponse;

// The Census tract centres of population, under the data directory (for --uncovered-out).
constexpr absl::string_view kTractCentresFile = "census/CenPop2020_Mean_TR.txt";

// A client of AdequacyService with the CLI's call policy (RpcClient). Not thread-safe (one
// command runs at a time).
class AdequacyClient {
 public:
  explicit AdequacyClient(const GlobalOptions& options)
      : rpc_(options), adequacy_stub_(AdequacyService::NewStub(rpc_.channel())) {}

  absl::Status EvaluateAdequacy(
      const AdequacyRequestHeader& header,
      const std::vector<carereach::v1::NetworkProvider>& providers,
      const std::function<absl::Status(const EvaluateAdequacyResponse&)>& on_response) {
    const std::unique_ptr<Progress> progress = rpc_.StartProgress("rows sent");
    absl::Status response_status;
    const grpc::Status status = rpc_.RetryStreaming(rpc_.NextRequestId(), [&](grpc::ClientContext&
                                                                                  context,
                                                                              bool* may_retry) {
      std::unique_ptr<grpc::ClientReaderWriter<EvaluateAdequacyRequest, EvaluateAdequacyResponse>>
          stream = adequacy_stub_->EvaluateAdequacy(&context);
      EvaluateAdequacyRequest request;
      *request.mutable_header() = header;
      WriteRosterStream(*stream, request, providers, progress.get());
      EvaluateAdequacyResponse response;
      while (stream->Read(&response)) {
        *may_retry = false;  // results were handed on
        const std::unique_lock<std::mutex> hold = progress->Hold();
        response_status = on_response(response);
        if (!response_status.ok()) {
          context.TryCancel();
          while (stream->Read(&response)) continue;
          break;
        }
      }
      return stream->Finish();
    });
    if (!response_status.ok()) return response_status;
    return status.ok() ? absl::OkStatus() : rpc_.Explain(status);
  }

  // The whole report: every result, then the summary; a server message naming providers[i]
  // gets the file and line of that row.
  absl::StatusOr<AdequacyReport> Evaluate(const AdequacyOptions& options, const Roster& roster) {
    AdequacyReport report;
    bool have_summary = false;
    auto on_response = [&](const EvaluateAdequacyResponse& response) -> absl::Status {
      if (response.has_result()) {
        report.results.push_back(response.result());
      } else if (response.has_summary()) {
        report.summary = response.summary();
        have_summary = true;
      }
      return absl::OkStatus();
    };
    if (absl::Status status =
            EvaluateAdequacy(BuildAdequacyHeader(options), roster.providers, on_response);
        !status.ok()) {
      return absl::Status(status.code(), AddCsvLineToMessage(status.message(), roster.source,
                                                             roster.csv_lines, "providers"));
    }
    if (!have_summary) {
      return absl::DataLossError(absl::StrCat("adequacy: the stream ended after ",
                                              report.results.size(), " results without a summary"));
    }
    return report;
  }

 private:
  RpcClient rpc_;
  std::unique_ptr<AdequacyService::Stub> adequacy_stub_;
};

// The tract centres --uncovered-out needs (read before the computation).
absl::StatusOr<TractCentres> ReadCentres(const AdequacyOptions& options) {
  const std::string centres_path = absl::StrCat(DataDir(options.data_dir), "/", kTractCentresFile);
  absl::StatusOr<TractCentres> read = ReadTractCentres(centres_path);
  if (read.ok()) return read;
  return absl::Status(read.status().code(),
                      absl::StrCat("--uncovered-out needs the tract centres (--data-dir): ",
                                   read.status().message()));
}

// Writes the uncovered tracts of `report` as GeoJSON points to `file` and says so on `err`.
absl::Status WriteUncovered(const AdequacyReport& report, const TractCentres& centres,
                            const std::string& path, PartialFile& file, std::ostream& err) {
  int64_t missing = 0;
  nlohmann::ordered_json geojson = UncoveredGeoJson(report, centres, &missing);
  const size_t points = geojson["features"].size();
  file.stream() << CompactJsonText(geojson);
  RETURN_IF_ERROR(file.Commit());
  err << "uncovered: wrote " << points << " tract points to " << path
      << " (tract centres of population from " << kTractCentresFile << ")\n";
  if (missing > 0) {
    err << "uncovered: note: " << missing
        << " tracts are not in the tract centres file; their features have a null geometry\n";
  }
  return absl::OkStatus();
}

}  // namespace

AdequacyRequestHeader BuildAdequacyHeader(const AdequacyOptions& options) {
  AdequacyRequestHeader header;
  header.set_region(options.region);
  for (const std::string& fips : options.county_fips) header.add_county_fips(fips);
  for (const std::string& code : options.specialty_codes) header.add_specialty_codes(code);
  SetTravel(options.travel, header);
  header.set_standards_set(options.standards);
  header.set_include_uncovered_units(!options.uncovered_out.empty());
  return header;
}

absl::Status RunAdequacy(const GlobalOptions& global, const AdequacyOptions& options,
                         std::ostream& out, std::ostream& err) {
  ASSIGN_OR_RETURN(const Roster roster, ReadRosterCsv(options.network_path, options.columns,
                                                      options.where, options.specialty));
  err << RosterSummary(roster, options.where);
  if (roster.providers.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("no providers to send: ", options.network_path,
                                                   " has ", roster.rows_read,
                                                   " rows and none matched the --where filters"));
  }
  // The tract centres and --uncovered-out come first: a missing file or an unwritable path
  // should fail before the computation, not after.
  TractCentres centres;
  if (!options.uncovered_out.empty()) {
    ASSIGN_OR_RETURN(centres, ReadCentres(options));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<PartialFile> uncovered_file,
                   OpenPartialFile("--uncovered-out", options.uncovered_out));

  AdequacyClient client(global);
  ASSIGN_OR_RETURN(const AdequacyReport report, client.Evaluate(options, roster));
  if (uncovered_file != nullptr) {
    RETURN_IF_ERROR(WriteUncovered(report, centres, options.uncovered_out, *uncovered_file, err));
  }
  RETURN_IF_ERROR(PrintAnswer(
      options.format,
      {.table = [&] { return AdequacyTable(report); },
       .csv = [&] { return AdequacyCsv(report); },
       .json = [&]() -> absl::StatusOr<nlohmann::ordered_json> { return AdequacyJson(report); }},
      out));
  if (options.html_path.empty()) return absl::OkStatus();
  // The maps come from MapService, which draws ContractingService's analysis: the same roster
  // sent inline as one network, with the same options.
  carereach::v1::AnalyzeAdequacyRequest request;
  request.set_region(options.region);
  carereach::v1::NetworkSelection& network = *request.add_networks();
  network.set_label(std::filesystem::path(options.network_path).filename().string());
  for (const carereach::v1::NetworkProvider& provider : roster.providers) {
    *network.add_providers() = provider;
  }
  for (const std::string& fips : options.county_fips) request.add_county_fips(fips);
  for (const std::string& code : options.specialty_codes) request.add_specialty_codes(code);
  SetTravel(options.travel, request);
  request.set_standards_set(options.standards);
  return WriteAdequacyHtml(global, request, AsAnalysisReport(report), /*failing_only=*/false,
                           options.html_path, err);
}

carereach::v1::AdequacyReport AsAnalysisReport(const AdequacyReport& report) {
  carereach::v1::AdequacyReport analysis;
  for (const carereach::v1::CountySpecialtyResult& result : report.results) {
    *analysis.add_results()->mutable_result() = result;
  }
  *analysis.mutable_summary()->mutable_summary() = report.summary;
  return analysis;
}

}  // namespace carereach::cli
