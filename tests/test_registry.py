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
        "constant_with_warmup",
        "cosine",
        "cosine_annealing",
        "cosine_warm_restarts",
        "cosine_with_hard_restarts",
        "cosine_with_linear_warmup",
        "cyclic",
        "cyclical_annealing",
        "exponential",
        "exponential_decay",
        "inverse_sqrt",
        "inverse_time_decay",
        "linear",
        "linear_with_warmup",
        "multistep_decay",
        "one_cycle",
        "polynomial_decay",
        "power",
        "sigmoid_ramp",
        "step_decay",
        "tanh_decay",
        "warmup_stable_decay",
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


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_function_docstring_documents_each_param_and_runs_an_example(spec):
    doc = spec.function.__doc__
    args = doc.split("\nArgs:\n")[1].split("\n\n")[0]
    named = [line.split(":")[0].strip() for line in args.splitlines() if line[:4] != "    "]
    assert named == ["steps", *(p.name for p in spec.params)]
    assert doc.startswith(spec.doc.strip().splitlines()[0])
    assert "\n>>> " in doc
    assert f"{spec.name}(" in doc.split("\n>>> ", 1)[1]


def test_same_name_means_same_param_everywhere_up_to_bounds():
    # The explorer shows one widget per parameter name, offering the union of
    # the bounds of the visible schedules, and keeps its value when the user
    # switches schedule. So Params of the same name may differ only in min and
    # max (inverse_sqrt needs warmup_steps >= 1); label, description, type,
    # step and choices must be the same everywhere. The default may differ only
    # for gamma, a decay factor everywhere, whose peers' defaults differ
    # (StepLR 0.9 here, MultiStepLR 0.1, CyclicLR 1.0).
    by_name: dict[str, dynweights.Param] = {}
    for _, param in ALL_PARAMS:
        first = by_name.setdefault(param.name, param)
        same = dataclasses.replace(param, min=first.min, max=first.max)
        if param.name == "gamma":
            same = dataclasses.replace(same, default=first.default)
        assert same == first, param.name
        assert type(param.min) is type(first.min), param.name
        assert type(param.max) is type(first.max), param.name
    assert {"total_steps", "max_weight", "init_lr", "min_lr", "decay_shape"} <= set(by_name)


def test_params_differ_across_specs_only_where_expected():
    # Pins the bounds differences there are, so a new one is a decision:
    # inverse_sqrt needs warmup_steps >= 1, and so total_steps >= 2.
    bounds: dict[str, set[tuple[object, object]]] = {}
    for _, param in ALL_PARAMS:
        bounds.setdefault(param.name, set()).add((param.min, param.max))
    differing = {name: sorted(pairs) for name, pairs in bounds.items() if len(pairs) > 1}
    top = dynweights.MAX_TOTAL_STEPS - 1
    total = dynweights.MAX_TOTAL_STEPS
    assert differing == {
        "warmup_steps": [(0, top), (1, top)],
        "total_steps": [(1, total), (2, total)],
    }
    inverse_sqrt = {p.name: p.min for p in SCHEDULES["inverse_sqrt"].params}
    assert inverse_sqrt["warmup_steps"] == 1
    assert inverse_sqrt["total_steps"] == 2


@pytest.mark.parametrize(("spec", "param"), ALL_PARAMS, ids=PARAM_IDS)
def test_param_metadata_is_consistent(spec, param):
    assert param.label.strip()
    assert param.description.strip()
    assert isinstance(param.default, bool) == (param.type is bool)
    if param.type in (bool, list):
        # A switch or a list of milestones: no bounds, no choices.
        assert (param.min, param.max, param.choices) == (None, None, ())
        if param.type is list:
            assert isinstance(param.default, tuple)
        return
    if param.type is str:
        # A choice: the explorer shows a select box of `choices`, with no bounds.
        assert param.default in param.choices
        assert param.min is None
        assert param.max is None
        assert isinstance(param.choices, tuple)
        assert all(isinstance(c, str) and c for c in param.choices)
        assert len(set(param.choices)) == len(param.choices) >= 2
    else:
        assert param.choices == ()
        assert isinstance(param.min, param.type)
        assert isinstance(param.max, param.type)
        assert param.min <= param.default <= param.max
        assert param.step > 0
        assert param.step <= param.max - param.min
    if param.type is int:
        assert param.step == 1


# exp_range at gamma = 1 is triangular (CyclicLR's default gamma): show each
# mode with a gamma that shrinks.
CHOICE_CONTEXT = {"cyclic_mode": {"gamma": 0.99}}


@pytest.mark.parametrize(("spec", "param"), ALL_PARAMS, ids=PARAM_IDS)
def test_default_and_every_choice_are_valid(spec, param):
    steps = np.linspace(0, 2 * spec.defaults()["total_steps"], 401)
    curves = []
    context = CHOICE_CONTEXT.get(param.name, {})
    for value in (param.default, *param.choices):
        curve = spec.function(steps, **{**spec.defaults(), **context, param.name: value})
        assert np.all(np.isfinite(curve)), value
        curves.append(curve)
    # Each choice draws its own curve: a choice that changes nothing is a defect.
    distinct = {curve.tobytes() for curve in curves[1:]}
    assert len(distinct) == len(param.choices)


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
    # A constant after its warmup does not depend on total_steps.
    params = {"warmup_steps": 70} if spec.name == "constant_with_warmup" else {"total_steps": 40}
    assert evaluate(spec.name, 60, **params) == spec.function(60, **params)
    steps = np.arange(101)
    assert not np.array_equal(evaluate(spec.name, steps, **params), evaluate(spec.name, steps))


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
        "MAX_VALUE",
        "PRESETS",
        "SCHEDULES",
        "TARGETS",
        "Bound",
        "Budget",
        "Limit",
        "Param",
        "Preset",
        "Rule",
        "Schedule",
        "constant_with_warmup",
        "cosine",
        "cosine_annealing",
        "cosine_warm_restarts",
        "cosine_with_hard_restarts",
        "cosine_with_linear_warmup",
        "cyclic",
        "cyclical_annealing",
        "evaluate",
        "exponential",
        "exponential_decay",
        "from_hf_trainer",
        "from_json",
        "from_timm",
        "from_torch",
        "get_schedule",
        "inverse_sqrt",
        "inverse_time_decay",
        "linear",
        "linear_with_warmup",
        "multistep_decay",
        "one_cycle",
        "phases",
        "plot_steps",
        "polynomial_decay",
        "power",
        "reduce_on_plateau",
        "schedule",
        "sigmoid_ramp",
        "step_decay",
        "tanh_decay",
        "to_code",
        "warmup_stable_decay",
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
    assert {p.max for p in total_steps} == {dynweights.MAX_TOTAL_STEPS}
