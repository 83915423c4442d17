// sdfg_sim/fifo.h -- vendor-neutral core of the sdfg-fpga software emulation.
//
//  * Cooperative scheduling: every dataflow process (an SDFG_DATAFLOW_CALL, an Intel kernel the
//    emulated host starts, an autorun kernel) runs as a fiber -- a user-space context with a
//    stack of its own -- inside ONE OS thread. A read from an empty FIFO or a write to a full
//    one parks the fiber and switches to the next ready one; the read/write that unblocks it
//    puts it back at the end of the ready queue. A process therefore runs until it really
//    blocks (a whole row when the FIFOs allow), and the schedule depends only on the program
//    and its inputs: same inputs, same schedule, same bytes, on any machine load.
//  * Deadlock detection is exact and immediate: when a process must block and no process is
//    ready, every unfinished process (the host thread included) is blocked for good. The
//    blocked FIFOs are reported on stderr ("deadlock detected:", one line per blocked process)
//    and the program ends with exit code 3. No timer is involved.
//  * sdfg_sim::Fifo<T>: a bounded FIFO with a fixed capacity and a name. Blocking read()/write(),
//    non-blocking try_read()/try_write(). The fast path is a ring buffer with one counter; the
//    only extra work is one test whether the other side is parked (to make it ready).
//  * sdfg_sim::DataflowRegion: call("f", f)(args...) creates a fiber for f(args...); join()
//    runs the scheduler until every fiber of the region has finished.
//  * Latency stress (SDFG_SIM_HOLD_BACK, see hold_back_for): the FIFOs a named process writes
//    hold back its last D outputs, like a stall-style (non-flushing) pipeline of depth D whose
//    results only leave when D more have entered behind them or the loop ends.
//
// There is no threaded mode: nothing needs one (the generated hosts call the kernel from one
// thread, and the emulation's point is the FIFO semantics, not parallel speed). All FIFOs and
// regions belong to the thread that drives them; using them from several OS threads is not
// supported.
//
// Context switch: a few instructions of hand-written assembly on x86-64 (saves the callee-saved
// registers and the stack pointer; about 100x cheaper than swapcontext, which makes a
// sigprocmask system call per switch); ucontext (makecontext/swapcontext) elsewhere, or with
// -DSDFG_SIM_UCONTEXT. Fiber stacks are mmap'd (SDFG_SIM_STACK_MB, default 64 MiB each,
// committed only as touched: PEs keep windows and delay lines as local arrays) with a 16 MiB
// guard region below; a stack overflow is reported with the function's name.
//
// Header-only, C++17, Linux/POSIX.
#ifndef SDFG_SIM_FIFO_H
#define SDFG_SIM_FIFO_H

#include <signal.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#if !defined(__x86_64__) && !defined(SDFG_SIM_UCONTEXT)
#define SDFG_SIM_UCONTEXT 1
#endif
#if defined(SDFG_SIM_UCONTEXT)
#include <ucontext.h>
#endif

#if !defined(SDFG_SIM_UCONTEXT)
// sdfg_sim_switch(void** save_sp, void* load_sp): pushes the callee-saved registers, stores the
// stack pointer in *save_sp, loads load_sp and pops the other context's registers; `ret` resumes
// it. A new fiber's stack is laid out so that the pops load its entry function into r12 and its
// argument into rbx and `ret` enters sdfg_sim_fiber_start. Weak symbols: every translation unit
// that includes this header defines them, the linker keeps one.
__asm__(
    ".text\n"
    ".weak sdfg_sim_switch\n"
    ".type sdfg_sim_switch,@function\n"
    "sdfg_sim_switch:\n"
    "  pushq %rbp\n"
    "  pushq %rbx\n"
    "  pushq %r12\n"
    "  pushq %r13\n"
    "  pushq %r14\n"
    "  pushq %r15\n"
    "  movq %rsp, (%rdi)\n"
    "  movq %rsi, %rsp\n"
    "  popq %r15\n"
    "  popq %r14\n"
    "  popq %r13\n"
    "  popq %r12\n"
    "  popq %rbx\n"
    "  popq %rbp\n"
    "  ret\n"
    ".size sdfg_sim_switch,.-sdfg_sim_switch\n"
    ".weak sdfg_sim_fiber_start\n"
    ".type sdfg_sim_fiber_start,@function\n"
    "sdfg_sim_fiber_start:\n"
    "  movq %rbx, %rdi\n"
    "  callq *%r12\n"
    "  ud2\n"
    ".size sdfg_sim_fiber_start,.-sdfg_sim_fiber_start\n");
