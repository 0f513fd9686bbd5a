r"""Loss curves predicted from a learning-rate schedule.

Two fitted laws of the training loss as a function of the whole learning-rate
schedule up to a step, not of the step alone:

- :class:`MultiPowerLaw`, the multi-power law of Luo et al. (2025),
  "A Multi-Power Law for Loss Curve Prediction Across Learning Rate Schedules"
  (arXiv:2503.12811), with the authors' fitted constants in :data:`PUBLISHED`;
- :class:`AnnealingLaw`, the scaling law with learning-rate annealing of Tissue
  et al. (2024), "Scaling Law with Learning Rate Annealing" (arXiv:2408.11029).

Both take the schedule as an array (``lr[k]`` is the rate of step ``k``) or as a
bound ``dynweights`` schedule, which is summed without evaluating every step, so
a 10^9-step run costs about as much as a short one. ``fit`` needs scipy, imported
only when it is called (``pip install "dynweights[fit]"``); the rest is numpy.

>>> import numpy as np
>>> from dynweights.loss import PUBLISHED
>>> lr = np.full(24_000, 3e-4)
>>> law = PUBLISHED["mpl-400M"]
>>> [round(float(v), 4) for v in law.predict(lr, [2_000, 23_999])]
[3.189, 2.6554]
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dynweights._bound import Bound
from dynweights._checks import fail

Array = NDArray[np.float64]
Steps = NDArray[np.int64]

HUBER_DELTA = 1e-3
"""The Huber loss's threshold on log-loss residuals, as the authors fit (``HUBER_DELTA``)."""

GRADING = 1 / 32
"""Panels of a bound schedule's sums are at most this fraction of their distance to
the nearest breakpoint or query step (see :meth:`MultiPowerLaw.predict`)."""

MAX_BREAKPOINTS = 4096
"""A bound schedule with more breakpoints (restarts, drops) than this is refused."""

MAX_FIT_CELLS = 50_000_000
"""``fit`` keeps a (query steps x changing steps) matrix per run; more cells are refused."""


# --------------------------------------------------------------------------- checks


