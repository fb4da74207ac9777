// regions, coverage, isochrone and matrix: AccessService (commands.h).
#include <algorithm>
#include <cstdint>
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
#include "clients/cli/commands.h"
#include "clients/cli/output.h"
#include "clients/cli/partial_file.h"
#include "clients/cli/rpc_client.h"
#include "geo/core/status_macros.h"
#include "grpcpp/grpcpp.h"

namespace carereach::cli {
namespace {

using carereach::v1::AccessService;
using carereach::v1::ComputeCoverageRequest;
using carereach::v1::ComputeCoverageResponse;
using carereach::v1::ComputeIsochronesRequest;
using carereach::v1::ComputeIsochronesResponse;
using carereach::v1::ComputeMatrixRequest;
using carereach::v1::ListRegionsRequest;
using carereach::v1::ListRegionsResponse;
using carereach::v1::MatrixRow;

constexpr int kUnitsPageSize = 10000;

// A client of AccessService with the CLI's call policy (RpcClient). Not thread-safe (one command
// runs at a time).
class AccessClient {
 public:
  explicit AccessClient(const GlobalOptions& options)
      : rpc_(options), stub_(AccessService::NewStub(rpc_.channel())) {}

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
    return rpc_.ReadStream(*stub_, &AccessService::Stub::ComputeMatrix, request, on_row, "rows",
                           request.origins_size());
  }

 private:
  RpcClient rpc_;
  std::unique_ptr<AccessService::Stub> stub_;
};

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

// Prints matrix rows as they arrive (csv, table) or at the end (json). Not thread-safe.
class MatrixPrinter {
 public:
  MatrixPrinter(OutputFormat format, std::vector<std::string> origin_ids,
                std::vector<std::string> destination_ids, std::ostream& out)
      : format_(format),
        origin_ids_(std::move(origin_ids)),
        destination_ids_(std::move(destination_ids)),
        table_(origin_ids_, destination_ids_),
        out_(out) {}

  const std::vector<std::string>& destination_ids() const { return destination_ids_; }

  absl::Status OnRow(const MatrixRow& row) {
    RETURN_IF_ERROR(CheckMatrixRow(row, origin_ids_.size(), destination_ids_.size()));
    if (!row.origin_snapped()) unsnapped_origins_.push_back(row.origin_id());
    // Headers go out with the first row, so a request refused outright prints nothing.
    const bool first = rows_++ == 0;
    switch (format_) {
      case OutputFormat::kCsv:
        if (first) out_ << MatrixCsvHeader();
        out_ << MatrixCsvLines(row, destination_ids_) << std::flush;
        break;
      case OutputFormat::kTable:
        if (first) out_ << table_.Header();
        out_ << table_.Line(row) << std::flush;
        break;
      case OutputFormat::kJson:
        json_rows_.push_back(row);
        break;
    }
    return absl::OkStatus();
  }

  // Once the stream has ended well: checks every row came, then the notes and the json.
  absl::Status Finish(absl::string_view region, std::ostream& err) {
    if (rows_ != origin_ids_.size()) {
      return absl::DataLossError(absl::StrCat("matrix: the stream ended after ", rows_, " of ",
                                              origin_ids_.size(), " origin rows"));
    }
    if (!unsnapped_origins_.empty()) {
      err << "matrix: origins not on the road network (every pair unreached): "
          << ShortIdList(unsnapped_origins_) << "\n";
    }
    if (format_ == OutputFormat::kTable) {
      out_ << "\nminutes by road from each origin (row) to each destination (column); "
              "-: not reached\n"
           << AttributionLine("");
    } else if (format_ == OutputFormat::kJson) {
      std::sort(json_rows_.begin(), json_rows_.end(), [](const MatrixRow& a, const MatrixRow& b) {
        return a.origin_index() < b.origin_index();
      });
      nlohmann::ordered_json array = nlohmann::ordered_json::array();
      for (const MatrixRow& row : json_rows_) array.push_back(MatrixRowJson(row));
      out_ << JsonText(MatrixJson(region, std::move(array), destination_ids_));
    }
    return absl::OkStatus();
  }

 private:
  const OutputFormat format_;
  const std::vector<std::string> origin_ids_;
  const std::vector<std::string> destination_ids_;
  const MatrixTable table_;
  std::ostream& out_;
  std::vector<MatrixRow> json_rows_;  // --format json only
  std::vector<std::string> unsnapped_origins_;
  size_t rows_ = 0;
};

}  // namespace

absl::StatusOr<FacilityList> ReadFacilityFile(const std::string& path,
                                              const FacilityColumnFlags& columns,
                                              const std::vector<WhereClause>& where,
                                              absl::string_view where_flag, absl::string_view label,
                                              std::ostream& err) {
  ASSIGN_OR_RETURN(FacilityList list, ReadFacilitiesCsv(path, columns, where, where_flag));
  err << FacilitySummaryLine(list, where, label) << "\n";
  if (list.facilities.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("no ", label, " to send: ", path, " has ",
                                                   list.rows_read, " rows and none matched the ",
                                                   where_flag, " filters"));
  }
  return list;
}

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
  SetTravel(options.travel, request);
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

absl::Status RunRegions(const GlobalOptions& global, const RegionsOptions& options,
                        std::ostream& out) {
  AccessClient client(global);
  ListRegionsResponse response;
  RETURN_IF_ERROR(client.ListRegions(ListRegionsRequest(), &response));
  return PrintAnswer(
      options.format,
      {.table = [&] { return RegionsTable(response); },
       .csv = [&] { return RegionsCsv(response); },
       .json = [&]() -> absl::StatusOr<nlohmann::ordered_json> { return RegionsJson(response); }},
      out);
}

