// intel_channels.h -- lets sdfg-fpga's Intel FPGA SDK for OpenCL kernels (.cl) compile as C++17
// with g++ (`g++ -std=c++17 -DSDFG_FPGA_SIM -x c++ kernels.cl`), for the software emulation.
//
// The generated .cl includes this header only under SDFG_FPGA_SIM; aoc never sees it. It maps
//  * channels: the .cl declares each channel twice, `channel float8 c __attribute__((depth(N)));`
//    for aoc and `SDFG_SIM_CHANNEL(float8, c, N);` for g++. The latter is a bounded FIFO of
//    capacity N named "c" (sdfg_sim::Fifo), so a too-small depth deadlocks here as it would on
//    the FPGA, and the sdfg_sim scheduler reports it ("deadlock detected", exit code 3);
//  * read_channel_intel / write_channel_intel (blocking) and the _nb_ variants;
//  * the OpenCL vector types float2..float16, double2..double16, int2..int16 and long2..long16, with lanes .s0 .. .sf, a
//    broadcast conversion `(float8)(x)`, zero-initialised by default; their size and alignment
//    are OpenCL's (float8: 32 bytes), so host buffers can be copied into them;
//  * the address-space qualifiers and `__kernel` (removed), `restrict` (__restrict__); kernel and
//    channel attributes (autorun, max_global_work_dim, depth, ...) are ignored (-Wattributes is
//    silenced below, and `#pragma unroll`/`#pragma ivdep` need -Wno-unknown-pragmas);
//  * the math built-ins OpenCL C spells without a prefix: sqrt, exp, pow, fabs, floor... come
//    from <math.h> (whose C++ version has float and double overloads); min and max are defined
//    here with OpenCL's semantics (min(x, y) = y < x ? y : x, max(x, y) = x < y ? y : x);
//  * get_compute_id(): 0 (each emulated kernel is one compute unit);
//  * SDFG_AUTORUN_LOOP: an autorun kernel's outer `while (1)` (what aoc sees). On the FPGA an
//    autorun kernel starts with the bitstream and processes one whole domain per iteration, for
//    ever. In the emulation the host starts it as a fiber like every other kernel (all kernels
//    share one thread, sdfg_sim/fifo.h), and the loop runs exactly sdfg_ocl::autorun_passes()
//    times (default 1: the number of times the host launches the readers and writers), so that
//    the fiber ends and can be joined: an autorun kernel that consumed too little or too much
//    is reported as a deadlock. Each pass ends like the hardware loop does: outputs held back by
//    the latency stress (SDFG_SIM_HOLD_BACK) are released.
//
// Include it after every other header: it defines macros (`restrict`, `__global`...) that could
// otherwise change what those headers mean.
#ifndef SDFG_SIM_INTEL_CHANNELS_H
#define SDFG_SIM_INTEL_CHANNELS_H

#include <math.h>

#include <atomic>
#include <cmath>
#include <cstddef>
#include <string>

#include "sdfg_sim/fifo.h"
#include "sdfg_sim/progress.h"

// One vector stored by a memory writer, for `sdfg-fpga emulate`'s progress display.
#define SDFG_SIM_PROGRESS() ::sdfg_sim::progress_step()

namespace sdfg_ocl {

// ------------------------------------------------------------------------------------------
// Vector types: OpenCL's size and alignment, lanes named .s0 .. .sf
// ------------------------------------------------------------------------------------------

template <typename T, int N>
struct vec;

template <typename T>
struct alignas(2 * sizeof(T)) vec<T, 2> {
  T s0{}, s1{};
  vec() = default;
  explicit vec(T x) : s0(x), s1(x) {}
};

template <typename T>
struct alignas(4 * sizeof(T)) vec<T, 4> {
  T s0{}, s1{}, s2{}, s3{};
  vec() = default;
  explicit vec(T x) : s0(x), s1(x), s2(x), s3(x) {}
};

template <typename T>
struct alignas(8 * sizeof(T)) vec<T, 8> {
  T s0{}, s1{}, s2{}, s3{}, s4{}, s5{}, s6{}, s7{};
  vec() = default;
  explicit vec(T x) : s0(x), s1(x), s2(x), s3(x), s4(x), s5(x), s6(x), s7(x) {}
};

template <typename T>
struct alignas(16 * sizeof(T)) vec<T, 16> {
  T s0{}, s1{}, s2{}, s3{}, s4{}, s5{}, s6{}, s7{}, s8{}, s9{}, sa{}, sb{}, sc{}, sd{}, se{}, sf{};
  vec() = default;
  explicit vec(T x)
      : s0(x), s1(x), s2(x), s3(x), s4(x), s5(x), s6(x), s7(x), s8(x), s9(x), sa(x), sb(x), sc(x), sd(x), se(x), sf(x) {}
};

static_assert(sizeof(vec<float, 8>) == 32 && alignof(vec<float, 8>) == 32, "float8 must match OpenCL's layout");
static_assert(sizeof(vec<double, 16>) == 128, "double16 must match OpenCL's layout");

// ------------------------------------------------------------------------------------------
// Channels
// ------------------------------------------------------------------------------------------

/// An Intel channel: a bounded FIFO of `depth` elements (at least 1) with the channel's name.
template <typename T>
class channel {
 public:
  channel(std::size_t depth, const char* name) : fifo_(depth < 1 ? 1 : depth, std::string(name)) {}
  channel(const channel&) = delete;
  channel& operator=(const channel&) = delete;

