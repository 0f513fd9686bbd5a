"""Write ``tests/golden/hf_trainer.json``: the lr the real ``transformers.Trainer`` uses.

Run from the repository root, in the peers venv (``requirements-peers.txt``,
which pins transformers and accelerate; never the project's own venv)::

    python3 -m venv /tmp/peers
    /tmp/peers/bin/pip install -r requirements-peers.txt
    /tmp/peers/bin/pip install --no-deps timm==1.0.31  # regenerate.py only
    /tmp/peers/bin/python tests/golden/hf_trainer.py

Each recording trains a one-parameter model (loss = mean(w * x), x = 1, so
every gradient is known) on a dataset of ``num_examples`` rows with plain SGD
on the CPU, and stores the ``TrainingArguments`` given (field names exactly
as passed, ``output_dir`` left out), ``num_examples``, ``len_dataloader``,
``state.max_steps``, the warmup steps the Trainer resolved, and ``lrs[k]``:
the learning rate of optimizer update k = 0..max_steps - 1.

``lrs[k]`` is ``optimizer.param_groups[0]["lr"]`` read in ``on_step_begin``.
The script checks, for every update, that it equals the lr read in
``on_pre_optimizer_step``, ``lr_scheduler.get_last_lr()[0]`` at
``on_step_begin``, and the lr the update really applied, (w_before - w_after)
/ grad. The Trainer steps the scheduler after the optimizer, so the lr read
after an update (``on_step_end``) is already the next one's.

A ``reduce_lr_on_plateau`` run also evaluates on 4 rows, where the model's
loss is 10 + the loss rounded to an integer, so that it plateaus; the Trainer steps
``ReduceLROnPlateau`` with each ``eval_loss``, recorded in ``metrics`` with
the global step of its evaluation (``evaluated_after``).

How transformers 5.23.0 turns the arguments into steps (the source lines are
quoted at the bottom of this docstring):

- ``len_dataloader`` per process: ``ceil(N / b)`` batches, or ``floor(N / b)``
  with ``dataloader_drop_last``, where ``b = per_device_train_batch_size *
  max(1, n_gpu)`` (n_gpu > 1 only for single-process DataParallel). Under
  DDP with world size W, accelerate's ``BatchSamplerShard`` deals out whole
  batches: ``len = B // W`` if W divides B (B the batch count just given),
  else ``B // W`` with drop_last, else ``B // W + 1`` (even_batches=True,
  the default, pads by wrapping round to the first samples).
- ``num_update_steps_per_epoch = max(ceil(len_dataloader / G), 1)`` for
  gradient_accumulation_steps G: a remainder of batches still makes one
  (shorter) update at the end of every epoch; accumulation never spans
  epochs.
- ``max_steps = args.max_steps`` if > 0 (it overrides num_train_epochs),
  else ``ceil(num_train_epochs * num_update_steps_per_epoch)``; the loop runs
  ``ceil(num_train_epochs)`` epochs and stops once global_step == max_steps,
  so a fractional epoch is a prefix of the next epoch's updates.
- warmup: ``int(warmup_steps)`` if ``warmup_steps >= 1`` (a float >= 1 is
  truncated, 2.5 -> 2; 1.0 is one step, not 100 %), else
  ``ceil(max_steps * warmup_steps)``. ``warmup_ratio`` no longer exists: it
  is a TypeError (recorded under ``notes``).
- the scheduler is built with ``num_training_steps = max_steps`` and
  ``num_warmup_steps`` as above; ``constant`` ignores the warmup;
  ``lr_scheduler_kwargs`` go to the schedule function.

Source, transformers 5.23.0 (``inspect.getsource``):

transformers/trainer.py, Trainer.set_initial_training_values::

    max_steps = args.max_steps
    epoch_based = max_steps < 0
    len_dataloader = len(dataloader) if has_length(dataloader) else None
    total_train_batch_size = self.get_total_train_batch_size(args)
    sp_size = self.get_sp_size()
    if sp_size > 1 and len_dataloader is not None:
        len_dataloader = len_dataloader * sp_size
    if len_dataloader is not None:
        num_update_steps_per_epoch = max(
            len_dataloader // args.gradient_accumulation_steps
            + int(len_dataloader % args.gradient_accumulation_steps > 0),
            1,
        )
        if epoch_based:
            max_steps = math.ceil(args.num_train_epochs * num_update_steps_per_epoch)
    if len_dataloader:
        if args.max_steps > 0:
            num_train_epochs = max_steps // num_update_steps_per_epoch + int(
                max_steps % num_update_steps_per_epoch > 0)
        else:
            num_train_epochs = math.ceil(args.num_train_epochs)
    elif args.max_steps > 0:  # no len(): one endless "epoch" of max_steps
        num_train_epochs = sys.maxsize
        num_update_steps_per_epoch = max_steps
    steps_in_epoch = (len_dataloader if len_dataloader is not None
                      else max_steps * args.gradient_accumulation_steps)

transformers/trainer.py, Trainer.get_total_train_batch_size (logging and
num_train_samples only; it does not change max_steps)::

    dp_world_size = (args.world_size // self.get_tp_size() // self.get_cp_size()
                     // self.get_sp_size())
    return self._train_batch_size * args.gradient_accumulation_steps * dp_world_size

transformers/trainer.py, Trainer._run_epoch (the accumulation remainder)::

    remainder = steps_in_epoch % self.args.gradient_accumulation_steps
    if remainder == 0:
        remainder = self.args.gradient_accumulation_steps
    for update_step in range(num_update_steps_trained, num_update_steps_per_epoch):
        num_batches = (self.args.gradient_accumulation_steps
                       if update_step != (num_update_steps_per_epoch - 1) else remainder)
        ...
                self.optimizer.step()
                ...
                learning_rate = self._get_learning_rate()  # logged lr: before scheduler.step()
                ...
                        self.lr_scheduler.step()

transformers/trainer.py, Trainer.create_scheduler::

    self.lr_scheduler = get_scheduler(
        self.args.lr_scheduler_type,
        optimizer=self.optimizer if optimizer is None else optimizer,
        num_warmup_steps=self.args.get_warmup_steps(num_training_steps),
        num_training_steps=num_training_steps,
        scheduler_specific_kwargs=self.args.lr_scheduler_kwargs,
    )

transformers/training_args.py, TrainingArguments.get_warmup_steps::

    warmup_steps = (
        int(self.warmup_steps) if self.warmup_steps >= 1
        else math.ceil(num_training_steps * self.warmup_steps)
    )

transformers/training_args.py, TrainingArguments.train_batch_size::

    train_batch_size = self.per_device_train_batch_size * max(1, self.n_gpu)

accelerate/data_loader.py, BatchSamplerShard.__len__ (split_batches=False)::

    if len(self.batch_sampler) % self.num_processes == 0:
        return len(self.batch_sampler) // self.num_processes
    length = len(self.batch_sampler) // self.num_processes
    if self.drop_last:
        return length
    elif self.even_batches:
        return length + 1
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Any

import accelerate
import torch
import transformers
from torch.utils.data import Dataset
from transformers import Trainer, TrainerCallback, TrainingArguments

OUT = Path(__file__).with_name("hf_trainer.json")

# Every run: CPU, no logging or saving, plain SGD (so an update is w -= lr * grad).
BASE: dict[str, Any] = {
    "use_cpu": True,
    "report_to": [],
    "save_strategy": "no",
    "logging_strategy": "no",
    "disable_tqdm": True,
    "optim": "sgd",
    "weight_decay": 0.0,
    "learning_rate": 0.1,
    "seed": 0,
}

# (id, num_examples, TrainingArguments beyond BASE)
CONFIGS: list[tuple[str, int, dict[str, Any]]] = [
    (
        "linear-warmup_int",
        40,
        {"lr_scheduler_type": "linear", "warmup_steps": 5, "per_device_train_batch_size": 4,
         "num_train_epochs": 3},
    ),
    (
        "linear-warmup_float_above_1_truncates",
        40,
        {"lr_scheduler_type": "linear", "warmup_steps": 2.5, "per_device_train_batch_size": 4,
         "num_train_epochs": 1},
    ),
    (
        "cosine-warmup_ratio-accumulation_remainder",
        50,
        {"lr_scheduler_type": "cosine", "warmup_steps": 0.1, "per_device_train_batch_size": 4,
         "gradient_accumulation_steps": 2, "num_train_epochs": 3},
    ),
    (
        "cosine_with_restarts-num_cycles3",
        30,
        {"lr_scheduler_type": "cosine_with_restarts", "lr_scheduler_kwargs": {"num_cycles": 3},
         "warmup_steps": 2, "per_device_train_batch_size": 2, "num_train_epochs": 2},
    ),
    (
        "polynomial-power2-fractional_epochs",
        20,
        {"lr_scheduler_type": "polynomial", "lr_scheduler_kwargs": {"power": 2.0, "lr_end": 1e-3},
         "warmup_steps": 0.25, "per_device_train_batch_size": 4, "num_train_epochs": 2.5},
    ),
    (
        "constant-ignores_warmup",
        16,
        {"lr_scheduler_type": "constant", "warmup_steps": 5, "per_device_train_batch_size": 4,
         "num_train_epochs": 2},
    ),
    (
        "constant_with_warmup-max_steps_overrides_epochs",
        16,
        {"lr_scheduler_type": "constant_with_warmup", "warmup_steps": 0.3,
         "per_device_train_batch_size": 4, "num_train_epochs": 100, "max_steps": 17},
    ),
    (
        "inverse_sqrt-timescale",
        24,
        {"lr_scheduler_type": "inverse_sqrt", "lr_scheduler_kwargs": {"timescale": 8},
         "warmup_steps": 4, "per_device_train_batch_size": 4, "max_steps": 25},
    ),
    (
        "cosine_with_min_lr-min_lr-drop_last",
        50,
        {"lr_scheduler_type": "cosine_with_min_lr", "lr_scheduler_kwargs": {"min_lr": 0.01},
         "warmup_steps": 3, "per_device_train_batch_size": 4, "dataloader_drop_last": True,
         "num_train_epochs": 2},
    ),
    (
        "cosine_with_min_lr-min_lr_rate-accumulation3-fractional_epochs",
        50,
        {"lr_scheduler_type": "cosine_with_min_lr", "lr_scheduler_kwargs": {"min_lr_rate": 0.1},
         "warmup_steps": 0.2, "per_device_train_batch_size": 4,
         "gradient_accumulation_steps": 3, "num_train_epochs": 1.5},
    ),
    (
        "cosine_warmup_with_min_lr-min_lr_rate",
        40,
        {"lr_scheduler_type": "cosine_warmup_with_min_lr",
         "lr_scheduler_kwargs": {"min_lr_rate": 0.05}, "warmup_steps": 5,
         "per_device_train_batch_size": 4, "num_train_epochs": 2},
    ),
    (
        "warmup_stable_decay-1-sqrt",
        24,
        {"lr_scheduler_type": "warmup_stable_decay",
         "lr_scheduler_kwargs": {"num_decay_steps": 6, "warmup_type": "linear",
                                 "decay_type": "1-sqrt", "min_lr_ratio": 0.1},
         "warmup_steps": 0.2, "per_device_train_batch_size": 4, "max_steps": 30},
    ),
    (
        "cosine_warmup_with_min_lr-warmup_lr_rate",
        40,
        {"lr_scheduler_type": "cosine_warmup_with_min_lr",
         "lr_scheduler_kwargs": {"min_lr_rate": 0.05, "warmup_lr_rate": 0.1}, "warmup_steps": 5,
         "per_device_train_batch_size": 4, "num_train_epochs": 2},
    ),
    (
        "reduce_lr_on_plateau-eval_steps-patience1-final_eval",
        40,
        {"lr_scheduler_type": "reduce_lr_on_plateau",
         "lr_scheduler_kwargs": {"patience": 1, "factor": 0.5}, "eval_strategy": "steps",
         "eval_steps": 3, "per_device_train_batch_size": 4, "num_train_epochs": 5},
    ),
    (
        "reduce_lr_on_plateau-epoch-mode_max-eval_delay-fractional_epochs",
        20,
        {"lr_scheduler_type": "reduce_lr_on_plateau",
         "lr_scheduler_kwargs": {"mode": "max", "patience": 0, "factor": 0.5},
         "eval_strategy": "epoch", "eval_delay": 1.5, "per_device_train_batch_size": 4,
         "gradient_accumulation_steps": 2, "num_train_epochs": 4.5, "warmup_steps": 3},
    ),
    (
        "linear-drop_last-accumulation5",
        50,
        {"lr_scheduler_type": "linear", "warmup_steps": 1, "per_device_train_batch_size": 4,
         "gradient_accumulation_steps": 5, "dataloader_drop_last": True, "num_train_epochs": 2},
    ),
]  # fmt: skip


class Ones(Dataset):
    """``n`` rows of x = 1.0 (float64)."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: int) -> dict[str, torch.Tensor]:
        return {"x": torch.tensor(1.0, dtype=torch.float64)}


