"""More learning-rate families: warmup-stable-decay, inverse square root,
polynomial, step and exponential decay, and one-cycle.

Each equals a named peer of PyTorch or Hugging Face at every integer step up to
``total_steps`` (golden fixtures in ``tests/golden/peers.json``), and holds the
value at ``total_steps`` after it. Like the cosine family they are joins of
pieces, each evaluated on its own local step.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dynweights._checks import as_steps, check_choice, check_int, check_real, fail, finish
from dynweights._spec import (
    DECAY_SHAPE,
    DECAY_STEPS,
    DIV_FACTOR,
    FINAL_DIV_FACTOR,
    GAMMA,
    INIT_LR,
    MIN_LR,
    PCT_START,
    POWER_FACTOR,
    STEP_SIZE,
    TOTAL_STEPS,
    WARMUP_LR,
    WARMUP_STEPS,
    Schedule,
    Value,
    Values,
)
from dynweights.lr import (
    Piece,
    _check_warmup,
    _cosine_piece,
    _join,
    _linear_piece,
    _lr_args,
    _multiples,
    _warmup_end,
)

# inverse_sqrt divides by the warmup length, so it needs one step of warmup,
# and a run of at least two steps to hold it.
WARMUP_STEPS_POSITIVE = dataclasses.replace(WARMUP_STEPS, min=1)
TOTAL_STEPS_TWO = dataclasses.replace(TOTAL_STEPS, min=2)


def _constant(value: float) -> Piece:
    return lambda t: np.full_like(t, value)


def _sqrt_piece(peak: float, floor: float, length: float) -> Piece:
    """``1 - sqrt`` decay from ``peak`` to ``floor`` over ``length`` (Hägele et al.)."""
    return lambda t: np.minimum(floor + (peak - floor) * (1 - np.sqrt(t / length)), peak)


_DECAY_PIECES = {"linear": _linear_piece, "cosine": _cosine_piece, "1-sqrt": _sqrt_piece}


def warmup_stable_decay(
    steps: ArrayLike,
    *,
    total_steps: int = 100,
    warmup_steps: int = 10,
    decay_steps: int = 20,
    init_lr: float = 0.1,
    warmup_lr: float = 0.0,
    min_lr: float = 0.0,
    decay_shape: str = "cosine",
) -> Values:
    r"""Warmup, a stable phase at ``init_lr``, then a decay to ``min_lr`` (WSD).

    .. math::

        \eta_t = \begin{cases}
          \eta_w + (\eta_0 - \eta_w)\,t / W & t < W \\
          \eta_0 & W \le t < T - D \\
          \eta_{min} + (\eta_0 - \eta_{min})\, f\big((t - T + D) / D\big) & t \ge T - D
        \end{cases}

    where :math:`f(p)` is :math:`1 - p` (linear), :math:`(1 + \cos \pi p)/2`
    (cosine) or :math:`1 - \sqrt{p}` (1-sqrt), :math:`W` is ``warmup_steps``,
    :math:`D` is ``decay_steps``, :math:`\eta_w` is ``warmup_lr``,
    :math:`\eta_0` is ``init_lr`` and :math:`\eta_{min}` is ``min_lr``.

    Equals Hugging Face's ``get_wsd_schedule(num_warmup_steps=W,
    num_decay_steps=D, num_training_steps=T, decay_type=decay_shape,
    min_lr_ratio=r)`` with ``warmup_lr = min_lr = r * init_lr`` (Hugging Face
    starts its warmup at the floor, not at 0).

    Args:
      steps: a step or an array of steps, each ``>= 0``; steps past
        ``total_steps`` hold ``min_lr``.
      total_steps: ``T``, the end of the decay; ``>= 1``.
      warmup_steps: ``W`` in ``[0, total_steps)``; 0 means no warmup.
      decay_steps: ``D`` in ``[0, total_steps - warmup_steps]``; 0 drops to
        ``min_lr`` at ``T``.
      init_lr: the stable learning rate, ``>= 0``.
      warmup_lr: the learning rate at step 0, ``>= 0``.
      min_lr: the floor in ``[0, init_lr]``.
      decay_shape: ``"linear"``, ``"cosine"`` or ``"1-sqrt"``.

    Returns:
      A float for a scalar step, else a float64 array of the steps' shape.

    Raises:
      ValueError: naming the first parameter out of its range.

    >>> warmup_stable_decay([0, 5, 10, 50, 90, 100], decay_shape="linear")
    array([0.  , 0.05, 0.1 , 0.1 , 0.05, 0.  ])
    """
    total, peak, floor = _lr_args(total_steps, init_lr, min_lr)
    warmup = _check_warmup(warmup_steps, total)
    room = total - warmup
    decay = check_int(
        "decay_steps",
        decay_steps,
        0,
        room,
        rule=f"in [0, total_steps - warmup_steps] = [0, {room}]",
    )
    shape = check_choice("decay_shape", decay_shape, DECAY_SHAPE.choices)
    start = check_real("warmup_lr", warmup_lr, 0.0)
    t = as_steps(steps, total)
    rise = _linear_piece(start, peak, warmup)
    fall = _DECAY_PIECES[shape](peak, floor, decay) if decay else _constant(floor)
    plateau: Piece = lambda u: _join(u, room - decay, _constant(peak), fall)  # noqa: E731
    return finish(_join(t, warmup, rise, plateau), steps)


def inverse_sqrt(
    steps: ArrayLike,
    *,
    total_steps: int = 100,
    warmup_steps: int = 10,
    init_lr: float = 0.1,
    warmup_lr: float = 0.0,
) -> Values:
    r"""Linear warmup, then decay with the inverse square root of the step.

    .. math::

        \eta_t = \begin{cases}
          \eta_w + (\eta_0 - \eta_w)\,t / W & t < W \\
          \eta_0 \sqrt{W / t} & t \ge W
        \end{cases}

    where :math:`W` is ``warmup_steps``, :math:`\eta_w` is ``warmup_lr`` and
    :math:`\eta_0` is ``init_lr``. Equals Hugging Face's
    ``get_inverse_sqrt_schedule(num_warmup_steps=W, timescale=W)`` with
    ``warmup_lr=0``.

    Args:
      steps: a step or an array of steps, each ``>= 0``; steps past
        ``total_steps`` hold the value at ``total_steps``.
      total_steps: ``T``; ``>= 2``, as the warmup takes at least one step before it.
      warmup_steps: ``W`` in ``[1, total_steps)``: the decay's time scale.
      init_lr: the peak learning rate at ``W``, ``>= 0``.
      warmup_lr: the learning rate at step 0, ``>= 0``.

    Returns:
      A float for a scalar step, else a float64 array of the steps' shape.

    Raises:
      ValueError: naming the first parameter out of its range.

    >>> inverse_sqrt([0, 5, 10, 40], total_steps=100, warmup_steps=10)
    array([0.  , 0.05, 0.1 , 0.05])
    """
    rule = "an integer in [2, 2**53]: warmup_steps >= 1 must fit before it"
    total = check_int("total_steps", total_steps, 2, rule=rule)
    warmup = _check_warmup(warmup_steps, total, low=1)
    peak = check_real("init_lr", init_lr, 0.0)
    start = check_real("warmup_lr", warmup_lr, 0.0)
    t = as_steps(steps, total)
    rise = _linear_piece(start, peak, warmup)
    return finish(
        _join(t, warmup, rise, lambda u: peak * (1 / np.sqrt((u + warmup) / warmup))), steps
    )


def polynomial_decay(
    steps: ArrayLike,
    *,
    total_steps: int = 100,
    warmup_steps: int = 10,
    init_lr: float = 0.1,
    warmup_lr: float = 0.0,
    min_lr: float = 0.0,
    power_factor: float = 2.0,
) -> Values:
    r"""Linear warmup, then a polynomial decay to ``min_lr`` (BERT uses power 1).

    .. math::

        \eta_t = \begin{cases}
          \eta_w + (\eta_0 - \eta_w)\,t / W & t < W \\
          (\eta_0 - \eta_{min}) \left(1 - \frac{t - W}{T - W}\right)^a + \eta_{min} & t \ge W
        \end{cases}

    where :math:`a` is ``power_factor``, :math:`W` is ``warmup_steps`` and the
    rates are as in ``cosine_with_linear_warmup``. Equals Hugging Face's
    ``get_polynomial_decay_schedule_with_warmup(lr_end=min_lr,
    power=power_factor)`` with ``warmup_lr=0``.

    Args:
      steps: a step or an array of steps, each ``>= 0``; steps past
        ``total_steps`` hold ``min_lr``.
      total_steps: ``T``, where the decay reaches ``min_lr``; ``>= 1``.
      warmup_steps: ``W`` in ``[0, total_steps)``; 0 means no warmup.
      init_lr: the peak learning rate at ``W``, ``>= 0``.
      warmup_lr: the learning rate at step 0, ``>= 0``.
      min_lr: the floor in ``[0, init_lr]``.
      power_factor: the exponent ``a``, ``> 0``.

    Returns:
      A float for a scalar step, else a float64 array of the steps' shape.

    Raises:
      ValueError: naming the first parameter out of its range.

    >>> polynomial_decay([0, 10, 55, 100], power_factor=1.0)
    array([0.  , 0.1 , 0.05, 0.  ])
    """
    total, peak, floor = _lr_args(total_steps, init_lr, min_lr)
    warmup = _check_warmup(warmup_steps, total)
    start = check_real("warmup_lr", warmup_lr, 0.0)
    a = check_real("power_factor", power_factor, 0.0, low_open=True)
    t = as_steps(steps, total)
    rise = _linear_piece(start, peak, warmup)
    length = total - warmup
    # Hugging Face's order of operations: range * remaining ** power + end.
    fall: Piece = lambda u: np.minimum((peak - floor) * (1 - u / length) ** a + floor, peak)  # noqa: E731
    return finish(_join(t, warmup, rise, fall), steps)


def _gamma(gamma: object) -> float:
    return check_real("gamma", gamma, 0.0, 1.0, low_open=True, rule="in (0, 1]")


def step_decay(
    steps: ArrayLike,
    *,
    total_steps: int = 100,
    init_lr: float = 0.1,
    step_size: int = 10,
    gamma: float = 0.9,
) -> Values:
    r"""Multiply the learning rate by ``gamma`` every ``step_size`` steps.

    .. math:: \eta_t = \eta_0 \, \gamma^{\lfloor t / s \rfloor}

    where :math:`\eta_0` is ``init_lr``, :math:`s` is ``step_size`` and
    :math:`\gamma` is ``gamma``. Equals ``torch.optim.lr_scheduler.StepLR``.

    Args:
      steps: a step or an array of steps, each ``>= 0``; steps past
        ``total_steps`` hold the value at ``total_steps``.
      total_steps: ``T``; ``>= 1``.
      init_lr: the learning rate at step 0, ``>= 0``.
      step_size: ``s``, an integer ``>= 1``.
      gamma: the factor in ``(0, 1]``.

    Returns:
      A float for a scalar step, else a float64 array of the steps' shape.

    Raises:
      ValueError: naming the first parameter out of its range.

    >>> step_decay([0, 9, 10, 25], init_lr=1.0, step_size=10, gamma=0.5)
    array([1.  , 1.  , 0.5 , 0.25])
    """
    total = check_int("total_steps", total_steps, 1)
    peak = check_real("init_lr", init_lr, 0.0)
    size = check_int("step_size", step_size, 1)
    factor = _gamma(gamma)
    t = as_steps(steps, total)
    return finish(peak * factor ** np.floor(t / size), steps)


def exponential_decay(
    steps: ArrayLike, *, total_steps: int = 100, init_lr: float = 0.1, gamma: float = 0.9
) -> Values:
    r"""Multiply the learning rate by ``gamma`` every step.

    .. math:: \eta_t = \eta_0 \, \gamma^{t}

    where :math:`\eta_0` is ``init_lr`` and :math:`\gamma` is ``gamma``.
    Equals ``torch.optim.lr_scheduler.ExponentialLR``.

    Args:
      steps: a step or an array of steps, each ``>= 0``; steps past
        ``total_steps`` hold the value at ``total_steps``.
      total_steps: ``T``; ``>= 1``.
      init_lr: the learning rate at step 0, ``>= 0``.
      gamma: the factor per step in ``(0, 1]``.

    Returns:
      A float for a scalar step, else a float64 array of the steps' shape.

    Raises:
      ValueError: naming the first parameter out of its range.

    >>> exponential_decay([0, 1, 2], init_lr=1.0, gamma=0.5)
    array([1.  , 0.5 , 0.25])
    """
    total = check_int("total_steps", total_steps, 1)
    peak = check_real("init_lr", init_lr, 0.0)
    factor = _gamma(gamma)
    return finish(peak * factor ** as_steps(steps, total), steps)


def _one_cycle_peak(total: int, pct_start: float) -> float:
    # PyTorch counts total_steps values (ours are 0..T, so T + 1 of them) and
    # puts the peak at pct_start * (T + 1) - 1, which need not be an integer.
    return pct_start * (total + 1) - 1


def _anneal(start: float, end: float, length: float) -> Piece:
    """PyTorch's ``_annealing_cos``: ``end + (start - end) / 2 * (cos(pi p) + 1)``."""
    return lambda t: end + (start - end) / 2.0 * (np.cos(np.pi * (t / length)) + 1)


