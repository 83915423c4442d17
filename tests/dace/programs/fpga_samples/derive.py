"""Builds, as DaCe would serialize them, the SDFGs of DaCe's FPGA samples that are not in
../shared/peers/dace-fpga, with NumPy inputs and results, at small sizes.

There is no DaCe here: each builder below follows its sample's `make_sdfg` (spcl/dace-fpga
samples/, spcl/dace samples/fpga/) node by node and edge by edge, writing the memlets DaCe's
`add_memlet_path` and memlet propagation produce (outer edges: the union over the map's range,
volume times its size; dynamic memlets stay dynamic), and the symbols the sample specializes as
`constants_prop`. Run from the repository root: python3 tests/dace/programs/fpga_samples/derive.py
"""
import json
import os

import numpy as np

from sdfg_json import SDFG, memlet as M

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)


def save(sdfg, folder, inputs, outputs, symbols, source):
    d = os.path.join(HERE, folder)
    os.makedirs(d, exist_ok=True)
    sdfg.save(os.path.join(d, f"{folder}.sdfg"))
    for k, v in inputs.items():
        np.save(os.path.join(d, f"{k}.npy"), v)
    for k, v in outputs.items():
        np.save(os.path.join(d, f"{k}.out.npy"), v)
    with open(os.path.join(d, "manifest.json"), "w") as f:
        json.dump({"name": folder, "source": source, "derived_by": "derive.py (see its docstring)",
                   "symbols": {k: {"value": v} for k, v in symbols.items()}}, f, indent=1)
        f.write("\n")


def copy_in_out(sdfg, names, shapes, dtype):
    """copy_to_device / copy_to_host states: host arrays and their FPGA_Global twins."""
    pre = sdfg.state("copy_to_device")
    for n, shp in zip(names, shapes):
        sdfg.array(n, shp, dtype)
        sdfg.array(f"{n}_device", shp, dtype, transient=True, storage="FPGA_Global")
    for n, shp in zip(names, shapes):
        full = ", ".join(f"0:{s}" for s in shp)
        a, b = pre.access(n), pre.access(f"{n}_device")
        pre.edge(a, None, b, None, M(f"{n}_device", full, "*".join(reversed(shp)), is_data_src=False))
    return pre


