r"""Sums of a schedule over its steps, exact or with a guaranteed error bound.

``prefix_sum(s, t)`` is :math:`\sum_{k=0}^{t-1} s(k)` for each ``t`` and ``area(s)``
is that sum at ``t = total_steps`` (so the mean is ``area / total_steps``). Each comes
with a bound on its absolute error against the exact sum of the values that
``s.values`` returns, rounding of those values included. Nothing is sampled: the
schedule's tree is walked and every piece is summed over whole ranges of steps.

What is exact, in closed form, with an error of a few ulps of the terms summed:

- constant, linear, 1-square, cosine and exponential phases (so every family built
  of them: the cosine, linear and constant schedules with warmup, warmup-stable-decay
  with a linear, cosine or 1-square decay, one-cycle, multistep, the linear and cosine
  ramps, ``dynweights.phases`` of those shapes); a cosine sums as a Dirichlet kernel
  whose arguments are reduced exactly, as rationals, so a full cycle sums to its
  exact value however long it is;
- step and exponential decay (geometric series), the saturating exponential ramp;
- warm restarts per cycle (a full cosine cycle of ``C`` steps sums to
  ``(C + 1) / 2`` of its amplitude), then over cycles: identical cycles by count,
  decaying peaks as a geometric series, growing cycles one by one;
- cyclic learning rates in all three modes (a triangle sums to half its period; its
  halving or ``gamma ** t`` scale gives geometric and arithmetic-geometric series),
  hard restarts and cyclical annealing per cycle, with the few steps next to each
  restart whose side rounding decides read from the schedule itself.

What is bounded: every other smooth piece (power and 1-sqrt phases, polynomial
decay, inverse square root, inverse time decay, tanh, the sigmoid ramp, cosine with
``k_decay``). Such a piece is split at its inflection points (known in closed form)
into stretches where it is convex or concave, and those into blocks, uniform and
geometric towards both ends. On a block of ``h`` steps the sum lies within
``(h / 2 + 1) h ab / (a + b)`` of its chord, where ``a`` and ``b`` are how far the
first and last one-step slopes are from the chord's: a second-order bound. Blocks
are halved where the bound is largest until it is below ``GOAL`` (1e-7) of the
piece's sum of magnitudes, at most ``2**16`` points a piece.

Every bound also covers the float code's own rounding: a few ulps of each value,
more where the code itself magnifies it (``x = 1 + t / P - floor(...)`` in cyclic,
``(1 - t / T) ** a`` near ``T``). Over the explorer's parameter ranges at up to
10^9 steps the bound stays below 3e-7 of the area (1e-13 for closed forms), for
values in the normal float range: a schedule whose values are below 2**-1022
(``init_lr=5e-324``) gets an absolute bound of 64 * 2**-1074 per step instead.

Ranges of up to ``DIRECT`` steps, smooth pieces of up to 4,096, and the steps next
to a jump are summed from the schedule's own values with ``math.fsum``. A piece of a
kind this module does not know is summed step by step: slow for long runs, but exact.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dynweights._bound import Bound
from dynweights._checks import fail
from dynweights._tree import Array, Join, Leaf, Node
from dynweights.lr import Restarts

Sum = tuple[float, float]  # a value and a bound on its absolute error

EPS = 2.0**-52
DIRECT = 64  # ranges this short are summed from the values themselves
_UNIFORM = 256  # uniform blocks of a smooth piece, at first
_GROWTH = 1.0 / 8  # geometric blocks towards a smooth piece's ends grow by this, at first
_SMOOTH_DIRECT = 4096  # a smooth piece this short is summed from its values
GOAL = 1e-7  # blocks are halved until a smooth piece's bound is below this of its size
_MAX_POINTS = 2**16
_CHUNK = 2**20  # the step-by-step fallback evaluates this many steps at a time
# The step-by-step fallback refuses more steps than this (about a second of numpy):
# a piece with no closed form (a torch lambda, say) over 10^9 steps has no sum here.
DIRECT_LIMIT = 2**24
_CYCLES = 2**20  # more cycles than this in one range: step by step


def prefix_sum(s: Bound, steps: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""The sums :math:`\sum_{k=0}^{t-1} s(k)` for each ``t`` in ``steps``, and their bounds.

    Steps past ``total_steps`` hold the value at ``total_steps``, as ``s`` does.

    Args:
      s: a bound schedule.
      steps: an integer ``t >= 0`` or an array of them.

    Returns:
      ``(sums, bounds)``, float64 arrays of the shape of ``steps``: each bound is a
      guaranteed bound on ``|sum - exact|``, where ``exact`` is the exact sum of the
      float64 values ``s.values`` gives at steps ``0..t-1``.

    Raises:
      ValueError: if a step is not an integer ``>= 0``.

    >>> import dynweights
    >>> s = dynweights.schedule("linear", total_steps=100, max_weight=2.0)
    >>> sums, bounds = prefix_sum(s, [0, 100])
    >>> sums.tolist(), bool(bounds[1] < 1e-12)
    ([0.0, 99.0], True)
    """
    t = np.asarray(steps)
    if t.dtype.kind == "f" and np.all(np.isfinite(t)) and np.all(t == np.floor(t)):
        t = t.astype(np.int64)
    if t.dtype.kind not in "iu" or (t.size and int(t.min()) < 0):
        fail("steps", "integers >= 0", steps)
    walk = _Walk(s)
    sums = np.empty(t.shape, dtype=np.float64)
    bounds = np.empty(t.shape, dtype=np.float64)
    for index, step in np.ndenumerate(t):
        sums[index], bounds[index] = walk.prefix(int(step))
    return sums, bounds


