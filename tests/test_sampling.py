"""dynweights.plot_steps: a fixed budget of steps that still hits every kink and jump."""

import math
import re

import numpy as np
import pytest

from dynweights import DEFAULT_POINTS, MAX_POINTS, SCHEDULES, plot_steps

T = 10**9
W = 12_345_679
C = 99_999_989  # a prime: its multiples fall on no grid point by accident


def assert_well_formed(steps, total):
    """Sorted unique int64 steps in [0, total], from 0 to total."""
    assert isinstance(steps, np.ndarray)
    assert steps.dtype == np.int64
    assert steps.ndim == 1
    assert steps[0] == 0
    assert steps[-1] == total
    assert np.all(np.diff(steps) > 0)


def assert_has_each_and_the_step_before(steps, marks):
    missing = [m for b in marks for m in (b - 1, b) if m not in set(steps.tolist())]
    assert missing == []


# --- Every breakpoint and the step before it, at T = 10**9. ---


def test_warm_restarts_each_restart_and_the_step_before():
    steps = plot_steps("cosine_warm_restarts", total_steps=T, cycle_steps=C)
    restarts = [k * C for k in range(1, T // C + 1)]
    assert len(restarts) == 10  # 10 C = 999_999_890 <= T < 11 C
    assert_has_each_and_the_step_before(steps, restarts)
    assert len(steps) <= 3 * DEFAULT_POINTS + 2


def test_warm_restarts_with_growing_cycles():
    # m = 2: restarts at C, C + 2C = 3C, 3C + 4C = 7C; the next, 15C, is past T.
    steps = plot_steps("cosine_warm_restarts", total_steps=T, cycle_steps=C, cycle_mult=2)
    assert_has_each_and_the_step_before(steps, [C, 3 * C, 7 * C])


@pytest.mark.parametrize("name", ["cosine_with_linear_warmup", "inverse_sqrt", "polynomial_decay"])
def test_warmup_end_and_the_step_before(name):
    steps = plot_steps(name, total_steps=T, warmup_steps=W)
    assert_has_each_and_the_step_before(steps, [W])
    assert len(steps) <= DEFAULT_POINTS + 2


@pytest.mark.parametrize("size", [C, W])
def test_step_decay_each_drop_and_the_step_before(size):
    steps = plot_steps("step_decay", total_steps=T, step_size=size)
    drops = [k * size for k in range(1, T // size + 1)]
    assert len(drops) == {C: 10, W: 81}[size]  # 81 W = 999_999_999
    assert_has_each_and_the_step_before(steps, drops)


def test_wsd_warmup_end_and_decay_start():
    steps = plot_steps("warmup_stable_decay", total_steps=T, warmup_steps=W, decay_steps=C)
    assert_has_each_and_the_step_before(steps, [W, T - C])  # T - C = 900_000_011
    # No decay: the drop to min_lr is at T itself.
    steps = plot_steps("warmup_stable_decay", total_steps=T, warmup_steps=W, decay_steps=0)
    assert_has_each_and_the_step_before(steps, [W, T])


@pytest.mark.parametrize(
    ("pct_start", "floor"),
    # P = pct_start * (T + 1) - 1: 299_999_999.3 and 499_999_999.5.
    [(0.3, 299_999_999), (0.5, 499_999_999), (0.01, 9_999_999)],
)
def test_one_cycle_steps_on_both_sides_of_its_peak(pct_start, floor):
    peak = pct_start * (T + 1) - 1
    assert math.floor(peak) == floor
    steps = plot_steps("one_cycle", total_steps=T, pct_start=pct_start)
    assert {floor, floor + 1} <= set(steps.tolist())


@pytest.mark.parametrize(("cycles", "ratio"), [(7, 0.5), (500, 0.3), (3, 1.0)])
def test_cyclical_annealing_cycle_starts_and_ramp_ends(cycles, ratio):
    steps = plot_steps("cyclical_annealing", total_steps=T, cycles=cycles, ramp_ratio=ratio)
    # Cycle k starts at k T / M, a step when M divides k T. Its first integer step
    # ceil(k T / M) and the last step of the cycle before are both drawn.
    starts = [-(-k * T // cycles) for k in range(1, cycles)]
    assert_has_each_and_the_step_before(steps, starts)
    # The ramp ends at k T / M + R T / M: the steps on both sides are drawn.
    ends = [math.ceil(k * T / cycles + ratio * T / cycles) for k in range(cycles)]
    assert_has_each_and_the_step_before(steps, [e for e in ends if e <= T])


# --- The budget: never more than 3 * points + 2 steps. ---

# The parameters that set how many breakpoints there are, at their densest
# (beyond the explorer's bounds where the function allows it).
DENSEST = {
    "cycle_steps": 1,
    "cycle_mult": 1,
    "step_size": 1,
    "cycles": 10**9,
    "step_size_up": 1,
    "step_size_down": 1,
}
# Parameters that place a fixed number of breakpoints.
FIXED = {"total_steps", "warmup_steps", "decay_steps", "timescale"}  # timescale adds none


def test_densest_covers_every_integer_parameter():
    # A new integer parameter may add breakpoints: decide where it is densest.
    ints = {p.name for s in SCHEDULES.values() for p in s.params if p.type is int}
    assert ints == set(DENSEST) | FIXED


def densest(name):
    names = {p.name for p in SCHEDULES[name].params}
    params = {k: v for k, v in DENSEST.items() if k in names}
    if "warmup_steps" in names:
        params["warmup_steps"] = W
    if "decay_steps" in names:
        params["decay_steps"] = C
    return params


@pytest.mark.parametrize("name", list(SCHEDULES))
@pytest.mark.parametrize("points", [2, 3, 7, DEFAULT_POINTS, MAX_POINTS])
def test_count_stays_within_budget_at_the_densest(name, points):
    steps = plot_steps(name, points, total_steps=T, **densest(name))
    assert_well_formed(steps, T)
    assert len(steps) <= 3 * points + 2
    # Not fewer than the evenly spaced grid either.
    assert len(steps) >= points


@pytest.mark.parametrize("cycles", [1000, 10**6, T])
def test_cyclical_annealing_within_budget_at_registry_max_and_beyond(cycles):
    steps = plot_steps("cyclical_annealing", total_steps=T, cycles=cycles)
    assert_well_formed(steps, T)
    assert len(steps) <= 3 * DEFAULT_POINTS + 2


def test_dense_restarts_are_thinned_evenly_and_keep_their_floor():
    # C = 1000 at T = 1e9: a million restarts, far more than the budget. The
    # kept ones still come with the step before each (the floor).
    steps = plot_steps("cosine_warm_restarts", total_steps=T, cycle_steps=1000)
    kept = [s for s in steps.tolist() if s % 1000 == 0 and s - 1 in set(steps.tolist())]
    assert len(kept) >= DEFAULT_POINTS // 2
    assert len(steps) <= 3 * DEFAULT_POINTS + 2
    gaps = np.diff(kept)
    assert gaps.max() <= 2 * gaps.min()  # spread evenly over the run


# --- Shape of the result. ---


def shortest(name, total):
    """The shortest warmup (inverse_sqrt needs one step), no decay phase, and a
    pct_start valid for T = 1 (it must exceed 1 / (T + 1))."""
    params = {"total_steps": total}
    for p in SCHEDULES[name].params:
        if p.name == "warmup_steps":
            params["warmup_steps"] = p.min
        if p.name == "decay_steps":
            params["decay_steps"] = 0
        if p.name == "pct_start":
            params["pct_start"] = 0.75
    return params


SHORT_RUNS = [
    (name, total)
    for name in SCHEDULES
    for total in (1, 2, 999)
    if shortest(name, total).get("warmup_steps", 0) < total  # inverse_sqrt needs T >= 2
]


@pytest.mark.parametrize(("name", "total"), SHORT_RUNS)
def test_short_runs_give_every_step(name, total):
    steps = plot_steps(name, **shortest(name, total))
    np.testing.assert_array_equal(steps, np.arange(total + 1))
    assert steps.dtype == np.int64


@pytest.mark.parametrize("points", [2, 10, 500])
def test_every_step_below_the_budget(points):
    steps = plot_steps("cosine_warm_restarts", points, total_steps=points - 1, cycle_steps=3)
    np.testing.assert_array_equal(steps, np.arange(points))


@pytest.mark.parametrize("name", list(SCHEDULES))
@pytest.mark.parametrize("total", [1000, 1001, 12_345, T])
def test_default_parameters_are_well_formed(name, total):
    steps = plot_steps(name, total_steps=total)
    assert_well_formed(steps, total)
    assert DEFAULT_POINTS <= len(steps) <= 3 * DEFAULT_POINTS + 2


def test_grid_is_even():
    steps = plot_steps("linear", 11, total_steps=T)
    np.testing.assert_array_equal(steps, np.arange(11) * (T // 10))


# --- Errors. ---


@pytest.mark.parametrize(
    ("points", "shown"),
    [
        (1, "1"),
        (0, "0"),
        (-5, "-5"),
        (MAX_POINTS + 1, "100001"),
        (2.5, "2.5"),
        ("10", "'10'"),
        (True, "True"),
        (None, "None"),
        (math.nan, "nan"),
    ],
)
def test_bad_points(points, shown):
    with pytest.raises(ValueError, match="points") as info:
        plot_steps("linear", points, total_steps=T)
    assert str(info.value) == f"points must be an integer in [2, 100000], got {shown}"


def test_points_as_integral_float_is_accepted():
    np.testing.assert_array_equal(plot_steps("linear", 3.0, total_steps=4), [0, 2, 4])


def test_parameters_are_checked():
    with pytest.raises(ValueError, match=re.escape("warmup_steps must be in [0, total_steps)")):
        plot_steps("cosine_with_linear_warmup", total_steps=10, warmup_steps=10)
    with pytest.raises(ValueError, match="decay_shape"):
        plot_steps("warmup_stable_decay", decay_shape="exp")
    with pytest.raises(ValueError, match="Unknown schedule"):
        plot_steps("nope")
    with pytest.raises(ValueError, match="bogus"):
        plot_steps("linear", bogus=1)
