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
from numpy.typing import ArrayLike, NDArray

from dynweights._bound import evaluate_spec
from dynweights._spec import (
    CYCLE_MULT,
    CYCLE_STEPS,
    INIT_LR,
    MIN_LR,
    MIN_LR_AT_MOST_INIT,
    TOTAL_STEPS,
    WARMUP_BELOW_TOTAL,
    WARMUP_LR,
    WARMUP_STEPS,
    Checked,
    Schedule,
    Values,
)
from dynweights._tree import NP, Array, Lang, Node, join, num, shaped, tex_num


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
    return evaluate_spec(
        _SPECS["cosine_with_linear_warmup"],
        steps,
        {
            "total_steps": total_steps,
            "warmup_steps": warmup_steps,
            "init_lr": init_lr,
            "warmup_lr": warmup_lr,
            "min_lr": min_lr,
        },
    )


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
    return evaluate_spec(
        _SPECS["cosine_annealing"],
        steps,
        {"total_steps": total_steps, "init_lr": init_lr, "min_lr": min_lr},
    )


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
    return evaluate_spec(
        _SPECS["cosine_warm_restarts"],
        steps,
        {
            "total_steps": total_steps,
            "init_lr": init_lr,
            "min_lr": min_lr,
            "cycle_steps": cycle_steps,
            "cycle_mult": cycle_mult,
        },
    )


def warmup(p: Checked, then: Node) -> Node:
    """A linear warmup from ``warmup_lr`` to ``init_lr`` over ``warmup_steps``, then ``then``."""
    rise = shaped("linear", p["warmup_lr"], p["init_lr"], p["warmup_steps"])
    return join([rise, then], [p["warmup_steps"]])


def multiples(total: int, size: int, limit: int) -> NDArray[np.int64]:
    """The multiples of ``size`` in ``(0, total]``, evenly thinned to ``limit``."""
    count = total // size
    picks = np.arange(1, count + 1) if count <= limit else np.linspace(1, count, limit)
    return np.unique(np.rint(picks).astype(np.int64)) * size


@dataclass(frozen=True)
class Restarts(Node):
    """Cosine cycles from ``peak`` to ``floor``, restarting; cycle ``i`` is ``C m^i`` long.

    With ``m = 1`` the cycle start is ``floor(u / C) C``. With ``m > 1`` the
    starts are integers listed once (at most 54 of them below 2**53) and the
    cycle is found by a sorted search, so a restart is exact at any step.
    ``decay`` scales each restart's peak by ``decay^i`` over the fixed floor.
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
        if self.decay != 1.0:
            peak = f"({floor} + {num(self.peak - self.floor)} * {num(self.decay)} ** {index})"
        cos = f"{lang.names['cos']}(math.pi * {local} / {length})"
        return lang.min(f"{floor} + ({peak} - {floor}) * ((1 + {cos}) / 2)", peak)

    def latex(self, u: str) -> str:
        if self.mult == 1:
            cycle = rf"\left({u} \bmod {tex_num(self.cycle)}\right)"
            length = tex_num(self.cycle)
        else:
            cycle, length = r"t_{cur}", rf"{tex_num(self.cycle)} \cdot {self.mult}^{{i}}"
        return (
            rf"{tex_num(self.floor)} + {tex_num(self.peak - self.floor)} \cdot "
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
    return shaped("cosine", p["init_lr"], p["min_lr"], p["total_steps"])


def _cosine_warm_restarts(p: Checked) -> Node:
    return Restarts(p["init_lr"], p["min_lr"], p["cycle_steps"], p["cycle_mult"], p["total_steps"])


_LR = (TOTAL_STEPS, INIT_LR, MIN_LR)

SPECS = (
    Schedule(
        "cosine_with_linear_warmup",
        "Cosine with linear warmup",
        "lr",
        cosine_with_linear_warmup,
        (TOTAL_STEPS, WARMUP_STEPS, INIT_LR, WARMUP_LR, MIN_LR),
        "Linear warmup from warmup_lr to init_lr over warmup_steps, then a cosine "
        "decay to min_lr at total_steps (TensorFlow TPU; Hugging Face; optax).",
        _cosine_with_linear_warmup,
        (WARMUP_BELOW_TOTAL, MIN_LR_AT_MOST_INIT),
    ),
    Schedule(
        "cosine_annealing",
        "Cosine annealing",
        "lr",
        cosine_annealing,
        _LR,
        "Cosine decay from init_lr to min_lr at total_steps (PyTorch CosineAnnealingLR).",
        _cosine_annealing,
        (MIN_LR_AT_MOST_INIT,),
    ),
    Schedule(
        "cosine_warm_restarts",
        "Cosine warm restarts",
        "lr",
        cosine_warm_restarts,
        (*_LR, CYCLE_STEPS, CYCLE_MULT),
        "SGDR: cosine cycles from init_lr to min_lr, restarting every cycle_steps, each "
        "cycle cycle_mult times longer (PyTorch CosineAnnealingWarmRestarts).",
        _cosine_warm_restarts,
        (MIN_LR_AT_MOST_INIT,),
    ),
)
_SPECS = {spec.name: spec for spec in SPECS}
