// libFuzzer target: the CMS standards loader (geo/io/cms.cc, row_parsing.cc) and the telehealth
// list (telehealth.cc). The input is up to six NUL-separated parts: the five files of
// StandardsSet::Load in the order of its k*File constants (a missing part is the file from
// tests/fixtures/cms_small), then the telehealth CSV.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "geo/io/cms.h"
#include "geo/io/telehealth.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using carereach::io::StandardsSet;

std::string ReadFixture(const char* name) {
  std::ifstream in(std::string(CAREREACH_SOURCE_DIR) + "/tests/fixtures/cms_small/" + name,
                   std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const char* const kFiles[] = {StandardsSet::kDesignationsFile, StandardsSet::kCriteriaFile,
                                       StandardsSet::kRatiosFile, StandardsSet::kStandardsFile,
                                       StandardsSet::kCertificateOfNeedFile};
  static const std::vector<std::string> fixtures = [] {
    std::vector<std::string> v;
    for (const char* f : kFiles) v.push_back(ReadFixture(f));
    return v;
  }();
  const std::vector<std::string_view> parts =
      carereach::fuzz::SplitAtNul(std::string_view(reinterpret_cast<const char*>(data), size));
  for (size_t i = 0; i < 5; ++i) {
    carereach::fuzz::WriteScratchFile(kFiles[i], i < parts.size() ? parts[i] : fixtures[i]);
  }
  std::vector<carereach::io::LoadReport> reports;
  absl::StatusOr<StandardsSet> set =
      StandardsSet::Load(carereach::fuzz::ScratchDir(), "fuzz", &reports);
  if (set.ok()) {
    if (reports.size() != 5) __builtin_trap();
    for (const carereach::io::LoadReport& r : reports) (void)r.Summary();
    for (const carereach::io::CmsCounty& c : set->counties()) {
      if (set->County(c.fips) != &c) __builtin_trap();
      for (const carereach::io::SpecialtyType& s : set->specialties()) {
        (void)set->Criterion(c.fips, s.code);
      }
    }
    for (const char* code : {"001", "006", "S03", "040", "068", "099", ""}) {
      if (set->IsRosterCode(code) == set->EvaluatedAs(code).empty()) __builtin_trap();
    }
  }
  if (parts.size() > 5) (void)carereach::io::ParseTelehealthEligible(parts[5], "fuzz.csv");
  return 0;
}
