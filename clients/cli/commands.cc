#include "clients/cli/commands.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "carereach/v1/access.grpc.pb.h"
#include "carereach/v1/adequacy.grpc.pb.h"
#include "clients/cli/contracting_commands.h"
#include "clients/cli/network_commands.h"
#include "clients/cli/output.h"
#include "clients/cli/partial_file.h"
#include "clients/cli/roster_csv.h"
#include "clients/cli/rpc_client.h"
#include "grpcpp/grpcpp.h"

namespace carereach::cli {
namespace {

using carereach::v1::AccessService;
using carereach::v1::AdequacyRequestHeader;
using carereach::v1::AdequacyService;
using carereach::v1::ComputeCoverageRequest;
using carereach::v1::ComputeCoverageResponse;
using carereach::v1::ComputeIsochronesRequest;
using carereach::v1::ComputeIsochronesResponse;
using carereach::v1::ComputeMatrixRequest;
using carereach::v1::EvaluateAdequacyRequest;
using carereach::v1::EvaluateAdequacyResponse;
using carereach::v1::ListRegionsRequest;
using carereach::v1::ListRegionsResponse;
using carereach::v1::MatrixRow;

constexpr int kUnitsPageSize = 10000;
// The Census tract centres of population, under the data directory (for --uncovered-out).
constexpr absl::string_view kTractCentresFile = "census/CenPop2020_Mean_TR.txt";

// A client of AccessService and AdequacyService with the CLI's call policy (RpcClient).
// Not thread-safe (one command runs at a time).
class AccessClient {
 public:
  explicit AccessClient(const GlobalOptions& options)
      : rpc_(options),
        stub_(AccessService::NewStub(rpc_.channel())),
        adequacy_stub_(AdequacyService::NewStub(rpc_.channel())) {}

  // Sends the header, then `providers` in batches of kRosterBatchRows, half-closes, and hands
  // each response to `on_response` as it arrives; an error from `on_response` cancels the call
  // and is returned. The deadline covers the whole stream. UNAVAILABLE is retried
  // (--wait-seconds) only while no response has arrived.
  absl::Status EvaluateAdequacy(
      const AdequacyRequestHeader& header,
      const std::vector<carereach::v1::NetworkProvider>& providers,
      const std::function<absl::Status(const EvaluateAdequacyResponse&)>& on_response) {
    const auto wait_until = rpc_.WaitUntil();
    while (true) {
      grpc::ClientContext context;
      rpc_.Prepare(context);
      std::unique_ptr<grpc::ClientReaderWriter<EvaluateAdequacyRequest, EvaluateAdequacyResponse>>
          stream = adequacy_stub_->EvaluateAdequacy(&context);
      EvaluateAdequacyRequest request;
      *request.mutable_header() = header;
      WriteRosterStream(*stream, request, providers);
      EvaluateAdequacyResponse response;
      bool any_response = false;
      absl::Status response_status;
      while (stream->Read(&response)) {
        any_response = true;
        response_status = on_response(response);
        if (!response_status.ok()) {
          context.TryCancel();
          while (stream->Read(&response)) continue;
          break;
        }
      }
      grpc::Status status = stream->Finish();
      if (!response_status.ok()) return response_status;
      if (status.ok()) return absl::OkStatus();
      if (!any_response && RpcClient::ShouldRetry(status, wait_until)) continue;
      return rpc_.Explain(status);
    }
  }

  absl::Status ListRegions(const ListRegionsRequest& request, ListRegionsResponse* response) {
    return rpc_.Unary(*stub_, &AccessService::Stub::ListRegions, request, response);
  }

  absl::Status ComputeCoverage(const ComputeCoverageRequest& request,
                               ComputeCoverageResponse* response) {
    return rpc_.Unary(*stub_, &AccessService::Stub::ComputeCoverage, request, response);
  }

  absl::Status ComputeIsochrones(const ComputeIsochronesRequest& request,
                                 ComputeIsochronesResponse* response) {
    return rpc_.Unary(*stub_, &AccessService::Stub::ComputeIsochrones, request, response);
  }

