"""Derives the vectorized systolic GEMM test programs from DaCe's serialized systolic sample.

There is no DaCe here to run DaCe's sample samples/fpga/gemm_systolic_vectorized.py, so this
script writes by hand the form that sample's builder gives, starting from the real `.sdfg` of
../shared/peers/dace-fpga/matrix_multiplication_systolic (DaCe v2.0.0-alpha2 + dace-fpga,
P = 4, M = 16 specialised; C = A @ B) and the sample's choices:

* B and C travel as `dace.vector(float32, W)` (DaCe: {"type": "vector", "dtype": "float32",
  "elements": "W"}): the device arrays B_device [K, M/W] and C_device [N, M/W], the streams
  B_pipe and C_pipe, and each PE's C_buffer [M/W]. A, A_pipe and A_reg stay scalar.
* The host arrays A, B, C stay scalar float32 [*, M]; the host-device copies are between a
  scalar host array and a vector device array (the sample's `B_device[0:K, 0:M//W]` copy and
  `C[0:N, 0:M]` back), so W floats are one vector.
* W is specialised like P and M (in constants_prop); the maps over columns run over
  int_floor(M, W) vectors (the sample's `0:TM//W`) and the memlets index vectors.
* The sample's write_C stage replaces the copy of C_pipe[P - 1] into C_device: a map over the
  rows and the M/W vectors of C whose tasklet `to_memory = (from_kernel + prev)` adds the
  vector from the stream to the vector of C_device (so C = A @ B + C, as the sample computes;
  C starts random). Its memlets read C_pipe[P - 1] (one vector per iteration), C_device[n, m]
  and write C_device[n, m].
* gemm_systolic_vec2 (W = 2) also has the copy DaCe's Gearbox expansion makes: write_C copies
  the vector from C_pipe[P - 1] into a local scalar array C_unpack [W] (an access-to-access
  memlet C_pipe[P - 1] -> C_unpack[0:W]), and the tasklet's vector connector from_kernel reads
  the W consecutive scalars C_unpack[0:W].
* The tasklets keep their code: multiply_add multiplies the scalar A element by a B vector
  (broadcast) and adds vectors, `c_prev = (0 if (k == 0) else c_in)` is a vector zero;
  read_B and write_c move one vector per use (write_c's forward_in is a dynamic read of the
  vector stream C_pipe[p - 1]).

Outputs: C = (A @ B accumulated in k order in float32, as each PE does lane by lane) + C, by NumPy.
Run from the repository root: python3 tests/dace/programs/vector/derive_systolic.py
"""
import copy
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
PEER = os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "peers", "dace-fpga", "matrix_multiplication_systolic")
SAMPLE = "matrix_multiplication_systolic"
VECTOR_DATA = {"B_device", "C_device", "B_pipe", "C_pipe", "C_buffer"}
VECTOR_CONNECTORS = {"read_B": {"from_memory", "to_kernel"}, "multiply_add": {"b_in", "c_in", "b_out", "c_out"}, "write_c": {"buffer_in", "forward_in", "c_out"}}
COLUMN_MAPS = {"read_B": "m", "m": "m", "write_C": "m"}  # map label -> its parameter over M


def vector_of(dtype, w):
    return {"type": "vector", "dtype": dtype, "elements": str(w)}


def vector_columns(r):
    """The last axis of a subset over a vectorized array: M columns are M/W vectors."""
    if r["end"] == "M - 1":
        return dict(r, end="int_floor(M, W) - 1")
    return r


