"""Reading and writing numbers the way people type them: strict, exact, readable.

Pure functions: no Streamlit. The widgets and the link reader both use them.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from decimal import Decimal

from dynweights import Param
from dynweights._checks import MAX_LIST

# A parameter's value: a number, a choice, a switch (bool is an int) or milestones.
Value = int | float | str | tuple[int, ...]

# Longest free text (a custom expression) a field or a link holds.
MAX_TEXT_CHARS = 500
# Longest number worth reading: 17 significant digits and an exponent fit.
MAX_NUMBER_CHARS = 32
_INT_RE = re.compile(r"[0-9]+")
# An integer written with an exponent is read exactly up to this many digits.
MAX_INT_DIGITS = 18
_FLOAT_RE = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_SIGNED_FLOAT_RE = re.compile(r"-?" + _FLOAT_RE.pattern)

# Rates spanning decades (learning rates) get a log-scale slider over this range
# plus 0; max weight gets a wider one that puts 0.01..10 in its middle.
RATE_RANGE = (1e-7, 10.0)
WEIGHT_RANGE = (1e-4, 1e3)
_MANTISSAS = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0)


def quote(text: str, limit: int = 40) -> str:
    """Shows untrusted text inside a Markdown code span, shortened and inert."""
    text = text.replace("`", "'").replace("\n", " ")
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"`{text}`"


def is_rate(param: Param) -> bool:
    """A learning rate: a float spanning decades, shown on a log slider."""
    return param.type is float and param.name.endswith("_lr")


def is_weight(param: Param) -> bool:
    return param.name == "max_weight"


def is_length(param: Param) -> bool:
    """A count of steps that may reach the run's length: warmup, cycle, decay, step size.

    Such a length can be given in steps or as a fraction of total steps.
    """
    return param.type is int and param.name != "total_steps" and (param.max or 0) >= 10**8


def value_range(param: Param) -> tuple[float, float]:
    """What the explorer accepts for a numeric parameter, from a link or a widget."""
    if is_rate(param):
        return 0.0, RATE_RANGE[1]
    if is_weight(param):
        return 0.0, WEIGHT_RANGE[1]
    if param.min is None or param.max is None:
        raise TypeError(f"{param.name} is a choice, not a number")
    return float(param.min), float(param.max)


def is_signed(param: Param) -> bool:
    """A number that may be negative where valid (tanh_lb): a leading ``-`` is read."""
    return any(v is not None and v < 0 for v in (param.min, param.low))


def parse_steps(raw: str) -> tuple[int, ...]:
    """Milestones as written in a link or a field: ``30,80``, strictly increasing steps >= 1.

    An empty text is no milestones; spaces around the commas are allowed. Signs,
    decimals, exponents and repeats are refused.

    Raises:
      ValueError: saying what was wrong, in words fit for a visitor.
    """
    if not raw.strip():
        return ()
    items = [item.strip() for item in raw.split(",")]
    if len(items) > MAX_LIST or not all(
        _INT_RE.fullmatch(i) and len(i) <= MAX_NUMBER_CHARS for i in items
    ):
        raise ValueError(
            f"must be whole numbers >= 1 separated by commas, like 30,80 (at most {MAX_LIST})"
        )
    steps = tuple(int(i) for i in items)
    if steps[0] < 1 or any(b <= a for a, b in itertools.pairwise(steps)):
        raise ValueError("must be steps >= 1 in strictly increasing order, like 30,80")
    return steps


def number(value: Value) -> float:
    """A numeric value (a length, a total, a rate) as a float; a choice or a list is a bug."""
    if isinstance(value, str | tuple):
        raise TypeError(f"expected a number, got {value!r}")
    return float(value)


def count(value: Value) -> int:
    """A whole-number value (total steps, a length in steps) as an int."""
    return int(number(value))


def value_text(value: Value) -> str:
    """A value as a link or a field writes it: ``3e-4``, ``true``, ``30,80``, ``cosine``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    if isinstance(value, int | float):
        return fmt(value)
    return value


def parse_number(raw: str, *, integer: bool, signed: bool = False) -> int | float:
    """A number as ML people write it: ``3e-4``, ``0.0003``, ``3E-4``, ``5e5``, ``500000``.

    An integer field takes any of these that is a whole number (``5e5`` is 500000,
    exactly) and refuses ``2.5``. Underscores, hex, signs where none is allowed,
    ``nan``, ``inf`` and non-ASCII digits are refused.

    Raises:
      ValueError: saying what was wrong, in words fit for a visitor.
    """
    if len(raw) > MAX_NUMBER_CHARS:
        raise ValueError(f"is {len(raw)} characters long, not a number")
    if not (_SIGNED_FLOAT_RE if signed else _FLOAT_RE).fullmatch(raw):
        if raw.startswith("-") and not signed:
            raise ValueError("is negative")
        raise ValueError("is not a whole number" if integer else "is not a plain decimal number")
    if integer:
        if _INT_RE.fullmatch(raw):
            return int(raw)
        exact = Decimal(raw)  # exact: 5e5 is 500000 and 1e-3 is not whole
        if exact.adjusted() >= MAX_INT_DIGITS:
            raise ValueError(f"is above 1e{MAX_INT_DIGITS}")
        if exact != exact.to_integral_value():
            raise ValueError("is not a whole number")
        return int(exact)
    number = float(raw)
    if not math.isfinite(number):
        raise ValueError("is not a finite number")
    return number


