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
        "in [0, 1000000]",
        [
            (-1, "-1"),
            (-1e-300, "-1e-300"),
            (1000000.0000000001, "1000000.0000000001"),
            (1e308, "1e+308"),
            (math.nan, "nan"),
            (math.inf, "inf"),
            ("1", "'1'"),
        ],
    ),
    "power_factor": (
        "a finite number > 0",
        [(0, "0"), (0.0, "0.0"), (-1, "-1"), (math.nan, "nan"), (math.inf, "inf")],
    ),
    "init_lr": (
        "in [0, 1000000]",
        [(-0.1, "-0.1"), (2e6, "2000000.0"), (math.nan, "nan"), (math.inf, "inf"), (True, "True")],
    ),
    "warmup_lr": (
        "in [0, 1000000]",
        [(-1, "-1"), (10**7, "10000000"), (math.nan, "nan"), (-math.inf, "-inf")],
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
    "cycles": (
        INTEGER_RULE,
        [(0, "0"), (-4, "-4"), (1.5, "1.5"), (True, "True"), (math.nan, "nan"), ("4", "'4'")],
    ),
    "ramp_ratio": (
        "in (0, 1]",
        [
            (0, "0"),
            (0.0, "0.0"),
            (-0.5, "-0.5"),
            (1.0000000000000002, "1.0000000000000002"),
            (2, "2"),
            (math.nan, "nan"),
            (math.inf, "inf"),
            ("0.5", "'0.5'"),
        ],
    ),
    # Defaults total_steps=100, warmup_steps=10 leave 90 steps for stable + decay.
    "decay_steps": (
        "in [0, total_steps - warmup_steps] = [0, 90]",
        [(91, "91"), (100, "100"), (-1, "-1"), (2.5, "2.5"), (math.nan, "nan"), (True, "True")],
    ),
    "decay_shape": (
        "one of 'linear', 'cosine', '1-sqrt', '1-square'",
        [
            ("exp", "'exp'"),
            ("Cosine", "'Cosine'"),
            ("cosine ", "'cosine '"),
            ("", "''"),
            (None, "None"),
            (1, "1"),
            (("cosine",), "('cosine',)"),
        ],
    ),
    "timescale": (
        "an integer in [0, 2**53]",
        [(-1, "-1"), (2.5, "2.5"), (math.inf, "inf"), (True, "True"), ("8", "'8'")],
    ),
    "step_size": (
        INTEGER_RULE,
        [(0, "0"), (-10, "-10"), (2.5, "2.5"), (math.inf, "inf"), (True, "True")],
    ),
    "gamma": (
        "in (0, 1]",
        [
            (0, "0"),
            (0.0, "0.0"),
            (-0.5, "-0.5"),
            (1.0000000000000002, "1.0000000000000002"),
            (2, "2"),
            (math.nan, "nan"),
            (math.inf, "inf"),
            ("0.9", "'0.9'"),
        ],
    ),
    # 1 / (100 + 1) = 0.009900990099...: the peak step pct_start * (T + 1) - 1
    # must lie inside (0, T).
    "pct_start": (
        "in (1 / (total_steps + 1), 1) = (0.009900990099009901, 1)",
        [
            (1.0, "1.0"),
            (1, "1"),
            (0, "0"),
            (1 / 101, "0.009900990099009901"),
            (0.0099, "0.0099"),
            (-0.3, "-0.3"),
            (math.nan, "nan"),
            (True, "True"),
        ],
    ),
    "warmup_shape": (
        "one of 'linear', 'cosine', '1-sqrt'",
        [("1-square", "'1-square'"), ("Linear", "'Linear'"), (None, "None"), (0, "0")],
    ),
    "anneal": (
        "one of 'cos', 'linear'",
        [("cosine", "'cosine'"), ("", "''"), (None, "None"), (True, "True")],
    ),
    "cyclic_mode": (
        "one of 'triangular', 'triangular2', 'exp_range'",
        [("exp", "'exp'"), ("Triangular", "'Triangular'"), (None, "None")],
    ),
    # A switch is a bool: 0, 1 and "true" are mistakes, not switches.
    "three_phase": ("True or False", [(1, "1"), (0, "0"), ("true", "'true'"), (None, "None")]),
    "staircase": ("True or False", [(1, "1"), ("False", "'False'"), (None, "None")]),
    "milestones": (
        "a strictly increasing sequence of integers >= 1, at most 1000 of them",
        [
            ((80, 30), "(80, 30)"),
            ((30, 30), "(30, 30)"),
            ((0, 30), "0"),  # the first bad item
            ((30.5,), "30.5"),
            ("30,80", "'30,80'"),
            (30, "30"),
            (None, "None"),
        ],
    ),
    "k_decay": (
        "a finite number > 0",
        [(0, "0"), (-1.0, "-1.0"), (math.nan, "nan"), (math.inf, "inf"), (True, "True")],
    ),
    "peak_decay": (
        "in (0, 1]",
        [(0, "0"), (1.5, "1.5"), (-0.5, "-0.5"), (math.nan, "nan"), (True, "True")],
    ),
    "num_cycles": (
        "in (0, 1000000000]",
        [
            (0, "0"),
            (-2, "-2"),
            (1e300, "1e+300"),
            (math.inf, "inf"),
            ("2", "'2'"),
            (True, "True"),
        ],
    ),
    "step_size_up": (
        "an integer in [1, 2**53]",
        [(0, "0"), (-1, "-1"), (2.5, "2.5"), (math.nan, "nan"), (True, "True")],
    ),
    "step_size_down": (
        "an integer in [0, 2**53]",
        [(-1, "-1"), (2.5, "2.5"), (math.nan, "nan"), (True, "True")],
    ),
    "tanh_lb": (
        "in [-100, 100)",
        [
            (-101.0, "-101.0"),
            (100.0, "100.0"),
            (1e308, "1e+308"),
            (math.nan, "nan"),
            (-math.inf, "-inf"),
            (True, "True"),
        ],
    ),
    # The default tanh_lb is -7: the tanh must rise from lb to ub.
    "tanh_ub": (
        "in (tanh_lb, 100] = (-7, 100]",
        [(-7.0, "-7.0"), (-8, "-8"), (101.0, "101.0"), (math.nan, "nan"), (True, "True")],
    ),
    "decay_rate": (
        "in [0, 1000000]",
        [(-0.1, "-0.1"), (1e308, "1e+308"), (math.nan, "nan"), (math.inf, "inf"), ("0.5", "'0.5'")],
    ),
    "div_factor": (
        "a finite number >= 1",
        [(0.5, "0.5"), (0, "0"), (-25, "-25"), (math.nan, "nan"), (math.inf, "inf")],
    ),
    "final_div_factor": (
        "a finite number >= 1",
        [(0.999, "0.999"), (0, "0"), (-1, "-1"), (math.nan, "nan"), (math.inf, "inf")],
    ),
}

