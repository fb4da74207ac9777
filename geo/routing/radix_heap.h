#ifndef CAREREACH_GEO_ROUTING_RADIX_HEAP_H_
#define CAREREACH_GEO_ROUTING_RADIX_HEAP_H_

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace carereach::routing {

// A monotone priority queue over 64-bit keys (Dijkstra never pops a key below the last popped):
// push O(1), pop amortised O(log range). Entries are (key, node); duplicates are allowed (the
// caller skips stale entries when popped). Ties pop in no particular order, so callers that need
// a deterministic answer break ties in their labels, not by pop order.
class RadixHeap {
 public:
  void Clear() {
    for (auto& b : buckets_) b.clear();
    last_ = 0;
    size_ = 0;
  }
  bool Empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  // `key` must not be below the key last popped.
  void Push(uint64_t key, uint32_t node) {
    buckets_[Bucket(key, last_)].emplace_back(key, node);
    ++size_;
  }
  // Removes and returns an entry with the least key.
  std::pair<uint64_t, uint32_t> Pop() {
    if (buckets_[0].empty()) {
      int i = 1;
      while (buckets_[i].empty()) ++i;
      uint64_t least = UINT64_MAX;
      for (const auto& e : buckets_[i]) least = least < e.first ? least : e.first;
      last_ = least;
      for (const auto& e : buckets_[i]) buckets_[Bucket(e.first, last_)].push_back(e);
      buckets_[i].clear();
    }
    const auto top = buckets_[0].back();
    buckets_[0].pop_back();
    --size_;
    return top;
  }

 private:
  static int Bucket(uint64_t key, uint64_t last) {
    return key == last ? 0 : 64 - __builtin_clzll(key ^ last);
  }
  std::vector<std::pair<uint64_t, uint32_t>> buckets_[65];
  uint64_t last_ = 0;
  size_t size_ = 0;
};

}  // namespace carereach::routing

#endif  // CAREREACH_GEO_ROUTING_RADIX_HEAP_H_
