#include "akhbar/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

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
