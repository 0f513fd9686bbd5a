"""Bound schedules and phases: one definition, every form agreeing with it.

A schedule of random phases is evaluated seven ways (numpy, scalar calls,
exported Python, PyTorch and optax code executed here, its JSON read back, and
a plain reference written below from the formulas of ``dynweights.phases``),
and they must agree.
"""

from __future__ import annotations

import json
import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from peers import peer
from strategies import params_for

import dynweights
from dynweights import SCHEDULES, Bound, from_json, phases, schedule, to_code

SHAPES = ("linear", "cosine", "1-sqrt", "1-square", "power", "exponential", "constant")


# --- the reference: the formulas of the phases contract, one step at a time ---


def reference(items: list[dict], step: float) -> float:
    """``start + (end - start) f(p)`` per phase, written from the contract alone."""
    total = sum(p["steps"] for p in items)
    if step >= total:
        return float(items[-1].get("end", items[-1]["start"]))
    begin = 0
    for p in items:
        if step < begin + p["steps"]:
            x = (step - begin) / p["steps"]
            a, b, exponent = p["start"], p.get("end", p["start"]), p.get("power", 1.0)
            f = {
                "linear": lambda q: q,
                "cosine": lambda q: (1 - math.cos(math.pi * q)) / 2,
                "1-sqrt": math.sqrt,
                "1-square": lambda q: q * q,
                "power": lambda q: q**exponent,  # noqa: B023 - called in this iteration
                "constant": lambda q: 0.0,
            }
            if p["shape"] == "exponential":
                return a * (b / a) ** x
            return a + (b - a) * f[p["shape"]](x)
        begin += p["steps"]
    raise AssertionError("unreachable")


positive = st.floats(1e-6, 10.0, allow_nan=False)


@st.composite
def phase_lists(draw: st.DrawFn) -> list:
    lengths = st.integers(1, 60)
    out = []
    for _ in range(draw(st.integers(3, 5))):
        shape = draw(st.sampled_from(SHAPES))
        start = draw(positive)
        phase = {"shape": shape, "steps": draw(lengths), "start": start}
        if shape != "constant":
            phase["end"] = draw(positive)
        if shape == "power":
            phase["power"] = draw(st.floats(0.1, 5.0))
        out.append(phase)
    return out


def _close(got: object, want: np.ndarray, rtol: float) -> None:
    np.testing.assert_allclose(np.asarray(got, dtype=float), want, rtol=rtol, atol=0)


@settings(max_examples=40, deadline=None)
@given(items=phase_lists())
def test_phases_agree_in_every_form(items):
    s = phases(items)
    steps = np.arange(s.total_steps + 3)
    want = np.array([reference(items, float(k)) for k in steps])
    values = s(steps)
    _close(values, want, 1e-12)
    _close([s(int(k)) for k in steps], want, 1e-12)
    _close(
        [s(float(k) + 0.5) for k in steps[:-1]],
        [reference(items, k + 0.5) for k in steps[:-1]],
        1e-12,
    )
    namespace: dict = {}
    exec(s.to_code("python"), namespace)
    _close([namespace["schedule"](int(k)) for k in steps], want, 1e-12)
    back = from_json(s.to_json())
    assert back == s
    assert hash(back) == hash(s)
    np.testing.assert_array_equal(back(steps), values)


@settings(max_examples=10, deadline=None)
@given(items=phase_lists())
def test_phases_exported_to_pytorch_and_optax(items):
    torch = peer("torch")
    peer("optax")
    s = phases(items)
    steps = np.arange(s.total_steps + 3)
    want = np.array([reference(items, float(k)) for k in steps])
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=5.0)
    namespace: dict = {"optimizer": optimizer}
    exec(s.to_code("pytorch"), namespace)
    got = []
    for _ in steps:
        got.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        namespace["scheduler"].step()
    _close(got, want, 1e-12)
    namespace = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        exec(s.to_code("optax"), namespace)
        got = [float(namespace["schedule"](int(k))) for k in steps]
    # float32: 24 bits, and each phase's own local step rounds once more.
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=1e-6 * np.abs(want).max())


def test_phases_example_of_the_contract():
    s = phases(
        [
            {"shape": "linear", "steps": 2000, "start": 0.0, "end": 3e-4},
            {"shape": "constant", "steps": 400000, "start": 3e-4},
            {"shape": "1-sqrt", "steps": 98000, "start": 3e-4, "end": 3e-5},
        ]
    )
    assert s.total_steps == 500_000
    assert s(0) == 0.0
    assert s(1000) == 1.5e-4
    assert s(2000) == 3e-4
    assert s(401_999) == 3e-4
    # 1-sqrt halfway through the cooldown: 3e-4 - 2.7e-4 * sqrt(0.5), by hand.
    assert s(402_000 + 49_000) == pytest.approx(3e-4 - 2.7e-4 * math.sqrt(0.5), rel=1e-15)
    assert s(500_000) == 3e-5
    assert s(10**9) == 3e-5
    assert s.breakpoints.tolist() == [2000, 402_000]