def area(s: Bound, until: int | None = None) -> Sum:
    """The sum of ``s`` over steps ``0..until - 1`` (``until`` defaults to ``total_steps``).

    Returns ``(area, bound)`` with ``|area - exact| <= bound``; see ``prefix_sum``.

    >>> import dynweights
    >>> s = dynweights.schedule("cosine_warm_restarts", total_steps=10**9,
    ...                         cycle_steps=1000, init_lr=0.1)
    >>> value, bound = area(s)
    >>> round(value / s.total_steps, 8), bool(bound < 1e-6 * value)
    (0.05005, True)
    """
    end = s.total_steps if until is None else until
    if isinstance(end, bool) or not isinstance(end, int | np.integer) or end < 0:
        fail("until", "an integer >= 0", until)
    return _Walk(s).prefix(int(end))


@dataclass
class _Acc:
    """Terms and their bounds, added exactly at the end."""

    values: list[float] = field(default_factory=list)
    bounds: list[float] = field(default_factory=list)

    def add(self, value: float, bound: float = 0.0) -> None:
        self.values.append(value)
        self.bounds.append(bound)

    def extend(self, part: Sum) -> None:
        self.add(*part)

    def total(self) -> Sum:
        value = math.fsum(self.values)
        # fsum rounds once; the bounds' own sum is rounded up; a term's last operations
        # may have rounded below 2**-1022, by a fixed amount each.
        bound = math.fsum(self.bounds) * (1 + 8 * EPS) + EPS * abs(value)
        return value, bound + 2.0**-1065 * len(self.values)


@dataclass(frozen=True)
class _Span:
    """Steps ``t0 .. t0 + n - 1`` of the whole schedule, as one piece sees them.

    The piece's local step is ``min((t - whole) - part, clip)``, as ``Join`` computes
    it: ``whole`` is an integer, ``part`` a float offset (a boundary that is not an
    integer, as one-cycle's peak).
    """

    t0: int
    n: int
    whole: int
    part: float
    clip: float

    @property
    def x0(self) -> float:
        """The piece's local step at ``t0``."""
        return float(self.t0 - self.whole) - self.part

    @property
    def exact(self) -> bool:
        """Whether local steps are integers, ``t - whole`` exactly."""
        return self.part == 0.0


class _Walk:
    """One walk over a schedule's tree; sums of whole pieces are kept for other ``t``."""

    def __init__(self, s: Bound) -> None:
        self.s = s
        self.root = s.tree.values
        self.memo: dict[tuple[int, int, int, int, float], Sum] = {}

    def prefix(self, t: int) -> Sum:
        total = self.s.total_steps
        inside = min(t, total + 1)
        acc = _Acc()
        acc.extend(self.sum(self.s.tree, _Span(0, inside, 0, 0.0, math.inf)))
        if t > inside:  # held at the value at total_steps
            last = float(self.root(np.array([float(total)]))[0]) * (t - inside)
            acc.add(last, EPS * abs(last))
        # Values near 2**-1074 round by a fixed amount, not a fraction of themselves.
        acc.add(0.0, 64 * 2.0**-1074 * (t + 1))
        return acc.total()

    def direct(self, t0: int, n: int) -> Sum:
        """Every step's value from the schedule itself.

        Raises:
          ValueError: past ``DIRECT_LIMIT`` steps, saying there is no closed form.
        """
        if n > DIRECT_LIMIT:
            raise ValueError(
                f"no closed form for a piece of this schedule: its {n:,} steps would be "
                f"summed one by one, over the limit of {DIRECT_LIMIT:,}"
            )
        acc = _Acc()
        for start in range(t0, t0 + n, _CHUNK):
            steps = np.arange(start, min(start + _CHUNK, t0 + n), dtype=np.float64)
            value = math.fsum(self.root(steps).tolist())
            acc.add(value, EPS * abs(value))
        return acc.total()

    def points(self, span: _Span, offsets: NDArray[np.int64]) -> Array:
        """The schedule at ``t0 + offsets``: the values themselves, exactly."""
        return self.root(span.t0 + offsets.astype(np.float64))

    def sum(self, node: Node, span: _Span) -> Sum:
        if span.n <= 0:
            return 0.0, 0.0
        key = (id(node), span.t0, span.n, span.whole, span.part)
        if key not in self.memo:
            self.memo[key] = self._sum(node, span)
        return self.memo[key]

    def _sum(self, node: Node, span: _Span) -> Sum:
        if span.n <= DIRECT:
            return self.direct(span.t0, span.n)
        if math.isfinite(span.clip):  # the steps past the piece's end hold its last value
            first = _first_above(span, span.clip)
            if first < span.t0 + span.n:
                acc = _Acc()
                acc.extend(self.sum(node, _Span(span.t0, first - span.t0, *_frame(span))))
                held = float(node.values(np.array([span.clip]))[0]) * (span.t0 + span.n - first)
                acc.add(held, EPS * abs(held))
                return acc.total()
        if isinstance(node, Join) and span.exact:
            return self._join(node, span)
        if isinstance(node, Restarts) and span.exact:
            return _restarts(node, span)
        if isinstance(node, Leaf):
            return self._leaf(node, span)
        return self.direct(span.t0, span.n)

    def _join(self, node: Join, span: _Span) -> Sum:
        starts = [0.0, *node.boundaries]
        ends = [*node.boundaries, node.boundaries[-1] + node.pieces[-1].length]
        # The first local step of each piece: u > b (inclusive) or u >= b.
        firsts = [0] + [
            math.floor(b) + 1 if node.inclusive else math.ceil(b) for b in node.boundaries
        ]
        acc = _Acc()
        stop = span.t0 + span.n
        for i, piece in enumerate(node.pieces):
            lo = max(span.t0, span.whole + firsts[i])
            hi = stop if i == len(node.pieces) - 1 else min(stop, span.whole + firsts[i + 1])
            if hi <= lo:
                continue
            whole, part = (span.whole + int(starts[i]), 0.0)
            if not float(starts[i]).is_integer():
                whole, part = span.whole, starts[i]
            clip = ends[i] - starts[i]
            acc.extend(self.sum(piece, _Span(lo, hi - lo, whole, part, clip)))
        return acc.total()

    def _leaf(self, leaf: Leaf, span: _Span) -> Sum:
        form = leaf.form or leaf.phase
        if form is None:
            return self.direct(span.t0, span.n)
        if leaf.settle is not None and math.isfinite(leaf.length):
            # From local step ``length`` on the piece is its settled value.
            first = _first_at_least(span, leaf.length)
            if first < span.t0 + span.n:
                acc = _Acc()
                acc.extend(self._leaf_form(leaf, form, _cut(span, first)))
                acc.extend(self.direct_held(first, span.t0 + span.n - first))
                return acc.total()
        return self._leaf_form(leaf, form, span)

    def direct_held(self, t0: int, n: int) -> Sum:
        """``n`` steps from ``t0`` that all hold the value at ``t0``."""
        if n <= 0:
            return 0.0, 0.0
        value = float(self.root(np.array([float(t0)]))[0]) * n
        return value, EPS * abs(value)

    def _leaf_form(self, leaf: Leaf, form: tuple[Any, ...], span: _Span) -> Sum:
        if span.n <= DIRECT:
            return self.direct(span.t0, span.n)
        kind, args = form[0], form[1:]
        if kind in _PHASES:
            return _phase(self, leaf, span, kind, *args)
        if not span.exact or kind not in _FORMS:
            return self.direct(span.t0, span.n)
        return _FORMS[kind](self, leaf, span, *args)


