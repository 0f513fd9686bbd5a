"""Loss-weight ramps: hand-computed values, the seed blog's own code, the mean-teacher
and cyclical-annealing authors' code, scalar references, shapes and types."""

import math
from fractions import Fraction

import numpy as np
import pytest

import dynweights
from dynweights import cosine, cyclical_annealing, exponential, linear, power, sigmoid_ramp

# --- The seed blog's code (dynamic-weights-blog.md), verbatim up to ruff's line wrapping. ---


def _get_function_dynamic_weight_method(method: str):
    if method == "linear":
        return lambda step, total_steps, base_weight: base_weight * (step / total_steps)
    elif method == "cosine":
        return lambda step, total_steps, base_weight: (
            base_weight / 2 * (1 - np.cos(np.pi * step / total_steps))
        )
    elif method == "power":
        return lambda step, total_steps, base_weight, a=2: base_weight * ((step / total_steps) ** a)
    elif method == "exponential":
        return lambda step, total_steps, base_weight: (
            base_weight * (1 - np.exp(-step / (total_steps / 4)))
        )
    else:
        raise ValueError(f"Unknown method: {method}")


def _calculate_dynamic_weight(
    method: str,
    base_weight: float,
    total_steps: int,
    a: float = 2,
):
    weight_func = _get_function_dynamic_weight_method(method)
    steps = np.arange(total_steps + 1)
    weights = (
        [weight_func(step, total_steps, base_weight, a) for step in steps]
        if method == "power"
        else [weight_func(step, total_steps, base_weight) for step in steps]
    )

    return weights


# --- Hand-computed values at the boundaries (T = 100, w = 1 unless stated). ---

# cos(pi/2) is 6.123233995736766e-17 in float64, not 0. The gap below 1 is
# 2**-53 = 1.1e-16 and 6.1e-17 is more than half of it, so 1 - cos rounds to
# 1 - 2**-53, and half of that is 0.5 - 2**-54 = 0.49999999999999994.
COSINE_AT_HALF = 0.5 - 2**-54


@pytest.mark.parametrize(
    ("function", "kwargs", "step", "expected"),
    [
        # w * t / T.
        (linear, {}, 0, 0.0),
        (linear, {}, 50, 0.5),
        (linear, {}, 100, 1.0),
        (linear, {"max_weight": 2.5, "total_steps": 8}, 2, 0.625),  # 2.5 * 0.25, exact
        # w / 2 * (1 - cos(pi t / T)); cos(0) = 1 and cos(float pi) rounds to -1 exactly.
        (cosine, {}, 0, 0.0),
        (cosine, {}, 50, COSINE_AT_HALF),
        (cosine, {}, 100, 1.0),
        (cosine, {"max_weight": 4.0}, 100, 4.0),
        # w * (t / T) ** a: 0.5 ** 2 and 0.5 ** 3 are exact.
        (power, {}, 0, 0.0),
        (power, {}, 50, 0.25),
        (power, {}, 100, 1.0),
        (power, {"power_factor": 3.0, "max_weight": 2.0}, 50, 0.25),
        (power, {"power_factor": 0.5}, 25, 0.5),  # sqrt(1/4)
        # w * (1 - exp(-t / (T / 4))): exp(-0) = 1 exactly.
        (exponential, {}, 0, 0.0),
    ],
)
def test_ramp_exact_values(function, kwargs, step, expected):
    assert function(step, **kwargs) == expected


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        # t = T/2: 1 - e^-2.
        (50, 1 - math.exp(-2)),
        # t = T: it never reaches w; 1 - e^-4.
        (100, 0.9816843611112658),
        (25, 1 - math.exp(-1)),
    ],
)
def test_exponential_values(step, expected):
    # np.exp and math.exp may round differently by an ulp.
    assert math.isclose(exponential(step, total_steps=100), expected, rel_tol=1e-15)


def test_exponential_at_total_is_one_minus_e_to_minus_four():
    assert math.isclose(1 - math.exp(-4), 0.9816843611112658, rel_tol=1e-16)
    assert math.isclose(
        exponential(1000, total_steps=1000, max_weight=3.0), 3 * 0.9816843611112658, rel_tol=1e-15
    )