  // Reads the row stream to its end, handing each row to `on_row` as it arrives; an error from
  // `on_row` cancels the call and is returned. The deadline covers the whole stream.
  // UNAVAILABLE is retried (--wait-seconds) only while no row has arrived.
  absl::Status ComputeMatrix(const ComputeMatrixRequest& request,
                             const std::function<absl::Status(const MatrixRow&)>& on_row) {
    return rpc_.ReadStream(*stub_, &AccessService::Stub::ComputeMatrix, request, on_row);
  }

 private:
  RpcClient rpc_;
  std::unique_ptr<AccessService::Stub> stub_;
  std::unique_ptr<AdequacyService::Stub> adequacy_stub_;
};

// Reads one facility file, reports it on `err` ("origins: kept 3 of 4 rows of o.csv") and
// refuses an empty list. `label` is also the request field the list becomes.
absl::StatusOr<FacilityList> ReadFacilityFile(const std::string& path,
                                              const FacilityColumnFlags& columns,
                                              const std::vector<WhereClause>& where,
                                              absl::string_view where_flag, absl::string_view label,
                                              std::ostream& err) {
  absl::StatusOr<FacilityList> list = ReadFacilitiesCsv(path, columns, where, where_flag);
  if (!list.ok()) return list.status();
  err << FacilitySummaryLine(*list, where, label) << "\n";
  if (list->facilities.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("no ", label, " to send: ", path, " has ",
                                                   list->rows_read, " rows and none matched the ",
                                                   where_flag, " filters"));
  }
  return list;
}

std::vector<std::string> IdsOf(const FacilityList& list) {
  std::vector<std::string> ids;
  ids.reserve(list.facilities.size());
  for (const carereach::v1::Facility& facility : list.facilities) ids.push_back(facility.id());
  return ids;
}

void AddFacilities(const FacilityList& list,
                   google::protobuf::RepeatedPtrField<carereach::v1::Facility>* field) {
  field->Reserve(static_cast<int>(list.facilities.size()));
  for (const carereach::v1::Facility& facility : list.facilities) *field->Add() = facility;
}

// Checks a streamed row against the request before anything indexes with it.
absl::Status CheckMatrixRow(const MatrixRow& row, size_t origins, size_t destinations) {
  if (row.origin_index() < 0 || static_cast<size_t>(row.origin_index()) >= origins) {
    return absl::DataLossError(absl::StrCat("matrix row origin_index ", row.origin_index(),
                                            " is outside [0, ", origins, ")"));
  }
  if (static_cast<size_t>(row.minutes_size()) != destinations ||
      static_cast<size_t>(row.miles_size()) != destinations) {
    return absl::DataLossError(absl::StrCat("matrix row ", row.origin_index(), " has ",
                                            row.minutes_size(), " minutes and ", row.miles_size(),
                                            " miles for ", destinations, " destinations"));
  }
  return absl::OkStatus();
}

std::string FacilitiesNote(const FacilityList& list, const std::vector<WhereClause>& where) {
  std::string note = std::string(BaseName(list.source));
  for (const WhereClause& clause : where) {
    absl::StrAppend(&note, ", ", WhereText(clause));
  }
  return note;
}

}  // namespace

carereach::v1::DriveOptions DriveOptionsFrom(const DriveFlags& flags) {
  carereach::v1::DriveOptions drive;
  if (flags.max_snap_meters) drive.set_max_snap_meters(*flags.max_snap_meters);
  switch (flags.direction) {
    case Direction::kToFacility:
      drive.set_direction(carereach::v1::TRAVEL_DIRECTION_TO_FACILITY);
      break;
    case Direction::kFromFacility:
      drive.set_direction(carereach::v1::TRAVEL_DIRECTION_FROM_FACILITY);
      break;
    case Direction::kDefault:
      break;
  }
  if (!flags.speed_profile.empty()) drive.set_speed_profile(flags.speed_profile);
  if (flags.offroad_speed_mph) drive.set_offroad_speed_mph(*flags.offroad_speed_mph);
  return drive;
}

