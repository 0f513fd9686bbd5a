"""Regenerate ``tests/golden/torch.json``: torch's own learning rates for pasted sources.

Run from the repository root with torch 2.13 installed (requirements-peers.txt)::

    python tests/golden/torch_regenerate.py

Each case mirrors a test of PyTorch's ``test/optim/test_lrscheduler.py`` (named
after it): the same schedulers on an optimizer whose first parameter group has
``lr=0.05``, written as the source a user would paste. Upstream steps several
schedulers side by side; that is a ``ChainedScheduler`` here, which steps them
the same way. For each case the script records

- ``torch``: the optimizer's lr after 0..``steps`` calls of ``step()``, from
  running torch 2.13 (CPU) on the source, the values ``from_torch`` must equal;
- ``upstream``: the targets the upstream test writes down, transcribed here as
  the numbers they are (its formulas, e.g. ``0.05 * 0.9 ** k``), for the steps
  it checks. The script checks torch against them with upstream's own
  tolerance (1e-5 absolute) before writing. They are closed forms: where torch
  recurses differently (``CosineAnnealingLR`` with ``eta_min > 0`` chained with
  another scheduler) they are not torch's values: 7.5e-6 relative away in
  ``test_compound_cosanneal_and_step_lr``, and 6.2 relative in
  ``test_compound_cosanneal_and_exp_lr``, where torch's recursion keeps
  ``eta_min = 1e-10`` as a floor that the closed form multiplies by ``0.1 ** k``
  (upstream's 1e-5 absolute tolerance cannot see either).

The output is deterministic: rerunning it with the same torch rewrites the same bytes.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import torch

OUT = Path(__file__).with_name("torch.json")
LR = 0.05
PREFIX = "torch.optim.lr_scheduler."


def _cos(x: int, epochs: int, eta_min: float = 1e-10) -> float:
    return eta_min + (LR - eta_min) * (1 + math.cos(math.pi * x / epochs)) / 2


def _poly(k: int, total_iters: int = 5, power: float = 0.9) -> float:
    return (1.0 - k / total_iters) ** power * LR if k < total_iters else 0.0


TRIANGULAR2 = "1 2 3 4 5 4 3 2 1 1.5 2 2.5 3 2.5 2 1.5 1 1.25 1.5 1.75 2 1.75"
TRIANGULAR2 = [float(x) for x in TRIANGULAR2.split()]  # upstream's lr_target

# name: (source, steps, upstream targets or None)
CASES: dict[str, tuple[str, int, list[float] | None]] = {
    "test_step_lr": (
        "StepLR(opt, gamma=0.1, step_size=3)",
        9,
        [0.05] * 3 + [0.005] * 3 + [0.0005] * 3 + [0.00005] * 3,
    ),
    "test_multi_step_lr": (
        "MultiStepLR(opt, gamma=0.1, milestones=[2, 5, 9])",
        9,
        [0.05] * 2 + [0.005] * 3 + [0.0005] * 4 + [0.00005] * 3,
    ),
    "test_constantlr": (
        "ConstantLR(opt, factor=1.0 / 2, total_iters=5)",
        9,
        [0.025] * 5 + [0.05] * 5,
    ),
    "test_linearlr": (
        "LinearLR(opt, start_factor=1.0 / 2, total_iters=4)",
        9,
        [LR * (0.5 + i * 0.5 / 4) for i in range(4)] + [LR] * 6,
    ),
    "test_get_last_lr_linearlr": (
        "LinearLR(opt, start_factor=1.0 / 4, end_factor=3.0 / 5, total_iters=4)",
        9,
        [LR * (0.25 + i * (0.6 - 0.25) / 4) for i in range(4)] + [LR * 0.6] * 6,
    ),
    "test_exp_lr": ("ExponentialLR(opt, gamma=0.9)", 9, [LR * 0.9**x for x in range(10)]),
    "test_poly_lr": (
        "PolynomialLR(opt, power=0.9, total_iters=5)",
        9,
        [_poly(k) for k in range(10)],
    ),
    "test_cos_anneal_lr": (
        "CosineAnnealingLR(opt, T_max=10, eta_min=1e-10)",
        9,
        [_cos(x, 10) for x in range(10)],
    ),
    "test_closed_form_cos_anneal_lr": (
        "CosineAnnealingLR(opt, T_max=5, eta_min=1e-10)",
        20,
        [_cos(x, 5) for x in range(21)],
    ),
    "test_lambda_lr": ("LambdaLR(opt, lr_lambda=lambda x1: 0.9 ** x1)", 9, None),
    "test_multiplicative_lr": (
        "MultiplicativeLR(opt, lr_lambda=lambda x1: 0.9)",
        9,
        [LR * 0.9**x for x in range(10)],
    ),
    "test_sequentiallr1": (
        "SequentialLR(opt, schedulers=[ExponentialLR(opt, gamma=0.8), "
        "StepLR(opt, gamma=0.1, step_size=4)], milestones=[3])",
        18,
        [0.05, 0.04, 0.032]
        + [0.05] * 4
        + [0.05 * 0.1] * 4
        + [0.05 * 0.01] * 4
        + [0.05 * 0.001] * 4,
    ),
    "test_sequentiallr2": (
        "SequentialLR(opt, schedulers=[ConstantLR(opt, factor=0.1, total_iters=3), "
        "ExponentialLR(opt, gamma=0.9)], milestones=[3])",
        12,
        [0.005] * 3 + [0.05 * 0.9**x for x in range(10)],
    ),
    "test_sequentiallr3": (
        "SequentialLR(opt, schedulers=[ConstantLR(opt, factor=0.1, total_iters=3), "
        "ExponentialLR(opt, gamma=0.8), StepLR(opt, gamma=0.1, step_size=2)], milestones=[3, 6])",
        11,
        [0.005] * 3 + [0.05, 0.04, 0.032] + [0.05, 0.05, 0.005, 0.005, 0.0005, 0.0005],
    ),
    "test_sequentiallr5": (
        "SequentialLR(opt, schedulers=[ChainedScheduler([LinearLR(optimizer=opt, "
        "start_factor=0.1, total_iters=5), ConstantLR(optimizer=opt, factor=0.1, "
        "total_iters=5)]), ConstantLR(optimizer=opt, factor=0.5, total_iters=5)], milestones=[5])",
        9,
        [0.0005, 0.0014, 0.0023, 0.0032, 0.0041] + [0.025] * 5,
    ),
    "test_sequentiallr_does_not_alias_lr_and_initial_lr": (
        "SequentialLR(opt, [LinearLR(opt, 0.1, 0.8, total_iters=4), "
        "LinearLR(opt, 0.8, 0.1, total_iters=4)], milestones=[4])",
        7,
        [x * LR / 2.0 for x in (0.2, 0.55, 0.9, 1.25, 1.6, 1.25, 0.9, 0.55)],  # their lr: 2.0
    ),
    "test_chained_lr2": (
        "ChainedScheduler([LinearLR(opt, start_factor=0.4, total_iters=3)])",
        9,
        [0.02, 0.03, 0.04] + [0.05] * 9,
    ),
    "test_chained_lr3": (
        "ChainedScheduler([LinearLR(opt, start_factor=0.4, total_iters=3), "
        "MultiStepLR(opt, milestones=[4, 8, 10], gamma=0.1)])",
        9,
        [0.02, 0.03, 0.04, 0.05] + [0.005] * 4 + [0.0005] * 3 + [0.00005] * 3,
    ),
    "test_chained_lr4": (
        "ChainedScheduler([ExponentialLR(opt, gamma=0.9), ConstantLR(opt, factor=0.2, "
        "total_iters=4), StepLR(opt, gamma=0.1, step_size=3)])",
        8,
        [0.05 * 0.2 * 0.9**x for x in range(3)]
        + [0.05 * 0.2 * 0.9**3 * 0.1]
        + [0.05 * 0.9**x * 0.1 for x in range(4, 6)]
        + [0.05 * 0.9**x * 0.01 for x in range(6, 9)],
    ),
    "test_chained_lr5": (
        "ChainedScheduler([PolynomialLR(opt, power=0.9, total_iters=5), "
        "ConstantLR(opt, factor=0.1)])",
        9,
        [_poly(k) * 0.1 for k in range(10)],
    ),
    "test_compound_step_and_multistep_lr": (
        "ChainedScheduler([StepLR(opt, gamma=0.1, step_size=3), "
        "MultiStepLR(opt, gamma=0.1, milestones=[2, 5, 9])])",
        9,
        [0.05] * 2 + [0.005] + [5e-4] * 2 + [5e-5] + [5e-6] * 3 + [5e-8],
    ),
    "test_compound_exp_and_linearlr": (
        "ChainedScheduler([LinearLR(opt, start_factor=0.4, end_factor=0.9, total_iters=4), "
        "ExponentialLR(opt, gamma=0.9)])",
        9,
        [LR * 0.9**i * (0.4 + i / 4 * (0.9 - 0.4) if i < 4 else 0.9) for i in range(11)],
    ),
    "test_compound_step_and_constantlr": (
        "ChainedScheduler([StepLR(opt, gamma=0.1, step_size=3), "
        "ConstantLR(opt, factor=0.4, total_iters=4)])",
        9,
        [0.05 * 0.4] * 3 + [0.005 * 0.4] + [0.005] * 2 + [0.0005] * 3 + [0.00005] * 3,
    ),
    "test_compound_cosanneal_and_step_lr": (
        "ChainedScheduler([CosineAnnealingLR(opt, T_max=10, eta_min=1e-10), "
        "StepLR(opt, gamma=0.1, step_size=3)])",
        9,
        [_cos(i, 10) * 0.1 ** (i // 3) for i in range(10)],
    ),
    "test_compound_cosanneal_and_linearlr": (
        "ChainedScheduler([LinearLR(opt, start_factor=0.4, total_iters=4), "
        "CosineAnnealingLR(opt, T_max=10, eta_min=1e-10)])",
        9,
        [_cos(i, 10) * (0.4 + i / 4 * 0.6 if i < 4 else 1.0) for i in range(10)],
    ),
    "test_compound_cosanneal_and_exp_lr": (
        "ChainedScheduler([CosineAnnealingLR(opt, T_max=10, eta_min=1e-10), "
        "ExponentialLR(opt, gamma=0.1)])",
        9,
        [_cos(i, 10) * 0.1**i for i in range(10)],
    ),
    "test_cycle_lr_triangular2_mode_one_lr": (
        "CyclicLR(opt, base_lr=1, max_lr=5, step_size_up=4, cycle_momentum=True, "
        "base_momentum=1, max_momentum=5, mode='triangular2')",
        21,
        TRIANGULAR2,
    ),
    "test_cycle_lr_exp_range_mode_step_size_up_down": (
        "CyclicLR(opt, base_lr=1, max_lr=5, step_size_up=2, step_size_down=6, "
        "mode='exp_range', gamma=0.9)",
        12,
        [
            1 + x * 4 * 0.9**i
            for i, x in enumerate([0, 0.5, 1, 5 / 6, 4 / 6, 3 / 6, 2 / 6, 1 / 6, 0, 0.5, 1])
        ]
        + [1 + 5 / 6 * 4 * 0.9**11, 1 + 4 / 6 * 4 * 0.9**12],
    ),
    "test_onecycle_lr_linear_annealing_three_phases": (
        "OneCycleLR(opt, max_lr=25, div_factor=25, base_momentum=1, max_momentum=22, "
        "total_steps=10, anneal_strategy='linear', pct_start=0.4, final_div_factor=4, "
        "three_phase=True)",
        9,
        [1, 9, 17, 25, 17, 9, 1, 0.75, 0.5, 0.25],
    ),
    "test_onecycle_lr_cosine_annealing": (
        "OneCycleLR(opt, max_lr=25, final_div_factor=2, base_momentum=1, max_momentum=22, "
        "total_steps=10)",
        9,
        [1, 13, 25]
        + [0.5 + (25 - 0.5) / 2.0 * (math.cos(math.pi * k / 7.0) + 1) for k in range(1, 7)]
        + [0.5],
    ),
    "test_CosineAnnealingWarmRestarts_lr1_T_mult_2": (
        "CosineAnnealingWarmRestarts(opt, T_0=10, T_mult=2, eta_min=1e-10)",
        99,
        None,
    ),
}


def run(source: str, steps: int) -> list[float]:
    """The lr after 0..steps calls of ``step()``, for ``opt = SGD(..., lr=0.05)``."""
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=LR, momentum=0.9)
    namespace = {
        name: getattr(torch.optim.lr_scheduler, name) for name in dir(torch.optim.lr_scheduler)
    }
    namespace["opt"] = opt
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        scheduler = eval(source, namespace)  # the regeneration script's own cases
        out = [opt.param_groups[0]["lr"]]
        for _ in range(steps):
            opt.step()
            scheduler.step()
            out.append(opt.param_groups[0]["lr"])
    return [float(v) for v in out]


def main() -> None:
    cases, worst = [], 0.0
    for name, (source, steps, upstream) in CASES.items():
        got = run(source, steps)
        if upstream is not None:
            for k, want in enumerate(upstream[: steps + 1]):
                if not abs(got[k] - want) <= 1e-5:
                    raise SystemExit(
                        f"{name}: torch gives {got[k]!r} at step {k}, upstream {want!r}"
                    )
                if want:
                    worst = max(worst, abs(got[k] - want) / abs(want))
        cases.append(
            {
                "upstream_test": name,
                "source": source,
                "lr": LR,
                "torch": got,
                "upstream": None if upstream is None else [float(v) for v in upstream],
            }
        )
    data = {"torch": torch.__version__, "cases": cases}
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}; torch vs upstream targets: {worst:.1e} relative")


if __name__ == "__main__":
    main()
