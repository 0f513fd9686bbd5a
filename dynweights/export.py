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
from dynweights._printers import TARGETS, bound_code
from dynweights._registry import schedule
from dynweights._spec import Value

__all__ = ["TARGETS", "bound_code", "to_code"]


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
