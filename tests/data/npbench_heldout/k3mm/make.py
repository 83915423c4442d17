# NPBench's 3mm (polybench/k3mm/k3mm_dace.py: `return A @ B @ C @ D`) as DaCe leaves it: three
# `_MatMult_` library nodes chained through the transients A_matmul_B and A_B_matmul_C, the last
# writing the return value. Inputs from NPBench's initialize() at NI, NJ, NK, NL, NM = 16, 18,
# 20, 22, 24; output from its NumPy kernel.
import os, sys
import numpy as np
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from dace_sdfg import State, array, sdfg, write_fixture

NI, NJ, NK, NL, NM = 16, 18, 20, 22, 24
here = os.path.dirname(os.path.abspath(__file__))
A = np.fromfunction(lambda i, j: ((i * j + 1) % NI) / (5 * NI), (NI, NK), dtype=np.float64)
B = np.fromfunction(lambda i, j: ((i * (j + 1) + 2) % NJ) / (5 * NJ), (NK, NJ), dtype=np.float64)
C = np.fromfunction(lambda i, j: (i * (j + 3) % NL) / (5 * NL), (NJ, NM), dtype=np.float64)
D = np.fromfunction(lambda i, j: ((i * (j + 2) + 2) % NK) / (5 * NK), (NM, NL), dtype=np.float64)

shapes = {"A": ["NI", "NK"], "B": ["NK", "NJ"], "C": ["NJ", "NM"], "D": ["NM", "NL"],
          "A_matmul_B": ["NI", "NJ"], "A_B_matmul_C": ["NI", "NM"], "__return": ["NI", "NL"]}
s = State("BinOp_13", 13)
ab, abc = s.access("A_matmul_B"), s.access("A_B_matmul_C")
s.matmul((s.access("A"), "A"), (s.access("B"), "B"), (ab, "A_matmul_B"), shapes)
s.matmul((ab, "A_matmul_B"), (s.access("C"), "C"), (abc, "A_B_matmul_C"), shapes)
s.matmul((abc, "A_B_matmul_C"), (s.access("D"), "D"), (s.access("__return"), "__return"), shapes)
arrays = {n: array(d, transient="matmul" in n) for n, d in shapes.items()}
program = sdfg("k3mm_dace_kernel", ["A", "B", "C", "D"], arrays, ["NI", "NJ", "NK", "NL", "NM"], s, "npbench/npbench/benchmarks/polybench/k3mm/k3mm_dace.py")
write_fixture(here, "k3mm", program, {"NI": NI, "NJ": NJ, "NK": NK, "NL": NL, "NM": NM}, {"A": A, "B": B, "C": C, "D": D},
              {"__return": A @ B @ C @ D}, "k3mm_dace.kernel")
