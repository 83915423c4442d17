"""Derives the vector-dtype test programs from DaCe's serialized FPGA samples.

There is no DaCe here to run its Vectorization transformation, so this script writes by hand the
form DaCe would produce, starting from the real `.sdfg` files in
../shared/peers/dace-fpga/{axpy,vadd} (DaCe v2.0.0-alpha2 + dace-fpga), and NumPy's results:

* axpy_vec: Vectorization(vector_len=4, propagate_parent=True, strided_map=False) on the
  kernel's map: X, Y and every array they flow through become `dace.vector(float64, 4)` of shape
  N/4 (DaCe: `{"type": "vector", "dtype": "float64", "elements": "4"}`), the map runs over
  int_floor(N, 4) vectors, memlets index vectors, the tasklet's connectors are vectors; the
  scalar A stays a scalar (broadcast: out = A * X + Y).
* axpy_strided: Vectorization(vector_len=4) with its defaults (strided_map=True): the arrays stay
  scalar, the map steps by 4 (0:N-3:4), the tasklet's memlets take 4 consecutive elements
  (`X[i:i+4]`, volume 4) and its connectors are vectors. Its tasklet is changed to use a local
  and a branch (Y = |A * X| + Y, written t = A * X; out = t + Y if t > 0 else Y - t), and half of
  X is negated, so that both branches are taken.
* axpy_sum: the strided form of a reduction: Y[0] += sum over i of A * X[i] (a vector written
  with WCR into one scalar: lanes summed first, as DaCe's vreduce).
* vadd_vec: the sample gemm_systolic_vectorized's layout on DaCe's multibank vadd: the host
  arrays in1/in2/out stay float32 [2, N], the FPGA arrays become `dace.vector(float32, 4)`
  [2, N/4], so the host-device copies reinterpret 4 floats as one vector; the kernel's inner
  map runs over vectors and adds them (out = in1 + in2).

Host data is what DaCe's host passes for a vector argument: the scalar NumPy array (last axis 4
times longer). Run from the repository root: python3 tests/dace/programs/vector/derive.py
"""
import copy
import json
import os
import shutil

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "peers", "dace-fpga")
W = 4


def vec(dtype):
    return {"type": "vector", "dtype": dtype, "elements": str(W)}


def walk_sdfgs(sdfg):
    yield sdfg
    for block in sdfg["nodes"]:
        for n in block.get("nodes", []):
            if n["type"] == "NestedSDFG":
                yield from walk_sdfgs(n["attributes"]["sdfg"])


def memlets(sdfg):
    for block in sdfg["nodes"]:
        for e in block.get("edges", []):
            d = e["attributes"]["data"]
            if d["type"] == "Memlet":
                yield e, d["attributes"]


def vector_range(r):
    """The last axis of a subset over a vectorized array: whole extents count vectors."""
    if r["end"] == "N - 1":
        return dict(r, end=f"int_floor(N, {W}) - 1")
    return r


def vectorize_arrays(sdfg, names):
    """Makes `names` vector arrays (propagate_parent): dtype, shape, strides and their memlets."""
    for g in walk_sdfgs(sdfg):
        for name, desc in g["attributes"]["_arrays"].items():
            if name not in names:
                continue
            a = desc["attributes"]
            a["dtype"] = vec(a["dtype"])
            a["shape"] = a["shape"][:-1] + [f"N/{W}"]
            if len(a["strides"]) == 2:
                a["strides"] = [f"N/{W}", "1"]
            a["total_size"] = f"N/{W}" if len(a["shape"]) == 1 else f"N/{W // 2}"
        for _, m in memlets(g):
            if m.get("data") not in names:
                continue
            for key in ["subset", "src_subset" if m.get("is_data_src") else "dst_subset"]:
                if m.get(key):
                    m[key]["ranges"][-1] = vector_range(m[key]["ranges"][-1])


def kernel_state(sdfg):
    for g in walk_sdfgs(sdfg):
        for block in g["nodes"]:
            if any(n["type"] == "Tasklet" for n in block.get("nodes", [])):
                return block
    raise ValueError("no tasklet")


def vector_connectors(tasklet):
    a = tasklet["attributes"]
    for side in ["in_connectors", "out_connectors"]:
        for c in a[side]:
            if c != "in_A":
                a[side][c] = vec(tasklet_dtype)


def save(name, sdfg, arrays, outputs, symbols):
    d = os.path.join(HERE, name)
    os.makedirs(d, exist_ok=True)
    sdfg["attributes"]["name"] = name
    with open(os.path.join(d, f"{name}.sdfg"), "w") as f:
        json.dump(sdfg, f, indent=1)
        f.write("\n")
    for k, v in arrays.items():
        np.save(os.path.join(d, f"{k}.npy"), v)
    for k, v in outputs.items():
        np.save(os.path.join(d, f"{k}.out.npy"), v)
    with open(os.path.join(d, "manifest.json"), "w") as f:
        json.dump({"name": name, "derived_by": "derive.py (see its docstring)", "symbols": {k: {"value": v} for k, v in symbols.items()}}, f, indent=1)
        f.write("\n")


