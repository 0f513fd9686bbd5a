"""What the explorer shows, decided from the registry: widgets' keys, link checks, curves."""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

import dynweights
from dynweights import SCHEDULES, Param

Value = int | float | str
LinkValue = Value | tuple[int, ...]  # milestones, in a pinned curve


def _widest(params: Sequence[Param]) -> Param:
    """One Param for a name: same meaning everywhere, the union of the bounds."""
    numeric = [p for p in params if p.min is not None and p.max is not None]
    if not numeric:
        return params[0]
    low = min(p.min for p in numeric if p.min is not None)
    high = max(p.max for p in numeric if p.max is not None)
    return dataclasses.replace(params[0], min=low, max=high)


# One widget per parameter name. Params of the same name mean the same in every
# schedule; only their bounds may differ (inverse_sqrt needs warmup_steps >= 1).
# Switches and milestone lists (three_phase, staircase, milestones) get no
# widget yet: their curves use the defaults, and pins may still set them.
_WIDGET_TYPES = (int, float, str)
_BY_NAME: dict[str, list[Param]] = {}
for _spec in SCHEDULES.values():
    for _p in _spec.params:
        if _p.type in _WIDGET_TYPES:
            _BY_NAME.setdefault(_p.name, []).append(_p)
PARAMS: dict[str, Param] = {name: _widest(ps) for name, ps in _BY_NAME.items()}


def _group(param: Param) -> str:
    families = {s.family for s in SCHEDULES.values() if param.name in {p.name for p in s.params}}
    if families == {"weight"}:
        return "Dynamic weights"
    if families == {"lr"}:
        return "Learning rates"
    return "Schedule"


# Sidebar sections: parameters used by one family go under it, shared ones first.
PARAM_GROUPS: dict[str, list[Param]] = {"Schedule": [], "Dynamic weights": [], "Learning rates": []}
for _param in PARAMS.values():
    PARAM_GROUPS[_group(_param)].append(_param)


@dataclass(frozen=True)
class Chart:
    """One overlaid chart: a family of schedules and the URL keys of its widgets."""

    key: str  # URL key of the multiselect of visible curves
    family: str
    title: str
    log_key: str  # URL key of the log-scale toggle
    image_name: str
    defaults: tuple[str, ...]  # the curves shown when the link says nothing

    @property
    def names(self) -> list[str]:
        return [s.name for s in SCHEDULES.values() if s.family == self.family]


CHARTS = (
    Chart(
        "weights",
        "weight",
        "Dynamic weights",
        "log_weights",
        "dynamic-weights",
        ("linear", "cosine", "power", "exponential"),
    ),
    Chart(
        "lrs",
        "lr",
        "Learning-rate schedules",
        "log_lrs",
        "learning-rate-schedules",
        ("cosine_with_linear_warmup", "cosine_annealing", "cosine_warm_restarts"),
    ),
)
PRESET_KEY = "preset"
NO_PRESET = "custom"
PIN_KEY = "pin"
# Pinned curves cost a rerun each; a handful is what a comparison needs.
MAX_PINS = 4
IMAGE_FORMATS = ("png", "svg")
IMAGE_FORMAT_KEY = "image_format"

# Integer parameters spanning more than this get an exact number input beside a
# coarse 1-2-5 slider: a plain slider over 10^9 steps cannot set 100.
WIDE_RANGE = 10_000
CSV_ALL_STEPS_MAX = 100_000
# Longest URL value worth reading: 17 significant digits and an exponent fit.
_MAX_VALUE_CHARS = 32
_INT_RE = re.compile(r"[0-9]+")
_FLOAT_RE = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")  # tanh_lb < 0


def quote(text: str, limit: int = 40) -> str:
    """Shows untrusted text inside a Markdown code span, shortened and inert."""
    text = text.replace("`", "'").replace("\n", " ")
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"`{text}`"


def bounds(param: Param) -> tuple[int | float, int | float]:
    """``(min, max)`` of a numeric parameter."""
    if param.min is None or param.max is None:
        raise TypeError(f"{param.name} is a choice, not a number")
    return param.min, param.max


def parse_value(param: Param, raw: str) -> LinkValue:
    """Reads one URL value for ``param`` strictly: plain decimal numbers only.

    Raises:
      ValueError: saying what was wrong, in words fit for a visitor.
    """
    if param.type is str:
        if raw not in param.choices:
            raise ValueError(f"must be one of {', '.join(param.choices)}")
        return raw
    if param.type is bool:
        if raw not in ("true", "false"):
            raise ValueError("must be true or false")
        return raw == "true"
    if param.type is list:
        if len(raw) > 8 * _MAX_VALUE_CHARS or not all(
            _INT_RE.fullmatch(item) for item in raw.split(",")
        ):
            raise ValueError("must be increasing whole numbers separated by commas: 30,80")
        return tuple(int(item) for item in raw.split(","))
    if len(raw) > _MAX_VALUE_CHARS:
        raise ValueError(f"is {len(raw)} characters long, not a number in range")
    low, high = bounds(param)
    pattern = _INT_RE if param.type is int else _FLOAT_RE
    if not pattern.fullmatch(raw):
        kind = "a whole number" if param.type is int else "a plain decimal number"
        raise ValueError(f"must be {kind} in [{low:g}, {high:g}]")
    number: int | float = int(raw) if param.type is int else float(raw)
    if not (math.isfinite(number) and low <= number <= high):
        raise ValueError(f"must be in [{low:g}, {high:g}]")
    return number


