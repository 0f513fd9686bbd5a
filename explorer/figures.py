"""Plotly figures of the curves: overlaid, each in its own colour, light to send."""

from __future__ import annotations

import functools
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray

import dynweights
from dynweights import Bound
from explorer.inputs import fmt
from explorer.losses import Fitted

CHARTS = {"lr": "Learning-rate schedules", "loss": "Predicted loss", "weight": "Dynamic weights"}
# Six significant digits in the hover; the CSV keeps every digit.
_HOVER = "%{y:.6~g}"
PLOT_PX = 360
CAPTION_PX = 13  # a caption line at font size 10
CAPTION_CHARS = 60  # what a caption line at font size 10 fits in a 390 px wide phone's chart
LEGEND_PX = 20  # a legend entry


def bottom_px(curves: Sequence[Drawn]) -> int:
    """Room under the plot: the axis, the caption's lines and a legend entry per curve."""
    return 48 + CAPTION_PX * len(caption_lines(curves)) + LEGEND_PX * len(curves) + 8


# Modebar buttons a schedule chart has no use for; fewer buttons keep it off the title
# at phone width.
REMOVED_BUTTONS = ("select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d")


@dataclass(frozen=True)
class Drawn:
    """One curve evaluated at its plotted steps."""

    label: str
    colour: str
    bound: Bound
    steps: NDArray[np.int64]
    values: NDArray[np.float64]


@functools.lru_cache(maxsize=64)
def drawn(label: str, colour: str, bound: Bound, span: int = 0) -> Drawn:
    """``bound`` at its plotted steps; over a longer ``span`` it holds its last value to the end."""
    steps = dynweights.plot_steps(bound, dynweights.DEFAULT_POINTS)
    if span > bound.total_steps:
        steps = np.append(steps, np.int64(span))
    return Drawn(label, colour, bound, steps, np.asarray(bound.values(steps), dtype=np.float64))


def key_params(bound: Bound) -> str:
    """The parameters that set a curve apart, for an image's caption: ``warmup_steps=10, ...``."""
    if bound.name == "phases":
        return f"{len(bound.params.get('phases', ()))} phases"
    return ", ".join(
        f"{k}={fmt(v) if isinstance(v, int | float) else v}"
        for k, v in bound.params.items()
        if k != "total_steps"
    )


def caption_lines(curves: Sequence[Drawn]) -> list[str]:
    """Each curve's label and key parameters, wrapped between parameters to fit a phone."""
    lines = []
    for c in curves:
        params = key_params(c.bound)
        text = f"{c.label}: T={c.bound.total_steps:,}" + (f", {params}" if params else "")
        lines += textwrap.wrap(
            text,
            CAPTION_CHARS,
            subsequent_indent="\u00a0" * 4,  # a no-break space: Plotly keeps it
            break_long_words=False,
            break_on_hyphens=False,
        )
    return lines


def caption(curves: Sequence[Drawn]) -> str:
    """A pasted image says what it shows: a line (or more) per curve."""
    return "<br>".join(caption_lines(curves))


