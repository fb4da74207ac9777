#include "clients/cli/network_commands.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "carereach/v1/networks.grpc.pb.h"
#include "clients/cli/contracting_output.h"
#include "clients/cli/facilities_csv.h"
#include "clients/cli/hsd_tables.h"
#include "clients/cli/html_pages.h"
#include "clients/cli/map_commands.h"
#include "clients/cli/output.h"
#include "clients/cli/partial_file.h"
#include "clients/cli/roster_csv.h"
#include "clients/cli/rpc_client.h"
#include "geo/core/status_macros.h"
#include "grpcpp/grpcpp.h"

namespace carereach::cli {
namespace {

using carereach::v1::NetworkService;

// A page token the server repeats would loop forever; no tenant has this many pages.
constexpr int kMaxPages = 100000;

// A client of NetworkService with the CLI's call policy. Not thread-safe.
class NetworkClient {
 public:
  explicit NetworkClient(const GlobalOptions& options)
      : rpc_(options), stub_(NetworkService::NewStub(rpc_.channel())) {}

  template <typename Request, typename Response>
  absl::Status Call(grpc::Status (NetworkService::Stub::*method)(grpc::ClientContext*,
                                                                 const Request&, Response*),
                    const Request& request, Response* response) {
    return rpc_.Unary(*stub_, method, request, response);
  }

  // Sends the header, then `providers` in batches of kRosterBatchRows, and half-closes.
  // UNAVAILABLE sends it all again (RpcClient::RetryStreaming, with the same request id: the
  // server answers the version an earlier attempt made); nothing is saved unless a call completes.
  absl::Status Import(const carereach::v1::ImportNetworkHeader& header,
                      const std::vector<carereach::v1::NetworkProvider>& providers,
                      carereach::v1::NetworkVersion* version) {
    const std::unique_ptr<Progress> progress = rpc_.StartProgress("rows sent");
    const grpc::Status status =
        rpc_.RetryStreaming(rpc_.NextRequestId(), [&](grpc::ClientContext& context, bool*) {
          version->Clear();
          std::unique_ptr<grpc::ClientWriter<carereach::v1::ImportNetworkRequest>> writer =
              stub_->ImportNetwork(&context, version);
          carereach::v1::ImportNetworkRequest request;
          *request.mutable_header() = header;
          WriteRosterStream(*writer, request, providers, progress.get());
          return writer->Finish();
        });
    return status.ok() ? absl::OkStatus() : rpc_.Explain(status);
  }

  absl::Status Export(
      const carereach::v1::ExportNetworkRequest& request,
      const std::function<absl::Status(const carereach::v1::ExportNetworkResponse&)>& on_part) {
    return rpc_.ReadStream(*stub_, &NetworkService::Stub::ExportNetwork, request, on_part, "parts");
  }

 private:
  RpcClient rpc_;
  std::unique_ptr<NetworkService::Stub> stub_;
};

// Calls a List method page after page until the last, handing each page to `on_page`.
template <typename Request, typename Response>
absl::Status ListAll(NetworkClient& client,
                     grpc::Status (NetworkService::Stub::*method)(grpc::ClientContext*,
                                                                  const Request&, Response*),
                     Request request,
                     const std::type_identity_t<std::function<void(const Response&)>>& on_page) {
  for (int page = 0; page < kMaxPages; ++page) {
    Response response;
    RETURN_IF_ERROR(client.Call(method, request, &response));
    on_page(response);
    if (response.next_page_token().empty()) return absl::OkStatus();
    if (response.next_page_token() == request.page_token()) {
      return absl::DataLossError("the server answered the same page token twice");
    }
    request.set_page_token(response.next_page_token());
  }
  return absl::DataLossError(absl::StrCat("more than ", kMaxPages, " pages"));
}

// `table` or the proto3 JSON mapping of `message` (docs/CLI.md, JSON policy).
absl::Status PrintMessage(OutputFormat format, const google::protobuf::Message& message,
                          const std::function<std::string()>& table, std::ostream& out) {
  return PrintAnswer(format, {.table = table, .json = [&] { return ProtoJson(message); }}, out);
}

// The rows of create / import and the file line each came from.
struct NetworkRows {
  std::vector<carereach::v1::NetworkProvider> providers;
  RowOrigins origins;

