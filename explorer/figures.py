"""Plotly figures of the curves: overlaid, each in its own colour, light to send."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray

import dynweights
from dynweights import Bound

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
    fig.update_xaxes(title="step", exponentformat="e", separatethousands=True)
    fig.update_yaxes(
        type="log" if log_y else "linear", exponentformat="e", tickformat="~g" if not log_y else ""
    )
    if not curves:
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        fig.add_annotation(text=empty, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    return fig


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