def _frame(span: _Span) -> tuple[int, float, float]:
    return span.whole, span.part, span.clip


def _cut(span: _Span, stop: int) -> _Span:
    return _Span(span.t0, stop - span.t0, *_frame(span))


def _first_where(span: _Span, holds: Callable[[float], bool], guess: float) -> int:
    """The first step ``t >= t0`` whose local step satisfies ``holds`` (monotone in t)."""
    t = max(span.t0, math.floor(guess) - 2)
    while not holds(float(t - span.whole) - span.part) and t < span.t0 + span.n:
        t += 1
    return t


def _first_above(span: _Span, clip: float) -> int:
    return _first_where(span, lambda u: u > clip, span.whole + span.part + clip)


def _first_at_least(span: _Span, length: float) -> int:
    return _first_where(span, lambda u: u >= length, span.whole + span.part + length)


# --- closed forms -------------------------------------------------------------------


def _cospi(p: int, d: int) -> float:
    """``cos(pi p / d)`` for integers, ``d > 0``, to 3 ulps: the argument is reduced exactly."""
    p %= 2 * d
    k = (4 * p + d) // (2 * d)  # the nearest multiple of 1/2 to p / d, times 2
    x = math.pi * ((2 * p - k * d) / (2 * d))  # |x| <= pi / 4
    return (math.cos(x), -math.sin(x), -math.cos(x), math.sin(x))[k % 4]


def _sinpi(p: int, d: int) -> float:
    return _cospi(2 * p - d, 2 * d)


def _cos_sum_exact(p0: int, n: int, d: int) -> Sum:
    """``sum(cos(pi (p0 + j) / d) for j < n)`` for integers: the Dirichlet kernel.

    ``sin(pi n / 2d) / sin(pi / 2d) * cos(pi (2 p0 + n - 1) / 2d)``: three factors, each
    to 3 ulps relative, so the sum is to 12 ulps of itself, without cancellation.
    """
    value = _sinpi(n, 2 * d) / _sinpi(1, 2 * d) * _cospi(2 * p0 + n - 1, 2 * d)
    return value, 12 * EPS * abs(value)


def _cos_sum_float(a: float, b: float, n: int) -> Sum:
    """``sum(cos(a + j b) for j < n)`` for float angles, with an absolute bound."""
    half = math.sin(b / 2)
    if half == 0.0:
        value = n * math.cos(a)
    else:
        value = math.sin(n * b / 2) / half * math.cos(a + (n - 1) * b / 2)
    return value, EPS * n * (4 * abs(a) + 4 * n * abs(b) + 16)


def _power_sums(x0: float, n: int) -> tuple[float, float]:
    """``sum(x0 + j)`` and ``sum((x0 + j) ** 2)`` for ``j < n``; exact integers if ``x0`` is."""
    if float(x0).is_integer():
        a = int(x0)
        first = n * a + n * (n - 1) // 2
        second = n * a * a + a * n * (n - 1) + (n - 1) * n * (2 * n - 1) // 6
        return float(first), float(second)
    first_f = n * x0 + n * (n - 1) / 2
    second_f = n * x0 * x0 + x0 * n * (n - 1) + (n - 1) * n * (2 * n - 1) / 6
    return first_f, second_f


def _geometric(q: float, a: int, m: int) -> Sum:
    """``sum(q ** k for a <= k < a + m)`` for ``0 < q <= 1``, to 12 ulps."""
    if m <= 0:
        return 0.0, 0.0
    if q == 0.0:  # q ** k underflowed: below 2 ** -1074 for every k >= 1
        return (1.0 if a == 0 else 0.0), 1e-300
    if q == 1.0:
        return float(m), EPS * m
    log_q = math.log(q)
    value = math.pow(q, a) * (math.expm1(m * log_q) / math.expm1(log_q))
    return value, 12 * EPS * abs(value)


def _geometric_sums(x: float, m: int) -> tuple[float, float, float]:
    """``S0 = sum(e^(-x k))`` and ``S1 = sum(k e^(-x k))`` over ``k < m``, ``x >= 0``,
    and the relative error bound of ``S1``.

    ``S1 = S0 mu``, with the mean ``mu = (f(x) - f(m x)) / x``, ``f(y) = y / (e^y - 1)``;
    for ``m x <= 0.1`` its Bernoulli series, which cannot cancel.
    """
    if x == 0.0:
        return float(m), m * (m - 1) / 2, 4 * EPS
    s0 = math.expm1(-m * x) / math.expm1(-x)
    y = m * x
    if y <= 0.1:
        mu = (
            (m - 1) / 2
            - (m * m - 1) * x / 12
            + (m**4 - 1) * x**3 / 720
            - (m**6 - 1) * x**5 / 30240
            + (m**8 - 1) * x**7 / 1209600
        )
        return s0, s0 * mu, 32 * EPS

    def f(v: float) -> float:
        return v / math.expm1(v) if v < 700 else 0.0

    mu = (f(x) - f(y)) / x
    return s0, s0 * mu, 512 * EPS


