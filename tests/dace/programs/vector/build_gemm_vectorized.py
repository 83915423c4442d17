"""Writes the SDFG that DaCe's samples/fpga/gemm_systolic_vectorized.py builds (spcl/dace
66ca29ed: make_sdfg(name, dace.vector(float32, W)), then sdfg.specialize(P, W, TN, TM)).

There is no DaCe here, so this script plays the sample's builder calls (add_array, add_stream,
add_map, add_tasklet, add_nested_sdfg, add_memlet_path) on a small model of DaCe's SDFG and
serializes it in the form DaCe's to_json writes (as in ../shared/peers/dace-fpga/: node ids,
scope_entry/scope_exit, IN_/OUT_ map connectors, memlets propagated out of the maps they cross,
sympy spellings such as int_floor(N, TN) and Mod(k, 2)). What the sample builds:

* copy_to_device: host A, B, C (float32, [N, K] [K, M] [N, M]) into the 512-bit device arrays
  A_device [N, K//16], B_device [K, M//16], C_device [N, M//16] of dace.vector(float32, 16).
* gemm: read_A reads a 512-bit vector of A into the FPGA_Local register array transpose_reg and
  an unrolled map unpack_A writes its 16 floats into the stream array transpose (16 channels);
  transpose_A pops transpose[k1] one at a time into A_pipe[0]. read_B reads B_device; feed_B
  buffers a row of B in feed_B_buffer and sends it TN//P times; the PEs (unrolled map over p)
  fill A_buffer (2 * (TN//P), double-buffered), multiply-add into C_buffer [TN/P, TM/W] and
  send C through the nested SDFG write_C (states send_C, forward_C); write_C adds C to C_device.
* With W < 16 (vtype.bytes < 64) the two Gearbox library nodes convert_B (16 -> W lanes) and
  convert_C (W -> 16 lanes) are expanded by ExpandGearbox (elementwise: a map over
  size x gear_factor around a nested SDFG of read/write states with conditional interstate
  edges) and InlineSDFG inlines the two expansion SDFGs into gemm (the nested `_nested` SDFGs
  stay), as make_sdfg does.
* copy_to_host: C_device back into C.
* gemm_vectorized_w4_gearbox: the W=4 SDFG before make_sdfg expands its library nodes, with the
  two Gearbox LibraryNodes (classpath dace.libraries.standard.nodes.gearbox.Gearbox, size).

Fixtures: gemm_vectorized_w16 (N=16 K=16 M=64, P=2, W=16, TN=8, TM=32: no Gearbox) and
gemm_vectorized_w4 (N=16 K=32 M=32, P=4, W=4, TN=8, TM=16), both with M//TM = N//TN = 2 tiles.
Tasklet connector types stay null, as in the peers' SDFGs. Outputs: C = A @ B + C by NumPy
(C random, as the sample initialises it).
Run from the repository root: python3 tests/dace/programs/vector/build_gemm_vectorized.py
"""
import json
import os
import re

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = "dace/samples/fpga/gemm_systolic_vectorized.py"
MINIMUM_CHANNEL_DEPTH = 8
MEM_VECLEN = 16  # 64 // float32's 4 bytes: a 512-bit memory word
EXPAND = True  # make_sdfg's expand_library_nodes() and InlineSDFG


def vec(w):
    return "float32" if w == 1 else {"type": "vector", "dtype": "float32", "elements": str(w)}


def dbg(line):
    return {"type": "DebugInfo", "start_line": line, "end_line": line, "start_column": 0, "end_column": 0, "filename": SAMPLE}


def rng(text):
    """A DaCe range 'a:b' (end exclusive, as written in the sample) or an index -> (start, end)."""
    if ":" in text:
        lo, hi = text.split(":")
        return (lo, end_of(hi))
    return (text, text)


def end_of(hi):
    """The inclusive end of 'lo:hi', as sympy prints hi - 1."""
    hi = hi.strip()
    if re.fullmatch(r"\d+", hi):
        return str(int(hi) - 1)
    m = re.fullmatch(r"(.*) - (\d+)", hi)
    return f"{m[1]} - {int(m[2]) + 1}" if m else f"{hi} - 1"


def range_json(ranges):
    return {"type": "Range", "ranges": [{"start": a, "end": b, "step": "1", "tile": "1"} for a, b in ranges]}


