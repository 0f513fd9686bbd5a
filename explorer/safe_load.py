"""Reading untrusted config text, JSON or YAML, with bounded work.

``yaml.safe_load`` constructs no objects, but it still expands aliases by
reference (462 characters of nested ``*a8`` make 9**9 values for whatever walks
the result next), and ``json.loads`` and PyYAML's composer recurse once per
level of nesting. Here the size is capped first, JSON's nesting is measured by
a scan that does not recurse, and YAML's composer refuses aliases and counts
its depth as it goes: nothing recursive runs on the text before both are
bounded. Every refusal is a ``ValueError`` with a short message that quotes at
most 40 characters of the text.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from dynweights._checks import check_json_text

MAX_CHARS = 20_000
MAX_DEPTH = 32
_QUOTED = 40

# YAML 1.1 reads 3e-4, 5e5 and 1.0e5 as text: its floats need a dot and a signed
# exponent. Every number with an exponent is a float here, as in JSON and Python.
_EXPONENT_FLOAT = re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)[eE][-+]?[0-9]+$")


class _Loader(yaml.SafeLoader):
    """``SafeLoader`` without aliases, at most ``MAX_DEPTH`` deep, with exponent floats."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def fetch_flow_collection_start(self, TokenClass: type[yaml.Token]) -> None:
        # The scanner looks ahead over every open flow bracket for a key: cap them
        # here, or 20,000 brackets cost it a million steps before composing begins.
        if self.flow_level >= MAX_DEPTH:
            problem = f"lists and mappings nest at most {MAX_DEPTH} deep"
            raise yaml.MarkedYAMLError(problem=problem, problem_mark=self.get_mark())
        super().fetch_flow_collection_start(TokenClass)

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event: yaml.Event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            anchor = _quote(str(event.anchor))
            problem = f"aliases are not read (*{anchor}): write each value out"
            raise yaml.MarkedYAMLError(problem=problem, problem_mark=_mark(event))
        # Only collections nest, as JSON's arrays and objects do.
        step = isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent)
        self._depth += step
        if self._depth > MAX_DEPTH:
            problem = f"lists and mappings nest at most {MAX_DEPTH} deep"
            raise yaml.MarkedYAMLError(problem=problem, problem_mark=_mark(event))
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= step


_Loader.add_implicit_resolver("tag:yaml.org,2002:float", _EXPONENT_FLOAT, list("-+.0123456789"))


def load_config(text: str) -> Any:
    """The value that JSON or YAML ``text`` states: dicts, lists, strings, numbers.

    Text that starts with ``{`` or ``[`` is read as JSON, and as YAML if it is
    not valid JSON (a flow mapping ``{lr: 3e-4}``); other text as YAML.

    Raises:
      ValueError: for text over ``MAX_CHARS`` characters, nested deeper than
        ``MAX_DEPTH``, with a YAML alias, or not valid JSON or YAML.

    >>> load_config("learning_rate: 3e-4\\nwarmup_steps: 5E2")
    {'learning_rate': 0.0003, 'warmup_steps': 500.0}
    >>> load_config('{"lr_scheduler_kwargs": {"min_lr": 1e-6}}')
    {'lr_scheduler_kwargs': {'min_lr': 1e-06}}
    """
    if not isinstance(text, str):
        raise ValueError(f"the config must be text, got {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise ValueError(f"the config is {len(text):,} characters; at most {MAX_CHARS:,} are read")
    stripped = text.strip()
    json_error = None
    if stripped[:1] in ("{", "["):
        check_json_text("the config", stripped, MAX_CHARS, MAX_DEPTH)
        try:
            return json.loads(stripped)
        except json.JSONDecodeError as error:
            json_error = f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        except (ValueError, RecursionError, MemoryError, OverflowError) as error:
            raise ValueError(f"not valid JSON: {_short(error)}") from None
    try:
        return yaml.load(stripped, Loader=_Loader)  # a SafeLoader: no Python objects
    except yaml.YAMLError as error:
        if json_error is not None:
            raise ValueError(json_error) from None
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "not readable"
        raise ValueError(f"not valid YAML{where}: {_short(problem)}") from None
    except (ValueError, RecursionError, MemoryError, OverflowError) as error:
        raise ValueError(f"not valid YAML: {_short(error)}") from None


def _mark(event: yaml.Event) -> yaml.Mark | None:
    mark = event.start_mark
    return mark if isinstance(mark, yaml.Mark) else None


def _quote(text: str) -> str:
    """At most ``_QUOTED`` characters of untrusted text, marked where cut."""
    return text if len(text) <= _QUOTED else f"{text[: _QUOTED - 1]}…"


def _short(error: object) -> str:
    """An error's message, kept to one short line: it may hold a piece of the text."""
    first = str(error).splitlines()[0] if str(error) else type(error).__name__
    return first if len(first) <= 2 * _QUOTED else f"{first[: 2 * _QUOTED - 1]}…"
