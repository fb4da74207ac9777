#include "server/rpc/roster_convert.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_format.h"
#include "geo/io/cms.h"
#include "server/rpc/limits.h"

namespace carereach::rpc {
namespace {

access::HsdFields HsdFromProto(const v1::HsdFields& h) {
  return {.ssa_county_code = h.ssa_county_code(),
          .contract_type = h.contract_type(),
          .street_address = h.street_address(),
          .city = h.city(),
          .state = h.state(),
          .zip_code = h.zip_code(),
          .medical_group = h.medical_group()};
}

void HsdToProto(const access::HsdFields& h, v1::HsdFields* out) {
  out->set_ssa_county_code(h.ssa_county_code);
  out->set_contract_type(h.contract_type);
  out->set_street_address(h.street_address);
  out->set_city(h.city);
  out->set_state(h.state);
  out->set_zip_code(h.zip_code);
  out->set_medical_group(h.medical_group);
}

}  // namespace

absl::StatusOr<access::NetworkProvider> ProviderFromProto(const v1::NetworkProvider& p,
                                                          std::string_view path) {
  if (absl::Status s = CheckStringLimits(p, path); !s.ok()) return s;
  if (!p.has_location()) {
    return absl::InvalidArgumentError(absl::StrFormat("%s.location: is required", path));
  }
  const std::string& ssa = p.hsd().ssa_county_code();
  if (!ssa.empty() && (ssa.size() != 5 || !std::all_of(ssa.begin(), ssa.end(), [](char c) {
                         return c >= '0' && c <= '9';
                       }))) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s.hsd.ssa_county_code: '%s' is not 5 digits (SSA state and county code)", path, ssa));
  }
  return access::NetworkProvider{.id = p.id(),
                                 .name = p.name(),
                                 .specialty_code = p.specialty_code(),
                                 .location = {p.location().lon(), p.location().lat()},
                                 .beds = p.beds(),
                                 .telehealth = p.telehealth(),
                                 .type = p.type(),
                                 .exclusion = p.exclusion(),
                                 .hsd = HsdFromProto(p.hsd())};
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
  if (!p.hsd.empty()) HsdToProto(p.hsd, out->mutable_hsd());
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
          .exclusion = p.exclusion,
          .hsd = p.hsd};
}

access::NetworkProvider ProviderFromRow(const store::ProviderRow& row) {
  return {.id = row.id,
          .name = row.name,
          .specialty_code = row.specialty_code,
          .location = {row.lon, row.lat},
          .beds = row.beds,
          .telehealth = row.telehealth,
          .type = row.type,
          .exclusion = row.exclusion,
          .hsd = row.hsd};
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
