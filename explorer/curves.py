"""The list of curves: each a family (or custom phases) with its own parameters.

Pure data and functions, no Streamlit: the page keeps a ``View`` in its session
and the link reader builds one. Values of lengths are kept in the view's units
(steps, or fractions of total steps) and turned into steps only to bind.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import dynweights
from dynweights import SCHEDULES, Bound, Param
from dynweights._phases import MAX_PHASES, to_phases
from explorer import setup
from explorer.inputs import Value, count, is_length, number, to_fraction, to_steps

CUSTOM = "phases"
CUSTOM_LABEL = "Custom phases"
# Settings every curve follows unless it unlinks them: comparing at one budget
# (and one peak) is the common case.
SHARED = ("total_steps", "init_lr", "max_weight")
UNITS = ("fraction", "steps")
IMAGE_FORMATS = ("png", "svg")
MAX_CURVES = 8
# Okabe & Ito's colour-blind-safe palette: (line colour, the Streamlit Markdown colour
# nearest it for the swatch in the curve list). Sky blue has no named colour of its own
# and black shows in the text colour; yellow, the faintest on white, comes last.
PALETTE = (
    ("#0072B2", "blue"),
    ("#E69F00", "orange"),
    ("#009E73", "green"),
    ("#D55E00", "red"),
    ("#CC79A7", "violet"),
    ("#56B4E9", "blue"),
    ("#000000", ""),
    ("#F0E442", "yellow"),
)
# The curves of a fresh page: two ramps and two LR schedules, leaving room to add.
DEFAULT_CURVES = ("linear", "cosine", "cosine_with_linear_warmup", "cosine_warm_restarts")
# The fresh page's own values: its warmup starts above 0, since a learning rate of 0
# at step 0 wastes the first update (the page would warn about its own default).
DEFAULT_OWN: dict[str, dict[str, Value]] = {"cosine_with_linear_warmup": {"warmup_lr": 1e-6}}
# What an old link showed when it named no curves: the seed blog's four ramps and
# three LR schedules.
OLD_DEFAULT_CURVES = (
    "linear",
    "cosine",
    "power",
    "exponential",
    "cosine_with_linear_warmup",
    "cosine_annealing",
    "cosine_warm_restarts",
)


def param_named(name: str) -> Param:
    """The registry's parameter ``name`` (the same meaning in every family)."""
    return next(p for s in SCHEDULES.values() for p in s.params if p.name == name)


def default_global(name: str) -> Value:
    return param_named(name).default  # type: ignore[no-any-return]


@dataclass
class Curve:
    """One item of the list. ``own`` holds every parameter in the view's units;
    a shared one is used only while it is in ``unlinked``."""

    id: int
    name: str
    own: dict[str, Value] = field(default_factory=dict)
    unlinked: set[str] = field(default_factory=set)
    visible: bool = True
    colour: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)  # custom phases, lengths in units
    title: str = ""  # a label of its own ("HF cosine"), else its family's

    @property
    def family(self) -> str:
        return "custom" if self.name == CUSTOM else SCHEDULES[self.name].family

    @property
    def chart(self) -> str:
        """Custom phases draw with the learning rates, where chains of phases live."""
        return "weight" if self.family == "weight" else "lr"

    def params(self) -> tuple[Param, ...]:
        if self.name == CUSTOM:
            return (param_named("total_steps"),)
        return SCHEDULES[self.name].params


@dataclass
class View:
    """The whole page: shared settings and the curves, in list order."""

    shared: dict[str, Value]
    curves: list[Curve]
    next_id: int = 0

    @property
    def units(self) -> str:
        return str(self.shared["units"])

    def find(self, curve_id: int) -> Curve:
        return next(c for c in self.curves if c.id == curve_id)

    def free_colour(self) -> int:
        used = {c.colour for c in self.curves}
        return next((i for i in range(len(PALETTE)) if i not in used), len(self.curves))

    def add(self, curve: Curve) -> Curve | None:
        if len(self.curves) >= MAX_CURVES:
            return None
        curve = dataclasses.replace(curve, id=self.next_id, colour=self.free_colour())
        self.next_id += 1
        self.curves.append(curve)
        return curve


def default_shared() -> dict[str, Value]:
    return {
        **{name: default_global(name) for name in SHARED},
        "units": UNITS[0],
        "log_weights": False,
        "log_lrs": False,
        "image_format": IMAGE_FORMATS[0],
        "step_cursor": "",  # no step chosen: the comparison table uses half of total steps
        **setup.DEFAULTS,
    }


