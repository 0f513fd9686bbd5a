"""The training setup (issue 12): a run's budget, the x axis's unit, a pasted config.

Pure functions, no Streamlit: the panel (``explorer/setup_panel.py``) and the link
reader both use them. The setup's fields are global settings of the view, kept in
``View.shared`` under ``Budget``'s own names, so a link carries them as plain keys:
``?num_examples=50&batch_size=4&accumulation=2&epochs=3&x_unit=epochs``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray

import dynweights
from dynweights import MAX_TOTAL_STEPS, Bound
from dynweights.budget import UNITS, Budget
from dynweights.hf import budget_of
from explorer.inputs import Value, count, fmt, parse_number


@dataclass(frozen=True)
class Field:
    """One input of the setup: its link key (``Budget``'s name), label and range."""

    name: str
    label: str
    kind: type[int] | type[float] | type[bool]
    default: int | float | bool
    low: float = 0.0
    high: float = 0.0
    help: str = ""


# The default setup describes the default chart: 800 examples at batch 8 for one
# epoch are the 100 steps of a fresh page.
FIELDS = (
    Field("num_examples", "Examples", int, 800, 1, 10**12, "Examples in the training set."),
    Field("batch_size", "Batch per device", int, 8, 1, 10**6, "per_device_train_batch_size."),
    Field("devices", "Devices", int, 1, 1, 10**6, "Data-parallel processes (the world size)."),
    Field(
        "accumulation",
        "Accumulation steps",
        int,
        1,
        1,
        10**6,
        "gradient_accumulation_steps: a last, shorter accumulation still updates.",
    ),
    Field("epochs", "Epochs", float, 1.0, 0.0, 10**6, "num_train_epochs; fractions allowed."),
    Field(
        "max_steps",
        "Max steps",
        int,
        0,
        0,
        MAX_TOTAL_STEPS,
        "If above 0, the number of optimizer steps, overriding the epochs.",
    ),
    Field(
        "sequence_length",
        "Sequence length",
        int,
        0,
        0,
        10**7,
        "Tokens per example, for the tokens axis (0: not given).",
    ),
    Field("drop_last", "Drop the last partial batch", bool, False, help="dataloader_drop_last."),
)
BY_NAME = {f.name: f for f in FIELDS}
UNIT_KEY = "x_unit"
KEYS = (*BY_NAME, UNIT_KEY)
DEFAULTS: dict[str, Value] = {**{f.name: f.default for f in FIELDS}, UNIT_KEY: UNITS[0]}
# What a Hugging Face config's fields set in the setup.
FROM_BUDGET = ("batch_size", "accumulation", "epochs", "max_steps", "drop_last")


def parse(key: str, raw: str) -> Value:
    """One setup value from a link, strictly.

    Raises:
      ValueError: saying what was wrong, in words fit for a visitor.
    """
    if key == UNIT_KEY:
        if raw not in UNITS:
            raise ValueError(f"must be one of {', '.join(UNITS)}")
        return raw
    field = BY_NAME[key]
    if field.kind is bool:
        if raw not in ("true", "false"):
            raise ValueError("must be true or false")
        return raw == "true"
    number = parse_number(raw, integer=field.kind is int)
    low_open = key == "epochs"
    if not (field.low < number if low_open else field.low <= number) or number > field.high:
        left = "(" if low_open else "["
        raise ValueError(f"must be in {left}{fmt(field.low)}, {fmt(field.high)}]")
    return number


def budget(shared: Mapping[str, Value]) -> Budget:
    """The view's setup as a ``Budget``.

    Raises:
      ValueError: naming the field that is not valid (``batch_size`` above the
        examples with drop-last, for one).
    """
    values: dict[str, Any] = {f.name: shared[f.name] for f in FIELDS}
    values["epochs"] = float(values["epochs"])
    return Budget(**values)


def link_notices(shared: dict[str, Value]) -> list[str]:
    """Checks the setup a link gave as a whole; resets what does not fit, saying so."""
    notices: list[str] = []
    try:
        budget(shared)
    except ValueError as err:
        notices.append(f"Ignored the training setup from the link: {err}. Using the defaults.")
        shared.update({f.name: f.default for f in FIELDS})
    if shared[UNIT_KEY] == "tokens" and not shared["sequence_length"]:
        notices.append("Ignored `x_unit`=`tokens` from the link: it needs a sequence length.")
        shared[UNIT_KEY] = UNITS[0]
    return notices


def units_for(setup: Budget | None) -> tuple[str, ...]:
    """The x units a setup can show: tokens only with a sequence length."""
    if setup is None:
        return UNITS[:1]
    return UNITS if setup.sequence_length else UNITS[:-1]


@dataclass(frozen=True)
class Axis:
    """The chart's x axis in ``unit`` (not steps) under ``setup``."""

    unit: str
    setup: Budget

    def convert(self, steps: NDArray[Any]) -> NDArray[np.float64]:
        return self.setup.convert(steps, self.unit)

    def title(self) -> str:
        per = {
            "epochs": f"{self.setup.steps_per_epoch:,} optimizer steps each",
            "examples": f"{self.setup.examples_per_step:,} per optimizer step",
            "tokens": f"{self.setup.tokens_per_step:,} per optimizer step",
        }[self.unit]
        return f"{self.unit} ({per})"


def apply_axis(fig: go.Figure, axis: Axis | None) -> go.Figure:
    """Draws ``fig``'s step traces against ``axis``; hover shows the step and the unit."""
    if axis is None or not fig.data:
        return fig
    for trace in fig.data:
        steps = np.asarray(trace.x, dtype=np.int64)
        trace.update(
            x=axis.convert(steps),
            customdata=steps.astype(np.int32),
            hovertemplate="%{y:.6~g} (step %{customdata:,})",
        )
    fig.update_xaxes(
        title=axis.title(),
        tickformat="~g" if axis.unit == "epochs" else "~s",
        hoverformat=",.4~f" if axis.unit == "epochs" else ",.0f",
    )
    return fig


def from_config(config: Mapping[str, Any], shared: Mapping[str, Value]) -> tuple[Bound, Budget]:
    """The schedule a pasted Trainer config gives with the setup's examples and devices.

    Raises:
      ValueError: naming the config's field that is not valid, or a run longer
        than the explorer draws.
    """
    examples, devices = count(shared["num_examples"]), count(shared["devices"])
    bound = dynweights.from_hf_trainer(config, num_examples=examples, world_size=devices)
    if bound.total_steps > MAX_TOTAL_STEPS:
        raise ValueError(
            f"the config runs {bound.total_steps:,} optimizer steps; the explorer draws at "
            f"most {MAX_TOTAL_STEPS:,} (max_steps, num_train_epochs)"
        )
    return bound, budget_of(config, examples, devices)


def fields_of(run: Budget) -> dict[str, Value]:
    """The setup fields a config's budget sets."""
    return {key: getattr(run, key) for key in FROM_BUDGET}
