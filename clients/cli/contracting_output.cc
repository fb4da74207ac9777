#include "clients/cli/contracting_output.h"

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
#include "clients/cli/output.h"
#include "clients/cli/roster_csv.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace carereach::cli {
namespace {

using carereach::v1::AllianceAdequacyResult;
using carereach::v1::AnalyzeCoverageResponse;
using carereach::v1::NetworkProvider;
using carereach::v1::ThresholdCoverage;
using KeyValues = std::vector<std::pair<std::string, std::string>>;
using nlohmann::ordered_json;

std::string Share6(double share) { return absl::StrFormat("%.6f", share); }

std::string Rows(int64_t count) {
  return absl::StrCat(WithThousands(count), count == 1 ? " row" : " rows");
}

std::string Rounded(double value) { return WithThousands(std::llround(value)); }

bool IsDriveMode(carereach::v1::TravelMode mode) {
  return mode == carereach::v1::TRAVEL_MODE_DRIVE;
}

std::string AttributionText(absl::string_view attribution) {
  return absl::StrCat("Road data ", AttributionOr(attribution), "\n");
}

// "networks" rows of a header block: the first row keyed, the others with an empty key.
void AddNetworkRows(const google::protobuf::RepeatedPtrField<carereach::v1::ResolvedNetwork>& nets,
                    KeyValues& rows) {
  for (int i = 0; i < nets.size(); ++i) {
    rows.emplace_back(i > 0 ? "" : (nets.size() > 1 ? "networks" : "network"),
                      ResolvedNetworkText(nets[i]));
  }
}

void AddNetworkRow(const carereach::v1::ResolvedNetwork& network, KeyValues& rows) {
  rows.emplace_back("network", ResolvedNetworkText(network));
}

std::string IdList(const google::protobuf::RepeatedPtrField<std::string>& ids) {
  return ShortIdList({ids.begin(), ids.end()});
}

// The table row of a roster row: id, name, code, lon, lat, beds, telehealth, type.
std::vector<std::string> ProviderCells(const NetworkProvider& p) {
  return {p.id(),
          p.name(),
          p.specialty_code(),
          absl::StrFormat("%.6f", p.location().lon()),
          absl::StrFormat("%.6f", p.location().lat()),
          TrimmedNumber(p.beds(), 1),
          p.telehealth() ? "yes" : "no",
          p.type()};
}

std::string VersionSummary(const carereach::v1::NetworkVersion& v) {
  std::string text = absl::StrCat("version ", v.version(), ": ", Rows(v.provider_count()));
  if (!v.content_hash().empty()) absl::StrAppend(&text, ", content hash ", v.content_hash());
  if (!v.note().empty()) absl::StrAppend(&text, ", note \"", v.note(), "\"");
  const std::string created = TimestampText(v.create_time());
  if (!created.empty()) absl::StrAppend(&text, ", created ", created);
  return text;
}

std::string ThresholdKind(const ThresholdCoverage& t) {
  return t.has_max_miles() ? "miles" : "minutes";
}

std::string ThresholdValue(const ThresholdCoverage& t) {
  return absl::StrCat(t.has_max_miles() ? t.max_miles() : t.max_minutes());
}

bool IsAlliance(const carereach::v1::AnalyzeAdequacySummary& summary) {
  return summary.networks_size() > 1 || summary.members_size() > 1;
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
  TextTable table({"change", "id", "name", "code", "lon", "lat", "beds", "telehealth", "type"},
                  {false, false, false, false, true, true, true, false, false});
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

std::string AnalyzeCoverageTable(const AnalyzeCoverageResponse& response, bool counties) {
  KeyValues rows = {{"region", response.region()},
                    {"mode", ModeDescription(response.mode(), response.straight_line(),
                                             response.speed_profile())}};
  AddNetworkRows(response.networks(), rows);
  rows.emplace_back("population", WithThousands(response.total_population()));
  const bool drive = IsDriveMode(response.mode());
  if (drive) {
    rows.emplace_back("unsnapped",
                      absl::StrCat(WithThousands(response.unsnapped_units()), " tracts, ",
                                   WithThousands(response.unsnapped_population()),
                                   " residents (counted as not covered)"));
    if (response.unsnapped_facility_ids_size() > 0) {
      rows.emplace_back("", absl::StrCat("facilities not on the road network (not used): ",
                                         IdList(response.unsnapped_facility_ids())));
    }
  }
  if (!response.report_id().empty()) rows.emplace_back("report", response.report_id());
  rows.emplace_back("computed in", absl::StrFormat("%.0f ms", response.compute_ms()));

  const bool alliance = response.members_size() > 0;
  TextTable results({"threshold", "covered population", "share"}, {false, true, true});
  for (const ThresholdCoverage& t : response.results()) {
    results.AddRow({ThresholdLabel(t), WithThousands(t.covered_population()), Percent(t.share())});
  }
  std::string out = absl::StrCat(
      KeyValueText(rows), "\n",
      alliance ? absl::StrCat("alliance of ", response.members_size(), " members\n") : "",
      results.Render());

  if (alliance) {
    TextTable members(
        {"member", "threshold", "alone", "without", "loss if leaves", "gain by joining"},
        {false, false, true, true, true, true});
    for (const carereach::v1::MemberCoverage& m : response.members()) {
      for (int i = 0; i < response.results_size(); ++i) {
        auto share = [&](const google::protobuf::RepeatedPtrField<ThresholdCoverage>& list) {
          return i < list.size() ? Percent(list[i].share()) : "";
        };
        auto count = [&](const google::protobuf::RepeatedField<int64_t>& list) {
          return i < list.size() ? WithThousands(list[i]) : "";
        };
        members.AddRow({m.label(), ThresholdLabel(response.results(i)), share(m.alone()),
                        share(m.without()), count(m.loss_if_leaves()), count(m.gain_by_joining())});
      }
    }
    absl::StrAppend(&out,
                    "\neach member: its share alone, the alliance's share without it, the "
                    "residents only it covers (lost if it leaves) and those the alliance adds to "
                    "it (gained by joining)\n",
                    members.Render());
  }

  if (counties) {
    std::vector<std::string> titles = {"fips", "county", "state", "population"};
    std::vector<bool> right = {false, false, false, true};
    for (const ThresholdCoverage& t : response.results()) {
      titles.push_back(ThresholdLabel(t));
      right.push_back(true);
    }
    TextTable table(std::move(titles), std::move(right));
    for (const carereach::v1::CountyCoverage& county : response.counties()) {
      std::vector<std::string> row = {county.fips(), county.name(), county.state(),
                                      WithThousands(county.total_population())};
      for (const ThresholdCoverage& t : county.results()) row.push_back(Percent(t.share()));
      table.AddRow(std::move(row));
    }
    absl::StrAppend(&out, "\nshare of residents by county\n", table.Render());
  }
  if (drive) absl::StrAppend(&out, "\n", AttributionText(response.attribution()));
  return out;
}

std::string AnalyzeCoverageCsv(const AnalyzeCoverageResponse& response) {
  std::string out =
      "scope,label,fips,name,threshold_kind,threshold,total_population,covered_population,share,"
      "without_covered_population,without_share,loss_if_leaves,gain_by_joining\n";
  auto line = [&](absl::string_view scope, absl::string_view label, absl::string_view fips,
                  absl::string_view name, const ThresholdCoverage& t, int64_t total) {
    absl::StrAppend(&out, scope, ",", CsvField(label), ",", CsvField(fips), ",", CsvField(name),
                    ",", ThresholdKind(t), ",", ThresholdValue(t), ",", total, ",",
                    t.covered_population(), ",", Share6(t.share()));
  };
  for (const ThresholdCoverage& t : response.results()) {
    line("region", "", "", response.region(), t, response.total_population());
    absl::StrAppend(&out, ",,,,\n");
  }
  for (const carereach::v1::CountyCoverage& county : response.counties()) {
    for (const ThresholdCoverage& t : county.results()) {
      line("county", "", county.fips(), county.name(), t, county.total_population());
      absl::StrAppend(&out, ",,,,\n");
    }
  }
  for (const carereach::v1::MemberCoverage& m : response.members()) {
    for (int i = 0; i < m.alone_size() && i < response.results_size(); ++i) {
      line("member", m.label(), "", response.region(), m.alone(i), response.total_population());
      if (i < m.without_size()) {
        absl::StrAppend(&out, ",", m.without(i).covered_population(), ",",
                        Share6(m.without(i).share()));
      } else {
        absl::StrAppend(&out, ",,");
      }
      absl::StrAppend(&out, ",",
                      i < m.loss_if_leaves_size() ? absl::StrCat(m.loss_if_leaves(i)) : "", ",",
                      i < m.gain_by_joining_size() ? absl::StrCat(m.gain_by_joining(i)) : "", "\n");
    }
  }
  return out;
}

carereach::v1::AdequacyReport OrderedAdequacyReport(const carereach::v1::AdequacyReport& report,
                                                    bool failing_only) {
  carereach::v1::AdequacyReport ordered;
  *ordered.mutable_summary() = report.summary();
  for (const AllianceAdequacyResult& r : report.results()) {
    if (!r.result().pass()) *ordered.add_results() = r;
  }
  if (!failing_only) {
    for (const AllianceAdequacyResult& r : report.results()) {
      if (r.result().pass()) *ordered.add_results() = r;
    }
  }
  return ordered;
}

std::string AllianceAdequacyTable(const carereach::v1::AdequacyReport& report, bool failing_only) {
  const carereach::v1::AnalyzeAdequacySummary& summary = report.summary();
  const bool alliance = IsAlliance(summary);
  KeyValues rows = AdequacyHeaderRows(summary.summary());
  // The networks and the report id go before "computed in", the last row.
  KeyValues extra;
  AddNetworkRows(summary.networks(), extra);
  if (!summary.report_id().empty()) extra.emplace_back("report", summary.report_id());
  rows.insert(rows.end() - 1, extra.begin(), extra.end());

  const carereach::v1::AdequacyReport ordered = OrderedAdequacyReport(report, failing_only);
  std::vector<const carereach::v1::CountySpecialtyResult*> results;
  std::vector<std::string> critical;
  for (const AllianceAdequacyResult& r : ordered.results()) {
    results.push_back(&r.result());
    critical.push_back(absl::StrJoin(r.critical_members(), ", "));
  }
  int64_t failing = 0;
  for (const AllianceAdequacyResult& r : report.results()) failing += r.result().pass() ? 0 : 1;

  std::string out = absl::StrCat(
      "Specialty Summary by County\n", KeyValueText(rows), "\n",
      alliance ? AdequacyResultsTable(results, "critical members", critical)
               : AdequacyResultsTable(results),
      "\n", failing, " of ", report.results_size(), " county x specialty results fail",
      failing_only && failing < report.results_size() ? " (passing results not shown)" : "", "\n");
  if (alliance) {
    TextTable members({"member", "alone passing", "without passing", "critical results"},
                      {false, true, true, true});
    for (const carereach::v1::MemberAdequacySummary& m : summary.members()) {
      members.AddRow({m.label(), absl::StrCat(m.alone_passing()), absl::StrCat(m.without_passing()),
                      absl::StrCat(m.critical_results())});
    }
    absl::StrAppend(&out, "\nmembers (of ", report.results_size(),
                    " results: passing with the member alone, passing without it, and those it "
                    "is critical to: they pass with it and fail without it)\n",
                    members.Render());
  }
  if (IsDriveMode(summary.summary().mode())) {
    absl::StrAppend(&out, AttributionText(summary.summary().attribution()));
  }
  return out;
}

std::string AllianceAdequacyCsv(const carereach::v1::AdequacyReport& report, bool failing_only) {
  std::string header = AdequacyCsvHeader();
  header.pop_back();  // the '\n'
  std::string out = absl::StrCat(header, ",critical_members\n");
  const carereach::v1::AdequacyReport ordered = OrderedAdequacyReport(report, failing_only);
  for (const AllianceAdequacyResult& r : ordered.results()) {
    absl::StrAppend(&out, AdequacyCsvFields(r.result()), ",",
                    CsvField(absl::StrJoin(r.critical_members(), ";")), "\n");
  }
  return out;
}

std::string RecommendTable(const carereach::v1::RecommendAdditionsRequest& request,
                           const carereach::v1::RecommendAdditionsResponse& response) {
  // The adequacy objective always has a required share (0.85 or 0.90).
  const bool adequacy = response.required_share() > 0 || request.has_adequacy();
  KeyValues rows = {{"region", response.region()}};
  if (adequacy) {
    const carereach::v1::AdequacyObjective& objective = request.adequacy();
    std::string text = absl::StrCat("adequacy of county ", objective.county_fips(), ", specialty ",
                                    objective.specialty_code(), ": ",
                                    Percent(response.required_share()), " with access required");
    if (response.telehealth_credit() > 0) {
      absl::StrAppend(&text, " (telehealth credit +",
                      TrimmedNumber(response.telehealth_credit() * 100, 1), ")");
    }
    absl::StrAppend(&text, ", minimum number ", response.minimum_number());
    rows.emplace_back("objective", text);
  } else {
    const carereach::v1::CoverageObjective& objective = request.coverage();
    std::vector<std::string> bounds;
    if (response.max_minutes() > 0) bounds.push_back(absl::StrCat(response.max_minutes(), " min"));
    if (response.max_miles() > 0) bounds.push_back(absl::StrCat(response.max_miles(), " mi"));
    std::string text = absl::StrCat("coverage: residents within ", absl::StrJoin(bounds, " and "),
                                    " of a facility");
    if (objective.county_fips_size() > 0) {
      absl::StrAppend(&text, ", counties ", absl::StrJoin(objective.county_fips(), ", "));
    }
    if (objective.specialty_codes_size() > 0) {
      absl::StrAppend(&text, ", specialties ", absl::StrJoin(objective.specialty_codes(), ", "));
    }
    rows.emplace_back("objective", text);
  }
  rows.emplace_back("mode", ModeName(response.mode()));
  AddNetworkRows(response.networks(), rows);
  std::string candidates =
      absl::StrCat(WithThousands(response.candidates_considered()), " considered");
  if (response.skipped_candidate_ids_size() > 0) {
    absl::StrAppend(&candidates, "; already in the network (skipped): ",
                    IdList(response.skipped_candidate_ids()));
  }
  if (response.unsnapped_candidate_ids_size() > 0) {
    absl::StrAppend(&candidates,
                    "; not on the road network: ", IdList(response.unsnapped_candidate_ids()));
  }
  rows.emplace_back("candidates", candidates);
  if (adequacy) {
    rows.emplace_back(
        "before",
        absl::StrCat(Percent(response.base_share()), " of ", Rounded(response.total()),
                     " beneficiaries with access, ", TrimmedNumber(response.base_counted(), 1),
                     " counted toward the minimum"));
    rows.emplace_back("target", absl::StrCat("the county x specialty passes: ",
                                             response.target_met() ? "met" : "not met"));
  } else {
    rows.emplace_back(
        "before", absl::StrCat(Rounded(response.base_covered()), " of ", Rounded(response.total()),
                               " residents covered (", Percent(response.base_share()), ")"));
    const double target = request.coverage().target_share();
    rows.emplace_back("target", target > 0 ? absl::StrCat(Percent(target), ": ",
                                                          response.target_met() ? "met" : "not met")
                                           : "none (the most picks allowed)");
  }
  if (!response.report_id().empty()) rows.emplace_back("report", response.report_id());
  rows.emplace_back("computed in", absl::StrFormat("%.0f ms", response.compute_ms()));

  std::vector<std::string> titles = {"rank", "id", "name", "gain", "covered", "share"};
  std::vector<bool> right = {true, false, false, true, true, true};
  if (adequacy) {
    titles.insert(titles.end(), {"counted", "pass"});
    right.insert(right.end(), {true, false});
  }
  TextTable table(std::move(titles), std::move(right));
  for (const carereach::v1::RecommendedAddition& pick : response.picks()) {
    std::vector<std::string> row = {
        absl::StrCat(pick.rank()),
        pick.provider().id(),
        pick.provider().name(),
        adequacy ? TrimmedNumber(pick.gain(), 1) : Rounded(pick.gain()),
        adequacy ? TrimmedNumber(pick.covered(), 1) : Rounded(pick.covered()),
        Percent(pick.share())};
    if (adequacy) {
      row.push_back(TrimmedNumber(pick.counted(), 1));
      row.push_back(pick.pass() ? "PASS" : "FAIL");
    }
    table.AddRow(std::move(row));
  }
  std::string out = absl::StrCat(KeyValueText(rows), "\n");
  if (response.picks_size() == 0) {
    absl::StrAppend(&out, "no additions picked\n");
  } else {
    absl::StrAppend(&out, table.Render());
  }
  if (!response.method().empty()) absl::StrAppend(&out, "\nmethod: ", response.method(), "\n");
  return out;
}

std::string RecommendCsv(const carereach::v1::RecommendAdditionsResponse& response) {
  const bool adequacy = response.required_share() > 0;
  std::string out = "rank,id,name,specialty_code,lon,lat,gain,covered,share,counted,pass\n";
  for (const carereach::v1::RecommendedAddition& pick : response.picks()) {
    const NetworkProvider& p = pick.provider();
    absl::StrAppend(&out, pick.rank(), ",", CsvField(p.id()), ",", CsvField(p.name()), ",",
                    CsvField(p.specialty_code()), ",", RoundTripNumber(p.location().lon()), ",",
                    RoundTripNumber(p.location().lat()), ",", TrimmedNumber(pick.gain(), 3), ",",
                    TrimmedNumber(pick.covered(), 3), ",", Share6(pick.share()), ",",
                    adequacy ? TrimmedNumber(pick.counted(), 3) : "", ",",
                    adequacy ? (pick.pass() ? "true" : "false") : "", "\n");
  }
  return out;
}

std::string AccessRatiosTable(const carereach::v1::ComputeAccessRatiosRequest& request,
                              const carereach::v1::ComputeAccessRatiosResponse& response) {
  KeyValues rows = {{"region", response.region()},
                    {"mode", std::string(ModeName(response.mode()))}};
  if (IsDriveMode(response.mode()) && !response.speed_profile().empty()) {
    rows.back().second += absl::StrCat(", speed profile ", response.speed_profile());
  }
  if (response.has_network()) AddNetworkRow(response.network(), rows);
  rows.emplace_back("catchment", absl::StrCat(response.catchment_minutes(), " min"));
  rows.emplace_back("capacity", request.capacity_from_beds()
                                    ? "beds (1 for a provider without beds)"
                                    : "1 per provider");
  rows.emplace_back("population", WithThousands(response.total_population()));
  if (response.unsnapped_provider_ids_size() > 0) {
    rows.emplace_back("unsnapped", absl::StrCat("providers not on the road network (not used): ",
                                                IdList(response.unsnapped_provider_ids())));
  }
  if (!response.report_id().empty()) rows.emplace_back("report", response.report_id());
  rows.emplace_back("computed in", absl::StrFormat("%.0f ms", response.compute_ms()));

  TextTable table({"fips", "county", "state", "population", "mean per 1,000", "zero access",
                   "min per 1,000", "max per 1,000"},
                  {false, false, false, true, true, true, true, true});
  for (const carereach::v1::CountyAccess& c : response.counties()) {
    table.AddRow({c.fips(), c.name(), c.state(), WithThousands(c.population()),
                  absl::StrFormat("%.3f", c.mean_access_per_1000()),
                  WithThousands(c.zero_access_population()),
                  absl::StrFormat("%.3f", c.min_access_per_1000()),
                  absl::StrFormat("%.3f", c.max_access_per_1000())});
  }
  const double zero_share =
      response.total_population() > 0
          ? static_cast<double>(response.zero_access_population()) / response.total_population()
          : 0;
  std::string out = absl::StrCat(
      KeyValueText(rows), "\n", table.Render(), "\nregion ", response.region(), ": mean ",
      absl::StrFormat("%.3f", response.mean_access_per_1000()), " per 1,000 residents; ",
      WithThousands(response.zero_access_population()), " residents (", Percent(zero_share),
      ") with no provider within ", response.catchment_minutes(), " min\n");
  if (IsDriveMode(response.mode())) {
    absl::StrAppend(&out, AttributionText(response.attribution()));
  }
  return out;
}

std::string AccessRatiosCsv(const carereach::v1::ComputeAccessRatiosResponse& response) {
  std::string out =
      "scope,fips,name,state,population,mean_access_per_1000,zero_access_population,"
      "min_access_per_1000,max_access_per_1000\n";
  absl::StrAppend(&out, "region,,", CsvField(response.region()), ",,", response.total_population(),
                  ",", absl::StrFormat("%.6f", response.mean_access_per_1000()), ",",
                  response.zero_access_population(), ",,\n");
  for (const carereach::v1::CountyAccess& c : response.counties()) {
    absl::StrAppend(
        &out, "county,", CsvField(c.fips()), ",", CsvField(c.name()), ",", CsvField(c.state()), ",",
        c.population(), ",", absl::StrFormat("%.6f", c.mean_access_per_1000()), ",",
        c.zero_access_population(), ",", absl::StrFormat("%.6f", c.min_access_per_1000()), ",",
        absl::StrFormat("%.6f", c.max_access_per_1000()), "\n");
  }
  return out;
}

std::string AccessUnitsCsvHeader() { return "unit_id,county_fips,population,access_per_1000\n"; }

std::string AccessUnitsCsvLine(const carereach::v1::UnitAccess& unit) {
  return absl::StrCat(CsvField(unit.unit_id()), ",", CsvField(unit.county_fips()), ",",
                      unit.population(), ",", absl::StrFormat("%.6f", unit.access_per_1000()),
                      "\n");
}

}  // namespace carereach::cli
