// sdfg_sim/progress.h -- progress of an emulated kernel, for `sdfg-fpga emulate`.
//
// The memory writers of a generated kernel call SDFG_SIM_PROGRESS() once per vector they store
// (only in the g++ emulation, SDFG_FPGA_SIM). When the environment variable SDFG_SIM_PROGRESS_FD
// names an open file descriptor, a line `progress <vectors stored so far, all writers>` is
// written there at most every 100 ms; otherwise nothing happens. The count is a process-wide
// atomic, so it is right whether the processes run as threads or as fibers of one thread.
#ifndef SDFG_SIM_PROGRESS_H
#define SDFG_SIM_PROGRESS_H

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace sdfg_sim {

inline int progress_fd() {
  static const int fd = [] {
    const char* s = std::getenv("SDFG_SIM_PROGRESS_FD");
    return s != nullptr && *s != '\0' ? std::atoi(s) : -1;
  }();
  return fd;
}

inline void progress_emit(std::uint64_t n) {
  char line[40];
  const int len = std::snprintf(line, sizeof line, "progress %llu\n", static_cast<unsigned long long>(n));
  if (len > 0 && ::write(progress_fd(), line, static_cast<size_t>(len)) < 0) {
    // The reader went away: progress is optional, the run goes on.
  }
}

/** One more vector stored; reports the total now and then. */
inline void progress_step() {
  static std::atomic<std::uint64_t> stored{0};
  static std::atomic<std::int64_t> last_ms{0};
  const std::uint64_t n = stored.fetch_add(1, std::memory_order_relaxed) + 1;
  if (progress_fd() < 0 || (n & 1023) != 0) return;
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now().time_since_epoch()).count();
  std::int64_t prev = last_ms.load(std::memory_order_relaxed);
  if (now - prev < 100 || !last_ms.compare_exchange_strong(prev, now)) return;
  progress_emit(n);
}

}  // namespace sdfg_sim

#endif  // SDFG_SIM_PROGRESS_H
