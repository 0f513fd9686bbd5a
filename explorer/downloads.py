"""The CSV and JSON files the explorer offers, built as plain text."""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from explorer.figures import Drawn
from explorer.setup import Axis

CSV_ALL_STEPS_MAX = 100_000
GRID_DEFAULT = 10_001


def span(curves: Sequence[Drawn]) -> int:
    """The last step worth writing: the longest curve's total steps."""
    return max((c.bound.total_steps for c in curves), default=0)


def all_steps(total: int) -> NDArray[np.int64]:
    return np.arange(total + 1, dtype=np.int64)


def plotted_steps(curves: Sequence[Drawn]) -> NDArray[np.int64]:
    """The union of the plotted steps: every breakpoint is there."""
    if not curves:
        return np.zeros(1, dtype=np.int64)
    return np.unique(np.concatenate([c.steps for c in curves]))


def grid_steps(total: int, rows: int) -> NDArray[np.int64]:
    """``rows`` evenly spaced integer steps over ``[0, total]``."""
    return np.unique(np.rint(np.linspace(0, total, min(rows, total + 1))).astype(np.int64))


def csv_filename(total: int, rows: int, kind: str) -> str:
    """Names the file after what it holds, saying when the steps are sampled."""
    if rows == total + 1:
        return f"dynweights-T{total}-all-steps.csv"
    return f"dynweights-T{total}-{kind}-{rows}-of-{total + 1}-steps.csv"


def csv_text(curves: Sequence[Drawn], steps: NDArray[np.int64], axis: Axis | None = None) -> str:
    """``step,<curve label>,...``: one row per step, every value in repr precision.

    With an ``axis`` (epochs, examples, tokens), its column follows the step column.
    """
    columns = [np.asarray(c.bound.values(steps), dtype=np.float64).tolist() for c in curves]
    header = ["step", *(_csv_field(c.label) for c in curves)]
    if axis is not None:
        columns.insert(0, axis.convert(steps).tolist())
        header.insert(1, axis.unit)
    lines = [",".join(header)]
    # repr of a Python float is its shortest round-trip form.
    lines.extend(
        ",".join([str(step), *map(repr, row)])
        for step, *row in zip(steps.tolist(), *columns, strict=True)
    )
    return "\n".join(lines) + "\n"


def _csv_field(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"\n') else text


def schedules_json(curves: Sequence[Drawn]) -> str:
    """The visible curves as a list of ``Bound.to_dict()``, each readable back."""
    return json.dumps([c.bound.to_dict() for c in curves], indent=2, allow_nan=False) + "\n"
