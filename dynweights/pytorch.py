"""``from_torch``: the exact curve of a pasted ``torch.optim.lr_scheduler`` construction.

The source is read with :mod:`ast`, never evaluated: a small grammar of
scheduler calls, numbers, lists and ``lambda`` expressions of the step. It is
then understood twice, and the two must agree:

- **The replay** (``_Sim`` and its subclasses) is torch 2.13's
  ``lr_scheduler.py`` for one parameter group, line for line, in plain Python
  floats: each construction steps once and writes the shared learning rate,
  ``SequentialLR`` resets it and undoes its children's steps, a scheduler
  switched to at a milestone restarts from its closed form at 0
  (``_update_lr(0)``), and a ``ChainedScheduler`` steps every child in turn,
  so a child that rescales the learning rate rescales whatever the one before
  it has just set. Its values are torch's, bit for bit.
- **The tree** (``_compile``) writes the same curve with the pieces of
  ``dynweights._tree``, so that it prints to every target: a scheduler is a
  closed form, ``SequentialLR`` a ``Join`` whose pieces each see their own
  local step from 0, ``ChainedScheduler`` a ``Product`` of each child's
  factor, and a ``LambdaLR`` lambda an ``Expr`` leaf.

The tree is checked against the replay over the first ``VERIFY_STEPS`` steps
(all of them for a shorter schedule), to 1e-12 relative. Where torch's
recursion is not a product of closed forms (a scheduler that rescales what
another has just set within a step, nested compositions), or where the check
fails, the schedule is the replay itself, tabulated (``Table``), for spans of
at most ``VERIFY_STEPS`` steps. Past ``VERIFY_STEPS`` a closed form is used
unchecked: torch's recursion drifts from it by about one ulp per step (6e-13
relative after 100,000 steps of ``CosineAnnealingLR``).
"""

from __future__ import annotations

import ast
import itertools
import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from dynweights._bound import Bound
from dynweights._checks import check_int, check_real, fail, show
from dynweights._spec import MAX_TOTAL_STEPS, Native, Natives
from dynweights._tree import (
    EXPR_FUNCTIONS,
    PY,
    Expr,
    ExprTree,
    Join,
    Leaf,
    Node,
    Product,
    expr_code,
    join,
    num,
    shaped,
    table,
    tex_num,
)
from dynweights.lr import Restarts

MAX_SOURCE_CHARS = 20_000
MAX_DEPTH = 64
# The replay checks the tree over this many steps, and tabulates schedules
# without a closed form up to this length.
VERIFY_STEPS = 20_000
RTOL = 1e-12
PREFIX = "torch.optim.lr_scheduler."

# Each class's parameters in torch's order, and the required ones.
SIGNATURES: Mapping[str, tuple[str, ...]] = {
    name: tuple(params.split())
    for name, params in {
        "LambdaLR": "optimizer lr_lambda last_epoch",
        "MultiplicativeLR": "optimizer lr_lambda last_epoch",
        "StepLR": "optimizer step_size gamma last_epoch",
        "MultiStepLR": "optimizer milestones gamma last_epoch",
        "ConstantLR": "optimizer factor total_iters last_epoch",
        "LinearLR": "optimizer start_factor end_factor total_iters last_epoch",
        "ExponentialLR": "optimizer gamma last_epoch",
        "SequentialLR": "optimizer schedulers milestones last_epoch",
        "ChainedScheduler": "schedulers optimizer",
        "PolynomialLR": "optimizer total_iters power last_epoch",
        "CosineAnnealingLR": "optimizer T_max eta_min last_epoch",
        "CyclicLR": "optimizer base_lr max_lr step_size_up step_size_down mode gamma scale_fn "
        "scale_mode cycle_momentum base_momentum max_momentum last_epoch",
        "CosineAnnealingWarmRestarts": "optimizer T_0 T_mult eta_min last_epoch",
        "OneCycleLR": "optimizer max_lr total_steps epochs steps_per_epoch pct_start "
        "anneal_strategy cycle_momentum base_momentum max_momentum div_factor "
        "final_div_factor three_phase last_epoch",
    }.items()
}
DEFAULTS: Mapping[str, Mapping[str, Any]] = {
    "LambdaLR": {},
    "MultiplicativeLR": {},
    "StepLR": {"gamma": 0.1},
    "MultiStepLR": {"gamma": 0.1},
    "ConstantLR": {"factor": 1.0 / 3, "total_iters": 5},
    "LinearLR": {"start_factor": 1.0 / 3, "end_factor": 1.0, "total_iters": 5},
    "ExponentialLR": {},
    "SequentialLR": {},
    "ChainedScheduler": {},
    "PolynomialLR": {"total_iters": 5, "power": 1.0},
    "CosineAnnealingLR": {"eta_min": 0.0},
    "CyclicLR": {
        "step_size_up": 2000,
        "step_size_down": None,
        "mode": "triangular",
        "gamma": 1.0,
        "scale_fn": None,
        "scale_mode": "cycle",
        "cycle_momentum": True,
        "base_momentum": 0.8,
        "max_momentum": 0.9,
    },
    "CosineAnnealingWarmRestarts": {"T_mult": 1, "eta_min": 0.0},
    "OneCycleLR": {
        "total_steps": None,
        "epochs": None,
        "steps_per_epoch": None,
        "pct_start": 0.3,
        "anneal_strategy": "cos",
        "cycle_momentum": True,
        "base_momentum": 0.85,
        "max_momentum": 0.95,
        "div_factor": 25.0,
        "final_div_factor": 1e4,
        "three_phase": False,
    },
}
COMPOSITES = ("SequentialLR", "ChainedScheduler")
# Schedulers that set the learning rate from their own numbers; the others
# rescale the learning rate they find.
ABSOLUTE = ("LambdaLR", "CyclicLR", "CosineAnnealingWarmRestarts", "OneCycleLR")
NOT_STEP_DRIVEN = {
    "ReduceLROnPlateau": "ReduceLROnPlateau follows a metric: use reduce_on_plateau",
    "SWALR": "SWALR is torch.optim.swa_utils's, not a step-driven lr_scheduler class",
    "LRScheduler": "LRScheduler is the abstract base class: name a scheduler",
}


# ---------------------------------------------------------------------------
# Reading the source: ast nodes to Call values, nothing evaluated.


@dataclass(frozen=True)
class Lambda:
    """A ``lambda`` of the step, as an expression tree (``dynweights._tree.ExprTree``)."""

    expr: ExprTree


@dataclass(frozen=True)
class Call:
    """One scheduler construction: its class and the arguments it was given."""

    name: str
    args: tuple[tuple[str, Any], ...]

    def get(self, key: str) -> Any:
        given = dict(self.args)
        return given[key] if key in given else DEFAULTS[self.name].get(key)

    @property
    def children(self) -> tuple[Call, ...]:
        return tuple(self.get("schedulers")) if self.name in COMPOSITES else ()


_NODE_WORDS = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscripts",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.Starred: "star arguments",
    ast.Dict: "dicts",
    ast.Set: "sets",
    ast.JoinedStr: "f-strings",
    ast.NamedExpr: "assignment expressions",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.BoolOp: "and/or",
}


def _refuse(node: ast.AST, where: str = "") -> ValueError:
    word = _NODE_WORDS.get(type(node), type(node).__name__)
    text = ast.unparse(node) if isinstance(node, ast.expr) else word
    place = f"{where}: " if where else ""
    return ValueError(f"{place}{word} not allowed in a scheduler source, got {show(text)}")


