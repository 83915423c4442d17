#!/usr/bin/env python3
"""Writes vadv.sdfg, its inputs <arg>.npy, NumPy's results <arg>.out.npy and manifest.json.

NPBench's weather_stencils/vadv (vertical advection: a tridiagonal Thomas solve per (i, j)
column) has no SDFG among the peers and there is no DaCe here, so this script writes the SDFG in
the form DaCe 2.0's `to_sdfg()` + `simplify()` gives such code: one LoopRegion per `for k` loop
of vadv_dace.py (the single-iteration ones included), one state per loop body, one map over the
(i, j) plane per NumPy statement with one tasklet, memlets at `[__i0 + di, __i1, k + dk]`,
transient (I, J) planes for the per-plane temporaries, dtr_stage a scalar argument. The reference
outputs come from NPBench's vadv_numpy.py kernel (copied below) on NPBench's initialize() data.

It also writes vadv_ops.sdfg, the same program as DaCe's frontend writes vadv_dace.py before any
fusion: one map per NumPy operation into operand-named temporaries, vadv_dace.py's in-place
`x[:] = ...` statements, and `datacol` a View of dcol's plane k that the back substitution writes
through (see OPS_LOOPS). The peers' SDFGs (jacobi_2d, fdtd_2d) show that form.

Run: python3 tests/data/vadv/make_vadv.py [I J K]   (default 10 10 8; output next to this file). I*J = 100
columns per plane cover the forward sweep's estimated arithmetic depth, so its recurrence allows II=1.
"""
import ast
import json
import os
import sys

import numpy as np

BET_M = 0.5
BET_P = 0.5


def vadv_numpy(utens_stage, u_stage, wcon, u_pos, utens, dtr_stage):
    """NPBench vadv_numpy.py, unchanged but for the function name."""
    I, J, K = utens_stage.shape[0], utens_stage.shape[1], utens_stage.shape[2]
    ccol = np.ndarray((I, J, K), dtype=utens_stage.dtype)
    dcol = np.ndarray((I, J, K), dtype=utens_stage.dtype)
    data_col = np.ndarray((I, J), dtype=utens_stage.dtype)
    for k in range(1):
        gcv = 0.25 * (wcon[1:, :, k + 1] + wcon[:-1, :, k + 1])
        cs = gcv * BET_M
        ccol[:, :, k] = gcv * BET_P
        bcol = dtr_stage - ccol[:, :, k]
        correction_term = -cs * (u_stage[:, :, k + 1] - u_stage[:, :, k])
        dcol[:, :, k] = (dtr_stage * u_pos[:, :, k] + utens[:, :, k] + utens_stage[:, :, k] + correction_term)
        divided = 1.0 / bcol
        ccol[:, :, k] = ccol[:, :, k] * divided
        dcol[:, :, k] = dcol[:, :, k] * divided
    for k in range(1, K - 1):
        gav = -0.25 * (wcon[1:, :, k] + wcon[:-1, :, k])
        gcv = 0.25 * (wcon[1:, :, k + 1] + wcon[:-1, :, k + 1])
        as_ = gav * BET_M
        cs = gcv * BET_M
        acol = gav * BET_P
        ccol[:, :, k] = gcv * BET_P
        bcol = dtr_stage - acol - ccol[:, :, k]
        correction_term = -as_ * (u_stage[:, :, k - 1] - u_stage[:, :, k]) - cs * (u_stage[:, :, k + 1] - u_stage[:, :, k])
        dcol[:, :, k] = (dtr_stage * u_pos[:, :, k] + utens[:, :, k] + utens_stage[:, :, k] + correction_term)
        divided = 1.0 / (bcol - ccol[:, :, k - 1] * acol)
        ccol[:, :, k] = ccol[:, :, k] * divided
        dcol[:, :, k] = (dcol[:, :, k] - (dcol[:, :, k - 1]) * acol) * divided
    for k in range(K - 1, K):
        gav = -0.25 * (wcon[1:, :, k] + wcon[:-1, :, k])
        as_ = gav * BET_M
        acol = gav * BET_P
        bcol = dtr_stage - acol
        correction_term = -as_ * (u_stage[:, :, k - 1] - u_stage[:, :, k])
        dcol[:, :, k] = (dtr_stage * u_pos[:, :, k] + utens[:, :, k] + utens_stage[:, :, k] + correction_term)
        divided = 1.0 / (bcol - ccol[:, :, k - 1] * acol)
        dcol[:, :, k] = (dcol[:, :, k] - (dcol[:, :, k - 1]) * acol) * divided
    for k in range(K - 1, K - 2, -1):
        datacol = dcol[:, :, k]
        data_col[:] = datacol
        utens_stage[:, :, k] = dtr_stage * (datacol - u_pos[:, :, k])
    for k in range(K - 2, -1, -1):
        datacol = dcol[:, :, k] - ccol[:, :, k] * data_col[:, :]
        data_col[:] = datacol
        utens_stage[:, :, k] = dtr_stage * (datacol - u_pos[:, :, k])