# --- phases and the family's own pieces -----------------------------------------------

_PHASES = ("constant", "linear", "cosine", "1-square", "exponential", "1-sqrt", "power")


def _phase(
    walk: _Walk,
    leaf: Leaf,
    span: _Span,
    shape: str,
    start: float,
    end: float,
    steps: float,
    power: float,
) -> Sum:
    """``start + (end - start) f(u / steps)`` over the span: exact but for power and 1-sqrt."""
    n, x0 = span.n, span.x0
    size = abs(start) + abs(end)
    if shape in ("1-sqrt", "power"):
        if not span.exact:
            return walk.direct(span.t0, span.n)
        a = 0.5 if shape == "1-sqrt" else power
        return _smooth(walk, leaf, span, (), 0.0, (8.0 + 2 * a) * size)
    # The float evaluation's own rounding, per step, in units of EPS.
    per_step = (4 + 2 * abs(math.log(end / start)) if shape == "exponential" else 8.0) * size
    if not span.exact:  # t - boundary rounds: a shift of up to an ulp of t
        per_step += 2 * (span.t0 + n) * abs(end - start) * math.pi / steps
    acc = _Acc()
    acc.add(0.0, EPS * n * per_step)
    if shape == "constant":
        acc.add(n * start, EPS * n * abs(start))
    elif shape == "linear":  # (end - start) times a moderate number: nothing underflows
        first, _ = _power_sums(x0, n)
        terms = (n * start, (end - start) * (first / steps))
        for term in terms:
            acc.add(term, 4 * EPS * abs(term))
    elif shape == "1-square":
        _, second = _power_sums(x0, n)
        terms = (n * start, (end - start) * (second / steps / steps))
        for term in terms:
            acc.add(term, 4 * EPS * abs(term))
    elif shape == "cosine":
        if span.exact and float(steps).is_integer():
            cos, cos_error = _cos_sum_exact(int(x0), n, int(steps))
        else:
            cos, cos_error = _cos_sum_float(math.pi * x0 / steps, math.pi / steps, n)
        for level, sign in ((start, 1), (end, -1)):  # start (n + cos) / 2 + end (n - cos) / 2
            term = level * ((n + sign * cos) / 2)
            acc.add(term, 4 * EPS * abs(term) + abs(level) * cos_error / 2)
    elif shape == "exponential":
        ratio = end / start
        rate = math.log(ratio) / steps
        if rate == 0.0:
            value = n * start
        else:
            value = start * math.exp(rate * x0) * (math.expm1(n * rate) / math.expm1(rate))
        acc.add(value, EPS * (16 + 8 * abs(math.log(ratio))) * abs(value))
    return acc.total()


def _smooth(
    walk: _Walk,
    leaf: Leaf,
    span: _Span,
    inflections: Sequence[float],
    relative: float,
    absolute: float | Callable[[Array], Array],
) -> Sum:
    """A piece that is convex or concave between ``inflections`` (local steps), in blocks.

    ``relative`` and ``absolute`` bound the float evaluation's error per step:
    ``EPS (relative |value| + absolute)``.
    """
    x0 = int(span.x0)
    return _convex_blocks(
        lambda u: leaf.values(np.asarray(u, dtype=np.float64)),
        x0,
        span.n,
        [c - x0 for c in inflections],
        relative,
        absolute,
    )


def _convex_blocks(
    f: Callable[[NDArray[np.int64]], Array],
    x0: int,
    n: int,
    inflections: Sequence[float],
    relative: float,
    absolute: float | Callable[[Array], Array],
) -> Sum:
    """``sum(f(x0 + j) for j < n)`` for ``f`` convex or concave between ``inflections``
    (offsets from ``x0``), which may change its curvature nowhere else.

    ``relative`` and ``absolute`` bound the float evaluation's error per step:
    ``EPS (relative |value| + absolute)``; ``absolute`` may be a function of the step,
    monotone between block ends. Blocks start uniform and geometric towards
    both ends; those with the largest bounds are halved until the bound is below
    ``GOAL`` of the sum of magnitudes, or the piece has ``_MAX_POINTS`` points.
    """

    def at(offsets: NDArray[np.int64]) -> Array:
        return f(x0 + offsets)

    last = n - 1
    if n <= _SMOOTH_DIRECT:  # the values themselves
        total = math.fsum(at(np.arange(n, dtype=np.int64)).tolist())
        return total, EPS * abs(total)
    points = _grid(last, inflections)
    values = [at(points), at(np.minimum(points + 1, last)), at(np.maximum(points - 1, 0))]
    # Scaled by a power of 2 near 1, exactly, so that no difference or product below
    # underflows; values near 2**-1074 carry an error of their own quantum.
    top = float(np.max(np.abs(values[0])))
    scale = -math.frexp(top)[1] if top > 0 and math.isfinite(top) else 0
    values = [np.ldexp(v, scale) for v in values]

    def local(points: NDArray[np.int64]) -> Array:
        """Each block's absolute error per value, scaled: the larger of its two ends'."""
        if callable(absolute):
            ends = absolute((x0 + points).astype(np.float64))
            ends = np.maximum(ends[:-1], ends[1:])
        else:
            ends = np.full(points.size - 1, float(absolute))
        return np.ldexp(EPS * ends, scale) + math.ldexp(16.0, -1074 + scale)

    previous = math.inf
    while True:
        estimate, error = _blocks(points, values[0], values[1], values[2], relative, local(points))
        goal = GOAL * float(np.sum(np.abs(estimate)))
        total_error = float(np.sum(error))
        # In scaled units the largest value is about 1: 2**-900 is nothing. A bound that
        # halving no longer shrinks, or values near 2**-1074, is their own rounding.
        done = total_error <= max(goal, 2.0**-900) or total_error > 0.8 * previous
        if done or points.size >= _MAX_POINTS or top < 2.0**-1000:
            break
        previous = total_error
        # Halve the blocks that hold most of the bound.
        wide = np.diff(points) >= 4
        split = wide & (error > min(goal, total_error / 4) / error.size)
        if not split.any():
            break
        middles = (points[:-1][split] + points[1:][split]) // 2
        points = np.concatenate([points, middles])
        order = np.argsort(points, kind="stable")
        points = points[order]
        values = [
            np.concatenate([v, np.ldexp(at(np.clip(middles + d, 0, last)), scale)])[order]
            for v, d in zip(values, (0, 1, -1), strict=True)
        ]
    acc = _Acc()
    acc.add(math.fsum(estimate.tolist()), math.fsum(error.tolist()))
    acc.add(float(values[0][-1]))  # the last step
    value, bound = acc.total()
    # Scaling back is exact but where it lands below 2**-1022.
    return math.ldexp(value, -scale), math.ldexp(bound, -scale) + 2.0**-1074


