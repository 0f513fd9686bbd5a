"""Reading a pasted Hugging Face config: JSON, YAML, or ``TrainingArguments(...)``.

The text is untrusted. Nothing in it is executed: JSON and YAML go to
``explorer.safe_load.load_config`` (size, nesting and aliases capped), and the
keyword-list form is parsed by ``ast.parse``
with each value read by ``ast.literal_eval`` (never ``eval``). Text over 20 KB
is refused before any parsing.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from typing import Any

from explorer.safe_load import load_config

MAX_CHARS = 20_000
_CALL = re.compile(r"[A-Za-z_][\w.]*\s*\(")
_SIGNS = re.compile(r"([A-Za-z_]\w{0,39})\s*=\s*([-+~\s]{33,})")
MAX_BRACKETS = 200


class PasteError(ValueError):
    """The pasted text is not a config; the message says where and why."""


def parse_config(text: str) -> dict[str, Any]:
    """Returns the ``{field: value}`` mapping that ``text`` states.

    Accepted forms: a JSON object; a YAML mapping; ``TrainingArguments(a=1, b="x")``
    (any callee name, or none: ``a=1, b="x"``), one keyword per line or not.

    >>> parse_config('TrainingArguments(learning_rate=3e-4, lr_scheduler_type="cosine")')
    {'learning_rate': 0.0003, 'lr_scheduler_type': 'cosine'}
    >>> parse_config("learning_rate: 3.0e-4\\nwarmup_steps: 0.1")
    {'learning_rate': 0.0003, 'warmup_steps': 0.1}
    """
    if len(text) > MAX_CHARS:
        raise PasteError(f"the text is {len(text):,} characters; at most {MAX_CHARS:,} are read")
    stripped = text.strip()
    if not stripped:
        raise PasteError("the text is empty: paste a JSON or YAML config or TrainingArguments(...)")
    if _CALL.match(stripped) or ("=" in stripped and ":" not in stripped.split("=", 1)[0]):
        data = _keywords(stripped)
    else:
        try:
            data = load_config(stripped)  # sizes, nesting and aliases capped first
        except ValueError as error:
            raise PasteError(str(error)) from None
    if not isinstance(data, Mapping):
        raise PasteError(f"the config must be a mapping of fields, got {type(data).__name__}")
    bad = [k for k in data if not isinstance(k, str)]
    if bad:
        raise PasteError(f"field names must be text, got {bad[0]!r}")
    return dict(data)


def _keywords(text: str) -> dict[str, Any]:
    """``Name(a=1, b=2)`` or ``a=1, b=2``: keyword values read as literals only."""
    # ast.parse recurses once per sign or bracket: refuse long runs before it reads them.
    signs = _SIGNS.search(text)
    if signs:
        raise PasteError(
            f"{signs.group(1)}: {len(signs.group(2)):,} signs in a row are not a number"
        )
    if max(text.count("("), text.count("["), text.count("{")) > MAX_BRACKETS:
        raise PasteError(f"the text is nested too deeply: at most {MAX_BRACKETS} brackets")
    source = text if _CALL.match(text) else f"f({text})"
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        raise PasteError(f"not a keyword list: {error.msg} (line {error.lineno})") from None
    call = tree.body
    if not isinstance(call, ast.Call) or call.args:
        raise PasteError(
            "write the config as name=value pairs: TrainingArguments(learning_rate=3e-4, ...)"
        )
    out: dict[str, Any] = {}
    for keyword in call.keywords:
        if keyword.arg is None:
            raise PasteError("**kwargs cannot be read: write each field as name=value")
        try:
            out[keyword.arg] = ast.literal_eval(keyword.value)
        except (ValueError, SyntaxError, TypeError):
            shown = ast.get_source_segment(source, keyword.value) or "?"
            raise PasteError(
                f"{keyword.arg}: {shown[:40]} is not a literal value (a number, text, list or "
                "dict); expressions and names are never evaluated"
            ) from None
    return out
