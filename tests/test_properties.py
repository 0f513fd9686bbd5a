"""Properties of every registered schedule, over the registry's own parameter bounds."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import params_for

from dynweights import SCHEDULES, evaluate

SPECS = list(SCHEDULES.values())
IDS = list(SCHEDULES)
MAX_STEP = 2 * 10**9

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)


def steps_for(total_steps):
    """Steps anywhere in [0, 2e9], with most inside the schedule, integers and floats."""
    return st.one_of(
        st.integers(0, total_steps),
        st.floats(0, total_steps),
        st.integers(0, MAX_STEP),
        st.floats(0, MAX_STEP),
    )


@st.composite
def cases(draw, spec, min_size=1):
    params = draw(params_for(spec))
    steps = draw(st.lists(steps_for(params["total_steps"]), min_size=min_size, max_size=20))
    return params, np.array(steps, dtype=np.float64)


def endpoint_bounds(spec, params):
    """[low, high] that a schedule never leaves: the values at its ends.

    A ramp goes from 0 to max_weight. A learning rate lies between its rate
    parameters (warmup_lr, init_lr, min_lr). A schedule without a floor
    parameter ends at its lowest value, at T: inverse_sqrt's init_lr sqrt(W/T),
    step and exponential decay's init_lr gamma^k. One-cycle is clipped to
    [init_lr / div_factor / final_div_factor, init_lr].
    """
    if spec.family == "weight":
        return 0.0, params["max_weight"]
    if spec.name == "one_cycle":
        return params["init_lr"] / params["div_factor"] / params["final_div_factor"], params[
            "init_lr"
        ]
    rates = [params[name] for name in ("min_lr", "warmup_lr") if name in params]
    if "min_lr" not in params:
        rates.append(evaluate(spec.name, params["total_steps"], **params))
    if spec.name == "cosine_with_hard_restarts":
        rates.append(0.0)  # each cycle falls to 0, whatever the value at T
    if params.get("peak_decay", 1.0) != 1.0:
        # A peak decayed below min_lr: that cycle rises from it to the floor,
        # and min_lr + (peak - min_lr) can round to 0 for a tiny peak.
        rates.append(0.0)
    high = max(params[name] for name in ("init_lr", "warmup_lr") if name in params)
    return min(rates), high


# One test for three properties of the same draw: each Hypothesis example
# costs more to generate than to check, and the file must stay fast.
@pytest.mark.parametrize("spec", SPECS, ids=IDS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_finite_within_endpoint_values_and_scalar_equals_array(spec, data):
    params, steps = data.draw(cases(spec))
    values = evaluate(spec.name, steps, **params)
    assert values.shape == steps.shape
    assert np.all(np.isfinite(values))
    ends = evaluate(spec.name, [0, params["total_steps"], 10**9, MAX_STEP], **params)
    assert np.all(np.isfinite(ends))

    low, high = endpoint_bounds(spec, params)
    assert np.all(values >= low)
    assert np.all(values <= high)

    scalars = [evaluate(spec.name, float(step), **params) for step in steps]
    assert all(type(value) is float for value in scalars)
    np.testing.assert_array_equal(np.array(scalars), values)


# Cyclical annealing restarts at 0 every cycle, so it is a ramp only within a
# cycle (tested below); every other weight schedule rises from 0 to max_weight.
RAMPS = [s for s in SPECS if s.family == "weight" and s.name != "cyclical_annealing"]


@pytest.mark.parametrize("spec", RAMPS, ids=lambda s: s.name)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_ramps_never_decrease(spec, data):
    params, steps = data.draw(cases(spec, min_size=2))
    values = evaluate(spec.name, np.sort(steps), **params)
    assert np.all(np.diff(values) >= 0)


def eighths(total_steps):
    """Steps that are multiples of 1/8, so that t * cycles is exact in float64.

    The position t * M / T is then one rounding from the truth, never on the
    wrong side of a cycle start, where the value jumps from max_weight to 0. (A
    float step within an ulp of a start may land on either side.)
    """
    return steps_for(total_steps).map(lambda t: round(t * 8) / 8)


@PROPERTY_SETTINGS
@given(data=st.data())
def test_cyclical_annealing_never_decreases_within_a_cycle(data):
    params = data.draw(params_for(SCHEDULES["cyclical_annealing"]))
    total, cycles = params["total_steps"], params["cycles"]
    steps = np.sort(data.draw(st.lists(eighths(total), min_size=2, max_size=30)))
    values = evaluate("cyclical_annealing", steps, **params)
    # The cycle of each step, exactly; past T the last cycle holds max_weight.
    cycle = np.array([min(math.floor(Fraction(t) * cycles / total), cycles - 1) for t in steps])
    for c in np.unique(cycle):
        assert np.all(np.diff(values[cycle == c]) >= 0), c


@PROPERTY_SETTINGS
@given(data=st.data())
def test_cyclical_annealing_restarts_at_zero_each_cycle(data):
    params = data.draw(params_for(SCHEDULES["cyclical_annealing"]))
    total, cycles, ratio = params["total_steps"], params["cycles"], params["ramp_ratio"]
    w = params["max_weight"]
    c = np.arange(cycles)
    first = -(-c * total // cycles)  # ceil(c T / M): each cycle's first integer step
    values = evaluate("cyclical_annealing", first, **params)
    # Where c T / M is a step, the cycle starts at 0 exactly.
    np.testing.assert_array_equal(values[c * total % cycles == 0], 0.0)
    # Elsewhere its first step is less than one step into the ramp, which
    # gains w M / (T R) per step; the position has one rounding (M 2**-53).
    assert np.all(values <= w * (cycles / (total * ratio) + cycles / ratio * 2**-52))


@PROPERTY_SETTINGS
@given(data=st.data())
def test_one_cycle_rises_to_its_peak_then_falls(data):
    params, steps = data.draw(cases(SCHEDULES["one_cycle"], min_size=2))
    peak = params["pct_start"] * (params["total_steps"] + 1) - 1
    # Three phases fall to the start at 2 * peak, then below it: falling throughout.
    steps = np.sort(np.concatenate([steps, [0.0, math.floor(peak), math.ceil(peak)]]))
    values = evaluate("one_cycle", steps, **params)
    assert np.all(np.diff(values[steps <= peak]) >= 0)
    assert np.all(np.diff(values[steps >= peak]) <= 0)


# The learning rates that only fall once their warmup (if any) is over. Not
# cosine_warm_restarts nor cosine_with_hard_restarts (they restart), cyclic
# (it cycles) nor one_cycle (it rises for pct_start).
DECAYS = [
    "constant_with_warmup",
    "linear_with_warmup",
    "multistep_decay",
    "tanh_decay",
    "inverse_time_decay",
    "cosine_annealing",
    "cosine_with_linear_warmup",
    "warmup_stable_decay",
    "inverse_sqrt",
    "polynomial_decay",
    "step_decay",
    "exponential_decay",
]
WARMUPS = [s.name for s in SPECS if "warmup_steps" in {p.name for p in s.params}]


def test_decay_and_warmup_lists_cover_the_lr_schedules():
    lrs = {s.name for s in SPECS if s.family == "lr"}
    cycling = {"cosine_warm_restarts", "cosine_with_hard_restarts", "cyclic", "one_cycle"}
    assert set(DECAYS) | cycling == lrs
    assert set(WARMUPS) <= set(DECAYS) | {"cosine_with_hard_restarts"}


@pytest.mark.parametrize("name", DECAYS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_decays_never_increase_after_warmup(name, data):
    params, steps = data.draw(cases(SCHEDULES[name], min_size=2))
    warmup = params.get("warmup_steps", 0)
    steps = np.sort(steps[steps >= warmup])
    values = evaluate(name, steps, **params)
    assert np.all(np.diff(values) <= 0)


@pytest.mark.parametrize("name", WARMUPS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_warmup_moves_monotonically_towards_init_lr(name, data):
    params, steps = data.draw(cases(SCHEDULES[name], min_size=2))
    steps = np.sort(steps[steps <= params["warmup_steps"]])
    values = evaluate(name, steps, **params)
    direction = np.sign(params["init_lr"] - params.get("warmup_lr", 0.0))
    assert np.all(direction * np.diff(values) >= 0)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_holds_value_at_total_after_it(spec, data):
    params = data.draw(params_for(spec))
    total = params["total_steps"]
    later = data.draw(st.one_of(st.integers(total, MAX_STEP), st.floats(total, MAX_STEP)))
    at_total = evaluate(spec.name, total, **params)
    assert evaluate(spec.name, later, **params) == at_total
    steps = [total, total + 1, 2 * total, 10**9, later]
    np.testing.assert_array_equal(evaluate(spec.name, steps, **params), at_total)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_input_array_is_left_alone(spec):
    # The steps may be used without a copy when none lies past total_steps; a
    # schedule must still never write into them or hand them back.
    steps = np.linspace(0, spec.defaults()["total_steps"], 101)
    original = steps.copy()
    values = evaluate(spec.name, steps)
    np.testing.assert_array_equal(steps, original)
    assert not np.shares_memory(values, steps)
    np.testing.assert_array_equal(values, evaluate(spec.name, original))
