// Programs the report tests share.

/** A 5-point Jacobi (centre and four neighbours, one multiply): 4 adds + 1 mul = 5 op/cell. */
export const JACOBI5 = JSON.stringify({
  inputs: { a: { data: "constant:1", data_type: "float32" } },
  outputs: ["b"],
  dimensions: [64, 64],
  program: { b: { computation_string: "b = 0.2 * (a[j,k] + a[j-1,k] + a[j+1,k] + a[j,k-1] + a[j,k+1])", boundary_conditions: { a: { type: "constant", value: 0 } }, data_type: "float32" } },
});