def test_a_jump_between_phases_is_a_breakpoint():
    s = phases(
        [
            {"shape": "constant", "steps": 10, "start": 1.0},
            {"shape": "constant", "steps": 10, "start": 0.5},
        ]
    )
    assert (s(9), s(10)) == (1.0, 0.5)
    assert s.breakpoints.tolist() == [10]


BAD_PHASES = [
    (
        [{"shape": "linear", "steps": 0, "start": 0, "end": 1}],
        "phases[0].steps must be an integer >= 1, got 0",
    ),
    (
        [
            {"shape": "linear", "steps": 5, "start": 0, "end": 1},
            {"shape": "wave", "steps": 5, "start": 1},
        ],
        "phases[1].shape must be one of",
    ),
    ([{"shape": "linear", "steps": 5, "start": 0}], "phases[0].end is missing"),
    (
        [{"shape": "linear", "steps": 5, "start": 0, "end": 1, "power": 2}],
        "phases[0].power must be absent",
    ),
    (
        [{"shape": "cosine", "steps": 5, "start": math.nan, "end": 1}],
        "phases[0].start must be in [-1000000, 1000000], got nan",
    ),
    (
        [{"shape": "cosine", "steps": 5, "start": 0, "end": math.inf}],
        "phases[0].end must be in [-1000000, 1000000], got inf",
    ),
    (
        [{"shape": "exponential", "steps": 5, "start": 1, "end": 0}],
        "phases[0].end must be >= 1e-300",
    ),
    (
        [{"shape": "exponential", "steps": 5, "start": -1, "end": 1}],
        "phases[0].start must be >= 1e-300",
    ),
    (
        [{"shape": "constant", "steps": 5, "start": 1, "end": 2}],
        "phases[0].end must be equal to start",
    ),
    (
        [{"shape": "power", "steps": 5, "start": 0, "end": 1, "power": 0}],
        "phases[0].power must be a finite number > 0",
    ),
    ([{"shape": "power", "steps": 5, "start": 0, "end": 1}], "phases[0].power is missing"),
    (
        [{"shape": "linear", "steps": 2.5, "start": 0, "end": 1}],
        "phases[0].steps must be an integer >= 1, got 2.5",
    ),
    (
        [{"shape": "linear", "steps": True, "start": 0, "end": 1}],
        "phases[0].steps must be an integer >= 1, got True",
    ),
    (
        [{"shape": "constant", "steps": 1, "start": 1}] * 33,
        "phases must be a list of 1 to 32 phases, got '33 phases'",
    ),
    ([], "phases must be a list of 1 to 32 phases"),
    (
        [{"shape": "constant", "steps": 2**52, "start": 1}] * 3,
        "phases must be at most 2**53 steps in all",
    ),
    ("linear", "phases must be a list"),
    ([5], "phases[0] must be an object"),
]


@pytest.mark.parametrize(("items", "message"), BAD_PHASES, ids=[m[:40] for _, m in BAD_PHASES])
def test_bad_phases_name_the_phase_and_field(items, message):
    with pytest.raises(ValueError, match=r"^phases") as info:
        phases(items)
    assert str(info.value).startswith(message), str(info.value)


# --- bound schedules of every family ---


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_bound_schedule_is_a_value(name):
    s = schedule(name)
    assert isinstance(s, Bound)
    assert s.name == name
    assert dict(s.params) == SCHEDULES[name].defaults()
    assert s.total_steps == SCHEDULES[name].defaults()["total_steps"]
    assert s == schedule(name, **SCHEDULES[name].defaults())
    assert len({s, schedule(name)}) == 1
    with pytest.raises(AttributeError):
        s.total_steps = 5  # type: ignore[misc]
    with pytest.raises(TypeError):
        s.params["total_steps"] = 5  # type: ignore[index]
    back = from_json(s.to_json())
    assert back == s
    steps = np.arange(s.total_steps + 2)
    np.testing.assert_array_equal(back(steps), s(steps))
    np.testing.assert_array_equal(s(steps), dynweights.evaluate(name, steps))
    assert s.formula.startswith(("w_t = ", r"\eta_t = "))
    breakpoints = s.breakpoints
    assert breakpoints.dtype == np.int64
    assert np.all(np.diff(breakpoints) > 0)


