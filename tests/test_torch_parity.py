"""from_torch against the real torch object, stepped k times, over random sources.

Sources are drawn from the 14 step-driven classes, nested up to 3 deep
(SequentialLR and ChainedScheduler of schedulers, of schedulers), with random
lambdas. Where torch raises while stepping, from_torch must raise a ValueError;
elsewhere it must equal torch to 1e-12 relative at every step. The python and
pytorch exports of each are executed and compared too.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from peers import peer

from dynweights import from_torch, to_code
from dynweights.pytorch import normalized, parse

RTOL = 1e-12
# How from_torch says that torch itself raises at some step.
TORCH_RAISES = "raises|divides|stepped|not finite|complex|zero length|must be"

numbers = st.sampled_from([0.0, 0.001, 0.05, 0.1, 0.25, 1.0 / 3, 0.5, 0.9, 0.95, 0.99, 1.0])
factors = st.sampled_from([0.1, 0.25, 1.0 / 3, 0.5, 0.8, 1.0])
counts = st.integers(1, 12)


@st.composite
def expressions(draw, depth: int = 0) -> str:
    """A lambda body over ``e``: arithmetic, comparisons, conditions, math, min/max/abs."""
    leaves = [
        "e",
        "0.5",
        "2",
        "0.9 ** e",
        "(e + 1) / 10",
        "math.cos(e / 4)",
        "math.exp(-e / 7)",
        "e // 3",
        "e % 4",
    ]
    if depth >= 2:
        return draw(st.sampled_from(leaves))
    a, b = draw(expressions(depth + 1)), draw(expressions(depth + 1))
    shapes = [
        f"({a} + {b})",
        f"({a} * {b})",
        f"({a} / {b})",
        f"min({a}, {b})",
        f"max({a}, {b}, 0.01)",
        f"abs({a} - {b})",
        f"({a} if e < {draw(counts)} else {b})",
        f"math.sqrt(abs({a}))",
        f"(e >= {draw(counts)}) * {a} + 0.1",
        draw(st.sampled_from(leaves)),
    ]
    return draw(st.sampled_from(shapes))


@st.composite
def leaves(draw) -> str:
    kind = draw(
        st.sampled_from(
            [
                "LambdaLR",
                "MultiplicativeLR",
                "StepLR",
                "MultiStepLR",
                "ConstantLR",
                "LinearLR",
                "ExponentialLR",
                "PolynomialLR",
                "CosineAnnealingLR",
                "CyclicLR",
                "CosineAnnealingWarmRestarts",
                "OneCycleLR",
            ]
        )
    )
    if kind in ("LambdaLR", "MultiplicativeLR"):
        return f"{kind}(opt, lambda e: {draw(expressions())})"
    if kind == "StepLR":
        return f"StepLR(opt, step_size={draw(counts)}, gamma={draw(numbers)})"
    if kind == "MultiStepLR":
        milestones = draw(st.lists(st.integers(1, 30), min_size=1, max_size=4))
        return f"MultiStepLR(opt, milestones={milestones}, gamma={draw(numbers)})"
    if kind == "ConstantLR":
        return f"ConstantLR(opt, factor={draw(factors)}, total_iters={draw(st.integers(0, 12))})"
    if kind == "LinearLR":
        start, end = draw(factors), draw(st.sampled_from([0.0, 0.5, 1.0]))
        return f"LinearLR(opt, start_factor={start}, end_factor={end}, total_iters={draw(counts)})"
    if kind == "ExponentialLR":
        return f"ExponentialLR(opt, gamma={draw(numbers)})"
    if kind == "PolynomialLR":
        power = draw(st.sampled_from([0.5, 1.0, 2.0]))
        return f"PolynomialLR(opt, total_iters={draw(counts)}, power={power})"
    if kind == "CosineAnnealingLR":
        return f"CosineAnnealingLR(opt, T_max={draw(counts)}, eta_min={draw(numbers)})"
    if kind == "CyclicLR":
        mode = draw(st.sampled_from(["triangular", "triangular2", "exp_range"]))
        down = draw(st.one_of(st.none(), counts))
        return (
            f"CyclicLR(opt, base_lr={draw(numbers)}, max_lr={draw(numbers)}, "
            f"step_size_up={draw(counts)}, step_size_down={down}, mode={mode!r}, "
            f"gamma={draw(numbers)})"
        )
    if kind == "CosineAnnealingWarmRestarts":
        return (
            f"CosineAnnealingWarmRestarts(opt, T_0={draw(counts)}, "
            f"T_mult={draw(st.integers(1, 3))}, eta_min={draw(numbers)})"
        )
    return (
        f"OneCycleLR(opt, max_lr={draw(numbers)}, total_steps={draw(st.integers(10, 60))}, "
        f"pct_start={draw(st.sampled_from([0.1, 0.25, 0.3, 0.5]))}, "
        f"anneal_strategy={draw(st.sampled_from(['cos', 'linear']))!r}, "
        f"three_phase={draw(st.booleans())})"
    )


@st.composite
def sources(draw, depth: int = 1) -> str:
    """A scheduler nested at most 3 deep; torch restarts only a leaf at a milestone."""
    if depth >= 3 or draw(st.integers(0, 2)) == 0:
        return draw(leaves())
    count = draw(st.integers(1, 3))
    if draw(st.booleans()):
        children = [draw(sources(depth + 1)) for _ in range(count)]
        return f"ChainedScheduler([{', '.join(children)}])"
    children = [draw(sources(depth + 1))] + [draw(leaves()) for _ in range(count - 1)]
    milestones = sorted(draw(st.sets(st.integers(1, 25), min_size=count - 1, max_size=count - 1)))
    return f"SequentialLR(opt, [{', '.join(children)}], milestones={milestones})"


def _torch_lrs(source: str, lr: float, steps: int) -> list[float] | None:
    """torch's lr after 0..steps steps, or None where torch raises."""
    torch = peer("torch")
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr, momentum=0.9)
    namespace = {"math": math, "opt": opt, "optimizer": opt, "torch": torch}
    namespace.update(vars(torch.optim.lr_scheduler))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scheduler = eval(source, namespace)  # the test's own generated source
            out = [opt.param_groups[0]["lr"]]
            for _ in range(steps):
                opt.step()
                scheduler.step()
                out.append(opt.param_groups[0]["lr"])
    except (ArithmeticError, ValueError, NotImplementedError):
        return None
    values = [complex(v) for v in out]
    if any(v.imag or not math.isfinite(v.real) for v in values):
        return None
    return [v.real for v in values]


