"""The list of curves: each a family (or custom phases) with its own parameters.

Pure data and functions, no Streamlit. A ``View`` is a frozen value: every change
is a function that returns a new view (``add``, ``set_param``, ``convert_units``...),
so nothing can change a curve it was not asked to change. Lengths are kept in the
view's units (steps, or fractions of total steps) and turned into steps only to bind.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import dynweights
from dynweights import SCHEDULES, Bound, Param
from dynweights._phases import MAX_PHASES, to_phases
from explorer import setup
from explorer.inputs import (
    Value,
    accept,
    count,
    fmt,
    is_length,
    number,
    parse_fraction,
    parse_number,
    quote,
    read,
    read_phase_value,
    to_fraction,
    to_steps,
    value_text,
)
from explorer.losses import DEFAULT as LOSS_DEFAULT

CUSTOM = "phases"
CUSTOM_LABEL = "Custom phases"
# A LambdaLR factor typed on the page: drawn, exported and linked like a family.
EXPRESSION = "expression"
EXPRESSION_LABEL = "Custom expression"
# Schedules read from pasted code or arguments with no family of their own: kept as
# the package's own parameters (``Bound.to_dict``), read back by ``from_dict``.
IMPORTED = {"torch": "PyTorch scheduler", "timm": "timm scheduler"}
MAX_IMPORTED_CHARS = 3000
EXPRESSION_PARAM = Param(
    "expression",
    "lambda step:",
    "1.0 if step < 100 else 0.5 ** (step // 1000)",
    None,
    None,
    "The factor of the peak LR at each step, as in torch's LambdaLR: arithmetic, "
    "comparisons, x if c else y, math functions, min, max and abs of step. Read, never run.",
    str,
)
# Settings every curve follows unless it unlinks them: comparing at one budget
# (and one peak) is the common case.
SHARED = ("total_steps", "init_lr", "max_weight")
UNITS = ("fraction", "steps")
# What a link without ``units`` means: lengths in steps, as ``dynweights.schedule`` reads them.
LINK_UNITS = "steps"
IMAGE_FORMATS = ("png", "svg")
MAX_CURVES = 8
# Okabe & Ito's colour-blind-safe palette; the swatch in the curve list is the same colour.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#000000",
    "#F0E442",
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
ROW_KEYS = ("shape", "length", "start", "end", "power")
Row = Mapping[str, Value | None]


def param_named(name: str) -> Param:
    """The registry's parameter ``name`` (the same meaning in every family)."""
    return next(p for s in SCHEDULES.values() for p in s.params if p.name == name)


def default_global(name: str) -> Value:
    return param_named(name).default  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Curve:
    """One item of the list. ``own`` holds every parameter in the view's units;
    a shared one is used only while it is in ``unlinked``."""

    id: int
    name: str
    own: Mapping[str, Value] = field(default_factory=dict)
    unlinked: frozenset[str] = frozenset()
    visible: bool = True
    colour: int = 0
    rows: tuple[Row, ...] = ()  # custom phases, lengths in the view's units
    title: str = ""  # a label of its own ("GPT-3 / Llama 2", "HF cosine"), else its family's

    def __post_init__(self) -> None:
        # A linked setting's value is the shared one: the curve keeps no stale copy, so
        # two curves that draw the same are equal, and so are a view and its link.
        own = {k: v for k, v in self.own.items() if k not in SHARED or k in self.unlinked}
        object.__setattr__(self, "own", own)

    @property
    def family(self) -> str:
        if self.name in SCHEDULES:
            return SCHEDULES[self.name].family
        return "custom" if self.name == CUSTOM else "lr"

    @property
    def chart(self) -> str:
        """Custom phases draw with the learning rates, where chains of phases live."""
        return "weight" if self.family == "weight" else "lr"

    @property
    def colour_hex(self) -> str:
        return PALETTE[self.colour % len(PALETTE)]

    def params(self) -> tuple[Param, ...]:
        if self.name == CUSTOM:
            return (param_named("total_steps"),)
        if self.name == EXPRESSION:
            return (param_named("total_steps"), param_named("init_lr"), EXPRESSION_PARAM)
        if self.name in IMPORTED:
            return ()
        return SCHEDULES[self.name].params

    def shared_here(self) -> tuple[str, ...]:
        """The shared settings this curve can follow."""
        return tuple(p.name for p in self.params() if p.name in SHARED)


