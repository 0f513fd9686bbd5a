"""Learning-rate schedules: hand-computed values, the TPU code, scalar references, shapes."""

import math

import numpy as np
import pytest

from dynweights import cosine_annealing, cosine_warm_restarts, cosine_with_linear_warmup

# --- Hand-computed values at the boundaries. ---
# Defaults: T = 100, init_lr = 0.1, min_lr = 0; W = 10, warmup_lr = 0; C = 25, m = 1.
# The decay is floor + (peak - floor) * ((1 + cos(pi t / L)) / 2). At local step 0
# cos(0) = 1 gives exactly peak; at L cos(float pi) rounds to -1 exactly, giving
# exactly floor; at L/2 cos = 6.1e-17 and 1 + 6.1e-17 rounds to 1, giving
# floor + (peak - floor) / 2 (exact 0.05 for peak 0.1, floor 0).


@pytest.mark.parametrize(
    ("step", "expected"),
    [(0, 0.1), (50, 0.05), (100, 0.0), (25, 0.1 * (1 + math.cos(math.pi / 4)) / 2)],
)
def test_cosine_annealing_values(step, expected):
    assert math.isclose(cosine_annealing(step), expected, rel_tol=1e-15)


@pytest.mark.parametrize(("step", "expected"), [(0, 0.1), (50, 0.05), (100, 0.0)])
def test_cosine_annealing_exact_values(step, expected):
    assert cosine_annealing(step) == expected


def test_cosine_annealing_with_floor():
    kwargs = {"total_steps": 100, "init_lr": 0.1, "min_lr": 0.01}
    assert cosine_annealing(0, **kwargs) == 0.1  # 0.01 + 0.09000000000000001 rounds to 0.1
    assert math.isclose(cosine_annealing(50, **kwargs), 0.055, rel_tol=1e-15)
    assert cosine_annealing(100, **kwargs) == 0.01


def test_cosine_annealing_seed_page_example():
    # cosine-annealing-page.txt: lr 0.1 over 100 epochs is 0.05 at epoch 50. Right.
    assert cosine_annealing(50, init_lr=0.1, total_steps=100) == 0.05
    # The same page says the final value is 0.5 * lr_initial. That claim is wrong:
    # cos(pi) = -1, so the final value is the floor min_lr (0 by default).
    assert cosine_annealing(100, init_lr=0.1, total_steps=100) == 0.0
    assert cosine_annealing(100, init_lr=0.1, total_steps=100, min_lr=0.001) == 0.001
    assert cosine_annealing(100, init_lr=0.1, total_steps=100) != 0.5 * 0.1


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (0, 0.0),  # warmup_lr
        (5, 0.05),  # 0.1 * 0.5
        (9, 0.1 * 0.9),  # W - 1: 0.09000000000000001, the same product
        (10, 0.1),  # W: the decay's local step 0
        (11, 0.1 * (1 + math.cos(math.pi / 90)) / 2),  # W + 1: local 1 of 90
        (50, 0.1 * (1 + math.cos(math.pi * 40 / 90)) / 2),  # T / 2
        (55, 0.05),  # the middle of the decay
        (100, 0.0),  # T: min_lr
    ],
)
def test_cosine_with_linear_warmup_values(step, expected):
    assert math.isclose(cosine_with_linear_warmup(step), expected, rel_tol=1e-15)
    if step in (0, 5, 10, 55, 100):
        assert cosine_with_linear_warmup(step) == expected


def test_cosine_with_linear_warmup_from_nonzero_warmup_lr_and_to_floor():
    kwargs = {"total_steps": 20, "warmup_steps": 4, "init_lr": 1.0, "warmup_lr": 0.5}
    assert cosine_with_linear_warmup(0, **kwargs) == 0.5
    assert cosine_with_linear_warmup(2, **kwargs) == 0.75  # 0.5 + 0.5 * 0.5
    assert cosine_with_linear_warmup(3, **kwargs) == 0.875
    assert cosine_with_linear_warmup(4, **kwargs) == 1.0
    assert cosine_with_linear_warmup(12, **kwargs) == 0.5  # middle of a 16-step decay
    assert cosine_with_linear_warmup(20, **kwargs, min_lr=0.25) == 0.25


def test_warmup_may_ramp_down():
    kwargs = {"total_steps": 20, "warmup_steps": 4, "init_lr": 0.5, "warmup_lr": 1.0}
    assert cosine_with_linear_warmup(0, **kwargs) == 1.0
    assert cosine_with_linear_warmup(2, **kwargs) == 0.75
    assert cosine_with_linear_warmup(4, **kwargs) == 0.5


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (0, 0.1),
        (12.5, 0.05),  # the middle of the first 25-step cycle
        (24, 0.1 * (1 + math.cos(math.pi * 24 / 25)) / 2),  # restart boundary - 1
        (25, 0.1),  # restart
        (26, 0.1 * (1 + math.cos(math.pi / 25)) / 2),  # restart boundary + 1
        (50, 0.1),  # T / 2 is a restart too
        (100, 0.1),  # so is T: 100 = 4 * 25
    ],
)
def test_cosine_warm_restarts_values(step, expected):
    assert math.isclose(cosine_warm_restarts(step), expected, rel_tol=1e-15)


