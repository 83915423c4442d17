# NPBench's bicg (polybench/bicg/bicg_dace.py: `return r @ A, A @ p`) as DaCe leaves it: two
# `_MatMult_` library nodes in one state writing the two return values, like atax's. Inputs from
# NPBench's initialize() at M=40, N=48; outputs from its NumPy kernel.
import os, sys
import numpy as np
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from dace_sdfg import State, array, sdfg, write_fixture

M, N = 40, 48
here = os.path.dirname(os.path.abspath(__file__))
A = np.fromfunction(lambda i, j: (i * (j + 1) % N) / N, (N, M), dtype=np.float64)
p = np.fromfunction(lambda i: (i % M) / M, (M,), dtype=np.float64)
r = np.fromfunction(lambda i: (i % N) / N, (N,), dtype=np.float64)

shapes = {"A": ["N", "M"], "p": ["M"], "r": ["N"], "__return_0": ["M"], "__return_1": ["N"]}
s = State("BinOp_11", 11)
a, pn, rn = s.access("A"), s.access("p"), s.access("r")
s.matmul((rn, "r"), (a, "A"), (s.access("__return_0"), "__return_0"), shapes)
s.matmul((a, "A"), (pn, "p"), (s.access("__return_1"), "__return_1"), shapes)
arrays = {n: array(d) for n, d in shapes.items()}
program = sdfg("bicg_dace_kernel", ["A", "p", "r"], arrays, ["M", "N"], s, "npbench/npbench/benchmarks/polybench/bicg/bicg_dace.py")
write_fixture(here, "bicg", program, {"M": M, "N": N}, {"A": A, "p": p, "r": r},
              {"__return_0": r @ A, "__return_1": A @ p}, "bicg_dace.kernel")
