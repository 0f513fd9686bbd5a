"""Presets, pinned curves and code export in the explorer (AppTest)."""

from __future__ import annotations

import numpy as np
import pytest
from app_helpers import figures, open_app, param_values, unpack, view_values

import dynweights
from dynweights import PRESETS, SCHEDULES
from explorer import model


def _errors(at):
    return [e.value for e in at.error]


def _traces_by_label(at, title):
    return {t["name"]: (unpack(t["x"]), unpack(t["y"])) for t in figures(at)[title]["data"]}


@pytest.mark.parametrize("name", list(PRESETS))
def test_preset_link_sets_the_widgets_and_the_curves(name):
    preset = PRESETS[name]
    at = open_app({"preset": name})
    assert not at.exception
    assert _errors(at) == []
    assert at.selectbox(key="preset").value == name
    values = param_values(at)
    for key, param in model.PARAMS.items():
        assert values[key] == preset.params.get(key, param.default), key
    shown = view_values(at)
    for chart in model.CHARTS:
        assert shown[chart.key] == [n for n in preset.curves if SCHEDULES[n].family == chart.family]
    for curve in preset.curves:
        spec = SCHEDULES[curve]
        steps, ys = _traces_by_label(
            at, next(c.title for c in model.CHARTS if c.family == spec.family)
        )[spec.label]
        params = model.schedule_params(curve, values)
        np.testing.assert_array_equal(ys, dynweights.evaluate(curve, steps, **params))


def test_a_link_value_wins_over_its_preset():
    at = open_app({"preset": "bert", "init_lr": "0.0002"})
    assert param_values(at)["init_lr"] == 0.0002
    assert param_values(at)["total_steps"] == PRESETS["bert"].params["total_steps"]


def test_choosing_a_preset_sets_the_widgets():
    at = open_app()
    at.selectbox(key="preset").set_value("sgdr").run()
    assert not at.exception
    values = param_values(at)
    assert values["cycle_mult"] == 2
    assert values["total_steps"] == 310
    assert view_values(at)["lrs"] == ["cosine_warm_restarts"]
    assert at.select_slider(key="total_steps__ladder").value == model.nearest(
        model.nice_steps(1, dynweights.MAX_TOTAL_STEPS), 310
    )


def test_the_no_preset_choice_in_a_link_is_the_default_view():
    at = open_app({"preset": model.NO_PRESET, "power_factor": "3.0"})
    assert not at.exception
    assert at.warning.values == []
    assert param_values(at) == {
        **{k: p.default for k, p in model.PARAMS.items()},
        "power_factor": 3.0,
    }


def test_unknown_preset_is_ignored_with_a_notice():
    at = open_app({"preset": "<b>gpt5</b>"})
    assert not at.exception
    assert any("`preset`" in w.value for w in at.warning)
    assert at.selectbox(key="preset").value == model.NO_PRESET


PIN = "cosine_annealing:total_steps=100;init_lr=0.05;min_lr=0.0"


def test_pinned_curves_from_a_link_are_drawn_with_their_parameters():
    at = open_app({"pin": [PIN, "linear:max_weight=2.0"], "init_lr": "0.2"})
    assert not at.exception
    assert _errors(at) == []
    lrs = _traces_by_label(at, "Learning-rate schedules")
    steps, ys = lrs["📌 Cosine annealing (init_lr=0.05)"]
    np.testing.assert_array_equal(ys, dynweights.evaluate("cosine_annealing", steps, init_lr=0.05))
    # The live curve follows the sidebar; the pinned one does not.
    steps, ys = lrs["Cosine annealing"]
    np.testing.assert_array_equal(ys, dynweights.evaluate("cosine_annealing", steps, init_lr=0.2))
    weights = _traces_by_label(at, "Dynamic weights")
    steps, ys = weights["📌 Linear (max_weight=2.0)"]
    np.testing.assert_array_equal(ys, dynweights.evaluate("linear", steps, max_weight=2.0))


@pytest.mark.parametrize(
    "bad",
    [
        "nope:total_steps=1",
        "linear:max_weight=abc",
        "linear:max_weight=1e400",
        "linear:bogus=1",
        "linear:max_weight=1;max_weight=2",
        "cosine_with_linear_warmup:total_steps=10;warmup_steps=50",
        "<script>alert(1)</script>",
        "linear:" + "1" * 5000,
    ],
)
def test_bad_pins_are_ignored_with_a_notice(bad):
    at = open_app({"pin": [bad, PIN]})
    assert not at.exception
    assert at.multiselect(key="pin").value == [PIN]
    notices = [w.value for w in at.warning]
    assert any("pinned curve" in n for n in notices)
    assert all("<script>" not in n.replace("`<script>", "") for n in notices)


def test_at_most_four_pins():
    pins = [f"linear:max_weight={w}" for w in (1.5, 2.0, 2.5, 3.0, 3.5, 4.0)]
    at = open_app({"pin": pins})
    assert at.multiselect(key="pin").value == pins[: model.MAX_PINS]
    assert any(f"first {model.MAX_PINS}" in w.value for w in at.warning)


def test_pin_button_pins_the_visible_curves():
    at = open_app({"weights": ["Power"], "lrs": ["Cosine annealing"], "power_factor": "3.0"})
    at.button[0].click().run()
    assert at.multiselect(key="pin").value == [
        "power:total_steps=100;max_weight=1.0;power_factor=3.0",
        "cosine_annealing:total_steps=100;init_lr=0.1;min_lr=0.0;k_decay=1.0",
    ]
    at.slider(key="power_factor").set_value(0.5).run()
    labels = list(_traces_by_label(at, "Dynamic weights"))
    assert labels == ["Power", "📌 Power (power_factor=3.0)"]


def test_code_export_shows_to_code_for_the_chosen_curve():
    at = open_app({"lrs": ["Cosine warm restarts"], "weights": "", "cycle_mult": "2"})
    # st.code drops the final newline.
    assert at.code[0].value == dynweights.to_code(
        "cosine_warm_restarts",
        "python",
        **model.schedule_params(
            "cosine_warm_restarts",
            {**{k: p.default for k, p in model.PARAMS.items()}, "cycle_mult": 2},
        ),
    ).rstrip("\n")
    at.radio(key="export_target").set_value("pytorch").run()
    assert "CosineAnnealingWarmRestarts(optimizer, T_0=25, T_mult=2" in at.code[0].value