extern "C" void sdfg_sim_switch(void** save_sp, void* load_sp);
extern "C" void sdfg_sim_fiber_start();
#endif

namespace sdfg_sim {

/// Exit code of a process ended by deadlock detection.
constexpr int kDeadlockExitCode = 3;

namespace detail {

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

/// Stack size of a fiber: SDFG_SIM_STACK_MB (default 64 MiB).
inline std::size_t fiber_stack_bytes() {
  static const long mb = env_long("SDFG_SIM_STACK_MB", 64);
  return static_cast<std::size_t>(std::max(1L, mb)) << 20;
}

/// Guard region below each fiber stack: 16 MiB of inaccessible address space (costs no memory),
/// so that a frame much larger than a page (a PE's delay lines) still lands in it on overflow.
inline std::size_t guard_bytes() {
  static const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  static const std::size_t g = ((std::size_t{16} << 20) + page - 1) / page * page;
  return g;
}

class FifoBase;
struct Region;

enum BlockKind : int { kNotBlocked = 0, kBlockedRead = 1, kBlockedWrite = 2, kBlockedJoin = 3 };

/// A process: a fiber with its own stack, or the host thread itself (the first Fiber, no stack).
struct Fiber {
  std::string name;
  std::function<void()> body;
  Region* region = nullptr;
  void* sp = nullptr;  // saved stack pointer while switched out
#if defined(SDFG_SIM_UCONTEXT)
  ucontext_t uc;
#endif
  char* mapping = nullptr;  // mmap'd stack, guard page at the low end
  std::size_t mapping_bytes = 0;
  Fiber* next_ready = nullptr;
  bool queued = false;
  bool finished = false;
  const FifoBase* blocked_on = nullptr;
  int block_kind = kNotBlocked;
  long hold_back = 0;                 // latency stress: outputs held back per written FIFO
  std::vector<FifoBase*> held_fifos;  // FIFOs this process writes with hold_back > 0
  std::uint64_t serial = 0;           // creation order (reports)
};

/// Dataflow region bookkeeping: how many of its fibers are unfinished, who waits for them.
struct Region {
  long remaining = 0;
  Fiber* joiner = nullptr;
};

/// Names and hold-back counts from SDFG_SIM_HOLD_BACK="name=D,name=D,...", parsed once.
struct HoldBackTable {
  std::vector<std::pair<std::string, long>> entries;
  HoldBackTable() {
    const char* s = std::getenv("SDFG_SIM_HOLD_BACK");
    if (s == nullptr) return;
    std::string spec(s);
    std::size_t pos = 0;
    while (pos < spec.size()) {
      std::size_t comma = spec.find(',', pos);
      if (comma == std::string::npos) comma = spec.size();
      const std::string item = spec.substr(pos, comma - pos);
      const std::size_t eq = item.find('=');
      char* end = nullptr;
      const long d = eq == std::string::npos ? -1 : std::strtol(item.c_str() + eq + 1, &end, 10);
      if (eq == std::string::npos || eq == 0 || d < 0 || end == nullptr || *end != '\0') {
        std::fprintf(stderr, "sdfg_sim: SDFG_SIM_HOLD_BACK: bad entry \"%s\" (want name=count)\n", item.c_str());
        std::exit(2);
      }
      entries.emplace_back(item.substr(0, eq), d);
      pos = comma + 1;
    }
  }
  long lookup(const std::string& name) const {
    for (const auto& e : entries)
      if (e.first == name) return e.second;
    return 0;
  }
};

/// The scheduler of this program: one ready queue, run in order (deterministic).
struct Scheduler {
  Fiber host;  // the thread that calls main(): blocks in FIFOs and joins like a fiber
  Fiber* current = &host;
  Fiber* ready_head = nullptr;
  Fiber* ready_tail = nullptr;
  std::vector<Fiber*> live;      // unfinished fibers, in creation order (reports)
  std::vector<Fiber*> pool;      // finished fibers whose stacks can be reused
  std::uint64_t serial = 0;
  std::uint64_t switches = 0;    // context switches so far (SDFG_SIM_STATS)
  double join_cpu_seconds = 0;   // CPU time spent in the host's joins: running the processes
  void* scratch_sp = nullptr;    // where a finishing fiber's stack pointer goes
  std::vector<FifoBase*> fifos;  // every live FIFO (deadlock reports)
  std::uint64_t unnamed_counter = 0;
  HoldBackTable hold_back;

