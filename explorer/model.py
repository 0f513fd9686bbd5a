"""What the explorer shows, decided from the registry: widgets' keys, link checks, curves."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

import dynweights
from dynweights import SCHEDULES, Param

Value = int | float | str

# One widget per parameter name: Params of the same name are the same in every schedule.
PARAMS: dict[str, Param] = {p.name: p for s in SCHEDULES.values() for p in s.params}


def _group(param: Param) -> str:
    families = {s.family for s in SCHEDULES.values() if param in s.params}
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

    @property
    def names(self) -> list[str]:
        return [s.name for s in SCHEDULES.values() if s.family == self.family]


CHARTS = (
    Chart("weights", "weight", "Dynamic weights", "log_weights", "dynamic-weights"),
    Chart("lrs", "lr", "Learning-rate schedules", "log_lrs", "learning-rate-schedules"),
)
IMAGE_FORMATS = ("png", "svg")
IMAGE_FORMAT_KEY = "image_format"

# Integer parameters spanning more than this get an exact number input beside a
# coarse 1-2-5 slider: a plain slider over 10^9 steps cannot set 100.
WIDE_RANGE = 10_000
CSV_ALL_STEPS_MAX = 100_000
# Longest URL value worth reading: 17 significant digits and an exponent fit.
_MAX_VALUE_CHARS = 32
_INT_RE = re.compile(r"[0-9]+")
_FLOAT_RE = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


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


def parse_value(param: Param, raw: str) -> Value:
    """Reads one URL value for ``param`` strictly: plain decimal numbers only.

    Raises:
      ValueError: saying what was wrong, in words fit for a visitor.
    """
    if param.type is str:
        if raw not in param.choices:
            raise ValueError(f"must be one of {', '.join(param.choices)}")
        return raw
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
    keep_last: dict[str, str]  # repeated keys to collapse to their last value
    notices: tuple[str, ...]  # Markdown, with every URL text quoted


def check_link(query: Mapping[str, Sequence[str]]) -> LinkCheck:
    """Decides which URL values the widgets may read, and says what was ignored.

    Each parameter value is read strictly with ``parse_value``; a bad one is
    dropped so its widget shows the default. A repeated key keeps its last value,
    as Streamlit would. Curve lists keep their known labels. Unknown keys go.
    """
    drop: list[str] = []
    keep_last: dict[str, str] = {}
    notices: list[str] = []
    lists = {c.key: {SCHEDULES[n].label for n in c.names} for c in CHARTS}
    flags = {c.log_key for c in CHARTS}
    for key, values in query.items():
        if key in lists:
            # An empty value is how the browser writes an empty selection.
            unknown = [v for v in values if v and v not in lists[key]]
            if unknown:
                drop.append(key)
                notices.append(f"Ignored {quote(key)}: unknown curve {quote(unknown[0])}.")
            continue
        if key in PARAMS or key in flags or key == IMAGE_FORMAT_KEY:
            raw = values[-1] if values else ""
            try:
                if key in PARAMS:
                    parse_value(PARAMS[key], raw)
                elif key in flags and raw not in ("true", "false"):
                    raise ValueError("must be true or false")
                elif key == IMAGE_FORMAT_KEY and raw not in IMAGE_FORMATS:
                    raise ValueError(f"must be one of {', '.join(IMAGE_FORMATS)}")
            except ValueError as err:
                drop.append(key)
                default = PARAMS[key].default if key in PARAMS else "the default"
                notices.append(
                    f"Ignored {quote(key)}={quote(raw)} from the link: it {err}. "
                    f"Using {quote(str(default))}."
                )
                continue
            if len(values) > 1:
                keep_last[key] = raw
                notices.append(f"{quote(key)} was given {len(values)} times; using the last.")
            continue
        drop.append(key)
        notices.append(f"Ignored unknown link parameter {quote(key)}.")
    return LinkCheck(tuple(drop), keep_last, tuple(notices))


@dataclass(frozen=True)
class Curve:
    """One schedule evaluated at its plotted steps."""

    name: str
    label: str
    formula: str
    params: dict[str, Value]
    steps: NDArray[np.int64]
    values: NDArray[np.float64]


def schedule_params(name: str, values: Mapping[str, Value]) -> dict[str, Value]:
    """The subset of the explorer's values that schedule ``name`` takes."""
    return {p.name: values[p.name] for p in SCHEDULES[name].params}


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
        params = schedule_params(name, values)
        try:
            steps = dynweights.plot_steps(name, points, **params)
            ys = np.asarray(dynweights.evaluate(name, steps, **params), dtype=np.float64)
        except ValueError as err:
            errors.append(f"{spec.label}: {err}")
            continue
        curves.append(Curve(name, spec.label, spec.formula, params, steps, ys))
    return curves, errors


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


def nearest(options: Sequence[int], value: float) -> int:
    """The option closest to ``value`` on a log scale (ties go low)."""
    return min(options, key=lambda o: (abs(math.log1p(o) - math.log1p(max(value, 0))), o))
