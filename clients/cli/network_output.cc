// NetworkService answers (networks, versions, diffs, reports) as tables, CSV and JSON
// (contracting_output.h).
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "clients/cli/contracting_output.h"
#include "clients/cli/output.h"
#include "clients/cli/roster_csv.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace carereach::cli {
namespace {

using carereach::v1::NetworkProvider;
using KeyValues = std::vector<std::pair<std::string, std::string>>;
using nlohmann::ordered_json;

std::string Rows(int64_t count) {
  return absl::StrCat(WithThousands(count), count == 1 ? " row" : " rows");
}

// The table row of a roster row: id, name, code, lon, lat, beds, telehealth, type, exclusion.
std::vector<std::string> ProviderCells(const NetworkProvider& p) {
  return {p.id(),
          p.name(),
          p.specialty_code(),
          absl::StrFormat("%.6f", p.location().lon()),
          absl::StrFormat("%.6f", p.location().lat()),
          TrimmedNumber(p.beds(), 1),
          p.telehealth() ? "yes" : "no",
          p.type(),
          p.exclusion()};
}

std::string VersionSummary(const carereach::v1::NetworkVersion& v) {
  std::string text = absl::StrCat("version ", v.version(), ": ", Rows(v.provider_count()));
  if (!v.content_hash().empty()) absl::StrAppend(&text, ", content hash ", v.content_hash());
  if (!v.note().empty()) absl::StrAppend(&text, ", note \"", v.note(), "\"");
  const std::string created = TimestampText(v.create_time());
  if (!created.empty()) absl::StrAppend(&text, ", created ", created);
  return text;
}

// The report's mode field ("STRAIGHT_LINE", "DRIVE") as the CLI names modes.
std::string ReportMode(absl::string_view mode) {
  if (mode == "DRIVE") return "drive";
  if (mode == "STRAIGHT_LINE") return "straight-line";
  return std::string(mode);
}

// The report's request and result, unpacked with the generated types.
struct Unpacked {
  std::unique_ptr<google::protobuf::Message> request;
  std::unique_ptr<google::protobuf::Message> result;
};

template <typename T>
absl::Status TryUnpack(const google::protobuf::Any& any, absl::string_view what,
                       std::unique_ptr<google::protobuf::Message>* out) {
  if (*out != nullptr || !any.Is<T>()) return absl::OkStatus();
  auto message = std::make_unique<T>();
  if (!any.UnpackTo(message.get())) {
    return absl::DataLossError(
        absl::StrCat("report ", what, ": does not parse as ", any.type_url()));
  }
  *out = std::move(message);
  return absl::OkStatus();
}

absl::StatusOr<Unpacked> Unpack(const carereach::v1::Report& report) {
  Unpacked unpacked;
  for (const auto& [any, what, out] :
       {std::make_tuple(&report.request(), "request", &unpacked.request),
        std::make_tuple(&report.result(), "result", &unpacked.result)}) {
    absl::Status status = TryUnpack<carereach::v1::AnalyzeCoverageRequest>(*any, what, out);
    if (status.ok()) status = TryUnpack<carereach::v1::AnalyzeCoverageResponse>(*any, what, out);
    if (status.ok()) status = TryUnpack<carereach::v1::AnalyzeAdequacyRequest>(*any, what, out);
    if (status.ok()) status = TryUnpack<carereach::v1::AdequacyReport>(*any, what, out);
    if (status.ok()) status = TryUnpack<carereach::v1::RecommendAdditionsRequest>(*any, what, out);
    if (status.ok()) {
      status = TryUnpack<carereach::v1::RecommendAdditionsResponse>(*any, what, out);
    }
    if (status.ok()) status = TryUnpack<carereach::v1::ComputeAccessRatiosRequest>(*any, what, out);
    if (status.ok()) {
      status = TryUnpack<carereach::v1::ComputeAccessRatiosResponse>(*any, what, out);
    }
    if (!status.ok()) return status;
  }
  return unpacked;
}

// The JSON of an unpacked Any; an unknown type keeps only its type URL.
absl::StatusOr<ordered_json> AnyJson(const google::protobuf::Any& any,
                                     const google::protobuf::Message* unpacked) {
  if (unpacked != nullptr) return ProtoJson(*unpacked);
  if (any.type_url().empty()) return ordered_json(nullptr);
  ordered_json json = ordered_json::object();
  json["@type"] = any.type_url();
  json["note"] = "a type this client does not know";
  return json;
}

}  // namespace

absl::StatusOr<ordered_json> ProtoJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string text;
  const auto status = google::protobuf::util::MessageToJsonString(message, &text, options);
  if (!status.ok()) {
    return absl::DataLossError(
        absl::StrCat(message.GetTypeName(), " as JSON: ", std::string(status.message())));
  }
  ordered_json json = ordered_json::parse(text, /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return absl::DataLossError(absl::StrCat(message.GetTypeName(), " as JSON: not JSON"));
  }
  return json;
}

std::string TimestampText(const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return "";
  return google::protobuf::util::TimeUtil::ToString(timestamp);
}

