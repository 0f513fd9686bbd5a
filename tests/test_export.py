"""dynweights.to_code: every snippet is executed and compared with evaluate()."""

from __future__ import annotations

import importlib
import os
import warnings
from types import ModuleType

import numpy as np
import pytest

from dynweights import SCHEDULES, evaluate, to_code

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
    "one_cycle": [{"pct_start": 0.5, "div_factor": 4.0, "final_div_factor": 2.0}],
}
CASES = [(name, {}) for name in SCHEDULES] + [
    (name, params) for name, variants in VARIANTS.items() for params in variants
]
LR_CASES = [(name, params) for name, params in CASES if SCHEDULES[name].family == "lr"]


def _ids(cases):
    return [f"{name}-{params}" for name, params in cases]


def _steps(name, params):
    total = {**SCHEDULES[name].defaults(), **params}["total_steps"]
    return np.arange(int(total) + 6)  # past T too: the snippets must hold


def _peer(name: str) -> ModuleType:
    """The peer library, which `make test` installs; only a bare checkout may lack it."""
    try:
        return importlib.import_module(name)
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail(f"{name} must be installed in CI (requirements-peers.txt)")
        pytest.skip(f"{name} is not installed")


@pytest.mark.parametrize(("name", "params"), CASES, ids=_ids(CASES))
def test_python_snippet_reproduces_the_curve(name, params):
    namespace: dict[str, object] = {}
    exec(to_code(name, "python", **params), namespace)
    steps = _steps(name, params)
    got = np.array([namespace["schedule"](int(k)) for k in steps])
    want = evaluate(name, steps, **params)
    # math and numpy may round cos/exp differently in the last ulp.
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-15 * np.max(np.abs(want)))


@pytest.mark.parametrize(("name", "params"), LR_CASES, ids=_ids(LR_CASES))
def test_pytorch_snippet_sets_the_lr_of_every_step(name, params):
    torch = _peer("torch")
    # The optimizer's own lr must not matter.
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=123.0)
    namespace: dict[str, object] = {"optimizer": optimizer}
    exec(to_code(name, "pytorch", **params), namespace)
    scheduler = namespace["scheduler"]
    got = []
    for _ in _steps(name, params):
        got.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    want = evaluate(name, _steps(name, params), **params)
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-15 * np.max(np.abs(want)))


@pytest.mark.parametrize(("name", "params"), LR_CASES, ids=_ids(LR_CASES))
def test_optax_snippet_matches_to_float32_precision(name, params):
    _peer("optax")
    namespace: dict[str, object] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # jax's own, on import
        exec(to_code(name, "optax", **params), namespace)
        steps = _steps(name, params)
        got = np.array([float(namespace["schedule"](int(k))) for k in steps])
    want = evaluate(name, steps, **params)
    # float32 carries 24 bits: 6e-8 relative; the restarts' log and one-cycle's
    # cosines lose a few more. Measured at most 1.7e-7 of the peak.
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6 * np.max(np.abs(want)))


def test_optax_snippet_uses_optax_own_schedules():
    assert "optax.warmup_cosine_decay_schedule(" in to_code("cosine_with_linear_warmup", "optax")
    assert "optax.join_schedules(" in to_code("polynomial_decay", "optax")
    assert "optax.cosine_decay_schedule(" in to_code("cosine_annealing", "optax")


def test_python_snippet_needs_only_math():
    code = to_code("cosine_warm_restarts", "python", cycle_mult=2)
    imports = [line for line in code.splitlines() if line.startswith(("import", "from"))]
    assert imports == ["import bisect", "import math"]  # the standard library only


@pytest.mark.parametrize("target", ["pytorch", "optax"])
def test_weight_schedules_export_only_to_python(target):
    with pytest.raises(ValueError, match="target"):
        to_code("linear", target)


def test_unknown_target():
    with pytest.raises(ValueError, match=r"target must be one of 'python', 'pytorch', 'optax'"):
        to_code("linear", "keras")


def test_parameters_are_checked():
    with pytest.raises(ValueError, match="warmup_steps"):
        to_code("cosine_with_linear_warmup", "python", warmup_steps=100)
