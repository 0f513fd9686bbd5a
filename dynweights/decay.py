"""More learning-rate families: warmup-stable-decay, inverse square root,
polynomial, step and exponential decay, and one-cycle.

Each equals a named peer of PyTorch or Hugging Face at every integer step up to
``total_steps`` (golden fixtures in ``tests/golden/peers.json``), and holds the
value at ``total_steps`` after it. Like the cosine family they are joins of
pieces, each evaluated on its own local step.
"""

from __future__ import annotations

import dataclasses

from dynweights import _natives as natives
from dynweights._spec import (
    ANNEAL,
    DECAY_SHAPE,
    DECAY_STEPS,
    DIV_FACTOR,
    FINAL_DIV_FACTOR,
    GAMMA,
    INIT_LR,
    MIN_LR,
    MIN_LR_AT_MOST_INIT,
    PCT_START,
    POWER_FACTOR,
    STEP_SIZE,
    THREE_PHASE,
    TIMESCALE,
    TOTAL_STEPS,
    WARMUP_BELOW_TOTAL,
    WARMUP_LR,
    WARMUP_SHAPE,
    WARMUP_STEPS,
    Checked,
    Limit,
    Native,
    Natives,
    Rule,
    Schedule,
)
from dynweights._tree import Join, Leaf, Node, join, num, shaped, tex_num
from dynweights.lr import multiples, warmup

# inverse_sqrt divides by the warmup length, so it needs one step of warmup,
# and a run of at least two steps to hold it.
WARMUP_STEPS_POSITIVE = dataclasses.replace(WARMUP_STEPS, min=1)
TOTAL_STEPS_TWO = dataclasses.replace(TOTAL_STEPS, min=2)


def _warmup_stable_decay(p: Checked) -> Node:
    peak, floor, decay = p["init_lr"], p["min_lr"], p["decay_steps"]
    room = p["total_steps"] - p["warmup_steps"]
    fall = (
        shaped(p["decay_shape"], peak, floor, decay)
        if decay
        else shaped("constant", floor, floor, 1)
    )
    stable = join([shaped("constant", peak, peak, room - decay), fall], [room - decay])
    return warmup(p, stable, p["warmup_shape"])


def _warmup_stable_decay_natives(p: Checked) -> Natives:
    # Hugging Face's warmup starts at its floor, min_lr_ratio * lr; it has no 1-square.
    w, d, total, peak, floor = (
        p["warmup_steps"],
        p["decay_steps"],
        p["total_steps"],
        p["init_lr"],
        p["min_lr"],
    )
    if not (peak > 0 and d > 0 and p["decay_shape"] != "1-square"):
        return {}
    if w and p["warmup_lr"] != floor:
        return {}
    return {
        "transformers": natives.hf(
            "warmup_stable_decay",
            w,
            total,
            peak,
            "after T it stays at min_lr, as dynweights does",
            num_decay_steps=d,
            warmup_type=p["warmup_shape"],
            decay_type=p["decay_shape"],
            min_lr_ratio=floor / peak,
        )
    }


def _inverse_sqrt(p: Checked) -> Node:
    # Hugging Face's timescale s: init_lr / sqrt((t - W + s) / s); 0 means s = W.
    peak, s = p["init_lr"], p["timescale"] or p["warmup_steps"]
    tail = Leaf(
        f"{num(peak)} * (1 / {{sqrt}}(({{u}} + {num(s)}) / {num(s)}))",
        rf"{tex_num(peak)} \sqrt{{\frac{{{tex_num(s)}}}{{{{u}} + {tex_num(s)}}}}}",
        form=("inverse_sqrt", peak, s),
    )
    return warmup(p, tail)


def _polynomial_decay(p: Checked) -> Node:
    peak, floor, a = p["init_lr"], p["min_lr"], p["power_factor"]
    length = p["total_steps"] - p["warmup_steps"]
    # Hugging Face's order of operations: range * remaining ** power + end.
    tail = Leaf(
        f"{{minimum}}({num(peak - floor)} * (1 - {{u}} / {num(length)}) ** {num(a)}"
        f" + {num(floor)}, {num(peak)})",
        rf"{tex_num(peak - floor)} \left(1 - \frac{{{{u}}}}{{{tex_num(length)}}}\right)"
        rf"^{{{tex_num(a)}}} + {tex_num(floor)}",
        length,
        f"optax.polynomial_schedule({num(peak)}, {num(floor)}, {num(a)}, {num(length)})",
        form=("polynomial", peak, floor, a, length),
    )
    return warmup(p, tail)


