"""Loss-weight ramps: hand-computed values, the seed blog's own code, shapes and types."""

import math

import numpy as np
import pytest

import dynweights
from dynweights import cosine, exponential, linear, power

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


@pytest.mark.parametrize("function", [linear, cosine, power, exponential])
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
