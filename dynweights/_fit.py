"""Fitting the loss laws to training curves: scipy's L-BFGS-B on a Huber loss.

Imported by ``dynweights.loss`` only when a ``fit`` is called, so that
``import dynweights`` needs numpy alone.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dynweights._bound import Bound
from dynweights._checks import fail

Array = NDArray[np.float64]
Run = tuple[Any, ArrayLike, ArrayLike]
Objective = Callable[[Array], tuple[float, Array]]

MAX_FIT_STEPS = 2**24  # a bound schedule is evaluated at every step up to the last loss


def scipy_optimize() -> Any:
    try:
        from scipy import optimize
    except ImportError:
        raise ImportError(
            "dynweights.loss fit needs scipy: pip install 'dynweights[fit]' (or scipy==1.17.1)"
        ) from None
    return optimize


@dataclass(frozen=True)
class Curve:
    """One run, checked: its rates, query steps and log losses."""

    rates: Array
    steps: NDArray[np.int64]
    log_loss: Array

    @property
    def area(self) -> Array:
        return np.asarray(np.cumsum(self.rates)[self.steps], dtype=np.float64)


def curves(runs: Sequence[Run], rates_of: Callable[[Any], Array]) -> list[Curve]:
    from dynweights.loss import _steps

    if isinstance(runs, str | bytes) or not isinstance(runs, Sequence) or not runs:
        fail("runs", "a non-empty list of (lr, steps, losses)", runs)
    out = []
    for i, run in enumerate(runs):
        if not isinstance(run, tuple | list) or len(run) != 3:
            fail(f"runs[{i}]", "a tuple (lr, steps, losses)", run)
        lr, steps, losses = run
        t, _ = _steps(steps)
        loss = np.asarray(losses, dtype=np.float64).reshape(-1)
        if loss.shape != t.shape:
            fail(f"runs[{i}].losses", f"one loss per step ({t.size})", f"{loss.size} losses")
        if not bool(np.all(np.isfinite(loss))) or float(loss.min()) <= 0:
            fail(f"runs[{i}].losses", "finite numbers > 0", losses)
        if isinstance(lr, Bound):
            last = int(t.max())
            if last > MAX_FIT_STEPS:
                fail(f"runs[{i}].steps", f"at most {MAX_FIT_STEPS} to fit a bound schedule", last)
            rates = np.asarray(lr.values(np.arange(last + 1, dtype=np.float64)), dtype=np.float64)
        else:
            rates = rates_of(lr)
            if int(t.max()) >= rates.size:
                fail(f"runs[{i}].steps", f"< len(lr) ({rates.size})", int(t.max()))
        out.append(Curve(rates, t, np.log(loss)))
    return out


def huber(r: Array, delta: float) -> tuple[float, Array]:
    """Sum of the Huber loss of ``r`` over ``delta**2`` (so it is O(1) per point), and
    its derivative by ``r``."""
    a = np.abs(r)
    value = np.where(a < delta, 0.5 * r * r, delta * (a - 0.5 * delta))
    return float(np.sum(value)) / delta**2, np.clip(r, -delta, delta) / delta**2


def minimize(
    objective: Objective, starts: Sequence[Array], bounds: Sequence[tuple[float, float]]
) -> Array:
    """The best L-BFGS-B optimum over the starts (parameters and bounds in log space)."""
    optimize = scipy_optimize()
    best: tuple[float, Array] | None = None
    for x0 in starts:
        with np.errstate(all="ignore"):
            res = optimize.minimize(
                objective,
                x0,
                jac=True,
                method="L-BFGS-B",
                bounds=[(math.log(lo), math.log(hi)) for lo, hi in bounds],
                options={"maxiter": 1000, "ftol": 1e-12, "gtol": 1e-7},
            )
        if np.isfinite(res.fun) and (best is None or res.fun < best[0]):
            best = (float(res.fun), np.asarray(res.x, dtype=np.float64))
    if best is None:
        raise ValueError("fit did not converge from any start; check the runs' losses")
    return best[1]


def power_starts(data: Sequence[Curve]) -> list[tuple[float, float, float]]:
    """Starting (L0, A, alpha) as the authors start: a line through log(loss - min + 0.01)
    against log S_1, and L0 on a grid around the lowest loss."""
    low = min(float(np.exp(c.log_loss).min()) for c in data)
    xs = np.concatenate([np.log(c.area) for c in data])
    ys = np.concatenate([np.log(np.exp(c.log_loss) - low + 0.01) for c in data])
    keep = np.isfinite(xs)
    slope, intercept = np.polyfit(xs[keep], ys[keep], 1)
    alpha = max(-float(slope), 0.05)
    a = max(float(np.exp(intercept)), 1e-3)
    return [(max(low + d, 1e-3), min(a, 100.0), min(alpha, 4.0)) for d in (-0.2, 0.0)]


# Where the constants may go: L0, A, alpha, then B, C, beta, gamma. Without bounds, two
# or three curves that barely constrain the drop's shape let B run to 1e13 while beta
# and C run to 0 with nearly the same fit; the authors' AdamW stops early instead.
POWER_BOUNDS = ((1e-3, 100.0), (1e-6, 1e3), (1e-3, 5.0))
DROP_BOUNDS = ((1e-2, 1e6), (1e-4, 1e4), (1e-2, 10.0), (1e-3, 2.0))


# --------------------------------------------------------------------------- multi-power law


FIT_GRADING = 1 / 8
"""The panels' grading while fitting (``GRADING`` is 1/32 for ``predict``): a relative
error in the prediction of about 1e-7, far below any training curve's noise."""