@dataclass(frozen=True)
class LinkCheck:
    """The outcome of reading a share link before any widget sees it."""

    drop: tuple[str, ...]  # keys to remove from the URL
    replace: dict[str, list[str]]  # keys whose values to narrow: a repeat's last, valid pins
    notices: tuple[str, ...]  # Markdown, with every URL text quoted


def format_pin(name: str, params: Mapping[str, LinkValue]) -> str:
    """A pinned curve as one URL value: ``name:key=value;key=value``."""
    return name + ":" + ";".join(f"{k}={_link_text(v)}" for k, v in params.items())


def _link_text(value: LinkValue) -> str:
    """A value as ``parse_value`` reads it back: ``true``, ``30,80``, ``0.1``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def parse_pin(text: str) -> tuple[str, dict[str, LinkValue]]:
    """Reads a pin strictly: a known schedule, each of its parameters once, valid together.

    Raises:
      ValueError: saying what was wrong, in words fit for a visitor.
    """
    if len(text) > 40 * _MAX_VALUE_CHARS:
        raise ValueError("is too long for a pinned curve")
    name, _, rest = text.partition(":")
    if name not in SCHEDULES:
        raise ValueError("does not start with a known schedule name")
    spec = SCHEDULES[name]
    params: dict[str, LinkValue] = {}
    for item in rest.split(";") if rest else []:
        key, _, raw = item.partition("=")
        param = next((p for p in spec.params if p.name == key), None)
        if param is None or key in params:
            raise ValueError(f"has an unknown or repeated parameter {quote(key)}")
        params[key] = parse_value(param, raw)
    try:
        dynweights.evaluate(name, 0, **params)
    except ValueError as err:
        raise ValueError(f"is not a valid curve: {err}") from None
    return name, params


def _check_pins(values: Sequence[str]) -> tuple[list[str], list[str]]:
    kept: list[str] = []
    notices: list[str] = []
    for text in values:
        try:
            parse_pin(text)
        except ValueError as err:
            notices.append(f"Ignored the pinned curve {quote(text)}: it {err}.")
            continue
        if len(kept) == MAX_PINS:
            notices.append(f"Kept the first {MAX_PINS} pinned curves; ignored the rest.")
            break
        kept.append(text)
    return kept, notices


def _check_single(key: str, raw: str) -> None:
    """Raises ValueError if ``raw`` is not a value the widget ``key`` may take."""
    if key in PARAMS:
        parse_value(PARAMS[key], raw)
    elif key in {c.log_key for c in CHARTS}:
        if raw not in ("true", "false"):
            raise ValueError("must be true or false")
    elif key == IMAGE_FORMAT_KEY:
        if raw not in IMAGE_FORMATS:
            raise ValueError(f"must be one of {', '.join(IMAGE_FORMATS)}")
    elif key == PRESET_KEY and raw not in {NO_PRESET, *dynweights.PRESETS}:
        raise ValueError(f"must be one of {', '.join(dynweights.PRESETS)}")


def _default_text(key: str) -> str:
    return str(PARAMS[key].default) if key in PARAMS else "the default"


SINGLE_KEYS = frozenset({*PARAMS, *(c.log_key for c in CHARTS), IMAGE_FORMAT_KEY, PRESET_KEY})


def check_link(query: Mapping[str, Sequence[str]]) -> LinkCheck:
    """Decides which URL values the widgets may read, and says what was ignored.

    Each parameter value is read strictly with ``parse_value``; a bad one is
    dropped so its widget shows the default. A repeated key keeps its last value,
    as Streamlit would. Curve lists keep their known labels, pins the valid ones
    (at most ``MAX_PINS``). Unknown keys go.
    """
    drop: list[str] = []
    replace: dict[str, list[str]] = {}
    notices: list[str] = []
    lists = {c.key: {SCHEDULES[n].label for n in c.names} for c in CHARTS}
    for key, values in query.items():
        if key in lists:
            # An empty value is how the browser writes an empty selection.
            unknown = [v for v in values if v and v not in lists[key]]
            if unknown:
                drop.append(key)
                notices.append(f"Ignored {quote(key)}: unknown curve {quote(unknown[0])}.")
        elif key == PIN_KEY:
            kept, pin_notices = _check_pins([v for v in values if v])
            notices.extend(pin_notices)
            if not kept:
                drop.append(key)
            elif kept != list(values):
                replace[key] = kept
        elif key in SINGLE_KEYS:
            raw = values[-1] if values else ""
            try:
                _check_single(key, raw)
            except ValueError as err:
                drop.append(key)
                notices.append(
                    f"Ignored {quote(key)}={quote(raw)} from the link: it {err}. "
                    f"Using {quote(_default_text(key))}."
                )
                continue
            if len(values) > 1:
                replace[key] = [raw]
                notices.append(f"{quote(key)} was given {len(values)} times; using the last.")
        else:
            drop.append(key)
            notices.append(f"Ignored unknown link parameter {quote(key)}.")
    return LinkCheck(tuple(drop), replace, tuple(notices))


@dataclass(frozen=True)
class Curve:
    """One schedule evaluated at its plotted steps."""

    name: str
    label: str
    formula: str
    params: dict[str, Value]
    steps: NDArray[np.int64]
    values: NDArray[np.float64]
    column: str  # the CSV column: the schedule name, or the pin's text


def schedule_params(name: str, values: Mapping[str, Value]) -> dict[str, Value]:
    """The subset of the explorer's values that schedule ``name`` takes (defaults for the rest)."""
    return {p.name: values.get(p.name, p.default) for p in SCHEDULES[name].params}


