# Writes SDFG JSON the way DaCe 2.0.0a6's Python frontend + simplify() leaves NPBench programs
# (compare ../../../../shared/peers/npbench/{atax,k2mm,arc_distance}/*.sdfg): one state per
# statement, `_MatMult_` library nodes for `@`, one `_Op__map[__i0=0:N, ...]` map per elementwise
# NumPy operation with its transient result, scalars read with a `[0]` memlet. There is no DaCe
# here, so the held-out NPBench programs' fixtures are written with this; guids are counters so
# that the files are reproducible.
import json

_guid = [0]


def guid():
    _guid[0] += 1
    return "00000000-0000-4000-8000-%012d" % _guid[0]


def sym(name):
    return "symbol($%s, dtype=dace.int64)" % name


def dim(d):
    return str(d) if isinstance(d, int) else sym(d)


def product(dims):
    return "*".join(dim(d) for d in dims) if dims else "1"


def rng(start, end):
    return {"start": start, "end": end, "step": "1", "tile": "1"}


def full_range(shape):
    return {"type": "Range", "ranges": [rng("0", "0" if d == 1 else "-1 + " + dim(d)) for d in shape]}


def point_range(params):
    return {"type": "Range", "ranges": [rng(sym(p), sym(p)) for p in params]}


def array(shape, dtype="float64", transient=False):
    strides, stride = [], "1"
    for d in reversed(shape):
        strides.insert(0, stride)
        stride = dim(d) if stride == "1" else dim(d) + "*" + stride
    a = {"strides": strides, "total_size": product(shape), "offset": ["0"] * len(shape), "optional": False,
         "dtype": dtype, "shape": [dim(d) for d in shape]}
    if transient:
        a["transient"] = True
    return {"type": "Array", "attributes": a}


def scalar(dtype="float64"):
    return {"type": "Scalar", "attributes": {"dtype": dtype, "shape": ["1"]}}


class State:
    def __init__(self, label, line):
        self.label, self.line, self.nodes, self.edges, self.scopes = label, line, [], [], {"-1": []}

    def _add(self, node, scope=None):
        node["id"] = len(self.nodes)
        node["scope_entry"] = None if scope is None else str(scope)
        node.setdefault("scope_exit", None)
        self.nodes.append(node)
        self.scopes.setdefault("-1" if scope is None else str(scope), []).append(node["id"])
        return node["id"]

    def access(self, data):
        return self._add({"type": "AccessNode", "label": data, "attributes": {
            "debuginfo": {"type": "DebugInfo", "start_line": self.line, "start_column": 11, "file_index": 0},
            "data": data, "guid": guid()}})

    def edge(self, src, dst, data, subset, volume, src_conn=None, dst_conn=None, into=True):
        m = {"volume": volume, "subset": subset, "data": data, "guid": guid(),
             "src_subset": subset if into else None, "dst_subset": None if into else subset,
             "is_data_src": into, "num_accesses": volume}
        self.edges.append({"type": "MultiConnectorEdge", "attributes": {"data": {"type": "Memlet", "attributes": m}},
                           "src": str(src), "dst": str(dst), "dst_connector": dst_conn, "src_connector": src_conn})

    def matmul(self, a, b, c, shapes):
        """`c = a @ b` as the `_MatMult_` library node DaCe's `@` leaves (atax, k2mm); `shapes`
        maps each data name to its dimensions."""
        lib = self._add({"type": "LibraryNode", "label": "_MatMult_", "attributes": {
            "name": "_MatMult_", "label": "_MatMult_", "in_connectors": {"_a": None, "_b": None},
            "out_connectors": {"_c": None}, "guid": guid()}, "classpath": "dace.libraries.blas.nodes.matmul.MatMul"})
        for conn, (node, name) in (("_a", a), ("_b", b)):
            shape = shapes[name]
            self.edge(node, lib, name, full_range(shape), product(shape), dst_conn=conn)
        node, name = c
        shape = shapes[name]
        self.edge(lib, node, name, full_range(shape), product(shape), src_conn="_c", into=False)

    def reduce_sum(self, axes, src, dst, shapes):
        """`np.sum` / the sum in `np.mean` over `axes`: the `Reduce` library node DaCe leaves
        (correlation's `Reduce (Sum), Axes: [0]`), reading `src` and writing `dst`."""
        lib = self._add({"type": "LibraryNode", "label": "Reduce (Sum), Axes: %s" % list(axes), "attributes": {
            "axes": list(axes), "wcr": "(lambda x, y: (x + y))", "identity": "0", "name": "Reduce",
            "debuginfo": {"type": "DebugInfo", "start_line": 81, "file_index": 2}, "label": "Reduce", "guid": guid()},
            "classpath": "dace.libraries.standard.nodes.reduce.Reduce"})
        node, name = src
        self.edge(node, lib, name, full_range(shapes[name]), product(shapes[name]))
        node, name = dst
        self.edge(lib, node, name, full_range(shapes[name]), product(shapes[name]), into=False)

    def elementwise(self, op, code, shape, inputs, output, out_conn_name, in_conns=None, index=None):
        """One NumPy elementwise operation: `inputs` are (access node, data, is_scalar) bound to
        `__in1`, `__in2`, ... in order (None for a constant folded into `code`; `in_conns` names
        them otherwise), `output` the (access node, data) it writes; `out_conn_name` the map
        exit's connector suffix; `index` the map parameters each input reads at (default: all,
        NumPy broadcasting reads the trailing ones of a lower-dimensional operand)."""
        params = ["__i%d" % k for k in range(len(shape))]
        conn = (lambda k: in_conns[k]) if in_conns else (lambda k: "__in%d" % (k + 1))
        label = "%s_map[%s]" % (op, ", ".join("%s=0:%s" % (p, d) for p, d in zip(params, shape)))
        used = [(k, i) for k, i in enumerate(inputs) if i is not None]
        entry = self._add({"type": "MapEntry", "label": label, "attributes": {
            "label": op + "_map", "params": params, "range": full_range(shape),
            "debuginfo": {"type": "DebugInfo", "start_line": self.line, "start_column": 11, "file_index": 0},
            "in_connectors": {"IN_" + i[1]: None for _, i in used}, "out_connectors": {"OUT_" + i[1]: None for _, i in used},
            "guid": guid()}})
        tasklet = self._add({"type": "Tasklet", "label": op, "attributes": {
            "code": {"string_data": code, "language": "Python"},
            "debuginfo": {"type": "DebugInfo", "start_line": self.line, "start_column": 11, "file_index": 0},
            "label": op, "in_connectors": {conn(k): None for k, _ in used},
            "out_connectors": {"__out": None}, "guid": guid()}}, entry)
        exit_ = self._add({"type": "MapExit", "label": label, "attributes": {
            "in_connectors": {"IN_" + out_conn_name: None}, "out_connectors": {"OUT_" + out_conn_name: None},
            "guid": guid()}}, entry)
        for n in (entry, tasklet, exit_):
            self.nodes[n]["scope_exit"] = str(exit_)
        total = product(shape)
        for k, (node, data, is_scalar) in used:
            read_at = params if index is None or index[k] is None else index[k]
            outer = full_range([1]) if is_scalar else full_range([shape[params.index(p)] for p in read_at])
            inner = full_range([1]) if is_scalar else point_range(read_at)
            self.edge(node, entry, data, outer, total, dst_conn="IN_" + data)
            self.edge(entry, tasklet, data, inner, "1", src_conn="OUT_" + data, dst_conn=conn(k))
        node, data = output
        self.edge(tasklet, exit_, data, point_range(params), "1", src_conn="__out", dst_conn="IN_" + out_conn_name, into=False)
        self.edge(exit_, node, data, full_range(shape), total, src_conn="OUT_" + out_conn_name, into=False)

    def json(self):
        return {"type": "SDFGState", "label": self.label, "id": 0, "collapsed": False,
                "scope_dict": self.scopes, "nodes": self.nodes, "edges": self.edges,
                "attributes": {"guid": guid(), "executions": "1", "dynamic_executions": False}}


