"""The explorer as a list of curves (issue 10), driven in AppTest.

Each test opens the page as a visitor would (a link, then interactions), and
checks the drawn figures, the list of curves, the link and the downloads.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import numpy as np
import pytest
from app_helpers import (
    add_preset,
    bounds,
    clear_all,
    click,
    download,
    figures,
    link,
    link_notices,
    open_app,
    open_editor,
    record_downloads,
    set_linked,
    switch_units,
    texts,
    trace_labels,
    traces,
    type_param,
    type_shared,
    unfold,
    view,
)

import dynweights
from explorer import curves as cv

LLAMA = "cosine_with_linear_warmup:warmup_steps=2000;min_lr=3e-5"


def as_list(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]


def test_default_view_draws_the_default_curves_in_fractions() -> None:
    at = open_app()
    assert not at.exception
    assert [c.name for c in view(at).curves] == list(cv.DEFAULT_CURVES)
    assert view(at).units == "fraction"
    assert trace_labels(at, "weight") == ["Linear", "Cosine"]
    assert trace_labels(at, "lr") == ["Cosine with linear warmup", "Cosine warm restarts"]
    colours = [t["line"]["color"] for f in figures(at).values() for t in f["data"]]
    assert len(set(colours)) == 4
    assert link(at)["units"] == "fraction"
    # The default warmup starts above 0, so the page does not warn about its own view.
    assert as_list(link(at)["curve"]) == [
        "linear",
        "cosine",
        "cosine_with_linear_warmup:warmup_lr=1e-6",
        "cosine_warm_restarts",
    ]


@pytest.mark.parametrize("total", [100, 500_000, 10**9])
def test_default_view_keeps_its_shape_at_any_length(total: int) -> None:
    at = open_app({"units": "fraction", "total_steps": str(total), "init_lr": "3e-4"})
    assert not at.exception
    assert link_notices(at) == []
    drawn = traces(figures(at)["Learning-rate schedules"])
    x, y = drawn["Cosine warm restarts"]
    restarts = dynweights.schedule(
        "cosine_warm_restarts", total_steps=total, init_lr=3e-4, cycle_steps=total // 4
    )
    np.testing.assert_array_equal(y, restarts.values(x))
    # Cycles restart where the value jumps back up to the peak: at most a dozen.
    jumps = int(np.sum(np.diff(y) > 0))
    assert 1 <= jumps <= 12
    x, y = drawn["Cosine with linear warmup"]
    assert x[-1] == total
    assert y.max() == 3e-4
    assert x[np.argmax(y)] == round(total / 10)


def test_old_readme_link_opens_the_same_curves_with_the_same_values() -> None:
    at = open_app(
        {
            "total_steps": "1000",
            "max_weight": "2.5",
            "warmup_steps": "50",
            "init_lr": "0.05",
            "lrs": ["Cosine with linear warmup", "Cosine annealing"],
            "pin": "cosine_annealing:total_steps=100;init_lr=0.05;min_lr=0.0",
        }
    )
    assert not at.exception
    assert link_notices(at) == []
    names = [c.name for c in view(at).curves]
    assert names == [
        "linear",
        "cosine",
        "power",
        "exponential",
        "cosine_with_linear_warmup",
        "cosine_annealing",
        "cosine_annealing",
    ]
    got = bounds(at)
    assert got[0] == dynweights.schedule("linear", total_steps=1000, max_weight=2.5)
    assert got[4] == dynweights.schedule(
        "cosine_with_linear_warmup", total_steps=1000, warmup_steps=50, init_lr=0.05
    )
    assert got[6] == dynweights.schedule("cosine_annealing", total_steps=100, init_lr=0.05)
    # The link is rewritten in the new form, in steps as before.
    assert link(at)["units"] == "steps"
    assert "cosine_annealing:total_steps=100;init_lr=0.05" in as_list(link(at)["curve"])


def test_old_preset_link_migrates() -> None:
    at = open_app({"preset": "llama2"})
    assert not at.exception
    assert bounds(at) == [
        dynweights.schedule(
            "cosine_with_linear_warmup",
            total_steps=500_000,
            warmup_steps=2_000,
            init_lr=3e-4,
            min_lr=3e-5,
        )
    ]


def test_two_curves_of_one_family_at_different_settings() -> None:
    at = open_app({"units": "steps", "curve": ["cosine_annealing:min_lr=0.01", "cosine_annealing"]})
    assert not at.exception
    labels = trace_labels(at, "lr")
    assert labels == ["Cosine annealing (min_lr=0.01)", "Cosine annealing (min_lr=0)"]
    drawn = traces(figures(at)["Learning-rate schedules"])
    assert drawn[labels[0]][1][-1] == 0.01
    assert drawn[labels[1]][1][-1] == 0.0
    # Duplicate the second, change the copy: three curves, colours kept.
    colours = [c.colour for c in view(at).curves]
    at = click(at, 1, "dup")
    copy = view(at).curves[2]
    at = type_param(at, 2, "min_lr", "0.05")
    assert [c.colour for c in view(at).curves][:2] == colours
    assert bounds(at)[2] == dynweights.schedule("cosine_annealing", min_lr=0.05)
    # Removing the first keeps the others' colours.
    at = click(at, 0, "rm")
    assert [c.colour for c in view(at).curves] == [colours[1], copy.colour]


def test_custom_phases_round_trip_through_link_and_json(monkeypatch: Any) -> None:
    recorded = record_downloads(monkeypatch)
    text = "phases:linear,2000,0,3e-4|cosine,498000,3e-4,3e-5|power,100,3e-5,0,2"
    at = open_app({"units": "steps", "curve": text})
    assert not at.exception
    expected = dynweights.phases(
        [
            {"shape": "linear", "steps": 2000, "start": 0.0, "end": 3e-4},
            {"shape": "cosine", "steps": 498_000, "start": 3e-4, "end": 3e-5},
            {"shape": "power", "steps": 100, "start": 3e-5, "end": 0.0, "power": 2.0},
        ]
    )
    assert bounds(at) == [expected]
    assert as_list(link(at)["curve"]) == [text]
    again = open_app(link(at))
    assert bounds(again) == [expected]
    _, body = download(at, "Download JSON", recorded)
    assert [dynweights.from_json(json.dumps(d)) for d in json.loads(body)] == [expected]


def test_make_custom_turns_a_family_into_its_phases() -> None:
    at = open_app({"units": "steps", "curve": LLAMA, "total_steps": "500000", "init_lr": "3e-4"})
    before = bounds(at)[0]
    assert before is not None
    at = click(at, 0, "custom")
    assert not at.exception
    after = bounds(at)[0]
    assert after is not None
    assert after.name == "phases"
    steps = np.arange(0, 500_001, 997)
    np.testing.assert_allclose(after.values(steps), before.values(steps), rtol=1e-12)
    assert as_list(link(at)["curve"])[0].startswith("phases:linear,2000,0,3e-4|cosine,498000")


def test_make_custom_is_disabled_with_a_reason_for_restarts() -> None:
    at = open_editor(open_app(), 3)
    restarts = view(at).curves[3]
    button = at.button(key=f"w.{restarts.id}.custom")
    assert button.disabled
    assert "not a chain of plain phases" in button.help


def test_nine_curves_keep_eight_with_a_notice() -> None:
    at = open_app({"units": "steps", "curve": ["linear"] * 9})
    assert not at.exception
    assert len(view(at).curves) == 8
    (notice,) = link_notices(at)
    assert "kept the first 8" in notice
    assert at.selectbox(key="w.add").disabled


@pytest.mark.parametrize(
    ("typed", "why"),
    [("abc", "not a plain decimal number"), ("-1e-3", "negative"), ("50", "must be in [0, 10]")],
)
def test_bad_lr_text_says_why_and_keeps_the_last_good_value(typed: str, why: str) -> None:
    at = type_shared(open_app(), "init_lr", "3E-4")
    assert view(at).shared["init_lr"] == 3e-4
    at = type_shared(at, "init_lr", typed)
    assert not at.exception
    assert view(at).shared["init_lr"] == 3e-4
    shown = [c.replace("\\", "") for c in texts(at, "caption")]
    assert any(why in c and "Peak" in c and "keeping" in c for c in shown)
    y = traces(figures(at)["Learning-rate schedules"])["Cosine warm restarts"][1]
    assert y.max() == 3e-4


@pytest.mark.parametrize("typed", ["3e-4", "0.0003", "3E-4"])
def test_lr_text_is_exact(typed: str) -> None:
    at = type_shared(open_app(), "init_lr", typed)
    assert view(at).shared["init_lr"] == 3e-4
    assert link(at)["init_lr"] == "3e-4"


def test_bad_phases_row_is_marked_and_the_others_still_draw() -> None:
    at = open_app({"units": "steps", "curve": ["linear", "phases:linear,10,0,1|constant,5,1,2"]})
    assert not at.exception
    assert any("not drawn" in m for m in texts(at, "markdown"))
    at = open_editor(at, 1)
    (error,) = [e.replace("\\", "") for e in texts(at, "error")]
    assert "phase row 2" in error
    assert "equal to start" in error
    assert trace_labels(at, "weight") == ["Linear"]
    assert "Learning-rate schedules" not in figures(at)  # nothing to draw there


def test_presets_append_and_an_empty_page_says_what_to_add() -> None:
    at = open_app({"units": "fraction", "curve": "linear"})
    assert list(figures(at)) == ["Dynamic weights"]
    at = add_preset(at, "llama2")
    assert [c.name for c in view(at).curves] == ["linear", "cosine_with_linear_warmup"]
    assert view(at).shared["total_steps"] == 100  # the preset's curve has its own
    assert bounds(at)[1] == dynweights.schedule(
        "cosine_with_linear_warmup",
        total_steps=500_000,
        warmup_steps=2000,
        init_lr=3e-4,
        min_lr=3e-5,
    )
    assert at.selectbox(key="w.preset").value is None
    assert "Touvron" in at.selectbox(key="w.preset").help
    at = clear_all(at)
    charts = figures(at)
    assert all(f["data"] == [] for f in charts.values())
    assert "add a curve" in charts["Learning-rate schedules"]["layout"]["annotations"][0]["text"]


def test_units_switch_keeps_every_curve() -> None:
    at = open_app({"units": "fraction", "total_steps": "1000"})
    before = bounds(at)
    at = switch_units(at, "steps")
    assert bounds(at) == before
    assert "cosine_with_linear_warmup:warmup_steps=100;warmup_lr=1e-6" in as_list(link(at)["curve"])


def test_unlinked_total_steps() -> None:
    at = open_app({"units": "steps", "curve": ["linear:total_steps=50", "linear"]})
    assert [b.total_steps for b in bounds(at) if b] == [50, 100]
    at = type_shared(at, "total_steps", "300")
    assert [b.total_steps for b in bounds(at) if b] == [50, 300]


def test_csv_columns_by_label_every_step(monkeypatch: Any) -> None:
    recorded = record_downloads(monkeypatch)
    at = open_app({"units": "steps", "total_steps": "1000", "curve": ["linear", "cosine"]})
    name, body = download(at, "Download CSV", recorded)
    assert name == "dynweights-T1000-all-steps.csv"
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["step", "Linear", "Cosine"]
    assert len(rows) == 1002
    assert float(rows[500][1]) == dynweights.linear(499, total_steps=1000)


def test_csv_beyond_100k_offers_plotted_and_grid(monkeypatch: Any) -> None:
    recorded = record_downloads(monkeypatch)
    at = open_app({"units": "fraction", "total_steps": "1000000000"})
    name, body = download(at, "Download CSV (plotted steps)", recorded)
    assert "plotted" in (name or "")
    steps = [int(r.split(",")[0]) for r in body.splitlines()[1:]]
    assert steps[0] == 0
    assert steps[-1] == 10**9
    at.number_input(key="grid_rows").set_value(101).run()
    name, body = download(at, "Download CSV (even grid)", recorded)
    assert name == "dynweights-T1000000000-grid-101-of-1000000001-steps.csv"
    assert len(body.splitlines()) == 102


def test_code_export_defaults_to_the_first_lr_curve() -> None:
    at = open_app()
    # Folded, the only code block is the share link: the export is not sent until opened.
    assert [c.language for c in at.code] == ["plaintext"]
    (code,) = unfold(at, "open.code").code[:1]
    assert "Cosine with linear warmup" in code.value
    assert list(at.radio[-1].options) == list(dynweights.TARGETS)


def test_unlinking_starts_from_the_current_shared_value() -> None:
    at = open_app({"units": "steps", "curve": ["cosine_annealing", "cosine_annealing"]})
    at = type_shared(at, "init_lr", "3e-4")
    at = set_linked(at, 0, "init_lr", False)
    first = view(at).curves[0].id
    assert view(at).curves[0].unlinked == {"init_lr"}
    assert at.text_input(key=f"w.{first}.init_lr").value == "3e-4"
    at = type_param(at, 0, "init_lr", "1e-3")
    assert [b.params["init_lr"] for b in bounds(at) if b] == [1e-3, 3e-4]
    assert as_list(link(at)["curve"])[0] == "cosine_annealing:init_lr=0.001"


def test_a_curve_shows_only_its_own_parameters() -> None:
    at = open_editor(open_app({"units": "fraction", "curve": "one_cycle"}), 0)
    curve_id = view(at).curves[0].id
    prefix = f"w.{curve_id}."
    widgets = [*at.text_input, *at.selectbox, *at.toggle, *at.get("button_group")]
    keys = {str(w.key).removeprefix(prefix) for w in widgets if str(w.key).startswith(prefix)}
    own = keys - {"visible"} - {k for k in keys if k.startswith("link.")}
    shown = {p.name for p in dynweights.SCHEDULES["one_cycle"].params} - set(cv.SHARED)
    assert own == shown


def test_only_one_editor_is_open() -> None:
    at = open_editor(open_app(), 0)
    first = view(at).curves[0].id
    at = open_editor(at, 2)
    keys = {str(w.key) for w in at.text_input}
    assert not any(k.startswith(f"w.{first}.") for k in keys)
    assert f"w.{view(at).curves[2].id}.warmup_steps" in keys
