#!/usr/bin/python3
"""Independent NumPy reference evaluator for StencilFlow-format stencil programs.

This is a test oracle for sdfg-fpga: it deliberately shares no code with the TypeScript
implementation. It evaluates every stencil over the whole domain with whole-array NumPy
operations, in dependency order, in each stencil's data_type.

Usage:
    /usr/bin/python3 tests/numpy_ref/evaluate.py PROGRAM.json [--inputs DIR] --outputs DIR
        [--steps T]

Inputs come from DIR/<name>.npy when present, else from the program's own `data`
("constant:X", a number, an inline array, or a .dat/.csv/.npy path relative to the program).
Each output is written to OUTDIR/<name>.npy (little-endian, C order) in its data_type.
Exit status: 0 on success, 2 for a program or data error (message on stderr).

Semantics (design.md section 1):
  * iterators are the last names of i, j, k; k is innermost;
  * an access f[i+di, j+dj, k+dk] outside the domain takes the stencil's boundary condition
    for f: constant -> value, copy -> f at the centre point, shrink -> treated as copy;
  * `input_dims` declares lower-dimensional inputs, broadcast over the missing iterators;
  * computation_string holds ';'-separated assignments; the last assignment is the result;
  * arithmetic happens in the stencil's data_type (inputs, constants and literals converted);
  * integer stencils (int32, int64) follow C: `/` truncates toward zero, `%` takes the sign of
    the dividend, `<< >>` shift two's-complement values (arithmetic right shift), `& | ^ ~` are
    bitwise, overflow wraps; where C is undefined the result is NumPy's: x / 0 = x % 0 = 0,
    INT_MIN / -1 = INT_MIN, a shift count outside 0..bits-1 gives 0 (<<) or 0/-1 by sign (>>).
    These are computed here on Python integers, not with NumPy's floor division;
  * optional top-level `constants` {name: {value, data_type}};
  * optional `time_loop` {steps, feedback: {output: input}}: the program is applied `steps`
    times, each named output becoming the named input for the next application.
"""

import argparse
import ast
import json
import os
import sys

import numpy as np

ITERATORS = ("i", "j", "k")


class ProgramError(Exception):
    pass


# ----------------------------------------------------------------------------------------------
# Program loading


def iterators_for(ndim):
    if not 1 <= ndim <= 3:
        raise ProgramError("dimensions must have 1 to 3 extents, got %d" % ndim)
    return ITERATORS[3 - ndim:]


def np_dtype(name, where):
    try:
        dt = np.dtype(name)
    except TypeError:
        raise ProgramError("%s: unknown data_type %r" % (where, name))
    return dt.newbyteorder("<") if dt.byteorder == ">" else dt