def sym(name):
    return f"symbol(${name}, dtype=dace.int64)"


def rng_(start, end):
    return {"start": start, "end": end, "step": "1", "tile": "1"}


def rangeset(ranges):
    return {"type": "Range", "ranges": ranges}


I_S, J_S, K_S = sym("I"), sym("J"), sym("K")
PLANE = [rng_("0", f"-1 + {I_S}"), rng_("0", f"-1 + {J_S}")]
FULL3 = [f"{I_S}", f"{J_S}", f"{K_S}"]


def array(shape, strides, total, transient=False):
    a = {"strides": strides, "total_size": total, "offset": ["0"] * len(shape), "dtype": "float64", "shape": shape}
    if transient:
        a["optional"] = False
        a["transient"] = True
    return {"type": "Array", "attributes": a}


ARRAYS = {
    "utens_stage": array(FULL3, [f"{J_S}*{K_S}", K_S, "1"], f"{I_S}*{J_S}*{K_S}"),
    "u_stage": array(FULL3, [f"{J_S}*{K_S}", K_S, "1"], f"{I_S}*{J_S}*{K_S}"),
    "wcon": array([f"{I_S} + 1", J_S, K_S], [f"{J_S}*{K_S}", K_S, "1"], f"{J_S}*{K_S}*({I_S} + 1)"),
    "u_pos": array(FULL3, [f"{J_S}*{K_S}", K_S, "1"], f"{I_S}*{J_S}*{K_S}"),
    "utens": array(FULL3, [f"{J_S}*{K_S}", K_S, "1"], f"{I_S}*{J_S}*{K_S}"),
    "dtr_stage": {"type": "Scalar", "attributes": {"dtype": "float64", "shape": ["1"]}},
    "ccol": array(FULL3, [f"{J_S}*{K_S}", K_S, "1"], f"{I_S}*{J_S}*{K_S}", True),
    "dcol": array(FULL3, [f"{J_S}*{K_S}", K_S, "1"], f"{I_S}*{J_S}*{K_S}", True),
    "data_col": array([I_S, J_S], [J_S, "1"], f"{I_S}*{J_S}", True),
}
PLANES = ["gcv", "cs", "bcol", "correction_term", "divided", "gav", "as_", "acol", "datacol"]
for p in PLANES:
    ARRAYS[p] = array([I_S, J_S], [J_S, "1"], f"{I_S}*{J_S}", True)
ARRAYS["dcol_slice"] = {"type": "View", "attributes": {"strides": [f"{J_S}*{K_S}", K_S], "total_size": f"{I_S}*{J_S}*{K_S}",
                                                        "offset": ["0", "0"], "dtype": "float64", "shape": [I_S, J_S], "transient": True}}

# `a[:] = b` between two arrays: DaCe writes a copy edge from one access node to the other (no map).
COPY = "copy"
# `x = a[:, :, k]`: a View access node joined to the array's by an edge into its `views` connector.
VIEW = "view"
# A map writing a View (`datacol[:] = …` after `datacol = dcol[:, :, k]`): the view's access node joined to
# the array's by an edge out of its `views` connector.
WRITE_VIEW = "write-view"

