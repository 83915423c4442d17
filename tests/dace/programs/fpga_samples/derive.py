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


# ---------------------------------------------------------------- spmv_fpga_stream
ITER = {"rows": "rows"}


def iteration_space(s):
    """make_iteration_space: the row loop reading row pointers from row_pipe, the column loop
    over row_end - row_begin; returns (pre_state, body, post_state)."""
    pre = s.state("pre_state")
    rows_loop = s.loop("rows_loop", "h", "h = 0", "(h < rows)", "h = (h + 1)")
    s.edge(pre, rows_loop)
    shift = rows_loop.state("shift_rowptr")
    read = rows_loop.state("read_rowptr")
    rows_loop.edge(shift, read)
    cols_loop = rows_loop.loop("cols_loop", "c", "c = 0", "(c < (row_end - row_begin))", "c = (c + 1)")
    rows_loop.edge(read, cols_loop)
    body = cols_loop.state("compute")
    post = rows_loop.state("post_state")
    rows_loop.edge(cols_loop, post)
    s.scalar("row_end", "uint32", transient=True, storage="FPGA_Registers")
    s.stream("row_pipe", "uint32", transient=False)
    pre.edge(pre.access("row_pipe"), None, pre.access("row_end"), None, M("row_end", "0", is_data_src=False))
    s.scalar("row_begin", "uint32", transient=True, storage="FPGA_Registers", lifetime="SDFG")
    shift.edge(shift.access("row_end"), None, shift.access("row_begin"), None, M("row_begin", "0", is_data_src=False))
    read.edge(read.access("row_pipe"), None, read.access("row_end"), None, M("row_end", "0", is_data_src=False))
    return pre, body, post


def reader(name, mem, mem_size, mem_type, pipe, pipe_type, code, conns, extra_pipe=None):
    """make_read_col / make_read_val / make_read_x: per non-zero, one element of `mem` into `pipe`."""
    s = SDFG(name, {})
    pre, body, post = iteration_space(s)
    s.array(mem, [mem_size], mem_type, storage="FPGA_Global")
    s.stream(pipe, pipe_type, transient=False)
    ins = [conns[0]] + ([conns[2]] if extra_pipe else [])
    t = body.tasklet(name.replace("spmv_", ""), ins, [conns[1]], code)
    body.edge(body.access(mem), None, t, conns[0], M(mem, f"0:{mem_size}", mem_size))
    if extra_pipe:
        s.stream(extra_pipe, "uint32", transient=False)
        body.edge(body.access(extra_pipe), None, t, conns[2], M(extra_pipe, "0"))
    body.edge(t, conns[1], body.access(pipe), None, M(pipe, "0", is_data_src=False))
    return s


def compute_nested():
    s = SDFG("spmv_compute_nested", {"c": "int32"})
    init = s.state("init")
    then_b, else_b = s.conditional("spmv_conditional", [("c == 0", "then_branch"), ("c != 0", "then_branch")])
    s.edge(init, s.blocks[1])
    for a in ["a_in", "x_in"]:
        s.scalar(a, "float32", storage="FPGA_Registers")
    s.scalar("b_tmp", "float32", transient=True, storage="FPGA_Registers")
    s.scalar("b_out", "float32", storage="FPGA_Registers")
    s.scalar("b_in", "float32", storage="FPGA_Registers")
    t = init.tasklet("compute", ["_a_in", "_x_in"], ["_b_out"], "_b_out = (_a_in * _x_in)")
    init.edge(init.access("a_in"), None, t, "_a_in", M("a_in", "0"))
    init.edge(init.access("x_in"), None, t, "_x_in", M("x_in", "0"))
    init.edge(t, "_b_out", init.access("b_tmp"), None, M("b_tmp", "0", is_data_src=False))
    then = then_b.state("then")
    then.edge(then.access("b_tmp"), None, then.access("b_out"), None, M("b_out", "0", is_data_src=False))
    els = else_b.state("else")
    t = els.tasklet("b_wcr", ["_b_in", "b_prev"], ["_b_out"], "_b_out = (b_prev + _b_in)")
    els.edge(els.access("b_tmp"), None, t, "_b_in", M("b_tmp", "0"))
    els.edge(els.access("b_in"), None, t, "b_prev", M("b_in", "0"))
    els.edge(t, "_b_out", els.access("b_out"), None, M("b_out", "0", is_data_src=False))
    return s


