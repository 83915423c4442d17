// sdfg_sim/fifo.h -- vendor-neutral core of the sdfg-fpga software emulation.
//
//  * sdfg_sim::Fifo<T>: a bounded FIFO with a fixed capacity and a name. Blocking read()/write(),
//    non-blocking try_read()/try_write(). The fast path is a lock-free single-producer /
//    single-consumer ring (one reader thread and one writer thread at a time -- they may take
//    turns -- which is what an HLS stream or an OpenCL channel is); a side that finds the ring
//    empty/full spins briefly, yields, and then sleeps on a condition variable. The other side
//    only touches the mutex when somebody sleeps.
//  * A registry of live FIFOs and of threads, and a watchdog thread that reports a deadlock
//    (every dataflow thread blocked in a FIFO or a join, nothing moved for SDFG_SIM_DEADLOCK_MS,
//    default 1000 ms) on stderr and ends the process with exit code 3.
//  * sdfg_sim::DataflowRegion: runs each dataflow function in its own thread (hlslib's model).
//
// Header-only, C++17, Linux/POSIX (falls back to std::thread elsewhere).
#ifndef SDFG_SIM_FIFO_H
#define SDFG_SIM_FIFO_H

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <dirent.h>
#include <pthread.h>
#define SDFG_SIM_HAVE_PTHREAD 1
#endif

namespace sdfg_sim {

/// Exit code of a process ended by the deadlock watchdog.
constexpr int kDeadlockExitCode = 3;

namespace detail {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
  __asm__ __volatile__("yield");
#endif
}

// Waiting strategy of a side that finds the ring empty/full: spin (cheap while the partner runs
// on another core), then sched_yield (~0.5 us; with more threads than cores it hands the core to
// a thread that can progress), then sleep on a condition variable (a futex sleep/wake costs
// 5-20 us on a small VM). The spin budget adapts per FIFO side, like glibc's adaptive mutexes:
// it doubles when spinning succeeded and halves when it did not, between SDFG_SIM_SPIN_MIN and
// SDFG_SIM_SPIN_MAX, so it stays short on a loaded machine or with many threads per core. The
// yield phase ends after SDFG_SIM_YIELD yields or SDFG_SIM_YIELD_US microseconds: on a loaded
// machine one yield can give the core away for a whole time slice, and sleeping is then the
// better deal (the scheduler favours a woken sleeper). Measured on a 2-core VM, 2..30 threads.
#ifndef SDFG_SIM_SPIN_MIN
#define SDFG_SIM_SPIN_MIN 16
#endif
#ifndef SDFG_SIM_SPIN_MAX
#define SDFG_SIM_SPIN_MAX 4096
#endif
#ifndef SDFG_SIM_YIELD
#define SDFG_SIM_YIELD 1000
#endif
#ifndef SDFG_SIM_YIELD_US
#define SDFG_SIM_YIELD_US 50
#endif
constexpr int kSpinMin = SDFG_SIM_SPIN_MIN;
constexpr int kSpinMax = SDFG_SIM_SPIN_MAX;
constexpr int kYieldIterations = SDFG_SIM_YIELD;
constexpr long kYieldMicros = SDFG_SIM_YIELD_US;

// Yields until ready() or the yield budget is spent; true when ready.
template <typename Ready>
inline bool yield_until(Ready ready) {
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kYieldIterations; ++i) {
    std::this_thread::yield();
    if (ready()) return true;
    if (kYieldMicros > 0 && std::chrono::steady_clock::now() - start > std::chrono::microseconds(kYieldMicros)) break;
  }
  return false;
}

class FifoBase;

enum BlockKind : int { kNotBlocked = 0, kBlockedRead = 1, kBlockedWrite = 2 };

