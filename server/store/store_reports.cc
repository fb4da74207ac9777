#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "geo/core/status_macros.h"
#include "server/store/paging.h"
#include "server/store/preamble.h"
#include "server/store/store.h"

// The Store's saved reports (SaveReport, ListReports, GetReport); see store.h.
namespace carereach::store {
namespace {

using internal::Access;
using internal::Database;
using internal::FindLiveNetwork;
using internal::FirstError;
using internal::InTenant;
using internal::LiveNetwork;
using internal::NowMicros;
using internal::Prefixed;
using internal::ReadAll;
using internal::ResolveVersion;
using internal::Statement;
using internal::ValidateNetworkId;

absl::Status ValidateReport(const ReportRecord& record) {
  if (record.kind.empty()) return absl::InvalidArgumentError("kind: must not be empty");
  for (size_t i = 0; i < record.networks.size(); ++i) {
    RETURN_IF_ERROR(ValidateNetworkId(record.networks[i].network_id,
                                      absl::StrCat("networks[", i, "].network_id")));
  }
  return absl::OkStatus();
}

// ---- Report queries. Each runs inside the caller's transaction with the store mutex held.

absl::StatusOr<std::vector<NetworkRef>> LoadReportNetworks(Database* db, int64_t report_key) {
  Statement select(db,
                   "SELECT n.network_id, rn.version FROM report_networks rn"
                   " JOIN networks n ON n.id = rn.network"
                   " WHERE rn.report = ?1 ORDER BY rn.ordinal");
  select.BindAll(report_key);
  return ReadAll(select, [](const Statement& row) {
    return NetworkRef{.network_id = row.Text(0), .version = static_cast<int32_t>(row.Int(1))};
  });
}

// The keys of the live networks `refs` name, resolving each version 0 to the latest in place.
// Errors name the ref: "networks[1]: network \"x\" not found".
absl::StatusOr<std::vector<int64_t>> ResolveReportNetworks(Database* db, const std::string& tenant,
                                                           std::vector<NetworkRef>& refs) {
  std::vector<int64_t> keys;
  for (size_t i = 0; i < refs.size(); ++i) {
    const std::string field = absl::StrCat("networks[", i, "]");
    absl::StatusOr<LiveNetwork> network = FindLiveNetwork(db, tenant, refs[i].network_id);
    absl::StatusOr<int32_t> version = network.ok() ? ResolveVersion(db, *network, refs[i].version,
                                                                    absl::StrCat(field, ".version"))
                                                   : absl::StatusOr<int32_t>(network.status());
    if (!version.ok()) return Prefixed(field, version.status());
    keys.push_back(network->key);
    refs[i].version = *version;
  }
  return keys;
}

// Random, so that ids from replicas sharing one database do not collide (a collision would be
// refused by the UNIQUE constraint, never overwrite).
std::string NewReportId() {
  thread_local absl::BitGen random;
  return absl::StrFormat("rpt_%016x", absl::Uniform<uint64_t>(random));
}

// Inserts the report row (not its network refs) and returns its key.
absl::StatusOr<int64_t> InsertReport(Database* db, const std::string& tenant,
                                     const ReportRecord& record, const std::string& request_id) {
  Statement insert(db,
                   "INSERT INTO reports (tenant, report_id, kind, title, created_at_us, region,"
                   " standards_set, mode, request_blob, result_blob, summary, request_id)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, NULLIF(?12, ''))"
                   " RETURNING id");
  insert.BindAll(tenant, record.report_id, record.kind, record.title,
                 absl::ToUnixMicros(record.created), record.region, record.standards_set,
                 record.mode, internal::AsBlob{record.request_blob},
                 internal::AsBlob{record.result_blob}, record.summary, request_id);
  ASSIGN_OR_RETURN(const bool inserted, insert.Step());
  if (!inserted) return absl::InternalError("INSERT INTO reports returned no id");
  return insert.Int(0);
}

absl::Status InsertReportNetworks(Database* db, int64_t report_key,
                                  const std::vector<int64_t>& network_keys,
                                  const std::vector<NetworkRef>& refs) {
  Statement insert(db,
                   "INSERT INTO report_networks (report, ordinal, network, version)"
                   " VALUES (?1, ?2, ?3, ?4)");
  for (size_t i = 0; i < refs.size(); ++i) {
    RETURN_IF_ERROR(insert.Reset());
    insert.BindAll(report_key, static_cast<int64_t>(i), network_keys[i], refs[i].version);
    RETURN_IF_ERROR(insert.Run());
  }
  return absl::OkStatus();
}

// Where a page of reports starts: after this (created_at_us, id), newest first.
struct ReportCursor {
  int64_t created_us = INT64_MAX, key = INT64_MAX;  // the INT64_MAX pair: from the top
};

absl::StatusOr<ReportCursor> CursorAfter(Database* db, const std::string& tenant,
                                         const std::string& page_after) {
  if (page_after.empty()) return ReportCursor{};
  Statement cursor(db,
                   "SELECT created_at_us, id FROM reports WHERE tenant = ?1 AND report_id = ?2");
  cursor.BindAll(tenant, page_after);
  ASSIGN_OR_RETURN(const bool found, cursor.Step());
  if (!found) {
    return absl::InvalidArgumentError(absl::StrCat(
        "page_after: no report \"", absl::CHexEscape(page_after), "\" to continue after"));
  }
  return ReportCursor{.created_us = cursor.Int(0), .key = cursor.Int(1)};
}

// A report without its network refs, with its key to load them.
struct KeyedReport {
  int64_t key = 0;
  ReportRecord record;
};

// Columns 0..8 of a report: its key, then the record without blobs and network refs. The blobs
// may follow as columns 9 and 10; FROM and the rest follow.
constexpr char kSelectReport[] =
    "SELECT r.id, r.report_id, r.kind, r.title, r.created_at_us, r.region, r.standards_set,"
    " r.mode, r.summary";

KeyedReport ReadReport(const Statement& row) {
  return KeyedReport{.key = row.Int(0),
                     .record = ReportRecord{.report_id = row.Text(1),
                                            .kind = row.Text(2),
                                            .title = row.Text(3),
                                            .created = absl::FromUnixMicros(row.Int(4)),
                                            .region = row.Text(5),
                                            .standards_set = row.Text(6),
                                            .mode = row.Text(7),
                                            .summary = row.Text(8)}};
}

absl::StatusOr<std::vector<KeyedReport>> SelectReports(Database* db, const std::string& tenant,
                                                       const std::string& network_id_filter,
                                                       const ReportCursor& after, int32_t limit) {
  const std::string sql = absl::StrCat(kSelectReport,
                                       " FROM reports r WHERE r.tenant = ?1"
                                       " AND (?2 = '' OR EXISTS (SELECT 1 FROM report_networks rn"
                                       "      JOIN networks n ON n.id = rn.network"
                                       "      WHERE rn.report = r.id AND n.network_id = ?2))"
                                       " AND (r.created_at_us, r.id) < (?3, ?4)"
                                       " ORDER BY r.created_at_us DESC, r.id DESC LIMIT ?5");
  Statement select(db, sql.c_str());
  select.BindAll(tenant, network_id_filter, after.created_us, after.key, limit);
  return ReadAll(select, ReadReport);
}

// The full record of `report_id`, blobs and network refs included.
absl::StatusOr<ReportRecord> LoadReport(Database* db, const std::string& tenant,
                                        const std::string& report_id) {
  const std::string sql = absl::StrCat(kSelectReport,
                                       ", r.request_blob, r.result_blob FROM reports r"
                                       " WHERE r.tenant = ?1 AND r.report_id = ?2");
  Statement select(db, sql.c_str());
  select.BindAll(tenant, report_id);
  ASSIGN_OR_RETURN(const bool found, select.Step());
  if (!found) {
    return absl::NotFoundError(
        absl::StrCat("report \"", absl::CHexEscape(report_id), "\" not found"));
  }
  KeyedReport report = ReadReport(select);
  report.record.request_blob = select.Blob(9);
  report.record.result_blob = select.Blob(10);
  ASSIGN_OR_RETURN(report.record.networks, LoadReportNetworks(db, report.key));
  return std::move(report.record);
}

// The report a save with `request_id` made, if any (never for an empty id). ALREADY_EXISTS when
// that save was of another request (kind or request bytes differ): a request id names one write.
absl::StatusOr<std::optional<ReportRecord>> FindSavedRequest(Database* db,
                                                             const std::string& tenant,
                                                             const std::string& request_id,
                                                             const ReportRecord& record) {
  if (request_id.empty()) return std::nullopt;
  Statement select(db, "SELECT report_id FROM reports WHERE tenant = ?1 AND request_id = ?2");
  select.BindAll(tenant, request_id);
  ASSIGN_OR_RETURN(const bool found, select.Step());
  if (!found) return std::nullopt;
  const std::string report_id = select.Text(0);
  ASSIGN_OR_RETURN(ReportRecord saved, LoadReport(db, tenant, report_id));
  if (saved.kind != record.kind || saved.request_blob != record.request_blob) {
    return absl::AlreadyExistsError(absl::StrCat(
        "request id \"", absl::CHexEscape(request_id), "\" already saved report ", report_id,
        " of another request; a request id names one write (send a new one for a new write)"));
  }
  return saved;
}

}  // namespace

absl::StatusOr<ReportRecord> Store::SaveReport(const std::string& tenant, ReportRecord record,
                                               const std::string& request_id) {
  return InTenant(
      *connection_, Access::kWrite, tenant, ValidateReport(record),
      [&](Database* db) -> absl::StatusOr<ReportRecord> {
        ASSIGN_OR_RETURN(std::optional<ReportRecord> earlier,
                         FindSavedRequest(db, tenant, request_id, record));
        if (earlier.has_value()) return *std::move(earlier);
        ASSIGN_OR_RETURN(const std::vector<int64_t> network_keys,
                         ResolveReportNetworks(db, tenant, record.networks));
        record.report_id = NewReportId();
        record.created = absl::FromUnixMicros(NowMicros());
        ASSIGN_OR_RETURN(const int64_t report_key, InsertReport(db, tenant, record, request_id));
        RETURN_IF_ERROR(InsertReportNetworks(db, report_key, network_keys, record.networks));
        return std::move(record);
      });
}

absl::StatusOr<std::vector<ReportRecord>> Store::ListReports(const std::string& tenant,
                                                             const std::string& network_id_filter,
                                                             int32_t page_size,
                                                             const std::string& page_after,
                                                             std::string* next_after) {
  const absl::StatusOr<int32_t> limit = EffectivePageSize(page_size);
  const absl::Status checks = FirstError(
      network_id_filter.empty() ? absl::OkStatus()
                                : ValidateNetworkId(network_id_filter, "network_id_filter"),
      limit.status());
  return InTenant(
      *connection_, Access::kRead, tenant, checks,
      [&](Database* db) -> absl::StatusOr<std::vector<ReportRecord>> {
        ASSIGN_OR_RETURN(const ReportCursor after, CursorAfter(db, tenant, page_after));
        // One more than the page tells whether there is a next page.
        ASSIGN_OR_RETURN(std::vector<KeyedReport> page,
                         SelectReports(db, tenant, network_id_filter, after, *limit + 1));
        const std::string next =
            EndPage(page, *limit, [](const KeyedReport& r) { return r.record.report_id; });
        std::vector<ReportRecord> reports;
        for (KeyedReport& report : page) {
          ASSIGN_OR_RETURN(report.record.networks, LoadReportNetworks(db, report.key));
          reports.push_back(std::move(report.record));
        }
        if (next_after != nullptr) *next_after = next;
        return reports;
      });
}

absl::StatusOr<ReportRecord> Store::GetReport(const std::string& tenant,
                                              const std::string& report_id) {
  const absl::Status checks = report_id.empty()
                                  ? absl::InvalidArgumentError("report_id: must not be empty")
                                  : absl::OkStatus();
  return InTenant(*connection_, Access::kRead, tenant, checks,
                  [&](Database* db) { return LoadReport(db, tenant, report_id); });
}

}  // namespace carereach::store
