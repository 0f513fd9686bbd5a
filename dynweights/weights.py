"""Dynamic loss-weight ramps from 0 up to ``max_weight``.

The four ramps of the source blog post, with one change of semantics: steps
past ``total_steps`` hold the value at ``total_steps`` (the blog's code would
let the cosine ramp fall again). Each expression keeps the blog's order of
operations: linear, cosine and exponential agree with its numpy code to the
last bit. Power agrees to 1 ulp: the blog raises one numpy scalar at a time,
and numpy's scalar ``pow`` and its array loop may round differently.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dynweights._checks import as_steps, check_int, check_real, finish
from dynweights._spec import MAX_WEIGHT, POWER_FACTOR, TOTAL_STEPS, Schedule, Values


def _ramp_args(
    steps: ArrayLike, total_steps: object, max_weight: object
) -> tuple[NDArray[np.float64], int, float]:
    total = check_int("total_steps", total_steps, 1)
    weight = check_real("max_weight", max_weight, 0.0)
    return as_steps(steps, total), total, weight


def linear(steps: ArrayLike, *, total_steps: int = 100, max_weight: float = 1.0) -> Values:
    r"""Linear ramp from 0 to ``max_weight``.

    .. math:: w_t = w \cdot \frac{t}{T}

    where :math:`w` is ``max_weight`` and :math:`T` is ``total_steps``.

    Args:
      steps: a step or an array of steps, each ``>= 0``; floats are allowed and
        steps past ``total_steps`` hold the value at ``total_steps``.
      total_steps: the step ``T`` at which the ramp reaches ``max_weight``, ``>= 1``.
      max_weight: the final weight ``w``, ``>= 0``.

    Returns:
      A float for a scalar step, else a float64 array of the steps' shape.

    Raises:
      ValueError: naming the first parameter out of its range.

    >>> linear(25, total_steps=100, max_weight=2.0)
    0.5
    """
    t, total, w = _ramp_args(steps, total_steps, max_weight)
    return finish(w * (t / total), steps)


def cosine(steps: ArrayLike, *, total_steps: int = 100, max_weight: float = 1.0) -> Values:
    r"""Half-cosine ramp *up* from 0 to ``max_weight``: slow, fast, slow.

    .. math:: w_t = w \cdot \frac{1 - \cos(\pi t / T)}{2}

    where :math:`w` is ``max_weight`` and :math:`T` is ``total_steps``.

    Args:
      steps: a step or an array of steps, each ``>= 0``; steps past
        ``total_steps`` hold ``max_weight``.
      total_steps: the step ``T`` at which the ramp reaches ``max_weight``, ``>= 1``.
      max_weight: the final weight ``w``, ``>= 0``.

    Returns:
      A float for a scalar step, else a float64 array of the steps' shape.

    Raises:
      ValueError: naming the first parameter out of its range.

    >>> cosine(50, total_steps=100)  # cos(pi/2) is 6e-17 in float64, not 0
    0.49999999999999994
    """
    t, total, w = _ramp_args(steps, total_steps, max_weight)
    return finish(w / 2 * (1 - np.cos(np.pi * t / total)), steps)


def power(
    steps: ArrayLike, *, total_steps: int = 100, max_weight: float = 1.0, power_factor: float = 2.0
) -> Values:
    r"""Power ramp from 0 to ``max_weight``.

    .. math:: w_t = w \cdot \left(\frac{t}{T}\right)^a

    where :math:`w` is ``max_weight``, :math:`T` is ``total_steps`` and
    :math:`a` is ``power_factor``.

    Args:
      steps: a step or an array of steps, each ``>= 0``; steps past
        ``total_steps`` hold ``max_weight``.
      total_steps: the step ``T`` at which the ramp reaches ``max_weight``, ``>= 1``.
      max_weight: the final weight ``w``, ``>= 0``.
      power_factor: the exponent ``a``, ``> 0``: above 1 the ramp starts slowly.

    Returns:
      A float for a scalar step, else a float64 array of the steps' shape.

    Raises:
      ValueError: naming the first parameter out of its range.

    >>> power(50, total_steps=100, power_factor=2.0)
    0.25
    """
    t, total, w = _ramp_args(steps, total_steps, max_weight)
    a = check_real("power_factor", power_factor, 0.0, low_open=True)
    return finish(w * ((t / total) ** a), steps)


def exponential(steps: ArrayLike, *, total_steps: int = 100, max_weight: float = 1.0) -> Values:
    r"""Saturating exponential ramp towards ``max_weight``, exactly as the blog.

    .. math:: w_t = w \cdot \left(1 - e^{-t / (T/4)}\right)

    where :math:`w` is ``max_weight`` and :math:`T` is ``total_steps``.

    It never quite reaches ``max_weight``: at ``t = T`` it is
    :math:`w (1 - e^{-4}) \approx 0.9817 w`, and it holds that value after ``T``.

    Args:
      steps: a step or an array of steps, each ``>= 0``; steps past
        ``total_steps`` hold the value at ``total_steps``.
      total_steps: ``T``; the time constant is ``T / 4``. ``>= 1``.
      max_weight: the asymptote ``w``, ``>= 0``.

    Returns:
      A float for a scalar step, else a float64 array of the steps' shape.

    Raises:
      ValueError: naming the first parameter out of its range.

    >>> round(exponential(100, total_steps=100), 6)
    0.981684
    """
    t, total, w = _ramp_args(steps, total_steps, max_weight)
    return finish(w * (1 - np.exp(-t / (total / 4))), steps)


_RAMP = (TOTAL_STEPS, MAX_WEIGHT)

SPECS = (
    Schedule(
        "linear",
        "Linear",
        "weight",
        r"w_t = w \cdot \frac{t}{T}",
        linear,
        _RAMP,
        "Straight ramp from 0 at step 0 to max_weight at T.",
    ),
    Schedule(
        "cosine",
        "Cosine",
        "weight",
        r"w_t = w \cdot \frac{1 - \cos(\pi t / T)}{2}",
        cosine,
        _RAMP,
        "Half-cosine ramp up from 0 to max_weight: slow start, fast middle, slow end.",
    ),
    Schedule(
        "power",
        "Power",
        "weight",
        r"w_t = w \cdot \left(\frac{t}{T}\right)^a",
        power,
        (*_RAMP, POWER_FACTOR),
        "Ramp (t/T)^a from 0 to max_weight; a > 1 starts slowly, a < 1 quickly.",
    ),
    Schedule(
        "exponential",
        "Exponential",
        "weight",
        r"w_t = w \cdot \left(1 - e^{-t / (T/4)}\right)",
        exponential,
        _RAMP,
        "Saturating ramp with time constant T/4, as in the blog. It reaches only "
        "98.2% of max_weight at T (1 - e^-4) and holds that value afterwards.",
    ),
)