  Scheduler() { host.name = "host"; }

  static Scheduler& get() {
    static Scheduler* s = new Scheduler();  // never destroyed: FIFOs may outlive static destruction order
    return *s;
  }

  void make_ready(Fiber* f) {
    if (f->queued) return;
    f->queued = true;
    f->next_ready = nullptr;
    if (ready_tail != nullptr) ready_tail->next_ready = f;
    else ready_head = f;
    ready_tail = f;
  }
  Fiber* pop_ready() {
    Fiber* f = ready_head;
    if (f == nullptr) return nullptr;
    ready_head = f->next_ready;
    if (ready_head == nullptr) ready_tail = nullptr;
    f->queued = false;
    return f;
  }

  [[noreturn]] void report_deadlock();

  /// Switches from the current process (which has recorded why it waits, or has finished) to
  /// the next ready one; returns when somebody makes the current process ready again and the
  /// scheduler reaches it. No ready process: deadlock.
  void block() {
    Fiber* next = pop_ready();
    if (next == nullptr) report_deadlock();
    switch_to(next, &current->sp);
  }

  /// Puts the current process at the end of the ready queue and runs the others first.
  void yield() {
    if (ready_head == nullptr) return;
    make_ready(current);
    block();
  }

  void switch_to(Fiber* next, void** save_sp) {
    Fiber* prev = current;
    current = next;
    ++switches;
    if (next == prev) return;
#if defined(SDFG_SIM_UCONTEXT)
    (void)save_sp;
    swapcontext(&prev->uc, &next->uc);
#else
    sdfg_sim_switch(save_sp, next->sp);
#endif
  }

