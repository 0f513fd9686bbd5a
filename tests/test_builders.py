"""The explorer's builders as plain functions: no Streamlit, no browser."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from urllib.parse import parse_qs

import numpy as np
import pytest

import dynweights
from dynweights import SCHEDULES, Param
from explorer import downloads, figures, model

PARAMS = model.PARAMS
DEFAULTS = {name: p.default for name, p in PARAMS.items()}
ALL_NAMES = [n for c in model.CHARTS for n in c.names]
CHOICE = Param("shape", "Shape", "a", None, None, "A choice.", str, choices=("a", "b"))


# Schedules that draw at any total_steps >= 1 with default parameters.
ANY_LENGTH = [*model.CHARTS[0].names, "cosine_annealing", "cosine_warm_restarts"]


def curves_at(values: dict[str, model.Value], names: list[str] = ALL_NAMES) -> list[model.Curve]:
    curves, errors = model.build_curves(names, values)
    assert errors == []
    return curves


def bounds_rule(name: str) -> str:
    low, high = model.bounds(PARAMS[name])
    return re.escape(f"must be in [{low:g}, {high:g}]")


# parse_value ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("total_steps", "1", 1),
        ("total_steps", "1000000000", 10**9),
        ("total_steps", "0100", 100),
        ("warmup_steps", "0", 0),
        ("cycle_mult", "10", 10),
        ("init_lr", "0.1", 0.1),
        ("init_lr", "1e-05", 1e-05),
        ("init_lr", ".5", 0.5),
        ("init_lr", "1.", 1.0),
        ("min_lr", "0", 0.0),
        ("max_weight", "10", 10.0),
        ("max_weight", "2.5E0", 2.5),
        ("power_factor", "0.30000000000000004", 0.30000000000000004),
    ],
)
def test_parse_value_reads_plain_numbers_exactly(
    name: str, raw: str, expected: int | float
) -> None:
    value = model.parse_value(PARAMS[name], raw)
    assert value == expected
    assert type(value) is PARAMS[name].type


@pytest.mark.parametrize(
    ("name", "raw", "reason"),
    [
        ("total_steps", "abc", "whole number"),
        ("total_steps", "", "whole number"),
        ("total_steps", "0x10", "whole number"),
        ("total_steps", "1_000", "whole number"),
        ("total_steps", " 100", "whole number"),
        ("total_steps", "100 ", "whole number"),
        ("total_steps", "+100", "whole number"),
        ("total_steps", "\uff11\uff10\uff10", "whole number"),  # fullwidth; int() takes them
        ("total_steps", "100.0", "whole number"),
        ("total_steps", "1e3", "whole number"),
        ("total_steps", "-5", "must be"),
        ("total_steps", "inf", "whole number"),
        ("total_steps", "0", None),
        ("total_steps", "1000000001", None),
        ("total_steps", "9" * 400, "400 characters"),
        ("total_steps", "9" * 20_000, "20000 characters"),
        ("cycle_steps", "0", None),
        ("cycle_mult", "0", None),
        ("cycle_mult", "0.5", "whole number"),
        ("init_lr", "nan", "decimal number"),
        ("init_lr", "NaN", "decimal number"),
        ("init_lr", "inf", "decimal number"),
        ("init_lr", "-inf", "decimal number"),
        ("init_lr", "Infinity", "decimal number"),
        ("init_lr", "-0.1", "must be"),
        ("init_lr", "1e400", None),
        ("init_lr", "1.5", None),
        ("max_weight", "1e30", None),
        ("max_weight", "1e308", None),
        ("power_factor", "0", None),
        ("power_factor", "0x1p-2", "decimal number"),
        ("power_factor", "1" * 33, "33 characters"),
    ],
)
def test_parse_value_rejects(name: str, raw: str, reason: str | None) -> None:
    with pytest.raises(ValueError, match=reason or bounds_rule(name)):
        model.parse_value(PARAMS[name], raw)


def test_parse_value_of_a_choice() -> None:
    assert model.parse_value(CHOICE, "b") == "b"
    with pytest.raises(ValueError, match="one of a, b"):
        model.parse_value(CHOICE, "c")


def test_every_default_parses_back_to_itself() -> None:
    for param in PARAMS.values():
        assert model.parse_value(param, str(param.default)) == param.default


# check_link -----------------------------------------------------------------


def test_check_link_keeps_good_values_silently() -> None:
    check = model.check_link(
        {
            "total_steps": ["5000"],
            "init_lr": ["0.3"],
            "weights": ["Linear", "Power"],
            "lrs": [""],  # the browser's empty selection
            "log_lrs": ["true"],
            "image_format": ["svg"],
        }
    )
    assert check == model.LinkCheck((), {}, ())


def test_check_link_drops_bad_values_and_names_them() -> None:
    check = model.check_link(
        {
            "total_steps": ["inf"],
            "weights": ["Linear", "Quadratic"],
            "log_weights": ["maybe"],
            "image_format": ["gif"],
            "zzz": ["1"],
            "init_lr": ["0.2"],
        }
    )
    assert check.drop == ("total_steps", "weights", "log_weights", "image_format", "zzz")
    assert check.replace == {}
    assert len(check.notices) == 5
    for key, notice in zip(check.drop, check.notices, strict=True):
        assert f"`{key}`" in notice
    assert "`inf`" in check.notices[0]
    assert "Using `100`" in check.notices[0]
    assert "`Quadratic`" in check.notices[1]


def test_check_link_keeps_the_last_of_repeated_values() -> None:
    check = model.check_link({"total_steps": ["5", "700"], "init_lr": ["0.5", "abc"]})
    assert check.replace == {"total_steps": ["700"]}
    assert check.drop == ("init_lr",)
    assert any("`total_steps` was given 2 times" in n for n in check.notices)
    assert any("`init_lr`=`abc`" in n for n in check.notices)


def test_check_link_accepts_an_empty_link() -> None:
    assert model.check_link({}) == model.LinkCheck((), {}, ())


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "[x](javascript:alert(1))",
        "`</code><script>alert(1)</script>`",
        "a`b``c```d",
        "line\nbreak `x`",
        "x" * 100_000,
    ],
)
def test_check_link_notices_quote_untrusted_text(text: str) -> None:
    check = model.check_link({text: [text], "total_steps": [text], "weights": [text]})
    assert len(check.notices) == 3
    for notice in check.notices:
        assert len(notice) < 300
        outside = re.sub(r"`[^`]*`", "", notice)
        assert "`" not in outside
        for marker in ("<", ">", "javascript", "alert", "xxxx"):
            assert marker not in outside
        for span in re.findall(r"`([^`]*)`", notice):
            assert "\n" not in span


def test_quote_shortens_and_defuses() -> None:
    assert model.quote("a`b") == "`a'b`"
    assert model.quote("x" * 50) == "`" + "x" * 39 + "…`"
    assert model.quote("") == "``"


# build_curves ---------------------------------------------------------------


def test_build_curves_evaluates_each_visible_schedule() -> None:
    values = {**DEFAULTS, "total_steps": 5000, "warmup_steps": 77}
    curves = curves_at(values)
    assert [c.name for c in curves] == ALL_NAMES
    for curve in curves:
        spec = SCHEDULES[curve.name]
        assert (curve.label, curve.formula) == (spec.label, spec.formula)
        assert curve.params == model.schedule_params(curve.name, values)
        assert set(curve.params) == {p.name for p in spec.params}
        np.testing.assert_array_equal(
            curve.steps, dynweights.plot_steps(curve.name, **curve.params)
        )
        np.testing.assert_array_equal(
            curve.values, dynweights.evaluate(curve.name, curve.steps, **curve.params)
        )


@pytest.mark.parametrize(
    ("conflict", "names", "broken"),
    [
        ({"total_steps": 50, "warmup_steps": 50}, ("warmup_steps", "total_steps"), 1),
        ({"total_steps": 5}, ("warmup_steps", "total_steps"), 1),
        ({"init_lr": 0.01, "min_lr": 0.02}, ("min_lr", "init_lr"), 3),
    ],
)
def test_build_curves_reports_conflicts_and_draws_the_rest(
    conflict: dict[str, model.Value], names: tuple[str, ...], broken: int
) -> None:
    values = {**DEFAULTS, **conflict}
    seed = [*ANY_LENGTH, "cosine_with_linear_warmup"]
    curves, errors = model.build_curves(seed, values)
    assert len(errors) == broken
    assert len(curves) == len(seed) - broken
    for error in errors:
        for name in names:
            assert name in error
    # Over the whole registry: whatever cannot draw says so, naming two parameters.
    curves, errors = model.build_curves(ALL_NAMES, values)
    assert len(curves) + len(errors) == len(ALL_NAMES)
    drawn = {c.name for c in curves}
    for name in set(ALL_NAMES) - drawn:
        (error,) = [e for e in errors if e.startswith(SCHEDULES[name].label + ":")]
        assert sum(p.name in error for p in SCHEDULES[name].params) >= 2, error


def test_warmup_above_init_lr_is_not_a_conflict() -> None:
    values = {**DEFAULTS, "warmup_lr": 0.5}
    (curve,) = curves_at(values, ["cosine_with_linear_warmup"])
    assert curve.values[0] == 0.5
    assert curve.values[10] == 0.1
    assert np.all(np.diff(curve.values[:11]) < 0)


def test_build_curves_of_no_names() -> None:
    assert model.build_curves([], DEFAULTS) == ([], [])


def test_warmup_end() -> None:
    assert model.warmup_end(curves_at(DEFAULTS), DEFAULTS) == DEFAULTS["warmup_steps"]
    weights_only = curves_at(DEFAULTS, model.CHARTS[0].names)
    assert model.warmup_end(weights_only, DEFAULTS) is None
    no_warmup = {**DEFAULTS, "warmup_steps": 0}
    curves = curves_at(no_warmup, [*ANY_LENGTH, "cosine_with_linear_warmup"])
    assert model.warmup_end(curves, no_warmup) is None


# nice_steps and nearest -----------------------------------------------------


def test_nice_steps_is_a_1_2_5_ladder() -> None:
    ladder = model.nice_steps(1, 10**9)
    assert ladder == sorted(set(ladder))
    assert ladder[:6] == [1, 2, 5, 10, 20, 50]
    assert ladder[-3:] == [200_000_000, 500_000_000, 10**9]
    assert len(ladder) == 28
    for value in ladder:
        assert int(str(value)[0]) in (1, 2, 5)
        assert str(value)[1:] == "0" * (len(str(value)) - 1)


@pytest.mark.parametrize(("low", "high"), [(0, 999_999_999), (1, 1), (3, 70), (7, 7000)])
def test_nice_steps_covers_its_ends(low: int, high: int) -> None:
    ladder = model.nice_steps(low, high)
    assert ladder[0] == low
    assert ladder[-1] == high
    assert all(low <= v <= high for v in ladder)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, 1),
        (100, 100),
        (140, 100),
        (150, 200),  # log1p(150) is nearer log1p(200) than log1p(100)
        (3000, 2000),
        (4000, 5000),
        (250_000_000, 200_000_000),
        (10**9, 10**9),
        (10**12, 10**9),
        (0, 1),
        (-5, 1),
    ],
)
def test_nearest_on_a_log_scale(value: int, expected: int) -> None:
    assert model.nearest(model.nice_steps(1, 10**9), value) == expected


def test_nearest_ties_go_low() -> None:
    low, high = 3, 15  # log1p: 4 * 4 == 16, so 7 lies halfway
    assert math.log1p(7) - math.log1p(low) == pytest.approx(math.log1p(high) - math.log1p(7))
    assert model.nearest([high, low], 7) == low


def test_nearest_handles_zero() -> None:
    assert model.nearest(model.nice_steps(0, 999_999_999), 0) == 0


# figures --------------------------------------------------------------------


def test_chart_overlays_one_named_trace_per_curve() -> None:
    curves = curves_at(DEFAULTS, model.CHARTS[1].names)
    fig = figures.chart("LR", curves, warmup_end=10)
    assert [t.name for t in fig.data] == [c.label for c in curves]
    for trace, curve in zip(fig.data, curves, strict=True):
        np.testing.assert_array_equal(trace.x, curve.steps)
        np.testing.assert_array_equal(trace.y, curve.values)
        assert "%{y:.17~g}" in trace.hovertemplate
    assert fig.layout.title.text == "LR"
    assert fig.layout.yaxis.type == "linear"
    (line,) = fig.layout.shapes
    assert (line.type, line.x0, line.x1) == ("line", 10, 10)


def test_chart_log_axis_and_no_mark_without_warmup() -> None:
    fig = figures.chart("W", curves_at(DEFAULTS, ["linear"]), log_y=True)
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.shapes == ()


def test_chart_of_no_curves_is_an_empty_figure() -> None:
    assert len(figures.chart("W", []).data) == 0


def test_chart_sends_steps_as_packed_int32() -> None:
    values = {**DEFAULTS, "total_steps": 10**9}
    curves = curves_at(values, ["linear", "cosine_warm_restarts"])
    spec = json.loads(figures.chart("x", curves).to_json())
    for trace in spec["data"]:
        assert trace["x"]["dtype"] == "i4"
        assert trace["y"]["dtype"] == "f8"
        assert "bdata" in trace["x"]
        assert "bdata" in trace["y"]
    text = figures.chart("x", curves).to_json()
    assert not re.search(r"\[(\s*-?[0-9.e+-]+\s*,){999}", text)  # no plain list of 1000 numbers
    assert len(text) < 150_000


def test_int32_holds_every_allowed_step() -> None:
    assert np.iinfo(np.int32).max >= dynweights.MAX_TOTAL_STEPS


@pytest.mark.parametrize("image_format", model.IMAGE_FORMATS)
def test_plotly_config_names_the_image(image_format: str) -> None:
    config = figures.plotly_config("learning-rate-schedules", image_format, 250_000_000)
    options = config["toImageButtonOptions"]
    assert options["format"] == image_format
    assert "learning-rate-schedules" in options["filename"]
    assert "250000000" in options["filename"]
    assert config["displaylogo"] is False


# downloads ------------------------------------------------------------------


@pytest.mark.parametrize("total", [1, 100, model.CSV_ALL_STEPS_MAX])
def test_csv_steps_are_every_step_up_to_the_cap(total: int) -> None:
    values = {**DEFAULTS, "total_steps": total}
    steps = downloads.csv_steps(curves_at(values, ANY_LENGTH), total)
    np.testing.assert_array_equal(steps, np.arange(total + 1))


def test_csv_steps_beyond_the_cap_are_the_plotted_union() -> None:
    total = model.CSV_ALL_STEPS_MAX + 1
    values = {**DEFAULTS, "total_steps": total, "warmup_steps": 12_345, "cycle_steps": 7}
    curves = curves_at(values)
    steps = downloads.csv_steps(curves, total)
    union = set().union(*(c.steps.tolist() for c in curves))
    assert steps.tolist() == sorted(union)
    assert {12_344, 12_345, 0, total} <= union
    assert len(steps) < total


def test_csv_filename_says_how_it_was_sampled() -> None:
    assert downloads.csv_filename(100, 101) == "dynweights-T100-all-steps.csv"
    name = downloads.csv_filename(10**9, 3002)
    assert "sampled" in name
    assert "3002" in name
    assert "1000000001" in name
    assert "all-steps" not in name
    assert name.endswith(".csv")


@pytest.mark.parametrize(
    "values",
    [
        DEFAULTS,
        {**DEFAULTS, "total_steps": 1},
        {**DEFAULTS, "total_steps": 777, "power_factor": 0.3, "max_weight": 3.3, "min_lr": 0.013},
        {**DEFAULTS, "total_steps": 10**9, "warmup_lr": 0.7, "cycle_mult": 3},
    ],
    ids=["default", "T=1", "odd", "T=1e9"],
)
def test_csv_text_round_trips_every_value(values: dict[str, model.Value]) -> None:
    total = int(values["total_steps"])
    curves = curves_at(values, ALL_NAMES if total > 1 else ANY_LENGTH)
    steps = downloads.csv_steps(curves, total)
    header, *rows = list(csv.reader(io.StringIO(downloads.csv_text(curves, steps))))
    assert header == ["step", *(c.name for c in curves)]
    assert len(rows) == len(steps)
    assert [int(r[0]) for r in rows] == steps.tolist()
    for column, curve in enumerate(curves, start=1):
        expected = dynweights.evaluate(curve.name, steps, **curve.params).tolist()
        assert [float(r[column]) for r in rows] == expected


def test_csv_text_of_some_curves() -> None:
    curves = curves_at(DEFAULTS, ["power", "cosine_annealing"])
    text = downloads.csv_text(curves, np.arange(3))
    assert text == (
        "step,power,cosine_annealing\n"
        f"0,0.0,{0.1!r}\n"
        f"1,{0.0001!r},{dynweights.evaluate('cosine_annealing', 1)!r}\n"
        f"2,{0.0004!r},{dynweights.evaluate('cosine_annealing', 2)!r}\n"
    )


def test_config_json_holds_the_whole_view() -> None:
    values = {**DEFAULTS, "total_steps": 5000}
    visible = {"weights": ["linear", "power"], "lrs": []}
    query = [("total_steps", "5000"), ("weights", "Linear"), ("weights", "Power"), ("lrs", "")]
    config = json.loads(downloads.config_json(values, visible, query))
    assert config["params"] == values
    assert config["visible"] == visible
    assert config["schedules"] == {
        "linear": {"total_steps": 5000, "max_weight": 1.0},
        "power": {"total_steps": 5000, "max_weight": 1.0, "power_factor": 2.0},
    }
    assert parse_qs(config["share_query"].removeprefix("?"), keep_blank_values=True) == {
        "total_steps": ["5000"],
        "weights": ["Linear", "Power"],
        "lrs": [""],
    }


def test_config_json_of_the_default_view_has_no_query() -> None:
    config = json.loads(downloads.config_json(DEFAULTS, {"weights": [], "lrs": []}, []))
    assert config["share_query"] == ""
    assert config["schedules"] == {}
