"""Side-by-side timings for the README's Performance section (``make bench``).

Every ratio compares two things measured in the same run, on the same machine,
as the median of several repeats: shared machines are noisy, ratios less so.
Nothing here is asserted; the test suite holds no timings.
"""

from __future__ import annotations

import math
import os
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import dynweights  # noqa: E402

T_SEED = 10**6
T_TORCH = 10**5


def median_seconds(fn: Callable[[], object], repeats: int) -> float:
    fn()  # warm up caches and lazy imports
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# The seed blog's code, verbatim: a lambda per method, called once per step.
def _get_function_dynamic_weight_method(method: str):
    if method == "linear":
        return lambda step, total_steps, base_weight: base_weight * (step / total_steps)
    elif method == "cosine":
        return lambda step, total_steps, base_weight: (
            base_weight / 2 * (1 - np.cos(np.pi * step / total_steps))
        )
    elif method == "power":
        return lambda step, total_steps, base_weight, a=2: base_weight * ((step / total_steps) ** a)
    elif method == "exponential":
        return lambda step, total_steps, base_weight: (
            base_weight * (1 - np.exp(-step / (total_steps / 4)))
        )
    else:
        raise ValueError(f"Unknown method: {method}")


def _calculate_dynamic_weight(method: str, base_weight: float, total_steps: int, a: float = 2):
    weight_func = _get_function_dynamic_weight_method(method)
    steps = np.arange(total_steps + 1)
    weights = (
        [weight_func(step, total_steps, base_weight, a) for step in steps]
        if method == "power"
        else [weight_func(step, total_steps, base_weight) for step in steps]
    )
    return weights


def seed_rows() -> list[tuple[str, float, float]]:
    t = np.arange(T_SEED + 1, dtype=np.float64)
    rows = []
    for name in ("linear", "cosine", "power", "exponential"):
        ours = median_seconds(lambda n=name: dynweights.evaluate(n, t, total_steps=T_SEED), 15)
        seed = median_seconds(lambda n=name: _calculate_dynamic_weight(n, 1.0, T_SEED), 3)
        rows.append((name, ours, seed))
    return rows


def bare_rows() -> list[tuple[str, float, float]]:
    """``evaluate`` against the same formula written as bare numpy, without checks."""
    T, W, C = T_SEED, 10_000, 1_000
    t = np.arange(T + 1, dtype=np.float64)
    w, a, lr, lo, wlr = 1.0, 2.0, 0.1, 0.001, 0.0

    def warmup_cosine() -> object:
        decay = lo + (lr - lo) * ((1 + np.cos(np.pi * (t - W) / (T - W))) / 2)
        return np.where(t < W, wlr + (lr - wlr) * (t / W), decay)

    def restarts_mult1() -> object:
        return lo + (lr - lo) * ((1 + np.cos(np.pi * (t % C) / C)) / 2)

    def restarts_mult2() -> object:
        i = np.floor(np.log1p(t / C) / np.log(2.0))
        start = C * (np.power(2.0, i) - 1)
        return lo + (lr - lo) * ((1 + np.cos(np.pi * (t - start) / (C * np.power(2.0, i)))) / 2)

    cases: list[tuple[str, dict[str, dynweights.Value], Callable[[], object]]] = [
        ("linear", {}, lambda: w * (t / T)),
        ("cosine", {}, lambda: w / 2 * (1 - np.cos(np.pi * t / T))),
        ("power", {"power_factor": a}, lambda: w * ((t / T) ** a)),
        ("exponential", {}, lambda: w * (1 - np.exp(-t / (T / 4)))),
        (
            "cosine_with_linear_warmup",
            {"warmup_steps": W, "init_lr": lr, "min_lr": lo, "warmup_lr": wlr},
            warmup_cosine,
        ),
        (
            "cosine_annealing",
            {"init_lr": lr, "min_lr": lo},
            lambda: lo + (lr - lo) * ((1 + np.cos(np.pi * t / T)) / 2),
        ),
        (
            "cosine_warm_restarts",
            {"init_lr": lr, "min_lr": lo, "cycle_steps": C, "cycle_mult": 1},
            restarts_mult1,
        ),
        (
            "cosine_warm_restarts",
            {"init_lr": lr, "min_lr": lo, "cycle_steps": C, "cycle_mult": 2},
            restarts_mult2,
        ),
    ]
    rows = []
    for name, params, bare in cases:
        label = name + (f" (cycle_mult={params['cycle_mult']})" if "cycle_mult" in params else "")
        ours = median_seconds(
            lambda n=name, p=params: dynweights.evaluate(n, t, total_steps=T, **p), 21
        )
        rows.append((label, ours, median_seconds(bare, 21)))
    return rows