def _depth(depth: int) -> None:
    if depth > MAX_DEPTH:
        raise ValueError(f"source nested more than {MAX_DEPTH} levels deep")


def _check_name(name: str) -> str:
    if name.startswith("__"):
        raise ValueError(f"dunder names are not allowed in a scheduler source, got {show(name)}")
    return name


def _class_name(func: ast.expr) -> str:
    """``StepLR``, ``lr_scheduler.StepLR`` or ``torch.optim.lr_scheduler.StepLR``."""
    parts: list[str] = []
    node = func
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        raise _refuse(func)
    parts.append(node.id)
    parts.reverse()
    for part in parts:
        _check_name(part)
    *prefix, name = parts
    if prefix and prefix != ["torch", "optim", "lr_scheduler"][-len(prefix) :]:
        raise ValueError(
            "attribute access not allowed in a scheduler source other than the "
            f"torch.optim.lr_scheduler prefix, got {show('.'.join(parts))}"
        )
    if name in NOT_STEP_DRIVEN:
        raise ValueError(NOT_STEP_DRIVEN[name])
    if name not in SIGNATURES:
        raise ValueError(
            f"scheduler must be one of torch.optim.lr_scheduler's step-driven classes "
            f"({', '.join(sorted(SIGNATURES))}), got {show(name)}"
        )
    return name


class _Reader:
    """Turns ast nodes into values; remembers the optimizer's name."""

    def __init__(self) -> None:
        self.optimizer: str | None = None

    def call(self, node: ast.expr, depth: int) -> Call:
        _depth(depth)
        if not isinstance(node, ast.Call):
            text = show(ast.unparse(node))
            raise ValueError(f"a scheduler must be a call like StepLR(optimizer, ...), got {text}")
        name = _class_name(node.func)
        signature = SIGNATURES[name]
        given: dict[str, ast.expr] = {}
        if len(node.args) > len(signature):
            raise ValueError(f"{name}: takes at most {len(signature)} positional arguments")
        for key, arg in zip(signature, node.args, strict=False):
            if isinstance(arg, ast.Starred):
                raise _refuse(arg, name)
            given[key] = arg
        for keyword in node.keywords:
            if keyword.arg is None:
                raise ValueError(f"{name}: **kwargs not allowed in a scheduler source")
            if keyword.arg not in signature:
                raise ValueError(
                    f"{name}: unknown argument {show(keyword.arg)}; it takes {', '.join(signature)}"
                )
            if keyword.arg in given:
                raise ValueError(f"{name}: argument {keyword.arg} given twice")
            given[keyword.arg] = keyword.value
        required = ("optimizer", *REQUIRED.get(name, ()))
        if name == "ChainedScheduler":
            required = ("schedulers",)
        for key in required:
            if key not in given:
                raise ValueError(f"{name}: missing argument {key}")
        args: list[tuple[str, Any]] = []
        for key in signature:
            if key not in given:
                continue
            if key == "optimizer":
                self.optimizer_name(name, given[key])
                continue
            args.append((key, self.value(name, key, given[key], depth + 1)))
        return Call(name, tuple(args))

    def optimizer_name(self, where: str, node: ast.expr) -> None:
        if not isinstance(node, ast.Name):
            raise ValueError(f"{where}: optimizer must be a name, got {show(ast.unparse(node))}")
        name = _check_name(node.id)
        if self.optimizer is None:
            self.optimizer = name
        elif self.optimizer != name:
            raise ValueError(
                f"{where}: optimizer must be the same for every scheduler "
                f"({self.optimizer}), got {show(name)}"
            )

    def value(self, where: str, key: str, node: ast.expr, depth: int) -> Any:
        _depth(depth)
        if key == "schedulers":
            if not isinstance(node, ast.List | ast.Tuple):
                raise ValueError(f"{where}: schedulers must be a list of schedulers")
            return tuple(self.call(item, depth + 1) for item in node.elts)
        if isinstance(node, ast.Lambda):
            return Lambda(_lambda(where, node, depth + 1))
        if isinstance(node, ast.List | ast.Tuple):
            return tuple(self.value(where, key, item, depth + 1) for item in node.elts)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool | int | float | str) or node.value is None:
                return node.value
            raise _refuse(node, where)
        if isinstance(node, ast.Name):
            raise ValueError(
                f"{where}: {key} must be a literal value, got the name {show(_check_name(node.id))}"
            )
        if isinstance(node, ast.UnaryOp | ast.BinOp):
            return _fold(where, key, node, depth)
        if isinstance(node, ast.Call):
            raise ValueError(
                f"{where}: {key} must be a literal value, got the call {show(ast.unparse(node))}"
            )
        raise _refuse(node, where)


REQUIRED: Mapping[str, tuple[str, ...]] = {
    "LambdaLR": ("lr_lambda",),
    "MultiplicativeLR": ("lr_lambda",),
    "StepLR": ("step_size",),
    "MultiStepLR": ("milestones",),
    "ExponentialLR": ("gamma",),
    "SequentialLR": ("schedulers", "milestones"),
    "CosineAnnealingLR": ("T_max",),
    "CyclicLR": ("base_lr", "max_lr"),
    "CosineAnnealingWarmRestarts": ("T_0",),
    "OneCycleLR": ("max_lr",),
}

_ARITH = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
}
_COMPARE = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}


def _apply(op: str, a: Any, b: Any) -> Any:
    """Python's ``a op b`` on numbers, refusing integer powers too large to convert to float."""
    both_int = isinstance(a, int) and isinstance(b, int)
    if both_int and op == "**" and abs(a) > 1 and b > 0 and a.bit_length() * b > 4096:
        raise OverflowError("integer power too large")
    if both_int and op in ("+", "-", "*") and max(a.bit_length(), b.bit_length()) > 4096:
        raise OverflowError("integer too large")
    return {
        "+": lambda: a + b,
        "-": lambda: a - b,
        "*": lambda: a * b,
        "/": lambda: a / b,
        "//": lambda: a // b,
        "%": lambda: a % b,
        "**": lambda: a**b,
        "<": lambda: a < b,
        "<=": lambda: a <= b,
        ">": lambda: a > b,
        ">=": lambda: a >= b,
        "==": lambda: a == b,
        "!=": lambda: a != b,
    }[op]()


def _fold(where: str, key: str, node: ast.expr, depth: int) -> int | float:
    """A number written as arithmetic of literals: ``1.0 / 3``, ``-1e-3``, ``2 ** 10``."""
    _depth(depth)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value  # type: ignore[return-value]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _fold(where, key, node.operand, depth + 1)
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITH:
        a = _fold(where, key, node.left, depth + 1)
        b = _fold(where, key, node.right, depth + 1)
        try:
            out = _apply(_ARITH[type(node.op)], a, b)
        except (ArithmeticError, ValueError):
            fail(f"{where}: {key}", "a finite number", ast.unparse(node))
        if isinstance(out, complex) or (isinstance(out, float) and not math.isfinite(out)):
            fail(f"{where}: {key}", "a finite number", ast.unparse(node))
        return out  # type: ignore[no-any-return]
    raise ValueError(
        f"{where}: {key} must be a number written with literals, got {show(ast.unparse(node))}"
    )