/// Per-thread state seen by the watchdog. Created lazily the first time a thread blocks in a
/// FIFO, starts a dataflow function, or joins a dataflow region.
struct ThreadRecord {
  std::string function;  // dataflow function name ("" for other threads); guarded by registry
  bool dataflow = false;  // guarded by the registry mutex
  std::atomic<const FifoBase*> blocked_on{nullptr};
  std::atomic<int> block_kind{kNotBlocked};
  std::atomic<int> joining{0};  // > 0 while inside DataflowRegion::join()
};

/// Process-wide registry. Never destroyed (the watchdog may run during static destruction).
struct Registry {
  std::mutex mx;
  std::vector<FifoBase*> fifos;
  std::vector<ThreadRecord*> threads;
  std::uint64_t generation = 0;  // bumped whenever fifos/threads are added or removed
  std::once_flag watchdog_once;
  std::uint64_t unnamed_counter = 0;
  long starting = 0;  // dataflow threads created but not yet registered

  static Registry& get() {
    static Registry* r = new Registry();
    return *r;
  }
};

struct ThreadRecordHolder {
  ThreadRecord rec;
  ThreadRecordHolder() {
    Registry& r = Registry::get();
    std::lock_guard<std::mutex> g(r.mx);
    r.threads.push_back(&rec);
    ++r.generation;
  }
  ~ThreadRecordHolder() {
    Registry& r = Registry::get();
    std::lock_guard<std::mutex> g(r.mx);
    r.threads.erase(std::remove(r.threads.begin(), r.threads.end(), &rec), r.threads.end());
    ++r.generation;
  }
  ThreadRecordHolder(const ThreadRecordHolder&) = delete;
  ThreadRecordHolder& operator=(const ThreadRecordHolder&) = delete;
};

inline ThreadRecord& current_thread() {
  thread_local ThreadRecordHolder holder;
  return holder.rec;
}

inline long env_long(const char* name, long fallback) {
  const char* s = std::getenv(name);
  if (s == nullptr || *s == '\0') return fallback;
  char* end = nullptr;
  long v = std::strtol(s, &end, 10);
  if (end == s || *end != '\0') {
    std::fprintf(stderr, "sdfg_sim: ignoring %s=\"%s\" (not an integer)\n", name, s);
    return fallback;
  }
  return v;
}

/// Deadlock timeout in ms (SDFG_SIM_DEADLOCK_MS, default 1000; <= 0 disables the watchdog).
inline long deadlock_timeout_ms() {
  static const long ms = env_long("SDFG_SIM_DEADLOCK_MS", 1000);
  return ms;
}