def sdfg(name, arg_names, arrays, symbols, state, source):
    """The whole SDFG: `arrays` name → array()/scalar(), one state."""
    return {"type": "SDFG", "attributes": {
        "name": name, "arg_names": arg_names, "_arrays": arrays, "symbols": {s: "int64" for s in symbols},
        "global_code": {"frame": {"string_data": "", "language": "CPP"}},
        "init_code": {"frame": {"string_data": "", "language": "CPP"}},
        "exit_code": {"frame": {"string_data": "", "language": "CPP"}},
        "debuginfo": {"type": "DebugInfo", "start_line": 8, "end_line": state.line, "file_index": 0},
        "using_explicit_control_flow": True, "guid": guid()},
        "nodes": [state.json()], "edges": [], "collapsed": False, "label": "", "id": None, "cfg_list_id": 0,
        "start_block": None, "source_files": [source], "dace_version": "2.0.0a6"}


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, separators=(",", ":"))


def write_fixture(folder, name, program, symbols, inputs, outputs, module):
    """`<name>.sdfg`, the inputs as `<arg>.npy` (scalars 0-d), NumPy's results as
    `<arg>.out.npy` and a manifest.json like the peers' (symbol values, argument roles)."""
    import os
    import numpy as np
    write_json(os.path.join(folder, name + ".sdfg"), program)
    arguments = []
    for arg, value in inputs.items():
        np.save(os.path.join(folder, arg + ".npy"), value)
        arguments.append({"name": arg, "kind": "scalar" if np.ndim(value) == 0 else "array", "dtype": str(value.dtype),
                          "shape": list(np.shape(value)), "file": arg + ".npy", "role": "in"})
    for arg, value in outputs.items():
        np.save(os.path.join(folder, arg + ".out.npy"), value)
        arguments.append({"name": arg, "kind": "array", "dtype": str(value.dtype), "shape": list(np.shape(value)),
                          "role": "out", "out_file": arg + ".out.npy"})
    with open(os.path.join(folder, "manifest.json"), "w") as f:
        json.dump({
        "name": name,
        "npbench": {"module": module, "how": "written by make.py as DaCe 2.0.0a6 to_sdfg() + simplify() leaves it"},
        "sizes": symbols,
        "symbols": {k: {"value": v, "dtype": "int64_t"} for k, v in symbols.items()},
        "argument_order": program["attributes"]["arg_names"],
        "return_values": [o for o in outputs if o.startswith("__return")],
        "arguments": arguments,
        "inputs": list(inputs), "outputs": [o for o in outputs if o.startswith("__return")],
        "inouts": [o for o in outputs if not o.startswith("__return")]}, f, indent=1)
