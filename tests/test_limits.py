"""Limits of the package under abuse: huge inputs are refused by name or computed exactly.

A thousand milestones print and compile flat; JSON is capped before it is
parsed; every number a schedule, a phase or a budget accepts keeps its
arithmetic finite, and every number that would not is a ValueError naming it.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from peers import peer
from test_export import RUN

import dynweights
from dynweights import SCHEDULES, TARGETS, Budget, from_hf_trainer, from_json, phases, schedule
from dynweights._phases import SHAPES

T = TypeVar("T")

# --- a thousand milestones -------------------------------------------------

INIT_LR, GAMMA = 0.1, 0.99
MILESTONES = tuple(range(3, 3001, 3))  # 1,000 of them
TOTAL = 3000


def multistep_reference(step: float, milestones: tuple[int, ...], total: int) -> float:
    """PyTorch's MultiStepLR: one factor of gamma per milestone passed, held after T."""
    value = INIT_LR
    for milestone in milestones:
        if milestone <= min(step, total):
            value *= GAMMA
    return value


@pytest.fixture(scope="module")
def thousand():
    return schedule(
        "multistep_decay",
        total_steps=TOTAL,
        init_lr=INIT_LR,
        milestones=MILESTONES,
        gamma=GAMMA,
    )


STEPS = [*range(0, 40), 1499, 1500, 1500.5, 2997, 2998.9, 2999, 3000, 3001, 10**9]


def test_a_thousand_milestones_evaluate_as_scalars_exactly(thousand):
    want = [multistep_reference(k, MILESTONES, TOTAL) for k in STEPS]
    assert [thousand(k) for k in STEPS] == want
    assert thousand.values(np.array(STEPS, dtype=np.float64)).tolist() == want


def test_the_issue_call_with_a_range_of_200_milestones():
    s = schedule("multistep_decay", milestones=range(1, 201), total_steps=1000, gamma=GAMMA)
    assert s(5) == multistep_reference(5, tuple(range(1, 201)), 1000)
    assert s(500) == multistep_reference(500, tuple(range(1, 201)), 1000)


@pytest.mark.parametrize("count", [400, 1000])
def test_a_python_export_of_many_milestones_compiles_and_is_exact(count):
    milestones = MILESTONES[:count]
    s = schedule(
        "multistep_decay", total_steps=TOTAL, init_lr=INIT_LR, milestones=milestones, gamma=GAMMA
    )
    namespace: dict[str, object] = {}
    exec(s.to_code("python"), namespace)
    got = [namespace["schedule"](k) for k in range(TOTAL + 2)]
    assert got == [multistep_reference(k, milestones, TOTAL) for k in range(TOTAL + 2)]


def test_a_thousand_milestones_export_to_every_target(thousand):
    for target in TARGETS:
        compile(thousand.to_code(target), f"<{target}>", "exec")  # no nesting limit hit


@pytest.mark.parametrize("target", ["pytorch", "transformers"])
def test_a_thousand_milestones_run_in_torch_exactly(target):
    milestones, total = tuple(range(1, 1001)), 1000  # one per step: a short run
    s = schedule("multistep_decay", total_steps=total, milestones=milestones, gamma=GAMMA)
    got = RUN[target](s.to_code(target), total)
    want = [multistep_reference(k, milestones, total) for k in range(total + 1)]
    # MultiStepLR multiplies one gamma at a time in float64, as the reference does.
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=0)


@pytest.mark.parametrize("target", ["optax", "keras"])
def test_a_thousand_milestones_run_in_float32_peers(thousand, target):
    if target == "keras":
        os.environ["KERAS_BACKEND"] = "jax"  # before keras is first imported
    peer(target)
    steps = [2, 3, 1499, 1500, 3000]
    namespace: dict[str, object] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # jax's own, on import
        exec(thousand.to_code(target), namespace)
        got = [float(namespace["schedule"](k)) for k in steps]  # type: ignore[operator]
    want = [multistep_reference(k, MILESTONES, TOTAL) for k in steps]
    # float32 products of up to 1,000 factors: 1e-4 relative, while one milestone
    # early or late would be off by 1 - gamma = 1e-2.
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=0)