@pytest.mark.parametrize(
    ("step", "expected"),
    # C = 10, m = 2: cycles [0, 10), [10, 30), [30, 70), [70, 150). Halfway
    # through a cycle 1 + cos rounds to 1, so the value is exactly 0.05.
    # t = 100 is 30 into the 80-step cycle: 0.1 * (1 + cos(3 pi / 8)) / 2.
    [
        (0, 0.1),
        (5, 0.05),
        (10, 0.1),
        (20, 0.05),
        (30, 0.1),
        (50, 0.05),
        (70, 0.1),
        (100, 0.1 * (1 + math.cos(3 * math.pi / 8)) / 2),
    ],
)
def test_cosine_warm_restarts_with_growing_cycles(step, expected):
    got = cosine_warm_restarts(step, total_steps=100, cycle_steps=10, cycle_mult=2)
    assert math.isclose(got, expected, rel_tol=1e-15)
    if expected in (0.1, 0.05):
        assert got == expected


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (29, 0.1 * (1 + math.cos(math.pi * 19 / 20)) / 2),
        (31, 0.1 * (1 + math.cos(math.pi / 40)) / 2),
    ],
)
def test_cosine_warm_restarts_next_to_a_restart(step, expected):
    got = cosine_warm_restarts(step, total_steps=100, cycle_steps=10, cycle_mult=2)
    assert math.isclose(got, expected, rel_tol=1e-15)


# --- The TensorFlow TPU function (tf-tpu-cosine-with-warmup.txt), in float64 numpy. ---


def cosine_learning_rate_with_linear_warmup(
    global_step, init_learning_rate, warmup_learning_rate, warmup_steps, total_steps
):
    global_step = np.asarray(global_step, dtype=np.float64)
    linear_warmup = warmup_learning_rate + global_step / warmup_steps * (
        init_learning_rate - warmup_learning_rate
    )
    cosine_learning_rate = (
        init_learning_rate
        * (np.cos(np.pi * (global_step - warmup_steps) / (total_steps - warmup_steps)) + 1.0)
        / 2.0
    )
    learning_rate = np.where(global_step < warmup_steps, linear_warmup, cosine_learning_rate)
    return learning_rate


@pytest.mark.parametrize(
    ("total", "warmup", "init_lr", "warmup_lr"),
    [(100, 10, 0.1, 0.0), (1000, 1, 3e-4, 1e-5), (7, 6, 1.0, 0.5), (5000, 4999, 0.2, 0.3)],
)
def test_cosine_with_linear_warmup_matches_tpu_code(total, warmup, init_lr, warmup_lr):
    steps = np.arange(total + 1)
    expected = cosine_learning_rate_with_linear_warmup(steps, init_lr, warmup_lr, warmup, total)
    got = cosine_with_linear_warmup(
        steps, total_steps=total, warmup_steps=warmup, init_lr=init_lr, warmup_lr=warmup_lr
    )
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-16 * init_lr)


def test_zero_warmup_is_cosine_annealing():
    # The TPU code divides by warmup_steps; here 0 means no warmup.
    steps = np.concatenate([np.arange(301), [0.5, 299.5, 1e9]])
    got = cosine_with_linear_warmup(steps, total_steps=300, warmup_steps=0, warmup_lr=0.7)
    assert np.all(np.isfinite(got))
    np.testing.assert_array_equal(got, cosine_annealing(steps, total_steps=300))
    assert got[0] == 0.1  # not warmup_lr: there is no warmup


def test_one_step_schedule():
    assert cosine_with_linear_warmup([0, 1], total_steps=1, warmup_steps=0).tolist() == [0.1, 0.0]
    assert cosine_annealing([0, 0.5, 1], total_steps=1).tolist() == [0.1, 0.05, 0.0]


# --- Simple scalar `math` references over many steps. ---


def ref_cosine_annealing(t, total_steps, init_lr, min_lr):
    t = min(t, total_steps)
    return min_lr + (init_lr - min_lr) * (1 + math.cos(math.pi * t / total_steps)) / 2


def ref_warmup(t, total_steps, warmup_steps, init_lr, warmup_lr, min_lr):
    t = min(t, total_steps)
    if t < warmup_steps:
        return warmup_lr + (init_lr - warmup_lr) * t / warmup_steps
    progress = (t - warmup_steps) / (total_steps - warmup_steps)
    return min_lr + (init_lr - min_lr) * (1 + math.cos(math.pi * progress)) / 2


