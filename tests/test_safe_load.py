"""explorer.safe_load: pasted JSON or YAML is read with bounded work, or refused by a short message.

The attack corpus of the issue "The public demo under abuse": each input is
refused (or read as the harmless text it is) without expanding: the memory
traced while reading stays under a megabyte.
"""

from __future__ import annotations

import doctest
import math
import tracemalloc

import pytest
import yaml

from dynweights import from_hf_trainer
from explorer import safe_load
from explorer.safe_load import MAX_CHARS, MAX_DEPTH, load_config


def billion_laughs() -> str:
    """9 levels of 9 aliases: 9**9 = 387,420,489 strings for whatever walks the result."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    return "\n".join([*lines, "learning_rate: *a8"]) + "\n"


def read(text: object) -> tuple[object, str, int]:
    """``load_config(text)`` as (value or None, message or "", peak bytes traced)."""
    tracemalloc.start()
    try:
        value, message = load_config(text), ""  # type: ignore[arg-type]
    except ValueError as error:
        value, message = None, str(error)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return value, message, peak


ATTACKS = {
    "billion laughs": (billion_laughs(), "not valid YAML at line 2: aliases are not read (*a0)"),
    "deep JSON, 100,000 brackets": (
        "[" * 100_000,
        "the config is 100,000 characters; at most 20,000",
    ),
    "deep JSON within the size": (
        "[" * 20_000,
        "the config must nest arrays and objects at most 32 deep, got deeper at character 32",
    ),
    "deep JSON objects": ('{"a": ' * 3_000, "at most 32 deep, got deeper at character 192"),
    "deep YAML flow": ("a: " + "[" * 19_000, "not valid YAML at line 1: lists and mappings nest"),
    "deep YAML block": ("- " * 9_999 + "1", "not valid YAML at line 1: lists and mappings nest"),
    "deep YAML mapping": (
        "".join(" " * i + f"k{i}:\n" for i in range(150)),
        "not valid YAML at line 33: lists and mappings nest at most 32 deep",
    ),
    "merge key": ("base: &b {lr: 1}\nrun:\n  <<: *b\n", "at line 3: aliases are not read (*b)"),
    "python object": (
        "x: !!python/object/apply:os.system ['ls']",
        "could not determine a constructor",
    ),
    "integer of 5,000 digits": ("max_steps: " + "9" * 5_000, "Exceeds the limit (4300 digits)"),
    "not text": (b"learning_rate: 1", "the config must be text, got bytes"),
}


@pytest.mark.parametrize(("text", "message"), ATTACKS.values(), ids=ATTACKS)
def test_each_attack_is_refused_without_expanding(text, message):
    value, got, peak = read(text)
    assert value is None
    assert got.startswith(message) or message in got, got
    assert len(got) < 160
    assert peak < 1_000_000  # bytes: nothing was expanded or copied wholesale


def test_the_billion_laughs_is_the_issue_size_and_would_expand():
    text = billion_laughs()
    assert len(text) < 462
    # What plain safe_load returns shares one list 9**9 times over.
    laughs = yaml.safe_load(text)["learning_rate"]
    assert laughs[0] is laughs[8]
    assert math.prod([len(laughs)] * 9) == 9**9


def test_an_alias_name_is_quoted_to_40_characters():
    value, message, _ = read("a: &" + "x" * 5_000 + " 1\nb: *" + "x" * 5_000)
    assert value is None
    assert "x" * 40 not in message
    assert "x" * 39 + "…" in message
    assert len(message) < 160


def test_fifteen_thousand_minus_signs_stay_text_and_are_refused_by_name():
    value, message, peak = read("learning_rate: " + "-" * 15_000 + "1")
    assert message == ""
    assert peak < 1_000_000
    assert value == {"learning_rate": "-" * 15_000 + "1"}  # text: never evaluated
    with pytest.raises(ValueError, match=r"^learning_rate must be in") as error:
        from_hf_trainer(value, num_examples=1000)
    assert len(str(error.value)) < 120
    assert read("-" * 15_000)[0] == "-" * 15_000


def test_epochs_of_1e308_are_read_as_a_number_and_refused_by_name():
    value, message, _ = read("num_train_epochs: 1e308")
    assert message == ""
    assert value == {"num_train_epochs": 1e308}
    with pytest.raises(ValueError, match=r"^num_train_epochs must be small enough for at most 2"):
        from_hf_trainer(value, num_examples=1000)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("3e-4", 3e-4),
        ("3E-4", 3e-4),
        ("5e5", 5e5),
        ("1.0e5", 1e5),  # YAML 1.1 needs a sign in the exponent
        ("-2e-3", -2e-3),
        ("+1e3", 1e3),
        (".5e1", 5.0),
        ("1_000e2", 1e5),
        ("3.0e-4", 3e-4),  # YAML 1.1's own float
        ("0.1", 0.1),
    ],
)
def test_exponent_floats_are_numbers(text, number):
    assert load_config(f"learning_rate: {text}") == {"learning_rate": number}
    assert type(load_config(f"learning_rate: {text}")["learning_rate"]) is float


@pytest.mark.parametrize("text", ["e5", "1e", "1e5x", "-e5", ".e5", "1e5.0", "3e-4-1"])
def test_what_only_looks_like_an_exponent_stays_text(text):
    assert load_config(f"x: {text}") == {"x": text}


def test_json_and_yaml_flow_and_their_errors():
    assert load_config('{"learning_rate": 3e-4, "lr_scheduler_kwargs": {}}') == {
        "learning_rate": 3e-4,
        "lr_scheduler_kwargs": {},
    }
    assert load_config("{learning_rate: 3e-4}") == {"learning_rate": 3e-4}  # not JSON: YAML
    with pytest.raises(ValueError, match=r"^not valid JSON at line 1, column 2: Expecting"):
        load_config("{")
    with pytest.raises(ValueError, match=r"^not valid YAML at line 2: "):
        load_config("a: 1\n  b: 2")
    assert load_config("") is None


def deepest_of(lists: int, leaf: object) -> object:
    for _ in range(lists):
        leaf = [leaf]
    return leaf


def test_limits_are_the_documented_ones():
    assert (MAX_CHARS, MAX_DEPTH) == (20_000, 32)
    deepest: object = {}  # a mapping inside MAX_DEPTH - 1 lists: MAX_DEPTH levels
    for _ in range(MAX_DEPTH - 1):
        deepest = [deepest]
    depth = MAX_DEPTH - 1
    assert load_config("[" * depth + "{}" + "]" * depth) == deepest
    assert load_config("x:\n" + "".join(" " * i + "- " for i in range(depth)) + "1") == {
        "x": deepest_of(depth, 1)
    }
    for too_deep in ("[" * MAX_DEPTH + "{}" + "]" * MAX_DEPTH, "x:\n" + "- " * MAX_DEPTH + "1"):
        with pytest.raises(ValueError, match="at most 32 deep"):
            load_config(too_deep)
    assert load_config("x: " + "y" * (MAX_CHARS - 3)) == {"x": "y" * (MAX_CHARS - 3)}
    with pytest.raises(ValueError, match="at most 20,000 are read"):
        load_config("x: " + "y" * (MAX_CHARS - 2))


def test_doctests():
    assert doctest.testmod(safe_load).failed == 0