ComputeCoverageRequest BuildCoverageRequest(const CoverageOptions& options,
                                            const FacilityList& facilities) {
  ComputeCoverageRequest request;
  request.set_region(options.region);
  AddFacilities(facilities, request.mutable_facilities());
  for (double minutes : options.minutes) request.add_max_minutes(minutes);
  for (double miles : options.miles) request.add_max_miles(miles);
  if (options.mode == Mode::kDrive) {
    request.set_mode(carereach::v1::TRAVEL_MODE_DRIVE);
    if (options.drive.any()) *request.mutable_drive() = DriveOptionsFrom(options.drive);
  } else {
    request.set_mode(carereach::v1::TRAVEL_MODE_STRAIGHT_LINE);
    if (options.circuity) request.mutable_straight_line()->set_circuity_factor(*options.circuity);
    if (options.speed_mph) request.mutable_straight_line()->set_speed_mph(*options.speed_mph);
  }
  if (!options.units_out.empty()) {
    request.mutable_unit_detail()->set_include(true);
    request.mutable_unit_detail()->set_page_size(kUnitsPageSize);
  }
  return request;
}

ComputeIsochronesRequest BuildIsochronesRequest(const IsochroneOptions& options,
                                                const FacilityList& facilities) {
  ComputeIsochronesRequest request;
  request.set_region(options.region);
  AddFacilities(facilities, request.mutable_facilities());
  for (double minutes : options.minutes) request.add_max_minutes(minutes);
  if (options.drive.any()) *request.mutable_drive() = DriveOptionsFrom(options.drive);
  if (options.buffer_meters) request.set_road_buffer_meters(*options.buffer_meters);
  return request;
}

ComputeMatrixRequest BuildMatrixRequest(const MatrixOptions& options, const FacilityList& origins,
                                        const FacilityList& destinations) {
  ComputeMatrixRequest request;
  request.set_region(options.region);
  AddFacilities(origins, request.mutable_origins());
  AddFacilities(destinations, request.mutable_destinations());
  if (options.max_minutes) request.set_max_minutes(*options.max_minutes);
  if (options.drive.any()) *request.mutable_drive() = DriveOptionsFrom(options.drive);
  return request;
}

AdequacyRequestHeader BuildAdequacyHeader(const AdequacyOptions& options) {
  AdequacyRequestHeader header;
  header.set_region(options.region);
  for (const std::string& fips : options.county_fips) header.add_county_fips(fips);
  for (const std::string& code : options.specialty_codes) header.add_specialty_codes(code);
  if (options.mode == Mode::kDrive) {
    header.set_mode(carereach::v1::TRAVEL_MODE_DRIVE);
    if (options.drive.any()) *header.mutable_drive() = DriveOptionsFrom(options.drive);
  } else {
    header.set_mode(carereach::v1::TRAVEL_MODE_STRAIGHT_LINE);
    if (options.circuity) header.mutable_straight_line()->set_circuity_factor(*options.circuity);
    if (options.speed_mph) header.mutable_straight_line()->set_speed_mph(*options.speed_mph);
  }
  header.set_standards_set(options.standards);
  header.set_include_uncovered_units(!options.uncovered_out.empty());
  return header;
}

absl::Status RunRegions(const GlobalOptions& global, const RegionsOptions& options,
                        std::ostream& out) {
  AccessClient client(global);
  ListRegionsResponse response;
  if (absl::Status status = client.ListRegions(ListRegionsRequest(), &response); !status.ok()) {
    return status;
  }
  switch (options.format) {
    case OutputFormat::kTable:
      out << RegionsTable(response);
      break;
    case OutputFormat::kCsv:
      out << RegionsCsv(response);
      break;
    case OutputFormat::kJson:
      out << JsonText(RegionsJson(response));
      break;
  }
  return absl::OkStatus();
}