# Statements of each loop: (target, target has k, tasklet code or COPY, {connector: (data, di, dk or None)}).
# dk None: an (I, J) plane; "s": the scalar dtr_stage.
FIRST = [
    ("gcv", False, "__out = 0.25 * (__in1 + __in2)", {"__in1": ("wcon", 1, 1), "__in2": ("wcon", 0, 1)}),
    ("cs", False, "__out = __in1 * 0.5", {"__in1": ("gcv", 0, None)}),
    ("ccol", True, "__out = __in1 * 0.5", {"__in1": ("gcv", 0, None)}),
    ("bcol", False, "__out = __in1 - __in2", {"__in1": ("dtr_stage", 0, "s"), "__in2": ("ccol", 0, 0)}),
    ("correction_term", False, "__out = (- __in1) * (__in2 - __in3)", {"__in1": ("cs", 0, None), "__in2": ("u_stage", 0, 1), "__in3": ("u_stage", 0, 0)}),
    ("dcol", True, "__out = (((__in1 * __in2) + __in3) + __in4) + __in5",
     {"__in1": ("dtr_stage", 0, "s"), "__in2": ("u_pos", 0, 0), "__in3": ("utens", 0, 0), "__in4": ("utens_stage", 0, 0), "__in5": ("correction_term", 0, None)}),
    ("divided", False, "__out = 1.0 / __in1", {"__in1": ("bcol", 0, None)}),
    ("ccol", True, "__out = __in1 * __in2", {"__in1": ("ccol", 0, 0), "__in2": ("divided", 0, None)}),
    ("dcol", True, "__out = __in1 * __in2", {"__in1": ("dcol", 0, 0), "__in2": ("divided", 0, None)}),
]
MIDDLE = [
    ("gav", False, "__out = (- 0.25) * (__in1 + __in2)", {"__in1": ("wcon", 1, 0), "__in2": ("wcon", 0, 0)}),
    ("gcv", False, "__out = 0.25 * (__in1 + __in2)", {"__in1": ("wcon", 1, 1), "__in2": ("wcon", 0, 1)}),
    ("as_", False, "__out = __in1 * 0.5", {"__in1": ("gav", 0, None)}),
    ("cs", False, "__out = __in1 * 0.5", {"__in1": ("gcv", 0, None)}),
    ("acol", False, "__out = __in1 * 0.5", {"__in1": ("gav", 0, None)}),
    ("ccol", True, "__out = __in1 * 0.5", {"__in1": ("gcv", 0, None)}),
    ("bcol", False, "__out = (__in1 - __in2) - __in3", {"__in1": ("dtr_stage", 0, "s"), "__in2": ("acol", 0, None), "__in3": ("ccol", 0, 0)}),
    ("correction_term", False, "__out = ((- __in1) * (__in2 - __in3)) - (__in4 * (__in5 - __in6))",
     {"__in1": ("as_", 0, None), "__in2": ("u_stage", 0, -1), "__in3": ("u_stage", 0, 0), "__in4": ("cs", 0, None), "__in5": ("u_stage", 0, 1), "__in6": ("u_stage", 0, 0)}),
    ("dcol", True, "__out = (((__in1 * __in2) + __in3) + __in4) + __in5",
     {"__in1": ("dtr_stage", 0, "s"), "__in2": ("u_pos", 0, 0), "__in3": ("utens", 0, 0), "__in4": ("utens_stage", 0, 0), "__in5": ("correction_term", 0, None)}),
    ("divided", False, "__out = 1.0 / (__in1 - (__in2 * __in3))", {"__in1": ("bcol", 0, None), "__in2": ("ccol", 0, -1), "__in3": ("acol", 0, None)}),
    ("ccol", True, "__out = __in1 * __in2", {"__in1": ("ccol", 0, 0), "__in2": ("divided", 0, None)}),
    ("dcol", True, "__out = (__in1 - (__in2 * __in3)) * __in4", {"__in1": ("dcol", 0, 0), "__in2": ("dcol", 0, -1), "__in3": ("acol", 0, None), "__in4": ("divided", 0, None)}),
]
LAST = [
    ("gav", False, "__out = (- 0.25) * (__in1 + __in2)", {"__in1": ("wcon", 1, 0), "__in2": ("wcon", 0, 0)}),
    ("as_", False, "__out = __in1 * 0.5", {"__in1": ("gav", 0, None)}),
    ("acol", False, "__out = __in1 * 0.5", {"__in1": ("gav", 0, None)}),
    ("bcol", False, "__out = __in1 - __in2", {"__in1": ("dtr_stage", 0, "s"), "__in2": ("acol", 0, None)}),
    ("correction_term", False, "__out = (- __in1) * (__in2 - __in3)", {"__in1": ("as_", 0, None), "__in2": ("u_stage", 0, -1), "__in3": ("u_stage", 0, 0)}),
    ("dcol", True, "__out = (((__in1 * __in2) + __in3) + __in4) + __in5",
     {"__in1": ("dtr_stage", 0, "s"), "__in2": ("u_pos", 0, 0), "__in3": ("utens", 0, 0), "__in4": ("utens_stage", 0, 0), "__in5": ("correction_term", 0, None)}),
    ("divided", False, "__out = 1.0 / (__in1 - (__in2 * __in3))", {"__in1": ("bcol", 0, None), "__in2": ("ccol", 0, -1), "__in3": ("acol", 0, None)}),
    ("dcol", True, "__out = (__in1 - (__in2 * __in3)) * __in4", {"__in1": ("dcol", 0, 0), "__in2": ("dcol", 0, -1), "__in3": ("acol", 0, None), "__in4": ("divided", 0, None)}),
]
TOP = [
    # `datacol = dcol[:, :, k]`: a view of plane k (NumPy slices are views; DaCe writes a View).
    ("dcol_slice", False, VIEW, {"__in1": ("dcol", 0, 0)}),
    ("data_col", False, COPY, {"__in1": ("dcol_slice", 0, None)}),
    ("utens_stage", True, "__out = __in1 * (__in2 - __in3)", {"__in1": ("dtr_stage", 0, "s"), "__in2": ("dcol_slice", 0, None), "__in3": ("u_pos", 0, 0)}),
]
BACK = [
    ("datacol", False, "__out = __in1 - (__in2 * __in3)", {"__in1": ("dcol", 0, 0), "__in2": ("ccol", 0, 0), "__in3": ("data_col", 0, None)}),
    ("data_col", False, COPY, {"__in1": ("datacol", 0, None)}),
    ("utens_stage", True, "__out = __in1 * (__in2 - __in3)", {"__in1": ("dtr_stage", 0, "s"), "__in2": ("datacol", 0, None), "__in3": ("u_pos", 0, 0)}),
]