  Fiber* spawn(std::string name, std::function<void()> body, Region* region);
  [[noreturn]] void finish_current();
  static void entry(Fiber* f);
#if defined(SDFG_SIM_UCONTEXT)
  static void uc_entry(unsigned lo, unsigned hi) {
    entry(reinterpret_cast<Fiber*>((static_cast<std::uintptr_t>(hi) << 32) | lo));
  }
#endif
};

// ---- stack overflow reports ----

inline void on_segv(int sig, siginfo_t* info, void*) {
  Scheduler& s = Scheduler::get();
  Fiber* f = s.current;
  const char* a = static_cast<const char*>(info->si_addr);
  if (f != nullptr && f->mapping != nullptr && a >= f->mapping && a < f->mapping + guard_bytes()) {
    const char* head = "sdfg_sim: stack overflow in dataflow function '";
    const char* tail = "' (raise SDFG_SIM_STACK_MB)\n";
    ssize_t ignored = write(2, head, std::strlen(head));
    ignored = write(2, f->name.c_str(), f->name.size());
    ignored = write(2, tail, std::strlen(tail));
    (void)ignored;
    _exit(1);
  }
  signal(sig, SIG_DFL);  // any other fault: the default action when the instruction re-runs
}

inline void install_overflow_handler() {
  static bool done = false;
  if (done) return;
  done = true;
  static char alt[64 * 1024];
  stack_t ss{};
  ss.ss_sp = alt;
  ss.ss_size = sizeof(alt);
  sigaltstack(&ss, nullptr);
  struct sigaction sa {};
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, nullptr);
}

inline Fiber* Scheduler::spawn(std::string name, std::function<void()> body, Region* region) {
  Fiber* f;
  if (!pool.empty()) {
    f = pool.back();
    pool.pop_back();
  } else {
    f = new Fiber();
    const std::size_t bytes = fiber_stack_bytes() + guard_bytes();
    void* m = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
    if (m == MAP_FAILED) throw std::runtime_error("sdfg_sim: cannot map a stack for dataflow function '" + name + "'");
    mprotect(m, guard_bytes(), PROT_NONE);  // guard: an overflow faults instead of corrupting
    f->mapping = static_cast<char*>(m);
    f->mapping_bytes = bytes;
    install_overflow_handler();
  }
  f->name = std::move(name);
  f->body = std::move(body);
  f->region = region;
  f->finished = false;
  f->blocked_on = nullptr;
  f->block_kind = kNotBlocked;
  f->hold_back = hold_back.lookup(f->name);
  f->held_fifos.clear();
  f->serial = ++serial;
  char* top = f->mapping + f->mapping_bytes;
#if defined(SDFG_SIM_UCONTEXT)
  getcontext(&f->uc);
  f->uc.uc_stack.ss_sp = f->mapping + guard_bytes();
  f->uc.uc_stack.ss_size = f->mapping_bytes - guard_bytes();
  f->uc.uc_link = nullptr;
  const std::uintptr_t p = reinterpret_cast<std::uintptr_t>(f);
  makecontext(&f->uc, reinterpret_cast<void (*)()>(&Scheduler::uc_entry), 2, static_cast<unsigned>(p & 0xffffffffu),
              static_cast<unsigned>(p >> 32));
  (void)top;
#else
  // Initial frame popped by sdfg_sim_switch: r15 r14 r13 r12 rbx rbp, then the return address.
  // top is 16-byte aligned; after `ret` the stack pointer is top - 16, so the call in
  // sdfg_sim_fiber_start enters Scheduler::entry with the ABI's alignment.
  void** sp = reinterpret_cast<void**>(top - 72);
  sp[0] = nullptr;                                               // r15
  sp[1] = nullptr;                                               // r14
  sp[2] = nullptr;                                               // r13
  sp[3] = reinterpret_cast<void*>(&Scheduler::entry);            // r12: entry function
  sp[4] = f;                                                     // rbx: its argument
  sp[5] = nullptr;                                               // rbp
  sp[6] = reinterpret_cast<void*>(&sdfg_sim_fiber_start);        // return address
  sp[7] = nullptr;
  f->sp = sp;
#endif
  live.push_back(f);
  if (region != nullptr) ++region->remaining;
  make_ready(f);
  return f;
}

}  // namespace detail

// ------------------------------------------------------------------------------------------
// FIFOs
// ------------------------------------------------------------------------------------------

namespace detail {

class FifoBase {
 public:
  FifoBase(std::size_t capacity, std::string name) : capacity_(capacity), name_(std::move(name)) {
    if (capacity_ == 0) throw std::invalid_argument("sdfg_sim::Fifo '" + name_ + "': capacity must be >= 1");
    Scheduler& s = Scheduler::get();
    if (name_.empty()) name_ = "fifo#" + std::to_string(++s.unnamed_counter);
    s.fifos.push_back(this);
  }
  virtual ~FifoBase() {
    Scheduler& s = Scheduler::get();
    s.fifos.erase(std::remove(s.fifos.begin(), s.fifos.end(), this), s.fifos.end());
  }
  FifoBase(const FifoBase&) = delete;
  FifoBase& operator=(const FifoBase&) = delete;

  const std::string& name() const { return name_; }
  std::size_t capacity() const { return capacity_; }
  void set_name(std::string name) { name_ = std::move(name); }

