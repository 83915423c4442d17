// sdfg_dataflow.h -- dataflow-region macros used by sdfg-fpga's generated top functions.
//
//   void top(...) {
//   #pragma HLS DATAFLOW
//     hls::stream<float, 16> s0("s0");
//     SDFG_DATAFLOW_BEGIN();
//     SDFG_DATAFLOW_CALL(read_input, in, s0, n);
//     SDFG_DATAFLOW_CALL(pe_0, s0, s1);
//     SDFG_DATAFLOW_CALL(write_output, s1, out, n);
//     SDFG_DATAFLOW_END();
//   }
//
// With SDFG_FPGA_SIM defined (the sdfg-fpga g++ emulation, not under __SYNTHESIS__), every
// SDFG_DATAFLOW_CALL creates a fiber for its function (sdfg_sim/fifo.h: cooperative processes
// in one thread, switching when a FIFO is empty or full): parameters declared as references
// (hls::stream<T>&, T&) receive the caller's objects, all others get a copy taken at the call.
// SDFG_DATAFLOW_END() runs them all to completion; processes that block on each other forever
// are reported at once as a deadlock (exit code 3).
//
// Without SDFG_FPGA_SIM (Vitis HLS synthesis, Vitis sw_emu/hw_emu) the macros are plain
// sequential calls and the surrounding `#pragma HLS DATAFLOW` region is a normal one.
//
// SDFG_SIM_PROGRESS() counts one stored vector for `sdfg-fpga emulate`'s progress display
// (sdfg_sim/progress.h); it is nothing outside the emulation.
//
// Write each macro as a statement followed by a semicolon. The function argument must be a
// single macro argument (a name such as pe_3 or a template-id without commas).
#ifndef SDFG_DATAFLOW_H
#define SDFG_DATAFLOW_H

#if defined(SDFG_FPGA_SIM) && !defined(__SYNTHESIS__)

#include "sdfg_sim/fifo.h"
#include "sdfg_sim/progress.h"

#define SDFG_SIM_PROGRESS() ::sdfg_sim::progress_step()
#define SDFG_DATAFLOW_BEGIN() ::sdfg_sim::DataflowRegion sdfg_dataflow_region_(__func__)
#define SDFG_DATAFLOW_CALL(function, ...) sdfg_dataflow_region_.call(#function, function)(__VA_ARGS__)
#define SDFG_DATAFLOW_END() sdfg_dataflow_region_.join()

#else

#define SDFG_SIM_PROGRESS() ((void)0)
#define SDFG_DATAFLOW_BEGIN()
#define SDFG_DATAFLOW_CALL(function, ...) function(__VA_ARGS__)
#define SDFG_DATAFLOW_END()

#endif

#endif  // SDFG_DATAFLOW_H