class Program:
    def __init__(self, path):
        self.path = path
        self.base = os.path.dirname(os.path.abspath(path))
        with open(path) as f:
            try:
                self.json = json.load(f)
            except json.JSONDecodeError as e:
                raise ProgramError("invalid JSON: %s" % e)
        j = self.json
        self.dims = [int(d) for d in j["dimensions"]]
        self.iters = iterators_for(len(self.dims))
        self.extent = dict(zip(self.iters, self.dims))
        self.inputs = {}
        for name, spec in j.get("inputs", {}).items():
            dims = spec.get("input_dims", list(self.iters))
            for d in dims:
                if d not in self.iters:
                    raise ProgramError("input %s: input_dims names %r, not an iterator of this program (%s)"
                                       % (name, d, ", ".join(self.iters)))
            self.inputs[name] = {
                "dtype": np_dtype(spec["data_type"], "input " + name),
                "dims": tuple(dims),
                "data": spec.get("data"),
            }
        self.constants = {}
        for name, spec in j.get("constants", {}).items():
            dt = np_dtype(spec.get("data_type", "float64"), "constant " + name)
            self.constants[name] = np.array(spec["value"], dtype=dt)
        self.stencils = {}
        for name, spec in j["program"].items():
            if name in self.inputs:
                raise ProgramError("stencil %s has the name of an input" % name)
            self.stencils[name] = Stencil(self, name, spec)
        self.outputs = list(j["outputs"])
        for o in self.outputs:
            if o not in self.stencils and o not in self.inputs:
                raise ProgramError("output %s is neither a stencil nor an input" % o)
        self.order = self.topological_order()
        tl = j.get("time_loop")
        self.steps = 1
        self.feedback = {}
        if tl is not None:
            self.steps = int(tl.get("steps", 1))
            self.feedback = dict(tl.get("feedback", {}))
            for out, inp in self.feedback.items():
                if out not in self.stencils:
                    raise ProgramError("time_loop feedback: %s is not a stencil" % out)
                if inp not in self.inputs:
                    raise ProgramError("time_loop feedback: %s is not an input" % inp)
                if self.inputs[inp]["dims"] != tuple(self.iters):
                    raise ProgramError("time_loop feedback: input %s is not full-dimensional" % inp)

    def stencils_spec_names(self):
        return self.json["program"].keys()

    def field_dims(self, name):
        if name in self.inputs:
            return self.inputs[name]["dims"]
        return tuple(self.iters)

    def topological_order(self):
        order, state = [], {}

        def visit(n, stack):
            if state.get(n) == 2:
                return
            if state.get(n) == 1:
                raise ProgramError("cyclic dependency: %s" % " -> ".join(stack + [n]))
            state[n] = 1
            for d in sorted(self.stencils[n].deps):
                visit(d, stack + [n])
            state[n] = 2
            order.append(n)

        for n in self.stencils:
            visit(n, [])
        return order

    # -- input data --------------------------------------------------------------------------

    def input_shape(self, name):
        return tuple(self.extent[d] for d in self.inputs[name]["dims"])

    def load_input(self, name, input_dir):
        spec = self.inputs[name]
        shape = self.input_shape(name)
        dt = spec["dtype"]
        if input_dir is not None:
            p = os.path.join(input_dir, name + ".npy")
            if os.path.exists(p):
                return fit(np.load(p), shape, dt, p)
        data = spec["data"]
        if data is None:
            raise ProgramError("input %s has no data and no %s.npy was given" % (name, name))
        if isinstance(data, bool):
            raise ProgramError("input %s: data must not be a boolean" % name)
        if isinstance(data, (int, float)):
            return np.full(shape, data, dtype=dt)
        if isinstance(data, list):
            return fit(np.array(data, dtype=np.float64).astype(dt), shape, dt, "input %s inline data" % name)
        if isinstance(data, str):
            if data.startswith("constant:"):
                return np.full(shape, float(data[len("constant:"):]), dtype=dt)
            p = data if os.path.isabs(data) else os.path.join(self.base, data)
            if not os.path.exists(p):
                raise ProgramError("input %s: data file %s does not exist" % (name, p))
            ext = os.path.splitext(p)[1].lower()
            if ext == ".dat":
                arr = np.fromfile(p, dtype=dt)
            elif ext == ".csv":
                with open(p) as f:
                    text = f.read().replace("\n", ",")
                vals = [float(v) for v in text.split(",") if v.strip() != ""]
                arr = np.array(vals, dtype=np.float64).astype(dt)
            elif ext == ".npy":
                arr = np.load(p)
            else:
                raise ProgramError("input %s: unsupported data file type %s" % (name, ext))
            return fit(arr, shape, dt, p)
        raise ProgramError("input %s: unsupported data %r" % (name, data))


def fit(arr, shape, dt, where):
    size = int(np.prod(shape)) if shape else 1
    if arr.size != size:
        raise ProgramError("%s: has %d elements, expected %d (shape %s)" % (where, arr.size, size, list(shape)))
    return np.ascontiguousarray(arr.reshape(shape).astype(dt))


# ----------------------------------------------------------------------------------------------
# Stencils: parsing