def default_length(param: Param, units: str) -> Value:
    """A length's default: the registry's steps, or the same share of the default run."""
    if units == "steps":
        return param.default  # type: ignore[no-any-return]
    return to_fraction(int(param.default), count(default_global("total_steps")))


def new_curve(name: str, shared: Mapping[str, Value], **own: Value) -> Curve:
    """A curve of ``name`` at its defaults, following every shared setting."""
    units = str(shared["units"])
    curve = Curve(id=-1, name=name)
    for param in curve.params():
        if param.name in SHARED:
            curve.own[param.name] = shared[param.name]
        elif is_length(param):
            curve.own[param.name] = default_length(param, units)
        else:
            curve.own[param.name] = param.default
    for key, value in own.items():
        curve.own[key] = value
        if key in SHARED and value != shared[key]:
            curve.unlinked.add(key)
    return curve


def total_steps(curve: Curve, shared: Mapping[str, Value]) -> int:
    key = "total_steps"
    return count(curve.own[key] if key in curve.unlinked else shared[key])


def bound_params(curve: Curve, shared: Mapping[str, Value]) -> dict[str, Value]:
    """The parameters to bind: shared values where linked, lengths in steps."""
    total = total_steps(curve, shared)
    out: dict[str, Value] = {}
    for param in curve.params():
        value = curve.own[param.name]
        if param.name in SHARED and param.name not in curve.unlinked:
            value = shared[param.name]
        elif is_length(param) and shared["units"] == "fraction":
            value = to_steps(number(value), total, int(param.min or 0))
        out[param.name] = value
    return out


def phase_items(curve: Curve, shared: Mapping[str, Value]) -> list[dict[str, Any]]:
    """The custom rows as ``dynweights.phases`` items, lengths in steps."""
    total = total_steps(curve, shared)
    items = []
    for row in curve.rows:
        item = {k: row.get(k) for k in ("shape", "start", "end")}
        length = row.get("length")
        if shared["units"] == "fraction" and isinstance(length, int | float):
            length = to_steps(float(length), total, 0)
        elif isinstance(length, float) and length.is_integer():
            length = int(length)
        item["steps"] = length
        if row.get("shape") == "power":
            item["power"] = row.get("power")
        elif row.get("shape") == "constant" and item["end"] is None:
            item["end"] = item["start"]
        items.append(item)
    return items


_PHASE_INDEX = re.compile(r"phases\[(\d+)\]\.?")


def bad_rows(curve: Curve, shared: Mapping[str, Value]) -> dict[int, str]:
    """``{row number from 1: why}`` for each custom row that is not a valid phase."""
    bad: dict[int, str] = {}
    for i, item in enumerate(phase_items(curve, shared)):
        try:
            dynweights.phases([item])
        except ValueError as err:
            why = _PHASE_INDEX.sub("", str(err))
            length = curve.rows[i].get("length")
            if shared["units"] == "fraction" and isinstance(length, int | float):
                why += f" (length {length} of {total_steps(curve, shared):,} steps)"
            bad[i + 1] = why
    return bad


def bind(curve: Curve, shared: Mapping[str, Value]) -> Bound:
    """The curve as a bound schedule.

    Raises:
      ValueError: naming the parameters (or the custom row) that are not valid.
    """
    if curve.name != CUSTOM:
        return dynweights.schedule(curve.name, **bound_params(curve, shared))
    bad = bad_rows(curve, shared)
    if bad:
        row, why = next(iter(bad.items()))
        raise ValueError(f"row {row}: {why}")
    if not curve.rows:
        raise ValueError("add at least one phase")
    if len(curve.rows) > MAX_PHASES:
        raise ValueError(f"at most {MAX_PHASES} phases")
    return dynweights.phases(phase_items(curve, shared))


def rows_of(items: Sequence[Mapping[str, Any]], units: str, total: int) -> list[dict[str, Any]]:
    """Phases (steps) as editable rows in ``units``."""
    rows = []
    for item in items:
        steps = int(item["steps"])
        length: Value = steps if units == "steps" else to_fraction(steps, total)
        rows.append(
            {
                "shape": item["shape"],
                "length": length,
                "start": float(item["start"]),
                "end": float(item["end"]),
                "power": float(item["power"]) if "power" in item else None,
            }
        )
    return rows


def custom_curve(items: Sequence[Mapping[str, Any]], shared: Mapping[str, Value]) -> Curve:
    """A custom curve of ``items``; in fractions, its length is the shared total steps."""
    total = sum(int(i["steps"]) for i in items)
    curve = Curve(id=-1, name=CUSTOM, own={"total_steps": total})
    if shared["units"] == "fraction" and total != shared["total_steps"]:
        curve.unlinked.add("total_steps")
    curve.rows = rows_of(items, str(shared["units"]), total)
    return curve