def _step_decay(p: Checked) -> Node:
    peak, size, gamma, total = p["init_lr"], p["step_size"], p["gamma"], p["total_steps"]
    return Leaf(
        f"{num(peak)} * {num(gamma)} ** {{floor}}({{u}} / {num(size)})",
        rf"{tex_num(peak)} \cdot {tex_num(gamma)}^{{\lfloor {{u}} / {tex_num(size)} \rfloor}}",
        native_optax=f"optax.exponential_decay({num(peak)}, {num(size)}, {num(gamma)}, "
        "staircase=True)",
        marker=lambda limit: multiples(total, size, limit),
        form=("step_decay", peak, gamma, size),
    )


def _exponential_decay(p: Checked) -> Node:
    peak, gamma = p["init_lr"], p["gamma"]
    return Leaf(
        f"{num(peak)} * {num(gamma)} ** {{u}}",
        rf"{tex_num(peak)} \cdot {tex_num(gamma)}^{{{{u}}}}",
        native_optax=f"optax.exponential_decay({num(peak)}, 1, {num(gamma)})",
        form=("exponential_decay", peak, gamma),
    )


def _one_cycle_peak(total: int, pct_start: float) -> float:
    # PyTorch counts total_steps values (ours are 0..T, so T + 1 of them) and
    # puts the peak at pct_start * (T + 1) - 1, which need not be an integer.
    return pct_start * (total + 1) - 1


def _anneal(start: float, end: float, length: float, low: float, high: float) -> Leaf:
    """PyTorch's ``_annealing_cos``: ``end + (start - end) / 2 * (cos(pi p) + 1)``."""
    s, e = num(start), num(end)
    value = f"{e} + ({s} - {e}) / 2.0 * ({{cos}}({{pi}} * ({{u}} / {num(length)})) + 1)"
    tex = (
        rf"{tex_num(end)} + {tex_num((start - end) / 2)} "
        rf"\left(1 + \cos\frac{{\pi {{u}}}}{{{tex_num(length)}}}\right)"
    )
    form = ("cosine", start, end, length, 1.0)
    return Leaf(
        f"{{minimum}}({{maximum}}({value}, {num(low)}), {num(high)})", tex, length, form=form
    )


def _anneal_linear(start: float, end: float, length: float, low: float, high: float) -> Leaf:
    """PyTorch's ``_annealing_linear``: ``(end - start) p + start``."""
    value = f"{num(end - start)} * ({{u}} / {num(length)}) + {num(start)}"
    tex = rf"{tex_num(start)} + {tex_num(end - start)} \cdot \frac{{{{u}}}}{{{tex_num(length)}}}"
    form = ("linear", start, end, length, 1.0)
    return Leaf(
        f"{{minimum}}({{maximum}}({value}, {num(low)}), {num(high)})", tex, length, form=form
    )


def _one_cycle_valley(total: int, pct_start: float) -> float:
    # PyTorch's second phase ends at float(2 * pct_start * total_steps) - 2.
    return 2 * pct_start * (total + 1) - 2


def _one_cycle(p: Checked) -> Node:
    total, peak = p["total_steps"], p["init_lr"]
    top = _one_cycle_peak(total, p["pct_start"])
    start = peak / p["div_factor"]
    end = start / p["final_div_factor"]
    move = _anneal if p["anneal"] == "cos" else _anneal_linear
    if p["three_phase"]:
        valley = _one_cycle_valley(total, p["pct_start"])
        pieces = [
            move(start, peak, top, end, peak),
            move(peak, start, valley - top, end, peak),
            move(start, end, total - valley, end, peak),
        ]
        return Join(tuple(pieces), (top, valley), inclusive=True)
    up, down = move(start, peak, top, end, peak), move(peak, end, total - top, end, peak)
    return join([up, down], [top], inclusive=True)


def _holds_peak(p: Checked) -> bool:
    # The bounds are exact, but pct_start * (T + 1) - 1 can still round to 0.
    return bool(0 < _one_cycle_peak(p["total_steps"], p["pct_start"]) < p["total_steps"])


def _holds_valley(p: Checked) -> bool:
    return (
        not p["three_phase"]
        or _one_cycle_valley(p["total_steps"], p["pct_start"]) < p["total_steps"]
    )


def _inverse_sqrt_natives(p: Checked) -> Natives:
    if p["warmup_lr"] != 0:
        return {}
    timescale = {"timescale": p["timescale"]} if p["timescale"] else {}
    return {
        "transformers": natives.hf(
            "inverse_sqrt",
            p["warmup_steps"],
            p["total_steps"],
            p["init_lr"],
            natives.GOES_ON_AFTER_T,
            **timescale,
        )
    }


