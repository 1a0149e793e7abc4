#include "akhbar/parallel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "akhbar/error.h"

#if defined(__unix__) || defined(__APPLE__)
#include <sys/wait.h>
#include <unistd.h>
#endif

#if defined(__SANITIZE_THREAD__)
#define AKHBAR_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define AKHBAR_TSAN 1
#endif
#endif

namespace akhbar {
namespace {

TEST(ParallelForTest, EveryIndexOnceAndTheFirstErrorByIndex) {
  for (const int threads : {1, 2, 5}) {
    std::vector<std::atomic<int>> seen(1000);
    ParallelFor(seen.size(), threads, 7, [&](std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) ++seen[i];
    });
    for (const auto& s : seen) EXPECT_EQ(s.load(), 1);
    try {
      ParallelFor(100, threads, 1, [](std::size_t b, std::size_t) {
        if (b == 30 || b == 80) throw std::runtime_error(std::to_string(b));
      });
      FAIL() << "no error";
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "30") << threads;
    }
  }
}

TEST(RangeSplitterTest, TakesAnUnstartedRangeWholeThenBackHalves) {
  RangeSplitter r({0, 50, 100}, 8, 4);
  ASSERT_EQ(r.First(0), 0);
  std::size_t i = 0;
  for (std::size_t k = 0; k < 3; ++k) {
    ASSERT_TRUE(r.Next(0, &i));
    EXPECT_EQ(i, k);
  }
  // Worker 1 has not begun range 1: a thief takes it whole, and worker 1 then gets a range of its own.
  EXPECT_EQ(r.Steal(), 1);
  EXPECT_EQ(r.size(), 2u);
  ASSERT_TRUE(r.Next(1, &i));
  EXPECT_EQ(i, 50u);
  // Range 0 has 47 left, range 1 49: the back half of range 1, [76, 100).
  EXPECT_EQ(r.First(1), 2);
  EXPECT_EQ(r.begin(2), 76u);
  EXPECT_EQ(r.end(2), 100u);
  EXPECT_EQ(r.end(1), 76u);
  ASSERT_TRUE(r.Next(2, &i));
  EXPECT_EQ(i, 76u);
  // Range 0 done up to 3 (47 left) is next: [27, 50).
  EXPECT_EQ(r.Steal(), 3);
  EXPECT_EQ(r.begin(3), 27u);
  EXPECT_EQ(r.end(0), 27u);
  // Halves shorter than min_steal are not taken.
  RangeSplitter small({0, 7}, 8, 4);
  EXPECT_EQ(small.First(0), 0);
  EXPECT_EQ(small.Steal(), -1);
  RangeSplitter eight({0, 8}, 8, 4);
  EXPECT_EQ(eight.First(0), 0);
  EXPECT_EQ(eight.Steal(), 1);
  EXPECT_EQ(eight.end(0), 4u);
  // No more ranges than max_ranges.
  RangeSplitter capped({0, 100}, 1, 1);
  EXPECT_EQ(capped.First(0), 0);
  EXPECT_EQ(capped.Steal(), -1);
  EXPECT_THROW(RangeSplitter({0, std::size_t{1} << 32}, 4, 1), InvalidArgument);
}

TEST(RangeSplitterTest, WorkersAtUnevenSpeedsCoverEveryIndexOnceInOrderPerRange) {
  constexpr std::size_t kN = 3000;
  for (const int workers : {2, 3, 5}) {
    std::vector<std::size_t> bounds;
    for (int w = 0; w <= workers; ++w) bounds.push_back(kN * static_cast<std::size_t>(w) / workers);
    RangeSplitter r(bounds, 64, 2);
    std::vector<std::vector<std::size_t>> claimed(64);  // by range: each range has one worker at a time
    // Worker 1 never starts (as a thread the system refused). The others take their first ranges together, then
    // worker 0 stops after its first index until the others are done (each wait 10 s at most): they take all of
    // range 1 and the rest of range 0.
    std::atomic<int> started{0}, done{0};
    auto wait_for = [](const std::atomic<int>& count, int target) {
      for (int wait = 0; count.load() < target && wait < 10000; ++wait) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    };
    RunWorkers(workers, [&](int w) {
      if (w == 1) return;
      const std::ptrdiff_t first = r.First(static_cast<std::size_t>(w));
      ++started;
      wait_for(started, workers - 1);
      for (std::ptrdiff_t k = first; k >= 0; k = r.Steal()) {
        for (std::size_t i; r.Next(static_cast<std::size_t>(k), &i);) {
          claimed[static_cast<std::size_t>(k)].push_back(i);
          if (w == 0) wait_for(done, workers - 2);
        }
      }
      ++done;
    });
    // (With two workers, worker 0 takes range 1 whole: nobody else runs.)
    if (workers > 2) {
      EXPECT_GT(r.size(), static_cast<std::size_t>(workers)) << "no range was taken from another";
    }
    std::vector<std::pair<std::size_t, std::size_t>> spans;
    for (std::size_t k = 0; k < r.size(); ++k) {
      const std::vector<std::size_t>& c = claimed[k];
      ASSERT_EQ(c.size(), r.end(k) - r.begin(k)) << k;
      for (std::size_t j = 0; j < c.size(); ++j) ASSERT_EQ(c[j], r.begin(k) + j) << k;
      if (!c.empty()) spans.emplace_back(r.begin(k), r.end(k));
    }
    std::sort(spans.begin(), spans.end());
    std::size_t at = 0;
    for (const auto& [b, e] : spans) {
      EXPECT_EQ(b, at);
      at = e;
    }
    EXPECT_EQ(at, kN) << workers;
  }
}

#if defined(__unix__) || defined(__APPLE__)
// A fork while another thread holds a pool's mutex waits for it, so that the child does not inherit it locked
// (a child process forked by Python's multiprocessing while other threads transformed blocked for ever in
// Vectorizer::MemoPool::Take).
TEST(ForkSafeMutexTest, AChildNeverInheritsItLocked) {
#ifdef AKHBAR_TSAN
  // (ThreadSanitizer reports the parent's running thread as leaked when the child exits, and sets its status.)
  GTEST_SKIP() << "forks with a thread running: not under ThreadSanitizer";
#endif
  ForkSafeMutex mu;
  std::atomic<bool> held{false};
  std::thread holder([&] {
    std::lock_guard<ForkSafeMutex> lock(mu);
    held = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  });
  while (!held) std::this_thread::yield();
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) _exit(mu.try_lock() ? 0 : 1);  // (the child has no holder thread: a held mutex stays held)
  holder.join();
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_TRUE(mu.try_lock());  // (and the parent has it free too)
  mu.unlock();
}
#endif

}  // namespace
}  // namespace akhbar
