"""Argument checks shared by every schedule.

One helper raises every error, so all messages read alike, in the Keras style:
``warmup_steps must be in [0, total_steps) = [0, 100), got 150``.
"""

from __future__ import annotations

import itertools
import math
import numbers
import re
from collections.abc import Mapping
from typing import Any, NoReturn

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dynweights._spec import Param, Rule

# Integers beyond 2**53 are not exactly representable as float64, so a step
# count above it could not be evaluated exactly.
MAX_INT = 2**53
_SHOW_CHARS = 40


def show(value: object) -> str:
    """Renders a received value for an error message, shortened if huge."""
    try:
        text = repr(value)
    except ValueError:  # an int too long for str(); say how long instead
        return f"an integer of about {int(abs(value).bit_length() * 0.30103)} digits"  # type: ignore[arg-type]
    if len(text) > _SHOW_CHARS:
        text = f"{text[: _SHOW_CHARS - 12]}…({len(text)} chars)"
    return text


def fail(name: str, rule: str, value: object) -> NoReturn:
    """Raises the one error format of the package."""
    raise ValueError(f"{name} must be {rule}, got {show(value)}")


def _as_real(name: str, value: object, rule: str) -> float:
    # bool is an int subclass, but True steps or rates are always a mistake.
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        fail(name, rule, value)
    try:
        number = float(value)
    except OverflowError:
        fail(name, rule, value)
    if not math.isfinite(number):
        fail(name, rule, value)
    return number


def check_int(name: str, value: object, low: int, high: int = MAX_INT, *, rule: str = "") -> int:
    """Returns ``value`` as an int after checking ``low <= value <= high``.

    Integral floats such as ``100.0`` are accepted: they come from JSON and URLs.
    """
    rule = rule or f"an integer in [{low}, {'2**53' if high == MAX_INT else high}]"
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        number = int(value)
    else:
        real = _as_real(name, value, rule)
        if not real.is_integer():
            fail(name, rule, value)
        number = int(real)
    if not low <= number <= high:
        fail(name, rule, value)
    return number


def check_real(
    name: str,
    value: object,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
    rule: str = "",
) -> float:
    """Returns ``value`` as a finite float after checking it lies in the range."""
    if not rule:
        low_rule = f"{'>' if low_open else '>='} {show_number(low)}"
        rule = (
            f"a finite number {low_rule}"
            if high == math.inf
            else f"in [{show_number(low)}, {show_number(high)}]"
        )
    number = _as_real(name, value, rule)
    too_low = number <= low if low_open else number < low
    too_high = number >= high if high_open else number > high
    if too_low or too_high:
        fail(name, rule, value)
    return number


