"""``from_hf_trainer``: the exact schedule a Hugging Face ``Trainer`` config produces.

The config is a mapping of ``TrainingArguments`` field names, as in a script,
a JSON or a YAML file. The result's ``total_steps`` is the Trainer's
``max_steps`` and its value at step ``k`` is the learning rate the Trainer uses
for optimizer update ``k`` (golden runs of a real ``transformers.Trainer`` in
``tests/golden/hf_trainer.json`` pin both, for transformers 5.23).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any

from numpy.typing import ArrayLike

from dynweights._bound import Bound, imported
from dynweights._checks import check_int, check_json_text, check_real, fail, show
from dynweights._phases import MAX_PHASES, phases
from dynweights._registry import MAX_JSON_CHARS, MAX_JSON_DEPTH, schedule
from dynweights._spec import MAX_VALUE
from dynweights.budget import Budget, warmup_steps
from dynweights.plateau import reduce_on_plateau

# TrainingArguments' own defaults (transformers 5.23).
DEFAULTS: Mapping[str, Any] = {
    "learning_rate": 5e-5,
    "lr_scheduler_type": "linear",
    "lr_scheduler_kwargs": {},
    "warmup_steps": 0,
    "num_train_epochs": 3.0,
    "max_steps": -1,
    "per_device_train_batch_size": 8,
    "gradient_accumulation_steps": 1,
    "dataloader_drop_last": False,
}
SCHEDULE_KEYS = frozenset(DEFAULTS) | {"warmup_ratio"}
# Fields that change the schedule in ways this module does not model: an error.
NOT_UNDERSTOOD = frozenset(
    {
        "per_gpu_train_batch_size",
        "auto_find_batch_size",
        "deepspeed",
        "accelerator_config",
        "lr_scheduler_callable",
    }
)
LOSS_DEPENDENT = ("greedy",)
PLATEAU = "reduce_lr_on_plateau"
# ReduceLROnPlateau's arguments and defaults (torch 2.13): Hugging Face passes
# lr_scheduler_kwargs to it as they are, so ``mode`` is "min" unless given there,
# whatever metric_for_best_model and greater_is_better say.
PLATEAU_KWARGS: Mapping[str, Any] = {
    "mode": "min",
    "factor": 0.1,
    "patience": 10,
    "threshold": 1e-4,
    "threshold_mode": "rel",
    "cooldown": 0,
    "min_lr": 0.0,
    "eps": 1e-8,
}
# The fields that say when the Trainer evaluates (and so steps a plateau scheduler).
EVAL_KEYS = frozenset({"eval_strategy", "eval_steps", "eval_delay", "logging_steps"})


def _kwargs(config: Mapping[str, Any]) -> dict[str, Any]:
    raw = config.get("lr_scheduler_kwargs", {})
    if isinstance(raw, str):
        check_json_text("lr_scheduler_kwargs", raw, MAX_JSON_CHARS, MAX_JSON_DEPTH)
        try:
            raw = json.loads(raw) if raw.strip() else {}
        except ValueError:
            fail("lr_scheduler_kwargs", "a dict or a JSON object", raw)
    if raw is None:
        return {}
    if not isinstance(raw, Mapping) or not all(isinstance(k, str) for k in raw):
        fail("lr_scheduler_kwargs", "a dict or a JSON object", raw)
    return dict(raw)


def _take(kwargs: dict[str, Any], allowed: Mapping[str, Any], kind: str) -> dict[str, Any]:
    unknown = sorted(set(kwargs) - set(allowed))
    if unknown:
        fail(
            f"lr_scheduler_kwargs[{unknown[0]!r}]",
            f"one of {', '.join(allowed) or 'nothing'} for lr_scheduler_type={kind!r}",
            kwargs[unknown[0]],
        )
    return {**allowed, **kwargs}


def _min_lr(kw: dict[str, Any], lr: float, kind: str) -> float:
    if (kw.get("min_lr") is None) == (kw.get("min_lr_rate") is None):
        fail(
            "lr_scheduler_kwargs",
            f"exactly one of min_lr and min_lr_rate for lr_scheduler_type={kind!r}",
            kw,
        )
    if kw.get("min_lr") is not None:
        return check_real("lr_scheduler_kwargs['min_lr']", kw["min_lr"], 0.0, lr)
    return lr * check_real("lr_scheduler_kwargs['min_lr_rate']", kw["min_lr_rate"], 0.0, 1.0)


def _half_cosine(kw: dict[str, Any]) -> None:
    # Other num_cycles make a cosine that does not end at its floor: not modelled.
    if kw["num_cycles"] != 0.5:
        fail("lr_scheduler_kwargs['num_cycles']", "0.5 (half a cosine) here", kw["num_cycles"])


Builder = Callable[[float, int, int, dict[str, Any]], Bound]


def _linear(lr: float, t: int, w: int, kw: dict[str, Any]) -> Bound:
    _take(kw, {}, "linear")
    return schedule("linear_with_warmup", total_steps=t, warmup_steps=w, init_lr=lr)


def _cosine(lr: float, t: int, w: int, kw: dict[str, Any]) -> Bound:
    kw = _take(kw, {"num_cycles": 0.5}, "cosine")
    _half_cosine(kw)
    return schedule("cosine_with_linear_warmup", total_steps=t, warmup_steps=w, init_lr=lr)


def _cosine_with_restarts(lr: float, t: int, w: int, kw: dict[str, Any]) -> Bound:
    kw = _take(kw, {"num_cycles": 1}, "cosine_with_restarts")
    return schedule(
        "cosine_with_hard_restarts",
        total_steps=t,
        warmup_steps=w,
        init_lr=lr,
        num_cycles=kw["num_cycles"],
    )


def _polynomial(lr: float, t: int, w: int, kw: dict[str, Any]) -> Bound:
    kw = _take(kw, {"lr_end": 1e-7, "power": 1.0}, "polynomial")
    return schedule(
        "polynomial_decay",
        total_steps=t,
        warmup_steps=w,
        init_lr=lr,
        min_lr=kw["lr_end"],
        power_factor=kw["power"],
    )


def _constant(lr: float, t: int, w: int, kw: dict[str, Any]) -> Bound:
    _take(kw, {}, "constant")
    return phases([{"shape": "constant", "steps": t, "start": lr}])  # ignores warmup, as HF


def _constant_with_warmup(lr: float, t: int, w: int, kw: dict[str, Any]) -> Bound:
    _take(kw, {}, "constant_with_warmup")
    return schedule("constant_with_warmup", total_steps=t, warmup_steps=w, init_lr=lr)


def _inverse_sqrt(lr: float, t: int, w: int, kw: dict[str, Any]) -> Bound:
    kw = _take(kw, {"timescale": None}, "inverse_sqrt")
    timescale = kw["timescale"] if kw["timescale"] is not None else (w or 10_000)
    return schedule("inverse_sqrt", total_steps=t, warmup_steps=w, init_lr=lr, timescale=timescale)


def _cosine_with_min_lr(lr: float, t: int, w: int, kw: dict[str, Any]) -> Bound:
    kw = _take(kw, {"num_cycles": 0.5, "min_lr": None, "min_lr_rate": None}, "cosine_with_min_lr")
    _half_cosine(kw)
    floor = _min_lr(kw, lr, "cosine_with_min_lr")
    return schedule(
        "cosine_with_linear_warmup", total_steps=t, warmup_steps=w, init_lr=lr, min_lr=floor
    )


def _cosine_warmup_with_min_lr(lr: float, t: int, w: int, kw: dict[str, Any]) -> Bound:
    kind = "cosine_warmup_with_min_lr"
    allowed = {"num_cycles": 0.5, "min_lr": None, "min_lr_rate": None, "warmup_lr_rate": None}
    kw = _take(kw, allowed, kind)
    _half_cosine(kw)
    floor = _min_lr(kw, lr, kind)
    if not 1 <= w < t:
        fail("warmup_steps", f"in [1, max_steps) = [1, {t}) for {kind}", w)
    # Hugging Face counts this warmup from update 1: lr (k + 1) / W, reaching lr at
    # k = W - 1, where the cosine starts; the floor comes at the last update, T - 1.
    # With warmup_lr_rate r it is lr (r + (1 - r) k / (W - 1)): from r lr to lr, the
    # same steps.
    start = lr / w
    if kw["warmup_lr_rate"] is not None:
        rate = check_real("lr_scheduler_kwargs['warmup_lr_rate']", kw["warmup_lr_rate"], 0.0, 1.0)
        if w == 1:
            fail(
                "warmup_steps",
                f">= 2 with warmup_lr_rate for {kind} (with 1, update 0 runs at "
                "warmup_lr_rate * learning_rate and the cosine starts one update past its "
                "peak, which no chain of phases draws)",
                w,
            )
        start = lr * rate
    items: list[dict[str, Any]] = []
    if w > 1:
        items.append({"shape": "linear", "steps": w - 1, "start": start, "end": lr})
    items.append({"shape": "cosine", "steps": t - w, "start": lr, "end": floor})
    items.append({"shape": "constant", "steps": 1, "start": floor})
    return phases(items)


def _warmup_stable_decay(lr: float, t: int, w: int, kw: dict[str, Any]) -> Bound:
    kind = "warmup_stable_decay"
    allowed = {
        "num_decay_steps": None,
        "num_stable_steps": None,
        "warmup_type": "linear",
        "decay_type": "cosine",
        "min_lr_ratio": 0.0,
        "num_cycles": 0.5,
    }
    kw = _take(kw, allowed, kind)
    if kw["num_decay_steps"] is None:
        fail("lr_scheduler_kwargs['num_decay_steps']", f"given for {kind}", None)
    decay = check_int("lr_scheduler_kwargs['num_decay_steps']", kw["num_decay_steps"], 0)
    if kw["num_stable_steps"] is not None and kw["num_stable_steps"] != t - w - decay:
        fail(
            "lr_scheduler_kwargs['num_stable_steps']",
            f"left out or max_steps - warmup - decay = {t - w - decay}",
            kw["num_stable_steps"],
        )
    _half_cosine(kw)
    ratio = check_real("lr_scheduler_kwargs['min_lr_ratio']", kw["min_lr_ratio"], 0.0, 1.0)
    return schedule(
        "warmup_stable_decay",
        total_steps=t,
        warmup_steps=w,
        decay_steps=decay,
        init_lr=lr,
        warmup_lr=lr * ratio,
        min_lr=lr * ratio,
        decay_shape=kw["decay_type"],
        warmup_shape=kw["warmup_type"],
    )


BUILDERS: Mapping[str, Builder] = {
    "linear": _linear,
    "cosine": _cosine,
    "cosine_with_restarts": _cosine_with_restarts,
    "polynomial": _polynomial,
    "constant": _constant,
    "constant_with_warmup": _constant_with_warmup,
    "inverse_sqrt": _inverse_sqrt,
    "cosine_with_min_lr": _cosine_with_min_lr,
    "cosine_warmup_with_min_lr": _cosine_warmup_with_min_lr,
    "warmup_stable_decay": _warmup_stable_decay,
}


def budget_of(config: Mapping[str, Any], num_examples: int, world_size: int = 1) -> Budget:
    """The run's ``Budget`` from the config's batch, accumulation and length fields."""
    c = {**DEFAULTS, **config}
    max_steps = check_int("max_steps", c["max_steps"], -1)
    drop_last = c["dataloader_drop_last"]
    if not isinstance(drop_last, bool):
        fail("dataloader_drop_last", "true or false", drop_last)
    epochs = c["num_train_epochs"]
    if max_steps <= 0:
        epochs = check_real("num_train_epochs", epochs, 0.0, low_open=True)
    try:
        return Budget(
            num_examples=check_int("num_examples", num_examples, 1),
            batch_size=check_int(
                "per_device_train_batch_size", c["per_device_train_batch_size"], 1
            ),
            devices=check_int("world_size", world_size, 1, 1_000_000),
            accumulation=check_int(
                "gradient_accumulation_steps", c["gradient_accumulation_steps"], 1
            ),
            epochs=float(epochs) if max_steps <= 0 else 1.0,
            max_steps=max(max_steps, 0),
            drop_last=drop_last,
        )
    except ValueError as error:  # a rule between fields: name them as the config does
        field, _, rule = str(error).partition(" must be ")
        raise ValueError(f"{_CONFIG_NAMES.get(field, field)} must be {rule}") from None


# Budget's fields as TrainingArguments names them.
_CONFIG_NAMES = {
    "batch_size": "per_device_train_batch_size",
    "devices": "world_size",
    "accumulation": "gradient_accumulation_steps",
    "epochs": "num_train_epochs",
}


def from_hf_trainer(
    config: Mapping[str, Any],
    *,
    num_examples: int,
    world_size: int = 1,
    metrics: ArrayLike | None = None,
) -> Bound:
    """The schedule a ``transformers.Trainer`` with this config uses, step by step.

    Args:
      config: ``TrainingArguments`` fields: ``learning_rate``, ``lr_scheduler_type``,
        ``lr_scheduler_kwargs`` (a dict or a JSON string), ``warmup_steps`` (an int,
        or a float below 1 meaning a ratio, as in transformers 5), the older
        ``warmup_ratio``, ``num_train_epochs``, ``max_steps``,
        ``per_device_train_batch_size``, ``gradient_accumulation_steps`` and
        ``dataloader_drop_last``. Other fields do not change the schedule; they
        are listed in the result's ``ignored``.
      num_examples: the training set's size.
      world_size: data-parallel processes.
      metrics: for ``lr_scheduler_type="reduce_lr_on_plateau"`` only, and then
        required: the metric of each evaluation that stepped the scheduler, in
        order (``eval_`` + ``metric_for_best_model``, by default ``eval_loss``).
        The Trainer evaluates, and steps the scheduler, every ``eval_steps``
        updates and after the last one (``eval_strategy="steps"``, from
        ``eval_delay`` on) or after each epoch (``"epoch"``); it ignores the
        warmup. ``lr_scheduler_kwargs`` are ``ReduceLROnPlateau``'s, whose
        ``mode`` is ``"min"`` unless given there, even for a metric where
        greater is better.

    Returns:
      A ``Bound`` whose ``total_steps`` is the Trainer's ``max_steps`` and whose
      value at step ``k`` is the learning rate of optimizer update ``k``. For
      ``reduce_lr_on_plateau`` it is a chain of constant phases, one per rate
      (``dynweights.reduce_on_plateau`` gives the rate after each evaluation);
      a cut by the evaluation after the last update is used by no update and
      is not drawn: the value at ``total_steps`` is the last update's.

    Raises:
      ValueError: naming the field for a bad value, an unknown scheduler type,
        ``greedy`` (it depends on the loss), ``metrics`` missing for a plateau
        or given for another type, or a field that would change the schedule
        in a way not modelled here.

    >>> s = from_hf_trainer(
    ...     {"learning_rate": 0.1, "lr_scheduler_type": "cosine", "warmup_steps": 0.1,
    ...      "per_device_train_batch_size": 4, "gradient_accumulation_steps": 2,
    ...      "num_train_epochs": 3},
    ...     num_examples=50,
    ... )
    >>> s.total_steps, s.params["warmup_steps"], s.ignored
    (21, 3, ())
    """
    if not isinstance(config, Mapping) or not all(isinstance(k, str) for k in config):
        fail("config", "a mapping of TrainingArguments fields", config)
    blocked = sorted(k for k in config if k in NOT_UNDERSTOOD and config[k] not in (None, False))
    if blocked:
        fail(
            blocked[0],
            "left out: it changes the schedule in a way dynweights does not model",
            config[blocked[0]],
        )
    c = {**DEFAULTS, **config}
    kind = c["lr_scheduler_type"]
    if kind in LOSS_DEPENDENT:
        raise ValueError(
            f"lr_scheduler_type={kind!r} depends on the training loss, not only on the "
            "step, so it has no curve to draw"
        )
    # ``kind in (...)`` needs a hashable kind: a list from a pasted config is not one.
    if kind != PLATEAU and (not isinstance(kind, str) or kind not in BUILDERS):
        choices = ", ".join(repr(k) for k in (*BUILDERS, PLATEAU))
        fail("lr_scheduler_type", "one of " + choices, kind)
    lr = check_real("learning_rate", c["learning_rate"], 0.0, MAX_VALUE)
    budget = budget_of(config, num_examples, world_size)
    total = budget.total_steps
    known = SCHEDULE_KEYS
    if kind == PLATEAU:
        if metrics is None:
            fail(
                "metrics",
                f"given for lr_scheduler_type={PLATEAU!r}: its rate follows the metric of "
                "each evaluation, not only the step",
                metrics,
            )
        s = _plateau(lr, total, budget, c, metrics)
        known = SCHEDULE_KEYS | EVAL_KEYS
    else:
        if metrics is not None:
            fail(
                "metrics", f"None for lr_scheduler_type={kind!r} (only {PLATEAU} reads it)", metrics
            )
        s = BUILDERS[kind](lr, total, _warmup(c, total), _kwargs(c))
    ignored = tuple(sorted(k for k in config if k not in known))
    return imported(s, f"hf: {kind}", ignored)


def _plateau(
    lr: float, total: int, budget: Budget, c: Mapping[str, Any], metrics: ArrayLike
) -> Bound:
    """Constant phases between the evaluations that step ``ReduceLROnPlateau``."""
    kw = _take(_kwargs(c), PLATEAU_KWARGS, PLATEAU)
    evals = _evaluations(c, budget, total)
    try:
        rates = reduce_on_plateau(metrics, lr=lr, **kw)
    except ValueError as error:
        name, rest = str(error).split(" ", 1)
        raise ValueError(
            f"lr_scheduler_kwargs[{name!r}] {rest}" if name in kw else str(error)
        ) from None
    if len(rates) - 1 != len(evals):
        shown = ", ".join(str(e) for e in evals[:5]) + (", ..." if len(evals) > 5 else "")
        fail(
            "metrics",
            f"one value per evaluation, {len(evals)} of them (after updates {shown or 'none'})",
            len(rates) - 1,
        )
    # Update k runs at the rate after the evaluations at steps <= k.
    items: list[dict[str, Any]] = []
    for start, end, rate in zip([0, *evals], [*evals, total], rates, strict=False):
        if end <= start:
            continue
        if items and items[-1]["start"] == rate:
            items[-1]["steps"] += end - start
        else:
            items.append({"shape": "constant", "steps": end - start, "start": float(rate)})
    if len(items) > MAX_PHASES:
        fail("metrics", f"a run with at most {MAX_PHASES - 1} learning-rate cuts", metrics)
    return phases(items)


def _evaluations(c: Mapping[str, Any], budget: Budget, total: int) -> list[int]:
    """The global steps after which the Trainer evaluates (transformers 5.23)."""
    strategy = str(c.get("eval_strategy", "no"))
    strategy = strategy.rsplit(".", 1)[-1].lower()  # an IntervalStrategy member, or its value
    delay = check_real("eval_delay", c.get("eval_delay", 0), 0.0)
    if strategy == "steps":
        raw = c.get("eval_steps") or c.get("logging_steps", 500)
        every = check_real("eval_steps", raw, 0.0, low_open=True)
        if every < 1:
            size = math.ceil(total * every)
        elif every.is_integer():
            size = int(every)
        else:
            fail("eval_steps", "an integer if bigger than 1, or a ratio below 1", raw)
        steps = [g for g in range(size, total + 1, size) if delay <= g]
        if total % size and delay <= total:
            steps.append(total)
        return steps
    if strategy == "epoch":
        per, batches = budget.steps_per_epoch, budget.batches_per_epoch
        out = []
        for epoch in range(math.ceil(total / per)):
            end = min(per * (epoch + 1), total)
            done = end - per * epoch
            # state.epoch at the end of the epoch: whole, or the batches seen of it.
            seen = epoch + 1.0 if done == per else epoch + done * budget.accumulation / batches
            if delay <= seen:
                out.append(end)
        return out
    fail("eval_strategy", f"'steps' or 'epoch' for lr_scheduler_type={PLATEAU!r}", strategy)


def _warmup(c: Mapping[str, Any], total: int) -> int:
    steps = c["warmup_steps"]
    ratio = c.get("warmup_ratio")
    finite = isinstance(steps, int) or (isinstance(steps, float) and math.isfinite(steps))
    if isinstance(steps, bool) or not finite:
        fail("warmup_steps", "an int count, or a float below 1 meaning a ratio", steps)
    if steps < 0:
        fail("warmup_steps", "an int count, or a float below 1 meaning a ratio", steps)
    if isinstance(steps, float) and steps > 1 and not steps.is_integer():
        fail(
            "warmup_steps",
            "an int count, or a float below 1 meaning a ratio (transformers truncates "
            f"{show(steps)} to {int(steps)}: write the count you mean)",
            steps,
        )
    if ratio is not None and steps == 0:  # transformers 4's warmup_ratio
        value = check_real("warmup_ratio", ratio, 0.0, 1.0)
        return math.ceil(total * value)
    return warmup_steps(steps, total)
