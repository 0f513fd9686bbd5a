"""dynweights.plot_steps: a bounded number of points with every breakpoint in it."""

from __future__ import annotations

import numpy as np
import pytest

from dynweights import DEFAULT_POINTS, SCHEDULES, plot_steps

T, W, C = 10**9, 12_345_679, 99_999_989


def test_warmup_end_and_the_step_before_are_drawn_at_1e9():
    steps = plot_steps("cosine_with_linear_warmup", total_steps=T, warmup_steps=W)
    assert {0, W - 1, W, T} <= set(steps.tolist())


def test_every_restart_and_the_step_before_are_drawn_at_1e9():
    steps = set(plot_steps("cosine_warm_restarts", total_steps=T, cycle_steps=C).tolist())
    restarts = range(C, T + 1, C)
    assert len(restarts) == 10
    assert all(r in steps and r - 1 in steps for r in restarts)


def test_restarts_of_a_growing_cycle_are_all_drawn():
    steps = set(plot_steps("cosine_warm_restarts", total_steps=T, cycle_steps=7, cycle_mult=2))
    start, length = 7, 14
    while start <= T:
        assert {start - 1, start} <= steps
        start, length = start + length, length * 2


def test_too_many_restarts_keep_an_even_band_of_peaks_and_floors():
    steps = plot_steps("cosine_warm_restarts", total_steps=T, cycle_steps=7)
    # A restart is drawn as a pair (floor at r - 1, peak at r). The even grid is
    # a million steps apart, so it never holds such a pair by itself.
    multiples = steps[(steps % 7 == 0) & (steps > 0)]
    pairs = multiples[np.isin(multiples - 1, steps)]
    assert len(pairs) >= DEFAULT_POINTS - 5
    # Evenly thinned: the band of peaks and floors spans the run, not an alias.
    gaps = np.diff(pairs)
    assert gaps.max() - gaps.min() <= 7
    assert pairs[0] < T // 100
    assert pairs[-1] > T - T // 100


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_point_count_is_bounded_at_1e9(name):
    smallest = {"cycle_steps": 1, "step_size": 1, "cycles": 1000}
    params = {p.name: smallest.get(p.name, p.default) for p in SCHEDULES[name].params}
    params["total_steps"] = T
    steps = plot_steps(name, **params)
    assert len(steps) <= 3 * DEFAULT_POINTS + 2
    assert steps[0] == 0
    assert steps[-1] == T
    assert (np.diff(steps) > 0).all()
    assert steps.dtype == np.int64


def test_short_runs_draw_every_step():
    np.testing.assert_array_equal(plot_steps("cosine", total_steps=57), np.arange(58))


@pytest.mark.parametrize("points", [0, 1, 100_001, 2.5])
def test_bad_budget(points):
    with pytest.raises(ValueError, match="points"):
        plot_steps("linear", points=points)