def check_choice(name: str, value: object, choices: tuple[str, ...]) -> str:
    """Returns ``value`` after checking it is one of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        fail(name, "one of " + ", ".join(repr(c) for c in choices), value)
    return value


def check_bool(name: str, value: object) -> bool:
    """Returns ``value`` after checking it is ``True`` or ``False`` (not 0, 1 or "true")."""
    if not isinstance(value, bool | np.bool_):
        fail(name, "True or False", value)
    return bool(value)


def as_steps(steps: ArrayLike, total_steps: int) -> NDArray[np.float64]:
    """Converts steps once to float64 and holds every step past ``total_steps``.

    Negative, NaN and infinite steps are rejected. A scalar becomes a
    one-element array: numpy computes on scalars with other routines than on
    arrays (``pow`` differs in the last ulp), and a scalar step must give
    exactly the value an array gives. No copy is made of a float64 array unless
    a step lies past ``total_steps``.
    """
    rule = "a number or an array of numbers"
    try:
        raw = np.asarray(steps)
    except (TypeError, ValueError, OverflowError):
        fail("steps", rule, steps)
    # Only integers and floats: no strings, bools or complex numbers cast silently.
    if raw.dtype.kind not in "iuf":
        fail("steps", rule, steps)
    t = raw.astype(np.float64, copy=False)
    if t.ndim == 0:
        t = t.reshape(1)
    if not t.size:
        return t
    # Two reductions instead of isfinite masks: min is NaN if any step is NaN.
    low, high = t.min(), t.max()
    if not low >= 0:
        fail("steps", "finite and >= 0", float(low))
    if not math.isfinite(high):
        fail("steps", "finite and >= 0", float(high))
    # Holding is a clip; skipping it when no step is past T saves a full copy.
    return np.minimum(t, float(total_steps)) if high > total_steps else t


def finish(out: NDArray[np.float64], steps: ArrayLike) -> float | NDArray[np.float64]:
    """Scalar step in, Python float out; array in, the float64 array out."""
    if isinstance(steps, numbers.Real) or getattr(steps, "ndim", None) == 0:
        return float(out[0])
    return out


def show_number(value: float) -> str:
    """A bound in a message, exactly: ``100``, ``0.1``, ``0.009900990099009901``, ``2**53``."""
    if value == MAX_INT:
        return "2**53"
    if float(value).is_integer() and abs(value) < MAX_INT:
        return str(int(value))
    return repr(float(value))


def check_params(
    params: tuple[Param, ...], rules: tuple[Rule, ...], given: Mapping[str, object]
) -> dict[str, Any]:
    """Checks ``given`` (defaults filled in) against each parameter and rule, in order.

    Returns the plain checked values: ``int``, ``float``, ``bool``, ``str`` or a tuple of ints.
    """
    by_param = {rule.param: rule for rule in rules}
    checked: dict[str, Any] = {}
    for param in params:
        value = given[param.name]
        checked[param.name] = _check_one(param, by_param.get(param.name), value, checked)
    return checked


def _check_one(param: Param, rule: Rule | None, value: object, done: Mapping[str, Any]) -> Any:
    if param.type is str:
        return check_choice(param.name, value, param.choices)
    if param.type is list:
        return check_steps_list(param.name, value)
    if param.type is bool:
        flag = check_bool(param.name, value)
        if (
            rule is not None
            and rule.holds is not None
            and not rule.holds({**done, param.name: flag})
        ):
            fail(param.name, rule.note, value)
        return flag
    is_int = param.type is int
    own_low = param.low if param.low is not None else param.min
    own_low = -math.inf if own_low is None else float(own_low)
    own_high = param.high if param.high is not None else (MAX_INT if is_int else math.inf)
    ends: list[tuple[float, str, bool]] = [
        (own_low, "", param.low_open),
        (float(own_high), "", param.high_open),
    ]
    for index, limit in enumerate((rule.low, rule.high) if rule else (None, None)):
        if limit is not None:
            ends[index] = (float(limit.value(done)), limit.text, limit.open)
    (low, _, low_open), (high, _, high_open) = ends
    # The common case, a plain number in range, needs no message.
    plain = type(value) is int if is_int else type(value) is float and math.isfinite(value)
    if (
        plain
        and (low < value if low_open else low <= value)  # type: ignore[operator]
        and (value < high if high_open else value <= high)  # type: ignore[operator]
        and (rule is None or rule.holds is None or rule.holds({**done, param.name: value}))
    ):
        return value
    rule_text = _rule_text(is_int, ends, rule)
    if is_int:
        top = int(high) - 1 if high_open and float(high).is_integer() else math.floor(high)
        bottom = int(low) + 1 if low_open and float(low).is_integer() else math.ceil(low)
        number: float = check_int(param.name, value, bottom, min(top, MAX_INT), rule=rule_text)
    else:
        number = check_real(
            param.name, value, low, high, low_open=low_open, high_open=high_open, rule=rule_text
        )
    if rule is not None and rule.holds is not None and not rule.holds({**done, param.name: number}):
        fail(param.name, rule_text, value)
    return number


def _rule_text(is_int: bool, ends: list[tuple[float, str, bool]], rule: Rule | None) -> str:
    """The rule of a message: ``in [0, total_steps) = [0, 100)``, ``a finite number >= 0``."""
    (low, low_text, low_open), (high, high_text, high_open) = ends
    lb, rb = "(" if low_open else "[", ")" if high_open else "]"
    if any(text and text != show_number(v) for v, text, _ in ends):
        low_text, high_text = low_text or show_number(low), high_text or show_number(high)
        text = (
            f"in {lb}{low_text}, {high_text}{rb} = {lb}{show_number(low)}, {show_number(high)}{rb}"
        )
    elif is_int:
        text = f"an integer in [{show_number(low)}, {show_number(high)}]"
    elif high == math.inf:
        text = f"a finite number {'>' if low_open else '>='} {show_number(low)}"
    else:
        text = f"in {lb}{show_number(low)}, {show_number(high)}{rb}"
    return f"{text}: {rule.note}" if rule is not None and rule.note else text


MAX_LIST = 1000


def check_steps_list(name: str, value: object) -> tuple[int, ...]:
    """A strictly increasing sequence of integer steps >= 1 (milestones)."""
    rule = f"a strictly increasing sequence of integers >= 1, at most {MAX_LIST} of them"
    if isinstance(value, str | bytes) or not isinstance(value, tuple | list | range | np.ndarray):
        fail(name, rule, value)
    items = list(value)
    if len(items) > MAX_LIST:
        fail(name, rule, value)
    out = tuple(check_int(name, item, 1, rule=rule) for item in items)
    if any(b <= a for a, b in itertools.pairwise(out)):
        fail(name, rule, value)
    return out


# A JSON string (its closing quote optional, so an unclosed one is read once),
# or a bracket. Possessive quantifiers: no backtracking, linear time.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]++|\\.)*+"?|[\[\]{}]')


def check_json_text(name: str, text: str, max_chars: int, max_depth: int) -> None:
    """Refuses JSON text longer than ``max_chars`` or nested deeper than ``max_depth``.

    Called before ``json.loads``, whose decoder recurses once per level of
    nesting; this scan does not recurse and stops at the first level too deep.
    Brackets inside strings do not count.
    """
    if len(text) > max_chars:
        raise ValueError(
            f"{name} must be at most {max_chars:,} characters, got {len(text):,} characters"
        )
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        char = text[match.start()]
        if char in "[{":
            depth += 1
            if depth > max_depth:
                raise ValueError(
                    f"{name} must nest arrays and objects at most {max_depth} deep, "
                    f"got deeper at character {match.start():,}"
                )
        elif char in "]}":
            depth -= 1