def make_custom(curve: Curve, shared: Mapping[str, Value]) -> Curve | str:
    """The custom phases equal to ``curve``, or why there are none."""
    try:
        bound = bind(curve, shared)
    except ValueError as err:
        return f"fix the curve first: {err}"
    items = to_phases(bound)
    if items is None:
        return f"{bound.label} is not a chain of plain phases"
    return custom_curve(items, shared)


DEFAULT_ROWS = ({"shape": "linear", "steps": 10, "start": 0.0, "end": 1.0},)


def convert_units(view: View, units: str) -> None:
    """Rewrites every length in ``units``, keeping each curve's steps."""
    if units == view.units:
        return
    for curve in view.curves:
        total = total_steps(curve, view.shared)
        if curve.name == CUSTOM:
            steps = [i["steps"] for i in phase_items(curve, view.shared)]
            for row, count in zip(curve.rows, steps, strict=True):
                if isinstance(count, int):
                    row["length"] = count if units == "steps" else to_fraction(count, total)
            continue
        for param in curve.params():
            if is_length(param):
                value = curve.own[param.name]
                curve.own[param.name] = (
                    to_steps(number(value), total, int(param.min or 0))
                    if units == "steps"
                    else to_fraction(count(value), total)
                )
    view.shared["units"] = units


def preset_curves(name: str, view: View) -> list[Curve]:
    """A preset's curves at its published values; the preset sets the shared ones it names."""
    preset = dynweights.PRESETS[name]
    for key in SHARED:
        if key in preset.params:
            view.shared[key] = preset.params[key]
    total = count(view.shared["total_steps"])
    curves = []
    for family in preset.curves:
        own: dict[str, Value] = {}
        for param in SCHEDULES[family].params:
            if param.name in preset.params and param.name not in SHARED:
                value = preset.params[param.name]
                if is_length(param) and view.units == "fraction":
                    value = to_fraction(int(value), total)
                own[param.name] = value
        curves.append(new_curve(family, view.shared, **own))
    return curves


def curve_of(bound: Bound, view: View) -> Curve:
    """A curve drawing ``bound`` exactly: its family and values, or its phases.

    In fractions, lengths become fractions of the curve's total; where rounding
    would move a length by a step, the view turns to steps (``convert_units``) so
    the curve stays exact.
    """
    if bound.name == CUSTOM:
        items = [dict(p) for p in bound.params["phases"]]
        curve = custom_curve(items, view.shared)
    else:
        total = int(bound.params["total_steps"])
        own: dict[str, Value] = {}
        for param in SCHEDULES[bound.name].params:
            value = bound.params[param.name]
            if is_length(param) and view.units == "fraction":
                value = to_fraction(int(value), total)
            own[param.name] = value
        curve = new_curve(bound.name, view.shared, **own)
    if bind(curve, view.shared).to_dict() != bound.to_dict():
        convert_units(view, "steps")
        return curve_of(bound, view)
    return curve


def default_view(units: str = UNITS[0]) -> View:
    view = View({**default_shared(), "units": units}, [])
    for name in DEFAULT_CURVES:
        view.add(new_curve(name, view.shared, **DEFAULT_OWN.get(name, {})))
    return view


def labels(curves: Sequence[Curve], shared: Mapping[str, Value]) -> dict[int, str]:
    """A readable, distinct label per curve: its family, and what sets it apart."""
    out: dict[int, str] = {}
    for curve in curves:
        base = curve.title or (
            CUSTOM_LABEL if curve.name == CUSTOM else SCHEDULES[curve.name].label
        )
        twins = [c for c in curves if (c.name, c.title) == (curve.name, curve.title)]
        if len(twins) == 1:
            out[curve.id] = base
            continue
        mine = _effective(curve, shared)
        differ = [
            f"{k}={_short(v)}"
            for k, v in mine.items()
            if any(_effective(t, shared).get(k) != v for t in twins)
        ]
        if not differ or curve.name == CUSTOM:
            differ = [f"#{twins.index(curve) + 1}"]
        out[curve.id] = f"{base} ({', '.join(differ[:3])})"
    return out


def _effective(curve: Curve, shared: Mapping[str, Value]) -> dict[str, Value]:
    if curve.name == CUSTOM:
        return {"rows": str(curve.rows)}
    return {
        k: (shared[k] if k in SHARED and k not in curve.unlinked else v)
        for k, v in curve.own.items()
    }


def _short(value: Value) -> str:
    from explorer.inputs import value_text

    return value_text(value)
