"""Pieces of schedules, and one printer per target: the single definition of every formula.

A schedule is a tree of small frozen pieces, the way optax's ``join_schedules``
builds its schedules from pieces that each see their own local step. Each leaf
writes its formula once, as an expression template over the local step ``u``
(see :class:`Lang`). The same template is evaluated by numpy for arrays,
compiled to plain ``math`` for scalar calls, printed as Python, ``jax.numpy``
or ``keras.ops`` source, and its LaTeX sits next to it. A :class:`Join` places
pieces end to end; it evaluates with masks in numpy and prints as a chain of
conditions, so no piece ever sees a step outside its own domain.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def num(value: float | int) -> str:
    """A number as exact Python source: ``repr`` of the plain float or int."""
    if isinstance(value, bool):
        raise TypeError("bool is not a number here")
    if isinstance(value, int | np.integer):
        return repr(int(value))
    return repr(float(value))


def tex_num(value: float | int) -> str:
    """A number for a formula, to 6 significant digits: ``3 \\times 10^{-4}``."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e9:
        return f"{int(value):,}".replace(",", r"\,")
    text = f"{value:.6g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = f"10^{{{int(exponent)}}}"
    return power if mantissa == "1" else rf"{mantissa} \times {power}"


@dataclass(frozen=True)
class Lang:
    """How one target spells the functions that the templates use.

    Templates are ``str.format`` strings over ``{u}`` (the local step, already a
    parenthesised expression) and ``names``: ``{cos}({pi} * {u} / 10.0)``,
    ``{minimum}(a, b)``. ``where`` is a format string over ``c``, ``a`` and ``b``.
    """

    name: str
    names: dict[str, str]
    where: str
    table: str  # format string over ``items``, a Python tuple of numbers
    search: str  # the index of the interval of a sorted ``table`` holding ``u``
    lookup: str  # ``table[index]``

    def at(self, values: list[float], index: str) -> str:
        """``values[index]`` for a literal table of numbers."""
        return self.lookup.format(table=self.table.format(items=tuple(values)), index=index)

    def interval(self, starts: list[float], u: str) -> str:
        """The ``i`` with ``starts[i] <= u < starts[i + 1]``, for sorted ``starts``."""
        return self.search.format(table=self.table.format(items=tuple(starts)), u=u)

    def format(self, template: str, u: str) -> str:
        return template.format(u=u, **self.names)

    def min(self, a: str, b: str) -> str:
        return f"{self.names['minimum']}({a}, {b})"

    def max(self, a: str, b: str) -> str:
        return f"{self.names['maximum']}({a}, {b})"

    def select(self, cond: str, a: str, b: str) -> str:
        return self.where.format(c=cond, a=a, b=b)


def _names(prefix: str, minimum: str, maximum: str) -> dict[str, str]:
    funcs = ("cos", "sqrt", "exp", "log", "log1p", "floor", "tanh")
    named = {f: f"{prefix}.{f}" for f in funcs}
    return {**named, "pi": "math.pi", "minimum": minimum, "maximum": maximum}


PY = Lang(
    "python",
    _names("math", "min", "max"),
    "({a} if {c} else {b})",
    "{items}",
    "(bisect.bisect_right({table}, {u}) - 1)",
    "{table}[{index}]",
)
NP = Lang(
    "numpy",
    _names("np", "np.minimum", "np.maximum"),
    "np.where({c}, {a}, {b})",
    "np.array({items})",
    "(np.searchsorted({table}, {u}, side='right') - 1)",
    "{table}[{index}]",
)
JNP = Lang(
    "jax",
    _names("jnp", "jnp.minimum", "jnp.maximum"),
    "jnp.where({c}, {a}, {b})",
    "jnp.array({items})",
    "(jnp.searchsorted({table}, {u}, side='right') - 1)",
    "{table}[{index}]",
)
KERAS = Lang(
    "keras",
    _names("ops", "ops.minimum", "ops.maximum"),
    "ops.where({c}, {a}, {b})",
    "ops.convert_to_tensor({items})",
    "(ops.searchsorted({table}, {u}, side='right') - 1)",
    "ops.take({table}, {index})",
)
LANGS = {lang.name: lang for lang in (PY, NP, JNP, KERAS)}


