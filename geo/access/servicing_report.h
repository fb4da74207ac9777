#ifndef CAREREACH_GEO_ACCESS_SERVICING_REPORT_H_
#define CAREREACH_GEO_ACCESS_SERVICING_REPORT_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "geo/access/adequacy.h"
#include "geo/access/region.h"
#include "geo/core/deadline.h"
#include "geo/io/cms.h"

namespace carereach::access {

// The Servicing Provider Report (Quest Analytics' name for it): per roster row of a network
// evaluated by EvaluateAdequacy, the counties it serves and the beneficiaries of each it has
// within both the time and the distance standard of its specialty type and the county's
// designation (42 CFR 422.116(a)(2)(i)), and whether it counts toward the county's minimum
// number. Rows with an exclusion (42 CFR 422.116(a)(3)(i)) are listed as not counted.

struct ServicingEntry {
  int32_t row = 0;  // index into the roster
  // Index into the evaluation's results (a county x type); -1 for a row that serves none of
  // the evaluated counties (or is excluded, or of a type not evaluated): listed once, with zero.
  int32_t result = -1;
  // The county's beneficiaries within both standards of this provider, scaled as
  // share_with_access is (the share of the county's unit population within both standards x the
  // county's beneficiaries); people.
  double beneficiaries = 0;
  double share = 0;  // of the county's beneficiaries, in [0, 1]
  // Counted toward the county's minimum number by the evaluation itself
  // (CountySpecialtyResult::counted_rows): false for a second row of an id already counted.
  bool counts_toward_minimum = false;
  std::string exclusion;  // the row's exclusion code (kExclusions), or empty
};

// The report for `results` (every result EvaluateAdequacy emitted for `roster` over `region`,
// in its order). Entries by roster row, then in result order; every roster row has at least one
// entry. A row serves a county x type when its catchment under that county's standard (the rule
// of FacilityCatchments, the one EvaluateAdequacy applies) holds a unit of the county, or the
// evaluation counted it. Catchments are computed once per specialty type and standard.
// Drive mode needs `drive`. DEADLINE_EXCEEDED / CANCELLED from `deadline`; INVALID_ARGUMENT
// for a result whose county is not in `region` or whose counted rows are not in `roster`.
absl::StatusOr<std::vector<ServicingEntry>> ServicingProviders(
    const Region& region, const DriveRegion* drive, const io::StandardsSet& standards,
    std::span<const NetworkProvider> roster, std::span<const CountySpecialtyResult> results,
    const TravelModel& travel, const geo::Deadline& deadline);

}  // namespace carereach::access

#endif  // CAREREACH_GEO_ACCESS_SERVICING_REPORT_H_