def _blocks(
    points: NDArray[np.int64],
    here: Array,
    after: Array,
    before: Array,
    relative: float,
    absolute: Array,
) -> tuple[Array, Array]:
    """Each block's estimate and bound: steps ``points[i] <= j < points[i + 1]``, from the
    values at, after and before each point (convex or concave on each block).

    A value's error is at most ``EPS relative |value| + absolute``.
    """
    h = np.diff(points).astype(np.float64)
    a_, b_ = here[:-1], here[1:]
    a1, b1 = after[:-1], before[1:]
    mean = (b_ - a_) / h
    # How far the first and last one-step slopes are from the chord's: both >= 0 where
    # the piece is convex, both <= 0 where it is concave. Below the chord by at most
    # min(i first, (h - i) second) at step i.
    first, second = mean - (a1 - a_), (b_ - b1) - mean
    big = np.maximum(np.abs(a_), np.abs(b_))
    # The values' own error per step, so of the slopes (3 delta), with the tent's height.
    delta = 2 * (EPS * relative * (big + h * np.minimum(np.abs(first), np.abs(second))) + absolute)
    alpha, beta = np.abs(first) + 3 * delta, np.abs(second) + 3 * delta
    harmonic = alpha / (alpha + beta) * beta  # delta > 0, so no 0 / 0
    tent = (h / 2 + 1) * h * harmonic
    known = (np.sign(first) == np.sign(second)) & (np.abs(first) > 3 * delta)
    known &= np.abs(second) > 3 * delta
    chord = h * a_ + (b_ - a_) * (h - 1) / 2
    estimate = chord - np.where(known, np.sign(first) * tent / 2, 0.0)
    error = np.where(known, tent / 2, tent) + 2 * h * delta + 8 * EPS * h * big
    # Blocks of up to three steps are their values.
    exact = np.where(h == 1, a_, np.where(h == 2, a_ + a1, a_ + a1 + b1))
    estimate = np.where(h <= 3, exact, estimate)
    error = np.where(h <= 3, EPS * np.abs(estimate) + 2.0**-1072, error)
    return estimate, error


def _grid(last: int, inflections: Sequence[float]) -> NDArray[np.int64]:
    """Block starts in ``[0, last]``: uniform, geometric towards both ends, and the steps
    around each inflection point, so that no block of more than two steps holds one."""
    uniform = np.rint(np.linspace(0, last, _UNIFORM + 1))
    count = math.ceil(math.log1p(last) / math.log1p(_GROWTH)) + 1
    grown = np.floor(np.expm1(np.arange(count) * math.log1p(_GROWTH)))
    grown = grown[grown <= last]
    marks = [
        np.arange(math.floor(c) - 1, math.ceil(c) + 2)
        for c in inflections
        if -2 < c < last + 2 and math.isfinite(c)
    ]
    points = np.concatenate([uniform, grown, last - grown, *marks]).astype(np.int64)
    return np.unique(points[(points >= 0) & (points <= last)])


def _restarts(node: Restarts, span: _Span) -> Sum:
    """SGDR: ``floor + (P_i - floor) (1 + cos(pi j / C_i)) / 2`` in cycle ``i``."""
    peak, floor, decay = node.peak, node.floor, node.decay
    lo, hi = span.t0 - span.whole, span.t0 - span.whole + span.n
    acc = _Acc()
    weight = _Acc()  # sum of |floor| + peak_i over the steps: the values' rounding

    def partial(i: int, length: int, j0: int, count: int) -> None:
        top = peak * math.pow(decay, i)
        if j0 == 0 and count == length:
            cos, cos_error = 1.0, 0.0  # a whole cycle: sum(cos(pi j / C)) = 1 exactly
        else:
            cos, cos_error = _cos_sum_exact(j0, count, length)
        # floor (count - cos) / 2 + top (count + cos) / 2: no cancellation, |cos| <= count.
        for level, sign in ((floor, -1), (top, 1)):
            term = level * (count + sign * cos) / 2
            acc.add(term, 4 * EPS * abs(term) + abs(level) * cos_error / 2)
        weight.add(count * (abs(floor) + abs(top)))

    if node.mult == 1:
        size = node.cycle
        first, last = lo // size, (hi - 1) // size
        if first == last:
            partial(first, size, lo - first * size, hi - lo)
        else:
            partial(first, size, lo - first * size, (first + 1) * size - lo)
            partial(last, size, 0, hi - last * size)
            whole = last - first - 1
            if whole:
                tops, tops_error = _geometric(decay, first + 1, whole)
                tops, tops_error = peak * tops, peak * tops_error
                # A whole cycle sums to floor (C - 1) / 2 + P_i (C + 1) / 2.
                floors = whole * floor * (size - 1) / 2
                acc.add(floors, 4 * EPS * abs(floors))
                term = (size + 1) / 2 * tops
                acc.add(term, 4 * EPS * abs(term) + (size + 1) / 2 * tops_error)
                weight.add(whole * size * abs(floor) + size * tops)
    else:
        starts = node._starts()
        for i, (a, b) in enumerate(itertools.pairwise(starts)):
            if b <= lo or a >= hi:
                continue
            j0 = max(lo, a) - a
            partial(i, b - a, j0, min(hi, b) - a - j0)
    value, bound = acc.total()
    return value, bound + 32 * EPS * weight.total()[0]