std::string NetworkRefText(absl::string_view network_id, int version) {
  if (version == 0) return std::string(network_id);
  return absl::StrCat(network_id, "@", version);
}

std::string ResolvedNetworkText(const carereach::v1::ResolvedNetwork& n) {
  const std::string label = n.label().empty() ? n.network_id() : n.label();
  std::string text = absl::StrCat(
      label, " (", n.network_id().empty() ? "inline" : NetworkRefText(n.network_id(), n.version()),
      "): ", Rows(n.base_rows()));
  if (n.added_rows() > 0 || n.removed_rows() > 0) {
    absl::StrAppend(&text, " +", WithThousands(n.added_rows()), " added -",
                    WithThousands(n.removed_rows()), " removed = ", Rows(n.rows()));
  }
  if (n.facility_count() > 0) {
    absl::StrAppend(&text, ", ", WithThousands(n.facility_count()),
                    n.facility_count() == 1 ? " facility" : " facilities");
  }
  return text;
}

std::string CreateNetworkTable(const carereach::v1::CreateNetworkResponse& response) {
  const carereach::v1::Network& n = response.network();
  KeyValues rows = {{"network", n.network_id()}};
  if (!n.name().empty()) rows.emplace_back("name", n.name());
  if (!n.description().empty()) rows.emplace_back("description", n.description());
  rows.emplace_back("created", TimestampText(n.create_time()));
  rows.emplace_back("version", response.has_version()
                                   ? VersionSummary(response.version())
                                   : "none yet (add a roster with 'carereach network import')");
  return KeyValueText(rows);
}

std::string NetworkVersionTable(const carereach::v1::NetworkVersion& v) {
  KeyValues rows = {{"network", v.network_id()},
                    {"version", absl::StrCat(v.version())},
                    {"rows", WithThousands(v.provider_count())},
                    {"content hash", v.content_hash()}};
  if (!v.note().empty()) rows.emplace_back("note", v.note());
  rows.emplace_back("created", TimestampText(v.create_time()));
  return KeyValueText(rows);
}

std::string NetworksTable(const std::vector<carereach::v1::Network>& networks) {
  TextTable table({"id", "name", "latest", "versions", "rows", "created", "description"},
                  {false, false, true, true, true, false, false});
  for (const carereach::v1::Network& n : networks) {
    table.AddRow({n.network_id(), n.name(),
                  n.latest_version() > 0 ? absl::StrCat(n.latest_version()) : "-",
                  absl::StrCat(n.version_count()), WithThousands(n.latest_provider_count()),
                  TimestampText(n.create_time()), n.description()});
  }
  return absl::StrCat(table.Render(), networks.size(),
                      networks.size() == 1 ? " network\n" : " networks\n");
}

std::string NetworkTable(const carereach::v1::GetNetworkResponse& response) {
  const carereach::v1::Network& n = response.network();
  KeyValues rows = {{"network", n.network_id()}};
  if (!n.name().empty()) rows.emplace_back("name", n.name());
  if (!n.description().empty()) rows.emplace_back("description", n.description());
  rows.emplace_back("created", TimestampText(n.create_time()));
  rows.emplace_back("latest version", n.latest_version() > 0
                                          ? absl::StrCat(n.latest_version(), " (",
                                                         Rows(n.latest_provider_count()), ")")
                                          : "none");
  std::string out = KeyValueText(rows);
  if (response.versions_size() == 0) return out;
  TextTable table({"version", "created", "rows", "content hash", "note"},
                  {true, false, true, false, false});
  for (const carereach::v1::NetworkVersion& v : response.versions()) {
    table.AddRow({absl::StrCat(v.version()), TimestampText(v.create_time()),
                  WithThousands(v.provider_count()), v.content_hash(), v.note()});
  }
  return absl::StrCat(out, "\n", table.Render());
}

std::string DiffTable(const carereach::v1::DiffNetworkVersionsResponse& response) {
  const auto& from = response.from();
  const auto& to = response.to();
  KeyValues rows = {{"network", from.network_id().empty() ? to.network_id() : from.network_id()},
                    {"from", VersionSummary(from)},
                    {"to", VersionSummary(to)},
                    {"added", Rows(response.added_size())},
                    {"removed", Rows(response.removed_size())},
                    {"changed", Rows(response.changed_size())},
                    {"unchanged", Rows(response.unchanged_count())}};
  std::string out = KeyValueText(rows);
  if (response.added_size() + response.removed_size() + response.changed_size() == 0) {
    return absl::StrCat(out, "\nno differences\n");
  }
  TextTable table(
      {"change", "id", "name", "code", "lon", "lat", "beds", "telehealth", "type", "exclusion"},
      {false, false, false, false, true, true, true, false, false, false});
  auto add = [&](absl::string_view change, const NetworkProvider& p) {
    std::vector<std::string> row = ProviderCells(p);
    row.insert(row.begin(), std::string(change));
    table.AddRow(std::move(row));
  };
  for (const NetworkProvider& p : response.added()) add("added", p);
  for (const NetworkProvider& p : response.removed()) add("removed", p);
  for (const carereach::v1::ProviderChange& c : response.changed()) {
    add("changed from", c.before());
    add("changed to", c.after());
  }
  return absl::StrCat(out, "\n", table.Render());
}