def _check(source: str, lr: float, steps: int) -> float:
    want = _torch_lrs(source, lr, steps)
    if want is None:
        with pytest.raises(ValueError, match=TORCH_RAISES):
            from_torch(source, lr=lr, total_steps=steps)
        return 0.0
    s = from_torch(source, lr=lr, total_steps=steps)
    got = s(np.arange(steps + 1))
    expected = np.array(want)
    error = np.abs(got - expected) / np.where(expected == 0, 1.0, np.abs(expected))
    assert np.all((error <= RTOL) | (got == expected)), (source, got, expected)
    assert s.formula.startswith(r"\eta_t = ")
    return float(error.max())


EXAMPLES = 400


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(source=sources(), lr=st.sampled_from([0.1, 0.05, 1.0, 3e-4]), steps=st.integers(1, 40))
def test_from_torch_equals_torch_stepped(source, lr, steps):
    _check(source, lr, steps)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=sources(), lr=st.sampled_from([0.1, 1.0]), steps=st.integers(1, 30))
def test_python_and_pytorch_exports_reproduce_it(source, lr, steps):
    torch = peer("torch")
    if _torch_lrs(source, lr, steps) is None:
        return  # torch raises: nothing to export (the test above checks the error)
    s = from_torch(source, lr=lr, total_steps=steps)
    want = s(np.arange(steps + 1))
    namespace: dict[str, object] = {}
    exec(to_code(s, "python"), namespace)
    got = np.array([namespace["schedule"](k) for k in range(steps + 1)])
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=0)
    for target in ("pytorch", "transformers"):
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=123.0, momentum=0.9)
        namespace = {"optimizer": opt}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(to_code(s, target), namespace)
            scheduler, lrs = namespace["scheduler"], [opt.param_groups[0]["lr"]]
            for _ in range(steps):
                opt.step()
                scheduler.step()
                lrs.append(opt.param_groups[0]["lr"])
        np.testing.assert_allclose(lrs, want, rtol=RTOL, atol=0)


FIXED = [
    "SequentialLR(opt, [LinearLR(opt, 0.1, total_iters=5), "
    "LambdaLR(opt, lambda e: 0.9 ** e if e < 10 else math.cos(e / 9) ** 2)], [5])",
    "ChainedScheduler([LinearLR(opt, 0.4, total_iters=3), MultiStepLR(opt, [4, 8], 0.1)])",
    "ChainedScheduler([CosineAnnealingLR(opt, 10, 0.01), StepLR(opt, 3)])",
]


@pytest.mark.parametrize("source", FIXED)
@pytest.mark.parametrize("target", ["optax", "keras"])
def test_optax_and_keras_exports_reproduce_it(source, target):
    from test_export import RUN  # the runners of tests/test_export.py

    s = from_torch(source, lr=0.1, total_steps=30)
    got = RUN[target](to_code(s, target), s.total_steps)
    want = s(np.arange(31))
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6 * np.max(np.abs(want)))


def test_sources_are_normalised_for_torch():
    # The pytorch export runs the normal form, so it must be torch's own source.
    source = "SequentialLR(opt, [StepLR(opt, 3), LambdaLR(opt, lambda e: 1 / (e + 1))], [4])"
    text = normalized(parse(source))
    assert text.startswith("torch.optim.lr_scheduler.SequentialLR(optimizer, schedulers=[")
    assert "lambda epoch: (1 / (epoch + 1))" in text
