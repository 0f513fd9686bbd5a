"""Plotly figures of the curves: overlaid, exact on hover, light to send."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from explorer.model import Curve

# 17 significant digits round-trip every float64, so the hover shows the exact value.
_HOVER = "%{fullData.name}<br>step %{x:,d}<br>value %{y:.17~g}<extra></extra>"


def chart(
    title: str, curves: Sequence[Curve], *, log_y: bool = False, warmup_end: int | None = None
) -> go.Figure:
    """Overlays ``curves`` in one figure, one trace per schedule named by its label.

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
                hovertemplate=_HOVER,
            )
        )
    if warmup_end:
        fig.add_vline(
            x=warmup_end,
            line_dash="dot",
            line_color="gray",
            annotation_text=f"warmup end (step {warmup_end:,})",
            annotation_position="top right",
        )
    fig.update_layout(
        title=title,
        xaxis_title="step",
        yaxis_title="value",
        yaxis_type="log" if log_y else "linear",
        hovermode="closest",
        legend={"title": "click to hide or show", "orientation": "h", "y": -0.2},
        margin={"t": 60, "b": 40},
    )
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
