"""Regenerate ``tests/golden/peers.json``: reference values from peer libraries.

Run from the repository root, in a venv made from ``requirements-peers.txt``
(never the project's own: the test suite must not need these libraries)::

    python3 -m venv /tmp/peers
    /tmp/peers/bin/pip install -r requirements-peers.txt
    /tmp/peers/bin/python tests/golden/regenerate.py

Each case names one of our schedules with our parameter names, the peer call
that it must match (``peer``), and the peer's values at ``steps``. The value
at step ``t`` is the learning rate a training loop uses for step ``t``: for a
PyTorch scheduler, the optimizer's lr read *before* the ``t``-th
``scheduler.step()``; for optax, ``schedule(t)``. Cases whose schedule
dynweights does not have yet go under ``future_cases``; move them to
``cases`` when it does. The output is deterministic: rerunning it with the
same pins rewrites the same bytes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import jax
import numpy as np
import optax
import torch
import transformers
from torch.optim.lr_scheduler import LRScheduler

# optax computes in float32 unless x64 is on; the fixtures must be float64.
jax.config.update("jax_enable_x64", True)

OUT = Path(__file__).with_name("peers.json")
# Every step up to this many; beyond, about this many spread steps plus the
# schedule's boundaries and their neighbours, to keep the fixture small.
ALL_STEPS_UP_TO = 200

Case = dict[str, Any]


def _steps(total_steps: int, boundaries: Iterable[int] = ()) -> list[int]:
    if total_steps <= ALL_STEPS_UP_TO:
        return list(range(total_steps + 1))
    spread = np.linspace(0, total_steps, ALL_STEPS_UP_TO + 1).round().astype(int)
    picked = {int(s) for s in spread}
    picked.update(s for b in boundaries for s in (b - 1, b, b + 1) if 0 <= s <= total_steps)
    return sorted(picked)


def _case(
    case_id: str,
    peer: str,
    schedule: str,
    params: dict[str, Any],
    values: Sequence[float],
    boundaries: Iterable[int] = (),
) -> Case:
    """``values`` holds the peer's value at every step 0..total_steps."""
    steps = _steps(params["total_steps"], boundaries)
    return {
        "id": case_id,
        "peer": peer,
        "schedule": schedule,
        "params": params,
        "steps": steps,
        "values": [float(values[s]) for s in steps],
    }


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
]
# Peers of schedules dynweights does not have yet; empty while it has them all.
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
        },
        "cases": cases,
        "future_cases": future_cases,
    }
    OUT.write_text(_dumps(golden) + "\n")
    print(
        f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(cases)} cases, {len(future_cases)} future)"
    )


if __name__ == "__main__":
    main()
