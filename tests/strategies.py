"""Hypothesis strategies for schedule parameters, read from the registry's data.

Each parameter is drawn within its explorer range (``Param.min``/``max``), narrowed
by the schedule's ``Rule``s: the same data the checks and the explorer read, so
no rule between parameters is written twice.
"""

import math

from hypothesis import strategies as st

from dynweights import Param, Schedule


def _narrow(param: Param, spec: Schedule, values: dict) -> tuple[float, float]:
    low, high = param.min, param.max
    for rule in spec.rules:
        if rule.param != param.name:
            continue
        for limit, is_low in ((rule.low, True), (rule.high, False)):
            if limit is None:
                continue
            bound = limit.value(values)
            if limit.open:
                step = 1 if param.type is int else None
                bound = (
                    (bound + step if is_low else bound - step)
                    if step
                    else math.nextafter(bound, math.inf if is_low else -math.inf)
                )
            low, high = (max(low, bound), high) if is_low else (low, min(high, bound))
    if param.type is int:
        return math.ceil(low), math.floor(high)
    return low, high


@st.composite
def params_for(draw, spec: Schedule) -> dict:
    """Parameters of ``spec`` that satisfy every one of its rules."""
    values: dict = {}
    holds = {rule.param: rule.holds for rule in spec.rules if rule.holds is not None}
    for param in spec.params:
        if param.type is str:
            values[param.name] = draw(st.sampled_from(param.choices))
            continue
        if param.type is list:  # milestones: strictly increasing steps, some past T
            steps = st.lists(st.integers(1, values["total_steps"] + 10), unique=True, max_size=6)
            values[param.name] = draw(steps.map(lambda ms: tuple(sorted(ms))))
            continue
        if param.type is bool:
            base = st.booleans()
        else:
            low, high = _narrow(param, spec, values)
            base = st.integers(low, high) if param.type is int else st.floats(low, high)
        check = holds.get(param.name)
        if check is not None:
            base = base.filter(lambda v, name=param.name, check=check: check({**values, name: v}))
        values[param.name] = draw(base)
    return values
