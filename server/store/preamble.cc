#include "server/store/preamble.h"

#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/store/sqlite_util.h"

namespace carereach::store::internal {
namespace {

constexpr size_t kMaxNetworkIdChars = 64;

}  // namespace

absl::Status NetworkNotFound(const std::string& network_id) {
  return absl::NotFoundError(absl::StrCat("network \"", network_id, "\" not found"));
}

absl::StatusOr<int32_t> LatestVersion(Database* db, int64_t network_key) {
  Statement select(db, "SELECT COALESCE(MAX(version), 0) FROM versions WHERE network = ?1");
  select.BindAll(network_key);
  RETURN_IF_ERROR(select.Step().status());
  return static_cast<int32_t>(select.Int(0));
}

int64_t NowMicros() { return absl::ToUnixMicros(absl::Now()); }

// `status` with "<prefix>: " before its message.
absl::Status Prefixed(absl::string_view prefix, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat(prefix, ": ", status.message()));
}

absl::Status FirstError(const absl::Status& a, const absl::Status& b) { return a.ok() ? b : a; }

// ---- Argument checks (no database).

absl::Status ValidateTenant(const std::string& tenant) {
  if (tenant.empty()) return absl::InvalidArgumentError("tenant: must not be empty");
  return absl::OkStatus();
}

absl::Status ValidateNetworkId(const std::string& network_id, const std::string& field) {
  if (network_id.empty() || network_id.size() > kMaxNetworkIdChars) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: must be 1..%d characters of [A-Za-z0-9._-], got %d characters", field,
                        kMaxNetworkIdChars, network_id.size()));
  }
  for (size_t i = 0; i < network_id.size(); ++i) {
    const char c = network_id[i];
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: character '%s' at offset %d is not one of [A-Za-z0-9._-]", field,
                          absl::CHexEscape(absl::string_view(&network_id[i], 1)), i));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateRows(std::span<const ProviderRow> rows) {
  for (size_t i = 0; i < rows.size(); ++i) {
    const ProviderRow& row = rows[i];
    if (!(row.lon >= -180 && row.lon <= 180)) {  // also refuses NaN
      return absl::InvalidArgumentError(
          absl::StrFormat("rows[%d].lon: %g is outside [-180, 180]", i, row.lon));
    }
    if (!(row.lat >= -90 && row.lat <= 90)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("rows[%d].lat: %g is outside [-90, 90]", i, row.lat));
    }
    if (!(row.beds >= 0) || !std::isfinite(row.beds)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("rows[%d].beds: %g is not a finite number >= 0", i, row.beds));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<LiveNetwork> FindLiveNetwork(Database* db, const std::string& tenant,
                                            const std::string& network_id) {
  Statement select(db,
                   "SELECT id FROM networks"
                   " WHERE tenant = ?1 AND network_id = ?2 AND deleted_at_us IS NULL");
  select.BindAll(tenant, network_id);
  ASSIGN_OR_RETURN(const bool found, select.Step());
  if (!found) return NetworkNotFound(network_id);
  return LiveNetwork{.key = select.Int(0), .network_id = network_id};
}

absl::StatusOr<int32_t> ResolveVersion(Database* db, const LiveNetwork& network, int32_t version,
                                       const std::string& field) {
  if (version < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": must be >= 0 (0 = latest), got ", version));
  }
  ASSIGN_OR_RETURN(const int32_t latest, LatestVersion(db, network.key));
  if (latest == 0) {
    return absl::NotFoundError(
        absl::StrCat("network \"", network.network_id, "\" has no versions yet"));
  }
  if (version == 0) return latest;
  // Versions are numbered 1..latest without gaps.
  if (version > latest) {
    return absl::NotFoundError(absl::StrCat("network \"", network.network_id, "\" has no version ",
                                            version, " (latest ", latest, ")"));
  }
  return version;
}

absl::Status ReadOnlyError(const std::string& path, absl::string_view detail) {
  return absl::FailedPreconditionError(
      absl::StrCat("the store ", path, " is read-only (", detail, "); writes are refused"));
}

absl::Status Diagnose(Connection& c, Database& db, const absl::Status& status) {
  if (sqlite::IsReadOnlyFault(status)) return ReadOnlyError(c.path, status.message());
  if (!sqlite::IsStorageFault(status)) return status;
  absl::Status check = db.CheckIntegrity();
  if (check.ok() && !absl::IsDataLoss(status)) return status;  // an I/O error; the file is sound
  c.health = absl::DataLossError(
      absl::StrCat("the store ", c.path, " is damaged (", status.message(),
                   check.ok() ? "" : absl::StrCat("; ", check.message()),
                   "); store calls are refused until it is restored from a backup"));
  if (c.on_damage) c.on_damage(c.health);
  return c.health;
}

}  // namespace carereach::store::internal
