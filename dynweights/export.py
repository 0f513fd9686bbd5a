"""``to_code``: a schedule as a self-contained snippet for a training script.

Every snippet is printed from the schedule's one definition, its tree of
pieces (``dynweights._tree``); no formula is written here. Targets:

- ``"python"``: ``schedule(step) -> float`` with only the standard library.
- ``"pytorch"``: that function driving ``torch.optim.lr_scheduler.LambdaLR``;
  it expects an ``optimizer`` in scope and defines ``scheduler``.
- ``"optax"``: ``schedule``, a callable of the step built from optax's own
  schedules where the pieces have them (joined with ``optax.join_schedules``),
  else branch-free ``jax.numpy``, safe under ``jit``.

Every snippet holds the value at ``total_steps`` after it, as ``dynweights`` does.
"""

from __future__ import annotations

from dynweights._bound import Bound
from dynweights._checks import fail
from dynweights._registry import schedule
from dynweights._spec import Value
from dynweights._tree import JNP, num, python_function

TARGETS = ("python", "pytorch", "optax")

_TORCH = """
import torch

# LambdaLR sets lr = initial_lr * schedule(step). With initial_lr = 1.0 the
# learning rate is exactly schedule(step), whatever lr the optimizer was built with.
for group in optimizer.param_groups:
    group["lr"] = group["initial_lr"] = 1.0
scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=schedule)
# Read optimizer.param_groups[0]["lr"] for step k before the k-th scheduler.step().
"""


def _python(s: Bound) -> str:
    function = python_function(s.tree, s.total_steps, f"{s.label}, exported by dynweights.")
    imports = "import bisect\nimport math\n" if "bisect." in function else "import math\n"
    return f"{imports}\n\n{function}"


def _optax(s: Bound) -> str:
    total = num(s.total_steps)
    native = s.tree.optax()
    unheld = native if native is not None else f"lambda t: {s.tree.code(JNP, 't')}"
    return (
        "import math\n\nimport jax.numpy as jnp\nimport optax\n\n"
        f"_unheld = {unheld}\n\n\n"
        "def schedule(count):\n"
        f"    return _unheld(jnp.minimum(jnp.asarray(count, dtype=float), {total}))\n"
    )


def bound_code(s: Bound, target: str) -> str:
    """The snippet for ``target`` of a bound schedule; see ``to_code``."""
    if target not in TARGETS:
        fail("target", "one of " + ", ".join(repr(t) for t in TARGETS), target)
    if target != "python" and s.family == "weight":
        fail("target", f"'python' for the weight schedule {s.name!r}", target)
    header = f"# {s.label}, from dynweights: {s!r}\n"
    if target == "optax":
        return header + _optax(s)
    code = header + _python(s)
    return code + _TORCH if target == "pytorch" else code


def to_code(name: str | Bound, target: str = "python", **params: Value) -> str:
    """Returns a self-contained snippet that reproduces a schedule exactly.

    Args:
      name: a key of ``SCHEDULES`` or a bound schedule (then no ``params``).
      target: ``"python"`` (every schedule: ``schedule(step) -> float`` using only
        the standard library), ``"pytorch"`` (learning-rate and custom schedules:
        expects ``optimizer`` in scope and defines ``scheduler``; the lr read
        before the k-th ``scheduler.step()`` is the value at step k) or ``"optax"``
        (learning-rate and custom schedules: defines ``schedule``; equal to
        float32 precision).
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
    if isinstance(name, Bound):
        if params:
            raise ValueError("to_code takes no parameters with a bound schedule")
        return bound_code(name, target)
    if target not in TARGETS:
        fail("target", "one of " + ", ".join(repr(t) for t in TARGETS), target)
    return bound_code(schedule(name, **params), target)