def sorted_unique(steps: NDArray[np.int64]) -> NDArray[np.int64]:
    """``steps`` (already sorted) without repeats: neighbours compared, nothing hashed.

    On sorted input this is several times faster than ``np.unique``, which hashes.
    """
    keep = np.empty(steps.size, dtype=bool)
    keep[:1] = True
    np.not_equal(steps[1:], steps[:-1], out=keep[1:])
    return steps[keep]


class Node:
    """A piece of a schedule over local steps ``0 <= u <= length``."""

    length: float

    def code(self, lang: Lang, u: str) -> str:
        """The value at local step ``u`` as an expression in ``lang``."""
        raise NotImplementedError

    def latex(self, u: str) -> str:
        """The value at local step ``u`` in LaTeX."""
        raise NotImplementedError

    def values(self, u: Array) -> Array:
        """The values at an array of local steps in ``[0, length]``."""
        return _compiled(self)(u)

    def marks(self, limit: int) -> NDArray[np.int64]:
        """Local steps where the curve has a kink or jump (restarts, drops).

        At most about ``limit`` of them: a piece with more thins them evenly.
        """
        return np.empty(0, dtype=np.int64)

    def optax(self) -> str | None:
        """optax's own schedule for this piece over its local step, if it has one."""
        return None


def _compiled(node: Node) -> Callable[[Array], Array]:
    return _compile_numpy(node.code(NP, "u"))


@functools.lru_cache(maxsize=4096)
def _compile_numpy(source: str) -> Callable[[Array], Array]:
    # Compiling costs ~40 µs; the same text recurs whenever a schedule is rebound.
    code = compile(f"lambda u: {source}", "<dynweights>", "eval")
    return eval(code, {"np": np, "math": math})  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Leaf(Node):
    """A piece written once as a template; ``tex`` is its LaTeX over ``{u}``."""

    template: str
    tex: str
    length: float = math.inf
    native_optax: str | None = None
    settle: str | None = None  # the exact value from local step ``length`` on
    phase: tuple[str, float, float, float, float] | None = None  # shape, start, end, steps, a
    marker: Callable[[int], NDArray[np.int64]] | None = field(default=None, compare=False)
    # What the piece is, for ``dynweights.sums``: a kind and its numbers, as
    # ``phase`` is for a phase (which needs no form).
    form: tuple[Any, ...] | None = field(default=None, compare=False)

    def code(self, lang: Lang, u: str) -> str:
        body = lang.format(self.template, u)
        if self.settle is None:
            return body
        return lang.select(f"{u} < {num(_plain(self.length))}", body, self.settle)

    def latex(self, u: str) -> str:
        return self.tex.replace("{u}", u)

    def values(self, u: Array) -> Array:
        out = _compiled(self)(u)
        if np.ndim(out) == 0:  # a constant piece
            return np.full_like(u, float(out))
        return np.asarray(out, dtype=np.float64)

    def marks(self, limit: int) -> NDArray[np.int64]:
        return self.marker(limit) if self.marker else np.empty(0, dtype=np.int64)

    def optax(self) -> str | None:
        return self.native_optax


