#ifndef CAREREACH_GEO_ROUTING_RADIX_HEAP_H_
#define CAREREACH_GEO_ROUTING_RADIX_HEAP_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace carereach::routing {

// A monotone priority queue over 64-bit route keys (route_key.h; Dijkstra never pops a key below
// the last popped). Entries are (key, node); duplicates are allowed (the caller skips stale
// entries when popped). Pops come in exact key order.
//
// A radix heap on the keys' high halves (the search metric's ticks): push O(1), pop amortised
// O(log range of the high half). Entries whose high half equals the last popped one's wait in a
// small binary heap ordered by the whole key, so ties in the search metric come out by the other
// metric. Bucketing on the whole 64-bit key instead would send every entry through up to 32
// more buckets for the low half's bits (twice the cost of a search on O'ahu).
class RadixHeap {
 public:
  void Clear() {
    for (auto& b : buckets_) b.clear();
    level_.clear();
    last_high_ = 0;
    size_ = 0;
  }
  bool Empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  // `key` must not be below the key last popped.
  void Push(uint64_t key, uint32_t node) {
    Place({key, node});
    ++size_;
  }
  // Removes and returns an entry with the least key.
  std::pair<uint64_t, uint32_t> Pop() {
    if (level_.empty()) {
      int i = 1;
      while (buckets_[i].empty()) ++i;
      uint32_t least = UINT32_MAX;
      for (const auto& e : buckets_[i]) least = std::min(least, High(e.first));
      last_high_ = least;
      for (const auto& e : buckets_[i]) Place(e);
      buckets_[i].clear();
    }
    std::pop_heap(level_.begin(), level_.end(), std::greater<>());
    const auto top = level_.back();
    level_.pop_back();
    --size_;
    return top;
  }

 private:
  using Entry = std::pair<uint64_t, uint32_t>;
  static uint32_t High(uint64_t key) { return static_cast<uint32_t>(key >> 32); }
  void Place(const Entry& e) {
    const uint32_t high = High(e.first);
    if (high == last_high_) {
      level_.push_back(e);
      std::push_heap(level_.begin(), level_.end(), std::greater<>());
    } else {
      buckets_[32 - __builtin_clz(high ^ last_high_)].push_back(e);
    }
  }
  std::vector<Entry> buckets_[33];  // [0] unused: equal high halves wait in level_
  std::vector<Entry> level_;        // min-heap by whole key, high half == last_high_
  uint32_t last_high_ = 0;
  size_t size_ = 0;
};

}  // namespace carereach::routing

#endif  // CAREREACH_GEO_ROUTING_RADIX_HEAP_H_
