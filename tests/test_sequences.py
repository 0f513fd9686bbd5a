"""Sequences of a visitor's actions on the explorer, in AppTest, against a model of the page.

A Hypothesis state machine drives the page as a person does (``app_helpers``: add a
family, a published schedule or a pasted Trainer config; type numbers as people
write them; switch units; give a curve its own total steps; link, hide, duplicate,
remove, clear; edit phases; reopen the link) and keeps its own model of every curve:
the values it asked for, in the page's units, and which shared settings the curve
follows. The model is written from what the page promises, never read back from the
page. After every step:

- the run raised nothing;
- each curve binds to ``dynweights.schedule`` (or ``dynweights.phases``) of the
  model's values, and a curve the step did not target is bound as before it;
- every drawn line is ``dynweights`` at its steps, and holds its last value over the
  page's one span (the longest visible curve);
- the table's mean is ``dynweights.sums.area`` over the span, within its stated bound.

The phases editor is ``st.data_editor``, which AppTest cannot drive. Its edits are
applied as the page applies them, by ``cv.apply_edits`` on the curve's rows, and
committed with ``cv.set_rows``: ``edit_phases`` writes ``at.session_state["view"]``,
the one place this test writes the page's state directly. That keeps the editor's
own reader (every cell through the door) in the sequence; driving it through a
link instead would test the link reader a second time and skip the editor's.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from app_helpers import (
    add_family,
    add_preset,
    bounds,
    captions,
    clear_all,
    click,
    figures,
    open_app,
    paste,
    pick_param,
    reopen,
    set_linked,
    set_visible,
    switch_units,
    traces,
    type_param,
    type_shared,
    view,
)
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
)
from worked_example import CONFIG, PASTES

import dynweights
from dynweights import PRESETS, SCHEDULES, Bound, Param
from dynweights.sums import area
from explorer import curves as cv
from explorer.table import short

# What the page promises, written out here rather than read from the page.
SHARED = ("total_steps", "init_lr", "max_weight")
SHARED_LABELS = {"total_steps": "Total steps", "init_lr": "Peak LR", "max_weight": "Max weight"}
# Lengths a visitor may give as a fraction of total steps ("Warmup, cycle, decay and
# step lengths"): a fraction f of T steps is the nearest whole step, round(f * T).
LENGTHS = frozenset(
    {"warmup_steps", "decay_steps", "cycle_steps", "step_size", "step_size_up", "step_size_down"}
    | {"timescale"}
)
FRESH = {
    "linear": {},
    "cosine": {},
    "cosine_with_linear_warmup": {"warmup_lr": 1e-6},
    "cosine_warm_restarts": {},
}
FRESH_TOTAL = 100  # the registry's default total_steps: the fresh page's run
MAX_CURVES = 8
CUSTOM = "phases"
PHASE_SHAPES = ("linear", "cosine", "constant", "1-sqrt")
MAX_ROWS = 5  # enough to shuffle phases; the page takes 32
PASTED: dict[str, tuple[str, dict[str, Any]]] = {
    **{f"worked {kind}": (text, CONFIG) for kind, text in PASTES.items()},
    "constant yaml": (
        "learning_rate: 3e-4\nlr_scheduler_type: constant",
        {"learning_rate": 3e-4, "lr_scheduler_type": "constant"},
    ),
    "linear max_steps": (
        '{"learning_rate": 1e-3, "lr_scheduler_type": "linear", "warmup_steps": 50, '
        '"max_steps": 1000}',
        {
            "learning_rate": 1e-3,
            "lr_scheduler_type": "linear",
            "warmup_steps": 50,
            "max_steps": 1000,
        },
    ),
}
# Refused by every number field; a blank phase cell is a blank, so "" only goes to fields.
GARBAGE = ("abc", "1e", "0x10", "1_000", "nan", "inf", "3e-4e", "١٢", "1,5", "--1")


# --- numbers as people write them ------------------------------------------------------


def spellings(exact: Decimal) -> list[str]:
    """``exact`` as people type it: ``3e-4``, ``3E-4``, ``0.0003``; ``5e+5``, ``500000``."""
    d = exact.normalize()
    sci = format(d, "e")
    plain = format(d, "f")
    return [sci, sci.upper(), plain]


def decimals(low: float, high: float) -> st.SearchStrategy[Decimal]:
    """Three significant digits in ``[low, high]``, the ends included."""
    # Nobody types 1.55e-51 as a rate or a fraction; such values are zero here.
    inside = st.floats(low, high).map(lambda x: Decimal(f"{x:.3g}" if abs(x) >= 1e-9 else "0"))
    ends = st.sampled_from([Decimal(repr(float(low))), Decimal(repr(float(high)))])
    return st.one_of(ends, inside.filter(lambda d: low <= float(d) <= high))


def integers(low: int, high: int) -> st.SearchStrategy[int]:
    big = [x for x in (1000, 2000, 500_000, 10**6, 123_456_789, 999_999_937, 10**9) if x <= high]
    return st.one_of(
        st.integers(low, min(high, 300)),
        st.sampled_from([max(low, x) for x in big] or [low]),
        st.integers(low, high),
    )


def written(values: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[str, Any]]:
    """``(text, value)``: a value and one way of typing it."""
    return values.flatmap(
        lambda v: st.sampled_from(spellings(Decimal(v))).map(
            lambda t: (t, int(v) if isinstance(v, int) else float(v))
        )
    )


def refused(integer: bool, field: bool = True) -> st.SearchStrategy[tuple[str, None]]:
    """Text a number field must refuse: garbage, and ``2.5`` where a whole number goes."""
    bad = st.sampled_from(GARBAGE)
    if field:
        bad = st.one_of(bad, st.just(""))
    if integer:
        bad = st.one_of(bad, st.integers(0, 10**6).map(lambda n: f"{n}.5"))
    return bad.map(lambda t: (t, None))


def typed(param: Param, units: str) -> st.SearchStrategy[tuple[str, Any]]:
    """What a visitor types into ``param``'s field: ``(text, value)``, value None if refused."""
    if param.type is list:
        steps = st.lists(st.integers(1, 400), max_size=4, unique=True).map(sorted)
        good = steps.map(lambda s: (", ".join(map(str, s)) if len(s) > 1 else "", tuple(s)))
        return st.one_of(good, st.just(("80,30", None)), st.just(("2.5", None)))
    if param.name in LENGTHS and units == "fraction":
        fractions = st.one_of(
            decimals(0.0, 1.0), st.sampled_from([Decimal("0.123456789"), Decimal("0.333")])
        )
        return st.one_of(written(fractions), st.just(("1.5", None)), refused(integer=False))
    if param.type is int:
        return st.one_of(written(integers(int(param.min), int(param.max))), refused(integer=True))
    return st.one_of(written(decimals(param.min, param.max)), refused(integer=False))


