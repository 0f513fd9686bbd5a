"""``from_timm``: the learning rate of every update of a timm ``train.py`` run.

The arguments are timm's scheduler arguments as ``train.py`` parses them (or
as its ``args.yaml`` records them). timm 1.0.31's ``create_scheduler_v2``
builds a scheduler from them, and ``train.py`` drives it like this:

- the scheduler's constructor sets the lr used until the first step: the
  ``warmup_lr`` if there is a warmup, else ``lr``;
- with ``sched_on_updates``, after update ``k`` (0-based) it calls
  ``step_update(k + 1)``: update ``k >= 1`` uses the lr of ``t = k``;
- otherwise, after epoch ``e`` it calls ``step(e + 1)``: update ``k`` of
  epoch ``e = k // updates_per_epoch >= 1`` uses the lr of ``t = e``;
- the run lasts the ``num_epochs`` that ``create_scheduler_v2`` returns
  (cycles and cooldown included), ``num_epochs * updates_per_epoch`` updates.

Each piece below writes timm's own formula in timm's order of operations,
with the constants timm computes once (warmup slope, cycle peaks, cycle
starts) computed here the same way, so the values agree with timm's to the
last bit or so (``tests/golden/timm.json`` pins them).
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dynweights._bound import Bound, imported
from dynweights._checks import MAX_INT, check_bool, check_int, check_real, fail
from dynweights._tree import PY, Array, Lang, Leaf, Node, join, num, tex_num
from dynweights.lr import multiples

SCHEDS = ("cosine", "tanh", "step", "multistep", "poly", "wsd", "rsqrt", "constant", "none")
DECAY_FNS = ("linear", "1-sqrt", "cosine", "power", "exp")
# train.py's defaults (timm 1.0.31), except ``lr``, which train.py derives from
# ``lr_base`` and the batch size when it is left out: give the lr it logged.
DEFAULTS: Mapping[str, Any] = {
    "sched": "cosine",
    "lr": None,
    "epochs": 300,
    "decay_epochs": 90.0,
    "decay_milestones": (90, 180, 270),
    "decay_rate": 0.1,
    "warmup_epochs": 5,
    "warmup_lr": 1e-5,
    "min_lr": 0.0,
    "cooldown_epochs": 0,
    "warmup_prefix": False,
    "lr_cycle_mul": 1.0,
    "lr_cycle_decay": 0.5,
    "lr_cycle_limit": 1,
    "lr_k_decay": 1.0,
    "lr_decay_fn": None,
    "lr_stable_timescale": None,
    "lr_noise": None,
    "sched_on_updates": False,
}
_RUN = ("sched", "lr", "epochs", "sched_on_updates", "warmup_epochs", "warmup_lr", "warmup_prefix")
_CYCLES = ("min_lr", "cooldown_epochs", "lr_cycle_mul", "lr_cycle_decay", "lr_cycle_limit")
# The arguments each scheduler reads; the others are the result's ``ignored``.
USES: Mapping[str, tuple[str, ...]] = {
    "cosine": (*_RUN, *_CYCLES, "lr_k_decay"),
    "tanh": (*_RUN, *_CYCLES),
    "poly": (*_RUN, *_CYCLES, "lr_k_decay", "decay_rate"),
    "step": (*_RUN, "decay_epochs", "decay_rate"),
    "multistep": (*_RUN, "decay_milestones", "decay_rate"),
    "constant": _RUN,
    "wsd": (*_RUN, "decay_epochs", "min_lr", "cooldown_epochs", "lr_decay_fn"),
    "rsqrt": (*_RUN, "decay_epochs", "min_lr", "cooldown_epochs", "lr_decay_fn"),
    "none": ("sched", "lr", "epochs", "warmup_epochs", "warmup_prefix"),
}
MAX_CYCLES = 1000  # cycles of a growing length (lr_cycle_mul > 1) listed in one table
MAX_MILESTONES = 32
# TanhLRScheduler's bounds: create_scheduler_v2 leaves them at their defaults.
TANH_LB, TANH_UB = -7.0, 3.0
# WSDLRScheduler's defaults that create_scheduler_v2 does not pass.
DECAY_POWER, DECAY_RATIO = 0.5, 0.1


def from_timm(args: Mapping[str, Any], *, updates_per_epoch: int) -> Bound:
    """The learning rate of each update of a timm ``train.py`` run with these arguments.

    Args:
      args: ``train.py``'s arguments by their attribute names, as in its
        ``args.yaml``: ``sched``, ``lr`` (required: the learning rate
        ``train.py`` logged, not ``lr_base``), ``epochs``, ``decay_epochs``,
        ``decay_milestones``, ``decay_rate``, ``warmup_epochs``, ``warmup_lr``,
        ``min_lr``, ``cooldown_epochs``, ``warmup_prefix``, ``lr_cycle_mul``,
        ``lr_cycle_decay``, ``lr_cycle_limit``, ``lr_k_decay``,
        ``lr_decay_fn``, ``lr_stable_timescale``, ``lr_noise`` (only ``None``)
        and ``sched_on_updates``. Left-out ones take ``train.py``'s defaults
        (``DEFAULTS``); ``decay_epochs=None`` is ``create_scheduler_v2``'s:
        90 for ``step``, 0.2 of the run for ``wsd`` and ``rsqrt``. Other keys,
        and keys the scheduler does not read, are listed in ``ignored``.
      updates_per_epoch: optimizer updates per epoch,
        ``ceil(len(loader_train) / grad_accum_steps)`` as ``train.py`` computes it.

    Returns:
      A ``Bound`` whose value at step ``k < total_steps`` is the learning rate
      of update ``k`` and at ``total_steps`` the rate after the last step
      (``total_steps`` is ``num_epochs * updates_per_epoch``). It is named
      ``"timm"``; its ``params`` are the arguments the scheduler reads (with
      defaults filled in) and ``updates_per_epoch``, so ``from_json`` reads
      it back equal.

    Raises:
      ValueError: naming the argument: a value ``train.py`` would refuse or
        crash on, ``lr`` left out, ``sched="plateau"`` (it depends on the
        metric: see ``dynweights.reduce_on_plateau``), ``lr_noise`` (random),
        or ``lr_cycle_mul < 1``.

    >>> s = from_timm({"lr": 0.1, "epochs": 10, "warmup_epochs": 2}, updates_per_epoch=5)
    >>> s.total_steps, s(0), s(4), s(5), s(10), s(50)
    (50, 1e-05, 1e-05, 0.05000500000000001, 0.09045084971874738, 0.0)
    """
    if not isinstance(args, Mapping) or not all(isinstance(k, str) for k in args):
        fail("args", "a mapping of train.py argument names", args)
    upe = check_int("updates_per_epoch", updates_per_epoch, 1)
    sched = args.get("sched", DEFAULTS["sched"])
    if sched == "plateau":
        raise ValueError(
            "sched='plateau' depends on the validation metric, not only on the step: "
            "replay it on your metrics with dynweights.reduce_on_plateau"
        )
    if not isinstance(sched, str) or sched not in SCHEDS:
        fail("sched", "one of " + ", ".join(repr(s) for s in SCHEDS), sched)
    p = _checked({**DEFAULTS, **args}, sched)
    tree, total = _build(p, upe)
    params = {key: p[key] for key in USES[sched]} | {"updates_per_epoch": upe}
    s = Bound("timm", f"timm {sched}", "lr", params, tree, total)
    ignored = tuple(sorted(k for k in args if k not in USES[sched]))
    return imported(s, f"timm: {sched}", ignored)


def from_params(params: Mapping[str, Any]) -> Bound:
    """Reads ``Bound.params`` of a ``from_timm`` result back (``from_json``)."""
    if not isinstance(params, Mapping) or "updates_per_epoch" not in params:
        fail("params", "from_timm's arguments and updates_per_epoch", params)
    rest = {k: v for k, v in params.items() if k != "updates_per_epoch"}
    return from_timm(rest, updates_per_epoch=params["updates_per_epoch"])


def _checked(c: Mapping[str, Any], sched: str) -> dict[str, Any]:
    if c["lr"] is None:
        fail(
            "lr",
            "given: train.py computes it from lr_base and the global batch size when it is "
            "None (its log says 'Learning rate (...) calculated'); pass that number",
            None,
        )
    if c["lr_noise"] is not None:
        fail("lr_noise", "None: timm's lr noise is random, not a schedule", c["lr_noise"])
    p: dict[str, Any] = {"sched": sched, "lr": check_real("lr", c["lr"], 0.0)}
    p["epochs"] = check_int("epochs", c["epochs"], 1)
    p["warmup_epochs"] = check_int("warmup_epochs", c["warmup_epochs"], 0)
    p["warmup_lr"] = check_real("warmup_lr", c["warmup_lr"], 0.0)
    p["min_lr"] = check_real("min_lr", c["min_lr"], 0.0)
    p["cooldown_epochs"] = check_int("cooldown_epochs", c["cooldown_epochs"], 0)
    p["warmup_prefix"] = check_bool("warmup_prefix", c["warmup_prefix"])
    p["sched_on_updates"] = check_bool("sched_on_updates", c["sched_on_updates"])
    p["decay_rate"] = check_real("decay_rate", c["decay_rate"], 0.0)
    p["lr_cycle_mul"] = check_real(
        "lr_cycle_mul",
        c["lr_cycle_mul"],
        1.0,
        rule="a finite number >= 1 (shrinking cycles end in a math domain error in timm)",
    )
    p["lr_cycle_decay"] = check_real("lr_cycle_decay", c["lr_cycle_decay"], 0.0)
    p["lr_cycle_limit"] = check_int("lr_cycle_limit", c["lr_cycle_limit"], 0)
    p["lr_k_decay"] = check_real("lr_k_decay", c["lr_k_decay"], 0.0, low_open=True)
    decay = c["decay_epochs"]
    if decay is None:
        decay = 0.2 if sched in ("wsd", "rsqrt") else 90
    p["decay_epochs"] = check_real("decay_epochs", decay, 0.0, low_open=True)
    p["decay_milestones"] = _milestones(c["decay_milestones"])
    fn = c["lr_decay_fn"]
    if fn is not None and (not isinstance(fn, str) or fn not in DECAY_FNS):
        fail("lr_decay_fn", "None or one of " + ", ".join(repr(f) for f in DECAY_FNS), fn)
    p["lr_decay_fn"] = fn
    scale = c["lr_stable_timescale"]
    if scale is not None:
        scale = check_real("lr_stable_timescale", scale, 0.0, low_open=True)
    p["lr_stable_timescale"] = scale
    return p


def _milestones(value: object) -> tuple[int, ...]:
    rule = f"a sorted list of at most {MAX_MILESTONES} integers >= 0"
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
        fail("decay_milestones", rule, value)
    if len(value) > MAX_MILESTONES:
        fail("decay_milestones", rule, f"{len(value)} milestones")
    out = tuple(check_int("decay_milestones", m, 0, rule=rule) for m in value)
    if any(b < a for a, b in itertools.pairwise(out)):
        fail("decay_milestones", rule, value)
    return out


def _build(p: Mapping[str, Any], upe: int) -> tuple[Node, int]:
    """The tree over updates and the run's length in updates."""
    sched, base = p["sched"], p["lr"]
    unit = upe if p["sched_on_updates"] else 1  # updates per scheduler step t
    warm, prefix = p["warmup_epochs"] * unit, p["warmup_prefix"]
    cooldown = p["cooldown_epochs"] * unit
    t_initial = p["epochs"] * unit
    if sched == "none":  # no scheduler: the optimizer keeps its lr
        epochs = p["epochs"] + (p["warmup_epochs"] if prefix else 0)
        return Leaf(num(base), tex_num(base)), _updates(epochs, upe)
    # The last scheduler step of the run, in scheduler steps (epochs or updates).
    if sched in ("cosine", "tanh", "poly"):
        length = _cycle_length(t_initial, p["lr_cycle_mul"], p["lr_cycle_limit"])
        length += (warm if prefix else 0) + cooldown
        epochs = length if unit == 1 else length // upe
        last = epochs if unit == 1 else epochs * upe
        steps, target = _cycled(p, t_initial, warm, prefix, last)
    elif sched in ("wsd", "rsqrt"):
        span = t_initial if prefix else t_initial - warm
        length = warm + span + cooldown
        epochs = length if unit == 1 else length // upe
        steps, target = _wsd(p, span, warm, unit), base
    else:
        epochs = p["epochs"] + (p["warmup_epochs"] if prefix else 0)
        steps, target = _stepped(p, warm, prefix, unit), base
    total = _updates(epochs, upe)
    if warm:
        start = p["warmup_lr"]
        slope = (target - start) / warm
        rise = Leaf(
            f"{num(start)} + {{u}} * {num(slope)}",
            rf"{tex_num(start)} + {tex_num(slope)}\,{{u}}",
            warm,
        )
        steps = join([rise, steps], [warm])
    init = p["warmup_lr"] if warm else base  # what the constructor sets
    first = 1 if unit == upe else upe  # updates before the first step
    clock = Clock(steps, upe // unit, 0, total)
    if float(clock.values(np.zeros(1))[0]) == init:
        return clock, total
    before = Leaf(num(init), tex_num(init), first)
    return join([before, Clock(steps, upe // unit, first, total)], [first]), total


def _updates(epochs: int, upe: int) -> int:
    total = epochs * upe
    if not 1 <= total <= MAX_INT:
        fail("epochs", "such that the run has 1 to 2**53 updates", f"{total} updates")
    return total


def _cycle_length(t_initial: int, mul: float, limit: int) -> int:
    """``get_cycle_length()`` without the warmup prefix, as timm computes it."""
    cycles = max(1, limit)
    if mul == 1.0:
        return t_initial * cycles
    try:
        return math.floor(-t_initial * (mul**cycles - 1) / (1 - mul))
    except OverflowError:
        fail("lr_cycle_limit", "a count whose cycles fit in a run", limit)


def _cycle_index(t: int, t_initial: int, mul: float) -> int:
    """timm's cycle index of step ``t`` for ``cycle_mul != 1``, rounding included."""
    return math.floor(math.log(1 - t / t_initial * (1 - mul), mul))


def _cycle_starts(t_initial: int, mul: float, limit: int, last: int) -> list[int]:
    """The steps where timm starts cycles 1, 2, ... up to ``limit`` or past ``last``."""
    starts: list[int] = []
    i = 1
    while i <= limit and (not starts or starts[-1] <= last):
        if i > MAX_CYCLES:
            fail("lr_cycle_mul", f"large enough for at most {MAX_CYCLES} cycles in the run", mul)
        guess = t_initial * (mul**i - 1) / (mul - 1)
        t = max(0, math.floor(guess) - 2)
        while _cycle_index(t, t_initial, mul) < i:
            t += 1
        while t > 0 and _cycle_index(t - 1, t_initial, mul) >= i:
            t -= 1
        starts.append(t)
        i += 1
    return starts


def _cycled(
    p: Mapping[str, Any], t_initial: int, warm: int, prefix: bool, last: int
) -> tuple[Node, float]:
    """Cosine, tanh or poly cycles after the warmup, then ``min_lr``; and the warmup's target."""
    mul, limit, floor = p["lr_cycle_mul"], p["lr_cycle_limit"], p["min_lr"]
    offset = 0 if prefix else warm  # the cycles' step t' is u + offset
    reach = last - warm if prefix else last  # the last t' of the run
    if mul == 1.0:
        starts: list[int] = []
        end = t_initial * limit
    else:
        starts = _cycle_starts(t_initial, mul, limit, max(reach, 0))
        end = starts[limit - 1] if 0 < limit <= len(starts) else 0 if limit == 0 else -1
    cycles = Cycles(
        p["sched"],
        p["lr"],
        floor,
        t_initial,
        mul,
        p["lr_cycle_decay"],
        p["lr_k_decay"] if p["sched"] != "tanh" else 1.0,
        p["decay_rate"],
        offset,
        tuple(s for s in starts if end < 0 or s < end),
        reach,
        multi=limit > 1 and (reach >= t_initial),
    )
    if 0 <= end <= reach:
        rest = Leaf(num(floor), tex_num(floor))
        steps = join([cycles, rest], [end - offset])
    else:
        steps = cycles
    if p["sched"] == "tanh" and warm and not prefix:
        # TanhLRScheduler warms up to its own value at warmup_t, not to lr.
        return steps, float(eval(steps.code(PY, "0.0"), {"math": math, "bisect": bisect}))
    return steps, p["lr"]


@dataclass(frozen=True)
class Cycles(Node):
    """timm's cosine, tanh or poly cycles at ``t' = u + offset``, in timm's operation order.

    Cycle ``i`` peaks at ``lr cycle_decay^i`` and lasts ``t_initial
    cycle_mul^i`` steps; with ``cycle_mul > 1`` its start is where timm's float
    logarithm puts it (``starts``), and its constants are listed in tables.
    """

    shape: str  # "cosine", "tanh" or "poly"
    peak: float
    floor: float
    initial: int
    mul: float
    decay: float
    k: float
    power: float
    offset: int
    starts: tuple[int, ...]  # starts of cycles 1, 2, ... (cycle_mul > 1)
    reach: int  # the last t' of the run, for the marks
    multi: bool = True  # False: only cycle 0 is reached
    length: float = math.inf

    def _terms(self, lang: Lang, t: str) -> tuple[str, str, str]:
        """The step within the cycle, the cycle's length and its peak, as expressions."""
        if not self.multi:
            return t, num(self.initial), num(self.peak)
        if self.mul == 1.0:
            index = f"{lang.names['floor']}({t} / {num(self.initial)})"
            current = f"({t} - {num(self.initial)} * {index})"
            peak = num(self.peak)
            if self.decay != 1.0:
                peak = f"({num(self.peak)} * {num(self.decay)} ** {index})"
            return current, num(self.initial), peak
        starts = [0.0, *(float(s) for s in self.starts)]
        index = lang.interval(starts, t)
        # timm's constants per cycle: mul ** i * t_initial, (1 - mul ** i) / (1 - mul) * t_initial.
        lengths = [self.mul**i * self.initial for i in range(len(starts))]
        done = [(1 - self.mul**i) / (1 - self.mul) * self.initial for i in range(len(starts))]
        peaks = [self.peak * self.decay**i for i in range(len(starts))]
        current = f"({t} - {lang.at(done, index)})"
        return current, lang.at(lengths, index), lang.at(peaks, index)

    def code(self, lang: Lang, u: str) -> str:
        t = u if self.offset == 0 else f"({u} + {num(self.offset)})"
        current, length, peak = self._terms(lang, t)
        floor, names = num(self.floor), lang.names
        if self.k != 1.0:
            current, length = f"{current} ** {num(self.k)}", f"{length} ** {num(self.k)}"
        if self.shape == "cosine":
            wave = f"(1 + {names['cos']}({names['pi']} * {current} / {length}))"
            return f"{floor} + 0.5 * ({peak} - {floor}) * {wave}"
        if self.shape == "tanh":
            tr = f"({current} / {length})"
            x = f"{num(TANH_LB)} * (1.0 - {tr}) + {num(TANH_UB)} * {tr}"
            return f"{floor} + 0.5 * ({peak} - {floor}) * (1 - {names['tanh']}({x}))"
        return f"{floor} + ({peak} - {floor}) * (1 - {current} / {length}) ** {num(self.power)}"

    def latex(self, u: str) -> str:
        t = u if self.offset == 0 else f"({u} + {tex_num(self.offset)})"
        cur, length = (t, tex_num(self.initial)) if not self.multi else (r"t_{cur}", "T_i")
        if self.k != 1.0:
            cur, length = f"{cur}^{{{tex_num(self.k)}}}", f"{length}^{{{tex_num(self.k)}}}"
        peak = tex_num(self.peak) if not self.multi else r"\eta_i"
        span = rf"\left({peak} - {tex_num(self.floor)}\right)"
        if self.shape == "cosine":
            shape = rf"\frac{{1 + \cos\left(\pi {cur} / {length}\right)}}{{2}}"
        elif self.shape == "tanh":
            r = rf"{cur} / {length}"
            shape = (
                rf"\frac{{1 - \tanh\left({tex_num(TANH_LB)} (1 - {r}) + "
                rf"{tex_num(TANH_UB)}\, {r}\right)}}{{2}}"
            )
        else:
            shape = rf"\left(1 - {cur} / {length}\right)^{{{tex_num(self.power)}}}"
        return rf"{tex_num(self.floor)} + {span} {shape}"

    def marks(self, limit: int) -> NDArray[np.int64]:
        if not self.multi:
            return np.empty(0, dtype=np.int64)
        if self.mul == 1.0:
            restarts = multiples(max(self.reach, self.initial), self.initial, limit)
        else:
            restarts = np.array(self.starts, dtype=np.int64)
        return restarts - self.offset


def _wsd(p: Mapping[str, Any], span: int, warm: int, unit: int) -> Node:
    """WSDLRScheduler after its warmup: stable, then the decay over the last ``decay_t``."""
    sched, base, floor = p["sched"], p["lr"], p["min_lr"]
    decay = p["decay_epochs"]
    decay_t = decay * span if 0 < decay < 1 else decay * unit
    decay_t = round(decay_t)
    if not 0 < decay_t <= span:
        fail(
            "decay_epochs",
            f"in (0, epochs{'' if p['warmup_prefix'] else ' - warmup_epochs'}] for {sched} "
            f"(decay {decay_t}, stable + decay length {span} steps)",
            p["decay_epochs"],
        )
    fn = p["lr_decay_fn"] or ("linear" if sched == "rsqrt" else "1-sqrt")
    if sched == "rsqrt":
        scale = p["lr_stable_timescale"]
        scale = warm if scale is None else scale * unit
        if scale <= 0:
            fail("lr_stable_timescale", "given (> 0) for rsqrt without a warmup", None)

        def stable(t: str) -> str:
            return f"{{maximum}}({num(base)} * (1.0 + {t} / {num(scale)}) ** -0.5, {num(floor)})"
    else:

        def stable(t: str) -> str:
            return num(max(base * 1.0, floor))

    hold = span - decay_t  # t_decay = t_s - hold; the decay starts after t_s = hold
    frac = f"{{minimum}}(({{u}} + 1) / {num(decay_t)}, 1.0)"
    factor = {
        "linear": f"(1.0 - {frac})",
        "1-sqrt": f"(1.0 - {{sqrt}}({frac}))",
        "cosine": f"(0.5 * (1.0 + {{cos}}({{pi}} * {frac})))",
        "power": f"(1.0 - {frac} ** {num(DECAY_POWER)})",
        "exp": f"(({num(DECAY_RATIO)} ** {frac} - {num(DECAY_RATIO)}) / {num(1.0 - DECAY_RATIO)})",
    }[fn]
    t_s = f"({{u}} + {num(hold + 1)})"
    fall = Leaf(
        f"{num(floor)} + ({stable(t_s)} - {num(floor)}) * {factor}",
        rf"\text{{{sched} decay ({fn}) over {tex_num(decay_t)} steps}}",
    )
    level = Leaf(stable("{u}"), rf"\text{{{sched} stable}}", hold + 1)
    return join([level, fall], [hold + 1])


def _stepped(p: Mapping[str, Any], warm: int, prefix: bool, unit: int) -> Node:
    """Step, multistep or constant after the warmup."""
    base, rate = p["lr"], p["decay_rate"]
    offset = 0 if prefix else warm
    t = "{u}" if offset == 0 else f"({{u}} + {num(offset)})"
    if p["sched"] == "constant":
        return Leaf(num(base), tex_num(base))
    if p["sched"] == "step":
        size = p["decay_epochs"] * unit
        return Leaf(
            f"{num(base)} * {num(rate)} ** ({t} // {num(size)})",
            rf"{tex_num(base)} \cdot {tex_num(rate)}^{{\lfloor {t} / {tex_num(size)} \rfloor}}",
        )
    # MultiStepLRScheduler: milestone m counts from t' = m - 1 on (bisect_right(ms, t' + 1)).
    drops = [m * unit - 1 - offset for m in p["decay_milestones"]]
    count = sum(1 for d in drops if d <= 0)
    pieces: list[Node] = [Leaf(num(base * rate**count), tex_num(base * rate**count))]
    lengths: list[float] = []
    at = 0
    for d in sorted(set(d for d in drops if d > 0)):
        count += drops.count(d)
        lengths.append(d - at)
        pieces.append(Leaf(num(base * rate**count), tex_num(base * rate**count)))
        at = d
    return join(pieces, lengths)


@dataclass(frozen=True)
class Clock(Node):
    """``inner`` at the scheduler step of update ``u + offset``: ``floor((u + offset) / per)``.

    ``per`` is the updates per scheduler step: ``updates_per_epoch`` when timm
    steps per epoch, else 1.
    """

    inner: Node
    per: int
    offset: int
    total: int  # the run's updates, for the marks of a staircase
    length: float = math.inf

    def _step(self, lang: Lang, u: str) -> str:
        moved = u if self.offset == 0 else f"({u} + {num(self.offset)})"
        return moved if self.per == 1 else f"{lang.names['floor']}({moved} / {num(self.per)})"

    def code(self, lang: Lang, u: str) -> str:
        return self.inner.code(lang, self._step(lang, u))

    def latex(self, u: str) -> str:
        moved = u if self.offset == 0 else f"({u} + {tex_num(self.offset)})"
        if self.per == 1:
            return self.inner.latex(moved)
        return self.inner.latex(rf"\lfloor {moved} / {tex_num(self.per)} \rfloor")

    def values(self, u: Array) -> Array:
        moved = u + self.offset if self.offset else u
        return self.inner.values(np.floor(moved / self.per) if self.per > 1 else moved)

    def marks(self, limit: int) -> NDArray[np.int64]:
        if self.per > 1:  # a staircase: every epoch is a step
            return multiples(self.total + self.offset, self.per, limit) - self.offset
        return self.inner.marks(limit) - self.offset
