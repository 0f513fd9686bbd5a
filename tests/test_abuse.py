"""The public demo under abuse (issue 17), in AppTest: one case per finding, each asserting
the message a visitor gets and that the other curves still draw.

The real-server half (a paste that must not stall other visitors) is in
``tests/browser/test_abuse_server.py``; the package's own limits in ``test_limits.py``.
"""

from __future__ import annotations

import json
import sys

import pytest
from app_helpers import (
    bounds,
    clear_all,
    errors,
    figures,
    link,
    link_notices,
    open_app,
    paste,
    view,
)
from streamlit.testing.v1 import AppTest

import dynweights
from explorer import curves as cv
from explorer import notices

# 9 levels of 9 aliases: 9**9 values once expanded (the 462-character paste).
LAUGHS = (
    "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9))
    + "learning_rate: *a8\n"
)


def drawn_labels(at: AppTest) -> list[str]:
    return [t["name"] for f in figures(at).values() for t in f["data"]]


def assert_unchanged_and_drawn(at: AppTest, before: list[dynweights.Bound | None]) -> None:
    assert not at.exception
    assert bounds(at) == before
    assert len(drawn_labels(at)) >= len([b for b in before if b is not None])


# 1. One short paste freezes the server: aliases are refused before anything expands.
def test_the_billion_laughs_paste_is_refused_at_once() -> None:
    assert len(LAUGHS) < 500
    at = open_app()
    before = bounds(at)
    at = paste(at, LAUGHS)
    assert_unchanged_and_drawn(at, before)
    (message,) = errors(at)
    assert "alias" in message
    assert len(message) < 400  # a short prefix, never the expanded value


# 2 and 3. A link within the limits floods the page: notices are capped and hold no view.
def test_a_flooding_link_shows_at_most_twenty_notices() -> None:
    junk = ";".join(["x"] * 1050)  # one unknown parameter, then 1,049 repeats of it
    query: dict[str, str | list[str]] = {
        "units": "steps",
        "curve": [f"cosine_annealing:{junk}"] * 8,
        **{f"k{i}": "1" for i in range(990)},
    }
    at = open_app(query)
    assert not at.exception
    shown = link_notices(at)
    assert len(shown) == notices.SHOWN + 1
    assert "more problems in the link" in shown[-1]
    assert len(bounds(at)) == 8
    assert all(b == dynweights.schedule("cosine_annealing") for b in bounds(at))
    kept = at.session_state["notices"]
    assert all(isinstance(n.was, int) for n in kept)  # a hash, not a copy of the view
    assert sys.getsizeof(kept) + sum(sys.getsizeof(n.text) for n in kept) < 20_000


# 4. Custom phases have ranges on start and end, at every door.
@pytest.mark.parametrize(
    "curve",
    [
        "phases:linear,10,1e308,-1e308",
        "phases:constant,100,1e308,1e308",
        "phases:linear,10,1e300,0",
    ],
)
def test_phase_values_out_of_range_are_refused_from_a_link(curve: str) -> None:
    at = open_app({"units": "steps", "total_steps": "1000000000", "curve": [curve, "linear"]})
    assert not at.exception
    (notice,) = link_notices(at)
    assert "must be in [-1000, 1000]" in notice
    assert [c.name for c in view(at).curves] == ["linear"]
    assert drawn_labels(at) == ["Linear"]


def test_phase_cells_out_of_range_are_refused_in_the_editor() -> None:
    base = [{"shape": "linear", "length": 0.5, "start": 0.0, "end": 1.0, "power": None}]
    for column, text in (("end", "1e308"), ("start", "-1e300"), ("length", "1001")):
        rows, problems = cv.apply_edits(
            base, {"edited_rows": {"0": {column: text}}}, "fraction", 10
        )
        assert rows == base
        (problem,) = problems
        assert f"{column}:" in problem


RESTARTS = "cosine_with_restarts"


# 5. Pasted values are held to the same ranges as links and widgets.
@pytest.mark.parametrize(
    ("config", "named"),
    [
        (
            {
                "lr_scheduler_type": "cosine_with_restarts",
                "lr_scheduler_kwargs": {"num_cycles": 1000},
            },
            "num_cycles",
        ),
        ({"lr_scheduler_type": "polynomial", "lr_scheduler_kwargs": {"power": 50}}, "power"),
        (
            {
                "lr_scheduler_type": "cosine_with_restarts",
                "lr_scheduler_kwargs": {"num_cycles": 1e308},
            },
            "num_cycles",
        ),
        ({"learning_rate": 1e308}, "learning_rate"),
        ({"learning_rate": 50}, "must be in [0, 10]"),
    ],
)
def test_pasted_values_meet_the_pages_ranges(config: dict[str, object], named: str) -> None:
    at = open_app()
    before = bounds(at)
    at = paste(at, json.dumps({"num_train_epochs": 1, **config}))
    assert_unchanged_and_drawn(at, before)
    (message,) = errors(at)
    assert named in message.replace("\\", "")


def test_a_pasted_value_the_page_accepts_is_one_its_link_reproduces() -> None:
    at = paste(clear_all(open_app()), '{"learning_rate": 5, "lr_scheduler_type": "linear"}')
    (got,) = bounds(at)
    assert got is not None
    assert got(0) == 0.0 or got(1) > 0
    assert bounds(open_app(link(at))) == [got]


# 6. Every failure of the paste handler is a message.
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[" * 10_000 + "]" * 10_000, "nest"),
        ("a:\n" + "".join("  " * i + "- \n" for i in range(1, 110)), "nest"),
        ('{"num_train_epochs": 1e308}', "num_train_epochs"),
        ("TrainingArguments(learning_rate=" + "-" * 15_000 + "1)", "learning_rate"),
    ],
)
def test_deep_huge_or_overflowing_pastes_get_a_message(text: str, words: str) -> None:
    at = open_app()
    before = bounds(at)
    at = paste(at, text)
    assert_unchanged_and_drawn(at, before)
    (message,) = errors(at)
    assert words in message.replace("\\", "")
    assert len(message) < 600


# 7. Cost within the limits: the figures of the worst link stay under the budget.
def test_the_worst_link_keeps_its_figures_under_350_kb() -> None:
    """8 curves of 2,000 exact points (int32 steps, float64 values, base64): 333 KB
    measured. The README's budget says 350 KB and why."""
    milestones = ",".join(str(k) for k in range(1, 1001))  # 3,893 characters: a valid curve
    query = {
        "units": "steps",
        "total_steps": str(10**9),
        "curve": [f"multistep_decay:milestones={milestones}"] * 8,
    }
    at = open_app(query)
    assert not at.exception
    assert len(bounds(at)) == 8
    assert all(b is not None for b in bounds(at))
    size = sum(len(chart.proto.spec) for chart in at.get("plotly_chart"))
    assert size < 350_000
    # No loss chart: more than 300 drops is past what the page predicts, and it says so.
    assert "Predicted loss" not in figures(at)