class OneParameter(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros((), dtype=torch.float64))

    def forward(self, x: torch.Tensor, return_loss: bool = True) -> dict[str, torch.Tensor]:
        # return_loss=True: the Trainer computes an eval_loss without labels.
        loss = (self.w * x).mean()
        if not self.training:  # evaluation: 10 + the loss rounded, so that it plateaus
            loss = 10 + torch.round(loss)
        return {"loss": loss}


class Recorder(TrainerCallback):
    """The lr per update, read four ways, and the lr the update applied."""

    def __init__(self) -> None:
        self.at_step_begin: list[float] = []
        self.last_lr_at_step_begin: list[float] = []
        self.at_pre_optimizer_step: list[float] = []
        self.applied: list[tuple[float, float, float]] = []  # (w before, w after, grad)
        self.evaluations: list[tuple[int, float]] = []  # (global step, eval_loss)

    def on_step_begin(self, args, state, control, optimizer=None, lr_scheduler=None, **kwargs):
        self.at_step_begin.append(float(optimizer.param_groups[0]["lr"]))
        self.last_lr_at_step_begin.append(float(lr_scheduler.get_last_lr()[0]))

    def on_pre_optimizer_step(self, args, state, control, optimizer=None, model=None, **kwargs):
        self.at_pre_optimizer_step.append(float(optimizer.param_groups[0]["lr"]))
        self._before = (float(model.w.detach()), float(model.w.grad))

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        self.evaluations.append((state.global_step, float(metrics["eval_loss"])))

    def on_optimizer_step(self, args, state, control, model=None, **kwargs):
        before, grad = self._before
        self.applied.append((before, float(model.w.detach()), grad))