def test_a_thousand_milestones_print_a_flat_formula(thousand):
    rows = thousand.formula.split(r" \\ ")
    assert len(rows) == 1001
    assert rows[0].endswith("& t < 3")
    assert rows[-1].endswith(r"& t \ge 3\,000 \end{cases}")


# --- JSON is capped before it is parsed -----------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000, "schedule JSON must nest arrays and objects at most 8 deep"),
        ("[" * 100_001, "schedule JSON must be at most 100,000 characters, got 100,001"),
        ('{"a":' * 20_000, "at most 8 deep"),
        (
            '{"schedule": "phases", "params": {"phases": [[[[[[["linear"]]]]]]]}}',
            "at most 8 deep, got deeper at character 50",
        ),
    ],
)
def test_from_json_refuses_deep_or_long_text_before_parsing(text, message):
    with pytest.raises(ValueError, match=message):
        from_json(text)


def test_brackets_inside_strings_do_not_count_as_nesting():
    with pytest.raises(ValueError, match=r"Unknown schedule '\[\[\[\["):
        from_json('{"schedule": "' + "[" * 50 + '", "params": {}}')
    s = phases([{"shape": "constant", "steps": 4, "start": 0.5}])
    assert from_json(s.to_json()) == s  # 4 deep: read


def test_deep_scheduler_kwargs_text_is_refused_by_name():
    with pytest.raises(ValueError, match=r"^lr_scheduler_kwargs must nest .* at most 8 deep"):
        from_hf_trainer({"lr_scheduler_kwargs": "[" * 19_000}, num_examples=100)


# --- numbers that overflow are refused by name ----------------------------

EXTREMES = (1e308, -1e308, 1e-308, 5e-324, -1e-308, 2**53, 2**53 + 1, 2**63, 10**30, 10**400)
EXTREMES += (1e15, 10**9, 1e6, 1000000.0000000001)


def _attempt(make: Callable[[], T]) -> T | str:
    """What ``make`` returns, or the message of the ValueError it raises."""
    try:
        return make()
    except ValueError as error:
        return str(error)


def _check_finite(s: dynweights.Bound) -> None:
    """Finite at 0, T/2, T and 10**9 on every path: numpy, scalar and exported Python."""
    steps = [0, s.total_steps // 2, s.total_steps, 10**9]
    assert np.all(np.isfinite(s.values(np.array(steps, dtype=np.float64))))
    namespace: dict[str, object] = {}
    exec(s.to_code("python"), namespace)
    for k in steps:
        assert math.isfinite(s(k))
        assert math.isfinite(namespace["schedule"](k))  # type: ignore[operator]
    assert s.breakpoints.size <= 1000
    assert s.formula


NUMERIC = [
    (n, p.name) for n, spec in SCHEDULES.items() for p in spec.params if p.type in (int, float)
]


@pytest.mark.parametrize(("name", "param"), NUMERIC, ids=[f"{n}-{p}" for n, p in NUMERIC])
def test_an_extreme_parameter_binds_to_finite_values_or_is_refused_by_name(name, param):
    for value in EXTREMES:
        s = _attempt(lambda value=value: schedule(name, **{param: value}))
        if isinstance(s, str):
            assert s.startswith(f"{param} must be "), (value, s)
            assert len(s) < 200
        else:
            _check_finite(s)


def test_the_issue_cases_name_their_field():
    with pytest.raises(ValueError, match=r"^num_cycles must be in \(0, 1000000000\], got 1e\+300"):
        schedule("cosine_with_hard_restarts", num_cycles=1e300)
    with pytest.raises(ValueError, match=r"^decay_rate must be in \[0, 1000000\], got 1e\+308"):
        schedule("inverse_time_decay", decay_rate=1e308)
    with pytest.raises(ValueError, match=r"^init_lr must be in \[0, 1000000\], got 1e\+308"):
        schedule("cosine_annealing", init_lr=1e308)


def _extreme_or_valid(param: dynweights.Param) -> st.SearchStrategy[object]:
    low = param.low if param.low is not None else param.min
    high = param.high if param.high is not None else 1e12
    valid = st.integers(int(low), int(high)) if param.type is int else st.floats(low, high)
    return st.one_of(st.just(param.default), st.sampled_from(EXTREMES), valid)


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_extreme_parameters_together_stay_finite_or_are_refused(name):
    spec = SCHEDULES[name]
    numeric = [p for p in spec.params if p.type in (int, float)]
    names = tuple(p.name for p in spec.params)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.fixed_dictionaries({p.name: _extreme_or_valid(p) for p in numeric}))
    def check(params):
        s = _attempt(lambda: schedule(name, **params))
        if isinstance(s, str):
            assert s.startswith(names), s
        else:
            _check_finite(s)

    check()


