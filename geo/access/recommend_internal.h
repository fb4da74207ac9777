#ifndef CAREREACH_GEO_ACCESS_RECOMMEND_INTERNAL_H_
#define CAREREACH_GEO_ACCESS_RECOMMEND_INTERNAL_H_

// Shared by recommend.cc (coverage) and recommend_adequacy.cc (CMS adequacy); not an API.

#include <cstdint>
#include <queue>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "geo/access/coverage.h"
#include "geo/access/recommend.h"
#include "geo/access/region.h"

namespace carereach::access::internal {

// Covered elements and taken candidates of one greedy run, with the lazy priority queue.
class GreedyState {
 public:
  explicit GreedyState(const MaxCoverageProblem& p)
      : p_(p), covered_(p.weights.size(), 0), taken_(p.candidate_sets.size(), 0) {
    for (size_t e = 0; e < p.weights.size() && e < p.initially_covered.size(); ++e) {
      if (!p.initially_covered[e]) continue;
      covered_[e] = 1;
      total_ += p.weights[e];
    }
  }

  double total() const { return total_; }
  bool taken(int32_t c) const { return taken_[c]; }
  int32_t candidate_count() const { return static_cast<int32_t>(taken_.size()); }

  // Weight `c` would add now. Summed in the set's order, so that every caller gets the very same
  // double (lazy and plain greedy must agree exactly, ties included).
  double Gain(int32_t c) const {
    double gain = 0;
    for (int32_t e : p_.candidate_sets[c]) {
      if (!covered_[e]) gain += p_.weights[e];
    }
    return gain;
  }

  void Take(int32_t c, double gain) {
    taken_[c] = 1;
    for (int32_t e : p_.candidate_sets[c]) covered_[e] = 1;
    total_ += gain;
    ++round_;
  }

  // The untaken candidate with the largest gain (ties: lowest index), by lazy evaluation;
  // {-1, 0} when none adds anything. Gains only fall as coverage grows (submodularity), so a
  // gain computed in an earlier round is an upper bound, and an entry computed in this round
  // that reaches the top is the true maximum.
  std::pair<int32_t, double> LazyBest() {
    if (!queue_started_) {
      queue_started_ = true;
      for (int32_t c = 0; c < candidate_count(); ++c) {
        if (const double g = Gain(c); g > 0) queue_.push({g, c, round_});
      }
    }
    while (!queue_.empty()) {
      const Entry top = queue_.top();
      if (taken_[top.candidate]) {
        queue_.pop();
        continue;
      }
      if (top.round == round_) return {top.candidate, top.gain};
      queue_.pop();
      // Nothing is dropped that could gain again: a gain of 0 stays 0.
      if (const double g = Gain(top.candidate); g > 0) queue_.push({g, top.candidate, round_});
    }
    return {-1, 0.0};
  }

 private:
  struct Entry {
    double gain;
    int32_t candidate;
    int32_t round;  // when `gain` was computed
  };
  // Orders the queue: larger gain on top, then lower index.
  struct Below {
    bool operator()(const Entry& a, const Entry& b) const {
      return a.gain < b.gain || (a.gain == b.gain && a.candidate > b.candidate);
    }
  };

  const MaxCoverageProblem& p_;
  std::vector<uint8_t> covered_;
  std::vector<uint8_t> taken_;
  double total_ = 0;
  int32_t round_ = 0;
  bool queue_started_ = false;
  std::priority_queue<Entry, std::vector<Entry>, Below> queue_;
};

absl::Status ValidateMaxPicks(int32_t max_picks);

// The units of some counties as a region of their own (same county list, so unit_county stays
// valid), with their snaps: catchments then search only for the units that count.
struct Scope {
  Region region;
  DriveRegion drive;
  bool has_drive = false;
};
Scope Restrict(const Region& region, const DriveRegion* drive,
               const std::vector<uint8_t>& county_selected);

}  // namespace carereach::access::internal

#endif  // CAREREACH_GEO_ACCESS_RECOMMEND_INTERNAL_H_
