"""Learning-rate schedules: cosine decay with warmup, annealing and restarts.

Every schedule here is built from pieces, as optax builds its own: a linear
piece and a cosine-decay piece, each evaluated on its own local step, joined at
a boundary. Steps past ``total_steps`` hold the value at ``total_steps``
(PyTorch's cosine would rise again; ours does not).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from dynweights import _natives as natives
from dynweights._spec import (
    CYCLE_MULT,
    CYCLE_STEPS,
    INIT_LR,
    K_DECAY,
    MIN_LR,
    MIN_LR_AT_MOST_INIT,
    PEAK_DECAY,
    TOTAL_STEPS,
    WARMUP_BELOW_TOTAL,
    WARMUP_LR,
    WARMUP_STEPS,
    Checked,
    Native,
    Natives,
    Schedule,
)
from dynweights._tree import (
    NP,
    Array,
    Lang,
    Leaf,
    Node,
    join,
    num,
    shaped,
    sorted_unique,
    tex_num,
)


def warmup(p: Checked, then: Node, shape: str = "linear") -> Node:
    """A warmup from ``warmup_lr`` (or 0) to ``init_lr`` over ``warmup_steps``, then ``then``.

    ``shape`` is ``linear``, ``cosine`` or ``1-sqrt``: ``1 - sqrt(1 - p)``,
    the mirror of a 1-sqrt cooldown, as Hugging Face's ``warmup_type`` has it
    (a ``1-sqrt`` phase of ``dynweights.phases`` rises as ``sqrt(p)`` instead).
    """
    start, peak, steps = p.get("warmup_lr", 0.0), p["init_lr"], p["warmup_steps"]
    if shape != "1-sqrt":
        return join([shaped(shape, start, peak, steps), then], [steps])
    low, high = sorted((start, peak))
    body = f"{num(start)} + {num(peak - start)} * (1 - {{sqrt}}(1 - {{u}} / {num(steps)}))"
    tex = (
        rf"{tex_num(start)} + {tex_num(peak - start)} \left(1 - "
        rf"\sqrt{{1 - \frac{{{{u}}}}{{{tex_num(steps)}}}}}\right)"
    )
    form = ("warmup_sqrt", start, peak, steps)
    rise = Leaf(f"{{maximum}}({{minimum}}({body}, {num(high)}), {num(low)})", tex, steps, form=form)
    return join([rise, then], [steps])


def thinned(count: int, limit: int) -> NDArray[np.int64]:
    """``1..count``, or ``limit`` of them evenly spread when there are more."""
    if count <= limit:
        return np.arange(1, count + 1, dtype=np.int64)
    return sorted_unique(np.rint(np.linspace(1, count, limit)).astype(np.int64))


def multiples(total: int, size: int, limit: int) -> NDArray[np.int64]:
    """The multiples of ``size`` in ``(0, total]``, evenly thinned to ``limit``."""
    return thinned(total // size, limit) * size


@dataclass(frozen=True)
class Restarts(Node):
    """Cosine cycles from ``peak`` to ``floor``, restarting; cycle ``i`` is ``C m^i`` long.

    With ``m = 1`` the cycle start is ``floor(u / C) C``. With ``m > 1`` the
    starts are integers listed once (at most 54 of them below 2**53) and the
    cycle is found by a sorted search, so a restart is exact at any step.
    ``decay`` scales each restart's peak by ``decay^i`` over the fixed floor, as
    timm's ``cycle_decay`` does: the peak of cycle ``i`` is ``peak decay^i``.
    """

    peak: float
    floor: float
    cycle: int
    mult: int
    total: int
    decay: float = 1.0
    length: float = math.inf

    def _starts(self) -> list[int]:
        starts, length = [0], self.cycle
        while starts[-1] <= self.total:
            starts.append(starts[-1] + length)
            length *= self.mult
        return starts

    def code(self, lang: Lang, u: str) -> str:
        if self.mult == 1:
            index = f"{lang.names['floor']}({u} / {self.cycle})"
            local, length = f"({u} - {index} * {self.cycle})", num(self.cycle)
        else:
            starts = [float(s) for s in self._starts()]
            lengths = [b - a for a, b in itertools.pairwise(starts)] + [1.0]
            index = lang.interval(starts, u)
            local, length = f"({u} - {lang.at(starts, index)})", lang.at(lengths, index)
        floor, peak = num(self.floor), num(self.peak)
        top = peak
        if self.decay != 1.0:
            peak = f"({peak} * {num(self.decay)} ** {index})"
            top = lang.max(peak, floor)  # a peak decayed below the floor rises to it
        cos = f"{lang.names['cos']}(math.pi * {local} / {length})"
        return lang.min(f"{floor} + ({peak} - {floor}) * ((1 + {cos}) / 2)", top)

    def latex(self, u: str) -> str:
        if self.mult == 1:
            cycle = rf"\left({u} \bmod {tex_num(self.cycle)}\right)"
            length = tex_num(self.cycle)
        else:
            cycle, length = r"t_{cur}", rf"{tex_num(self.cycle)} \cdot {self.mult}^{{i}}"
        amplitude = tex_num(self.peak - self.floor)
        if self.decay != 1.0:
            index = rf"\lfloor {u} / {tex_num(self.cycle)} \rfloor" if self.mult == 1 else "i"
            amplitude = (
                rf"\left({tex_num(self.peak)} \cdot {tex_num(self.decay)}^{{{index}}} - "
                rf"{tex_num(self.floor)}\right)"
            )
        return (
            rf"{tex_num(self.floor)} + {amplitude} \cdot "
            rf"\frac{{1 + \cos\frac{{\pi {cycle}}}{{{length}}}}}{{2}}"
        )

    def values(self, u: Array) -> Array:
        compiled = eval(f"lambda u: {self.code(NP, 'u')}", {"np": np, "math": math})
        return np.asarray(compiled(u), dtype=np.float64)

    def marks(self, limit: int) -> NDArray[np.int64]:
        if self.mult == 1:
            return multiples(self.total, self.cycle, limit)
        return np.array(self._starts()[1:-1], dtype=np.int64)


def _cosine_with_linear_warmup(p: Checked) -> Node:
    decay = shaped("cosine", p["init_lr"], p["min_lr"], p["total_steps"] - p["warmup_steps"])
    return warmup(p, decay)


def _cosine_annealing(p: Checked) -> Node:
    peak, floor, total, k = p["init_lr"], p["min_lr"], p["total_steps"], p["k_decay"]
    if k == 1.0:
        return shaped("cosine", peak, floor, total)
    # timm's order of operations, lr_min + 0.5 (lr_max - lr_min) (1 + cos(pi t^k / T^k)),
    # but with (t / T)^k, which cannot overflow.
    n, kk = num(total), num(k)
    cos = f"{{cos}}({{pi}} * ({{u}} / {n}) ** {kk})"
    value = f"{num(floor)} + 0.5 * ({num(peak)} - {num(floor)}) * (1 + {cos})"
    tex = (
        rf"{tex_num(floor)} + {tex_num(peak - floor)} \cdot \frac{{1 + \cos\left(\pi "
        rf"\left(\frac{{{{u}}}}{{{tex_num(total)}}}\right)^{{{tex_num(k)}}}\right)}}{{2}}"
    )
    form = ("cosine_power", floor, peak, total, k)
    return Leaf(
        f"{{maximum}}({{minimum}}({value}, {num(peak)}), {num(floor)})", tex, total, form=form
    )


def _cosine_warm_restarts(p: Checked) -> Node:
    return Restarts(
        p["init_lr"],
        p["min_lr"],
        p["cycle_steps"],
        p["cycle_mult"],
        p["total_steps"],
        p["peak_decay"],
    )


def _cosine_with_linear_warmup_natives(p: Checked) -> Natives:
    total, w, peak, start, floor = (
        p["total_steps"],
        p["warmup_steps"],
        p["init_lr"],
        p["warmup_lr"],
        p["min_lr"],
    )
    out: dict[str, Native] = {}
    cosine = natives.call(
        natives.TORCH + "CosineAnnealingLR", "optimizer", T_max=total - w, eta_min=floor
    )
    if w == 0:
        out["pytorch"] = Native(cosine, natives.RISES_AFTER_T)
    elif 0 < start <= peak:
        linear = natives.call(
            natives.TORCH + "LinearLR",
            "optimizer",
            start_factor=start / peak,
            end_factor=1.0,
            total_iters=w,
        )
        sequential = natives.call(
            natives.TORCH + "SequentialLR", "optimizer", f"[{linear}, {cosine}]", milestones=[w]
        )
        out["pytorch"] = Native(sequential, natives.RISES_AFTER_T)
    if start == 0 or w == 0:
        if floor == 0:
            out["transformers"] = natives.hf("cosine", w, total, peak, natives.RISES_AFTER_T)
        else:
            out["transformers"] = natives.hf(
                "cosine_with_min_lr", w, total, peak, natives.RISES_AFTER_T, min_lr=floor
            )
    if peak > 0:
        out["keras"] = natives.keras(
            "CosineDecay",
            initial_learning_rate=start if w else peak,
            decay_steps=total - w,
            alpha=floor / peak,
            **({"warmup_target": peak, "warmup_steps": w} if w else {}),
        )
    return out


def _cosine_annealing_natives(p: Checked) -> Natives:
    peak, floor, total = p["init_lr"], p["min_lr"], p["total_steps"]
    if p["k_decay"] != 1.0:
        return {}
    out = {
        "pytorch": natives.torch(
            "CosineAnnealingLR", natives.RISES_AFTER_T, T_max=total, eta_min=floor
        ),
        "transformers": natives.hf(
            "cosine_with_min_lr", 0, total, peak, natives.RISES_AFTER_T, min_lr=floor
        ),
    }
    if peak > 0:
        out["keras"] = natives.keras(
            "CosineDecay", initial_learning_rate=peak, decay_steps=total, alpha=floor / peak
        )
    return out


def _cosine_warm_restarts_natives(p: Checked) -> Natives:
    peak, floor, decay = p["init_lr"], p["min_lr"], p["peak_decay"]
    out: dict[str, Native] = {}
    if decay == 1.0:
        out["pytorch"] = natives.torch(
            "CosineAnnealingWarmRestarts",
            natives.GOES_ON_AFTER_T,
            T_0=p["cycle_steps"],
            T_mult=p["cycle_mult"],
            eta_min=floor,
        )
    # Keras scales its floor alpha * init_lr by m_mul ** i too: equal when one is trivial.
    if peak > 0 and (floor == 0 or decay == 1.0):
        out["keras"] = natives.keras(
            "CosineDecayRestarts",
            natives.GOES_ON_AFTER_T,
            initial_learning_rate=peak,
            first_decay_steps=p["cycle_steps"],
            t_mul=float(p["cycle_mult"]),
            m_mul=decay,
            alpha=floor / peak,
        )
    return out


_LR = (TOTAL_STEPS, INIT_LR, MIN_LR)

SPECS = (
    Schedule(
        name="cosine_with_linear_warmup",
        label="Cosine with linear warmup",
        family="lr",
        params=(TOTAL_STEPS, WARMUP_STEPS, INIT_LR, WARMUP_LR, MIN_LR),
        description=(
            "Linear warmup from warmup_lr to init_lr over warmup_steps, then a cosine decay"
            " to min_lr at total_steps (TensorFlow TPU; Hugging Face; optax)."
        ),
        build=_cosine_with_linear_warmup,
        rules=(WARMUP_BELOW_TOTAL, MIN_LR_AT_MOST_INIT),
        natives=_cosine_with_linear_warmup_natives,
        doc=r"""
        Linear warmup, then cosine decay to a floor (TensorFlow TPU's schedule).

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

        >>> cosine_with_linear_warmup([0, 5, 10, 55, 100], total_steps=100, warmup_steps=10)
        array([0.  , 0.05, 0.1 , 0.05, 0.  ])
        """,
    ),
    Schedule(
        name="cosine_annealing",
        label="Cosine annealing",
        family="lr",
        params=(*_LR, K_DECAY),
        description=(
            "Cosine decay from init_lr to min_lr at total_steps (PyTorch "
            "CosineAnnealingLR); k_decay bends it (timm)."
        ),
        build=_cosine_annealing,
        rules=(MIN_LR_AT_MOST_INIT,),
        natives=_cosine_annealing_natives,
        doc=r"""
        Cosine annealing from ``init_lr`` down to ``min_lr`` (SGDR without restarts).

        .. math:: \eta_t = \eta_{min} + (\eta_0 - \eta_{min})\,\frac{1 + \cos(\pi (t / T)^k)}{2}

        where :math:`\eta_0` is ``init_lr``, :math:`\eta_{min}` is ``min_lr``,
        :math:`T` is ``total_steps`` and :math:`k` is ``k_decay``.

        Identical to ``torch.optim.lr_scheduler.CosineAnnealingLR(T_max=T,
        eta_min=min_lr)`` for ``t <= T`` (``k_decay=1``); after ``T`` it holds
        ``min_lr`` where PyTorch's would rise again. The final value is ``min_lr``,
        not half of ``init_lr`` (a claim of one source page); halfway it is the
        mean of the two. Any ``k_decay`` equals timm's ``CosineLRScheduler(t_initial=T,
        lr_min=min_lr, k_decay=k)`` below ``T``; at ``T`` both give ``min_lr``.

        >>> cosine_annealing(50, total_steps=100, init_lr=0.1)
        0.05
        >>> cosine_annealing([0, 50, 100], total_steps=100, init_lr=0.1, k_decay=2.0).round(6)
        array([0.1     , 0.085355, 0.      ])
        """,
    ),
    Schedule(
        name="cosine_warm_restarts",
        label="Cosine warm restarts",
        family="lr",
        params=(*_LR, CYCLE_STEPS, CYCLE_MULT, PEAK_DECAY),
        description=(
            "SGDR: cosine cycles from init_lr to min_lr, restarting every cycle_steps, each"
            " cycle cycle_mult times longer and its peak peak_decay times lower (PyTorch "
            "CosineAnnealingWarmRestarts; timm CosineLRScheduler)."
        ),
        build=_cosine_warm_restarts,
        rules=(MIN_LR_AT_MOST_INIT,),
        natives=_cosine_warm_restarts_natives,
        doc=r"""
        Cosine annealing with warm restarts (SGDR, Loshchilov & Hutter 2017).

        .. math::

            \eta_t = \eta_{min} + (\eta_0 d^i - \eta_{min})\,\frac{1 + \cos(\pi t_{cur} / T_i)}{2},
            \qquad T_i = C\,m^i,\quad t_{cur} = t - C\,\frac{m^i - 1}{m - 1}

        where cycle :math:`i` is the one containing step :math:`t`
        (:math:`t_{cur} = t \bmod C` when :math:`m = 1`), :math:`\eta_0` is
        ``init_lr``, :math:`\eta_{min}` is ``min_lr``, :math:`C` is ``cycle_steps``,
        :math:`m` is ``cycle_mult`` and :math:`d` is ``peak_decay``.

        With ``peak_decay < 1`` each restart's peak is the previous one times
        ``peak_decay`` over a fixed floor: timm's ``CosineLRScheduler(t_initial=C,
        cycle_mul=m, cycle_decay=d, lr_min=min_lr)`` while it is below its
        ``cycle_limit`` (after its last cycle timm holds ``lr_min``: see
        ``dynweights.from_timm``) (which misplaces a restart
        where its float logarithm rounds down: 242 for ``C=2, m=3``; ours is exact)
        and, with ``min_lr=0``, Keras's ``CosineDecayRestarts(m_mul=d, alpha=0)``.

        Identical to ``torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(T_0=C,
        T_mult=m, eta_min=min_lr)`` at every integer step up to ``total_steps``,
        after which the value at ``total_steps`` holds. The cycle index comes from a
        closed-form logarithm, corrected by one where rounding misplaces it, so the
        whole array is evaluated without a Python loop.

        >>> cosine_warm_restarts([0, 5, 10, 20, 30], total_steps=100, cycle_steps=10, cycle_mult=2)
        array([0.1 , 0.05, 0.1 , 0.05, 0.1 ])
        >>> cosine_warm_restarts([0, 10, 20], total_steps=100, cycle_steps=10, peak_decay=0.5)
        array([0.1  , 0.05 , 0.025])
        """,
    ),
)
cosine_with_linear_warmup, cosine_annealing, cosine_warm_restarts = (
    spec.function for spec in SPECS
)
__test__ = {spec.name: spec.function.__doc__ for spec in SPECS}  # doctests
