"""Which steps to draw: a fixed budget of points, whatever ``total_steps`` is."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from dynweights._bound import Bound
from dynweights._checks import check_int
from dynweights._registry import schedule
from dynweights._spec import Value

DEFAULT_POINTS = 1000
MAX_POINTS = 100_000


def plot_steps(
    name: str | Bound, points: int = DEFAULT_POINTS, **params: Value
) -> NDArray[np.int64]:
    """Returns the sorted integer steps at which to draw a schedule.

    Up to ``points`` steps every step ``0..T`` is returned. Beyond that, the
    steps are ``points`` evenly spaced integers over ``[0, T]`` plus every
    breakpoint ``b`` of the schedule and the step ``b - 1`` just before it (the
    warmup end, each warm restart), so peaks and floors are drawn where they
    are at any ``T``. When a schedule has more breakpoints than ``points``, an
    even selection of ``points`` of them is kept: each kept restart still
    draws its floor and its peak, so the line traces the band the cycles make
    instead of aliasing into a slower wave. The count never exceeds
    ``3 * points + 2``, whatever ``T``.

    Args:
      name: a key of ``SCHEDULES``, or a bound schedule (then no ``params``).
      points: the budget, an integer in ``[2, 100000]``.
      **params: the schedule's parameters; left-out ones take their defaults.

    Returns:
      A sorted int64 array of unique steps in ``[0, total_steps]``, starting at 0
      and ending at ``total_steps``.

    Raises:
      ValueError: for an unknown name or a parameter out of its range.

    >>> plot_steps("linear", total_steps=5).tolist()
    [0, 1, 2, 3, 4, 5]
    >>> steps = plot_steps("cosine_with_linear_warmup", total_steps=10**9, warmup_steps=12_345)
    >>> len(steps) <= 1002, 12_344 in steps, 12_345 in steps
    (True, True, True)
    """
    budget = check_int("points", points, 2, MAX_POINTS)
    bound = name if isinstance(name, Bound) else schedule(name, **params)
    total = bound.total_steps
    if total < budget:
        return np.arange(total + 1, dtype=np.int64)
    grid = np.rint(np.linspace(0, total, budget)).astype(np.int64)
    marks = bound.marks(budget)
    if not marks.size:
        return np.unique(grid)
    around = np.concatenate([marks - 1, marks])
    return np.union1d(grid, around[(around >= 0) & (around <= total)])