def torch_row() -> tuple[float, float] | None:
    try:
        import torch
    except ImportError:
        return None
    t = np.arange(T_TORCH + 1, dtype=np.float64)

    def step_torch() -> list[float]:
        opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=T_TORCH)
        lrs = []
        for _ in range(T_TORCH + 1):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        return lrs

    ours = median_seconds(
        lambda: dynweights.evaluate("cosine_annealing", t, total_steps=T_TORCH, init_lr=0.1), 21
    )
    return ours, median_seconds(step_torch, 3)


SCALAR_CALLS = 20_000


def per_call(fn: Callable[[int], object], repeats: int = 7) -> float:
    """Median seconds per call of ``fn(step)`` over SCALAR_CALLS steps."""
    steps = range(SCALAR_CALLS)

    def loop() -> None:
        for k in steps:
            fn(k)

    return median_seconds(loop, repeats) / SCALAR_CALLS


def scalar_rows() -> list[tuple[str, float]]:
    """One training step's worth: a bound scalar call, torch's step(), plain math."""
    total = 10**6
    annealing = dynweights.schedule("cosine_annealing", total_steps=total, init_lr=0.1)
    warmup = dynweights.schedule(
        "cosine_with_linear_warmup", total_steps=total, warmup_steps=2000, init_lr=3e-4
    )
    restarts = dynweights.schedule("cosine_warm_restarts", total_steps=total, cycle_mult=2)
    power = dynweights.schedule("power", total_steps=total)

    def by_hand(step: float) -> float:  # the same formula, written with math
        return 0.0 + (0.1 - 0.0) * (1 + math.cos(math.pi * min(step, total) / total)) / 2

    rows = [
        ("hand-written math, cosine annealing", per_call(by_hand)),
        ("bound, cosine_annealing", per_call(annealing)),
        ("bound, cosine_with_linear_warmup", per_call(warmup)),
        ("bound, cosine_warm_restarts (cycle_mult=2)", per_call(restarts)),
        ("bound, power (numpy path: pow rounds apart)", per_call(power)),
        (
            "evaluate(), cosine_annealing (checks each call)",
            per_call(lambda k: dynweights.evaluate("cosine_annealing", k, total_steps=total)),
        ),
    ]
    try:
        import torch
    except ImportError:
        return rows
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # step() before optimizer.step() warns once
        rows.append(("torch CosineAnnealingLR.step()", per_call(lambda k: sched.step())))
    return rows


def app_rows() -> list[tuple[int, float, float, float]]:
    """Rerun time of the whole app, and the size of both figures' JSON.

    Two reruns: one that changes nothing (the comparison table's rows are cached
    per bound schedule), and one that types a new total steps (T and T - 1 in turn),
    which changes every curve, as a person tuning T does; each value is new.
    """
    from streamlit.testing.v1 import AppTest

    rows = []
    for total in (10**2, 10**9):
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        app.query_params["total_steps"] = str(total)
        app.query_params["cycle_steps"] = "7"  # the most restarts: the envelope case
        app.run()
        if app.exception:
            raise RuntimeError(app.exception[0].value)
        same = median_seconds(app.run, 15)
        payload = sum(len(chart.proto.spec) for chart in app.get("plotly_chart"))
        edits = iter(range(total - 1, total - 20, -1))  # all new: none is cached

        def edit(app: AppTest = app, edits: Iterator[int] = edits) -> None:
            app.text_input(key="w.shared.total_steps").set_value(str(next(edits))).run()

        typed = median_seconds(edit, 15)
        rows.append((total, same, typed, payload / 1000))
    return rows