def derive(w):
    s = copy.deepcopy(json.load(open(os.path.join(PEER, f"{SAMPLE}.sdfg"))))
    a = s["attributes"]
    a["constants_prop"]["W"] = [{"type": "Scalar", "attributes": {"dtype": "int64", "shape": ["1"], "debuginfo": None}}, w]
    a["symbols"]["W"] = "int32"
    for name in VECTOR_DATA:
        d = a["_arrays"][name]["attributes"]
        d["dtype"] = vector_of(d["dtype"], w)
        if name in ("B_device", "C_device"):
            d["shape"] = [d["shape"][0], "M/W"]
            d["strides"] = ["M/W", "1"]
            d["total_size"] = f"{d['shape'][0]}*M/W"
        elif name == "C_buffer":
            d["shape"] = ["M/W"]
            d["total_size"] = "M/W"
    for state in s["nodes"]:
        ids = {str(n["id"]): n for n in state["nodes"]}
        for n in state["nodes"]:
            na = n["attributes"]
            if n["type"] == "MapEntry" and na["label"] in COLUMN_MAPS:
                i = na["params"].index(COLUMN_MAPS[na["label"]])
                na["range"]["ranges"][i]["end"] = "int_floor(M, W) - 1"
            if n["type"] == "Tasklet" and na["label"] in VECTOR_CONNECTORS:
                for side in ("in_connectors", "out_connectors"):
                    for c in na[side]:
                        if c in VECTOR_CONNECTORS[na["label"]]:
                            na[side][c] = vector_of("float32", w)
        for e in state["edges"]:
            m = e["attributes"]["data"]["attributes"]
            if m.get("data") in VECTOR_DATA:
                # `subset` is the data's side, and so is src_subset or dst_subset (is_data_src).
                for key in ("subset", "src_subset" if m.get("is_data_src") else "dst_subset"):
                    if m.get(key) and m["data"] in ("B_device", "C_device", "C_buffer"):
                        m[key]["ranges"][-1] = vector_columns(m[key]["ranges"][-1])
                if m.get("volume"):
                    m["volume"] = m["volume"].replace("M", "(M/W)")
                    m["num_accesses"] = m["volume"]
    add_write_c(s, w)
    if w == 2:
        add_unpack(s, w)
    a["name"] = f"gemm_systolic_vec{w}"
    return s


def subset(*ranges):
    return {"type": "Range", "ranges": [{"start": lo, "end": hi, "step": "1", "tile": "1"} for lo, hi in ranges]}


def edge(src, dst, data, sub, volume, src_conn=None, dst_conn=None, reads=True):
    m = {"volume": volume, "subset": sub, "data": data, "debuginfo": None, "src_subset": sub if reads else None,
         "dst_subset": None if reads else sub, "is_data_src": reads, "num_accesses": volume}
    return {"type": "MultiConnectorEdge", "attributes": {"data": {"type": "Memlet", "attributes": m}},
            "src": str(src), "dst": str(dst), "dst_connector": dst_conn, "src_connector": src_conn}


def add_write_c(s, w):
    """The sample's make_write_C (kernel vectors as wide as memory's): C_device += C_pipe[P - 1]."""
    st = next(b for b in s["nodes"] if b["label"] == "mm")
    ids = {n["attributes"].get("data"): n["id"] for n in st["nodes"] if n["type"] == "AccessNode" and n["scope_entry"] is None}
    pipe, dev = 34, 35
    assert [n["attributes"]["data"] for n in st["nodes"] if n["id"] in (pipe, dev)] == ["C_pipe", "C_device"]
    st["edges"] = [e for e in st["edges"] if not (e["src"] == str(pipe) and e["dst"] == str(dev))]
    entry, exit_, tasklet, read = 36, 37, 38, 39
    vec = vector_of("float32", w)
    where = {"type": "DebugInfo", "start_line": 0, "end_line": 0, "start_column": 0, "end_column": 0, "filename": "derive_systolic.py (gemm_systolic_vectorized.py make_write_C)"}
    st["nodes"] += [
        {"type": "MapEntry", "label": "write_C[n=0:N, m=0:M//W]", "attributes": {
            "label": "write_C", "params": ["n", "m"], "range": subset(("0", "N - 1"), ("0", "int_floor(M, W) - 1")),
            "schedule": "FPGA_Device", "debuginfo": where, "in_connectors": {"IN_C_pipe": None, "IN_C_device": None},
            "out_connectors": {"OUT_C_pipe": None, "OUT_C_device": None}}, "id": entry, "scope_entry": None, "scope_exit": str(exit_)},
        {"type": "MapExit", "label": "write_C[n=0:N, m=0:M//W]", "attributes": {
            "in_connectors": {"IN_C_device": None}, "out_connectors": {"OUT_C_device": None}}, "id": exit_, "scope_entry": str(entry), "scope_exit": str(exit_)},
        {"type": "Tasklet", "label": "write_C", "attributes": {
            "code": {"string_data": "to_memory = (from_kernel + prev)", "language": "Python"}, "debuginfo": where, "label": "write_C",
            "in_connectors": {"from_kernel": vec, "prev": vec}, "out_connectors": {"to_memory": vec}}, "id": tasklet, "scope_entry": str(entry), "scope_exit": str(exit_)},
        {"type": "AccessNode", "label": "C_device", "attributes": {"debuginfo": where, "data": "C_device"}, "id": read, "scope_entry": None, "scope_exit": None},
    ]
    st["scope_dict"]["-1"] += [entry, read]
    st["scope_dict"][str(entry)] = [exit_, tasklet]
    whole = subset(("0", "N - 1"), ("0", "int_floor(M, W) - 1"))
    one = subset(("n", "n"), ("m", "m"))
    last = subset(("P - 1", "P - 1"))
    st["edges"] += [
        edge(pipe, entry, "C_pipe", last, "(M/W)*N", dst_conn="IN_C_pipe"),
        edge(entry, tasklet, "C_pipe", last, "1", src_conn="OUT_C_pipe", dst_conn="from_kernel"),
        edge(read, entry, "C_device", whole, "(M/W)*N", dst_conn="IN_C_device"),
        edge(entry, tasklet, "C_device", one, "1", src_conn="OUT_C_device", dst_conn="prev"),
        edge(tasklet, exit_, "C_device", one, "1", src_conn="to_memory", dst_conn="IN_C_device", reads=False),
        edge(exit_, dev, "C_device", whole, "(M/W)*N", src_conn="OUT_C_device", reads=False),
    ]


