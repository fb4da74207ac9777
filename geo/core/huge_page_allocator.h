#ifndef CAREREACH_GEO_CORE_HUGE_PAGE_ALLOCATOR_H_
#define CAREREACH_GEO_CORE_HUGE_PAGE_ALLOCATOR_H_

#include <sys/mman.h>

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace carereach::geo {

// Allocator for large arrays of plain values (road graphs): blocks of 2 MiB or more are mapped
// with transparent huge pages requested (MADV_HUGEPAGE), so filling a 500 MB graph takes a few
// hundred page faults instead of over a hundred thousand; and elements are default-initialised,
// so resize() before a bulk read does not write every byte twice. Smaller blocks come from
// operator new. Stateless; thread-safe.
template <typename T>
class HugePageAllocator {
 public:
  using value_type = T;
  static constexpr size_t kHugePage = size_t{2} << 20;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: allocator rebinding

  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < kHugePage) return static_cast<T*>(::operator new(bytes));
    void* p =
        mmap(nullptr, RoundUp(bytes), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    madvise(p, RoundUp(bytes), MADV_HUGEPAGE);
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < kHugePage) {
      ::operator delete(p);
    } else {
      munmap(p, RoundUp(bytes));
    }
  }
  // Default-initialise (no zero fill) when constructed without arguments.
  template <typename U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }

  friend bool operator==(const HugePageAllocator&, const HugePageAllocator&) { return true; }

 private:
  static size_t RoundUp(size_t bytes) { return (bytes + kHugePage - 1) / kHugePage * kHugePage; }
};

// A vector for large arrays of plain values.
template <typename T>
using BigVector = std::vector<T, HugePageAllocator<T>>;

}  // namespace carereach::geo

#endif  // CAREREACH_GEO_CORE_HUGE_PAGE_ALLOCATOR_H_