# The same loops as DaCe 2.0's frontend writes vadv_dace.py (npbench weather_stencils/vadv): one map
# per NumPy operation (`_Add_`, `_Mult_`, `_Sub_`, `_Div_`, `_USub_`) into a transient plane named
# after its operands (`wcon_slice_plus_wcon_slice`, made unique with `_0`, `_1`…; `__tmpN` for a
# negation), the statement's last operation writing its target directly, module constants (BET_M,
# BET_P) folded into the tasklets, and vadv_dace.py's in-place `x[:] = …` writes. `datacol =
# dcol[:, :, k]` makes `datacol` a View, so the back substitution's `datacol[:] = …` writes plane k
# of dcol through it.
OPS_LOOPS = {
    "FIRST": [
        "gcv = 0.25 * (wcon[1:, :, k + 1] + wcon[:-1, :, k + 1])",
        "cs = gcv * BET_M",
        "ccol[:, :, k] = gcv * BET_P",
        "bcol = dtr_stage - ccol[:, :, k]",
        "correction_term = -cs * (u_stage[:, :, k + 1] - u_stage[:, :, k])",
        "dcol[:, :, k] = (dtr_stage * u_pos[:, :, k] + utens[:, :, k] + utens_stage[:, :, k] + correction_term)",
        "divided = 1.0 / bcol",
        "ccol[:, :, k] = ccol[:, :, k] * divided",
        "dcol[:, :, k] = dcol[:, :, k] * divided",
    ],
    "MIDDLE": [
        "gav = -0.25 * (wcon[1:, :, k] + wcon[:-1, :, k])",
        "gcv[:] = 0.25 * (wcon[1:, :, k + 1] + wcon[:-1, :, k + 1])",
        "as_ = gav * BET_M",
        "cs[:] = gcv * BET_M",
        "acol = gav * BET_P",
        "ccol[:, :, k] = gcv * BET_P",
        "bcol[:] = dtr_stage - acol - ccol[:, :, k]",
        "correction_term[:] = -as_ * (u_stage[:, :, k - 1] - u_stage[:, :, k]) - cs * (u_stage[:, :, k + 1] - u_stage[:, :, k])",
        "dcol[:, :, k] = (dtr_stage * u_pos[:, :, k] + utens[:, :, k] + utens_stage[:, :, k] + correction_term)",
        "divided[:] = 1.0 / (bcol - ccol[:, :, k - 1] * acol)",
        "ccol[:, :, k] = ccol[:, :, k] * divided",
        "dcol[:, :, k] = (dcol[:, :, k] - (dcol[:, :, k - 1]) * acol) * divided",
    ],
    "LAST": [
        "gav[:] = -0.25 * (wcon[1:, :, k] + wcon[:-1, :, k])",
        "as_[:] = gav * BET_M",
        "acol[:] = gav * BET_P",
        "bcol[:] = dtr_stage - acol",
        "correction_term[:] = -as_ * (u_stage[:, :, k - 1] - u_stage[:, :, k])",
        "dcol[:, :, k] = (dtr_stage * u_pos[:, :, k] + utens[:, :, k] + utens_stage[:, :, k] + correction_term)",
        "divided[:] = 1.0 / (bcol - ccol[:, :, k - 1] * acol)",
        "dcol[:, :, k] = (dcol[:, :, k] - (dcol[:, :, k - 1]) * acol) * divided",
    ],
    "TOP": [
        "datacol = dcol[:, :, k]",
        "data_col[:] = datacol",
        "utens_stage[:, :, k] = dtr_stage * (datacol - u_pos[:, :, k])",
    ],
    "BACK": [
        "datacol[:] = dcol[:, :, k] - ccol[:, :, k] * data_col[:, :]",
        "data_col[:] = datacol",
        "utens_stage[:, :, k] = dtr_stage * (datacol - u_pos[:, :, k])",
    ],
}
OPS_CONSTANTS = {"BET_M": 0.5, "BET_P": 0.5}
OPS_WORDS = {ast.Add: ("plus", "+", "Add"), ast.Sub: ("minus", "-", "Sub"), ast.Mult: ("times", "*", "Mult"), ast.Div: ("div", "/", "Div")}
OPS_VIEWS = {"datacol": ("dcol", 0)}