# ---------------------------------------------------------------- axpy
axpy = json.load(open(os.path.join(PEERS, "axpy", "axpy.sdfg")))
A = np.load(os.path.join(PEERS, "axpy", "A.npy"))
X = np.load(os.path.join(PEERS, "axpy", "X.npy"))
Y = np.load(os.path.join(PEERS, "axpy", "Y.npy"))
N = X.shape[0]
tasklet_dtype = "float64"

# Vector arrays (propagate_parent=True, strided_map=False).
s = copy.deepcopy(axpy)
vectorize_arrays(s, {"X", "Y", "fpga_X", "fpga_Y", "__X_in", "__Y_in", "__Y_out"})
st = kernel_state(s)
for n in st["nodes"]:
    if n["type"] == "MapEntry":
        n["attributes"]["range"]["ranges"][0]["end"] = f"int_floor(N, {W}) - 1"
    if n["type"] == "Tasklet":
        vector_connectors(n)
save("axpy_vec", s, {"A": A, "X": X, "Y": Y}, {"Y": A * X + Y}, {"N": N})

# Scalar arrays, a strided map and 4-element memlets (Vectorization's defaults). The tasklet
# also gets a local and a branch (|A*X| + Y), which on vectors hold lane by lane.
s = copy.deepcopy(axpy)
st = kernel_state(s)
tasklet = next(n for n in st["nodes"] if n["type"] == "Tasklet")
tasklet["attributes"]["code"]["string_data"] = "t = (in_A * in_X)\nif (t > 0):\n    out = (t + in_Y)\nelse:\n    out = (in_Y - t)"
vector_connectors(tasklet)
for n in st["nodes"]:
    if n["type"] == "MapEntry":
        n["attributes"]["range"]["ranges"][0].update({"end": f"N - {W}", "step": str(W)})
tid = str(tasklet["id"])
for e in st["edges"]:
    if (e["dst"] == tid or e["src"] == tid) and e.get("dst_connector") != "in_A":
        m = e["attributes"]["data"]["attributes"]
        for key in ["subset", "src_subset", "dst_subset"]:
            if m.get(key):
                m[key]["ranges"][-1]["end"] = f"i + {W - 1}"
        m["volume"] = str(W)
        m["num_accesses"] = str(W)
signs = np.concatenate([X[: N // 2], -X[N // 2:]])  # half the products negative
save("axpy_strided", s, {"A": A, "X": signs, "Y": Y}, {"Y": np.where(A * signs > 0, A * signs + Y, Y - A * signs)}, {"N": N})

# A reduction (Vectorization of a map whose tasklet writes one scalar with WCR): the strided form,
# tasklet out = A * X[i:i+4] whose vector output is summed into Y[0]. DaCe (reduction.h vreduce)
# adds the 4 lanes first, then that sum to Y[0]; NumPy below adds in the same order.
s = copy.deepcopy(axpy)
st = kernel_state(s)
tasklet = next(n for n in st["nodes"] if n["type"] == "Tasklet")
tasklet["attributes"]["code"]["string_data"] = "out = (in_A * in_X)"
vector_connectors(tasklet)
tid = str(tasklet["id"])
exit_id = next(str(n["id"]) for n in st["nodes"] if n["type"] == "MapExit")
for n in st["nodes"]:
    if n["type"] == "MapEntry":
        n["attributes"]["range"]["ranges"][0].update({"end": f"N - {W}", "step": str(W)})
for e in st["edges"]:
    m = e["attributes"]["data"]["attributes"]
    to_sum = e["src"] == tid or e["src"] == exit_id
    if e["dst"] == tid and e.get("dst_connector") != "in_A" or to_sum:
        for key in ["subset", "src_subset", "dst_subset"]:
            if m.get(key):
                r = m[key]["ranges"][-1]
                if to_sum:
                    r.update({"start": "0", "end": "0"})
                else:
                    r["end"] = f"i + {W - 1}"
        m["volume"] = "1" if to_sum else str(W)
        m["num_accesses"] = m["volume"]
        if to_sum:
            m["wcr"] = "(lambda a, b: (a + b))"
dot = Y.copy()
for i in range(0, N, W):
    lanes = A * X[i:i + W]
    acc = lanes[0]
    for k in range(1, W):
        acc = acc + lanes[k]
    dot[0] = dot[0] + acc
save("axpy_sum", s, {"A": A, "X": X, "Y": Y}, {"Y": dot}, {"N": N})

# ---------------------------------------------------------------- vadd
vadd = json.load(open(os.path.join(PEERS, "vadd", "vadd.sdfg")))
in1 = np.load(os.path.join(PEERS, "vadd", "in1.npy"))
in2 = np.load(os.path.join(PEERS, "vadd", "in2.npy"))
out = np.load(os.path.join(PEERS, "vadd", "out.npy"))
tasklet_dtype = "float32"
s = copy.deepcopy(vadd)
vectorize_arrays(s, {"fpga_in1", "fpga_in2", "fpga_out"})
st = kernel_state(s)
for n in st["nodes"]:
    if n["type"] == "MapEntry" and n["attributes"]["params"] == ["i"]:
        n["attributes"]["range"]["ranges"][0]["end"] = f"int_floor(N, {W}) - 1"
    if n["type"] == "Tasklet":
        vector_connectors(n)
save("vadd_vec", s, {"in1": in1, "in2": in2, "out": out}, {"out": in1 + in2}, {"N": in1.shape[1]})
