"""A small writer of the JSON DaCe's serializer produces for an SDFG (`sdfg.to_json()`), for
building test programs where DaCe itself is not installed.

It writes the fields DaCe v2.0.0-alpha2 writes (see ../../../../../shared/peers/dace-fpga/*/*.sdfg):
data descriptors with shape/strides/total_size/offset/storage/transient, states with nodes,
edges and their scope_dict, MapEntry/MapExit with IN_x/OUT_x connectors, memlets with subset,
other_subset, src_subset/dst_subset, is_data_src, volume, num_accesses, dynamic and wcr, and
interstate edges with condition and assignments. Ranges are written DaCe's way: inclusive ends
(`0:N` is start 0, end `N - 1`). Propagated memlets (the outer edges of a memlet path) are given
by the caller, as DaCe's propagation computes them.
"""
import json
import re
import uuid

_guid_counter = [0]


def guid():
    # Deterministic, so the fixtures are byte-identical when regenerated.
    _guid_counter[0] += 1
    return str(uuid.UUID(int=_guid_counter[0]))


def _minus_one(e):
    e = str(e).strip()
    if re.fullmatch(r"-?\d+", e):
        return str(int(e) - 1)
    m = re.fullmatch(r"(.*) \+ 1", e)
    if m:
        return m.group(1)
    return f"{e} - 1"


def _split_top(s):
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return [x.strip() for x in out]


def rng(text):
    """DaCe's Range from slice text: `i, 0:M, 0:N:2` (exclusive ends, as in Python)."""
    ranges = []
    for part in _split_top(text):
        bits = [b.strip() for b in part.split(":")]
        if len(bits) == 1:
            ranges.append({"start": bits[0], "end": bits[0], "step": "1", "tile": "1"})
        else:
            ranges.append({"start": bits[0], "end": _minus_one(bits[1]), "step": bits[2] if len(bits) > 2 else "1", "tile": "1"})
    return {"type": "Range", "ranges": ranges}


def memlet(data, subset=None, volume="1", other=None, is_data_src=True, dynamic=False, wcr=None, num_accesses=None):
    """A Memlet. `is_data_src`: whether `data` is the edge's source side (DaCe sets it from the path)."""
    if data is None:
        return {"type": "Memlet", "attributes": {"volume": "0", "debuginfo": None, "guid": guid(), "src_subset": None, "dst_subset": None, "is_data_src": False, "num_accesses": "0"}}
    sub = rng(subset) if subset is not None else None
    oth = rng(other) if other is not None else None
    a = {"volume": str(volume)}
    if dynamic:
        a["dynamic"] = True
    a["subset"] = sub
    if oth is not None:
        a["other_subset"] = oth
    a["data"] = data
    if wcr is not None:
        a["wcr"] = wcr
    a["debuginfo"] = None
    a["guid"] = guid()
    a["src_subset"] = sub if is_data_src else oth
    a["dst_subset"] = oth if is_data_src else sub
    a["is_data_src"] = is_data_src
    a["num_accesses"] = -1 if dynamic else str(num_accesses if num_accesses is not None else volume)
    return {"type": "Memlet", "attributes": a}


def _strides(shape):
    out = []
    for i in range(len(shape)):
        rest = [str(s) for s in shape[i + 1:]]
        out.append("*".join(rest) if rest else "1")
    return out