/// Number of threads in this process, or -1 when it cannot be determined.
inline long process_thread_count() {
#if defined(__linux__)
  DIR* d = opendir("/proc/self/task");
  if (d == nullptr) return -1;
  long n = 0;
  while (struct dirent* e = readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(d);
  return n;
#else
  return -1;
#endif
}

class FifoBase {
 public:
  FifoBase(std::size_t capacity, std::string name) : capacity_(capacity), name_(std::move(name)) {
    if (capacity_ == 0) throw std::invalid_argument("sdfg_sim::Fifo '" + name_ + "': capacity must be >= 1");
    Registry& r = Registry::get();
    std::lock_guard<std::mutex> g(r.mx);
    if (name_.empty()) name_ = "fifo#" + std::to_string(++r.unnamed_counter);
    r.fifos.push_back(this);
    ++r.generation;
  }
  virtual ~FifoBase() {
    Registry& r = Registry::get();
    std::lock_guard<std::mutex> g(r.mx);
    r.fifos.erase(std::remove(r.fifos.begin(), r.fifos.end(), this), r.fifos.end());
    ++r.generation;
  }
  FifoBase(const FifoBase&) = delete;
  FifoBase& operator=(const FifoBase&) = delete;

  const std::string& name() const { return name_; }
  std::size_t capacity() const { return capacity_; }

  /// Renames the FIFO (used by hls::stream::set_name). Not thread-safe with respect to a
  /// concurrently reporting watchdog, so call it before the FIFO is in use.
  void set_name(std::string name) {
    Registry& r = Registry::get();
    std::lock_guard<std::mutex> g(r.mx);
    name_ = std::move(name);
  }

  /// Number of elements currently stored (exact when no read/write is in flight).
  std::size_t size() const {
    std::uint64_t t = tail_.load(std::memory_order_acquire);
    std::uint64_t h = head_.load(std::memory_order_acquire);
    if (t <= h) return 0;
    return static_cast<std::size_t>(std::min<std::uint64_t>(t - h, capacity_));
  }
  bool empty() const { return size() == 0; }
  bool full() const { return size() >= capacity_; }

  /// Total elements read plus written since construction (used to detect progress).
  std::uint64_t progress() const {
    return head_.load(std::memory_order_relaxed) + tail_.load(std::memory_order_relaxed);
  }

 protected:
  // ---- consumer side ----
  alignas(64) std::atomic<std::uint64_t> head_{0};  // number of elements read so far
  std::size_t rpos_ = 0;                             // slot of the next read
  std::uint64_t cached_tail_ = 0;                    // consumer's last view of tail_
  int read_spin_ = kSpinMin;                         // adaptive spin budget of the consumer
  // ---- producer side ----
  alignas(64) std::atomic<std::uint64_t> tail_{0};  // number of elements written so far
  std::size_t wpos_ = 0;                             // slot of the next write
  std::uint64_t cached_head_ = 0;                    // producer's last view of head_
  int write_spin_ = kSpinMin;                        // adaptive spin budget of the producer
  // ---- sleeping ----
  alignas(64) std::atomic<int> readers_sleeping_{0};
  std::atomic<int> writers_sleeping_{0};
  std::mutex wait_mx_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;

  const std::size_t capacity_;
  std::string name_;

  void start_watchdog();

  // Sleeping without lost wake-ups (a Dekker handshake in the seq_cst total order): the
  // publishing side stores head_/tail_ seq_cst and then loads the other side's sleeping
  // counter seq_cst; the sleeping side increments its counter seq_cst and then re-reads
  // head_/tail_ seq_cst. At least one of them sees the other.
  // Called by the consumer after publishing head_, by the producer after publishing tail_.
  void wake_writers() {
    if (writers_sleeping_.load(std::memory_order_seq_cst) != 0) {
      { std::lock_guard<std::mutex> g(wait_mx_); }
      not_full_.notify_all();
    }
  }
  void wake_readers() {
    if (readers_sleeping_.load(std::memory_order_seq_cst) != 0) {
      { std::lock_guard<std::mutex> g(wait_mx_); }
      not_empty_.notify_all();
    }
  }

  // Waits until tail_ != h (an element is available); returns the new tail.
  std::uint64_t wait_not_empty(std::uint64_t h) {
    std::uint64_t t;
    for (int i = 0; i < read_spin_; ++i) {
      if ((t = tail_.load(std::memory_order_acquire)) != h) {
        read_spin_ = std::min(kSpinMax, read_spin_ * 2);
        return t;
      }
      cpu_relax();
    }
    read_spin_ = std::max(kSpinMin, read_spin_ / 2);
    if (yield_until([&] { return (t = tail_.load(std::memory_order_acquire)) != h; })) return t;
    start_watchdog();
    ThreadRecord& rec = current_thread();
    rec.block_kind.store(kBlockedRead, std::memory_order_relaxed);
    rec.blocked_on.store(this, std::memory_order_release);
    {
      std::unique_lock<std::mutex> lk(wait_mx_);
      readers_sleeping_.fetch_add(1, std::memory_order_seq_cst);
      while ((t = tail_.load(std::memory_order_seq_cst)) == h) not_empty_.wait(lk);
      readers_sleeping_.fetch_sub(1, std::memory_order_relaxed);
    }
    rec.blocked_on.store(nullptr, std::memory_order_release);
    rec.block_kind.store(kNotBlocked, std::memory_order_relaxed);
    return t;
  }

  // Waits until the ring has room for element number t (head_ + capacity > t); returns head.
  std::uint64_t wait_not_full(std::uint64_t t) {
    std::uint64_t h;
    for (int i = 0; i < write_spin_; ++i) {
      if (t - (h = head_.load(std::memory_order_acquire)) < capacity_) {
        write_spin_ = std::min(kSpinMax, write_spin_ * 2);
        return h;
      }
      cpu_relax();
    }
    write_spin_ = std::max(kSpinMin, write_spin_ / 2);
    if (yield_until([&] { return t - (h = head_.load(std::memory_order_acquire)) < capacity_; })) return h;
    start_watchdog();
    ThreadRecord& rec = current_thread();
    rec.block_kind.store(kBlockedWrite, std::memory_order_relaxed);
    rec.blocked_on.store(this, std::memory_order_release);
    {
      std::unique_lock<std::mutex> lk(wait_mx_);
      writers_sleeping_.fetch_add(1, std::memory_order_seq_cst);
      while (t - (h = head_.load(std::memory_order_seq_cst)) >= capacity_) not_full_.wait(lk);
      writers_sleeping_.fetch_sub(1, std::memory_order_relaxed);
    }
    rec.blocked_on.store(nullptr, std::memory_order_release);
    rec.block_kind.store(kNotBlocked, std::memory_order_relaxed);
    return h;
  }
};

// ------------------------------------------------------------------------------------------
// Watchdog
// ------------------------------------------------------------------------------------------

[[noreturn]] inline void report_deadlock_locked(Registry& r) {
  std::fflush(stdout);
  std::string msg = "deadlock detected:\n";
  for (const ThreadRecord* t : r.threads) {
    const FifoBase* f = t->blocked_on.load(std::memory_order_acquire);
    if (f == nullptr) continue;
    const std::size_t n = f->capacity();
    const std::size_t s = f->size();
    if (t->block_kind.load(std::memory_order_relaxed) == kBlockedWrite) {
      msg += "  " + f->name() + ": full (" + std::to_string(s) + "/" + std::to_string(n) +
             "), writer blocked\n";
    } else {
      msg += "  " + f->name() + ": empty (" + std::to_string(s) + "/" + std::to_string(n) +
             "), reader blocked\n";
    }
  }
  std::fputs(msg.c_str(), stderr);
  std::fflush(stderr);
  std::_Exit(kDeadlockExitCode);
}

/// One watchdog observation: is every relevant thread waiting, and what is the progress
/// signature (changes whenever any element moves or a FIFO/thread appears or disappears)?
struct WatchdogSample {
  bool stuck = false;
  std::uint64_t signature = 0;
};

inline WatchdogSample watchdog_sample_locked(Registry& r) {
  WatchdogSample s;
  std::uint64_t sig = r.generation * 0x9E3779B97F4A7C15ull;
  for (const FifoBase* f : r.fifos) sig += f->progress();
  s.signature = sig;

  long blocked_in_fifo = 0, waiting = 0, dataflow = 0, dataflow_waiting = 0, other_running = 0;
  for (const ThreadRecord* t : r.threads) {
    const FifoBase* f = t->blocked_on.load(std::memory_order_acquire);
    if (f != nullptr) {
      // A sleeper whose FIFO has changed state has been (or is being) woken: not stuck.
      const bool still = t->block_kind.load(std::memory_order_relaxed) == kBlockedWrite ? f->full() : f->empty();
      if (!still) return s;
    }
    const bool b = f != nullptr;
    const bool w = b || t->joining.load(std::memory_order_acquire) > 0;
    blocked_in_fifo += b;
    waiting += w;
    if (t->dataflow) {
      ++dataflow;
      dataflow_waiting += w;
    } else if (!w) {
      ++other_running;
    }
  }
  if (blocked_in_fifo == 0 || r.starting > 0) return s;
  // (1) Every dataflow thread waits in a FIFO or joins a nested region, and no other thread
  //     known to use FIFOs (one that has blocked in one or joined a region before) is running.
  //     Threads that never touch FIFOs (sanitizer or runtime helpers) do not count.
  if (dataflow > 0 && dataflow_waiting == dataflow && other_running == 0) {
    s.stuck = true;
    return s;
  }
  // (2) Without dataflow threads (plain std::threads, or a single thread reading an empty
  //     stream): every thread of the process but the watchdog waits in a FIFO or a join.
  const long n_threads = process_thread_count();
  s.stuck = n_threads > 0 && n_threads - 1 <= waiting;
  return s;
}

inline void watchdog_main(long timeout_ms) {
  using clock = std::chrono::steady_clock;
  const auto period = std::chrono::milliseconds(std::max(1L, std::min(100L, timeout_ms / 10)));
  const auto timeout = std::chrono::milliseconds(timeout_ms);
  Registry& r = Registry::get();
  bool stuck_before = false;
  std::uint64_t last_sig = 0;
  clock::time_point since{};
  for (;;) {
    std::this_thread::sleep_for(period);
    std::lock_guard<std::mutex> g(r.mx);
    const WatchdogSample s = watchdog_sample_locked(r);
    const auto now = clock::now();
    if (!s.stuck) {
      stuck_before = false;
      continue;
    }
    if (!stuck_before || s.signature != last_sig) {
      stuck_before = true;
      last_sig = s.signature;
      since = now;
      continue;
    }
    if (now - since >= timeout) report_deadlock_locked(r);
  }
}

inline void ensure_watchdog() {
  Registry& r = Registry::get();
  std::call_once(r.watchdog_once, [] {
    const long ms = deadlock_timeout_ms();
    if (ms <= 0) return;
    std::thread(watchdog_main, ms).detach();
  });
}

inline void FifoBase::start_watchdog() { ensure_watchdog(); }

}  // namespace detail