def ops_statements(lines, names):
    """The statements (state()'s tuples) of one loop body in DaCe's one-map-per-operation form."""
    out = []

    def fresh(base):
        name, n = base, 0
        while name in names:
            name, n = f"{base}_{n}", n + 1
        names.add(name)
        return name

    def ref(node):
        """(input tuple, name part) of a subscript or name; None input for a constant."""
        if isinstance(node, ast.Name):
            if node.id in OPS_CONSTANTS:
                return None, repr(OPS_CONSTANTS[node.id]), "expr"
            if node.id == "dtr_stage":
                return ("dtr_stage", 0, "s"), None, "dtr_stage"
            return (node.id, 0, None), None, node.id
        if isinstance(node, ast.Subscript):
            data = node.value.id
            dims = node.slice.elts
            di = 1 if isinstance(dims[0], ast.Slice) and dims[0].lower is not None else 0
            if len(dims) == 2:
                return (data, di, None), None, f"{data}_slice"
            kexpr = ast.unparse(dims[2])
            dk = 0 if kexpr == "k" else int(kexpr.replace("k + ", "").replace("k - ", "-"))
            return (data, di, dk), None, f"{data}_slice"
        if isinstance(node, ast.Constant):
            return None, repr(node.value), "expr"
        if isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant):
            return None, f"(- {node.operand.value!r})", "expr"
        raise ValueError(ast.dump(node))

    def emit(node, target=None, has_k=False):
        """Maps for `node`; returns (input tuple, constant text, name part) of its value."""
        if isinstance(node, ast.BinOp):
            left, lconst, lname = emit(node.left)
            right, rconst, rname = emit(node.right)
            word, sign, op = OPS_WORDS[type(node.op)]
            inputs = {}
            a = lconst if left is None else "__in1"
            b = rconst if right is None else "__in2"
            if left is not None:
                inputs["__in1"] = left
            if right is not None:
                inputs["__in2"] = right
            name = target or fresh(f"{lname}_{word}_{rname}")
            out.append((name, has_k, f"__out = ({a} {sign} {b})", inputs, f"_{op}_"))
            return (name, 0, 0 if has_k else None), None, name
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and not isinstance(node.operand, ast.Constant):
            operand, _, oname = emit(node.operand)
            name = target or fresh("__tmp0")
            out.append((name, has_k, "__out = (- __in1)", {"__in1": operand}, "_USub_"))
            return (name, 0, None), None, "expr"
        return ref(node)

    for line in lines:
        stmt = ast.parse(line).body[0]
        target_node, value = stmt.targets[0], stmt.value
        if isinstance(target_node, ast.Name) and isinstance(value, ast.Subscript):
            # `datacol = dcol[:, :, k]`: a View of the plane.
            src, _, _ = ref(value)
            out.append((target_node.id, False, VIEW, {"__in1": src}, None))
            continue
        if isinstance(target_node, ast.Name):
            target, has_k = target_node.id, False
            names.add(target)
        else:
            target = target_node.value.id
            has_k = isinstance(target_node.slice, ast.Tuple) and len(target_node.slice.elts) == 3
        if target in OPS_VIEWS and not has_k and not isinstance(target_node, ast.Name):
            data, dk = OPS_VIEWS[target]
            out.append((target, False, WRITE_VIEW, {"__in1": (data, 0, dk)}, None))
        if isinstance(value, (ast.Name, ast.Subscript)):
            src, _, _ = ref(value)
            out.append((target, has_k, COPY, {"__in1": src}, None))
            continue
        emit(value, target, has_k)
    return out