def one_cycle(
    steps: ArrayLike,
    *,
    total_steps: int = 100,
    init_lr: float = 0.1,
    pct_start: float = 0.3,
    div_factor: float = 25.0,
    final_div_factor: float = 10000.0,
) -> Values:
    r"""One cycle (Smith 2018): a cosine rise to ``init_lr``, then a cosine fall far below.

    .. math::

        \eta_t = \begin{cases}
          \eta_{peak} + (\eta_{start} - \eta_{peak}) \frac{1 + \cos(\pi t / P)}{2} & t \le P \\
          \eta_{end} + (\eta_{peak} - \eta_{end}) \frac{1 + \cos(\pi (t - P) / (T - P))}{2}
          & t > P
        \end{cases}

    where :math:`\eta_{peak}` is ``init_lr``, :math:`\eta_{start} = \eta_{peak} / d`,
    :math:`\eta_{end} = \eta_{start} / f`, :math:`P = p (T + 1) - 1`, :math:`p` is
    ``pct_start``, :math:`d` is ``div_factor`` and :math:`f` is ``final_div_factor``.

    Equals ``torch.optim.lr_scheduler.OneCycleLR(max_lr=init_lr,
    total_steps=total_steps + 1, anneal_strategy="cos", three_phase=False)`` at
    steps ``0..T`` (PyTorch's ``total_steps`` counts values, ours the last step).

    Args:
      steps: a step or an array of steps, each ``>= 0``; steps past
        ``total_steps`` hold the final value.
      total_steps: ``T``; ``>= 1``.
      init_lr: the peak learning rate, ``>= 0``.
      pct_start: ``p``, the rising fraction, in ``(1 / (T + 1), 1)`` so the peak
        falls inside the run.
      div_factor: ``d >= 1``.
      final_div_factor: ``f >= 1``.

    Returns:
      A float for a scalar step, else a float64 array of the steps' shape.

    Raises:
      ValueError: naming the first parameter out of its range.

    >>> one_cycle([0, 29.3, 100], init_lr=1.0, div_factor=10.0, final_div_factor=10.0).round(12)
    array([0.1 , 1.  , 0.01])
    """
    total = check_int("total_steps", total_steps, 1)
    peak = check_real("init_lr", init_lr, 0.0)
    low = 1 / (total + 1)
    rule = f"in (1 / (total_steps + 1), 1) = ({low:g}, 1)"
    rise = check_real("pct_start", pct_start, low, 1.0, low_open=True, high_open=True, rule=rule)
    top = _one_cycle_peak(total, rise)
    # The bounds are exact, but pct_start * (T + 1) - 1 can still round to 0.
    if not 0 < top < total:
        fail("pct_start", rule, pct_start)
    divide = check_real("div_factor", div_factor, 1.0)
    final_divide = check_real("final_div_factor", final_div_factor, 1.0)
    start = peak / divide
    end = start / final_divide
    t = as_steps(steps, total)
    up, down = _anneal(start, peak, top), _anneal(peak, end, total - top)
    out = np.where(t <= top, up(t), down(t - top))
    return finish(np.clip(out, end, peak), steps)