@dataclass(frozen=True)
class View:
    """The whole page: shared settings and the curves, in list order."""

    shared: Mapping[str, Value]
    curves: tuple[Curve, ...] = ()
    next_id: int = 0

    @property
    def units(self) -> str:
        return str(self.shared["units"])

    def find(self, curve_id: int) -> Curve | None:
        return next((c for c in self.curves if c.id == curve_id), None)

    @property
    def full(self) -> bool:
        return len(self.curves) >= MAX_CURVES


def default_shared() -> dict[str, Value]:
    return {
        **{name: default_global(name) for name in SHARED},
        "units": UNITS[0],
        "log_weights": False,
        "log_lrs": False,
        "image_format": IMAGE_FORMATS[0],
        "step_cursor": "",  # no step chosen: the comparison table uses half of total steps
        "loss_law": LOSS_DEFAULT,
        **setup.DEFAULTS,
    }


# --- changes: each returns a new view and touches only what it names ----------------


def add(view: View, *curves: Curve) -> View:
    """``view`` with ``curves`` appended (new ids, free colours), up to ``MAX_CURVES``."""
    out = view
    for curve in curves:
        if out.full:
            break
        used = {c.colour for c in out.curves}
        colour = next((i for i in range(len(PALETTE)) if i not in used), len(out.curves))
        placed = dataclasses.replace(curve, id=out.next_id, colour=colour)
        out = dataclasses.replace(out, curves=(*out.curves, placed), next_id=out.next_id + 1)
    return out


def put(view: View, curve: Curve) -> View:
    """``view`` with the curve of the same id replaced by ``curve``."""
    return dataclasses.replace(
        view, curves=tuple(curve if c.id == curve.id else c for c in view.curves)
    )


def remove(view: View, curve_id: int) -> View:
    return dataclasses.replace(view, curves=tuple(c for c in view.curves if c.id != curve_id))


def clear(view: View) -> View:
    return dataclasses.replace(view, curves=())


def duplicate(view: View, curve_id: int) -> View:
    """A copy placed right after the original, with a colour of its own."""
    source = view.find(curve_id)
    if source is None or view.full:
        return view
    grown = add(view, source)
    copy = grown.curves[-1]
    order = list(grown.curves[:-1])
    order.insert(order.index(source) + 1, copy)
    return dataclasses.replace(grown, curves=tuple(order))


def set_shared(view: View, key: str, value: Value) -> View:
    return dataclasses.replace(view, shared={**view.shared, key: value})


def set_param(view: View, curve_id: int, key: str, value: Value) -> View:
    curve = view.find(curve_id)
    if curve is None:
        return view
    return put(view, dataclasses.replace(curve, own={**curve.own, key: value}))


def set_linked(view: View, curve_id: int, key: str, linked: bool) -> View:
    """Links ``key`` to the shared setting, or gives the curve its own (the shared value)."""
    curve = view.find(curve_id)
    if curve is None:
        return view
    if linked:
        return put(view, dataclasses.replace(curve, unlinked=curve.unlinked - {key}))
    own = {**curve.own, key: view.shared[key]}
    return put(view, dataclasses.replace(curve, own=own, unlinked=curve.unlinked | {key}))


def set_rows(view: View, curve_id: int, rows: Sequence[Row]) -> View:
    curve = view.find(curve_id)
    if curve is None:
        return view
    return put(view, dataclasses.replace(curve, rows=tuple(dict(r) for r in rows[:MAX_PHASES])))


def set_visible(view: View, curve_id: int, visible: bool) -> View:
    curve = view.find(curve_id)
    if curve is None:
        return view
    return put(view, dataclasses.replace(curve, visible=visible))


# --- making curves ---------------------------------------------------------------------


def default_length(param: Param, units: str) -> Value:
    """A length's default: the registry's steps, or the same share of the default run."""
    if units == "steps":
        return param.default  # type: ignore[no-any-return]
    return to_fraction(int(param.default), count(default_global("total_steps")))