absl::Status RunCoverage(const GlobalOptions& global, const CoverageOptions& options,
                         std::ostream& out, std::ostream& err) {
  absl::StatusOr<FacilityList> facilities = ReadFacilityFile(
      options.facilities_path, options.columns, options.where, "--where", "facilities", err);
  if (!facilities.ok()) return facilities.status();

  const bool drive = options.mode == Mode::kDrive;
  std::unique_ptr<PartialFile> units_file;
  int64_t unit_rows = 0;
  auto write_units = [&](const ComputeCoverageResponse& page) {
    for (const carereach::v1::PopulationUnitResult& unit : page.units()) {
      units_file->stream() << UnitsCsvLine(unit, drive);
      ++unit_rows;
    }
  };
  if (!options.units_out.empty()) {
    units_file = std::make_unique<PartialFile>("--units-out", options.units_out);
    if (absl::Status status = units_file->Open(); !status.ok()) return status;
    units_file->stream() << UnitsCsvHeader(drive);
  }

  AccessClient client(global);
  ComputeCoverageRequest request = BuildCoverageRequest(options, *facilities);
  ComputeCoverageResponse summary;
  if (absl::Status status = client.ComputeCoverage(request, &summary); !status.ok()) {
    return absl::Status(status.code(), AddCsvLineToMessage(status.message(), *facilities));
  }

  if (units_file != nullptr) {
    write_units(summary);
    std::string token = summary.next_page_token();
    while (!token.empty()) {
      request.mutable_unit_detail()->set_page_token(token);
      ComputeCoverageResponse page;
      if (absl::Status status = client.ComputeCoverage(request, &page); !status.ok()) {
        return absl::Status(status.code(), AddCsvLineToMessage(status.message(), *facilities));
      }
      write_units(page);
      token = page.next_page_token();
    }
    if (absl::Status status = units_file->Commit(); !status.ok()) return status;
    err << "units: wrote " << unit_rows << " rows to " << options.units_out << "\n";
  }

  switch (options.format) {
    case OutputFormat::kTable:
      out << CoverageTable(summary, FacilitiesNote(*facilities, options.where), options.counties);
      break;
    case OutputFormat::kCsv:
      out << CoverageCsv(summary);
      break;
    case OutputFormat::kJson:
      out << JsonText(CoverageJson(summary));
      break;
  }
  return absl::OkStatus();
}

absl::Status RunIsochrone(const GlobalOptions& global, const IsochroneOptions& options,
                          std::ostream& out, std::ostream& err) {
  absl::StatusOr<FacilityList> facilities = ReadFacilityFile(
      options.facilities_path, options.columns, options.where, "--where", "facilities", err);
  if (!facilities.ok()) return facilities.status();

  // Open --out first: an unwritable path should fail before the computation, not after.
  std::unique_ptr<PartialFile> file;
  if (!options.out_path.empty()) {
    file = std::make_unique<PartialFile>("--out", options.out_path);
    if (absl::Status status = file->Open(); !status.ok()) return status;
  }

  AccessClient client(global);
  ComputeIsochronesResponse response;
  if (absl::Status status =
          client.ComputeIsochrones(BuildIsochronesRequest(options, *facilities), &response);
      !status.ok()) {
    return absl::Status(status.code(), AddCsvLineToMessage(status.message(), *facilities));
  }
  absl::StatusOr<nlohmann::ordered_json> geojson = IsochronesGeoJson(response);
  if (!geojson.ok()) return geojson.status();
  if (response.unsnapped_facility_ids_size() > 0) {
    err << "isochrone: facilities not on the road network (not part of any isochrone): "
        << ShortIdList(
               {response.unsnapped_facility_ids().begin(), response.unsnapped_facility_ids().end()})
        << "\n";
  }

  if (file == nullptr) {
    out << CompactJsonText(*geojson);
    return absl::OkStatus();
  }
  file->stream() << CompactJsonText(*geojson);
  if (absl::Status status = file->Commit(); !status.ok()) return status;
  out << IsochronesTable(
      response,
      absl::StrCat(WithThousands(static_cast<int64_t>(facilities->facilities.size())), " (",
                   FacilitiesNote(*facilities, options.where), ")"),
      options.out_path);
  return absl::OkStatus();
}