def compute_sdfg():
    s = SDFG("spmv_compute", {})
    pre, body, post = iteration_space(s)
    s.stream("a_pipe", "float32", transient=False)
    s.stream("x_pipe", "float32", transient=False)
    s.scalar("b_buffer", "float32", transient=True, storage="FPGA_Registers")
    a, x, bi, bo = body.access("a_pipe"), body.access("x_pipe"), body.access("b_buffer"), body.access("b_buffer")
    t = body.nested("spmv_compute_nested", compute_nested(), ["a_in", "x_in", "b_in"], ["b_out"], {"c": "c"})
    body.edge(a, None, t, "a_in", M("a_pipe", "0"))
    body.edge(bi, None, t, "b_in", M("b_buffer", "0"))
    body.edge(x, None, t, "x_in", M("x_pipe", "0"))
    body.edge(t, "b_out", bo, None, M("b_buffer", "0", is_data_src=False))
    s.stream("b_pipe", "float32", transient=False)
    post.edge(post.access("b_buffer"), None, post.access("b_pipe"), None, M("b_pipe", "0", is_data_src=False))
    return s


def read_row():
    s = SDFG("spmv_read_row", {})
    loop = s.loop("read_row_loop", "h", "h = 0", "(h < (rows + 1))", "h = (h + 1)")
    body = loop.state("body")
    s.array("A_row_mem", ["rows + 1"], "uint32", storage="FPGA_Global")
    outs = ["to_val_pipe", "to_col_pipe", "to_compute_pipe", "to_x_pipe"]
    for o in outs:
        s.stream(o, "uint32", transient=False)
    conns = ["to_val_out", "to_col_out", "to_compute_out", "to_x_out"]
    t = body.tasklet("read_row", ["row_in"], conns, "\n".join(f"{c} = row_in" for c in conns))
    body.edge(body.access("A_row_mem"), None, t, "row_in", M("A_row_mem", "h"))
    for c, o in zip(conns, outs):
        body.edge(t, c, body.access(o), None, M(o, "0", is_data_src=False))
    return s


def write_sdfg():
    s = SDFG("spmv_write", {})
    loop = s.loop("write_loop", "h", "h = 0", "(h < rows)", "h = (h + 1)")
    body = loop.state("body")
    s.stream("b_pipe", "float32", transient=False)
    s.array("b_mem", ["rows"], "float32", storage="FPGA_Global")
    body.edge(body.access("b_pipe"), None, body.access("b_mem"), None, M("b_mem", "h", is_data_src=False))
    return s


def with_symbols(s, names):
    """add_nested_sdfg: the nested SDFG's free symbols, mapped to the parent's and declared."""
    s.symbols.update({n: "int32" for n in names})
    return s


