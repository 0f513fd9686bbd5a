"""Uploaded CSV files: a metric (step, value) or a training run (step, lr, loss).

Pure functions, no Streamlit. The text is read with ``csv`` and every number by
the page's one door (``explorer.inputs.parse_number``); a bad file gets a message
naming its row and column, and nothing is kept from it.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from explorer.inputs import parse_number, quote

MAX_BYTES = 20 * 2**20
MAX_ROWS = 10**6
# Header names that mean the same column, as W&B and TensorBoard exports write them.
ALIASES = {
    "step": ("step", "_step", "global_step", "steps", "trainer/global_step", "iteration"),
    "value": ("value", "metric", "loss", "val_loss", "eval_loss", "train/loss"),
    "lr": ("lr", "learning_rate", "train/learning_rate", "train/lr"),
    "loss": ("loss", "train/loss", "train_loss", "value"),
    "run": ("run", "name", "run_name"),
}


def read_columns(
    data: bytes, wanted: Sequence[str], optional: Sequence[str] = ()
) -> dict[str, list[str]]:
    """The columns ``wanted`` (and ``optional`` ones, where present) of a CSV file, as text.

    Raises:
      ValueError: naming the file's problem: its size, encoding, header or a row.
    """
    if len(data) > MAX_BYTES:
        raise ValueError(f"the file is {len(data) / 2**20:.1f} MB; at most 20 MB are read")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("the file is not UTF-8 text: save it as CSV") from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise ValueError("the file is empty: it needs a header row, like step,value")
    names = [h.strip().lower() for h in header]
    where: dict[str, int] = {}
    for column in (*wanted, *optional):
        found = next((names.index(a) for a in ALIASES.get(column, (column,)) if a in names), None)
        if found is None and column in wanted:
            shown = ", ".join(quote(h, 20) for h in header[:8])
            raise ValueError(f"no {quote(column)} column: the header has {shown}")
        if found is not None:
            where[column] = found
    out: dict[str, list[str]] = {column: [] for column in where}
    for number, row in enumerate(itertools.islice(reader, MAX_ROWS + 1), start=2):
        if number - 1 > MAX_ROWS:
            raise ValueError(f"the file has more than {MAX_ROWS:,} rows")
        if not row:
            continue
        for column, index in where.items():
            if index >= len(row):
                raise ValueError(f"row {number} has no {quote(column)} value")
            out[column].append(row[index].strip())
    if not out[wanted[0]]:
        raise ValueError("the file has a header but no rows")
    return out


def numbers(column: str, cells: Sequence[str], *, integer: bool = False) -> NDArray[np.float64]:
    """A column's cells as numbers, each read by the page's door.

    Raises:
      ValueError: ``row 7, column `loss`: `nan` is not a plain decimal number``.
    """
    out = np.empty(len(cells), dtype=np.float64)
    for i, cell in enumerate(cells):
        try:
            out[i] = parse_number(cell, integer=integer, signed=not integer)
        except ValueError as err:
            raise ValueError(f"row {i + 2}, column {quote(column)}: {quote(cell)} {err}") from None
    return out


def increasing(column: str, values: NDArray[np.float64]) -> None:
    """Raises a ``ValueError`` naming the first row whose step does not increase."""
    bad = np.flatnonzero(np.diff(values) <= 0)
    if bad.size:
        row = int(bad[0]) + 3
        raise ValueError(
            f"row {row}, column {quote(column)}: steps must increase, but "
            f"{values[bad[0] + 1]:g} follows {values[bad[0]]:g}"
        )


def metric(data: bytes) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """A metric file: ``step,value`` (or ``step,loss``...), steps increasing."""
    cols = read_columns(data, ("step", "value"))
    steps = numbers("step", cols["step"], integer=True)
    increasing("step", steps)
    return steps.astype(np.int64), numbers("value", cols["value"])


# --- ReduceLROnPlateau on an uploaded metric -------------------------------------------

PLATEAU_FIELDS = {
    # name: (label, integer, default)
    "factor": ("Factor", False, 0.1),
    "patience": ("Patience (evaluations)", True, 10),
    "threshold": ("Threshold", False, 1e-4),
    "cooldown": ("Cooldown (evaluations)", True, 0),
    "min_lr": ("Min LR", False, 0.0),
}


def plateau_phases(
    steps: NDArray[np.int64], values: NDArray[np.float64], lr: float, **options: object
) -> list[dict[str, object]]:
    """What ``ReduceLROnPlateau`` does with a metric measured at ``steps``, as constant phases.

    ``scheduler.step(values[i])`` runs after step ``steps[i]``: the rate it sets is used
    from the next step on, so step ``k <= steps[0]`` has ``lr`` and the last step holds
    the rate after the last metric.

    Raises:
      ValueError: naming a bad option, or more cuts than a chain of phases holds.
    """
    from dynweights import reduce_on_plateau
    from dynweights._phases import MAX_PHASES

    rates = reduce_on_plateau(values, lr=lr, **options)  # type: ignore[arg-type]
    bounds = [0, *(int(s) + 1 for s in steps), int(steps[-1]) + 2]
    phases: list[dict[str, object]] = []
    for rate, start, end in zip(rates.tolist(), bounds[:-1], bounds[1:], strict=True):
        if end <= start:
            continue
        if phases and phases[-1]["start"] == rate:
            phases[-1]["steps"] = int(phases[-1]["steps"]) + end - start  # type: ignore[call-overload]
            continue
        phases.append({"shape": "constant", "steps": end - start, "start": rate})
    if len(phases) > MAX_PHASES:
        raise ValueError(
            f"the rate changes {len(phases) - 1} times; a curve holds at most {MAX_PHASES - 1} "
            "changes (raise patience or threshold)"
        )
    return phases
