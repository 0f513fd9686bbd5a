"""Training-step schedules, exact and vectorized: loss-weight ramps and learning rates.

Every schedule is a pure function of the step: a scalar step gives a float, an
array of steps gives a float64 array of the same shape, and steps past
``total_steps`` hold the value at ``total_steps``.

>>> import dynweights
>>> dynweights.evaluate("cosine_annealing", 50, total_steps=100, init_lr=0.1)
0.05
>>> sorted(dynweights.SCHEDULES)[:2]
['cosine', 'cosine_annealing']
"""

from dynweights._registry import SCHEDULES, evaluate, get_schedule
from dynweights._spec import MAX_TOTAL_STEPS, Param, Schedule
from dynweights.lr import cosine_annealing, cosine_warm_restarts, cosine_with_linear_warmup
from dynweights.sampling import DEFAULT_POINTS, MAX_POINTS, plot_steps
from dynweights.weights import cosine, exponential, linear, power

__all__ = [
    "DEFAULT_POINTS",
    "MAX_POINTS",
    "MAX_TOTAL_STEPS",
    "SCHEDULES",
    "Param",
    "Schedule",
    "cosine",
    "cosine_annealing",
    "cosine_warm_restarts",
    "cosine_with_linear_warmup",
    "evaluate",
    "exponential",
    "get_schedule",
    "linear",
    "plot_steps",
    "power",
]