def _step_decay(walk: _Walk, leaf: Leaf, span: _Span, peak: float, gamma: float, size: int) -> Sum:
    """``peak gamma^floor(u / size)``: stairs, a geometric series of whole ones."""
    lo, hi = int(span.x0), int(span.x0) + span.n
    acc = _Acc()
    first, last = lo // size, (hi - 1) // size
    if first == last:
        acc.extend(_scaled(_geometric(gamma, first, 1), peak * (hi - lo)))
    else:
        acc.extend(_scaled(_geometric(gamma, first, 1), peak * ((first + 1) * size - lo)))
        acc.extend(_scaled(_geometric(gamma, last, 1), peak * (hi - last * size)))
        acc.extend(_scaled(_geometric(gamma, first + 1, last - first - 1), peak * size))
    value, bound = acc.total()
    return value, bound + 8 * EPS * abs(value)


def _scaled(part: Sum, factor: float) -> Sum:
    value = part[0] * factor
    return value, abs(factor) * part[1] + EPS * abs(value)


def _exponential_decay(walk: _Walk, leaf: Leaf, span: _Span, peak: float, gamma: float) -> Sum:
    value, bound = _scaled(_geometric(gamma, int(span.x0), span.n), peak)
    return value, bound + 8 * EPS * abs(value)


def _saturating(walk: _Walk, leaf: Leaf, span: _Span, w: float, tau: float) -> Sum:
    """``(1 - e^(-u / tau)) w``: ``n w`` less a geometric series."""
    x0, n = span.x0, span.n
    decays = math.exp(-x0 / tau) * (math.expm1(-n / tau) / math.expm1(-1 / tau))
    acc = _Acc()
    acc.add(n * w, EPS * abs(n * w))
    acc.add(-decays * w, 16 * EPS * abs(decays * w))
    acc.add(0.0, 8 * EPS * n * abs(w))  # the values' rounding
    return acc.total()


def _cyclic(
    walk: _Walk,
    leaf: Leaf,
    span: _Span,
    base: float,
    top: float,
    up: int,
    down: int,
    mode: str,
    gamma: float,
) -> Sum:
    """Triangles: ``base + (top - base) h(j) scale``, cycle by cycle, in closed form.

    ``h`` rises as ``j / up`` and falls as ``(P - j) / down``; a whole cycle sums to
    ``P / 2`` of it. The scale is 1, ``2^-i`` in cycle ``i``, or ``gamma^u``, which is
    ``gamma^(i P)`` times ``gamma^j``: the cycles' weights form a geometric series.
    """
    period = up + down
    lo, hi = int(span.x0), int(span.x0) + span.n
    ratio = gamma if mode == "exp_range" else 1.0  # the scale's factor per step in a cycle

    def weight(i: int) -> float:
        if mode == "triangular":
            return 1.0
        return math.pow(0.5, i) if mode == "triangular2" else math.pow(gamma, i * period)

    acc, slopes = _Acc(), _Acc()
    first, last = lo // period, (hi - 1) // period
    if first == last:
        cycles = [(first, lo - first * period, hi - first * period)]
    else:
        cycles = [(first, lo - first * period, period), (last, 0, hi - last * period)]
    for i, j0, j1 in cycles:
        (value, error), slope = _triangle(j0, j1, up, down, ratio)
        acc.extend(_scaled((value, error), weight(i)))
        slopes.add(slope * weight(i))
    whole = last - first - 1
    if whole > 0:
        if mode == "triangular":
            weights, weights_error = float(whole), 0.0
        elif mode == "triangular2":
            weights, weights_error = _geometric(0.5, first + 1, whole)
        else:
            weights, weights_error = _geometric(math.pow(gamma, period), first + 1, whole)
            # gamma^P rounds: each of i cycles' weights moves by up to i ulps.
            weights_error += 2 * EPS * weights * (last + 1)
        (one, one_error), slope = _triangle(0, period, up, down, ratio)
        acc.add(one * weights, one_error * weights + one * weights_error + EPS * one * weights)
        slopes.add(slope * weights)
    triangles, triangles_error = acc.total()
    amp = top - base
    total = _Acc()
    total.add(span.n * base, EPS * abs(span.n * base))
    total.add(amp * triangles, abs(amp) * triangles_error + EPS * abs(amp * triangles))
    # The float code's x = 1 + u / P - floor(1 + u / P) is off by up to (1 + 2 u / P) EPS / 2
    # (two roundings), and h by that times its slope, P / up rising and P / down falling;
    # the rest of its rounding is a few EPS of each value.
    spread = (1 + hi / period) * period * slopes.total()[0]
    rest = 4 * abs(base) * span.n + 16 * abs(amp * triangles)
    total.add(0.0, EPS * (rest + abs(amp) * spread))
    return total.total()