def parse_value(param: Param, raw: str) -> Value:
    """Reads one value for ``param`` strictly, within the explorer's range.

    Raises:
      ValueError: saying what was wrong, in words fit for a visitor.
    """
    if param.type is str and not param.choices:  # free text, read later by its own parser
        if len(raw) > MAX_TEXT_CHARS:
            raise ValueError(f"is {len(raw):,} characters long; at most {MAX_TEXT_CHARS}")
        return raw
    if param.type is str:
        if raw not in param.choices:
            raise ValueError(f"must be one of {', '.join(param.choices)}")
        return raw
    if param.type is bool:
        if raw not in ("true", "false"):
            raise ValueError("must be true or false")
        return raw == "true"
    if param.type is list:
        return parse_steps(raw)
    low, high = value_range(param)
    number = parse_number(raw, integer=param.type is int, signed=is_signed(param))
    if not low <= number <= high:
        raise ValueError(f"must be in [{fmt(low)}, {fmt(high)}]")
    return number


# A length may outlast its run (a step decay whose first drop comes after T, a phase
# longer than a lowered total): in fractions, up to this many runs.
MAX_FRACTION = 1000.0


def parse_fraction(raw: str) -> float:
    """A length as a fraction of total steps, in ``[0, MAX_FRACTION]``."""
    number = parse_number(raw, integer=False)
    if not 0.0 <= number <= MAX_FRACTION:
        raise ValueError(f"must be a fraction of total steps in [0, {fmt(MAX_FRACTION)}]")
    return float(number)


def read(param: Param, raw: str, units: str = "steps", label: str = "") -> Value:
    """The one door for a parameter's text, whoever typed it: a link, a field, a cell.

    A length reads as a fraction of total steps when ``units`` is ``fraction``.

    Raises:
      ValueError: ``<label>: `<text>` <why>``, naming the field.
    """
    text = raw.strip()
    try:
        if is_length(param) and units == "fraction":
            return parse_fraction(text)
        return parse_value(param, text)
    except ValueError as err:
        raise ValueError(f"{label or param.label}: {quote(text)} {err}") from None


# A custom phase's start and end: the widest range of any value the page draws.
PHASE_VALUE_MAX = WEIGHT_RANGE[1]


def read_phase_value(column: str, raw: str) -> float:
    """A custom phase's start or end: a signed number within ``PHASE_VALUE_MAX``.

    Raises:
      ValueError: ``<column>: `<text>` <why>``.
    """
    text = raw.strip()
    try:
        value = float(parse_number(text, integer=False, signed=True))
        if abs(value) > PHASE_VALUE_MAX:
            raise ValueError(f"must be in [-{fmt(PHASE_VALUE_MAX)}, {fmt(PHASE_VALUE_MAX)}]")
    except ValueError as err:
        raise ValueError(f"{column}: {quote(text)} {err}") from None
    return value


def accept(param: Param, value: Value, units: str = "steps") -> Value:
    """A value from elsewhere (a paste, a preset, a bound schedule) through the same door.

    It is written as a link would write it and read back, so a value the page
    accepts is one its link reproduces. The message names the parameter as code
    does (``num_cycles``), the way a pasted config names it.
    """
    return read(param, value_text(value), units, label=param.name)


def fmt(value: float) -> str:
    """A number as people write it: ``3e-4``, ``0.05``, ``500000``; exact (repr digits)."""
    if isinstance(value, int) or (float(value).is_integer() and abs(value) < 1e16):
        return str(int(value))
    text = repr(float(value))
    if "e" in text or abs(value) >= 1e-3:
        mantissa, _, exponent = text.partition("e")
        return mantissa.removesuffix(".0") + (f"e{int(exponent)}" if exponent else "")
    # Small rates read better in e-notation, from repr's shortest digits: 0.0003 -> 3e-4.
    _, digits, power = Decimal(text).as_tuple()
    shown = "".join(map(str, digits)).rstrip("0") or "0"
    lead = shown[0] + ("." + shown[1:] if len(shown) > 1 else "")
    return f"{lead}e{int(power) + len(digits) - 1}"


def log_options(low: float, high: float) -> list[float]:
    """0, then a log ladder (1, 1.5, 2, 2.5, 3, 4 ... 8 per decade) from ``low`` to ``high``."""
    options = [0.0]
    decade = math.floor(math.log10(low))
    while 10.0**decade <= high:
        for m in _MANTISSAS:
            value = float(f"{m}e{decade}")
            if low <= value <= high:
                options.append(value)
        decade += 1
    return options


def nearest(options: Sequence[float], value: float) -> float:
    """The option closest to ``value`` on a log scale (0 only for 0)."""
    if value <= 0:
        return options[0]
    positive = [o for o in options if o > 0]
    return min(positive, key=lambda o: abs(math.log(o) - math.log(value)))


def to_steps(fraction: float, total_steps: int, minimum: int) -> int:
    """A fraction of the run as whole steps, at least ``minimum``."""
    return max(minimum, round(fraction * total_steps))


def to_fraction(steps: int, total_steps: int) -> float:
    """Steps as a fraction of the run, exactly: ``to_steps`` gives the same steps back at
    any total up to 10^9, and at another total the fraction is the same share of it.

    Rounded to six digits, 123,456,789 steps of 10^9 came back as 123,457,000.
    """
    return steps / total_steps if total_steps else 0.0
