"""The comparison table against hand-computed values, and each warning's trigger."""

import math

import numpy as np
import pytest

import dynweights
from explorer.compare import EXACT_UP_TO, cautions, stats


def test_linear_ramp_by_hand():
    row = stats(dynweights.schedule("linear", total_steps=100, max_weight=2.0), at_step=25)
    # sum_{k<100} 2k/100 = 2 * 4950 / 100
    assert row.area == 99.0
    assert row.mean == 0.99
    assert row.area_error == 0.0
    assert (row.peak, row.final, row.value_at_step) == (2.0, 2.0, 0.5)
    assert row.below == {0.5: None, 0.1: None}  # it never falls after its peak


def test_moving_the_cursor_reuses_the_sums_and_reads_the_new_step():
    ramp = dynweights.schedule("linear", total_steps=100, max_weight=2.0)
    first, second = stats(ramp, 25), stats(ramp, 80)
    assert (first.at_step, first.value_at_step) == (25, 0.5)
    assert (second.at_step, second.value_at_step) == (80, 1.6)  # 2 * 80 / 100
    assert second.below is first.below  # the cached sums, not a second pass
    assert (second.area, second.peak) == (99.0, 2.0)


def test_cosine_annealing_closed_form():
    # sum_{k<T} (p/2)(1 + cos(pi k / T)) = (p/2)(T + 1), since sum_{k<T} cos(pi k/T) = 1.
    row = stats(dynweights.schedule("cosine_annealing", total_steps=100, init_lr=0.1), 50)
    assert row.area == pytest.approx(0.05 * 101, rel=1e-14)
    assert row.mean == pytest.approx(0.0505, rel=1e-14)
    # below half the peak: (1 + cos(pi k/100)) / 2 < 1/2 first at k = 51
    assert row.below[0.5] == 51
    # below a tenth: cos(pi k/100) < -0.8, k > 100 acos(-0.8)/pi = 79.5
    assert row.below[0.1] == 80
    assert row.value_at_step == 0.05


@pytest.mark.parametrize("total", [10**6, 10**9])
def test_sums_beyond_every_step_hold_their_bound(total):
    peak = 3e-4
    s = dynweights.schedule("cosine_annealing", total_steps=total, init_lr=peak)
    row = stats(s, total // 2)
    exact = peak / 2 * (total + 1)
    assert total > EXACT_UP_TO
    # A cosine sums in closed form: the bound is the rounding of its values and terms,
    # and the float values differ from the formula by an ulp or so each.
    assert abs(row.area - exact) <= row.area_error + 4e-16 * exact
    assert row.area_error <= 1e-12 * exact
    assert row.below[0.5] == total // 2 + 1
    linear = stats(dynweights.schedule("linear", total_steps=total), 0)
    assert abs(linear.area - (total - 1) / 2) <= linear.area_error + 4e-16 * total
    assert linear.area == pytest.approx((total - 1) / 2, rel=1e-12)


def test_a_million_restarts_have_an_exact_mean():
    # 10^9 steps of 1,000-step cycles from 0.1 to 0: more cycles than blocks, where the
    # old sampled sum read 0.0680. Every cycle has the same values, so the exact area is
    # 10^6 times one cycle's fsum; the mean is 0.1 (C + 1) / 2C = 0.05005.
    total = 10**9
    s = dynweights.schedule(
        "cosine_warm_restarts", total_steps=total, cycle_steps=1000, init_lr=0.1
    )
    row = stats(s, 0)
    one = math.fsum(s.values(np.arange(1000, dtype=np.float64)).tolist())
    assert abs(row.area - 10**6 * one) <= row.area_error <= 1e-12 * row.area
    assert row.mean == pytest.approx(0.05005, rel=1e-12)


def test_first_below_is_exact_at_large_t():
    total, warmup = 500_000, 2_000
    s = dynweights.schedule(
        "cosine_with_linear_warmup",
        total_steps=total,
        warmup_steps=warmup,
        init_lr=3e-4,
        min_lr=3e-5,
    )
    row = stats(s, 0)
    # min + (peak - min)(1 + cos(pi u / D)) / 2 < peak / 2 for u > D acos(...) / pi
    span = total - warmup
    ratio = (0.5 * 3e-4 - 3e-5) / (3e-4 - 3e-5)
    want = warmup + math.floor(span * math.acos(2 * ratio - 1) / math.pi) + 1
    assert row.below[0.5] == want
    assert s(row.below[0.5]) < 1.5e-4 <= s(row.below[0.5] - 1)
    assert row.below[0.1] is None  # the floor is 10%: never below it


def _keys(s, drawn=1000):
    return {c.key for c in cautions(s, drawn)}


def test_each_caution_and_its_absence():
    assert "zero_at_start" in _keys(dynweights.schedule("cosine_with_linear_warmup"))
    assert "zero_at_start" not in _keys(
        dynweights.schedule("cosine_with_linear_warmup", warmup_lr=1e-3)
    )
    assert "zero_at_start" not in _keys(dynweights.schedule("linear"))  # a weight ramp
    negative = dynweights.phases([{"shape": "linear", "steps": 10, "start": 1.0, "end": -1.0}])
    assert "negative" in _keys(negative)
    assert "negative" not in _keys(dynweights.schedule("cosine_annealing"))
    assert "rises_after_total" in _keys(dynweights.schedule("cosine_annealing"))
    assert "rises_after_total" not in _keys(dynweights.schedule("step_decay"))
    assert "stops_short" in _keys(dynweights.schedule("exponential"))
    assert "stops_short" not in _keys(dynweights.schedule("cosine"))
    many = dynweights.schedule("cosine_warm_restarts", total_steps=10**6, cycle_steps=10)
    assert "too_many_cycles" in _keys(many, drawn=1000)
    assert "too_many_cycles" not in _keys(
        dynweights.schedule("cosine_warm_restarts", total_steps=10**6, cycle_steps=10**5)
    )
    assert "long_warmup" in _keys(dynweights.schedule("inverse_sqrt", warmup_steps=60))
    assert "long_warmup" not in _keys(dynweights.schedule("inverse_sqrt", warmup_steps=50))
    for caution in cautions(many, 1000):
        assert caution.text.endswith(".")


def test_at_step_is_clamped():
    s = dynweights.schedule("linear", total_steps=10)
    assert stats(s, 10**9).at_step == 10
    assert stats(s, -5).at_step == 0
    np.testing.assert_equal(stats(s, 3).value_at_step, 0.3)
