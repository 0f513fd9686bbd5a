"""Prefix sums and areas against math.fsum over every step, and their bounds."""

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from strategies import params_for

import dynweights
from dynweights import SCHEDULES
from dynweights._bound import Bound
from dynweights._tree import Leaf
from dynweights.sums import _cosine_power_inflection, area, prefix_sum

SMALL_T = 200_000


def _small(spec):
    """``spec`` with total_steps drawn up to SMALL_T, so every step can be summed."""
    params = tuple(
        dataclasses.replace(p, max=SMALL_T) if p.name == "total_steps" else p for p in spec.params
    )
    return dataclasses.replace(spec, params=params)


def assert_sums_hold(s, steps):
    """Each prefix sum is within its bound of math.fsum over every step, and the bound
    is below 1e-6 of the sum of magnitudes (plus the values' own underflow, ~1e-320)."""
    end = max(steps)
    values = s.values(np.arange(end, dtype=np.float64)).tolist()
    sums, bounds = prefix_sum(s, steps)
    for t, got, bound in zip(steps, sums, bounds, strict=True):
        exact = math.fsum(values[:t])
        size = math.fsum(abs(v) for v in values[:t])
        assert abs(got - exact) <= bound, (s, t, got, exact, bound)
        assert bound <= 1e-6 * size + 1e-300, (s, t, bound, size)


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_every_family_against_every_step(name):
    @settings(max_examples=8, deadline=None)
    @given(params=params_for(_small(SCHEDULES[name])))
    def check(params):
        s = dynweights.schedule(name, **params)
        total = s.total_steps
        assert_sums_hold(s, sorted({0, 1, total // 3 + 1, total, total + 1, total + 7}))

    check()


# Each family at its defaults, long enough that every piece is summed in closed form
# or in blocks (pieces of up to 4,096 steps are summed from their values).
LONG = {
    "cosine_warm_restarts": {"cycle_steps": 9_999, "peak_decay": 0.7, "min_lr": 0.01},
    "cyclic": {
        "step_size_up": 7_001,
        "step_size_down": 5_003,
        "cyclic_mode": "exp_range",
        "gamma": 0.99999,
    },
    "cyclical_annealing": {"cycles": 7, "ramp_ratio": 0.3},
    "cosine_with_hard_restarts": {"warmup_steps": 5_000, "num_cycles": 3.7},
    "inverse_time_decay": {"step_size": 9_000, "staircase": True},
    "step_decay": {"step_size": 13_000, "gamma": 0.95},
    "exponential_decay": {"gamma": 0.99995},
    "multistep_decay": {"milestones": (40_000, 90_000, 150_000)},
    "warmup_stable_decay": {
        "warmup_steps": 20_000,
        "decay_steps": 60_000,
        "decay_shape": "1-sqrt",
        "warmup_shape": "1-sqrt",
    },
    "one_cycle": {"three_phase": True},
    "cosine_annealing": {"k_decay": 2.5},
    "inverse_sqrt": {"warmup_steps": 5_000},
    "polynomial_decay": {"warmup_steps": 5_000, "power_factor": 0.3},
    "tanh_decay": {"tanh_lb": -5.0, "tanh_ub": 2.0},
}


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_long_pieces_against_every_step(name):
    s = dynweights.schedule(name, total_steps=SMALL_T, **LONG.get(name, {}))
    assert_sums_hold(s, [SMALL_T, 12_345, SMALL_T + 3])


@pytest.mark.parametrize("mode", ["triangular", "triangular2", "exp_range"])
def test_cyclic_modes_over_many_cycles(mode):
    s = dynweights.schedule(
        "cyclic",
        total_steps=SMALL_T,
        init_lr=0.3,
        min_lr=0.01,
        step_size_up=7,
        step_size_down=4,
        cyclic_mode=mode,
        gamma=0.9999,
    )
    assert_sums_hold(s, [SMALL_T, 1_234, 99_999])


def test_restarts_at_a_billion_steps_are_exact():
    # 10^6 cosine cycles of 1,000 steps from 0.1 to 0: every cycle has the same values
    # (the local step is t - 1000 floor(t / 1000), exact), so the exact area is
    # 10^6 times one cycle's fsum. Its mean is 0.1 (C + 1) / 2C = 0.05005.
    total = 10**9
    s = dynweights.schedule(
        "cosine_warm_restarts", total_steps=total, cycle_steps=1000, init_lr=0.1
    )
    one = math.fsum(s.values(np.arange(1000, dtype=np.float64)).tolist())
    value, bound = area(s)
    assert abs(value - 10**6 * one) <= bound <= 1e-12 * value
    assert value / total == pytest.approx(0.05005, rel=1e-12)


def test_restarts_with_a_remainder():
    # 999-step cycles: 1,001,001 whole ones and a last step; a floor under them.
    total = 10**9
    s = dynweights.schedule(
        "cosine_warm_restarts", total_steps=total, cycle_steps=999, init_lr=0.1, min_lr=0.003
    )
    whole, rest = divmod(total, 999)
    one = math.fsum(s.values(np.arange(999, dtype=np.float64)).tolist())
    tail = math.fsum(s.values(np.arange(whole * 999, total, dtype=np.float64)).tolist())
    value, bound = area(s)
    assert (whole, rest) == (1_001_001, 1)
    assert abs(value - (whole * one + tail)) <= bound <= 1e-12 * value


def test_phases_of_every_shape():
    items = [
        {"shape": "linear", "steps": 9_000, "start": -0.5, "end": 1.0},
        {"shape": "cosine", "steps": 30_001, "start": 1.0, "end": -0.25},
        {"shape": "1-sqrt", "steps": 20_000, "start": -0.25, "end": 0.75},
        {"shape": "1-square", "steps": 15_000, "start": 0.75, "end": 0.1},
        {"shape": "power", "steps": 25_000, "start": 0.1, "end": 0.9, "power": 3.5},
        {"shape": "power", "steps": 12_000, "start": 0.9, "end": 0.2, "power": 0.3},
        {"shape": "exponential", "steps": 40_000, "start": 0.2, "end": 1e-4},
        {"shape": "constant", "steps": 5_000, "start": 0.3},
        {"shape": "cosine", "steps": 8, "start": 0.3, "end": 0.6},
    ]
    s = dynweights.phases(items)
    total = s.total_steps
    assert_sums_hold(s, [total, total + 5, 9_000, 9_001, 47_777, 100_000])


def test_a_linear_phase_at_a_billion_steps_is_the_arithmetic_series():
    s = dynweights.phases([{"shape": "linear", "steps": 10**9, "start": 0.0, "end": 1.0}])
    value, bound = area(s)
    # sum_{k < T} k / T = (T - 1) / 2, and the float values k / T are within half an
    # ulp each of k / T: 10^9 of them move the sum by at most 5.6e-8.
    assert abs(value - (10**9 - 1) / 2) <= bound + 10**9 * 2**-54
    assert bound <= 1e-12 * value


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_every_family_at_a_billion_steps_has_a_tight_bound(name):
    s = dynweights.schedule(name, total_steps=10**9, **LONG.get(name, {}))
    value, bound = area(s)
    assert 0 <= bound <= 1e-6 * abs(value)


@pytest.mark.parametrize("k", [0.1, 0.5, 0.6, 0.9, 1.5, 2.0, 7.0])
def test_cosine_power_turns_where_its_second_differences_do(k):
    p = np.linspace(0, 1, 200_001)
    second = np.diff(np.cos(np.pi * p**k), 2)  # second[i] is centred on p[i + 1]
    clear = np.flatnonzero(np.abs(second) > 1e-13)  # signs that rounding cannot flip
    changes = np.flatnonzero(np.diff(np.sign(second[clear])))
    found = _cosine_power_inflection(k)
    if found is None:
        assert changes.size == 0
    else:
        assert changes.size == 1
        assert p[clear[changes[0]] + 1] <= found <= p[clear[changes[0] + 1] + 1]


def test_a_piece_of_unknown_form_is_summed_step_by_step():
    leaf = Leaf("0.25 * {sqrt}({u})", r"\sqrt{u}")
    s = Bound("custom", "Custom", "custom", {}, leaf, 50_000)
    assert_sums_hold(s, [50_000, 50_001, 777])


def test_steps_past_the_end_hold_the_last_value():
    s = dynweights.schedule("linear", total_steps=100, max_weight=2.0)
    sums, bounds = prefix_sum(s, np.array([[100, 101], [105, 0]]))
    assert sums.shape == bounds.shape == (2, 2)
    # sum_{k < 100} 2k / 100 = 99, then 2.0 at each of steps 100 .. 104.
    np.testing.assert_array_equal(sums, [[99.0, 101.0], [109.0, 0.0]])
    assert area(s, until=50) == pytest.approx((2 * 1225 / 100, 0.0), abs=1e-12)


def test_bad_steps_are_refused():
    s = dynweights.schedule("linear")
    with pytest.raises(ValueError, match="steps"):
        prefix_sum(s, [-1])
    with pytest.raises(ValueError, match="steps"):
        prefix_sum(s, [1.5])
    with pytest.raises(ValueError, match="until"):
        area(s, until=-3)