# --- the model ---------------------------------------------------------------------------


@dataclass
class Expected:
    """One curve as the visitor asked for it."""

    name: str
    own: dict[str, Any] = field(default_factory=dict)  # lengths in the page's units
    linked: set[str] = field(default_factory=set)  # shared settings it follows
    rows: list[dict[str, Any]] = field(default_factory=list)  # custom phases, page's units
    visible: bool = True
    title: str = ""

    def params(self) -> tuple[Param, ...]:
        if self.name == CUSTOM:
            return (SCHEDULES["linear"].params[0],)  # total_steps
        return SCHEDULES[self.name].params

    def total(self, shared: dict[str, Any]) -> int:
        return int(
            shared["total_steps"] if "total_steps" in self.linked else self.own["total_steps"]
        )

    def value(self, name: str, shared: dict[str, Any]) -> Any:
        return shared[name] if name in self.linked else self.own[name]


def steps_of(length: Any, units: str, total: int, minimum: int) -> int:
    return int(length) if units == "steps" else max(minimum, round(length * total))


def fraction_of(steps: int, total: int) -> float:
    """A length in steps as the fraction of the run that gives it back."""
    return steps / total if total else 0.0


def expect(curve: Expected, shared: dict[str, Any]) -> Bound | None:
    """``dynweights`` called directly with the curve's values; None where it refuses them."""
    units = shared["units"]
    total = curve.total(shared)
    try:
        if curve.name == CUSTOM:
            if not curve.rows:
                return None
            items = []
            for row in curve.rows:
                item = {
                    "shape": row["shape"],
                    "steps": steps_of(row["length"], units, total, 0),
                    "start": row["start"],
                    "end": row["end"],
                }
                items.append(item)
            return dynweights.phases(items)
        values = {}
        for p in curve.params():
            v = curve.value(p.name, shared)
            if p.name in LENGTHS:
                v = steps_of(v, units, total, int(p.min))
            values[p.name] = v
        return dynweights.schedule(curve.name, **values)
    except (ValueError, OverflowError):
        return None


