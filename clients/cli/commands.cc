#include "clients/cli/commands.h"

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "carereach/v1/access.grpc.pb.h"
#include "clients/cli/output.h"
#include "grpcpp/grpcpp.h"

namespace carereach::cli {
namespace {

using carereach::v1::AccessService;
using carereach::v1::ComputeCoverageRequest;
using carereach::v1::ComputeCoverageResponse;
using carereach::v1::ListRegionsRequest;
using carereach::v1::ListRegionsResponse;

// Large facility lists and per-unit pages exceed gRPC's 4 MiB default.
constexpr int kMaxMessageBytes = 256 * 1024 * 1024;
constexpr auto kRetryInterval = std::chrono::milliseconds(200);
constexpr int kUnitsPageSize = 10000;

absl::StatusCode ToAbslCode(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return absl::StatusCode::kOk;
    case grpc::StatusCode::CANCELLED:
      return absl::StatusCode::kCancelled;
    case grpc::StatusCode::UNKNOWN:
      return absl::StatusCode::kUnknown;
    case grpc::StatusCode::INVALID_ARGUMENT:
      return absl::StatusCode::kInvalidArgument;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::StatusCode::kDeadlineExceeded;
    case grpc::StatusCode::NOT_FOUND:
      return absl::StatusCode::kNotFound;
    case grpc::StatusCode::ALREADY_EXISTS:
      return absl::StatusCode::kAlreadyExists;
    case grpc::StatusCode::PERMISSION_DENIED:
      return absl::StatusCode::kPermissionDenied;
    case grpc::StatusCode::UNAUTHENTICATED:
      return absl::StatusCode::kUnauthenticated;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return absl::StatusCode::kResourceExhausted;
    case grpc::StatusCode::FAILED_PRECONDITION:
      return absl::StatusCode::kFailedPrecondition;
    case grpc::StatusCode::ABORTED:
      return absl::StatusCode::kAborted;
    case grpc::StatusCode::OUT_OF_RANGE:
      return absl::StatusCode::kOutOfRange;
    case grpc::StatusCode::UNIMPLEMENTED:
      return absl::StatusCode::kUnimplemented;
    case grpc::StatusCode::INTERNAL:
      return absl::StatusCode::kInternal;
    case grpc::StatusCode::UNAVAILABLE:
      return absl::StatusCode::kUnavailable;
    case grpc::StatusCode::DATA_LOSS:
      return absl::StatusCode::kDataLoss;
    default:
      return absl::StatusCode::kUnknown;
  }
}

// A client of AccessService with the CLI's deadline and wait-for-server policy.
// Not thread-safe (one command runs at a time).
class AccessClient {
 public:
  explicit AccessClient(const GlobalOptions& options) : options_(options) {
    grpc::ChannelArguments args;
    args.SetMaxSendMessageSize(kMaxMessageBytes);
    args.SetMaxReceiveMessageSize(kMaxMessageBytes);
    // --wait-seconds polls every 0.2 s; keep reconnection attempts close together so a server
    // that has just started is noticed within about a second.
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
    channel_ = grpc::CreateCustomChannel(options.server, grpc::InsecureChannelCredentials(), args);
    stub_ = AccessService::NewStub(channel_);
  }

  absl::Status ListRegions(const ListRegionsRequest& request, ListRegionsResponse* response) {
    return Call(&AccessService::Stub::ListRegions, request, response);
  }

  absl::Status ComputeCoverage(const ComputeCoverageRequest& request,
                               ComputeCoverageResponse* response) {
    return Call(&AccessService::Stub::ComputeCoverage, request, response);
  }

 private:
  template <typename Request, typename Response>
  using Method = grpc::Status (AccessService::Stub::*)(grpc::ClientContext*, const Request&,
                                                       Response*);

  template <typename Request, typename Response>
  absl::Status Call(Method<Request, Response> method, const Request& request, Response* response) {
    const auto wait_until = std::chrono::steady_clock::now() +
                            std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                std::chrono::duration<double>(options_.wait_seconds));
    while (true) {
      grpc::ClientContext context;
      response->Clear();
      context.set_deadline(std::chrono::system_clock::now() +
                           std::chrono::duration_cast<std::chrono::system_clock::duration>(
                               std::chrono::duration<double>(options_.timeout_seconds)));
      grpc::Status status = (stub_.get()->*method)(&context, request, response);
      if (status.ok()) return absl::OkStatus();
      if (status.error_code() == grpc::StatusCode::UNAVAILABLE &&
          std::chrono::steady_clock::now() + kRetryInterval <= wait_until) {
        std::this_thread::sleep_for(kRetryInterval);
        continue;
      }
      return Explain(status);
    }
  }

  // Adds what the CLI knows to transport-level failures.
  absl::Status Explain(const grpc::Status& status) {
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE &&
        channel_->GetState(/*try_to_connect=*/false) != GRPC_CHANNEL_READY) {
      return FromGrpcStatus(grpc::Status(
          status.error_code(), absl::StrCat("cannot reach carereach server at ", options_.server,
                                            ": ", status.error_message())));
    }
    if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
      return FromGrpcStatus(
          grpc::Status(status.error_code(),
                       absl::StrCat(status.error_message(), " (no answer within ",
                                    options_.timeout_seconds, " s; see --timeout-seconds)")));
    }
    return FromGrpcStatus(status);
  }

  GlobalOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<AccessService::Stub> stub_;
};

// Writes --units-out to a sibling temporary file renamed into place on success, so a failed
// run never leaves a truncated file under the requested name.
class UnitsFile {
 public:
  explicit UnitsFile(std::string path) : path_(std::move(path)), temp_path_(path_ + ".partial") {}
  ~UnitsFile() {
    if (opened_ && !committed_) {
      if (stream_.is_open()) stream_.close();
      std::remove(temp_path_.c_str());
    }
  }

