export * from "./dtype.js";
export * from "./expr.js";
export * from "./sdfg.js";
export * from "./builder.js";
export * from "./validate.js";
export * from "./serialize.js";
export * from "./names.js";
export * from "./diagnostics.js";