def chart(
    title: str,
    curves: Sequence[Drawn],
    *,
    log_y: bool,
    empty: str,
    cursor: int | None = None,
    extra: Sequence[go.Scatter] = (),
    y_from: int = 0,
) -> go.Figure:
    """Overlays ``curves``; with none, a figure that says what to add instead of bare axes.

    Arrays go in as numpy arrays, which Plotly sends as packed binary, and the
    steps as int32 (every allowed step fits), so the payload stays small. The
    legend sits under the plot, one entry a line, with a caption of each curve's
    parameters below it; the margin grows with them so the image never clips.
    """
    traces = [
        go.Scatter(
            x=curve.steps.astype(np.int32),
            y=curve.values,
            name=curve.label,
            mode="lines",
            line={"color": curve.colour},
            hovertemplate=_HOVER,
        )
        for curve in curves
    ]
    traces.extend(extra)
    bottom = bottom_px(curves) + LEGEND_PX * len(extra)
    xaxis: dict[str, Any] = {"title": "step", "tickformat": "~s", "hoverformat": ",d"}
    yaxis: dict[str, Any] = {}
    annotations: list[dict[str, Any]] = []
    shapes: list[dict[str, Any]] = []
    if log_y:
        yaxis = {"type": "log", "exponentformat": "e", "dtick": 1, "hoverformat": ".6~g"}
    elif curves and y_from:
        # A loss falls steeply at first: the axis fits what follows step ``y_from``, and
        # the modebar's autoscale shows the rest.
        seen = [c.values[c.steps >= y_from] for c in curves]
        seen = [v for v in seen if v.size] or [c.values for c in curves]
        low = min(float(v.min()) for v in seen)
        high = max(float(v.max()) for v in seen)
        pad = (high - low) * 0.05 or abs(high) * 0.01 or 1.0
        ticks = nice_ticks(low - pad, high + pad)
        yaxis = {
            "tickvals": ticks,
            "ticktext": [fmt(t) for t in ticks],
            "range": [low - pad, high + pad],
        }
    elif curves:
        low = min(0.0, *(float(c.values.min()) for c in curves))
        high = max(float(c.values.max()) for c in curves)
        ticks = nice_ticks(low, high)
        yaxis = {"tickvals": ticks, "ticktext": [fmt(t) for t in ticks]}
    if curves:
        annotations.append(
            {
                "text": caption(curves),
                "showarrow": False,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 0,
                "xanchor": "left",
                "yanchor": "top",
                "align": "left",
                "yshift": -44,
                "font": {"size": 10, "color": "#555555"},
            }
        )
        if cursor is not None:
            # A plain shape, not add_vline: Plotly's helper costs ~10 ms per figure.
            shapes.append(
                {
                    "type": "line",
                    "xref": "x",
                    "yref": "paper",
                    "x0": cursor,
                    "x1": cursor,
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": "#555555", "width": 1, "dash": "dot"},
                }
            )
    else:
        xaxis = {"visible": False}
        yaxis = {"visible": False}
        annotations.append(
            {
                "text": empty,
                "showarrow": False,
                "x": 0.5,
                "y": 0.5,
                "xref": "paper",
                "yref": "paper",
            }
        )
    # One constructor call: Plotly validates the layout once instead of per update.
    return go.Figure(
        data=traces,
        layout={
            "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
            "hovermode": "x unified",
            # Every curve in the hover at every step: one that holds past its own T has
            # no points there, and its nearest point has the value it holds.
            "hoverdistance": -1,
            "legend": {
                "orientation": "v",
                "yref": "container",
                "y": 0,
                "yanchor": "bottom",
                "x": 0,
                "xanchor": "left",
            },
            "margin": {"t": 40, "b": bottom, "l": 10, "r": 10},
            "height": PLOT_PX + bottom,
            "showlegend": bool(curves),
            "xaxis": xaxis,
            "yaxis": yaxis,
            "annotations": annotations,
            "shapes": shapes,
        },
    )


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


def plotly_config(
    image_name: str, image_format: str, total_steps: int, curves: Sequence[Drawn] = ()
) -> dict[str, Any]:
    """The modebar's image download: a meaningful file name, PNG or SVG, client-side.

    The image has a fixed size, tall enough for the legend and the caption, so
    what the camera button saves does not depend on the window it was taken in.
    """
    return {
        "displaylogo": False,
        "modeBarButtonsToRemove": list(REMOVED_BUTTONS),
        "toImageButtonOptions": {
            "format": image_format,
            "filename": f"{image_name}-T{total_steps}",
            "width": 900,
            "height": PLOT_PX + bottom_px(curves),
            "scale": 2,
        },
    }


def run_traces(fitted: Fitted, limit: int = 2000) -> list[go.Scatter]:
    """An uploaded run's logged loss (grey dots) and the fitted law on its rates (dashes);
    at most ``limit`` points each, evenly chosen."""
    out = []
    for run in fitted.runs:
        steps, losses = run.steps, run.losses
        keep = steps >= 1
        if keep.sum() > limit:
            chosen = np.unique(np.rint(np.linspace(0, keep.sum() - 1, limit)).astype(int))
            keep = np.flatnonzero(keep)[chosen]
        steps, losses = steps[keep], losses[keep]
        fit = np.asarray(fitted.law.predict(run.rates, steps), dtype=np.float64)
        out.append(
            go.Scatter(
                x=steps.astype(np.int32),
                y=losses,
                name=f"{run.name}: logged loss",
                mode="markers",
                marker={"size": 3, "color": "#777777"},
                hovertemplate=_HOVER,
            )
        )
        out.append(
            go.Scatter(
                x=steps.astype(np.int32),
                y=fit,
                name=f"{run.name}: fitted law",
                mode="lines",
                line={"dash": "dash", "color": "#333333"},
                hovertemplate=_HOVER,
            )
        )
    return out