absl::Status RunCoverage(const GlobalOptions& global, const CoverageOptions& options,
                         std::ostream& out, std::ostream& err) {
  ASSIGN_OR_RETURN(const FacilityList facilities,
                   ReadFacilityFile(options.facilities_path, options.columns, options.where,
                                    "--where", "facilities", err));
  ASSIGN_OR_RETURN(std::unique_ptr<PartialFile> units_file,
                   OpenPartialFile("--units-out", options.units_out));
  AccessClient client(global);
  ComputeCoverageRequest request = BuildCoverageRequest(options, facilities);
  auto call = [&](ComputeCoverageResponse* response) -> absl::Status {
    const absl::Status status = client.ComputeCoverage(request, response);
    if (status.ok()) return status;
    return absl::Status(status.code(), AddCsvLineToMessage(status.message(), facilities));
  };
  ComputeCoverageResponse summary;
  RETURN_IF_ERROR(call(&summary));
  if (units_file != nullptr) {
    const bool drive = options.travel.mode == Mode::kDrive;
    units_file->stream() << UnitsCsvHeader(drive);
    int64_t unit_rows = 0;
    ComputeCoverageResponse page = summary;
    while (true) {
      for (const carereach::v1::PopulationUnitResult& unit : page.units()) {
        units_file->stream() << UnitsCsvLine(unit, drive);
        ++unit_rows;
      }
      if (page.next_page_token().empty()) break;
      request.mutable_unit_detail()->set_page_token(page.next_page_token());
      page.Clear();
      RETURN_IF_ERROR(call(&page));
    }
    RETURN_IF_ERROR(units_file->Commit());
    err << "units: wrote " << unit_rows << " rows to " << options.units_out << "\n";
  }
  return PrintAnswer(
      options.format,
      {.table =
           [&] {
             return CoverageTable(summary, FacilitiesNote(facilities, options.where),
                                  options.counties);
           },
       .csv = [&] { return CoverageCsv(summary); },
       .json = [&]() -> absl::StatusOr<nlohmann::ordered_json> { return CoverageJson(summary); }},
      out);
}

absl::Status RunIsochrone(const GlobalOptions& global, const IsochroneOptions& options,
                          std::ostream& out, std::ostream& err) {
  ASSIGN_OR_RETURN(const FacilityList facilities,
                   ReadFacilityFile(options.facilities_path, options.columns, options.where,
                                    "--where", "facilities", err));
  ASSIGN_OR_RETURN(std::unique_ptr<PartialFile> file, OpenPartialFile("--out", options.out_path));
  AccessClient client(global);
  ComputeIsochronesResponse response;
  if (absl::Status status =
          client.ComputeIsochrones(BuildIsochronesRequest(options, facilities), &response);
      !status.ok()) {
    return absl::Status(status.code(), AddCsvLineToMessage(status.message(), facilities));
  }
  ASSIGN_OR_RETURN(const nlohmann::ordered_json geojson, IsochronesGeoJson(response));
  if (response.unsnapped_facility_ids_size() > 0) {
    err << "isochrone: facilities not on the road network (not part of any isochrone): "
        << ShortIdList(
               {response.unsnapped_facility_ids().begin(), response.unsnapped_facility_ids().end()})
        << "\n";
  }
  if (file == nullptr) {
    out << CompactJsonText(geojson);
    return absl::OkStatus();
  }
  file->stream() << CompactJsonText(geojson);
  RETURN_IF_ERROR(file->Commit());
  out << IsochronesTable(
      response,
      absl::StrCat(WithThousands(static_cast<int64_t>(facilities.facilities.size())), " (",
                   FacilitiesNote(facilities, options.where), ")"),
      options.out_path);
  return absl::OkStatus();
}

absl::Status RunMatrix(const GlobalOptions& global, const MatrixOptions& options, std::ostream& out,
                       std::ostream& err) {
  ASSIGN_OR_RETURN(const FacilityList origins,
                   ReadFacilityFile(options.origins_path, options.columns, options.origins_where,
                                    "--origins-where", "origins", err));
  ASSIGN_OR_RETURN(
      const FacilityList destinations,
      ReadFacilityFile(options.destinations_path, options.columns, options.destinations_where,
                       "--destinations-where", "destinations", err));
  MatrixPrinter printer(options.format, IdsOf(origins), IdsOf(destinations), out);
  if (options.format == OutputFormat::kTable &&
      printer.destination_ids().size() > kMaxTableDestinations) {
    return absl::InvalidArgumentError(
        absl::StrCat("matrix: ", printer.destination_ids().size(),
                     " destinations are too many for --format table (at most ",
                     kMaxTableDestinations, " columns); use --format csv or --format json"));
  }
  AccessClient client(global);
  if (absl::Status status =
          client.ComputeMatrix(BuildMatrixRequest(options, origins, destinations),
                               [&](const MatrixRow& row) { return printer.OnRow(row); });
      !status.ok()) {
    std::string message = AddCsvLineToMessage(status.message(), origins, "origins");
    message = AddCsvLineToMessage(message, destinations, "destinations");
    return absl::Status(status.code(), message);
  }
  return printer.Finish(options.region, err);
}

}  // namespace carereach::cli
