# The first phase of NPBench's covariance (polybench/covariance/covariance_dace.py), centring
# the data by its column means, as a program of its own:
#     mean = np.mean(data, axis=0)
#     np.subtract(data, mean, out=data)
# as DaCe leaves it (correlation's first state has the same nodes): a `Reduce (Sum), Axes: [0]`
# library node into mean_data, an `_elementwise_` map over the M columns dividing by N into
# mean, and a `_numpy_subtract_` map over N x M writing data in place, mean broadcast down the
# rows. The rest of covariance (a loop of row products) is not part of it. Inputs from
# NPBench's initialize() at M=12, N=20; output from NumPy.
import os, sys
import numpy as np
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from dace_sdfg import State, array, sdfg, write_fixture

M, N = 12, 20
here = os.path.dirname(os.path.abspath(__file__))
data = np.fromfunction(lambda i, j: (i * j) / M, (N, M), dtype=np.float64)
# Not what NPBench's data gives alone: a varying offset per element, so that no two columns
# centre alike and the sum's order shows in the last bits.
data = data + np.sin(np.arange(N * M, dtype=np.float64)).reshape(N, M)

shapes = {"data": ["N", "M"], "mean_data": ["M"], "mean": ["M"]}
s = State("call_10_nested_call_0__sum", 10)
d, md, mean = s.access("data"), s.access("mean_data"), s.access("mean")
s.reduce_sum([0], (d, "data"), (md, "mean_data"), shapes)
s.elementwise("_elementwise_", "__out = (__inp / N)", ["M"], [(md, "mean_data", False)], (mean, "mean"), "mean_data_0", in_conns=["__inp"])
s.elementwise("_numpy_subtract_", "__out = (__in1 - __in2)", ["N", "M"], [(d, "data", False), (mean, "mean", False)],
              (s.access("data"), "data"), "data", index=[None, ["__i1"]])
arrays = {"data": array(shapes["data"]), "mean_data": array(["M"], transient=True), "mean": array(["M"], transient=True)}
program = sdfg("covariance_center", ["data"], arrays, ["M", "N"], s, "npbench/npbench/benchmarks/polybench/covariance/covariance_dace.py")
want = data.copy()
np.subtract(want, np.mean(want, axis=0), out=want)
write_fixture(here, "covariance_center", program, {"M": M, "N": N}, {"data": data}, {"data": want}, "covariance_dace.kernel (its first two lines)")
