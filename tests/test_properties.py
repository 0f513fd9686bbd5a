"""Properties of every registered schedule, over the registry's own parameter bounds."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dynweights import SCHEDULES, evaluate

SPECS = list(SCHEDULES.values())
IDS = list(SCHEDULES)
MAX_STEP = 2 * 10**9

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)


@st.composite
def params_for(draw, spec):
    """Parameters within each Param's [min, max], built to satisfy the cross rules."""
    values = {}
    for param in spec.params:
        low, high = param.min, param.max
        # Cross-parameter rules, by construction: warmup_steps < total_steps and
        # min_lr <= init_lr (both drawn after the parameter they depend on).
        if param.name == "warmup_steps":
            high = min(high, values["total_steps"] - 1)
        if param.name == "min_lr":
            high = min(high, values["init_lr"])
        if param.type is int:
            values[param.name] = draw(st.integers(low, high))
        elif param.type is float:
            values[param.name] = draw(st.floats(low, high, allow_nan=False))
        else:
            values[param.name] = draw(st.sampled_from(param.choices))
    return values


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


def lr_bounds(params):
    low = min(params[name] for name in ("min_lr", "warmup_lr") if name in params)
    high = max(params[name] for name in ("init_lr", "warmup_lr") if name in params)
    return low, high


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_finite_everywhere(spec, data):
    params, steps = data.draw(cases(spec))
    values = evaluate(spec.name, steps, **params)
    assert values.shape == steps.shape
    assert np.all(np.isfinite(values))


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_within_endpoint_values(spec, data):
    params, steps = data.draw(cases(spec))
    values = evaluate(spec.name, steps, **params)
    if spec.family == "weight":
        low, high = 0.0, params["max_weight"]
    else:
        low, high = lr_bounds(params)
    assert np.all(values >= low)
    assert np.all(values <= high)


@pytest.mark.parametrize("spec", [s for s in SPECS if s.family == "weight"], ids=lambda s: s.name)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_ramps_never_decrease(spec, data):
    params, steps = data.draw(cases(spec, min_size=2))
    values = evaluate(spec.name, np.sort(steps), **params)
    assert np.all(np.diff(values) >= 0)


DECAYS = ["cosine_annealing", "cosine_with_linear_warmup"]


@pytest.mark.parametrize("name", DECAYS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_decays_never_increase_after_warmup(name, data):
    params, steps = data.draw(cases(SCHEDULES[name], min_size=2))
    warmup = params.get("warmup_steps", 0)
    steps = np.sort(steps[steps >= warmup])
    values = evaluate(name, steps, **params)
    assert np.all(np.diff(values) <= 0)


@PROPERTY_SETTINGS
@given(data=st.data())
def test_warmup_moves_monotonically_towards_init_lr(data):
    params, steps = data.draw(cases(SCHEDULES["cosine_with_linear_warmup"], min_size=2))
    steps = np.sort(steps[steps <= params["warmup_steps"]])
    values = evaluate("cosine_with_linear_warmup", steps, **params)
    direction = np.sign(params["init_lr"] - params["warmup_lr"])
    assert np.all(direction * np.diff(values) >= 0)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_scalar_equals_array_element(spec, data):
    params, steps = data.draw(cases(spec))
    array = evaluate(spec.name, steps, **params)
    scalars = [evaluate(spec.name, float(step), **params) for step in steps]
    assert all(type(value) is float for value in scalars)
    np.testing.assert_array_equal(np.array(scalars), array)


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