  /// Number of elements the reader can see (held-back elements are still in the producer).
  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  bool full() const { return count_ >= capacity_; }

  /// Moves the oldest held-back element into the FIFO (blocking while it is full); false when
  /// nothing is held back.
  virtual bool release_one() = 0;

 protected:
  std::size_t count_ = 0;     // elements stored
  std::size_t write_limit_ = 0;  // write() takes its slow path when count_ >= write_limit_:
                                 // 0 until the first write (which identifies the writer), then
                                 // capacity_, or 0 for good when the writer holds outputs back
  Fiber* waiter_ = nullptr;   // the process parked on this FIFO (reader if empty, writer if full)
  const std::size_t capacity_;
  std::string name_;

  // Makes the parked process ready (called after an element moved).
  void wake() {
    Scheduler::get().make_ready(waiter_);
    waiter_ = nullptr;
  }

  void park(int kind) {
    Scheduler& s = Scheduler::get();
    Fiber* me = s.current;
    if (waiter_ != nullptr && waiter_ != me) {
      std::fprintf(stderr, "sdfg_sim: FIFO '%s' is used by more than one reader or writer ('%s' and '%s')\n",
                   name_.c_str(), waiter_->name.c_str(), me->name.c_str());
      std::exit(1);
    }
    waiter_ = me;
    me->blocked_on = this;
    me->block_kind = kind;
    s.block();
    me->blocked_on = nullptr;
    me->block_kind = kNotBlocked;
  }

  // Waits until an element is available.
  void wait_not_empty() {
    while (count_ == 0) park(kBlockedRead);
  }
  // Waits until there is room for one element.
  void wait_not_full() {
    while (count_ >= capacity_) park(kBlockedWrite);
  }

  // First write: remember the writer's hold-back (latency stress), set the fast-path limit.
  long first_write() {
    Fiber* me = Scheduler::get().current;
    const long hold = me->hold_back;
    if (hold > 0) me->held_fifos.push_back(this);
    write_limit_ = hold > 0 ? 0 : capacity_;
    return hold;
  }

  friend struct Scheduler;
};

}  // namespace detail

/// Bounded FIFO of capacity `capacity` (>= 1), read by one process and written by one process.
/// T must be default-constructible and copy- or move-assignable.
template <typename T>
class Fifo final : public detail::FifoBase {
 public:
  explicit Fifo(std::size_t capacity, std::string name = std::string())
      : detail::FifoBase(capacity, std::move(name)), buf_(new T[capacity]()) {}

  /// Blocking read.
  T read() {
    if (__builtin_expect(count_ == 0, 0)) wait_not_empty();
    T v = std::move(buf_[rpos_]);
    rpos_ = rpos_ + 1 == capacity_ ? 0 : rpos_ + 1;
    --count_;
    if (__builtin_expect(waiter_ != nullptr, 0)) wake();
    return v;
  }
  void read(T& out) { out = read(); }

  /// Blocking write.
  void write(const T& v) {
    if (__builtin_expect(count_ >= write_limit_, 0)) {
      write_slow(v);
      return;
    }
    put(v);
  }

  /// Non-blocking read: false (and `out` untouched) when empty. A failed attempt lets the
  /// other processes run first, so that a process polling in a loop lets its producer progress.
  bool try_read(T& out) {
    if (count_ == 0) {
      detail::Scheduler::get().yield();
      if (count_ == 0) return false;
    }
    out = read();
    return true;
  }

  /// Non-blocking write: false (nothing written) when full (after letting the others run).
  bool try_write(const T& v) {
    if (write_limit_ == 0 && !held_) {
      if (first_write() > 0) held_ = true;
    }
    if (held_) {
      write_held(v);  // the stressed pipeline accepts the value and may stall on older ones
      return true;
    }
    if (count_ >= capacity_) {
      detail::Scheduler::get().yield();
      if (count_ >= capacity_) return false;
    }
    put(v);
    return true;
  }

