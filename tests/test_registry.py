"""The registry is data: its entries, their parameters, and evaluate()."""

import dataclasses
import inspect
from pathlib import Path

import numpy as np
import pytest

import dynweights
from dynweights import SCHEDULES, evaluate, get_schedule

SPECS = list(SCHEDULES.values())
IDS = list(SCHEDULES)
ALL_PARAMS = [(spec, p) for spec in SPECS for p in spec.params]
PARAM_IDS = [f"{spec.name}.{p.name}" for spec, p in ALL_PARAMS]


def test_registry_is_read_only():
    with pytest.raises(TypeError):
        SCHEDULES["linear"] = SCHEDULES["cosine"]  # type: ignore[index]
    with pytest.raises(TypeError):
        del SCHEDULES["linear"]  # type: ignore[attr-defined]
    assert SCHEDULES["linear"].function is dynweights.linear


def test_registry_names_every_schedule_once():
    assert sorted(SCHEDULES) == [
        "cosine",
        "cosine_annealing",
        "cosine_warm_restarts",
        "cosine_with_linear_warmup",
        "exponential",
        "linear",
        "power",
    ]
    for name, spec in SCHEDULES.items():
        assert spec.name == name
        assert getattr(dynweights, name) is spec.function


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_spec_is_frozen_and_described(spec):
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.name = "other"
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.params[0].default = 0
    assert spec.family in {"weight", "lr"}
    assert spec.formula.strip()
    assert spec.label.strip()
    assert spec.description.strip()
    assert isinstance(spec.params, tuple)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_params_match_function_signature(spec):
    signature = inspect.signature(spec.function)
    keyword_only = [
        p for p in signature.parameters.values() if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    assert [p.name for p in spec.params] == [p.name for p in keyword_only]
    assert [p.default for p in spec.params] == [p.default for p in keyword_only]
    # The step is the only other argument, and it is positional.
    assert list(signature.parameters) == ["steps", *(p.name for p in spec.params)]
    assert signature.parameters["steps"].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD


def test_same_name_means_same_param_everywhere():
    by_name: dict[str, dynweights.Param] = {}
    for _, param in ALL_PARAMS:
        assert by_name.setdefault(param.name, param) == param, param.name
    assert {"total_steps", "max_weight", "init_lr", "min_lr"} <= set(by_name)


@pytest.mark.parametrize(("spec", "param"), ALL_PARAMS, ids=PARAM_IDS)
def test_param_metadata_is_consistent(spec, param):
    assert param.label.strip()
    assert param.description.strip()
    assert isinstance(param.default, param.type)
    assert not isinstance(param.default, bool)
    if param.type is str:
        assert param.default in param.choices
        assert param.min is None
        assert param.max is None
    else:
        assert isinstance(param.min, param.type)
        assert isinstance(param.max, param.type)
        assert param.min <= param.default <= param.max
        assert param.step > 0
        assert param.step <= param.max - param.min
    if param.type is int:
        assert param.step == 1


def test_defaults_method():
    assert SCHEDULES["power"].defaults() == {
        "total_steps": 100,
        "max_weight": 1.0,
        "power_factor": 2.0,
    }


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_evaluate_without_params_uses_registry_defaults(spec):
    steps = np.linspace(0, 150, 301)
    expected = spec.function(steps, **spec.defaults())
    np.testing.assert_array_equal(evaluate(spec.name, steps), expected)
    np.testing.assert_array_equal(spec(steps), expected)
    np.testing.assert_array_equal(spec.function(steps), expected)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_evaluate_passes_params_through(spec):
    params = {"total_steps": 40}
    assert evaluate(spec.name, 60, **params) == spec.function(60, **params)
    assert evaluate(spec.name, 60, **params) != evaluate(spec.name, 60)


@pytest.mark.parametrize("name", ["nope", "Linear", "", 3, None])
def test_unknown_schedule_lists_valid_names(name):
    with pytest.raises(ValueError, match="Unknown schedule") as info:
        evaluate(name, 1)
    message = str(info.value)
    assert "linear" in message
    assert "cosine_annealing" in message
    assert all(valid in message for valid in SCHEDULES)
    with pytest.raises(ValueError, match="cosine_warm_restarts"):
        get_schedule(name)


def test_unknown_parameter_is_named():
    with pytest.raises(ValueError, match="bogus_param") as info:
        evaluate("linear", 1, bogus_param=3)
    assert "max_weight" in str(info.value)  # and lists the valid ones
    # A parameter of another schedule is unknown here too.
    with pytest.raises(ValueError, match="power_factor"):
        evaluate("cosine_annealing", 1, power_factor=2.0)


def test_public_api_is_pinned_and_sorted():
    assert dynweights.__all__ == [
        "DEFAULT_POINTS",
        "MAX_POINTS",
        "MAX_TOTAL_STEPS",
        "SCHEDULES",
        "Param",
        "Schedule",
        "cosine",
        "cosine_annealing",
        "cosine_warm_restarts",
        "cosine_with_linear_warmup",
        "evaluate",
        "exponential",
        "get_schedule",
        "linear",
        "plot_steps",
        "power",
    ]

    # Sorted the way ruff's RUF022 sorts it (isort style): CONSTANTS, then
    # Classes, then functions, each alphabetically.
    def isort_key(name: str) -> tuple[int, str]:
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert dynweights.__all__ == sorted(dynweights.__all__, key=isort_key)
    assert all(hasattr(dynweights, name) for name in dynweights.__all__)


def test_package_is_typed():
    assert (Path(dynweights.__file__).parent / "py.typed").is_file()


def test_max_total_steps_is_the_total_steps_bound():
    total_steps = {p for _, p in ALL_PARAMS if p.name == "total_steps"}
    assert [p.max for p in total_steps] == [dynweights.MAX_TOTAL_STEPS]
