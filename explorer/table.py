"""The comparison table under the charts: one row per visible curve, and its CSV.

The numbers come from ``explorer.compare.stats``: every step summed up to 2^17 steps,
beyond that ``dynweights.sums`` (closed forms, or a guaranteed bound, shown after ±
where it reaches the sixth digit). Every curve is summed over the page's one span.
The table shows six significant digits; the CSV keeps every digit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import cast

import streamlit as st

import dynweights
from dynweights.loss import MultiPowerLaw
from explorer import compare, losses
from explorer import curves as cv
from explorer.compare import Stats
from explorer.downloads import span
from explorer.figures import Drawn
from explorer.inputs import Value, fmt

CURSOR_KEY = "step_cursor"
AREA_NOTE = "area (Σ over steps = mean × steps)"  # noqa: RUF001


def cursor_step(shared: Mapping[str, Value]) -> int:
    """The chosen step: the link's, or half the shared total steps when none was chosen."""
    value = shared[CURSOR_KEY]
    # links.parse and the widgets only ever store an int here, or "" for none.
    return cast(int, shared["total_steps"]) // 2 if value == "" else cast(int, value)


def short(value: float) -> str:
    """Six significant digits, small rates in e-notation: ``3e-4``, ``0.523599``."""
    return fmt(float(f"{value:.6g}"))


NO_SUM = "no exact sum at this length"


def _area(s: Stats) -> str:
    if not math.isfinite(s.area):
        return NO_SUM
    # Within half a unit of the sixth digit, the bound cannot change what is shown.
    if s.area_error <= 5e-7 * abs(s.area):
        return short(s.area)
    return f"{short(s.area)} ± {short(s.area_error)}"


def _mean(s: Stats) -> str:
    return short(s.mean) if math.isfinite(s.mean) else NO_SUM


def _full(value: float) -> str:
    return repr(value) if math.isfinite(value) else ""


def _step(step: int | None) -> str:
    return "never" if step is None else f"{step:,}"


def spanned(bound: dynweights.Bound, at_step: int, span: int) -> Stats:
    """The row of ``bound`` over the page's span: past its own T it holds its last value."""
    s = compare.stats(bound, at_step)
    extra = max(span - bound.total_steps, 0)
    area = s.area + extra * s.final
    at = min(max(int(at_step), 0), max(span, bound.total_steps))
    return replace(s, area=area, mean=area / max(span, bound.total_steps, 1), at_step=at)


def loss_columns(
    curves: Sequence[Drawn], at_step: int, law: MultiPowerLaw | None
) -> list[dict[str, float | None]]:
    """Per curve: its predicted loss at the cursor and at the span's end, the end's
    difference from the first learning-rate curve's, and its annealing area ``S_2``
    at the end; ``None`` for a loss weight or without a law."""
    if law is None:
        return [{} for _ in curves]
    end = span(curves)
    out: list[dict[str, float | None]] = []
    first: float | None = None
    for curve in curves:
        if curve.bound.family == "weight":
            out.append(dict.fromkeys(LOSS_KEYS))
            continue
        at = min(max(at_step, 1), end)
        cursor, last = losses.at_steps(law, curve.bound, (at, max(end, 1)))
        first = last if first is None else first
        out.append(
            {
                "cursor": cursor,
                "end": last,
                "diff": None if last is None or first is None else last - first,
                "s2": losses.s2(curve.bound, end),
            }
        )
    return out


LOSS_KEYS = ("cursor", "end", "diff", "s2")


def rows(
    curves: Sequence[Drawn], at_step: int, law: MultiPowerLaw | None = None
) -> list[dict[str, str]]:
    """The table as text: one dict per curve, keyed by column header."""
    out = []
    predicted = loss_columns(curves, at_step, law)
    for curve, loss in zip(curves, predicted, strict=True):
        s = spanned(curve.bound, at_step, span(curves))
        out.append(
            {
                "curve": curve.label,
                "peak": short(s.peak),
                "final": short(s.final),
                "mean": _mean(s),
                AREA_NOTE: _area(s),
                "first step < 50% of peak": _step(s.below[0.5]),
                "first step < 10% of peak": _step(s.below[0.1]),
                f"value at step {at_step:,}": short(s.value_at_step),
                **_loss_cells(loss, at_step),
            }
        )
    return out


def _loss_cells(loss: Mapping[str, float | None], at_step: int) -> dict[str, str]:
    if not loss:
        return {}
    shown = {k: "n/a" if v is None else short(v) for k, v in loss.items()}
    return {
        f"predicted loss at step {at_step:,}": shown["cursor"],
        "predicted loss at the end": shown["end"],
        "vs the first curve": shown["diff"],
        "annealing area S2": shown["s2"],
    }


def csv_text(curves: Sequence[Drawn], at_step: int) -> str:
    """The table with every digit (``repr``), one line per curve."""
    header = (
        "curve,total_steps,peak,final,mean,area,area_error,"
        "first_step_below_50pct,first_step_below_10pct,at_step,value_at_step"
    )
    lines = [header]
    for curve in curves:
        s = spanned(curve.bound, at_step, span(curves))
        label = curve.label
        if any(c in label for c in ',"\n'):
            label = '"' + label.replace('"', '""') + '"'
        fields = [
            label,
            str(curve.bound.total_steps),
            repr(s.peak),
            repr(s.final),
            _full(s.mean),
            _full(s.area),
            _full(s.area_error),
            "" if s.below[0.5] is None else str(s.below[0.5]),
            "" if s.below[0.1] is None else str(s.below[0.1]),
            str(s.at_step),
            repr(s.value_at_step),
        ]
        lines.append(",".join(fields))
    return "\n".join(lines) + "\n"


def cursor_input(v: cv.View) -> int:
    """The step cursor: one step for every curve, drawn as a dotted line on both charts."""
    from explorer import actions
    from explorer.widgets import text_field

    text_field(
        "Step cursor",
        actions.param_key("shared", CURSOR_KEY),
        v.shared[CURSOR_KEY],
        actions.cursor_typed,
        help_text="The table's value column is each curve's value at this step; "
        "empty means half the shared total steps. Type 250000 or 2.5e5.",
        placeholder="half of total steps",
    )
    return cursor_step(v.shared)


def show(curves: Sequence[Drawn], at_step: int, law: MultiPowerLaw | None = None) -> None:
    """The comparison table and its CSV download."""
    if not curves:
        st.caption("Show a curve to compare it.")
        return
    st.table(rows(curves, at_step, law))
    st.caption(
        f"Every curve over the same span, steps 0 to {span(curves):,}; a curve shorter than "
        "that holds its last value. "
        "Area is the sum over the steps 0 to span-1 (so mean = area / span): every step "
        f"summed up to {compare.EXACT_UP_TO:,} steps; beyond, closed forms per piece and per "
        "restart, or a guaranteed error bound after ± where it shows in six digits."
    )
    st.download_button(
        "Download table (CSV)",
        data=lambda: csv_text(curves, at_step),
        file_name=f"dynweights-comparison-at-step-{at_step}.csv",
        mime="text/csv",
        on_click="ignore",
        help="Every value in full precision.",
    )