def new_family(name: str, shared: dict[str, Any], own: dict[str, Any], title: str = "") -> Expected:
    """A curve at the family's defaults and ``own`` values (lengths in steps of ``own``'s
    total, or of the default run), following every shared setting it is not given."""
    units = shared["units"]
    params = SCHEDULES[name].params
    total = int(own.get("total_steps", FRESH_TOTAL if units == "fraction" else 0))
    curve = Expected(name, title=title)
    for p in params:
        if p.name in SHARED and (p.name not in own or own[p.name] == shared[p.name]):
            curve.linked.add(p.name)
            continue
        v = own.get(p.name, p.default)
        if p.name in LENGTHS and units == "fraction":
            base = total if p.name in own else FRESH_TOTAL
            v = fraction_of(int(v), base)
        curve.own[p.name] = v
    return curve


def to_units(curve: Expected, shared: dict[str, Any], units: str) -> None:
    """Rewrites the curve's lengths in ``units``, keeping its steps."""
    total = curve.total(shared)
    old = shared["units"]
    if old == units:
        return
    for p in curve.params():
        if p.name in LENGTHS and p.name in curve.own:
            steps = steps_of(curve.own[p.name], old, total, int(p.min))
            curve.own[p.name] = steps if units == "steps" else fraction_of(steps, total)
    for row in curve.rows:
        steps = steps_of(row["length"], old, total, 0)
        row["length"] = steps if units == "steps" else fraction_of(steps, total)


def pasted_curve(bound: Bound, shared: dict[str, Any], title: str) -> Expected:
    """A pasted config's curve: its own values, and its own total steps ("does not follow")."""
    units = shared["units"]
    total = bound.total_steps
    if bound.name == CUSTOM:
        rows = []
        for item in bound.params["phases"]:
            steps = int(item["steps"])
            length = steps if units == "steps" else fraction_of(steps, total)
            rows.append({**{k: item[k] for k in ("shape", "start", "end")}, "length": length})
        return Expected(CUSTOM, {"total_steps": total}, set(), rows, title=title)
    curve = new_family(bound.name, shared, dict(bound.params), title)
    curve.linked.discard("total_steps")
    curve.own["total_steps"] = total
    return curve


_AREAS: dict[str, tuple[float, float] | None] = {}


def summed(bound: Bound) -> tuple[float, float] | None:
    """``dynweights.sums.area`` of ``bound``, None where it has no sum at this length."""
    key = repr(bound.to_dict())
    if key not in _AREAS:
        try:
            _AREAS[key] = area(bound)
        except ValueError:
            _AREAS[key] = None
    return _AREAS[key]


def plain(text: str) -> str:
    """A caption as shown: Markdown escapes removed."""
    return text.replace("\\", "")


# --- the machine ---------------------------------------------------------------------------