def _triangle(j0: int, j1: int, up: int, down: int, gamma: float) -> tuple[Sum, float]:
    """``sum(min(j / up, (P - j) / down) gamma^j for j0 <= j < j1)`` and its bound, and
    ``sum(gamma^j / up)`` over the rising steps plus ``sum(gamma^j / down)`` over the
    falling ones (the slopes of ``h``, for the float code's rounding)."""
    period = up + down
    rise, fall = (j0, min(j1, up + 1)), (max(j0, up + 1), j1)
    # At a cycle's start x is 0 exactly: its step has no slope error.
    sloped = max(rise[1] - max(rise[0], 1), 0)
    if gamma == 1.0:  # integers: rise / up + fall / down, one correctly rounded division
        ups = _integers(*rise)
        downs = _integers(period - fall[1] + 1, period - fall[0] + 1)
        value = (ups * down + downs * up) / (up * down)
        slope = sloped / up + max(fall[1] - fall[0], 0) / down
        return (value, EPS * abs(value)), slope
    x = -math.log(gamma)
    acc = _Acc()
    slope = 0.0
    a, b = rise
    if b > a:  # sum(j gamma^j) = gamma^a (a S0 + S1) over m = b - a steps
        s0, s1, rel = _geometric_sums(x, b - a)
        value = math.pow(gamma, a) * (a * s0 + s1) / up
        acc.add(value, (rel + 8 * EPS) * abs(value))
        if sloped:
            slope += math.pow(gamma, max(a, 1)) * _geometric(gamma, 0, sloped)[0] / up
    a, b = fall
    if b > a:  # sum((P - j) gamma^j) = gamma^a ((P - a) S0 - S1), no worse than halving
        s0, s1, rel = _geometric_sums(x, b - a)
        value = math.pow(gamma, a) * ((period - a) * s0 - s1) / down
        acc.add(value, (2 * rel + 16 * EPS) * abs(value))
        slope += math.pow(gamma, a) * s0 / down
    return acc.total(), slope * (1 + 16 * EPS)


def _integers(a: int, b: int) -> int:
    """``sum(range(a, b))``, in closed form."""
    return (a + b - 1) * (b - a) // 2 if b > a else 0


def _hard_restarts(
    walk: _Walk, leaf: Leaf, span: _Span, peak: float, cycles: float, length: int
) -> Sum:
    """``peak (1 + cos(pi frac(c u / L))) / 2``: each cycle a Dirichlet kernel.

    A restart falls between steps; the two steps around it are read from the schedule.
    """
    lo, hi = int(span.x0), int(span.x0) + span.n
    final = math.ceil(cycles) - 1
    first = max(math.floor(cycles * lo / length) - 1, 0)
    last = min(math.floor(cycles * (hi - 1) / length) + 1, final)
    if last - first > _CYCLES or length / cycles < 8:
        return walk.direct(span.t0, span.n)
    k = np.arange(first, last + 1)
    edges = np.ceil(k * length / cycles).astype(np.int64)
    nexts = np.ceil((k + 1) * length / cycles).astype(np.int64)
    # Cycle k: its restart's two steps [edge - 1, edge + 1) read, [edge + 1, next - 1) summed;
    # the last cycle runs to the end of the piece.
    starts = np.where(k == 0, 0, edges + 1)
    stops = np.where(k == final, hi, nexts - 1)
    starts, stops = np.clip(starts, lo, hi), np.clip(stops, lo, hi)
    counts = np.maximum(stops - starts, 0)
    beta = math.pi * cycles / length
    alpha = math.pi * (cycles * starts / length - k)
    half = np.sin(counts * beta / 2) / math.sin(beta / 2) * np.cos(alpha + (counts - 1) * beta / 2)
    cos_sums = np.where(counts > 0, half, 0.0)
    acc = _Acc()
    inner = peak * ((counts.astype(np.float64) + cos_sums) / 2)
    acc.add(math.fsum(inner.tolist()))
    cos_error = EPS * counts * (4 * np.abs(alpha) + 4 * counts * beta + 16)
    acc.add(0.0, abs(peak) / 2 * float(np.sum(cos_error)) + 8 * EPS * float(np.sum(np.abs(inner))))
    read = np.concatenate([edges[k > 0] - 1, edges[k > 0]])
    read = read[(read >= lo) & (read < hi)]
    read_values = walk.points(span, read - lo)
    acc.add(math.fsum(read_values.tolist()), EPS * float(np.sum(np.abs(read_values))))
    acc.add(0.0, EPS * span.n * abs(peak) * (6 + 4 * cycles))  # the values' rounding
    return acc.total()