def array(shape, dtype, storage="Default", transient=False, strides=None):
    if strides is None:
        strides = [("*".join(shape[i + 1:]) or "1") for i in range(len(shape))]
    return {"type": "Array", "attributes": {"strides": strides, "total_size": "*".join(shape), "offset": ["0"] * len(shape), "optional": False,
                                             "dtype": dtype, "shape": shape, "transient": transient, "storage": storage, "debuginfo": None}}


def stream(dtype, buffer_size, shape=("1",), transient=True):
    return {"type": "Stream", "attributes": {"offset": ["0"] * len(shape), "buffer_size": str(buffer_size), "dtype": dtype, "shape": list(shape),
                                              "transient": transient, "storage": "FPGA_Local", "debuginfo": None}}


class State:
    def __init__(self, label, sdfg):
        self.label, self.sdfg, self.nodes, self.edges, self.scope = label, sdfg, [], [], {}

    def _add(self, node, scope):
        node["id"] = len(self.nodes)
        node["scope_entry"] = None if scope is None else str(scope)
        node["scope_exit"] = None
        self.nodes.append(node)
        self.scope[node["id"]] = scope
        return node["id"]

    def access(self, data, scope=None, line=0):
        return self._add({"type": "AccessNode", "label": data, "attributes": {"debuginfo": dbg(line), "data": data}}, scope)

    def map(self, label, params, scope=None, unroll=False, line=0):
        names = list(params)
        rs = [rng(params[p]) for p in names]
        text = ", ".join(f"{p}={params[p]}" for p in names)
        a = {"label": label, "params": names, "range": range_json(rs), "schedule": "FPGA_Device"}
        if unroll:
            a["unroll"] = True
        a.update({"debuginfo": dbg(line), "in_connectors": {}, "out_connectors": {}})
        entry = self._add({"type": "MapEntry", "label": f"{label}[{text}]", "attributes": a}, scope)
        ex = self._add({"type": "MapExit", "label": f"{label}[{text}]", "attributes": {"in_connectors": {}, "out_connectors": {}}}, entry)
        self.nodes[entry]["scope_exit"] = str(ex)
        self.nodes[ex]["scope_exit"] = str(ex)
        self.nodes[ex]["scope_entry"] = str(entry)
        self.scope[ex] = self.scope[entry]
        self.nodes[ex]["_entry"] = entry
        self.nodes[entry]["_sizes"] = [size_of(params[p]) for p in names]
        self.nodes[entry]["_params"] = names
        return entry, ex

    def tasklet(self, label, ins, outs, code, scope, line=0):
        # Connector types stay unset (null), as in the peers' serialized SDFGs: DaCe infers them.
        return self._add({"type": "Tasklet", "label": label, "attributes": {
            "code": {"string_data": code, "language": "Python"}, "debuginfo": dbg(line), "label": label,
            "in_connectors": {c: None for c in sorted(ins)}, "out_connectors": {c: None for c in sorted(outs)}}}, scope)

    def nested(self, label, sdfg_json, ins, outs, mapping, scope, line=0):
        return self._add({"type": "NestedSDFG", "label": label, "attributes": {
            "sdfg": sdfg_json, "schedule": "Default", "symbol_mapping": mapping, "debuginfo": dbg(line), "label": label,
            "in_connectors": {c: None for c in sorted(ins)}, "out_connectors": {c: None for c in sorted(outs)}}}, scope)

    def empty(self, src, dst):
        self.edges.append(edge(src, dst, None, None, None, {"volume": "1", "debuginfo": None, "src_subset": None, "dst_subset": None, "is_data_src": False, "num_accesses": "1"}))

    def path(self, *path, data, index, dynamic=False, src_conn=None, dst_conn=None, other=None):
        """add_memlet_path: the innermost edge carries the memlet; the others its propagation."""
        n = self.nodes
        src_is_data = n[path[0]]["type"] == "AccessNode" and n[path[0]]["attributes"]["data"] == data
        for i in range(len(path) - 1):
            a, b = path[i], path[i + 1]
            # The maps this edge lies outside of (and the memlet is propagated over).
            crossed = [p for p in path[i + 1:-1] if n[p]["type"] == "MapEntry"] + [p for p in path[1:i + 1] if n[p]["type"] == "MapExit"]
            crossed = [c if n[c]["type"] == "MapEntry" else n[c]["_entry"] for c in crossed]
            sc = "OUT_" + data if n[a]["type"] in ("MapEntry", "MapExit") else (src_conn if i == 0 else None)
            dc = "IN_" + data if n[b]["type"] in ("MapEntry", "MapExit") else (dst_conn if i == len(path) - 2 else None)
            for node, side, c in ((a, "out_connectors", sc), (b, "in_connectors", dc)):
                if n[node]["type"] in ("MapEntry", "MapExit") and c:
                    n[node]["attributes"][side][c] = None
            sub, vol = self.propagate(data, index, crossed)
            m = {"volume": vol, "subset": range_json(sub), "data": data, "debuginfo": None}
            if other is not None:
                m["other_subset"] = range_json([rng(x) for x in other])
            m.update({"src_subset": range_json(sub) if src_is_data else (range_json([rng(x) for x in other]) if other else None),
                      "dst_subset": None if src_is_data else range_json(sub), "is_data_src": src_is_data, "num_accesses": vol})
            if src_is_data and other:
                m["dst_subset"] = range_json([rng(x) for x in other])
            if dynamic:
                m["dynamic"] = True
            self.edges.append(edge(a, b, sc, dc, None, m))

    def propagate(self, data, index, crossed):
        params, sizes = [], []
        for c in crossed:
            params += self.nodes[c]["_params"]
            sizes += self.nodes[c]["_sizes"]
        desc = self.sdfg.arrays[data]["attributes"]
        out = []
        for d, x in enumerate(index):
            lo, hi = rng(x)
            if any(re.search(rf"\b{p}\b", lo + " " + hi) for p in params):
                out.append(("0", end_of(desc["shape"][d])))
            else:
                out.append((lo, hi))
        vol = "*".join(f"({s})" for s in sizes) if sizes else None
        single = all(a == b for a, b in out)
        base = "1" if all(rng(x)[0] == rng(x)[1] for x in index) else "*".join(f"({size_of(x)})" for x in index if ":" in x)
        return out, (f"{vol}*{base}" if vol and base != "1" else (vol or base))

    def to_json(self, sid):
        scope_dict = {}
        for node in self.nodes:
            k = "-1" if self.scope[node["id"]] is None else str(self.scope[node["id"]])
            scope_dict.setdefault(k, []).append(node["id"])
        nodes = [{k: v for k, v in node.items() if not k.startswith("_")} for node in self.nodes]
        return {"type": "SDFGState", "label": self.label, "id": sid, "collapsed": False, "scope_dict": scope_dict,
                "nodes": nodes, "edges": self.edges, "attributes": {}}


