"""The schedules other libraries name: multistep, constant and linear with warmup,
hard restarts, cyclic, tanh and inverse time decay.

Each is a short definition over the pieces of ``dynweights._tree`` and equals a
named peer of PyTorch, Hugging Face, timm or Keras at every integer step up to
``total_steps`` (golden fixtures in ``tests/golden/peers.json``), except where
its docstring says the peer jumps at ``total_steps``. Steps past
``total_steps`` hold the value at ``total_steps``.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dynweights import _natives as natives
from dynweights._bound import evaluate_spec
from dynweights._spec import (
    CYCLIC_MODE,
    DECAY_RATE,
    GAMMA,
    INIT_LR,
    MILESTONES,
    MIN_LR,
    MIN_LR_AT_MOST_INIT,
    NUM_CYCLES,
    STAIRCASE,
    STEP_SIZE,
    STEP_SIZE_DOWN,
    STEP_SIZE_UP,
    TANH_LB,
    TANH_UB,
    TOTAL_STEPS,
    WARMUP_BELOW_TOTAL,
    WARMUP_LR,
    WARMUP_STEPS,
    Checked,
    Limit,
    Native,
    Natives,
    Rule,
    Schedule,
    Values,
)
from dynweights._tree import Leaf, Node, join, num, shaped, tex_num
from dynweights.lr import multiples, thinned, warmup

# gamma means the same everywhere, a decay factor; torch's defaults differ.
MULTISTEP_GAMMA = dataclasses.replace(GAMMA, default=0.1)
CYCLIC_GAMMA = dataclasses.replace(GAMMA, default=1.0)


def multistep_decay(
    steps: ArrayLike,
    *,
    total_steps: int = 100,
    init_lr: float = 0.1,
    milestones: tuple[int, ...] = (30, 80),
    gamma: float = 0.1,
) -> Values:
    r"""Multiply the learning rate by ``gamma`` at each milestone.

    .. math:: \eta_t = \eta_0 \, \gamma^{|\{m \in M : m \le t\}|}

    where :math:`\eta_0` is ``init_lr``, :math:`M` is ``milestones`` and
    :math:`\gamma` is ``gamma``.

    Equals ``torch.optim.lr_scheduler.MultiStepLR(milestones=M, gamma=gamma)``
    and optax's ``piecewise_constant_schedule(init_lr, {m: gamma for m in M})``.
    The value after each milestone is the previous one times ``gamma``, in
    that order, as PyTorch computes it.

    Args:
      steps: a step or an array of steps, each ``>= 0``.
      total_steps: ``T``; ``>= 1``. Milestones past it change nothing.
      init_lr: the learning rate before the first milestone, ``>= 0``.
      milestones: strictly increasing integer steps ``>= 1``.
      gamma: the factor per milestone in ``(0, 1]``.

    Returns:
      A float for a scalar step, else a float64 array of the steps' shape.

    Raises:
      ValueError: naming the first parameter out of its range.

    >>> multistep_decay([0, 29, 30, 80, 100], init_lr=1.0, milestones=(30, 80), gamma=0.5)
    array([1.  , 1.  , 0.5 , 0.25, 0.25])
    """
    return evaluate_spec(
        _SPECS["multistep_decay"],
        steps,
        {"total_steps": total_steps, "init_lr": init_lr, "milestones": milestones, "gamma": gamma},
    )


def constant_with_warmup(
    steps: ArrayLike,
    *,
    total_steps: int = 100,
    warmup_steps: int = 10,
    init_lr: float = 0.1,
    warmup_lr: float = 0.0,
) -> Values:
    r"""A linear warmup, then a constant learning rate.

    .. math::

        \eta_t = \begin{cases}
          \eta_w + (\eta_0 - \eta_w)\,t / W & t < W \\
          \eta_0 & t \ge W
        \end{cases}

    where :math:`\eta_w` is ``warmup_lr``, :math:`\eta_0` is ``init_lr`` and
    :math:`W` is ``warmup_steps``.

    Equals Hugging Face's ``get_constant_schedule_with_warmup(num_warmup_steps=W)``
    with ``warmup_lr=0``.

    Args:
      steps: a step or an array of steps, each ``>= 0``.
      total_steps: ``T``; ``>= 1``.
      warmup_steps: ``W`` in ``[0, total_steps)``; 0 means no warmup.
      init_lr: the constant learning rate after the warmup, ``>= 0``.
      warmup_lr: the learning rate at step 0, ``>= 0``.

    Returns:
      A float for a scalar step, else a float64 array of the steps' shape.

    Raises:
      ValueError: naming the first parameter out of its range.

    >>> constant_with_warmup([0, 5, 10, 100])
    array([0.  , 0.05, 0.1 , 0.1 ])
    """
    return evaluate_spec(
        _SPECS["constant_with_warmup"],
        steps,
        {
            "total_steps": total_steps,
            "warmup_steps": warmup_steps,
            "init_lr": init_lr,
            "warmup_lr": warmup_lr,
        },
    )


def linear_with_warmup(
    steps: ArrayLike,
    *,
    total_steps: int = 100,
    warmup_steps: int = 10,
    init_lr: float = 0.1,
    warmup_lr: float = 0.0,
    min_lr: float = 0.0,
) -> Values:
    r"""A linear warmup, then a linear decay to ``min_lr`` at ``T``.

    .. math::

        \eta_t = \begin{cases}
          \eta_w + (\eta_0 - \eta_w)\,t / W & t < W \\
          \eta_0 + (\eta_{min} - \eta_0)\,(t - W) / (T - W) & t \ge W
        \end{cases}

    where :math:`\eta_w` is ``warmup_lr``, :math:`\eta_0` is ``init_lr``,
    :math:`\eta_{min}` is ``min_lr``, :math:`W` is ``warmup_steps`` and
    :math:`T` is ``total_steps``.

    Equals Hugging Face's ``get_linear_schedule_with_warmup(num_warmup_steps=W,
    num_training_steps=T)`` (its default ``"linear"``) with ``warmup_lr=0`` and
    ``min_lr=0``.

    Args:
      steps: a step or an array of steps, each ``>= 0``.
      total_steps: ``T``, where the decay reaches ``min_lr``; ``>= 1``.
      warmup_steps: ``W`` in ``[0, total_steps)``; 0 means no warmup.
      init_lr: the peak at the end of the warmup, ``>= 0``.
      warmup_lr: the learning rate at step 0, ``>= 0``.
      min_lr: the floor in ``[0, init_lr]``.

    Returns:
      A float for a scalar step, else a float64 array of the steps' shape.

    Raises:
      ValueError: naming the first parameter out of its range.

    >>> linear_with_warmup([0, 5, 10, 55, 100])
    array([0.  , 0.05, 0.1 , 0.05, 0.  ])
    """
    return evaluate_spec(
        _SPECS["linear_with_warmup"],
        steps,
        {
            "total_steps": total_steps,
            "warmup_steps": warmup_steps,
            "init_lr": init_lr,
            "warmup_lr": warmup_lr,
            "min_lr": min_lr,
        },
    )


def cosine_with_hard_restarts(
    steps: ArrayLike,
    *,
    total_steps: int = 100,
    warmup_steps: int = 10,
    init_lr: float = 0.1,
    num_cycles: float = 2.0,
) -> Values:
    r"""A linear warmup from 0, then ``num_cycles`` cosine decays to 0, each restarting.

    .. math::

        \eta_t = \begin{cases}
          \eta_0\,t / W & t < W \\
          \eta_0\,\frac{1 + \cos\left(\pi \left\{ C\,\frac{t - W}{T - W} \right\}\right)}{2}
          & t \ge W
        \end{cases}

    where :math:`\{x\}` is the fractional part, :math:`\eta_0` is ``init_lr``,
    :math:`C` is ``num_cycles``, :math:`W` is ``warmup_steps`` and :math:`T`
    is ``total_steps``.

    Equals Hugging Face's ``get_cosine_with_hard_restarts_schedule_with_warmup(
    num_warmup_steps=W, num_training_steps=T, num_cycles=C)`` for steps below
    ``T``, in its order of operations. At ``T`` Hugging Face gives 0; ours
    ends its last cycle where it was heading, the value just before ``T``
    continued: 0 for a whole number of cycles, ``init_lr / 2`` for 1.5.

    Args:
      steps: a step or an array of steps, each ``>= 0``.
      total_steps: ``T``; ``>= 1``.
      warmup_steps: ``W`` in ``[0, total_steps)``; 0 means no warmup.
      init_lr: the peak of every cycle, ``>= 0``.
      num_cycles: ``C > 0``, the number of cosine cycles after the warmup.

    Returns:
      A float for a scalar step, else a float64 array of the steps' shape.

    Raises:
      ValueError: naming the first parameter out of its range.

    >>> cosine_with_hard_restarts([0, 10, 32.5, 55, 100]).round(12)
    array([0.  , 0.1 , 0.05, 0.1 , 0.  ])
    """
    return evaluate_spec(
        _SPECS["cosine_with_hard_restarts"],
        steps,
        {
            "total_steps": total_steps,
            "warmup_steps": warmup_steps,
            "init_lr": init_lr,
            "num_cycles": num_cycles,
        },
    )


def cyclic(
    steps: ArrayLike,
    *,
    total_steps: int = 100,
    init_lr: float = 0.1,
    min_lr: float = 0.0,
    step_size_up: int = 20,
    step_size_down: int = 0,
    cyclic_mode: str = "triangular",
    gamma: float = 1.0,
) -> Values:
    r"""Cyclical learning rate (Smith 2017): triangles between ``min_lr`` and ``init_lr``.

    .. math::

        \eta_t = \eta_{min} + (\eta_0 - \eta_{min})\,h(x)\,s,\qquad
        x = \frac{t}{U + D} - \left\lfloor \frac{t}{U + D} \right\rfloor

    where :math:`h(x)` rises linearly from 0 to 1 over the first :math:`U / (U + D)`
    of the cycle and falls back to 0 over the rest, :math:`s` is 1 (triangular),
    :math:`2^{-i}` in cycle :math:`i` (triangular2) or :math:`\gamma^t`
    (exp_range), :math:`\eta_0` is ``init_lr``, :math:`\eta_{min}` is ``min_lr``,
    :math:`U` is ``step_size_up`` and :math:`D` is ``step_size_down`` (or
    :math:`U` when 0).

    Equals ``torch.optim.lr_scheduler.CyclicLR(base_lr=min_lr, max_lr=init_lr,
    step_size_up=U, step_size_down=D or None, mode=cyclic_mode, gamma=gamma,
    cycle_momentum=False)``, in its order of operations.

    Args:
      steps: a step or an array of steps, each ``>= 0``.
      total_steps: ``T``; ``>= 1``.
      init_lr: the top of the cycle, ``>= 0``.
      min_lr: the bottom of the cycle, in ``[0, init_lr]``.
      step_size_up: ``U >= 1`` steps of rise.
      step_size_down: ``D >= 0`` steps of fall; 0 means ``U``.
      cyclic_mode: ``"triangular"``, ``"triangular2"`` or ``"exp_range"``.
      gamma: the factor per step of ``exp_range``, in ``(0, 1]``.

    Returns:
      A float for a scalar step, else a float64 array of the steps' shape.

    Raises:
      ValueError: naming the first parameter out of its range.

    >>> cyclic([0, 10, 20, 30, 40, 60], init_lr=1.0, cyclic_mode="triangular2")
    array([0. , 0.5, 1. , 0.5, 0. , 0.5])
    """
    return evaluate_spec(
        _SPECS["cyclic"],
        steps,
        {
            "total_steps": total_steps,
            "init_lr": init_lr,
            "min_lr": min_lr,
            "step_size_up": step_size_up,
            "step_size_down": step_size_down,
            "cyclic_mode": cyclic_mode,
            "gamma": gamma,
        },
    )


def tanh_decay(
    steps: ArrayLike,
    *,
    total_steps: int = 100,
    init_lr: float = 0.1,
    min_lr: float = 0.0,
    tanh_lb: float = -7.0,
    tanh_ub: float = 3.0,
) -> Values:
    r"""Hyperbolic-tangent decay (Hsueh et al. 2019), as timm has it.

    .. math::

        \eta_t = \eta_{min} + (\eta_0 - \eta_{min})\,
        \frac{1 - \tanh\big(a (1 - t / T) + b\,t / T\big)}{2}

    where :math:`\eta_0` is ``init_lr``, :math:`\eta_{min}` is ``min_lr``,
    :math:`a` is ``tanh_lb``, :math:`b` is ``tanh_ub`` and :math:`T` is
    ``total_steps``.

    Equals timm's ``TanhLRScheduler(t_initial=T, lb=a, ub=b, lr_min=min_lr)``
    stepped per update, for steps below ``T``. At ``T`` timm jumps to
    ``min_lr``; ours ends the curve, slightly above it. The curve starts a
    little below ``init_lr``: by ``(1 - tanh(7)) / 2 = 8.3e-7`` of the range
    for ``a = -7``.

    Args:
      steps: a step or an array of steps, each ``>= 0``.
      total_steps: ``T``; ``>= 1``.
      init_lr: the learning rate the curve starts near, ``>= 0``.
      min_lr: the floor it approaches, in ``[0, init_lr]``.
      tanh_lb: ``a``, where the tanh starts.
      tanh_ub: ``b > a``, where it ends.

    Returns:
      A float for a scalar step, else a float64 array of the steps' shape.

    Raises:
      ValueError: naming the first parameter out of its range.

    >>> tanh_decay([0, 70, 100], init_lr=1.0, tanh_lb=-3.0, tanh_ub=3.0).round(6)
    array([0.997527, 0.083173, 0.002473])
    """
    return evaluate_spec(
        _SPECS["tanh_decay"],
        steps,
        {
            "total_steps": total_steps,
            "init_lr": init_lr,
            "min_lr": min_lr,
            "tanh_lb": tanh_lb,
            "tanh_ub": tanh_ub,
        },
    )


def inverse_time_decay(
    steps: ArrayLike,
    *,
    total_steps: int = 100,
    init_lr: float = 0.1,
    decay_rate: float = 0.5,
    step_size: int = 10,
    staircase: bool = False,
) -> Values:
    r"""Inverse time decay: ``init_lr / (1 + decay_rate t / step_size)``.

    .. math:: \eta_t = \frac{\eta_0}{1 + r\,t / S}

    where :math:`\eta_0` is ``init_lr``, :math:`r` is ``decay_rate`` and
    :math:`S` is ``step_size``; with ``staircase``, :math:`t / S` is
    :math:`\lfloor t / S \rfloor`.

    Equals ``keras.optimizers.schedules.InverseTimeDecay(init_lr,
    decay_steps=step_size, decay_rate=decay_rate, staircase=staircase)``.

    Args:
      steps: a step or an array of steps, each ``>= 0``.
      total_steps: ``T``; ``>= 1``.
      init_lr: the learning rate at step 0, ``>= 0``.
      decay_rate: ``r >= 0``.
      step_size: ``S >= 1``, the time unit.
      staircase: decay in whole periods of ``S`` steps.

    Returns:
      A float for a scalar step, else a float64 array of the steps' shape.

    Raises:
      ValueError: naming the first parameter out of its range.

    >>> inverse_time_decay([0, 10, 15, 20], init_lr=1.0, decay_rate=1.0, staircase=True)
    array([1.        , 0.5       , 0.5       , 0.33333333])
    """
    return evaluate_spec(
        _SPECS["inverse_time_decay"],
        steps,
        {
            "total_steps": total_steps,
            "init_lr": init_lr,
            "decay_rate": decay_rate,
            "step_size": step_size,
            "staircase": staircase,
        },
    )


def _multistep_decay(p: Checked) -> Node:
    kept = [m for m in p["milestones"] if m <= p["total_steps"]]
    values = [p["init_lr"]]
    for _ in kept:
        values.append(values[-1] * p["gamma"])  # PyTorch's order: one factor at a time
    pieces = [shaped("constant", v, v, 1) for v in values]
    return join(pieces, list(np.diff([0, *kept]).tolist()))


def _multistep_decay_natives(p: Checked) -> Natives:
    milestones, gamma, peak = list(p["milestones"]), p["gamma"], p["init_lr"]
    values = [peak]
    for _ in milestones:
        values.append(values[-1] * gamma)
    out = {
        "pytorch": natives.torch(
            "MultiStepLR", natives.GOES_ON_AFTER_T, milestones=milestones, gamma=gamma
        ),
        "optax": natives.optax("piecewise_constant_schedule", peak, {m: gamma for m in milestones}),
    }
    if milestones:  # Keras's PiecewiseConstantDecay needs a boundary
        # It keeps values[i] while step <= boundaries[i]: one step earlier.
        out["keras"] = natives.keras(
            "PiecewiseConstantDecay",
            "it changes value after each boundary, so its boundaries are the milestones - 1",
            boundaries=[m - 1 for m in milestones],
            values=values,
        )
    return out


def _constant_with_warmup(p: Checked) -> Node:
    peak = p["init_lr"]
    return warmup(p, shaped("constant", peak, peak, 1))


def _constant_with_warmup_natives(p: Checked) -> Natives:
    if p["warmup_lr"] != 0:
        return {}
    return {
        "transformers": natives.hf(
            "constant_with_warmup", p["warmup_steps"], p["total_steps"], p["init_lr"]
        )
    }


def _linear_with_warmup(p: Checked) -> Node:
    length = p["total_steps"] - p["warmup_steps"]
    return warmup(p, shaped("linear", p["init_lr"], p["min_lr"], length))


def _linear_with_warmup_natives(p: Checked) -> Natives:
    w, total, peak, floor = p["warmup_steps"], p["total_steps"], p["init_lr"], p["min_lr"]
    out: dict[str, Native] = {}
    if p["warmup_lr"] == 0 and floor == 0:
        out["transformers"] = natives.hf("linear", w, total, peak)
    if w == 0:
        out["keras"] = natives.keras(
            "PolynomialDecay",
            initial_learning_rate=peak,
            decay_steps=total,
            end_learning_rate=floor,
            power=1.0,
        )
    return out


def _hard_restarts_end(cycles: float) -> float:
    """Where in its cycle ``T`` falls: 1 for a whole number of cycles, not 0."""
    return cycles - math.ceil(cycles) + 1.0


def _cosine_with_hard_restarts(p: Checked) -> Node:
    peak, cycles = p["init_lr"], p["num_cycles"]
    length = p["total_steps"] - p["warmup_steps"]
    n, c = num(length), num(cycles)
    # Hugging Face's order: max(0, 0.5 (1 + cos(pi ((C progress) % 1)))), times lr.
    position = f"(({c} * ({{u}} / {n})) % 1.0)"
    factor = f"{{maximum}}(0.0, 0.5 * (1.0 + {{cos}}({{pi}} * {position})))"
    end = peak * max(0.0, 0.5 * (1.0 + math.cos(math.pi * _hard_restarts_end(cycles))))
    total = p["total_steps"]
    starts = p["warmup_steps"]

    def restarts(limit: int) -> NDArray[np.int64]:
        ks = thinned(math.ceil(cycles) - 1, limit)
        local: NDArray[np.int64] = np.ceil(ks * length / cycles).astype(np.int64)
        kept: NDArray[np.int64] = local[local + starts < total]
        return kept

    tex = (
        rf"{tex_num(peak)} \cdot \frac{{1 + \cos\left(\pi \left\{{ {tex_num(cycles)} "
        rf"\frac{{{{u}}}}{{{tex_num(length)}}} \right\}}\right)}}{{2}}"
    )
    fall = Leaf(
        f"{num(peak)} * {factor}",
        tex,
        length,
        settle=num(end),
        marker=restarts,
        form=("hard_restarts", peak, cycles, length),
    )
    return warmup(p, fall)


def _cosine_with_hard_restarts_natives(p: Checked) -> Natives:
    if not float(p["num_cycles"]).is_integer():
        return {}  # at T Hugging Face gives 0, ours ends the last cycle where it was
    return {
        "transformers": natives.hf(
            "cosine_with_restarts",
            p["warmup_steps"],
            p["total_steps"],
            p["init_lr"],
            num_cycles=p["num_cycles"],
        )
    }


def _cyclic(p: Checked) -> Node:
    base, top, up, gamma = p["min_lr"], p["init_lr"], p["step_size_up"], p["gamma"]
    down = p["step_size_down"] or up
    size, ratio = num(float(up + down)), num(up / (up + down))
    # PyTorch's get_lr, term for term.
    cycle = f"{{floor}}(1 + {{u}} / {size})"
    x = f"(1.0 + {{u}} / {size} - {cycle})"
    # PyTorch picks x / ratio while x <= ratio, else (x - 1) / (ratio - 1): the
    # smaller of the two, so one branch-free minimum picks the same one.
    height = f"{num(top - base)} * {{minimum}}({x} / {ratio}, ({x} - 1) / ({ratio} - 1))"
    scale = {
        "triangular": "",
        # PyTorch's 1 / 2.0 ** (cycle - 1), exactly, without its overflow past 1024 cycles.
        "triangular2": f" * 0.5 ** ({cycle} - 1)",
        "exp_range": f" * {num(gamma)} ** {{u}}",
    }[p["cyclic_mode"]]
    period = up + down
    total = p["total_steps"]

    def corners(limit: int) -> NDArray[np.int64]:
        peaks = multiples(total + down, period, limit) - down
        return np.union1d(multiples(total, period, limit), peaks)

    tex = (
        rf"{tex_num(base)} + {tex_num(top - base)} \cdot h\left(\left\{{\frac{{{{u}}}}"
        rf"{{{tex_num(period)}}}\right\}}\right)"
    )
    if p["cyclic_mode"] == "triangular2":
        tex += rf" \cdot 2^{{-\lfloor {{u}} / {tex_num(period)} \rfloor}}"
    elif p["cyclic_mode"] == "exp_range":
        tex += rf" \cdot {tex_num(gamma)}^{{{{u}}}}"
    form = ("cyclic", base, top, up, down, p["cyclic_mode"], gamma)
    return Leaf(f"{num(base)} + {height}{scale}", tex, marker=corners, form=form)


def _cyclic_natives(p: Checked) -> Natives:
    return {
        "pytorch": natives.torch(
            "CyclicLR",
            natives.GOES_ON_AFTER_T,
            base_lr=p["min_lr"],
            max_lr=p["init_lr"],
            step_size_up=p["step_size_up"],
            step_size_down=p["step_size_down"] or None,
            mode=p["cyclic_mode"],
            gamma=p["gamma"],
            cycle_momentum=False,
        )
    }


def _tanh_decay(p: Checked) -> Node:
    peak, floor, lb, ub, total = (
        p["init_lr"],
        p["min_lr"],
        p["tanh_lb"],
        p["tanh_ub"],
        p["total_steps"],
    )
    tr = f"({{u}} / {num(total)})"
    # timm's order: lr_min + 0.5 (lr_max - lr_min) (1 - tanh(lb (1 - tr) + ub tr)).
    value = (
        f"{num(floor)} + 0.5 * ({num(peak)} - {num(floor)}) * "
        f"(1 - {{tanh}}({num(lb)} * (1.0 - {tr}) + {num(ub)} * {tr}))"
    )
    tex = (
        rf"{tex_num(floor)} + {tex_num(peak - floor)} \cdot \frac{{1 - \tanh\left("
        rf"{tex_num(lb)} \left(1 - \frac{{{{u}}}}{{{tex_num(total)}}}\right) + "
        rf"{tex_num(ub)} \frac{{{{u}}}}{{{tex_num(total)}}}\right)}}{{2}}"
    )
    return Leaf(value, tex, total, form=("tanh", floor, peak, lb, ub, total))


def _inverse_time_decay(p: Checked) -> Node:
    peak, rate, size = p["init_lr"], p["decay_rate"], p["step_size"]
    period = f"({{u}} / {num(size)})"
    tex_period = rf"\frac{{{{u}}}}{{{tex_num(size)}}}"
    total = p["total_steps"]

    def stairs(limit: int) -> NDArray[np.int64]:
        return multiples(total, size, limit)

    if p["staircase"]:
        period = f"{{floor}}{period}"
        tex_period = rf"\left\lfloor {tex_period} \right\rfloor"
    # Keras's order: initial_learning_rate / (1 + decay_rate * p).
    return Leaf(
        f"{num(peak)} / (1 + {num(rate)} * {period})",
        rf"\frac{{{tex_num(peak)}}}{{1 + {tex_num(rate)} \cdot {tex_period}}}",
        marker=stairs if p["staircase"] else None,
        form=("inverse_time", peak, rate, size, p["staircase"]),
    )


def _inverse_time_decay_natives(p: Checked) -> Natives:
    return {
        "keras": natives.keras(
            "InverseTimeDecay",
            natives.GOES_ON_AFTER_T,
            initial_learning_rate=p["init_lr"],
            decay_steps=p["step_size"],
            decay_rate=p["decay_rate"],
            staircase=p["staircase"],
        )
    }


_LR = (TOTAL_STEPS, INIT_LR, MIN_LR)
_WARMUP = (TOTAL_STEPS, WARMUP_STEPS, INIT_LR)

SPECS = (
    Schedule(
        "multistep_decay",
        "Multistep decay",
        "lr",
        multistep_decay,
        (TOTAL_STEPS, INIT_LR, MILESTONES, MULTISTEP_GAMMA),
        "Multiply by gamma at each milestone (PyTorch MultiStepLR; optax "
        "piecewise_constant_schedule).",
        _multistep_decay,
        (),
        _multistep_decay_natives,
    ),
    Schedule(
        "constant_with_warmup",
        "Constant with warmup",
        "lr",
        constant_with_warmup,
        (*_WARMUP, WARMUP_LR),
        "Linear warmup, then init_lr throughout (Hugging Face get_constant_schedule_with_warmup).",
        _constant_with_warmup,
        (WARMUP_BELOW_TOTAL,),
        _constant_with_warmup_natives,
    ),
    Schedule(
        "linear_with_warmup",
        "Linear with warmup",
        "lr",
        linear_with_warmup,
        (*_WARMUP, WARMUP_LR, MIN_LR),
        "Linear warmup, then a linear decay to min_lr at total_steps (Hugging Face "
        "get_linear_schedule_with_warmup, its default).",
        _linear_with_warmup,
        (WARMUP_BELOW_TOTAL, MIN_LR_AT_MOST_INIT),
        _linear_with_warmup_natives,
    ),
    Schedule(
        "cosine_with_hard_restarts",
        "Cosine with hard restarts",
        "lr",
        cosine_with_hard_restarts,
        (*_WARMUP, NUM_CYCLES),
        "Linear warmup, then num_cycles cosine decays to 0, each jumping back to init_lr "
        "(Hugging Face get_cosine_with_hard_restarts_schedule_with_warmup).",
        _cosine_with_hard_restarts,
        (WARMUP_BELOW_TOTAL,),
        _cosine_with_hard_restarts_natives,
    ),
    Schedule(
        "cyclic",
        "Cyclic",
        "lr",
        cyclic,
        (*_LR, STEP_SIZE_UP, STEP_SIZE_DOWN, CYCLIC_MODE, CYCLIC_GAMMA),
        "Triangles between min_lr and init_lr, optionally shrinking (PyTorch CyclicLR).",
        _cyclic,
        (MIN_LR_AT_MOST_INIT,),
        _cyclic_natives,
    ),
    Schedule(
        "tanh_decay",
        "Tanh decay",
        "lr",
        tanh_decay,
        (*_LR, TANH_LB, TANH_UB),
        "A tanh-shaped fall from init_lr to min_lr (timm TanhLRScheduler).",
        _tanh_decay,
        (
            MIN_LR_AT_MOST_INIT,
            Rule("tanh_ub", low=Limit("tanh_lb", lambda p: float(p["tanh_lb"]), open=True)),
        ),
    ),
    Schedule(
        "inverse_time_decay",
        "Inverse time decay",
        "lr",
        inverse_time_decay,
        (TOTAL_STEPS, INIT_LR, DECAY_RATE, STEP_SIZE, STAIRCASE),
        "init_lr / (1 + decay_rate t / step_size), smooth or in stairs (Keras InverseTimeDecay).",
        _inverse_time_decay,
        (),
        _inverse_time_decay_natives,
    ),
)
_SPECS = {spec.name: spec for spec in SPECS}