def _polynomial_decay_natives(p: Checked) -> Natives:
    w, total, peak, floor, a = (
        p["warmup_steps"],
        p["total_steps"],
        p["init_lr"],
        p["min_lr"],
        p["power_factor"],
    )
    out: dict[str, Native] = {}
    if w == 0 and floor == 0:
        out["pytorch"] = natives.torch("PolynomialLR", total_iters=total, power=a)
    if w == 0:
        out["keras"] = natives.keras(
            "PolynomialDecay",
            initial_learning_rate=peak,
            decay_steps=total,
            end_learning_rate=floor,
            power=a,
        )
    # transformers refuses lr_end >= lr; its warmup starts at 0.
    if p["warmup_lr"] == 0 and floor < peak:
        out["transformers"] = natives.hf("polynomial", w, total, peak, lr_end=floor, power=a)
    return out


def _step_decay_natives(p: Checked) -> Natives:
    peak, size, gamma = p["init_lr"], p["step_size"], p["gamma"]
    return {
        "pytorch": natives.torch("StepLR", natives.GOES_ON_AFTER_T, step_size=size, gamma=gamma),
        "keras": natives.keras(
            "ExponentialDecay",
            natives.GOES_ON_AFTER_T,
            initial_learning_rate=peak,
            decay_steps=size,
            decay_rate=gamma,
            staircase=True,
        ),
    }


def _exponential_decay_natives(p: Checked) -> Natives:
    return {
        "pytorch": natives.torch("ExponentialLR", natives.GOES_ON_AFTER_T, gamma=p["gamma"]),
        "keras": natives.keras(
            "ExponentialDecay",
            natives.GOES_ON_AFTER_T,
            initial_learning_rate=p["init_lr"],
            decay_steps=1,
            decay_rate=p["gamma"],
        ),
    }


def _one_cycle_natives(p: Checked) -> Natives:
    return {
        "pytorch": natives.torch(
            "OneCycleLR",
            "it counts total_steps = T + 1 values, and stepping past T raises a ValueError",
            max_lr=p["init_lr"],
            total_steps=p["total_steps"] + 1,
            pct_start=p["pct_start"],
            anneal_strategy=p["anneal"],
            cycle_momentum=False,
            div_factor=p["div_factor"],
            final_div_factor=p["final_div_factor"],
            three_phase=p["three_phase"],
        )
    }


_WARMUP_LR = (TOTAL_STEPS, WARMUP_STEPS, INIT_LR, WARMUP_LR, MIN_LR)
_WARMUP_RULES = (WARMUP_BELOW_TOTAL, MIN_LR_AT_MOST_INIT)