def size_of(text):
    if ":" not in text:
        return "1"
    lo, hi = text.split(":")
    return hi if lo == "0" else f"{hi} - ({lo})"


def edge(src, dst, sc, dc, _, m):
    return {"type": "MultiConnectorEdge", "attributes": {"data": {"type": "Memlet", "attributes": m}},
            "src": str(src), "dst": str(dst), "dst_connector": dc, "src_connector": sc}


class SDFG:
    def __init__(self, name):
        self.name, self.arrays, self.states, self.iedges, self.symbols, self.constants = name, {}, [], [], {}, {}

    def state(self, label):
        s = State(label, self)
        self.states.append(s)
        return s

    def edge(self, a, b, cond=None):
        d = {"assignments": {}}
        if cond:
            d["condition"] = {"string_data": cond, "language": "Python"}
        self.iedges.append({"type": "Edge", "attributes": {"data": {"type": "InterstateEdge", "attributes": d, "label": cond or ""}},
                            "src": str(self.states.index(a)), "dst": str(self.states.index(b))})

    def to_json(self, arg_names=None):
        a = {"name": self.name}
        if arg_names is not None:
            a["arg_names"] = arg_names
        if self.constants:
            a["constants_prop"] = {k: [{"type": "Scalar", "attributes": {"dtype": "int64", "shape": ["1"], "debuginfo": None}}, v] for k, v in self.constants.items()}
        a.update({"_arrays": self.arrays, "symbols": self.symbols})
        return {"type": "SDFG", "attributes": a, "nodes": [s.to_json(i) for i, s in enumerate(self.states)], "edges": self.iedges,
                "collapsed": False, "label": "", "id": None, "start_block": 0, "dace_version": "1.0.0"}


# ------------------------------------------------------------------------- the sample's builders