@dataclass(frozen=True)
class Join(Node):
    """Pieces end to end: piece ``i`` covers ``[b_i, b_{i+1})`` and sees ``u - b_i``.

    The last piece covers everything from its start on. ``inclusive`` puts each
    boundary step in the piece *before* it instead (``u <= b``), as PyTorch's
    one-cycle does for its peak.
    """

    pieces: tuple[Node, ...]
    boundaries: tuple[float, ...]  # the starts of pieces 1..n-1, increasing
    inclusive: bool = False
    native_optax: str | None = None  # optax's own schedule for the whole join, if any

    @property
    def length(self) -> float:  # type: ignore[override]
        return self.boundaries[-1] + self.pieces[-1].length if self.boundaries else math.inf

    def _starts(self) -> list[float]:
        return [0.0, *self.boundaries]

    def _ends(self) -> list[float]:
        return [*self.boundaries, self.boundaries[-1] + self.pieces[-1].length]

    @functools.cached_property
    def _level_array(self) -> NDArray[np.float64] | None:
        levels = self._levels()
        return None if levels is None else np.array(levels, dtype=np.float64)

    def _levels(self) -> list[float] | None:
        """Each piece's value, if every piece is a constant (multistep's steps)."""
        if self.inclusive:
            return None
        levels = []
        for piece in self.pieces:
            shape = getattr(piece, "phase", None)
            if shape is None or shape[0] != "constant":
                return None
            levels.append(shape[1])
        return levels

    def code(self, lang: Lang, u: str) -> str:
        starts, ends = self._starts(), self._ends()
        levels = self._levels()
        if levels is not None:
            # A table lookup stays flat however many pieces there are; a chain of
            # conditions nests one level per piece, and Python's parser stops at 200.
            return lang.at(levels, lang.interval(starts, u))
        local = [u if start == 0 else f"({u} - {num(_plain(start))})" for start in starts]
        if lang is not PY:
            # Array targets evaluate every branch: keep each piece in its own
            # domain, so no piece divides 0 by 0 or overflows outside it.
            local = [
                lang.min(lang.max(loc, "0.0"), num(_plain(end - start)))
                if math.isfinite(end - start)
                else lang.max(loc, "0.0")
                for loc, start, end in zip(local, starts, ends, strict=True)
            ]
        op = "<=" if self.inclusive else "<"
        out = self.pieces[-1].code(lang, local[-1])
        for piece, loc, bound in reversed(
            list(zip(self.pieces[:-1], local[:-1], self.boundaries, strict=True))
        ):
            out = lang.select(f"{u} {op} {num(_plain(bound))}", piece.code(lang, loc), out)
        return out

    def latex(self, u: str) -> str:
        starts = self._starts()
        rows = []
        op, after = (r"\le", ">") if self.inclusive else ("<", r"\ge")
        for i, piece in enumerate(self.pieces):
            start = starts[i]
            local = u if start == 0 else f"({u} - {tex_num(start)})"
            if i < len(self.boundaries):
                cond = f"{u} {op} {tex_num(self.boundaries[i])}"
            else:
                cond = f"{u} {after} {tex_num(start)}"
            rows.append(f"{piece.latex(local)} & {cond}")
        return r"\begin{cases} " + r" \\ ".join(rows) + r" \end{cases}"

    def values(self, u: Array) -> Array:
        starts, ends = self._starts(), self._ends()
        out = np.empty_like(u)
        side: Literal["left", "right"] = "left" if self.inclusive else "right"
        index = np.searchsorted(np.array(self.boundaries, dtype=np.float64), u, side=side)
        # Sorted steps (the usual arange) make each piece a slice: no gather.
        # Only the pieces the steps fall in are visited: a few steps of a join of
        # 1,000 pieces (multistep milestones) cost a few pieces, not 1,000.
        if u.ndim == 1 and u.size > 1 and bool(np.all(index[1:] >= index[:-1])):
            first, last = int(index[0]), int(index[-1])
            cuts = np.searchsorted(index, np.arange(first, last + 2))
            for i in range(first, last + 1):
                lo, hi = int(cuts[i - first]), int(cuts[i - first + 1])
                if lo < hi:
                    part = u[lo:hi] - starts[i] if starts[i] else u[lo:hi]
                    out[lo:hi] = self.pieces[i].values(np.clip(part, 0.0, ends[i] - starts[i]))
            return out
        for i in np.unique(index).tolist():
            mask = index == i
            part = u[mask] - starts[i] if starts[i] else u[mask]
            out[mask] = self.pieces[i].values(np.clip(part, 0.0, ends[i] - starts[i]))
        return out

    def marks(self, limit: int) -> NDArray[np.int64]:
        parts = [np.array([math.ceil(b) for b in self.boundaries], dtype=np.int64)]
        for start, piece in zip(self._starts(), self.pieces, strict=True):
            inner = piece.marks(limit)
            if inner.size:
                parts.append(inner + math.ceil(start))
        return np.unique(np.concatenate(parts))

    def optax(self) -> str | None:
        if self.native_optax is not None or self.inclusive:
            return self.native_optax
        shapes = [getattr(p, "phase", None) for p in self.pieces]
        if len(shapes) == 2 and shapes[0] and shapes[1] and self.pieces[1].optax():
            (rise, start, peak, warmup, _), (fall, top, floor, steps, _) = shapes[0], shapes[1]
            if (rise, fall) == ("linear", "cosine") and peak == top > 0:
                return (
                    "optax.warmup_cosine_decay_schedule(\n"
                    f"    init_value={num(start)}, peak_value={num(peak)}, "
                    f"warmup_steps={num(_plain(warmup))},\n"
                    f"    decay_steps={num(_plain(warmup + steps))}, end_value={num(floor)},\n)"
                )
        parts = [piece.optax() or _jnp_lambda(piece) for piece in self.pieces]
        bounds = ", ".join(num(_plain(b)) for b in self.boundaries)
        inner = ",\n".join(f"        {p}" for p in parts)
        return f"optax.join_schedules(\n    [\n{inner},\n    ],\n    [{bounds}],\n)"


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


