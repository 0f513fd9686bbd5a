"""dynweights.to_code: every snippet is executed and compared with evaluate()."""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from peers import peer

from dynweights import SCHEDULES, evaluate, schedule, to_code

# Settings that reach every branch of a snippet: restarts with a multiplier,
# each WSD decay shape, no decay, no warmup, and a warmup that ramps down.
VARIANTS = {
    "cosine_warm_restarts": [{"cycle_mult": 2, "cycle_steps": 3, "total_steps": 200}],
    "warmup_stable_decay": [
        {"decay_shape": "linear"},
        {"decay_shape": "1-sqrt"},
        {"decay_steps": 0},
        {"warmup_steps": 0},
    ],
    "cosine_with_linear_warmup": [{"warmup_lr": 0.5}, {"warmup_steps": 0}],
    "one_cycle": [
        {"pct_start": 0.5, "div_factor": 4.0, "final_div_factor": 2.0},
        {"anneal": "linear", "three_phase": True},
    ],
    "cosine_annealing": [{"k_decay": 2.0, "min_lr": 0.01}, {"min_lr": 0.02}],
    "multistep_decay": [{"milestones": (1, 50, 51, 100), "gamma": 0.5}],
    "cyclic": [
        {"cyclic_mode": "triangular2", "step_size_up": 7, "step_size_down": 3},
        {"cyclic_mode": "exp_range", "gamma": 0.99, "min_lr": 0.01},
    ],
    "inverse_time_decay": [{"staircase": True}],
    "cosine_with_hard_restarts": [{"num_cycles": 1.5}],
    "linear_with_warmup": [{"warmup_steps": 0, "min_lr": 0.01}],
    "polynomial_decay": [{"warmup_steps": 0}, {"warmup_steps": 0, "min_lr": 0.01}],
}
VARIANTS["cosine_warm_restarts"] += [{"peak_decay": 0.5}, {"peak_decay": 0.7, "min_lr": 0.01}]
VARIANTS["cosine_with_linear_warmup"] += [{"warmup_lr": 0.01, "min_lr": 0.001}]
VARIANTS["warmup_stable_decay"] += [
    {"warmup_shape": "1-sqrt", "decay_shape": "1-square"},
    {"warmup_shape": "cosine", "warmup_lr": 0.01, "min_lr": 0.01},
]
CASES = [(name, {}) for name in SCHEDULES] + [
    (name, params) for name, variants in VARIANTS.items() for params in variants
]
LR_CASES = [(name, params) for name, params in CASES if SCHEDULES[name].family == "lr"]


def _ids(cases):
    return [f"{name}-{params}" for name, params in cases]


def _steps(name, params):
    total = {**SCHEDULES[name].defaults(), **params}["total_steps"]
    return np.arange(int(total) + 6)  # past T too: the snippets must hold


@pytest.mark.parametrize(("name", "params"), CASES, ids=_ids(CASES))
def test_python_snippet_reproduces_the_curve(name, params):
    namespace: dict[str, object] = {}
    exec(to_code(name, "python", **params), namespace)
    steps = _steps(name, params)
    got = np.array([namespace["schedule"](int(k)) for k in steps])
    want = evaluate(name, steps, **params)
    # math and numpy may round cos/exp differently in the last ulp.
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-15 * np.max(np.abs(want)))


def _run_torch(code: str, total: int) -> np.ndarray:
    """The lr of steps 0..T that a PyTorch or transformers snippet sets."""
    torch = peer("torch")
    # The optimizer's own lr must not matter.
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=123.0)
    namespace: dict[str, object] = {"optimizer": optimizer}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # SequentialLR's deprecation notes
        exec(code, namespace)
        scheduler = namespace["scheduler"]
        got = []
        for _ in range(total + 1):
            got.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            scheduler.step()
    return np.array(got)


def _run_optax(code: str, total: int) -> np.ndarray:
    peer("optax")
    namespace: dict[str, object] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # jax's own, on import
        exec(code, namespace)
        return np.array([float(namespace["schedule"](k)) for k in range(total + 1)])