class Stencil:
    def __init__(self, prog, name, spec):
        self.prog = prog
        self.name = name
        self.dtype = np_dtype(spec["data_type"], "stencil " + name)
        self.bcs = spec.get("boundary_conditions", {}) or {}
        text = spec["computation_string"]
        self.assignments = []
        for part in text.replace("\n", ";").split(";"):
            part = part.strip()
            if not part:
                continue
            try:
                mod = ast.parse(part, mode="exec")
            except SyntaxError as e:
                raise ProgramError("stencil %s: syntax error in %r: %s" % (name, part, e.msg))
            if len(mod.body) != 1 or not isinstance(mod.body[0], ast.Assign) or len(mod.body[0].targets) != 1 \
                    or not isinstance(mod.body[0].targets[0], ast.Name):
                raise ProgramError("stencil %s: %r is not a single assignment to a name" % (name, part))
            self.assignments.append((mod.body[0].targets[0].id, mod.body[0].value))
        if not self.assignments:
            raise ProgramError("stencil %s: empty computation_string" % name)
        # Which names are fields (inputs or other stencils) this stencil reads.
        self.deps = set()
        temps = set()
        for target, expr in self.assignments:
            for node in ast.walk(expr):
                if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
                    self.check_field(node.value.id)
                    if node.value.id in prog.stencils_spec_names():
                        self.deps.add(node.value.id)
                elif isinstance(node, ast.Name) and node.id not in temps and not self.is_subscripted(expr, node):
                    if node.id in prog.stencils_spec_names() and node.id not in prog.inputs:
                        self.deps.add(node.id)
            temps.add(target)
        if name in self.deps:
            raise ProgramError("stencil %s reads itself" % name)

    @staticmethod
    def is_subscripted(expr, name_node):
        for node in ast.walk(expr):
            if isinstance(node, ast.Subscript) and node.value is name_node:
                return True
        return False

    def check_field(self, f):
        if f not in self.prog.inputs and f not in self.prog.stencils_spec_names():
            raise ProgramError("stencil %s: access to unknown field %s" % (self.name, f))


# ----------------------------------------------------------------------------------------------
# Stencils: evaluation


FUNCS1 = {
    "sqrt": np.sqrt, "exp": np.exp, "log": np.log, "sin": np.sin, "cos": np.cos, "tan": np.tan,
    "fabs": np.fabs, "abs": np.abs, "floor": np.floor, "ceil": np.ceil,
}


def shifted(field, offsets, bc, dt):
    """field (over its own axes) read at p + offsets, out-of-domain points from bc."""
    if all(o == 0 for o in offsets):
        return field
    kind = bc["type"]
    if kind == "constant":
        out = np.full(field.shape, bc["value"], dtype=dt)
    elif kind in ("copy", "shrink"):
        out = field.copy()
    else:
        raise ProgramError("unknown boundary condition type %r" % kind)
    dst, src = [], []
    for n, o in zip(field.shape, offsets):
        if abs(o) >= n:
            return out
        dst.append(slice(max(0, -o), min(n, n - o)))
        src.append(slice(max(0, o), min(n, n + o)))
    out[tuple(dst)] = field[tuple(src)]
    return out


def is_int(dt):
    return np.issubdtype(dt, np.integer)


def wrap_int(v, dt):
    """A Python integer reduced to dt's two's-complement range."""
    bits = np.dtype(dt).itemsize * 8
    return ((v + (1 << (bits - 1))) % (1 << bits)) - (1 << (bits - 1))


def c_int_op(op, a, b, dt):
    """C semantics of an integer operator, element by element on Python integers."""
    bits = np.dtype(dt).itemsize * 8

    def trunc_div(x, y):
        q = abs(x) // abs(y)
        return q if (x < 0) == (y < 0) else -q

    def one(x, y):
        x, y = int(x), int(y)
        if op == "/":
            return 0 if y == 0 else wrap_int(trunc_div(x, y), dt)
        if op == "%":
            return 0 if y == 0 else wrap_int(x - y * trunc_div(x, y), dt)
        if op == "<<":
            return 0 if y < 0 or y >= bits else wrap_int(x << y, dt)
        if op == ">>":
            return (-1 if x < 0 else 0) if y < 0 or y >= bits else x >> y
        raise ValueError(op)

    a, b = np.broadcast_arrays(np.asarray(a, dtype=dt), np.asarray(b, dtype=dt))
    out = np.frompyfunc(one, 2, 1)(a.astype(object), b.astype(object))
    return np.asarray(out, dtype=object).astype(dt)