# Where a schedule's rule for a parameter is narrower than the shared one:
# inverse_sqrt divides by warmup_steps, so it needs at least one.
OVERRIDES = {
    # ... and a run of at least two steps, to hold the warmup and one more.
    ("inverse_sqrt", "total_steps"): (
        "an integer in [2, 2**53]: warmup_steps >= 1 must fit before it",
        [(1, "1"), *BAD_VALUES["total_steps"][1]],
    ),
    ("inverse_sqrt", "warmup_steps"): (
        "in [1, total_steps) = [1, 100)",
        [(0, "0"), *BAD_VALUES["warmup_steps"][1]],
    ),
}


def bad_values(schedule, name):
    return OVERRIDES.get((schedule, name), BAD_VALUES[name])


PARAM_CASES = [
    pytest.param(spec.name, param.name, value, shown, id=f"{spec.name}-{param.name}={shown[:12]}")
    for spec in SCHEDULES.values()
    for param in spec.params
    for value, shown in bad_values(spec.name, param.name)[1]
]


def test_every_registered_param_has_error_cases():
    names = {p.name for spec in SCHEDULES.values() for p in spec.params}
    assert names == set(BAD_VALUES)
    for schedule, name in OVERRIDES:
        assert name in {p.name for p in SCHEDULES[schedule].params}


