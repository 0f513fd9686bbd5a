"""Reading the curves (issue 13) in AppTest: the comparison table, the step cursor,
cautions in their cards, hover and tick formats, image export, link notices."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from app_helpers import (
    bounds,
    cautions,
    click,
    download,
    figures,
    link,
    link_notices,
    open_app,
    open_editor,
    record_downloads,
    switch_units,
    type_shared,
    unfold,
    view,
)
from streamlit.testing.v1 import AppTest

import dynweights
from dynweights import sums
from explorer import curves as cv
from explorer import figures as fg
from explorer.table import short

HAND = {
    "units": "steps",
    "total_steps": "100",
    "max_weight": "2",
    "step_cursor": "25",
    "curve": ["linear", "cosine_annealing"],
}


def table(at: AppTest) -> list[dict[str, str]]:
    (shown,) = at.table
    return shown.value.to_dict("records")  # type: ignore[no-any-return]


def test_table_values_by_hand() -> None:
    at = open_app(HAND)
    assert not at.exception
    linear, cosine = table(at)
    # linear: sum_{k<100} 2k/100 = 99; it never falls after its peak.
    assert linear["curve"] == "Linear"
    assert (linear["peak"], linear["final"], linear["mean"]) == ("2", "2", "0.99")
    assert linear["area (Σ over steps = mean × steps)"] == "99"  # noqa: RUF001
    assert linear["first step < 50% of peak"] == "never"
    assert linear["value at step 25"] == "0.5"
    # cosine annealing from 0.1: sum_{k<T} (p/2)(1 + cos(pi k/T)) = (p/2)(T + 1) = 5.05;
    # (1 + cos(pi k/100))/2 < 1/2 first at k = 51, cos(pi k/100) < -0.8 first at k = 80.
    assert cosine["peak"] == "0.1"
    assert cosine["final"] == "0"
    assert cosine["mean"] == "0.0505"
    assert cosine["area (Σ over steps = mean × steps)"] == "5.05"  # noqa: RUF001
    assert cosine["first step < 50% of peak"] == "51"
    assert cosine["first step < 10% of peak"] == "80"
    # 0.05 (1 + cos(pi/4)) = 0.0853553390...
    assert cosine["value at step 25"] == "0.0853553"


def test_table_csv_keeps_every_digit(monkeypatch: Any) -> None:
    recorded = record_downloads(monkeypatch)
    at = open_app(HAND)
    name, text = download(at, "Download table (CSV)", recorded)
    assert name == "dynweights-comparison-at-step-25.csv"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["curve"] for r in rows] == ["Linear", "Cosine annealing"]
    assert float(rows[0]["area"]) == 99.0
    assert float(rows[1]["value_at_step"]) == 0.05 * (1 + 0.7071067811865476)
    assert rows[1]["area_error"] == "0.0"
    assert rows[1]["first_step_below_10pct"] == "80"


def test_step_cursor_is_a_line_on_both_charts_and_in_the_link() -> None:
    at = open_app({"units": "fraction", "total_steps": "1000"})
    assert "step_cursor" not in link(at)
    assert "value at step 500" in table(at)[0]  # none chosen: half the total
    for fig in figures(at).values():
        (line,) = fig["layout"]["shapes"]
        assert line["x0"] == line["x1"] == 500
    at = type_shared(at, "step_cursor", "123")
    assert link(at)["step_cursor"] == "123"
    for fig in figures(at).values():
        assert fig["layout"]["shapes"][0]["x0"] == 123
    assert "value at step 123" in table(at)[0]
    again = open_app({"units": "fraction", "total_steps": "1000", "step_cursor": "123"})
    assert again.text_input(key="w.shared.step_cursor").value == "123"
    assert "value at step 123" in table(again)[0]


def test_bad_step_cursor_in_a_link_is_ignored_with_a_notice() -> None:
    at = open_app({"units": "fraction", "step_cursor": "-5"})
    (notice,) = link_notices(at)
    assert "`step_cursor`" in notice
    assert view(at).shared["step_cursor"] == ""


def test_areas_at_a_billion_steps_are_exact_to_the_digits_shown() -> None:
    at = open_app({"units": "fraction", "total_steps": str(10**9), "init_lr": "3e-4"})
    rows = table(at)
    assert len(rows) == 4
    for row, bound in zip(rows, bounds(at), strict=True):
        assert bound is not None
        value, error = sums.area(bound)
        assert error <= 5e-7 * abs(value)
        assert row["area (Σ over steps = mean × steps)"] == short(value)  # noqa: RUF001


@pytest.mark.parametrize(
    ("curve", "total", "words"),
    [
        ("cosine_with_linear_warmup", 100, "0 at step 0"),
        ("phases:linear,100,0.1,-0.1", 100, "goes below 0"),
        ("exponential", 100, "98.2%"),
        ("cosine_warm_restarts:cycle_steps=10", 1_000_000, "restarts or drops"),
        ("cosine_with_linear_warmup:warmup_steps=60;warmup_lr=1e-6", 100, "more than half"),
    ],
)
def test_each_caution_shows_in_its_own_editor(curve: str, total: int, words: str) -> None:
    at = open_app({"units": "steps", "total_steps": str(total), "curve": [curve, "linear"]})
    assert not at.exception
    # The list row says the curve has a caution; its editor says which.
    label = cv.labels(view(at).curves, view(at).shared)[view(at).curves[0].id]
    rows = [str(m.value) for m in at.markdown if "■■■" in str(m.value)]
    assert "caution" in rows[0]
    assert "caution" not in rows[1]
    assert cautions(at) == []
    at = open_editor(at, 0)
    (shown,) = [c for c in cautions(at) if words in c]
    assert shown
    at = open_editor(at, 1)
    assert cautions(at) == []
    # A caution never blocks drawing: the curve is in its chart.
    drawn = [t["name"] for f in figures(at).values() for t in f["data"]]
    assert label in drawn


@pytest.mark.parametrize("total", [100, 500_000, 10**9])
def test_default_view_shows_no_caution(total: int) -> None:
    at = open_app({"units": "fraction", "total_steps": str(total), "init_lr": "3e-4"})
    assert cautions(at) == []
    assert link_notices(at) == []


def test_pytorch_rise_after_total_is_folded_under_the_formula() -> None:
    at = open_editor(open_app({"units": "fraction", "curve": "cosine_annealing"}), 0)
    assert cautions(at) == []
    unfold(at, f"open.{view(at).curves[0].id}.formula")
    (formula,) = [e for e in at.expander if e.label == "Formula"]
    assert any("rises again after total_steps" in str(c.value) for c in formula.caption)


def test_hover_lists_every_curve_with_six_significant_digits() -> None:
    at = open_app({"units": "fraction", "init_lr": "3e-4"})
    for fig in figures(at).values():
        assert fig["layout"]["hovermode"] == "x unified"
        assert fig["layout"]["xaxis"]["hoverformat"] == ",d"
        assert {t["hovertemplate"] for t in fig["data"]} == {"%{y:.6~g}"}
    ticks = figures(at)["Learning-rate schedules"]["layout"]["yaxis"]["ticktext"]
    assert "3e-4" in ticks  # e-notation, not 300μ or 0.0003


def test_log_scale_ticks_every_decade_in_e_notation() -> None:
    at = open_app({"units": "fraction", "init_lr": "3e-4", "log_lrs": "true"})
    axis = figures(at)["Learning-rate schedules"]["layout"]["yaxis"]
    assert (axis["type"], axis["dtick"], axis["exponentformat"]) == ("log", 1, "e")


def _configs(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(chart.proto.config) for chart in at.get("plotly_chart")]


def test_image_export_has_room_for_legend_and_caption() -> None:
    at = open_app({"units": "fraction", "total_steps": "1000", "image_format": "svg"})
    for fig, config in zip(figures(at).values(), _configs(at), strict=True):
        n = len(fig["data"])
        image = config["toImageButtonOptions"]
        assert image["format"] == "svg"
        assert image["filename"].endswith("-T1000")
        (caption,) = [a for a in fig["layout"]["annotations"] if "T=1,000" in a["text"]]
        lines = caption["text"].split("<br>")
        # A line per curve, and more where its parameters would not fit a phone.
        assert len(lines) >= n
        assert max(map(len, lines)) <= fg.CAPTION_CHARS
        bottom = 48 + 13 * len(lines) + 20 * n + 8
        assert image["height"] == fg.PLOT_PX + bottom
        assert fig["layout"]["height"] == image["height"]
        assert fig["layout"]["margin"]["b"] == bottom
        assert fig["layout"]["legend"]["yref"] == "container"
        assert config["displaylogo"] is False
        assert "lasso2d" in config["modeBarButtonsToRemove"]
        hints = [a["text"] for a in fig["layout"]["annotations"]] + [fig["layout"]["title"]["text"]]
        assert not any("click" in h.lower() or "hide" in h.lower() for h in hints)
    lr = figures(at)["Learning-rate schedules"]["layout"]["annotations"]
    assert any("warmup_lr=1e-6" in a["text"] for a in lr)
    # The restarts' parameters run past a line: the rest follows, indented.
    assert any("<br>\u00a0\u00a0\u00a0\u00a0" in a["text"] for a in lr)


def test_colours_are_okabe_ito_and_stay_with_their_curves() -> None:
    at = open_app({"units": "fraction"})
    okabe_ito = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000"}
    assert set(cv.PALETTE) >= okabe_ito
    before = {t["name"]: t["line"]["color"] for f in figures(at).values() for t in f["data"]}
    assert len(set(before.values())) == 4
    at = click(at, 0, "rm")
    after = {t["name"]: t["line"]["color"] for f in figures(at).values() for t in f["data"]}
    assert after == {k: v for k, v in before.items() if k != "Linear"}


def test_link_notice_vanishes_once_its_value_changes() -> None:
    at = open_app({"units": "fraction", "total_steps": "abc", "curve": ["linear", "nope"]})
    assert len(link_notices(at)) == 2
    at = type_shared(at, "total_steps", "2000")
    (left,) = link_notices(at)
    assert "`nope`" in left
    at.run()
    assert link_notices(at) == [left]


def test_link_notice_can_be_dismissed() -> None:
    at = open_app({"units": "fraction", "total_steps": "abc", "log_lrs": "maybe"})
    assert len(link_notices(at)) == 2
    at.button(key="dismiss.0").click().run()
    (left,) = link_notices(at)
    assert "`log_lrs`" in left
    at.run()
    assert link_notices(at) == [left]


def test_a_formula_is_sent_only_while_open_and_stays_open() -> None:
    at = open_app({"units": "fraction", "curve": ["cosine", "linear"]})
    at = open_editor(at, 1)
    assert not at.latex  # closed: Streamlit would send (and the browser draw) it anyway
    second = view(at).curves[1]
    unfold(at, f"open.{second.id}.formula")
    formula = f"$$\n{dynweights.schedule('linear').formula}\n$$"
    (latex,) = at.latex
    assert latex.value == formula
    # Switching units reseeds every widget; what the user opened stays open.
    at = switch_units(at, "steps")
    assert [e.value for e in at.latex] == [formula]