def copy_to_device(sdfg):
    s = sdfg.state("copy_to_device")
    sdfg.arrays["A"] = array(["N", "K"], "float32")
    sdfg.arrays["B"] = array(["K", "M"], "float32")
    sdfg.arrays["C"] = array(["N", "M"], "float32")
    for name, rows, cols in (("A", "N", "K"), ("B", "K", "M"), ("C", "N", "M")):
        sdfg.arrays[f"{name}_device"] = array([rows, f"int_floor({cols}, 16)"], vec(MEM_VECLEN), "FPGA_Global", True)
        sdfg.arrays[f"{name}_device"]["attributes"]["location"] = {"memorytype": "DDR", "bank": "1"}
    host = {x: s.access(x, line=52) for x in "ABC"}
    dev = {x: s.access(f"{x}_device", line=84) for x in "ABC"}
    for x, rows, cols in (("A", "N", "K"), ("B", "K", "M"), ("C", "N", "M")):
        s.path(host[x], dev[x], data=f"{x}_device", index=[f"0:{rows}", f"0:int_floor({cols}, 16)"])
    return s


def copy_to_host(sdfg):
    s = sdfg.state("copy_to_host")
    d, h = s.access("C_device", line=104), s.access("C", line=105)
    s.path(d, h, data="C", index=["0:N", "0:M"])
    return s


def read_A(sdfg, s):
    sdfg.arrays["transpose_reg"] = array(["16"], "float32", "FPGA_Local", True)
    sdfg.arrays["transpose"] = stream("float32", "2*TN", ("16",))
    mem = s.access("A_device", line=143)
    entry, ex = s.map("read_A", {"n0": "0:int_floor(N, TN)", "m": "0:int_floor(M, TM)", "k0": "0:int_floor(K, 16)", "n1": "0:TN"}, line=144)
    reg = s.access("transpose_reg", entry, line=151)
    s.path(mem, entry, reg, data="A_device", index=["TN*n0 + n1", "k0"])
    ue, ux = s.map("unpack_A", {"k1": "0:16"}, entry, unroll=True, line=158)
    t = s.tasklet("unpack_A", {"from_memory"}, {"to_pipe"}, "to_pipe = from_memory", ue, line=162)
    out = s.access("transpose", line=164)
    s.path(reg, ue, t, data="transpose_reg", index=["k1"], dst_conn="from_memory")
    s.path(t, ux, ex, out, data="transpose", index=["k1"], src_conn="to_pipe")
    rd = s.access("transpose", line=177)
    te, tx = s.map("transpose_A", {"n0": "0:int_floor(N, TN)", "m": "0:int_floor(M, TM)", "k0": "0:int_floor(K, 16)", "k1": "0:16", "n1": "0:TN"}, line=178)
    pipe = s.access("A_pipe", line=187)
    t = s.tasklet("transpose_A", {"from_transpose"}, {"to_kernel"}, "to_kernel = from_transpose", te, line=188)
    s.path(rd, te, t, data="transpose", index=["k1"], dst_conn="from_transpose")
    s.path(t, tx, pipe, data="A_pipe", index=["0"], src_conn="to_kernel")


def read_B(sdfg, s, w):
    entry, ex = s.map("read_B", {"n0": "0:int_floor(N, TN)", "m0": "0:int_floor(M, TM)", "k": "0:K", "m1": "0:int_floor(TM, 16)"}, line=210)
    mem = s.access("B_device", line=218)
    to_feeder = s.access("B_to_feeder", line=219)
    t = s.tasklet("read_B", {"from_memory"}, {"to_feeder"}, "to_feeder = from_memory", entry, line=220)
    s.path(mem, entry, t, data="B_device", index=["k", "int_floor(TM, 16)*m0 + m1"], dst_conn="from_memory")
    if w < MEM_VECLEN:
        sdfg.arrays["B_to_converter"] = stream(vec(MEM_VECLEN), MINIMUM_CHANNEL_DEPTH)
        conv = s.access("B_to_converter", line=236)
        s.path(t, ex, conv, data="B_to_converter", index=["0"], src_conn="to_feeder")
        conv_read = s.access("B_to_converter", line=244)
        gearbox(sdfg, s, "convert_B", "(K*int_floor(M, TM)*int_floor(N, TN)*int_floor(TM, 16))",
                conv_read, "B_to_converter", "from_memory", to_feeder, "B_to_feeder", "to_feeder", MEM_VECLEN, w, line=245)
    else:
        s.path(t, ex, to_feeder, data="B_to_feeder", index=["0"], src_conn="to_feeder")