def _constant(name: str, value: object, *, low: float = -math.inf, open_low: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        fail(name, "a finite number", value)
    number = float(value)
    if not math.isfinite(number):
        fail(name, "a finite number", value)
    if number < low or (open_low and number == low):
        fail(name, f"a finite number {'>' if open_low else '>='} {low:g}", value)
    return number


def _steps(steps: ArrayLike) -> tuple[Steps, tuple[int, ...]]:
    """Integer steps >= 0, flattened, and the shape to give the result back."""
    rule = "integers >= 0 (a number or an array of them)"
    try:
        raw = np.asarray(steps)
    except (TypeError, ValueError, OverflowError):
        fail("steps", rule, steps)
    if raw.dtype.kind not in "iuf" or raw.size == 0:
        fail("steps", rule, steps)
    flat = raw.reshape(-1)
    if raw.dtype.kind == "f":
        if not bool(np.all(np.isfinite(flat))) or not bool(np.all(flat == np.floor(flat))):
            fail("steps", rule, steps)
        if float(flat.max()) >= 2.0**53:
            fail("steps", "integers below 2**53", steps)
    if float(flat.min()) < 0:
        fail("steps", rule, steps)
    return flat.astype(np.int64), raw.shape


def _rates(lr: ArrayLike) -> Array:
    rule = "a bound dynweights schedule or a 1-D array of finite rates >= 0"
    try:
        raw = np.asarray(lr)
    except (TypeError, ValueError, OverflowError):
        fail("lr", rule, lr)
    if raw.ndim != 1 or raw.size == 0 or raw.dtype.kind not in "iuf":
        fail("lr", rule, lr)
    rates = raw.astype(np.float64)
    if not bool(np.all(np.isfinite(rates))) or float(rates.min()) < 0:
        fail("lr", rule, lr)
    return rates


def _within(t: Steps, size: int) -> None:
    if int(t.max()) >= size:
        fail("steps", f"< len(lr) ({size}) for an array schedule", int(t.max()))


def _bracket(
    beta: float, c_rate: Array, recent: Array
) -> Array:  # G(x) = 1 - (1 + x)^(-beta), x = C lr_k^(-gamma) (S_t - S_{k-1})
    """``1 - (1 + c_rate * recent)^(-beta)``; a step of rate 0 gives 1, or 0 if nothing
    was spent since it (``recent == 0``), the limits as the rate tends to 0."""
    with np.errstate(invalid="ignore"):
        x = np.where(recent > 0, c_rate * recent, 0.0)
    return 1.0 - (1.0 + x) ** (-beta)


def _c_rate(c: float, gamma: float, rate: Array) -> Array:
    """``C * rate^(-gamma)``, infinite where the rate is 0."""
    with np.errstate(divide="ignore"):
        return c * rate ** (-gamma)


def _power(a: float, alpha: float, area: Array) -> Array:
    with np.errstate(divide="ignore"):
        return a * area ** (-alpha)


# --------------------------------------------------------------------------- the multi-power law


@dataclass(frozen=True)
class Setup:
    """What a published law was fitted on.

    Attributes:
      model: the model size (``"25M"``).
      total_steps: steps of the longest training run fitted.
      peak_lr: the rate after warmup.
      warmup_steps: the linear warmup from 0, in steps.
      runs: the fitted runs' names in the authors' data (``"cosine_24000"``).
    """

    model: str
    total_steps: int
    peak_lr: float
    warmup_steps: int
    runs: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class MultiPowerLaw:
    r"""The multi-power law (MPL) of the training loss: a frozen value.

    .. math::

        L(t) = L_0 + A\,S_1(t)^{-\alpha} + B\,LD(t),\qquad S_1(t) = S_t,

        LD(t) = \sum_{k=1}^{t} (\eta_k - \eta_{k-1})
                \left(1 - \left(1 + C\,\eta_k^{-\gamma}\,(S_t - S_{k-1})\right)^{-\beta}\right)

    where :math:`S_t = \sum_{i=0}^{t} \eta_i` is the cumulative rate (step 0
    included, as in the authors' ``np.cumsum``), :math:`\eta_k` the rate of step
    ``k``, and ``L0``, ``A``, ``alpha``, ``B``, ``C``, ``beta``, ``gamma`` the
    constants. ``LD`` is negative where the rate falls: the loss drops below the
    power law.

    Attributes:
      L0, A, alpha, B, C, beta, gamma: the constants.
      source: where the constants come from (``""`` for your own).
      setup: what they were fitted on, for a published law; else ``None``.

    Raises:
      ValueError: a constant that is not a finite number, or ``A``, ``gamma`` < 0,
        or ``alpha``, ``C``, ``beta`` <= 0.

    >>> law = MultiPowerLaw(L0=3.0, A=0.5, alpha=0.5, B=0.4, C=2.0, beta=0.6, gamma=0.6)
    >>> law.predict([1.0, 1.0, 0.5], [0, 1, 2]).round(6).tolist()
    [3.5, 3.353553, 3.231211]
    """

    L0: float
    A: float
    alpha: float
    B: float
    C: float
    beta: float
    gamma: float
    source: str = field(default="", compare=False)
    setup: Setup | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        _check_constants(self, positive=("alpha", "C", "beta"), nonnegative=("A", "gamma"))

    @property
    def constants(self) -> dict[str, float]:
        """``{"L0": ..., "gamma": ...}`` in the authors' order."""
        return {name: getattr(self, name) for name in _MPL}

    def predict(self, lr: Bound | ArrayLike, steps: ArrayLike) -> Array:
        """The predicted loss at each step (see the class for the formula).

        An array ``lr`` is summed step by step, exactly as the authors' evaluation
        does. A bound schedule is summed per smooth piece between its breakpoints:
        every step is summed where the piece is short, and elsewhere a quadratic
        (Simpson-type) rule on panels whose length is at most ``GRADING`` (1/32) of
        their distance to the piece's ends and to the query step. A panel of ``n``
        steps then errs by O(``n^5 max|f''''|``) for the summand ``f`` (no computed bound),
        which for a piece smooth on the scale of its length is a relative error of
        order ``GRADING^4 ~ 1e-6``; constant pieces are exact (they add 0 to
        ``LD``), linear and quadratic ones are exact in ``S``, and jumps are single
        exact terms. Measured against the step-by-step sum: below 1e-9 relative on
        the authors' 24,000-step schedules.

        A rate of 0 at step ``k`` makes the bracket 1 (its limit) once any rate was
        spent after it, and 0 while none was: a run whose rate drops to 0 keeps a
        finite loss. Where no rate at all has been spent (``S_t = 0``), the power
        term is infinite, and so is the prediction.

        Args:
          lr: a bound ``dynweights`` schedule, or a 1-D array of rates >= 0 where
            ``lr[k]`` is the rate of step ``k``.
          steps: integer steps >= 0 (below ``len(lr)`` for an array).

        Returns:
          A float64 array shaped like ``steps``.

        Raises:
          ValueError: ``lr`` or ``steps`` malformed, naming which.
        """
        t, shape = _steps(steps)
        s1, ld = _mpl_terms(self, lr, t)
        return np.asarray(self.L0 + _power(self.A, self.alpha, s1) + self.B * ld).reshape(shape)


_MPL = ("L0", "A", "alpha", "B", "C", "beta", "gamma")


def _check_constants(
    law: object, *, positive: tuple[str, ...], nonnegative: tuple[str, ...]
) -> None:
    for f in fields(law):  # type: ignore[arg-type]
        if f.name in ("source", "setup"):
            continue
        value = getattr(law, f.name)
        low = 0.0 if f.name in positive + nonnegative else -math.inf
        number = _constant(f.name, value, low=low, open_low=f.name in positive)
        object.__setattr__(law, f.name, number)


def _mpl_terms(law: MultiPowerLaw, lr: Bound | ArrayLike, t: Steps) -> tuple[Array, Array]:
    """``S_1`` and ``LD`` at each step of ``t``."""
    if isinstance(lr, Bound):
        return _bound_terms(lr, t, law)
    rates = _rates(lr)
    _within(t, rates.size)
    return _array_terms(rates, t, law)


def _array_terms(rates: Array, t: Steps, law: MultiPowerLaw) -> tuple[Array, Array]:
    """The authors' evaluation, summing only the steps whose rate changed."""
    total = np.cumsum(rates)
    gap = np.zeros_like(rates)
    gap[1:] = np.diff(rates)
    changed = np.flatnonzero(gap)  # k >= 1
    c_rate = _c_rate(law.C, law.gamma, rates[changed])
    unique, back = np.unique(t, return_inverse=True)
    ld = np.empty(unique.size)
    for i, step in enumerate(unique.tolist()):
        n = int(np.searchsorted(changed, step, side="right"))
        k = changed[:n]
        recent = total[step] - total[k - 1]
        ld[i] = float(np.sum(gap[k] * _bracket(law.beta, c_rate[:n], recent)))
    return total[t], ld[back]


# --------------------------------------------------------------------------- bound schedules

_OFFSETS_CACHE: dict[float, Steps] = {}


def _offsets(grading: float) -> Steps:
    """1, 2, ... then growing by ``grading`` each: ``round((1 + grading)^j)``, to 2^53."""
    cached = _OFFSETS_CACHE.get(grading)
    if cached is None:
        count = math.ceil(53 * math.log(2) / math.log1p(grading)) + 1
        raw = np.rint((1.0 + grading) ** np.arange(count, dtype=np.float64))
        cached = np.unique(raw[raw < 2.0**53].astype(np.int64))
        _OFFSETS_CACHE[grading] = cached
    return cached


def _cuts(s: Bound) -> Steps:
    """Starts of the pieces on which ``s`` is smooth: 0, each breakpoint and the step
    after it (a kink may fall either side of a boundary), ``T`` and ``T + 1``."""
    marks = s.tree.marks(2 * MAX_BREAKPOINTS)
    marks = marks[(marks > 0) & (marks <= s.total_steps)]
    if marks.size > MAX_BREAKPOINTS:
        fail(
            "lr",
            f"a schedule with at most {MAX_BREAKPOINTS} breakpoints (restarts, drops) "
            "for a loss prediction; pass its values as an array instead",
            f"{s.name} with more",
        )
    total = s.total_steps
    cuts = np.concatenate([[0], marks, marks + 1, [total, total + 1]]).astype(np.int64)
    return np.unique(cuts)


def _graded_nodes(cuts: Steps, end: int, grading: float) -> Steps:
    """Steps in ``[0, end]``: each piece's first two and last steps, steps graded away
    from each piece's ends and from ``end``; every piece boundary is a node."""
    offsets = _offsets(grading)
    starts = cuts[cuts <= end]
    stops = np.append(starts[1:] - 1, end)
    parts: list[Steps] = [starts, starts + 1, stops, end - offsets[offsets <= end]]
    for lo, hi in zip(starts.tolist(), stops.tolist(), strict=True):
        span = hi - lo
        if span > 2:
            inner = offsets[offsets < span]
            parts.append(lo + 1 + inner)
            parts.append(hi - inner)
    nodes = np.unique(np.concatenate([*parts, np.array([end])]).astype(np.int64))
    return nodes[(nodes >= 0) & (nodes <= end)]


def _panel_weights(half: Array, size: Array, upto: Array) -> tuple[Array, Array, Array]:
    """Weights of ``f(a), f(a + half), f(a + size)`` for ``sum_{j=1}^{upto} f(a + j)``:
    the sum of the quadratic through the three points (exact for cubics when
    ``half = size / 2`` and ``upto = size``). Needs ``1 <= half < size``."""
    rho = half / size
    m0 = upto
    m1 = upto * (upto + 1) / (2 * size)
    m2 = upto * (upto + 1) * (2 * upto + 1) / (6 * size * size)
    w0 = (m2 - (rho + 1) * m1 + rho * m0) / rho
    w1 = (m2 - m1) / (rho * (rho - 1))
    w2 = (m2 - rho * m1) / (1 - rho)
    return w0, w1, w2


@dataclass(frozen=True)
class _Panels:
    """One query step's graded grid and the schedule's values on it."""

    nodes: Steps
    rate: Array  # at the nodes
    before: Array  # at the nodes - 1
    mid_rate: Array  # at each panel's middle step
    mid_before: Array
    sums: Array  # sum of the rates over each panel's steps (a, b]
    halves: Array  # sum over (a, middle]
    wide: NDArray[np.bool_]  # panels of >= 2 steps (the rest are one exact step)
    weights: tuple[Array, Array, Array]


def _panels(values: Callable[[Steps], Array], cuts: Steps, end: int, grading: float) -> _Panels:
    """The graded panels of ``[0, end]``, with ``values`` (the rates at integer steps)."""
    q = _graded_nodes(cuts, end, grading)
    a, b = q[:-1], q[1:]
    size = (b - a).astype(np.float64)
    half = np.floor(size / 2)
    mid = a + half.astype(np.int64)
    wide = size >= 2
    got = values(np.concatenate([q, np.maximum(q - 1, 0), mid, np.maximum(mid - 1, 0)]))
    n = q.size
    rate, before = got[:n], got[n : 2 * n]
    mid_rate, mid_before = got[2 * n : 2 * n + a.size], got[2 * n + a.size :]
    # One-step panels: weights (0, 0, 1) on (a, mid, b), their one step b.
    safe_half = np.where(wide, half, 1.0)
    safe_size = np.where(wide, size, 2.0)
    w = _panel_weights(safe_half, safe_size, safe_size)
    weights = (np.where(wide, w[0], 0.0), np.where(wide, w[1], 0.0), np.where(wide, w[2], 1.0))
    h = _panel_weights(safe_half, safe_size, safe_half)
    sums = weights[0] * rate[:-1] + weights[1] * mid_rate + weights[2] * rate[1:]
    halves = np.where(wide, h[0] * rate[:-1] + h[1] * mid_rate + h[2] * rate[1:], 0.0)
    return _Panels(q, rate, before, mid_rate, mid_before, sums, halves, wide, weights)


def _panel_area(p: _Panels) -> tuple[float, Array, Array]:
    """``S_end``, and the rate summed from each node (and each middle) to ``end``."""
    after = np.cumsum(p.sums[::-1])[::-1]  # sum over (a_j, end]
    recent = p.rate.copy()
    recent[:-1] += after
    mid_recent = p.mid_rate + p.sums - p.halves + recent[1:] - p.rate[1:]
    return float(p.rate[0] + np.sum(p.sums)), recent, mid_recent


@dataclass(frozen=True)
class Points:
    """``LD(end) = sum(weighted_change * bracket(rate, recent))`` over a few points."""

    area: float  # S_end
    weighted_change: Array  # the rule's weight times eta_k - eta_{k-1}
    rate: Array  # eta_k
    recent: Array  # S_end - S_{k-1}


def points(values: Callable[[Steps], Array], cuts: Steps, end: int, grading: float) -> Points:
    """The panels' nodes and middles with their weights in the sum ``LD(end)``."""
    p = _panels(values, cuts, end, grading)
    area, recent, mid_recent = _panel_area(p)
    w0, w1, w2 = p.weights
    node = np.zeros(p.nodes.size)
    node[:-1] += w0
    node[1:] += w2
    weight = np.concatenate([node, np.where(p.wide, w1, 0.0)])
    change = np.concatenate([p.rate - p.before, p.mid_rate - p.mid_before])
    return Points(
        area,
        weight * change,
        np.concatenate([p.rate, p.mid_rate]),
        np.concatenate([recent, mid_recent]),
    )


def _bound_values(s: Bound) -> Callable[[Steps], Array]:
    def values(steps: Steps) -> Array:
        return np.asarray(s.values(steps.astype(np.float64)), dtype=np.float64)

    return values


def _bound_terms(s: Bound, t: Steps, law: MultiPowerLaw) -> tuple[Array, Array]:
    cuts, values = _cuts(s), _bound_values(s)
    unique, back = np.unique(t, return_inverse=True)
    s1 = np.empty(unique.size)
    ld = np.empty(unique.size)
    for i, end in enumerate(unique.tolist()):
        p = points(values, cuts, end, GRADING)
        bracket = _bracket(law.beta, _c_rate(law.C, law.gamma, p.rate), p.recent)
        s1[i], ld[i] = p.area, float(np.sum(p.weighted_change * bracket))
    return s1[back], ld[back]


def _bound_area(s: Bound, t: Steps) -> Array:
    """``S_t`` of a bound schedule at each step of ``t``."""
    cuts, values = _cuts(s), _bound_values(s)
    unique, back = np.unique(t, return_inverse=True)
    out = [_panel_area(_panels(values, cuts, end, GRADING))[0] for end in unique.tolist()]
    return np.asarray(out)[back]


# --------------------------------------------------------------------------- the annealing law


@dataclass(frozen=True, kw_only=True)
class AnnealingLaw:
    r"""The scaling law with learning-rate annealing (Tissue et al., 2024): a frozen value.

    .. math::

        L(s) = L_0 + A\,S_1^{-\alpha} - C\,S_2,\qquad
        S_1 = \sum_{i=0}^{s} \eta_i,\qquad S_2 = \sum_{i=1}^{s} m_i,

        m_i = \lambda\,m_{i-1} + (\eta_{i-1} - \eta_i),\ m_0 = 0,
        \quad\text{so}\quad S_2 = \frac{\eta_0 - \eta_s - \lambda\,m_s}{1 - \lambda}

    where :math:`\eta_i` is the rate of step ``i``, :math:`\lambda` is ``decay``
    and ``L0``, ``A``, ``alpha``, ``C`` the constants. ``S_1`` counts step 0, as
    :class:`MultiPowerLaw` does, so both laws read the same schedule alike.

    Attributes:
      L0, A, alpha, C: the constants.
      decay: the momentum's decay factor, in ``(0, 1)``.
      source: where the constants come from.

    >>> law = AnnealingLaw(L0=2.0, A=1.0, alpha=0.5, C=0.01, decay=0.5)
    >>> law.predict([4.0, 4.0, 0.0], [0, 1, 2]).round(6).tolist()
    [2.5, 2.353553, 2.313553]
    """

    L0: float
    A: float
    alpha: float
    C: float
    decay: float = 0.999
    source: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        _check_constants(self, positive=("alpha", "decay"), nonnegative=("A",))
        if not self.decay < 1:
            fail("decay", "in (0, 1)", self.decay)

    @property
    def constants(self) -> dict[str, float]:
        """``{"L0": ..., "C": ...}``; ``decay`` is fixed, not fitted."""
        return {name: getattr(self, name) for name in _ANNEALING}

    def predict(self, lr: Bound | ArrayLike, steps: ArrayLike) -> Array:
        """The predicted loss at each step (see the class for the formula).

        ``m_s`` sums the last ``K`` rate changes, ``decay^K <= 1e-17``, exactly; older
        ones weigh less than ``1e-17`` of their size. For a bound schedule ``S_1`` is
        summed as in :meth:`MultiPowerLaw.predict`.

        Args:
          lr: a bound ``dynweights`` schedule or a 1-D array of rates >= 0.
          steps: integer steps >= 0 (below ``len(lr)`` for an array).

        Returns:
          A float64 array shaped like ``steps``.
        """
        t, shape = _steps(steps)
        s1, s2 = _annealing_terms(lr, t, self.decay)
        return np.asarray(self.L0 + _power(self.A, self.alpha, s1) - self.C * s2).reshape(shape)


_ANNEALING = ("L0", "A", "alpha", "C")


def annealing_area(lr: Bound | ArrayLike, steps: ArrayLike, decay: float = 0.999) -> Array:
    """The annealing area ``S_2`` of :class:`AnnealingLaw` at each step: how much the
    rate has been annealed, weighted by the momentum ``decay``.

    >>> annealing_area([1.0, 1.0, 0.5, 0.5], [0, 1, 2, 3], decay=0.5).tolist()
    [0.0, 0.0, 0.5, 0.75]
    """
    AnnealingLaw(L0=0.0, A=0.0, alpha=1.0, C=0.0, decay=decay)  # checks decay
    t, shape = _steps(steps)
    if not isinstance(lr, Bound):
        rates = _rates(lr)
        _within(t, rates.size)
        return np.asarray(_annealing_s2(rates, t, decay)).reshape(shape)
    return np.asarray(_annealing_s2(lr, t, decay)).reshape(shape)


def _memory_window(decay: float) -> int:
    return math.ceil(math.log(1e-17) / math.log(decay))


def _annealing_terms(lr: Bound | ArrayLike, t: Steps, decay: float) -> tuple[Array, Array]:
    """``S_1`` and ``S_2`` at each step of ``t``."""
    if isinstance(lr, Bound):
        return _bound_area(lr, t), _annealing_s2(lr, t, decay)
    rates = _rates(lr)
    _within(t, rates.size)
    return np.cumsum(rates)[t], _annealing_s2(rates, t, decay)


def _annealing_s2(lr: Bound | Array, t: Steps, decay: float) -> Array:
    """``S_2`` at each step of ``t``, from the last ``K`` rate changes (``decay^K <= 1e-17``)."""
    window = _memory_window(decay)
    if isinstance(lr, Bound):
        bound = lr
        first = float(bound.values(0.0))

        def rates_between(lo: int, hi: int) -> Array:
            steps = np.arange(lo, hi + 1, dtype=np.float64)
            return np.asarray(bound.values(steps), dtype=np.float64)

    else:
        rates = lr
        first = float(rates[0])

        def rates_between(lo: int, hi: int) -> Array:
            return rates[lo : hi + 1]

    s2 = np.empty(t.size)
    for i, step in enumerate(t.tolist()):
        lo = max(step - window, 0)
        seen = rates_between(lo, step)
        drops = seen[:-1] - seen[1:]  # eta_{i-1} - eta_i for i in (lo, step]
        weights = decay ** np.arange(drops.size - 1, -1, -1, dtype=np.float64)
        momentum = float(np.dot(weights, drops))
        s2[i] = (first - seen[-1] - decay * momentum) / (1 - decay)
    return s2


# --------------------------------------------------------------------------- published constants

_REPO = "github.com/thu-yao-01-luo/MultiPowerLaw"
_RUNS = ("cosine_24000", "constant_24000", "wsdcon_9")


def _published(size: str, constants: Sequence[float]) -> MultiPowerLaw:
    l0, a, alpha, b, c, beta, gamma = constants
    return MultiPowerLaw(
        L0=l0,
        A=a,
        alpha=alpha,
        B=b,
        C=c,
        beta=beta,
        gamma=gamma,
        source=f"{_REPO}, src/config.py PARAMS[{size!r}] (Luo et al. 2025, arXiv:2503.12811)",
        setup=Setup(
            model=f"{size}M", total_steps=24_000, peak_lr=3e-4, warmup_steps=2_160, runs=_RUNS
        ),
    )


PUBLISHED: Mapping[str, MultiPowerLaw] = MappingProxyType(
    {
        "mpl-25M": _published(
            "25",
            (3.04045406, 0.52468604, 0.50786857, 363.78751622, 2.06560812, 0.58279013, 0.64142257),
        ),
        "mpl-100M": _published(
            "100",
            (2.6514477, 0.60115152, 0.45295811, 437.9464276, 2.13245612, 0.59785199, 0.65523644),
        ),
        "mpl-400M": _published(
            "400",
            (2.37474466, 0.65421216, 0.42878731, 523.42464371, 2.02462735, 0.59350493, 0.63472457),
        ),
    }
)
"""The authors' fitted multi-power laws, by model size, exactly as in their
repository's ``src/config.py``: fitted on three runs (cosine, constant, and a
two-stage drop to 9e-5 at step 8,000) of 24,000 steps at peak rate 3e-4 after a
2,160-step linear warmup from 0; their other runs are the test set. The
repository has these three sizes only."""


# --------------------------------------------------------------------------- fitting


def fit(runs: Sequence[tuple[Any, ArrayLike, ArrayLike]]) -> MultiPowerLaw:
    """Fits a multi-power law to training curves, as the authors fit theirs.

    Minimises the Huber loss (threshold :data:`HUBER_DELTA`, 1e-3) of the log-loss
    residuals ``log(loss) - log(prediction)`` summed over every run and step, with
    scipy's L-BFGS-B on the logarithms of the constants (all > 0) and analytic
    gradients, from 2 starts built the authors' way (a power law through the
    losses against ``S_1``, ``L0`` near the lowest loss). A bound schedule is
    evaluated at every step up to its last loss (at most 2^24 steps).

    Args:
      runs: ``(lr, steps, losses)`` per training run: ``lr`` an array of rates or a
        bound schedule, ``losses[i]`` the loss at ``steps[i]``.

    Returns:
      The fitted law, with ``source="fit"``.

    Raises:
      ImportError: scipy is not installed (``pip install "dynweights[fit]"``).
      ValueError: a malformed run, naming it (``runs[1].losses must be ...``).
    """
    from dynweights._fit import fit_mpl

    l0, a, alpha, b, c, beta, gamma = fit_mpl(runs, _rates, HUBER_DELTA)
    return MultiPowerLaw(L0=l0, A=a, alpha=alpha, B=b, C=c, beta=beta, gamma=gamma, source="fit")


def fit_annealing(
    runs: Sequence[tuple[Any, ArrayLike, ArrayLike]], *, decay: float = 0.999
) -> AnnealingLaw:
    """Fits an annealing law to training curves, ``decay`` held fixed.

    The same loss and optimiser as :func:`fit`, over ``L0``, ``A``, ``alpha`` and ``C``.

    Args:
      runs: ``(lr, steps, losses)`` per training run, as for :func:`fit`.
      decay: the momentum's decay factor ``lambda``, in ``(0, 1)``.

    Returns:
      The fitted law, with ``source="fit"``.
    """
    from dynweights._fit import fit_annealing as fit_4

    AnnealingLaw(L0=0.0, A=0.0, alpha=1.0, C=0.0, decay=decay)  # checks decay

    def terms(rates: Array, steps: Steps) -> tuple[Array, Array]:
        return _annealing_terms(rates, steps, decay)

    l0, a, alpha, c = fit_4(runs, _rates, terms, HUBER_DELTA)
    return AnnealingLaw(L0=l0, A=a, alpha=alpha, C=c, decay=decay, source="fit")
