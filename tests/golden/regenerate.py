"""Regenerate ``tests/golden/peers.json``: reference values from peer libraries.

Run from the repository root, in a venv made from ``requirements-peers.txt``
(never the project's own: the test suite must not need these libraries)::

    python3 -m venv /tmp/peers
    /tmp/peers/bin/pip install -r requirements-peers.txt
    /tmp/peers/bin/pip install --no-deps timm==1.0.31
    /tmp/peers/bin/python tests/golden/regenerate.py

timm is installed without its dependencies (they would pull torchvision) and
is in no requirements file. ``import timm`` then fails, so only the folder
``timm/scheduler/`` is loaded, as a package of its own (``_timm_scheduler``,
by ``timm_scheduler.py``, which ``timm_train.py`` shares): its modules need
only torch. Keras runs on
the jax backend in float64.

Each case names one of our schedules with our parameter names, the peer call
that it must match (``peer``), and the peer's values at ``steps``. The value
at step ``t`` is the learning rate a training loop uses for step ``t``: for a
PyTorch scheduler, the optimizer's lr read *before* the ``t``-th
``scheduler.step()``; for optax, ``schedule(t)``. Cases whose schedule
dynweights does not have yet go under ``future_cases``; move them to
``cases`` when it does. The output is deterministic: rerunning it with the
same pins rewrites the same bytes.

Each future case is also checked against a plain float64 closed form written
here (``_check``), independently of dynweights; the largest discrepancy per
peer, as a fraction of the case's peak, is printed at the end. Those numbers
set the tolerances in ``tests/test_parity.py``. A case with
``"below_total": true`` stops at step ``total_steps - 1``: there the peer
jumps (to 0 or its floor) at ``total_steps`` instead of ending its curve.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

os.environ["KERAS_BACKEND"] = "jax"  # before keras is imported

import jax
import keras
import numpy as np
import optax
import torch
import transformers
from timm_scheduler import load as load_timm_scheduler
from torch.optim.lr_scheduler import LRScheduler

# optax and keras compute in float32 unless x64 is on; the fixtures must be float64.
jax.config.update("jax_enable_x64", True)
keras.config.set_floatx("float64")


timm_scheduler = load_timm_scheduler()

OUT = Path(__file__).with_name("peers.json")
# Every step up to this many; beyond, about this many spread steps plus the
# schedule's boundaries and their neighbours, to keep the fixture small.
ALL_STEPS_UP_TO = 200

Case = dict[str, Any]


def _steps(last_step: int, boundaries: Iterable[int] = ()) -> list[int]:
    if last_step <= ALL_STEPS_UP_TO:
        return list(range(last_step + 1))
    spread = np.linspace(0, last_step, ALL_STEPS_UP_TO + 1).round().astype(int)
    picked = {int(s) for s in spread}
    picked.update(s for b in boundaries for s in (b - 1, b, b + 1) if 0 <= s <= last_step)
    return sorted(picked)


def _case(
    case_id: str,
    peer: str,
    schedule: str,
    params: dict[str, Any],
    values: Sequence[float] | Callable[[int], float],
    boundaries: Iterable[int] = (),
    *,
    below_total: bool = False,
    reference: Callable[[int], float] | None = None,
) -> Case:
    """``values`` holds the peer's value at every step 0..total_steps, or computes it.

    With ``below_total``, the case stops at ``total_steps - 1``. With
    ``reference`` (the closed form), the peer's values are checked against it:
    steps where they differ by more than ``DEVIATION`` of the peak are kept
    in the case, listed under ``peer_deviates_at``, and left out of the
    discrepancy measured for the peer (a peer's bug, not a rounding).
    """
    last_step = params["total_steps"] - 1 if below_total else params["total_steps"]
    deviations: list[int] = []
    if reference is not None and not callable(values):
        # Every step the peer gave, so that a recursion's drift counts.
        checked = list(range(last_step + 1))
        deviations = _check(case_id, peer, checked, [float(values[t]) for t in checked], reference)
    steps = _steps(last_step, [*boundaries, *deviations])
    if callable(values):
        recorded = [float(values(s)) for s in steps]
        if reference is not None:
            deviations = _check(case_id, peer, steps, recorded, reference)
    else:
        recorded = [float(values[s]) for s in steps]
    case: Case = {
        "id": case_id,
        "peer": peer,
        "schedule": schedule,
        "params": params,
    }
    if below_total:
        case["below_total"] = True
    if deviations:
        case["peer_deviates_at"] = deviations
    case["steps"] = steps
    case["values"] = recorded
    return case


# Largest |peer - closed form| / peak per peer function, and where; and the
# steps where a peer departs from the closed form outright.
DISCREPANCIES: dict[str, tuple[float, str, int]] = {}
DEVIATIONS: list[str] = []
DEVIATION = 1e-6


def _check(
    case_id: str,
    peer: str,
    steps: list[int],
    got: list[float],
    reference: Callable[[int], float],
) -> list[int]:
    """Record the largest rounding discrepancy; return the steps that deviate."""
    expected = [reference(t) for t in steps]
    peak = max(abs(v) for v in expected) or 1.0
    errors = [abs(g - e) / peak for g, e in zip(got, expected, strict=True)]
    deviations = [t for t, e in zip(steps, errors, strict=True) if e > DEVIATION]
    for t, g, e in zip(steps, got, expected, strict=True):
        if t in deviations:
            DEVIATIONS.append(f"{case_id} t={t}: peer {g!r}, closed form {e!r}")
    rounding = [e if e <= DEVIATION else 0.0 for e in errors]
    worst = max(range(len(rounding)), key=rounding.__getitem__)
    function = peer.split("(", 1)[0]
    if function not in DISCREPANCIES or rounding[worst] > DISCREPANCIES[function][0]:
        DISCREPANCIES[function] = (rounding[worst], case_id, steps[worst])
    return deviations


def _call(name: str, *args: str, **kwargs: object) -> str:
    """How a peer was called, as Python source."""
    return f"{name}({', '.join([*args, *(f'{k}={v!r}' for k, v in kwargs.items())])})"


def _torch_run(
    module: str,
    scheduler: Callable[..., LRScheduler],
    init_lr: float,
    last_step: int,
    /,
    **kwargs: Any,
) -> tuple[str, list[float]]:
    """The call, and the lr in force at steps 0..last_step (read before each scheduler step)."""
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=init_lr)
    sched = scheduler(optimizer, **kwargs)
    lrs = [float(optimizer.param_groups[0]["lr"])]
    for _ in range(last_step):
        # No gradients, so this changes nothing; it keeps the scheduler from
        # warning that it was stepped before the optimizer.
        optimizer.step()
        sched.step()
        lrs.append(float(optimizer.param_groups[0]["lr"]))
    optimizer_call = _call("torch.optim.SGD", "params", lr=init_lr)
    call = _call(f"{module}.{scheduler.__name__}", optimizer_call, **kwargs)
    return f"{call}; lr read before each scheduler.step()", lrs


def _torch(
    scheduler: Callable[..., LRScheduler], init_lr: float, last_step: int, /, **kwargs: Any
) -> tuple[str, list[float]]:
    return _torch_run("torch.optim.lr_scheduler", scheduler, init_lr, last_step, **kwargs)


def _hf(
    scheduler: Callable[..., LRScheduler], init_lr: float, last_step: int, /, **kwargs: Any
) -> tuple[str, list[float]]:
    return _torch_run("transformers", scheduler, init_lr, last_step, **kwargs)


def torch_cosine_annealing() -> list[Case]:
    lr_scheduler = torch.optim.lr_scheduler
    cases = []
    for total, init_lr, min_lr in [
        (100, 0.1, 0.0),
        (100, 0.1, 0.001),
        (1000, 3e-4, 1e-5),
        (7, 1.0, 0.25),
    ]:
        peer, lrs = _torch(
            lr_scheduler.CosineAnnealingLR, init_lr, total, T_max=total, eta_min=min_lr
        )
        params = {"total_steps": total, "init_lr": init_lr, "min_lr": min_lr}
        cases.append(
            _case(
                f"torch-CosineAnnealingLR-T{total}-lr{init_lr}-min{min_lr}",
                peer,
                "cosine_annealing",
                params,
                lrs,
            )
        )
    return cases


def _restarts(total_steps: int, cycle_steps: int, cycle_mult: int) -> list[int]:
    starts, start, length = [], cycle_steps, cycle_steps
    while start <= total_steps:
        starts.append(start)
        length *= cycle_mult
        start += length
    return starts


def torch_cosine_warm_restarts() -> list[Case]:
    lr_scheduler = torch.optim.lr_scheduler
    cases = []
    for total, init_lr, min_lr, cycle, mult in [
        (100, 0.1, 0.0, 25, 1),
        (200, 0.1, 0.001, 10, 2),
        (500, 0.05, 0.0, 7, 3),
        (60, 1.0, 0.1, 1, 2),
        (97, 0.1, 0.0, 13, 1),
    ]:
        peer, lrs = _torch(
            lr_scheduler.CosineAnnealingWarmRestarts,
            init_lr,
            total,
            T_0=cycle,
            T_mult=mult,
            eta_min=min_lr,
        )
        params = {
            "total_steps": total,
            "init_lr": init_lr,
            "min_lr": min_lr,
            "cycle_steps": cycle,
            "cycle_mult": mult,
        }
        case_id = (
            f"torch-CosineAnnealingWarmRestarts-T{total}-lr{init_lr}-min{min_lr}"
            f"-cycle{cycle}x{mult}"
        )
        cases.append(
            _case(case_id, peer, "cosine_warm_restarts", params, lrs, _restarts(total, cycle, mult))
        )
    return cases


def hf_cosine_with_warmup() -> list[Case]:
    cases = []
    for total, warmup, init_lr in [(100, 10, 0.1), (1000, 0, 3e-4), (50, 49, 1.0), (300, 1, 0.01)]:
        peer, lrs = _hf(
            transformers.get_cosine_schedule_with_warmup,
            init_lr,
            total,
            num_warmup_steps=warmup,
            num_training_steps=total,
        )
        params = {
            "total_steps": total,
            "warmup_steps": warmup,
            "init_lr": init_lr,
            "warmup_lr": 0.0,
            "min_lr": 0.0,
        }
        case_id = f"hf-cosine_with_warmup-T{total}-W{warmup}-lr{init_lr}"
        cases.append(_case(case_id, peer, "cosine_with_linear_warmup", params, lrs, [warmup]))
    return cases


def hf_cosine_with_min_lr() -> list[Case]:
    # min_lr is absolute here; transformers turns it into min_lr_rate = min_lr / lr.
    cases = []
    for total, warmup, init_lr, min_lr in [(100, 10, 0.1, 0.01), (400, 0, 1e-3, 1e-4)]:
        peer, lrs = _hf(
            transformers.get_cosine_with_min_lr_schedule_with_warmup,
            init_lr,
            total,
            num_warmup_steps=warmup,
            num_training_steps=total,
            min_lr=min_lr,
        )
        params = {
            "total_steps": total,
            "warmup_steps": warmup,
            "init_lr": init_lr,
            "warmup_lr": 0.0,
            "min_lr": min_lr,
        }
        case_id = f"hf-cosine_with_min_lr-T{total}-W{warmup}-lr{init_lr}-min{min_lr}"
        cases.append(_case(case_id, peer, "cosine_with_linear_warmup", params, lrs, [warmup]))
    return cases


def optax_warmup_cosine_decay() -> list[Case]:
    # optax's decay_steps is the whole schedule, warmup included: the cosine
    # runs over decay_steps - warmup_steps. So decay_steps = total_steps.
    cases = []
    for total, warmup, warmup_lr, init_lr, min_lr in [
        (100, 10, 0.0, 0.1, 0.0),
        (100, 10, 0.01, 0.1, 0.001),
        (1000, 0, 0.0, 3e-4, 3e-5),
    ]:
        kwargs: dict[str, Any] = {
            "init_value": warmup_lr,
            "peak_value": init_lr,
            "warmup_steps": warmup,
            "decay_steps": total,
            "end_value": min_lr,
        }
        schedule = optax.warmup_cosine_decay_schedule(**kwargs)
        values = [float(schedule(t)) for t in range(total + 1)]
        peer = _call("optax.warmup_cosine_decay_schedule", **kwargs) + "(t) with jax_enable_x64"
        params = {
            "total_steps": total,
            "warmup_steps": warmup,
            "init_lr": init_lr,
            "warmup_lr": warmup_lr,
            "min_lr": min_lr,
        }
        case_id = (
            f"optax-warmup_cosine_decay-T{total}-W{warmup}-lr{init_lr}-from{warmup_lr}-min{min_lr}"
        )
        cases.append(_case(case_id, peer, "cosine_with_linear_warmup", params, values, [warmup]))
    return cases


# Future schedules: not in dynweights yet.


def torch_step_lr() -> list[Case]:
    cases = []
    for total, init_lr, step_size, gamma in [(100, 0.1, 30, 0.1), (50, 1.0, 7, 0.5)]:
        peer, lrs = _torch(
            torch.optim.lr_scheduler.StepLR, init_lr, total, step_size=step_size, gamma=gamma
        )
        params = {"total_steps": total, "init_lr": init_lr, "step_size": step_size, "gamma": gamma}
        case_id = f"torch-StepLR-T{total}-lr{init_lr}-every{step_size}x{gamma}"
        cases.append(_case(case_id, peer, "step_decay", params, lrs))
    return cases


def torch_exponential_lr() -> list[Case]:
    cases = []
    for total, init_lr, gamma in [(100, 0.1, 0.95), (1000, 1e-3, 0.999)]:
        peer, lrs = _torch(torch.optim.lr_scheduler.ExponentialLR, init_lr, total, gamma=gamma)
        params = {"total_steps": total, "init_lr": init_lr, "gamma": gamma}
        case_id = f"torch-ExponentialLR-T{total}-lr{init_lr}-gamma{gamma}"
        cases.append(_case(case_id, peer, "exponential_decay", params, lrs))
    return cases


def torch_one_cycle_lr() -> list[Case]:
    # OneCycleLR's total_steps counts values, steps 0..total_steps - 1; ours
    # counts steps 0..total_steps, hence total_steps + 1. It ignores the
    # optimizer's lr: it starts at max_lr / div_factor, peaks at step
    # pct_start * (T + 1) - 1 (need not be an integer) and ends at
    # max_lr / div_factor / final_div_factor.
    cases = []
    for total, init_lr, pct_start, div_factor, final_div_factor in [
        (100, 0.1, 0.3, 25.0, 1e4),
        (999, 1.0, 0.25, 10.0, 100.0),
    ]:
        peer, lrs = _torch(
            torch.optim.lr_scheduler.OneCycleLR,
            init_lr,
            total,
            max_lr=init_lr,
            total_steps=total + 1,
            pct_start=pct_start,
            anneal_strategy="cos",
            cycle_momentum=False,
            div_factor=div_factor,
            final_div_factor=final_div_factor,
            three_phase=False,
        )
        params = {
            "total_steps": total,
            "init_lr": init_lr,
            "pct_start": pct_start,
            "div_factor": div_factor,
            "final_div_factor": final_div_factor,
        }
        peak = pct_start * (total + 1) - 1
        case_id = (
            f"torch-OneCycleLR-T{total}-lr{init_lr}-pct{pct_start}"
            f"-div{div_factor:g}-final{final_div_factor:g}"
        )
        cases.append(
            _case(case_id, peer, "one_cycle", params, lrs, [math.floor(peak), math.ceil(peak)])
        )
    return cases


def hf_wsd() -> list[Case]:
    # transformers starts the warmup at min_lr_ratio * lr, not at 0, and
    # decays to the same min_lr_ratio * lr: warmup_lr = min_lr = ratio * lr.
    cases = []
    shapes = [(100, 10, 20, 0.1, 0.1, shape) for shape in ("linear", "cosine", "1-sqrt")]
    for total, warmup, decay, init_lr, ratio, shape in [
        *shapes,
        (1000, 0, 200, 3e-4, 0.0, "cosine"),
    ]:
        peer, lrs = _hf(
            transformers.get_wsd_schedule,
            init_lr,
            total,
            num_warmup_steps=warmup,
            num_decay_steps=decay,
            num_training_steps=total,
            warmup_type="linear",
            decay_type=shape,
            min_lr_ratio=ratio,
        )
        floor = round(ratio * init_lr, 15)  # 0.01, not 0.010000000000000002
        params = {
            "total_steps": total,
            "warmup_steps": warmup,
            "decay_steps": decay,
            "init_lr": init_lr,
            "warmup_lr": floor,
            "min_lr": floor,
            "decay_shape": shape,
        }
        case_id = f"hf-wsd-T{total}-W{warmup}-D{decay}-lr{init_lr}-ratio{ratio}-{shape}"
        cases.append(
            _case(case_id, peer, "warmup_stable_decay", params, lrs, [warmup, total - decay])
        )
    return cases


def hf_inverse_sqrt() -> list[Case]:
    cases = []
    for total, warmup, init_lr in [(100, 10, 0.1), (1000, 100, 1e-3)]:
        peer, lrs = _hf(
            transformers.get_inverse_sqrt_schedule,
            init_lr,
            total,
            num_warmup_steps=warmup,
            timescale=warmup,
        )
        params = {
            "total_steps": total,
            "warmup_steps": warmup,
            "init_lr": init_lr,
            "warmup_lr": 0.0,
        }
        case_id = f"hf-inverse_sqrt-T{total}-W{warmup}-lr{init_lr}"
        cases.append(_case(case_id, peer, "inverse_sqrt", params, lrs, [warmup]))
    return cases


def hf_polynomial_decay() -> list[Case]:
    cases = []
    for total, warmup, init_lr, min_lr, power in [
        (100, 10, 0.1, 1e-4, 1.0),
        (100, 0, 0.1, 0.0, 2.0),
        (500, 50, 1e-3, 1e-5, 0.5),
    ]:
        peer, lrs = _hf(
            transformers.get_polynomial_decay_schedule_with_warmup,
            init_lr,
            total,
            num_warmup_steps=warmup,
            num_training_steps=total,
            lr_end=min_lr,
            power=power,
        )
        params = {
            "total_steps": total,
            "warmup_steps": warmup,
            "init_lr": init_lr,
            "warmup_lr": 0.0,
            "min_lr": min_lr,
            "power_factor": power,
        }
        case_id = f"hf-polynomial_decay-T{total}-W{warmup}-lr{init_lr}-min{min_lr}-power{power}"
        cases.append(_case(case_id, peer, "polynomial_decay", params, lrs, [warmup]))
    return cases


# Future cases: schedules, or options of schedules, that dynweights does not
# have yet. Each is checked against a plain float64 closed form (the
# ``reference`` lambdas and ``_ref_*`` helpers below), never against dynweights.

LARGE_T = 100_000  # one large case per family, with sampled steps


def _timm(
    scheduler: Callable[..., Any], init_lr: float, last_step: int, /, **kwargs: Any
) -> tuple[str, list[float]]:
    """A timm scheduler stepped per update: the lr after ``step_update(num_updates=t)``.

    timm's own loop calls ``step_update`` only after an update, so update 0
    runs at the optimizer's lr as the scheduler left it at construction: the
    base lr without warmup, ``warmup_lr_init`` with. That equals the value
    recorded here at t = 0 except for TanhLRScheduler (see timm_tanh_decay).
    """
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=init_lr)
    sched = scheduler(optimizer, **kwargs)
    lrs = []
    for t in range(last_step + 1):
        sched.step_update(num_updates=t)
        lrs.append(float(optimizer.param_groups[0]["lr"]))
    optimizer_call = _call("torch.optim.SGD", "params", lr=init_lr)
    call = _call(f"timm.scheduler.{scheduler.__name__}", optimizer_call, **kwargs)
    return f"{call}; lr after step_update(num_updates=t)", lrs


def _keras(schedule: Callable[..., Any], /, **kwargs: Any) -> tuple[str, Callable[[int], float]]:
    sched = schedule(**kwargs)
    call = _call(f"keras.optimizers.schedules.{schedule.__name__}", **kwargs)
    return f"{call}(t) with KERAS_BACKEND=jax, jax_enable_x64, floatx float64", lambda t: float(
        sched(t)
    )


def torch_multistep_lr() -> list[Case]:
    cases = []
    for total, init_lr, milestones, gamma in [
        (100, 0.1, [30, 60, 90], 0.1),
        (200, 1.0, [1, 50, 51, 199, 200], 0.5),
        (150, 3e-4, [75], 0.3),
        (LARGE_T, 1e-3, [30_000, 60_000, 90_000], 0.2),
    ]:
        peer, lrs = _torch(
            torch.optim.lr_scheduler.MultiStepLR, init_lr, total, milestones=milestones, gamma=gamma
        )
        params = {
            "total_steps": total,
            "init_lr": init_lr,
            "milestones": milestones,
            "gamma": gamma,
        }
        case_id = (
            f"torch-MultiStepLR-T{total}-lr{init_lr}-at{'_'.join(map(str, milestones))}x{gamma}"
        )
        cases.append(
            _case(
                case_id,
                peer,
                "multistep_decay",
                params,
                lrs,
                milestones,
                reference=lambda t, i=init_lr, m=milestones, g=gamma: (
                    i * g ** sum(b <= t for b in m)
                ),
            )
        )
    return cases


def optax_piecewise_constant() -> list[Case]:
    # optax scales at count >= boundary (jnp.sign(boundary - count) is 0 there),
    # like MultiStepLR.
    cases = []
    for total, init_lr, milestones, gamma in [
        (100, 0.1, [30, 60, 90], 0.1),
        (120, 2.0, [10, 11, 100], 0.5),
        (LARGE_T, 1e-3, [25_000, 50_000, 99_999], 0.1),
    ]:
        kwargs: dict[str, Any] = {
            "init_value": init_lr,
            "boundaries_and_scales": {m: gamma for m in milestones},
        }
        schedule = optax.piecewise_constant_schedule(**kwargs)
        peer = _call("optax.piecewise_constant_schedule", **kwargs) + "(t) with jax_enable_x64"
        params = {
            "total_steps": total,
            "init_lr": init_lr,
            "milestones": milestones,
            "gamma": gamma,
        }
        at = "_".join(map(str, milestones))
        case_id = f"optax-piecewise_constant-T{total}-lr{init_lr}-at{at}x{gamma}"
        cases.append(
            _case(
                case_id,
                peer,
                "multistep_decay",
                params,
                lambda t, f=schedule: float(f(t)),
                milestones,
                reference=lambda t, i=init_lr, m=milestones, g=gamma: (
                    i * g ** sum(b <= t for b in m)
                ),
            )
        )
    return cases


def _ref_warmup(t: int, warmup: int, init_lr: float, warmup_lr: float = 0.0) -> float:
    return warmup_lr + (init_lr - warmup_lr) * t / warmup


def hf_constant_with_warmup() -> list[Case]:
    cases = []
    for total, warmup, init_lr in [
        (100, 10, 0.1),
        (200, 0, 1.0),
        (60, 59, 0.01),
        (LARGE_T, 2000, 3e-4),
    ]:
        peer, lrs = _hf(
            transformers.get_constant_schedule_with_warmup, init_lr, total, num_warmup_steps=warmup
        )
        params = {
            "total_steps": total,
            "warmup_steps": warmup,
            "init_lr": init_lr,
            "warmup_lr": 0.0,
        }
        case_id = f"hf-constant_with_warmup-T{total}-W{warmup}-lr{init_lr}"
        cases.append(
            _case(
                case_id,
                peer,
                "constant_with_warmup",
                params,
                lrs,
                [warmup],
                reference=lambda t, w=warmup, i=init_lr: _ref_warmup(t, w, i) if t < w else i,
            )
        )
    return cases


def hf_linear_with_warmup() -> list[Case]:
    cases = []
    for total, warmup, init_lr in [
        (100, 10, 0.1),
        (150, 0, 1.0),
        (50, 49, 0.5),
        (LARGE_T, 1000, 3e-4),
    ]:
        peer, lrs = _hf(
            transformers.get_linear_schedule_with_warmup,
            init_lr,
            total,
            num_warmup_steps=warmup,
            num_training_steps=total,
        )
        params = {
            "total_steps": total,
            "warmup_steps": warmup,
            "init_lr": init_lr,
            "warmup_lr": 0.0,
            "min_lr": 0.0,
        }
        case_id = f"hf-linear_with_warmup-T{total}-W{warmup}-lr{init_lr}"
        cases.append(
            _case(
                case_id,
                peer,
                "linear_with_warmup",
                params,
                lrs,
                [warmup],
                reference=lambda t, w=warmup, i=init_lr, n=total: (
                    _ref_warmup(t, w, i) if t < w else i * (n - t) / (n - w)
                ),
            )
        )
    return cases


def _ref_hard_restarts(t: int, total: int, warmup: int, init_lr: float, cycles: float) -> float:
    if t < warmup:
        return _ref_warmup(t, warmup, init_lr)
    # Position in the cycle, in exact arithmetic: frac((t - W) * C / (T - W)).
    position = Fraction(t - warmup) * Fraction(cycles) / (total - warmup) % 1
    return init_lr * 0.5 * (1.0 + math.cos(math.pi * float(position)))


def hf_cosine_with_hard_restarts() -> list[Case]:
    # At t = total_steps transformers returns 0 (progress >= 1), not the
    # start of another cycle: the cases stop at total_steps - 1.
    cases = []
    for total, warmup, init_lr, cycles in [
        (100, 10, 0.1, 2),
        (130, 10, 1.0, 3),
        (200, 0, 0.01, 5),
        (101, 1, 0.1, 1.5),
        (LARGE_T, 1000, 3e-4, 4),
    ]:
        peer, lrs = _hf(
            transformers.get_cosine_with_hard_restarts_schedule_with_warmup,
            init_lr,
            total,
            num_warmup_steps=warmup,
            num_training_steps=total,
            num_cycles=cycles,
        )
        params = {
            "total_steps": total,
            "warmup_steps": warmup,
            "init_lr": init_lr,
            "num_cycles": cycles,
        }
        restarts = [
            warmup + math.ceil(k * (total - warmup) / cycles) for k in range(math.ceil(cycles))
        ]
        case_id = f"hf-cosine_with_hard_restarts-T{total}-W{warmup}-lr{init_lr}-cycles{cycles}"
        cases.append(
            _case(
                case_id,
                peer,
                "cosine_with_hard_restarts",
                params,
                lrs,
                restarts,
                below_total=True,
                reference=lambda t, n=total, w=warmup, i=init_lr, c=cycles: _ref_hard_restarts(
                    t, n, w, i, c
                ),
            )
        )
    return cases


def _ref_cyclic(
    t: int, init_lr: float, min_lr: float, up: int, down: int, mode: str, gamma: float
) -> float:
    period = up + down
    p = t % period
    height = p / up if p <= up else (period - p) / down
    scale = {"triangular": 1.0, "triangular2": 0.5 ** (t // period), "exp_range": gamma**t}[mode]
    return min_lr + (init_lr - min_lr) * height * scale


def torch_cyclic_lr() -> list[Case]:
    # CyclicLR ignores the optimizer's lr: it starts at base_lr (our min_lr).
    cases = []
    for total, init_lr, min_lr, up, down, mode, gamma in [
        (100, 0.1, 0.001, 20, 0, "triangular", 1.0),
        (200, 1.0, 0.1, 15, 25, "triangular", 1.0),
        (200, 0.1, 0.0, 20, 0, "triangular2", 1.0),
        (150, 0.1, 0.01, 10, 5, "exp_range", 0.99),
        (300, 0.5, 0.05, 1, 3, "triangular2", 1.0),
        (LARGE_T, 3e-3, 3e-4, 2000, 3000, "exp_range", 0.99999),
    ]:
        peer, lrs = _torch(
            torch.optim.lr_scheduler.CyclicLR,
            init_lr,
            total,
            base_lr=min_lr,
            max_lr=init_lr,
            step_size_up=up,
            step_size_down=down or None,
            mode=mode,
            gamma=gamma,
            cycle_momentum=False,
        )
        params = {
            "total_steps": total,
            "init_lr": init_lr,
            "min_lr": min_lr,
            "step_size_up": up,
            "step_size_down": down,
            "cyclic_mode": mode,
            "gamma": gamma,
        }
        period = up + (down or up)
        corners = sorted({c for k in range(6) for c in (k * period, k * period + up)})
        case_id = (
            f"torch-CyclicLR-T{total}-lr{init_lr}-min{min_lr}-up{up}-down{down}-{mode}-g{gamma}"
        )
        cases.append(
            _case(
                case_id,
                peer,
                "cyclic",
                params,
                lrs,
                corners,
                reference=lambda t, i=init_lr, m=min_lr, u=up, d=down or up, o=mode, g=gamma: (
                    _ref_cyclic(t, i, m, u, d, o, g)
                ),
            )
        )
    return cases


def _ref_tanh(t: int, total: int, init_lr: float, min_lr: float, lb: float, ub: float) -> float:
    x = t / total
    return min_lr + (init_lr - min_lr) * 0.5 * (1.0 - math.tanh(lb + (ub - lb) * x))


def timm_tanh_decay() -> list[Case]:
    # At t = total_steps (cycle_limit=1) timm returns lr_min, a jump from
    # lr_min + (init_lr - lr_min) * (1 - tanh(ub)) / 2: stop at total_steps - 1.
    # At t = 0 the value is (init_lr - lr_min) * (1 - tanh(lb)) / 2 + lr_min,
    # below init_lr by (1 - tanh(7)) / 2 = 8.3e-7 of the range for lb = -7;
    # timm's loop uses init_lr itself for update 0 (see _timm).
    cases = []
    for total, init_lr, min_lr, lb, ub in [
        (100, 0.1, 0.0, -7.0, 3.0),
        (200, 1.0, 0.01, -7.0, 3.0),
        (150, 0.1, 0.001, -3.0, 5.0),
        (LARGE_T, 3e-4, 1e-5, -6.0, 2.0),
    ]:
        peer, lrs = _timm(
            timm_scheduler.tanh_lr.TanhLRScheduler,
            init_lr,
            total,
            t_initial=total,
            lb=lb,
            ub=ub,
            lr_min=min_lr,
            t_in_epochs=False,
        )
        params = {
            "total_steps": total,
            "init_lr": init_lr,
            "min_lr": min_lr,
            "tanh_lb": lb,
            "tanh_ub": ub,
        }
        case_id = f"timm-TanhLRScheduler-T{total}-lr{init_lr}-min{min_lr}-lb{lb}-ub{ub}"
        cases.append(
            _case(
                case_id,
                peer,
                "tanh_decay",
                params,
                lrs,
                below_total=True,
                reference=lambda t, n=total, i=init_lr, m=min_lr, lo=lb, hi=ub: _ref_tanh(
                    t, n, i, m, lo, hi
                ),
            )
        )
    return cases


def keras_inverse_time_decay() -> list[Case]:
    cases = []
    for total, init_lr, rate, step_size, staircase in [
        (100, 0.1, 0.5, 10, False),
        (100, 0.1, 0.5, 10, True),
        (200, 1.0, 2.0, 7, True),
        (150, 0.01, 0.1, 1, False),
        (LARGE_T, 1e-3, 0.5, 1000, False),
        (LARGE_T, 1e-3, 1.0, 5000, True),
    ]:
        peer, values = _keras(
            keras.optimizers.schedules.InverseTimeDecay,
            initial_learning_rate=init_lr,
            decay_steps=step_size,
            decay_rate=rate,
            staircase=staircase,
        )
        params = {
            "total_steps": total,
            "init_lr": init_lr,
            "decay_rate": rate,
            "step_size": step_size,
            "staircase": staircase,
        }
        case_id = (
            f"keras-InverseTimeDecay-T{total}-lr{init_lr}-rate{rate}-every{step_size}"
            f"{'-staircase' if staircase else ''}"
        )
        steps = [k * step_size for k in range(1, 4)] if staircase else []
        cases.append(
            _case(
                case_id,
                peer,
                "inverse_time_decay",
                params,
                values,
                steps,
                reference=lambda t, i=init_lr, r=rate, s=step_size, st=staircase: (
                    i / (1.0 + r * (t // s if st else t / s))
                ),
            )
        )
    return cases


def _ref_restarts_decay(
    t: int, init_lr: float, min_lr: float, cycle: int, mult: int, peak_decay: float
) -> float:
    """Cycle found in integers; the peak decays, the floor does not."""
    start, length, i = 0, cycle, 0
    while t >= start + length:
        start, length, i = start + length, length * mult, i + 1
    peak = init_lr * peak_decay**i
    return min_lr + (peak - min_lr) * 0.5 * (1.0 + math.cos(math.pi * (t - start) / length))


_RESTARTS_DECAY = [
    # total, init_lr, min_lr, cycle, mult, peak_decay
    (100, 0.1, 0.0, 25, 1, 0.5),
    (200, 0.1, 0.001, 10, 2, 0.8),
    (300, 1.0, 0.0, 7, 3, 0.9),
    (150, 0.1, 0.01, 20, 1, 1.0),
    # Restart 5 at t = 3**5 - 1 = 242: math.log(243, 3) = 4.999999999999999.
    (300, 0.1, 0.0, 2, 3, 0.9),
    (LARGE_T, 3e-4, 0.0, 1000, 2, 0.7),
]


def _restarts_params(
    total: int, init_lr: float, min_lr: float, cycle: int, mult: int, peak_decay: float
) -> dict[str, Any]:
    return {
        "total_steps": total,
        "init_lr": init_lr,
        "min_lr": min_lr,
        "cycle_steps": cycle,
        "cycle_mult": mult,
        "peak_decay": peak_decay,
    }


def timm_cosine_restarts_decay() -> list[Case]:
    # timm decays lr_max by cycle_decay ** i but keeps lr_min. It finds the
    # cycle i with floor(log(...)) in floats when cycle_mult != 1.
    cases = []
    for total, init_lr, min_lr, cycle, mult, decay in _RESTARTS_DECAY:
        peer, lrs = _timm(
            timm_scheduler.cosine_lr.CosineLRScheduler,
            init_lr,
            total,
            t_initial=cycle,
            lr_min=min_lr,
            cycle_mul=mult,
            cycle_decay=decay,
            cycle_limit=10**9,
            t_in_epochs=False,
        )
        params = _restarts_params(total, init_lr, min_lr, cycle, mult, decay)
        case_id = (
            f"timm-CosineLRScheduler-restarts-T{total}-lr{init_lr}-min{min_lr}"
            f"-cycle{cycle}x{mult}-decay{decay}"
        )
        cases.append(
            _case(
                case_id,
                peer,
                "cosine_warm_restarts",
                params,
                lrs,
                _restarts(total, cycle, mult),
                reference=lambda t, i=init_lr, m=min_lr, c=cycle, k=mult, d=decay: (
                    _ref_restarts_decay(t, i, m, c, k, d)
                ),
            )
        )
    return cases


def keras_cosine_decay_restarts() -> list[Case]:
    # Keras has no floor but alpha, a fraction of init_lr that does not decay:
    # alpha=0, so min_lr=0.
    cases = []
    for total, init_lr, min_lr, cycle, mult, decay in _RESTARTS_DECAY:
        if min_lr:
            continue
        peer, values = _keras(
            keras.optimizers.schedules.CosineDecayRestarts,
            initial_learning_rate=init_lr,
            first_decay_steps=cycle,
            t_mul=float(mult),
            m_mul=decay,
            alpha=0.0,
        )
        params = _restarts_params(total, init_lr, min_lr, cycle, mult, decay)
        case_id = f"keras-CosineDecayRestarts-T{total}-lr{init_lr}-cycle{cycle}x{mult}-decay{decay}"
        cases.append(
            _case(
                case_id,
                peer,
                "cosine_warm_restarts",
                params,
                values,
                _restarts(total, cycle, mult),
                reference=lambda t, i=init_lr, c=cycle, k=mult, d=decay: _ref_restarts_decay(
                    t, i, 0.0, c, k, d
                ),
            )
        )
    return cases


def timm_cosine_k_decay() -> list[Case]:
    # At t = total_steps timm gives lr_min (cycle_limit=1), as the cosine does.
    cases = []
    for total, init_lr, min_lr, k in [
        (100, 0.1, 0.0, 1.0),
        (100, 0.1, 0.001, 2.0),
        (200, 1.0, 0.1, 0.5),
        (LARGE_T, 3e-4, 1e-5, 3.0),
    ]:
        peer, lrs = _timm(
            timm_scheduler.cosine_lr.CosineLRScheduler,
            init_lr,
            total,
            t_initial=total,
            lr_min=min_lr,
            k_decay=k,
            cycle_limit=1,
            t_in_epochs=False,
        )
        params = {"total_steps": total, "init_lr": init_lr, "min_lr": min_lr, "k_decay": k}
        case_id = f"timm-CosineLRScheduler-k_decay-T{total}-lr{init_lr}-min{min_lr}-k{k}"
        cases.append(
            _case(
                case_id,
                peer,
                "cosine_annealing",
                params,
                lrs,
                below_total=True,
                reference=lambda t, n=total, i=init_lr, m=min_lr, kk=k: (
                    m + (i - m) * 0.5 * (1.0 + math.cos(math.pi * (t / n) ** kk))
                ),
            )
        )
    return cases


def _ref_shape(shape: str, x: float, rising: bool) -> float:
    """A warmup's factor rising 0 -> 1, or a decay's falling 1 -> 0, at progress x."""
    if rising:
        return {
            "linear": x,
            "cosine": 0.5 * (1.0 - math.cos(math.pi * x)),
            "1-sqrt": 1.0 - math.sqrt(1.0 - x),
        }[shape]
    return {
        "linear": 1.0 - x,
        "cosine": 0.5 * (1.0 + math.cos(math.pi * x)),
        "1-sqrt": 1.0 - math.sqrt(x),
        "1-square": 1.0 - x * x,
    }[shape]


def _ref_wsd(t: int, p: dict[str, Any]) -> float:
    total, warmup, decay = p["total_steps"], p["warmup_steps"], p["decay_steps"]
    init_lr, warmup_lr, min_lr = p["init_lr"], p["warmup_lr"], p["min_lr"]
    if t < warmup:
        return warmup_lr + (init_lr - warmup_lr) * _ref_shape(p["warmup_shape"], t / warmup, True)
    if t < total - decay:
        return init_lr
    x = (t - (total - decay)) / decay
    return min_lr + (init_lr - min_lr) * _ref_shape(p["decay_shape"], x, False)


def hf_wsd_shapes() -> list[Case]:
    # transformers has no "1-square" decay (timm_wsd has it); its warmup
    # starts at min_lr_ratio * lr, so warmup_lr = min_lr = ratio * init_lr.
    # At total_steps it returns the floor, as the decay would: the brief
    # keeps these to steps below total_steps all the same.
    cases = []
    for total, warmup, decay, init_lr, ratio, warmup_shape, decay_shape in [
        (100, 10, 20, 0.1, 0.1, "cosine", "linear"),
        (100, 10, 20, 0.1, 0.0, "1-sqrt", "cosine"),
        (200, 50, 50, 1.0, 0.05, "linear", "1-sqrt"),
        (120, 30, 30, 0.01, 0.0, "cosine", "cosine"),
        (LARGE_T, 2000, 20_000, 3e-4, 0.1, "1-sqrt", "1-sqrt"),
    ]:
        peer, lrs = _hf(
            transformers.get_wsd_schedule,
            init_lr,
            total,
            num_warmup_steps=warmup,
            num_decay_steps=decay,
            num_training_steps=total,
            warmup_type=warmup_shape,
            decay_type=decay_shape,
            min_lr_ratio=ratio,
        )
        floor = round(ratio * init_lr, 15)
        params = {
            "total_steps": total,
            "warmup_steps": warmup,
            "decay_steps": decay,
            "init_lr": init_lr,
            "warmup_lr": floor,
            "min_lr": floor,
            "decay_shape": decay_shape,
            "warmup_shape": warmup_shape,
        }
        # The closed form with transformers' own floor, ratio * init_lr unrounded.
        exact = {**params, "warmup_lr": ratio * init_lr, "min_lr": ratio * init_lr}
        case_id = (
            f"hf-wsd-T{total}-W{warmup}-D{decay}-lr{init_lr}-ratio{ratio}"
            f"-warmup_{warmup_shape}-decay_{decay_shape}"
        )
        cases.append(
            _case(
                case_id,
                peer,
                "warmup_stable_decay",
                params,
                lrs,
                [warmup, total - decay],
                below_total=True,
                reference=lambda t, p=exact: _ref_wsd(t, p),
            )
        )
    return cases


def timm_wsd() -> list[Case]:
    # timm's WSDLRScheduler: linear warmup from warmup_lr_init over warmup_t,
    # then t_initial = total - warmup steps of stable + decay, reaching lr_min
    # exactly at t = total_steps (held after). Its "power" decay with
    # decay_power=2 is our "1-square". warmup_lr and min_lr are independent.
    names = {"1-square": ("power", 2.0), "1-sqrt": ("1-sqrt", 0.5), "linear": ("linear", 0.5)}
    names["cosine"] = ("cosine", 0.5)
    cases = []
    for total, warmup, decay, init_lr, warmup_lr, min_lr, decay_shape in [
        (100, 10, 20, 0.1, 0.0, 0.0, "1-square"),
        (100, 10, 20, 0.1, 0.01, 0.001, "1-square"),
        (200, 0, 100, 1.0, 0.0, 0.1, "1-square"),
        (150, 20, 40, 0.1, 0.005, 0.002, "1-sqrt"),
        (150, 20, 40, 0.1, 0.0, 0.01, "cosine"),
        (LARGE_T, 1000, 20_000, 3e-4, 1e-6, 3e-6, "1-square"),
    ]:
        decay_fn, decay_power = names[decay_shape]
        peer, lrs = _timm(
            timm_scheduler.wsd_lr.WSDLRScheduler,
            init_lr,
            total,
            t_initial=total - warmup,
            decay_t=decay,
            lr_min=min_lr,
            decay_fn=decay_fn,
            decay_power=decay_power,
            warmup_t=warmup,
            warmup_lr_init=warmup_lr,
            t_in_epochs=False,
        )
        params = {
            "total_steps": total,
            "warmup_steps": warmup,
            "decay_steps": decay,
            "init_lr": init_lr,
            "warmup_lr": warmup_lr,
            "min_lr": min_lr,
            "decay_shape": decay_shape,
            "warmup_shape": "linear",
        }
        case_id = (
            f"timm-WSDLRScheduler-T{total}-W{warmup}-D{decay}-lr{init_lr}-from{warmup_lr}"
            f"-min{min_lr}-{decay_shape}"
        )
        cases.append(
            _case(
                case_id,
                peer,
                "warmup_stable_decay",
                params,
                lrs,
                [warmup, total - decay],
                reference=lambda t, p=params: _ref_wsd(t, p),
            )
        )
    return cases


def _ref_one_cycle(t: int, p: dict[str, Any]) -> float:
    n = p["total_steps"] + 1
    peak = p["init_lr"]
    start = peak / p["div_factor"]
    end = start / p["final_div_factor"]
    up_end = p["pct_start"] * n - 1
    if p["three_phase"]:
        phases = [(up_end, start, peak), (2 * up_end, peak, start), (n - 1, start, end)]
    else:
        phases = [(up_end, start, peak), (n - 1, peak, end)]
    begin = 0.0
    for i, (stop, a, b) in enumerate(phases):
        if t <= stop or i == len(phases) - 1:
            x = (t - begin) / (stop - begin)
            if p["anneal"] == "cos":
                return b + (a - b) * 0.5 * (1.0 + math.cos(math.pi * x))
            return a + (b - a) * x
        begin = stop
    raise AssertionError


def torch_one_cycle_options() -> list[Case]:
    cases = []
    for total, init_lr, pct_start, div_factor, final_div_factor, anneal, three_phase in [
        (100, 0.1, 0.3, 25.0, 1e4, "linear", False),
        (100, 0.1, 0.3, 25.0, 1e4, "cos", True),
        (200, 1.0, 0.25, 10.0, 100.0, "linear", True),
        (150, 0.01, 0.4, 5.0, 1e3, "cos", False),
        (LARGE_T, 3e-3, 0.1, 25.0, 1e4, "linear", True),
    ]:
        peer, lrs = _torch(
            torch.optim.lr_scheduler.OneCycleLR,
            init_lr,
            total,
            max_lr=init_lr,
            total_steps=total + 1,
            pct_start=pct_start,
            anneal_strategy=anneal,
            cycle_momentum=False,
            div_factor=div_factor,
            final_div_factor=final_div_factor,
            three_phase=three_phase,
        )
        params = {
            "total_steps": total,
            "init_lr": init_lr,
            "pct_start": pct_start,
            "div_factor": div_factor,
            "final_div_factor": final_div_factor,
            "anneal": anneal,
            "three_phase": three_phase,
        }
        peak = pct_start * (total + 1) - 1
        corners = [math.floor(peak), math.ceil(peak), math.floor(2 * peak), math.ceil(2 * peak)]
        case_id = (
            f"torch-OneCycleLR-T{total}-lr{init_lr}-pct{pct_start}-div{div_factor:g}"
            f"-final{final_div_factor:g}-{anneal}{'-three_phase' if three_phase else ''}"
        )
        cases.append(
            _case(
                case_id,
                peer,
                "one_cycle",
                params,
                lrs,
                corners if three_phase else corners[:2],
                reference=lambda t, p=params: _ref_one_cycle(t, p),
            )
        )
    return cases


def torch_sequential_warmup_cosine() -> list[Case]:
    # SequentialLR([LinearLR, CosineAnnealingLR], milestones=[W]): at t = W it
    # calls the cosine's _update_lr(0), its closed form at epoch 0 (its base
    # lr, init_lr), and steps it recursively from there.
    cases = []
    for total, warmup, init_lr, start_factor, min_lr in [
        (100, 10, 0.1, 0.01, 0.0),
        (100, 10, 0.1, 0.1, 0.001),
        (200, 50, 1.0, 0.1, 0.05),
        (150, 1, 0.01, 0.01, 0.0),
        (LARGE_T, 2000, 3e-4, 0.01, 3e-5),
    ]:
        lr_scheduler = torch.optim.lr_scheduler
        optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=init_lr)
        warm = lr_scheduler.LinearLR(
            optimizer, start_factor=start_factor, end_factor=1.0, total_iters=warmup
        )
        cosine = lr_scheduler.CosineAnnealingLR(optimizer, T_max=total - warmup, eta_min=min_lr)
        sched = lr_scheduler.SequentialLR(optimizer, [warm, cosine], milestones=[warmup])
        lrs = [float(optimizer.param_groups[0]["lr"])]
        for _ in range(total):
            optimizer.step()
            sched.step()
            lrs.append(float(optimizer.param_groups[0]["lr"]))
        parts = [
            _call(
                "LinearLR",
                "optimizer",
                start_factor=start_factor,
                end_factor=1.0,
                total_iters=warmup,
            ),
            _call("CosineAnnealingLR", "optimizer", T_max=total - warmup, eta_min=min_lr),
        ]
        peer = (
            _call(
                "torch.optim.lr_scheduler.SequentialLR",
                _call("torch.optim.SGD", "params", lr=init_lr),
                f"[{', '.join(parts)}]",
                milestones=[warmup],
            )
            + "; lr read before each scheduler.step()"
        )
        warmup_lr = round(start_factor * init_lr, 15)
        params = {
            "total_steps": total,
            "warmup_steps": warmup,
            "init_lr": init_lr,
            "warmup_lr": warmup_lr,
            "min_lr": min_lr,
        }
        case_id = (
            f"torch-SequentialLR-LinearLR-CosineAnnealingLR-T{total}-W{warmup}-lr{init_lr}"
            f"-from{start_factor}-min{min_lr}"
        )
        cases.append(
            _case(
                case_id,
                peer,
                "cosine_with_linear_warmup",
                params,
                lrs,
                [warmup],
                reference=lambda t, n=total, w=warmup, i=init_lr, s=start_factor, m=min_lr: (
                    i * (s + (1.0 - s) * t / w)
                    if t < w
                    else m + (i - m) * 0.5 * (1.0 + math.cos(math.pi * (t - w) / (n - w)))
                ),
            )
        )
    return cases


def torch_polynomial_lr() -> list[Case]:
    # PolynomialLR decays to 0 (no floor), with no warmup; its step() is
    # recursive (the lr times a ratio of powers).
    cases = []
    for total, init_lr, power in [
        (100, 0.1, 1.0),
        (100, 0.1, 2.0),
        (200, 1.0, 0.5),
        (LARGE_T, 3e-4, 3.0),
    ]:
        peer, lrs = _torch(
            torch.optim.lr_scheduler.PolynomialLR, init_lr, total, total_iters=total, power=power
        )
        params = {
            "total_steps": total,
            "warmup_steps": 0,
            "init_lr": init_lr,
            "warmup_lr": 0.0,
            "min_lr": 0.0,
            "power_factor": power,
        }
        case_id = f"torch-PolynomialLR-T{total}-lr{init_lr}-power{power}"
        cases.append(
            _case(
                case_id,
                peer,
                "polynomial_decay",
                params,
                lrs,
                reference=lambda t, n=total, i=init_lr, pw=power: i * (1.0 - t / n) ** pw,
            )
        )
    return cases


FAMILIES: list[Callable[[], list[Case]]] = [
    torch_cosine_annealing,
    torch_cosine_warm_restarts,
    hf_cosine_with_warmup,
    hf_cosine_with_min_lr,
    optax_warmup_cosine_decay,
    torch_step_lr,
    torch_exponential_lr,
    torch_one_cycle_lr,
    hf_wsd,
    hf_inverse_sqrt,
    hf_polynomial_decay,
    torch_multistep_lr,
    optax_piecewise_constant,
    hf_constant_with_warmup,
    hf_linear_with_warmup,
    hf_cosine_with_hard_restarts,
    torch_cyclic_lr,
    timm_tanh_decay,
    keras_inverse_time_decay,
    timm_cosine_restarts_decay,
    keras_cosine_decay_restarts,
    timm_cosine_k_decay,
    hf_wsd_shapes,
    timm_wsd,
    torch_one_cycle_options,
    torch_sequential_warmup_cosine,
    torch_polynomial_lr,
]
# Peers of schedules, or options, dynweights does not have yet.
FUTURE_FAMILIES: list[Callable[[], list[Case]]] = []


def _collect(families: list[Callable[[], list[Case]]]) -> list[Case]:
    return sorted((case for family in families for case in family()), key=lambda case: case["id"])


def _dumps(value: Any, indent: str = "") -> str:
    """JSON with one key per line, but each list of numbers on a single line."""
    inner = indent + " "
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k)}: {_dumps(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        items = [inner + _dumps(v, inner) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + indent + "]"
    return json.dumps(value)


def main() -> None:
    cases, future_cases = _collect(FAMILIES), _collect(FUTURE_FAMILIES)
    ids = [case["id"] for case in cases + future_cases]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise SystemExit(f"duplicate case ids: {duplicates}")
    golden = {
        "generated_by": "tests/golden/regenerate.py",
        "versions": {
            "torch": str(torch.__version__),
            "transformers": transformers.__version__,
            "optax": optax.__version__,
            "jax": jax.__version__,
            "keras": keras.__version__,
            "timm": timm_scheduler.__version__,
        },
        "cases": cases,
        "future_cases": future_cases,
    }
    OUT.write_text(_dumps(golden) + "\n")
    print(
        f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(cases)} cases, {len(future_cases)} future)"
    )
    print("largest |peer - closed form| / peak, per peer (future cases):")
    for function, (error, case_id, step) in sorted(DISCREPANCIES.items()):
        print(f"  {error:9.2e}  {function}  ({case_id}, t={step})")
    print(f"steps where a peer departs from the closed form by > {DEVIATION:g} of the peak:")
    for line in DEVIATIONS:
        print(f"  {line}")


if __name__ == "__main__":
    main()
