"""Fuzzed parameters (issue 5): anything a caller or a link can pass.

``dynweights.evaluate`` either raises a ``ValueError`` that names the culprit
or returns finite numbers; ``links.parse`` never raises and never lets a
backtick from the link out of its code span.
"""

from __future__ import annotations

import math
import re
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dynweights
from dynweights import SCHEDULES
from explorer import curves, links, setup
from explorer.hf_paste import parse_config
from explorer.inputs import value_range

FUZZ = settings(max_examples=300, deadline=None)

numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([0, 1, 2, 2**53, 2**53 + 1, 10**9, 10**9 + 1, 10**400, -1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=0.0, max_value=10.0),
    st.floats(allow_subnormal=True, min_value=0.0, max_value=1e-300),
    st.sampled_from([0.0, -0.0, 0.5, 1.0, 1e-5, 1e308, math.nan, math.inf, -math.inf]),
    st.sampled_from([np.float64(0.5), np.int64(7), np.float32(0.25), np.int8(3)]),
)
anything = st.one_of(
    numbers,
    st.booleans(),
    st.text(max_size=20),
    st.none(),
    st.lists(st.integers(0, 10), max_size=3),
)


def in_range(param: dynweights.Param) -> st.SearchStrategy[Any]:
    """Values inside the explorer's bounds: most draws should reach the maths."""
    if param.type is str:
        return st.sampled_from(param.choices)
    if param.type is bool:
        return st.booleans()
    if param.type is list:
        return st.lists(st.integers(1, 200), max_size=4, unique=True).map(
            lambda m: tuple(sorted(m))
        )
    low, high = value_range(param)
    if param.type is int:
        return st.integers(int(low), int(high))
    return st.floats(float(low), float(high))


def param_strategy(param: dynweights.Param) -> st.SearchStrategy[Any]:
    return st.one_of(in_range(param), in_range(param), numbers, anything)


scalar_steps = st.one_of(
    st.integers(0, 2**53),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(0, 1e12),
)
steps_strategy = st.one_of(
    scalar_steps,
    st.lists(scalar_steps, max_size=20),
    st.lists(st.integers(0, 10**9), min_size=1, max_size=50).map(np.array),
    st.lists(st.floats(0, 1e9), max_size=50).map(lambda xs: np.array(xs, dtype=np.float64)),
    st.lists(st.lists(st.integers(0, 100), min_size=2, max_size=2), max_size=5),  # 2-D
    st.lists(st.lists(st.integers(0, 100), max_size=3), min_size=2, max_size=3),  # ragged
    anything,
)


@st.composite
def calls(draw: st.DrawFn, name: str) -> tuple[Any, dict[str, Any]]:
    spec = SCHEDULES[name]
    chosen = draw(st.sets(st.sampled_from([p.name for p in spec.params])))
    params = {p.name: draw(param_strategy(p)) for p in spec.params if p.name in chosen}
    return draw(steps_strategy), params


@pytest.mark.parametrize("name", sorted(SCHEDULES))
@FUZZ
@given(data=st.data())
def test_evaluate_is_finite_or_names_the_culprit(name: str, data: st.DataObject) -> None:
    steps, params = data.draw(calls(name))
    culprits = ["steps", *(p.name for p in SCHEDULES[name].params)]
    try:
        out = dynweights.evaluate(name, steps, **params)
    except ValueError as err:
        message = str(err)
        assert any(re.search(rf"\b{c}\b", message) for c in culprits), message
        assert len(message) < 400
        return
    shape = np.shape(np.asarray(steps, dtype=np.float64))
    if shape == ():
        assert type(out) is float
        assert math.isfinite(out)
    else:
        assert isinstance(out, np.ndarray)
        assert out.dtype == np.float64
        assert out.shape == shape
        assert np.all(np.isfinite(out))


@pytest.mark.parametrize("name", sorted(SCHEDULES))
@FUZZ
@given(data=st.data())
def test_valid_parameters_give_values_between_the_rates(name: str, data: st.DataObject) -> None:
    """Inside the explorer's bounds, every schedule is finite and never overshoots."""
    spec = SCHEDULES[name]
    params = {p.name: data.draw(in_range(p), label=p.name) for p in spec.params}
    steps = np.array(data.draw(st.lists(st.integers(0, 2 * 10**9), min_size=1, max_size=30)))
    values = {**spec.defaults(), **params}
    try:
        out = dynweights.evaluate(name, steps, **params)
    except ValueError as err:
        message = str(err)
    else:
        message = ""
    if message:
        # Each parameter is within its own bounds, so only a rule tying two of
        # them together may fail, and its message names both.
        assert sum(re.search(rf"\b{p.name}\b", message) is not None for p in spec.params) >= 2
        return
    assert np.all(np.isfinite(out))
    rates = [values[k] for k in ("max_weight", "init_lr", "warmup_lr", "min_lr") if k in values]
    assert np.all(out >= 0)
    assert np.all(out <= max(rates))