# ---------------------------------------------------------------- matrix_multiplication_stream
def mm_stream(n, k, m):
    """dace-fpga samples/matrix_multiplication_stream.py, make_sdfg(False, ...), specialize(M)."""
    s = SDFG("mm_fpga_stream_NxKx%d" % m, {"K": "int32", "M": "int32", "N": "int32"}, {"M": m})
    pre = copy_in_out(s, ["A", "B", "C"], [["N", "K"], ["K", "M"], ["N", "M"]], "float32")
    st = s.state("mm")
    A, B, C = st.access("A_device"), st.access("B_device"), st.access("C_device")
    for p in ["A_pipe", "B_pipe", "C_pipe"]:
        s.stream(p, "float32")
    a_in, b_in, c_in = st.access("A_pipe"), st.access("B_pipe"), st.access("C_pipe")
    a_out, b_out, c_out = st.access("A_pipe"), st.access("B_pipe"), st.access("C_pipe")
    # A_device -> A_pipe: the whole array through the FIFO.
    st.edge(A, None, a_out, None, M("A_device", "0:N, 0:K", "K*N"))
    rb, rbx = st.map("read_b", [("n", "0:N"), ("k", "0:K"), ("m", "0:M")])
    t = st.tasklet("read_b", ["mem"], ["s"], "s = mem", scope=rb)
    st.edge(B, None, rb, "IN_B_device", M("B_device", "0:K, 0:M", "K*M*N"))
    st.edge(rb, "OUT_B_device", t, "mem", M("B_device", "k, m"))
    st.edge(t, "s", rbx, "IN_B_pipe", M("B_pipe", "0", is_data_src=False))
    st.edge(rbx, "OUT_B_pipe", b_out, None, M("B_pipe", "0", "K*M*N", is_data_src=False))
    st.edge(c_in, "mem", C, None, M("C_device", "0:N, 0:M", "M*N", is_data_src=False))
    ne, nx = st.map("outer_map", [("n", "0:N")])
    ke, kx = st.map("inner_map", [("k", "0:K"), ("m", "0:M")], scope=ne)
    s.array("output_buffer", ["M"], "float32", transient=True, storage="FPGA_Local")
    s.array("A_reg", ["1"], "float32", transient=True, storage="FPGA_Local")
    ob_r, ob_w = st.access("output_buffer", scope=ne), st.access("output_buffer", scope=ne)
    ar_r, ar_w = st.access("A_reg"), st.access("A_reg")
    t = st.tasklet("multiply_accumulate", ["a_mem", "a_reg_in", "b", "c_in"], ["a_reg_out", "c_out"],
                   "a = (a_mem if (m == 0) else a_reg_in)\na_reg_out = a\nprev = (0 if (k == 0) else c_in)\nc_out = (prev + (a * b))", scope=ke)
    st.edge(a_in, None, ne, "IN_A_pipe", M("A_pipe", "0", "K*M*N", dynamic=True))
    st.edge(ne, "OUT_A_pipe", ke, "IN_A_pipe", M("A_pipe", "0", "K*M", dynamic=True))
    st.edge(ke, "OUT_A_pipe", t, "a_mem", M("A_pipe", "0", dynamic=True))
    st.edge(b_in, None, ne, "IN_B_pipe", M("B_pipe", "0", "K*M*N"))
    st.edge(ne, "OUT_B_pipe", ke, "IN_B_pipe", M("B_pipe", "0", "K*M"))
    st.edge(ke, "OUT_B_pipe", t, "b", M("B_pipe", "0"))
    st.edge(ar_r, None, ne, "IN_A_reg", M("A_reg", "0", "K*M*N"))
    st.edge(ne, "OUT_A_reg", ke, "IN_A_reg", M("A_reg", "0", "K*M"))
    st.edge(ke, "OUT_A_reg", t, "a_reg_in", M("A_reg", "0"))
    st.edge(ob_r, None, ke, "IN_output_buffer", M("output_buffer", "0:M", "K*M"))
    st.edge(ke, "OUT_output_buffer", t, "c_in", M("output_buffer", "m"))
    st.edge(ne, None, ob_r, None, M(None))
    st.edge(t, "c_out", kx, "IN_output_buffer", M("output_buffer", "m", is_data_src=False))
    st.edge(kx, "OUT_output_buffer", ob_w, None, M("output_buffer", "0:M", "K*M", is_data_src=False))
    st.edge(t, "a_reg_out", kx, "IN_A_reg", M("A_reg", "0", is_data_src=False))
    st.edge(kx, "OUT_A_reg", nx, "IN_A_reg", M("A_reg", "0", "K*M", is_data_src=False))
    st.edge(nx, "OUT_A_reg", ar_w, None, M("A_reg", "0", "K*M*N", is_data_src=False))
    st.edge(ob_w, None, nx, "IN_output_buffer", M("output_buffer", "0:M", "M"))
    st.edge(nx, "OUT_output_buffer", c_out, None, M("output_buffer", "0:M", "M*N"))
    post = s.state("copy_to_host")
    post.edge(post.access("C_device"), None, post.access("C"), None, M("C", "0:N, 0:M", "M*N", is_data_src=False))
    s.edge(pre, st)
    s.edge(st, post)
    A_ = rng.random((n, k), dtype=np.float32)
    B_ = rng.random((k, m), dtype=np.float32)
    C_ = np.zeros((n, m), dtype=np.float32)
    save(s, "matrix_multiplication_stream", {"A": A_, "B": B_, "C": C_}, {"C": A_ @ B_}, {"N": n, "K": k, "M": m},
         "dace-fpga samples/matrix_multiplication_stream.py: make_sdfg(False, n, k, m); sdfg.specialize(dict(M=m))")


# ---------------------------------------------------------------- matrix_multiplication_pipelined
def zero_or_wcr():
    """The sample's nested SDFG: c_out = a * b when k == 0, else c_in + a * b (two states)."""
    s = SDFG("zero_or_wcr", {"k": "int32"})
    for a in ["A_val", "B_val", "C_in", "C_out"]:
        s.scalar(a, "float32", storage="FPGA_Local")
    if_state, then_state, else_state, end_state = (s.state(x) for x in ["if_state", "then_state", "else_state", "end_state"])
    s.edge(if_state, then_state, condition="k == 0")
    s.edge(if_state, else_state, condition="k != 0")
    s.edge(then_state, end_state)
    s.edge(else_state, end_state)
    for st, code, ins in [(then_state, "c_out = (a * b)", {"a": "A_val", "b": "B_val"}),
                          (else_state, "c_out = (c_in + (a * b))", {"a": "A_val", "b": "B_val", "c_in": "C_in"})]:
        t = st.tasklet("multiply", list(ins), ["c_out"], code)
        for conn, data in ins.items():
            st.edge(st.access(data), None, t, conn, M(data, "0"))
        st.edge(t, "c_out", st.access("C_out"), None, M("C_out", "0", is_data_src=False))
    return s


