"""``reduce_on_plateau``: the learning rates PyTorch's ``ReduceLROnPlateau`` sets.

A plateau schedule is not a function of the step: it reads a metric after each
evaluation and cuts the rate when the metric stops improving. Given the
metrics a run logged, the rates are determined, and this replays them: it is
the one place in the package that walks a sequence, because the state (best
value, bad evaluations, cooldown) depends on every metric before.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dynweights._checks import check_choice, check_int, check_real, fail

MAX_METRICS = 10**7


def reduce_on_plateau(
    metrics: ArrayLike,
    *,
    lr: float,
    mode: str = "min",
    factor: float = 0.1,
    patience: int = 10,
    threshold: float = 1e-4,
    threshold_mode: str = "rel",
    cooldown: int = 0,
    min_lr: float = 0.0,
    eps: float = 1e-8,
) -> NDArray[np.float64]:
    r"""The learning rates of ``torch.optim.lr_scheduler.ReduceLROnPlateau``, replayed.

    ``out[0]`` is ``lr``, and ``out[i + 1]`` is the rate after
    ``scheduler.step(metrics[i])``: the rate in force after evaluation ``i``.
    A metric *improves* on the best so far when it is below
    ``best (1 - threshold)`` (``mode="min"``, ``threshold_mode="rel"``),
    below ``best - threshold`` (``"abs"``), or above ``best (1 + threshold)``
    or ``best + threshold`` for ``mode="max"``; the first metric always
    improves on the start (``+inf`` or ``-inf``). After more than ``patience``
    evaluations in a row without improvement the rate becomes
    ``max(rate * factor, min_lr)``, unless that changes it by ``eps`` or
    less, and the next ``cooldown`` evaluations count as no bad ones.

    This is PyTorch 2.13's code step for step, in float64, with one parameter
    group (``tests/golden/plateau.json`` pins it). A NaN metric is, as in
    PyTorch, never an improvement: it counts as a bad evaluation.

    Args:
      metrics: the metric of each evaluation, in order: a 1-D sequence of
        finite numbers or NaN, at most 10**7 of them.
      lr: the optimizer's learning rate before the first evaluation, ``>= 0``.
      mode: ``"min"`` (a lower metric is better, a loss) or ``"max"``.
      factor: the cut, in ``[0, 1)``.
      patience: evaluations without improvement that are tolerated, ``>= 0``.
      threshold: how much better a new best must be, ``>= 0``.
      threshold_mode: ``"rel"`` (a fraction of the best) or ``"abs"``.
      cooldown: evaluations after a cut during which none counts as bad.
      min_lr: the floor, ``>= 0``.
      eps: a cut smaller than or equal to this is skipped, ``>= 0``.

    Returns:
      A float64 array of ``len(metrics) + 1`` learning rates.

    Raises:
      ValueError: naming the argument: ``factor must be in [0, 1), got 1.0``.

    >>> reduce_on_plateau([3.0, 2.0, 2.0, 2.0, 2.0], lr=0.1, patience=1).tolist()
    [0.1, 0.1, 0.1, 0.1, 0.010000000000000002, 0.010000000000000002]
    """
    values = _metrics(metrics)
    rate = check_real("lr", lr, 0.0)
    check_choice("mode", mode, ("min", "max"))
    factor = check_real("factor", factor, 0.0, 1.0, high_open=True, rule="in [0, 1)")
    patience = check_int("patience", patience, 0)
    threshold = check_real("threshold", threshold, 0.0)
    check_choice("threshold_mode", threshold_mode, ("rel", "abs"))
    cooldown = check_int("cooldown", cooldown, 0)
    min_lr = check_real("min_lr", min_lr, 0.0)
    eps = check_real("eps", eps, 0.0)

    # PyTorch's _is_better, in its own operation order; a NaN is never better.
    lower = mode == "min"
    relative = threshold_mode == "rel"
    scale = 1.0 - threshold if lower else threshold + 1.0
    margin = -threshold if lower else threshold

    def improves(a: float, best: float) -> bool:
        bar = best * scale if relative else best + margin
        return a < bar if lower else a > bar

    best = math.inf if lower else -math.inf
    out = np.empty(len(values) + 1, dtype=np.float64)
    out[0] = rate
    bad = cooling = 0
    for i, current in enumerate(values):
        if improves(current, best):
            best, bad = current, 0
        else:
            bad += 1
        if cooling > 0:
            cooling -= 1
            bad = 0
        if bad > patience:
            new = max(rate * factor, min_lr)
            if rate - new > eps:
                rate = new
            cooling, bad = cooldown, 0
        out[i + 1] = rate
    return out


def _metrics(metrics: ArrayLike) -> list[float]:
    rule = f"a 1-D sequence of at most {MAX_METRICS:.0e} finite numbers (or NaN)"
    if isinstance(metrics, str | bytes):
        fail("metrics", rule, metrics)
    if isinstance(metrics, Sequence) and len(metrics) > MAX_METRICS:
        fail("metrics", rule, f"{len(metrics)} values")
    try:
        raw = np.asarray(metrics)
    except (TypeError, ValueError, OverflowError):
        fail("metrics", rule, metrics)
    if raw.ndim != 1 or raw.dtype.kind not in "iuf" or raw.size > MAX_METRICS:
        fail("metrics", rule, metrics)
    values = raw.astype(np.float64)
    infinite = np.isinf(values)
    if infinite.any():
        where = int(np.argmax(infinite))
        fail(f"metrics[{where}]", "finite, or NaN for no improvement", float(values[where]))
    return values.tolist()  # type: ignore[no-any-return]
