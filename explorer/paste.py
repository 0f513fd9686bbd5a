"""What a pasted text is: a Hugging Face config, PyTorch scheduler code, or timm arguments.

Pure functions, no Streamlit. Nothing pasted is executed: a Hugging Face config
and timm's ``args.yaml`` are read as data (``explorer.hf_paste``), timm's command
line is split into ``--name value`` pairs, and PyTorch code is read with ``ast``
by ``dynweights.from_torch``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import dynweights
from dynweights import Bound
from dynweights.budget import Budget
from dynweights.pytorch import as_family
from explorer import setup
from explorer.hf_paste import MAX_CHARS, PasteError, parse_config
from explorer.inputs import Value, count, number, parse_number

KINDS = {
    "hf": "a Hugging Face Trainer config",
    "torch": "PyTorch scheduler code",
    "timm": "timm arguments",
}
_TORCH = re.compile(
    r"\b(?:LambdaLR|MultiplicativeLR|StepLR|MultiStepLR|ConstantLR|LinearLR|ExponentialLR|"
    r"SequentialLR|ChainedScheduler|PolynomialLR|CosineAnnealingLR|CosineAnnealingWarmRestarts|"
    r"CyclicLR|OneCycleLR|ReduceLROnPlateau)\s*\("
)
_CLI = re.compile(r"(?:^|\s)--sched(?:\s|=)")
_CLI_NAME = re.compile(r"[a-z][a-z0-9-]{0,39}")


@dataclass(frozen=True)
class Pasted:
    """A pasted text read: its kind, the schedule, a label, and what was assumed.

    ``run`` is a Hugging Face config's budget (its batch, accumulation, epochs).
    """

    kind: str
    bound: Bound
    label: str
    assumed: tuple[str, ...] = ()
    run: Budget | None = None


def kind_of(text: str) -> str:
    """``torch`` for scheduler code, ``timm`` for ``--sched`` arguments or a mapping with
    ``sched``, else ``hf``. Only the text's form decides; nothing is run."""
    head = text[:MAX_CHARS]
    if _TORCH.search(head):
        return "torch"
    if _CLI.search(head):
        return "timm"
    try:
        config = parse_config(head)
    except ValueError:
        return "hf"
    return "timm" if "sched" in config else "hf"


def cli_args(text: str) -> dict[str, Any]:
    """timm's command line as a mapping: ``--sched cosine --warmup-epochs 5`` →
    ``{"sched": "cosine", "warmup_epochs": 5}``; a flag alone is ``True`` and several
    values are a list (``--decay-milestones 30 60``). Other words are ignored.
    """
    out: dict[str, Any] = {}
    name: str | None = None
    for word in text.replace("=", " ").split():
        if word.startswith("--"):
            key = word[2:]
            if not _CLI_NAME.fullmatch(key):
                raise PasteError(f"--{key[:40]} is not an argument name")
            name = key.replace("-", "_")
            out[name] = True
            continue
        if name is None:
            continue  # "python train.py" and the like
        value = _word(word)
        current = out[name]
        out[name] = value if current is True else [*_listed(current), value]
    return out


def _listed(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _word(word: str) -> Any:
    for integer in (True, False):
        try:
            return parse_number(word, integer=integer, signed=True)
        except ValueError:
            continue
    return {"true": True, "false": False, "none": None}.get(word.lower(), word)


def read(text: str, shared: Mapping[str, Value]) -> Pasted:
    """The schedule ``text`` states, with what the page's settings supply.

    The shared peak LR is PyTorch code's optimizer learning rate, and the shared
    total steps its length where the code fixes none; the training setup gives a
    Hugging Face config its examples and devices, and timm its updates per epoch.

    Raises:
      ValueError: naming what was wrong (the part of the code, the field).
    """
    if len(text) > MAX_CHARS:
        raise PasteError(f"the text is {len(text):,} characters; at most {MAX_CHARS:,} are read")
    kind = kind_of(text)
    lr, total_steps = number(shared["init_lr"]), count(shared["total_steps"])
    if kind == "torch":
        assumed = [f"the optimizer's learning rate is the shared peak LR, {lr:g}"]
        try:
            bound = dynweights.from_torch(text, lr=lr)
        except ValueError as err:
            if "fixes no length" not in str(err):
                raise
            bound = dynweights.from_torch(text, lr=lr, total_steps=total_steps)
            assumed.append(f"it runs the shared {total_steps:,} steps (the code fixes none)")
        family = as_family(bound)
        name = _TORCH.search(text)
        label = "torch " + (name.group(0).rstrip("( ") if name else "scheduler")
        if family is not None:
            assumed.append(f"it is {family.label}, so it is editable as that family")
            return Pasted(kind, family, label, tuple(assumed))
        return Pasted(kind, bound, label, tuple(assumed))
    if kind == "timm":
        stripped = text.strip()
        args = cli_args(stripped) if _CLI.search(stripped) else parse_config(stripped)
        per_epoch = setup.budget(shared).steps_per_epoch
        bound = dynweights.from_timm(args, updates_per_epoch=per_epoch)
        note = f"{per_epoch:,} updates per epoch, from the training setup"
        return Pasted(kind, bound, f"timm {args.get('sched', 'cosine')}", (note,))
    config = parse_config(text)
    bound, run = setup.from_config(config, shared)
    return Pasted(kind, bound, f"HF {config.get('lr_scheduler_type', 'linear')}", run=run)
