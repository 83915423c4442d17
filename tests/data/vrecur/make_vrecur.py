#!/usr/bin/env python3
"""Writes vrecur.sdfg, its inputs, NumPy's result and manifest.json: a second vertical solver,
unlike vadv in every way the pattern cares about: one sweep (k upwards only, no plane reversal),
a first-order recurrence on a program output (out[k] from out[k - 1], not an in-place input), a
neighbouring-column tap along j (c has J + 1 columns) and float64 data. The SDFG is written in
DaCe 2.0's simplified form by make_vadv.py's helpers (one LoopRegion per loop, a map per statement).

    def vrecur(a, b, c, out):
        for k in range(1):
            out[:, :, k] = b[:, :, k] + c[:, 1:, k]
        for k in range(1, K):
            out[:, :, k] = a[:, :, k] * out[:, :, k - 1] + b[:, :, k] - c[:, :-1, k]

Run: python3 tests/data/vrecur/make_vrecur.py [I J K]   (default 4 6 8; output next to this file)
"""
import importlib.util
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("make_vadv", os.path.join(HERE, "..", "vadv", "make_vadv.py"))
mv = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mv)
mv.ONE_MORE_ROW = set()
mv.ONE_MORE_COLUMN = {"c"}


def vrecur(a, b, c, out):
    K = a.shape[2]
    for k in range(1):
        out[:, :, k] = b[:, :, k] + c[:, 1:, k]
    for k in range(1, K):
        out[:, :, k] = a[:, :, k] * out[:, :, k - 1] + b[:, :, k] - c[:, :-1, k]


FIRST = [("out", True, "__out = __in1 + __in2", {"__in1": ("b", 0, 0), "__in2": ("c", 0, 0, 1)})]
REST = [("out", True, "__out = ((__in1 * __in2) + __in3) - __in4",
         {"__in1": ("a", 0, 0), "__in2": ("out", 0, -1), "__in3": ("b", 0, 0), "__in4": ("c", 0, 0)})]


def sdfg():
    I_S, J_S, K_S = mv.I_S, mv.J_S, mv.K_S
    full = [I_S, J_S, K_S]
    strides = [f"{J_S}*{K_S}", K_S, "1"]
    arrays = {n: mv.array(full, strides, f"{I_S}*{J_S}*{K_S}") for n in ("a", "b", "out")}
    arrays["c"] = mv.array([I_S, f"{J_S} + 1", K_S], [f"{K_S}*({J_S} + 1)", K_S, "1"], f"{I_S}*{K_S}*({J_S} + 1)")
    loops = [mv.loop("for_9", 0, "k = 0", "(k < 1)", "k = (k + 1)", FIRST),
             mv.loop("for_11", 1, "k = 1", "(k < K)", "k = (k + 1)", REST)]
    return {"type": "SDFG", "attributes": {"name": "vrecur", "arg_names": ["a", "b", "c", "out"], "_arrays": arrays,
                                           "symbols": {"I": "int64", "J": "int64", "K": "int64"}, "using_explicit_control_flow": True},
            "nodes": loops, "edges": [{"type": "Edge", "attributes": {"data": {"type": "InterstateEdge", "attributes": {}}}, "src": "0", "dst": "1"}],
            "collapsed": False, "label": "", "id": None, "cfg_list_id": 0, "start_block": 0, "dace_version": "2.0.0a6"}


def main():
    I, J, K = (int(x) for x in sys.argv[1:4]) if len(sys.argv) >= 4 else (4, 6, 8)
    rng = np.random.default_rng(7)
    args = {"a": rng.random((I, J, K)) * 0.5, "b": rng.random((I, J, K)), "c": rng.random((I, J + 1, K))}
    for name, x in args.items():
        np.save(os.path.join(HERE, f"{name}.npy"), x)
    out = np.zeros((I, J, K))
    vrecur(args["a"], args["b"], args["c"], out)
    np.save(os.path.join(HERE, "out.out.npy"), out)
    with open(os.path.join(HERE, "vrecur.sdfg"), "w") as f:
        json.dump(sdfg(), f)
        f.write("\n")
    manifest = {
        "name": "vrecur", "sizes": {"I": I, "J": J, "K": K},
        "symbols": {s: {"value": v, "dtype": "int64_t"} for s, v in (("I", I), ("J", J), ("K", K))},
        "argument_order": ["a", "b", "c", "out"],
        "arguments": [{"name": n, "kind": "array", "dtype": "float64", "shape": list(x.shape), "file": f"{n}.npy", "role": "in"} for n, x in args.items()]
        + [{"name": "out", "kind": "array", "dtype": "float64", "shape": [I, J, K], "role": "out", "out_file": "out.out.npy"}],
        "inputs": ["a", "b", "c"], "outputs": ["out"], "inouts": [],
        "written_by": "tests/data/vrecur/make_vrecur.py",
    }
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