def test_cosine_at_half_is_half_up_to_one_ulp():
    value = cosine(500, total_steps=1000)
    assert math.isclose(value, 0.5, rel_tol=1e-15)
    assert value == COSINE_AT_HALF == 0.49999999999999994
    assert math.cos(math.pi / 2) == 6.123233995736766e-17


# --- Agreement with the blog's numpy code. ---

BLOG_SETTINGS = [(1.0, 100, 2), (2.5, 1000, 0.5), (0.3, 7, 3.7), (1.0, 1, 2), (4.0, 333, 1)]


@pytest.mark.parametrize("method", ["linear", "cosine", "power", "exponential"])
@pytest.mark.parametrize(("w", "total", "a"), BLOG_SETTINGS)
def test_matches_blog_code_bit_for_bit(method, w, total, a):
    expected = np.array(_calculate_dynamic_weight(method, w, total, a))
    params = {"total_steps": total, "max_weight": w}
    if method == "power":
        params["power_factor"] = a
    got = dynweights.evaluate(method, np.arange(total + 1), **params)
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(
    ("w", "total", "a"), [(1.0, 100, 3.0), (1.0, 1000, 3.7), (2.0, 12345, 0.3)]
)
def test_power_matches_blog_code_within_one_ulp(w, total, a):
    # Not bit for bit on every machine: the blog raises numpy scalars one at a
    # time (libm pow), we raise an array (numpy's SIMD pow on AVX-512), and the
    # two differ by at most 1 ulp. Measured on an AVX-512 machine: 8 of 101
    # steps differ for (1, 100, 3.0), 42 of 1001 for (1, 1000, 3.7), 736 of
    # 12346 for (2, 12345, 0.3); max relative difference 2.2e-16.
    expected = np.array(_calculate_dynamic_weight("power", w, total, a))
    got = power(np.arange(total + 1), total_steps=total, max_weight=w, power_factor=a)
    np.testing.assert_array_max_ulp(got, expected, maxulp=1)


def test_power_scalar_equals_array_element():
    # A step gives the same value alone or inside an array. numpy's scalar pow
    # and its SIMD array pow differ in the last ulp on AVX-512, so this failed
    # while a 0-d step took the scalar route: power(1, total_steps=100,
    # power_factor=3.0) was 1.0000000000000002e-06 and power([1], ...)[0] 1e-06.
    steps = np.arange(101)
    array = power(steps, total_steps=100, power_factor=3.0)
    scalars = np.array([power(int(s), total_steps=100, power_factor=3.0) for s in steps])
    np.testing.assert_array_equal(scalars, array)
    assert power(1, total_steps=100, power_factor=3.0) == array[1]


# --- A scalar `math` reference over many steps, float steps included. ---

REFERENCE = {
    "linear": lambda t, T, w, a: w * (t / T),
    "cosine": lambda t, T, w, a: w * (1 - math.cos(math.pi * t / T)) / 2,
    "power": lambda t, T, w, a: w * (t / T) ** a,
    "exponential": lambda t, T, w, a: w * (1 - math.exp(-4 * t / T)),
}


@pytest.mark.parametrize("method", sorted(REFERENCE))
@pytest.mark.parametrize(("w", "total", "a"), [(1.0, 100, 2.0), (7.5, 2000, 0.7), (0.01, 3, 5.0)])
def test_matches_math_reference(method, w, total, a):
    steps = np.concatenate([np.linspace(0, total, 4001), np.arange(total + 1)])
    expected = np.array([REFERENCE[method](min(t, total), total, w, a) for t in steps])
    params = {"total_steps": total, "max_weight": w}
    if method == "power":
        params["power_factor"] = a
    got = dynweights.evaluate(method, steps, **params)
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-15 * w)