def ref_restarts_stepping(n, init_lr, min_lr, cycle_steps, cycle_mult):
    """Values at steps 0..n, stepping the cycle counter as PyTorch's step() does."""
    values = []
    t_cur, t_i = 0, cycle_steps
    for _ in range(n + 1):
        values.append(min_lr + (init_lr - min_lr) * (1 + math.cos(math.pi * t_cur / t_i)) / 2)
        t_cur += 1
        if t_cur >= t_i:
            t_cur -= t_i
            t_i *= cycle_mult
    return values


def restart_starts(total_steps, cycle_steps, cycle_mult):
    """First step of every cycle up to total_steps, by a plain loop over cycles."""
    starts, start, length = [], 0, cycle_steps
    while start <= total_steps:
        starts.append(start)
        start += length
        length *= cycle_mult
    return starts


def ref_restarts_at(t, total_steps, init_lr, min_lr, cycle_steps, cycle_mult):
    t = min(t, total_steps)
    if cycle_mult == 1:
        start, length = t // cycle_steps * cycle_steps, cycle_steps
    else:
        start, length = 0, cycle_steps
        while t >= start + length:
            start += length
            length *= cycle_mult
    return min_lr + (init_lr - min_lr) * (1 + math.cos(math.pi * (t - start) / length)) / 2


def assert_close(got, expected, init_lr):
    # Relative error near the floor is unbounded (1 + cos cancels); absolute is
    # then bounded by a few ulps of init_lr.
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-15 * init_lr)


@pytest.mark.parametrize(
    ("total", "init_lr", "min_lr"), [(100, 0.1, 0.0), (2000, 1.0, 0.25), (1, 3e-4, 1e-6)]
)
def test_cosine_annealing_matches_reference(total, init_lr, min_lr):
    steps = np.concatenate([np.arange(2001), np.linspace(0, total, 999)])
    expected = [ref_cosine_annealing(t, total, init_lr, min_lr) for t in steps]
    got = cosine_annealing(steps, total_steps=total, init_lr=init_lr, min_lr=min_lr)
    assert_close(got, expected, init_lr)


@pytest.mark.parametrize(
    ("total", "warmup", "init_lr", "warmup_lr", "min_lr"),
    [
        (100, 10, 0.1, 0.0, 0.0),
        (2000, 500, 1.0, 0.2, 0.1),
        (1500, 0, 0.5, 0.9, 0.5),
        (3, 2, 1e-3, 2e-3, 1e-4),
        (2000, 1999, 0.3, 0.0, 0.0),
    ],
)
def test_cosine_with_linear_warmup_matches_reference(total, warmup, init_lr, warmup_lr, min_lr):
    steps = np.concatenate([np.arange(2001), np.linspace(0, total, 999)])
    expected = [ref_warmup(t, total, warmup, init_lr, warmup_lr, min_lr) for t in steps]
    got = cosine_with_linear_warmup(
        steps,
        total_steps=total,
        warmup_steps=warmup,
        init_lr=init_lr,
        warmup_lr=warmup_lr,
        min_lr=min_lr,
    )
    assert_close(got, expected, max(init_lr, warmup_lr))


RESTART_SETTINGS = [
    # (cycle_steps, cycle_mult)
    (1, 1),
    (1, 2),
    (1, 3),
    (25, 1),
    (10, 2),
    (7, 3),
    (3, 10),
    (3000, 1),
    (1, 10),
]


@pytest.mark.parametrize(("cycle", "mult"), RESTART_SETTINGS)
def test_cosine_warm_restarts_matches_stepping_reference(cycle, mult):
    init_lr, min_lr = 0.5, 0.05
    expected = ref_restarts_stepping(2000, init_lr, min_lr, cycle, mult)
    got = cosine_warm_restarts(
        np.arange(2001),
        total_steps=2000,
        init_lr=init_lr,
        min_lr=min_lr,
        cycle_steps=cycle,
        cycle_mult=mult,
    )
    assert_close(got, expected, init_lr)


@pytest.mark.parametrize(("cycle", "mult"), RESTART_SETTINGS)
def test_cosine_warm_restarts_holds_after_total_like_reference(cycle, mult):
    steps = np.concatenate([np.arange(0, 2000, 0.25), [1999, 2500, 10**9]])
    expected = [ref_restarts_at(t, 1234, 0.1, 0.0, cycle, mult) for t in steps]
    got = cosine_warm_restarts(steps, total_steps=1234, cycle_steps=cycle, cycle_mult=mult)
    assert_close(got, expected, 0.1)