class Evaluator:
    def __init__(self, stencil, fields):
        self.s = stencil
        self.prog = stencil.prog
        self.dt = stencil.dtype
        self.fields = fields
        self.temps = {}
        self.converted = {}

    def run(self):
        value = None
        for target, expr in self.s.assignments:
            value = self.as_number(self.ev(expr))
            self.temps[target] = value
        shape = tuple(self.prog.dims)
        return np.ascontiguousarray(np.broadcast_to(np.asarray(value).astype(self.dt), shape))

    def err(self, node, msg):
        return ProgramError("stencil %s: %s (in %r)" % (self.s.name, msg, ast.unparse(node)))

    def lit(self, v):
        return np.array(v, dtype=self.dt)

    def as_number(self, v):
        v = np.asarray(v)
        return v.astype(self.dt) if v.dtype != self.dt else v

    def as_bool(self, v):
        v = np.asarray(v)
        return v if v.dtype == np.bool_ else (v != 0)

    def field(self, name):
        """The field over its own axes, converted to this stencil's dtype."""
        if name not in self.converted:
            self.converted[name] = np.asarray(self.fields[name]).astype(self.dt)
        return self.converted[name]

    def broadcast(self, name, arr):
        """Field over its own axes -> array broadcastable to the domain."""
        dims = self.prog.field_dims(name)
        canon = [d for d in self.prog.iters if d in dims]
        arr = np.transpose(arr, [dims.index(d) for d in canon]) if list(dims) != canon else arr
        shape = [self.prog.extent[d] if d in dims else 1 for d in self.prog.iters]
        return arr.reshape(shape)

    def index_term(self, node):
        """An index expression -> (iterator, offset)."""
        if isinstance(node, ast.Name):
            if node.id not in self.prog.iters:
                raise self.err(node, "index %s is not an iterator" % node.id)
            return node.id, 0
        if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
            return None, node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            it, off = self.index_term(node.operand)
            if it is not None:
                raise self.err(node, "negated iterator in an index")
            return None, -off if isinstance(node.op, ast.USub) else off
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            li, lo = self.index_term(node.left)
            ri, ro = self.index_term(node.right)
            if isinstance(node.op, ast.Sub):
                if ri is not None:
                    raise self.err(node, "subtracted iterator in an index")
                ro = -ro
            if li is not None and ri is not None:
                raise self.err(node, "two iterators in one index")
            return li or ri, lo + ro
        raise self.err(node, "unsupported index expression")

    def access(self, node):
        name = node.value.id
        dims = self.prog.field_dims(name)
        sl = node.slice
        idx = list(sl.elts) if isinstance(sl, ast.Tuple) else [sl]
        terms = [self.index_term(e) for e in idx]
        its = [t[0] for t in terms]
        if None in its:
            raise self.err(node, "each index must name one iterator")
        if sorted(its) != sorted(dims) or len(set(its)) != len(its):
            raise self.err(node, "%s is indexed by [%s] but its dimensions are [%s]"
                           % (name, ", ".join(its), ", ".join(dims)))
        offsets = [dict(terms)[d] for d in dims]
        f = self.field(name)
        if any(o != 0 for o in offsets):
            bc = self.s.bcs.get(name)
            if bc is None:
                raise self.err(node, "no boundary condition for %s" % name)
            f = shifted(f, offsets, bc, self.dt)
        return self.broadcast(name, f)

    def ev(self, node):
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool):
                return np.array(node.value)
            if isinstance(node.value, (int, float)):
                return self.lit(node.value)
            raise self.err(node, "unsupported literal")
        if isinstance(node, ast.Name):
            n = node.id
            if n in self.temps:
                return self.temps[n]
            if n in self.prog.constants:
                return self.prog.constants[n].astype(self.dt)
            if n in self.fields:
                if self.prog.field_dims(n):
                    # A bare full/partial field name reads the centre point.
                    return self.broadcast(n, self.field(n))
                return self.field(n)
            if n in ("True", "False"):
                return np.array(n == "True")
            raise self.err(node, "unknown name %s" % n)
        if isinstance(node, ast.Subscript):
            if not isinstance(node.value, ast.Name) or node.value.id not in self.fields:
                raise self.err(node, "subscript of something that is not a field")
            return self.access(node)
        if isinstance(node, ast.UnaryOp):
            v = self.ev(node.operand)
            if isinstance(node.op, ast.USub):
                return np.negative(self.as_number(v))
            if isinstance(node.op, ast.UAdd):
                return self.as_number(v)
            if isinstance(node.op, ast.Not):
                return np.logical_not(self.as_bool(v))
            if isinstance(node.op, ast.Invert) and is_int(self.dt):
                return np.invert(self.as_number(v))
            raise self.err(node, "unsupported unary operator")
        if isinstance(node, ast.BinOp):
            a = self.as_number(self.ev(node.left))
            b = self.as_number(self.ev(node.right))
            op = node.op
            if isinstance(op, ast.Add):
                return np.add(a, b)
            if isinstance(op, ast.Sub):
                return np.subtract(a, b)
            if isinstance(op, ast.Mult):
                return np.multiply(a, b)
            if is_int(self.dt):
                c_op = {ast.Div: "/", ast.Mod: "%", ast.LShift: "<<", ast.RShift: ">>"}.get(type(op))
                if c_op is not None:
                    return c_int_op(c_op, a, b, self.dt)
                if isinstance(op, ast.BitAnd):
                    return np.bitwise_and(a, b)
                if isinstance(op, ast.BitOr):
                    return np.bitwise_or(a, b)
                if isinstance(op, ast.BitXor):
                    return np.bitwise_xor(a, b)
            if isinstance(op, ast.Div):
                return np.divide(a, b)
            if isinstance(op, ast.Pow):
                return np.power(a, b)
            raise self.err(node, "unsupported operator %s" % type(op).__name__)
        if isinstance(node, ast.BoolOp):
            vals = [self.as_bool(self.ev(v)) for v in node.values]
            f = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
            out = vals[0]
            for v in vals[1:]:
                out = f(out, v)
            return out
        if isinstance(node, ast.Compare):
            left = self.as_number(self.ev(node.left))
            out = None
            for op, comp in zip(node.ops, node.comparators):
                right = self.as_number(self.ev(comp))
                fn = {ast.Lt: np.less, ast.LtE: np.less_equal, ast.Gt: np.greater, ast.GtE: np.greater_equal,
                      ast.Eq: np.equal, ast.NotEq: np.not_equal}.get(type(op))
                if fn is None:
                    raise self.err(node, "unsupported comparison")
                r = fn(left, right)
                out = r if out is None else np.logical_and(out, r)
                left = right
            return out
        if isinstance(node, ast.IfExp):
            c = self.as_bool(self.ev(node.test))
            return np.where(c, self.as_number(self.ev(node.body)), self.as_number(self.ev(node.orelse)))
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.keywords:
                raise self.err(node, "unsupported call")
            fn = node.func.id
            args = [self.as_number(self.ev(a)) for a in node.args]
            if fn in FUNCS1:
                if len(args) != 1:
                    raise self.err(node, "%s takes one argument" % fn)
                return FUNCS1[fn](args[0])
            if fn in ("min", "max"):
                if len(args) < 2:
                    raise self.err(node, "%s takes at least two arguments" % fn)
                red = np.minimum if fn == "min" else np.maximum
                out = args[0]
                for a in args[1:]:
                    out = red(out, a)
                return out
            if fn == "pow":
                if len(args) != 2:
                    raise self.err(node, "pow takes two arguments")
                return np.power(args[0], args[1])
            raise self.err(node, "unknown function %s" % fn)
        raise self.err(node, "unsupported expression %s" % type(node).__name__)