@pytest.mark.parametrize(
    ("function", "kwargs", "expected"),
    [
        (linear, {"total_steps": 10}, 0.25),
        (power, {"total_steps": 10, "power_factor": 2.0}, 0.0625),
        (cosine, {"total_steps": 10}, (1 - math.cos(math.pi / 4)) / 2),
        (exponential, {"total_steps": 10}, 1 - math.exp(-1)),
    ],
)
def test_float_step(function, kwargs, expected):
    assert math.isclose(function(2.5, **kwargs), expected, rel_tol=1e-15)


# --- Holding after T, shapes and types. ---


@pytest.mark.parametrize(
    "function", [linear, cosine, power, exponential, sigmoid_ramp, cyclical_annealing]
)
def test_holds_final_value_after_total(function):
    at_total = function(40, total_steps=40, max_weight=3.0)
    for step in (41, 80, 40.5, 10**9):
        assert function(step, total_steps=40, max_weight=3.0) == at_total


def test_cosine_does_not_fall_after_total_unlike_blog():
    # The blog's cosine falls again past T (cos is periodic); ours holds w.
    blog = _get_function_dynamic_weight_method("cosine")(150, 100, 1.0)
    assert blog == pytest.approx(0.5)
    assert cosine(150, total_steps=100) == 1.0


@pytest.mark.parametrize("step", [3, 3.0, np.int64(3), np.float32(3), np.array(3)])
def test_scalar_step_gives_python_float(step):
    value = linear(step, total_steps=4)
    assert type(value) is float
    assert value == 0.75


@pytest.mark.parametrize(
    "steps",
    [[0, 1, 2], (0, 1, 2), np.array([0, 1, 2], dtype=np.int32), [[0, 1], [2, 4]], [[[1.5]]]],
)
def test_array_steps_give_float64_array_of_same_shape(steps):
    got = power(steps, total_steps=4, power_factor=2.0)
    assert isinstance(got, np.ndarray)
    assert got.dtype == np.float64
    assert got.shape == np.shape(steps)
    np.testing.assert_array_equal(got, (np.asarray(steps, dtype=float) / 4) ** 2)


@pytest.mark.parametrize("steps", [[], np.array([]), np.zeros((0, 3), dtype=np.int64)])
def test_empty_steps_give_empty_float64_array(steps):
    got = exponential(steps)
    assert isinstance(got, np.ndarray)
    assert got.dtype == np.float64
    assert got.shape == np.shape(steps)


def test_does_not_modify_input_array():
    steps = np.array([0.0, 50.0, 250.0])
    linear(steps, total_steps=100)
    np.testing.assert_array_equal(steps, [0.0, 50.0, 250.0])


# --- sigmoid_ramp: the mean-teacher ramp-up (Tarvainen & Valpola 2017). ---


def sigmoid_rampup(current, rampup_length):
    """Exponential rampup from https://arxiv.org/abs/1610.02242"""
    if rampup_length == 0:
        return 1.0
    else:
        current = np.clip(current, 0.0, rampup_length)
        phase = 1.0 - current / rampup_length
        return float(np.exp(-5.0 * phase * phase))


@pytest.mark.parametrize(
    ("total", "w"), [(100, 1.0), (1000, 2.5), (7, 0.3), (1, 1.0), (12345, 4.0), (10**9, 0.7)]
)
def test_sigmoid_ramp_matches_mean_teacher_code_bit_for_bit(total, w):
    # Their clip also holds the value after the ramp, so steps past T compare too.
    # Same operations in the same order: measured bit for bit on every step.
    steps = np.concatenate([np.arange(0, min(total, 5000) + 1), np.linspace(0, 2 * total, 2001)])
    expected = np.array([sigmoid_rampup(t, total) * w for t in steps])
    got = sigmoid_ramp(steps, total_steps=total, max_weight=w)
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("w", [1.0, 3.0, 0.5])
def test_sigmoid_ramp_starts_at_w_e_to_minus_five_not_zero(w):
    start = sigmoid_ramp(0, total_steps=100, max_weight=w)
    assert math.isclose(start, w * math.exp(-5), rel_tol=1e-15)
    assert start > 0.0067 * w  # e^-5 = 0.006737946999085467
    assert sigmoid_ramp(0, total_steps=100, max_weight=0.0) == 0.0


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        (0, math.exp(-5)),  # phase 1
        (50, math.exp(-1.25)),  # phase 1/2: -5 / 4
        (80, math.exp(-0.2)),  # phase 0.2 (0.19999999999999996 in float64): -5 * 0.04
        (90, math.exp(-0.05)),
        (99, math.exp(-0.0005)),
    ],
)
def test_sigmoid_ramp_values(step, expected):
    assert math.isclose(sigmoid_ramp(step, total_steps=100), expected, rel_tol=4e-15)


