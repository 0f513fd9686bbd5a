"""``to_code``: a schedule as a self-contained snippet for a training script.

Three targets:

- ``"python"``: ``schedule(step) -> float`` with only the standard library's ``math``.
- ``"pytorch"``: the same function driving ``torch.optim.lr_scheduler.LambdaLR``;
  it expects an ``optimizer`` in scope and defines ``scheduler``.
- ``"optax"``: ``schedule``, a callable of the step built from optax's own
  schedules where one exists, else a branch-free ``jax.numpy`` closure.

Every snippet holds the value at ``total_steps`` after it, as ``dynweights`` does.
"""

from __future__ import annotations

from collections.abc import Mapping

from dynweights._checks import fail
from dynweights._registry import evaluate, get_schedule
from dynweights._spec import Value

TARGETS = ("python", "pytorch", "optax")

# Bodies of ``schedule(step)``: ``t`` is the step, held at TOTAL_STEPS; the
# parameters are upper-case constants. Each keeps dynweights' operation order.
_WARMUP = """    if t < WARMUP_STEPS:
        return {bound}(WARMUP_LR + (INIT_LR - WARMUP_LR) * (t / WARMUP_STEPS), INIT_LR)
"""
_COSINE = "min(MIN_LR + (INIT_LR - MIN_LR) * ((1 + math.cos(math.pi * {u} / {n})) / 2), INIT_LR)"
_PYTHON: dict[str, str] = {
    "linear": "    return MAX_WEIGHT * (t / TOTAL_STEPS)\n",
    "cosine": "    return MAX_WEIGHT / 2 * (1 - math.cos(math.pi * t / TOTAL_STEPS))\n",
    "power": "    return MAX_WEIGHT * ((t / TOTAL_STEPS) ** POWER_FACTOR)\n",
    "exponential": "    return MAX_WEIGHT * (1 - math.exp(-t / (TOTAL_STEPS / 4)))\n",
    "sigmoid_ramp": """    phase = 1.0 - t / TOTAL_STEPS
    return MAX_WEIGHT * math.exp(-5.0 * phase * phase)
""",
    "cyclical_annealing": """    if t >= TOTAL_STEPS:
        return MAX_WEIGHT
    position = t * CYCLES / TOTAL_STEPS
    return MAX_WEIGHT * min((position - math.floor(position)) / RAMP_RATIO, 1.0)
""",
    "cosine_with_linear_warmup": _WARMUP
    + "    return "
    + _COSINE.format(u="(t - WARMUP_STEPS)", n="(TOTAL_STEPS - WARMUP_STEPS)")
    + "\n",
    "cosine_annealing": "    return " + _COSINE.format(u="t", n="TOTAL_STEPS") + "\n",
    "cosine_warm_restarts": """    if CYCLE_MULT == 1:
        start, length = math.floor(t / CYCLE_STEPS) * CYCLE_STEPS, CYCLE_STEPS
    else:
        m = CYCLE_MULT
        i = math.floor(math.log1p(t * (m - 1) / CYCLE_STEPS) / math.log(m))
        start = CYCLE_STEPS * (m**i - 1) / (m - 1)
        if t < start:  # the logarithm can round one cycle off next to a restart
            start = (start - CYCLE_STEPS) / m
        if t >= start * m + CYCLE_STEPS:
            start = start * m + CYCLE_STEPS
        length = start * (m - 1) + CYCLE_STEPS
    return """
    + _COSINE.format(u="(t - start)", n="length")
    + "\n",
    "warmup_stable_decay": _WARMUP
    + """    if t < TOTAL_STEPS - DECAY_STEPS:
        return INIT_LR
    if DECAY_STEPS == 0:
        return MIN_LR
    p = (t - (TOTAL_STEPS - DECAY_STEPS)) / DECAY_STEPS
    if DECAY_SHAPE == "linear":
        return max(INIT_LR + (MIN_LR - INIT_LR) * p, MIN_LR)
    if DECAY_SHAPE == "cosine":
        return min(MIN_LR + (INIT_LR - MIN_LR) * ((1 + math.cos(math.pi * p)) / 2), INIT_LR)
    return min(MIN_LR + (INIT_LR - MIN_LR) * (1 - math.sqrt(p)), INIT_LR)
""",
    "inverse_sqrt": _WARMUP + "    return INIT_LR * (1 / math.sqrt(t / WARMUP_STEPS))\n",
    "polynomial_decay": _WARMUP
    + """    remaining = 1 - (t - WARMUP_STEPS) / (TOTAL_STEPS - WARMUP_STEPS)
    return min((INIT_LR - MIN_LR) * remaining**POWER_FACTOR + MIN_LR, INIT_LR)
""",
    "step_decay": "    return INIT_LR * GAMMA ** math.floor(t / STEP_SIZE)\n",
    "exponential_decay": "    return INIT_LR * GAMMA**t\n",
    "one_cycle": """    start = INIT_LR / DIV_FACTOR
    end = start / FINAL_DIV_FACTOR
    peak_step = PCT_START * (TOTAL_STEPS + 1) - 1
    if t <= peak_step:
        value = INIT_LR + (start - INIT_LR) / 2.0 * (math.cos(math.pi * (t / peak_step)) + 1)
    else:
        p = (t - peak_step) / (TOTAL_STEPS - peak_step)
        value = end + (INIT_LR - end) / 2.0 * (math.cos(math.pi * p) + 1)
    return min(max(value, end), INIT_LR)
""",
}