// ------------------------------------------------------------------------------------------
// Fifo<T>
// ------------------------------------------------------------------------------------------

/// Bounded FIFO of capacity `capacity` (>= 1). At most one thread reads and one thread writes
/// at any time (different threads may take turns). T must be default-constructible and
/// copy- or move-assignable.
template <typename T>
class Fifo final : public detail::FifoBase {
 public:
  explicit Fifo(std::size_t capacity, std::string name = std::string())
      : detail::FifoBase(capacity, std::move(name)), buf_(new T[capacity]()) {}

  /// Blocking read.
  T read() {
    const std::uint64_t h = head_.load(std::memory_order_relaxed);
    if (h == cached_tail_) {
      cached_tail_ = tail_.load(std::memory_order_acquire);
      if (h == cached_tail_) cached_tail_ = wait_not_empty(h);
    }
    T v = std::move(buf_[rpos_]);
    if (++rpos_ == capacity_) rpos_ = 0;
    head_.store(h + 1, std::memory_order_seq_cst);
    wake_writers();
    return v;
  }
  void read(T& out) { out = read(); }

  /// Blocking write.
  void write(const T& v) {
    const std::uint64_t t = tail_.load(std::memory_order_relaxed);
    if (t - cached_head_ >= capacity_) {
      cached_head_ = head_.load(std::memory_order_acquire);
      if (t - cached_head_ >= capacity_) cached_head_ = wait_not_full(t);
    }
    buf_[wpos_] = v;
    if (++wpos_ == capacity_) wpos_ = 0;
    tail_.store(t + 1, std::memory_order_seq_cst);
    wake_readers();
  }

