// Reconvergent dataflow: A -> B -> C and A -> C directly. B holds back kDelay elements before it
// emits anything (like a delay line), so the direct FIFO A -> C must buffer more than kDelay
// elements. Usage: deadlock small|big|slow
//   small: direct FIFO depth 4   -> deadlock, reported at once, exit code 3
//   big:   direct FIFO depth 64  -> completes, exit code 0
//   slow:  big FIFOs, but A sleeps between elements (2 x SDFG_SIM_DEADLOCK_MS, the old
//          watchdog's timeout) -> must still complete (exit code 0): slow is no deadlock
//   single: no dataflow processes; main reads an empty stream -> exit code 3
#include <hls_stream.h>
#include <sdfg_dataflow.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include "check.h"

constexpr int kDelay = 16;
constexpr int kN = 1000;

template <int DIRECT>
static void stage_a(hls::stream<int, 4>& to_b, hls::stream<int, DIRECT>& to_c, int n, int sleep_ms) {
  for (int i = 0; i < n; ++i) {
    if (sleep_ms > 0 && i < 3) std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
    to_b.write(i);
    to_c.write(i);
  }
}

static void stage_b(hls::stream<int, 4>& in, hls::stream<int, 4>& out, int n) {
  int line[kDelay];
  for (int i = 0; i < n + kDelay; ++i) {
    const int v = i < n ? in.read() : 0;
    if (i >= kDelay) out.write(line[i % kDelay] * 10);
    line[i % kDelay] = v;
  }
}

template <int DIRECT>
static void stage_c(hls::stream<int, 4>& from_b, hls::stream<int, DIRECT>& from_a, int n, long* errors) {
  long e = 0;
  for (int i = 0; i < n; ++i) {
    const int b = from_b.read();
    const int a = from_a.read();
    e += (b != 10 * i) || (a != i);
  }
  *errors = e;
}

template <int DIRECT>
static void top(int n, int sleep_ms, long* errors) {
#pragma HLS DATAFLOW
  hls::stream<int, 4> s_ab("s_ab");
  hls::stream<int, 4> s_bc("s_bc");
  hls::stream<int, DIRECT> s_ac("s_ac");
  SDFG_DATAFLOW_BEGIN();
  SDFG_DATAFLOW_CALL(stage_a<DIRECT>, s_ab, s_ac, n, sleep_ms);
  SDFG_DATAFLOW_CALL(stage_b, s_ab, s_bc, n);
  SDFG_DATAFLOW_CALL(stage_c<DIRECT>, s_bc, s_ac, n, errors);
  SDFG_DATAFLOW_END();
}

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "small";
  long errors = -1;
  if (mode == "small") {
    top<4>(kN, 0, &errors);
  } else if (mode == "big") {
    top<64>(kN, 0, &errors);
  } else if (mode == "slow") {
    const char* ms = std::getenv("SDFG_SIM_DEADLOCK_MS");
    const int sleep_ms = ms != nullptr ? 2 * std::atoi(ms) : 2000;
    top<64>(kN, sleep_ms, &errors);
  } else if (mode == "single") {
    hls::stream<int> lonely("lonely");
    errors = lonely.read();
  } else {
    std::fprintf(stderr, "usage: deadlock small|big|slow|single\n");
    return 2;
  }
  CHECK(errors == 0);
  std::printf("%s: ok\n", mode.c_str());
  return 0;
}