_TORCH = """
import torch

# LambdaLR sets lr = initial_lr * schedule(step). With initial_lr = 1.0 the
# learning rate is exactly schedule(step), whatever lr the optimizer was built with.
for group in optimizer.param_groups:
    group["lr"] = group["initial_lr"] = 1.0
scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=schedule)
# Read optimizer.param_groups[0]["lr"] for step k before the k-th scheduler.step().
"""


def _warmup_join(decay: str) -> str:
    return (
        "optax.join_schedules(\n"
        "    [optax.linear_schedule(WARMUP_LR, INIT_LR, WARMUP_STEPS), " + decay + "],\n"
        "    [WARMUP_STEPS],\n)"
    )


def _held(expr: str) -> str:
    return (
        f"_unheld = {expr}\n\n\ndef schedule(count):\n"
        "    return _unheld(jnp.minimum(count, TOTAL_STEPS))\n"
    )


def _optax(name: str, p: Mapping[str, Value]) -> str:
    """The optax expression or closure defining ``schedule`` for ``name``."""
    floor = "optax.constant_schedule(MIN_LR)"
    cosine = "optax.cosine_decay_schedule(INIT_LR, {n}, alpha=MIN_LR / INIT_LR)"
    if name == "cosine_with_linear_warmup":
        return (
            "schedule = optax.warmup_cosine_decay_schedule(\n"
            "    init_value=WARMUP_LR, peak_value=INIT_LR, warmup_steps=WARMUP_STEPS,\n"
            "    decay_steps=TOTAL_STEPS, end_value=MIN_LR,\n)\n"
        )
    if name == "cosine_annealing":
        body = cosine.format(n="TOTAL_STEPS") if p["init_lr"] else floor
        return f"schedule = {body}\n"
    if name == "polynomial_decay":
        poly = (
            "optax.polynomial_schedule(INIT_LR, MIN_LR, POWER_FACTOR, TOTAL_STEPS - WARMUP_STEPS)"
        )
        return f"schedule = {_warmup_join(poly)}\n"
    if name == "step_decay":
        return _held("optax.exponential_decay(INIT_LR, STEP_SIZE, GAMMA, staircase=True)")
    if name == "exponential_decay":
        return _held("optax.exponential_decay(INIT_LR, 1, GAMMA)")
    if name == "warmup_stable_decay":
        decays = {
            "linear": "optax.linear_schedule(INIT_LR, MIN_LR, DECAY_STEPS)",
            "cosine": cosine.format(n="DECAY_STEPS") if p["init_lr"] else floor,
            "1-sqrt": (
                "lambda c: MIN_LR + (INIT_LR - MIN_LR)"
                " * (1 - jnp.sqrt(jnp.minimum(c, DECAY_STEPS) / DECAY_STEPS))"
            ),
        }
        decay = decays[str(p["decay_shape"])] if p["decay_steps"] else floor
        return (
            "schedule = optax.join_schedules(\n"
            "    [\n"
            "        optax.linear_schedule(WARMUP_LR, INIT_LR, WARMUP_STEPS),\n"
            "        optax.constant_schedule(INIT_LR),\n"
            f"        {decay},\n"
            "    ],\n"
            "    [WARMUP_STEPS, TOTAL_STEPS - DECAY_STEPS],\n)\n"
        )
    if name == "inverse_sqrt":
        decay = "lambda c: INIT_LR * jax.lax.rsqrt((c + WARMUP_STEPS) / WARMUP_STEPS)"
        return _held(_warmup_join(decay))
    # No optax schedule has these shapes: branch-free closures, safe under jit.
    if name == "cosine_warm_restarts":
        return """

def schedule(count):
    t = jnp.minimum(count, TOTAL_STEPS).astype(float)
    if CYCLE_MULT == 1:
        start = jnp.floor(t / CYCLE_STEPS) * CYCLE_STEPS
    else:
        m = CYCLE_MULT
        i = jnp.floor(jnp.log1p(t * (m - 1) / CYCLE_STEPS) / jnp.log(m))
        start = CYCLE_STEPS * (m**i - 1) / (m - 1)
        start = jnp.where(t < start, (start - CYCLE_STEPS) / m, start)
        start = jnp.where(t >= start * m + CYCLE_STEPS, start * m + CYCLE_STEPS, start)
    length = start * (CYCLE_MULT - 1) + CYCLE_STEPS
    cos = (1 + jnp.cos(jnp.pi * (t - start) / length)) / 2
    return jnp.minimum(MIN_LR + (INIT_LR - MIN_LR) * cos, INIT_LR)
"""
    if name == "one_cycle":
        return """

def schedule(count):
    t = jnp.minimum(count, TOTAL_STEPS).astype(float)
    start = INIT_LR / DIV_FACTOR
    end = start / FINAL_DIV_FACTOR
    peak_step = PCT_START * (TOTAL_STEPS + 1) - 1
    up = INIT_LR + (start - INIT_LR) / 2.0 * (jnp.cos(jnp.pi * (t / peak_step)) + 1)
    p = (t - peak_step) / (TOTAL_STEPS - peak_step)
    down = end + (INIT_LR - end) / 2.0 * (jnp.cos(jnp.pi * p) + 1)
    return jnp.clip(jnp.where(t <= peak_step, up, down), end, INIT_LR)
"""
    raise AssertionError(f"no optax export for {name}")  # every lr schedule has one