@pytest.mark.parametrize(
    ("cycle", "mult"),
    [(1, 2), (1, 3), (7, 3), (1000, 10), (1, 10), (3, 2), (10**8, 1), (999_999_937, 1), (5, 7)],
)
def test_cosine_warm_restarts_at_every_restart_of_a_long_run(cycle, mult):
    total = 10**9
    starts = restart_starts(total, cycle, mult)
    boundaries = [s + d for s in starts for d in (-1, 0, 1) if 0 <= s + d <= total]
    rng = np.random.default_rng(cycle * 31 + mult)
    steps = np.array([*boundaries, *rng.integers(0, total + 1, 200), total], dtype=np.float64)
    expected = [ref_restarts_at(int(t), total, 0.1, 0.001, cycle, mult) for t in steps]
    got = cosine_warm_restarts(
        steps, total_steps=total, min_lr=0.001, cycle_steps=cycle, cycle_mult=mult
    )
    assert_close(got, expected, 0.1)
    restarts = np.isin(steps, starts)
    np.testing.assert_array_equal(got[restarts], 0.1)


def test_cosine_warm_restarts_every_step_with_unit_cycles():
    # C = 1, m = 1: every integer step is a restart.
    steps = np.array([0, 1, 7, 10**9 - 1, 10**9])
    got = cosine_warm_restarts(steps, total_steps=10**9, cycle_steps=1)
    np.testing.assert_array_equal(got, 0.1)
    assert cosine_warm_restarts(2.5, total_steps=10, cycle_steps=1) == 0.05


@pytest.mark.parametrize(("cycle", "mult"), [(1, 1), (4, 1), (1, 2), (3, 3)])
def test_cosine_warm_restarts_float_steps(cycle, mult):
    steps = np.arange(0, 60, 0.125)
    expected = [ref_restarts_at(t, 60, 0.1, 0.0, cycle, mult) for t in steps]
    got = cosine_warm_restarts(steps, total_steps=60, cycle_steps=cycle, cycle_mult=mult)
    assert_close(got, expected, 0.1)


@pytest.mark.parametrize(
    ("function", "kwargs", "expected"),
    [
        (cosine_annealing, {"total_steps": 10}, 0.1 * (1 + math.cos(math.pi / 4)) / 2),
        (cosine_with_linear_warmup, {"total_steps": 20, "warmup_steps": 5}, 0.05),
        (
            cosine_with_linear_warmup,
            {"total_steps": 7, "warmup_steps": 0},
            0.1 * (1 + math.cos(math.pi * 2.5 / 7)) / 2,
        ),
        (cosine_warm_restarts, {"total_steps": 10, "cycle_steps": 5}, 0.05),
    ],
)
def test_float_step(function, kwargs, expected):
    assert math.isclose(function(2.5, **kwargs), expected, rel_tol=1e-15)


# --- Holding after T, shapes and types. ---


@pytest.mark.parametrize(
    ("function", "kwargs"),
    [
        (cosine_annealing, {"min_lr": 0.01}),
        (cosine_with_linear_warmup, {"min_lr": 0.01}),
        (cosine_warm_restarts, {"cycle_steps": 30, "cycle_mult": 2}),
    ],
)
def test_holds_final_value_after_total(function, kwargs):
    at_total = function(100, **kwargs)
    for step in (101, 100.5, 200, 10**9):
        assert function(step, **kwargs) == at_total


@pytest.mark.parametrize(
    "function", [cosine_annealing, cosine_with_linear_warmup, cosine_warm_restarts]
)
def test_shapes_and_types(function):
    assert type(function(3)) is float
    assert type(function(np.array(3.0))) is float
    assert function(np.array(3)) == function(3)
    grid = function([[0, 10], [50, 100]])
    assert isinstance(grid, np.ndarray)
    assert grid.dtype == np.float64
    assert grid.shape == (2, 2)
    assert grid[0, 0] == function(0)
    assert grid[1, 1] == function(100)
    empty = function(np.array([], dtype=np.int64))
    assert empty.dtype == np.float64
    assert empty.shape == (0,)


@pytest.mark.parametrize(
    ("function", "peak_step"),
    [(cosine_annealing, 0), (cosine_with_linear_warmup, 10), (cosine_warm_restarts, 25)],
)
@pytest.mark.parametrize(("init_lr", "min_lr"), [(0.01, 0.001), (0.01, 0.00049), (0.1, 0.0)])
def test_peak_is_init_lr_exactly(function, peak_step, init_lr, min_lr):
    # At the start of a decay cos = 1 and the value is init_lr. Unguarded,
    # floor + (peak - floor) * 1 is 0.001 + 0.009 = 0.010000000000000002 in
    # float64 for (0.01, 0.001): one ulp above init_lr, outside [min_lr, init_lr].
    assert function(peak_step, init_lr=init_lr, min_lr=min_lr) == init_lr
