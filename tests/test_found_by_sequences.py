"""Defects ``test_sequences.py`` found, each as the short sequence of actions that shows it.

Like ``test_truth.py``: what the visitor did, through the page's widgets, against
``dynweights`` called directly with the values they asked for.
"""

from __future__ import annotations

from app_helpers import (
    click,
    figures,
    open_app,
    paste,
    reopen,
    set_linked,
    traces,
    type_param,
    view,
)
from worked_example import PASTES

from explorer import curves as cv


def drawn_labels(at: object) -> list[str]:
    return [name for fig in figures(at).values() for name in traces(fig)]  # type: ignore[arg-type]


# 1. Two curves drawn under one label: the legend and the table cannot tell them apart.
def test_twins_that_differ_only_from_a_third_curve_get_distinct_labels() -> None:
    at = set_linked(open_app(), 0, "total_steps", False)  # Linear keeps its own 100 steps
    at = click(at, 0, "dup")
    at = click(at, 0, "dup")
    at = type_param(at, 0, "total_steps", "1e+0")
    assert not at.exception
    v = view(at)
    linear = [c.id for c in v.curves if c.name == "linear"]
    labels = cv.labels(v.curves, v.shared)
    assert len({labels[i] for i in linear}) == 3
    shown = drawn_labels(at)
    assert len(shown) == len(set(shown)) == len(v.curves)


# 2. A label changed when the link was reopened: what sets twins apart came in the
# order their values were stored, which the link reader does not keep.
def test_labels_survive_the_link() -> None:
    at = paste(open_app(), PASTES["yaml"], examples="50")
    at = paste(at, PASTES["json"], examples="800")
    v = view(at)
    before = list(cv.labels(v.curves, v.shared).values())
    assert before[-2:] == [
        "HF cosine_with_min_lr (total_steps=21, warmup_steps=0.142857)",
        "HF cosine_with_min_lr (total_steps=300, warmup_steps=0.1)",
    ]
    again = view(reopen(at))
    assert list(cv.labels(again.curves, again.shared).values()) == before