  /// Non-blocking read: false (and `out` untouched) when empty.
  bool try_read(T& out) {
    const std::uint64_t h = head_.load(std::memory_order_relaxed);
    if (h == cached_tail_) {
      cached_tail_ = tail_.load(std::memory_order_acquire);
      if (h == cached_tail_) return false;
    }
    out = std::move(buf_[rpos_]);
    if (++rpos_ == capacity_) rpos_ = 0;
    head_.store(h + 1, std::memory_order_seq_cst);
    wake_writers();
    return true;
  }

  /// Non-blocking write: false (nothing written) when full.
  bool try_write(const T& v) {
    const std::uint64_t t = tail_.load(std::memory_order_relaxed);
    if (t - cached_head_ >= capacity_) {
      cached_head_ = head_.load(std::memory_order_acquire);
      if (t - cached_head_ >= capacity_) return false;
    }
    buf_[wpos_] = v;
    if (++wpos_ == capacity_) wpos_ = 0;
    tail_.store(t + 1, std::memory_order_seq_cst);
    wake_readers();
    return true;
  }

 private:
  std::unique_ptr<T[]> buf_;
};

// ------------------------------------------------------------------------------------------
// Dataflow regions: one thread per dataflow function
// ------------------------------------------------------------------------------------------

namespace detail {

// A reference to a caller's object, stored in the thread's argument tuple.
template <typename T>
struct ArgRef {
  T* p;
};

// How an argument of a dataflow call reaches the thread: a parameter declared as an lvalue
// reference gets a reference to the caller's object (streams, arrays, scalars passed by
// reference); anything else is copied when the call is made, exactly like a sequential call.
template <typename P, typename A>
auto bind_dataflow_arg(A&& a) {
  if constexpr (std::is_lvalue_reference_v<P> && std::is_lvalue_reference_v<A&&>) {
    return ArgRef<std::remove_reference_t<A>>{&a};
  } else {
    return std::remove_cv_t<std::remove_reference_t<P>>(std::forward<A>(a));
  }
}

// Fallback for callables whose parameter types are unknown (lambdas, functors, overloads
// resolved by the caller): lvalues by reference, rvalues by value.
template <typename A>
auto bind_dataflow_arg_generic(A&& a) {
  if constexpr (std::is_lvalue_reference_v<A&&>) {
    return ArgRef<std::remove_reference_t<A>>{&a};
  } else {
    return std::decay_t<A>(std::forward<A>(a));
  }
}

// A stored argument reaches the function as the referenced object or as the stored copy,
// moved (each thread calls its function once).
template <typename T>
T& unwrap_dataflow_arg(ArgRef<T>& r) {
  return *r.p;
}
template <typename T>
T&& unwrap_dataflow_arg(T& v) {
  return std::move(v);
}

/// Stack size of dataflow threads: SDFG_SIM_STACK_MB (default 64 MiB; PEs keep their delay
/// lines and windows as local arrays, like on the FPGA).
inline std::size_t dataflow_stack_bytes() {
  static const long mb = env_long("SDFG_SIM_STACK_MB", 64);
  return static_cast<std::size_t>(std::max(1L, mb)) << 20;
}

}  // namespace detail