def _curve(name: str, params: dict[str, Value], points: int, label: str, column: str) -> Curve:
    steps = dynweights.plot_steps(name, points, **params)
    ys = np.asarray(dynweights.evaluate(name, steps, **params), dtype=np.float64)
    return Curve(name, label, SCHEDULES[name].formula, params, steps, ys, column)


def build_curves(
    names: Sequence[str], values: Mapping[str, Value], points: int = dynweights.DEFAULT_POINTS
) -> tuple[list[Curve], list[str]]:
    """Evaluates each visible schedule at its plotted steps.

    A schedule whose parameters conflict is left out and its error message,
    which names the parameters, is returned instead, so the rest still draw.
    """
    curves: list[Curve] = []
    errors: list[str] = []
    for name in names:
        spec = SCHEDULES[name]
        try:
            curves.append(_curve(name, schedule_params(name, values), points, spec.label, name))
        except ValueError as err:
            errors.append(f"{spec.label}: {err}")
    return curves, errors


def pin_label(name: str, params: Mapping[str, Value]) -> str:
    """A pinned curve's legend entry: its label and the parameters that differ."""
    spec = SCHEDULES[name]
    changed = [f"{p.name}={params[p.name]}" for p in spec.params if params[p.name] != p.default]
    return f"📌 {spec.label} ({', '.join(changed) or 'defaults'})"


def pinned_curves(
    pins: Sequence[str], family: str, points: int = dynweights.DEFAULT_POINTS
) -> tuple[list[Curve], list[str]]:
    """The pinned curves of ``family``, and a message for each pin that is not valid.

    Pins from a link were checked when it was read, but the pin box also takes
    text typed by hand.
    """
    curves: list[Curve] = []
    errors: list[str] = []
    for text in pins:
        try:
            name, params = parse_pin(text)
        except ValueError as err:
            errors.append(f"The pinned curve {quote(text)} {err}.")
            continue
        if SCHEDULES[name].family == family:
            full = {**SCHEDULES[name].defaults(), **params}
            curves.append(_curve(name, full, points, pin_label(name, full), text))
    return curves, errors


def apply_preset(name: str) -> dict[str, object]:
    """The widget values that show preset ``name``: its parameters, else defaults."""
    preset = dynweights.PRESETS[name]
    state: dict[str, object] = {
        p: preset.params.get(p, param.default) for p, param in PARAMS.items()
    }
    for chart in CHARTS:
        state[chart.key] = [n for n in preset.curves if SCHEDULES[n].family == chart.family]
    return state


def warmup_end(curves: Sequence[Curve], values: Mapping[str, Value]) -> int | None:
    """The warmup's last step, when a drawn curve has a warmup; else ``None``."""
    if any("warmup_steps" in c.params for c in curves) and values.get("warmup_steps"):
        return int(values["warmup_steps"])
    return None


def nice_steps(low: int, high: int) -> list[int]:
    """A 1-2-5 ladder of integers covering ``[low, high]``, for a coarse slider."""
    ladder = {low, high}
    decade = 1
    while decade <= high:
        ladder.update(m * decade for m in (1, 2, 5) if low <= m * decade <= high)
        decade *= 10
    return sorted(ladder)


def ladder(param: Param) -> list[int]:
    """The coarse slider's options beside a wide integer parameter's exact input."""
    low, high = bounds(param)
    return nice_steps(int(low), int(high))


def nearest(options: Sequence[int], value: float) -> int:
    """The option closest to ``value`` on a log scale (ties go low)."""
    return min(options, key=lambda o: (abs(math.log1p(o) - math.log1p(max(value, 0))), o))