def mm_pipelined(n, k, m):
    """dace-fpga samples/matrix_multiplication_pipelined.py, make_sdfg(False, ...), specialize(M)."""
    s = SDFG("mm_fpga_pipelined_NxKx%d" % m, {"K": "int32", "M": "int32", "N": "int32"}, {"M": m})
    pre = copy_in_out(s, ["A", "B", "C"], [["N", "K"], ["K", "M"], ["N", "M"]], "float32")
    pre.label = "pre_mm"
    st = s.state("mm")
    A, B, C = st.access("A_device"), st.access("B_device"), st.access("C_device")
    s.array("C_buffer", ["M"], "float32", transient=True, storage="FPGA_Local")
    ne, nx = st.map("Map_N", [("n", "0:N")])
    ke, kx = st.map("Map_K", [("k", "0:K")], scope=ne)
    me, mx = st.map("Map_M", [("m", "0:M")], scope=ke)
    cb_in, cb_out = st.access("C_buffer", scope=ne), st.access("C_buffer", scope=ne)
    st.edge(ne, None, cb_in, None, M(None))
    t = st.nested("zero_or_wcr", zero_or_wcr(), ["A_val", "B_val", "C_in"], ["C_out"], {"k": "k"}, scope=me)
    st.edge(A, None, ne, "IN_A_device", M("A_device", "0:N, 0:K", "K*M*N"))
    st.edge(ne, "OUT_A_device", ke, "IN_A_device", M("A_device", "n, 0:K", "K*M"))
    st.edge(ke, "OUT_A_device", me, "IN_A_device", M("A_device", "n, k", "M"))
    st.edge(me, "OUT_A_device", t, "A_val", M("A_device", "n, k"))
    st.edge(B, None, ne, "IN_B_device", M("B_device", "0:K, 0:M", "K*M*N"))
    st.edge(ne, "OUT_B_device", ke, "IN_B_device", M("B_device", "0:K, 0:M", "K*M"))
    st.edge(ke, "OUT_B_device", me, "IN_B_device", M("B_device", "k, 0:M", "M"))
    st.edge(me, "OUT_B_device", t, "B_val", M("B_device", "k, m"))
    st.edge(cb_in, None, ke, "IN_C_buffer", M("C_buffer", "0:M", "K*M"))
    st.edge(ke, "OUT_C_buffer", me, "IN_C_buffer", M("C_buffer", "0:M", "M"))
    st.edge(me, "OUT_C_buffer", t, "C_in", M("C_buffer", "m"))
    st.edge(t, "C_out", mx, "IN_C_buffer", M("C_buffer", "m", is_data_src=False))
    st.edge(mx, "OUT_C_buffer", kx, "IN_C_buffer", M("C_buffer", "0:M", "M", is_data_src=False))
    st.edge(kx, "OUT_C_buffer", cb_out, None, M("C_buffer", "0:M", "K*M", is_data_src=False))
    st.edge(cb_out, None, nx, "IN_C_device", M("C_device", "n, 0:M", "M", is_data_src=False))
    st.edge(nx, "OUT_C_device", C, None, M("C_device", "0:N, 0:M", "M*N", is_data_src=False))
    post = s.state("post_mm")
    post.edge(post.access("C_device"), None, post.access("C"), None, M("C_device", "0:N, 0:M", "M*N"))
    s.edge(pre, st)
    s.edge(st, post)
    A_ = rng.random((n, k), dtype=np.float32)
    B_ = rng.random((k, m), dtype=np.float32)
    C_ = np.zeros((n, m), dtype=np.float32)
    save(s, "matrix_multiplication_pipelined", {"A": A_, "B": B_, "C": C_}, {"C": A_ @ B_}, {"N": n, "K": k, "M": m},
         "dace-fpga samples/matrix_multiplication_pipelined.py: make_sdfg(False, n, k, m); sdfg.specialize(dict(M=m))")


mm_stream(4, 5, 8)
mm_pipelined(4, 5, 8)