def _lambda(where: str, node: ast.Lambda, depth: int) -> ExprTree:
    a = node.args
    if (
        len(a.args) != 1
        or a.posonlyargs
        or a.vararg
        or a.kwonlyargs
        or a.kwarg
        or a.defaults
        or a.kw_defaults
    ):
        raise ValueError(f"{where}: a lambda must take exactly one argument, the step")
    var = _check_name(a.args[0].arg)
    return _expr(where, node.body, var, depth + 1)


def _expr(where: str, node: ast.expr, var: str, depth: int) -> ExprTree:
    """A lambda's body: arithmetic, comparisons, ``if``/``else``, math functions, min, max, abs."""
    _depth(depth)

    def sub(n: ast.expr) -> ExprTree:
        return _expr(where, n, var, depth + 1)

    if isinstance(node, ast.Constant):
        if type(node.value) in (int, float):
            return ("num", node.value)
        if type(node.value) is bool:
            return ("num", int(node.value))
        raise _refuse(node, f"{where} lambda")
    if isinstance(node, ast.Name):
        if _check_name(node.id) != var:
            raise ValueError(
                f"{where}: a lambda may only name its argument {var!r} and math, "
                f"got {show(node.id)}"
            )
        return ("var",)
    if isinstance(node, ast.Attribute):
        is_math = isinstance(node.value, ast.Name) and node.value.id == "math"
        if is_math and node.attr in ("pi", "e", "tau"):
            return ("const", node.attr)
        raise ValueError(
            f"{where}: attribute access not allowed in a lambda other than math.pi, "
            f"math.e, math.tau and math functions, got {show(ast.unparse(node))}"
        )
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.USub):
            inner = sub(node.operand)
            return ("num", -inner[1]) if inner[0] == "num" else ("neg", inner)
        if isinstance(node.op, ast.UAdd):
            return sub(node.operand)
        raise _refuse(node, f"{where} lambda")
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITH:
        return ("bin", _ARITH[type(node.op)], sub(node.left), sub(node.right))
    if isinstance(node, ast.Compare):
        if len(node.ops) != 1 or type(node.ops[0]) not in _COMPARE:
            raise ValueError(
                f"{where}: a lambda may compare two values at a time with <, <=, >, >=, "
                f"== or !=, got {show(ast.unparse(node))}"
            )
        return ("cmp", _COMPARE[type(node.ops[0])], sub(node.left), sub(node.comparators[0]))
    if isinstance(node, ast.IfExp):
        return ("if", sub(node.test), sub(node.body), sub(node.orelse))
    if isinstance(node, ast.Call):
        return _expr_call(where, node, sub)
    raise _refuse(node, f"{where} lambda")


def _expr_call(where: str, node: ast.Call, sub: Callable[[ast.expr], ExprTree]) -> ExprTree:
    func = node.func
    if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
        raise ValueError(f"{where}: a lambda's calls take plain arguments")
    if isinstance(func, ast.Name) and func.id in ("min", "max", "abs"):
        count = len(node.args)
        if (func.id == "abs" and count != 1) or (func.id != "abs" and count < 2):
            raise ValueError(
                f"{where}: {func.id} takes {'one argument' if func.id == 'abs' else 'two or more'}"
            )
        return ("call", func.id, *(sub(a) for a in node.args))
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id == "math"
        and func.attr in EXPR_FUNCTIONS
    ):
        if len(node.args) != 1:
            raise ValueError(f"{where}: math.{func.attr} takes one argument")
        return ("call", func.attr, sub(node.args[0]))
    raise ValueError(
        f"{where}: a lambda may call min, max, abs and math.{{{', '.join(sorted(EXPR_FUNCTIONS))}}}"
        f", got {show(ast.unparse(func))}"
    )


def parse(source: str) -> Call:
    """The scheduler a source constructs, read with ``ast`` and checked, never run.

    Raises:
      ValueError: for text that is not one construction of the grammar, naming
        the part: an unknown class, an argument, an attribute, a call.
    """
    if not isinstance(source, str):
        fail("source", "a str", source)
    if len(source) > MAX_SOURCE_CHARS:
        fail("source", f"at most {MAX_SOURCE_CHARS} characters", f"{len(source)} characters")
    try:
        module = ast.parse(source.strip(), mode="exec")
    except (SyntaxError, ValueError) as error:
        raise ValueError(f"source is not valid Python: {show(str(error))}") from None
    except (RecursionError, MemoryError):
        raise ValueError("source is nested too deeply to read") from None
    for node in ast.walk(module):  # iterative: no recursion on deep input
        name = (
            getattr(node, "id", None) or getattr(node, "attr", None) or getattr(node, "arg", None)
        )
        if isinstance(name, str):
            _check_name(name)
    body = module.body
    if len(body) != 1:
        raise ValueError(
            "source must be one scheduler construction, `X(...)` or `name = X(...)`, "
            f"got {len(body)} statements"
        )
    statement = body[0]
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        if not isinstance(statement.targets[0], ast.Name):
            raise _refuse(statement.targets[0])
        _check_name(statement.targets[0].id)
        node = statement.value
    elif isinstance(statement, ast.Expr):
        node = statement.value
    else:
        words = {ast.Import: "imports", ast.ImportFrom: "imports"}
        word = words.get(type(statement), type(statement).__name__)
        raise ValueError(f"{word} not allowed in a scheduler source")
    try:
        call = _Reader().call(node, 0)
    except RecursionError:
        raise ValueError("source is nested too deeply to read") from None
    return _checked(call, 0)


# ---------------------------------------------------------------------------
# Checking each class's arguments: torch's own checks, and those that torch
# leaves to a crash at some later step (a step_size of 0 divides by zero).


def _int(where: str, key: str, value: Any, low: int) -> int:
    rule = f"an integer >= {low}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return check_int(f"{where}: {key}", value, low, MAX_TOTAL_STEPS, rule=rule)


def _real(
    where: str, key: str, value: Any, low: float = -math.inf, high: float = math.inf, **kw: Any
) -> float:
    return check_real(f"{where}: {key}", value, low, high, **kw)


def _one(where: str, key: str, value: Any) -> Any:
    """A per-group list of one value (one parameter group) is that value."""
    if isinstance(value, tuple):
        if len(value) != 1:
            fail(f"{where}: {key}", "one value (one parameter group)", list(value))
        return value[0]
    return value


def _checked(call: Call, depth: int) -> Call:
    """``call`` with every argument checked and normalised (ints as int, reals as float)."""
    name, out = call.name, {}
    given = dict(call.args)
    for key, raw in given.items():
        out[key] = _check_arg(name, key, raw, given, depth)
    if name == "SequentialLR":
        count, milestones = len(out["schedulers"]), out["milestones"]
        if len(milestones) != count - 1:
            fail(
                f"{name}: milestones",
                f"one fewer than the schedulers ({count - 1})",
                list(milestones),
            )
        for index, child in enumerate(out["schedulers"][1:], start=1):
            if child.name in COMPOSITES:
                raise ValueError(
                    f"{name}: schedulers[{index}] must not be a {child.name}: torch restarts "
                    "a scheduler at its milestone with _update_lr(0), which a "
                    f"{child.name} does not have (NotImplementedError)"
                )
            for key, why in (("LinearLR", "total_iters"), ("PolynomialLR", "total_iters")):
                if child.name == key and child.get(why) == 0:
                    fail(
                        f"{name}: schedulers[{index}] {key}: total_iters",
                        ">= 1 after a milestone (torch's closed form divides by it)",
                        0,
                    )
    lengths = (out.get("total_steps"), out.get("epochs"), out.get("steps_per_epoch"))
    if name == "OneCycleLR" and lengths[0] is None and None in lengths[1:]:
        raise ValueError(
            "OneCycleLR: total_steps must be given, or both epochs and steps_per_epoch"
        )
    # torch's defaults are left out: StepLR(o, 3) and StepLR(o, 3, gamma=0.1) read the same.
    missing = object()
    kept = {
        key: value
        for key, value in out.items()
        if key != "last_epoch"
        and not (
            DEFAULTS[name].get(key, missing) == value
            and type(DEFAULTS[name].get(key)) is type(value)
        )
    }
    return Call(name, tuple(kept.items()))