  void Append(Roster roster) {
    origins.Append(roster.source, roster.csv_lines);
    providers.insert(providers.end(), std::make_move_iterator(roster.providers.begin()),
                     std::make_move_iterator(roster.providers.end()));
  }
};

// The roster of create / import (none for a create without one), read and reported on `err`:
// the --roster or --facilities file, or the HSD tables (Provider table rows first).
absl::StatusOr<NetworkRows> ReadNetworkRows(const NetworkOptions& options, std::ostream& err) {
  NetworkRows rows;
  if (options.roster) {
    const RosterSource& source = *options.roster;
    ASSIGN_OR_RETURN(
        Roster roster,
        ReadRosterSource(source, options.read,
                         source.format == RosterFormat::kFacilities ? "facilities" : "roster",
                         "--where", err));
    rows.Append(std::move(roster));
  }
  for (const auto& [table, path] : {std::pair{HsdTable::kProvider, &options.hsd_providers_path},
                                    std::pair{HsdTable::kFacility, &options.hsd_facilities_path}}) {
    if (path->empty()) continue;
    ASSIGN_OR_RETURN(Roster roster, ReadHsdTable(*path, table, options.read.roster_columns));
    err << RosterSummary(roster, {},
                         table == HsdTable::kFacility ? "hsd-facilities" : "hsd-providers");
    rows.Append(std::move(roster));
  }
  if ((!options.hsd_providers_path.empty() || !options.hsd_facilities_path.empty()) &&
      rows.providers.empty()) {
    return absl::InvalidArgumentError("no rows to send: the HSD tables have no rows");
  }
  return rows;
}

absl::Status WithRowLines(const absl::Status& status, const NetworkRows& rows) {
  return absl::Status(status.code(),
                      AddRowOriginsToMessage(status.message(), "providers", rows.origins));
}

absl::Status RunCreate(NetworkClient& client, const NetworkOptions& options, std::ostream& out,
                       std::ostream& err) {
  ASSIGN_OR_RETURN(const NetworkRows rows, ReadNetworkRows(options, err));
  carereach::v1::CreateNetworkResponse response;
  if (absl::Status status =
          client.Call(&NetworkService::Stub::CreateNetwork,
                      BuildCreateNetworkRequest(options, rows.providers), &response);
      !status.ok()) {
    return WithRowLines(status, rows);
  }
  out << CreateNetworkTable(response);
  return absl::OkStatus();
}

absl::Status RunImport(NetworkClient& client, const NetworkOptions& options, std::ostream& out,
                       std::ostream& err) {
  ASSIGN_OR_RETURN(const NetworkRows rows, ReadNetworkRows(options, err));
  carereach::v1::NetworkVersion version;
  if (absl::Status status = client.Import(BuildImportHeader(options), rows.providers, &version);
      !status.ok()) {
    return WithRowLines(status, rows);
  }
  out << NetworkVersionTable(version);
  return absl::OkStatus();
}

absl::Status RunExport(NetworkClient& client, const NetworkOptions& options, std::ostream& out,
                       std::ostream& err) {
  // Open the files first: an unwritable path should fail before the call, not after.
  ASSIGN_OR_RETURN(std::unique_ptr<PartialFile> file, OpenPartialFile("--out", options.out_path));
  ASSIGN_OR_RETURN(std::unique_ptr<PartialFile> hsd_providers,
                   OpenPartialFile("--hsd-providers", options.hsd_providers_path));
  ASSIGN_OR_RETURN(std::unique_ptr<PartialFile> hsd_facilities,
                   OpenPartialFile("--hsd-facilities", options.hsd_facilities_path));
  const bool hsd = hsd_providers != nullptr;
  // stdout gets the CSV only once the stream has ended well.
  std::ostringstream buffer;
  std::ostream& target = file != nullptr ? file->stream() : buffer;
  int64_t table_rows[2] = {0, 0};

  carereach::v1::ExportNetworkRequest request;
  request.set_network_id(options.network_id);
  request.set_version(options.version);
  std::optional<carereach::v1::NetworkVersion> version;
  int64_t rows = 0;
  auto on_part = [&](const carereach::v1::ExportNetworkResponse& part) -> absl::Status {
    if (part.has_version()) {
      if (version) return absl::DataLossError("export: the stream sent two versions");
      version = part.version();
      if (hsd) {
        hsd_providers->stream() << HsdHeader(HsdTable::kProvider);
        hsd_facilities->stream() << HsdHeader(HsdTable::kFacility);
      } else {
        target << kExportCsvHeader;
      }
      return absl::OkStatus();
    }
    if (!version) return absl::DataLossError("export: the stream sent rows before its version");
    for (const carereach::v1::NetworkProvider& provider : part.providers().providers()) {
      if (hsd) {
        const HsdTable table = HsdTableOf(provider);
        (table == HsdTable::kFacility ? hsd_facilities : hsd_providers)->stream()
            << HsdLine(table, provider);
        ++table_rows[table == HsdTable::kFacility ? 1 : 0];
      } else {
        target << ExportCsvLine(provider);
      }
      ++rows;
    }
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(client.Export(request, on_part));
  if (!version) return absl::DataLossError("export: the stream ended without a version");
  if (rows != version->provider_count()) {
    return absl::DataLossError(absl::StrCat("export: the stream ended after ", rows, " of ",
                                            version->provider_count(), " rows"));
  }
  const std::string what =
      absl::StrCat(WithThousands(rows), rows == 1 ? " row" : " rows", " of network ",
                   version->network_id(), " version ", version->version());
  if (hsd) {
    RETURN_IF_ERROR(hsd_providers->Commit());
    RETURN_IF_ERROR(hsd_facilities->Commit());
    out << "wrote " << what << ": " << WithThousands(table_rows[0]) << " to "
        << options.hsd_providers_path << " (HSD Provider table), " << WithThousands(table_rows[1])
        << " to " << options.hsd_facilities_path << " (HSD Facility table)\n";
    return absl::OkStatus();
  }
  if (file == nullptr) {
    out << buffer.str();
    err << "export: " << what << "\n";
    return absl::OkStatus();
  }
  RETURN_IF_ERROR(file->Commit());
  out << "wrote " << what << " to " << options.out_path << "\n";
  return absl::OkStatus();
}

}  // namespace

carereach::v1::CreateNetworkRequest BuildCreateNetworkRequest(
    const NetworkOptions& options, const std::vector<carereach::v1::NetworkProvider>& providers) {
  carereach::v1::CreateNetworkRequest request;
  request.set_network_id(options.network_id);
  request.set_name(options.name);
  request.set_description(options.description);
  request.set_note(options.note);
  request.mutable_providers()->Reserve(static_cast<int>(providers.size()));
  for (const carereach::v1::NetworkProvider& provider : providers) {
    *request.add_providers() = provider;
  }
  return request;
}

carereach::v1::ImportNetworkHeader BuildImportHeader(const NetworkOptions& options) {
  carereach::v1::ImportNetworkHeader header;
  header.set_network_id(options.network_id);
  header.set_create_if_missing(options.create_if_missing);
  header.set_name(options.name);
  header.set_description(options.description);
  header.set_note(options.note);
  return header;
}

absl::Status RunNetworkCommand(Command command, const GlobalOptions& global,
                               const NetworkOptions& options, std::ostream& out,
                               std::ostream& err) {
  NetworkClient client(global);
  switch (command) {
    case Command::kNetworkCreate:
      return RunCreate(client, options, out, err);
    case Command::kNetworkImport:
      return RunImport(client, options, out, err);
    case Command::kNetworkList: {
      carereach::v1::ListNetworksResponse all;
      absl::Status status = ListAll<carereach::v1::ListNetworksRequest>(
          client, &NetworkService::Stub::ListNetworks, {},
          [&](const carereach::v1::ListNetworksResponse& page) {
            all.mutable_networks()->MergeFrom(page.networks());
          });
      RETURN_IF_ERROR(status);
      return PrintMessage(
          options.format, all,
          [&] {
            return NetworksTable({all.networks().begin(), all.networks().end()});
          },
          out);
    }
    case Command::kNetworkShow: {
      carereach::v1::GetNetworkRequest request;
      request.set_network_id(options.network_id);
      carereach::v1::GetNetworkResponse response;
      RETURN_IF_ERROR(client.Call(&NetworkService::Stub::GetNetwork, request, &response));
      return PrintMessage(
          options.format, response, [&] { return NetworkTable(response); }, out);
    }
    case Command::kNetworkExport:
      return RunExport(client, options, out, err);
    case Command::kNetworkDiff: {
      carereach::v1::DiffNetworkVersionsRequest request;
      request.set_network_id(options.network_id);
      request.set_from_version(options.from_version);
      request.set_to_version(options.to_version);
      carereach::v1::DiffNetworkVersionsResponse response;
      RETURN_IF_ERROR(client.Call(&NetworkService::Stub::DiffNetworkVersions, request, &response));
      return PrintAnswer(options.format,
                         {.table = [&] { return DiffTable(response); },
                          .csv = [&] { return DiffCsv(response); },
                          .json = [&] { return ProtoJson(response); }},
                         out);
    }
    case Command::kNetworkDelete: {
      carereach::v1::DeleteNetworkRequest request;
      request.set_network_id(options.network_id);
      carereach::v1::DeleteNetworkResponse response;
      RETURN_IF_ERROR(client.Call(&NetworkService::Stub::DeleteNetwork, request, &response));
      out << "deleted network " << options.network_id << "\n";
      return absl::OkStatus();
    }
    default:
      return absl::InternalError("not a network command");
  }
}

absl::Status RunReportCommand(Command command, const GlobalOptions& global,
                              const ReportOptions& options, std::ostream& out, std::ostream& err) {
  NetworkClient client(global);
  if (command == Command::kReportList) {
    carereach::v1::ListReportsRequest request;
    request.set_network_id(options.network_id);
    carereach::v1::ListReportsResponse all;
    absl::Status status = ListAll<carereach::v1::ListReportsRequest>(
        client, &NetworkService::Stub::ListReports, request,
        [&](const carereach::v1::ListReportsResponse& page) {
          all.mutable_reports()->MergeFrom(page.reports());
        });
    RETURN_IF_ERROR(status);
    return PrintMessage(
        options.format, all,
        [&] {
          return ReportsTable({all.reports().begin(), all.reports().end()});
        },
        out);
  }
  carereach::v1::GetReportRequest request;
  request.set_report_id(options.report_id);
  carereach::v1::Report report;
  RETURN_IF_ERROR(client.Call(&NetworkService::Stub::GetReport, request, &report));
  std::string table;
  if (options.format == OutputFormat::kTable) {
    ASSIGN_OR_RETURN(table, ReportTable(report));
  }
  RETURN_IF_ERROR(PrintAnswer(
      options.format, {.table = [&] { return table; }, .json = [&] { return ReportJson(report); }},
      out));
  if (options.html_path.empty()) return absl::OkStatus();
  return WriteReportHtml(global, report, options.html_path, err);
}

absl::Status WriteReportHtml(const GlobalOptions& global, const carereach::v1::Report& report,
                             const std::string& path, std::ostream& err) {
  // Coverage and adequacy reports get their maps, redrawn from the saved request (map report).
  carereach::v1::RenderMapRequest maps;
  if (report.kind() == "coverage" || report.kind() == "adequacy") {
    ASSIGN_OR_RETURN(maps, ReportMapRequest(report));
    carereach::v1::AdequacyReport adequacy;
    if (maps.has_adequacy() && report.result().UnpackTo(&adequacy)) {
      for (carereach::v1::MapOptions& map : AdequacyMapOptions(adequacy)) {
        *maps.add_maps() = std::move(map);
      }
    } else {
      *maps.add_maps() = CoverageMapOptions();
    }
  }
  return WriteHtmlWithMaps(
      global, maps,
      [&](const carereach::v1::RenderMapResponse& drawn) {
        return SavedReportHtml(report, drawn, GeneratedLine(global.command_name));
      },
      path, err);
}

}  // namespace carereach::cli