def spmv(rows, cols, nnz):
    """dace-fpga samples/spmv_fpga_stream.py, make_sdfg(False, ...): six processes in one state,
    each a nested SDFG with loops, connected by streams; row lengths come from A_row at run time."""
    s = SDFG("spmv_fpga_stream", {"cols": "int32", "nnz": "int32", "rows": "int32"})
    pre = s.state("pre_state")
    for n, size, t in [("A_row", "rows + 1", "uint32"), ("A_col", "nnz", "uint32"), ("A_val", "nnz", "float32"), ("x", "cols", "float32")]:
        s.array(n, [size], t)
        s.array(f"{n}_device", [size], t, transient=True, storage="FPGA_Global")
        pre.edge(pre.access(n), None, pre.access(f"{n}_device"), None, M(f"{n}_device", f"0:{size}", size, is_data_src=False))
    st = s.state("spmv")
    uint_streams = ["row_to_val", "row_to_col", "row_to_x", "row_to_compute", "col_to_x"]
    for p in uint_streams:
        s.stream(p, "uint32")
    for p in ["val_to_compute", "x_to_compute", "result_to_write"]:
        s.stream(p, "float32")
    dyn = dict(dynamic=True, volume="0")
    # Read row pointers and send them to the value, column, x readers and to compute.
    a_row = st.access("A_row_device")
    outs = {"to_val_pipe": "row_to_val", "to_col_pipe": "row_to_col", "to_x_pipe": "row_to_x", "to_compute_pipe": "row_to_compute"}
    outs_nodes = {k: st.access(v) for k, v in outs.items()}
    t = st.nested("spmv_read_row", with_symbols(read_row(), ["rows"]), ["A_row_mem"], list(outs), {"rows": "rows"})
    st.edge(a_row, None, t, "A_row_mem", M("A_row_device", "0:rows + 1", "rows + 1"))
    for k, v in outs.items():
        st.edge(t, k, outs_nodes[k], None, M(v, "0", is_data_src=False, **dyn))
    # Column indices.
    a_col, r2c, c2x = st.access("A_col_device"), st.access("row_to_col"), st.access("col_to_x")
    t = st.nested("spmv_read_col", with_symbols(reader("spmv_read_col", "A_col_mem", "nnz", "uint32", "col_pipe", "uint32", "col_out = col_in[(row_begin + c)]", ["col_in", "col_out"]), ["nnz", "rows"]),
                  ["A_col_mem", "row_pipe"], ["col_pipe"], {"nnz": "nnz", "rows": "rows"})
    st.edge(a_col, None, t, "A_col_mem", M("A_col_device", "0:nnz", "nnz"))
    st.edge(r2c, None, t, "row_pipe", M("row_to_col", "0", **dyn))
    st.edge(t, "col_pipe", c2x, None, M("col_to_x", "0", is_data_src=False, **dyn))
    # Values.
    a_val, r2v, v2c = st.access("A_val_device"), st.access("row_to_val"), st.access("val_to_compute")
    t = st.nested("spmv_read_val", with_symbols(reader("spmv_read_val", "A_val_mem", "nnz", "float32", "compute_pipe", "float32", "a_out = a_in[(row_begin + c)]", ["a_in", "a_out"]), ["nnz", "rows"]),
                  ["A_val_mem", "row_pipe"], ["compute_pipe"], {"nnz": "nnz", "rows": "rows"})
    st.edge(a_val, None, t, "A_val_mem", M("A_val_device", "0:nnz", "nnz"))
    st.edge(r2v, None, t, "row_pipe", M("row_to_val", "0", **dyn))
    st.edge(t, "compute_pipe", v2c, None, M("val_to_compute", "0", is_data_src=False, **dyn))
    # x at the column indices.
    x, r2x, c2x_in, x2c = st.access("x_device"), st.access("row_to_x"), st.access("col_to_x"), st.access("x_to_compute")
    t = st.nested("spmv_read_x", with_symbols(reader("spmv_read_x", "x_mem", "cols", "float32", "compute_pipe", "float32", "x_out = x_in[col_in]", ["x_in", "x_out", "col_in"], extra_pipe="col_pipe"), ["cols", "rows"]),
                  ["x_mem", "col_pipe", "row_pipe"], ["compute_pipe"], {"cols": "cols", "rows": "rows"})
    st.edge(x, None, t, "x_mem", M("x_device", "0:cols", "cols"))
    st.edge(c2x_in, None, t, "col_pipe", M("col_to_x", "0", **dyn))
    st.edge(r2x, None, t, "row_pipe", M("row_to_x", "0", **dyn))
    st.edge(t, "compute_pipe", x2c, None, M("x_to_compute", "0", is_data_src=False, **dyn))
    # Multiply and accumulate per row.
    r2comp, v2c_in, x2c_in, res = st.access("row_to_compute"), st.access("val_to_compute"), st.access("x_to_compute"), st.access("result_to_write")
    t = st.nested("spmv_compute", with_symbols(compute_sdfg(), ["rows"]), ["row_pipe", "a_pipe", "x_pipe"], ["b_pipe"], {"rows": "rows"})
    st.edge(r2comp, None, t, "row_pipe", M("row_to_compute", "0", **dyn))
    st.edge(v2c_in, None, t, "a_pipe", M("val_to_compute", "0", **dyn))
    st.edge(x2c_in, None, t, "x_pipe", M("x_to_compute", "0", **dyn))
    st.edge(t, "b_pipe", res, None, M("result_to_write", "0", is_data_src=False, **dyn))
    # Write b.
    res_in, b = st.access("result_to_write"), st.access("b_device")
    s.array("b_device", ["rows"], "float32", transient=True, storage="FPGA_Global")
    t = st.nested("spmv_write", with_symbols(write_sdfg(), ["rows"]), ["b_pipe"], ["b_mem"], {"rows": "rows"})
    st.edge(res_in, None, t, "b_pipe", M("result_to_write", "0", **dyn))
    st.edge(t, "b_mem", b, None, M("b_device", "0:rows", "rows", is_data_src=False))
    post = s.state("post_state")
    s.array("b", ["rows"], "float32")
    post.edge(post.access("b_device"), None, post.access("b"), None, M("b", "0:rows", "rows", is_data_src=False))
    s.edge(pre, st)
    s.edge(st, post)
    # The sample's matrix: nnz // rows non-zeros per row, the rest in the last row, sorted columns.
    per_row = nnz // rows
    last = per_row + nnz % rows
    A_row = np.cumsum(np.array([0] + [per_row] * (rows - 1) + [last], dtype=np.uint32), dtype=np.uint32)
    A_col = np.concatenate([np.sort(rng.choice(cols, per_row, replace=False)) for _ in range(rows - 1)] + [np.sort(rng.choice(cols, last, replace=False))]).astype(np.uint32)
    A_val = rng.random(nnz, dtype=np.float32)
    x_ = rng.random(cols, dtype=np.float32)
    b_ = np.zeros(rows, dtype=np.float32)
    # The kernel's order: per row, the products added one by one in float32.
    ref = np.zeros(rows, dtype=np.float32)
    for r in range(rows):
        acc = np.float32(0)
        for i in range(A_row[r], A_row[r + 1]):
            prod = np.float32(A_val[i] * x_[A_col[i]])
            acc = prod if i == A_row[r] else np.float32(acc + prod)
        ref[r] = acc
    save(s, "spmv_fpga_stream", {"A_row": A_row, "A_col": A_col, "A_val": A_val, "x": x_, "b": b_}, {"b": ref},
         {"rows": rows, "cols": cols, "nnz": nnz}, "dace-fpga samples/spmv_fpga_stream.py: make_sdfg(False, rows, cols, nnz)")