def _check_arg(name: str, key: str, raw: Any, given: Mapping[str, Any], depth: int) -> Any:
    if key == "last_epoch":
        if raw != -1 or isinstance(raw, bool):
            fail(f"{name}: last_epoch", "-1 (resuming a checkpoint is not modelled)", raw)
        return -1
    if key == "schedulers":
        if not raw:
            fail(f"{name}: schedulers", "a list of at least one scheduler", [])
        return tuple(_checked(child, depth + 1) for child in raw)
    if key == "lr_lambda":
        value = _one(name, key, raw)
        if not isinstance(value, Lambda):
            fail(f"{name}: lr_lambda", "a lambda of the step", value)
        return value
    if isinstance(raw, Lambda):
        fail(f"{name}: {key}", "a value, not a lambda", "lambda")
    if key == "scale_fn":
        if raw is not None:
            fail(f"{name}: scale_fn", "None (use mode)", raw)
        return None
    if key == "milestones":
        if not isinstance(raw, tuple):
            fail(f"{name}: milestones", "a list of integers >= 1", raw)
        items = [_int(name, "milestones", m, 1) for m in raw]
        if name == "SequentialLR" and any(b <= a for a, b in itertools.pairwise(items)):
            fail(f"{name}: milestones", "strictly increasing integers >= 1", list(raw))
        return tuple(items)
    if key in ("step_size", "T_max", "T_0", "T_mult", "step_size_up"):
        return _int(name, key, raw, 1)
    if key in ("total_steps", "epochs", "steps_per_epoch", "step_size_down"):
        return None if raw is None else _int(name, key, raw, 1)
    if key == "total_iters":
        return _int(name, key, raw, 0)
    if key in ("mode", "anneal_strategy", "scale_mode"):
        choices = {
            "mode": ("triangular", "triangular2", "exp_range"),
            "anneal_strategy": ("cos", "linear"),
            "scale_mode": ("cycle", "iterations"),
        }[key]
        if raw not in choices:
            fail(f"{name}: {key}", "one of " + ", ".join(repr(c) for c in choices), raw)
        return raw
    if key in ("three_phase", "cycle_momentum"):
        if not isinstance(raw, bool):
            fail(f"{name}: {key}", "True or False", raw)
        return raw
    value = _one(name, key, raw)
    if key == "factor":
        return _real(name, key, value, 0.0, 1.0)
    if key == "start_factor":
        return _real(name, key, value, 0.0, 1.0, low_open=True, rule="in (0, 1]")
    if key == "end_factor" or key == "pct_start":
        return _real(name, key, value, 0.0, 1.0)
    if key == "power":
        return _real(name, key, value, 0.0)
    if key in ("div_factor", "final_div_factor"):
        return _real(name, key, value, 0.0, low_open=True)
    return _real(name, key, value)


# ---------------------------------------------------------------------------
# The replay: torch 2.13's lr_scheduler.py for one parameter group.


class TorchRaises(ValueError):
    """A step at which torch itself raises; the message says which and why."""


def _lambda_at(where: str, e: ExprTree, step: int) -> float:
    try:
        value = _evaluate(e, step)
        if not isinstance(value, complex):
            value = float(value)  # as torch's base_lr * value converts it
    except (ArithmeticError, ValueError) as error:
        raise TorchRaises(f"{where}: lr_lambda raises at step {step}: {error}") from None
    if isinstance(value, complex):
        raise TorchRaises(f"{where}: lr_lambda is complex at step {step}")
    return value  # type: ignore[no-any-return]


def _evaluate(e: ExprTree, x: Any) -> Any:
    """The expression at ``x`` with Python's own semantics, as the lambda torch calls."""
    kind = e[0]
    if kind == "num":
        return e[1]
    if kind == "var":
        return x
    if kind == "const":
        return getattr(math, e[1])
    if kind == "neg":
        return -_evaluate(e[1], x)
    if kind in ("bin", "cmp"):
        return _apply(e[1], _evaluate(e[2], x), _evaluate(e[3], x))
    if kind == "if":
        return _evaluate(e[2], x) if _evaluate(e[1], x) else _evaluate(e[3], x)
    args = [_evaluate(a, x) for a in e[2:]]
    if e[1] == "min":
        return min(args)
    if e[1] == "max":
        return max(args)
    if e[1] == "abs":
        return abs(args[0])
    return getattr(math, e[1])(*args)


class Group(dict[str, Any]):
    """The optimizer's one parameter group: ``lr``, ``initial_lr``, one-cycle's keys."""


class _Sim:
    """``LRScheduler``: the base class's construction, ``step`` and ``_update_lr``."""

    closed = False  # whether torch gives the class a _get_closed_form_lr

    def __init__(self, call: Call, group: Group) -> None:
        self.call, self.group = call, group
        group.setdefault("initial_lr", group["lr"])
        self.base: float = group["initial_lr"]
        self.last_epoch = -1
        self.is_initial = False
        self.step_count = 0
        self.initial_step()

    def p(self, key: str) -> Any:
        return self.call.get(key)

    def initial_step(self) -> None:
        self.step_count = 0
        self.is_initial = True
        try:
            self.step()
        finally:
            self.is_initial = False

    def step(self) -> None:
        self.step_count += 1
        self.update_lr(None)

    def update_lr(self, epoch: int | None) -> None:
        if epoch is None:
            self.last_epoch += 1
            value = self.get_lr()
        else:
            self.last_epoch = epoch
            value = self.closed_form() if self.closed else self.get_lr()
        self.group["lr"] = value

    def get_lr(self) -> Any:
        raise NotImplementedError

    def closed_form(self) -> Any:
        raise NotImplementedError

    @property
    def lr(self) -> Any:
        return self.group["lr"]


class _LambdaLR(_Sim):
    def get_lr(self) -> Any:
        return self.base * _lambda_at("LambdaLR", self.p("lr_lambda").expr, self.last_epoch)


class _MultiplicativeLR(_Sim):
    def get_lr(self) -> Any:
        if self.is_initial:
            return self.lr
        return self.lr * _lambda_at("MultiplicativeLR", self.p("lr_lambda").expr, self.last_epoch)


