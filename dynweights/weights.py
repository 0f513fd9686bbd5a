"""Dynamic loss-weight ramps from 0 up to ``max_weight``.

The four ramps of the source blog post, with one change of semantics: steps
past ``total_steps`` hold the value at ``total_steps`` (the blog's code would
let the cosine ramp fall again). Each expression keeps the blog's order of
operations: linear, cosine and exponential agree with its numpy code to the
last bit. Power agrees to 1 ulp: the blog raises one numpy scalar at a time,
and numpy's scalar ``pow`` and its array loop may round differently.

Each family is one ``build`` function returning its tree of pieces
(``dynweights._tree``); values, breakpoints, formula and code derive from it.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from dynweights._spec import (
    CYCLES,
    MAX_WEIGHT,
    POWER_FACTOR,
    RAMP_RATIO,
    TOTAL_STEPS,
    Checked,
    Schedule,
)
from dynweights._tree import Leaf, Node, join, num, shaped, tex_num


def _linear(p: Checked) -> Node:
    return shaped("linear", 0.0, p["max_weight"], p["total_steps"])


def _cosine(p: Checked) -> Node:
    return shaped("cosine", 0.0, p["max_weight"], p["total_steps"])


def _power(p: Checked) -> Node:
    return shaped("power", 0.0, p["max_weight"], p["total_steps"], p["power_factor"])


def _exponential(p: Checked) -> Node:
    w, total = p["max_weight"], p["total_steps"]
    # The blog's order: (1 - exp(-t / (T / 4))) * w.
    template = f"(1 - {{exp}}((-{{u}}) / {num(total / 4)})) * {num(w)}"
    tex = rf"{tex_num(w)} \left(1 - e^{{-{{u}} / {tex_num(total / 4)}}}\right)"
    return Leaf(template, tex, form=("saturating", w, total / 4))


def _sigmoid_ramp(p: Checked) -> Node:
    w, total = num(p["max_weight"]), num(p["total_steps"])
    phase = f"(1.0 - {{u}} / {total})"
    tex = rf"{tex_num(p['max_weight'])}\, e^{{-5 (1 - {{u}} / {tex_num(p['total_steps'])})^2}}"
    form = ("sigmoid", p["max_weight"], p["total_steps"])
    return Leaf(f"{w} * {{exp}}(-5.0 * {phase} * {phase})", tex, form=form)


def _cyclical_annealing(p: Checked) -> Node:
    w, total, count, ratio = p["max_weight"], p["total_steps"], p["cycles"], p["ramp_ratio"]
    # Position in cycle units: t * M / T is exact at every cycle start t = k T / M.
    position = f"({{u}} * {num(count)} / {num(total)})"
    phase = f"({position} - {{floor}}{position})"
    # min(phase, R) / R is min(phase / R, 1) exactly, without overflow for a tiny R.
    template = f"{num(w)} * ({{minimum}}({phase}, {num(ratio)}) / {num(ratio)})"
    tex = (
        rf"{tex_num(w)} \min\left(1, \frac{{\tau}}{{{tex_num(ratio)}}}\right),\ "
        rf"\tau = \operatorname{{frac}}\left(\frac{{{{u}} \cdot {tex_num(count)}}}"
        rf"{{{tex_num(total)}}}\right)"
    )

    def marks(limit: int) -> NDArray[np.int64]:
        """Each cycle's start and the end of its ramp, thinned evenly to ``limit``."""
        k = np.arange(count) if 2 * count <= limit else np.linspace(0, count - 1, limit // 2)
        starts = np.floor(k) * total / count
        ends = starts + ratio * total / count
        return np.unique(np.ceil(np.concatenate([starts, ends])).astype(np.int64))

    cycles = Leaf(template, tex, total, marker=marks, form=("cyclical", w, count, total, ratio))
    return join([cycles, shaped("constant", w, w, 1)], [total])


_RAMP = (TOTAL_STEPS, MAX_WEIGHT)

SPECS = (
    Schedule(
        name="linear",
        label="Linear",
        family="weight",
        params=_RAMP,
        description=("Straight ramp from 0 at step 0 to max_weight at T."),
        build=_linear,
        doc=r"""
        Linear ramp from 0 to ``max_weight``.

        .. math:: w_t = w \cdot \frac{t}{T}

        where :math:`w` is ``max_weight`` and :math:`T` is ``total_steps``.

        >>> linear(25, total_steps=100, max_weight=2.0)
        0.5
        """,
    ),
    Schedule(
        name="cosine",
        label="Cosine",
        family="weight",
        params=_RAMP,
        description=(
            "Half-cosine ramp up from 0 to max_weight: slow start, fast middle, slow end."
        ),
        build=_cosine,
        doc=r"""
        Half-cosine ramp *up* from 0 to ``max_weight``: slow, fast, slow.

        .. math:: w_t = w \cdot \frac{1 - \cos(\pi t / T)}{2}

        where :math:`w` is ``max_weight`` and :math:`T` is ``total_steps``.

        >>> cosine(50, total_steps=100)  # cos(pi/2) is 6e-17 in float64, not 0
        0.49999999999999994
        """,
    ),
    Schedule(
        name="power",
        label="Power",
        family="weight",
        params=(*_RAMP, POWER_FACTOR),
        description=("Ramp (t/T)^a from 0 to max_weight; a > 1 starts slowly, a < 1 quickly."),
        build=_power,
        doc=r"""
        Power ramp from 0 to ``max_weight``.

        .. math:: w_t = w \cdot \left(\frac{t}{T}\right)^a

        where :math:`w` is ``max_weight``, :math:`T` is ``total_steps`` and
        :math:`a` is ``power_factor``.

        >>> power(50, total_steps=100, power_factor=2.0)
        0.25
        """,
    ),
    Schedule(
        name="exponential",
        label="Exponential",
        family="weight",
        params=_RAMP,
        description=(
            "Saturating ramp with time constant T/4, as in the blog. It reaches only 98.2% "
            "of max_weight at T (1 - e^-4) and holds that value afterwards."
        ),
        build=_exponential,
        doc=r"""
        Saturating exponential ramp towards ``max_weight``, exactly as the blog.

        .. math:: w_t = w \cdot \left(1 - e^{-t / (T/4)}\right)

        where :math:`w` is ``max_weight`` and :math:`T` is ``total_steps``.

        It never quite reaches ``max_weight``: at ``t = T`` it is
        :math:`w (1 - e^{-4}) \approx 0.9817 w`, and it holds that value after ``T``.

        >>> round(exponential(100, total_steps=100), 6)
        0.981684
        """,
    ),
    Schedule(
        name="sigmoid_ramp",
        label="Sigmoid ramp",
        family="weight",
        params=_RAMP,
        description=(
            "The mean-teacher ramp-up, w * exp(-5 (1 - t/T)^2). It starts at w * e^-5 "
            "(0.67% of max_weight), not at 0."
        ),
        build=_sigmoid_ramp,
        doc=r"""
        The mean-teacher "sigmoid-shaped" ramp-up of a consistency weight.

        .. math:: w_t = w \cdot e^{-5 (1 - t/T)^2}

        where :math:`w` is ``max_weight`` and :math:`T` is ``total_steps``, as in
        ``sigmoid_rampup`` of Tarvainen & Valpola (2017). It starts at
        :math:`w e^{-5} \approx 0.0067 w`, not at 0, and reaches ``max_weight`` at ``T``.

        >>> sigmoid_ramp([0, 100], total_steps=100).round(6)
        array([0.006738, 1.      ])
        """,
    ),
    Schedule(
        name="cyclical_annealing",
        label="Cyclical annealing",
        family="weight",
        params=(*_RAMP, CYCLES, RAMP_RATIO),
        description=(
            "KL cyclical annealing (Fu et al. 2019): in each of `cycles` cycles, a linear "
            "ramp from 0 to max_weight over ramp_ratio of the cycle, then a hold."
        ),
        build=_cyclical_annealing,
        doc=r"""
        Cyclical annealing (Fu et al. 2019), linear: ramp up, hold, restart at 0.

        .. math::

            w_t = w \cdot \min\left(1, \frac{\tau_t}{R}\right), \qquad
            \tau_t = \frac{t}{P} - \left\lfloor \frac{t}{P} \right\rfloor,\quad P = \frac{T}{M}

        where :math:`w` is ``max_weight``, :math:`M` is ``cycles`` and :math:`R` is
        ``ramp_ratio``. Each cycle of length :math:`P` ramps linearly from 0 to
        ``max_weight`` over its first ``ramp_ratio * P`` steps, then holds it. At
        ``t = T`` the last cycle ends, so the value is ``max_weight``, and it holds.

        >>> cyclical_annealing([0, 10, 25, 35, 50, 100], total_steps=100)
        array([0. , 0.8, 0. , 0.8, 0. , 1. ])
        """,
    ),
)
linear, cosine, power, exponential, sigmoid_ramp, cyclical_annealing = (
    spec.function for spec in SPECS
)
__test__ = {spec.name: spec.function.__doc__ for spec in SPECS}  # doctests