class Sequences(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.at = open_app()
        self.shared: dict[str, Any] = {
            "total_steps": FRESH_TOTAL,
            "init_lr": 0.1,
            "max_weight": 1.0,
            "units": "fraction",
            "num_examples": 800,
        }
        self.curves = [new_family(n, self.shared, own) for n, own in FRESH.items()]

    # --- helpers -----------------------------------------------------------------------

    def ids(self) -> list[int]:
        return [c.id for c in view(self.at).curves]

    def by_id(self) -> dict[int, dict[str, Any] | None]:
        return {
            c.id: (None if b is None else b.to_dict())
            for c, b in zip(view(self.at).curves, bounds(self.at), strict=True)
        }

    def act(self, step: Any, touched: set[int] | None = None) -> None:
        """Runs ``step`` on the page; a curve it did not touch must draw as before."""
        before = self.by_id()
        self.at = step(self.at)
        assert not self.at.exception, self.at.exception
        after = self.by_id()
        for cid, was in before.items():
            if cid in after and cid not in (touched or set()):
                assert after[cid] == was, f"curve {cid} changed, untouched by this step"

    def refused_by_name(self, label: str) -> None:
        shown = " ".join(plain(c) for c in captions(self.at))
        assert label in shown, f"no message naming {label!r}: {shown!r}"

    def full(self, kind: str, key: str) -> bool:
        """At the most curves, the control that adds one is disabled."""
        if len(self.curves) < MAX_CURVES:
            return False
        (widget,) = [w for w in self.at.get(kind) if getattr(w, "key", None) == key]
        assert widget.disabled, key
        return True

    def index(self, data: st.DataObject, where: Any = lambda c: True) -> int | None:
        choices = [i for i, c in enumerate(self.curves) if where(c)]
        return data.draw(st.sampled_from(choices)) if choices else None

    # --- adding --------------------------------------------------------------------------

    @rule(name=st.sampled_from([*SCHEDULES, CUSTOM]))
    def add_a_family(self, name: str) -> None:
        if self.full("selectbox", "w.add"):
            return
        self.act(lambda at: add_family(at, name))
        if name == CUSTOM:
            units = self.shared["units"]
            total = self.shared["total_steps"]
            length = 1.0 if units == "fraction" else total
            row = {"shape": "linear", "length": length, "start": 0.0, "end": self.shared["init_lr"]}
            self.curves.append(Expected(CUSTOM, {}, {"total_steps"}, [row]))
        else:
            self.curves.append(new_family(name, self.shared, {}))

    @rule(name=st.sampled_from(list(PRESETS)))
    def add_a_preset(self, name: str) -> None:
        if self.full("selectbox", "w.preset"):
            return
        self.act(lambda at: add_preset(at, name))
        preset = PRESETS[name]
        if not self.curves:  # an empty page takes the preset's settings
            for key in SHARED:
                if key in preset.params:
                    self.shared[key] = preset.params[key]
        label = preset.label.partition(":")[0]
        for family in preset.curves:
            if len(self.curves) >= MAX_CURVES:
                break
            own = {
                p.name: preset.params[p.name]
                for p in SCHEDULES[family].params
                if p.name in preset.params
            }
            own.setdefault("total_steps", self.shared["total_steps"])
            title = label if len(preset.curves) == 1 else f"{label}: {family}"
            self.curves.append(new_family(family, self.shared, own, title))

    @rule(
        which=st.sampled_from(sorted(PASTED)), examples=st.sampled_from([None, "50", "5e2", "800"])
    )
    def paste_a_config(self, which: str, examples: str | None) -> None:
        if self.full("button", "paste.add"):
            return
        text, config = PASTED[which]
        units = self.shared["units"]
        self.act(lambda at: paste(at, text, examples))
        if examples is not None:
            self.shared["num_examples"] = int(Decimal(examples))
        page_units = view(self.at).units
        if page_units != units:  # the page says it turned to steps so the config draws exactly
            assert page_units == "steps"
            assert any("now in steps" in str(i.value) for i in self.at.info)
            for c in self.curves:
                to_units(c, self.shared, "steps")
            self.shared["units"] = "steps"
        bound = dynweights.from_hf_trainer(config, num_examples=self.shared["num_examples"])
        kind = str(config["lr_scheduler_type"])
        self.curves.append(pasted_curve(bound, self.shared, f"HF {kind}"))
        got = bounds(self.at)[-1]
        assert got is not None
        assert got.to_dict() == bound.to_dict()

    # --- editing -------------------------------------------------------------------------

    @precondition(lambda self: self.curves)
    @rule(data=st.data())
    def type_a_value(self, data: st.DataObject) -> None:
        """A number (or milestones) typed into a curve's own field."""

        def editable(c: Expected) -> list[Param]:
            if c.name == CUSTOM and self.shared["units"] == "steps":
                return []
            return [
                p for p in c.params() if p.name not in c.linked and p.type in (int, float, list)
            ]

        i = self.index(data, lambda c: editable(c))
        if i is None:
            return
        curve = self.curves[i]
        param = data.draw(st.sampled_from(editable(curve)))
        text, value = data.draw(typed(param, self.shared["units"]))
        cid = self.ids()[i]
        self.act(lambda at: type_param(at, i, param.name, text), {cid})
        if value is None:
            self.refused_by_name(param.label)
        else:
            curve.own[param.name] = value

    @precondition(lambda self: self.curves)
    @rule(data=st.data())
    def pick_a_choice(self, data: st.DataObject) -> None:
        def choices(c: Expected) -> list[Param]:
            return [p for p in c.params() if p.type in (str, bool)] if c.name != CUSTOM else []

        i = self.index(data, lambda c: choices(c))
        if i is None:
            return
        param = data.draw(st.sampled_from(choices(self.curves[i])))
        value = data.draw(st.sampled_from(param.choices if param.type is str else (True, False)))
        self.act(lambda at: pick_param(at, i, param.name, value), {self.ids()[i]})
        self.curves[i].own[param.name] = value

    @rule(name=st.sampled_from(SHARED), data=st.data())
    def type_a_shared_setting(self, name: str, data: st.DataObject) -> None:
        param = cv.param_named(name)
        text, value = data.draw(typed(param, "steps"))
        followers = {
            cid for cid, c in zip(self.ids(), self.curves, strict=True) if name in c.linked
        }
        self.act(lambda at: type_shared(at, name, text), followers)
        if value is None:
            self.refused_by_name(SHARED_LABELS[name])
        else:
            self.shared[name] = value

    @rule(units=st.sampled_from(("steps", "fraction")))
    def switch_the_units(self, units: str) -> None:
        self.act(lambda at: switch_units(at, units))
        for c in self.curves:
            to_units(c, self.shared, units)
        self.shared["units"] = units

    def linkable(self, c: Expected) -> list[str]:
        if c.name == CUSTOM:
            return ["total_steps"] if self.shared["units"] == "fraction" else []
        return [p.name for p in c.params() if p.name in SHARED]

    def link(self, i: int, name: str, linked: bool) -> None:
        curve = self.curves[i]
        if (name in curve.linked) == linked:
            return
        self.act(lambda at: set_linked(at, i, name, linked), {self.ids()[i]})
        if linked:
            curve.linked.add(name)
            curve.own.pop(name, None)
        else:
            curve.linked.discard(name)
            curve.own[name] = self.shared[name]

    @precondition(lambda self: self.curves)
    @rule(data=st.data(), linked=st.booleans())
    def link_or_unlink(self, data: st.DataObject, linked: bool) -> None:
        i = self.index(data, self.linkable)
        if i is not None:
            self.link(i, data.draw(st.sampled_from(self.linkable(self.curves[i]))), linked)

    @precondition(lambda self: self.curves)
    @rule(data=st.data())
    def own_total_steps(self, data: st.DataObject) -> None:
        """The curve stops following the shared total steps and gets a value of its own."""
        i = self.index(data, lambda c: "total_steps" in self.linkable(c))
        if i is None:
            return
        self.link(i, "total_steps", False)
        text, value = data.draw(typed(cv.param_named("total_steps"), "steps"))
        self.act(lambda at: type_param(at, i, "total_steps", text), {self.ids()[i]})
        if value is None:
            self.refused_by_name("Total steps")
        else:
            self.curves[i].own["total_steps"] = value

    @precondition(lambda self: self.curves)
    @rule(data=st.data())
    def edit_phases(self, data: st.DataObject) -> None:
        i = self.index(data, lambda c: c.name == CUSTOM)
        if i is None:
            return
        curve = self.curves[i]
        units = self.shared["units"]
        n = len(curve.rows)
        length = written(decimals(0.0, 1.0)) if units == "fraction" else written(integers(1, 10**9))
        value = written(decimals(-1000.0, 1000.0))
        kind = data.draw(st.sampled_from(["cell", "shape", "add", "delete"]))
        if kind == "cell":
            r = data.draw(st.integers(0, n - 1))
            column = data.draw(st.sampled_from(["length", "start", "end"]))
            text, v = data.draw(
                st.one_of(length if column == "length" else value, refused(False, field=False))
            )
            changes: dict[str, Any] = {"edited_rows": {str(r): {column: text}}}
            if v is not None:
                curve.rows[r][column] = v
        elif kind == "shape":
            r = data.draw(st.integers(0, n - 1))
            shape = data.draw(st.sampled_from(PHASE_SHAPES))
            changes = {"edited_rows": {str(r): {"shape": shape}}}
            curve.rows[r]["shape"] = shape
        elif kind == "add" and n < MAX_ROWS:
            shape = data.draw(st.sampled_from(PHASE_SHAPES))
            (lt, lv), (st_, sv), (et, ev) = data.draw(st.tuples(length, value, value))
            changes = {"added_rows": [{"shape": shape, "length": lt, "start": st_, "end": et}]}
            curve.rows.append({"shape": shape, "length": lv, "start": sv, "end": ev})
        elif kind == "delete" and n > 1:
            r = data.draw(st.integers(0, n - 1))
            changes = {"deleted_rows": [r]}
            del curve.rows[r]
        else:
            return
        page = view(self.at)
        target = page.curves[i]
        total = cv.total_steps(target, page.shared)

        def commit(at: Any) -> Any:
            rows, _ = cv.apply_edits(target.rows, changes, page.units, total)
            at.session_state["view"] = cv.set_rows(view(at), target.id, rows)
            return at.run()

        self.act(commit, {target.id})

    # --- the list --------------------------------------------------------------------------

    @precondition(lambda self: self.curves)
    @rule(data=st.data())
    def show_or_hide(self, data: st.DataObject) -> None:
        i = self.index(data)
        assert i is not None
        shown = not self.curves[i].visible
        self.act(lambda at: set_visible(at, i, shown))
        self.curves[i].visible = shown

    @precondition(lambda self: self.curves)
    @rule(data=st.data())
    def duplicate(self, data: st.DataObject) -> None:
        i = self.index(data)
        assert i is not None
        if self.full("button", f"w.{self.ids()[i]}.dup"):
            return
        self.act(lambda at: click(at, i, "dup"))
        self.curves.insert(i + 1, copy.deepcopy(self.curves[i]))

    @precondition(lambda self: self.curves)
    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        i = self.index(data)
        assert i is not None
        self.act(lambda at: click(at, i, "rm"))
        del self.curves[i]

    @precondition(lambda self: self.curves)
    @rule()
    def clear(self) -> None:
        self.act(clear_all)
        self.curves = []

    @rule()
    def reopen_the_link(self) -> None:
        again = reopen(self.at)
        assert not again.exception, again.exception
        assert [b and b.to_dict() for b in bounds(again)] == [
            b and b.to_dict() for b in bounds(self.at)
        ]
        old, new = view(self.at), view(again)
        labels = [cv.labels(v.curves, v.shared) for v in (old, new)]
        assert [list(x.values()) for x in labels] == [list(labels[0].values())] * 2
        assert [c.visible for c in new.curves] == [c.visible for c in old.curves]
        self.at = again

    # --- what holds after every step ---------------------------------------------------------

    @invariant()
    def the_page_tells_the_truth(self) -> None:
        at = self.at
        assert not at.exception, at.exception
        page = view(at)
        assert page.units == self.shared["units"]
        for key in SHARED:
            assert page.shared[key] == self.shared[key], key
        expected = [expect(c, self.shared) for c in self.curves]
        got = bounds(at)
        assert len(got) == len(expected)
        for k, (g, e) in enumerate(zip(got, expected, strict=True)):
            assert (g and g.to_dict()) == (e and e.to_dict()), f"curve {k}: {self.curves[k]}"

        labels = cv.labels(page.curves, page.shared)
        assert len(set(labels.values())) == len(labels), f"labels not distinct: {labels}"
        drawn = [
            (labels[c.id], e)
            for c, e, m in zip(page.curves, expected, self.curves, strict=True)
            if m.visible and e is not None
        ]
        span = max((e.total_steps for _, e in drawn), default=0)
        lines = {
            name: xy
            for title, fig in figures(at).items()
            if title != "Predicted loss"  # each LR curve's label again, for its predicted loss
            for name, xy in traces(fig).items()
        }
        assert sorted(lines) == sorted(label for label, _ in drawn)
        for label, bound in drawn:
            x, y = lines[label]
            x = x.astype(np.int64)
            total = bound.total_steps
            assert x.max() == span, label
            inside = x <= total
            np.testing.assert_array_equal(y[inside], bound.values(x[inside]), err_msg=label)
            assert (y[~inside] == float(bound.values(total))).all(), label

        if not drawn:
            assert len(at.table) == 0
            return
        table = at.table[0].value
        means = dict(zip(table["curve"], table["mean"], strict=True))
        assert sorted(means) == sorted(label for label, _ in drawn)
        for label, bound in drawn:
            total = summed(bound)
            if total is None:
                assert means[label] == "no exact sum at this length", label
                continue
            value, bound_error = total
            tail = (span - bound.total_steps) * float(bound.values(bound.total_steps))
            slack = bound_error + 4 * math.ulp(abs(value) + abs(tail))
            low = float(short((value + tail - slack) / span))
            high = float(short((value + tail + slack) / span))
            assert low <= float(means[label]) <= high, (label, means[label], low, high)


Sequences.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestSequences = Sequences.TestCase