def new_curve(
    name: str,
    shared: Mapping[str, Value],
    own: Mapping[str, Value] | None = None,
    title: str = "",
) -> Curve:
    """A curve of ``name`` at its defaults, following every shared setting it is not given."""
    units = str(shared["units"])
    values: dict[str, Value] = {}
    unlinked: set[str] = set()
    params = Curve(-1, name).params()
    for param in params:
        if param.name in SHARED:
            values[param.name] = shared[param.name]
        elif is_length(param):
            values[param.name] = default_length(param, units)
        else:
            values[param.name] = param.default
    for key, value in (own or {}).items():
        values[key] = value
        if key in SHARED and value != shared[key]:
            unlinked.add(key)
    return Curve(id=-1, name=name, own=values, unlinked=frozenset(unlinked), title=title)


def total_steps(curve: Curve, shared: Mapping[str, Value]) -> int:
    key = "total_steps"
    return count(curve.own[key] if key in curve.unlinked else shared[key])


def follows(curve: Curve, key: str) -> bool:
    """The curve takes ``key`` from the shared settings."""
    return key in SHARED and key not in curve.unlinked and key in curve.shared_here()


def bound_params(curve: Curve, shared: Mapping[str, Value]) -> dict[str, Value]:
    """The parameters to bind: shared values where linked, lengths in steps."""
    total = total_steps(curve, shared)
    out: dict[str, Value] = {}
    for param in curve.params():
        if follows(curve, param.name):
            out[param.name] = shared[param.name]
            continue
        value = curve.own[param.name]
        if is_length(param) and shared["units"] == "fraction":
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
        blank = [k for k, v in (("length", item["steps"]), ("start", item["start"])) if v is None]
        if item["end"] is None:
            blank.append("end (only a constant phase may leave it blank)")
        if blank:
            bad[i + 1] = f"{blank[0]} is blank"
            continue
        try:
            dynweights.phases([item])
        except ValueError as err:
            why = _PHASE_INDEX.sub("", str(err))
            length = curve.rows[i].get("length")
            if shared["units"] == "fraction" and isinstance(length, int | float):
                why = why.replace("steps must be", "length must be")
                why += f" (a length of {length} of {total_steps(curve, shared):,} steps)"
            bad[i + 1] = why
    return bad


def bind(curve: Curve, shared: Mapping[str, Value]) -> Bound:
    """The curve as a bound schedule.

    Raises:
      ValueError: naming the parameters (or the custom row) that are not valid.
    """
    if curve.name in IMPORTED:
        params = json.loads(str(curve.own["params"]))
        return dynweights.from_json(json.dumps({"schedule": curve.name, "params": params}))
    if curve.name == EXPRESSION:
        p = bound_params(curve, shared)
        return dynweights.from_torch(
            f"LambdaLR(optimizer, {lambda_text(str(p['expression']))})",
            lr=number(p["init_lr"]),
            total_steps=count(p["total_steps"]),
        )
    if curve.name != CUSTOM:
        return _schedule(curve.name, tuple(bound_params(curve, shared).items()))
    if not curve.rows:
        raise ValueError("add at least one phase")
    bad = bad_rows(curve, shared)
    if bad:
        row, why = next(iter(bad.items()))
        raise ValueError(f"phase row {row}: {why}")
    items = phase_items(curve, shared)
    return _phases(tuple(tuple(sorted(item.items())) for item in items))


# A bound schedule is a value: binding the same parameters again (every rerun, the
# "Make custom" check) returns the same one. 1,000 milestones take 16 ms to bind.
@functools.lru_cache(maxsize=256)
def _schedule(name: str, params: tuple[tuple[str, Value], ...]) -> Bound:
    return dynweights.schedule(name, **dict(params))


@functools.lru_cache(maxsize=128)
def _phases(items: tuple[tuple[tuple[str, Any], ...], ...]) -> Bound:
    return dynweights.phases([dict(item) for item in items])


@functools.lru_cache(maxsize=128)
def _to_phases(bound: Bound) -> tuple[dict[str, Any], ...] | None:
    items = to_phases(bound)
    return None if items is None else tuple(items)