  T read() { return fifo_.read(); }
  void write(const T& v) { fifo_.write(v); }
  bool try_read(T& v) { return fifo_.try_read(v); }
  bool try_write(const T& v) { return fifo_.try_write(v); }
  std::size_t capacity() const { return fifo_.capacity(); }
  const std::string& name() const { return fifo_.name(); }

 private:
  sdfg_sim::Fifo<T> fifo_;
};

// ------------------------------------------------------------------------------------------
// Autorun kernels and compute units
// ------------------------------------------------------------------------------------------

inline std::atomic<long>& autorun_passes_storage() {
  static std::atomic<long> n{1};
  return n;
}
/// How many domains every autorun kernel processes before its fiber ends.
inline long autorun_passes() { return autorun_passes_storage().load(std::memory_order_acquire); }
/// Set by the host before it starts the kernels: once per launch of the readers and writers.
inline void set_autorun_passes(long n) { autorun_passes_storage().store(n, std::memory_order_release); }

inline int& compute_id_storage() {
  static int id = 0;
  return id;
}

}  // namespace sdfg_ocl

typedef sdfg_ocl::vec<float, 2> float2;
typedef sdfg_ocl::vec<float, 4> float4;
typedef sdfg_ocl::vec<float, 8> float8;
typedef sdfg_ocl::vec<float, 16> float16;
typedef sdfg_ocl::vec<double, 2> double2;
typedef sdfg_ocl::vec<double, 4> double4;
typedef sdfg_ocl::vec<double, 8> double8;
typedef sdfg_ocl::vec<double, 16> double16;
typedef sdfg_ocl::vec<int, 2> int2;
typedef sdfg_ocl::vec<int, 4> int4;
typedef sdfg_ocl::vec<int, 8> int8;
typedef sdfg_ocl::vec<int, 16> int16;
typedef sdfg_ocl::vec<long, 2> long2;
typedef sdfg_ocl::vec<long, 4> long4;
typedef sdfg_ocl::vec<long, 8> long8;
typedef sdfg_ocl::vec<long, 16> long16;
static_assert(sizeof(long) == 8, "OpenCL's long is 64 bits");

template <typename T>
inline T read_channel_intel(sdfg_ocl::channel<T>& c) {
  return c.read();
}
template <typename T>
inline void write_channel_intel(sdfg_ocl::channel<T>& c, const T& v) {
  c.write(v);
}
/// Non-blocking read: *valid tells whether a value was read (else the result is T()).
template <typename T>
inline T read_channel_nb_intel(sdfg_ocl::channel<T>& c, bool* valid) {
  T v{};
  *valid = c.try_read(v);
  return v;
}
/// Non-blocking write: false (nothing written) when the channel is full.
template <typename T>
inline bool write_channel_nb_intel(sdfg_ocl::channel<T>& c, const T& v) {
  return c.try_write(v);
}

inline int get_compute_id(unsigned /*dimension*/) { return sdfg_ocl::compute_id_storage(); }

// OpenCL's min/max for floating-point arguments (fmin/fmax come from <math.h>).
inline float min(float x, float y) { return y < x ? y : x; }
inline double min(double x, double y) { return y < x ? y : x; }
inline float max(float x, float y) { return x < y ? y : x; }
inline double max(double x, double y) { return x < y ? y : x; }
// ... and for integers (abs on integers is <math.h>'s std::abs overloads).
inline int min(int x, int y) { return y < x ? y : x; }
inline long min(long x, long y) { return y < x ? y : x; }
inline int max(int x, int y) { return x < y ? y : x; }
inline long max(long x, long y) { return x < y ? y : x; }

/// A channel of the .cl as a bounded FIFO (file scope, like an OpenCL channel).
#define SDFG_SIM_CHANNEL(T, name, depth) static ::sdfg_ocl::channel<T> name(depth, #name)

/// The outer loop of an autorun kernel: `while (1)` under aoc, autorun_passes() passes here.
#define SDFG_AUTORUN_LOOP \
  for (long sdfg_pass_ = 0; ::sdfg_sim::detail::flush_current_held(), sdfg_pass_ < ::sdfg_ocl::autorun_passes(); ++sdfg_pass_)

#define __kernel
#define __global
#define __local
#define __private
#define __constant const
#define restrict __restrict__

// Kernel and channel attributes mean nothing to g++.
#pragma GCC diagnostic ignored "-Wattributes"

#endif  // SDFG_SIM_INTEL_CHANNELS_H
