"""Bound schedules: a family or a chain of phases with its parameters checked once."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, NoReturn

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dynweights._checks import as_steps, check_params, fail, finish
from dynweights._printers import bound_code
from dynweights._spec import Family, Natives, Schedule, Value, Values
from dynweights._tree import Node, formula, scalar_function

# More breakpoints than this are thinned evenly (see Bound.marks).
BREAKPOINT_LIMIT = 1000
_INF = math.inf


def _frozen(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple((k, _frozen(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


class Bound:
    """A schedule bound to checked parameters: an immutable, hashable value.

    Make one with ``dynweights.schedule(name, **params)``, ``dynweights.phases``
    or ``dynweights.from_json``. Calling it evaluates it: a float for a scalar
    step, a float64 array for an array of steps; steps past ``total_steps`` hold,
    and negative, NaN or infinite steps are a ``ValueError``.

    >>> import dynweights
    >>> s = dynweights.schedule("cosine_annealing", total_steps=100, init_lr=0.1)
    >>> s(50), s.total_steps, s.breakpoints.tolist()
    (0.05, 100, [])
    >>> dynweights.from_json(s.to_json()) == s
    True
    """

    __slots__ = (
        "_key",
        "_scalar",
        "family",
        "ignored",
        "label",
        "name",
        "natives",
        "params",
        "source",
        "total_steps",
        "tree",
    )

    name: str
    label: str
    family: Family
    params: Mapping[str, Value]
    total_steps: int
    tree: Node
    ignored: tuple[str, ...]
    """Config keys that did not change the schedule (``from_hf_trainer``); else ()."""
    source: str
    """Where the schedule came from: ``""`` for ``schedule``/``phases``/``from_json``,
    else the importer's name and input (``"hf: cosine"``), set by the importer."""
    natives: Callable[[Mapping[str, Any]], Natives] | None
    """The family's own schedulers in peer libraries (see ``Schedule.natives``)."""
    _scalar: Callable[[float], float] | None
    _key: tuple[Any, ...]

    def __init__(
        self,
        name: str,
        label: str,
        family: Family,
        params: Mapping[str, Value],
        tree: Node,
        total_steps: int,
        natives: Callable[[Mapping[str, Any]], Natives] | None = None,
        *,
        source: str = "",
        ignored: tuple[str, ...] = (),
    ) -> None:
        set_ = object.__setattr__
        set_(self, "name", name)
        set_(self, "label", label)
        set_(self, "family", family)
        set_(self, "params", MappingProxyType(dict(params)))
        set_(self, "total_steps", total_steps)
        set_(self, "tree", tree)
        set_(self, "_scalar", None)  # compiled on the first scalar call
        set_(self, "ignored", tuple(ignored))
        set_(self, "source", source)
        set_(self, "natives", natives)
        set_(self, "_key", (name, _frozen(dict(params))))

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"a bound schedule is immutable; {name} cannot be set")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Bound) and self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)

    def __repr__(self) -> str:
        if self.name == "torch":  # an import re-reads its source (dynweights.from_torch)
            p = self.params
            return (
                f"dynweights.from_torch({p['source']!r}, lr={p['init_lr']!r}, "
                f"total_steps={p['total_steps']!r})"
            )
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"dynweights.schedule({self.name!r}, {args})"

    def __call__(self, steps: ArrayLike) -> Values:
        kind = type(steps)
        if kind is int or kind is float:
            if 0 <= steps < _INF:  # type: ignore[operator]
                scalar = self._scalar
                if scalar is None:
                    scalar = scalar_function(self.tree, self.total_steps)
                    object.__setattr__(self, "_scalar", scalar)
                return scalar(steps)  # type: ignore[arg-type]
            fail("steps", "finite and >= 0", steps)
        return self.values(steps)

    def values(self, steps: ArrayLike) -> Values:
        """Evaluates with numpy alone, a scalar step as a one-element array.

        ``s(step)`` with a Python scalar uses plain ``math`` instead, which can
        differ from this in the last ulp (``math.cos`` and ``np.cos`` round apart).
        """
        t = as_steps(steps, self.total_steps)
        return finish(self.tree.values(t), steps)

    def marks(self, limit: int = BREAKPOINT_LIMIT) -> NDArray[np.int64]:
        """Breakpoints in ``(0, total_steps]``, an even selection of ``limit`` beyond it."""
        marks = self.tree.marks(limit)
        marks = marks[(marks > 0) & (marks <= self.total_steps)]
        if marks.size > limit:
            marks = marks[np.unique(np.rint(np.linspace(0, marks.size - 1, limit)).astype(int))]
        return marks

    @property
    def breakpoints(self) -> NDArray[np.int64]:
        """Sorted int64 steps where the curve has a kink or jump (warmup end,
        phase boundaries, restarts), evenly thinned beyond 1,000."""
        return self.marks()

    @property
    def formula(self) -> str:
        """The schedule as LaTeX, with its own numbers; ``t`` is the step."""
        return formula(self.family, self.tree)

    def to_code(self, target: str = "python") -> str:
        """Source code reproducing this schedule; see ``dynweights.to_code``."""
        return bound_code(self, target)

    def to_dict(self) -> dict[str, Any]:
        """``{"schedule": name, "params": {...}}``, the form ``to_json`` writes."""
        return {"schedule": self.name, "params": json.loads(json.dumps(_jsonable(self.params)))}

    def to_json(self) -> str:
        """The schedule as JSON; ``dynweights.from_json`` reads it back equal."""
        return json.dumps(self.to_dict(), allow_nan=False)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def imported(s: Bound, source: str, ignored: tuple[str, ...] = ()) -> Bound:
    """``s`` as an importer returns it: the same schedule, labelled with its source."""
    return Bound(
        s.name,
        s.label,
        s.family,
        s.params,
        s.tree,
        s.total_steps,
        s.natives,
        source=source,
        ignored=ignored,
    )


def bind(spec: Schedule, params: Mapping[str, object]) -> Bound:
    """Checks ``params`` against ``spec`` once and returns the bound schedule."""
    known = {p.name for p in spec.params}
    unknown = [k for k in params if k not in known]
    if unknown:
        raise ValueError(
            f"Unknown parameter {unknown[0]!r} for schedule {spec.name!r}. "
            f"Valid parameters: {', '.join(p.name for p in spec.params)}"
        )
    checked = check_params(spec.params, spec.rules, {**spec.defaults(), **params})
    tree = spec.build(checked)
    total = checked["total_steps"]
    return Bound(spec.name, spec.label, spec.family, checked, tree, total, spec.natives)