/// A dataflow region: call() starts each function in its own thread, join() waits for all of
/// them. The destructor joins as well.
class DataflowRegion {
 public:
  explicit DataflowRegion(const char* name = "dataflow") : name_(name) {}
  DataflowRegion(const DataflowRegion&) = delete;
  DataflowRegion& operator=(const DataflowRegion&) = delete;
  ~DataflowRegion() { join(); }

  template <typename F>
  struct Caller {
    DataflowRegion* region;
    const char* name;
    F f;
    template <typename... A>
    void operator()(A&&... a) const {
      region->spawn_call(name, f, std::forward<A>(a)...);
    }
  };

  /// region.call("f", f)(args...) starts f(args...) in a new thread.
  template <typename F>
  Caller<F> call(const char* name, F f) {
    return Caller<F>{this, name, f};
  }

  template <typename R, typename... P, typename... A>
  void spawn_call(const char* name, R (*f)(P...), A&&... a) {
    static_assert(sizeof...(P) == sizeof...(A), "SDFG_DATAFLOW_CALL: wrong number of arguments");
    spawn(name, [f, args = std::make_tuple(detail::bind_dataflow_arg<P>(std::forward<A>(a))...)]() mutable {
      std::apply([f](auto&... x) { f(detail::unwrap_dataflow_arg(x)...); }, args);
    });
  }
  template <typename F, typename... A>
  void spawn_call(const char* name, F f, A&&... a) {
    spawn(name, [f, args = std::make_tuple(detail::bind_dataflow_arg_generic(std::forward<A>(a))...)]() mutable {
      std::apply([&f](auto&... x) { f(detail::unwrap_dataflow_arg(x)...); }, args);
    });
  }