# ---------------------------------------------------------------- rtl/add_fortytwo (refused)
def add_fortytwo(n):
    """dace-fpga samples/rtl/add_fortytwo.py: a SystemVerilog tasklet between two streams. Its
    code is RTL, which has no C++ form here: the program is refused at the tasklet's language."""
    s = SDFG("add_fortytwo", {"N": "int32"})
    st = s.state("device_state")
    s.array("A", ["N"], "int32", storage="CPU_Heap")
    s.array("B", ["N"], "int32", storage="CPU_Heap")
    s.array("fpga_A", ["N"], "int32", transient=True, storage="FPGA_Global")
    s.array("fpga_B", ["N"], "int32", transient=True, storage="FPGA_Global")
    s.stream("A_stream", "int32")
    s.stream("B_stream", "int32")
    rtl = st.tasklet("rtl_tasklet", ["a"], ["b"], "assign ap_done = 1; // free-running kernel\n"
                     "always@(posedge ap_aclk) begin\n  if (s_axis_a_tvalid && s_axis_a_tready) m_axis_b_tdata <= s_axis_a_tdata + 42;\nend\n")
    st.nodes[rtl]["attributes"]["code"]["language"] = "SystemVerilog"
    ra = st.tasklet("read_a", ["inp"], ["out"], "out = inp")
    wb = st.tasklet("write_b", ["inp"], ["out"], "out = inp")
    re_, rx = st.map("read_a_map", [("i", "0:N")])
    we, wx = st.map("write_b_map", [("i", "0:N")])
    st.nodes[ra]["scope_entry"], st.nodes[ra]["scope_exit"] = str(re_), str(rx)
    st.nodes[wb]["scope_entry"], st.nodes[wb]["scope_exit"] = str(we), str(wx)
    fa, a_s = st.access("fpga_A"), st.access("A_stream")
    st.edge(fa, None, re_, "IN_fpga_A", M("fpga_A", "0:N", "N"))
    st.edge(re_, "OUT_fpga_A", ra, "inp", M("fpga_A", "i"))
    st.edge(ra, "out", rx, "IN_A_stream", M("A_stream", "0", is_data_src=False))
    st.edge(rx, "OUT_A_stream", a_s, None, M("A_stream", "0", "N", is_data_src=False))
    a_in, b_out = st.access("A_stream"), st.access("B_stream")
    st.edge(a_in, None, rtl, "a", M("A_stream", "0"))
    st.edge(rtl, "b", b_out, None, M("B_stream", "0", is_data_src=False))
    b_in, fb = st.access("B_stream"), st.access("fpga_B")
    st.edge(b_in, None, we, "IN_B_stream", M("B_stream", "0", "N"))
    st.edge(we, "OUT_B_stream", wb, "inp", M("B_stream", "0"))
    st.edge(wb, "out", wx, "IN_fpga_B", M("fpga_B", "i", is_data_src=False))
    st.edge(wx, "OUT_fpga_B", fb, None, M("fpga_B", "0:N", "N", is_data_src=False))
    pre = s.state("copy_to_device")
    pre.edge(pre.access("A"), None, pre.access("fpga_A"), None, M("A", "0:N", "N"))
    s.edge(pre, st)
    post = s.state("copy_to_host")
    post.edge(post.access("fpga_B"), None, post.access("B"), None, M("B", "0:N", "N", is_data_src=False))
    s.edge(st, post)
    a = rng.integers(0, 100, n).astype(np.int32)
    save(s, "add_fortytwo", {"A": a, "B": np.zeros(n, dtype=np.int32)}, {"B": a + 42}, {"N": n},
         "dace-fpga samples/rtl/add_fortytwo.py (module level)")


mm_stream(4, 5, 8)
mm_pipelined(4, 5, 8)
spmv(4, 6, 10)
add_fortytwo(16)