def _jnp_lambda(piece: Node) -> str:
    return f"lambda u: {piece.code(JNP, 'u')}"


def join(pieces: Sequence[Node], lengths: Sequence[float], inclusive: bool = False) -> Node:
    """Joins pieces end to end: piece ``i`` lasts ``lengths[i]`` steps, the last goes on.

    ``lengths`` has one entry fewer than ``pieces``; pieces of length 0 are dropped.
    """
    kept = [(p, n) for p, n in zip(pieces[:-1], lengths, strict=True) if n > 0]
    if not kept:
        return pieces[-1]
    bounds = np.cumsum([n for _, n in kept], dtype=np.float64)
    return Join((*(p for p, _ in kept), pieces[-1]), tuple(float(b) for b in bounds), inclusive)


def shaped(shape: str, start: float, end: float, steps: float, power: float = 1.0) -> Leaf:
    """One phase from ``start`` to ``end`` over ``steps`` local steps, ``p = u / steps``.

    The value is ``start + (end - start) f(p)`` (see ``dynweights.phases``). A
    decreasing cosine or 1-sqrt phase is computed from its end,
    ``end + (start - end) (1 - f(p))``, the order PyTorch and Hugging Face use,
    so a decay lands on its floor exactly. Every phase stays between its start
    and its end: rounding never steps outside.
    """
    leaf = _shaped(shape, start, end, steps, power)
    return dataclasses.replace(leaf, phase=(shape, start, end, steps, power))