def _cyclical(
    walk: _Walk, leaf: Leaf, span: _Span, w: float, count: int, total: int, ratio: float
) -> Sum:
    """Fu et al.'s cycles: a linear ramp, then a hold, summed per cycle.

    A cycle starts at ``ceil(c T / M)`` exactly (the float code's floor is exact there);
    the two steps around the end of each ramp are read from the schedule.
    """
    lo, hi = int(span.x0), int(span.x0) + span.n
    first, last = lo * count // total, (hi - 1) * count // total
    if last - first > _CYCLES or total < 8 * count:
        return walk.direct(span.t0, span.n)
    c = np.arange(first, last + 1, dtype=np.int64)
    starts = -((-c * total) // count)
    stops = -((-(c + 1) * total) // count)
    ramp_end = np.ceil(total * (c + ratio) / count).astype(np.int64)
    read_lo = np.clip(ramp_end - 1, starts, stops)
    read_hi = np.clip(ramp_end + 1, starts, stops)
    acc = _Acc()
    # The ramp: sum((u M - c T) / T) w / R over [starts, read_lo) within the span.
    a, b = np.clip(starts, lo, hi), np.clip(read_lo, lo, hi)
    m = np.maximum(b - a, 0).astype(np.float64)
    offset = (a * count - c * total).astype(np.float64)
    ramps = (m * offset + count * m * (m - 1) / 2) / (ratio * total) * w
    acc.add(math.fsum(ramps.tolist()), 8 * EPS * float(np.sum(np.abs(ramps))))
    a, b = np.clip(read_hi, lo, hi), np.clip(stops, lo, hi)
    holds = np.maximum(b - a, 0).astype(np.float64) * w
    acc.add(math.fsum(holds.tolist()), EPS * float(np.sum(np.abs(holds))))
    read = np.concatenate([read_lo[read_lo < read_hi], (read_lo + 1)[read_lo + 1 < read_hi]])
    read = read[(read >= lo) & (read < hi)]
    values = walk.points(span, read - lo)
    acc.add(math.fsum(values.tolist()), EPS * float(np.sum(np.abs(values))))
    acc.add(0.0, EPS * span.n * abs(w) * (4 + 4 * count / ratio))  # the values' rounding
    return acc.total()


def _inverse_time(
    walk: _Walk, leaf: Leaf, span: _Span, peak: float, rate: float, size: int, staircase: bool
) -> Sum:
    """``peak / (1 + rate u / size)``, convex; with ``staircase``, the same over stairs."""
    if not staircase:
        return _smooth(walk, leaf, span, (), 8.0, 0.0)
    lo, hi = int(span.x0), int(span.x0) + span.n
    first, last = -(-lo // size), hi // size  # whole stairs first .. last - 1
    if last < first:  # within one stair
        return walk.direct_held(span.t0, span.n)
    acc = _Acc()
    acc.extend(walk.direct_held(span.t0, first * size - lo))
    acc.extend(walk.direct_held(span.t0 + (last * size - lo), hi - last * size))
    stairs = _convex_blocks(
        lambda k: leaf.values((k * size).astype(np.float64)), first, last - first, (), 8.0, 0.0
    )
    acc.extend(_scaled(stairs, float(size)))
    return acc.total()


def _cosine_power_inflection(k: float) -> float | None:
    """Where ``cos(pi p^k)`` turns from concave to convex, as ``p``; ``None`` if nowhere.

    Its second derivative has the sign of ``-((k - 1) sin t + k t cos t)`` at
    ``t = pi p^k``: for ``k > 1`` one root in ``(pi / 2, pi)``, for ``1/2 < k < 1`` one in
    ``(0, pi / 2)``, else none (the bracket's ends have opposite signs and the
    function is monotone or unimodal between them).
    """
    if k <= 0.5 or k == 1.0:
        return None
    low, high = (math.pi / 2, math.pi) if k > 1 else (1e-300, math.pi / 2)

    def g(t: float) -> float:
        return (k - 1) * math.sin(t) + k * t * math.cos(t)

    sign = g(low) > 0
    for _ in range(200):
        mid = (low + high) / 2
        if (g(mid) > 0) == sign:
            low = mid
        else:
            high = mid
    return float((low / math.pi) ** (1 / k))


def _cosine_power(
    walk: _Walk, leaf: Leaf, span: _Span, floor: float, peak: float, total: int, k: float
) -> Sum:
    p = _cosine_power_inflection(k)
    size = abs(floor) + abs(peak)
    return _smooth(walk, leaf, span, () if p is None else (p * total,), 0, (8 + 8 * (k + 3)) * size)


def _warmup_sqrt(
    walk: _Walk, leaf: Leaf, span: _Span, start: float, peak: float, steps: int
) -> Sum:
    """``1 - sqrt(1 - u / n)``: ``1 - u / n`` is off by an EPS, its root by ``EPS / sqrt``."""
    size = abs(start) + abs(peak)

    def error(u: Array) -> Array:
        rest = np.maximum(1 - u / steps, 1 / steps)
        return (8 + 2 / np.sqrt(rest)) * size

    return _smooth(walk, leaf, span, (), 0.0, error)


def _polynomial(
    walk: _Walk, leaf: Leaf, span: _Span, peak: float, floor: float, a: float, length: int
) -> Sum:
    # (1 - u / L) is off by an EPS, and x^a magnifies that by a x^(a - 1).
    size = abs(peak) + abs(floor)

    def error(u: Array) -> Array:
        rest = np.maximum(1 - u / length, 1 / length)
        return (8 + 4 * a * np.maximum(1.0, rest ** (a - 1))) * size

    return _smooth(walk, leaf, span, (), 8.0, error)


def _inverse_sqrt(walk: _Walk, leaf: Leaf, span: _Span, peak: float, scale: int) -> Sum:
    return _smooth(walk, leaf, span, (), 8.0, 0.0)


def _tanh(
    walk: _Walk,
    leaf: Leaf,
    span: _Span,
    floor: float,
    peak: float,
    lb: float,
    ub: float,
    total: int,
) -> Sum:
    # (1 - tanh(x)) / 2 turns where x = lb (1 - u / T) + ub u / T crosses 0.
    turn = (total * lb / (lb - ub),) if lb < 0 < ub else ()
    size = abs(floor) + abs(peak)
    return _smooth(walk, leaf, span, turn, 0.0, (8 + 4 * (abs(lb) + abs(ub))) * size)


def _sigmoid(walk: _Walk, leaf: Leaf, span: _Span, w: float, total: int) -> Sum:
    # e^(-5 y^2) turns at y = 1 - u / T = +-1 / sqrt(10).
    turns = (total * (1 - 1 / math.sqrt(10)), total * (1 + 1 / math.sqrt(10)))
    return _smooth(walk, leaf, span, turns, 40.0, 0.0)


_FORMS: dict[str, Callable[..., Sum]] = {
    "cosine_power": _cosine_power,
    "cyclic": _cyclic,
    "cyclical": _cyclical,
    "exponential_decay": _exponential_decay,
    "hard_restarts": _hard_restarts,
    "inverse_sqrt": _inverse_sqrt,
    "inverse_time": _inverse_time,
    "polynomial": _polynomial,
    "saturating": _saturating,
    "sigmoid": _sigmoid,
    "step_decay": _step_decay,
    "tanh": _tanh,
    "warmup_sqrt": _warmup_sqrt,
}
