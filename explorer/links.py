"""Share links: the view as a query string, read strictly, old links migrated.

``?total_steps=500000&init_lr=3e-4&units=fraction&curve=cosine_annealing:min_lr=3e-5``:
global settings are plain keys; each curve is one repeated ``curve`` value in list
order, ``<family>:<key>=<value>;...`` (left-out parameters take their defaults, a
shared one given here unlinks it), or ``phases:<shape>,<length>,<start>,<end>[,<power>]|...``.
A curve may carry ``title=<its label>`` (``%`` and ``;`` percent-escaped) and
``visible=false``; an empty phase field is a blank cell. A link without ``units``
reads lengths in steps, as ``dynweights.schedule`` does; one without ``curve``
either is an old one (one set of sliders, ``weights``/``lrs`` pickers, ``pin`` and
``preset``), read in steps as it was drawn before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import dynweights
from dynweights import SCHEDULES, Param
from dynweights._phases import MAX_PHASES, SHAPES
from explorer import curves as cv
from explorer import setup
from explorer.inputs import (
    Value,
    parse_number,
    parse_value,
    quote,
    read,
    value_text,
)
from explorer.losses import LAWS

CURVE_KEY = "curve"
# A curve's value: 32 phases of five exact numbers fit; anything longer is not one.
MAX_CURVE_CHARS = 32 * 5 * 26
TOGGLES = ("log_weights", "log_lrs")
GLOBAL_KEYS = (
    *cv.SHARED,
    "units",
    *TOGGLES,
    "image_format",
    "step_cursor",
    "loss_law",
    *setup.KEYS,
)
_OLD_LISTS = {"weights": "weight", "lrs": "lr"}
_OLD_PARAMS = {p.name: p for s in SCHEDULES.values() for p in s.params}
MAX_TITLE_CHARS = 80


@dataclass(frozen=True)
class Parsed:
    view: cv.View
    notices: tuple[str, ...]  # Markdown, every text from the URL quoted


def _check_global(key: str, raw: str) -> Value:
    if key in cv.SHARED:
        return parse_value(cv.param_named(key), raw)
    if key == "step_cursor":
        step = parse_number(raw, integer=True)
        high = int(cv.param_named("total_steps").max or dynweights.MAX_TOTAL_STEPS)
        if step > high:
            raise ValueError(f"is above {high:,}")
        return step
    if key in setup.KEYS:
        return setup.parse(key, raw)
    if key in TOGGLES:
        if raw not in ("true", "false"):
            raise ValueError("must be true or false")
        return raw == "true"
    choices = {"units": cv.UNITS, "loss_law": LAWS}.get(key, cv.IMAGE_FORMATS)
    if raw not in choices:
        raise ValueError(f"must be one of {', '.join(choices)}")
    return raw


def _default_text(key: str) -> str:
    value = cv.default_shared().get(key)
    if value is None and key in _OLD_PARAMS:
        value = _OLD_PARAMS[key].default
    return value_text(value) if value is not None else "None"


def parse(query: Mapping[str, Sequence[str]]) -> Parsed:
    """Reads a link into a view, dropping what is not valid and saying what."""
    notices: list[str] = []
    old = bool(query) and CURVE_KEY not in query and "units" not in query
    shared = cv.default_shared()
    if query and "units" not in query:
        shared["units"] = cv.LINK_UNITS
    old_values: dict[str, Value] = {}
    for key, values in query.items():
        raw = values[-1] if values else ""
        if key == CURVE_KEY or (old and key in (*_OLD_LISTS, "pin", "preset")):
            continue
        known = key in GLOBAL_KEYS or (old and key in _OLD_PARAMS)
        if not known:
            notices.append(f"Ignored unknown link parameter {quote(key)}.")
            continue
        try:
            value = (
                _check_global(key, raw)
                if key in GLOBAL_KEYS
                else parse_value(_OLD_PARAMS[key], raw)
            )
        except ValueError as err:
            notices.append(
                f"Ignored {quote(key)}={quote(raw)} from the link: it {err}. "
                f"Using {quote(_default_text(key))}."
            )
            continue
        if len(values) > 1:
            notices.append(f"{quote(key)} was given {len(values)} times; using the last.")
        if key in GLOBAL_KEYS:
            shared[key] = value
        old_values[key] = value
    notices.extend(setup.link_notices(shared))
    view = cv.View(shared)
    if old:
        view = _migrate(query, view, old_values, notices)
    elif CURVE_KEY not in query:
        defaults = cv.DEFAULT_CURVES
        view = cv.add(view, *(cv.new_curve(n, shared, cv.DEFAULT_OWN.get(n)) for n in defaults))
    else:
        texts = [t for t in query.get(CURVE_KEY, []) if t]
        if len(texts) > cv.MAX_CURVES:
            notices.append(f"The link has {len(texts)} curves; kept the first {cv.MAX_CURVES}.")
        for text in texts[: cv.MAX_CURVES]:
            curve = _parse_curve(text, view.shared, notices)
            if curve is not None:
                view = cv.add(view, curve)
    return Parsed(view, tuple(notices))


def _unescape(text: str) -> str:
    return text.replace("%3B", ";").replace("%25", "%")


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace(";", "%3B")


def _parse_curve(text: str, shared: Mapping[str, Value], notices: list[str]) -> cv.Curve | None:
    if len(text) > MAX_CURVE_CHARS:
        notices.append(f"Ignored a curve of {len(text):,} characters: {quote(text)}.")
        return None
    name, _, rest = text.partition(":")
    units = str(shared["units"])
    rows: tuple[cv.Row, ...] = ()
    if name == cv.CUSTOM:
        body, _, rest = rest.partition(";")
        try:
            rows = _parse_rows(body, units)
        except ValueError as err:
            notices.append(f"Ignored the curve {quote(text)}: {err}.")
            return None
        own: dict[str, Value] = {"total_steps": shared["total_steps"]}
        params = {"total_steps": cv.param_named("total_steps")}
    elif name in SCHEDULES or name == cv.EXPRESSION:
        own = dict(cv.new_curve(name, shared).own)
        params = {p.name: p for p in cv.Curve(-1, name).params()}
    elif name in cv.IMPORTED:
        own = {}
        params = {}
    else:
        notices.append(f"Ignored the curve {quote(text)}: unknown schedule {quote(name)}.")
        return None
    seen: set[str] = set()
    unlinked: set[str] = set()
    visible, title = True, ""
    for item in rest.split(";") if rest else []:
        key, _, raw = item.partition("=")
        where = f"{quote(key)}={quote(raw)} in the curve {quote(name)}"
        if key in seen:
            notices.append(f"Ignored {where}: given twice.")
            continue
        seen.add(key)
        if key == "visible":
            if raw not in ("true", "false"):
                notices.append(f"Ignored {where}: it must be true or false.")
            visible = raw != "false"
            continue
        if key == "title":
            title = _unescape(raw)[:MAX_TITLE_CHARS]
            continue
        if key == "params" and name in cv.IMPORTED:
            own["params"] = _unescape(raw)
            continue
        if key not in params:
            notices.append(f"Ignored {where}: {quote(name)} has no such parameter.")
            continue
        try:
            given = _unescape(raw) if _free(params[key]) else raw
            own[key] = read(params[key], given, units)
        except ValueError as err:
            notices.append(f"Ignored {where}: {err}.")
            continue
        if key in cv.SHARED:
            unlinked.add(key)
    curve = cv.Curve(-1, name, own, frozenset(unlinked), visible, rows=rows, title=title)
    if name in cv.IMPORTED:
        try:
            cv.bind(curve, shared)
        except (ValueError, KeyError, TypeError, RecursionError):
            notices.append(f"Ignored the curve {quote(text)}: it is not a valid {name} schedule.")
            return None
    return curve


def _free(param: Param) -> bool:
    """Free text (a custom expression): percent-escaped in a link, like a title."""
    return param.type is str and not param.choices


def _parse_rows(body: str, units: str) -> tuple[cv.Row, ...]:
    parts = body.split("|") if body else []
    if not 1 <= len(parts) <= MAX_PHASES:
        raise ValueError(f"a custom curve has 1 to {MAX_PHASES} phases, got {len(parts)}")
    rows: list[cv.Row] = []
    for i, part in enumerate(parts, 1):
        fields = part.split(",")
        if len(fields) not in (4, 5) or fields[0] not in SHAPES:
            raise ValueError(f"phase {i} is not shape,length,start,end[,power]")
        try:
            row = cv.read_row(
                fields[0], dict(zip(cv.ROW_KEYS[1:], fields[1:], strict=False)), units
            )
        except ValueError as err:
            raise ValueError(f"phase {i}: {err}") from None
        rows.append(row)
    return tuple(rows)


def _migrate(
    query: Mapping[str, Sequence[str]],
    view: cv.View,
    values: Mapping[str, Value],
    notices: list[str],
) -> cv.View:
    """An old link's curves: the two pickers' (or a preset's), then the pins."""
    preset = (query.get("preset") or [""])[-1]
    names = list(cv.OLD_DEFAULT_CURVES)
    if preset in dynweights.PRESETS:
        p = dynweights.PRESETS[preset]
        names = list(p.curves)
        for key, value in p.params.items():
            values = {key: value, **values}
            if key in cv.SHARED and key not in query:
                view = cv.set_shared(view, key, value)
    elif preset and preset != "custom":
        notices.append(f"Ignored {quote('preset')}={quote(preset)}: no such preset.")
    for key, family in _OLD_LISTS.items():
        if key not in query:
            continue
        by_label = {s.label: s.name for s in SCHEDULES.values() if s.family == family}
        picked = [v for v in query[key] if v]
        unknown = [v for v in picked if v not in by_label]
        if unknown:
            notices.append(f"Ignored {quote(key)}: unknown curve {quote(unknown[0])}.")
            continue
        others = [n for n in names if SCHEDULES[n].family != family]
        chosen = list(dict.fromkeys(by_label[v] for v in picked))
        names = others + chosen if family == "lr" else chosen + others
    for name in names:
        params = SCHEDULES[name].params
        own = {p.name: values[p.name] for p in params if p.name in values}
        view = cv.add(view, cv.new_curve(name, view.shared, own))
    pins = [t for t in query.get("pin", []) if t]
    for text in pins:
        name, _, _ = text.partition(":")
        if view.full:
            notices.append(f"Kept the first {cv.MAX_CURVES} curves; ignored the other pins.")
            break
        before = len(notices)
        curve = _parse_curve(text, view.shared, notices) if name in SCHEDULES else None
        if curve is None or len(notices) > before:
            del notices[before:]
            notices.append(f"Ignored the pinned curve {quote(text)}: it is not a valid curve.")
            continue
        view = cv.add(view, curve)
    return view


def encode(view: cv.View) -> list[tuple[str, str]]:
    """The link of ``view``: globals that differ from their defaults, then every curve."""
    defaults = cv.default_shared()
    pairs = [("units", view.units)]
    for key in GLOBAL_KEYS:
        value = view.shared[key]
        if key != "units" and value != defaults[key]:
            pairs.append((key, _text(value)))
    pairs.extend((CURVE_KEY, curve_text(c, view)) for c in view.curves)
    if not view.curves:
        pairs.append((CURVE_KEY, ""))
    return pairs


def _text(value: Value | None) -> str:
    return str(value) if value is None else value_text(value)


def curve_text(curve: cv.Curve, view: cv.View) -> str:
    """One curve as its link value: only what differs from its defaults."""
    items: list[str] = []
    if curve.name == cv.CUSTOM:
        head = "phases:" + "|".join(
            ",".join(
                [str(r["shape"]), *(_cell(r.get(k)) for k in ("length", "start", "end"))]
                + ([_cell(r.get("power"))] if r.get("shape") == "power" else [])
            )
            for r in curve.rows
        )
        if "total_steps" in curve.unlinked:
            items.append(f"total_steps={_text(curve.own['total_steps'])}")
    else:
        head = curve.name
        fresh = cv.new_curve(curve.name, view.shared)
        for key, value in curve.own.items():
            if key in cv.SHARED:
                if key in curve.unlinked:
                    items.append(f"{key}={_text(value)}")
            elif value != fresh.own.get(key):
                free = key in ("params", "expression")
                items.append(f"{key}={_escape(str(value)) if free else _text(value)}")
    if not curve.visible:
        items.append("visible=false")
    if curve.title:
        items.append(f"title={_escape(curve.title)}")
    if not items:
        return head
    return head + (";" if curve.name == cv.CUSTOM else ":") + ";".join(items)


def _cell(value: Value | None) -> str:
    return "" if value is None else value_text(value)