def _phase(shape: str, start: object, end: object, steps: int) -> dict[str, object]:
    item = {
        "shape": shape,
        "steps": steps,
        "start": start,
        "end": start if shape == "constant" else end,
    }
    if shape == "power":
        item["power"] = 2.0
    return item


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (
            [_phase("linear", 1e308, -1e308, 10)],
            r"phases\[0\].start must be in \[-1000000, 1000000\]",
        ),
        ([_phase("linear", 0.0, -1e308, 10)], r"phases\[0\].end must be in \[-1000000, 1000000\]"),
        ([_phase("constant", 1e308, 1e308, 100)], r"phases\[0\].start must be in"),
        ([_phase("cosine", 0.5, 10**400, 100)], r"phases\[0\].end must be in .*…\(401 chars\)"),
        ([_phase("exponential", 5e-324, 1.0, 100)], r"phases\[0\].start must be >= 1e-300"),
        (
            [_phase("linear", 0.0, 1.0, 5), {**_phase("power", 0.0, 1.0, 5), "power": math.inf}],
            r"phases\[1\].power must be a finite number > 0",
        ),
    ],
)
def test_phases_with_overflowing_values_name_the_field(items, message):
    with pytest.raises(ValueError, match=message):
        phases(items)


@pytest.mark.parametrize("shape", SHAPES)
def test_phases_at_the_value_limits_stay_finite(shape):
    top = dynweights.MAX_VALUE
    ends = (-top, top, 0.0, 1e-300, 5e-324) if shape != "exponential" else (1e-300, top)
    for start in ends:
        for end in ends:
            for steps in (1, 10**9):
                items = [_phase(shape, start, end, steps), _phase("linear", end, start, 3)]
                s = _attempt(lambda items=items: phases(items))
                if isinstance(s, str):
                    assert s.startswith("phases[0]."), s
                    continue
                _check_finite(s)
                # The largest sum a chart's table can take: 10**9 steps of MAX_VALUE.
                assert math.isfinite(math.fsum([s(k) for k in (0, steps // 2)]) * 10**9)


# --- a budget ---------------------------------------------------------------

BUDGET_FIELDS = ("num_examples", "batch_size", "devices", "accumulation", "epochs", "max_steps")
BUDGET_FIELDS += ("sequence_length",)


@pytest.mark.parametrize("field", BUDGET_FIELDS)
def test_an_extreme_budget_field_is_refused_by_name_or_counts_finitely(field):
    for value in EXTREMES:
        fields = {"num_examples": 1000, "sequence_length": 512, field: value}
        budget = _attempt(lambda fields=fields: Budget(**fields))
        if isinstance(budget, str):
            assert budget.startswith(f"{field} must be "), (value, budget)
            continue
        assert 1 <= budget.total_steps <= 2**53
        for unit in ("steps", "epochs", "examples", "tokens"):
            assert np.all(np.isfinite(budget.convert([0, budget.total_steps], unit)))


def test_the_issue_budget_names_epochs():
    with pytest.raises(
        ValueError, match=r"^epochs must be small enough for at most 2\*\*53 optimizer steps"
    ):
        Budget(num_examples=10, epochs=1e308)
