"""Learning-rate schedules: cosine decay with warmup, annealing and restarts.

Every schedule here is built from two pieces, as optax builds its own: a
linear piece and a cosine-decay piece, each evaluated on its own local step,
joined at a boundary. Steps past ``total_steps`` hold the value at
``total_steps`` (PyTorch's cosine would rise again; ours does not).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dynweights._checks import as_steps, check_int, check_real, finish
from dynweights._spec import (
    CYCLE_MULT,
    CYCLE_STEPS,
    INIT_LR,
    MIN_LR,
    TOTAL_STEPS,
    WARMUP_LR,
    WARMUP_STEPS,
    Schedule,
    Value,
    Values,
)

Piece = Callable[[NDArray[np.float64]], NDArray[np.float64]]


def _linear_piece(start: float, end: float, length: float) -> Piece:
    """``start`` at local step 0 to ``end`` at ``length``."""
    # start + (end - start) * 1 can round an ulp off ``end``: never leave the
    # segment, and land on ``end`` exactly (0.3 + (1.0 - 0.3) * 1 is 1.0000000000000002).
    bound = np.minimum if end >= start else np.maximum
    return lambda t: np.where(t < length, bound(start + (end - start) * (t / length), end), end)


def _cosine_piece(peak: float, floor: float, length: float | NDArray[np.float64]) -> Piece:
    """Half a cosine from ``peak`` at local step 0 to ``floor`` at ``length``."""
    # (1 + cos) / 2 first keeps the product finite for any finite rates, and
    # halving is exact, so this equals PyTorch's ``(peak - floor) * (1 + cos) / 2``,
    # except that the minimum keeps ``floor + (peak - floor)`` from rounding one
    # ulp above ``peak`` (0.001 + 0.009 is 0.010000000000000002), as PyTorch's does.

    def piece(t: NDArray[np.float64]) -> NDArray[np.float64]:
        # The same operations in the same order, in place after the first
        # (which allocates, so the caller's steps are never written to).
        x = np.pi * t
        x /= length
        np.cos(x, out=x)
        x += 1
        x /= 2
        x *= peak - floor
        x += floor
        return np.minimum(x, peak, out=x)

    return piece


def _join(
    t: NDArray[np.float64], boundary: float, before: Piece, after: Piece
) -> NDArray[np.float64]:
    """``before(t)`` for ``t < boundary``, else ``after(t - boundary)``."""
    if boundary == 0:
        return after(t)
    # Each piece sees only local steps of its own domain: no 0 / 0 before a piece
    # starts, and no overflow past the end of one for rates near the float maximum.
    return np.where(
        t < boundary, before(np.minimum(t, boundary)), after(np.maximum(t - boundary, 0.0))
    )


def _check_warmup(warmup_steps: object, total: int, low: int = 0) -> int:
    rule = f"in [{low}, total_steps) = [{low}, {total})"
    return check_int("warmup_steps", warmup_steps, low, total - 1, rule=rule)


def _multiples(total: int, size: int, limit: int) -> NDArray[np.int64]:
    """The multiples of ``size`` in ``(0, total]``, evenly thinned to ``limit``."""
    count = total // size
    picks = np.arange(1, count + 1) if count <= limit else np.linspace(1, count, limit)
    return np.unique(np.rint(picks).astype(np.int64)) * size


def _lr_args(total_steps: object, init_lr: object, min_lr: object) -> tuple[int, float, float]:
    total = check_int("total_steps", total_steps, 1)
    peak = check_real("init_lr", init_lr, 0.0)
    floor = check_real("min_lr", min_lr, 0.0, peak, rule=f"in [0, init_lr] = [0, {peak:g}]")
    return total, peak, floor


def cosine_with_linear_warmup(
    steps: ArrayLike,
    *,
    total_steps: int = 100,
    warmup_steps: int = 10,
    init_lr: float = 0.1,
    warmup_lr: float = 0.0,
    min_lr: float = 0.0,
) -> Values:
    r"""Linear warmup, then cosine decay to a floor (TensorFlow TPU's schedule).

    .. math::

        \eta_t = \begin{cases}
          \eta_w + (\eta_0 - \eta_w)\,\frac{t}{W} & t < W \\
          \eta_{min} + (\eta_0 - \eta_{min})\,\frac{1 + \cos(\pi (t - W) / (T - W))}{2} & t \ge W
        \end{cases}

    where :math:`\eta_w` is ``warmup_lr``, :math:`\eta_0` is ``init_lr``,
    :math:`\eta_{min}` is ``min_lr``, :math:`W` is ``warmup_steps`` and
    :math:`T` is ``total_steps``.

    With ``min_lr=0`` this is ``cosine_learning_rate_with_linear_warmup`` of the
    TensorFlow TPU repository, except that ``warmup_steps=0`` means no warmup
    instead of a division by zero. It equals Hugging Face's
    ``get_cosine_schedule_with_warmup`` (``warmup_lr=0``, ``min_lr=0``),
    ``get_cosine_with_min_lr_schedule_with_warmup`` (``warmup_lr=0``) and optax's
    ``warmup_cosine_decay_schedule(init_value=warmup_lr, peak_value=init_lr,
    warmup_steps=W, decay_steps=T, end_value=min_lr)``.

    Args:
      steps: a step or an array of steps, each ``>= 0``; floats are allowed and
        steps past ``total_steps`` hold ``min_lr``.
      total_steps: ``T``, where the decay reaches ``min_lr``; ``>= 1``.
      warmup_steps: ``W`` in ``[0, total_steps)``; 0 means no warmup.
      init_lr: the peak learning rate at the end of the warmup, ``>= 0``.
      warmup_lr: the learning rate at step 0, ``>= 0``. It may exceed
        ``init_lr``, in which case the warmup ramps down.
      min_lr: the floor in ``[0, init_lr]``.

    Returns:
      A float for a scalar step, else a float64 array of the steps' shape.

    Raises:
      ValueError: naming the first parameter out of its range.

    >>> cosine_with_linear_warmup([0, 5, 10, 55, 100], total_steps=100, warmup_steps=10)
    array([0.  , 0.05, 0.1 , 0.05, 0.  ])
    """
    total, peak, floor = _lr_args(total_steps, init_lr, min_lr)
    warmup = _check_warmup(warmup_steps, total)
    start = check_real("warmup_lr", warmup_lr, 0.0)
    t = as_steps(steps, total)
    rise = _linear_piece(start, peak, warmup)
    decay = _cosine_piece(peak, floor, total - warmup)
    return finish(_join(t, warmup, rise, decay), steps)


def cosine_annealing(
    steps: ArrayLike, *, total_steps: int = 100, init_lr: float = 0.1, min_lr: float = 0.0
) -> Values:
    r"""Cosine annealing from ``init_lr`` down to ``min_lr`` (SGDR without restarts).

    .. math:: \eta_t = \eta_{min} + (\eta_0 - \eta_{min})\,\frac{1 + \cos(\pi t / T)}{2}

    where :math:`\eta_0` is ``init_lr``, :math:`\eta_{min}` is ``min_lr`` and
    :math:`T` is ``total_steps``.

    Identical to ``torch.optim.lr_scheduler.CosineAnnealingLR(T_max=T,
    eta_min=min_lr)`` for ``t <= T``; after ``T`` it holds ``min_lr`` where
    PyTorch's would rise again. The final value is ``min_lr``, not half of
    ``init_lr`` (a claim of one source page); halfway it is the mean of the two.

    Args:
      steps: a step or an array of steps, each ``>= 0``; steps past
        ``total_steps`` hold ``min_lr``.
      total_steps: ``T``, where the schedule reaches ``min_lr``; ``>= 1``.
      init_lr: the learning rate at step 0, ``>= 0``.
      min_lr: the floor in ``[0, init_lr]``.

    Returns:
      A float for a scalar step, else a float64 array of the steps' shape.

    Raises:
      ValueError: naming the first parameter out of its range.

    >>> cosine_annealing(50, total_steps=100, init_lr=0.1)
    0.05
    """
    total, peak, floor = _lr_args(total_steps, init_lr, min_lr)
    return finish(_cosine_piece(peak, floor, total)(as_steps(steps, total)), steps)


def cosine_warm_restarts(
    steps: ArrayLike,
    *,
    total_steps: int = 100,
    init_lr: float = 0.1,
    min_lr: float = 0.0,
    cycle_steps: int = 25,
    cycle_mult: int = 1,
) -> Values:
    r"""Cosine annealing with warm restarts (SGDR, Loshchilov & Hutter 2017).

    .. math::

        \eta_t = \eta_{min} + (\eta_0 - \eta_{min})\,\frac{1 + \cos(\pi t_{cur} / T_i)}{2},
        \qquad T_i = C\,m^i,\quad t_{cur} = t - C\,\frac{m^i - 1}{m - 1}

    where cycle :math:`i` is the one containing step :math:`t`
    (:math:`t_{cur} = t \bmod C` when :math:`m = 1`), :math:`\eta_0` is
    ``init_lr``, :math:`\eta_{min}` is ``min_lr``, :math:`C` is ``cycle_steps``
    and :math:`m` is ``cycle_mult``.

    Identical to ``torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(T_0=C,
    T_mult=m, eta_min=min_lr)`` at every integer step up to ``total_steps``,
    after which the value at ``total_steps`` holds. The cycle index comes from a
    closed-form logarithm, corrected by one where rounding misplaces it, so the
    whole array is evaluated without a Python loop.

    Args:
      steps: a step or an array of steps, each ``>= 0``; steps past
        ``total_steps`` hold the value at ``total_steps``.
      total_steps: ``T``, the length of the run; ``>= 1``.
      init_lr: the learning rate at each restart, ``>= 0``.
      min_lr: the floor in ``[0, init_lr]``.
      cycle_steps: ``C``, the length of the first cycle, an integer ``>= 1``.
      cycle_mult: ``m``, how many times longer each cycle is than the one
        before, an integer ``>= 1``.

    Returns:
      A float for a scalar step, else a float64 array of the steps' shape.

    Raises:
      ValueError: naming the first parameter out of its range.

    >>> cosine_warm_restarts([0, 5, 10, 20, 30], total_steps=100, cycle_steps=10, cycle_mult=2)
    array([0.1 , 0.05, 0.1 , 0.05, 0.1 ])
    """
    total, peak, floor = _lr_args(total_steps, init_lr, min_lr)
    cycle = check_int("cycle_steps", cycle_steps, 1)
    mult = check_int("cycle_mult", cycle_mult, 1)
    t = as_steps(steps, total)
    if mult == 1:
        start = np.floor(t / cycle) * cycle
        length: float | NDArray[np.float64] = float(cycle)
    else:
        # Cycle i starts at C (m^i - 1) / (m - 1): invert that with a logarithm.
        i = np.floor(np.log1p(t * (mult - 1) / cycle) / np.log(mult))
        start = cycle * (np.power(float(mult), i) - 1) / (mult - 1)
        # Rounding can put i one cycle off next to a restart. The neighbours'
        # starts follow exactly from start_{i+1} = m start_i + C (integers below
        # 2**53 are exact in float64), so fix it up without another power.
        start = np.where(t < start, (start - cycle) / mult, start)
        following = start * mult + cycle
        start = np.where(t >= following, following, start)
        length = start * (mult - 1) + cycle
    return finish(_cosine_piece(peak, floor, length)(t - start), steps)


def _warmup_end(params: Mapping[str, Value], limit: int) -> NDArray[np.int64]:
    return np.array([params["warmup_steps"]], dtype=np.int64)


def _restarts(params: Mapping[str, Value], limit: int) -> NDArray[np.int64]:
    """The restart steps up to ``total_steps``, evenly thinned to ``limit``."""
    total, cycle, mult = (int(params[k]) for k in ("total_steps", "cycle_steps", "cycle_mult"))
    if mult == 1:
        return _multiples(total, cycle, limit)
    # Geometric cycles: at most log2(2**53) of them, so a loop over cycles is cheap.
    starts: list[int] = []
    start, length = cycle, cycle * mult
    while start <= total:
        starts.append(start)
        start, length = start + length, length * mult
    return np.array(starts[:limit], dtype=np.int64)


_LR = (TOTAL_STEPS, INIT_LR, MIN_LR)

SPECS = (
    Schedule(
        "cosine_with_linear_warmup",
        "Cosine with linear warmup",
        "lr",
        r"\eta_t = \begin{cases} \eta_w + (\eta_0 - \eta_w)\,\frac{t}{W} & t < W \\ "
        r"\eta_{min} + (\eta_0 - \eta_{min})\,\frac{1 + \cos(\pi (t - W) / (T - W))}{2}"
        r" & t \ge W \end{cases}",
        cosine_with_linear_warmup,
        (TOTAL_STEPS, WARMUP_STEPS, INIT_LR, WARMUP_LR, MIN_LR),
        "Linear warmup from warmup_lr to init_lr over warmup_steps, then a cosine "
        "decay to min_lr at total_steps (TensorFlow TPU; Hugging Face; optax).",
        _warmup_end,
    ),
    Schedule(
        "cosine_annealing",
        "Cosine annealing",
        "lr",
        r"\eta_t = \eta_{min} + (\eta_0 - \eta_{min})\,\frac{1 + \cos(\pi t / T)}{2}",
        cosine_annealing,
        _LR,
        "Cosine decay from init_lr to min_lr at total_steps (PyTorch CosineAnnealingLR).",
    ),
    Schedule(
        "cosine_warm_restarts",
        "Cosine warm restarts",
        "lr",
        r"\eta_t = \eta_{min} + (\eta_0 - \eta_{min})\,\frac{1 + \cos(\pi t_{cur} / T_i)}{2},"
        r"\ T_i = C m^i",
        cosine_warm_restarts,
        (*_LR, CYCLE_STEPS, CYCLE_MULT),
        "SGDR: cosine cycles from init_lr to min_lr, restarting every cycle_steps, each "
        "cycle cycle_mult times longer (PyTorch CosineAnnealingWarmRestarts).",
        _restarts,
    ),
)