def point(di, dk, dj=0):
    """The element [__i0 + di, __i1 + dj, k + dk] (or [__i0 + di, __i1 + dj] for a plane)."""
    i = sym("__i0") if di == 0 else f"{di} + {sym('__i0')}"
    j = sym("__i1") if dj == 0 else f"{dj} + {sym('__i1')}"
    out = [rng_(i, i), rng_(j, j)]
    if dk is not None:
        k = sym("k") if dk == 0 else f"{dk} + {sym('k')}"
        out.append(rng_(k, k))
    return out


# Arrays with one row (ONE_MORE_ROW) or one column (ONE_MORE_COLUMN) more than the plane.
ONE_MORE_ROW = {"wcon"}
ONE_MORE_COLUMN = set()


def whole(data, dk):
    """What a map reads of `data` over the plane (the outer memlet's subset)."""
    if dk == "s":
        return [rng_("0", "0")]
    out = [rng_("0", I_S if data in ONE_MORE_ROW else f"-1 + {I_S}"), rng_("0", J_S if data in ONE_MORE_COLUMN else f"-1 + {J_S}")]
    if dk is not None:
        k = sym("k") if dk == 0 else f"{dk} + {sym('k')}"
        out.append(rng_(k, k))
    return out


def memlet(data, subset, volume, src):
    return {"type": "Memlet", "attributes": {"volume": volume, "subset": rangeset(subset), "data": data,
                                             "src_subset": rangeset(subset) if src else None,
                                             "dst_subset": None if src else rangeset(subset), "is_data_src": src,
                                             "num_accesses": volume}}