std::string DiffCsv(const carereach::v1::DiffNetworkVersionsResponse& response) {
  std::string out = absl::StrCat("change,", kExportCsvHeader);
  for (const NetworkProvider& p : response.added())
    absl::StrAppend(&out, "added,", ExportCsvLine(p));
  for (const NetworkProvider& p : response.removed()) {
    absl::StrAppend(&out, "removed,", ExportCsvLine(p));
  }
  for (const carereach::v1::ProviderChange& c : response.changed()) {
    absl::StrAppend(&out, "changed_from,", ExportCsvLine(c.before()), "changed_to,",
                    ExportCsvLine(c.after()));
  }
  return out;
}

std::string ReportsTable(const std::vector<carereach::v1::Report>& reports) {
  TextTable table({"report", "kind", "created", "region", "networks", "title", "summary"},
                  {false, false, false, false, false, false, false});
  for (const carereach::v1::Report& r : reports) {
    std::vector<std::string> refs;
    for (const carereach::v1::NetworkVersionRef& ref : r.networks()) {
      refs.push_back(NetworkRefText(ref.network_id(), ref.version()));
    }
    table.AddRow({r.report_id(), r.kind(), TimestampText(r.create_time()), r.region(),
                  absl::StrJoin(refs, ", "), r.title(), r.summary()});
  }
  return absl::StrCat(table.Render(), reports.size(),
                      reports.size() == 1 ? " report\n" : " reports\n");
}

absl::StatusOr<std::string> ReportTable(const carereach::v1::Report& report) {
  KeyValues rows = {{"report", report.report_id()}, {"kind", report.kind()}};
  if (!report.title().empty()) rows.emplace_back("title", report.title());
  if (report.has_create_time()) rows.emplace_back("created", TimestampText(report.create_time()));
  if (!report.region().empty()) rows.emplace_back("region", report.region());
  if (!report.mode().empty()) rows.emplace_back("mode", ReportMode(report.mode()));
  if (!report.standards_set().empty()) rows.emplace_back("standards set", report.standards_set());
  for (int i = 0; i < report.networks_size(); ++i) {
    const carereach::v1::NetworkVersionRef& ref = report.networks(i);
    rows.emplace_back(i > 0 ? "" : "networks", NetworkRefText(ref.network_id(), ref.version()));
  }
  if (!report.summary().empty()) rows.emplace_back("summary", report.summary());
  std::string out = KeyValueText(rows);

  absl::StatusOr<Unpacked> unpacked = Unpack(report);
  if (!unpacked.ok()) return unpacked.status();
  const google::protobuf::Message* result = unpacked->result.get();
  const google::protobuf::Message* request = unpacked->request.get();
  std::string body;
  if (const auto* r = dynamic_cast<const carereach::v1::AnalyzeCoverageResponse*>(result)) {
    body = AnalyzeCoverageTable(*r, /*counties=*/false);
  } else if (const auto* r = dynamic_cast<const carereach::v1::AdequacyReport*>(result)) {
    body = AllianceAdequacyTable(*r, /*failing_only=*/false);
  } else if (const auto* r =
                 dynamic_cast<const carereach::v1::RecommendAdditionsResponse*>(result)) {
    const auto* q = dynamic_cast<const carereach::v1::RecommendAdditionsRequest*>(request);
    body = RecommendTable(q != nullptr ? *q : carereach::v1::RecommendAdditionsRequest(), *r);
  } else if (const auto* r =
                 dynamic_cast<const carereach::v1::ComputeAccessRatiosResponse*>(result)) {
    const auto* q = dynamic_cast<const carereach::v1::ComputeAccessRatiosRequest*>(request);
    body = AccessRatiosTable(q != nullptr ? *q : carereach::v1::ComputeAccessRatiosRequest(), *r);
  } else if (report.has_result()) {
    body = absl::StrCat("result of type ", report.result().type_url(),
                        ", which this client does not know\n");
  }
  if (body.empty()) return out;
  return absl::StrCat(out, "\n", body);
}

absl::StatusOr<ordered_json> ReportJson(const carereach::v1::Report& report) {
  absl::StatusOr<Unpacked> unpacked = Unpack(report);
  if (!unpacked.ok()) return unpacked.status();
  carereach::v1::Report metadata = report;
  metadata.clear_request();
  metadata.clear_result();
  absl::StatusOr<ordered_json> json = ProtoJson(metadata);
  if (!json.ok()) return json.status();
  absl::StatusOr<ordered_json> request = AnyJson(report.request(), unpacked->request.get());
  if (!request.ok()) return request.status();
  absl::StatusOr<ordered_json> result = AnyJson(report.result(), unpacked->result.get());
  if (!result.ok()) return result.status();
  (*json)["request"] = *std::move(request);
  (*json)["result"] = *std::move(result);
  return json;
}

}  // namespace carereach::cli
