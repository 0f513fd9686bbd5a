"""The CSV and JSON files the explorer offers, built as plain text."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

import numpy as np
from numpy.typing import NDArray

import dynweights
from explorer.model import CSV_ALL_STEPS_MAX, Curve, Value, schedule_params


def span(curves: Sequence[Curve], total_steps: int) -> int:
    """The last step worth writing: ``total_steps``, or a pinned curve's longer run."""
    return max([total_steps, *(int(c.params["total_steps"]) for c in curves)])


def csv_steps(curves: Sequence[Curve], total_steps: int) -> NDArray[np.int64]:
    """Every step up to ``CSV_ALL_STEPS_MAX`` steps, else the union of the plotted ones."""
    if total_steps <= CSV_ALL_STEPS_MAX or not curves:
        return np.arange(total_steps + 1, dtype=np.int64)
    return np.unique(np.concatenate([c.steps for c in curves]))


def csv_filename(total_steps: int, rows: int) -> str:
    """Names the file after what it holds, saying when the steps are sampled."""
    if rows == total_steps + 1:
        return f"dynweights-T{total_steps}-all-steps.csv"
    return f"dynweights-T{total_steps}-sampled-{rows}-of-{total_steps + 1}-steps.csv"


def csv_text(curves: Sequence[Curve], steps: NDArray[np.int64]) -> str:
    """``step,<column>,...`` with one row per step and every value in repr precision.

    A column is named after its schedule, or a pinned curve after its pin text.
    """
    columns = [
        np.asarray(dynweights.evaluate(c.name, steps, **c.params), dtype=np.float64).tolist()
        for c in curves
    ]
    lines = [",".join(["step", *(c.column for c in curves)])]
    # repr of a Python float is its shortest round-trip form.
    lines.extend(
        ",".join([str(step), *map(repr, row)])
        for step, *row in zip(steps.tolist(), *columns, strict=True)
    )
    return "\n".join(lines) + "\n"


def config_json(
    values: Mapping[str, Value],
    visible: Mapping[str, Sequence[str]],
    query: Sequence[tuple[str, str]],
    pins: Sequence[str] = (),
) -> str:
    """The whole view: every parameter, the visible curves and the share query.

    ``query`` is a list of pairs, not a dict: a curve list repeats its key.
    """
    config = {
        "dynweights_version": "0.1.0",
        "params": dict(values),
        "visible": {key: list(names) for key, names in visible.items()},
        "schedules": {
            name: schedule_params(name, values) for names in visible.values() for name in names
        },
        "pinned": list(pins),
        "share_query": "?" + urlencode(query) if query else "",
    }
    return json.dumps(config, indent=2) + "\n"