@pytest.mark.parametrize("name", sorted(SCHEDULES))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_scalar_path_within_one_ulp_of_the_array_path(name, data):
    s = schedule(name, **data.draw(params_for(SCHEDULES[name])))
    steps = np.unique(
        np.concatenate([np.linspace(0, s.total_steps + 5, 60).round(), s.breakpoints])
    )
    array = s.values(steps)
    scalar = np.array([s(int(k)) for k in steps])
    ulps = np.abs(scalar - array) / np.spacing(np.maximum(np.abs(array), np.finfo(float).tiny))
    assert ulps.max() <= 1, (steps[ulps.argmax()], scalar[ulps.argmax()], array[ulps.argmax()])


def test_scalar_call_rejects_bad_steps():
    s = schedule("linear")
    for bad in (-1, -0.5, math.nan, math.inf):
        with pytest.raises(ValueError, match="steps must be finite and >= 0"):
            s(bad)
    for bad in ("5", True, None):
        with pytest.raises(ValueError, match="steps"):
            s(bad)  # type: ignore[arg-type]


def test_rules_are_data_naming_both_parameters():
    rules = {
        (rule.param, rule.high.text if rule.high else None)
        for rule in SCHEDULES["warmup_stable_decay"].rules
    }
    assert ("warmup_steps", "total_steps") in rules
    assert ("decay_steps", "total_steps - warmup_steps") in rules
    assert ("min_lr", "init_lr") in rules


def test_from_json_rejects_bad_text():
    for text, message in [
        ("{", "not valid JSON"),
        ("[]", 'exactly the keys "schedule" and "params"'),
        ('{"schedule": "linear"}', 'exactly the keys "schedule" and "params"'),
        ('{"schedule": "nope", "params": {}}', "Unknown schedule 'nope'"),
        (
            '{"schedule": "linear", "params": {"max_weight": -1}}',
            "max_weight must be in [0, 1000000]",
        ),
        ('{"schedule": "phases", "params": {"phases": []}}', "phases must be a list of 1 to 32"),
        ('{"schedule": "linear", "params": []}', "params must be an object"),
    ]:
        with pytest.raises(ValueError, match=re.escape(message)):
            from_json(text)


# --- the bugs of issue 9 ---


def test_restarts_with_a_multiplier_are_exact_up_to_2_to_the_53():
    s = schedule(
        "cosine_warm_restarts", total_steps=2**53, cycle_steps=1, cycle_mult=10, init_lr=0.1
    )
    restart = 1111111111111111  # 1 + 10 + ... + 10^15
    assert s(restart) == 0.1
    assert s(np.array([restart]))[0] == 0.1
    assert s(restart - 1) < 1e-3  # the floor end of the cycle before
    assert restart in s.breakpoints


def test_code_export_prints_plain_numbers():
    code = to_code("linear", max_weight=np.float64(2.0), total_steps=np.int64(10))
    assert "np." not in code
    namespace: dict = {}
    exec(code, namespace)
    assert namespace["schedule"](5) == 1.0


def test_error_bounds_are_exact():
    with pytest.raises(ValueError, match="min_lr") as info:
        schedule("cosine_annealing", init_lr=0.123456789, min_lr=0.2)
    assert str(info.value) == "min_lr must be in [0, init_lr] = [0, 0.123456789], got 0.2"


def test_thinned_restarts_with_a_multiplier_keep_an_even_selection():
    s = schedule("cosine_warm_restarts", total_steps=2**40, cycle_steps=1, cycle_mult=2)
    every = s.marks(10**6)
    assert every.size == 40  # 2^k - 1 for k = 1..40
    kept = s.marks(8)
    assert kept.size == 8
    assert kept[0] == every[0]
    assert kept[-1] == every[-1]
    index = np.searchsorted(every, kept)
    assert np.all(np.diff(index) >= 4)  # spread out, not the first eight


def test_to_code_accepts_a_bound_schedule():
    s = schedule("step_decay", step_size=7)
    assert to_code(s, "python") == to_code("step_decay", "python", step_size=7)
    with pytest.raises(ValueError, match="no parameters"):
        to_code(s, "python", step_size=3)


def test_json_form_is_stable():
    s = schedule("cosine_annealing", total_steps=10, init_lr=0.5)
    assert json.loads(s.to_json()) == {
        "schedule": "cosine_annealing",
        "params": {"total_steps": 10, "init_lr": 0.5, "min_lr": 0.0, "k_decay": 1.0},
    }