def _step_drops(params: Mapping[str, Value], limit: int) -> NDArray[np.int64]:
    return _multiples(int(params["total_steps"]), int(params["step_size"]), limit)


def _wsd_marks(params: Mapping[str, Value], limit: int) -> NDArray[np.int64]:
    total, warmup, decay = (int(params[k]) for k in ("total_steps", "warmup_steps", "decay_steps"))
    return np.array([warmup, total - decay], dtype=np.int64)


def _one_cycle_top(params: Mapping[str, Value], limit: int) -> NDArray[np.int64]:
    top = _one_cycle_peak(int(params["total_steps"]), float(params["pct_start"]))
    return np.array([int(np.ceil(top))], dtype=np.int64)


_WARMUP_LR = (TOTAL_STEPS, WARMUP_STEPS, INIT_LR, WARMUP_LR, MIN_LR)

SPECS = (
    Schedule(
        "warmup_stable_decay",
        "Warmup-stable-decay",
        "lr",
        r"\eta_t = \begin{cases} \eta_w + (\eta_0 - \eta_w)\,t / W & t < W \\ \eta_0 & "
        r"t < T - D \\ \eta_{min} + (\eta_0 - \eta_{min})\, f\big(\tfrac{t - T + D}{D}\big) "
        r"& t \ge T - D \end{cases}",
        warmup_stable_decay,
        (TOTAL_STEPS, WARMUP_STEPS, DECAY_STEPS, INIT_LR, WARMUP_LR, MIN_LR, DECAY_SHAPE),
        "Warmup, a long stable phase at init_lr, and a short final decay (MiniCPM; "
        "Hugging Face get_wsd_schedule).",
        _wsd_marks,
    ),
    Schedule(
        "inverse_sqrt",
        "Inverse square root",
        "lr",
        r"\eta_t = \begin{cases} \eta_w + (\eta_0 - \eta_w)\,t / W & t < W \\ "
        r"\eta_0 \sqrt{W / t} & t \ge W \end{cases}",
        inverse_sqrt,
        (TOTAL_STEPS_TWO, WARMUP_STEPS_POSITIVE, INIT_LR, WARMUP_LR),
        "Linear warmup, then init_lr * sqrt(W / t), as in the original Transformer "
        "(Hugging Face get_inverse_sqrt_schedule).",
        _warmup_end,
    ),
    Schedule(
        "polynomial_decay",
        "Polynomial decay",
        "lr",
        r"\eta_t = \begin{cases} \eta_w + (\eta_0 - \eta_w)\,t / W & t < W \\ "
        r"(\eta_0 - \eta_{min}) \left(1 - \frac{t - W}{T - W}\right)^a + \eta_{min} & t \ge W "
        r"\end{cases}",
        polynomial_decay,
        (*_WARMUP_LR, POWER_FACTOR),
        "Linear warmup, then a polynomial decay to min_lr; power 1 is BERT's linear decay "
        "(Hugging Face get_polynomial_decay_schedule_with_warmup).",
        _warmup_end,
    ),
    Schedule(
        "step_decay",
        "Step decay",
        "lr",
        r"\eta_t = \eta_0 \, \gamma^{\lfloor t / s \rfloor}",
        step_decay,
        (TOTAL_STEPS, INIT_LR, STEP_SIZE, GAMMA),
        "Multiply by gamma every step_size steps (PyTorch StepLR).",
        _step_drops,
    ),
    Schedule(
        "exponential_decay",
        "Exponential decay",
        "lr",
        r"\eta_t = \eta_0 \, \gamma^{t}",
        exponential_decay,
        (TOTAL_STEPS, INIT_LR, GAMMA),
        "Multiply by gamma every step (PyTorch ExponentialLR).",
    ),
    Schedule(
        "one_cycle",
        "One cycle",
        "lr",
        r"\eta_t = \begin{cases} \eta_{peak} + (\eta_{start} - \eta_{peak}) "
        r"\frac{1 + \cos(\pi t / P)}{2} & t \le P \\ \eta_{end} + (\eta_{peak} - \eta_{end}) "
        r"\frac{1 + \cos(\pi (t - P) / (T - P))}{2} & t > P \end{cases}",
        one_cycle,
        (TOTAL_STEPS, INIT_LR, PCT_START, DIV_FACTOR, FINAL_DIV_FACTOR),
        "Cosine rise from init_lr / div_factor to init_lr, then a cosine fall to "
        "init_lr / div_factor / final_div_factor (PyTorch OneCycleLR).",
        _one_cycle_top,
    ),
)
