"""Every registered family in the explorer (issue 11): added, drawn exactly, linked.

Families with a list parameter (milestones), a switch (three_phase, staircase)
or a negative one (tanh_lb) get their widgets from the registry like the rest;
these tests add each family through the page and compare what is drawn with
``dynweights.schedule`` bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest
from app_helpers import (
    add_family,
    figures,
    link,
    link_notices,
    open_app,
    open_editor,
    pick_param,
    texts,
    traces,
    type_text,
    unfold,
    view,
)

import dynweights
from dynweights import SCHEDULES
from explorer import curves as cv

TITLES = {"weight": "Dynamic weights", "lr": "Learning-rate schedules"}
EMPTY = {"units": "steps", "curve": ""}


def drawn(at: object, name: str) -> tuple[np.ndarray, np.ndarray]:
    """The steps and values drawn for the page's one curve, of family ``name``."""
    fig = figures(at)[TITLES[SCHEDULES[name].family]]  # type: ignore[arg-type]
    ((steps, values),) = traces(fig).values()
    return steps, values


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_every_family_added_through_the_page_draws_its_own_defaults(name: str) -> None:
    at = open_app(EMPTY)
    assert view(at).curves == ()
    at = add_family(at, name)
    assert not at.exception
    assert texts(at, "error") == []
    (curve,) = view(at).curves
    assert curve.name == name
    # Each curve starts from its own family's defaults (gamma 0.1 for multistep,
    # 1.0 for cyclic, 0.9 for step decay), not another family's of the same name.
    for param in SCHEDULES[name].params:
        if cv.follows(curve, param.name):
            assert view(at).shared[param.name] == param.default, param.name
        else:
            assert curve.own[param.name] == param.default, param.name
    steps, values = drawn(at, name)
    expected = dynweights.schedule(name).values(steps)
    np.testing.assert_array_equal(values, expected)


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_every_family_from_a_link_draws_exactly_in_fractions(name: str) -> None:
    at = open_app({"units": "fraction", "total_steps": "1000", "curve": name})
    assert not at.exception
    assert link_notices(at) == []
    curve = view(at).curves[0]
    bound = cv.bind(curve, view(at).shared)
    steps, values = drawn(at, name)
    np.testing.assert_array_equal(values, bound.values(steps))
    assert bound.total_steps == 1000
    assert bound == dynweights.schedule(
        name, **cv.bound_params(view(at).curves[0], view(at).shared)
    )


SPECIAL = {
    "multistep_decay:milestones=20,50;gamma=0.5": {"milestones": (20, 50), "gamma": 0.5},
    "multistep_decay:milestones=": {"milestones": ()},
    "inverse_time_decay:step_size=7;staircase=true": {"step_size": 7, "staircase": True},
    "one_cycle:anneal=linear;three_phase=true": {"anneal": "linear", "three_phase": True},
    "tanh_decay:min_lr=0.01;tanh_lb=-3.5": {"min_lr": 0.01, "tanh_lb": -3.5},
    "cyclic:cyclic_mode=exp_range;gamma=0.99": {"cyclic_mode": "exp_range", "gamma": 0.99},
}


@pytest.mark.parametrize("text", list(SPECIAL))
def test_list_bool_and_negative_params_round_trip_through_the_link(text: str) -> None:
    name = text.partition(":")[0]
    at = open_app({"units": "steps", "curve": text})
    assert not at.exception
    assert link_notices(at) == []
    (curve,) = view(at).curves
    for key, value in SPECIAL[text].items():
        assert curve.own[key] == value
    expected = dynweights.schedule(name, **SPECIAL[text])
    steps, values = drawn(at, name)
    np.testing.assert_array_equal(values, expected.values(steps))
    written = link(at)["curve"]
    assert written == text
    again = open_app(link(at))
    assert view(again).curves[0].own == curve.own
    assert link(again) == link(at)