def _constants(params: Mapping[str, Value]) -> str:
    return "".join(f"{key.upper()} = {value!r}\n" for key, value in params.items())


def _python_function(name: str, label: str, params: Mapping[str, Value]) -> str:
    lr = params.get("init_lr")
    body = _PYTHON[name]
    if "{bound}" in body:
        rises = float(params.get("warmup_lr", 0.0)) <= float(lr if lr is not None else 0.0)
        body = body.replace("{bound}", "min" if rises else "max")
    return (
        f"\n\ndef schedule(step: float) -> float:\n"
        f'    """{label}, exported by dynweights. Steps past TOTAL_STEPS hold."""\n'
        f"    t = min(step, TOTAL_STEPS)\n{body}"
    )


def to_code(name: str, target: str = "python", **params: Value) -> str:
    """Returns a self-contained snippet that reproduces schedule ``name`` exactly.

    Args:
      name: a key of ``SCHEDULES``.
      target: ``"python"`` (every schedule: ``schedule(step) -> float`` using only
        ``math``), ``"pytorch"`` (learning-rate schedules: expects ``optimizer`` in
        scope and defines ``scheduler``; the lr read before the k-th
        ``scheduler.step()`` is the value at step k) or ``"optax"``
        (learning-rate schedules: defines ``schedule``; equal to float32 precision).
      **params: the schedule's parameters; left-out ones take their defaults.

    Returns:
      Python source code.

    Raises:
      ValueError: for an unknown name, target or parameter, a parameter out of its
        range, or a weight schedule with a learning-rate-only target.

    >>> namespace = {}
    >>> exec(to_code("cosine_annealing", "python", init_lr=0.1), namespace)
    >>> namespace["schedule"](50)
    0.05
    """
    if target not in TARGETS:
        fail("target", "one of " + ", ".join(repr(t) for t in TARGETS), target)
    evaluate(name, 0, **params)  # checks the name and every parameter once
    spec = get_schedule(name)
    if target != "python" and spec.family != "lr":
        fail("target", f"'python' for the weight schedule {name!r}", target)
    values = {**spec.defaults(), **params}
    header = f"# {spec.label} ({name}), from dynweights.to_code({name!r}, {target!r}).\n"
    if target == "optax":
        imports = "import jax\nimport jax.numpy as jnp\nimport optax\n\n"
        return header + imports + _constants(values) + "\n" + _optax(name, values)
    code = (
        header + "import math\n\n" + _constants(values) + _python_function(name, spec.label, values)
    )
    return code + _TORCH if target == "pytorch" else code
