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
from numpy.typing import NDArray

from dynweights import _natives as natives
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
)
from dynweights._tree import Join, Leaf, Node, join, num, shaped, tex_num
from dynweights.lr import multiples, thinned, warmup

# gamma means the same everywhere, a decay factor; torch's defaults differ.
MULTISTEP_GAMMA = dataclasses.replace(GAMMA, default=0.1)
CYCLIC_GAMMA = dataclasses.replace(GAMMA, default=1.0)


def _multistep_decay(p: Checked) -> Node:
    kept = [m for m in p["milestones"] if m <= p["total_steps"]]
    values = [p["init_lr"]]
    for _ in kept:
        values.append(values[-1] * p["gamma"])  # PyTorch's order: one factor at a time
    pieces = [shaped("constant", v, v, 1) for v in values]
    tree = join(pieces, list(np.diff([0, *kept]).tolist()))
    if not isinstance(tree, Join):
        return tree
    scales = natives.source({m: p["gamma"] for m in kept})
    optax = f"optax.piecewise_constant_schedule({num(p['init_lr'])}, {scales})"
    return dataclasses.replace(tree, native_optax=optax)


def _multistep_decay_natives(p: Checked) -> Natives:
    milestones, gamma, peak = list(p["milestones"]), p["gamma"], p["init_lr"]
    values = [peak]
    for _ in milestones:
        values.append(values[-1] * gamma)
    out = {
        "pytorch": natives.torch(
            "MultiStepLR", natives.GOES_ON_AFTER_T, milestones=milestones, gamma=gamma
        ),
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
        name="multistep_decay",
        label="Multistep decay",
        family="lr",
        params=(TOTAL_STEPS, INIT_LR, MILESTONES, MULTISTEP_GAMMA),
        description=(
            "Multiply by gamma at each milestone (PyTorch MultiStepLR; optax "
            "piecewise_constant_schedule)."
        ),
        build=_multistep_decay,
        rules=(),
        natives=_multistep_decay_natives,
        doc=r"""
        Multiply the learning rate by ``gamma`` at each milestone.

        .. math:: \eta_t = \eta_0 \, \gamma^{|\{m \in M : m \le t\}|}

        where :math:`\eta_0` is ``init_lr``, :math:`M` is ``milestones`` and
        :math:`\gamma` is ``gamma``.

        Equals ``torch.optim.lr_scheduler.MultiStepLR(milestones=M, gamma=gamma)``
        and optax's ``piecewise_constant_schedule(init_lr, {m: gamma for m in M})``.
        The value after each milestone is the previous one times ``gamma``, in
        that order, as PyTorch computes it.

        >>> multistep_decay([0, 29, 30, 80, 100], init_lr=1.0, milestones=(30, 80), gamma=0.5)
        array([1.  , 1.  , 0.5 , 0.25, 0.25])
        """,
    ),
    Schedule(
        name="constant_with_warmup",
        label="Constant with warmup",
        family="lr",
        params=(*_WARMUP, WARMUP_LR),
        description=(
            "Linear warmup, then init_lr throughout (Hugging Face "
            "get_constant_schedule_with_warmup)."
        ),
        build=_constant_with_warmup,
        rules=(WARMUP_BELOW_TOTAL,),
        natives=_constant_with_warmup_natives,
        doc=r"""
        A linear warmup, then a constant learning rate.

        .. math::

            \eta_t = \begin{cases}
              \eta_w + (\eta_0 - \eta_w)\,t / W & t < W \\
              \eta_0 & t \ge W
            \end{cases}

        where :math:`\eta_w` is ``warmup_lr``, :math:`\eta_0` is ``init_lr`` and
        :math:`W` is ``warmup_steps``.

        Equals Hugging Face's ``get_constant_schedule_with_warmup(num_warmup_steps=W)``
        with ``warmup_lr=0``.

        >>> constant_with_warmup([0, 5, 10, 100])
        array([0.  , 0.05, 0.1 , 0.1 ])
        """,
    ),
    Schedule(
        name="linear_with_warmup",
        label="Linear with warmup",
        family="lr",
        params=(*_WARMUP, WARMUP_LR, MIN_LR),
        description=(
            "Linear warmup, then a linear decay to min_lr at total_steps (Hugging Face "
            "get_linear_schedule_with_warmup, its default)."
        ),
        build=_linear_with_warmup,
        rules=(WARMUP_BELOW_TOTAL, MIN_LR_AT_MOST_INIT),
        natives=_linear_with_warmup_natives,
        doc=r"""
        A linear warmup, then a linear decay to ``min_lr`` at ``T``.

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

        >>> linear_with_warmup([0, 5, 10, 55, 100])
        array([0.  , 0.05, 0.1 , 0.05, 0.  ])
        """,
    ),
    Schedule(
        name="cosine_with_hard_restarts",
        label="Cosine with hard restarts",
        family="lr",
        params=(*_WARMUP, NUM_CYCLES),
        description=(
            "Linear warmup, then num_cycles cosine decays to 0, each jumping back to "
            "init_lr (Hugging Face get_cosine_with_hard_restarts_schedule_with_warmup)."
        ),
        build=_cosine_with_hard_restarts,
        rules=(WARMUP_BELOW_TOTAL,),
        natives=_cosine_with_hard_restarts_natives,
        doc=r"""
        A linear warmup from 0, then ``num_cycles`` cosine decays to 0, each restarting.

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

        >>> cosine_with_hard_restarts([0, 10, 32.5, 55, 100]).round(12)
        array([0.  , 0.1 , 0.05, 0.1 , 0.  ])
        """,
    ),
    Schedule(
        name="cyclic",
        label="Cyclic",
        family="lr",
        params=(*_LR, STEP_SIZE_UP, STEP_SIZE_DOWN, CYCLIC_MODE, CYCLIC_GAMMA),
        description=(
            "Triangles between min_lr and init_lr, optionally shrinking (PyTorch CyclicLR)."
        ),
        build=_cyclic,
        rules=(MIN_LR_AT_MOST_INIT,),
        natives=_cyclic_natives,
        doc=r"""
        Cyclical learning rate (Smith 2017): triangles between ``min_lr`` and ``init_lr``.

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

        >>> cyclic([0, 10, 20, 30, 40, 60], init_lr=1.0, cyclic_mode="triangular2")
        array([0. , 0.5, 1. , 0.5, 0. , 0.5])
        """,
    ),
    Schedule(
        name="tanh_decay",
        label="Tanh decay",
        family="lr",
        params=(*_LR, TANH_LB, TANH_UB),
        description=("A tanh-shaped fall from init_lr to min_lr (timm TanhLRScheduler)."),
        build=_tanh_decay,
        rules=(
            MIN_LR_AT_MOST_INIT,
            Rule("tanh_ub", low=Limit("tanh_lb", lambda p: float(p["tanh_lb"]), open=True)),
        ),
        doc=r"""
        Hyperbolic-tangent decay (Hsueh et al. 2019), as timm has it.

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

        >>> tanh_decay([0, 70, 100], init_lr=1.0, tanh_lb=-3.0, tanh_ub=3.0).round(6)
        array([0.997527, 0.083173, 0.002473])
        """,
    ),
    Schedule(
        name="inverse_time_decay",
        label="Inverse time decay",
        family="lr",
        params=(TOTAL_STEPS, INIT_LR, DECAY_RATE, STEP_SIZE, STAIRCASE),
        description=(
            "init_lr / (1 + decay_rate t / step_size), smooth or in stairs (Keras "
            "InverseTimeDecay)."
        ),
        build=_inverse_time_decay,
        rules=(),
        natives=_inverse_time_decay_natives,
        doc=r"""
        Inverse time decay: ``init_lr / (1 + decay_rate t / step_size)``.

        .. math:: \eta_t = \frac{\eta_0}{1 + r\,t / S}

        where :math:`\eta_0` is ``init_lr``, :math:`r` is ``decay_rate`` and
        :math:`S` is ``step_size``; with ``staircase``, :math:`t / S` is
        :math:`\lfloor t / S \rfloor`.

        Equals ``keras.optimizers.schedules.InverseTimeDecay(init_lr,
        decay_steps=step_size, decay_rate=decay_rate, staircase=staircase)``.

        >>> inverse_time_decay([0, 10, 15, 20], init_lr=1.0, decay_rate=1.0, staircase=True)
        array([1.        , 0.5       , 0.5       , 0.33333333])
        """,
    ),
)
(
    multistep_decay,
    constant_with_warmup,
    linear_with_warmup,
    cosine_with_hard_restarts,
    cyclic,
    tanh_decay,
    inverse_time_decay,
) = (spec.function for spec in SPECS)
__test__ = {spec.name: spec.function.__doc__ for spec in SPECS}  # doctests
