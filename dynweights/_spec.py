"""The registry's data types and the parameters that schedules share.

A parameter with a given name means the same thing in every schedule that
takes it, so it is defined once here and the explorer shows one widget for it.
"""

from __future__ import annotations

import functools
import inspect
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dynweights._tree import Node, formula

Value: TypeAlias = Any  # int | float | str, or a tuple of them (milestones, phases)
Values: TypeAlias = float | NDArray[np.float64]
Family: TypeAlias = Literal["weight", "lr", "custom"]
Checked: TypeAlias = Mapping[str, Any]


@dataclass(frozen=True)
class Param:
    """One keyword parameter of a schedule, as the explorer and tests see it.

    Attributes:
      name: the keyword argument's name.
      label: a short human label for a widget.
      default: the value used when the argument is left out.
      min: the smallest value the explorer offers (``None`` for choices).
      max: the largest value the explorer offers (``None`` for choices).
      description: what the parameter means, shown as help text.
      type: ``int``, ``float``, ``bool``, ``str`` (a choice among ``choices``) or
        ``list`` (a strictly increasing tuple of integer steps, ``milestones``).
      step: the explorer's resolution for the value (1 for integers).
      choices: the allowed values of a ``str`` parameter.
      low, high: the validity range of the value (``None``: ``min``, and no upper
        limit: 2**53 for integers); ``low_open``/``high_open`` exclude the end.
      note: a reason appended to the error message.

    ``min`` and ``max`` bound what a visitor of the explorer can ask for, and what
    the property tests cover. The schedules themselves accept any value within
    ``low``/``high`` and the schedule's ``rules``.
    """

    name: str
    label: str
    default: Value
    min: int | float | None
    max: int | float | None
    description: str
    type: type[int] | type[float] | type[bool] | type[str] | type[list[int]] = float
    step: float = 1.0
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False


@dataclass(frozen=True)
class Limit:
    """One end of a range that depends on other parameters: ``total_steps``."""

    text: str  # how the message names it: "total_steps", "1 / (total_steps + 1)"
    value: Callable[[Checked], float]
    open: bool = False


@dataclass(frozen=True)
class Rule:
    """A rule tying ``param`` to other parameters, as data.

    The check, the explorer's dynamic bounds and the test strategies all read it.
    ``low``/``high`` replace the parameter's own ends; ``holds`` is an extra
    condition reported with the same message. The message names both parameters:
    ``warmup_steps must be in [0, total_steps) = [0, 100), got 150``.
    """

    param: str
    low: Limit | None = None
    high: Limit | None = None
    holds: Callable[[Checked], bool] | None = None
    note: str = ""

    @property
    def depends_on(self) -> tuple[str, ...]:
        texts = " ".join(x.text for x in (self.low, self.high) if x is not None)
        return tuple(sorted({w for w in texts.replace("(", " ").split() if w.isidentifier()}))


@dataclass(frozen=True)
class Native:
    """A peer library's own scheduler that reproduces a schedule over steps 0..T.

    Attributes:
      call: the expression that builds it, as source: for PyTorch and Hugging
        Face it takes ``optimizer``; for Keras it is the schedule. optax's own
        schedules are the tree's (``Node.optax``), so they join piece by piece.
      note: where it differs from dynweights (after T, at T), as a comment.
      training_args: for Hugging Face, the ``TrainingArguments`` fragment.
    """

    call: str
    note: str = ""
    training_args: str = ""


Natives: TypeAlias = Mapping[str, Native]  # target -> the peer's own scheduler