class _StepLR(_Sim):
    closed = True

    def get_lr(self) -> Any:
        e = self.last_epoch
        if e == 0 or e % self.p("step_size") != 0:
            return self.lr
        return self.lr * self.p("gamma")

    def closed_form(self) -> Any:
        return self.base * self.p("gamma") ** (self.last_epoch // self.p("step_size"))


class _MultiStepLR(_Sim):
    closed = True

    def get_lr(self) -> Any:
        counts = Counter(self.p("milestones"))
        if self.last_epoch not in counts:
            return self.lr
        return self.lr * self.p("gamma") ** counts[self.last_epoch]

    def closed_form(self) -> Any:
        milestones = sorted(self.p("milestones"))
        return self.base * self.p("gamma") ** bisect_right(milestones, self.last_epoch)


class _ConstantLR(_Sim):
    closed = True

    def get_lr(self) -> Any:
        e, factor = self.last_epoch, self.p("factor")
        if e == 0:
            return self.lr * factor
        if e != self.p("total_iters"):
            return self.lr
        try:
            return self.lr * (1.0 / factor)
        except ZeroDivisionError:
            raise TorchRaises(
                f"ConstantLR: factor must be > 0 to reach total_iters ({e}): torch divides by it"
            ) from None

    def closed_form(self) -> Any:
        f = self.p("factor")
        return self.base * (f + (self.last_epoch >= self.p("total_iters")) * (1 - f))


class _LinearLR(_Sim):
    closed = True

    def get_lr(self) -> Any:
        e, start, end, iters = (
            self.last_epoch,
            self.p("start_factor"),
            self.p("end_factor"),
            self.p("total_iters"),
        )
        if e == 0:
            return self.lr * start
        if self.is_initial or e > iters:
            return self.lr
        return self.lr * (1.0 + (end - start) / (iters * start + (e - 1) * (end - start)))

    def closed_form(self) -> Any:
        start, end, iters = self.p("start_factor"), self.p("end_factor"), self.p("total_iters")
        return self.base * (start + (end - start) * min(iters, self.last_epoch) / iters)


class _ExponentialLR(_Sim):
    closed = True

    def get_lr(self) -> Any:
        return self.lr if self.is_initial else self.lr * self.p("gamma")

    def closed_form(self) -> Any:
        return self.base * self.p("gamma") ** self.last_epoch


class _PolynomialLR(_Sim):
    closed = True

    def get_lr(self) -> Any:
        e, iters, power = self.last_epoch, self.p("total_iters"), self.p("power")
        if self.is_initial or e > iters:
            return self.lr
        try:
            decay = ((1.0 - e / iters) / (1.0 - (e - 1) / iters)) ** power
        except ZeroDivisionError:
            raise TorchRaises(f"PolynomialLR: divides by zero at step {e}") from None
        return self.lr * decay

    def closed_form(self) -> Any:
        iters = self.p("total_iters")
        return self.base * (1.0 - min(iters, self.last_epoch) / iters) ** self.p("power")


class _CosineAnnealingLR(_Sim):
    closed = True

    def get_lr(self) -> Any:
        e, t, m = self.last_epoch, self.p("T_max"), self.p("eta_min")
        if self.is_initial:
            return self.lr
        if self.step_count == 1 and e > 0:
            return m + (self.base - m) * (1 + math.cos((e) * math.pi / t)) / 2
        if (e - 1 - t) % (2 * t) == 0:
            return self.lr + (self.base - m) * (1 - math.cos(math.pi / t)) / 2
        return (1 + math.cos(math.pi * e / t)) / (1 + math.cos(math.pi * (e - 1) / t)) * (
            self.lr - m
        ) + m

    def closed_form(self) -> Any:
        m = self.p("eta_min")
        return m + (self.base - m) * (1 + math.cos(math.pi * self.last_epoch / self.p("T_max"))) / 2


class _CyclicLR(_Sim):
    def __init__(self, call: Call, group: Group) -> None:
        base_lr = call.get("base_lr")
        group["lr"] = base_lr
        up = float(call.get("step_size_up"))
        down = float(call.get("step_size_down")) if call.get("step_size_down") is not None else up
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        super().__init__(call, group)
        self.base = base_lr

    def get_lr(self) -> Any:
        e = self.last_epoch
        cycle = math.floor(1 + e / self.total_size)
        x = 1.0 + e / self.total_size - cycle
        if x <= self.step_ratio:
            scale_factor = x / self.step_ratio
        else:
            scale_factor = (x - 1) / (self.step_ratio - 1)
        base_height = (self.p("max_lr") - self.base) * scale_factor
        mode = self.p("mode")
        if mode == "triangular":
            return self.base + base_height * 1.0
        if mode == "triangular2":
            return self.base + base_height * (1 / (2.0 ** (cycle - 1)))
        return self.base + base_height * self.p("gamma") ** e


class _CosineAnnealingWarmRestarts(_Sim):
    def __init__(self, call: Call, group: Group) -> None:
        self.t_i = call.get("T_0")
        self.t_cur = -1
        super().__init__(call, group)

    def step(self) -> None:
        if self.last_epoch < 0:
            self.t_i, self.t_cur = self.p("T_0"), 0
            self.last_epoch = 0
        else:
            self.last_epoch += 1
            self.t_cur += 1
            if self.t_cur >= self.t_i:
                self.t_cur = self.t_cur % self.t_i
                self.t_i = self.t_i * self.p("T_mult")
        self.group["lr"] = self.get_lr()

    def get_lr(self) -> Any:
        m = self.p("eta_min")
        return m + (self.base - m) * (1 + math.cos(math.pi * self.t_cur / self.t_i)) / 2


class _OneCycleLR(_Sim):
    def __init__(self, call: Call, group: Group) -> None:
        total = call.get("total_steps")
        if total is None:
            total = call.get("epochs") * call.get("steps_per_epoch")
        self.total = total
        pct = float(call.get("pct_start"))
        if call.get("three_phase"):
            self.phases = [
                (float(pct * total) - 1, "initial_lr", "max_lr"),
                (float(2 * pct * total) - 2, "max_lr", "initial_lr"),
                (total - 1, "initial_lr", "min_lr"),
            ]
        else:
            self.phases = [
                (float(pct * total) - 1, "initial_lr", "max_lr"),
                (total - 1, "max_lr", "min_lr"),
            ]
        max_lr = call.get("max_lr")
        group["initial_lr"] = max_lr / call.get("div_factor")
        group["max_lr"] = max_lr
        group["min_lr"] = group["initial_lr"] / call.get("final_div_factor")
        super().__init__(call, group)

    def get_lr(self) -> Any:
        step = self.last_epoch
        if step > self.total:
            raise TorchRaises(
                f"OneCycleLR: stepped {step} times, past its total_steps ({self.total}): "
                "torch raises"
            )
        start_step = 0.0
        for i, (end_step, start_key, end_key) in enumerate(self.phases):
            if step <= end_step or i == len(self.phases) - 1:
                try:
                    pct = (step - start_step) / (end_step - start_step)
                except ZeroDivisionError:
                    raise TorchRaises(
                        f"OneCycleLR: a phase of zero length at step {step} (pct_start too "
                        "small for total_steps): torch divides by zero"
                    ) from None
                start, end = self.group[start_key], self.group[end_key]
                if self.p("anneal_strategy") == "cos":
                    return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
                return (end - start) * pct + start
            start_step = end_step
        raise AssertionError("unreachable")


class _Composite:
    """``SequentialLR`` and ``ChainedScheduler``: they step the schedulers they hold."""

    def __init__(self, call: Call, children: list[Any]) -> None:
        self.call, self.children = call, children

    def initial_step(self) -> None:
        self.step()  # LRScheduler._initial_step, as a composite inherits it

    def update_lr(self, epoch: int | None) -> None:
        raise TorchRaises(f"{self.call.name}: torch cannot restart it at a milestone")

    def step(self) -> None:
        raise NotImplementedError


class _ChainedScheduler(_Composite):
    def step(self) -> None:
        for child in self.children:
            child.step()


class _SequentialLR(_Composite):
    def __init__(self, call: Call, children: list[Any], group: Group) -> None:
        super().__init__(call, children)
        self.milestones = call.get("milestones")
        self.last_epoch = 0
        group["lr"] = group["initial_lr"]
        _undo(self)
        self.children[bisect_right(self.milestones, 0)].initial_step()

    def step(self) -> None:
        self.last_epoch += 1
        index = bisect_right(self.milestones, self.last_epoch)
        child = self.children[index]
        if index > 0 and self.milestones[index - 1] == self.last_epoch:
            child.update_lr(0)
        else:
            child.step()


def _undo(node: Any) -> None:
    """SequentialLR.recursive_undo: every scheduler below it steps back once."""
    if isinstance(node, _Composite):
        for child in node.children:
            _undo(child)
    else:
        node.last_epoch -= 1


LEAVES: Mapping[str, type[_Sim]] = {
    "LambdaLR": _LambdaLR,
    "MultiplicativeLR": _MultiplicativeLR,
    "StepLR": _StepLR,
    "MultiStepLR": _MultiStepLR,
    "ConstantLR": _ConstantLR,
    "LinearLR": _LinearLR,
    "ExponentialLR": _ExponentialLR,
    "PolynomialLR": _PolynomialLR,
    "CosineAnnealingLR": _CosineAnnealingLR,
    "CyclicLR": _CyclicLR,
    "CosineAnnealingWarmRestarts": _CosineAnnealingWarmRestarts,
    "OneCycleLR": _OneCycleLR,
}


def construct(call: Call, group: Group) -> Any:
    """Builds the replay of ``call`` on ``group`` as Python would: arguments first."""
    if call.name in COMPOSITES:
        children = [construct(child, group) for child in call.children]
        if call.name == "ChainedScheduler":
            return _ChainedScheduler(call, children)
        return _SequentialLR(call, children, group)
    return LEAVES[call.name](call, group)


def replay(call: Call, lr: float, steps: int) -> list[float]:
    """The optimizer's lr after 0, 1, ..., ``steps`` calls of ``scheduler.step()``.

    Raises:
      TorchRaises: where torch raises (a lambda dividing by zero, one-cycle
        stepped past its end).
    """
    group = Group(lr=lr)
    try:
        top = construct(call, group)
        out = [group["lr"]]
        for _ in range(steps):
            top.step()
            out.append(group["lr"])
    except (ZeroDivisionError, OverflowError) as error:
        raise TorchRaises(f"{call.name}: torch raises {type(error).__name__}: {error}") from None
    for step, value in enumerate(out):
        if not isinstance(value, int | float) or not math.isfinite(value):
            raise TorchRaises(f"{call.name}: the learning rate is not finite at step {step}")
    return [float(v) for v in out]


# ---------------------------------------------------------------------------
# The span: how many steps the source fixes.


def natural_steps(call: Call) -> int | None:
    """The last step the source itself gives a meaning to, or None.

    ``CosineAnnealingLR``: ``T_max``; ``LinearLR``, ``ConstantLR`` and
    ``PolynomialLR``: ``total_iters`` (if >= 1); ``MultiStepLR``: its last
    milestone; ``OneCycleLR``: ``total_steps - 1``, its last value before the
    end (torch counts values, and stepping once more extrapolates);
    ``SequentialLR``: its last milestone plus the last scheduler's own span;
    ``ChainedScheduler``: the longest of its schedulers', if every one has
    one. The others (``StepLR``, ``ExponentialLR``, lambdas, cycles, restarts)
    go on forever and fix none.
    """
    name = call.name
    if name == "CosineAnnealingLR":
        return int(call.get("T_max"))
    if name in ("LinearLR", "ConstantLR", "PolynomialLR"):
        return int(call.get("total_iters")) or None
    if name == "MultiStepLR":
        return max(call.get("milestones"), default=None)
    if name == "OneCycleLR":
        total = call.get("total_steps") or call.get("epochs") * call.get("steps_per_epoch")
        return max(int(total) - 1, 1)
    if name == "SequentialLR":
        last = natural_steps(call.children[-1])
        return None if last is None else call.get("milestones")[-1] + last
    if name == "ChainedScheduler":
        spans = [natural_steps(child) for child in call.children]
        return None if any(s is None for s in spans) else max(s for s in spans if s is not None)
    return None


def _first_open(call: Call) -> str:
    for child in call.children:
        if natural_steps(child) is None:
            return _first_open(child)
    return call.name


# ---------------------------------------------------------------------------
# The tree: closed forms of torch's curves, checked against the replay.


def _const(value: float) -> Leaf:
    return Leaf(num(value), tex_num(value))


def _factor(sim: _Sim, span: int) -> Node | None:
    """The factor a rescaling scheduler has applied by step ``u``, from the value it found.

    ``None`` where it has no closed form here.
    """
    name, p = sim.call.name, sim.p
    if name == "StepLR":
        size, gamma = p("step_size"), p("gamma")
        return Leaf(
            f"{num(gamma)} ** {{floor}}({{u}} / {num(size)})",
            rf"{tex_num(gamma)}^{{\lfloor {{u}} / {tex_num(size)} \rfloor}}",
        )
    if name == "MultiStepLR":
        counts = Counter(p("milestones"))
        values, steps = [1.0], [0]
        for step in sorted(counts):
            values.append(values[-1] * p("gamma") ** counts[step])
            steps.append(step)
        pieces = [_const(v) for v in values]
        return join(pieces, list(np.diff(steps).tolist()))
    if name == "ConstantLR":
        factor, iters = p("factor"), p("total_iters")
        if iters == 0:
            return _const(factor)
        if factor == 0:
            return None  # torch divides by it at total_iters
        return join([_const(factor), _const(factor * (1.0 / factor))], [iters])
    if name == "LinearLR":
        start, end, iters = p("start_factor"), p("end_factor"), p("total_iters")
        if iters == 0:
            return _const(start)
        return shaped("linear", start, end, iters)
    if name == "ExponentialLR":
        gamma = p("gamma")
        return Leaf(f"{num(gamma)} ** {{u}}", rf"{tex_num(gamma)}^{{{{u}}}}")
    if name == "PolynomialLR":
        iters, power = p("total_iters"), p("power")
        if iters == 0:
            return _const(1.0)
        n = num(iters)
        return Leaf(
            f"(1.0 - {{minimum}}({{u}}, {n}) / {n}) ** {num(power)}",
            rf"\left(1 - \frac{{\min({{u}}, {tex_num(iters)})}}{{{tex_num(iters)}}}\right)"
            rf"^{{{tex_num(power)}}}",
        )
    if name == "CosineAnnealingLR":
        t = p("T_max")
        if p("eta_min") != 0 or span > t:
            return None  # an affine recursion, or torch's addition past T_max
        return Leaf(
            f"(1 + {{cos}}({{pi}} * {{u}} / {num(t)})) / 2",
            rf"\frac{{1 + \cos\frac{{\pi {{u}}}}{{{tex_num(t)}}}}}{{2}}",
        )
    if name == "MultiplicativeLR":
        expr = p("lr_lambda").expr
        if _uses_step(expr):
            return None  # a product over steps of a lambda: tabulated
        c = _evaluate(expr, 0)
        return Leaf(f"{num(float(c))} ** {{u}}", rf"{tex_num(c)}^{{{{u}}}}")
    return None


def _uses_step(e: ExprTree) -> bool:
    return e[0] == "var" or any(isinstance(x, tuple) and _uses_step(x) for x in e[1:])


def _absolute(sim: _Sim, span: int) -> Node | None:
    """A scheduler that sets the learning rate from its own numbers, over ``u``."""
    name, p = sim.call.name, sim.p
    if name == "LambdaLR":
        return Product((_const(sim.base), Expr(p("lr_lambda").expr)))
    if name == "CosineAnnealingWarmRestarts":
        if p("eta_min") > sim.base:
            return None
        return Restarts(sim.base, p("eta_min"), p("T_0"), p("T_mult"), span)
    if name == "CyclicLR":
        from dynweights.library import _cyclic

        return _cyclic(
            {
                "min_lr": sim.base,
                "init_lr": p("max_lr"),
                "step_size_up": p("step_size_up"),
                "step_size_down": p("step_size_down") or 0,
                "cyclic_mode": p("mode"),
                "gamma": p("gamma"),
                "total_steps": span,
            }
        )
    if name == "OneCycleLR":
        if not isinstance(sim, _OneCycleLR) or sim.total - 1 < span:
            return None
        if sim.group["max_lr"] != p("max_lr"):
            return None
        from dynweights._registry import schedule

        try:
            return schedule(
                "one_cycle",
                total_steps=sim.total - 1,
                init_lr=p("max_lr"),
                pct_start=float(p("pct_start")),
                div_factor=p("div_factor"),
                final_div_factor=p("final_div_factor"),
                anneal=p("anneal_strategy"),
                three_phase=p("three_phase"),
            ).tree
        except ValueError:
            return None
    return None


def _alone(sim: _Sim, start: float, span: int) -> Node | None:
    """One scheduler's curve from the learning rate ``start`` it found, over ``span`` steps."""
    if sim.call.name in ABSOLUTE:
        return _absolute(sim, span)
    if sim.call.name == "CosineAnnealingLR" and start == sim.base:
        t, m = sim.p("T_max"), sim.p("eta_min")
        # torch's closed form, which its recursion follows past T_max too.
        return Leaf(
            f"{num(m)} + {num(sim.base - m)} * (1 + {{cos}}({{pi}} * {{u}} / {num(t)})) / 2",
            rf"{tex_num(m)} + {tex_num(sim.base - m)} \cdot "
            rf"\frac{{1 + \cos\frac{{\pi {{u}}}}{{{tex_num(t)}}}}}{{2}}",
        )
    factor = _factor(sim, span)
    return None if factor is None else Product((_const(start), factor))


def _restart(sim: _Sim, previous: float, span: int) -> Node | None:
    """A scheduler switched to at a milestone: from its closed form at 0 (``_update_lr(0)``)."""
    name = sim.call.name
    if name == "ConstantLR" and sim.p("total_iters") == 0:
        f = sim.p("factor")
        return _const(sim.base * (f + (1 - f)))
    if name == "MultiplicativeLR":
        factor = _factor(sim, span)
        if factor is None:
            return None
        c = float(_evaluate(sim.p("lr_lambda").expr, 0))
        return Product((_const(previous * c), factor))
    if name in ABSOLUTE:
        return _absolute(sim, span)
    return _alone(sim, sim.base, span)


def _compile(top: Any, lr: float, span: int) -> Node | None:
    """The closed tree of a constructed replay ``top`` (before any step), or None."""
    if isinstance(top, _Sim):
        return _alone(top, lr, span)
    children = top.children
    if any(isinstance(child, _Composite) for child in children):
        return None
    if isinstance(top, _ChainedScheduler):
        if children[-1].call.name in ABSOLUTE:
            return _absolute(children[-1], span)
        if any(child.call.name in ABSOLUTE for child in children):
            return None
        factors = [_factor(child, span) for child in children]
        if any(f is None for f in factors):
            return None
        return Product((_const(lr), *(f for f in factors if f is not None)))
    milestones = list(top.milestones)
    starts = [0, *milestones]
    start = children[0].group["initial_lr"]
    pieces: list[Node] = []
    for index, child in enumerate(children):
        if starts[index] > span:
            break
        # The last local step this piece sees: before the next milestone, or at the span.
        local = span - starts[index]
        if index < len(milestones):
            local = min(local, milestones[index] - starts[index] - 1)
        if index == 0:
            piece = _alone(child, start, local)
        else:
            end = float(milestones[index - 1] - starts[index - 1] - 1)
            at = float(pieces[-1].values(np.array([end]))[0])
            piece = _restart(child, at, local)
        if piece is None:
            return None
        pieces.append(piece)
    if len(pieces) == 1:
        return pieces[0]
    return Join(tuple(pieces), tuple(float(m) for m in milestones[: len(pieces) - 1]))


def _agrees(tree: Node, want: list[float]) -> bool:
    got = tree.values(np.arange(len(want), dtype=np.float64))
    expected = np.array(want)
    with np.errstate(all="ignore"):
        close = np.abs(got - expected) <= RTOL * np.abs(expected)
    return bool(np.all(close | (got == expected)))


# ---------------------------------------------------------------------------
# The public entry points.


def normalized(call: Call, optimizer: str = "optimizer") -> str:
    """``call`` as canonical, runnable torch source: full prefix, keywords, exact numbers."""
    parts = [] if call.name == "ChainedScheduler" else [optimizer]
    for key, value in call.args:
        parts.append(f"{key}={_source(value, optimizer)}")
    return f"{PREFIX}{call.name}({', '.join(parts)})"


def _source(value: Any, optimizer: str) -> str:
    if isinstance(value, Call):
        return normalized(value, optimizer)
    if isinstance(value, Lambda):
        return f"lambda epoch: {expr_code(value.expr, PY, 'epoch')}"
    if isinstance(value, tuple):
        return "[" + ", ".join(_source(v, optimizer) for v in value) + "]"
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return repr(value)
    return num(value)


def _natives(p: Mapping[str, Any]) -> Natives:
    return {
        "pytorch": Native(
            p["source"],
            "after T it goes on as torch's schedulers do; dynweights holds the value at T",
        )
    }


def _short(source: str) -> str:
    text = source.replace(PREFIX, "")
    return text if len(text) <= 60 else text[:59] + "…"


def from_torch(source: str, *, lr: float, total_steps: int | None = None) -> Bound:
    """The learning rate a pasted ``torch.optim.lr_scheduler`` construction gives, step by step.

    The value at step ``k`` is the optimizer's learning rate after ``k`` calls
    of ``scheduler.step()`` (``k = 0``: right after construction), for an
    optimizer with one parameter group built with ``lr``. It equals torch 2.13
    to 1e-12 relative, including its recursive updates and how
    ``SequentialLR`` and ``ChainedScheduler`` share the learning rate.

    Args:
      source: one construction as a user pastes it, ``StepLR(opt, 30)``,
        ``lr_scheduler.SequentialLR(optimizer, [...], milestones=[10])`` or
        ``scheduler = torch.optim.lr_scheduler.X(...)``, of any of the 14
        step-driven classes, nested as torch allows. A lambda may use
        arithmetic, comparisons, ``x if c else y``, ``math`` functions,
        ``min``, ``max`` and ``abs`` of the step. Read with ``ast``, never run.
      lr: the optimizer's learning rate when the scheduler is built, ``>= 0``.
      total_steps: how many steps to draw; past it the value holds. Needed
        only when the source fixes no length (``StepLR``, ``ExponentialLR``,
        lambdas, ``CyclicLR``...); else it defaults to the source's own (see
        ``natural_steps``: ``T_max``, ``total_iters``, the last milestone, one
        cycle's ``total_steps - 1``).

    Returns:
      A ``Bound`` named ``"torch"`` with ``params == {"source": <the source,
      normalised>, "init_lr": lr, "total_steps": T}``; ``from_json`` reads it
      back equal, and its ``source`` is ``"torch: <the source>"``.

    Raises:
      ValueError: naming the part: ``StepLR: step_size must be an integer >= 1,
        got 0``, ``ReduceLROnPlateau follows a metric: use reduce_on_plateau``,
        a step at which torch itself raises, or a composition without a closed
        form longer than ``VERIFY_STEPS`` steps.

    >>> s = from_torch("StepLR(opt, step_size=30, gamma=0.5)", lr=0.1, total_steps=90)
    >>> s(0), s(30), s(90), s.source
    (0.1, 0.05, 0.0125, 'torch: StepLR(optimizer, step_size=30, gamma=0.5)')
    """
    call = parse(source)
    init_lr = check_real("lr", lr, 0.0)
    span = natural_steps(call) if total_steps is None else total_steps
    if span is None:
        raise ValueError(
            f"{_first_open(call)} fixes no length: pass total_steps, the number of steps to draw"
        )
    span = check_int("total_steps", span, 1, MAX_TOTAL_STEPS)
    text = normalized(call)
    checked = min(span, VERIFY_STEPS)
    want = replay(call, init_lr, checked)
    try:
        tree = _compile(construct(call, Group(lr=init_lr)), init_lr, span)
    except (ArithmeticError, TorchRaises):
        tree = None
    if tree is None or not _agrees(tree, want):
        if span > VERIFY_STEPS:
            raise ValueError(
                f"{call.name}: this composition has no closed form here, and dynweights "
                f"tabulates torch's recursion for at most {VERIFY_STEPS} steps: pass "
                f"total_steps <= {VERIFY_STEPS}"
            )
        tree = table(want)
    params = {"source": text, "init_lr": init_lr, "total_steps": span}
    return Bound(
        "torch",
        "PyTorch scheduler",
        "lr",
        params,
        tree,
        span,
        _natives,
        source=f"torch: {_short(text)}",
    )


def as_family(s: Bound) -> Bound | None:
    """The registered family equal to a ``from_torch`` result, or None.

    For a single scheduler that one of our families is (``CosineAnnealingLR``
    is ``cosine_annealing``, ``StepLR`` is ``step_decay``...) and for
    ``SequentialLR`` of a ``LinearLR`` warmup and a ``CosineAnnealingLR``
    (``cosine_with_linear_warmup``), the family's ``Bound``, so it can be
    edited as that family. It is returned only if it evaluates to ``s``
    within 1e-12 relative at every step (or 4,097 even steps beyond 20,000).

    >>> s = from_torch("CosineAnnealingLR(opt, T_max=100, eta_min=1e-5)", lr=0.1)
    >>> as_family(s)
    dynweights.schedule('cosine_annealing', total_steps=100, init_lr=0.1, min_lr=1e-05, k_decay=1.0)
    """
    if s.name != "torch":
        return None
    from dynweights._registry import schedule

    call = parse(s.params["source"])
    lr, span = s.params["init_lr"], s.total_steps
    candidates = _families(call, lr, span)
    grid = np.arange(span + 1.0) if span <= VERIFY_STEPS else np.linspace(0, span, 4097).round()
    want = s.values(grid)
    for name, params in candidates:
        try:
            family = schedule(name, total_steps=span, **params)
        except ValueError:
            continue
        got = family.values(grid)
        if np.all(np.abs(got - want) <= RTOL * np.abs(want)):
            return family
    return None


def _families(call: Call, lr: float, span: int) -> list[tuple[str, dict[str, Any]]]:
    g = call.get
    name = call.name
    out: list[tuple[str, dict[str, Any]]] = []
    if name == "CosineAnnealingLR" and span == g("T_max"):
        out.append(("cosine_annealing", {"init_lr": lr, "min_lr": g("eta_min")}))
    if name == "StepLR":
        out.append(
            ("step_decay", {"init_lr": lr, "step_size": g("step_size"), "gamma": g("gamma")})
        )
    if name == "MultiStepLR":
        milestones = tuple(sorted(set(g("milestones"))))
        if len(milestones) == len(g("milestones")):
            out.append(
                ("multistep_decay", {"init_lr": lr, "milestones": milestones, "gamma": g("gamma")})
            )
    if name == "ExponentialLR":
        out.append(("exponential_decay", {"init_lr": lr, "gamma": g("gamma")}))
    if name == "PolynomialLR" and span == g("total_iters") and g("power") > 0:
        out.append(
            (
                "polynomial_decay",
                {"warmup_steps": 0, "init_lr": lr, "min_lr": 0.0, "power_factor": g("power")},
            )
        )
    if name == "LinearLR" and g("total_iters") >= 1:
        start, end, iters = g("start_factor"), g("end_factor"), g("total_iters")
        if end == 1.0 and iters < span:
            out.append(
                (
                    "constant_with_warmup",
                    {"warmup_steps": iters, "init_lr": lr, "warmup_lr": lr * start},
                )
            )
        if end <= start and iters == span:
            out.append(
                (
                    "linear_with_warmup",
                    {"warmup_steps": 0, "init_lr": lr * start, "min_lr": lr * end},
                )
            )
    if name == "CosineAnnealingWarmRestarts":
        out.append(
            (
                "cosine_warm_restarts",
                {
                    "init_lr": lr,
                    "min_lr": g("eta_min"),
                    "cycle_steps": g("T_0"),
                    "cycle_mult": g("T_mult"),
                },
            )
        )
    if name == "CyclicLR":
        out.append(
            (
                "cyclic",
                {
                    "init_lr": g("max_lr"),
                    "min_lr": g("base_lr"),
                    "step_size_up": g("step_size_up"),
                    "step_size_down": g("step_size_down") or 0,
                    "cyclic_mode": g("mode"),
                    "gamma": g("gamma"),
                },
            )
        )
    if name == "OneCycleLR":
        out.append(
            (
                "one_cycle",
                {
                    "init_lr": g("max_lr"),
                    "pct_start": float(g("pct_start")),
                    "div_factor": g("div_factor"),
                    "final_div_factor": g("final_div_factor"),
                    "anneal": g("anneal_strategy"),
                    "three_phase": g("three_phase"),
                },
            )
        )
    if name == "SequentialLR" and [c.name for c in call.children] == [
        "LinearLR",
        "CosineAnnealingLR",
    ]:
        warm, cos = call.children
        w = g("milestones")[0]
        whole = span == w + cos.get("T_max")
        if warm.get("end_factor") == 1.0 and warm.get("total_iters") == w and whole:
            out.append(
                (
                    "cosine_with_linear_warmup",
                    {
                        "warmup_steps": w,
                        "init_lr": lr,
                        "warmup_lr": lr * warm.get("start_factor"),
                        "min_lr": cos.get("eta_min"),
                    },
                )
            )
    return out


__all__ = ["VERIFY_STEPS", "as_family", "from_torch", "natural_steps", "parse", "replay"]