def lambda_text(expression: str) -> str:
    """``expression`` as a lambda of the step: its body alone, or a whole ``lambda``."""
    text = expression.strip()
    return text if text.startswith("lambda") else f"lambda step: {text}"


def imported_curve(bound: Bound, title: str) -> Curve:
    """A curve of a schedule with no family of its own (``from_torch``, ``from_timm``).

    Raises:
      ValueError: when its parameters are too long for a link.
    """
    text = json.dumps(bound.to_dict()["params"], separators=(",", ":"), allow_nan=False)
    if len(text) > MAX_IMPORTED_CHARS:
        raise ValueError(
            f"its parameters take {len(text):,} characters; a link holds at most "
            f"{MAX_IMPORTED_CHARS:,}"
        )
    return Curve(-1, bound.name, {"params": text}, title=title)


def bind_all(view: View) -> dict[int, Bound | str]:
    """Each curve bound once: ``{curve id: Bound}``, or why it is not valid."""
    out: dict[int, Bound | str] = {}
    for curve in view.curves:
        try:
            out[curve.id] = bind(curve, view.shared)
        except (ValueError, OverflowError) as err:
            out[curve.id] = str(err)
    return out


def rows_of(items: Sequence[Mapping[str, Any]], units: str, total: int) -> tuple[Row, ...]:
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
    return tuple(rows)


def custom_curve(
    items: Sequence[Mapping[str, Any]], shared: Mapping[str, Value], title: str = ""
) -> Curve:
    """A custom curve of ``items``; in fractions, its length is the shared total steps."""
    total = sum(int(i["steps"]) for i in items)
    unlinked: frozenset[str] = frozenset()
    if shared["units"] == "fraction" and total != shared["total_steps"]:
        unlinked = frozenset({"total_steps"})
    rows = rows_of(items, str(shared["units"]), total)
    return Curve(-1, CUSTOM, {"total_steps": total}, unlinked, rows=rows, title=title)