# The costliest link the page reads: eight multistep curves of 1,000 milestones at
# T = 10^9 (distinct gammas, so no two are the same value). A curve is at most
# links.MAX_CURVE_CHARS characters, so its milestones are 1, 2, ..., 1000.
WORST_LINK = {
    "units": "steps",
    "total_steps": str(10**9),
    "curve": [
        f"multistep_decay:milestones={','.join(map(str, range(1, 1001)))};gamma=0.{90 + i}"
        for i in range(8)
    ],
}
# The same curves with milestones spread over the run (k * 999,000): too long for a link.
SPREAD_LINK = {
    **WORST_LINK,
    "curve": [
        f"multistep_decay:milestones={','.join(str(k * 999_000) for k in range(1, 1001))};"
        f"gamma=0.{90 + i}"
        for i in range(8)
    ],
}


def link_rows() -> list[tuple[str, float, float, float, float, int]]:
    """The default page against the worst links: the run that opens the link, a rerun
    that changes nothing, a rerun that types a new total steps (every curve changes),
    the figures' JSON (KB) and the notices shown."""
    from streamlit.testing.v1 import AppTest

    rows = []
    views: list[tuple[str, dict[str, Any]]] = [
        ("default page", {}),
        ("8 x multistep_decay, milestones 1..1000, T = 10^9", WORST_LINK),
        ("8 x multistep_decay, milestones k * 999,000 (refused)", SPREAD_LINK),
    ]
    for label, query in views:
        app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=3600)
        app.query_params.update(query)
        start = time.perf_counter()
        app.run()
        opened = time.perf_counter() - start
        if app.exception:
            raise RuntimeError(app.exception[0].value)
        payload = sum(len(chart.proto.spec) for chart in app.get("plotly_chart"))
        notices = len(app.warning)
        same = median_seconds(app.run, 5)
        edits = iter(range(10**9 - 1, 0, -1))  # all new: none is cached

        def edit(app: AppTest = app, edits: Iterator[int] = edits) -> None:
            app.text_input(key="w.shared.total_steps").set_value(str(next(edits))).run()

        typed = median_seconds(edit, 3)
        rows.append((label, opened, same, typed, payload / 1000, notices))
    return rows


T_AREA = 10**9


def area_rows() -> list[tuple[str, float, float]]:
    """``dynweights.sums.area`` of each family at its defaults and 10^9 steps (and 1,000-step
    warm restarts: 10^6 cycles), uncached: the median time and the bound over the area."""
    from dynweights.sums import area

    cases = [(name, {}) for name in sorted(dynweights.SCHEDULES)]
    cases.append(("cosine_warm_restarts", {"cycle_steps": 1000}))
    rows = []
    for name, params in cases:
        s = dynweights.schedule(name, total_steps=T_AREA, **params)
        value, bound = area(s)
        label = name + "".join(f" ({k}={v})" for k, v in params.items())
        rows.append((label, median_seconds(lambda s=s: area(s), 9), bound / abs(value)))
    return rows


def loss_rows() -> list[tuple[str, float]]:
    """dynweights.loss: 200 query steps of the multi-power law on a bound schedule."""
    from dynweights.loss import PUBLISHED

    law = PUBLISHED["mpl-400M"]
    rows = []
    for total in (24_000, 10**9):
        s = dynweights.schedule(
            "cosine_with_linear_warmup", total_steps=total, warmup_steps=total // 10, init_lr=3e-4
        )
        steps = np.rint(np.linspace(1, total, 200)).astype(np.int64)
        rows.append(
            (
                f"bound cosine_with_linear_warmup, T = {total:,}",
                median_seconds(lambda s=s, steps=steps: law.predict(s, steps), 3),
            )
        )
    rates = np.asarray(s.values(np.arange(24_001, dtype=np.float64)))  # the array path, 24k steps
    steps = np.rint(np.linspace(1, 24_000, 200)).astype(np.int64)
    rows.append(
        (
            "array of 24,001 rates (the authors' sum)",
            median_seconds(lambda: law.predict(rates, steps), 3),
        )
    )
    return rows