def feed_B(sdfg, s, w):
    entry, ex = s.map("feed_B", {"n0": "0:int_floor(N, TN)", "m0": "0:int_floor(M, TM)", "k": "0:K", "n1": "0:int_floor(TN, P)", "m1": "0:int_floor(TM, W)"}, line=275)
    sdfg.arrays["feed_B_buffer"] = array(["int_floor(TM, W)"], vec(w), "FPGA_Local", True)
    br, bw = s.access("feed_B_buffer", line=288), s.access("feed_B_buffer", line=289)
    rd, wr = s.access("B_to_feeder", line=291), s.access("B_pipe", line=292)
    t = s.tasklet("feed_B", {"from_memory", "buffer_in"}, {"to_kernel", "buffer_out"},
                  "val = buffer_in\nif (n1 == 0):\n    val = from_memory\nto_kernel = val\nbuffer_out = val", entry, line=293)
    s.path(rd, entry, t, data="B_to_feeder", index=["0"], dynamic=True, dst_conn="from_memory")
    s.path(br, entry, t, data="feed_B_buffer", index=["m1"], dst_conn="buffer_in")
    s.path(t, ex, bw, data="feed_B_buffer", index=["m1"], src_conn="buffer_out")
    s.path(t, ex, wr, data="B_pipe", index=["0"], src_conn="to_kernel")


def write_C(sdfg, s, w):
    from_kernel, mem_read, mem_write = s.access("C_pipe", line=332), s.access("C_device", line=333), s.access("C_device", line=334)
    if w < MEM_VECLEN:
        sdfg.arrays["C_from_converter"] = stream(vec(MEM_VECLEN), "int_floor(TM, 16)")
        conv_write = s.access("C_from_converter", line=348)
        gearbox(sdfg, s, "convert_C", "(TN*int_floor(M, TM)*int_floor(N, TN)*int_floor(TM, 16))",
                from_kernel, "C_pipe", "from_kernel", conv_write, "C_from_converter", "to_memory", w, MEM_VECLEN, line=341)
        to_writer, data = s.access("C_from_converter", line=358), "C_from_converter"
    else:
        to_writer, data = from_kernel, "C_pipe"
    entry, ex = s.map("write_C", {"n0": "0:int_floor(N, TN)", "m0": "0:int_floor(M, TM)", "n1": "0:TN", "m1": "0:int_floor(TM, 16)"}, line=367)
    t = s.tasklet("write_C", {"from_kernel", "prev"}, {"to_memory"}, "to_memory = (from_kernel + prev)", entry, line=375)
    s.path(to_writer, entry, t, data=data, index=["0"], dst_conn="from_kernel")
    at = ["TN*n0 + n1", "int_floor(TM, 16)*m0 + m1"]
    s.path(mem_read, entry, t, data="C_device", index=at, dst_conn="prev")
    s.path(t, ex, mem_write, data="C_device", index=at, src_conn="to_memory")