def array_cuts(rates: Array) -> NDArray[np.int64]:
    """Where an array's rate stops being smooth: 0, and around each step whose change
    differs from the one before by more than half (a jump, a kink, a phase's end)."""
    change = np.diff(rates)
    before, after = change[:-1], change[1:]
    rough = np.abs(after - before) > 0.5 * np.maximum(np.abs(after), np.abs(before))
    k = np.flatnonzero(rough) + 2  # the change eta_k - eta_{k-1} differs from the one before
    cuts = np.concatenate([[0, 1], k - 1, k, k + 1])
    return np.unique(cuts[cuts < rates.size]).astype(np.int64)


@dataclass(frozen=True)
class _MplCurve:
    """One run as a few weighted points per loss step (rows padded with weight 0)."""

    log_loss: Array
    area: Array
    weighted_change: Array  # (steps x points)
    log_rate: Array  # 0 where the rate is 0 (those points are in ``fixed``)
    recent: Array
    fixed: Array  # LD of the points at rate 0: their bracket is 1 or 0


def _mpl_curve(c: Curve) -> _MplCurve:
    from dynweights.loss import points

    cuts = array_cuts(c.rates)

    def values(k: NDArray[np.int64]) -> Array:
        return c.rates[k]

    rows = [points(values, cuts, int(t), FIT_GRADING) for t in c.steps.tolist()]
    width = max(r.rate.size for r in rows)
    weighted, rate, recent = (np.zeros((len(rows), width)) for _ in range(3))
    for i, r in enumerate(rows):
        n = r.rate.size
        weighted[i, :n], rate[i, :n], recent[i, :n] = r.weighted_change, r.rate, r.recent
    zero = rate == 0
    fixed = np.sum(np.where(zero & (recent > 0), weighted, 0.0), axis=1)
    weighted = np.where(zero, 0.0, weighted)
    log_rate = np.log(np.where(zero, 1.0, rate))
    return _MplCurve(c.log_loss, c.area, weighted, log_rate, recent, fixed)


def _mpl_objective(data: Sequence[_MplCurve], delta: float) -> Objective:
    def objective(theta: Array) -> tuple[float, Array]:
        l0, a, alpha, b, c, beta, gamma = np.exp(theta)
        value, grad = 0.0, np.zeros(7)
        for d in data:
            x = d.recent * (c * np.exp(-gamma * d.log_rate))
            l1p = np.log1p(x)
            pw = np.exp(-beta * l1p)
            wpw = d.weighted_change * pw
            ld = d.weighted_change.sum(axis=1) - wpw.sum(axis=1) + d.fixed
            power = a * d.area**-alpha
            pred = l0 + power + b * ld
            if not bool(np.all(pred > 0)):
                return math.inf, grad
            f, psi = huber(d.log_loss - np.log(pred), delta)
            g = -psi / pred
            q = wpw * (x / (1 + x))
            value += f
            grad += [
                g.sum(),
                g @ (power / a),
                g @ (-power * np.log(d.area)),
                g @ ld,
                b * beta / c * (g @ q.sum(axis=1)),
                b * (g @ (wpw * l1p).sum(axis=1)),
                -b * beta * (g @ (q * d.log_rate).sum(axis=1)),
            ]
        return value, grad * np.exp(theta)

    return objective


def fit_mpl(runs: Sequence[Run], rates_of: Callable[[Any], Array], delta: float) -> list[float]:
    """``[L0, A, alpha, B, C, beta, gamma]`` minimising the Huber loss of log residuals."""
    scipy_optimize()
    data = curves(runs, rates_of)
    prepared = [_mpl_curve(c) for c in data]
    objective = _mpl_objective(prepared, delta)
    starts = [
        np.log([l0, a, alpha, b, c, beta, gamma])
        for (l0, a, alpha), b, (c, beta, gamma) in itertools.product(
            power_starts(data), (300.0,), ((1.0, 0.5, 0.5),)
        )
    ]
    return [float(v) for v in np.exp(minimize(objective, starts, POWER_BOUNDS + DROP_BOUNDS))]


# --------------------------------------------------------------------------- annealing law


def fit_annealing(
    runs: Sequence[Run],
    rates_of: Callable[[Any], Array],
    terms: Callable[[Array, NDArray[np.int64]], tuple[Array, Array]],
    delta: float,
) -> list[float]:
    """``[L0, A, alpha, C]`` minimising the Huber loss of log residuals."""
    scipy_optimize()
    data = curves(runs, rates_of)
    parts = [(c.log_loss, *terms(c.rates, c.steps)) for c in data]

    def objective(theta: Array) -> tuple[float, Array]:
        l0, a, alpha, c = np.exp(theta)
        value, grad = 0.0, np.zeros(4)
        for log_loss, s1, s2 in parts:
            power = a * s1**-alpha
            pred = l0 + power - c * s2
            if not bool(np.all(pred > 0)):
                return math.inf, grad
            f, psi = huber(log_loss - np.log(pred), delta)
            g = -psi / pred
            value += f
            grad += [g.sum(), g @ (power / a), g @ (-power * np.log(s1)), -(g @ s2)]
        return value, grad * np.exp(theta)

    top = max(float(np.max(np.abs(s2))) for _, _, s2 in parts) or 1.0
    starts = [
        np.log([l0, a, alpha, c / top])
        for (l0, a, alpha), c in itertools.product(power_starts(data), (0.05, 0.2))
    ]
    bounds = (*POWER_BOUNDS, (1e-12, 1e12))
    return [float(v) for v in np.exp(minimize(objective, starts, bounds))]