def _run_keras(code: str, total: int) -> np.ndarray:
    os.environ["KERAS_BACKEND"] = "jax"  # before keras is first imported
    peer("keras")
    namespace: dict[str, object] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        exec(code, namespace)
        return np.array([float(namespace["schedule"](k)) for k in range(total + 1)])


RUN = {"pytorch": _run_torch, "transformers": _run_torch, "optax": _run_optax, "keras": _run_keras}
# PyTorch and transformers compute in float64, recursively for some classes
# (SequentialLR over T steps: 4e-13 at T = 1e5 in the fixtures). optax and
# Keras compute in float32, 24 bits (6e-8); the restarts' log and one-cycle's
# cosines lose a few more: measured at most 1.7e-7 of the peak.
RTOL = {"pytorch": 1e-9, "transformers": 1e-9, "optax": 0.0, "keras": 0.0}
ATOL = {"pytorch": 1e-12, "transformers": 1e-12, "optax": 1e-6, "keras": 1e-6}


def _check(name: str, params: dict, target: str) -> None:
    s = schedule(name, **params)
    got = RUN[target](to_code(s, target), s.total_steps)
    want = s(np.arange(s.total_steps + 1))
    peak = np.max(np.abs(want))
    # Hard restarts' position in its cycle, C t / (T - W) mod 1, keeps float32's
    # relative error of C t / (T - W): C times more absolute error.
    cycles = max(1.0, float(s.params.get("num_cycles", 1.0))) if ATOL[target] > 1e-9 else 1.0
    np.testing.assert_allclose(got, want, rtol=RTOL[target], atol=ATOL[target] * peak * cycles)


TARGET_CASES = [(n, p, t) for n, p in LR_CASES for t in RUN]


@pytest.mark.parametrize(
    ("name", "params", "target"), TARGET_CASES, ids=[f"{t}-{n}-{p}" for n, p, t in TARGET_CASES]
)
def test_snippet_reproduces_every_step_to_total(name, params, target):
    _check(name, params, target)


@st.composite
def small_params(draw, spec):
    """Valid parameters with total_steps <= 80, so each snippet can be stepped through."""
    values: dict[str, object] = {}
    for param in spec.params:
        if param.name == "total_steps":
            values["total_steps"] = draw(st.integers(max(param.min, 2), 80))
        elif param.type is bool:
            values[param.name] = draw(st.booleans())
        elif param.type is list:
            milestones = st.lists(st.integers(1, 90), unique=True, max_size=4)
            values[param.name] = draw(milestones.map(lambda m: tuple(sorted(m))))
        elif param.type is str:
            values[param.name] = draw(st.sampled_from(param.choices))
        elif param.type is int:
            high = {"warmup_steps": values["total_steps"] - 1}.get(param.name, 40)
            if param.name == "decay_steps":
                high = values["total_steps"] - values["warmup_steps"]
            values[param.name] = draw(st.integers(param.min, max(param.min, high)))
        else:
            high = values["init_lr"] if param.name == "min_lr" else param.max
            # No subnormal rates: float32 flushes them to 0.
            low = max(param.min, 1e-3) if param.min >= 0 else param.min
            values[param.name] = draw(st.floats(min(low, high), high))
    try:
        schedule(spec.name, **values)
    except ValueError:  # a rule tying two parameters (one-cycle's peak, tanh's bounds)
        values = dict(spec.defaults())
    return values


EXAMPLES = {"pytorch": 12, "transformers": 6, "optax": 4, "keras": 3}
RANDOM_CASES = [(n, t) for n in SCHEDULES if SCHEDULES[n].family == "lr" for t in RUN]