@pytest.mark.parametrize(("schedule", "name", "value", "shown"), PARAM_CASES)
def test_bad_param_names_param_range_and_value(schedule, name, value, shown):
    with pytest.raises(ValueError, match=re.escape(name)) as info:
        evaluate(schedule, 5, **{name: value})
    rule = bad_values(schedule, name)[0]
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


@pytest.mark.parametrize(
    ("schedule", "kwargs", "name", "message"),
    [
        (
            "warmup_stable_decay",
            {"total_steps": 100, "warmup_steps": 30, "decay_steps": 71},
            "decay_steps",
            "in [0, total_steps - warmup_steps] = [0, 70], got 71",
        ),
        (
            "warmup_stable_decay",
            {"total_steps": 100, "warmup_steps": 99, "decay_steps": 2},
            "decay_steps",
            "in [0, total_steps - warmup_steps] = [0, 1], got 2",
        ),
        (
            "warmup_stable_decay",
            {"total_steps": 10, "warmup_steps": 10, "decay_steps": 0},
            "warmup_steps",
            "in [0, total_steps) = [0, 10), got 10",
        ),
        (
            "warmup_stable_decay",
            {"init_lr": 0.01, "min_lr": 0.02},
            "min_lr",
            "in [0, init_lr] = [0, 0.01], got 0.02",
        ),
        (
            "inverse_sqrt",
            {"total_steps": 5, "warmup_steps": 5},
            "warmup_steps",
            "in [1, total_steps) = [1, 5), got 5",
        ),
        # T = 1 leaves no room for the one warmup step inverse_sqrt needs.
        (
            "inverse_sqrt",
            {"total_steps": 1, "warmup_steps": 1},
            "total_steps",
            "an integer in [2, 2**53]: warmup_steps >= 1 must fit before it, got 1",
        ),
        (
            "polynomial_decay",
            {"total_steps": 20, "warmup_steps": 20},
            "warmup_steps",
            "in [0, total_steps) = [0, 20), got 20",
        ),
        (
            "polynomial_decay",
            {"init_lr": 0.5, "min_lr": 0.75},
            "min_lr",
            "in [0, init_lr] = [0, 0.5], got 0.75",
        ),
        # With T = 1 the peak pct_start * 2 - 1 is inside (0, 1) only for pct_start > 1/2.
        (
            "one_cycle",
            {"total_steps": 1, "pct_start": 0.5},
            "pct_start",
            "in (1 / (total_steps + 1), 1) = (0.5, 1), got 0.5",
        ),
        (
            "one_cycle",
            {"total_steps": 3, "pct_start": 0.25},
            "pct_start",
            "in (1 / (total_steps + 1), 1) = (0.25, 1), got 0.25",
        ),
    ],
)
def test_cross_parameter_rules_of_the_new_families(schedule, kwargs, name, message):
    with pytest.raises(ValueError, match=name) as info:
        evaluate(schedule, 5, **kwargs)
    assert str(info.value) == f"{name} must be {message}"


@pytest.mark.parametrize(
    ("schedule", "kwargs"),
    [
        ("warmup_stable_decay", {"total_steps": 100, "warmup_steps": 30, "decay_steps": 70}),
        ("warmup_stable_decay", {"total_steps": 100, "warmup_steps": 99, "decay_steps": 1}),
        ("warmup_stable_decay", {"total_steps": 1, "warmup_steps": 0, "decay_steps": 1}),
        ("inverse_sqrt", {"total_steps": 2, "warmup_steps": 1}),
        ("one_cycle", {"total_steps": 1, "pct_start": 0.5000000000000001}),
        ("one_cycle", {"total_steps": 100, "pct_start": 0.9999999999999999}),
        ("step_decay", {"step_size": 10**9, "gamma": 1.0}),
        ("cyclical_annealing", {"cycles": 10**6, "ramp_ratio": 1.0}),
    ],
)
def test_edges_of_the_cross_rules_are_valid(schedule, kwargs):
    values = evaluate(schedule, np.arange(0, 121), **kwargs)
    assert np.all(np.isfinite(values))


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