SPECS = (
    Schedule(
        name="warmup_stable_decay",
        label="Warmup-stable-decay",
        family="lr",
        params=(
            TOTAL_STEPS,
            WARMUP_STEPS,
            DECAY_STEPS,
            INIT_LR,
            WARMUP_LR,
            MIN_LR,
            DECAY_SHAPE,
            WARMUP_SHAPE,
        ),
        description=(
            "Warmup, a long stable phase at init_lr, and a short final decay (MiniCPM; "
            "Hugging Face get_wsd_schedule)."
        ),
        build=_warmup_stable_decay,
        rules=(
            *_WARMUP_RULES,
            Rule(
                "decay_steps",
                high=Limit(
                    "total_steps - warmup_steps", lambda p: p["total_steps"] - p["warmup_steps"]
                ),
            ),
        ),
        natives=_warmup_stable_decay_natives,
        doc=r"""
        Warmup, a stable phase at ``init_lr``, then a decay to ``min_lr`` (WSD).

        .. math::

            \eta_t = \begin{cases}
              \eta_w + (\eta_0 - \eta_w)\,g(t / W) & t < W \\
              \eta_0 & W \le t < T - D \\
              \eta_{min} + (\eta_0 - \eta_{min})\, f\big((t - T + D) / D\big) & t \ge T - D
            \end{cases}

        where :math:`f(p)` is :math:`1 - p` (linear), :math:`(1 + \cos \pi p)/2`
        (cosine), :math:`1 - \sqrt{p}` (1-sqrt) or :math:`1 - p^2` (1-square),
        :math:`g(p)` is :math:`p` (linear), :math:`(1 - \cos \pi p)/2` (cosine) or
        :math:`1 - \sqrt{1 - p}` (1-sqrt), :math:`W` is ``warmup_steps``,
        :math:`D` is ``decay_steps``, :math:`\eta_w` is ``warmup_lr``,
        :math:`\eta_0` is ``init_lr`` and :math:`\eta_{min}` is ``min_lr``.

        Equals Hugging Face's ``get_wsd_schedule(num_warmup_steps=W,
        num_decay_steps=D, num_training_steps=T, warmup_type=warmup_shape,
        decay_type=decay_shape, min_lr_ratio=r)`` with ``warmup_lr = min_lr = r *
        init_lr`` (Hugging Face starts its warmup at the floor, not at 0) and any
        shape but 1-square; timm's ``WSDLRScheduler`` with a linear warmup and any
        decay shape (1-square is its ``decay_fn="power", decay_power=2``).

        >>> warmup_stable_decay([0, 5, 10, 50, 90, 100], decay_shape="linear")
        array([0.  , 0.05, 0.1 , 0.1 , 0.05, 0.  ])
        >>> warmup_stable_decay([5, 90], warmup_shape="cosine", decay_shape="1-square")
        array([0.05 , 0.075])
        """,
    ),
    Schedule(
        name="inverse_sqrt",
        label="Inverse square root",
        family="lr",
        params=(TOTAL_STEPS_TWO, WARMUP_STEPS_POSITIVE, INIT_LR, WARMUP_LR, TIMESCALE),
        description=(
            "Linear warmup, then init_lr * sqrt(W / t), as in the original Transformer "
            "(Hugging Face get_inverse_sqrt_schedule)."
        ),
        build=_inverse_sqrt,
        rules=(
            Rule(
                "total_steps",
                low=Limit("2", lambda p: 2),
                note="warmup_steps >= 1 must fit before it",
            ),
            Rule(
                "warmup_steps",
                low=Limit("1", lambda p: 1),
                high=Limit("total_steps", lambda p: p["total_steps"], open=True),
            ),
        ),
        natives=_inverse_sqrt_natives,
        doc=r"""
        Linear warmup, then decay with the inverse square root of the step.

        .. math::

            \eta_t = \begin{cases}
              \eta_w + (\eta_0 - \eta_w)\,t / W & t < W \\
              \eta_0 \sqrt{W / t} & t \ge W
            \end{cases}

        where :math:`W` is ``warmup_steps``, :math:`\eta_w` is ``warmup_lr`` and
        :math:`\eta_0` is ``init_lr``. Equals Hugging Face's
        ``get_inverse_sqrt_schedule(num_warmup_steps=W, timescale=W)`` with
        ``warmup_lr=0``.

        >>> inverse_sqrt([0, 5, 10, 40], total_steps=100, warmup_steps=10)
        array([0.  , 0.05, 0.1 , 0.05])
        """,
    ),
    Schedule(
        name="polynomial_decay",
        label="Polynomial decay",
        family="lr",
        params=(*_WARMUP_LR, POWER_FACTOR),
        description=(
            "Linear warmup, then a polynomial decay to min_lr; power 1 is BERT's linear "
            "decay (Hugging Face get_polynomial_decay_schedule_with_warmup)."
        ),
        build=_polynomial_decay,
        rules=_WARMUP_RULES,
        natives=_polynomial_decay_natives,
        doc=r"""
        Linear warmup, then a polynomial decay to ``min_lr`` (BERT uses power 1).

        .. math::

            \eta_t = \begin{cases}
              \eta_w + (\eta_0 - \eta_w)\,t / W & t < W \\
              (\eta_0 - \eta_{min}) \left(1 - \frac{t - W}{T - W}\right)^a + \eta_{min} & t \ge W
            \end{cases}

        where :math:`a` is ``power_factor``, :math:`W` is ``warmup_steps`` and the
        rates are as in ``cosine_with_linear_warmup``. Equals Hugging Face's
        ``get_polynomial_decay_schedule_with_warmup(lr_end=min_lr,
        power=power_factor)`` with ``warmup_lr=0``.

        >>> polynomial_decay([0, 10, 55, 100], power_factor=1.0)
        array([0.  , 0.1 , 0.05, 0.  ])
        """,
    ),
    Schedule(
        name="step_decay",
        label="Step decay",
        family="lr",
        params=(TOTAL_STEPS, INIT_LR, STEP_SIZE, GAMMA),
        description=("Multiply by gamma every step_size steps (PyTorch StepLR)."),
        build=_step_decay,
        rules=(),
        natives=_step_decay_natives,
        doc=r"""
        Multiply the learning rate by ``gamma`` every ``step_size`` steps.

        .. math:: \eta_t = \eta_0 \, \gamma^{\lfloor t / s \rfloor}

        where :math:`\eta_0` is ``init_lr``, :math:`s` is ``step_size`` and
        :math:`\gamma` is ``gamma``. Equals ``torch.optim.lr_scheduler.StepLR``.

        >>> step_decay([0, 9, 10, 25], init_lr=1.0, step_size=10, gamma=0.5)
        array([1.  , 1.  , 0.5 , 0.25])
        """,
    ),
    Schedule(
        name="exponential_decay",
        label="Exponential decay",
        family="lr",
        params=(TOTAL_STEPS, INIT_LR, GAMMA),
        description=("Multiply by gamma every step (PyTorch ExponentialLR)."),
        build=_exponential_decay,
        rules=(),
        natives=_exponential_decay_natives,
        doc=r"""
        Multiply the learning rate by ``gamma`` every step.

        .. math:: \eta_t = \eta_0 \, \gamma^{t}

        where :math:`\eta_0` is ``init_lr`` and :math:`\gamma` is ``gamma``.
        Equals ``torch.optim.lr_scheduler.ExponentialLR``.

        >>> exponential_decay([0, 1, 2], init_lr=1.0, gamma=0.5)
        array([1.  , 0.5 , 0.25])
        """,
    ),
    Schedule(
        name="one_cycle",
        label="One cycle",
        family="lr",
        params=(TOTAL_STEPS, INIT_LR, PCT_START, DIV_FACTOR, FINAL_DIV_FACTOR, ANNEAL, THREE_PHASE),
        description=(
            "Cosine (or linear) rise from init_lr / div_factor to init_lr, then a fall to "
            "init_lr / div_factor / final_div_factor, optionally through init_lr / "
            "div_factor (PyTorch OneCycleLR)."
        ),
        build=_one_cycle,
        rules=(
            Rule(
                "pct_start",
                low=Limit("1 / (total_steps + 1)", lambda p: 1 / (p["total_steps"] + 1), open=True),
                high=Limit("1", lambda p: 1.0, open=True),
                holds=_holds_peak,
            ),
            Rule(
                "three_phase",
                holds=_holds_valley,
                note="False unless 2 * (pct_start * (total_steps + 1) - 1) < total_steps",
            ),
        ),
        natives=_one_cycle_natives,
        doc=r"""
        One cycle (Smith 2018): a cosine rise to ``init_lr``, then a cosine fall far below.

        .. math::

            \eta_t = \begin{cases}
              \eta_{peak} + (\eta_{start} - \eta_{peak}) \frac{1 + \cos(\pi t / P)}{2} & t \le P \\
              \eta_{end} + (\eta_{peak} - \eta_{end}) \frac{1 + \cos(\pi (t - P) / (T - P))}{2}
              & t > P
            \end{cases}

        where :math:`\eta_{peak}` is ``init_lr``, :math:`\eta_{start} = \eta_{peak} / d`,
        :math:`\eta_{end} = \eta_{start} / f`, :math:`P = p (T + 1) - 1`, :math:`p` is
        ``pct_start``, :math:`d` is ``div_factor`` and :math:`f` is ``final_div_factor``.

        With ``anneal="linear"`` each move is a straight line instead. With
        ``three_phase=True`` the fall first returns to :math:`\eta_{start}` at
        :math:`2P`, mirroring the rise, then decays to :math:`\eta_{end}` at ``T``.

        Equals ``torch.optim.lr_scheduler.OneCycleLR(max_lr=init_lr,
        total_steps=total_steps + 1, anneal_strategy=anneal, three_phase=three_phase)``
        at steps ``0..T`` (PyTorch's ``total_steps`` counts values, ours the last step).

        >>> one_cycle([0, 29.3, 100], init_lr=1.0, div_factor=10.0, final_div_factor=10.0).round(12)
        array([0.1 , 1.  , 0.01])
        >>> one_cycle([0, 29.3, 58.6, 100], init_lr=1.0, div_factor=10.0, final_div_factor=10.0,
        ...           anneal="linear", three_phase=True).round(12)
        array([0.1 , 1.  , 0.1 , 0.01])
        """,
    ),
)
warmup_stable_decay, inverse_sqrt, polynomial_decay, step_decay, exponential_decay, one_cycle = (
    spec.function for spec in SPECS
)
__test__ = {spec.name: spec.function.__doc__ for spec in SPECS}  # doctests
