"""The registry: every schedule by name, ``schedule``, ``evaluate`` and ``from_json``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from numpy.typing import ArrayLike

from dynweights import decay, library, lr, timm, weights
from dynweights._bound import Bound, bind
from dynweights._checks import check_json_text
from dynweights._phases import phases
from dynweights._spec import Schedule, Value, Values

# A schedule's JSON is at most about 20,000 characters (1,000 milestones) and
# 4 levels deep (phases: {"params": {"phases": [{...}]}}).
MAX_JSON_CHARS = 100_000
MAX_JSON_DEPTH = 8

SCHEDULES: Mapping[str, Schedule] = MappingProxyType(
    {spec.name: spec for spec in (*weights.SPECS, *lr.SPECS, *decay.SPECS, *library.SPECS)}
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


def schedule(name: str, **params: Value) -> Bound:
    """Binds the schedule ``name`` to ``params``, checked once; left-out ones take defaults.

    Returns:
      An immutable, hashable ``Bound``: call it with a step or an array of steps.

    Raises:
      ValueError: for an unknown schedule or parameter name, or a parameter out of
        its range; the message names the parameter, its range and the value.

    >>> s = schedule("cosine_with_linear_warmup", total_steps=1000, warmup_steps=100, init_lr=3e-4)
    >>> s(100), s(1000), s.breakpoints.tolist()
    (0.0003, 0.0, [100])
    """
    return bind(get_schedule(name), params)


def evaluate(name: str, steps: ArrayLike, **params: Value) -> Values:
    """Evaluates the schedule ``name`` at ``steps``.

    Parameters left out take their registry defaults. For many calls with the
    same parameters, bind once with ``schedule`` and call the result: this
    checks every parameter on each call.

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
    return schedule(name, **params).values(steps)


def from_dict(data: Mapping[str, Any]) -> Bound:
    """Reads ``{"schedule": name, "params": {...}}`` (``Bound.to_dict``)."""
    if not isinstance(data, Mapping) or set(data) != {"schedule", "params"}:
        raise ValueError(
            'a schedule must be an object with exactly the keys "schedule" and "params", '
            f"got {_keys(data)}"
        )
    name, params = data["schedule"], data["params"]
    if not isinstance(params, Mapping):
        raise ValueError(f"params must be an object, got {type(params).__name__}")
    if name == "phases":
        if set(params) != {"phases"}:
            raise ValueError(
                f'params of "phases" must be exactly {{"phases": [...]}}, got {_keys(params)}'
            )
        return phases(params["phases"])
    if name == "timm":
        return timm.from_params(params)
    if name == "torch":
        from dynweights.pytorch import from_torch  # it imports this module

        if set(params) != {"source", "init_lr", "total_steps"}:
            raise ValueError(
                'params of "torch" must be exactly {"source", "init_lr", "total_steps"}, '
                f"got {_keys(params)}"
            )
        return from_torch(params["source"], lr=params["init_lr"], total_steps=params["total_steps"])
    return schedule(str(name) if isinstance(name, str) else name, **params)


def from_json(text: str) -> Bound:
    """Reads a schedule written by ``Bound.to_json``: the result is equal to it.

    Raises:
      ValueError: for text that is not JSON, longer than 100,000 characters or
        nested more than 8 deep (checked before parsing), or a schedule or
        parameter that is not valid.

    >>> s = schedule("step_decay", step_size=30)
    >>> from_json(s.to_json()) == s
    True
    """
    if isinstance(text, str):
        check_json_text("schedule JSON", text, MAX_JSON_CHARS, MAX_JSON_DEPTH)
    try:
        data = json.loads(text)
    except (TypeError, ValueError) as error:
        raise ValueError(f"not valid JSON: {error}") from None
    return from_dict(data)


def _keys(data: object) -> str:
    if isinstance(data, Mapping):
        return "keys " + ", ".join(repr(k) for k in data) if data else "no keys"
    return type(data).__name__
