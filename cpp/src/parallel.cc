#include "akhbar/parallel.h"

#include "akhbar/error.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <unordered_set>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <pthread.h>
#endif

namespace akhbar {

int ResolveThreads(int requested) noexcept {
  // Read once: glibc opens and reads /sys/devices/system/cpu/online at each call, three times a one-article
  // transform (a fifth of its time, in the kernel).
  static const unsigned hw_threads = std::thread::hardware_concurrency();
  const int hw = hw_threads == 0 ? 1 : static_cast<int>(std::min(hw_threads, 1u << 20));
  if (requested <= 0) return hw;
  // Past four threads a core, more only cost: each thread takes a part of the work with working memory of its
  // own (a memo, counting arrays), and no result depends on the count (n_jobs=100000 on 200 documents took
  // 3.9 s and 870 MB).
  return std::min(requested, kThreadsPerCore * hw);
}

void ParallelFor(std::size_t n, int n_threads, std::size_t chunk,
                 const std::function<void(std::size_t, std::size_t)>& fn) {
  if (n == 0) return;
  if (chunk == 0) chunk = 1;
  const std::size_t n_chunks = (n + chunk - 1) / chunk;
  const std::size_t threads = std::min<std::size_t>(static_cast<std::size_t>(ResolveThreads(n_threads)), n_chunks);
  if (threads <= 1) {
    for (std::size_t c = 0; c < n_chunks; ++c) fn(c * chunk, std::min(n, (c + 1) * chunk));
    return;
  }
  std::atomic<std::size_t> next{0};
  // The error of the first chunk (by index) that throws, whatever the timing: a chunk after one that threw is
  // not started, every chunk before it still runs (and may throw first).
  std::atomic<std::size_t> error_chunk{n_chunks};
  std::exception_ptr first_error;
  std::mutex error_mutex;
  auto worker = [&] {
    for (;;) {
      const std::size_t c = next.fetch_add(1);
      if (c >= n_chunks || c > error_chunk.load()) return;
      try {
        fn(c * chunk, std::min(n, (c + 1) * chunk));
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (c < error_chunk.load()) {
          first_error = std::current_exception();
          error_chunk = c;
        }
      }
    }
  };
  RunWorkers(static_cast<int>(threads), [&](int) { worker(); });  // (results never depend on how many run)
  if (first_error) std::rethrow_exception(first_error);
}

RangeSplitter::RangeSplitter(const std::vector<std::size_t>& bounds, std::size_t max_ranges, std::size_t min_steal)
    : min_steal_(std::max<std::size_t>(min_steal, 1)) {
  const std::size_t first = bounds.empty() ? 0 : bounds.size() - 1;
  if (!bounds.empty() && bounds.back() > 0xFFFFFFFFu) throw InvalidArgument("more than 4294967295 items to split");
  capacity_ = std::max(max_ranges, first);
  ranges_ = std::make_unique<Range[]>(capacity_);
  for (std::size_t r = 0; r < first; ++r) {
    ranges_[r].begin = bounds[r];
    ranges_[r].next_end = (static_cast<std::uint64_t>(bounds[r]) << 32) | bounds[r + 1];
  }
  made_ = first;
}

std::ptrdiff_t RangeSplitter::First(std::size_t w) {
  if (!ranges_[w].owned.exchange(true)) return static_cast<std::ptrdiff_t>(w);
  return Steal();
}

bool RangeSplitter::Next(std::size_t r, std::size_t* i) noexcept {
  std::atomic<std::uint64_t>& word = ranges_[r].next_end;
  std::uint64_t w = word.load();
  for (;;) {
    const std::uint64_t next = w >> 32, end = w & 0xFFFFFFFFu;
    if (next >= end) return false;
    if (word.compare_exchange_weak(w, w + (std::uint64_t{1} << 32))) {
      *i = static_cast<std::size_t>(next);
      return true;
    }
  }
}

std::ptrdiff_t RangeSplitter::Steal() {
  // One thief at a time: only the owners' claims (Next) and First race with it, each on one atomic word.
  std::lock_guard<std::mutex> lock(steal_mutex_);
  const std::size_t made = made_.load();
  for (std::size_t r = 0; r < made; ++r) {
    if (!ranges_[r].owned.exchange(true)) return static_cast<std::ptrdiff_t>(r);
  }
  if (made == capacity_) return -1;
  for (;;) {
    std::size_t victim = made;
    std::uint64_t most = 0;
    for (std::size_t r = 0; r < made; ++r) {
      const std::uint64_t w = ranges_[r].next_end.load();
      const std::uint64_t next = w >> 32, end = w & 0xFFFFFFFFu;
      if (end > next && end - next > most) most = end - next, victim = r;
    }
    if (victim == made || most / 2 < min_steal_) return -1;
    std::atomic<std::uint64_t>& word = ranges_[victim].next_end;
    std::uint64_t w = word.load();
    const std::uint64_t next = w >> 32, end = w & 0xFFFFFFFFu;
    if (end <= next || (end - next) / 2 < min_steal_) continue;  // (its owner took some or all meanwhile)
    const std::uint64_t cut = end - (end - next) / 2;
    if (!word.compare_exchange_strong(w, (next << 32) | cut)) continue;
    Range& mine = ranges_[made];
    mine.begin = static_cast<std::size_t>(cut);
    mine.next_end = (cut << 32) | end;
    mine.owned = true;
    made_ = made + 1;
    return static_cast<std::ptrdiff_t>(made);
  }
}

std::vector<std::size_t> RangeSplitter::InOrder() const {
  std::vector<std::size_t> order(size());
  for (std::size_t r = 0; r < order.size(); ++r) order[r] = r;
  std::sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) { return begin(a) < begin(b); });
  return order;
}

