#!/usr/bin/env python3
"""Writes vinplace.sdfg, its inputs, NumPy's result and manifest.json: a vertical solver that
updates its input in place in both sweeps, as in-place Thomas solvers do. The upward sweep leaves
plane 0 as it was in memory, the downward one plane K-1 as the upward sweep left it; each reads
d at k before writing it. The SDFG is written in DaCe 2.0's simplified form by make_vadv.py's
helpers (one LoopRegion per loop, a map per statement).

    def vinplace(a, d):
        for k in range(1, K):
            d[:, :, k] = d[:, :, k] - a[:, :, k] * d[:, :, k - 1]
        for k in range(K - 2, -1, -1):
            d[:, :, k] = d[:, :, k] - a[:, :, k] * d[:, :, k + 1]

Run: python3 tests/data/vinplace/make_vinplace.py [I J K]   (default 5 4 6; output next to this file)
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


def vinplace(a, d):
    K = d.shape[2]
    for k in range(1, K):
        d[:, :, k] = d[:, :, k] - a[:, :, k] * d[:, :, k - 1]
    for k in range(K - 2, -1, -1):
        d[:, :, k] = d[:, :, k] - a[:, :, k] * d[:, :, k + 1]


UP = [("d", True, "__out = __in1 - (__in2 * __in3)", {"__in1": ("d", 0, 0), "__in2": ("a", 0, 0), "__in3": ("d", 0, -1)})]
DOWN = [("d", True, "__out = __in1 - (__in2 * __in3)", {"__in1": ("d", 0, 0), "__in2": ("a", 0, 0), "__in3": ("d", 0, 1)})]


def sdfg():
    I_S, J_S, K_S = mv.I_S, mv.J_S, mv.K_S
    arrays = {n: mv.array([I_S, J_S, K_S], [f"{J_S}*{K_S}", K_S, "1"], f"{I_S}*{J_S}*{K_S}") for n in ("a", "d")}
    loops = [mv.loop("for_9", 0, "k = 1", "(k < K)", "k = (k + 1)", UP),
             mv.loop("for_11", 1, "k = (K - 2)", "(k > (- 1))", "k = (k + (- 1))", DOWN)]
    return {"type": "SDFG", "attributes": {"name": "vinplace", "arg_names": ["a", "d"], "_arrays": arrays,
                                           "symbols": {"I": "int64", "J": "int64", "K": "int64"}, "using_explicit_control_flow": True},
            "nodes": loops, "edges": [{"type": "Edge", "attributes": {"data": {"type": "InterstateEdge", "attributes": {}}}, "src": "0", "dst": "1"}],
            "collapsed": False, "label": "", "id": None, "cfg_list_id": 0, "start_block": 0, "dace_version": "2.0.0a6"}


def main():
    I, J, K = (int(x) for x in sys.argv[1:4]) if len(sys.argv) >= 4 else (5, 4, 6)
    rng = np.random.default_rng(11)
    a = rng.random((I, J, K)) * 0.5
    d = rng.random((I, J, K))
    np.save(os.path.join(HERE, "a.npy"), a)
    np.save(os.path.join(HERE, "d.npy"), d)
    out = d.copy()
    vinplace(a, out)
    np.save(os.path.join(HERE, "d.out.npy"), out)
    with open(os.path.join(HERE, "vinplace.sdfg"), "w") as f:
        json.dump(sdfg(), f)
        f.write("\n")
    manifest = {
        "name": "vinplace", "sizes": {"I": I, "J": J, "K": K},
        "symbols": {s: {"value": v, "dtype": "int64_t"} for s, v in (("I", I), ("J", J), ("K", K))},
        "argument_order": ["a", "d"],
        "arguments": [{"name": "a", "kind": "array", "dtype": "float64", "shape": [I, J, K], "file": "a.npy", "role": "in"},
                      {"name": "d", "kind": "array", "dtype": "float64", "shape": [I, J, K], "file": "d.npy", "role": "inout", "out_file": "d.out.npy"}],
        "inputs": ["a"], "outputs": [], "inouts": ["d"],
        "written_by": "tests/data/vinplace/make_vinplace.py",
    }
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
