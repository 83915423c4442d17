// hls_stream.h -- software model of Vitis HLS's hls::stream for the sdfg-fpga g++ emulation.
//
// Unlike Vitis's own C-simulation model (an unbounded std::deque), this stream is bounded: it
// holds at most DEPTH elements, a write to a full stream blocks, and a read from an empty stream
// blocks (the dataflow function yields to the next ready one, sdfg_dataflow.h). This behaves
// like the hardware FIFOs, and a too-small depth shows up as a deadlock reported at once
// (exit code 3) instead of a silent hang. Give the depth as the template argument
// (hls::stream<T, N>); `#pragma HLS STREAM depth=N` is invisible to g++.
#ifndef SDFG_SIM_HLS_STREAM_H
#define SDFG_SIM_HLS_STREAM_H

#include <cstddef>
#include <string>

#include "sdfg_sim/fifo.h"

namespace hls {

// As in Vitis, hls::stream<T> (depth 0: "unspecified") is the base class, and hls::stream<T, N>
// derives from it, so functions taking hls::stream<T>& accept streams of any depth.
template <typename T, int DEPTH = 0>
class stream;

template <typename T>
class stream<T, 0> {
 public:
  /// A stream whose depth was not given: two elements, HLS's default FIFO depth.
  stream() : fifo_(kDefaultDepth) {}
  stream(const char* name) : fifo_(kDefaultDepth, std::string(name)) {}
  stream(const std::string& name) : fifo_(kDefaultDepth, name) {}

  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;

  /// Blocking read.
  T read() { return fifo_.read(); }
  void read(T& out) { out = fifo_.read(); }
  void operator>>(T& out) { out = fifo_.read(); }

  /// Blocking write.
  void write(const T& v) { fifo_.write(v); }
  void operator<<(const T& v) { fifo_.write(v); }

  /// Non-blocking read: false when empty (and then `out` is set to T(), as in Vitis).
  bool read_nb(T& out) {
    if (fifo_.try_read(out)) return true;
    out = T();
    return false;
  }
  /// Non-blocking write: false (nothing written) when full.
  bool write_nb(const T& v) { return fifo_.try_write(v); }

  bool empty() const { return fifo_.empty(); }
  bool full() const { return fifo_.full(); }
  std::size_t size() const { return fifo_.size(); }
  std::size_t capacity() const { return fifo_.capacity(); }

  void set_name(const char* name) { fifo_.set_name(name); }
  const std::string& name() const { return fifo_.name(); }

 protected:
  static constexpr std::size_t kDefaultDepth = 2;
  explicit stream(std::size_t depth) : fifo_(depth) {}
  stream(std::size_t depth, const std::string& name) : fifo_(depth, name) {}

 private:
  sdfg_sim::Fifo<T> fifo_;
};

/// A stream of exactly DEPTH elements.
template <typename T, int DEPTH>
class stream : public stream<T, 0> {
  static_assert(DEPTH >= 1, "hls::stream: DEPTH must be >= 1 (the emulation models bounded FIFOs)");

 public:
  stream() : stream<T, 0>(static_cast<std::size_t>(DEPTH)) {}
  stream(const char* name) : stream<T, 0>(static_cast<std::size_t>(DEPTH), std::string(name)) {}
  stream(const std::string& name) : stream<T, 0>(static_cast<std::size_t>(DEPTH), name) {}
};

}  // namespace hls

#endif  // SDFG_SIM_HLS_STREAM_H
