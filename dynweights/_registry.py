"""The registry: every schedule by name, and ``evaluate`` over it."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from numpy.typing import ArrayLike

from dynweights import decay, lr, weights
from dynweights._spec import Schedule, Value, Values

SCHEDULES: Mapping[str, Schedule] = MappingProxyType(
    {spec.name: spec for spec in (*weights.SPECS, *lr.SPECS, *decay.SPECS)}
)


def get_schedule(name: str) -> Schedule:
    """Returns the registered schedule ``name``.

    Raises:
      ValueError: if no schedule has that name; the message lists the valid ones.
    """
    try:
        return SCHEDULES[name]
    except (KeyError, TypeError):
        valid = ", ".join(sorted(SCHEDULES))
        raise ValueError(f"Unknown schedule {name!r}. Valid names: {valid}") from None


def evaluate(name: str, steps: ArrayLike, **params: Value) -> Values:
    """Evaluates the schedule ``name`` at ``steps``.

    Parameters left out take their registry defaults.

    Args:
      name: a key of ``SCHEDULES``.
      steps: a step or an array-like of steps, each ``>= 0``.
      **params: the schedule's keyword parameters.

    Returns:
      A float for a scalar step, else a float64 array of the steps' shape.

    Raises:
      ValueError: for an unknown schedule or parameter name, or a parameter out
        of its range.

    >>> evaluate("power", [0, 50, 100], power_factor=3.0)
    array([0.   , 0.125, 1.   ])
    """
    spec = get_schedule(name)
    known = {p.name for p in spec.params}
    unknown = sorted(set(params) - known)
    if unknown:
        raise ValueError(
            f"Unknown parameter {unknown[0]!r} for schedule {name!r}. "
            f"Valid parameters: {', '.join(p.name for p in spec.params)}"
        )
    return spec.function(steps, **params)
