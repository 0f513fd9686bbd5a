"""``phases``: a schedule joined end to end from phases of known shapes."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np

from dynweights._bound import Bound
from dynweights._checks import MAX_INT, check_int, check_real, fail, show
from dynweights._spec import MAX_VALUE
from dynweights._tree import Join, Leaf, Node, join, num, shaped

Piece = tuple[float, "Leaf", "float | None"]
SHAPES = ("linear", "cosine", "1-sqrt", "1-square", "power", "exponential", "constant")
MAX_PHASES = 32
# An exponential phase computes start (end / start)^p: with both ends in
# [1e-300, MAX_VALUE] the ratio stays a finite float.
MIN_EXPONENTIAL = 1e-300


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
        "start": check_real(f"{where}.start", raw["start"], -MAX_VALUE, MAX_VALUE),
    }
    phase["end"] = check_real(f"{where}.end", raw.get("end", phase["start"]), -MAX_VALUE, MAX_VALUE)
    if shape == "constant" and phase["end"] != phase["start"]:
        fail(
            f"{where}.end",
            f"equal to start ({show(phase['start'])}) in a constant phase",
            raw["end"],
        )
    if shape == "power":
        phase["power"] = check_real(f"{where}.power", raw["power"], 0.0, low_open=True)
    if shape == "exponential":
        for key in ("start", "end"):
            if phase[key] < MIN_EXPONENTIAL:
                fail(
                    f"{where}.{key}",
                    f">= {MIN_EXPONENTIAL!r}: an exponential phase cannot pass through 0",
                    raw[key],
                )
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
        ``end`` (and ``power`` for a power phase). ``start`` and ``end`` lie in
        ``[-MAX_VALUE, MAX_VALUE]`` (``MAX_VALUE = 1e6``, the limit of every
        learning rate and weight), and in ``[1e-300, MAX_VALUE]`` for an
        exponential phase.

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


def to_phases(s: Bound) -> list[dict[str, Any]] | None:
    """The ``dynweights.phases`` list equal to ``s``, or ``None`` if it is not a chain of phases.

    A family whose tree is a phase, or a join of phases end to end (warmup then
    cosine, warmup-stable-decay), becomes that list; restarts, step decays and
    other pieces without a plain phase give ``None``. The result is checked: the
    phases evaluate equal to ``s`` at its breakpoints and on an even grid.

    >>> import dynweights
    >>> s = dynweights.schedule("cosine_with_linear_warmup", total_steps=100, init_lr=0.1)
    >>> [(p["shape"], p["steps"], p["start"], p["end"]) for p in to_phases(s)]
    [('linear', 10, 0.0, 0.1), ('cosine', 90, 0.1, 0.0)]
    >>> to_phases(dynweights.schedule("step_decay")) is None
    True
    """

    def flat(node: Node, offset: float, length: float | None) -> list[Piece] | None:
        """``(start, leaf, steps)`` end to end; ``steps`` is ``None`` where a piece goes on."""
        if isinstance(node, Join) and not node.inclusive:
            out: list[Piece] = []
            starts = [0.0, *node.boundaries]
            ends: list[float | None] = [*node.boundaries]
            ends.append(None if length is None else length)
            for start, end, piece in zip(starts, ends, node.pieces, strict=True):
                inner = flat(piece, offset + start, None if end is None else end - start)
                if inner is None:
                    return None
                out.extend(inner)
            return out
        if isinstance(node, Leaf) and node.phase:
            return [(offset, node, length)]
        return None

    pieces = flat(s.tree, 0.0, None)
    if not pieces:
        return None
    items: list[dict[str, Any]] = []
    at = 0.0
    for start, leaf, length in pieces:
        shape, first, last, steps, power = leaf.phase or ("", 0.0, 0.0, 0.0, 1.0)
        if shape == "constant":  # a constant lasts as long as its place in the chain
            steps = (s.total_steps - start) if length is None else length
        elif length is not None and length != steps:
            return None
        if start != at or not float(steps).is_integer() or steps < 1:
            return None
        item: dict[str, Any] = {"shape": shape, "steps": int(steps), "start": first, "end": last}
        if shape == "power":
            item["power"] = power
        items.append(item)
        at += steps
    if at != s.total_steps:
        return None
    try:
        chain = phases(items)
    except ValueError:
        return None
    grid = np.unique(np.concatenate([np.linspace(0, s.total_steps, 257), s.marks(), s.marks() - 1]))
    grid = grid[grid >= 0]
    if not np.allclose(chain.values(grid), s.values(grid), rtol=1e-12, atol=0.0):
        return None
    return items
