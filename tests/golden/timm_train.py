"""Regenerate ``tests/golden/timm.json``: timm 1.0.31's schedulers, driven as train.py drives them.

Run from the repository root, in the peers venv (see ``regenerate.py``)::

    /tmp/peers/bin/pip install --no-deps timm==1.0.31
    /tmp/peers/bin/python tests/golden/timm_train.py

Each case is a set of ``train.py`` arguments (a seeded random grid over every
scheduler, plus a few fixed ones) and ``updates_per_epoch``. The script builds
the scheduler with ``create_scheduler_v2(optimizer,
**scheduler_kwargs(args), updates_per_epoch=...)`` and runs ``train.py``'s
loop (``train_one_epoch``) without a model::

    for epoch in range(num_epochs):
        num_updates = epoch * updates_per_epoch
        for _ in range(updates_per_epoch):
            lrs.append(optimizer.param_groups[0]["lr"])   # the lr of this update
            num_updates += 1
            lr_scheduler.step_update(num_updates=num_updates, metric=loss)
        lr_scheduler.step(epoch + 1, metric)

``values[i]`` is the lr of update ``steps[i]``; at step ``total_steps``
(``num_epochs * updates_per_epoch``) it is the lr after the last step. Every
step is kept up to ``ALL_STEPS_UP_TO``; beyond, an even spread plus the
largest jumps and their neighbours. Argument sets that timm refuses (it
raises) are recorded under ``refused`` with timm's error.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import torch
from timm_scheduler import load

timm_scheduler = load()
factory = timm_scheduler.scheduler_factory

OUT = Path(__file__).with_name("timm.json")
CASES = 80
ALL_STEPS_UP_TO = 300
# train.py's defaults for the scheduler's arguments (timm 1.0.31).
TRAIN_DEFAULTS: dict[str, Any] = {
    "sched": "cosine",
    "epochs": 300,
    "decay_epochs": 90.0,
    "decay_milestones": [90, 180, 270],
    "decay_rate": 0.1,
    "warmup_epochs": 5,
    "warmup_lr": 1e-5,
    "min_lr": 0.0,
    "cooldown_epochs": 0,
    "patience_epochs": 10,
    "warmup_prefix": False,
    "lr_noise": None,
    "lr_noise_pct": 0.67,
    "lr_noise_std": 1.0,
    "seed": 42,
    "lr_cycle_mul": 1.0,
    "lr_cycle_decay": 0.5,
    "lr_cycle_limit": 1,
    "lr_k_decay": 1.0,
    "lr_decay_fn": None,
    "lr_stable_timescale": None,
    "sched_on_updates": False,
    "eval_metric": "top1",
}


def run(args: dict[str, Any], updates_per_epoch: int) -> tuple[list[float], int]:
    """The lr of every update and after the last step, and num_epochs."""
    ns = argparse.Namespace(**{**TRAIN_DEFAULTS, **args})
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=args["lr"])
    scheduler, num_epochs = factory.create_scheduler_v2(
        optimizer, **factory.scheduler_kwargs(ns), updates_per_epoch=updates_per_epoch
    )
    lrs = []
    for epoch in range(num_epochs):
        num_updates = epoch * updates_per_epoch
        for _ in range(updates_per_epoch):
            lrs.append(float(optimizer.param_groups[0]["lr"]))
            num_updates += 1
            if scheduler is not None:
                scheduler.step_update(num_updates=num_updates, metric=1.0)
        if scheduler is not None:
            scheduler.step(epoch + 1, 1.0)
    lrs.append(float(optimizer.param_groups[0]["lr"]))
    return lrs, num_epochs


def _steps(lrs: list[float]) -> list[int]:
    last = len(lrs) - 1
    if last <= ALL_STEPS_UP_TO:
        return list(range(last + 1))
    picked = {int(s) for s in np.linspace(0, last, ALL_STEPS_UP_TO // 2).round()}
    jumps = np.abs(np.diff(np.array(lrs)))
    for k in np.argsort(jumps)[::-1][:40]:
        picked.update(int(s) for s in (k - 1, k, k + 1, k + 2) if 0 <= s <= last)
    picked.update((0, 1, 2, last - 1, last))
    return sorted(picked)


def _grid(rng: random.Random) -> tuple[dict[str, Any], int]:
    sched = rng.choice(["cosine", "cosine", "tanh", "poly", "step", "multistep", "wsd", "rsqrt"])
    sched = rng.choice([sched] * 9 + ["constant", "none"])
    epochs = rng.randint(1, 30)
    args: dict[str, Any] = {
        "sched": sched,
        "lr": rng.choice([0.1, 5e-4, 1.0, 3e-3, 0.05]),
        "epochs": epochs,
        "warmup_epochs": rng.choice([0, 0, 1, 2, 3, 5]),
        "warmup_lr": rng.choice([1e-5, 0.0, 1e-3]),
        "warmup_prefix": rng.random() < 0.4,
        "min_lr": rng.choice([0.0, 0.0, 1e-5, 1e-3]),
        "cooldown_epochs": rng.choice([0, 0, 1, 3]),
        "sched_on_updates": rng.random() < 0.5,
    }
    if sched in ("cosine", "tanh", "poly"):
        args["lr_cycle_mul"] = rng.choice([1.0, 1.0, 1.5, 2.0, 3.0])
        args["lr_cycle_decay"] = rng.choice([0.5, 1.0, 0.1, 0.8])
        args["lr_cycle_limit"] = rng.choice([1, 1, 2, 3, 5])
    if sched in ("cosine", "poly"):
        args["lr_k_decay"] = rng.choice([1.0, 1.0, 0.5, 2.0])
    if sched == "poly":
        args["decay_rate"] = rng.choice([0.5, 1.0, 2.0, 0.9])
    if sched == "step":
        args["decay_epochs"] = rng.choice([1, 2.0, 3, 2.5, 7])
        args["decay_rate"] = rng.choice([0.1, 0.5, 0.97])
    if sched == "multistep":
        count = rng.randint(0, 4)
        args["decay_milestones"] = sorted(rng.sample(range(0, epochs + 3), min(count, epochs)))
        args["decay_rate"] = rng.choice([0.1, 0.5])
    if sched in ("wsd", "rsqrt"):
        args["decay_epochs"] = rng.choice([None, 0.2, 0.5, 1, 2.0, 3])
        args["lr_decay_fn"] = rng.choice([None, "linear", "1-sqrt", "cosine", "power", "exp"])
    if sched == "rsqrt":
        args["lr_stable_timescale"] = rng.choice([None, None, 1, 2.5])
    return args, rng.choice([1, 1, 2, 3, 7, 10, 25])


# Fixed cases: train.py's defaults at a realistic size, and edges of the grid.
FIXED: list[tuple[str, dict[str, Any], int]] = [
    ("defaults-cosine-per-epoch", {"lr": 0.1}, 40),
    ("defaults-cosine-on-updates", {"lr": 0.1, "sched_on_updates": True}, 40),
    ("tanh-no-warmup-per-update", {"sched": "tanh", "lr": 0.1, "warmup_epochs": 0,
                                   "epochs": 4, "sched_on_updates": True}, 5),
    ("cosine-cycle-limit-3-mul2-cooldown", {"lr": 0.1, "epochs": 2, "lr_cycle_limit": 3,
                                            "lr_cycle_mul": 2.0, "warmup_epochs": 0,
                                            "cooldown_epochs": 2, "sched_on_updates": True}, 3),
    ("cosine-restart-misplaced-by-log", {"lr": 1.0, "epochs": 2, "lr_cycle_mul": 3.0,
                                         "lr_cycle_limit": 6, "lr_cycle_decay": 1.0,
                                         "warmup_epochs": 0}, 1),
    ("multistep-milestone-0-and-1", {"sched": "multistep", "lr": 0.1, "epochs": 6,
                                     "decay_milestones": [0, 1, 3], "warmup_epochs": 0,
                                     "decay_rate": 0.5}, 4),
    ("wsd-defaults-on-updates", {"sched": "wsd", "lr": 3e-4, "epochs": 20,
                                 "decay_epochs": None, "sched_on_updates": True}, 10),
    ("rsqrt-per-epoch-cooldown", {"sched": "rsqrt", "lr": 1e-3, "epochs": 30,
                                  "decay_epochs": 0.2, "cooldown_epochs": 2}, 4),
    ("none-warmup-prefix", {"sched": "none", "lr": 0.01, "epochs": 3,
                            "warmup_prefix": True, "warmup_epochs": 2}, 5),
]  # fmt: skip


def _case(case_id: str, args: dict[str, Any], updates_per_epoch: int) -> dict[str, Any]:
    lrs, num_epochs = run(args, updates_per_epoch)
    steps = _steps(lrs)
    return {
        "id": case_id,
        "args": args,
        "updates_per_epoch": updates_per_epoch,
        "num_epochs": num_epochs,
        "total_steps": len(lrs) - 1,
        "steps": steps,
        "values": [lrs[s] for s in steps],
    }


def main() -> None:
    rng = random.Random(1031)
    cases, refused = [], []
    for case_id, args, upe in FIXED:
        cases.append(_case(case_id, args, upe))
    while len(cases) < len(FIXED) + CASES:
        args, upe = _grid(rng)
        case_id = f"grid-{len(cases) - len(FIXED):02d}-{args['sched']}"
        try:
            cases.append(_case(case_id, args, upe))
        except (ValueError, AssertionError, ZeroDivisionError) as error:
            if len(refused) < 12:
                refused.append(
                    {
                        "args": args,
                        "updates_per_epoch": upe,
                        "error": f"{type(error).__name__}: {error}",
                    }
                )
    golden = {
        "generated_by": "tests/golden/timm_train.py",
        "versions": {"timm": timm_scheduler.__version__, "torch": str(torch.__version__)},
        "notes": "values[i]: the lr of update steps[i]; at total_steps, after the last step.",
        "cases": cases,
        "refused": refused,
    }
    head = json.dumps({k: v for k, v in golden.items() if k not in ("cases", "refused")}, indent=1)
    lines = ",\n  ".join(json.dumps(c) for c in cases)
    errors = ",\n  ".join(json.dumps(r) for r in refused)
    OUT.write_text(
        f'{head[:-2]},\n "cases": [\n  {lines}\n ],\n "refused": [\n  {errors}\n ]\n}}\n'
    )
    kinds = Counter(case["args"].get("sched", "cosine") for case in cases)
    print(f"wrote {OUT} ({len(cases)} cases, {len(refused)} refused): {kinds}")


if __name__ == "__main__":
    main()