RATES = ("max_weight", "init_lr", "warmup_lr")


@pytest.mark.parametrize(
    ("name", "rate"),
    [(s.name, p.name) for s in SCHEDULES.values() for p in s.params if p.name in RATES],
)
def test_largest_rates_evaluate_without_warnings(name: str, rate: str) -> None:
    """The largest valid rate must not overflow on the way; the float64 maximum is refused.

    Found by the fuzzer: a joined piece evaluated past its own range overflowed
    (a RuntimeWarning, an error under ``-W error``) although ``np.where`` then
    discarded it.
    """
    steps = np.arange(0, 3 * int(SCHEDULES[name].defaults()["total_steps"]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = dynweights.evaluate(name, steps, **{rate: dynweights.MAX_VALUE})
    assert np.all(np.isfinite(out))
    with pytest.raises(ValueError, match=rf"^{rate} must be in \[0, 1000000\]"):
        dynweights.evaluate(name, steps, **{rate: np.finfo(np.float64).max})


keys = st.one_of(
    st.sampled_from(
        [*links.GLOBAL_KEYS, links.CURVE_KEY, "weights", "lrs", "pin", "preset", "warmup_steps"]
    ),
    st.text(),
)
link_values = st.one_of(
    st.text(),
    st.text(alphabet="0123456789.eE-+`x ", max_size=40),
    st.sampled_from(["inf", "nan", "", "1e400", "9" * 400, "Linear", "true", "svg", "`"]),
    st.sampled_from(["cosine:max_weight=", "phases:linear,1,0,", "linear:total_steps=`"]),
)


@FUZZ
@given(query=st.dictionaries(keys, st.lists(link_values, max_size=4), max_size=6))
def test_parse_link_never_raises_nor_leaks_backticks(query: dict[str, list[str]]) -> None:
    parsed = links.parse(query)
    assert len(parsed.view.curves) <= 8
    for value in parsed.view.shared.values():
        assert not isinstance(value, float) or math.isfinite(value)
    for notice in parsed.notices:
        assert notice.count("`") % 2 == 0
        outside = re.sub(r"`[^`]*`", "", notice)
        assert "`" not in outside
        assert "\n" not in notice
        assert len(notice) < 400


HF_KEYS = [
    "learning_rate",
    "lr_scheduler_type",
    "lr_scheduler_kwargs",
    "warmup_steps",
    "warmup_ratio",
    "num_train_epochs",
    "max_steps",
    "per_device_train_batch_size",
    "gradient_accumulation_steps",
    "dataloader_drop_last",
    "output_dir",
]
hf_values = st.one_of(
    numbers,
    st.booleans(),
    st.none(),
    st.text(max_size=20),
    st.sampled_from(["cosine", "linear", "cosine_wobble", "greedy", '{"min_lr": 1e-5}', "-1"]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.sampled_from(["min_lr", "num_cycles", "power", "x"]), numbers, max_size=2),
)
pasted = st.one_of(
    st.text(max_size=200),
    st.dictionaries(st.sampled_from(HF_KEYS), hf_values, max_size=6).map(
        lambda d: "TrainingArguments(" + ", ".join(f"{k}={v!r}" for k, v in d.items()) + ")"
    ),
    st.dictionaries(st.sampled_from(HF_KEYS), hf_values, max_size=6).map(
        lambda d: "\n".join(f"{k}: {v!r}" for k, v in d.items())
    ),
)


@FUZZ
@given(text=pasted)
def test_pasted_config_gives_its_exact_budget_or_a_named_error(text: str) -> None:
    """Malformed JSON or YAML, negative epochs, a batch of 0, warmup_steps=1.5, unknown
    types: whatever is pasted, the page gets a schedule or a ValueError to show."""
    try:
        config = parse_config(text)
        bound, run = setup.from_config(config, curves.default_shared())
    except ValueError as err:
        message = str(err)
    else:
        assert bound.total_steps == run.total_steps <= dynweights.MAX_TOTAL_STEPS
        assert np.all(np.isfinite(bound.values(dynweights.plot_steps(bound, 1000))))
        return
    assert message