class Region:
    """A control-flow region: its blocks (states, loops, conditionals) and interstate edges."""

    def __init__(self):
        self.blocks = []
        self.edges = []

    def state(self, label):
        s = State(label, len(self.blocks))
        self.blocks.append(s)
        return s

    def loop(self, label, variable, init, condition, update):
        r = LoopRegion(label, len(self.blocks), variable, init, condition, update)
        self.blocks.append(r)
        return r

    def conditional(self, label, branches):
        """branches: [(condition text, label)] -> the branches' regions."""
        c = ConditionalBlock(label, len(self.blocks), branches)
        self.blocks.append(c)
        return c.regions

    def edge(self, a, b, condition=None, assignments=None):
        attrs = {}
        if assignments:
            attrs["assignments"] = assignments
        if condition is not None:
            attrs["condition"] = {"string_data": condition, "language": "Python"}
        attrs["guid"] = guid()
        self.edges.append({"type": "Edge", "attributes": {"data": {"type": "InterstateEdge", "attributes": attrs, "label": ""}}, "src": str(a.id), "dst": str(b.id)})

    def region_json(self, typ, label, rid, attrs):
        return {"type": typ, "attributes": attrs, "nodes": [b.to_json() for b in self.blocks], "edges": self.edges,
                "collapsed": False, "label": label, "id": rid, "cfg_list_id": 0, "start_block": None}


class LoopRegion(Region):
    def __init__(self, label, rid, variable, init, condition, update):
        super().__init__()
        self.label, self.id = label, rid
        self.attrs = {"update_statement": {"string_data": update, "language": "Python"},
                      "init_statement": {"string_data": init, "language": "Python"},
                      "loop_condition": {"string_data": condition, "language": "Python"},
                      "loop_variable": variable, "guid": guid(), "executions": "1", "dynamic_executions": False}

    def to_json(self):
        return self.region_json("LoopRegion", self.label, self.id, self.attrs)


class ConditionalBlock:
    def __init__(self, label, rid, branches):
        self.label, self.id = label, rid
        self.conds = [c for c, _ in branches]
        self.regions = [Region() for _ in branches]
        self.labels = [l for _, l in branches]
        self.guid = guid()

    def to_json(self):
        br = [[{"string_data": c, "language": "Python"}, r.region_json("ControlFlowRegion", l, None, {"guid": guid()})]
              for c, r, l in zip(self.conds, self.regions, self.labels)]
        return {"type": "ConditionalBlock", "attributes": {"guid": self.guid, "executions": "1", "dynamic_executions": False},
                "collapsed": False, "label": self.label, "id": self.id, "cfg_list_id": 0, "start_block": None, "branches": br}


class SDFG(Region):
    def __init__(self, name, symbols, constants=None):
        super().__init__()
        self.name = name
        self.symbols = symbols  # name -> dtype
        self.constants = constants or {}
        self.arrays = {}

    def _desc(self, name, typ, attrs):
        self.arrays[name] = {"type": typ, "attributes": attrs}
        return name

    def array(self, name, shape, dtype, transient=False, storage=None):
        shape = [str(s) for s in shape]
        a = {"strides": _strides(shape), "total_size": "*".join(shape), "offset": ["0"] * len(shape)}
        if transient:
            a["optional"] = False
        a["dtype"] = dtype
        a["shape"] = shape
        if transient:
            a["transient"] = True
        if storage:
            a["storage"] = storage
        a["debuginfo"] = None
        return self._desc(name, "Array", a)

    def scalar(self, name, dtype, transient=False, storage=None, lifetime=None):
        a = {"dtype": dtype, "shape": ["1"]}
        if transient:
            a["transient"] = True
        if storage:
            a["storage"] = storage
        if lifetime:
            a["lifetime"] = lifetime
        a["debuginfo"] = None
        return self._desc(name, "Scalar", a)

    def stream(self, name, dtype, shape=("1",), buffer_size="1", transient=True, storage="FPGA_Local"):
        a = {"offset": ["0"] * len(shape), "buffer_size": str(buffer_size), "dtype": dtype, "shape": [str(s) for s in shape]}
        if transient:
            a["transient"] = True
        a["storage"] = storage
        a["debuginfo"] = None
        return self._desc(name, "Stream", a)

    def to_json(self, nested=False):
        const = {k: [{"type": "Scalar", "attributes": {"dtype": "int64", "shape": ["1"], "debuginfo": None}}, v] for k, v in self.constants.items()}
        attrs = {"name": self.name}
        if const:
            attrs["constants_prop"] = const
        attrs["_arrays"] = self.arrays
        attrs["symbols"] = self.symbols
        frame = {"frame": {"string_data": "", "language": "CPP"}}
        attrs.update({"global_code": frame, "init_code": frame, "exit_code": frame, "guid": guid()})
        out = self.region_json("SDFG", self.name if nested else "", 0 if nested else None, attrs)
        if not nested:
            out["dace_version"] = "1.0.0"
        return out

    def save(self, path):
        with open(path, "w") as f:
            json.dump(self.to_json(), f, indent=1)
            f.write("\n")