def run_program(prog, input_dir):
    fields = {name: prog.load_input(name, input_dir) for name in prog.inputs}
    results = {}
    with np.errstate(all="ignore"):
        for step in range(prog.steps):
            results = {}
            for name in prog.order:
                env = dict(fields)
                env.update(results)
                results[name] = Evaluator(prog.stencils[name], env).run()
            if step + 1 < prog.steps:
                for out, inp in prog.feedback.items():
                    fields[inp] = results[out].astype(prog.inputs[inp]["dtype"])
    outs = {}
    for o in prog.outputs:
        outs[o] = results[o] if o in results else fields[o]
    return outs


def main(argv=None):
    ap = argparse.ArgumentParser(description="NumPy reference evaluator for StencilFlow-format programs")
    ap.add_argument("program")
    ap.add_argument("--inputs", help="directory with <input>.npy files (optional)")
    ap.add_argument("--outputs", required=True, help="directory to write <output>.npy files to")
    ap.add_argument("--steps", type=int, help="override time_loop.steps")
    args = ap.parse_args(argv)
    try:
        prog = Program(args.program)
        if args.steps is not None:
            prog.steps = args.steps
        outs = run_program(prog, args.inputs)
    except ProgramError as e:
        print("%s: %s" % (args.program, e), file=sys.stderr)
        return 2
    except (KeyError, ValueError, TypeError) as e:
        print("%s: malformed program: %s: %s" % (args.program, type(e).__name__, e), file=sys.stderr)
        return 2
    os.makedirs(args.outputs, exist_ok=True)
    for name, arr in outs.items():
        np.save(os.path.join(args.outputs, name + ".npy"), np.ascontiguousarray(arr))
    return 0


if __name__ == "__main__":
    sys.exit(main())
