"""Regenerate ``tests/golden/plateau.json``: PyTorch's ReduceLROnPlateau, replayed.

Run from the repository root with torch installed (``requirements-peers.txt``)::

    python tests/golden/plateau.py

Each case is a random set of ``ReduceLROnPlateau`` arguments and a random
metric sequence (noisy plateaus and drops, ties, NaNs); ``lrs[0]`` is the
optimizer's lr before any step and ``lrs[i + 1]`` its lr after
``scheduler.step(metrics[i])``. The grid is seeded: rerunning it with the same
torch rewrites the same bytes.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path
from typing import Any

import torch

OUT = Path(__file__).with_name("plateau.json")
CASES = 80


def _metrics(rng: random.Random, n: int) -> list[float]:
    """A loss-like walk: drops, flat stretches, exact ties, noise and some NaN."""
    value, out = rng.uniform(0.5, 5.0), []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.3:
            value *= rng.uniform(0.8, 0.999)
        elif kind < 0.45:
            value *= 1 + rng.choice([1e-5, -1e-5, 5e-5, -5e-5, 2e-4])  # near the threshold
        elif kind < 0.6:
            value += rng.uniform(-0.01, 0.05)
        elif kind < 0.65:
            out.append(math.nan)
            continue
        out.append(value)  # includes exact repeats of the last value
    if rng.random() < 0.3:
        out = [-v for v in out]  # a metric that rises (accuracy-like), or negative losses
    return out


def _args(rng: random.Random) -> dict[str, Any]:
    args: dict[str, Any] = {
        "mode": rng.choice(["min", "max"]),
        "factor": rng.choice([0.1, 0.5, 0.3, 0.9, 0.0, 0.25]),
        "patience": rng.choice([0, 1, 2, 3, 5, 10]),
        "threshold": rng.choice([1e-4, 0.0, 1e-3, 0.01, 0.05]),
        "threshold_mode": rng.choice(["rel", "abs"]),
        "cooldown": rng.choice([0, 0, 1, 2, 4]),
        "min_lr": rng.choice([0.0, 0.0, 1e-6, 1e-3, 0.01]),
        "eps": rng.choice([1e-8, 1e-8, 0.0, 1e-3]),
    }
    return args


def record(case_id: str, lr: float, args: dict[str, Any], metrics: list[float]) -> dict[str, Any]:
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, **args)
    lrs = [float(optimizer.param_groups[0]["lr"])]
    for metric in metrics:
        scheduler.step(metric)
        lrs.append(float(optimizer.param_groups[0]["lr"]))
    return {"id": case_id, "lr": lr, "args": args, "metrics": metrics, "lrs": lrs}


def main() -> None:
    rng = random.Random(20260)
    cases = []
    for i in range(CASES):
        lr = rng.choice([0.1, 1.0, 3e-4, 0.05, 1e-3])
        args = _args(rng)
        metrics = _metrics(rng, rng.randint(1, 120))
        cases.append(record(f"plateau-{i:02d}", lr, args, metrics))
    # The defaults, on a plain loss curve that flattens.
    flat = [1.0 / (1 + 0.1 * k) if k < 30 else 0.25 for k in range(60)]
    cases.append(record("plateau-defaults", 0.1, {}, flat))
    golden = {
        "generated_by": "tests/golden/plateau.py",
        "versions": {"torch": str(torch.__version__)},
        "notes": "lrs[0]: the lr before any step; lrs[i + 1]: after scheduler.step(metrics[i]).",
        "cases": cases,
    }
    # One case a line. NaN is not JSON: it is written as null, read back as NaN.
    head = json.dumps({k: v for k, v in golden.items() if k != "cases"}, indent=1)[:-2]
    lines = [json.dumps(case, allow_nan=True).replace("NaN", "null") for case in cases]
    OUT.write_text(head + ',\n "cases": [\n  ' + ",\n  ".join(lines) + "\n ]\n}\n")
    reductions = sum(len(set(c["lrs"])) - 1 for c in cases)
    print(f"wrote {OUT} ({len(cases)} cases, {reductions} distinct cuts)")


if __name__ == "__main__":
    main()