  /// Starts body() in a new dataflow thread named `name`.
  void spawn(const char* name, std::function<void()> body) {
    detail::ensure_watchdog();
    auto* job = new Job{std::string(name), std::move(body)};
    detail::Registry& r = detail::Registry::get();
    {
      std::lock_guard<std::mutex> g(r.mx);
      ++r.starting;
    }
#if defined(SDFG_SIM_HAVE_PTHREAD)
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, detail::dataflow_stack_bytes());
    pthread_t tid;
    int rc = pthread_create(&tid, &attr, &DataflowRegion::thread_entry, job);
    pthread_attr_destroy(&attr);
    if (rc != 0) rc = pthread_create(&tid, nullptr, &DataflowRegion::thread_entry, job);  // default stack
    if (rc != 0) {
      delete job;
      std::lock_guard<std::mutex> g(r.mx);
      --r.starting;
      throw std::runtime_error("sdfg_sim: cannot start a thread for dataflow function '" + std::string(name) + "'");
    }
    threads_.push_back(tid);
#else
    threads_.emplace_back([job] { thread_entry(job); });
#endif
  }

  /// Waits for every function started so far.
  void join() {
    if (threads_.empty()) return;
    detail::ThreadRecord& rec = detail::current_thread();
    rec.joining.fetch_add(1, std::memory_order_acq_rel);
#if defined(SDFG_SIM_HAVE_PTHREAD)
    for (pthread_t t : threads_) pthread_join(t, nullptr);
#else
    for (std::thread& t : threads_) t.join();
#endif
    threads_.clear();
    rec.joining.fetch_sub(1, std::memory_order_acq_rel);
  }

  const char* name() const { return name_; }

 private:
  struct Job {
    std::string name;
    std::function<void()> body;
  };

  static void* thread_entry(void* p) {
    std::unique_ptr<Job> job(static_cast<Job*>(p));
    detail::ThreadRecord& rec = detail::current_thread();
    {
      detail::Registry& r = detail::Registry::get();
      std::lock_guard<std::mutex> g(r.mx);
      rec.dataflow = true;
      rec.function = job->name;
      --r.starting;
      ++r.generation;
    }
    try {
      job->body();
    } catch (const std::exception& e) {
      std::fflush(stdout);
      std::fprintf(stderr, "sdfg_sim: dataflow function '%s' threw: %s\n", job->name.c_str(), e.what());
      std::_Exit(1);
    } catch (...) {
      std::fflush(stdout);
      std::fprintf(stderr, "sdfg_sim: dataflow function '%s' threw an exception\n", job->name.c_str());
      std::_Exit(1);
    }
    {
      detail::Registry& r = detail::Registry::get();
      std::lock_guard<std::mutex> g(r.mx);
      rec.dataflow = false;
      ++r.generation;
    }
    return nullptr;
  }

  const char* name_;
#if defined(SDFG_SIM_HAVE_PTHREAD)
  std::vector<pthread_t> threads_;
#else
  std::vector<std::thread> threads_;
#endif
};

}  // namespace sdfg_sim

#endif  // SDFG_SIM_FIFO_H
