"""``to_code``: a schedule as a self-contained snippet for a training script.

Every snippet is printed from the schedule's one definition: its tree of
pieces (``dynweights._tree``) and, where a peer library has its own scheduler
that reproduces the curve over steps 0..T, the family's ``natives``
(``Schedule.natives``, one function per family). No formula is written here.
Targets:

- ``"python"``: ``schedule(step) -> float`` with only the standard library.
- ``"pytorch"``: torch's own class where one reproduces the curve (``StepLR``,
  ``MultiStepLR``, ``CosineAnnealingLR``, ``SequentialLR`` of ``LinearLR`` and
  ``CosineAnnealingLR``, ``OneCycleLR``, ``CyclicLR``...), else the Python
  function driving ``LambdaLR``; it expects an ``optimizer`` in scope and
  defines ``scheduler``.
- ``"transformers"``: ``transformers.get_scheduler(name, ...)`` where Hugging
  Face has the schedule, with its ``TrainingArguments`` fragment as a comment,
  else ``LambdaLR``; the same contract as ``"pytorch"``.
- ``"optax"``: ``schedule``, a callable of the step built from optax's own
  schedules where they exist (joined with ``optax.join_schedules``), else
  branch-free ``jax.numpy``, safe under ``jit``.
- ``"keras"``: ``schedule``, a ``keras.optimizers.schedules`` class where one
  exists, else a ``LearningRateSchedule`` subclass written with ``keras.ops``.

Printed code holds the value at ``total_steps`` after it, as ``dynweights``
does; a peer's own class may not, and its snippet says so in a comment.
"""

from __future__ import annotations

from dynweights._bound import Bound
from dynweights._checks import fail
from dynweights._registry import SCHEDULES, schedule
from dynweights._spec import Native, Value
from dynweights._tree import JNP, KERAS, num, python_function

TARGETS = ("python", "pytorch", "transformers", "optax", "keras")

_TORCH = """
import torch

# LambdaLR sets lr = initial_lr * schedule(step). With initial_lr = 1.0 the
# learning rate is exactly schedule(step), whatever lr the optimizer was built with.
for group in optimizer.param_groups:
    group["lr"] = group["initial_lr"] = 1.0
scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=schedule)
# Read optimizer.param_groups[0]["lr"] for step k before the k-th scheduler.step().
"""


def _native(s: Bound, target: str) -> Native | None:
    spec = SCHEDULES.get(s.name)
    if spec is None or spec.natives is None:
        return None
    return spec.natives(s.params).get(target)


def _differs(native: Native) -> str:
    return f"# Differs from dynweights: {native.note}.\n" if native.note else ""


def _python(s: Bound) -> str:
    function = python_function(s.tree, s.total_steps, f"{s.label}, exported by dynweights.")
    imports = "import bisect\nimport math\n" if "bisect." in function else "import math\n"
    return f"{imports}\n\n{function}"


def _scheduler(s: Bound, native: Native, module: str) -> str:
    """A peer's scheduler class on ``optimizer``, which it reads ``init_lr`` from."""
    args = f"# With the Trainer: {native.training_args}\n" if native.training_args else ""
    return (
        f"import {module}\n\n{args}{_differs(native)}"
        "# The scheduler starts from the lr the optimizer has when it is built\n"
        "# (Hugging Face's polynomial and min-lr schedules read optimizer.defaults).\n"
        f'optimizer.defaults["lr"] = {num(s.params["init_lr"])}\n'
        "for group in optimizer.param_groups:\n"
        f'    group["lr"] = {num(s.params["init_lr"])}\n'
        '    group.pop("initial_lr", None)\n'
        f"scheduler = {native.call}\n"
        '# Read optimizer.param_groups[0]["lr"] for step k before the k-th scheduler.step().\n'
    )


def _torch(s: Bound, target: str) -> str:
    native = _native(s, target)
    if native is not None:
        return _scheduler(s, native, "torch" if target == "pytorch" else "transformers")
    why = "" if target == "pytorch" else "# Hugging Face has no such schedule: a LambdaLR.\n"
    return _python(s) + "\n" + why + _TORCH[1:]


def _optax(s: Bound) -> str:
    total = num(s.total_steps)
    native = _native(s, "optax")
    call = native.call if native is not None else s.tree.optax()
    unheld = call if call is not None else f"lambda t: {s.tree.code(JNP, 't')}"
    return (
        "import math\n\nimport jax.numpy as jnp\nimport optax\n\n"
        f"_unheld = {unheld}\n\n\n"
        "def schedule(count):\n"
        f"    return _unheld(jnp.minimum(jnp.asarray(count, dtype=float), {total}))\n"
    )


def _keras(s: Bound) -> str:
    native = _native(s, "keras")
    if native is not None:
        return f"import keras\n\n{_differs(native)}schedule = {native.call}\n"
    body = s.tree.code(KERAS, "t")
    return (
        "import math\n\nimport keras\nfrom keras import ops\n\n\n"
        "class Schedule(keras.optimizers.schedules.LearningRateSchedule):\n"
        f'    """{s.label}, exported by dynweights. Steps past {s.total_steps} hold."""\n\n'
        "    def __call__(self, step):\n"
        "        dtype = keras.config.floatx()\n"
        f"        t = ops.minimum(ops.cast(step, dtype), {num(s.total_steps)})\n"
        f"        return ops.cast({body}, dtype)\n\n"
        "    def get_config(self):\n"
        "        return {}\n\n\n"
        "schedule = Schedule()\n"
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
    if target == "keras":
        return header + _keras(s)
    if target in ("pytorch", "transformers"):
        return header + _torch(s, target)
    return header + _python(s)


def to_code(name: str | Bound, target: str = "python", **params: Value) -> str:
    """Returns a self-contained snippet that reproduces a schedule exactly.

    Args:
      name: a key of ``SCHEDULES`` or a bound schedule (then no ``params``).
      target: ``"python"`` (every schedule: ``schedule(step) -> float`` using only
        the standard library), ``"pytorch"`` or ``"transformers"`` (learning-rate
        and custom schedules: expects ``optimizer`` in scope and defines
        ``scheduler``; the lr read before the k-th ``scheduler.step()`` is the
        value at step k), ``"optax"`` or ``"keras"`` (learning-rate and custom
        schedules: defines ``schedule``; equal to float32 precision).
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