absl::Status RunMatrix(const GlobalOptions& global, const MatrixOptions& options, std::ostream& out,
                       std::ostream& err) {
  absl::StatusOr<FacilityList> origins =
      ReadFacilityFile(options.origins_path, options.columns, options.origins_where,
                       "--origins-where", "origins", err);
  if (!origins.ok()) return origins.status();
  absl::StatusOr<FacilityList> destinations =
      ReadFacilityFile(options.destinations_path, options.columns, options.destinations_where,
                       "--destinations-where", "destinations", err);
  if (!destinations.ok()) return destinations.status();
  const std::vector<std::string> origin_ids = IdsOf(*origins);
  const std::vector<std::string> destination_ids = IdsOf(*destinations);
  if (options.format == OutputFormat::kTable && destination_ids.size() > kMaxTableDestinations) {
    return absl::InvalidArgumentError(
        absl::StrCat("matrix: ", destination_ids.size(),
                     " destinations are too many for --format table (at most ",
                     kMaxTableDestinations, " columns); use --format csv or --format json"));
  }

  const MatrixTable table(origin_ids, destination_ids);
  std::vector<MatrixRow> json_rows;  // --format json only
  std::vector<std::string> unsnapped_origins;
  size_t rows = 0;
  auto on_row = [&](const MatrixRow& row) -> absl::Status {
    if (absl::Status status = CheckMatrixRow(row, origin_ids.size(), destination_ids.size());
        !status.ok()) {
      return status;
    }
    if (!row.origin_snapped()) unsnapped_origins.push_back(row.origin_id());
    // Headers go out with the first row, so a request refused outright prints nothing.
    const bool first = rows++ == 0;
    switch (options.format) {
      case OutputFormat::kCsv:
        if (first) out << MatrixCsvHeader();
        out << MatrixCsvLines(row, destination_ids) << std::flush;
        break;
      case OutputFormat::kTable:
        if (first) out << table.Header();
        out << table.Line(row) << std::flush;
        break;
      case OutputFormat::kJson:
        json_rows.push_back(row);
        break;
    }
    return absl::OkStatus();
  };

  AccessClient client(global);
  if (absl::Status status =
          client.ComputeMatrix(BuildMatrixRequest(options, *origins, *destinations), on_row);
      !status.ok()) {
    std::string message = AddCsvLineToMessage(status.message(), *origins, "origins");
    message = AddCsvLineToMessage(message, *destinations, "destinations");
    return absl::Status(status.code(), message);
  }
  if (rows != origin_ids.size()) {
    return absl::DataLossError(absl::StrCat("matrix: the stream ended after ", rows, " of ",
                                            origin_ids.size(), " origin rows"));
  }
  if (!unsnapped_origins.empty()) {
    err << "matrix: origins not on the road network (every pair unreached): "
        << ShortIdList(unsnapped_origins) << "\n";
  }
  switch (options.format) {
    case OutputFormat::kCsv:
      break;
    case OutputFormat::kTable:
      out << "\nminutes by road from each origin (row) to each destination (column); "
             "-: not reached\n"
          << "Road data " << kOsmAttribution << "\n";
      break;
    case OutputFormat::kJson: {
      std::sort(json_rows.begin(), json_rows.end(), [](const MatrixRow& a, const MatrixRow& b) {
        return a.origin_index() < b.origin_index();
      });
      nlohmann::ordered_json array = nlohmann::ordered_json::array();
      for (const MatrixRow& row : json_rows) array.push_back(MatrixRowJson(row));
      out << JsonText(MatrixJson(options.region, std::move(array), destination_ids));
      break;
    }
  }
  return absl::OkStatus();
}

absl::Status RunAdequacy(const GlobalOptions& global, const AdequacyOptions& options,
                         std::ostream& out, std::ostream& err) {
  absl::StatusOr<Roster> roster =
      ReadRosterCsv(options.network_path, options.columns, options.where, options.specialty);
  if (!roster.ok()) return roster.status();
  err << RosterSummary(*roster, options.where);
  if (roster->providers.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("no providers to send: ", options.network_path,
                                                   " has ", roster->rows_read,
                                                   " rows and none matched the --where filters"));
  }

  // The tract centres and --uncovered-out come first: a missing file or an unwritable path
  // should fail before the computation, not after.
  std::unique_ptr<PartialFile> uncovered_file;
  TractCentres centres;
  if (!options.uncovered_out.empty()) {
    const std::string centres_path =
        absl::StrCat(DataDir(options.data_dir), "/", kTractCentresFile);
    absl::StatusOr<TractCentres> read = ReadTractCentres(centres_path);
    if (!read.ok()) {
      return absl::Status(read.status().code(),
                          absl::StrCat("--uncovered-out needs the tract centres (--data-dir): ",
                                       read.status().message()));
    }
    centres = *std::move(read);
    uncovered_file = std::make_unique<PartialFile>("--uncovered-out", options.uncovered_out);
    if (absl::Status status = uncovered_file->Open(); !status.ok()) return status;
  }

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
  AccessClient client(global);
  if (absl::Status status =
          client.EvaluateAdequacy(BuildAdequacyHeader(options), roster->providers, on_response);
      !status.ok()) {
    return absl::Status(status.code(), AddCsvLineToMessage(status.message(), roster->source,
                                                           roster->csv_lines, "providers"));
  }
  if (!have_summary) {
    return absl::DataLossError(absl::StrCat("adequacy: the stream ended after ",
                                            report.results.size(), " results without a summary"));
  }

  if (uncovered_file != nullptr) {
    int64_t missing = 0;
    nlohmann::ordered_json geojson = UncoveredGeoJson(report, centres, &missing);
    const size_t points = geojson["features"].size();
    uncovered_file->stream() << CompactJsonText(geojson);
    if (absl::Status status = uncovered_file->Commit(); !status.ok()) return status;
    err << "uncovered: wrote " << points << " tract points to " << options.uncovered_out
        << " (tract centres of population from " << kTractCentresFile << ")\n";
    if (missing > 0) {
      err << "uncovered: note: " << missing
          << " tracts are not in the tract centres file; their features have a null geometry\n";
    }
  }

  switch (options.format) {
    case OutputFormat::kTable:
      out << AdequacyTable(report);
      break;
    case OutputFormat::kCsv:
      out << AdequacyCsv(report);
      break;
    case OutputFormat::kJson:
      out << JsonText(AdequacyJson(report));
      break;
  }
  return absl::OkStatus();
}