def _shaped(shape: str, start: float, end: float, steps: float, power: float) -> Leaf:
    s, e, n = num(start), num(end), num(_plain(steps))
    rising = end >= start
    span = num(end - start) if rising else num(start - end)
    low, high = (s, e) if rising else (e, s)
    p = f"({{u}} / {n})"
    clamp = "{maximum}({minimum}(%s, " + high + "), " + low + ")"
    ts, te, tn = tex_num(start), tex_num(end), tex_num(steps)
    tp = r"\frac{{u}}{" + tn + "}"
    if shape == "constant":
        return Leaf(s, ts, steps, f"optax.constant_schedule({s})")
    # From 0, f(p) in [0, 1] times the end stays within [0, end] and is exactly
    # end at p = 1, with no clamp: fewer passes over the array, the same bits.
    from_zero = (start == 0.0 and rising) or (start == 0.0 and shape == "power")
    if from_zero and shape in ("linear", "1-sqrt", "1-square", "power"):
        powered = {
            "linear": p,
            "1-sqrt": f"{{sqrt}}{p}",
            "1-square": f"({p} * {p})",
        }.get(shape, f"{p} ** {num(power)}")
        a = {"linear": 1.0, "1-sqrt": 0.5, "1-square": 2.0}.get(shape, power)
        tpow = tp if shape == "linear" else r"\left(" + tp + r"\right)^{" + tex_num(a) + "}"
        native = f"optax.linear_schedule({s}, {e}, {n})" if shape == "linear" else None
        return Leaf(f"{e} * {powered}", te + r" \cdot " + tpow, steps, native)
    if from_zero and shape == "cosine":
        cos = f"{{cos}}({{pi}} * {{u}} / {n})"
        tex = te + r" \cdot \frac{1 - \cos\frac{\pi {u}}{" + tn + "}}{2}"
        return Leaf(f"{e} * ((1 - {cos}) / 2)", tex, steps)
    if shape == "linear":
        body = f"{s} + {num(end - start)} * {p}"
        bound = "{minimum}" if rising else "{maximum}"
        tex = ts + " + " + tex_num(end - start) + r" \cdot " + tp
        linear = f"optax.linear_schedule({s}, {e}, {n})"
        # start + (end - start) * 1 can round an ulp off ``end`` (0.3 + 0.7 is
        # 1.0000000000000002): never leave the segment, and land on ``end`` exactly.
        return Leaf(f"{bound}({body}, {e})", tex, steps, linear, settle=e)
    if shape == "cosine":
        cos = f"{{cos}}({{pi}} * {{u}} / {n})"
        tcos = r"\cos\frac{\pi {u}}{" + tn + "}"
        if rising:
            body = f"{s} + {span} * ((1 - {cos}) / 2)"
            tex = ts + " + " + tex_num(end - start) + r" \cdot \frac{1 - " + tcos + "}{2}"
            return Leaf(f"{{minimum}}({body}, {high})", tex, steps)
        body = f"{e} + {span} * ((1 + {cos}) / 2)"
        tex = te + " + " + tex_num(start - end) + r" \cdot \frac{1 + " + tcos + "}{2}"
        native = (
            f"optax.cosine_decay_schedule({s}, {n}, alpha={num(end / start)})" if start else None
        )
        return Leaf(f"{{minimum}}({body}, {high})", tex, steps, native)
    if shape in ("1-sqrt", "1-square", "power"):
        a = {"1-sqrt": 0.5, "1-square": 2.0}.get(shape, power)
        powered = {"1-sqrt": f"{{sqrt}}{p}", "1-square": f"({p} * {p})"}.get(
            shape, f"{p} ** {num(a)}"
        )
        tpow = r"\left(" + tp + r"\right)^{" + tex_num(a) + "}"
        if rising or shape == "power":
            body = f"{s} + {num(end - start)} * {powered}"
            tex = ts + " + " + tex_num(end - start) + r" \cdot " + tpow
        else:
            body = f"{e} + {span} * (1 - {powered})"
            tex = te + " + " + tex_num(start - end) + r" \cdot \left(1 - " + tpow + r"\right)"
        return Leaf(clamp % body, tex, steps)
    if shape == "exponential":
        body = f"{s} * {num(end / start)} ** {p}"
        tex = ts + r" \cdot " + tex_num(end / start) + "^{{u} / " + tn + "}"
        return Leaf(clamp % body, tex, steps)
    raise ValueError(f"unknown shape {shape!r}")


def python_function(tree: Node, total_steps: int, doc: str) -> str:
    """``def schedule(step)``: the tree as plain Python with ``math``, held after T."""
    body = tree.code(PY, "t")
    return (
        f"def schedule(step: float) -> float:\n"
        f'    """{doc} Steps past {total_steps} hold."""\n'
        f"    t = min(step, {num(total_steps)})\n"
        f"    return {body}\n"
    )


# numpy's vectorised pow and exp round apart from libm's by an ulp or more, and
# 1 - exp(-x) or gamma ** t magnify that, as 1 - tanh(x) does tanh's; cos, sqrt
# and arithmetic agree.
_LIBM_DIFFERS = ("**", "math.exp(", "math.tanh(")


def scalar_function(tree: Node, total_steps: int) -> Callable[[float], float]:
    """The tree compiled to one Python function of a checked step.

    It uses plain ``math`` where that stays within 1 ulp of the numpy path;
    a tree with powers or exponentials evaluates a one-element array instead.
    """
    body = tree.code(PY, "t")
    if any(marker in body for marker in _LIBM_DIFFERS):
        values, total = tree.values, float(total_steps)

        def via_numpy(step: float) -> float:
            return float(values(np.array([min(step, total)], dtype=np.float64))[0])

        return via_numpy
    return _compile_scalar(body, num(total_steps))


@functools.lru_cache(maxsize=4096)
def _compile_scalar(body: str, total: str) -> Callable[[float], float]:
    source = f"def scalar(step):\n    t = min(step, {total})\n    return float({body})\n"
    namespace: dict[str, Any] = {"math": math, "bisect": bisect}
    exec(compile(source, "<dynweights>", "exec"), namespace)
    return namespace["scalar"]  # type: ignore[no-any-return]