  absl::Status Open(bool drive) {
    stream_.open(temp_path_, std::ios::out | std::ios::trunc);
    if (!stream_) {
      return absl::FailedPreconditionError(
          absl::StrCat("--units-out: cannot write ", temp_path_, ": ", std::strerror(errno)));
    }
    opened_ = true;
    stream_ << UnitsCsvHeader(drive);
    return absl::OkStatus();
  }

  void Write(const ComputeCoverageResponse& page, bool drive) {
    for (const carereach::v1::PopulationUnitResult& unit : page.units()) {
      stream_ << UnitsCsvLine(unit, drive);
      ++rows_;
    }
  }

  absl::Status Commit() {
    stream_.close();
    if (!stream_ || std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
      return absl::DataLossError(absl::StrCat("--units-out: cannot write ", path_));
    }
    committed_ = true;
    return absl::OkStatus();
  }

  int64_t rows() const { return rows_; }

 private:
  std::string path_;
  std::string temp_path_;
  std::ofstream stream_;
  int64_t rows_ = 0;
  bool opened_ = false;
  bool committed_ = false;
};

std::string FacilitiesNote(const FacilityList& list, const std::vector<WhereClause>& where) {
  std::string note = std::string(BaseName(list.source));
  for (const WhereClause& clause : where) {
    absl::StrAppend(&note, ", ", clause.column, "=", clause.value);
  }
  return note;
}

}  // namespace

absl::string_view GrpcCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    default:
      return "UNKNOWN";
  }
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(
      ToAbslCode(status.error_code()),
      absl::StrCat(GrpcCodeName(status.error_code()), ": ", status.error_message()));
}

ComputeCoverageRequest BuildCoverageRequest(const CoverageOptions& options,
                                            const FacilityList& facilities) {
  ComputeCoverageRequest request;
  request.set_region(options.region);
  request.mutable_facilities()->Reserve(static_cast<int>(facilities.facilities.size()));
  for (const carereach::v1::Facility& facility : facilities.facilities) {
    *request.add_facilities() = facility;
  }
  for (double minutes : options.minutes) request.add_max_minutes(minutes);
  for (double miles : options.miles) request.add_max_miles(miles);
  if (options.mode == Mode::kDrive) {
    request.set_mode(carereach::v1::TRAVEL_MODE_DRIVE);
    if (options.max_snap_meters)
      request.mutable_drive()->set_max_snap_meters(*options.max_snap_meters);
    switch (options.direction) {
      case Direction::kToFacility:
        request.mutable_drive()->set_direction(carereach::v1::TRAVEL_DIRECTION_TO_FACILITY);
        break;
      case Direction::kFromFacility:
        request.mutable_drive()->set_direction(carereach::v1::TRAVEL_DIRECTION_FROM_FACILITY);
        break;
      case Direction::kDefault:
        break;
    }
    if (!options.speed_profile.empty()) {
      request.mutable_drive()->set_speed_profile(options.speed_profile);
    }
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
  absl::StatusOr<FacilityList> facilities =
      ReadFacilitiesCsv(options.facilities_path, options.columns, options.where);
  if (!facilities.ok()) return facilities.status();
  err << FacilitySummaryLine(*facilities, options.where) << "\n";
  if (facilities->facilities.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("no facilities to send: ", options.facilities_path, " has ",
                     facilities->rows_read, " rows and none matched the --where filters"));
  }

  const bool drive = options.mode == Mode::kDrive;
  std::unique_ptr<UnitsFile> units_file;
  if (!options.units_out.empty()) {
    units_file = std::make_unique<UnitsFile>(options.units_out);
    if (absl::Status status = units_file->Open(drive); !status.ok()) return status;
  }

  AccessClient client(global);
  ComputeCoverageRequest request = BuildCoverageRequest(options, *facilities);
  ComputeCoverageResponse summary;
  if (absl::Status status = client.ComputeCoverage(request, &summary); !status.ok()) {
    return absl::Status(status.code(), AddCsvLineToMessage(status.message(), *facilities));
  }

  if (units_file != nullptr) {
    units_file->Write(summary, drive);
    std::string token = summary.next_page_token();
    while (!token.empty()) {
      request.mutable_unit_detail()->set_page_token(token);
      ComputeCoverageResponse page;
      if (absl::Status status = client.ComputeCoverage(request, &page); !status.ok()) {
        return absl::Status(status.code(), AddCsvLineToMessage(status.message(), *facilities));
      }
      units_file->Write(page, drive);
      token = page.next_page_token();
    }
    if (absl::Status status = units_file->Commit(); !status.ok()) return status;
    err << "units: wrote " << units_file->rows() << " rows to " << options.units_out << "\n";
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

int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const char* env_server = std::getenv("CARERACH_SERVER");
  absl::StatusOr<Invocation> invocation =
      ParseArgs(args, env_server != nullptr && *env_server != '\0' ? env_server : kDefaultServer);
  if (!invocation.ok()) {
    err << "error: " << invocation.status().message() << "\n"
        << "run 'carereach help' for usage\n";
    return kExitUsage;
  }
  absl::Status status;
  switch (invocation->command) {
    case Command::kHelp:
      out << UsageText();
      return kExitOk;
    case Command::kRegions:
      status = RunRegions(invocation->global, invocation->regions, out);
      break;
    case Command::kCoverage:
      status = RunCoverage(invocation->global, invocation->coverage, out, err);
      break;
  }
  out.flush();
  if (!status.ok()) {
    err << "error: " << status.message() << "\n";
    return kExitError;
  }
  return kExitOk;
}

}  // namespace carereach::cli