def compute(sdfg, s, w):
    a_in, a_out = s.access("A_pipe", line=405), s.access("A_pipe", line=406)
    b_in, b_out = s.access("B_pipe", line=407), s.access("B_pipe", line=408)
    c_in, c_out = s.access("C_pipe", line=409), s.access("C_pipe", line=410)
    ue, ux = s.map("unroll_processing_elements", {"p": "0:P"}, unroll=True, line=593)
    for node in (a_in, a_out, b_in, b_out, c_in, c_out):
        s.scope[node] = ue
        s.nodes[node]["scope_entry"] = str(ue)
    sdfg.arrays["A_buffer"] = array(["2*int_floor(TN, P)"], "float32", "FPGA_Registers", True)
    init_a = s.access("A_buffer", ue, line=418)
    ie, ix = s.map("init", {"n0": "0:int_floor(TN, P)", "n1": "0:P - p"}, ue, line=419)
    t = s.tasklet("init_A", {"from_prev"}, {"to_buffer", "to_next"},
                  "val = from_prev\nif (n1 == 0):\n    to_buffer = val\nelif (p < (P - 1)):\n    to_next = val", ie, line=425)
    s.path(a_in, ie, t, data="A_pipe", index=["p"], dst_conn="from_prev")
    s.path(t, ix, init_a, data="A_buffer", index=["n0"], dynamic=True, src_conn="to_buffer")
    s.path(t, ix, a_out, data="A_pipe", index=["p + 1"], dynamic=True, src_conn="to_next")

    oe, ox = s.map("tiles", {"n0": "0:int_floor(N, TN)", "m0": "0:int_floor(M, TM)"}, ue, line=449)
    s.empty(init_a, oe)
    ke, kx = s.map("k", {"k": "0:K"}, oe, line=459)
    ne, nx = s.map("inner", {"n1": "0:int_floor(TN, P)", "m1": "0:int_floor(TM, W)"}, ke, line=463)
    update_a = s.access("A_buffer", ne, line=471)
    t = s.tasklet("double_buffer_A", {"from_prev"}, {"to_buffer", "to_next"},
                  "if (((n0 < ((N / TN) - 1)) or (m0 < ((M / TM) - 1)) or (k < (K - 1))) and (m1 >= p) and (m1 < P)):\n"
                  "    val = from_prev\n    if (m1 == p):\n        to_buffer = val\n    elif (p < (P - 1)):\n        to_next = val", ne, line=472)
    s.path(a_in, oe, ke, ne, t, data="A_pipe", index=["p"], dynamic=True, dst_conn="from_prev")
    s.path(t, update_a, data="A_buffer", index=["n1 + (1 - Mod(k, 2))*int_floor(TN, P)"], dynamic=True, src_conn="to_buffer")
    s.path(t, nx, kx, ox, a_out, data="A_pipe", index=["p + 1"], dynamic=True, src_conn="to_next")
    sdfg.arrays["C_buffer"] = array(["TN/P", "TM/W"], vec(w), "FPGA_Local", True)
    t2 = s.tasklet("multiply_add", {"a_in", "b_in", "c_in"}, {"b_out", "c_out"},
                   "if (p < (P - 1)):\n    b_out = b_in\nc_val = c_in\nif (k == 0):\n    c_val = 0\nc_out = (c_val + (a_in * b_in))", ne, line=503)
    cb_read = s.access("C_buffer", ue, line=510)
    cb_write = s.access("C_buffer", oe, line=511)
    s.path(update_a, t2, data="A_buffer", index=["n1 + int_floor(TN, P)*Mod(k, 2)"], dst_conn="a_in")
    s.path(b_in, oe, ke, ne, t2, data="B_pipe", index=["p"], dst_conn="b_in")
    s.path(cb_read, oe, ke, ne, t2, data="C_buffer", index=["n1", "m1"], dst_conn="c_in")
    s.path(t2, nx, kx, ox, b_out, data="B_pipe", index=["p + 1"], dynamic=True, src_conn="b_out")
    s.path(t2, nx, kx, cb_write, data="C_buffer", index=["n1", "m1"], src_conn="c_out")

    we, wx = s.map("write_C", {"n1": "0:int_floor(TN, P)"}, oe, line=545)
    inner = write_c_sdfg(w)
    mapping = {k: k for k in ("K", "M", "N", "P", "TM", "TN", "W")}
    mapping["p"] = "p"
    node = s.nested("write_C", inner, {"buffer_in", "forward_in"}, {"forward_out"}, mapping, we, line=549)
    s.path(cb_write, we, node, data="C_buffer", index=["n1", "0:TM/W"], dst_conn="buffer_in")
    s.path(c_in, oe, we, node, data="C_pipe", index=["p + 1"], dynamic=True, dst_conn="forward_in")
    s.path(node, wx, ox, c_out, data="C_pipe", index=["p"], dynamic=True, src_conn="forward_out")
    for node in (a_in, b_in, c_in):
        s.empty(ue, node)
    s.empty(ue, cb_read)
    for node in (a_out, b_out, c_out):
        s.empty(node, ux)


def write_c_sdfg(w):
    g = SDFG("write_C")
    g.arrays["forward_in"] = stream(vec(w), MINIMUM_CHANNEL_DEPTH, transient=False)
    g.arrays["forward_out"] = stream(vec(w), MINIMUM_CHANNEL_DEPTH, transient=False)
    g.arrays["buffer_in"] = array(["int_floor(TM, W)"], vec(w), "FPGA_Local")
    g.symbols = {k: "int32" for k in ("K", "M", "N", "P", "TM", "TN", "W")}
    g.symbols["p"] = "int32"
    send = g.state("send_C")
    rd, wr = send.access("buffer_in", line=568), send.access("forward_out", line=569)
    t = send.tasklet("send_C", {"from_buffer"}, {"to_next"}, "to_next = from_buffer", None, line=570)
    e, x = send.map("send_C", {"m1": "0:int_floor(TM, W)"}, line=572)
    send.scope[t] = e
    send.nodes[t]["scope_entry"] = str(e)
    send.path(rd, e, t, data="buffer_in", index=["m1"], dst_conn="from_buffer")
    send.path(t, x, wr, data="forward_out", index=["0"], src_conn="to_next")
    fwd = g.state("forward_C")
    rd, wr = fwd.access("forward_in", line=583), fwd.access("forward_out", line=584)
    t = fwd.tasklet("forward_C", {"from_prev"}, {"to_next"}, "if (p < (P - 1)):\n    to_next = from_prev", None, line=585)
    e, x = fwd.map("forward_C", {"n1": "0:P - p - 1", "m1": "0:int_floor(TM, W)"}, line=589)
    fwd.scope[t] = e
    fwd.nodes[t]["scope_entry"] = str(e)
    fwd.path(rd, e, t, data="forward_in", index=["0"], dynamic=True, dst_conn="from_prev")
    fwd.path(t, x, wr, data="forward_out", index=["0"], dynamic=True, src_conn="to_next")
    g.edge(send, fwd)
    return g.to_json(arg_names=[])


