"""Printing a bound schedule as code for each target: the body of ``to_code``.

Everything here reads the schedule's tree of pieces and, where a peer library
has its own scheduler, the family's natives (``Bound.natives``). See
``dynweights.export`` for the targets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeAlias

from dynweights._checks import fail
from dynweights._spec import Native
from dynweights._tree import JNP, KERAS, num, python_function

if TYPE_CHECKING:
    from dynweights._bound import Bound

Printer: TypeAlias = "Callable[[Bound], str]"

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
    return s.natives(s.params).get(target) if s.natives is not None else None


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
        f"{_imports(module, native.call)}\n{args}{_differs(native)}"
        "# The scheduler starts from the lr the optimizer has when it is built\n"
        "# (Hugging Face's polynomial and min-lr schedules read optimizer.defaults).\n"
        f'optimizer.defaults["lr"] = {num(s.params["init_lr"])}\n'
        "for group in optimizer.param_groups:\n"
        f'    group["lr"] = {num(s.params["init_lr"])}\n'
        '    group.pop("initial_lr", None)\n'
        f"scheduler = {native.call}\n"
        '# Read optimizer.param_groups[0]["lr"] for step k before the k-th scheduler.step().\n'
    )


def _imports(module: str, call: str) -> str:
    """``import module``, and ``import math`` when the call uses it (a lambda)."""
    return f"import math\nimport {module}\n" if "math." in call else f"import {module}\n"


def _torch(s: Bound, target: str) -> str:
    native = _native(s, target)
    if native is not None:
        return _scheduler(s, native, "torch" if target == "pytorch" else "transformers")
    why = "" if target == "pytorch" else "# Hugging Face has no such schedule: a LambdaLR.\n"
    return _python(s) + "\n" + why + _TORCH[1:]


def _optax(s: Bound) -> str:
    total = num(s.total_steps)
    call = s.tree.optax()
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


TARGETS: Mapping[str, Printer] = MappingProxyType(
    {
        "python": _python,
        "pytorch": lambda s: _torch(s, "pytorch"),
        "transformers": lambda s: _torch(s, "transformers"),
        "optax": _optax,
        "keras": _keras,
    }
)
"""Each target's printer of a bound schedule, in the order the explorer offers them."""


def bound_code(s: Bound, target: str) -> str:
    """The snippet for ``target`` of a bound schedule; see ``to_code``."""
    if target not in TARGETS:
        fail("target", "one of " + ", ".join(repr(t) for t in TARGETS), target)
    if target != "python" and s.family == "weight":
        fail("target", f"'python' for the weight schedule {s.name!r}", target)
    return f"# {s.label}, from dynweights: {s!r}\n" + TARGETS[target](s)