def main() -> None:
    warnings.simplefilter("ignore")
    os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, numpy {np.__version__}"
    )
    print()
    print(f"1. dynweights.evaluate vs the seed blog's per-step loop, T = {T_SEED:,}")
    print("| schedule | evaluate | seed loop | speed-up |")
    print("|---|---|---|---|")
    for name, ours, seed in seed_rows():
        print(f"| {name} | {ours * 1e3:.2f} ms | {seed * 1e3:.0f} ms | {seed / ours:,.0f}x |")
    print()
    print(f"2. dynweights.evaluate vs a bare numpy expression of the same formula, T = {T_SEED:,}")
    print("| schedule | evaluate | bare numpy | ratio |")
    print("|---|---|---|---|")
    for name, ours, bare in bare_rows():
        print(f"| {name} | {ours * 1e3:.2f} ms | {bare * 1e3:.2f} ms | {ours / bare:.2f}x |")
    print()
    print(f"3. dynweights.evaluate vs stepping torch CosineAnnealingLR, {T_TORCH:,} steps")
    row = torch_row()
    if row is None:
        print("torch is not installed in this environment: row not measured.")
    else:
        ours, torch_s = row
        print("| evaluate | torch stepping | speed-up |")
        print("|---|---|---|")
        print(f"| {ours * 1e3:.2f} ms | {torch_s * 1e3:.0f} ms | {torch_s / ours:,.0f}x |")
    print()
    print("4. App rerun (AppTest, warm, cycle_steps=7) and figure payload")
    print("| total_steps | rerun, nothing changed | rerun, total steps typed | figures' JSON |")
    print("|---|---|---|---|")
    rows = app_rows()
    for total, same, typed, kb in rows:
        print(f"| {total:,} | {same * 1e3:.0f} ms | {typed * 1e3:.0f} ms | {kb:.0f} KB |")
    print(
        f"rerun at 10^9 / rerun at 10^2: {rows[1][1] / rows[0][1]:.2f}x unchanged, "
        f"{rows[1][2] / rows[0][2]:.2f}x typed"
    )
    print()
    print("4b. The worst link against the default page (AppTest, one process)")
    print(
        "| view | opening run | rerun, nothing changed | rerun, total steps typed "
        "| figures' JSON | notices |"
    )
    print("|---|---|---|---|---|---|")
    links = link_rows()
    for label, opened, same, typed, kb, notices in links:
        print(
            f"| {label} | {opened:.2f} s | {same * 1e3:.0f} ms | {typed:.2f} s | {kb:.0f} KB "
            f"| {notices} |"
        )
    base = links[0]
    for label, opened, same, typed, _, _ in links[1:]:
        print(
            f"{label} / default page: {opened / base[1]:.1f}x opening, "
            f"{same / base[2]:.1f}x unchanged, {typed / base[3]:.1f}x typed"
        )
    print()
    print(f"5. One scalar call per training step (median per call over {SCALAR_CALLS:,} calls)")
    print("| call | per call | vs hand-written math | vs torch step() |")
    print("|---|---|---|---|")
    scalar = scalar_rows()
    by_hand = scalar[0][1]
    torch_step = dict(scalar).get("torch CosineAnnealingLR.step()")
    for name, seconds in scalar:
        vs_torch = f"{seconds / torch_step:.2f}x" if torch_step else "n/a"
        print(f"| {name} | {seconds * 1e6:.2f} µs | {seconds / by_hand:.1f}x | {vs_torch} |")
    print()
    print(f"6. dynweights.sums.area at T = {T_AREA:,} (median of 9, uncached)")
    print("| schedule | area | bound / area |")
    print("|---|---|---|")
    for name, seconds, relative in area_rows():
        print(f"| {name} | {seconds * 1e3:.2f} ms | {relative:.1e} |")
    print()
    print("7. dynweights.loss: MultiPowerLaw.predict at 200 query steps")
    print("| schedule | 200 predictions |")
    print("|---|---|")
    for name, seconds in loss_rows():
        print(f"| {name} | {seconds * 1e3:.0f} ms |")


if __name__ == "__main__":
    main()
