"""Plotly figures of the curves: overlaid, each in its own colour, light to send."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray

import dynweights
from dynweights import Bound
from explorer.inputs import fmt

CHARTS = {"weight": "Dynamic weights", "lr": "Learning-rate schedules"}
_HOVER = "%{y:.6~g}"


@dataclass(frozen=True)
class Drawn:
    """One curve evaluated at its plotted steps."""

    label: str
    colour: str
    bound: Bound
    steps: NDArray[np.int64]
    values: NDArray[np.float64]


def drawn(label: str, colour: str, bound: Bound) -> Drawn:
    steps = dynweights.plot_steps(bound, dynweights.DEFAULT_POINTS)
    return Drawn(label, colour, bound, steps, np.asarray(bound.values(steps), dtype=np.float64))


def chart(title: str, curves: Sequence[Drawn], *, log_y: bool, empty: str) -> go.Figure:
    """Overlays ``curves``; with none, a figure that says what to add instead of bare axes.

    Arrays go in as numpy arrays, which Plotly sends as packed binary, and the
    steps as int32 (every allowed step fits), so the payload stays small.
    """
    fig = go.Figure()
    for curve in curves:
        fig.add_trace(
            go.Scatter(
                x=curve.steps.astype(np.int32),
                y=curve.values,
                name=curve.label,
                mode="lines",
                line={"color": curve.colour},
                hovertemplate=_HOVER,
            )
        )
    fig.update_layout(
        title=title,
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.25},
        margin={"t": 50, "b": 40, "l": 10, "r": 10},
        height=420,
    )
    fig.update_xaxes(title="step", tickformat="~s")
    if log_y:
        fig.update_yaxes(type="log", exponentformat="e", dtick=1)
    elif curves:
        low = min(0.0, *(float(c.values.min()) for c in curves))
        high = max(float(c.values.max()) for c in curves)
        ticks = nice_ticks(low, high)
        fig.update_yaxes(tickvals=ticks, ticktext=[fmt(t) for t in ticks])
    if not curves:
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        fig.add_annotation(text=empty, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    return fig


def nice_ticks(low: float, high: float, count: int = 6) -> list[float]:
    """About ``count`` round values covering ``[low, high]``: steps of 1, 2, 2.5 or 5 x 10^k.

    Each is written with ``fmt`` (``3e-4``, not Plotly's ``300μ`` or ``0.0003``).
    """
    if not high > low:
        return [low]
    raw = (high - low) / count
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step)
    ticks = [float(f"{k * step:.12g}") for k in range(first, math.ceil(high / step) + 1)]
    return ticks


def plotly_config(image_name: str, image_format: str, total_steps: int) -> dict[str, Any]:
    """The modebar's image download: a meaningful file name, PNG or SVG, client-side."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {
            "format": image_format,
            "filename": f"{image_name}-T{total_steps}",
            "scale": 2,
        },
    }