def formula(family: str, tree: Node) -> str:
    """The schedule as LaTeX: ``w_t = ...`` for a weight, ``\\eta_t = ...`` for a rate."""
    return ("w_t = " if family == "weight" else r"\eta_t = ") + tree.latex("t")


# The functions an expression leaf may call, by their ``math`` name: how numpy,
# jax.numpy and keras.ops spell them (``np.arctan``, not ``np.atan``).
EXPR_FUNCTIONS = {
    "cos": "cos",
    "sin": "sin",
    "tan": "tan",
    "acos": "arccos",
    "asin": "arcsin",
    "atan": "arctan",
    "cosh": "cosh",
    "sinh": "sinh",
    "tanh": "tanh",
    "exp": "exp",
    "expm1": "expm1",
    "log": "log",
    "log1p": "log1p",
    "log2": "log2",
    "log10": "log10",
    "sqrt": "sqrt",
    "floor": "floor",
    "ceil": "ceil",
    "fabs": "abs",
}
_PREFIX = {"python": "math", "numpy": "np", "jax": "jnp", "keras": "ops"}
_TEX_OPS = {"<": "<", "<=": r"\le", ">": ">", ">=": r"\ge", "==": "=", "!=": r"\ne"}

# An expression over the step, as nested tuples (``Expr.expr``):
#   ("num", 0.95)  ("var",)  ("const", "pi" | "e" | "tau")  ("neg", a)
#   ("bin", "+" | "-" | "*" | "/" | "//" | "%" | "**", a, b)
#   ("cmp", "<" | "<=" | ">" | ">=" | "==" | "!=", a, b)  ("if", cond, a, b)
#   ("call", "min" | "max" | "abs" | <a key of EXPR_FUNCTIONS>, a, ...)
ExprTree = tuple[Any, ...]


def expr_code(e: ExprTree, lang: Lang, u: str) -> str:
    """``e`` as an expression in ``lang``, every operation parenthesised."""
    kind = e[0]
    if kind == "num":
        return f"({num(e[1])})" if e[1] < 0 else num(e[1])
    if kind == "var":
        return u
    if kind == "const":
        return f"math.{e[1]}"
    if kind == "neg":
        return f"(-{expr_code(e[1], lang, u)})"
    if kind in ("bin", "cmp"):
        return f"({expr_code(e[2], lang, u)} {e[1]} {expr_code(e[3], lang, u)})"
    if kind == "if":
        c, a, b = (expr_code(x, lang, u) for x in e[1:])
        return lang.select(c, a, b)
    name, args = e[1], [expr_code(x, lang, u) for x in e[2:]]
    if name in ("min", "max"):
        pick = lang.min if name == "min" else lang.max
        out = args[0]
        for arg in args[1:]:
            out = pick(out, arg)
        return out
    if name == "abs" or name == "fabs":
        return (
            f"abs({args[0]})" if lang.name == "python" else f"{_PREFIX[lang.name]}.abs({args[0]})"
        )
    spelled = name if lang.name == "python" else EXPR_FUNCTIONS[name]
    return f"{_PREFIX[lang.name]}.{spelled}({args[0]})"


def expr_latex(e: ExprTree, u: str) -> str:
    """``e`` in LaTeX."""
    kind = e[0]
    if kind == "num":
        return tex_num(e[1])
    if kind == "var":
        return u
    if kind == "const":
        return {"pi": r"\pi", "e": "e", "tau": r"\tau"}[e[1]]
    if kind == "neg":
        return rf"-\left({expr_latex(e[1], u)}\right)"
    if kind == "if":
        c, a, b = (expr_latex(x, u) for x in e[1:])
        return rf"\begin{{cases}} {a} & {c} \\ {b} & \text{{otherwise}} \end{{cases}}"
    if kind in ("bin", "cmp"):
        op, a, b = e[1], expr_latex(e[2], u), expr_latex(e[3], u)
        if kind == "cmp":
            return f"{a} {_TEX_OPS[op]} {b}"
        if op == "/":
            return rf"\frac{{{a}}}{{{b}}}"
        if op == "//":
            return rf"\left\lfloor \frac{{{a}}}{{{b}}} \right\rfloor"
        if op == "**":
            return rf"\left({a}\right)^{{{b}}}"
        tex_op = {"+": "+", "-": "-", "*": r"\cdot", "%": r"\bmod"}[op]
        return rf"\left({a} {tex_op} {b}\right)"
    name, args = e[1], [expr_latex(x, u) for x in e[2:]]
    if name in ("abs", "fabs"):
        return rf"\left|{args[0]}\right|"
    if name == "sqrt":
        return rf"\sqrt{{{args[0]}}}"
    if name in ("floor", "ceil"):
        side = "floor" if name == "floor" else "ceil"
        return rf"\left\l{side} {args[0]} \right\r{side}"
    command = (
        rf"\{name}"
        if name in ("min", "max", "cos", "sin", "tan", "exp", "log", "tanh")
        else (rf"\operatorname{{{name}}}")
    )
    return rf"{command}\left({', '.join(args)}\right)"