def state(label, statements, sid):
    nodes, edges, scope = [], [], {"-1": []}
    latest = {}
    write_views = {}

    def add(node, entry=None):
        node["id"] = len(nodes)
        nodes.append(node)
        scope.setdefault(str(entry) if entry is not None else "-1", []).append(node["id"])
        return node["id"]

    def access(data):
        return add({"type": "AccessNode", "label": data, "attributes": {"data": data}, "scope_entry": None, "scope_exit": None})

    def edge(src, dst, m, sc=None, dc=None):
        edges.append({"type": "MultiConnectorEdge", "attributes": {"data": m}, "src": str(src), "dst": str(dst),
                      "dst_connector": dc, "src_connector": sc})

    plane_volume = f"{I_S}*{J_S}"
    for n, (target, has_k, code, inputs, *dace_op) in enumerate(statements):
        if code == VIEW:
            (data, _, dk), = inputs.values()
            if data not in latest:
                latest[data] = access(data)
            view = access(target)
            edge(latest[data], view, memlet(data, whole(data, dk), plane_volume, True), dc="views")
            latest[target] = view
            continue
        if code == WRITE_VIEW:
            # `datacol[:] = …` on a name that is a View: the map writes the view, the view its plane of the array.
            (data, _, dk), = inputs.values()
            write_views[target] = (data, dk)
            continue
        if code == COPY:
            (data, _, _), = inputs.values()
            if data not in latest:
                latest[data] = access(data)
            out = access(target)
            m = memlet(data, list(PLANE), plane_volume, True)
            m["attributes"]["other_subset"] = rangeset(list(PLANE))
            edge(latest[data], out, m)
            latest[target] = out
            continue
        op = "Assign" if code.count("__in") == 1 and "=" in code and code.split("=")[1].strip() == "__in1" else "Compute"
        mlabel = f"_{op}_{target}_{n}_map"
        tlabel = f"_{op}_{n}"
        if dace_op and dace_op[0]:
            # DaCe's labels: `_Mult__map` over `_Mult_` (not unique).
            mlabel, tlabel = f"{dace_op[0]}_map", dace_op[0]
        entry = add({"type": "MapEntry", "label": f"{mlabel}[__i0=0:I, __i1=0:J]",
                     "attributes": {"label": mlabel, "params": ["__i0", "__i1"], "range": rangeset(PLANE),
                                    "in_connectors": {}, "out_connectors": {}}, "scope_entry": None})
        tasklet = add({"type": "Tasklet", "label": tlabel, "attributes": {
            "code": {"string_data": code, "language": "Python"}, "label": tlabel,
            "in_connectors": {c: None for c in inputs}, "out_connectors": {"__out": None}}, "scope_entry": str(entry)}, entry)
        exit_ = add({"type": "MapExit", "label": nodes[entry]["label"], "attributes": {"in_connectors": {}, "out_connectors": {}},
                     "scope_entry": str(entry)}, entry)
        nodes[entry]["scope_exit"] = str(exit_)
        nodes[tasklet]["scope_exit"] = str(exit_)
        nodes[exit_]["scope_exit"] = str(exit_)
        read_nodes = {}
        for c, (data, di, dk, *rest) in inputs.items():
            dj = rest[0] if rest else 0
            if data not in latest:
                latest[data] = access(data)
            conn = f"{data}_{c}"
            nodes[entry]["attributes"]["in_connectors"][f"IN_{conn}"] = None
            nodes[entry]["attributes"]["out_connectors"][f"OUT_{conn}"] = None
            edge(latest[data], entry, memlet(data, whole(data, dk), "1" if dk == "s" else plane_volume, True), dc=f"IN_{conn}")
            inner = [rng_("0", "0")] if dk == "s" else point(di, dk, dj)
            edge(entry, tasklet, memlet(data, inner, "1", True), sc=f"OUT_{conn}", dc=c)
        out = access(target)
        latest[target] = out
        nodes[exit_]["attributes"]["in_connectors"][f"IN_{target}"] = None
        nodes[exit_]["attributes"]["out_connectors"][f"OUT_{target}"] = None
        tk = 0 if has_k else None
        edge(tasklet, exit_, memlet(target, point(0, tk), "1", False), sc="__out", dc=f"IN_{target}")
        edge(exit_, out, memlet(target, whole(target, tk), plane_volume, False), sc=f"OUT_{target}")
        if target in write_views:
            data, dk = write_views[target]
            array_node = access(data)
            edge(out, array_node, memlet(data, whole(data, dk), plane_volume, False), sc="views")
            latest[data] = array_node
    for n in nodes:
        if n["type"] == "AccessNode":
            pass
    return {"type": "SDFGState", "label": label, "id": sid, "collapsed": False, "scope_dict": scope,
            "attributes": {}, "nodes": nodes, "edges": edges}


def loop(label, lid, init, cond, update, statements):
    return {"type": "LoopRegion", "attributes": {
        "update_statement": {"string_data": update, "language": "Python"},
        "init_statement": {"string_data": init, "language": "Python"},
        "loop_condition": {"string_data": cond, "language": "Python"}, "loop_variable": "k"},
        "edges": [], "collapsed": False, "label": label, "id": lid, "start_block": 0,
        "nodes": [state(f"{label}_body", statements, 0)]}


