// Deterministic parallel loops over index ranges. Work is split into contiguous, fixed chunks whose
// boundaries depend only on the size and the chunk size, never on timing, so results written per index are
// identical for any thread count.
#ifndef AKHBAR_PARALLEL_H_
#define AKHBAR_PARALLEL_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace akhbar {

// Number of threads to use for `requested` (<= 0 means all hardware threads), at least 1 and at most
// kThreadsPerCore per hardware thread.
inline constexpr int kThreadsPerCore = 4;
int ResolveThreads(int requested) noexcept;

// Calls fn(begin, end) for consecutive chunks of [0, n) of at most `chunk` indices, on up to `n_threads`
// threads (the calling thread included). The exception of the first chunk (by index) that throws is rethrown
// here after all threads stop, the same for any thread count; a chunk after one that threw is not started. fn must be safe to call concurrently
// on disjoint ranges.
void ParallelFor(std::size_t n, int n_threads, std::size_t chunk,
                 const std::function<void(std::size_t begin, std::size_t end)>& fn);

// Calls worker(0) on the calling thread and worker(1) .. worker(n_workers - 1) on threads of their own, then
// joins them. A thread the system refuses (too many, no memory for its stack) is not started: the workers must
// take their work from a shared queue, so that the others do its share. worker must not throw.
void RunWorkers(int n_workers, const std::function<void(int worker)>& worker);

// Contiguous ranges of [0, n) for workers whose speeds differ (documents of uneven cost, threads the system
// slows down): one range per worker at first, taken from its front one index at a time by that worker; a worker
// whose range is done takes a range that no worker began (a worker the system refused to start), else the back
// half of the range with the most left as a range of its own, if that half has at least `min_steal` indices.
// Each range is worked on in increasing order by one worker, and the ranges together cover [0, n) once, so that
// results kept per range and merged in the order of their first index are the same however the work was divided. Safe to use from several threads at once; n < 2^32.
class RangeSplitter {
 public:
  // The first ranges are [bounds[r], bounds[r + 1]). Throws InvalidArgument if bounds.back() >= 2^32. At most
  // `max_ranges` ranges are made in all (at least bounds.size() - 1). Each range taken from another costs its
  // worker something (a part of its own to merge): `min_steal` (at least 1) bounds how small one may be.
  RangeSplitter(const std::vector<std::size_t>& bounds, std::size_t max_ranges, std::size_t min_steal);
  // The first range of worker w (< bounds.size() - 1): range w, unless another worker took it whole (Steal),
  // in which case what Steal gives.
  std::ptrdiff_t First(std::size_t w);
  // Claims the next index of range r: true with *i set, or false once the range is done (and stays done).
  bool Next(std::size_t r, std::size_t* i) noexcept;
  // A range for a worker done with its own: one of the first ranges whose worker has not begun it, else a new
  // range made of the back half of the range with the most indices left (none when max_ranges are made, or if
  // that half would be shorter than min_steal); -1 if there is none. Every index of [0, n) is claimed by Next
  // if every worker that takes a range goes on until Next returns false (one that stops early leaves the rest
  // of its range unclaimed, except back halves that others take).
  std::ptrdiff_t Steal();
  // Ranges made so far, and range r's first index and end (its end is final once Next(r, ...) returned false).
  std::size_t size() const noexcept { return made_.load(); }
  std::size_t begin(std::size_t r) const noexcept { return ranges_[r].begin; }
  std::size_t end(std::size_t r) const noexcept { return static_cast<std::uint32_t>(ranges_[r].next_end.load()); }
  // Once the workers are done: the ranges made, by their first index (to merge their results in order).
  std::vector<std::size_t> InOrder() const;

 private:
  struct alignas(64) Range {  // (a cache line each: the owners' claims on their ranges do not contend)
    std::size_t begin = 0;
    std::atomic<std::uint64_t> next_end{0};  // next index << 32 | end
    std::atomic<bool> owned{false};  // a worker has it
  };
  std::unique_ptr<Range[]> ranges_;
  std::size_t capacity_;
  std::uint64_t min_steal_;
  std::atomic<std::size_t> made_{0};
  std::mutex steal_mutex_;
};

// A mutex that a fork() never leaves locked in the child process. Every ForkSafeMutex alive is locked by the
// forking thread just before the fork (pthread_atfork) and unlocked just after it, in the parent and in the
// child: a child never inherits one held by a thread that it does not have (which would block it for ever, as
// a Python process forked by multiprocessing while other threads transformed was). For akhbar's long-lived pools,
// whose critical sections are short, never hold two of these at once, and need no lock that the forking
// thread may hold (Python's GIL). Meets Lockable (std::lock_guard).
class ForkSafeMutex {
 public:
  ForkSafeMutex();
  ~ForkSafeMutex();
  ForkSafeMutex(const ForkSafeMutex&) = delete;
  ForkSafeMutex& operator=(const ForkSafeMutex&) = delete;
  void lock() { mu_.lock(); }
  void unlock() { mu_.unlock(); }
  bool try_lock() { return mu_.try_lock(); }

 private:
  friend struct ForkRegistry;
  std::mutex mu_;
};

}  // namespace akhbar

#endif  // AKHBAR_PARALLEL_H_
