"""Defects ``test_sequences.py`` found, each as the short sequence of actions that shows it.

Like ``test_truth.py``: what the visitor did, through the page's widgets, against
``dynweights`` called directly with the values they asked for.
"""

from __future__ import annotations

import json

import pytest
from app_helpers import (
    bounds,
    clear_all,
    click,
    figures,
    link_notices,
    open_app,
    paste,
    reopen,
    set_linked,
    switch_units,
    traces,
    type_param,
    type_shared,
    view,
)
from worked_example import PASTES

import dynweights
from explorer import curves as cv


def drawn_labels(at: object) -> list[str]:
    charts = figures(at)  # type: ignore[arg-type]
    # The predicted loss repeats each learning-rate curve's label: it is another chart of it.
    return [n for title, fig in charts.items() if title != "Predicted loss" for n in traces(fig)]


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


# 3. Switching units moved a length: a length became a fraction of the run rounded to
# six digits, so 123,456,789 warmup steps of 10^9 came back as 123,457,000; and a
# fraction shown for 3 steps of 21 (0.142857) gave 31,174,937 steps of 218,224,775,
# not 3/21 of them (31,174,968).
def test_switching_units_keeps_every_step_of_a_long_run() -> None:
    at = switch_units(type_shared(open_app(), "total_steps", "1e9"), "steps")
    at = type_param(at, 2, "warmup_steps", "123456789")
    expected = dynweights.schedule(
        "cosine_with_linear_warmup", total_steps=10**9, warmup_steps=123_456_789, warmup_lr=1e-6
    )
    assert bounds(at)[2] == expected
    for units in ("fraction", "steps", "fraction"):
        at = switch_units(at, units)
        assert not at.exception
        assert bounds(at)[2] == expected


def test_a_fraction_from_steps_is_their_share_of_the_run() -> None:
    at = switch_units(clear_all(open_app()), "steps")
    at = paste(at, PASTES["yaml"], examples="50")  # 21 steps, warmup 3
    at = switch_units(at, "fraction")
    at = type_param(at, 0, "total_steps", "218224775")
    got = bounds(at)[0]
    assert got is not None
    assert got.params["warmup_steps"] == round(3 / 21 * 218_224_775) == 31_174_968


# 4. A pasted config said "the curve keeps these 1,000 steps: it does not follow later
# changes to the shared total steps", then followed them: its total equalled the shared
# one when pasted, so it was linked.
@pytest.mark.parametrize("units", ["fraction", "steps"])
def test_a_pasted_config_keeps_its_steps_when_they_equal_the_shared_total(units: str) -> None:
    config = {"learning_rate": 1e-3, "lr_scheduler_type": "constant", "max_steps": 1000}
    at = switch_units(type_shared(clear_all(open_app()), "total_steps", "1e3"), units)
    at = paste(at, json.dumps(config))
    assert any("does not follow" in str(s.value) for s in at.success)
    expected = dynweights.from_hf_trainer(config, num_examples=800)
    at = type_shared(switch_units(at, "fraction"), "total_steps", "5e5")
    for now in ("fraction", "steps"):
        at = switch_units(at, now)
        got = bounds(at)[0]
        assert got is not None
        assert got.to_dict() == expected.to_dict()


def test_a_length_longer_than_its_run_survives_a_unit_switch_and_the_link() -> None:
    """Found by hand with the sequence test's model: in steps, a step decay of 100 steps
    whose step_size is 150 (a valid curve that never drops); switched to fractions it is
    1.5 of the run, which the link must read back as the same 150 steps."""
    at = open_app({"units": "steps", "curve": "step_decay:step_size=150"})
    (before,) = bounds(at)
    assert before is not None
    assert before.params["step_size"] == 150
    at = switch_units(at, "fraction")
    assert bounds(at) == [before]
    again = reopen(at)
    assert link_notices(again) == []
    assert bounds(again) == [before]
