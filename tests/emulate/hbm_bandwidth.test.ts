// Item 9 of issue 7 (bandwidth): one HBM pseudo-channel of the U280 gives 14.375 GB/s, and an
// AXI master connected to a range HBM[a:b] still moves one port's worth. A reader of W = 16
// float32 lanes at 300 MHz needs 16 x 4 B x 0.3 GHz = 19.2 GB/s, so its array travels as two lane
// groups of 8 on two ports, each on a channel of its own; the host splits and joins the buffers.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { execa } from "execa";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, tree } from "../helpers.js";
import { loadProgram } from "../../src/frontend/load_program.js";
import { emulate } from "../../src/emulate/emulate.js";
import { lowerToPipeline } from "../../src/spatial/lower.js";
import { portSplits } from "../../src/hls/port_parts.js";
import { vitisSplits } from "../../src/targets/vitis_project.js";
import { loadPlatform } from "../../src/platform/platform.js";
import { buildReport, formatReport } from "../../src/report/report.js";
import { costFamily, FAMILY_COSTS } from "../../src/report/operator_costs.js";

// 128 x 128 float32, four time steps: `out` becomes `u` between passes (so the parts swap too).
const PROGRAM = "stencils/diffusion2d_t4.json";
const u280 = loadPlatform("u280");
const newDir = () => join(mkdtempSync(join(tmpdir(), "hbm-")), "p");

/** Declarations of the XRT calls a generated host makes (test-only stand-in for XRT's headers). */
const XRT_STAND_IN = `#pragma once
#include <cstddef>
#include <string>
#include <vector>
enum xclBOSyncDirection { XCL_BO_SYNC_BO_TO_DEVICE, XCL_BO_SYNC_BO_FROM_DEVICE };
namespace xrt {
using memory_group = unsigned int;
struct uuid {};
struct xclbin {
  struct mem { bool get_used() const; std::string get_tag() const; int get_index() const; };
  explicit xclbin(const std::string&);
  std::vector<mem> get_mems() const;
};
struct device { explicit device(unsigned); uuid register_xclbin(const xclbin&); };
struct hw_context { hw_context(const device&, const uuid&); };
struct bo {
  bo(const device&, std::size_t, memory_group);
  template <typename T> T map();
  void sync(xclBOSyncDirection);
  void write(const void*);
  void read(void*);
};
struct run { void wait(); };
struct kernel {
  kernel(const hw_context&, const std::string&);
  memory_group group_id(int) const;
  template <typename... A> run operator()(A&&...);
};
}
`;