def add_unpack(s, w):
    """write_C's vector from C_pipe goes through a local scalar array, as in the Gearbox expansion."""
    s["attributes"]["_arrays"]["C_unpack"] = {"type": "Array", "attributes": {
        "strides": ["1"], "total_size": str(w), "offset": ["0"], "optional": False, "dtype": "float32", "shape": [str(w)],
        "transient": True, "storage": "FPGA_Local", "debuginfo": None}}
    st = next(b for b in s["nodes"] if b["label"] == "mm")
    entry, exit_, tasklet, unpack = 36, 37, 38, 40
    st["nodes"].append({"type": "AccessNode", "label": "C_unpack", "attributes": {"debuginfo": None, "data": "C_unpack"},
                        "id": unpack, "scope_entry": str(entry), "scope_exit": str(exit_)})
    st["scope_dict"][str(entry)].append(unpack)
    old = next(e for e in st["edges"] if e["src"] == str(entry) and e["dst_connector"] == "from_kernel")
    st["edges"].remove(old)
    to_unpack = edge(entry, unpack, "C_pipe", subset(("P - 1", "P - 1")), "1", src_conn="OUT_C_pipe")
    lanes = subset(("0", str(w - 1)))
    to_unpack["attributes"]["data"]["attributes"].update({"other_subset": lanes, "dst_subset": lanes})
    st["edges"] += [to_unpack, edge(unpack, tasklet, "C_unpack", lanes, str(w), dst_conn="from_kernel")]


def save(name, sdfg, arrays, outputs, symbols):
    d = os.path.join(HERE, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"{name}.sdfg"), "w") as f:
        json.dump(sdfg, f, indent=1)
        f.write("\n")
    for k, v in arrays.items():
        np.save(os.path.join(d, f"{k}.npy"), v)
    for k, v in outputs.items():
        np.save(os.path.join(d, f"{k}.out.npy"), v)
    with open(os.path.join(d, "manifest.json"), "w") as f:
        json.dump({"name": name, "derived_by": "derive_systolic.py (see its docstring)", "symbols": {k: {"value": v} for k, v in symbols.items()}}, f, indent=1)
        f.write("\n")


A = np.load(os.path.join(PEER, "A.npy"))
B = np.load(os.path.join(PEER, "B.npy"))
C = np.random.default_rng(10).random(np.load(os.path.join(PEER, "C.npy")).shape, dtype=np.float32)
# Each PE accumulates c = 0; c = c + a[k] * b[k] for k in order, in float32 (per lane).
acc = np.zeros_like(C)
for k in range(A.shape[1]):
    acc = acc + A[:, k:k + 1] * B[k:k + 1, :]
out = acc + C
assert out.dtype == np.float32
for w in (4, 2):
    save(f"gemm_systolic_vec{w}", derive(w), {"A": A, "B": B, "C": C}, {"C": out}, {"N": A.shape[0], "K": A.shape[1]})
