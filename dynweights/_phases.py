"""``phases``: a schedule joined end to end from phases of known shapes."""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from dynweights._bound import Bound
from dynweights._checks import MAX_INT, check_int, fail, show
from dynweights._tree import join, num, shaped

SHAPES = ("linear", "cosine", "1-sqrt", "1-square", "power", "exponential", "constant")
MAX_PHASES = 32


def _real(where: str, value: object, rule: str = "a finite number") -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        fail(where, rule, value)
    number = float(value)
    if not math.isfinite(number):
        fail(where, rule, value)
    return number


def _phase(index: int, raw: object) -> dict[str, Any]:
    where = f"phases[{index}]"
    if not isinstance(raw, Mapping):
        fail(where, "an object with shape, steps, start and end", raw)
    shape = raw.get("shape")
    if shape not in SHAPES:
        fail(f"{where}.shape", "one of " + ", ".join(repr(s) for s in SHAPES), shape)
    allowed = {"shape", "steps", "start", "end"} | ({"power"} if shape == "power" else set())
    required = allowed - ({"end"} if shape == "constant" else set())
    extra = sorted(str(k) for k in raw if k not in allowed)
    if extra:
        fail(
            f"{where}.{extra[0]}",
            f"absent: a {shape} phase takes {', '.join(sorted(allowed))}",
            raw[extra[0]],
        )
    missing = sorted(required - set(raw))
    if missing:
        raise ValueError(
            f"{where}.{missing[0]} is missing: a {shape} phase needs {', '.join(sorted(required))}"
        )
    phase: dict[str, Any] = {
        "shape": shape,
        "steps": check_int(f"{where}.steps", raw["steps"], 1, rule="an integer >= 1"),
        "start": _real(f"{where}.start", raw["start"]),
    }
    phase["end"] = _real(f"{where}.end", raw.get("end", phase["start"]))
    if shape == "constant" and phase["end"] != phase["start"]:
        fail(
            f"{where}.end",
            f"equal to start ({show(phase['start'])}) in a constant phase",
            raw["end"],
        )
    if shape == "power":
        phase["power"] = _real(f"{where}.power", raw["power"], "a finite number > 0")
        if phase["power"] <= 0:
            fail(f"{where}.power", "a finite number > 0", raw["power"])
    if shape == "exponential":
        for key in ("start", "end"):
            if phase[key] <= 0:
                fail(f"{where}.{key}", "> 0: an exponential phase cannot pass through 0", raw[key])
    return phase


def phases(items: Sequence[Mapping[str, object]]) -> Bound:
    """Joins phases end to end into one bound schedule.

    Phase ``i`` covers its local steps ``0 <= u < steps`` with ``p = u / steps``
    and the value ``start + (end - start) f(p)``: ``f(p)`` is ``p`` (linear),
    ``(1 - cos(pi p)) / 2`` (cosine), ``sqrt(p)`` (1-sqrt), ``p^2`` (1-square) or
    ``p^a`` (power, with ``"power": a > 0``). An ``exponential`` phase is
    ``start (end / start)^p`` (both ``> 0``); a ``constant`` one is ``start``
    (``end`` may be left out). ``total_steps`` is the sum of the steps; from it
    on, the value is the last phase's ``end``. A phase that starts away from
    where the previous one ended makes a jump, which is a breakpoint.

    Args:
      items: 1 to 32 mappings with the keys ``shape``, ``steps``, ``start``,
        ``end`` (and ``power`` for a power phase).

    Returns:
      A ``Bound`` named ``"phases"`` with ``params == {"phases": (...)}``.

    Raises:
      ValueError: naming the phase and the field: ``phases[1].steps must be an
        integer >= 1, got 0``.

    >>> s = phases([
    ...     {"shape": "linear", "steps": 10, "start": 0.0, "end": 1.0},
    ...     {"shape": "cosine", "steps": 90, "start": 1.0, "end": 0.1},
    ... ])
    >>> s.total_steps, s(5), s(100), s.breakpoints.tolist()
    (100, 0.5, 0.1, [10])
    """
    if isinstance(items, str | bytes | Mapping) or not isinstance(items, Sequence):
        fail("phases", f"a list of 1 to {MAX_PHASES} phases", items)
    if not 1 <= len(items) <= MAX_PHASES:
        fail("phases", f"a list of 1 to {MAX_PHASES} phases", f"{len(items)} phases")
    checked = [_phase(i, raw) for i, raw in enumerate(items)]
    total = sum(p["steps"] for p in checked)
    if total > MAX_INT:
        fail("phases", "at most 2**53 steps in all", total)
    pieces = [
        shaped(p["shape"], p["start"], p["end"], p["steps"], p.get("power", 1.0)) for p in checked
    ]
    # From total_steps on, the last phase's end, exactly.
    pieces[-1] = dataclasses.replace(pieces[-1], settle=num(checked[-1]["end"]))
    tree = join(pieces, [p["steps"] for p in checked[:-1]])
    frozen = tuple(MappingProxyType(p) for p in checked)
    return Bound("phases", "Custom phases", "custom", {"phases": frozen}, tree, total)