  bool release_one() override {
    if (held_queue_.empty()) return false;
    wait_not_full();
    put(held_queue_.front());
    held_queue_.pop_front();
    return true;
  }

 private:
  std::unique_ptr<T[]> buf_;
  std::size_t rpos_ = 0;  // slot of the next read
  std::size_t wpos_ = 0;  // slot of the next write
  bool held_ = false;     // the writer holds outputs back (latency stress)
  long hold_ = 0;
  std::uint64_t held_owner_ = 0;  // serial of the writer whose held_fifos lists this FIFO
                                 // (serials are unique; Fiber objects are reused)
  std::deque<T> held_queue_;

  void put(const T& v) {
    buf_[wpos_] = v;
    wpos_ = wpos_ + 1 == capacity_ ? 0 : wpos_ + 1;
    ++count_;
    if (__builtin_expect(waiter_ != nullptr, 0)) wake();
  }

  __attribute__((noinline)) void write_slow(const T& v) {
    if (write_limit_ == 0 && !held_) {
      hold_ = first_write();
      held_ = hold_ > 0;
    }
    if (held_) {
      write_held(v);
      return;
    }
    wait_not_full();
    put(v);
  }

  // A non-flushing pipeline of depth hold_: the n-th output leaves once output n + hold_ exists.
  void write_held(const T& v) {
    detail::Fiber* me = detail::Scheduler::get().current;
    if (me->serial != held_owner_) {
      // A new writer (the same kernel launched again for the next pass of a time loop): it
      // drains what it holds back when it ends.
      held_owner_ = me->serial;
      hold_ = me->hold_back;
      if (std::find(me->held_fifos.begin(), me->held_fifos.end(), this) == me->held_fifos.end()) me->held_fifos.push_back(this);
    }
    held_queue_.push_back(v);
    while (held_queue_.size() > static_cast<std::size_t>(hold_)) {
      wait_not_full();
      put(held_queue_.front());
      held_queue_.pop_front();
    }
  }
};

// ------------------------------------------------------------------------------------------
// Scheduler pieces that need the FIFOs
// ------------------------------------------------------------------------------------------

namespace detail {

[[noreturn]] inline void Scheduler::report_deadlock() {
  std::fflush(stdout);
  std::string msg = "deadlock detected:\n";
  std::vector<Fiber*> procs;
  procs.push_back(&host);
  procs.insert(procs.end(), live.begin(), live.end());
  for (const Fiber* t : procs) {
    const FifoBase* f = t->blocked_on;
    if (f == nullptr) continue;
    const std::size_t n = f->capacity();
    const std::size_t sz = f->size();
    if (t->block_kind == kBlockedWrite) {
      msg += "  " + f->name() + ": full (" + std::to_string(sz) + "/" + std::to_string(n) + "), writer blocked\n";
    } else {
      msg += "  " + f->name() + ": empty (" + std::to_string(sz) + "/" + std::to_string(n) + "), reader blocked\n";
    }
  }
  std::fputs(msg.c_str(), stderr);
  std::fflush(stderr);
  std::_Exit(kDeadlockExitCode);
}

/// The end of a process's loop: its pipeline drains, releasing what it held back in the order
/// it was produced -- one element per output FIFO in turn, as every iteration wrote one to
/// each -- blocking while a consumer is full. (Draining one FIFO completely before the next
/// could deadlock a correct design: the consumer of the first may wait for the second.)
inline void flush_held(Fiber* me) {
  for (bool more = true; more;) {
    more = false;
    for (FifoBase* f : me->held_fifos) more = f->release_one() || more;
  }
}

/// Releases what the finished fiber holds back, then switches away for good.
[[noreturn]] inline void Scheduler::finish_current() {
  Fiber* me = current;
  flush_held(me);
  me->held_fifos.clear();
  me->finished = true;
  me->body = nullptr;
  live.erase(std::find(live.begin(), live.end(), me));
  if (Region* r = me->region) {
    if (--r->remaining == 0 && r->joiner != nullptr) {
      make_ready(r->joiner);
      r->joiner = nullptr;
    }
  }
  pool.push_back(me);  // safe: nothing runs on this stack after the switch below
  Fiber* next = pop_ready();
  if (next == nullptr) report_deadlock();
  switch_to(next, &scratch_sp);
  std::abort();  // unreachable: a finished fiber is never switched to
}

inline void Scheduler::entry(Fiber* f) {
  try {
    f->body();
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "sdfg_sim: dataflow function '%s' threw: %s\n", f->name.c_str(), e.what());
    std::_Exit(1);
  } catch (...) {
    std::fflush(stdout);
    std::fprintf(stderr, "sdfg_sim: dataflow function '%s' threw an exception\n", f->name.c_str());
    std::_Exit(1);
  }
  Scheduler::get().finish_current();
}