describe("arrays split over HBM pseudo-channels for bandwidth", () => {
  it("chooses the fewest lane groups whose channels carry the reader: hand-worked figures", () => {
    const bundle = loadProgram(PROGRAM);
    const parts = (W: number, clockMHz: number) => [...portSplits(lowerToPipeline(bundle.sdfg, { vectorWidth: W, replicas: 1 }), u280, clockMHz).values()].map((s) => [s.array, s.parts, s.lanes]);
    // 8 x 4 B x 0.3 GHz = 9.6 GB/s: one channel (14.375) is enough.
    expect(parts(8, 300)).toEqual([]);
    // 19.2 GB/s: two channels (28.75).
    expect(parts(16, 300)).toEqual([["u", 2, 8], ["out", 2, 8]]);
    // 16 x 4 B x 0.2 GHz = 12.8 GB/s: one channel again.
    expect(parts(16, 200)).toEqual([]);
    // 38.4 GB/s needs 3 channels; 3 does not divide 32, so 4 groups of 8 lanes.
    expect(parts(32, 300)).toEqual([["u", 4, 8], ["out", 4, 8]]);
  });

  it("W=16 on u280 emulates equal to the CPU reference with u and out in two lane groups each", async () => {
    const r = await emulate(loadProgram(PROGRAM), { target: "xilinx", spatial: { vectorWidth: 16, replicas: 2 } });
    // The emulated kernel and host are built with the splits of the board's clock target (emulate.ts).
    expect([...vitisSplits(r.pipeline!, u280).values()].map((s) => [s.array, s.parts])).toEqual([["u", 2], ["out", 2]]);
    expect(r.connectivityError).toBeUndefined();
    expect(r.outputs.map((o) => [o.name, o.mismatches])).toEqual([["out", 0]]);
    expect(r.ok).toBe(true);
  }, 240_000);

  it("the project has one m_axi bundle per part and link.cfg maps each part to a range whose buffer channel is its own", async () => {
    const dir = newDir();
    expect((await cli(["generate", PROGRAM, "-W", "16", "-P", "2", "-o", dir])).exitCode).toBe(0);
    const link = readFileSync(join(dir, "link.cfg"), "utf8");
    // Each time-loop pair (u part k, out part k) shares a range of two channels, one buffer in each.
    expect(link.split("\n").filter((l) => l.startsWith("sp="))).toEqual([
      "sp=top_1.u_part0_:HBM[0:1]", "sp=top_1.u_part1_:HBM[2:3]", "sp=top_1.out_part0_:HBM[0:1]", "sp=top_1.out_part1_:HBM[2:3]",
    ]);
    const kernel = readFileSync(join(dir, "kernel", "top.cpp"), "utf8");
    // 8192 elements per part in words of 8 lanes: depth 1024.
    expect(kernel.match(/#pragma HLS INTERFACE m_axi port=\w+ offset=slave bundle=gmem\d depth=\d+/g)).toEqual([
      "#pragma HLS INTERFACE m_axi port=u_part0_ offset=slave bundle=gmem0 depth=1024",
      "#pragma HLS INTERFACE m_axi port=u_part1_ offset=slave bundle=gmem1 depth=1024",
      "#pragma HLS INTERFACE m_axi port=out_part0_ offset=slave bundle=gmem2 depth=1024",
      "#pragma HLS INTERFACE m_axi port=out_part1_ offset=slave bundle=gmem3 depth=1024",
    ]);
    // The XRT host allocates each part in its own channel and splits / joins the arrays.
    const host = readFileSync(join(dir, "host", "host.cpp"), "utf8");
    expect([...host.matchAll(/xrt::bo (\w+)\(device_, \d+ \* sizeof\(float\), bank_\(binary_, kernel_, "(HBM\[\d+\])"/g)].map((m) => [m[1], m[2]])).toEqual([
      ["u_bo0_", "HBM[0]"], ["u_bo1_", "HBM[2]"], ["out_bo0_", "HBM[1]"], ["out_bo1_", "HBM[3]"],
    ]);
    expect(host).toContain("split_lanes_<float>(u_host_.data(), u_bo1_.map<float*>(), 1024, 16, 8, 1);");
    expect(host).toContain("join_lanes_<float>(out_bo1_.map<const float*>(), out_host_.data(), 1024, 16, 8, 1);");
    // The board's branch (no emulation headers) compiles against stand-ins of the XRT classes it uses.
    const xrt = join(dir, "xrt_stub");
    mkdirSync(join(xrt, "xrt", "experimental"), { recursive: true });
    for (const h of ["xrt_kernel.h", "xrt_bo.h", "xrt_hw_context.h", "experimental/xrt_xclbin.h"]) writeFileSync(join(xrt, "xrt", h), "#include <xrt/xrt_device.h>\n");
    writeFileSync(join(xrt, "xrt", "xrt_device.h"), XRT_STAND_IN);
    const r = await execa("g++", ["-std=c++17", "-fsyntax-only", "-Wall", "-Wextra", "-Werror", "-Wno-unknown-pragmas", "-isystem", xrt, "-I", join(dir, "host"), join(dir, "host", "host.cpp")], { reject: false, all: true });
    expect(r.exitCode, r.all).toBe(0);
  }, 60_000);

  it("report names the split and its bandwidth ceiling rises from two channels to four", () => {
    const pipeline = lowerToPipeline(loadProgram(PROGRAM).sdfg, { vectorWidth: 16, replicas: 2, uram: true });
    const split = buildReport(pipeline, u280);
    expect(split.memory.splits.map((s) => [s.array, s.parts, s.demandGBs])).toEqual([["u", 2, 19.2], ["out", 2, 19.2]]);
    expect(new Set(split.memory.ports.map((x) => x.bufferBanks[0])).size).toBe(4);
    // Four ports on four channels: 4 x 14.375 GB/s.
    expect(split.performance.bandwidthCeilingGBs).toBeCloseTo(57.5, 6);
    const one = buildReport(pipeline, u280, undefined, undefined, undefined, 1);
    expect(one.memory.splits).toEqual([]);
    expect(one.performance.bandwidthCeilingGBs).toBeCloseTo(28.75, 6);
    expect(one.performance.bound).toBe("memory");
    // Two more AXI masters (one more per split array), each priced as a memory port.
    const port = FAMILY_COSTS[costFamily("xilinx")].memoryPort;
    const lut = (r: typeof one) => r.resources.find((x) => x.resource === "lut")!.used;
    expect(lut(split) - lut(one)).toBe(2 * port.logic);
    expect(formatReport(split, u280)).toContain("'u' split into 2 lane groups of 8 on 2 ports (it moves 19.2 GB/s at W = 16 and 300 MHz, one pseudo-channel gives 14.4): buffers in HBM[0], HBM[2], 28.8 GB/s together");
  });

  it("W=1 keeps one port per array: the project is the one --hbm-parts 1 asks for, with no lane groups", async () => {
    const [a, b] = [newDir(), newDir()];
    expect((await cli(["generate", PROGRAM, "-o", a])).exitCode).toBe(0);
    expect((await cli(["generate", PROGRAM, "--hbm-parts", "1", "-o", b])).exitCode).toBe(0);
    const [ta, tb] = [tree(a), tree(b)];
    expect([...ta.keys()]).toEqual([...tb.keys()]);
    for (const [path, bytes] of ta) expect(bytes.equals(tb.get(path)!), path).toBe(true);
    expect(readFileSync(join(a, "link.cfg"), "utf8").split("\n").filter((l) => l.startsWith("sp="))).toEqual(["sp=top_1.u:HBM[0:1]", "sp=top_1.out:HBM[0:1]"]);
    expect(ta.get("kernel/top.cpp")!.toString()).not.toMatch(/_part\d_|lanes\d+_/);
  }, 60_000);

  it("refuses --hbm-parts where it cannot apply, in one line naming the option", async () => {
    for (const [args, message] of [
      [["-W", "16", "--hbm-parts", "3"], "--hbm-parts: must divide the vector width W = 16 (each part carries W / K lanes)"],
      [["-W", "16", "--hbm-parts", "2", "-p", "u250"], "--hbm-parts: splits arrays over HBM pseudo-channels, and the Alveo U250 has no HBM"],
    ] as const) {
      const r = await cli(["report", PROGRAM, ...args]);
      expect(r.exitCode).toBe(2);
      expect(r.stderr.trim()).toBe(message);
    }
  }, 60_000);
});
