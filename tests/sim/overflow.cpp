// A dataflow function whose frame (an 8 MiB local array, like a PE's long delay line) is larger
// than its fiber's stack (SDFG_SIM_STACK_MB): the emulation names the function instead of
// crashing silently or corrupting another fiber's stack. Prints "overflow: ok" when it fits.
#include <hls_stream.h>
#include <sdfg_dataflow.h>

#include <cstdio>

static void big_frame(hls::stream<int, 2>& out) {
  volatile char line[8 << 20];
  line[0] = 1;
  line[sizeof(line) - 1] = 2;
  out.write(line[0] + line[sizeof(line) - 1]);
}

static void consume(hls::stream<int, 2>& in, int* result) { *result = in.read(); }

int main() {
  int result = 0;
  {
    hls::stream<int, 2> s("s");
    SDFG_DATAFLOW_BEGIN();
    SDFG_DATAFLOW_CALL(big_frame, s);
    SDFG_DATAFLOW_CALL(consume, s, &result);
    SDFG_DATAFLOW_END();
  }
  if (result != 3) return 1;
  std::printf("overflow: ok\n");
  return 0;
}
