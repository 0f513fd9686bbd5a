"""Argument checks shared by every schedule.

One helper raises every error, so all messages read alike, in the Keras style:
``warmup_steps must be in [0, total_steps) = [0, 100), got 150``.
"""

from __future__ import annotations

import math
import numbers
from typing import NoReturn

import numpy as np
from numpy.typing import ArrayLike, NDArray

# Integers beyond 2**53 are not exactly representable as float64, so a step
# count above it could not be evaluated exactly.
MAX_INT = 2**53
_SHOW_CHARS = 40


def show(value: object) -> str:
    """Renders a received value for an error message, shortened if huge."""
    try:
        text = repr(value)
    except ValueError:  # an int too long for str(); say how long instead
        return f"an integer of about {int(abs(value).bit_length() * 0.30103)} digits"  # type: ignore[arg-type]
    if len(text) > _SHOW_CHARS:
        text = f"{text[: _SHOW_CHARS - 12]}…({len(text)} chars)"
    return text


def fail(name: str, rule: str, value: object) -> NoReturn:
    """Raises the one error format of the package."""
    raise ValueError(f"{name} must be {rule}, got {show(value)}")


def _as_real(name: str, value: object, rule: str) -> float:
    # bool is an int subclass, but True steps or rates are always a mistake.
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        fail(name, rule, value)
    try:
        number = float(value)
    except OverflowError:
        fail(name, rule, value)
    if not math.isfinite(number):
        fail(name, rule, value)
    return number


def check_int(name: str, value: object, low: int, high: int = MAX_INT, *, rule: str = "") -> int:
    """Returns ``value`` as an int after checking ``low <= value <= high``.

    Integral floats such as ``100.0`` are accepted: they come from JSON and URLs.
    """
    rule = rule or f"an integer in [{low}, {'2**53' if high == MAX_INT else high}]"
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        number = int(value)
    else:
        real = _as_real(name, value, rule)
        if not real.is_integer():
            fail(name, rule, value)
        number = int(real)
    if not low <= number <= high:
        fail(name, rule, value)
    return number


def check_real(
    name: str,
    value: object,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
    rule: str = "",
) -> float:
    """Returns ``value`` as a finite float after checking it lies in the range."""
    if not rule:
        low_rule = f"> {low:g}" if low_open else f">= {low:g}"
        rule = f"a finite number {low_rule}" if high == math.inf else f"in [{low:g}, {high:g}]"
    number = _as_real(name, value, rule)
    too_low = number <= low if low_open else number < low
    too_high = number >= high if high_open else number > high
    if too_low or too_high:
        fail(name, rule, value)
    return number


def check_choice(name: str, value: object, choices: tuple[str, ...]) -> str:
    """Returns ``value`` after checking it is one of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        fail(name, "one of " + ", ".join(repr(c) for c in choices), value)
    return value


def as_steps(steps: ArrayLike, total_steps: int) -> NDArray[np.float64]:
    """Converts steps once to float64 and holds every step past ``total_steps``.

    Negative, NaN and infinite steps are rejected. A scalar becomes a
    one-element array: numpy computes on scalars with other routines than on
    arrays (``pow`` differs in the last ulp), and a scalar step must give
    exactly the value an array gives. No copy is made of a float64 array unless
    a step lies past ``total_steps``.
    """
    rule = "a number or an array of numbers"
    try:
        raw = np.asarray(steps)
    except (TypeError, ValueError, OverflowError):
        fail("steps", rule, steps)
    # Only integers and floats: no strings, bools or complex numbers cast silently.
    if raw.dtype.kind not in "iuf":
        fail("steps", rule, steps)
    t = raw.astype(np.float64, copy=False)
    if t.ndim == 0:
        t = t.reshape(1)
    if not t.size:
        return t
    # Two reductions instead of isfinite masks: min is NaN if any step is NaN.
    low, high = t.min(), t.max()
    if not low >= 0:
        fail("steps", "finite and >= 0", float(low))
    if not math.isfinite(high):
        fail("steps", "finite and >= 0", float(high))
    # Holding is a clip; skipping it when no step is past T saves a full copy.
    return np.minimum(t, float(total_steps)) if high > total_steps else t


def finish(out: NDArray[np.float64], steps: ArrayLike) -> float | NDArray[np.float64]:
    """Scalar step in, Python float out; array in, the float64 array out."""
    if isinstance(steps, numbers.Real) or getattr(steps, "ndim", None) == 0:
        return float(out[0])
    return out
