// carereach-soak: parsing --mix (see mix.h).
#include "bench/soak/mix.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace carereach::soak {

std::vector<int> ParseMix(const std::string& mix) {
  std::vector<int> w;
  for (const KindInfo& k : kKinds) w.push_back(k.default_weight);
  for (absl::string_view item : absl::StrSplit(mix, ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(item, '=');
    int value = -1;
    int index = -1;
    for (int i = 0; i < kKindCount; ++i) {
      if (kv.first == kKinds[i].name) index = i;
    }
    if (index < 0 || !absl::SimpleAtoi(kv.second, &value) || value < 0) {
      std::fprintf(stderr, "soak: --mix: bad item \"%s\" (kind=weight, weight >= 0)\n",
                   std::string(item).c_str());
      std::exit(2);
    }
    w[index] = value;
  }
  int total = 0;
  for (int v : w) total += v;
  if (total == 0) {
    std::fprintf(stderr, "soak: --mix: every weight is 0\n");
    std::exit(2);
  }
  return w;
}

}  // namespace carereach::soak