Environment ReadEnvironment() {
  auto get = [](const char* name) {
    const char* value = std::getenv(name);
    return std::string(value != nullptr ? value : "");
  };
  Environment env;
  // The first two keep the project's original spelling.
  env.server = get("CAREREACH_SERVER");
  env.tenant = get("CAREREACH_TENANT");
  env.tls_ca = get("CAREREACH_TLS_CA");
  env.tls_cert = get("CAREREACH_TLS_CERT");
  env.tls_key = get("CAREREACH_TLS_KEY");
  env.tls_server_name = get("CAREREACH_TLS_SERVER_NAME");
  env.token = get("CAREREACH_TOKEN");
  env.token_file = get("CAREREACH_TOKEN_FILE");
  return env;
}

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  absl::StatusOr<Invocation> invocation = ParseArgs(args, ReadEnvironment());
  // The TLS files and the token are read before any command runs: a file that cannot be used
  // is a usage error, like a bad flag.
  if (invocation.ok() && invocation->command != Command::kHelp) {
    if (absl::Status s = LoadCredentialFiles(invocation->global); !s.ok()) invocation = s;
  }
  if (!invocation.ok()) {
    err << "error: " << OneLine(invocation.status().message()) << "\n"
        << "run 'carereach help' for usage\n";
    return kExitUsage;
  }
  const GlobalOptions& global = invocation->global;
  absl::Status status;
  switch (invocation->command) {
    case Command::kHelp:
      out << UsageText();
      return kExitOk;
    case Command::kRegions:
      status = RunRegions(global, invocation->regions, out);
      break;
    case Command::kCoverage:
      status = RunCoverage(global, invocation->coverage, out, err);
      break;
    case Command::kIsochrone:
      status = RunIsochrone(global, invocation->isochrone, out, err);
      break;
    case Command::kMatrix:
      status = RunMatrix(global, invocation->matrix, out, err);
      break;
    case Command::kAdequacy:
      status = RunAdequacy(global, invocation->adequacy, out, err);
      break;
    case Command::kNetworkCreate:
    case Command::kNetworkImport:
    case Command::kNetworkList:
    case Command::kNetworkShow:
    case Command::kNetworkExport:
    case Command::kNetworkDiff:
    case Command::kNetworkDelete:
      status = RunNetworkCommand(invocation->command, global, invocation->network, out, err);
      break;
    case Command::kReportList:
    case Command::kReportShow:
      status = RunReportCommand(invocation->command, global, invocation->report, out);
      break;
    case Command::kAnalyzeCoverage:
      status = RunAnalyzeCoverage(global, invocation->analysis, out, err);
      break;
    case Command::kAnalyzeAdequacy:
      status = RunAnalyzeAdequacy(global, invocation->analysis, out, err);
      break;
    case Command::kRecommend:
      status = RunRecommend(global, invocation->analysis, out, err);
      break;
    case Command::kAccessRatios:
      status = RunAccessRatios(global, invocation->analysis, out, err);
      break;
  }
  out.flush();
  if (!status.ok()) {
    err << "error: " << OneLine(status.message()) << "\n";
    return kExitError;
  }
  return kExitOk;
}

}  // namespace carereach::cli