@dataclass(frozen=True, kw_only=True)
class Schedule:
    """A registered family: its one definition and everything needed to show it.

    ``build`` takes checked parameters and returns the schedule's tree of pieces
    (``dynweights._tree``), from which its values, breakpoints, formula and code
    for every target are derived. ``natives`` maps checked parameters to the peer
    libraries' own schedulers that reproduce the curve, by target (``"pytorch"``,
    ``"transformers"``, ``"keras"``); a target without one gets code printed from
    the tree (optax's own schedules come from the tree's pieces, ``Node.optax``).
    ``doc`` is the public function's docstring but for its Args, Returns and
    Raises, which ``function`` writes from ``params``.
    """

    name: str
    label: str
    family: Family
    params: tuple[Param, ...]
    description: str
    build: Callable[[Checked], Node]
    rules: tuple[Rule, ...] = ()
    natives: Callable[[Checked], Natives] | None = None
    doc: str = ""

    def defaults(self) -> dict[str, Value]:
        """Returns ``{param name: default}`` for every parameter."""
        return {p.name: p.default for p in self.params}

    def param(self, name: str) -> Param:
        """The parameter ``name`` of this schedule."""
        return next(p for p in self.params if p.name == name)

    @property
    def formula(self) -> str:
        """LaTeX of the schedule at its default parameters, from its definition."""
        return formula(self.family, self.build(self.defaults()))

    @functools.cached_property
    def function(self) -> Callable[..., Values]:
        """The public per-family function, ``dynweights.<name>(steps, *, **params)``.

        Its signature and docstring are written from ``params`` and ``doc``; it
        binds the parameters (``dynweights.schedule``) and evaluates with numpy.
        """
        from dynweights._bound import bind  # it imports this module

        keyword = inspect.Parameter.KEYWORD_ONLY
        signature = inspect.Signature(
            [
                inspect.Parameter("steps", inspect.Parameter.POSITIONAL_OR_KEYWORD),
                *(inspect.Parameter(p.name, keyword, default=p.default) for p in self.params),
            ]
        )

        def function(*args: Any, **kwargs: Any) -> Values:
            call = signature.bind(*args, **kwargs)
            steps = call.arguments.pop("steps")
            return bind(self, call.arguments).values(steps)

        function.__name__ = function.__qualname__ = self.name
        function.__module__ = "dynweights"
        function.__signature__ = signature  # type: ignore[attr-defined]
        function.__doc__ = _docstring(self)
        return function

    def __call__(self, steps: ArrayLike, **params: Value) -> Values:
        return self.function(steps, **params)


def _docstring(spec: Schedule) -> str:
    """``spec.doc`` with Args, Returns and Raises from the params, before its examples."""
    head, examples, tail = inspect.cleandoc(spec.doc).partition("\n>>> ")
    steps = "a step or an array of steps, each ``>= 0``; steps past ``total_steps`` hold its value."
    args = [_arg("steps", steps), *(_arg(p.name, p.description) for p in spec.params)]
    return (
        f"{head.rstrip()}\n\nArgs:\n" + "\n".join(args) + "\n\nReturns:\n"
        "  A float for a scalar step, else a float64 array of the steps' shape.\n\n"
        "Raises:\n  ValueError: naming the first parameter out of its range.\n"
        + (f"\n>>> {tail}" if examples else "")
    )


def _arg(name: str, description: str) -> str:
    return textwrap.fill(
        f"{name}: {description}", 79, initial_indent="  ", subsequent_indent="    "
    )


MAX_TOTAL_STEPS = 10**9
MAX_VALUE = 1e6
"""The largest learning rate or weight: ``init_lr``, ``max_weight``, a phase's start and end.

Far above any rate or loss weight in use, and small enough that nothing a
schedule computes from its values (differences, ratios, a sum over 10**9
steps) can overflow a float.
"""

