"""Reading curves side by side: the comparison table's numbers and each curve's warnings.

Every number is exact up to ``EXACT_UP_TO`` steps, where every step is
evaluated. Beyond, the area comes from ``dynweights.sums.area``: each piece of the
schedule summed over its whole range of steps, in closed form where there is one
(restarts and drops included, however many), else over convex blocks, always with
a guaranteed error bound, stated beside the number. The peak, the final value
and the steps where a curve first falls below a fraction of its peak come from
blocks between sampled steps: each lies between two breakpoints, where every
piece is monotone, and the crossing is found exactly, by bisection inside the
first block that crosses it.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from dynweights import Bound
from dynweights._tree import sorted_unique
from dynweights.sums import area as summed

EXACT_UP_TO = 2**17
BLOCKS = 2**15
FRACTIONS = (0.5, 0.1)


@dataclass(frozen=True)
class Stats:
    """One row of the comparison table.

    ``area`` is the sum of the value over the ``T`` training steps ``0..T-1``
    (so ``mean = area / T``); ``area_error`` is a guaranteed bound on
    ``|area - exact|``: 0 when every step was evaluated, else the bound of
    ``dynweights.sums.area`` (a few ulps where it sums in closed form, below 1e-6
    of the area elsewhere). ``below`` maps each fraction of the peak to the first
    step after the peak whose value is below it (``None``: never, up to ``T``).
    """

    peak: float
    final: float
    mean: float
    area: float
    area_error: float
    below: Mapping[float, int | None]  # read-only: rows are cached and shared
    at_step: int
    value_at_step: float


def _merge(a: NDArray[np.int64], b: NDArray[np.int64]) -> NDArray[np.int64]:
    """Sorted unique steps of two sorted arrays: a stable sort merges the two runs in
    linear time, several times faster than ``np.union1d``'s hashing on 32k steps."""
    return sorted_unique(np.sort(np.concatenate([a, b]), kind="stable"))


def _first_below(
    s: Bound, level: float, steps: NDArray[np.int64], values: NDArray[np.float64]
) -> int | None:
    """First step after the peak with value < level; samples bracket monotone blocks."""
    after_peak = int(np.argmax(values))
    under = np.flatnonzero(values[after_peak:] < level)
    if not under.size:
        return None
    i = after_peak + int(under[0])
    lo, hi = int(steps[i - 1]), int(steps[i])  # value(lo) >= level > value(hi)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if float(s.values(mid)) < level:
            hi = mid
        else:
            lo = mid
    return hi


def stats(s: Bound, at_step: int) -> Stats:
    """The comparison-table row of ``s``, with ``at_step`` clamped to ``[0, T]``."""
    at = min(max(int(at_step), 0), s.total_steps)
    return replace(_sums(s), at_step=at, value_at_step=float(s.values(at)))


# A bound schedule is an immutable value, so its row is too: a rerun that changes no
# curve (a toggle, the cursor, a folded section) reuses it. A row is a few hundred bytes.
@functools.lru_cache(maxsize=64)
def _sums(s: Bound) -> Stats:
    """Everything in the row but the step cursor's value, which ``stats`` adds."""
    total = s.total_steps
    if total <= EXACT_UP_TO:
        steps = np.arange(total + 1, dtype=np.int64)
        values = np.asarray(s.values(steps), dtype=np.float64)
        area, error = float(math.fsum(values[:-1].tolist())), 0.0
    else:
        marks = s.marks(BLOCKS + 1)
        grid = np.rint(np.linspace(0, total, BLOCKS + 1)).astype(np.int64)
        starts = _merge(grid, marks[marks <= total].astype(np.int64))
        # Each block [start, next start) ends one step before the next starts: its
        # first and last steps, interleaved, are already sorted. A one-step block
        # repeats its step, which changes no sum, peak or crossing.
        steps = np.empty(2 * starts.size - 1, dtype=np.int64)
        steps[0:-1:2] = starts[:-1]
        steps[1::2] = starts[1:] - 1
        steps[-1] = total
        values = np.asarray(s.values(steps), dtype=np.float64)
        try:
            area, error = summed(s)
        except ValueError:  # no closed form over this many steps: no number to show
            area, error = math.nan, math.inf
    peak = float(values.max())
    below = MappingProxyType({f: _first_below(s, f * peak, steps, values) for f in FRACTIONS})
    return Stats(
        peak=peak,
        final=float(values[-1]),
        mean=area / total,
        area=area,
        area_error=error,
        below=below,
        at_step=0,
        value_at_step=float(values[0]),
    )


@dataclass(frozen=True)
class Caution:
    """A reason to look twice at a curve; it never stops the curve being drawn."""

    key: str
    text: str


@functools.lru_cache(maxsize=128)
def cautions(s: Bound, drawn_marks: int) -> tuple[Caution, ...]:
    """The warnings of ``s``; ``drawn_marks`` is how many breakpoints the chart can draw."""
    out: list[Caution] = []
    first = float(s.values(0))
    if s.family != "weight" and first == 0.0:
        out.append(
            Caution(
                "zero_at_start",
                "The learning rate is 0 at step 0, so the first update changes nothing; "
                "start the warmup above 0 (warmup_lr) or count it from step 1.",
            )
        )
    probe = np.unique(np.concatenate([np.rint(np.linspace(0, s.total_steps, 257)), s.marks()]))
    if float(np.min(s.values(probe))) < 0:
        out.append(
            Caution("negative", "The curve goes below 0: no optimizer expects a negative rate.")
        )
    if s.name in ("cosine_annealing", "cosine_warm_restarts", "cosine_with_linear_warmup"):
        out.append(
            Caution(
                "rises_after_total",
                "In PyTorch (CosineAnnealingLR, SequentialLR) this curve rises again after "
                "total_steps if training runs on; dynweights holds the final value.",
            )
        )
    if s.name == "exponential":
        out.append(
            Caution(
                "stops_short",
                "This ramp stops at 98.2% of max_weight (1 - e^-4) and holds there; it never "
                "reaches max_weight.",
            )
        )
    count = s.marks(drawn_marks + 1).size
    if count > drawn_marks:
        out.append(
            Caution(
                "too_many_cycles",
                f"More than {drawn_marks:,} restarts or drops: only an even selection is drawn "
                "at this width, so the chart shows their envelope.",
            )
        )
    warmup = s.params.get("warmup_steps")
    if isinstance(warmup, int) and warmup > s.total_steps / 2:
        out.append(
            Caution(
                "long_warmup",
                f"The warmup takes {warmup / s.total_steps:.0%} of the run: more than half of "
                "training is spent below the peak rate.",
            )
        )
    return tuple(out)