void RunWorkers(int n_workers, const std::function<void(int)>& worker) {
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(std::max(n_workers - 1, 0)));
  // (Thrown past the joinable threads, the refusal would terminate the process.)
  try {
    for (int w = 1; w < n_workers; ++w) pool.emplace_back(worker, w);
  } catch (const std::system_error&) {
  }
  worker(0);
  for (auto& th : pool) th.join();
}

// Every ForkSafeMutex alive, and the fork handlers that lock them all before a fork and unlock them after it.
// The registry's own mutex is taken first (no mutex is added or removed meanwhile), then each pool's, waiting for
// any critical section in progress to end.
struct ForkRegistry {
  std::mutex mu;
  std::unordered_set<ForkSafeMutex*> all;

  static ForkRegistry& Get() {
    static ForkRegistry* r = new ForkRegistry;  // never destroyed: a fork or a pool may outlive static destruction
    return *r;
  }
  static void Prepare() {
    ForkRegistry& r = Get();
    r.mu.lock();
    for (ForkSafeMutex* m : r.all) m->mu_.lock();
  }
  static void After() {  // (in the parent and in the child: the forking thread locked them all)
    ForkRegistry& r = Get();
    for (ForkSafeMutex* m : r.all) m->mu_.unlock();
    r.mu.unlock();
  }
};

ForkSafeMutex::ForkSafeMutex() {
#if defined(__unix__) || defined(__APPLE__)
  static const bool registered = [] {
    return pthread_atfork(&ForkRegistry::Prepare, &ForkRegistry::After, &ForkRegistry::After) == 0;
  }();
  (void)registered;
#endif
  ForkRegistry& r = ForkRegistry::Get();
  std::lock_guard<std::mutex> lock(r.mu);
  r.all.insert(this);
}

ForkSafeMutex::~ForkSafeMutex() {
  ForkRegistry& r = ForkRegistry::Get();
  std::lock_guard<std::mutex> lock(r.mu);
  r.all.erase(this);
}

}  // namespace akhbar