/// Releases what the current process holds back (latency stress) -- the end of an Intel
/// autorun kernel's pass, where its pipelined loop drains.
inline void flush_current_held() { flush_held(Scheduler::get().current); }

// ------------------------------------------------------------------------------------------
// Argument binding of dataflow calls
// ------------------------------------------------------------------------------------------

// A reference to a caller's object, stored in the fiber's argument tuple.
template <typename T>
struct ArgRef {
  T* p;
};

// How an argument of a dataflow call reaches the fiber: a parameter declared as an lvalue
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
// moved (each fiber calls its function once).
template <typename T>
T& unwrap_dataflow_arg(ArgRef<T>& r) {
  return *r.p;
}
template <typename T>
T&& unwrap_dataflow_arg(T& v) {
  return std::move(v);
}

}  // namespace detail

/// Context switches made so far (for profiling the scheduler).
inline std::uint64_t context_switches() { return detail::Scheduler::get().switches; }

namespace detail {

inline double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

/// With SDFG_SIM_STATS set, the program prints on stderr at exit: the CPU time spent running
/// the dataflow processes (the host's joins) and the context switches. Wall-clock time says
/// little on a shared machine; this says what the emulation itself costs.
inline void print_stats_at_exit() {
  static bool registered = false;
  if (registered || std::getenv("SDFG_SIM_STATS") == nullptr) return;
  registered = true;
  std::atexit([] {
    const Scheduler& s = Scheduler::get();
    std::fprintf(stderr, "sdfg_sim: kernel CPU %.6f s, %llu context switches\n", s.join_cpu_seconds,
                 static_cast<unsigned long long>(s.switches));
  });
}

}  // namespace detail

// ------------------------------------------------------------------------------------------
// Dataflow regions
// ------------------------------------------------------------------------------------------

/// A dataflow region: call() creates a fiber per function, join() runs the scheduler until all
/// of them have finished (the fibers of other regions run too, as they become ready). The
/// destructor joins as well.
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

  /// region.call("f", f)(args...) creates a fiber that runs f(args...).
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

  /// Creates a fiber named `name` running body(); it starts when the caller blocks or joins.
  void spawn(const char* name, std::function<void()> body) {
    detail::Scheduler::get().spawn(std::string(name), std::move(body), &region_);
  }

  /// Runs the scheduler until every function started so far has finished.
  void join() {
    detail::Scheduler& s = detail::Scheduler::get();
    if (region_.remaining == 0) return;
    detail::print_stats_at_exit();
    const bool host = s.current == &s.host;
    const double cpu0 = host ? detail::process_cpu_seconds() : 0.0;
    while (region_.remaining > 0) {
      detail::Fiber* me = s.current;
      region_.joiner = me;
      me->block_kind = detail::kBlockedJoin;
      s.block();
      me->block_kind = detail::kNotBlocked;
    }
    region_.joiner = nullptr;
    if (host) s.join_cpu_seconds += detail::process_cpu_seconds() - cpu0;
  }

  const char* name() const { return name_; }

 private:
  const char* name_;
  detail::Region region_;
};

}  // namespace sdfg_sim

#endif  // SDFG_SIM_FIFO_H
