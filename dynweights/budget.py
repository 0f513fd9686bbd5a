"""The training budget: optimizer steps from examples, batches, devices and epochs.

People plan a run as "3 epochs over 50k examples at batch 8 on 4 GPUs with 4
accumulation steps" or "2T tokens"; the scheduler counts optimizer updates.
This module does that arithmetic exactly as the Hugging Face ``Trainer`` of
transformers 5.23 does (``Trainer.set_initial_training_values``, with
accelerate 1.15's batch sharding), and converts steps back to epochs,
examples and tokens for a chart's axis.

>>> b = Budget(num_examples=50, batch_size=4, accumulation=2, epochs=3)
>>> b.batches_per_epoch, b.steps_per_epoch, b.total_steps
(13, 7, 21)
>>> b.explain()
'13 batches per epoch → 7 optimizer steps per epoch → 21 steps'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dynweights._checks import MAX_INT, check_int, check_real, fail

UNITS = ("steps", "epochs", "examples", "tokens")


@dataclass(frozen=True)
class Budget:
    """A run's size, as a Trainer config states it.

    Attributes:
      num_examples: examples in the training set, ``>= 1``.
      batch_size: the per-device batch (``per_device_train_batch_size``).
      devices: data-parallel processes (the world size).
      accumulation: ``gradient_accumulation_steps``.
      epochs: ``num_train_epochs``; fractional epochs end part-way into the last.
      max_steps: if ``> 0``, the number of optimizer steps, overriding ``epochs``.
      drop_last: ``dataloader_drop_last``: drop each epoch's last partial batch.
      sequence_length: tokens per example, for the tokens axis (0: not given).
    """

    num_examples: int
    batch_size: int = 8
    devices: int = 1
    accumulation: int = 1
    epochs: float = 3.0
    max_steps: int = 0
    drop_last: bool = False
    sequence_length: int = 0

    def __post_init__(self) -> None:
        check_int("num_examples", self.num_examples, 1)
        check_int("batch_size", self.batch_size, 1)
        check_int("devices", self.devices, 1, 1_000_000)
        check_int("accumulation", self.accumulation, 1)
        check_int("max_steps", self.max_steps, 0)
        check_int("sequence_length", self.sequence_length, 0)
        if self.max_steps == 0:
            check_real("epochs", self.epochs, 0.0, low_open=True)
        if not isinstance(self.drop_last, bool):
            fail("drop_last", "True or False", self.drop_last)
        if self.batches_per_epoch < 1:
            fail(
                "batch_size",
                f"at most num_examples ({self.num_examples}) per device when the last "
                "partial batch is dropped",
                self.batch_size,
            )
        # Checked before total_steps rounds it up: ceil(inf) would raise OverflowError.
        if self.max_steps == 0 and self.epochs * self.steps_per_epoch > MAX_INT:
            fail("epochs", "small enough for at most 2**53 optimizer steps", self.epochs)

    @property
    def batches_per_epoch(self) -> int:
        """Batches each process sees in one epoch (``len(train_dataloader)``).

        The dataloader batches all examples; accelerate then deals whole batches
        out to the processes, padding the last round by wrapping to the first
        batches unless ``drop_last`` (``BatchSamplerShard`` with ``even_batches``).
        """
        whole, rest = divmod(self.num_examples, self.batch_size)
        batches = whole if self.drop_last else whole + (rest > 0)
        shards, extra = divmod(batches, self.devices)
        return shards if self.drop_last or not extra else shards + 1

    @property
    def steps_per_epoch(self) -> int:
        """Optimizer steps per epoch: a last, shorter accumulation still updates.

        ``max(len_dataloader // G + int(len_dataloader % G > 0), 1)`` in the Trainer.
        """
        return max(math.ceil(self.batches_per_epoch / self.accumulation), 1)

    @property
    def total_steps(self) -> int:
        """The Trainer's ``max_steps``: ``max_steps`` if given, else
        ``ceil(epochs * steps_per_epoch)``."""
        if self.max_steps > 0:
            return self.max_steps
        return math.ceil(self.epochs * self.steps_per_epoch)

    @property
    def examples_per_step(self) -> int:
        """Examples per optimizer step: batch * accumulation * devices (a full step)."""
        return self.batch_size * self.accumulation * self.devices

    @property
    def tokens_per_step(self) -> int:
        """Tokens per optimizer step: examples per step * sequence length."""
        return self.examples_per_step * self.sequence_length

    def explain(self) -> str:
        """How the total was computed, in one line."""
        if self.max_steps > 0:
            return f"max_steps = {self.max_steps:,} overrides the epochs → {self.max_steps:,} steps"
        per = " per device" if self.devices > 1 else ""
        return (
            f"{self.batches_per_epoch:,} batches per epoch{per} → {self.steps_per_epoch:,} "
            f"optimizer steps per epoch → {self.total_steps:,} steps"
        )

    def convert(self, steps: ArrayLike, unit: str) -> NDArray[np.float64]:
        """Optimizer steps in ``unit``: steps, epochs, examples or tokens.

        Epochs count whole epochs of ``steps_per_epoch`` updates; examples and
        tokens count full steps (each epoch's last, shorter update is counted
        whole, so they are upper bounds by less than one step per epoch).
        """
        t = np.asarray(steps, dtype=np.float64)
        if unit == "steps":
            return t
        if unit == "epochs":
            return t / self.steps_per_epoch
        if unit == "examples":
            return t * self.examples_per_step
        if unit == "tokens":
            if not self.sequence_length:
                fail("sequence_length", "given (>= 1) to count tokens", self.sequence_length)
            return t * self.tokens_per_step
        fail("unit", "one of " + ", ".join(repr(u) for u in UNITS), unit)


def warmup_steps(warmup: float, total_steps: int) -> int:
    """The Trainer's ``get_warmup_steps``: an int count, or a ratio below 1 rounded up.

    >>> warmup_steps(0.1, 21), warmup_steps(5, 21), warmup_steps(2.5, 21)
    (3, 5, 2)
    """
    value = check_real("warmup_steps", warmup, 0.0)
    return int(value) if value >= 1 else math.ceil(total_steps * value)
