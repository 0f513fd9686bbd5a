"""Training-step schedules, exact and vectorized: loss-weight ramps and learning rates.

Every schedule is a pure function of the step: a scalar step gives a float, an
array of steps gives a float64 array of the same shape, and steps past
``total_steps`` hold the value at ``total_steps``.

>>> import dynweights
>>> dynweights.evaluate("cosine_annealing", 50, total_steps=100, init_lr=0.1)
0.05
>>> sorted(dynweights.SCHEDULES)[:2]
['constant_with_warmup', 'cosine']
"""

from dynweights._bound import Bound
from dynweights._phases import phases
from dynweights._registry import SCHEDULES, evaluate, from_json, get_schedule, schedule
from dynweights._spec import MAX_TOTAL_STEPS, MAX_VALUE, Limit, Param, Rule, Schedule
from dynweights.budget import Budget
from dynweights.decay import (
    exponential_decay,
    inverse_sqrt,
    one_cycle,
    polynomial_decay,
    step_decay,
    warmup_stable_decay,
)
from dynweights.export import TARGETS, to_code
from dynweights.hf import from_hf_trainer
from dynweights.library import (
    constant_with_warmup,
    cosine_with_hard_restarts,
    cyclic,
    inverse_time_decay,
    linear_with_warmup,
    multistep_decay,
    tanh_decay,
)
from dynweights.lr import cosine_annealing, cosine_warm_restarts, cosine_with_linear_warmup
from dynweights.plateau import reduce_on_plateau
from dynweights.presets import PRESETS, Preset
from dynweights.pytorch import from_torch
from dynweights.sampling import DEFAULT_POINTS, MAX_POINTS, plot_steps
from dynweights.timm import from_timm
from dynweights.weights import cosine, cyclical_annealing, exponential, linear, power, sigmoid_ramp

__all__ = [
    "DEFAULT_POINTS",
    "MAX_POINTS",
    "MAX_TOTAL_STEPS",
    "MAX_VALUE",
    "PRESETS",
    "SCHEDULES",
    "TARGETS",
    "Bound",
    "Budget",
    "Limit",
    "Param",
    "Preset",
    "Rule",
    "Schedule",
    "constant_with_warmup",
    "cosine",
    "cosine_annealing",
    "cosine_warm_restarts",
    "cosine_with_hard_restarts",
    "cosine_with_linear_warmup",
    "cyclic",
    "cyclical_annealing",
    "evaluate",
    "exponential",
    "exponential_decay",
    "from_hf_trainer",
    "from_json",
    "from_timm",
    "from_torch",
    "get_schedule",
    "inverse_sqrt",
    "inverse_time_decay",
    "linear",
    "linear_with_warmup",
    "multistep_decay",
    "one_cycle",
    "phases",
    "plot_steps",
    "polynomial_decay",
    "power",
    "reduce_on_plateau",
    "schedule",
    "sigmoid_ramp",
    "step_decay",
    "tanh_decay",
    "to_code",
    "warmup_stable_decay",
]