def _expected_steps(num_examples: int, config: dict[str, Any]) -> tuple[int, int, int]:
    """len_dataloader, max_steps and warmup steps by the arithmetic in the docstring."""
    batch = config["per_device_train_batch_size"]
    if config.get("dataloader_drop_last"):
        batches = num_examples // batch
    else:
        batches = -(-num_examples // batch)
    accumulation = config.get("gradient_accumulation_steps", 1)
    per_epoch = max(-(-batches // accumulation), 1)
    max_steps = config.get("max_steps", -1)
    if max_steps <= 0:
        max_steps = math.ceil(config.get("num_train_epochs", 3.0) * per_epoch)
    warmup = config.get("warmup_steps", 0)
    warmup_steps = int(warmup) if warmup >= 1 else math.ceil(max_steps * warmup)
    return batches, max_steps, warmup_steps


def record(case_id: str, num_examples: int, config: dict[str, Any]) -> dict[str, Any]:
    recorder = Recorder()
    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(output_dir=out, **BASE, **config)
        trainer = Trainer(
            model=OneParameter(),
            args=args,
            train_dataset=Ones(num_examples),
            eval_dataset=Ones(4) if "eval_strategy" in config else None,
            callbacks=[recorder],
        )
        trainer.remove_callback(transformers.PrinterCallback)  # no metrics on stdout
        len_dataloader = len(trainer.get_train_dataloader())
        trainer.train()
        max_steps = trainer.state.max_steps
        warmup_steps = args.get_warmup_steps(max_steps)
    lrs = recorder.at_step_begin
    assert len(lrs) == max_steps == trainer.state.global_step, case_id
    assert lrs == recorder.at_pre_optimizer_step == recorder.last_lr_at_step_begin, case_id
    for k, (before, after, grad) in enumerate(recorder.applied):
        # SGD without momentum or weight decay: after = before - lr * grad, in float64.
        assert abs((before - after) - lrs[k] * grad) <= 1e-12 * max(1.0, abs(before)), (case_id, k)
    expected = _expected_steps(num_examples, config)
    assert (len_dataloader, max_steps, warmup_steps) == expected, (case_id, expected)
    run = {
        "id": case_id,
        "config": {**BASE, **config},
        "num_examples": num_examples,
        "len_dataloader": len_dataloader,
        "max_steps": max_steps,
        "warmup_steps_resolved": warmup_steps,
        "lrs": lrs,
    }
    if recorder.evaluations:
        # The metric each evaluation stepped ReduceLROnPlateau with, and after which update.
        run["evaluated_after"] = [step for step, _ in recorder.evaluations]
        run["metrics"] = [metric for _, metric in recorder.evaluations]
    return run


def _warmup_ratio_note() -> str:
    try:
        with tempfile.TemporaryDirectory() as out:
            TrainingArguments(output_dir=out, warmup_ratio=0.1, **BASE)
    except TypeError as error:
        return f"TrainingArguments(warmup_ratio=0.1) raises TypeError: {error}"
    return "TrainingArguments(warmup_ratio=0.1) is accepted"


def _dumps(value: Any, indent: str = "") -> str:
    """JSON with one key per line, but each list of numbers on a single line."""
    inner = indent + " "
    if isinstance(value, dict) and any(isinstance(v, (dict, list)) for v in value.values()):
        items = [f"{inner}{json.dumps(k)}: {_dumps(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        items = [inner + _dumps(v, inner) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + indent + "]"
    return json.dumps(value)


def main() -> None:
    transformers.logging.set_verbosity_error()
    runs = [record(case_id, n, config) for case_id, n, config in CONFIGS]
    golden = {
        "generated_by": "tests/golden/hf_trainer.py",
        "versions": {
            "torch": str(torch.__version__),
            "transformers": transformers.__version__,
            "accelerate": accelerate.__version__,
        },
        "notes": [
            "lrs[k]: optimizer.param_groups[0]['lr'] at on_step_begin of update k; checked equal "
            "to the lr at on_pre_optimizer_step, to lr_scheduler.get_last_lr()[0] at "
            "on_step_begin and to the lr the SGD update applied.",
            "model: one float64 parameter w, loss = mean(w * x) with x = 1; optimizer SGD.",
            _warmup_ratio_note(),
        ],
        "runs": runs,
    }
    OUT.write_text(_dumps(golden) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(runs)} runs)")
    for run in runs:
        print(
            f"  {run['id']}: len_dataloader={run['len_dataloader']} "
            f"max_steps={run['max_steps']} warmup={run['warmup_steps_resolved']}"
        )


if __name__ == "__main__":
    main()