def test_sigmoid_ramp_reaches_max_weight_exactly():
    # Phase 0 at T: exp(-0.0) = 1 exactly, and it holds.
    np.testing.assert_array_equal(
        sigmoid_ramp([100, 100.5, 150, 10**9], total_steps=100, max_weight=2.5), 2.5
    )


@pytest.mark.parametrize(("total", "w"), [(100, 1.0), (2000, 7.5), (3, 0.01), (10**9, 2.0)])
def test_sigmoid_ramp_matches_math_reference(total, w):
    steps = np.concatenate([np.linspace(0, 2 * total, 4001), np.arange(min(total, 5000) + 1)])
    expected = [w * math.exp(-5 * (1 - min(t, total) / total) ** 2) for t in steps]
    got = sigmoid_ramp(steps, total_steps=total, max_weight=w)
    # The exponent is at most 5 in size, so a few ulps of it move exp by a few
    # 1e-16 relative; np.exp and math.exp may also differ by an ulp. Measured 1.2e-15.
    np.testing.assert_allclose(got, expected, rtol=4e-15, atol=0)


# --- cyclical_annealing: Fu et al. 2019, linear variant. ---


def frange_cycle_linear(n_iter, start=0.0, stop=1.0, n_cycle=4, ratio=0.5):
    L = np.ones(n_iter) * stop
    period = n_iter / n_cycle
    step = (stop - start) / (period * ratio)  # linear schedule

    for c in range(n_cycle):
        v, i = start, 0
        while v <= stop and (int(i + c * period) < n_iter):
            L[int(i + c * period)] = v
            v += step
            i += 1
    return L


def accumulation_tolerance(total, cycles, ratio, w):
    """How far their running sum v may drift from i * step, and ours from the truth.

    v is built by up to P R additions, each rounding by at most half an ulp of
    a value <= w, so by <= 2**-53 w; `step` itself is one rounding off. Ours
    is a few roundings off. Measured at most 4.6e-14 w (P R = 2500).
    """
    return (total / cycles * ratio + 4) * 2**-53 * w


DIVISIBLE = [
    # (T, M, R, w) with M dividing T: the period P = T / M is an integer.
    (100, 4, 0.5, 1.0),
    (1000, 4, 0.5, 1.0),
    (1000, 10, 0.3, 2.0),
    (60, 3, 1.0, 1.0),
    (10000, 8, 0.7, 3.0),
    (50000, 5, 0.25, 1.0),
    (12, 12, 0.5, 1.0),
]