@pytest.mark.parametrize(
    ("item", "why"),
    [
        ("milestones=80,30", "strictly increasing"),
        ("milestones=30,,80", "separated by commas"),
        ("milestones=0,10", ">= 1"),
        ("milestones=3e1", "separated by commas"),
        ("milestones=-30", "separated by commas"),
        ("staircase=1", "true or false"),
        ("three_phase=yes", "true or false"),
        ("tanh_lb=-0.05", "must be in"),
        ("tanh_lb=--3", "plain decimal"),
        ("gamma=-0.5", "negative"),
        ("tanh_ub=-1", "negative"),
    ],
)
def test_bad_list_bool_and_sign_values_are_dropped_with_a_notice(item: str, why: str) -> None:
    key = item.partition("=")[0]
    name = {
        "milestones": "multistep_decay",
        "staircase": "inverse_time_decay",
        "three_phase": "one_cycle",
        "gamma": "multistep_decay",
    }.get(key, "tanh_decay")
    at = open_app({"units": "steps", "curve": f"{name}:{item}"})
    assert not at.exception
    (notice,) = texts(at, "warning")
    assert f"`{key}`" in notice
    assert why in notice
    (curve,) = view(at).curves
    assert curve.own[key] == SCHEDULES[name].param(key).default


def test_milestones_field_reads_strictly_and_keeps_the_last_good_value() -> None:
    at = open_editor(open_app({"units": "steps", "curve": "multistep_decay"}), 0)
    (curve,) = view(at).curves
    key = f"w.{curve.id}.milestones"
    assert at.text_input(key=key).value == "30,80"
    at = type_text(at, key, "20, 60")
    assert view(at).curves[0].own["milestones"] == (20, 60)
    steps, values = drawn(at, "multistep_decay")
    expected = dynweights.schedule("multistep_decay", milestones=(20, 60))
    np.testing.assert_array_equal(values, expected.values(steps))
    assert link(at)["curve"] == "multistep_decay:milestones=20,60"
    for bad in ("60,20", "20;60", "abc"):
        at = type_text(at, key, bad)
        assert not at.exception
        assert view(at).curves[0].own["milestones"] == (20, 60)
        (message,) = [c.replace("\\", "") for c in texts(at, "caption") if "keeping" in c]
        assert f"`{bad}`" in message
        assert "`20,60`" in message
    at = type_text(at, key, "")
    assert view(at).curves[0].own["milestones"] == ()
    assert not [c for c in texts(at, "caption") if "keeping" in c]
    _, values = drawn(at, "multistep_decay")
    assert set(values.tolist()) == {0.1}


def test_switches_are_toggles_that_change_the_curve() -> None:
    at = open_app({"units": "steps", "curve": ["one_cycle", "inverse_time_decay"]})
    at = pick_param(at, 0, "three_phase", True)
    at = pick_param(at, 1, "staircase", True)
    assert not at.exception
    assert link(at)["curve"] == ["one_cycle:three_phase=true", "inverse_time_decay:staircase=true"]
    drawn_lr = traces(figures(at)["Learning-rate schedules"])
    for (steps, values), name, key in zip(
        drawn_lr.values(),
        ("one_cycle", "inverse_time_decay"),
        ("three_phase", "staircase"),
        strict=True,
    ):
        expected = dynweights.schedule(name, **{key: True})
        np.testing.assert_array_equal(values, expected.values(steps))
        assert not np.array_equal(values, dynweights.schedule(name).values(steps))


def test_code_export_offers_every_target_and_defaults_to_pytorch_for_lr() -> None:
    at = unfold(open_app({"units": "steps", "curve": ["cosine", "multistep_decay"]}), "open.code")
    radio = at.radio(key="export_target")
    assert list(radio.options) == list(dynweights.TARGETS)
    assert set(dynweights.TARGETS) == {"python", "pytorch", "transformers", "optax", "keras"}
    assert radio.value == "pytorch"
    (code,) = [c for c in at.code if "MultiStepLR" in str(c.value)]
    assert "milestones=[30, 80]" in str(code.value)
    at.radio(key="export_target").set_value("keras").run()
    assert any("PiecewiseConstantDecay" in str(c.value) for c in at.code)
