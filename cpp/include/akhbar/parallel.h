// Deterministic parallel loops over index ranges. Work is split into contiguous, fixed chunks whose
// boundaries depend only on the size and the chunk size, never on timing, so results written per index are
// identical for any thread count.
#ifndef AKHBAR_PARALLEL_H_
#define AKHBAR_PARALLEL_H_

#include <cstddef>
#include <functional>
#include <mutex>

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