@pytest.mark.parametrize(("total", "cycles", "ratio", "w"), DIVISIBLE)
def test_cyclical_annealing_matches_fu_et_al_when_cycles_divide_total(total, cycles, ratio, w):
    # Their L has n_iter = T entries, for steps 0..T-1, and their cycle c starts
    # at index int(c * T / M). When M divides T that is our start c * P exactly,
    # their i-th value of a cycle is i * step ~ i / (P R) * w, and ours is
    # w * min(1, (t - c P) / (P R)): the same up to their running sum's rounding.
    theirs = frange_cycle_linear(total, 0.0, w, cycles, ratio)
    ours = cyclical_annealing(
        np.arange(total), total_steps=total, max_weight=w, cycles=cycles, ramp_ratio=ratio
    )
    tolerance = accumulation_tolerance(total, cycles, ratio, w)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=tolerance)
    # Each cycle starts at exactly 0 in both.
    starts = np.arange(cycles) * (total // cycles)
    np.testing.assert_array_equal(ours[starts], 0.0)
    np.testing.assert_array_equal(theirs[starts], 0.0)
    # Their array stops at T - 1; at T the last cycle has ended and we give w.
    assert cyclical_annealing(total, total_steps=total, max_weight=w, cycles=cycles) == w


@pytest.mark.parametrize(
    ("total", "cycles", "ratio", "w"),
    [(100, 7, 0.5, 1.0), (1000, 3, 0.5, 1.0), (1001, 4, 0.9, 2.0), (10, 3, 1.0, 1.0)],
)
def test_cyclical_annealing_lags_fu_et_al_by_a_fraction_of_a_step_otherwise(
    total, cycles, ratio, w
):
    # When M does not divide T, their cycle c starts at the integer index
    # floor(c P), ours at the real c P, frac(c P) later. So at an index t of
    # our cycle c, theirs is w min(1, (t - floor(c P)) / (P R)) and ours
    # w min(1, (t - c P) / (P R)): theirs leads by at most frac(c P) / (P R) * w,
    # and never trails. At floor(c P) itself (for non-integer c P) theirs has
    # already restarted at 0 while ours is still in cycle c - 1.
    theirs = frange_cycle_linear(total, 0.0, w, cycles, ratio)
    ours = cyclical_annealing(
        np.arange(total), total_steps=total, max_weight=w, cycles=cycles, ramp_ratio=ratio
    )
    tolerance = accumulation_tolerance(total, cycles, ratio, w)
    their_restarts = {c * total // cycles for c in range(1, cycles) if c * total % cycles}
    assert their_restarts  # the case is one where the two differ
    ramp = Fraction(total, cycles) * Fraction(ratio)  # P R
    for t in range(total):
        if t in their_restarts:
            assert theirs[t] == 0.0
            assert ours[t] > 0.0
            continue
        c = t * cycles // total  # our cycle, in exact integer arithmetic
        lead = float(Fraction(c * total % cycles, cycles) / ramp * Fraction(w))
        assert -tolerance <= theirs[t] - ours[t] <= lead + tolerance, t


@pytest.mark.parametrize(
    ("step", "expected"),
    # T = 100, M = 4, R = 0.5: P = 25 and each ramp lasts 12.5 steps.
    [
        (0, 0.0),
        (10, 0.8),  # 10 / 12.5; position 40 / 100 = 0.4, 0.4 / 0.5 exact
        (12, 0.96),
        (12.5, 1.0),  # ramp end
        (13, 1.0),  # holding
        (24, 1.0),  # the step before a restart
        (25, 0.0),  # restart: position 100 / 100 = 1 exactly
        (50, 0.0),
        (75, 0.0),
        (99, 1.0),
        (100, 1.0),  # T: the last cycle has ended
        (150, 1.0),
        (10**9, 1.0),
    ],
)
def test_cyclical_annealing_exact_values(step, expected):
    assert cyclical_annealing(step, total_steps=100) == expected


def test_cyclical_annealing_values_between_grid_points():
    # 26: position 1.04, phase 0.040000000000000036, so not exactly 0.08.
    assert math.isclose(cyclical_annealing(26, total_steps=100), 0.08, rel_tol=1e-14)
    # T = 10, M = 3: cycles start at 0, 10/3 and 20/3, and ramp for 5/3 steps.
    kwargs = {"total_steps": 10, "cycles": 3, "ramp_ratio": 0.5, "max_weight": 2.0}
    assert cyclical_annealing(3, **kwargs) == 2.0  # 3 >= 5/3: holding
    assert math.isclose(cyclical_annealing(4, **kwargs), 2 * (4 - 10 / 3) / (5 / 3), rel_tol=1e-14)
    assert math.isclose(cyclical_annealing(7, **kwargs), 2 * (7 - 20 / 3) / (5 / 3), rel_tol=1e-14)
    assert cyclical_annealing(10, **kwargs) == 2.0


def test_cyclical_annealing_with_ratio_one_is_a_sawtooth_ending_at_max_weight():
    # No hold: the ramp reaches w only at the next restart, where it drops to 0,
    # except at T, where the run ends at w (not the 0 of a new cycle).
    assert math.isclose(cyclical_annealing(24, ramp_ratio=1.0), 0.96, rel_tol=1e-15)
    assert cyclical_annealing(25, ramp_ratio=1.0) == 0.0
    assert cyclical_annealing(100, ramp_ratio=1.0) == 1.0
    assert cyclical_annealing(99.5, ramp_ratio=1.0) == pytest.approx(0.98, rel=1e-14)


def test_one_cycle_of_full_ramp_is_the_linear_ramp():
    steps = np.concatenate([np.arange(1001), np.linspace(0, 2000, 3001)])
    np.testing.assert_array_equal(
        cyclical_annealing(steps, total_steps=1000, max_weight=3.0, cycles=1, ramp_ratio=1.0),
        linear(steps, total_steps=1000, max_weight=3.0),
    )


def ref_cyclical(t, total, w, cycles, ratio):
    """Exact position in the cycle (Fraction), so the reference has no rounding
    except the final conversion."""
    t = Fraction(t)
    if t >= total:
        return w
    position = t * cycles / total
    phase = position - math.floor(position)
    return w * min(1.0, float(phase / Fraction(ratio)))


@pytest.mark.parametrize(
    ("total", "w", "cycles", "ratio"),
    [
        (100, 1.0, 4, 0.5),
        (1000, 2.5, 7, 0.3),
        (12345, 0.7, 13, 1.0),
        (3, 1.0, 2, 0.9),
        (997, 1.0, 1000, 0.01),  # cycles shorter than a step
        (10**9, 1.0, 1000, 0.01),
    ],
)
def test_cyclical_annealing_matches_exact_reference(total, w, cycles, ratio):
    # Steps are multiples of 1/8 so that t * M is exact: the position t * M / T
    # is then one rounding (<= M 2**-53) from the truth, and never on the wrong
    # side of a cycle start, where the value jumps from w to 0. (A float step
    # within an ulp of a start can land on either side: no float evaluation
    # resolves a jump below rounding.) Divided by R, that is the bound below;
    # measured at most 0.7 of it.
    rng = np.random.default_rng(total + cycles)
    steps = np.concatenate(
        [
            np.arange(0, min(total, 500) + 1, 0.125),
            np.rint(rng.uniform(0, total, 3000) * 8) / 8,
            [total, total + 0.5, 2 * total],
        ]
    )
    expected = [ref_cyclical(t, total, w, cycles, ratio) for t in steps]
    got = cyclical_annealing(
        steps, total_steps=total, max_weight=w, cycles=cycles, ramp_ratio=ratio
    )
    np.testing.assert_allclose(got, expected, rtol=0, atol=cycles / ratio * 2**-52 * w)


@pytest.mark.parametrize(
    ("total", "cycles"), [(100, 4), (100, 8), (10**9, 8), (10**9, 1000), (7, 7)]
)
def test_cyclical_annealing_restarts_at_integer_cycle_starts(total, cycles):
    # c T / M is an integer step whenever M divides c T: the value there is 0
    # exactly, and w the step before (for a ramp of at most one cycle minus a step).
    starts = [c * total // cycles for c in range(1, cycles) if c * total % cycles == 0]
    assert starts
    got = cyclical_annealing(starts, total_steps=total, cycles=cycles, ramp_ratio=0.5)
    np.testing.assert_array_equal(got, 0.0)
    if total // cycles >= 4:
        before = cyclical_annealing(np.array(starts) - 1, total_steps=total, cycles=cycles)
        np.testing.assert_array_equal(before, 1.0)


def test_cyclical_annealing_tiny_ramp_ratio_does_not_overflow():
    # ramp_ratio is valid in (0, 1], so 5e-324 is accepted; phase / ratio then
    # overflows to inf (RuntimeWarning, an error under -W error) before
    # min(., 1) brings it back to 1. Found by tests/test_fuzz.py.
    got = cyclical_annealing([0, 1, 2, 3], total_steps=3, max_weight=2.0, ramp_ratio=5e-324)
    np.testing.assert_array_equal(got, [0.0, 2.0, 2.0, 2.0])