def gearbox(sdfg, s, name, size, src, src_data, in_conn, dst, dst_data, out_conn, w_in, w_out, line):
    """ExpandGearbox (elementwise) on streams of w_in -> w_out lanes, its SDFG inlined into s;
    with EXPAND off, the Gearbox library node itself (make_sdfg before expand_library_nodes)."""
    if not EXPAND:
        node = s._add({"type": "LibraryNode", "label": name, "attributes": {
            "size": size, "name": name, "schedule": "FPGA_Device", "debuginfo": dbg(line), "label": name,
            "in_connectors": {in_conn: None}, "out_connectors": {out_conn: None}}, "classpath": "dace.libraries.standard.nodes.gearbox.Gearbox"}, None)
        s.path(src, node, data=src_data, index=["0"], dynamic=True, dst_conn=in_conn)
        s.path(node, dst, data=dst_data, index=["0"], dynamic=True, src_conn=out_conn)
        return
    pack = w_out > w_in
    gear = w_out // w_in if pack else w_in // w_out
    large, small = max(w_in, w_out), min(w_in, w_out)
    vw, ve = f"_{name}_w", f"_{name}_e"
    buf = f"{name}_buffer"
    sdfg.arrays[buf] = array([str(large)], "float32", "FPGA_Local", True)
    entry, ex = s.map(name, {f"_{name}_i": f"0:{size}", vw: f"0:{gear}"}, line=line)
    g = SDFG(f"{name}_nested")
    g.arrays[f"_{in_conn}"] = stream(vec(w_in), sdfg.arrays[src_data]["attributes"]["buffer_size"], transient=False)
    g.arrays[f"_{out_conn}"] = stream(vec(w_out), sdfg.arrays[dst_data]["attributes"]["buffer_size"], transient=False)
    g.arrays[f"{buf}_inner"] = array([str(large)], "float32", "FPGA_Local")
    g.symbols = {vw: "int64"}
    rs, ws = g.state(f"{name}_read"), g.state(f"{name}_write")
    rn, wn = rs.access(f"_{in_conn}"), ws.access(f"_{out_conn}")
    b_read, b_write = ws.access(f"{buf}_inner"), rs.access(f"{buf}_inner")
    if pack:
        un = f"{name}_unpack"
        g.arrays[un] = array([str(small)], "float32", "FPGA_Local", True)
        ua = rs.access(un)
        rs.path(rn, ua, data=f"_{in_conn}", index=["0"])
        e, x = rs.map(f"{name}_elementwise", {ve: f"0:{small}"})
        t = rs.tasklet(f"{name}_elementwise", {"unpack_in"}, {"buffer_out"}, "buffer_out = unpack_in", e)
        rs.path(ua, e, t, data=un, index=[ve], dst_conn="unpack_in")
        rs.path(t, x, b_write, data=f"{buf}_inner", index=[f"{small}*{vw} + {ve}"], src_conn="buffer_out")
        end = g.state(f"{name}_end")
        g.edge(rs, ws, f"({vw} >= ({gear} - 1))")
        g.edge(rs, end, f"({vw} < ({gear} - 1))")
        g.edge(ws, end)
        ws.path(b_read, wn, data=f"_{out_conn}", index=["0"])
    else:
        start = g.state(f"{name}_start")
        g.edge(start, rs, f"({vw} == 0)")
        g.edge(start, ws, f"({vw} != 0)")
        g.edge(rs, ws)
        rs.path(rn, b_write, data=f"_{in_conn}", index=["0"])
        pk = f"{name}_pack"
        g.arrays[pk] = array([str(small)], "float32", "FPGA_Local", True)
        pa = ws.access(pk)
        e, x = ws.map(f"{name}_elementwise", {ve: f"0:{small}"})
        t = ws.tasklet(f"{name}_elementwise", {"buffer_in"}, {"pack_out"}, "pack_out = buffer_in", e)
        ws.path(b_read, e, t, data=f"{buf}_inner", index=[f"{small}*{vw} + {ve}"], dst_conn="buffer_in")
        ws.path(t, x, pa, data=pk, index=[ve], src_conn="pack_out")
        ws.path(pa, wn, data=f"_{out_conn}", index=["0"])
    inner = g.to_json(arg_names=[])
    # The nested SDFG starts at its start state (DaCe: the block without incoming edges).
    node = s.nested(f"{name}_nested", inner, {f"_{in_conn}", f"{buf}_inner"}, {f"_{out_conn}", f"{buf}_inner"}, {vw: vw}, entry, line=line)
    br, bw = s.access(buf, line=line), s.access(buf, line=line)
    s.path(src, entry, node, data=src_data, index=["0"], dynamic=True, dst_conn=f"_{in_conn}")
    s.path(node, ex, dst, data=dst_data, index=["0"], dynamic=True, src_conn=f"_{out_conn}")
    s.path(br, entry, node, data=buf, index=[f"0:{large}"], dst_conn=f"{buf}_inner")
    s.path(node, ex, bw, data=buf, index=[f"0:{large}"], src_conn=f"{buf}_inner")


