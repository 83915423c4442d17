// Generates the deterministic input data of the example programs in stencils/.
//   node stencils/data/make_data.mjs
// The generated files are committed; rerunning this script reproduces them byte for byte (the
// values come from an integer PRNG, so they do not depend on the platform's math library).

import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** mulberry32: a small 32-bit PRNG giving floats in [0, 1). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` float32 values lo + (hi - lo) * r, rounded to 6 decimals (so .csv text is exact to reproduce). */
function values(seed, n, lo, hi) {
  const r = prng(seed);
  const out = new Float32Array(n);
  for (let x = 0; x < n; x++) out[x] = Math.round((lo + (hi - lo) * r()) * 1e6) / 1e6;
  return out;
}

function writeDat(name, data) {
  writeFileSync(join(here, name), new Uint8Array(data.buffer));
}

function writeNpy(name, data, shape) {
  const descr = data instanceof Float64Array ? "<f8" : data instanceof Int32Array ? "<i4" : "<f4";
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  const total = 10 + header.length + 1;
  header += " ".repeat((64 - (total % 64)) % 64) + "\n";
  const pre = Buffer.alloc(10);
  pre.write("\x93NUMPY", 0, "latin1");
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  writeFileSync(join(here, name), Buffer.concat([pre, Buffer.from(header, "latin1"), Buffer.from(data.buffer)]));
}

function writeCsv(name, data, rowLength) {
  const lines = [];
  for (let x = 0; x < data.length; x += rowLength) {
    lines.push(Array.from(data.subarray(x, x + rowLength), (v) => v.toFixed(6)).join(","));
  }
  writeFileSync(join(here, name), lines.join("\n") + "\n");
}

// Horizontal diffusion, [16, 64, 64] float32: the field u and a 3-D diffusion coefficient.
writeDat("hdiff_u_16x64x64_fp32.dat", values(1, 16 * 64 * 64, 0, 1));
writeDat("hdiff_coeff_16x64x64_fp32.dat", values(2, 16 * 64 * 64, 0.02, 0.1));
// Jacobi 2-D, [128, 128] float32.
writeNpy("jacobi2d_a_128x128_fp32.npy", values(3, 128 * 128, 0, 1), [128, 128]);
// Jacobi 3-D, [32, 32, 32] float32.
writeNpy("jacobi3d_a_32x32x32_fp32.npy", values(4, 32 * 32 * 32, 0, 1), [32, 32, 32]);
// Diffusion 2-D, [128, 128] float32, as comma-separated text (one row of k per line).
writeCsv("diffusion2d_u_128x128.csv", values(5, 128 * 128, 0, 1), 128);
// Diffusion 3-D, [16, 24, 32] float32.
writeNpy("diffusion3d_u_16x24x32_fp32.npy", values(6, 16 * 24 * 32, 0, 1), [16, 24, 32]);
// Integer image filter, [64, 64] int32: pixel values from -100 to 199 (so divisions truncate negative sums).
{
  const r = prng(7);
  const img = new Int32Array(64 * 64);
  for (let x = 0; x < img.length; x++) img[x] = Math.floor(r() * 300) - 100;
  writeNpy("image_int_img_64x64_i32.npy", img, [64, 64]);
}