def next_row(rows: Sequence[Row], units: str, total: int) -> dict[str, Value | None]:
    """A new row: linear, starting where the previous one ended, over a tenth of the run."""
    previous = rows[-1] if rows else None
    start = previous.get("end") if previous else None
    if previous is not None and start is None:
        start = previous.get("start")
    length: Value = (
        to_fraction(max(1, total // 10), total) if units == "fraction" else max(1, total // 10)
    )
    return {
        "shape": "linear",
        "length": length,
        "start": start if start is not None else 0.0,
        "end": 0.0,
        "power": None,
    }


def make_custom(curve: Curve, shared: Mapping[str, Value]) -> Curve | str:
    """The custom phases equal to ``curve``, or why there are none."""
    try:
        bound = bind(curve, shared)
    except ValueError as err:
        return f"fix the curve first: {err}"
    items = _to_phases(bound)
    if items is None:
        return f"{bound.label} is not a chain of plain phases"
    made = custom_curve(items, shared, title=curve.title)
    return dataclasses.replace(made, id=curve.id, colour=curve.colour, visible=curve.visible)


def convert_units(view: View, units: str) -> View:
    """Every length rewritten in ``units``, keeping each curve's steps."""
    if units == view.units:
        return view
    curves = []
    for curve in view.curves:
        total = total_steps(curve, view.shared)
        if curve.name == CUSTOM:
            steps = [i["steps"] for i in phase_items(curve, view.shared)]
            rows = []
            for row, length in zip(curve.rows, steps, strict=True):
                if isinstance(length, int):
                    written = length if units == "steps" else to_fraction(length, total)
                    row = {**row, "length": written}
                rows.append(row)
            curves.append(dataclasses.replace(curve, rows=tuple(rows)))
            continue
        own = dict(curve.own)
        for param in curve.params():
            if is_length(param):
                value = own[param.name]
                own[param.name] = (
                    to_steps(number(value), total, int(param.min or 0))
                    if units == "steps"
                    else to_fraction(count(value), total)
                )
        curves.append(dataclasses.replace(curve, own=own))
    return dataclasses.replace(view, shared={**view.shared, "units": units}, curves=tuple(curves))


def preset_curves(name: str, view: View) -> list[Curve]:
    """A preset's curves at its published values, labelled by the preset.

    The preset never writes a shared setting: where its value differs from the shared
    one, its curves have their own. On an empty page the caller may share them instead.
    """
    preset = dynweights.PRESETS[name]
    total = count(preset.params.get("total_steps", view.shared["total_steps"]))
    curves = []
    for family in preset.curves:
        own: dict[str, Value] = {}
        for param in SCHEDULES[family].params:
            if param.name in preset.params:
                value = preset.params[param.name]
                if is_length(param) and view.units == "fraction":
                    value = to_fraction(int(value), total)
                own[param.name] = value
        name_only = preset.label.partition(":")[0]  # "GPT-3 / Llama 2: warmup, ..."
        title = name_only if len(preset.curves) == 1 else f"{name_only}: {family}"
        curves.append(new_curve(family, view.shared, own, title))
    return curves


def add_preset(view: View, name: str) -> View:
    """Adds a preset's curves; on an empty page its settings become the shared ones."""
    if not view.curves:
        preset = dynweights.PRESETS[name]
        for key in SHARED:
            if key in preset.params:
                view = set_shared(view, key, preset.params[key])
    return add(view, *preset_curves(name, view))


def curve_of(bound: Bound, view: View, title: str = "") -> tuple[View, Curve]:
    """A curve drawing ``bound`` exactly: its family and values, or its phases, and
    its own total steps (it never follows the shared one).

    Every value passes the page's door (``inputs.accept``), so the curve's link
    reproduces it. In fractions, lengths become fractions of the curve's total;
    where rounding would move a length by a step, the view turns to steps.

    Raises:
      ValueError: naming a value outside what the page can show and link.
    """
    if bound.name == CUSTOM:
        items = [dict(p) for p in bound.params["phases"]]
        curve = custom_curve(items, view.shared, title=title)
    else:
        total = int(bound.params["total_steps"])
        own: dict[str, Value] = {}
        for param in SCHEDULES[bound.name].params:
            value = bound.params[param.name]
            if is_length(param) and view.units == "fraction":
                value = to_fraction(int(value), total)
            own[param.name] = accept(param, value, view.units)
        curve = new_curve(bound.name, view.shared, own, title)
    # A config fixes its run's length: the curve keeps it, even where it equals the
    # shared total steps, and does not follow later changes to that.
    curve = dataclasses.replace(
        curve,
        own={**curve.own, "total_steps": bound.total_steps},
        unlinked=curve.unlinked | {"total_steps"},
    )
    if bind(curve, view.shared).to_dict() != bound.to_dict():
        if view.units == "steps":
            raise ValueError("the schedule cannot be drawn exactly here")
        return curve_of(bound, convert_units(view, "steps"), title)
    return view, curve


def read_row(shape: str, cells: Mapping[str, str], units: str) -> Row:
    """One custom phase from its cells' text (a link's or the editor's); blank is ``None``.

    Raises:
      ValueError: naming the column and what was wrong with it.
    """
    row: dict[str, Value | None] = {"shape": shape}
    for key in ROW_KEYS[1:]:
        text = cells.get(key, "").strip()
        if not text:
            row[key] = None
        elif key == "length":
            try:
                row[key] = parse_fraction(text) if units == "fraction" else _whole_length(text)
            except ValueError as err:
                raise ValueError(f"length: {quote(text)} {err}") from None
        elif key == "power":
            row[key] = float(read(param_named("power_factor"), text))  # type: ignore[arg-type]
        else:
            row[key] = read_phase_value(key, text)
    return row


def _whole_length(text: str) -> int:
    steps = int(parse_number(text, integer=True))
    if steps < 1:
        raise ValueError("must be a whole number of steps >= 1")
    return steps


def apply_edits(
    base: Sequence[Row], changes: Mapping[str, Any], units: str, total: int
) -> tuple[list[Row], list[str]]:
    """The phases editor's changes (``edited_rows``, ``added_rows``, ``deleted_rows``,
    as ``st.data_editor`` reports them) applied to ``base``, every cell through the door.

    A refused cell keeps its last good value and is named in the problems; a new row
    starts where the previous one ended.
    """
    rows = [dict(r) for r in base]
    problems: list[str] = []
    edited = changes.get("edited_rows") or {}
    for index_text, edits in sorted(edited.items(), key=lambda kv: int(kv[0])):
        index = int(index_text)
        if 0 <= index < len(rows):
            _apply_cells(rows, index, edits, units, problems)
    for added_row in changes.get("added_rows") or []:
        if len(rows) >= MAX_PHASES:
            problems.append(f"at most {MAX_PHASES} phases")
            break
        rows.append(next_row(rows, units, total))
        _apply_cells(rows, len(rows) - 1, added_row, units, problems)
    deleted = {int(i) for i in changes.get("deleted_rows") or []}
    return [r for i, r in enumerate(rows) if i not in deleted], problems


def _apply_cells(
    rows: list[dict[str, Any]],
    index: int,
    edits: Mapping[str, Any],
    units: str,
    problems: list[str],
) -> None:
    row = rows[index]
    shape = str(edits.get("shape") or row.get("shape") or "linear")
    cells = {k: "" if row.get(k) is None else value_text(row[k]) for k in ROW_KEYS[1:]}
    for column, raw in edits.items():
        if column in cells:
            cells[column] = "" if raw is None else str(raw)
    try:
        rows[index] = dict(read_row(shape, cells, units))
        return
    except ValueError:
        pass
    # Column by column: what passes is kept, what does not keeps its last good value.
    good = dict(row, shape=shape)
    for column, text in cells.items():
        try:
            good[column] = read_row(shape, {column: text}, units)[column]
        except ValueError as err:
            problems.append(f"phase row {index + 1}, {err}")
    rows[index] = good


def default_view(units: str = UNITS[0]) -> View:
    view = View({**default_shared(), "units": units})
    return add(view, *(new_curve(n, view.shared, DEFAULT_OWN.get(n)) for n in DEFAULT_CURVES))


def labels(curves: Sequence[Curve], shared: Mapping[str, Value]) -> dict[int, str]:
    """A readable, distinct label per curve: its own title or family, and what sets it apart."""
    parts: dict[int, tuple[str, list[str]]] = {}
    for curve in curves:
        base = curve.title or family_label(curve.name)
        twins = [c for c in curves if (c.name, c.title) == (curve.name, curve.title)]
        if len(twins) == 1:
            parts[curve.id] = (base, [])
            continue
        mine = _effective(curve, shared)
        differ = [
            f"{k}={_short(v)}"
            for k, v in mine.items()
            if any(_effective(t, shared).get(k) != v for t in twins)
        ]
        if not differ or curve.name in (CUSTOM, *IMPORTED):
            differ = [f"#{twins.index(curve) + 1}"]
        parts[curve.id] = (base, differ[:3])
    out = {i: _label(*p) for i, p in parts.items()}
    # Labels can still meet: two equal twins that differ from a third (both show the
    # value setting them apart from it), or a title equal to another curve's label.
    # Their place among the curves of that label tells them apart.
    for label in {x for x in out.values() if list(out.values()).count(x) > 1}:
        meeting = [c.id for c in curves if out[c.id] == label]
        for place, i in enumerate(meeting, 1):
            base, differ = parts[i]
            out[i] = _label(base, [*differ, f"#{place}"])
    return out


def family_label(name: str) -> str:
    if name in SCHEDULES:
        return SCHEDULES[name].label
    return {CUSTOM: CUSTOM_LABEL, EXPRESSION: EXPRESSION_LABEL, **IMPORTED}[name]


def _label(base: str, differ: Sequence[str]) -> str:
    return f"{base} ({', '.join(differ)})" if differ else base


def _effective(curve: Curve, shared: Mapping[str, Value]) -> dict[str, Value]:
    if curve.name == CUSTOM:
        return {"rows": str(curve.rows)}
    if curve.name in IMPORTED:
        return {"params": curve.own["params"]}
    # In the registry's order, so a label does not depend on the order values were stored
    # in (a link reads them in its own).
    return {
        p.name: shared[p.name] if follows(curve, p.name) else curve.own[p.name]
        for p in curve.params()
    }


def _short(value: Value) -> str:
    """A value in a label: six significant digits (a fraction of the run may have 17)."""
    if isinstance(value, float):
        return fmt(float(f"{value:.6g}"))
    return value_text(value)
