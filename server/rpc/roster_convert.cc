#include "server/rpc/roster_convert.h"

#include <utility>

#include "absl/strings/str_format.h"
#include "geo/io/cms.h"
#include "server/rpc/limits.h"

namespace carereach::rpc {

absl::StatusOr<access::NetworkProvider> ProviderFromProto(const v1::NetworkProvider& p,
                                                          std::string_view path) {
  if (absl::Status s = CheckStringLimits(p, path); !s.ok()) return s;
  if (!p.has_location()) {
    return absl::InvalidArgumentError(absl::StrFormat("%s.location: is required", path));
  }
  return access::NetworkProvider{.id = p.id(),
                                 .name = p.name(),
                                 .specialty_code = p.specialty_code(),
                                 .location = {p.location().lon(), p.location().lat()},
                                 .beds = p.beds(),
                                 .telehealth = p.telehealth(),
                                 .type = p.type(),
                                 .exclusion = p.exclusion()};
}

void ProviderToProto(const access::NetworkProvider& p, v1::NetworkProvider* out) {
  out->set_id(p.id);
  out->set_name(p.name);
  out->set_specialty_code(p.specialty_code);
  out->mutable_location()->set_lon(p.location.lon);
  out->mutable_location()->set_lat(p.location.lat);
  out->set_beds(p.beds);
  out->set_telehealth(p.telehealth);
  out->set_type(p.type);
  out->set_exclusion(p.exclusion);
}

store::ProviderRow ProviderToRow(const access::NetworkProvider& p) {
  return {.id = p.id,
          .name = p.name,
          .specialty_code = p.specialty_code,
          .lon = p.location.lon,
          .lat = p.location.lat,
          .beds = p.beds,
          .telehealth = p.telehealth,
          .type = p.type,
          .exclusion = p.exclusion};
}

access::NetworkProvider ProviderFromRow(const store::ProviderRow& row) {
  return {.id = row.id,
          .name = row.name,
          .specialty_code = row.specialty_code,
          .location = {row.lon, row.lat},
          .beds = row.beds,
          .telehealth = row.telehealth,
          .type = row.type,
          .exclusion = row.exclusion};
}

void RowToProto(const store::ProviderRow& row, v1::NetworkProvider* out) {
  ProviderToProto(ProviderFromRow(row), out);
}

void AdequacyResultToProto(const access::CountySpecialtyResult& r, v1::CountySpecialtyResult* out) {
  out->set_county_fips(r.county->fips);
  out->set_county_name(r.county_name.empty() ? r.county->name : r.county_name);
  out->set_state(r.county->state);
  out->set_county_designation(std::string(io::CountyDesignationName(r.county->designation)));
  out->set_specialty_code(r.specialty->code);
  out->set_specialty_name(r.specialty->name);
  out->set_facility(r.specialty->facility);
  out->set_max_minutes(r.max_minutes);
  out->set_max_miles(r.max_miles);
  out->set_beneficiaries(r.beneficiaries);
  out->set_beneficiaries_with_access(r.beneficiaries_with_access);
  out->set_share_with_access(r.share_with_access);
  out->set_required_share(r.required_share);
  out->set_telehealth_credit(r.telehealth_credit);
  out->set_time_distance_pass(r.time_distance_pass);
  out->set_minimum_number(r.minimum_number);
  out->set_counted(r.counted);
  out->set_minimum_number_pass(r.minimum_number_pass);
  out->set_minimum_number_deficit(r.minimum_number_deficit);
  out->set_pass(r.pass);
  out->set_providers_serving(r.providers_serving);
  for (const std::string& id : r.uncovered_unit_ids) out->add_uncovered_unit_ids(id);
  out->set_uncovered_beneficiaries(r.uncovered_beneficiaries);
}

}  // namespace carereach::rpc
