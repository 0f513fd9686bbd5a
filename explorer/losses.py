"""The predicted loss of each learning-rate curve: a published multi-power law, or one
fitted to the user's own run. Pure functions, no Streamlit.

Predictions and fits are cached per value (a law and a bound schedule are values;
a run file by its bytes), so a rerun that changes neither costs nothing.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

import dynweights
from dynweights import Bound
from dynweights.loss import PUBLISHED, MultiPowerLaw, annealing_area, fit
from explorer import uploads
from explorer.inputs import fmt

OFF = "off"
FIT = "fit"
LAWS = (OFF, *PUBLISHED, FIT)
# Off until chosen: the published constants are for 24k steps at 3e-4, far from the
# default view's 100 steps at 0.1, and a prediction costs a first draw.
DEFAULT = OFF
LABELS = {
    OFF: "Off",
    **{
        name: f"Published: {law.setup.model if law.setup else name} model"
        for name, law in PUBLISHED.items()
    },
    FIT: "Fitted to my run",
}
# Points of a predicted curve: the law costs about 0.3 ms a point on a long schedule.
POINTS = 120
MAX_POINTS = 300  # with its breakpoints, at most this many
MIN_POINTS = 12
QUERY_BUDGET = 1500  # query steps x breakpoints: about a second at worst
MAX_MARKS = 300  # beyond, a prediction takes seconds: the page says so instead
DECAY = 0.999  # the annealing area's momentum (Tissue et al.'s lambda)
MAX_RUN_STEPS = 2**22  # a fitted run's rates are held at every step
FIT_POINTS = 200  # logged losses per run the fit reads; its error is over every one


def caption(name: str, law: MultiPowerLaw | None, fitted: Fitted | None) -> str:
    """What the constants were fitted on, and what the prediction means elsewhere."""
    if name == FIT and fitted is not None:
        return (
            f"Multi-power law fitted to your {fitted.description}: mean relative error "
            f"{fitted.error:.3%} over its {fitted.points:,} logged losses. The file stays on this "
            "page: the link keeps the choice, not the run."
        )
    if law is None or law.setup is None:
        return ""
    setup = law.setup
    return (
        f"Multi-power law of Luo et al. (2025), the authors' constants for {setup.model}-parameter "
        f"models trained {setup.total_steps:,} steps at peak LR {fmt(setup.peak_lr)} after a "
        f"{setup.warmup_steps:,}-step warmup. For another model, dataset or peak LR the "
        "prediction shows a shape, not a number."
    )


@functools.lru_cache(maxsize=64)
def predicted(
    law: MultiPowerLaw, bound: Bound, span: int
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """``(steps, predicted loss)`` of a learning-rate curve over the page's span.

    Step 0 is left out where the law is infinite there (no rate summed yet).
    """
    # The law's sum costs up to a few milliseconds per query step and per 10 smooth
    # pieces (cycles, phases): a schedule with many breakpoints is predicted at fewer steps.
    marks = bound.marks(MAX_POINTS).size
    keep = min(MAX_POINTS, max(MIN_POINTS, QUERY_BUDGET // (marks + 1)))
    steps = dynweights.plot_steps(bound, min(POINTS, keep))
    if steps.size > keep:  # an even selection, breakpoints included
        steps = steps[np.unique(np.rint(np.linspace(0, steps.size - 1, keep)).astype(int))]
    if span > bound.total_steps:
        steps = np.append(steps, np.int64(span))
    steps = steps[steps > 0]
    if why_not(law, bound) is not None:
        return steps[:0], np.zeros(0)
    values = np.asarray(law.predict(bound, steps), dtype=np.float64)
    finite = np.isfinite(values)
    return steps[finite], values[finite]


@functools.lru_cache(maxsize=64)
def why_not(law: MultiPowerLaw, bound: Bound) -> str | None:
    """Why the law has no prediction for ``bound`` (a negative rate, too many restarts
    for its sum), or ``None``."""
    marks = bound.marks(MAX_MARKS + 1)
    if marks.size > MAX_MARKS:
        return (
            f"it has more than {MAX_MARKS} restarts, drops or phase ends; the page predicts "
            "up to that many (dynweights.loss predicts up to 4,096, more slowly)"
        )
    probe = np.unique(np.concatenate([np.linspace(0, bound.total_steps, 257), marks]))
    if float(np.min(bound.values(probe))) < 0:
        return "the learning rate goes below 0"
    try:
        law.predict(bound, [bound.total_steps])
    except (ValueError, ArithmeticError) as err:
        return str(err)
    return None


@functools.lru_cache(maxsize=256)
def at_steps(law: MultiPowerLaw, bound: Bound, steps: tuple[int, ...]) -> tuple[float | None, ...]:
    """The predicted loss at ``steps``; ``None`` where there is none."""
    if why_not(law, bound) is not None:
        return tuple(None for _ in steps)
    values = law.predict(bound, np.asarray(steps, dtype=np.int64))
    return tuple(float(v) if np.isfinite(v) else None for v in values)


@functools.lru_cache(maxsize=256)
def s2(bound: Bound, step: int) -> float:
    """The annealing area ``S_2`` at ``step`` (``dynweights.loss.annealing_area``)."""
    return float(annealing_area(bound, [step], DECAY)[0])


@dataclass(frozen=True)
class Run:
    """One uploaded training run: its logged steps, losses, and a rate for every step."""

    name: str
    steps: NDArray[np.int64]
    losses: NDArray[np.float64]
    rates: NDArray[np.float64]  # rates[k] for k = 0 .. steps[-1]
    logged_every_step: bool


@dataclass(frozen=True)
class Fitted:
    law: MultiPowerLaw
    runs: tuple[Run, ...]
    error: float  # mean |prediction - loss| / loss over every logged point
    points: int

    @property
    def description(self) -> str:
        if len(self.runs) == 1:
            return f"run {self.runs[0].name!r}"
        return f"{len(self.runs)} runs"


def read_runs(data: bytes) -> tuple[Run, ...]:
    """Runs from a CSV of ``step,lr,loss`` (and a ``run`` column for several).

    Where steps are not logged one by one, the rate between two logged steps is
    interpolated linearly, and the run says so (``logged_every_step``).

    Raises:
      ValueError: naming the row and column of a bad cell, or a run too long.
    """
    cols = uploads.read_columns(data, ("step", "lr", "loss"), optional=("run",))
    steps = uploads.numbers("step", cols["step"], integer=True)
    rates = uploads.numbers("lr", cols["lr"])
    losses = uploads.numbers("loss", cols["loss"])
    names = cols.get("run") or ["run"] * len(steps)
    runs = []
    for name in dict.fromkeys(names):
        rows = np.flatnonzero(np.asarray(names) == name)
        step = steps[rows]
        uploads.increasing("step", step)
        if step[-1] > MAX_RUN_STEPS:
            raise ValueError(
                f"run {name!r} logs step {step[-1]:.0f}; at most {MAX_RUN_STEPS:,} are fitted"
            )
        if np.any(rates[rows] < 0) or np.any(losses[rows] <= 0):
            bad = int(rows[np.flatnonzero((rates[rows] < 0) | (losses[rows] <= 0))[0]])
            raise ValueError(f"row {bad + 2}: a rate must be >= 0 and a loss > 0")
        every = np.arange(int(step[-1]) + 1)
        full = np.interp(every, step, rates[rows])
        contiguous = bool(step[0] == 0 and np.all(np.diff(step) == 1))
        runs.append(Run(str(name)[:40], step.astype(np.int64), losses[rows], full, contiguous))
    return tuple(runs)


@functools.lru_cache(maxsize=2)
def fit_file(data: bytes) -> Fitted:
    """The multi-power law fitted to an uploaded file's runs (see ``dynweights.loss.fit``).

    Raises:
      ValueError: a bad file or a fit that cannot start, naming why.
      ImportError: scipy is missing, saying how to get it.
    """
    runs = read_runs(data)
    usable = []
    for run in runs:
        keep = run.steps >= 1 if run.rates[0] == 0 else np.ones(run.steps.size, dtype=bool)
        index = np.flatnonzero(keep)
        if index.size > FIT_POINTS:  # the fit's cost grows with its points: an even choice
            index = index[
                np.unique(np.rint(np.linspace(0, index.size - 1, FIT_POINTS)).astype(int))
            ]
        usable.append((run.rates, run.steps[index], run.losses[index]))
    law = fit(usable)
    errors = []
    for run in runs:
        keep = run.steps >= 1 if run.rates[0] == 0 else np.ones(run.steps.size, dtype=bool)
        guess = law.predict(run.rates, run.steps[keep])
        errors.append(np.abs(guess - run.losses[keep]) / run.losses[keep])
    every = np.concatenate(errors)
    return Fitted(law, runs, float(np.mean(every)), int(every.size))
