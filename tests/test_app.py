"""The explorer page through Streamlit's AppTest: widgets, figures, links, downloads.

Every figure is read back from the element's spec (the JSON Plotly.js gets) and
compared bit for bit with ``dynweights``. What only a browser does (the URL
rewriting after a widget moves, the real download) is in tests/browser/.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from urllib.parse import parse_qs, urlencode

import numpy as np
import pytest
from app_helpers import (
    TITLES,
    VIEW_DEFAULTS,
    download,
    figures,
    open_app,
    param_values,
    record_downloads,
    texts,
    trace_labels,
    traces,
    view_values,
)

import dynweights
from dynweights import SCHEDULES
from explorer import model

DEFAULTS = {name: p.default for name, p in model.PARAMS.items()}
ALL_NAMES = [n for c in model.CHARTS for n in c.defaults]  # shown by default
N_CURVES = len(ALL_NAMES)

# A non-default, in-range value for the seed parameters, valid one at a time
# and all together (warmup_lr above init_lr is allowed: the warmup ramps down).
CHOSEN: dict[str, model.Value] = {
    "total_steps": 5000,
    "max_weight": 2.5,
    "power_factor": 0.5,
    "warmup_steps": 50,
    "init_lr": 0.5,
    "warmup_lr": 0.7,
    "min_lr": 0.05,
    "cycle_steps": 40,
    "cycle_mult": 3,
}


def nudged(param: dynweights.Param) -> model.Value:
    """One widget step away from the default, for parameters not chosen above."""
    if param.type is str:
        return next(c for c in param.choices if c != param.default)
    low, high = model.bounds(param)
    step = param.type(param.step)
    value = param.default + step if param.default + step <= high else param.default - step
    assert low <= value <= high
    return value if param.type is int else round(float(value), 12)


LINK_VALUES = {name: CHOSEN.get(name, nudged(p)) for name, p in model.PARAMS.items()}


def assert_plotted_exact(at: Any, params: dict[str, Any]) -> int:
    """Every drawn point equals ``dynweights.evaluate`` at ``params``; returns the trace count."""
    count = 0
    for fig in figures(at).values():
        for name, (x, y) in traces(fig).items():
            p = model.schedule_params(name, params)
            assert x.dtype == np.int32
            np.testing.assert_array_equal(x, dynweights.plot_steps(name, **p))
            np.testing.assert_array_equal(y, dynweights.evaluate(name, x, **p))
            count += 1
    return count


def latex_bodies(at: Any) -> list[str]:
    return [str(v).removeprefix("$$\n").removesuffix("\n$$") for v in texts(at, "latex")]


def formulas_of(names: list[str]) -> list[str]:
    return [SCHEDULES[n].formula for n in names]


def test_default_run_draws_both_charts_with_registry_labels() -> None:
    at = open_app()
    assert not at.exception
    assert texts(at, "error") == []
    assert texts(at, "warning") == []
    assert len(at.get("plotly_chart")) == 2
    for chart in model.CHARTS:
        labels = [SCHEDULES[n].label for n in chart.defaults]
        assert trace_labels(at, chart.key) == labels
    # The seed registry's curves, at least; later schedules join them.
    assert set(trace_labels(at, "weights")) >= {"Linear", "Cosine", "Power", "Exponential"}
    seed_lrs = {"Cosine with linear warmup", "Cosine annealing", "Cosine warm restarts"}
    assert set(trace_labels(at, "lrs")) >= seed_lrs
    assert param_values(at) == DEFAULTS
    assert view_values(at) == VIEW_DEFAULTS


def test_default_values_equal_dynweights() -> None:
    at = open_app()
    assert assert_plotted_exact(at, DEFAULTS) == N_CURVES


def test_values_stay_exact_after_moving_widgets() -> None:
    at = open_app()
    expected = dict(DEFAULTS)
    moves: list[tuple[str, str, int | float]] = [
        ("number_input", "total_steps", 10**9),
        ("slider", "power_factor", 3.7),
        ("slider", "cycle_mult", 3),
        ("slider", "init_lr", 0.5),
        ("slider", "min_lr", 0.01),
        ("slider", "warmup_lr", 0.9),
        ("slider", "max_weight", 7.25),
        ("number_input", "warmup_steps", 123_456_789),
        ("number_input", "cycle_steps", 777),
    ]
    for kind, key, value in moves:
        getattr(at, kind)(key=key).set_value(value)
        at.run()
        expected[key] = value
        assert not at.exception
        assert texts(at, "error") == []
        assert param_values(at) == expected
        assert assert_plotted_exact(at, expected) == N_CURVES


def test_link_values_are_all_non_default_and_in_range() -> None:
    assert set(CHOSEN) <= set(LINK_VALUES) == set(model.PARAMS)
    for name, value in LINK_VALUES.items():
        param = model.PARAMS[name]
        assert value != param.default
        assert model.parse_value(param, str(value)) == value


@pytest.mark.parametrize("name", sorted(LINK_VALUES))
def test_link_sets_one_parameter(name: str) -> None:
    at = open_app({name: str(LINK_VALUES[name])})
    assert not at.exception
    assert texts(at, "warning") == []
    assert texts(at, "error") == []
    expected = {**DEFAULTS, name: LINK_VALUES[name]}
    assert param_values(at) == expected
    assert assert_plotted_exact(at, expected) == N_CURVES
    assert at.query_params == {name: str(LINK_VALUES[name])}


def test_link_sets_every_parameter_at_once() -> None:
    at = open_app({name: str(value) for name, value in LINK_VALUES.items()})
    assert not at.exception
    assert texts(at, "warning") == []
    assert texts(at, "error") == []
    assert param_values(at) == LINK_VALUES
    assert assert_plotted_exact(at, LINK_VALUES) == N_CURVES


def test_link_sets_the_view() -> None:
    query = {"weights": ["Power", "Linear"], "lrs": "Cosine annealing", "log_lrs": "true"}
    at = open_app({**query, "image_format": "svg"})
    assert texts(at, "warning") == []
    assert view_values(at) == {
        "weights": ["power", "linear"],
        "lrs": ["cosine_annealing"],
        "log_weights": False,
        "log_lrs": True,
        "image_format": "svg",
    }
    assert trace_labels(at, "weights") == ["Power", "Linear"]
    assert trace_labels(at, "lrs") == ["Cosine annealing"]
    assert figures(at)[TITLES["lrs"]]["layout"]["yaxis"]["type"] == "log"


def test_empty_curve_list_in_link_hides_every_curve() -> None:
    # The browser writes an empty multiselect as `lrs=`; that link must reopen
    # with no learning-rate curve, not fall back to all of them.
    at = open_app({"lrs": ""})
    assert texts(at, "warning") == []
    assert view_values(at)["lrs"] == []
    assert trace_labels(at, "lrs") == []
    assert latex_bodies(at) == formulas_of(list(model.CHARTS[0].defaults))


def vlines(fig: dict[str, Any]) -> list[tuple[Any, Any]]:
    shapes = fig["layout"].get("shapes", [])
    return [(s["x0"], s["x1"]) for s in shapes if s.get("type") == "line"]


@pytest.mark.parametrize("warmup", [10, 1, 12_345])
def test_warmup_end_is_marked(warmup: int) -> None:
    at = open_app({"total_steps": "100000", "warmup_steps": str(warmup)})
    figs = figures(at)
    assert vlines(figs[TITLES["lrs"]]) == [(warmup, warmup)]
    assert vlines(figs[TITLES["weights"]]) == []
    assert any(f"{warmup:,}" in a["text"] for a in figs[TITLES["lrs"]]["layout"]["annotations"])


def test_no_warmup_mark_without_warmup_or_its_curve() -> None:
    assert vlines(figures(open_app({"warmup_steps": "0"}))[TITLES["lrs"]]) == []
    hidden = open_app({"lrs": ["Cosine annealing", "Cosine warm restarts"]})
    assert vlines(figures(hidden)[TITLES["lrs"]]) == []


@pytest.mark.parametrize("chart", model.CHARTS, ids=lambda c: c.key)
def test_log_toggle_sets_log_axis(chart: model.Chart) -> None:
    at = open_app()
    other = next(c for c in model.CHARTS if c is not chart)
    assert figures(at)[chart.title]["layout"]["yaxis"]["type"] == "linear"
    at.toggle(key=chart.log_key).set_value(True)
    at.run()
    figs = figures(at)
    assert figs[chart.title]["layout"]["yaxis"]["type"] == "log"
    assert figs[other.title]["layout"]["yaxis"]["type"] == "linear"
    assert assert_plotted_exact(at, DEFAULTS) == N_CURVES
    at.toggle(key=chart.log_key).set_value(False)
    at.run()
    assert figures(at)[chart.title]["layout"]["yaxis"]["type"] == "linear"


def test_one_formula_per_visible_curve() -> None:
    at = open_app()
    assert latex_bodies(at) == formulas_of(ALL_NAMES)
    labels = [f"**{SCHEDULES[n].label}**" for n in ALL_NAMES]
    assert texts(at, "markdown")[-N_CURVES:] == labels


def test_hiding_curves_removes_traces_and_formulas() -> None:
    at = open_app()
    at.multiselect(key="weights").set_value(["exponential", "power"])
    at.run()
    at.multiselect(key="lrs").set_value([])
    at.run()
    assert trace_labels(at, "weights") == ["Exponential", "Power"]
    assert trace_labels(at, "lrs") == []
    assert latex_bodies(at) == formulas_of(["exponential", "power"])
    assert assert_plotted_exact(at, DEFAULTS) == 2
    at.multiselect(key="lrs").set_value(["cosine_warm_restarts"])
    at.run()
    assert trace_labels(at, "lrs") == ["Cosine warm restarts"]
    assert latex_bodies(at) == formulas_of(["exponential", "power", "cosine_warm_restarts"])


def share_link(at: Any) -> str:
    # The share link is the page's last code block (the code export comes before).
    code = texts(at, "code")[-1]
    return code


def test_share_link_holds_the_non_default_link_values() -> None:
    pairs = [
        ("total_steps", "5000"),
        ("max_weight", "1.0"),  # the default: Streamlit drops it from the URL
        ("init_lr", "0.5"),
        ("weights", "Linear"),
        ("weights", "Power"),
    ]
    query: dict[str, Any] = {}
    for key, value in pairs:
        query.setdefault(key, []).append(value)
    at = open_app(query)
    expected = urlencode([p for p in pairs if p[0] != "max_weight"])
    assert share_link(at).endswith("?" + expected)
    assert "max_weight" not in share_link(at)


def test_share_link_of_the_default_view_has_no_query() -> None:
    assert "=" not in share_link(open_app())


def spec_bytes(at: Any) -> int:
    return sum(len(c.proto.spec.encode()) for c in at.get("plotly_chart"))


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"total_steps": "1000000000", "cycle_steps": "7"},
        {"total_steps": "1000000000", "cycle_steps": "1", "warmup_steps": "999999000"},
        {"total_steps": "1000000000", "cycle_steps": "1", "cycle_mult": "2"},
    ],
    ids=["default", "T=1e9,C=7", "T=1e9,C=1,W=T-1000", "T=1e9,C=1,m=2"],
)
def test_figure_payload_is_bounded(query: dict[str, str]) -> None:
    at = open_app(query)
    assert texts(at, "error") == []
    assert spec_bytes(at) < 300_000
    for fig in figures(at).values():
        for x, _ in traces(fig).values():
            assert len(x) < 4000
    params = {**DEFAULTS, **{k: int(v) for k, v in query.items()}}
    assert assert_plotted_exact(at, params) == N_CURVES


def test_many_restarts_draw_every_kept_peak_and_floor() -> None:
    at = open_app({"total_steps": "1000000000", "cycle_steps": "7"})
    steps, values = traces(figures(at)[TITLES["lrs"]])["cosine_warm_restarts"]
    assert len(steps) > 2000  # the envelope, not 1000 aliased samples
    # The band spans the true range over every integer step: the restart value
    # and the last step of a cycle, its lowest.
    params = {"total_steps": 10**9, "cycle_steps": 7}
    assert values.max() == dynweights.evaluate("cosine_warm_restarts", 7, **params)
    assert values.min() == dynweights.evaluate("cosine_warm_restarts", 6, **params)


LADDER = model.nice_steps(*map(int, model.bounds(model.PARAMS["total_steps"])))


def test_ladder_offers_1_2_5_steps_to_1e9() -> None:
    at = open_app()
    ladder = at.select_slider(key="total_steps__ladder")
    assert ladder.options == [f"{v:,}" for v in LADDER]
    assert {1, 100, 200, 500, 200_000_000, 500_000_000, 10**9} <= set(LADDER)
    assert ladder.value == 100


@pytest.mark.parametrize("value", [1, 500, 200_000_000, 10**9])
def test_ladder_moves_the_exact_total_steps(value: int) -> None:
    at = open_app()
    at.select_slider(key="total_steps__ladder").set_value(value)
    at.run()
    assert not at.exception
    assert at.number_input(key="total_steps").value == value
    expected = {**DEFAULTS, "total_steps": value}
    drawn = assert_plotted_exact(at, expected)
    # A total below a default warmup or decay length is a conflict, reported.
    errors = texts(at, "error")
    assert drawn + len(errors) == N_CURVES
    assert all("total_steps" in e for e in errors)
    if value >= 500:
        assert errors == []


@pytest.mark.parametrize(
    ("value", "rung"),
    [(250_000_000, 200_000_000), (400_000_000, 500_000_000), (3000, 2000), (1, 1), (10**9, 10**9)],
)
def test_exact_total_steps_moves_the_ladder_to_the_nearest_rung(value: int, rung: int) -> None:
    at = open_app()
    at.number_input(key="total_steps").set_value(value)
    at.run()
    assert at.select_slider(key="total_steps__ladder").value == rung
    assert at.number_input(key="total_steps").value == value


def test_link_value_puts_the_ladder_on_the_nearest_rung() -> None:
    at = open_app({"total_steps": "250000000"})
    assert at.select_slider(key="total_steps__ladder").value == 200_000_000
    assert at.number_input(key="total_steps").value == 250_000_000


def test_image_buttons_name_their_files() -> None:
    at = open_app({"total_steps": "5000", "image_format": "svg"})
    configs = [json.loads(c.proto.config) for c in at.get("plotly_chart")]
    names = sorted(c["toImageButtonOptions"]["filename"] for c in configs)
    assert names == ["dynamic-weights-T5000", "learning-rate-schedules-T5000"]
    assert {c["toImageButtonOptions"]["format"] for c in configs} == {"svg"}


def read_csv(text: str) -> tuple[list[str], list[list[str]]]:
    header, *rows = list(csv.reader(io.StringIO(text)))
    return header, rows


def assert_csv_exact(text: str, params: dict[str, Any]) -> np.ndarray:
    header, rows = read_csv(text)
    assert header[0] == "step"
    steps = np.array([int(r[0]) for r in rows])
    for column, name in enumerate(header[1:], start=1):
        expected = dynweights.evaluate(name, steps, **model.schedule_params(name, params))
        got = [float(r[column]) for r in rows]
        assert got == expected.tolist()
    return steps


def test_csv_download_has_every_step_and_exact_values(monkeypatch: pytest.MonkeyPatch) -> None:
    recorded = record_downloads(monkeypatch)
    at = open_app({"weights": ["Power", "Linear"], "min_lr": "0.0123"})
    name, text = download(at, "Download CSV", recorded)
    assert name == "dynweights-T100-all-steps.csv"
    header, _ = read_csv(text)
    assert header == ["step", "power", "linear", *model.CHARTS[1].defaults]
    assert texts(at, "error") == []
    steps = assert_csv_exact(text, {**DEFAULTS, "min_lr": 0.0123})
    np.testing.assert_array_equal(steps, np.arange(101))


def test_csv_download_beyond_the_cap_is_the_plotted_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    recorded = record_downloads(monkeypatch)
    at = open_app({"total_steps": "1000000000", "lrs": "Cosine warm restarts"})
    name, text = download(at, "Download CSV", recorded)
    plotted = np.unique(
        np.concatenate([x for f in figures(at).values() for x, _ in traces(f).values()])
    )
    assert name == f"dynweights-T1000000000-sampled-{len(plotted)}-of-1000000001-steps.csv"
    steps = assert_csv_exact(text, {**DEFAULTS, "total_steps": 10**9})
    np.testing.assert_array_equal(steps, plotted)


def test_json_download_reproduces_the_view(monkeypatch: pytest.MonkeyPatch) -> None:
    recorded = record_downloads(monkeypatch)
    query = {
        "total_steps": "5000",
        "cycle_mult": "2",
        "weights": ["Linear", "Power"],
        "lrs": "",
        "log_weights": "true",
    }
    at = open_app(query)
    name, text = download(at, "Download JSON", recorded)
    assert name == "dynweights-T5000-config.json"
    config = json.loads(text)
    expected = {**DEFAULTS, "total_steps": 5000, "cycle_mult": 2}
    assert config["params"] == expected
    assert config["visible"] == {"weights": ["linear", "power"], "lrs": []}
    assert config["schedules"] == {
        n: model.schedule_params(n, expected) for n in ("linear", "power")
    }
    # Reopening the saved link gives the same parameters and the same view.
    share = parse_qs(config["share_query"].removeprefix("?"), keep_blank_values=True)
    again = open_app({k: v if len(v) > 1 else v[0] for k, v in share.items()})
    assert texts(again, "warning") == []
    assert param_values(again) == param_values(at)
    assert view_values(again) == view_values(at)
