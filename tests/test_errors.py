"""Every validity rule raises a ValueError naming the parameter, its range and the value."""

import math
import re

import numpy as np
import pytest

from dynweights import SCHEDULES, cosine_with_linear_warmup, evaluate

INTEGER_RULE = "an integer in [1, 2**53]"

# Per parameter name: (rule in the message, [(bad value, how the message shows it)]).
# Defaults apply to the other parameters (total_steps=100, init_lr=0.1).
BAD_VALUES = {
    "total_steps": (
        INTEGER_RULE,
        [
            (0, "0"),
            (-1, "-1"),
            (1.5, "1.5"),
            (math.nan, "nan"),
            (math.inf, "inf"),
            ("abc", "'abc'"),
            ("100", "'100'"),
            (True, "True"),
            (None, "None"),
            (2**53 + 1, "9007199254740993"),
            (10**20000, "an integer of about 20000 digits"),
        ],
    ),
    "warmup_steps": (
        "in [0, total_steps) = [0, 100)",
        [(100, "100"), (150, "150"), (-1, "-1"), (2.5, "2.5"), (math.nan, "nan"), ("5", "'5'")],
    ),
    "max_weight": (
        "a finite number >= 0",
        [(-1, "-1"), (-1e-300, "-1e-300"), (math.nan, "nan"), (math.inf, "inf"), ("1", "'1'")],
    ),
    "power_factor": (
        "a finite number > 0",
        [(0, "0"), (0.0, "0.0"), (-1, "-1"), (math.nan, "nan"), (math.inf, "inf")],
    ),
    "init_lr": (
        "a finite number >= 0",
        [(-0.1, "-0.1"), (math.nan, "nan"), (math.inf, "inf"), (True, "True")],
    ),
    "warmup_lr": (
        "a finite number >= 0",
        [(-1, "-1"), (math.nan, "nan"), (-math.inf, "-inf")],
    ),
    "min_lr": (
        "in [0, init_lr] = [0, 0.1]",
        [(-1, "-1"), (0.2, "0.2"), (0.10000000000000002, "0.10000000000000002"), (math.nan, "nan")],
    ),
    "cycle_steps": (
        INTEGER_RULE,
        [(0, "0"), (-3, "-3"), (2.5, "2.5"), (math.inf, "inf")],
    ),
    "cycle_mult": (
        INTEGER_RULE,
        [(0, "0"), (1.5, "1.5"), (True, "True"), (np.float64(2.5), "np.float64(2.5)")],
    ),
}

PARAM_CASES = [
    pytest.param(spec.name, param.name, value, shown, id=f"{spec.name}-{param.name}={shown[:12]}")
    for spec in SCHEDULES.values()
    for param in spec.params
    for value, shown in BAD_VALUES[param.name][1]
]


def test_every_registered_param_has_error_cases():
    names = {p.name for spec in SCHEDULES.values() for p in spec.params}
    assert names == set(BAD_VALUES)


@pytest.mark.parametrize(("schedule", "name", "value", "shown"), PARAM_CASES)
def test_bad_param_names_param_range_and_value(schedule, name, value, shown):
    with pytest.raises(ValueError, match=re.escape(name)) as info:
        evaluate(schedule, 5, **{name: value})
    rule = BAD_VALUES[name][0]
    assert str(info.value) == f"{name} must be {rule}, got {shown}"
    assert len(str(info.value)) < 200


def test_warmup_steps_exact_message():
    expected = "warmup_steps must be in [0, total_steps) = [0, 100), got 150"
    with pytest.raises(ValueError, match=re.escape(expected)):
        cosine_with_linear_warmup(5, total_steps=100, warmup_steps=150)


@pytest.mark.parametrize(
    ("kwargs", "name", "message"),
    [
        (
            {"total_steps": 1, "warmup_steps": 1},
            "warmup_steps",
            "in [0, total_steps) = [0, 1), got 1",
        ),
        (
            {"total_steps": 7, "warmup_steps": 7},
            "warmup_steps",
            "in [0, total_steps) = [0, 7), got 7",
        ),
        ({"init_lr": 0.5, "min_lr": 0.75}, "min_lr", "in [0, init_lr] = [0, 0.5], got 0.75"),
        ({"init_lr": 0.0, "min_lr": 1e-9}, "min_lr", "in [0, init_lr] = [0, 0], got 1e-09"),
    ],
)
def test_cross_parameter_rules(kwargs, name, message):
    with pytest.raises(ValueError, match=name) as info:
        cosine_with_linear_warmup(5, **kwargs)
    assert str(info.value) == f"{name} must be {message}"


def test_huge_values_keep_messages_short():
    for value in (10**20000, 10**1000, "x" * 10_000, list(range(10_000))):
        with pytest.raises(ValueError, match="total_steps") as info:
            evaluate("linear", 1, total_steps=value)
        assert len(str(info.value)) < 200
    with pytest.raises(ValueError, match="init_lr") as info:
        evaluate("cosine_annealing", 1, init_lr=10**400)
    assert len(str(info.value)) < 200


BAD_STEPS = [
    # (steps, rule, how the message shows the offending value)
    (-1, "finite and >= 0", "-1.0"),
    (-1e-300, "finite and >= 0", "-1e-300"),
    ([3, -2.5, 4], "finite and >= 0", "-2.5"),
    (math.nan, "finite and >= 0", "nan"),
    ([1, math.nan], "finite and >= 0", "nan"),
    (math.inf, "finite and >= 0", "inf"),
    (np.array([[0.0], [math.inf]]), "finite and >= 0", "inf"),
    (-math.inf, "finite and >= 0", "-inf"),
    ("abc", "a number or an array of numbers", "'abc'"),
    (["a", "b"], "a number or an array of numbers", "['a', 'b']"),
    ([[1], [2, 3]], "a number or an array of numbers", "[[1], [2, 3]]"),
    (1 + 1j, "a number or an array of numbers", "(1+1j)"),
]


@pytest.mark.parametrize("schedule", list(SCHEDULES))
@pytest.mark.parametrize(("steps", "rule", "shown"), BAD_STEPS)
def test_bad_steps(schedule, steps, rule, shown):
    with pytest.raises(ValueError, match="steps") as info:
        evaluate(schedule, steps)
    message = str(info.value)
    assert message.startswith(f"steps must be {rule}, got ")
    assert shown in message
    assert len(message) < 200


NOT_REAL_STEPS = ["50", ["1", "2"], True, np.array([True, False]), np.array([1 + 0j])]


@pytest.mark.parametrize("schedule", list(SCHEDULES))
def test_steps_must_be_real_numbers(schedule):
    # Parameters reject strings and bools (total_steps="100" and True raise), so
    # steps do too. A plain np.asarray(steps, float64) would turn "50" into 50.0
    # and True into 1.0, and drop imaginary parts with only a ComplexWarning.
    accepted = []
    for steps in NOT_REAL_STEPS:
        try:
            with pytest.raises(ValueError, match="steps"):
                evaluate(schedule, steps)
        except (pytest.fail.Exception, Warning):
            accepted.append(repr(steps))
    assert accepted == []
