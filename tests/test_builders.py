"""The explorer's pure parts: number input, links, the curve list, the files."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

import dynweights
from explorer import curves as cv
from explorer import downloads, figures, links
from explorer.inputs import fmt, log_options, nearest, parse_value


@pytest.mark.parametrize(
    ("value", "text"),
    [(3e-4, "3e-4"), (3e-5, "3e-5"), (5e-6, "5e-6"), (0.1, "0.1"), (1.0, "1"), (500_000, "500000")],
)
def test_fmt_reads_like_people_write_and_round_trips(value: float, text: str) -> None:
    assert fmt(value) == text
    assert float(fmt(value)) == value


def test_log_ladder_spans_1e7_to_10_and_finds_3e4() -> None:
    options = log_options(1e-7, 10.0)
    assert options[0] == 0.0
    assert options[1] == 1e-7
    assert options[-1] == 10.0
    assert nearest(options, 3.2e-4) == 3e-4
    assert nearest(options, 5e-6) == 5e-6


def test_max_weight_range_puts_usual_values_mid_slider() -> None:
    options = log_options(1e-4, 1e3)
    assert 0.25 < options.index(0.01) / len(options) < options.index(10.0) / len(options) < 0.75


@pytest.mark.parametrize("raw", ["abc", "0x10", "nan", "inf", "-1", "1e400", "11", " 1"])
def test_rates_are_read_strictly(raw: str) -> None:
    with pytest.raises(ValueError, match=r"number|range|\[|negative"):
        parse_value(cv.param_named("init_lr"), raw)


def test_encode_then_parse_is_the_same_view() -> None:
    view = cv.default_view()
    view = cv.set_shared(cv.set_shared(view, "total_steps", 500_000), "init_lr", 3e-4)
    view = cv.add(view, cv.new_curve("warmup_stable_decay", view.shared, {"decay_shape": "1-sqrt"}))
    custom = cv.make_custom(view.curves[2], view.shared)
    assert isinstance(custom, cv.Curve)
    view = cv.add(view, dataclasses.replace(custom, title="Mine; 100% mine"))
    view = cv.set_visible(view, view.curves[0].id, False)
    query: dict[str, list[str]] = {}
    for key, value in links.encode(view):
        query.setdefault(key, []).append(value)
    parsed = links.parse(query)
    assert parsed.notices == ()
    assert links.encode(parsed.view) == links.encode(view)
    assert parsed.view.curves == view.curves
    assert [cv.bind(c, parsed.view.shared) for c in parsed.view.curves] == [
        cv.bind(c, view.shared) for c in view.curves
    ]


def test_hostile_curve_values_are_named() -> None:
    parsed = links.parse(
        {"units": ["steps"], "curve": ["nope:x=1", "linear:max_weight=abc;foo=1", "x" * 5000]}
    )
    assert [c.name for c in parsed.view.curves] == ["linear"]
    assert len(parsed.notices) == 4
    assert "`nope`" in parsed.notices[0]


def test_more_than_32_phases_is_refused() -> None:
    body = "|".join(["constant,1,0,0"] * 33)
    parsed = links.parse({"units": ["steps"], "curve": ["phases:" + body]})
    assert parsed.view.curves == ()
    assert "1 to 32 phases" in parsed.notices[0]


def test_figure_colours_and_empty_message() -> None:
    bound = dynweights.schedule("linear")
    fig = figures.chart("t", [figures.drawn("Linear", "#123456", bound)], log_y=False, empty="")
    assert fig.data[0].line.color == "#123456"
    assert fig.layout.hovermode == "x unified"
    empty = figures.chart("t", [], log_y=False, empty="Add a curve")
    assert empty.layout.annotations[0].text == "Add a curve"


def test_csv_and_json_builders() -> None:
    drawn = [figures.drawn("A, b", "#000", dynweights.schedule("linear", total_steps=4))]
    text = downloads.csv_text(drawn, downloads.all_steps(4))
    assert text.splitlines()[0] == 'step,"A, b"'
    assert text.splitlines()[-1] == "4,1.0"
    data = json.loads(downloads.schedules_json(drawn))
    assert dynweights.from_json(json.dumps(data[0])) == drawn[0].bound
    grid = downloads.grid_steps(10**9, 5)
    np.testing.assert_array_equal(grid, [0, 250_000_000, 500_000_000, 750_000_000, 10**9])