@dataclass(frozen=True)
class Expr(Node):
    """A leaf written as an expression tree of the local step (a ``LambdaLR`` lambda).

    Unlike :class:`Leaf`, whose template is fixed text, an expression may hold
    conditional expressions, which each target spells its own way (``where``).
    numpy evaluates both branches of a condition; the branch not taken may
    divide by zero, so those warnings are silenced.
    """

    expr: ExprTree
    length: float = math.inf

    def code(self, lang: Lang, u: str) -> str:
        return expr_code(self.expr, lang, u)

    def latex(self, u: str) -> str:
        return expr_latex(self.expr, u)

    def values(self, u: Array) -> Array:
        with np.errstate(all="ignore"):
            out = np.asarray(_compiled(self)(u), dtype=np.float64)
        return np.full_like(u, float(out)) if out.ndim == 0 else out


@dataclass(frozen=True)
class Product(Node):
    """Factors multiplied, each over the same local step, left to right.

    ``ChainedScheduler`` of schedulers that each scale the learning rate: the
    learning rate times every scheduler's own factor.
    """

    factors: tuple[Node, ...]
    length: float = math.inf

    def code(self, lang: Lang, u: str) -> str:
        return "(" + " * ".join(f"({f.code(lang, u)})" for f in self.factors) + ")"

    def latex(self, u: str) -> str:
        def factor(f: Node) -> str:
            plain = isinstance(f, Leaf) and f.template.replace(".", "", 1).isdigit()
            return f.latex(u) if plain else rf"\left({f.latex(u)}\right)"

        return r" \cdot ".join(factor(f) for f in self.factors)

    def values(self, u: Array) -> Array:
        out = np.array(self.factors[0].values(u), dtype=np.float64)
        for factor in self.factors[1:]:
            out *= factor.values(u)
        return out

    def marks(self, limit: int) -> NDArray[np.int64]:
        parts = [f.marks(limit) for f in self.factors]
        return np.unique(np.concatenate(parts)) if parts else np.empty(0, dtype=np.int64)


@dataclass(frozen=True)
class Table(Node):
    """Values computed once, step by step: ``values[i]`` from step ``starts[i]`` on.

    For a recursion with no closed form (PyTorch's schedulers that rescale the
    learning rate another one has just set). Consecutive equal values are
    stored once, so a piecewise-constant recursion stays a short table. Every
    target prints it as a lookup in a literal table; LaTeX names it.
    """

    starts: tuple[float, ...]
    table: tuple[float, ...]
    what: str = "PyTorch's recursion"
    length: float = math.inf

    def code(self, lang: Lang, u: str) -> str:
        if len(self.table) == 1:
            return num(self.table[0])
        index = lang.interval(list(self.starts), u)
        return lang.at(list(self.table), index)

    def latex(self, u: str) -> str:
        return rf"\text{{{self.what}, tabulated at {len(self.table)} steps}}"

    def values(self, u: Array) -> Array:
        index = np.searchsorted(np.array(self.starts), u, side="right") - 1
        return np.array(self.table, dtype=np.float64)[index]


def table(values: Sequence[float], what: str = "PyTorch's recursion") -> Table:
    """A :class:`Table` of the values at steps 0, 1, 2, ..., runs stored once."""
    starts, kept = [0.0], [float(values[0])]
    for step, value in enumerate(values[1:], start=1):
        if value != kept[-1]:
            starts.append(float(step))
            kept.append(float(value))
    return Table(tuple(starts), tuple(kept), what)