class State:
    def __init__(self, label, sid):
        self.label = label
        self.id = sid
        self.nodes = []
        self.edge_list = []

    def _add(self, node, scope):
        node["id"] = len(self.nodes)
        node["scope_entry"] = None if scope is None else str(scope)
        node["scope_exit"] = None if scope is None else self.nodes[scope]["scope_exit"]
        self.nodes.append(node)
        return node["id"]

    def access(self, data, scope=None):
        return self._add({"type": "AccessNode", "label": data, "attributes": {"debuginfo": None, "data": data, "guid": guid()}}, scope)

    def map(self, label, params, schedule="FPGA_Device", unroll=False, scope=None):
        """params: [(name, 'start:end[:step]')] -> (entry id, exit id)."""
        r = rng(", ".join(x for _, x in params))
        title = f"{label}[{', '.join(f'{p}={x}' for p, x in params)}]"
        a = {"label": label, "params": [p for p, _ in params], "range": r, "schedule": schedule}
        if unroll:
            a["unroll"] = True
        a.update({"debuginfo": None, "in_connectors": {}, "out_connectors": {}, "guid": guid()})
        entry = self._add({"type": "MapEntry", "label": title, "attributes": a}, scope)
        self.nodes[entry]["scope_exit"] = str(len(self.nodes))
        exit_ = self._add({"type": "MapExit", "label": title, "attributes": {"in_connectors": {}, "out_connectors": {}, "guid": guid()}}, entry)
        self.nodes[exit_]["scope_exit"] = str(exit_)
        return entry, exit_

    def tasklet(self, label, ins, outs, code, scope=None):
        a = {"code": {"string_data": code, "language": "Python"}, "debuginfo": None, "label": label,
             "in_connectors": {c: None for c in ins}, "out_connectors": {c: None for c in outs}, "guid": guid()}
        return self._add({"type": "Tasklet", "label": label, "attributes": a}, scope)

    def nested(self, label, sdfg, ins, outs, symbol_mapping, scope=None):
        a = {"sdfg": sdfg.to_json(nested=True), "symbol_mapping": symbol_mapping, "debuginfo": None, "label": label,
             "in_connectors": {c: None for c in ins}, "out_connectors": {c: None for c in outs}, "guid": guid()}
        return self._add({"type": "NestedSDFG", "label": label, "attributes": a}, scope)

    def edge(self, src, src_conn, dst, dst_conn, mem):
        for nid, side, conn in ((src, "out_connectors", src_conn), (dst, "in_connectors", dst_conn)):
            n = self.nodes[nid]
            if conn and n["type"] in ("MapEntry", "MapExit"):
                n["attributes"][side][conn] = None
        self.edge_list.append({"type": "MultiConnectorEdge", "attributes": {"data": mem}, "src": str(src), "dst": str(dst),
                               "dst_connector": dst_conn, "src_connector": src_conn})

    def to_json(self):
        scope = {}
        for n in self.nodes:
            key = "-1" if n["scope_entry"] is None else n["scope_entry"]
            scope.setdefault(key, []).append(n["id"])
        return {"type": "SDFGState", "label": self.label, "id": self.id, "collapsed": False, "scope_dict": scope,
                "nodes": self.nodes, "edges": self.edge_list, "attributes": {"guid": guid()}}