def make_sdfg(p, w, tn, tm):
    sdfg = SDFG(f"gemm_fpga_systolic_vectorized_d{p}_w{w}_{tn}x{tm}_NxKxM")
    pre = copy_to_device(sdfg)
    s = sdfg.state("gemm")
    sdfg.arrays["A_pipe"] = stream("float32", "P", ("P + 1",))
    sdfg.arrays["B_pipe"] = stream(vec(w), MINIMUM_CHANNEL_DEPTH, ("P + 1",))
    sdfg.arrays["B_to_feeder"] = stream(vec(w), MINIMUM_CHANNEL_DEPTH)
    sdfg.arrays["C_pipe"] = stream(vec(w), MINIMUM_CHANNEL_DEPTH, ("P + 1",))
    read_A(sdfg, s)
    read_B(sdfg, s, w)
    feed_B(sdfg, s, w)
    compute(sdfg, s, w)
    write_C(sdfg, s, w)
    post = copy_to_host(sdfg)
    sdfg.edge(pre, s)
    sdfg.edge(s, post)
    sdfg.symbols = {k: "int32" for k in ("K", "M", "N", "P", "TM", "TN", "W")}
    sdfg.constants = {"P": p, "W": w, "TN": tn, "TM": tm}
    j = sdfg.to_json()
    j["start_block"] = None
    return j


def save(name, sdfg, arrays, outputs, symbols, notes):
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
        json.dump({"name": name, "derived_by": "build_gemm_vectorized.py (see its docstring)", "notes": notes,
                   "symbols": {k: {"value": v} for k, v in symbols.items()}}, f, indent=1)
        f.write("\n")


def fixture(name, n, k, m, p, w, tn, tm, seed):
    r = np.random.default_rng(seed)
    A = r.random((n, k), dtype=np.float32)
    B = r.random((k, m), dtype=np.float32)
    C = r.random((n, m), dtype=np.float32)
    # Each PE lane accumulates c = 0; c = c + a[k] * b[k] in k order in float32, then write_C adds C.
    acc = np.zeros_like(C)
    for kk in range(k):
        acc = acc + A[:, kk:kk + 1] * B[kk:kk + 1, :]
    save(name, make_sdfg(p, w, tn, tm), {"A": A, "B": B, "C": C}, {"C": acc + C}, {"N": n, "K": k, "M": m},
         [f"gemm_systolic_vectorized.py N={n} K={k} M={m} P={p} W={w} --tile-size-n {tn} --tile-size-m {tm}"])


fixture("gemm_vectorized_w16", n=16, k=16, m=64, p=2, w=16, tn=8, tm=32, seed=16)
fixture("gemm_vectorized_w4", n=16, k=32, m=32, p=4, w=4, tn=8, tm=16, seed=4)
EXPAND = False
fixture("gemm_vectorized_w4_gearbox", n=16, k=32, m=32, p=4, w=4, tn=8, tm=16, seed=4)