@pytest.mark.parametrize(
    ("name", "target"), RANDOM_CASES, ids=[f"{t}-{n}" for n, t in RANDOM_CASES]
)
def test_snippet_reproduces_random_parameters(name, target):
    @settings(
        max_examples=EXAMPLES[target],
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(params=small_params(SCHEDULES[name]))
    def check(params):
        _check(name, params, target)

    check()


@pytest.mark.parametrize(
    ("name", "params", "target", "native"),
    [
        ("multistep_decay", {}, "pytorch", "lr_scheduler.MultiStepLR("),
        ("step_decay", {}, "pytorch", "lr_scheduler.StepLR("),
        ("exponential_decay", {}, "pytorch", "lr_scheduler.ExponentialLR("),
        ("cosine_annealing", {}, "pytorch", "lr_scheduler.CosineAnnealingLR("),
        ("cosine_warm_restarts", {}, "pytorch", "lr_scheduler.CosineAnnealingWarmRestarts("),
        ("one_cycle", {}, "pytorch", "lr_scheduler.OneCycleLR("),
        ("cyclic", {}, "pytorch", "lr_scheduler.CyclicLR("),
        ("polynomial_decay", {"warmup_steps": 0}, "pytorch", "lr_scheduler.PolynomialLR("),
        ("cosine_with_linear_warmup", {"warmup_lr": 0.01}, "pytorch", "lr_scheduler.SequentialLR("),
        ("cosine_with_linear_warmup", {}, "transformers", "get_scheduler('cosine',"),
        ("linear_with_warmup", {}, "transformers", "get_scheduler('linear',"),
        ("constant_with_warmup", {}, "transformers", "get_scheduler('constant_with_warmup',"),
        ("cosine_with_hard_restarts", {}, "transformers", "get_scheduler('cosine_with_restarts',"),
        ("warmup_stable_decay", {}, "transformers", "get_scheduler('warmup_stable_decay',"),
        ("inverse_sqrt", {}, "transformers", "get_scheduler('inverse_sqrt',"),
        ("polynomial_decay", {}, "transformers", "get_scheduler('polynomial',"),
        ("multistep_decay", {}, "optax", "optax.piecewise_constant_schedule("),
        ("inverse_time_decay", {}, "keras", "schedules.InverseTimeDecay("),
        ("multistep_decay", {}, "keras", "schedules.PiecewiseConstantDecay("),
        ("cosine_with_linear_warmup", {}, "keras", "schedules.CosineDecay("),
        ("cosine_warm_restarts", {"peak_decay": 0.5}, "keras", "schedules.CosineDecayRestarts("),
        ("step_decay", {}, "keras", "schedules.ExponentialDecay("),
        ("polynomial_decay", {"warmup_steps": 0}, "keras", "schedules.PolynomialDecay("),
        ("tanh_decay", {}, "pytorch", "LambdaLR("),
        ("tanh_decay", {}, "keras", "LearningRateSchedule)"),
    ],
)
def test_snippet_uses_the_library_own_scheduler(name, params, target, native):
    assert native in to_code(name, target, **params)


def test_transformers_snippet_gives_training_arguments():
    code = to_code("cosine_with_linear_warmup", "transformers", min_lr=0.01)
    assert "# With the Trainer: TrainingArguments(lr_scheduler_type='cosine_with_min_lr'" in code


def test_native_snippet_says_where_it_differs():
    assert "rises again" in to_code("cosine_annealing", "pytorch")
    assert "stepping past T raises" in to_code("one_cycle", "pytorch")


def test_optax_snippet_uses_optax_own_schedules():
    assert "optax.warmup_cosine_decay_schedule(" in to_code("cosine_with_linear_warmup", "optax")
    assert "optax.join_schedules(" in to_code("polynomial_decay", "optax")
    assert "optax.cosine_decay_schedule(" in to_code("cosine_annealing", "optax")


def test_python_snippet_needs_only_math():
    code = to_code("cosine_warm_restarts", "python", cycle_mult=2)
    imports = [line for line in code.splitlines() if line.startswith(("import", "from"))]
    assert imports == ["import bisect", "import math"]  # the standard library only


@pytest.mark.parametrize("target", ["pytorch", "transformers", "optax", "keras"])
def test_weight_schedules_export_only_to_python(target):
    with pytest.raises(ValueError, match="target"):
        to_code("linear", target)


def test_unknown_target():
    with pytest.raises(ValueError, match=r"target must be one of 'python', 'pytorch', 'transf"):
        to_code("linear", "jax")


def test_parameters_are_checked():
    with pytest.raises(ValueError, match="warmup_steps"):
        to_code("cosine_with_linear_warmup", "python", warmup_steps=100)