def sdfg(ops=False):
    bodies = {"FIRST": FIRST, "MIDDLE": MIDDLE, "LAST": LAST, "TOP": TOP, "BACK": BACK}
    arrays = ARRAYS
    if ops:
        # DaCe's form: every plane transient its operations name, datacol a View of dcol's plane k.
        names = {n for n in ARRAYS if n not in PLANES and n != "dcol_slice"}
        bodies = {k: ops_statements(v, names) for k, v in OPS_LOOPS.items()}
        arrays = {n: a for n, a in ARRAYS.items() if n not in PLANES and n != "dcol_slice"}
        for statements in bodies.values():
            for target, has_k, code, inputs, *_ in statements:
                if code == VIEW:
                    arrays[target] = {**ARRAYS["dcol_slice"]}
                elif not has_k and target not in arrays:
                    arrays[target] = array([I_S, J_S], [J_S, "1"], f"{I_S}*{J_S}", True)
    loops = [
        loop("for_18", 0, "k = 0", "(k < 1)", "k = (k + 1)", bodies["FIRST"]),
        loop("for_33", 1, "k = 1", "(k < (K - 1))", "k = (k + 1)", bodies["MIDDLE"]),
        loop("for_56", 2, "k = (K - 1)", "(k < K)", "k = (k + 1)", bodies["LAST"]),
        loop("for_72", 3, "k = (K - 1)", "(k > (K - 2))", "k = (k + (- 1))", bodies["TOP"]),
        loop("for_77", 4, "k = (K - 2)", "(k > (- 1))", "k = (k + (- 1))", bodies["BACK"]),
    ]
    edges = [{"type": "Edge", "attributes": {"data": {"type": "InterstateEdge", "attributes": {}}}, "src": str(n), "dst": str(n + 1)}
             for n in range(len(loops) - 1)]
    return {"type": "SDFG", "attributes": {
        "name": "vadv", "arg_names": ["utens_stage", "u_stage", "wcon", "u_pos", "utens", "dtr_stage"],
        "_arrays": arrays, "symbols": {"I": "int64", "J": "int64", "K": "int64"},
        "using_explicit_control_flow": True},
        "nodes": loops, "edges": edges, "collapsed": False, "label": "", "id": None, "cfg_list_id": 0,
        "start_block": 0, "dace_version": "2.0.0a6"}


def main():
    I, J, K = (int(x) for x in sys.argv[1:4]) if len(sys.argv) >= 4 else (10, 10, 8)
    here = os.path.dirname(os.path.abspath(__file__))
    rng = np.random.default_rng(42)  # NPBench's initialize(I, J, K)
    dtr_stage = 3. / 20.
    args = {"utens_stage": rng.random((I, J, K)), "u_stage": rng.random((I, J, K)), "wcon": rng.random((I + 1, J, K)),
            "u_pos": rng.random((I, J, K)), "utens": rng.random((I, J, K))}
    for name, a in args.items():
        np.save(os.path.join(here, f"{name}.npy"), a)
    np.save(os.path.join(here, "dtr_stage.npy"), np.float64(dtr_stage))
    copies = {k: v.copy() for k, v in args.items()}
    vadv_numpy(copies["utens_stage"], copies["u_stage"], copies["wcon"], copies["u_pos"], copies["utens"], dtr_stage)
    np.save(os.path.join(here, "utens_stage.out.npy"), copies["utens_stage"])
    with open(os.path.join(here, "vadv.sdfg"), "w") as f:
        json.dump(sdfg(), f)
        f.write("\n")
    with open(os.path.join(here, "vadv_ops.sdfg"), "w") as f:
        json.dump(sdfg(ops=True), f)
        f.write("\n")
    manifest = {
        "name": "vadv",
        "npbench": {"relative_path": "weather_stencils/vadv", "module": "vadv_dace.vadv", "numpy_module": "vadv_numpy.vadv",
                    "input_args": ["utens_stage", "u_stage", "wcon", "u_pos", "utens", "dtr_stage"], "output_args": ["utens_stage"]},
        "sizes": {"I": I, "J": J, "K": K},
        "symbols": {s: {"value": v, "dtype": "int64_t"} for s, v in (("I", I), ("J", J), ("K", K))},
        "argument_order": ["utens_stage", "u_stage", "wcon", "u_pos", "utens", "dtr_stage"],
        "arguments": [
            *({"name": n, "kind": "array", "dtype": "float64", "shape": list(a.shape), "file": f"{n}.npy",
               "role": "inout" if n == "utens_stage" else "in", **({"out_file": "utens_stage.out.npy"} if n == "utens_stage" else {})}
              for n, a in args.items()),
            {"name": "dtr_stage", "kind": "scalar", "dtype": "float64", "shape": [], "value": dtr_stage, "file": "dtr_stage.npy", "role": "in"},
        ],
        "inputs": ["u_stage", "wcon", "u_pos", "utens", "dtr_stage"], "outputs": [], "inouts": ["utens_stage"],
        "reference": {"how": "NPBench vadv_numpy.vadv(*input_args) on copies (make_vadv.py)", "files": ["utens_stage.out.npy"]},
        "written_by": "tests/data/vadv/make_vadv.py (no DaCe here: the SDFG is written in DaCe 2.0's simplified form)",
    }
    with open(os.path.join(here, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