TOTAL_STEPS = Param(
    "total_steps",
    "Total steps",
    100,
    1,
    MAX_TOTAL_STEPS,
    "Length of the schedule T. Steps past T hold the value at T.",
    int,
)
MAX_WEIGHT = Param(
    "max_weight",
    "Max weight",
    1.0,
    0.0,
    100.0,
    "The weight w that a ramp reaches (or approaches) at T.",
    step=0.01,
    low=0.0,
    high=MAX_VALUE,
)
POWER_FACTOR = Param(
    "power_factor",
    "Power factor",
    2.0,
    0.1,
    10.0,
    "Exponent a of the power ramp (t/T)^a or of the polynomial decay (1 - p)^a; 1 is linear.",
    step=0.1,
    low=0.0,
    low_open=True,
)
WARMUP_STEPS = Param(
    "warmup_steps",
    "Warmup steps",
    10,
    0,
    MAX_TOTAL_STEPS - 1,
    "Length W of the linear warmup; 0 means no warmup (inverse square root needs at "
    "least 1). Must be below total steps.",
    int,
)
_LR_STEP = 1e-5
INIT_LR = Param(
    "init_lr",
    "Init learning rate",
    0.1,
    0.0,
    1.0,
    "The schedule's reference learning rate: its peak, reached at the end of any "
    "warmup, from which it decays (the optimizer's lr in PyTorch terms).",
    step=_LR_STEP,
    low=0.0,
    high=MAX_VALUE,
)
WARMUP_LR = Param(
    "warmup_lr",
    "Warmup learning rate",
    0.0,
    0.0,
    1.0,
    "Learning rate at step 0, where the linear warmup starts.",
    step=_LR_STEP,
    low=0.0,
    high=MAX_VALUE,
)
MIN_LR = Param(
    "min_lr",
    "Min learning rate",
    0.0,
    0.0,
    1.0,
    "The floor the learning rate decays to (or a cycle's low point); at most the "
    "init learning rate.",
    step=_LR_STEP,
    low=0.0,
    high=MAX_VALUE,
)
CYCLE_STEPS = Param(
    "cycle_steps",
    "Cycle steps",
    25,
    1,
    MAX_TOTAL_STEPS,
    "Length of the first cosine cycle before a warm restart (T_0 in PyTorch).",
    int,
)
CYCLE_MULT = Param(
    "cycle_mult",
    "Cycle multiplier",
    1,
    1,
    10,
    "Each cycle is this many times longer than the one before (T_mult in PyTorch).",
    int,
)
DECAY_STEPS = Param(
    "decay_steps",
    "Decay steps",
    20,
    0,
    MAX_TOTAL_STEPS,
    "Length D of the final decay of warmup-stable-decay; the stable phase fills the rest.",
    int,
)
WARMUP_SHAPE = Param(
    "warmup_shape",
    "Warmup shape",
    "linear",
    None,
    None,
    "Shape of the warmup: linear, cosine, or 1-sqrt (1 - sqrt(1 - p), the mirror of a "
    "1-sqrt cooldown; Hugging Face's warmup_type).",
    str,
    choices=("linear", "cosine", "1-sqrt"),
)
DECAY_SHAPE = Param(
    "decay_shape",
    "Decay shape",
    "cosine",
    None,
    None,
    "Shape of the final decay: linear, cosine, 1-sqrt (Hägele et al. 2024) or 1-square (1 - p^2).",
    str,
    choices=("linear", "cosine", "1-sqrt", "1-square"),
)
STEP_SIZE = Param(
    "step_size",
    "Step size",
    10,
    1,
    MAX_TOTAL_STEPS,
    "Steps per decay period: between two multiplications by gamma (StepLR's step_size), "
    "or the time unit of inverse time decay (Keras's decay_steps).",
    int,
)
GAMMA = Param(
    "gamma",
    "Gamma",
    0.9,
    0.01,
    1.0,
    "Decay factor: per step_size steps for step decay, per step for exponential decay, "
    "per milestone for multistep decay, per step of a cycle's height for cyclic exp_range.",
    step=_LR_STEP,
    low=0.0,
    high=1.0,
    low_open=True,
)
PCT_START = Param(
    "pct_start",
    "Rising fraction",
    0.3,
    0.01,
    0.99,
    "Fraction of the run spent rising to the peak (OneCycleLR's pct_start).",
    step=0.01,
)
DIV_FACTOR = Param(
    "div_factor",
    "Initial divisor",
    25.0,
    1.0,
    1000.0,
    "One-cycle starts at init_lr / div_factor.",
    step=1.0,
    low=1.0,
)
FINAL_DIV_FACTOR = Param(
    "final_div_factor",
    "Final divisor",
    10000.0,
    1.0,
    1000000.0,
    "One-cycle ends at init_lr / div_factor / final_div_factor.",
    step=1.0,
    low=1.0,
)
ANNEAL = Param(
    "anneal",
    "Anneal shape",
    "cos",
    None,
    None,
    "How one-cycle moves between its points: cos or linear (OneCycleLR's anneal_strategy).",
    str,
    choices=("cos", "linear"),
)
THREE_PHASE = Param(
    "three_phase",
    "Three phases",
    False,
    None,
    None,
    "One-cycle falls back to its start, mirroring the rise, before its final decay "
    "(OneCycleLR's three_phase).",
    bool,
)
PEAK_DECAY = Param(
    "peak_decay",
    "Peak decay",
    1.0,
    0.01,
    1.0,
    "Each restart's peak is the previous peak times this; the floor stays (timm's "
    "cycle_decay, Keras's m_mul).",
    step=0.01,
    low=0.0,
    high=1.0,
    low_open=True,
)
K_DECAY = Param(
    "k_decay",
    "k decay",
    1.0,
    0.1,
    10.0,
    "Exponent k of the cosine's progress (t/T)^k: above 1 it stays high longer (timm's k_decay).",
    step=0.1,
    low=0.0,
    low_open=True,
)
MILESTONES = Param(
    "milestones",
    "Milestones",
    (30, 80),
    None,
    None,
    "Steps at which the learning rate is multiplied by gamma, increasing (MultiStepLR's "
    "milestones); in a link: 30,80.",
    list,
)
NUM_CYCLES = Param(
    "num_cycles",
    "Cycles",
    2.0,
    0.5,
    100.0,
    "Number of hard restarts' cosine cycles after the warmup (Hugging Face's num_cycles).",
    step=0.5,
    low=0.0,
    low_open=True,
    high=MAX_TOTAL_STEPS,
)
STEP_SIZE_UP = Param(
    "step_size_up",
    "Steps up",
    20,
    1,
    MAX_TOTAL_STEPS,
    "Steps of each cycle's rise from min_lr to init_lr (CyclicLR's step_size_up).",
    int,
)
STEP_SIZE_DOWN = Param(
    "step_size_down",
    "Steps down",
    0,
    0,
    MAX_TOTAL_STEPS,
    "Steps of each cycle's fall; 0 means as many as the rise (CyclicLR's step_size_down).",
    int,
)
CYCLIC_MODE = Param(
    "cyclic_mode",
    "Cyclic mode",
    "triangular",
    None,
    None,
    "triangular: every cycle the same; triangular2: each cycle's height halves; exp_range: "
    "the height shrinks by gamma every step (CyclicLR's mode).",
    str,
    choices=("triangular", "triangular2", "exp_range"),
)
TANH_LB = Param(
    "tanh_lb",
    "tanh lower bound",
    -7.0,
    -10.0,
    -0.1,
    "Where the tanh curve starts, at step 0 (timm's lb); below tanh_ub.",
    step=0.1,
    low=-100.0,
    high=100.0,
    high_open=True,
)
TANH_UB = Param(
    "tanh_ub",
    "tanh upper bound",
    3.0,
    0.1,
    10.0,
    "Where the tanh curve ends, at T (timm's ub); above tanh_lb.",
    step=0.1,
    high=100.0,
)
DECAY_RATE = Param(
    "decay_rate",
    "Decay rate",
    0.5,
    0.0,
    10.0,
    "Inverse time decay: init_lr / (1 + decay_rate t / step_size) (Keras's decay_rate).",
    step=0.01,
    low=0.0,
    high=1e6,
)
STAIRCASE = Param(
    "staircase",
    "Staircase",
    False,
    None,
    None,
    "Decay in whole step_size periods, floor(t / step_size), instead of smoothly.",
    bool,
)
CYCLES = Param(
    "cycles",
    "Cycles",
    4,
    1,
    1000,
    "Number of annealing cycles over the run (Fu et al. 2019).",
    int,
)
RAMP_RATIO = Param(
    "ramp_ratio",
    "Ramp ratio",
    0.5,
    0.01,
    1.0,
    "Fraction of each cycle spent ramping from 0 to max_weight; the rest holds it.",
    step=0.01,
    low=0.0,
    high=1.0,
    low_open=True,
)


TIMESCALE = Param(
    "timescale",
    "Time scale",
    0,
    0,
    MAX_TOTAL_STEPS,
    "Hugging Face's timescale s of the inverse square root: after the warmup the rate "
    "is init_lr / sqrt((t - W + s) / s). 0 means s = warmup_steps.",
    int,
)


def _total(p: Checked) -> float:
    return float(p["total_steps"])


# Rules shared by several families: the bounds that tie two parameters together.
WARMUP_BELOW_TOTAL = Rule("warmup_steps", high=Limit("total_steps", _total, open=True))
MIN_LR_AT_MOST_INIT = Rule("min_lr", high=Limit("init_lr", lambda p: float(p["init_lr"])))
