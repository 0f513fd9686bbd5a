"""Peer libraries' own schedulers, printed as source: what ``Schedule.natives`` returns.

Each family states once, from its checked parameters, which PyTorch class,
Hugging Face ``get_scheduler`` name or Keras schedule
reproduces it over steps 0..T (see ``dynweights.export``). Numbers print
exactly (``repr``), so a snippet carries the same float64 values as dynweights.
"""

from __future__ import annotations

from collections.abc import Mapping

from dynweights._spec import Native
from dynweights._tree import num

TORCH = "torch.optim.lr_scheduler."


def source(value: object) -> str:
    """A value as exact Python source: numbers by ``num``, lists and dicts inside."""
    if isinstance(value, bool | str) or value is None:
        return repr(value)
    if isinstance(value, int | float):
        return num(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(source(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{source(k)}: {source(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no source for {type(value).__name__}")


def call(function: str, *args: str, **kwargs: object) -> str:
    """``function(arg, key=value, ...)`` with exact values."""
    parts = [*args, *(f"{k}={source(v)}" for k, v in kwargs.items())]
    return f"{function}({', '.join(parts)})"


def torch(name: str, note: str = "", **kwargs: object) -> Native:
    """``torch.optim.lr_scheduler.<name>(optimizer, ...)``."""
    return Native(call(TORCH + name, "optimizer", **kwargs), note)


def hf(
    name: str, warmup_steps: int, total_steps: int, init_lr: float, note: str = "", **kwargs: object
) -> Native:
    """``transformers.get_scheduler(name, ...)`` and its ``TrainingArguments`` fragment."""
    extra = {"scheduler_specific_kwargs": kwargs} if kwargs else {}
    built = call(
        "transformers.get_scheduler",
        repr(name),
        "optimizer",
        num_warmup_steps=warmup_steps,
        num_training_steps=total_steps,
        **extra,
    )
    fragment = {"lr_scheduler_type": name, "learning_rate": init_lr, "warmup_steps": warmup_steps}
    fragment["max_steps"] = total_steps
    if kwargs:
        fragment["lr_scheduler_kwargs"] = kwargs
    return Native(built, note, call("TrainingArguments", **fragment))


def keras(name: str, note: str = "", **kwargs: object) -> Native:
    """``keras.optimizers.schedules.<name>(...)``."""
    return Native(call("keras.optimizers.schedules." + name, **kwargs), note)


RISES_AFTER_T = "after T it rises again (a cosine); dynweights holds the value at T"
GOES_ON_AFTER_T = "after T it goes on (decaying or cycling); dynweights holds the value at T"
