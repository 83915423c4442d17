// A 3-stage dataflow pipeline written like a generated Vitis HLS kernel. Built with
// -DSDFG_FPGA_SIM every stage runs as a fiber of its own; without it the calls are sequential
// (only valid while n fits into the FIFOs). Usage: pipeline [n] [--bench|--stats]
// produce() takes hls::stream<float>& (any depth, as in Vitis) and gets a 64-deep stream.
#include <hls_stream.h>
#include <sdfg_dataflow.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "check.h"

static void produce(hls::stream<float>& out, int n) {
  for (int i = 0; i < n; ++i) {
#pragma HLS PIPELINE II = 1
    out.write(static_cast<float>(i) * 0.5f);
  }
}

static void scale(hls::stream<float, 64>& in, hls::stream<float, 16>& out, int n) {
  for (int i = 0; i < n; ++i) {
#pragma HLS PIPELINE II = 1
    float v;
    in >> v;
    out << v * 2.0f + 1.0f;
  }
}

static void consume(hls::stream<float, 16>& in, float* result, int n) {
  for (int i = 0; i < n; ++i) {
#pragma HLS PIPELINE II = 1
    result[i] = in.read();
  }
}

extern "C" void top(float* result, int n) {
#pragma HLS INTERFACE m_axi port = result bundle = gmem0
#pragma HLS DATAFLOW
  hls::stream<float, 64> s0("s0");
  hls::stream<float, 16> s1("s1");
  SDFG_DATAFLOW_BEGIN();
  SDFG_DATAFLOW_CALL(produce, s0, n);
  SDFG_DATAFLOW_CALL(scale, s0, s1, n);
  SDFG_DATAFLOW_CALL(consume, s1, result, n);
  SDFG_DATAFLOW_END();
}

// Single-threaded checks of the stream API.
static void api_checks() {
  hls::stream<int, 3> s("api");
  CHECK(s.empty() && !s.full() && s.size() == 0 && s.capacity() == 3);
  CHECK(s.write_nb(1) && s.write_nb(2) && s.write_nb(3));
  CHECK(!s.write_nb(4));
  CHECK(s.full() && s.size() == 3);
  int v = -1;
  CHECK(s.read_nb(v) && v == 1);
  s.write(4);
  CHECK(s.read() == 2);
  s >> v;
  CHECK(v == 3);
  s.read(v);
  CHECK(v == 4);
  v = 7;
  CHECK(!s.read_nb(v) && v == 0);  // Vitis sets the target to T() on failure
  CHECK(s.name() == "api");
}

#ifdef SDFG_FPGA_SIM
template <int D>
static void bench_producer(hls::stream<int, D>& out, long n) {
  for (long i = 0; i < n; ++i) out.write(static_cast<int>(i));
}
template <int D>
static void bench_consumer(hls::stream<int, D>& in, long n, long* bad) {
  long b = 0;
  for (long i = 0; i < n; ++i) b += in.read() != static_cast<int>(i);
  *bad = b;
}
template <int D>
static void bench(long n) {
  hls::stream<int, D> s("bench");
  long bad = -1;
  const auto t0 = std::chrono::steady_clock::now();
  {
    SDFG_DATAFLOW_BEGIN();
    SDFG_DATAFLOW_CALL(bench_producer<D>, s, n);
    SDFG_DATAFLOW_CALL(bench_consumer<D>, s, n, &bad);
    SDFG_DATAFLOW_END();
  }
  const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(bad == 0);
  std::printf("throughput depth=%d: %.3g elements/s\n", D, static_cast<double>(n) / dt);
}
#endif

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 1000000;
  api_checks();
  std::vector<float> result(static_cast<std::size_t>(n), -1.0f);
  const auto t0 = std::chrono::steady_clock::now();
  top(result.data(), n);
  const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (int i = 0; i < n; ++i) {
    if (result[static_cast<std::size_t>(i)] != static_cast<float>(i + 1)) {
      std::fprintf(stderr, "result[%d] = %g, expected %d\n", i, result[static_cast<std::size_t>(i)], i + 1);
      return 1;
    }
  }
  std::printf("pipeline ok: %d elements in %.3f s (%.3g elements/s)\n", n, dt, n / dt);
#ifdef SDFG_FPGA_SIM
  if (argc > 2 && std::strcmp(argv[2], "--stats") == 0) {
    std::printf("context switches: %llu\n", static_cast<unsigned long long>(sdfg_sim::context_switches()));
  }
  if (argc > 2 && std::strcmp(argv[2], "--bench") == 0) {
    bench<2>(4000000);
    bench<16>(8000000);
    bench<64>(16000000);
    bench<1024>(32000000);
  }
#endif
  return 0;
}
