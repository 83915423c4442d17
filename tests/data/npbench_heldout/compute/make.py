# NPBench's compute (compute/compute_dace.py:
# `return np.minimum(np.maximum(array_1, 2), 10) * a + array_2 * b + c`, int64) as DaCe leaves
# it: one map per NumPy operation, the ufuncs' constants folded into their tasklets
# (`max(__in1, 2)`), the int64 scalars a, b, c read with `[0]` memlets, the last `_Add_` writing
# the return value. Inputs from NPBench's initialize() at M=16, N=32; output from its NumPy
# kernel (`np.clip(array_1, 2, 10) * a + array_2 * b + c`).
import os, sys
import numpy as np
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from dace_sdfg import State, array, scalar, sdfg, write_fixture

M, N = 16, 32
here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(42)
array_1 = rng.uniform(0, 1000, size=(M, N)).astype(np.int64)
array_2 = rng.uniform(0, 1000, size=(M, N)).astype(np.int64)
a, b, c = np.int64(4), np.int64(3), np.int64(9)

grid = ["M", "N"]
temps = ["maximum_array_1_2", "minimum_expr_10", "expr_times_a", "array_2_times_b", "expr_plus_expr"]
s = State("BinOp_12", 12)
n = {t: s.access(t) for t in temps}
s.elementwise("_numpy_maximum_", "__out = max(__in1, 2)", grid, [(s.access("array_1"), "array_1", False)], (n[temps[0]], temps[0]), temps[0])
s.elementwise("_numpy_minimum_", "__out = min(__in1, 10)", grid, [(n[temps[0]], temps[0], False)], (n[temps[1]], temps[1]), temps[1])
s.elementwise("_Mult_", "__out = (__in1 * __in2)", grid, [(n[temps[1]], temps[1], False), (s.access("a"), "a", True)], (n[temps[2]], temps[2]), temps[2])
s.elementwise("_Mult_", "__out = (__in1 * __in2)", grid, [(s.access("array_2"), "array_2", False), (s.access("b"), "b", True)], (n[temps[3]], temps[3]), temps[3])
s.elementwise("_Add_", "__out = (__in1 + __in2)", grid, [(n[temps[2]], temps[2], False), (n[temps[3]], temps[3], False)], (n[temps[4]], temps[4]), temps[4])
s.elementwise("_Add_", "__out = (__in1 + __in2)", grid, [(n[temps[4]], temps[4], False), (s.access("c"), "c", True)], (s.access("__return"), "__return"), "expr_plus_c")
arrays = {"array_1": array(grid, "int64"), "array_2": array(grid, "int64"), "a": scalar("int64"), "b": scalar("int64"), "c": scalar("int64"),
          **{t: array(grid, "int64", transient=True) for t in temps}, "__return": array(grid, "int64")}
program = sdfg("compute", ["array_1", "array_2", "a", "b", "c"], arrays, ["M", "N"], s, "npbench/npbench/benchmarks/compute/compute_dace.py")
write_fixture(here, "compute", program, {"M": M, "N": N}, {"array_1": array_1, "array_2": array_2, "a": a, "b": b, "c": c},
              {"__return": np.clip(array_1, 2, 10) * a + array_2 * b + c}, "compute_dace.compute")
