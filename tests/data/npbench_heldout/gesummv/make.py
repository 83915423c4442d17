# NPBench's gesummv (polybench/gesummv/gesummv_dace.py: `return alpha * A @ x + beta * B @ x`)
# as DaCe leaves it: `(alpha * A) @ x` parses as a `_Mult_` map scaling A (k2mm's alpha_times_A),
# a `_MatMult_` node, the same for beta and B, and an `_Add_` map writing the return value.
# Inputs from NPBench's initialize() at N=48; output from its NumPy kernel.
import os, sys
import numpy as np
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from dace_sdfg import State, array, scalar, sdfg, write_fixture

N = 48
here = os.path.dirname(os.path.abspath(__file__))
alpha, beta = np.float64(1.5), np.float64(1.2)
A = np.fromfunction(lambda i, j: ((i * j + 1) % N) / N, (N, N), dtype=np.float64)
B = np.fromfunction(lambda i, j: ((i * j + 2) % N) / N, (N, N), dtype=np.float64)
x = np.fromfunction(lambda i: (i % N) / N, (N,), dtype=np.float64)

shapes = {"A": ["N", "N"], "B": ["N", "N"], "x": ["N"], "alpha_times_A": ["N", "N"], "alpha_A_matmul_x": ["N"],
          "beta_times_B": ["N", "N"], "beta_B_matmul_x": ["N"], "__return": ["N"]}
s = State("BinOp_12", 12)
xn = s.access("x")
products = []
for k, (c, m) in enumerate((("alpha", "A"), ("beta", "B"))):
    scaled, prod = "%s_times_%s" % (c, m), "%s_%s_matmul_x" % (c, m)
    sn = s.access(scaled)
    s.elementwise("_Mult_", "__out = (__in1 * __in2)", ["N", "N"], [(s.access(c), c, True), (s.access(m), m, False)], (sn, scaled), scaled)
    pn = s.access(prod)
    s.matmul((sn, scaled), (xn, "x"), (pn, prod), shapes)
    products.append((pn, prod, False))
s.elementwise("_Add_", "__out = (__in1 + __in2)", ["N"], products, (s.access("__return"), "__return"), "alpha_A_x_plus_beta_B_x")
arrays = {"alpha": scalar(), "beta": scalar(), **{n: array(d, transient=n not in ("A", "B", "x", "__return")) for n, d in shapes.items()}}
program = sdfg("gesummv_dace_kernel", ["alpha", "beta", "A", "B", "x"], arrays, ["N"], s, "npbench/npbench/benchmarks/polybench/gesummv/gesummv_dace.py")
write_fixture(here, "gesummv", program, {"N": N}, {"alpha": alpha, "beta": beta, "A": A, "B": B, "x": x},
              {"__return": alpha * A @ x + beta * B @ x}, "gesummv_dace.kernel")
